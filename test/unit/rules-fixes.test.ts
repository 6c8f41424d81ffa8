/**
 * Every quick fix: the edits are applied to the text and the whole result compared with what a
 * careful engineer would write; analysing the result again no longer reports the diagnostic.
 */
import * as assert from 'node:assert/strict';
import { LOOPBACK, SOURCE_PLACEHOLDER_V4, SOURCE_PLACEHOLDER_V6 } from '../../src/core/rules/fixEdits';
import { analyze, applyEdits, assertGone, diagnosticAt, editFix, fixed, fixesOf, ownFixTitles } from './rules-helpers';
import type { SilenceFix } from './rules-helpers';

const SENSITIVE = 'sensitive-port-exposed';
const BIND = /^Publish on 127\.0\.0\.1 only$/;
const RESTRICT = /^Allow only from a trusted source/;
const UDP = 'udp-service-without-udp';
const ADD_UDP = /^Add \d+\/udp$/;

function ports(...entries: string[]): string {
  return `services:\n  db:\n    image: example\n    ports:\n${entries.map((entry) => `      - ${entry}\n`).join('')}`;
}

/** Offers of `rule` on `written`, without the two suppression fixes every diagnostic gets. */
function ownFixes(fileName: string, text: string, rule: string, written: string, options = {}): string[] {
  return ownFixTitles(fixesOf(fileName, text, diagnosticAt(fileName, text, rule, written, options)));
}

