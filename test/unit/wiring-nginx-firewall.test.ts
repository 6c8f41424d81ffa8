import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../src/core/analysis';
import { scanFirewalld } from '../../src/core/scanners/firewalld';
import { detectFormats, scanFile } from '../../src/core/scanners/index';
import { scanIptables } from '../../src/core/scanners/iptables';
import { scanNginx } from '../../src/core/scanners/nginx';
import { scanUfw } from '../../src/core/scanners/ufw';
import type { ScanResult, SourceRange } from '../../src/core/types';
import { span } from './wiringHarness';
import type { Dial, FirewallBlock, HostFirewallFacts } from '../../src/core/wiring/facts';


/** The span of `inner` inside the first `outer` of `text`. */
function inside(text: string, outer: string, inner: string): SourceRange {
  const container = span(text, outer);
  const offset = outer.indexOf(inner);
  assert.ok(offset >= 0, `"${inner}" is not in "${outer}"`);
  return { start: container.start + offset, end: container.start + offset + inner.length };
}

function dials(result: ScanResult): readonly Dial[] {
  return result.wiring?.nginx?.dials ?? [];
}

/** The one firewall entry of a single-format scan. */
function firewallOf(result: ScanResult): HostFirewallFacts {
  const entries = result.wiring?.firewall ?? [];
  assert.equal(entries.length, 1, 'one firewall entry');
  return entries[0];
}

/** Directives inside `http { server { … } }`. */
function inServer(body: string): string {
  return `http {\n    server {\n        ${body.split('\n').join('\n        ')}\n    }\n}\n`;
}

interface DialExpectation {
  readonly via?: Dial['via'];
  readonly label?: string;
  /** The address as written: the text `range` covers. */
  readonly address: string;
  readonly host: string;
  /** The host as written, searched inside `address`; defaults to `host`. */
  readonly hostText?: string;
  readonly port: number;
  /** The port digits, searched inside `address`; absent when the scheme implies the port. */
  readonly digits?: string;
}

function dialAt(text: string, expected: DialExpectation): Dial {
  return {
    via: expected.via ?? 'proxy_pass',
    host: expected.host,
    hostRange: inside(text, expected.address, expected.hostText ?? expected.host),
    port: expected.port,
    ...(expected.digits !== undefined ? { portRange: portDigits(text, expected.address, expected.digits) } : {}),
    range: span(text, expected.address),
    text: expected.address,
    label: expected.label ?? 'proxy_pass',
  };
}

/** The port digits at the end of an address (a host may hold the same digits). */
function portDigits(text: string, address: string, digits: string): SourceRange {
  assert.ok(address.endsWith(`:${digits}`), `"${address}" does not end with its port`);
  const end = span(text, address).end;
  return { start: end - digits.length, end };
}

function expectDials(text: string, expected: readonly DialExpectation[], fileName?: string): void {
  const result = scanNginx(text, fileName ? { fileName } : undefined);
  assert.deepStrictEqual(dials(result), expected.map((entry) => dialAt(text, entry)));
}

function block(text: string, at: SourceRange, port: number, rule: string, options: { endPort?: number; protocol?: FirewallBlock['protocol'] } = {}): FirewallBlock {
  assert.ok(text.includes(rule), `"${rule}" is not in the case text`);
  return { port, endPort: options.endPort ?? port, protocol: options.protocol ?? 'tcp', range: at, text: rule };
}

