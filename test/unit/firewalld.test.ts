import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import fc from 'fast-check';
import { ruleForProblem } from '../../src/core/rules/scannerProblems';
import { looksLikeFirewalld, scanFirewalld } from '../../src/core/scanners/firewalld';
import type { FirewallRuleInfo, PortReference, ProblemSeverity, ScanOptions, SourceRange } from '../../src/core/types';
import { at, inside } from './textSpans';

interface RefOptions {
  readonly digits?: string | null;
  readonly endPort?: number;
  readonly protocol?: PortReference['protocol'];
  readonly name?: string;
  readonly scope?: string;
  readonly flags?: string[];
  readonly rawText?: string;
  readonly occurrence?: number;
  readonly firewall?: Partial<FirewallRuleInfo>;
}

/** A firewalld reference at `token`: tcp, allowed from anywhere, unless the options say otherwise. */
function ref(text: string, token: string, port: number | null, options: RefOptions = {}): PortReference {
  const occurrence = options.occurrence ?? 0;
  const digits = options.digits === undefined ? token : options.digits;
  return {
    role: 'firewall',
    range: at(text, token, occurrence),
    ...(digits !== null ? { portRange: inside(text, token, digits, occurrence) } : {}),
    protocol: options.protocol ?? 'tcp',
    port,
    endPort: options.endPort ?? port,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.rawText !== undefined ? { rawText: options.rawText } : {}),
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ...(options.flags !== undefined ? { flags: options.flags } : {}),
    firewall: { action: 'allow', source: null, ...options.firewall },
  };
}

/** Where a forward port sends traffic: a NAT target, as the iptables and nftables scanners report them. */
function natTarget(text: string, token: string, port: number, options: RefOptions & { hostIp?: string; implicit?: boolean } = {}): PortReference {
  const base = ref(text, token, port, {
    ...options,
    flags: options.flags ?? ['forward-port', 'nat-target', ...(options.implicit ? ['implicit-port'] : [])],
    firewall: { action: 'jump', target: 'forward-port', ...options.firewall },
  });
  return options.hostIp !== undefined ? { ...base, hostIp: options.hostIp } : base;
}

interface ExpectedProblem {
  readonly code: string;
  readonly severity: ProblemSeverity;
  readonly range: SourceRange;
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly options?: ScanOptions;
  readonly expect: (text: string) => { references: PortReference[]; problems?: ExpectedProblem[] };
}

function check(cases: readonly Case[]): void {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const result = scanFirewalld(testCase.text, testCase.options);
      const expected = testCase.expect(testCase.text);
      assert.equal(result.format, 'firewalld');
      assert.deepEqual(result.references, expected.references);
      assert.deepEqual(result.problems.map(({ code, severity, range }) => ({ code, severity, range })), expected.problems ?? []);
    });
  }
}

const PUBLIC = { fileName: '/etc/firewalld/zones/public.xml' };
const zone = (body: string) => `<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Test</short>\n${body}\n</zone>\n`;
const RICH = ['rich-rule'];