describe('quick fixes', () => {
  it('applies edits from the end, so each edit keeps its offsets', () => {
    const edits = [
      { range: { start: 0, end: 1 }, newText: 'AB' },
      { range: { start: 4, end: 4 }, newText: '!' },
      { range: { start: 2, end: 3 }, newText: '' },
    ];
    assert.equal(applyEdits('abcd', edits), 'ABbd!');
  });

  describe('Publish on 127.0.0.1 only (Compose short syntax)', () => {
    const cases: [string, string, string][] = [
      ['an unquoted mapping, quoted so YAML reads a string', '5432:5432', '"127.0.0.1:5432:5432"'],
      ['a double-quoted mapping', '"6379:6379"', '"127.0.0.1:6379:6379"'],
      ['a single-quoted mapping', "'6379:6379'", "'127.0.0.1:6379:6379'"],
      ['a 0.0.0.0 address, replaced', '"0.0.0.0:9200:9200"', '"127.0.0.1:9200:9200"'],
      ['an unquoted 0.0.0.0 address', '0.0.0.0:9200:9200', '127.0.0.1:9200:9200'],
      ['a [::] address', '"[::]:27017:27017"', '"127.0.0.1:27017:27017"'],
      ['a container port alone, on an ephemeral host port', '5432', '"127.0.0.1::5432"'],
      ['a quoted container port alone', '"5432"', '"127.0.0.1::5432"'],
      ['a mapping with a protocol', '5432:5432/tcp', '"127.0.0.1:5432:5432/tcp"'],
      ['a different host port', '"15432:5432"', '"127.0.0.1:15432:5432"'],
      ['a range', '"8080-8300:8080-8300"', '"127.0.0.1:8080-8300:8080-8300"'],
      ['a host port from a variable', '"${DB_PORT:-5432}:5432"', '"127.0.0.1:${DB_PORT:-5432}:5432"'],
    ];
    for (const [name, before, after] of cases) {
      it(`binds ${name}: ${before} → ${after}`, () => {
        const text = ports(before);
        const diagnostic = analyze('compose.yaml', text).diagnostics.find((candidate) => candidate.rule === SENSITIVE);
        assert.ok(diagnostic, 'reported');
        const result = applyEdits(text, editFix(fixesOf('compose.yaml', text, diagnostic), BIND).edits);
        assert.equal(result, ports(after));
        assertGone('compose.yaml', result, SENSITIVE, diagnostic, text);
      });
    }

    it('marks the bind fix as preferred', () => {
      const text = ports('"6379:6379"');
      assert.equal(editFix(fixesOf('compose.yaml', text, diagnosticAt('compose.yaml', text, SENSITIVE, '6379:6379')), BIND).isPreferred, true);
    });

    it('binds one entry of a flow list and leaves its neighbours', () => {
      const text = 'services:\n  db:\n    ports: [5432:5432, "6379:6379"]\n';
      assert.equal(fixed('compose.yaml', text, SENSITIVE, '5432:5432', BIND), 'services:\n  db:\n    ports: ["127.0.0.1:5432:5432", "6379:6379"]\n');
      assert.equal(fixed('compose.yaml', text, SENSITIVE, '6379:6379', BIND), 'services:\n  db:\n    ports: [5432:5432, "127.0.0.1:6379:6379"]\n');
    });

    it('offers no bind where the address comes from a variable: the edit could not know what it holds', () => {
      assert.deepEqual(ownFixes('compose.yaml', ports('"${HOST_IP:-0.0.0.0}:6379:6379"'), SENSITIVE, '${HOST_IP:-0.0.0.0}:6379:6379'), [
        'This is not Redis: record that service db runs its own software',
        'Accept the risk of port 6379/tcp in settings (silence it)',
      ]);
    });
  });

  describe('Publish on 127.0.0.1 only (Compose long syntax)', () => {
    it('adds host_ip below published:, at the key column', () => {
      const text = ports('target: 5432\n        published: 5432');
      assert.equal(fixed('compose.yaml', text, SENSITIVE, '5432', BIND), ports('target: 5432\n        published: 5432\n        host_ip: 127.0.0.1'));
    });

    it('adds host_ip at the key column when published: starts the item', () => {
      const text = ports('published: "5432"\n        target: 5432\n        protocol: tcp');
      assert.equal(fixed('compose.yaml', text, SENSITIVE, '5432', BIND), ports('published: "5432"\n        host_ip: 127.0.0.1\n        target: 5432\n        protocol: tcp'));
    });

    it('replaces a wildcard host_ip above or below published:, keeping its quotes', () => {
      const above = ports('target: 6379\n        host_ip: 0.0.0.0\n        published: 6379');
      assert.equal(fixed('compose.yaml', above, SENSITIVE, '6379', BIND), ports('target: 6379\n        host_ip: 127.0.0.1\n        published: 6379'));
      const below = ports('target: 6379\n        published: 6379\n        host_ip: "::"');
      assert.equal(fixed('compose.yaml', below, SENSITIVE, '6379', BIND), ports('target: 6379\n        published: 6379\n        host_ip: "127.0.0.1"'));
    });

    it('fills an empty host_ip, and finds one past a comment and a blank line', () => {
      const empty = ports('target: 5432\n        host_ip:\n        published: 5432');
      assert.equal(fixed('compose.yaml', empty, SENSITIVE, '5432', BIND), ports('target: 5432\n        host_ip: 127.0.0.1\n        published: 5432'));
      const apart = ports('target: 6379\n        published: 6379 # cache\n\n        # reachable from the LAN\n        host_ip: "0.0.0.0"');
      assert.equal(fixed('compose.yaml', apart, SENSITIVE, '6379', BIND), apart.replace('"0.0.0.0"', '"127.0.0.1"'));
    });

    it('keeps the line breaks of a CRLF file', () => {
      const text = ports('target: 5432\n        published: 5432').replace(/\n/g, '\r\n');
      const expected = ports('target: 5432\n        published: 5432\n        host_ip: 127.0.0.1').replace(/\n/g, '\r\n');
      assert.equal(fixed('compose.yaml', text, SENSITIVE, '5432', BIND), expected);
    });

    it('only touches the item the diagnostic is in', () => {
      const text = ports('target: 80\n        host_ip: 10.0.0.1\n        published: 8080', 'target: 5432\n        published: 5432');
      const expected = ports('target: 80\n        host_ip: 10.0.0.1\n        published: 8080', 'target: 5432\n        published: 5432\n        host_ip: 127.0.0.1');
      assert.equal(fixed('compose.yaml', text, SENSITIVE, '5432', BIND), expected);
    });

    it('adds host_ip to a flow mapping, or replaces the one it has', () => {
      assert.equal(fixed('compose.yaml', ports('{ target: 5432, published: 5432 }'), SENSITIVE, '5432', BIND), ports('{ target: 5432, published: 5432, host_ip: 127.0.0.1 }'));
      assert.equal(
        fixed('compose.yaml', ports('{target: 6379, published: "6379", host_ip: 0.0.0.0}'), SENSITIVE, '6379', BIND),
        ports('{target: 6379, published: "6379", host_ip: 127.0.0.1}'),
      );
    });
  });

  describe('published-all-interfaces', () => {
    const on = { ruleSeverities: { 'published-all-interfaces': 'info' as const } };

    it('binds short and long syntax like the sensitive-port fix', () => {
      assert.equal(fixed('compose.yaml', ports('"8080:80"'), 'published-all-interfaces', '8080:80', BIND, on), ports('"127.0.0.1:8080:80"'));
      const long = ports('target: 80\n        published: 8080');
      assert.equal(fixed('compose.yaml', long, 'published-all-interfaces', '8080', BIND, on), ports('target: 80\n        published: 8080\n        host_ip: 127.0.0.1'));
    });
  });

  describe('Quote (yaml-base-60)', () => {
    it('quotes an unquoted base-60 mapping, in a block and a flow list', () => {
      assert.equal(fixed('compose.yaml', ports('22:22'), 'yaml-base-60', '22:22', /^Quote 22:22$/), ports('"22:22"'));
      const flow = 'services:\n  ssh:\n    ports: [22:22, 8080:80]\n';
      assert.equal(fixed('compose.yaml', flow, 'yaml-base-60', '22:22', /^Quote 22:22$/), 'services:\n  ssh:\n    ports: ["22:22", 8080:80]\n');
    });

    it('is the only fix of its own besides suppression', () => {
      assert.deepEqual(ownFixes('compose.yaml', ports('22:22'), 'yaml-base-60', '22:22'), ['Quote 22:22']);
    });
  });

  describe('Add udp', () => {
    it('adds the udp word to a Dockerfile EXPOSE, right after the tcp one', () => {
      assert.equal(fixed('Dockerfile', 'FROM x\nEXPOSE 53\n', UDP, '53', ADD_UDP), 'FROM x\nEXPOSE 53 53/udp\n');
      assert.equal(fixed('Dockerfile', 'FROM x\nEXPOSE 80 53/tcp 443\n', UDP, '53/tcp', ADD_UDP), 'FROM x\nEXPOSE 80 53/tcp 53/udp 443\n');
    });

    it('adds a Compose list item below, with the same quote and indentation', () => {
      assert.equal(fixed('compose.yaml', ports('"53:53"'), UDP, '53:53', ADD_UDP), ports('"53:53"', '"53:53/udp"'));
      assert.equal(fixed('compose.yaml', ports("'123:123/tcp'"), UDP, '123:123/tcp', ADD_UDP), ports("'123:123/tcp'", "'123:123/udp'"));
      assert.equal(fixed('compose.yaml', ports('51820:51820  # vpn'), UDP, '51820:51820', ADD_UDP), ports('51820:51820  # vpn', '"51820:51820/udp"'));
    });

    it('adds to a Compose expose: list', () => {
      const text = 'services:\n  ntp:\n    expose:\n      - "123"\n';
      assert.equal(fixed('compose.yaml', text, UDP, '123', ADD_UDP), 'services:\n  ntp:\n    expose:\n      - "123"\n      - "123/udp"\n');
    });

    it('adds to a Compose flow list after the entry', () => {
      const text = 'services:\n  dns:\n    ports: ["53:53", "8080:80"]\n';
      assert.equal(fixed('compose.yaml', text, UDP, '53:53', ADD_UDP), 'services:\n  dns:\n    ports: ["53:53", "53:53/udp", "8080:80"]\n');
    });

    it('copies an iptables rule with the protocol switched, in a save file and a script', () => {
      const save = '*filter\n-A INPUT -p tcp -m tcp --dport 53 -j ACCEPT\nCOMMIT\n';
      assert.equal(fixed('rules.v4', save, UDP, '53', ADD_UDP), '*filter\n-A INPUT -p tcp -m tcp --dport 53 -j ACCEPT\n-A INPUT -p udp -m udp --dport 53 -j ACCEPT\nCOMMIT\n');
      const script = '#!/bin/sh\niptables -A INPUT -p tcp --dport 123 -j ACCEPT\n';
      assert.equal(fixed('firewall.sh', script, UDP, '123', ADD_UDP), '#!/bin/sh\niptables -A INPUT -p tcp --dport 123 -j ACCEPT\niptables -A INPUT -p udp --dport 123 -j ACCEPT\n');
    });

    it('copies only the port that needs udp out of a port list', () => {
      const save = '*filter\n-A INPUT -p tcp -m multiport --dports 53,80,443 -j ACCEPT\nCOMMIT\n';
      assert.equal(fixed('rules.v4', save, UDP, '53', ADD_UDP), save.replace('COMMIT', '-A INPUT -p udp -m multiport --dports 53 -j ACCEPT\nCOMMIT'));
      const nft = 'table inet f {\n  chain input {\n    tcp dport { 53, 80 } accept\n  }\n}\n';
      assert.equal(fixed('nftables.conf', nft, UDP, '53', ADD_UDP), nft.replace('{ 53, 80 } accept\n', '{ 53, 80 } accept\n    udp dport 53 accept\n'));
      const sets = 'table inet f {\n  chain input {\n    ip saddr { 10.0.0.1, 10.0.0.2 } tcp dport 123 ct state { new } accept\n  }\n}\n';
      assert.equal(fixed('nftables.conf', sets, UDP, '123', ADD_UDP), sets.replace('accept\n', 'accept\n    ip saddr { 10.0.0.1, 10.0.0.2 } udp dport 123 ct state { new } accept\n'));
      assert.equal(fixed('setup.sh', '#!/bin/sh\nufw allow 53,80/tcp\n', UDP, '53', ADD_UDP), '#!/bin/sh\nufw allow 53,80/tcp\nufw allow 53/udp\n');
      const full = '#!/bin/sh\nufw allow proto tcp to any port 80,53\n';
      assert.equal(fixed('setup.sh', full, UDP, '53', ADD_UDP), `${full}ufw allow proto udp to any port 53\n`);
    });

    it('offers nothing for a rule continued over several lines', () => {
      assert.deepEqual(ownFixes('firewall.sh', '#!/bin/sh\niptables -A INPUT -p tcp \\\n  --dport 53 -j ACCEPT\n', UDP, '53'), []);
    });

    it('copies an nftables rule with its indentation', () => {
      const text = 'table inet f {\n  chain input {\n    type filter hook input priority 0;\n    tcp dport 53 accept\n  }\n}\n';
      assert.equal(fixed('nftables.conf', text, UDP, '53', ADD_UDP), text.replace('    tcp dport 53 accept\n', '    tcp dport 53 accept\n    udp dport 53 accept\n'));
    });

    it('copies ufw commands in both forms', () => {
      assert.equal(fixed('setup.sh', '#!/bin/sh\nufw allow 53/tcp\n', UDP, '53/tcp', ADD_UDP), '#!/bin/sh\nufw allow 53/tcp\nufw allow 53/udp\n');
      const full = '#!/bin/sh\nufw allow proto tcp from 10.0.0.0/8 to any port 53\n';
      assert.equal(fixed('setup.sh', full, UDP, '53', ADD_UDP), `${full}ufw allow proto udp from 10.0.0.0/8 to any port 53\n`);
    });

    it('copies a ufw user.rules tuple together with its iptables lines', () => {
      const rule = (protocol: string): string => `### tuple ### allow ${protocol} 53 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p ${protocol} --dport 53 -j ACCEPT\n`;
      const text = `*filter\n:ufw-user-input - [0:0]\n### RULES ###\n\n${rule('tcp')}\n### END RULES ###\nCOMMIT\n`;
      assert.equal(fixed('ufw/user.rules', text, UDP, '53', ADD_UDP), `*filter\n:ufw-user-input - [0:0]\n### RULES ###\n\n${rule('tcp')}\n${rule('udp')}\n### END RULES ###\nCOMMIT\n`);
    });

    it('copies a firewalld port element and a firewall-cmd command', () => {
      const zone = '<?xml version="1.0"?>\n<zone>\n  <port protocol="tcp" port="53"/>\n</zone>\n';
      assert.equal(fixed('zones/public.xml', zone, UDP, '53', ADD_UDP), '<?xml version="1.0"?>\n<zone>\n  <port protocol="tcp" port="53"/>\n  <port protocol="udp" port="53"/>\n</zone>\n');
      const script = '#!/bin/bash\nfirewall-cmd --permanent --add-port=53/tcp\n';
      assert.equal(fixed('setup.sh', script, UDP, '53/tcp', ADD_UDP), `${script}firewall-cmd --permanent --add-port=53/udp\n`);
    });

    it('offers nothing for Kubernetes, where a port needs its own name', () => {
      const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  ports:\n    - port: 53\n';
      assert.deepEqual(ownFixes('k8s/dns.yaml', text, UDP, '53'), []);
    });
  });

  describe('Allow only from a trusted source', () => {
    const ufw = (command: string): string => `#!/bin/sh\n${command}\n`;
    const ufwCases: [string, string, string, string][] = [
      ['a bare port', 'ufw allow 5432', '5432', `ufw allow from ${SOURCE_PLACEHOLDER_V4} to any port 5432`],
      ['a port with a protocol', 'ufw allow 6379/tcp', '6379/tcp', `ufw allow from ${SOURCE_PLACEHOLDER_V4} to any port 6379 proto tcp`],
      ['a range', 'ufw allow 1000:2000/tcp', '1000:2000/tcp', `ufw allow from ${SOURCE_PLACEHOLDER_V4} to any port 1000:2000 proto tcp`],
      ['a rate limit with logging', 'ufw limit log 22/tcp', '22/tcp', `ufw limit log from ${SOURCE_PLACEHOLDER_V4} to any port 22 proto tcp`],
      ['from any', 'ufw allow from any to any port 9200 proto tcp', '9200', `ufw allow from ${SOURCE_PLACEHOLDER_V4} to any port 9200 proto tcp`],
      ['a full rule without from', 'ufw allow proto tcp to any port 27017', '27017', `ufw allow proto tcp from ${SOURCE_PLACEHOLDER_V4} to any port 27017`],
      ['an interface rule', 'ufw allow in on eth0 to any port 5432', '5432', `ufw allow in on eth0 from ${SOURCE_PLACEHOLDER_V4} to any port 5432`],
      ['an application profile', 'ufw allow OpenSSH', 'OpenSSH', `ufw allow from ${SOURCE_PLACEHOLDER_V4} to any app OpenSSH`],
      ['a quoted profile', 'ufw allow "OpenSSH"', 'OpenSSH', `ufw allow from ${SOURCE_PLACEHOLDER_V4} to any app "OpenSSH"`],
      ['a service name, which is a port and not a profile', 'ufw allow telnet', 'telnet', `ufw allow from ${SOURCE_PLACEHOLDER_V4} to any port 23 proto tcp`],
      ['a service name with a protocol', 'ufw allow telnet/tcp', 'telnet/tcp', `ufw allow from ${SOURCE_PLACEHOLDER_V4} to any port 23 proto tcp`],
      ['a port list, as a whole', 'ufw allow 21,9200/tcp', '9200', `ufw allow from ${SOURCE_PLACEHOLDER_V4} to any port 21,9200 proto tcp`],
    ];
    for (const [name, before, written, after] of ufwCases) {
      it(`restricts ufw ${name}: ${before}`, () => {
        assert.equal(fixed('setup.sh', ufw(before), SENSITIVE, written, RESTRICT), ufw(after));
      });
    }

    it('names the placeholder in the title and is preferred', () => {
      const text = ufw('ufw allow 5432');
      const fix = editFix(fixesOf('setup.sh', text, diagnosticAt('setup.sh', text, SENSITIVE, '5432')), RESTRICT);
      assert.equal(fix.title, `Allow only from a trusted source (then replace ${SOURCE_PLACEHOLDER_V4})`);
      assert.equal(fix.isPreferred, true);
    });

    it('inserts -s into an iptables save file, and replaces an explicit 0.0.0.0/0', () => {
      const text = '*filter\n-A INPUT -p tcp --dport 5432 -j ACCEPT\n-A INPUT -s 0.0.0.0/0 -p tcp --dport 6379 -j ACCEPT\nCOMMIT\n';
      const first = fixed('rules.v4', text, SENSITIVE, '5432', RESTRICT);
      assert.equal(first, text.replace('-A INPUT -p tcp --dport 5432', `-A INPUT -s ${SOURCE_PLACEHOLDER_V4} -p tcp --dport 5432`));
      assert.equal(fixed('rules.v4', text, SENSITIVE, '6379', RESTRICT), text.replace('-s 0.0.0.0/0', `-s ${SOURCE_PLACEHOLDER_V4}`));
    });

    it('inserts -s after the chain and rule number of iptables -I, and in a continued command', () => {
      const insert = '#!/bin/sh\niptables -I INPUT 3 -p tcp --dport 5432 -j ACCEPT\n';
      assert.equal(fixed('firewall.sh', insert, SENSITIVE, '5432', RESTRICT), `#!/bin/sh\niptables -I INPUT 3 -s ${SOURCE_PLACEHOLDER_V4} -p tcp --dport 5432 -j ACCEPT\n`);
      const continued = '#!/bin/sh\niptables -A INPUT -p tcp \\\n  --dport 9200 -j ACCEPT\n';
      assert.equal(fixed('firewall.sh', continued, SENSITIVE, '9200', RESTRICT), `#!/bin/sh\niptables -A INPUT -s ${SOURCE_PLACEHOLDER_V4} -p tcp \\\n  --dport 9200 -j ACCEPT\n`);
    });

    it('uses the IPv6 placeholder for ip6tables', () => {
      const script = '#!/bin/sh\nip6tables -A INPUT -p tcp --dport 6379 -j ACCEPT\n';
      assert.equal(fixed('firewall.sh', script, SENSITIVE, '6379', RESTRICT), `#!/bin/sh\nip6tables -A INPUT -s ${SOURCE_PLACEHOLDER_V6} -p tcp --dport 6379 -j ACCEPT\n`);
      const save = '# Generated by ip6tables-save v1.8.9\n*filter\n-A INPUT -p tcp --dport 6379 -j ACCEPT\nCOMMIT\n';
      assert.equal(fixed('rules.v6', save, SENSITIVE, '6379', RESTRICT), save.replace('-A INPUT -p', `-A INPUT -s ${SOURCE_PLACEHOLDER_V6} -p`));
      // Without the header, the file's name says it is for ip6tables-restore.
      const bare = '*filter\n-A INPUT -p tcp --dport 6379 -j ACCEPT\nCOMMIT\n';
      assert.equal(fixed('/etc/iptables/rules.v6', bare, SENSITIVE, '6379', RESTRICT), bare.replace('-A INPUT -p', `-A INPUT -s ${SOURCE_PLACEHOLDER_V6} -p`));
      assert.equal(fixed('/etc/iptables/rules.v4', bare, SENSITIVE, '6379', RESTRICT), bare.replace('-A INPUT -p', `-A INPUT -s ${SOURCE_PLACEHOLDER_V4} -p`));
    });

    it('inserts a saddr match before the port match in nftables, by address family', () => {
      const nft = (rule: string): string => `table inet filter {\n  chain input {\n    type filter hook input priority 0;\n    ${rule}\n  }\n}\n`;
      assert.equal(fixed('nftables.conf', nft('tcp dport 5432 accept'), SENSITIVE, '5432', RESTRICT), nft(`ip saddr ${SOURCE_PLACEHOLDER_V4} tcp dport 5432 accept`));
      assert.equal(fixed('nftables.conf', nft('iifname "eth0" tcp dport { 22, 23 } accept'), SENSITIVE, '23', RESTRICT), nft(`iifname "eth0" ip saddr ${SOURCE_PLACEHOLDER_V4} tcp dport { 22, 23 } accept`));
      assert.equal(fixed('nftables.conf', nft('ip6 nexthdr tcp tcp dport 9200 accept'), SENSITIVE, '9200', RESTRICT), nft(`ip6 nexthdr tcp ip6 saddr ${SOURCE_PLACEHOLDER_V6} tcp dport 9200 accept`));
    });

    it('uses ip6 saddr in an ip6 table, where ip saddr is rejected, and ip saddr in the tables around it', () => {
      const table = (family: string, rule: string): string => `table ${family} filter {\n  chain input {\n    type filter hook input priority 0;\n    ${rule}\n  }\n}\n`;
      const text = table('ip6', 'tcp dport 5432 accept') + table('ip', 'tcp dport 6379 accept');
      assert.equal(fixed('nftables.conf', text, SENSITIVE, '5432', RESTRICT), table('ip6', `ip6 saddr ${SOURCE_PLACEHOLDER_V6} tcp dport 5432 accept`) + table('ip', 'tcp dport 6379 accept'));
      assert.equal(fixed('nftables.conf', text, SENSITIVE, '6379', RESTRICT), table('ip6', 'tcp dport 5432 accept') + table('ip', `ip saddr ${SOURCE_PLACEHOLDER_V4} tcp dport 6379 accept`));
    });

    it('follows the family of an nft add rule command', () => {
      const text = '#!/usr/sbin/nft -f\ntable ip6 filter {\n}\nadd rule ip6 filter input tcp dport 5432 accept\nadd rule inet filter input tcp dport 6379 accept\n';
      assert.equal(fixed('nftables.conf', text, SENSITIVE, '5432', RESTRICT), text.replace('input tcp dport 5432', `input ip6 saddr ${SOURCE_PLACEHOLDER_V6} tcp dport 5432`));
      assert.equal(fixed('nftables.conf', text, SENSITIVE, '6379', RESTRICT), text.replace('input tcp dport 6379', `input ip saddr ${SOURCE_PLACEHOLDER_V4} tcp dport 6379`));
    });

    it('is not offered for firewalld, Compose or Dockerfiles', () => {
      const zone = '<?xml version="1.0"?>\n<zone>\n  <port protocol="tcp" port="5432"/>\n</zone>\n';
      assert.deepEqual(ownFixes('zones/public.xml', zone, SENSITIVE, '5432'), ['Accept the risk of port 5432/tcp in settings (silence it)']);
      assert.deepEqual(ownFixes('Dockerfile', 'FROM postgres:16\nEXPOSE 5432\n', SENSITIVE, '5432'), ['Accept the risk of port 5432/tcp in settings (silence it)']);
      assert.deepEqual(ownFixes('compose.yaml', ports('"5432:5432"').replace('image: example', 'image: postgres:16'), SENSITIVE, '5432:5432'), [
        'Publish on 127.0.0.1 only',
        'Accept the risk of port 5432/tcp in settings (silence it)',
      ]);
    });
  });

  describe('silence-port', () => {
    function silenceFix(fileName: string, text: string, written: string): SilenceFix | undefined {
      const fixes = fixesOf(fileName, text, diagnosticAt(fileName, text, SENSITIVE, written));
      return fixes.find((fix): fix is SilenceFix => fix.kind === 'silence-port');
    }

    it('carries only the port and protocol of the diagnostic', () => {
      const fix = silenceFix('Dockerfile', 'FROM x\nEXPOSE 5432\n', '5432');
      assert.deepEqual(fix, { kind: 'silence-port', title: 'Accept the risk of port 5432/tcp in settings (silence it)', port: 5432, protocol: 'tcp' });
    });

    it('keeps udp, and "any" for a rule that matches every protocol', () => {
      assert.deepEqual([silenceFix('Dockerfile', 'FROM x\nEXPOSE 161/udp\n', '161/udp')?.port, silenceFix('Dockerfile', 'FROM x\nEXPOSE 161/udp\n', '161/udp')?.protocol], [161, 'udp']);
      const fix = silenceFix('setup.sh', '#!/bin/sh\nufw allow 5432\n', '5432');
      assert.equal(fix?.protocol, 'any');
      assert.equal(fix?.title, 'Accept the risk of port 5432 in settings (silence it)');
    });

    it('is not offered for a range', () => {
      assert.equal(silenceFix('Dockerfile', 'FROM x\nEXPOSE 20-23\n', '20-23'), undefined);
    });
  });

  describe('Ignore on this line', () => {
    const LINE = /^Ignore .* on this line \(port-lens-ignore comment\)$/;

    it('puts the comment above the statement, at its indentation, and the diagnostic is gone', () => {
      assert.equal(fixed('Dockerfile', 'FROM x\nEXPOSE 6379\n', SENSITIVE, '6379', LINE), 'FROM x\n# port-lens-ignore sensitive-port-exposed\nEXPOSE 6379\n');
      assert.equal(fixed('compose.yaml', ports('"6379:6379"'), SENSITIVE, '6379:6379', LINE), ports('"6379:6379"').replace('      - "6379', '      # port-lens-ignore sensitive-port-exposed\n      - "6379'));
    });

    it('leaves the other rules on that line reported', () => {
      const result = fixed('Dockerfile', 'FROM x\nEXPOSE 6379\n', SENSITIVE, '6379', LINE);
      assert.deepEqual(analyze('Dockerfile', result).diagnostics.map((diagnostic) => diagnostic.rule), ['plaintext-protocol']);
    });

    it('goes above the first line of a continued statement', () => {
      const text = 'FROM x\nEXPOSE 80 \\\n    6379\n';
      assert.equal(fixed('Dockerfile', text, SENSITIVE, '6379', LINE), 'FROM x\n# port-lens-ignore sensitive-port-exposed\nEXPOSE 80 \\\n    6379\n');
    });

    it('covers long syntax from above published:', () => {
      const text = ports('target: 5432\n        published: 5432');
      assert.equal(fixed('compose.yaml', text, SENSITIVE, '5432', LINE), ports('target: 5432\n        # port-lens-ignore sensitive-port-exposed\n        published: 5432'));
    });

    it('writes an XML comment in a firewalld zone and a # comment in a firewall-cmd script', () => {
      const zone = '<?xml version="1.0"?>\n<zone>\n  <port protocol="tcp" port="5432"/>\n</zone>\n';
      assert.equal(fixed('zones/public.xml', zone, SENSITIVE, '5432', LINE), zone.replace('  <port', '  <!-- port-lens-ignore sensitive-port-exposed -->\n  <port'));
      const script = '#!/bin/bash\nfirewall-cmd --add-port=5432/tcp\n';
      assert.equal(fixed('setup.sh', script, SENSITIVE, '5432/tcp', LINE), '#!/bin/bash\n# port-lens-ignore sensitive-port-exposed\nfirewall-cmd --add-port=5432/tcp\n');
    });

    it('keeps the line breaks of a CRLF file', () => {
      assert.equal(fixed('Dockerfile', 'FROM x\r\nEXPOSE 6379\r\n', SENSITIVE, '6379', LINE), 'FROM x\r\n# port-lens-ignore sensitive-port-exposed\r\nEXPOSE 6379\r\n');
    });

    it('hides a ufw user.rules tuple, whose ports sit on a comment line', () => {
      const text = '*filter\n### RULES ###\n\n### tuple ### allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 5432 -j ACCEPT\n\n### END RULES ###\nCOMMIT\n';
      assert.equal(fixed('ufw/user.rules', text, SENSITIVE, '5432', LINE), text.replace('### tuple', '# port-lens-ignore sensitive-port-exposed\n### tuple'));
    });
  });

  describe('Ignore in this file', () => {
    const FILE = /^Ignore .* in this file$/;

    it('puts the comment on the first line, and every diagnostic of the rule is gone', () => {
      const text = 'FROM x\nEXPOSE 6379\nEXPOSE 5432\n';
      const result = fixed('Dockerfile', text, SENSITIVE, '6379', FILE);
      assert.equal(result, `# port-lens-ignore-file sensitive-port-exposed\n${text}`);
      assert.deepEqual(analyze('Dockerfile', result).diagnostics.filter((diagnostic) => diagnostic.rule === SENSITIVE), []);
    });

    it('goes below a Dockerfile parser directive, a shebang and an XML declaration', () => {
      const directive = '# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nEXPOSE 6379\n';
      assert.equal(fixed('Dockerfile', directive, SENSITIVE, '6379', FILE), '# syntax=docker/dockerfile:1\n# escape=`\n# port-lens-ignore-file sensitive-port-exposed\nFROM x\nEXPOSE 6379\n');
      const script = '#!/bin/sh\nufw allow 6379/tcp\n';
      assert.equal(fixed('setup.sh', script, SENSITIVE, '6379/tcp', FILE), '#!/bin/sh\n# port-lens-ignore-file sensitive-port-exposed\nufw allow 6379/tcp\n');
      const zone = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <port protocol="tcp" port="6379"/>\n</zone>\n';
      assert.equal(fixed('zones/public.xml', zone, SENSITIVE, '6379', FILE), zone.replace('<zone>', '<!-- port-lens-ignore-file sensitive-port-exposed -->\n<zone>'));
    });

    it('treats key=value comments as directives only in Dockerfiles', () => {
      const text = '# owner=platform\nservices:\n  db:\n    ports:\n      - "6379:6379"\n';
      assert.equal(fixed('compose.yaml', text, SENSITIVE, '6379:6379', FILE), `# port-lens-ignore-file sensitive-port-exposed\n${text}`);
    });

    it('keeps the line breaks of a CRLF file', () => {
      assert.equal(fixed('Dockerfile', 'FROM x\r\nEXPOSE 6379\r\n', SENSITIVE, '6379', FILE), '# port-lens-ignore-file sensitive-port-exposed\r\nFROM x\r\nEXPOSE 6379\r\n');
    });
  });

  describe('offers', () => {
    it('puts the rule fixes first, then the line and the file suppression', () => {
      const text = ports('"6379:6379"');
      const fixes = fixesOf('compose.yaml', text, diagnosticAt('compose.yaml', text, SENSITIVE, '6379:6379'));
      assert.deepEqual(fixes.map((fix) => fix.title), [
        'Publish on 127.0.0.1 only',
        'This is not Redis: record that service db runs its own software',
        'Accept the risk of port 6379/tcp in settings (silence it)',
        'Ignore sensitive-port-exposed on this line (port-lens-ignore comment)',
        'Ignore sensitive-port-exposed in this file',
      ]);
    });

    it('offers only suppression for rules without fixes of their own', () => {
      const text = 'services:\n  a:\n    ports:\n      - "8080:80"\n  b:\n    ports:\n      - "8080:81"\n';
      assert.deepEqual(ownFixes('compose.yaml', text, 'host-port-conflict', '8080:80'), []);
      assert.deepEqual(ownFixes('Dockerfile', 'FROM x\nEXPOSE 99999\n', 'invalid-port', '99999'), []);
    });

    it('binds to the documented loopback address', () => {
      assert.equal(LOOPBACK, '127.0.0.1');
    });
  });
});