describe('wiring facts: nginx dials', () => {
  it('dials a proxy_pass host with its port, the address ending before the URI', () => {
    const text = inServer('location /api/ {\n    proxy_pass http://backend:5001/api/;\n}');
    expectDials(text, [{ address: 'http://backend:5001', host: 'backend', port: 5001, digits: '5001' }]);
  });

  it('dials port 80 for http:// without a port, with no port range', () => {
    const text = inServer('location / {\n    proxy_pass http://Web.Internal;\n}');
    expectDials(text, [{ address: 'http://Web.Internal', host: 'web.internal', hostText: 'Web.Internal', port: 80 }]);
  });

  it('dials port 443 for https:// without a port', () => {
    const text = inServer('location / {\n    proxy_pass https://api.example.com/v1/;\n}');
    expectDials(text, [{ address: 'https://api.example.com', host: 'api.example.com', port: 443 }]);
  });

  it('dials the servers of an upstream block, with and without a port, and not the block name itself', () => {
    const text =
      'http {\n    upstream api {\n        server API.internal:8080 weight=5;\n        server cache.internal backup;\n' +
      '        server 10.0.0.1:8081;\n        server unix:/run/api.sock;\n    }\n' +
      '    server {\n        location / { proxy_pass http://api; }\n    }\n}\n';
    expectDials(text, [
      { via: 'upstream', label: 'upstream api', address: 'API.internal:8080', host: 'api.internal', hostText: 'API.internal', port: 8080, digits: '8080' },
      { via: 'upstream', label: 'upstream api', address: 'cache.internal', host: 'cache.internal', port: 80 },
    ]);
  });

  it('dials an upstream server named like its own block, as nginx resolves server entries as hosts', () => {
    const text = 'http {\n    upstream web {\n        server web:8000;\n    }\n    server {\n        location / { proxy_pass http://web; }\n    }\n}\n';
    expectDials(text, [{ via: 'upstream', label: 'upstream web', address: 'web:8000', host: 'web', port: 8000, digits: '8000' }]);
  });

  it('does not dial a name that is an upstream block defined later in the file, whatever its case', () => {
    const text = 'http {\n    server {\n        location /a { proxy_pass http://Late/; }\n        location /b { proxy_pass http://late; }\n    }\n    upstream late { server 10.0.0.9:9000; }\n}\n';
    assert.deepStrictEqual(dials(scanNginx(text)), []);
    assert.equal(scanNginx(text).wiring?.nginx, undefined);
  });

  it('does not dial IP literals', () => {
    const text = inServer('location /a { proxy_pass http://127.0.0.1:8080; }\nlocation /b { proxy_pass http://[::1]:9000; }\nlocation /c { fastcgi_pass 10.0.0.2:9000; }');
    const result = scanNginx(text);
    assert.equal(result.references.filter((reference) => reference.role === 'upstream').length, 3);
    assert.equal(result.wiring?.nginx, undefined);
  });

  it('does not dial an address holding a variable, but keeps a port followed by $request_uri', () => {
    const text = inServer(
      'location /a { proxy_pass http://$backend; }\nlocation /b { proxy_pass http://app:$port; }\n' +
        'location /c { proxy_pass http://app:80$suffix; }\nlocation /d { proxy_pass http://app:8080$request_uri; }',
    );
    expectDials(text, [{ address: 'http://app:8080', host: 'app', port: 8080, digits: '8080' }]);
  });

  it('does not dial unix sockets', () => {
    const text = inServer('location / { proxy_pass http://unix:/run/app.sock:/; }\nlocation ~ \\.php$ { fastcgi_pass unix:/run/php/php-fpm.sock; }');
    assert.equal(scanNginx(text).wiring?.nginx, undefined);
  });

  it('dials a stream proxy_pass host:port', () => {
    const text = 'stream {\n    server {\n        listen 5432;\n        proxy_pass db.internal:5432;\n    }\n}\n';
    expectDials(text, [{ address: 'db.internal:5432', host: 'db.internal', port: 5432, digits: '5432' }]);
  });

  it('labels the other *_pass directives with their name and skips grpc:// without a port', () => {
    const text = inServer(
      'location ~ \\.php$ { fastcgi_pass php:9000; }\nlocation /g { grpc_pass grpc://grpc.internal:50051; }\n' +
        'location /h { grpc_pass grpc://grpc.internal; }\nlocation /u { uwsgi_pass uwsgi://py:3031; }',
    );
    expectDials(text, [
      { label: 'fastcgi_pass', address: 'php:9000', host: 'php', port: 9000, digits: '9000' },
      { label: 'grpc_pass', address: 'grpc://grpc.internal:50051', host: 'grpc.internal', port: 50051, digits: '50051' },
      { label: 'uwsgi_pass', address: 'uwsgi://py:3031', host: 'py', port: 3031, digits: '3031' },
    ]);
  });

  it('locates an address inside a quoted value exactly, also when the value holds escapes', () => {
    const text = inServer('location /a { proxy_pass \'http://quoted:7000/a\'; }\nlocation /b { proxy_pass "http://escaped:7001/\\"x\\""; }');
    expectDials(text, [
      { address: 'http://quoted:7000', host: 'quoted', port: 7000, digits: '7000' },
      { address: 'http://escaped:7001', host: 'escaped', port: 7001, digits: '7001' },
    ]);
  });

  it('leaves the dials out of a file without dials', () => {
    assert.equal(scanNginx(inServer('listen 8080;')).wiring?.nginx, undefined);
  });
});