describe('firewalld scanner: zone XML', () => {
  check([
    {
      name: 'a port in a zone file is open in that zone',
      text: zone('  <port protocol="tcp" port="22"/>'),
      options: PUBLIC,
      expect: (t) => ({ references: [ref(t, '22', 22, { scope: 'public' })] }),
    },
    { name: 'without a file name the zone is unnamed', text: zone('  <port port="8080" protocol="tcp"/>'), expect: (t) => ({ references: [ref(t, '8080', 8080)] }) },
    {
      name: 'a port range',
      text: zone('  <port protocol="udp" port="1000-2000"/>'),
      expect: (t) => ({ references: [ref(t, '1000-2000', 1000, { endPort: 2000, protocol: 'udp' })] }),
    },
    {
      name: 'a reversed range is swapped by firewalld without a word (firewall-offline-cmd accepts it)',
      text: zone('  <port protocol="tcp" port="2000-1000"/>'),
      expect: (t) => ({ references: [ref(t, '2000-1000', 1000, { endPort: 2000 })] }),
    },
    {
      name: 'a source port',
      text: zone('  <source-port protocol="udp" port="53"/>'),
      expect: (t) => ({ references: [ref(t, '53', 53, { protocol: 'udp', firewall: { sourcePort: true } })] }),
    },
    {
      name: 'a service stands for its ports',
      text: zone('  <service name="ssh"/>'),
      options: PUBLIC,
      expect: (t) => ({ references: [ref(t, 'ssh', 22, { digits: null, name: 'ssh', scope: 'public' })] }),
    },
    {
      name: 'a service with tcp and udp ports',
      text: zone('  <service name="dns"/>'),
      expect: (t) => ({ references: [ref(t, 'dns', 53, { digits: null, name: 'dns' }), ref(t, 'dns', 53, { digits: null, name: 'dns', protocol: 'udp' })] }),
    },
    {
      name: 'an included service is expanded',
      text: zone('  <service name="samba"/>'),
      expect: (t) => ({
        references: [
          ref(t, 'samba', 139, { digits: null, name: 'samba' }),
          ref(t, 'samba', 445, { digits: null, name: 'samba' }),
          ref(t, 'samba', 138, { digits: null, name: 'samba', protocol: 'udp' }),
          ref(t, 'samba', 137, { digits: null, name: 'samba', protocol: 'udp' }),
        ],
      }),
    },
    {
      name: 'an unknown service is reported for information',
      text: zone('  <service name="custom-app"/>'),
      expect: (t) => ({ references: [], problems: [{ code: 'unknown-service', severity: 'info', range: at(t, 'custom-app') }] }),
    },
    {
      name: 'a forward port opens its port and rewrites traffic to another address and port',
      text: zone('  <forward-port port="80" protocol="tcp" to-port="8080" to-addr="192.168.1.10"/>'),
      expect: (t) => ({ references: [ref(t, '80', 80, { flags: ['forward-port'] }), natTarget(t, '8080', 8080, { hostIp: '192.168.1.10' })] }),
    },
    {
      name: 'a forward port to a local port',
      text: zone('  <forward-port port="443" protocol="tcp" to-port="8443"/>'),
      expect: (t) => ({ references: [ref(t, '443', 443, { flags: ['forward-port'] }), natTarget(t, '8443', 8443)] }),
    },
    {
      name: 'a forward port to another address keeps the port',
      text: zone('  <forward-port port="53" protocol="udp" to-addr="10.0.0.53"/>'),
      expect: (t) => ({
        references: [ref(t, '53', 53, { protocol: 'udp', flags: ['forward-port'] }), natTarget(t, '10.0.0.53', 53, { digits: null, hostIp: '10.0.0.53', protocol: 'udp', implicit: true })],
      }),
    },
    {
      name: 'a forward port without a destination is an error',
      text: zone('  <forward-port port="80" protocol="tcp"/>'),
      expect: (t) => ({ references: [ref(t, '80', 80, { flags: ['forward-port'] })], problems: [{ code: 'missing-destination', severity: 'error', range: at(t, 'forward-port') }] }),
    },
    {
      name: 'a port without a protocol fails the file (firewall-offline-cmd: missing attribute protocol)',
      text: zone('  <port port="22"/>'),
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: inside(t, '<port port', 'port') }] }),
    },
    {
      name: 'a protocol firewalld does not know',
      text: zone('  <port protocol="icmp" port="8"/>'),
      expect: (t) => ({ references: [], problems: [{ code: 'unknown-protocol', severity: 'error', range: at(t, 'icmp') }] }),
    },
    {
      name: 'a port above 65535',
      text: zone('  <port protocol="tcp" port="65536"/>'),
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '65536') }] }),
    },
    {
      name: 'the end of a range above 65535 makes the range invalid (firewall-offline-cmd: invalid port range)',
      text: zone('  <port protocol="tcp" port="60000-70000"/>'),
      expect: (t) => ({ references: [], problems: [{ code: 'invalid-port', severity: 'error', range: at(t, '60000-70000') }] }),
    },
    {
      name: 'a port written as a service name',
      text: zone('  <port protocol="tcp" port="http"/>'),
      expect: (t) => ({ references: [ref(t, 'http', 80, { digits: null, name: 'http' })] }),
    },
    {
      name: 'a port that is neither a number nor a service',
      text: zone('  <port protocol="tcp" port="web"/>'),
      expect: (t) => ({ references: [], problems: [{ code: 'invalid-port', severity: 'error', range: at(t, 'web') }] }),
    },
    {
      name: 'a zone bound only to sources restricts its ports to them',
      text: zone('  <source address="10.0.0.0/8"/>\n  <source ipset="admins"/>\n  <port protocol="tcp" port="9090"/>'),
      expect: (t) => ({ references: [ref(t, '9090', 9090, { firewall: { source: '10.0.0.0/8, ipset:admins' } })] }),
    },
    {
      name: 'a zone with an interface takes all its traffic',
      text: zone('  <interface name="eth1"/>\n  <source address="10.0.0.0/8"/>\n  <port protocol="tcp" port="9090"/>'),
      expect: (t) => ({ references: [ref(t, '9090', 9090)] }),
    },
    {
      name: 'a commented-out port is ignored',
      text: zone('  <!-- <port protocol="tcp" port="23"/> -->\n  <port protocol="tcp" port="22"/>'),
      expect: (t) => ({ references: [ref(t, '22', 22)] }),
    },
    {
      name: 'an entity is never expanded',
      text: '<?xml version="1.0"?>\n<!DOCTYPE zone [ <!ENTITY p "22"> ]>\n<zone><port protocol="tcp" port="&p;"/></zone>\n',
      expect: (t) => ({ references: [], problems: [{ code: 'invalid-port', severity: 'error', range: at(t, '&p;') }] }),
    },
    {
      name: 'an unclosed tag is reported and the rest is still read',
      text: zone('  <port protocol="tcp" port="22"\n  <port protocol="tcp" port="80"/>'),
      expect: (t) => ({ references: [ref(t, '22', 22), ref(t, '80', 80)], problems: [{ code: 'parse-error', severity: 'error', range: at(t, '<port protocol="tcp" port="22"\n  ') }] }),
    },
    {
      name: 'an unquoted attribute is reported but still read',
      text: zone('  <port protocol="tcp" port=25/>'),
      expect: (t) => ({ references: [ref(t, '25', 25)], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'port=25') }] }),
    },
  ]);
});

describe('firewalld scanner: rich rules in XML', () => {
  check([
    {
      name: 'accept from a source',
      text: zone('  <rule family="ipv4">\n    <source address="10.0.0.0/8"/>\n    <port port="5432" protocol="tcp"/>\n    <accept/>\n  </rule>'),
      options: PUBLIC,
      expect: (t) => ({ references: [ref(t, '5432', 5432, { scope: 'public', flags: RICH, firewall: { target: 'accept', source: '10.0.0.0/8' } })] }),
    },
    {
      name: 'an inverted source',
      text: zone('  <rule family="ipv4"><source address="192.168.0.0/24" invert="True"/><port port="22" protocol="tcp"/><reject/></rule>'),
      expect: (t) => ({ references: [ref(t, '22', 22, { flags: RICH, firewall: { action: 'reject', target: 'reject', source: '!192.168.0.0/24' } })] }),
    },
    {
      name: 'drop is a deny',
      text: zone('  <rule><port port="23" protocol="tcp"/><drop/></rule>'),
      expect: (t) => ({ references: [ref(t, '23', 23, { flags: RICH, firewall: { action: 'deny', target: 'drop' } })] }),
    },
    {
      name: 'accept with a limit rate-limits',
      text: zone('  <rule><service name="ssh"/><accept><limit value="3/m"/></accept></rule>'),
      expect: (t) => ({ references: [ref(t, 'ssh', 22, { digits: null, name: 'ssh', flags: RICH, firewall: { action: 'limit', target: 'accept' } })] }),
    },
    {
      name: 'a limit on the log does not limit the accept',
      text: zone('  <rule><port port="80" protocol="tcp"/><log prefix="web"><limit value="1/m"/></log><accept/></rule>'),
      expect: (t) => ({ references: [ref(t, '80', 80, { flags: RICH, firewall: { target: 'accept' } })] }),
    },
    {
      name: 'a rule that only logs has no verdict',
      text: zone('  <rule><port port="3389" protocol="tcp"/><log prefix="rdp"/></rule>'),
      expect: (t) => ({ references: [ref(t, '3389', 3389, { flags: RICH, firewall: { action: 'other' } })] }),
    },
    {
      name: 'an ipset source',
      text: zone('  <rule><source ipset="blocklist"/><port port="25" protocol="tcp"/><drop/></rule>'),
      expect: (t) => ({ references: [ref(t, '25', 25, { flags: RICH, firewall: { action: 'deny', target: 'drop', source: 'ipset:blocklist' } })] }),
    },
    {
      name: 'a forward port inside a rule accepts what it forwards',
      text: zone('  <rule family="ipv4"><source address="203.0.113.0/24"/><forward-port port="2222" protocol="tcp" to-port="2022" to-addr="10.0.0.7"/></rule>'),
      expect: (t) => ({
        references: [
          ref(t, '2222', 2222, { flags: ['rich-rule', 'forward-port'], firewall: { source: '203.0.113.0/24' } }),
          natTarget(t, '2022', 2022, { hostIp: '10.0.0.7', flags: ['rich-rule', 'forward-port', 'nat-target'], firewall: { source: '203.0.113.0/24' } }),
        ],
      }),
    },
  ]);
});