describe('wiring facts: ufw', () => {
  it('blocks the port of a short-form deny, with the command as the rule', () => {
    const text = 'ufw deny 5432/tcp\n';
    assert.deepStrictEqual(firewallOf(scanUfw(text)), { tool: 'ufw', blocks: [block(text, span(text, '5432/tcp'), 5432, 'ufw deny 5432/tcp')] });
  });

  it('blocks each port of a full-form reject behind sudo, and a range as one block', () => {
    const text = 'sudo ufw reject proto udp from any to any port 53,5353\nufw deny proto tcp to any port 6000:6007\n';
    const first = 'ufw reject proto udp from any to any port 53,5353';
    const second = 'ufw deny proto tcp to any port 6000:6007';
    assert.deepStrictEqual(firewallOf(scanUfw(text)).blocks, [
      block(text, inside(text, first, '53'), 53, first, { protocol: 'udp' }),
      block(text, inside(text, first, '5353'), 5353, first, { protocol: 'udp' }),
      block(text, inside(text, second, '6000:6007'), 6000, second, { endPort: 6007 }),
    ]);
  });

  it('blocks nothing for outgoing, route, allowed, source-limited, source-port or dry-run rules', () => {
    const text = [
      'ufw deny out 25',
      'ufw route deny 8080/tcp',
      'ufw allow 22',
      'ufw deny from 203.0.113.0/24 to any port 22',
      'ufw deny proto udp from any port 53 to any',
      'ufw --dry-run deny 3306',
    ].join('\n');
    const result = scanUfw(text);
    assert.ok(result.references.length >= 6, 'the rules are still read');
    assert.equal(result.wiring, undefined);
  });

  it('reads the incoming default, with or without a direction, as a default deny', () => {
    for (const command of ['ufw default deny incoming', 'ufw default reject incoming', 'ufw default deny']) {
      const text = `#!/bin/sh\nsudo ${command}\nufw allow 22/tcp\n`;
      assert.deepStrictEqual(firewallOf(scanUfw(text)), { tool: 'ufw', blocks: [], defaultDeny: { range: span(text, command), text: command } }, command);
    }
  });

  it('has no default deny for other directions, or when a later default allows', () => {
    assert.equal(scanUfw('ufw default deny outgoing\nufw default reject routed\n').wiring, undefined);
    assert.equal(scanUfw('ufw default deny incoming\nufw default allow incoming\n').wiring, undefined);
  });

  it('blocks the ports of deny tuples in user.rules, with the tuple line as the rule', () => {
    const deny = '### tuple ### deny tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in';
    const reject = '### tuple ### reject udp 161:162 0.0.0.0/0 any 0.0.0.0/0 in';
    const text = [
      '*filter',
      deny,
      '-A ufw-user-input -p tcp --dport 5432 -j DROP',
      '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in',
      '### tuple ### deny tcp 3306 0.0.0.0/0 any 10.0.0.0/8 in',
      '### tuple ### deny udp any 0.0.0.0/0 53 0.0.0.0/0 in',
      '### tuple ### route:deny tcp 8080 0.0.0.0/0 any 0.0.0.0/0 in_eth0!out_eth1',
      `${reject}\r`,
      'COMMIT',
    ].join('\n');
    assert.deepStrictEqual(firewallOf(scanUfw(text, { fileName: '/etc/ufw/user.rules' })), {
      tool: 'ufw',
      blocks: [block(text, inside(text, deny, '5432'), 5432, deny), block(text, inside(text, reject, '161:162'), 161, reject, { endPort: 162, protocol: 'udp' })],
    });
  });
});