describe('firewalld scanner: service and policy XML', () => {
  check([
    {
      name: 'a service definition describes ports without opening them',
      text: '<?xml version="1.0" encoding="utf-8"?>\n<service>\n  <short>My App</short>\n  <port protocol="tcp" port="7000"/>\n  <port protocol="udp" port="7001-7003"/>\n</service>\n',
      options: { fileName: '/etc/firewalld/services/myapp.xml' },
      expect: (t) => ({
        references: [
          ref(t, '7000', 7000, { scope: 'myapp', flags: ['service-definition'], firewall: { action: 'other', target: 'service' } }),
          ref(t, '7001-7003', 7001, { endPort: 7003, protocol: 'udp', scope: 'myapp', flags: ['service-definition'], firewall: { action: 'other', target: 'service' } }),
        ],
      }),
    },
    {
      name: 'a policy opens ports for the traffic it covers',
      text: '<?xml version="1.0"?>\n<policy target="CONTINUE">\n  <ingress-zone name="HOST"/>\n  <egress-zone name="public"/>\n  <port protocol="tcp" port="443"/>\n</policy>\n',
      options: { fileName: 'policies/egress-web.xml' },
      expect: (t) => ({ references: [ref(t, '443', 443, { scope: 'egress-web' })] }),
    },
    { name: 'other XML documents are not firewalld', text: '<project><port protocol="tcp" port="22"/></project>', expect: () => ({ references: [] }) },
  ]);
});

describe('firewalld scanner: firewall-cmd', () => {
  check([
    {
      name: '--add-port points at port/protocol',
      text: 'firewall-cmd --add-port=8080/tcp\n',
      expect: (t) => ({ references: [ref(t, '8080/tcp', 8080, { digits: '8080' })] }),
    },
    {
      name: '--zone names the scope',
      text: 'firewall-cmd --permanent --zone=public --add-port=8080/tcp\n',
      expect: (t) => ({ references: [ref(t, '8080/tcp', 8080, { digits: '8080', scope: 'public' })] }),
    },
    {
      name: 'option values may be separate words',
      text: 'firewall-cmd --zone internal --add-port 443/tcp\n',
      expect: (t) => ({ references: [ref(t, '443/tcp', 443, { digits: '443', scope: 'internal' })] }),
    },
    {
      name: 'a port range',
      text: 'firewall-cmd --add-port=1000-2000/udp\n',
      expect: (t) => ({ references: [ref(t, '1000-2000/udp', 1000, { digits: '1000-2000', endPort: 2000, protocol: 'udp' })] }),
    },
    {
      name: 'a port without a protocol is refused',
      text: 'firewall-cmd --add-port=8080\n',
      expect: (t) => ({ references: [], problems: [{ code: 'missing-protocol', severity: 'error', range: at(t, '8080') }] }),
    },
    {
      name: 'an unknown protocol is refused',
      text: 'firewall-cmd --add-port=8080/icmp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'unknown-protocol', severity: 'error', range: at(t, 'icmp') }] }),
    },
    {
      name: 'an out-of-range port',
      text: 'firewall-cmd --add-port=70000/tcp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '70000') }] }),
    },
    {
      name: 'a reversed range is swapped (firewall-offline-cmd accepts it)',
      text: 'firewall-cmd --add-port=2000-1000/tcp\n',
      expect: (t) => ({ references: [ref(t, '2000-1000/tcp', 1000, { digits: '2000-1000', endPort: 2000 })] }),
    },
    {
      name: '--add-service maps to its ports',
      text: 'firewall-cmd --add-service=ssh\n',
      expect: (t) => ({ references: [ref(t, 'ssh', 22, { digits: null, name: 'ssh' })] }),
    },
    {
      name: 'several services in one command',
      text: 'firewall-cmd --permanent --add-service=http --add-service=https\n',
      expect: (t) => ({ references: [ref(t, 'http', 80, { digits: null, name: 'http' }), ref(t, 'https', 443, { digits: null, name: 'https' })] }),
    },
    {
      name: 'an unknown service is reported for information',
      text: 'firewall-cmd --add-service=foo\n',
      expect: (t) => ({ references: [], problems: [{ code: 'unknown-service', severity: 'info', range: at(t, 'foo') }] }),
    },
    {
      name: 'remove, query and list options are skipped',
      text: 'firewall-cmd --remove-port=22/tcp\nfirewall-cmd --query-port=80/tcp\nfirewall-cmd --list-ports\nfirewall-cmd --remove-service=ssh\n',
      expect: () => ({ references: [] }),
    },
    {
      name: 'a source port',
      text: 'firewall-cmd --add-source-port=53/udp\n',
      expect: (t) => ({ references: [ref(t, '53/udp', 53, { digits: '53', protocol: 'udp', firewall: { sourcePort: true } })] }),
    },
    {
      name: 'a forward port',
      text: 'firewall-cmd --add-forward-port=port=80:proto=tcp:toport=8080:toaddr=192.168.1.5\n',
      expect: (t) => ({ references: [ref(t, '80', 80, { flags: ['forward-port'] }), natTarget(t, '8080', 8080, { hostIp: '192.168.1.5' })] }),
    },
    {
      name: 'an IPv6 to-address written last keeps its colons',
      text: 'firewall-cmd --add-forward-port=port=443:proto=tcp:toport=8443:toaddr=2001:db8::5\n',
      expect: (t) => ({ references: [ref(t, '443', 443, { flags: ['forward-port'] }), natTarget(t, '8443', 8443, { hostIp: '2001:db8::5' })] }),
    },
    {
      name: 'an unknown forward-port key',
      text: 'firewall-cmd --add-forward-port=port=80:protocol=tcp:toport=81\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'protocol') }] }),
    },
    {
      name: 'a single-quoted rich rule',
      text: `firewall-cmd --zone=internal --add-rich-rule='rule family="ipv4" source address="10.0.0.0/8" port port="5432" protocol="tcp" accept'\n`,
      expect: (t) => ({ references: [ref(t, '5432', 5432, { scope: 'internal', flags: RICH, firewall: { target: 'accept', source: '10.0.0.0/8' } })] }),
    },
    {
      name: 'a double-quoted rich rule with escaped quotes and an inverted source',
      text: 'firewall-cmd --add-rich-rule="rule family=\\"ipv4\\" source not address=\\"10.0.0.0/8\\" service name=\\"http\\" accept limit value=\\"1/m\\""\n',
      expect: (t) => ({ references: [ref(t, 'http', 80, { digits: null, name: 'http', flags: RICH, firewall: { action: 'limit', target: 'accept', source: '!10.0.0.0/8' } })] }),
    },
    {
      name: 'a rich rule matching a source port',
      text: `firewall-cmd --add-rich-rule='rule family="ipv4" source-port port="53" protocol="udp" drop'\n`,
      expect: (t) => ({ references: [ref(t, '53', 53, { protocol: 'udp', flags: RICH, firewall: { action: 'deny', target: 'drop', sourcePort: true } })] }),
    },
    {
      name: 'a rich rule must start with rule (firewall-offline-cmd: outside of rule)',
      text: `firewall-cmd --add-rich-rule='port port="22" protocol="tcp" accept'\n`,
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'port') }] }),
    },
    {
      name: 'sudo and firewall-offline-cmd',
      text: 'sudo firewall-cmd --add-port=9090/tcp\nfirewall-offline-cmd --add-port=9091/tcp\n',
      expect: (t) => ({ references: [ref(t, '9090/tcp', 9090, { digits: '9090' }), ref(t, '9091/tcp', 9091, { digits: '9091' })] }),
    },
    {
      name: 'ports added to a service definition',
      text: 'firewall-cmd --permanent --service=myapp --add-port=7000/tcp\n',
      expect: (t) => ({ references: [ref(t, '7000/tcp', 7000, { digits: '7000', scope: 'myapp', flags: ['service-definition'], firewall: { action: 'other', target: 'service' } })] }),
    },
    {
      name: 'ports added to a policy',
      text: 'firewall-cmd --permanent --policy=allow-host --add-port=22/tcp\n',
      expect: (t) => ({ references: [ref(t, '22/tcp', 22, { digits: '22', scope: 'allow-host' })] }),
    },
    {
      name: 'sources added to a zone elsewhere in the script restrict its ports',
      text: 'firewall-cmd --zone=internal --add-port=5432/tcp\nfirewall-cmd --zone=internal --add-source=10.0.0.0/8\n',
      expect: (t) => ({ references: [ref(t, '5432/tcp', 5432, { digits: '5432', scope: 'internal', firewall: { source: '10.0.0.0/8' } })] }),
    },
    {
      name: 'a shell variable port stays unresolved',
      text: 'firewall-cmd --add-port="$APP_PORT/tcp"\n',
      expect: (t) => ({ references: [ref(t, '$APP_PORT/tcp', null, { digits: null, rawText: '$APP_PORT' })] }),
    },
    { name: 'firewall-cmd mentioned by another command is not run', text: 'echo firewall-cmd --add-port=1/tcp\n', expect: () => ({ references: [] }) },
    {
      name: 'a command continued over lines',
      text: 'firewall-cmd --permanent \\\n  --zone=dmz \\\n  --add-port=25/tcp\n',
      expect: (t) => ({ references: [ref(t, '25/tcp', 25, { digits: '25', scope: 'dmz' })] }),
    },
  ]);
});