describe('wiring facts: firewalld', () => {
  it('reads a zone without a target as a default deny, and its reject rich rules as blocks', () => {
    const text = [
      '<?xml version="1.0" encoding="utf-8"?>',
      '<zone>',
      '  <service name="ssh"/>',
      '  <rule family="ipv4"><port port="5432" protocol="tcp"/><reject/></rule>',
      '  <rule family="ipv4"><source address="10.0.0.0/8"/><port port="6379" protocol="tcp"/><drop/></rule>',
      '  <rule><port port="8000-8010" protocol="udp"/><drop/></rule>',
      '  <rule><port port="9000" protocol="tcp"/><accept/></rule>',
      '</zone>',
    ].join('\n');
    assert.deepStrictEqual(firewallOf(scanFirewalld(text, { fileName: '/etc/firewalld/zones/public.xml' })), {
      tool: 'firewalld',
      blocks: [
        { port: 5432, endPort: 5432, protocol: 'tcp', range: span(text, '5432'), text: 'firewalld rich rule in zone public: reject 5432/tcp' },
        { port: 8000, endPort: 8010, protocol: 'udp', range: span(text, '8000-8010'), text: 'firewalld rich rule in zone public: drop 8000-8010/udp' },
      ],
      defaultDeny: { range: span(text, '<zone>'), text: 'firewalld zone public' },
    });
  });

  it('reads a DROP zone as a default deny and an ACCEPT zone or a policy as none', () => {
    const drop = '<zone target="DROP">\n  <port port="443" protocol="tcp"/>\n</zone>\n';
    assert.deepStrictEqual(firewallOf(scanFirewalld(drop)), { tool: 'firewalld', blocks: [], defaultDeny: { range: span(drop, '<zone target="DROP">'), text: 'firewalld zone' } });
    assert.equal(scanFirewalld('<zone target="ACCEPT">\n  <port port="443" protocol="tcp"/>\n</zone>\n').wiring, undefined);
    assert.equal(scanFirewalld('<policy target="DROP">\n  <ingress-zone name="public"/>\n  <rule><port port="22" protocol="tcp"/><reject/></rule>\n</policy>\n').wiring, undefined);
  });

  it('reads the first command that opens ports in a zone as its default deny', () => {
    const first = 'firewall-cmd --permanent --zone=public --add-port=8080/tcp';
    const text = `#!/bin/sh\nsudo ${first}\nfirewall-cmd --permanent --zone=public --add-service=https\n`;
    assert.deepStrictEqual(firewallOf(scanFirewalld(text)), { tool: 'firewalld', blocks: [], defaultDeny: { range: span(text, first), text: 'firewalld zone public' } });
  });

  it('names the default zone, and the one --set-default-zone chose', () => {
    const plain = 'firewall-offline-cmd --add-service=http\n';
    assert.deepStrictEqual(firewallOf(scanFirewalld(plain)).defaultDeny, { range: span(plain, 'firewall-offline-cmd --add-service=http'), text: 'firewalld default zone' });
    const chosen = 'firewall-cmd --set-default-zone=work\nfirewall-cmd --add-port=5000/tcp\n';
    assert.deepStrictEqual(firewallOf(scanFirewalld(chosen)).defaultDeny, { range: span(chosen, 'firewall-cmd --add-port=5000/tcp'), text: 'firewalld zone work' });
  });

  it('has no default deny for the trusted zone, a zone set to ACCEPT, a zone in a variable, or policies', () => {
    const text = [
      'firewall-cmd --zone=trusted --add-port=8080/tcp',
      'firewall-cmd --permanent --zone=internal --add-port=9090/tcp',
      'firewall-cmd --permanent --zone=internal --set-target ACCEPT',
      'firewall-cmd --zone="$ZONE" --add-port=7070/tcp',
      'firewall-cmd --permanent --policy=out --add-rich-rule=\'rule port port="25" protocol="tcp" reject\'',
    ].join('\n');
    assert.equal(scanFirewalld(text).wiring, undefined);
  });

  it('blocks the ports of drop and reject rich rules given on the command line', () => {
    const rule = 'rule family="ipv4" port port="5432" protocol="tcp" reject';
    const text = [
      `firewall-cmd --zone=public --add-rich-rule='${rule}'`,
      'firewall-cmd --zone=public --add-rich-rule=\'rule family="ipv4" source address="10.0.0.0/8" port port="6379" protocol="tcp" drop\'',
      'firewall-cmd --zone=public --add-rich-rule=\'rule family="ipv4" source-port port="53" protocol="udp" drop\'',
    ].join('\n');
    assert.deepStrictEqual(firewallOf(scanFirewalld(text)), {
      tool: 'firewalld',
      blocks: [block(text, span(text, '5432'), 5432, rule)],
      defaultDeny: { range: span(text, `firewall-cmd --zone=public --add-rich-rule='${rule}'`), text: 'firewalld zone public' },
    });
  });
});