describe('firewalld content sniffing', () => {
  const cases: [string, string, boolean][] = [
    ['a zone file', '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n</zone>\n', true],
    ['a service file after a comment and a DOCTYPE', '<!-- generated -->\n<!DOCTYPE service>\n<service/>', true],
    ['a policy file', '<policy target="ACCEPT"/>', true],
    ['another XML document', '<?xml version="1.0"?>\n<project/>', false],
    ['a script that runs firewall-cmd', '#!/bin/sh\nfirewall-cmd --reload\n', true],
    ['a script without it', '#!/bin/sh\niptables -L\n', false],
  ];
  for (const [name, text, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(looksLikeFirewalld(text), expected));
  }
});

describe('firewalld fixtures', () => {
  const read = (name: string) => fs.readFileSync(`test/unit/fixtures/hosts/${name}`, 'utf8');

  it('reads a zone with services, ports, a forward port and rich rules', () => {
    const result = scanFirewalld(read('public.xml'), { fileName: 'zones/public.xml' });
    assert.deepEqual(
      result.references.map((reference) => [reference.role, reference.port, reference.protocol, reference.firewall?.action ?? '', reference.firewall?.source ?? '*']),
      [
        ['firewall', 22, 'tcp', 'allow', '*'],
        ['firewall', 546, 'udp', 'allow', '*'],
        ['firewall', 80, 'tcp', 'allow', '*'],
        ['firewall', 443, 'tcp', 'allow', '*'],
        ['firewall', 8080, 'tcp', 'allow', '*'],
        ['firewall', 80, 'tcp', 'jump', '*'],
        ['firewall', 5432, 'tcp', 'allow', '10.0.0.0/8'],
        ['firewall', 23, 'tcp', 'reject', '*'],
      ],
    );
    assert.ok(result.references.every((reference) => reference.scope === 'public'));
    assert.deepEqual(result.problems, []);
  });

  it('reads a provisioning script', () => {
    const result = scanFirewalld(read('firewall-setup.sh'));
    assert.deepEqual(
      result.references.map((reference) => [reference.port, reference.endPort, reference.protocol, reference.scope ?? '', reference.firewall?.source ?? '*']),
      [
        [80, 80, 'tcp', 'public', '*'],
        [443, 443, 'tcp', 'public', '*'],
        [30000, 32767, 'tcp', 'public', '*'],
        [9100, 9100, 'tcp', 'monitoring', '10.20.0.0/16'],
      ],
    );
    assert.deepEqual(result.problems, []);
  });
});

describe('firewalld scanner never throws', () => {
  const pieces = fc.constantFrom(
    '<zone>', '</zone>', '<service', '<port', ' port="', ' protocol="', 'tcp', 'udp', '"', '/>', '>', '<rule>', '</rule>', '<accept/>', '<limit value="1/m"/>',
    '<!--', '-->', '<!DOCTYPE x [', ']>', '22', '1000-2000', 'ssh', ' ', '\n', 'firewall-cmd', ' --add-port=', ' --add-rich-rule=', "'", 'rule ', 'not ', 'source address=',
    ' --add-forward-port=port=', ':proto=', ':toaddr=', '$X', '\\',
  );
  it('keeps every range inside the text', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join('')), (text) => {
        const result = scanFirewalld(text);
        for (const item of [...result.references, ...result.problems]) {
          assert.ok(item.range.start >= 0 && item.range.start <= item.range.end && item.range.end <= text.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Cases where Port Lens and firewall-offline-cmd (firewalld 1.3) once disagreed, with the tool's verdict
 * as the expected value: `refused` when the tool fails the command or the file (or drops a rule of it
 * with a warning), and the ports it then holds.
 */
describe('agrees with firewall-offline-cmd', () => {
  function verdict(text: string, fileName?: string): { refused: boolean; ports: string[] } {
    const result = scanFirewalld(text, fileName !== undefined ? { fileName } : undefined);
    return {
      refused: result.problems.some((item) => ruleForProblem(item) === 'invalid-port' || ruleForProblem(item) === 'parse-error'),
      ports: [...new Set(result.references.filter((item) => item.port !== null).map((item) => `${item.protocol}/${item.port === item.endPort ? item.port : `${item.port}-${item.endPort}`}`))].sort(),
    };
  }
  const cases: readonly (readonly [name: string, text: string, refused: boolean, ports?: readonly string[], fileName?: string])[] = [
    ['firewall-offline-cmd accepts port 0', 'firewall-cmd --add-port=0/tcp', false, ['tcp/0']],
    ['firewall-offline-cmd resolves a name whatever the protocol (syslog is udp in /etc/services)', 'firewall-cmd --add-port=syslog/tcp', false, ['tcp/514']],
    ['firewall-offline-cmd reads two names joined by a dash as a range', 'firewall-cmd --add-port=ftp-ssh/tcp', false, ['tcp/21-22']],
    ['firewall-offline-cmd reads a name with a dash whole (http-alt)', 'firewall-cmd --add-port=http-alt/tcp', false, ['tcp/8080']],
    ['firewall-offline-cmd reads +80, 080 and 1_000 as Python integers', 'firewall-cmd --add-port=+80/tcp --add-port=080/udp --add-port=1_000/sctp', false, ['sctp/1000', 'tcp/80', 'udp/80']],
    ['firewall-offline-cmd refuses 65536', 'firewall-cmd --add-port=65536/tcp', true],
    ['firewall-offline-cmd refuses a range ending above 65535', 'firewall-cmd --add-port=60000-70000/tcp', true],
    ['firewall-offline-cmd refuses an upper-case protocol', 'firewall-cmd --add-port=80/TCP', true],
    ['firewall-offline-cmd refuses a second slash', 'firewall-cmd --add-port=80/tcp/udp', true],
    ['firewall-offline-cmd refuses a name only the IANA registry has (mongodb)', 'firewall-cmd --add-port=mongodb/tcp', true, ['tcp/27017']],
    ['firewall-offline-cmd refuses two kinds of change in one call', 'firewall-cmd --add-port=80/tcp --add-service=http', true, ['tcp/80']],
    ['firewall-offline-cmd takes the same option twice', 'firewall-cmd --add-port=80/tcp --add-port=443/tcp', false, ['tcp/443', 'tcp/80']],
    ['firewall-offline-cmd has no --permanent', 'firewall-offline-cmd --permanent --add-port=80/tcp', true, ['tcp/80']],
    ['firewall-offline-cmd checks a removed port too', 'firewall-cmd --remove-port=99999/tcp', true],
    ['firewall-offline-cmd opens a service source port (llmnr-client)', 'firewall-cmd --add-service=llmnr-client', false, ['udp/5355']],
    ['firewall-offline-cmd refuses a forward-port key it does not know', 'firewall-cmd --add-forward-port=port=80:proto=tcp:toport=81:if=eth0', true],
    ['firewall-offline-cmd takes a bracketed IPv6 to-addr', 'firewall-cmd --add-forward-port=port=80:proto=tcp:toaddr=[2001:db8::1]', false, ['tcp/80']],
    ['firewall-offline-cmd refuses a to-addr with a zone index', 'firewall-cmd --add-forward-port=port=80:proto=tcp:toaddr=fe80::1%eth0', true, ['tcp/80']],
    ['firewall-offline-cmd refuses a rule with an address but no family', `firewall-cmd --add-rich-rule='rule source address=10.0.0.0/8 port port=22 protocol=tcp accept'`, true, ['tcp/22']],
    ['firewall-offline-cmd refuses a reject type without a family', `firewall-cmd --add-rich-rule='rule port port=23 protocol=tcp reject type=tcp-reset'`, true, ['tcp/23']],
    ['firewall-offline-cmd refuses an action on a forward port', `firewall-cmd --add-rich-rule='rule family=ipv4 forward-port port=80 protocol=tcp to-port=8080 accept'`, true, ['tcp/80', 'tcp/8080']],
    ['firewall-offline-cmd refuses two matches in one rule', `firewall-cmd --add-rich-rule='rule port port=22 protocol=tcp service name=ssh accept'`, true],
    ['firewall-offline-cmd refuses a priority out of range', `firewall-cmd --add-rich-rule='rule priority=40000 family=ipv4 port port=22 protocol=tcp accept'`, true, ['tcp/22']],
    ['firewall-offline-cmd refuses a limit unit it does not know', `firewall-cmd --add-rich-rule='rule port port=22 protocol=tcp accept limit value=10/x'`, true, ['tcp/22']],
    ['firewall-offline-cmd refuses a rule that ends inside "not"', `firewall-cmd --add-rich-rule='rule not port port=22 protocol=tcp accept'`, true],
    ['firewall-offline-cmd refuses an attribute written twice with =', `firewall-cmd --add-rich-rule='rule port port=22=23 protocol=tcp accept'`, true],
    ['firewall-offline-cmd accepts a rule that only logs a service', `firewall-cmd --add-rich-rule='rule service name=ssh log'`, false, ['tcp/22']],
    ['firewall-offline-cmd gives a limit written before the action to the action', `firewall-cmd --add-rich-rule='rule port port=22 protocol=tcp limit value=10/x accept'`, true, ['tcp/22']],
    ['firewall-offline-cmd forgets a limit written directly in the rule', `firewall-cmd --add-rich-rule='rule limit value=1/m port port=22 protocol=tcp accept'`, false, ['tcp/22']],
    ['firewall-offline-cmd refuses an ICMP type it does not have', `firewall-cmd --add-rich-rule='rule family=ipv4 icmp-block name=echo-requests'`, true, []],
    ['firewall-offline-cmd refuses a source network with a /33 mask', 'firewall-cmd --zone=internal --add-source=10.0.0.0/33', true],
    ['firewall-offline-cmd takes a MAC address as a source', 'firewall-cmd --zone=internal --add-source=00:11:22:33:44:55', false],
    ['firewall-offline-cmd binds a source to one zone only', 'firewall-cmd --zone=block --add-source=192.168.1.0/24\nfirewall-cmd --zone=trusted --add-source=192.168.1.0/24', true],
    ['firewall-offline-cmd takes a source again after it is removed', 'firewall-cmd --zone=block --add-source=192.168.1.0/24\nfirewall-cmd --zone=block --remove-source=192.168.1.0/24\nfirewall-cmd --zone=trusted --add-source=192.168.1.0/24', false],
    ['firewall-offline-cmd fills and uses a service the script creates', 'firewall-cmd --permanent --new-service=myapp\nfirewall-cmd --permanent --service=myapp --add-port=9000/tcp\nfirewall-cmd --permanent --add-service=myapp', false, ['tcp/9000']],
    ['firewall-offline-cmd drops an XML rule with a bad log level', '<zone><rule><port port="22" protocol="tcp"/><log level="loud"/><accept/></rule></zone>', true, ['tcp/22'], 'zones/web.xml'],
    ['firewall-offline-cmd drops an XML rule whose limit sits outside its action', '<zone><rule family="ipv4"><port port="22" protocol="tcp"/><accept/><limit value="1/m"/></rule></zone>', true, ['tcp/22'], 'zones/web.xml'],
    ['firewall-offline-cmd drops an XML rule with an inverted address but no family', '<zone><rule><source address="10.0.0.0/8" invert="True"/><port port="22" protocol="tcp"/><reject/></rule></zone>', true, ['tcp/22'], 'zones/web.xml'],
    ['firewall-offline-cmd refuses an element it does not know', '<zone><port port="22" protocol="tcp"/><bogus/></zone>', true, ['tcp/22'], 'zones/web.xml'],
    ['firewall-offline-cmd refuses an attribute it does not know', '<zone><port port="22" protocol="tcp" zone="x"/></zone>', true, [], 'zones/web.xml'],
    ['firewall-offline-cmd refuses a zone source network with a /33 mask', '<zone><source address="10.0.0.0/33"/><port port="22" protocol="tcp"/></zone>', true, ['tcp/22'], 'zones/web.xml'],
    ['firewall-offline-cmd refuses a zone target it does not know', '<zone target="REJECT"><port port="22" protocol="tcp"/></zone>', true, ['tcp/22'], 'zones/web.xml'],
    ['firewall-offline-cmd accepts a protocol-only port in a service', '<service><port port="" protocol="gre"/><port port="9000" protocol="tcp"/></service>', false, ['tcp/9000'], 'services/web.xml'],
    ['firewall-offline-cmd refuses masquerade in a policy towards HOST', '<policy target="CONTINUE"><ingress-zone name="public"/><egress-zone name="HOST"/><masquerade/></policy>', true, [], 'policies/web.xml'],
    ['firewall-offline-cmd refuses a to-addr in a policy towards HOST', '<policy target="CONTINUE"><ingress-zone name="public"/><egress-zone name="HOST"/><forward-port port="80" protocol="tcp" to-addr="10.0.0.1"/></policy>', true, ['tcp/80'], 'policies/web.xml'],
    ['firewall-offline-cmd needs a to-addr in a policy towards ANY', '<policy target="CONTINUE"><ingress-zone name="HOST"/><egress-zone name="ANY"/><forward-port port="80" protocol="tcp" to-port="81"/></policy>', true, ['tcp/80', 'tcp/81'], 'policies/web.xml'],
  ];
  for (const [name, text, refused, ports, fileName] of cases) {
    it(name, () => {
      const actual = verdict(text, fileName);
      assert.equal(actual.refused, refused, JSON.stringify(scanFirewalld(text, fileName !== undefined ? { fileName } : undefined).problems));
      if (ports !== undefined) {
        assert.deepEqual(actual.ports, [...ports].sort());
      }
    });
  }
});