describe('wiring facts: iptables', () => {
  it('reads -P INPUT DROP as a default deny, and -A/-I INPUT drops and rejects as blocks', () => {
    const policy = 'iptables -P INPUT DROP';
    const drop = 'iptables -A INPUT -p tcp --dport 5432 -j DROP';
    const reject = 'iptables -I INPUT 1 -p udp -m multiport --dports 53,123 -j REJECT';
    const text = `#!/bin/sh\nsudo ${policy}\n${drop}\n${reject}\n`;
    assert.deepStrictEqual(firewallOf(scanIptables(text)), {
      tool: 'iptables',
      blocks: [
        block(text, inside(text, drop, '5432'), 5432, drop),
        block(text, inside(text, reject, '53'), 53, reject, { protocol: 'udp' }),
        block(text, inside(text, reject, '123'), 123, reject, { protocol: 'udp' }),
      ],
      defaultDeny: { range: span(text, policy), text: policy },
    });
  });

  it('blocks nothing for negated, source-port, other-chain, source-limited, accepting, deleted or protocol-less rules', () => {
    const text = [
      'iptables -A INPUT -p tcp ! --dport 22 -j DROP',
      'iptables -A INPUT -p udp --sport 53 -j DROP',
      'iptables -A OUTPUT -p tcp --dport 25 -j REJECT',
      'iptables -A INPUT -s 10.0.0.0/8 -p tcp --dport 3306 -j DROP',
      'iptables -A INPUT -p tcp --dport 443 -j ACCEPT',
      'iptables -D INPUT -p tcp --dport 6379 -j DROP',
      'iptables -A INPUT --dport 80 -j DROP',
      'iptables -P FORWARD DROP',
    ].join('\n');
    const result = scanIptables(text);
    assert.ok(result.references.length >= 7, 'the rules are still read');
    assert.equal(result.wiring, undefined);
  });

  it('lets a later ACCEPT policy undo a DROP, but not a refused REJECT policy', () => {
    assert.equal(scanIptables('iptables -P INPUT DROP\niptables -P INPUT ACCEPT\n').wiring, undefined);
    const text = 'iptables -P INPUT DROP\niptables -P INPUT REJECT\n';
    assert.deepStrictEqual(firewallOf(scanIptables(text)).defaultDeny, { range: span(text, 'iptables -P INPUT DROP'), text: 'iptables -P INPUT DROP' });
  });

  it('reads the policy and the rules of a save file, also inside an iptables-restore here-document', () => {
    const rule = '-A INPUT -p tcp -m tcp --dport 9200 -j REJECT --reject-with tcp-reset';
    const text = `#!/bin/sh\niptables-restore <<EOF\n*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n${rule}\nCOMMIT\nEOF\n`;
    assert.deepStrictEqual(firewallOf(scanIptables(text)), {
      tool: 'iptables',
      blocks: [block(text, inside(text, rule, '9200'), 9200, rule)],
      defaultDeny: { range: span(text, ':INPUT DROP'), text: ':INPUT DROP' },
    });
  });

  it('scans 100,000 rules and keeps the blocks of the INPUT drops among them', () => {
    const lines = ['*filter', ':INPUT DROP [0:0]'];
    for (let i = 0; i < 100_000; i++) {
      const port = 1 + (i % 60_000);
      lines.push(i % 4 === 0 ? `-A INPUT -p tcp -m tcp --dport ${port} -j DROP` : `-A INPUT -p tcp -m tcp --dport ${port} -j ACCEPT`);
    }
    lines.push('COMMIT');
    const result = scanIptables(`${lines.join('\n')}\n`);
    assert.equal(result.references.length, 100_000);
    const firewall = firewallOf(result);
    assert.equal(firewall.blocks.length, 25_000);
    assert.deepStrictEqual(firewall.blocks[1], { port: 5, endPort: 5, protocol: 'tcp', range: firewall.blocks[1].range, text: '-A INPUT -p tcp -m tcp --dport 5 -j DROP' });
    assert.equal(firewall.defaultDeny?.text, ':INPUT DROP');
  });
});

describe('wiring facts: a shell script with several firewalls', () => {
  it('returns one entry for iptables and one for ufw', () => {
    const text = '#!/bin/bash\nset -e\nufw default deny incoming\nufw deny 6379/tcp\niptables -A INPUT -p tcp --dport 5432 -j DROP\n';
    const result = scanFile('setup.sh', text);
    assert.ok(result);
    assert.deepStrictEqual(result.wiring?.firewall, [
      { tool: 'iptables', blocks: [block(text, span(text, '5432'), 5432, 'iptables -A INPUT -p tcp --dport 5432 -j DROP')] },
      {
        tool: 'ufw',
        blocks: [block(text, span(text, '6379/tcp'), 6379, 'ufw deny 6379/tcp')],
        defaultDeny: { range: span(text, 'ufw default deny incoming'), text: 'ufw default deny incoming' },
      },
    ]);
  });
});

describe('The file name reaches the scanners that read it', () => {
  it('names a firewalld zone after its file when analysed without options, as the editor analyses it', () => {
    const text = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';
    const analysis = analyzeFile('/etc/firewalld/zones/public.xml', text);
    assert.equal(analysis?.wiring?.firewall?.[0].defaultDeny?.text, 'firewalld zone public');
  });

  it('reads an iptables rules.v6 file as IPv6 through scanFile and analyzeFile alike', () => {
    const text = '*filter\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n';
    const viaScan = scanFile('/etc/iptables/rules.v6', text);
    const viaAnalysis = analyzeFile('/etc/iptables/rules.v6', text, { formats: ['iptables'] });
    assert.deepEqual(viaScan?.references, viaAnalysis?.references);
    assert.deepEqual(viaScan?.references, scanIptables(text, { fileName: '/etc/iptables/rules.v6' }).references);
    assert.ok(viaScan?.references[0].flags?.includes('ipv6'), 'read as IPv6');
  });
});

describe('nginx files found by their content', () => {
  const proxy = '# the reverse proxy\nserver {\n    listen 80;\n    location / {\n        proxy_pass http://backend:8000;\n    }\n}\n';

  it('reads a .conf file outside an nginx folder, and one named just conf, when they hold nginx blocks', () => {
    assert.deepEqual(detectFormats('/srv/app/proxy/conf', proxy), ['nginx']);
    assert.deepEqual(detectFormats('/srv/app/proxy/default.conf', proxy), ['nginx']);
    assert.equal(scanFile('/srv/app/proxy/conf', proxy)?.wiring?.nginx?.dials[0]?.host, 'backend');
  });

  it('leaves other .conf files alone', () => {
    assert.deepEqual(detectFormats('/etc/supervisor/supervisord.conf', '[program:web]\ncommand=/usr/bin/web --listen 80\n'), []);
    assert.deepEqual(detectFormats('/etc/redis/redis.conf', 'bind 127.0.0.1\nport 6379\n'), []);
    assert.deepEqual(detectFormats('/srv/app/conf', 'listen 80\n'), []);
    // Apache's own names still win.
    assert.deepEqual(detectFormats('/etc/apache2/ports.conf', 'Listen 80\n'), ['apache']);
  });
});
