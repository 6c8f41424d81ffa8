import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import fc from 'fast-check';
import { ruleForProblem } from '../../src/core/rules/scannerProblems';
import { looksLikeUfw, scanUfw } from '../../src/core/scanners/ufw';
import type { FirewallRuleInfo, PortReference, ProblemSeverity, SourceRange } from '../../src/core/types';
import { at, inside } from './textSpans';

interface RefOptions {
  /** Substring holding the digits; `null` when the port is named (no digits to point at). */
  readonly digits?: string | null;
  readonly endPort?: number;
  readonly protocol?: PortReference['protocol'];
  readonly name?: string;
  readonly flags?: string[];
  readonly rawText?: string;
  readonly occurrence?: number;
  readonly firewall?: Partial<FirewallRuleInfo>;
}

/** A ufw firewall reference at `token`: allow, from anywhere, inbound, unless the options say otherwise. */
function ref(text: string, token: string, port: number | null, options: RefOptions = {}): PortReference {
  const occurrence = options.occurrence ?? 0;
  const digits = options.digits === undefined ? token : options.digits;
  return {
    role: 'firewall',
    range: at(text, token, occurrence),
    ...(digits !== null ? { portRange: inside(text, token, digits, occurrence) } : {}),
    protocol: options.protocol ?? 'any',
    port,
    endPort: options.endPort ?? port,
    ...(options.name !== undefined ? { name: options.name } : {}),
    ...(options.rawText !== undefined ? { rawText: options.rawText } : {}),
    ...(options.flags !== undefined ? { flags: options.flags } : {}),
    firewall: { action: 'allow', target: 'allow', source: null, chain: 'in', ...options.firewall },
  };
}

interface ExpectedProblem {
  readonly code: string;
  readonly severity: ProblemSeverity;
  readonly range: SourceRange;
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly expect: (text: string) => { references: PortReference[]; problems?: ExpectedProblem[] };
}

function check(cases: readonly Case[]): void {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const result = scanUfw(testCase.text);
      const expected = testCase.expect(testCase.text);
      assert.equal(result.format, 'ufw');
      assert.deepEqual(result.references, expected.references);
      assert.deepEqual(result.problems.map(({ code, severity, range }) => ({ code, severity, range })), expected.problems ?? []);
    });
  }
}

const FIFTEEN = Array.from({ length: 15 }, (_, index) => index + 1);

describe('ufw scanner: simple syntax', () => {
  check([
    { name: 'allow 22/tcp', text: 'ufw allow 22/tcp\n', expect: (t) => ({ references: [ref(t, '22/tcp', 22, { digits: '22', protocol: 'tcp' })] }) },
    { name: 'sudo in front is looked past', text: 'sudo ufw allow 22/tcp\n', expect: (t) => ({ references: [ref(t, '22/tcp', 22, { digits: '22', protocol: 'tcp' })] }) },
    { name: 'a full path to ufw still counts', text: '/usr/sbin/ufw allow 25/tcp\n', expect: (t) => ({ references: [ref(t, '25/tcp', 25, { digits: '25', protocol: 'tcp' })] }) },
    {
      name: 'deny without a protocol matches tcp and udp',
      text: 'ufw deny 53\n',
      expect: (t) => ({ references: [ref(t, '53', 53, { firewall: { action: 'deny', target: 'deny' } })] }),
    },
    { name: 'reject', text: 'ufw reject 113\n', expect: (t) => ({ references: [ref(t, '113', 113, { firewall: { action: 'reject', target: 'reject' } })] }) },
    {
      name: 'limit with a service name rate-limits its port',
      text: 'ufw limit ssh\n',
      expect: (t) => ({ references: [ref(t, 'ssh', 22, { digits: null, protocol: 'tcp', name: 'ssh', firewall: { action: 'limit', target: 'limit' } })] }),
    },
    { name: 'http resolves to 80/tcp from /etc/services', text: 'ufw allow http\n', expect: (t) => ({ references: [ref(t, 'http', 80, { digits: null, protocol: 'tcp', name: 'http' })] }) },
    {
      name: 'https is listed for tcp and udp, so the rule covers both',
      text: 'ufw allow https\n',
      expect: (t) => ({ references: [ref(t, 'https', 443, { digits: null, name: 'https' })] }),
    },
    {
      name: 'a service name with a protocol',
      text: 'ufw allow http/tcp\n',
      expect: (t) => ({ references: [ref(t, 'http/tcp', 80, { digits: null, protocol: 'tcp', name: 'http' })] }),
    },
    {
      name: 'a colon range with a protocol',
      text: 'ufw allow 60000:61000/udp\n',
      expect: (t) => ({ references: [ref(t, '60000:61000/udp', 60000, { digits: '60000:61000', endPort: 61000, protocol: 'udp' })] }),
    },
    {
      name: 'a comma list gives one reference per port',
      text: 'ufw allow 80,443/tcp\n',
      expect: (t) => ({ references: [ref(t, '80', 80, { protocol: 'tcp' }), ref(t, '443', 443, { protocol: 'tcp' })] }),
    },
    {
      name: 'fifteen ports is the most ufw accepts',
      text: `ufw allow ${FIFTEEN.join(',')}/tcp\n`,
      expect: (t) => ({ references: FIFTEEN.map((port) => ({ ...ref(t, String(port), port, { protocol: 'tcp' }), range: ranges(t)[port - 1], portRange: ranges(t)[port - 1] })) }),
    },
    {
      name: 'more than fifteen ports is an error (a range counts as two)',
      text: 'ufw allow 1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16/tcp\n',
      expect: (t) => ({
        references: ['1:2', '3:4', '5:6', '7:8', '9:10', '11:12', '13:14', '15:16'].map((token) => {
          const [first, last] = token.split(':').map(Number);
          return ref(t, token, first, { endPort: last, protocol: 'tcp' });
        }),
        problems: [{ code: 'too-many-ports', severity: 'error', range: at(t, '1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16') }],
      }),
    },
    {
      name: 'a range without a protocol is refused by ufw',
      text: 'ufw allow 1000:2000\n',
      expect: (t) => ({ references: [ref(t, '1000:2000', 1000, { endPort: 2000 })], problems: [{ code: 'missing-protocol', severity: 'error', range: at(t, '1000:2000') }] }),
    },
    {
      name: 'a list without a protocol is refused by ufw',
      text: 'ufw allow 80,443\n',
      expect: (t) => ({ references: [ref(t, '80', 80), ref(t, '443', 443)], problems: [{ code: 'missing-protocol', severity: 'error', range: at(t, '80,443') }] }),
    },
    {
      name: 'a reversed range is an error',
      text: 'ufw allow 2000:1000/tcp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'reversed-range', severity: 'error', range: at(t, '2000:1000') }] }),
    },
    {
      name: 'a range whose ends are equal is an error',
      text: 'ufw allow 1000:1000/tcp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'invalid-range', severity: 'error', range: at(t, '1000:1000') }] }),
    },
    {
      name: 'a port above 65535 is an error',
      text: 'ufw allow 70000/tcp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '70000') }] }),
    },
    {
      name: 'port 0 is an error',
      text: 'ufw allow 0/udp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '0') }] }),
    },
    {
      name: 'names in a list are refused',
      text: 'ufw allow http,https/tcp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'invalid-port', severity: 'error', range: at(t, 'http,https') }] }),
    },
    {
      name: 'an unknown protocol is an error',
      text: 'ufw allow 22/foo\n',
      expect: (t) => ({ references: [], problems: [{ code: 'unknown-protocol', severity: 'error', range: at(t, 'foo') }] }),
    },
    {
      name: 'a protocol without ports cannot take a port',
      text: 'ufw allow 22/esp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'unknown-protocol', severity: 'error', range: at(t, 'esp') }] }),
    },
    {
      name: 'a shell variable port stays unresolved',
      text: 'ufw allow $SSH_PORT/tcp\n',
      expect: (t) => ({ references: [ref(t, '$SSH_PORT/tcp', null, { digits: null, protocol: 'tcp', rawText: '$SSH_PORT' })] }),
    },
    { name: 'out applies to outgoing traffic', text: 'ufw allow out 53/udp\n', expect: (t) => ({ references: [ref(t, '53/udp', 53, { digits: '53', protocol: 'udp', firewall: { chain: 'out' } })] }) },
    { name: 'in is the default direction written out', text: 'ufw allow in 22/tcp\n', expect: (t) => ({ references: [ref(t, '22/tcp', 22, { digits: '22', protocol: 'tcp' })] }) },
    { name: 'log is kept as a flag', text: 'ufw allow log 22/tcp\n', expect: (t) => ({ references: [ref(t, '22/tcp', 22, { digits: '22', protocol: 'tcp', flags: ['log'] })] }) },
    { name: 'a comment is not a port', text: "ufw allow 22/tcp comment 'SSH from 2222'\n", expect: (t) => ({ references: [ref(t, '22/tcp', 22, { digits: '22', protocol: 'tcp' })] }) },
    {
      name: 'comment without its text is an error',
      text: 'ufw allow 22/tcp comment\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'comment') }] }),
    },
    { name: '--dry-run still describes the rule', text: 'ufw --dry-run allow 8080\n', expect: (t) => ({ references: [ref(t, '8080', 8080)] }) },
    { name: 'insert NUM before the rule', text: 'ufw insert 1 allow 80/tcp\n', expect: (t) => ({ references: [ref(t, '80/tcp', 80, { digits: '80', protocol: 'tcp' })] }) },
    { name: 'a rule without a port has nothing to point at', text: 'ufw prepend deny from 203.0.113.7\n', expect: () => ({ references: [] }) },
    { name: 'deletes are skipped', text: 'ufw delete allow 22/tcp\nufw delete 3\n', expect: () => ({ references: [] }) },
    { name: 'commands other than rules are skipped', text: 'ufw default deny incoming\nufw enable\nufw status verbose\nufw app info "Nginx Full"\n', expect: () => ({ references: [] }) },
    { name: 'ufw mentioned by another command is not a rule', text: 'echo "ufw allow 22"\n# ufw allow 23\n', expect: () => ({ references: [] }) },
    {
      name: 'a rule with nothing after the action is an error',
      text: 'ufw allow\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'ufw allow') }] }),
    },
    {
      name: 'several commands on one line',
      text: 'ufw allow 80/tcp && ufw allow 443/tcp\n',
      expect: (t) => ({ references: [ref(t, '80/tcp', 80, { digits: '80', protocol: 'tcp' }), ref(t, '443/tcp', 443, { digits: '443', protocol: 'tcp' })] }),
    },
  ]);
});

/** Spans of the numbers 1..15 in `ufw allow 1,2,...,15/tcp`. */
function ranges(text: string): SourceRange[] {
  const list = at(text, FIFTEEN.join(','));
  const spans: SourceRange[] = [];
  let start = list.start;
  for (const port of FIFTEEN) {
    const length = String(port).length;
    spans.push({ start, end: start + length });
    start += length + 1;
  }
  return spans;
}

describe('ufw scanner: application profiles', () => {
  check([
    { name: 'OpenSSH', text: 'ufw allow OpenSSH\n', expect: (t) => ({ references: [ref(t, 'OpenSSH', 22, { digits: null, protocol: 'tcp', name: 'OpenSSH' })] }) },
    {
      name: 'a double-quoted profile with a space gives one reference per port',
      text: 'ufw allow "Nginx Full"\n',
      expect: (t) => ({ references: [ref(t, 'Nginx Full', 80, { digits: null, protocol: 'tcp', name: 'Nginx Full' }), ref(t, 'Nginx Full', 443, { digits: null, protocol: 'tcp', name: 'Nginx Full' })] }),
    },
    {
      name: 'a single-quoted profile',
      text: "ufw allow 'Apache Full'\n",
      expect: (t) => ({ references: [ref(t, 'Apache Full', 80, { digits: null, protocol: 'tcp', name: 'Apache Full' }), ref(t, 'Apache Full', 443, { digits: null, protocol: 'tcp', name: 'Apache Full' })] }),
    },
    {
      name: 'profile names match case-insensitively',
      text: 'ufw allow openssh\n',
      expect: (t) => ({ references: [ref(t, 'openssh', 22, { digits: null, protocol: 'tcp', name: 'OpenSSH' })] }),
    },
    {
      name: 'Samba mixes udp and tcp ports',
      text: 'ufw allow Samba\n',
      expect: (t) => ({
        references: [
          ref(t, 'Samba', 137, { digits: null, protocol: 'udp', name: 'Samba' }),
          ref(t, 'Samba', 138, { digits: null, protocol: 'udp', name: 'Samba' }),
          ref(t, 'Samba', 139, { digits: null, protocol: 'tcp', name: 'Samba' }),
          ref(t, 'Samba', 445, { digits: null, protocol: 'tcp', name: 'Samba' }),
        ],
      }),
    },
    { name: 'a profile port without a protocol covers both', text: 'ufw allow CUPS\n', expect: (t) => ({ references: [ref(t, 'CUPS', 631, { digits: null, name: 'CUPS' })] }) },
    {
      name: 'an unknown profile is reported for information',
      text: 'ufw allow MyCustomApp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'unknown-service', severity: 'info', range: at(t, 'MyCustomApp') }] }),
    },
    {
      name: 'app in the full syntax',
      text: 'ufw allow from 10.0.0.0/8 to any app OpenSSH\n',
      expect: (t) => ({ references: [ref(t, 'OpenSSH', 22, { digits: null, protocol: 'tcp', name: 'OpenSSH', firewall: { source: '10.0.0.0/8' } })] }),
    },
    {
      name: 'app cannot be combined with proto',
      text: 'ufw allow proto tcp to any app OpenSSH\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'ufw allow proto tcp to any app OpenSSH') }] }),
    },
  ]);
});

describe('ufw scanner: full syntax', () => {
  check([
    {
      name: 'proto, from and to port',
      text: 'ufw allow proto tcp from 10.0.0.0/8 to any port 22\n',
      expect: (t) => ({ references: [ref(t, '22', 22, { protocol: 'tcp', firewall: { source: '10.0.0.0/8' } })] }),
    },
    { name: 'from any means anywhere', text: 'ufw allow from any to any port 53\n', expect: (t) => ({ references: [ref(t, '53', 53)] }) },
    { name: '::/0 means anywhere', text: 'ufw allow from ::/0 to any port 443 proto tcp\n', expect: (t) => ({ references: [ref(t, '443', 443, { protocol: 'tcp' })] }) },
    { name: 'a source without a port has nothing to point at', text: 'ufw allow from 192.168.1.0/24\n', expect: () => ({ references: [] }) },
    {
      name: 'from ... port is a source port',
      text: 'ufw allow from 10.0.0.5 port 5353 to any port 53 proto udp\n',
      expect: (t) => ({
        references: [
          ref(t, '5353', 5353, { protocol: 'udp', firewall: { source: '10.0.0.5', sourcePort: true } }),
          // '53' appears twice inside '5353' first.
          ref(t, '53', 53, { protocol: 'udp', occurrence: 2, firewall: { source: '10.0.0.5' } }),
        ],
      }),
    },
    {
      name: 'in on an interface',
      text: 'ufw allow in on eth0 to any port 80 proto tcp\n',
      expect: (t) => ({ references: [ref(t, '80', 80, { protocol: 'tcp', flags: ['in:eth0'] })] }),
    },
    {
      name: 'out on an interface',
      text: 'ufw allow out on wg0 to 10.0.0.0/24 port 51820 proto udp\n',
      expect: (t) => ({ references: [ref(t, '51820', 51820, { protocol: 'udp', flags: ['out:wg0'], firewall: { chain: 'out' } })] }),
    },
    {
      name: 'route rules carry both interfaces',
      text: 'ufw route allow in on eth0 out on eth1 to 10.0.0.2 port 80 proto tcp\n',
      expect: (t) => ({ references: [ref(t, '80', 80, { protocol: 'tcp', flags: ['route', 'in:eth0', 'out:eth1'] })] }),
    },
    {
      name: 'a port list with ranges and a protocol',
      text: 'ufw allow proto tcp to any port 80,443,8000:8010\n',
      expect: (t) => ({ references: [ref(t, '80', 80, { protocol: 'tcp' }), ref(t, '443', 443, { protocol: 'tcp' }), ref(t, '8000:8010', 8000, { endPort: 8010, protocol: 'tcp' })] }),
    },
    {
      name: 'a port list without proto is refused by ufw',
      text: 'ufw allow to any port 80,443\n',
      expect: (t) => ({ references: [ref(t, '80', 80), ref(t, '443', 443)], problems: [{ code: 'missing-protocol', severity: 'error', range: at(t, '80,443') }] }),
    },
    {
      name: 'a service name that contradicts proto',
      text: 'ufw allow to any port ssh proto udp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'protocol-mismatch', severity: 'error', range: at(t, 'ssh') }] }),
    },
    {
      name: 'a service name takes its protocol from /etc/services',
      text: 'ufw insert 1 deny from 203.0.113.0/24 to any port ssh\n',
      expect: (t) => ({ references: [ref(t, 'ssh', 22, { digits: null, protocol: 'tcp', name: 'ssh', firewall: { action: 'deny', target: 'deny', source: '203.0.113.0/24' } })] }),
    },
    {
      // ufw --dry-run: "ERROR: Bad port 'nosuchsvc'".
      name: 'ufw refuses a service name /etc/services lacks',
      text: 'ufw allow to any port nosuchsvc\n',
      expect: (t) => ({ references: [], problems: [{ code: 'unknown-service-name', severity: 'error', range: at(t, 'nosuchsvc') }] }),
    },
    {
      name: 'a dangling clause is the wrong number of arguments',
      text: 'ufw allow to any port\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'ufw allow to any port') }] }),
    },
    {
      name: 'port without from or to is refused',
      text: 'ufw allow port 22\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'ufw allow port 22') }] }),
    },
    {
      name: 'a lone port after an interface clause is the wrong number of arguments',
      text: 'ufw allow in on eth0 22/tcp\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'ufw allow in on eth0 22/tcp') }] }),
    },
    {
      name: 'an unknown proto value',
      text: 'ufw allow to any port 22 proto xyz\n',
      expect: (t) => ({ references: [], problems: [{ code: 'unknown-protocol', severity: 'error', range: at(t, 'xyz') }] }),
    },
    {
      name: 'an unknown keyword',
      text: 'ufw allow to any ports 22\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'ports') }] }),
    },
    {
      name: 'a comment at the end of the full syntax',
      text: "ufw allow from 10.0.0.0/8 to any port 22 proto tcp comment 'admin only'\n",
      expect: (t) => ({ references: [ref(t, '22', 22, { protocol: 'tcp', firewall: { source: '10.0.0.0/8' } })] }),
    },
    {
      name: 'a rule continued over several lines',
      text: 'sudo ufw allow \\\n  proto tcp from 10.0.0.0/8 \\\n  to any port 5432\n',
      expect: (t) => ({ references: [ref(t, '5432', 5432, { protocol: 'tcp', firewall: { source: '10.0.0.0/8' } })] }),
    },
  ]);
});

describe('ufw scanner: user.rules tuples', () => {
  check([
    {
      name: 'a plain tuple, and the iptables line under it is not counted twice',
      text: '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n',
      expect: (t) => ({ references: [ref(t, '22', 22, { protocol: 'tcp' })] }),
    },
    {
      name: 'a tuple with a source address and a port list',
      text: '### tuple ### deny udp 137,138 0.0.0.0/0 any 192.168.0.0/16 in\n',
      expect: (t) => ({ references: [ref(t, '137', 137, { protocol: 'udp', firewall: { action: 'deny', target: 'deny', source: '192.168.0.0/16' } }), ref(t, '138', 138, { protocol: 'udp', firewall: { action: 'deny', target: 'deny', source: '192.168.0.0/16' } })] }),
    },
    {
      name: 'a route tuple with logging, interfaces and an application name',
      text: '### tuple ### route:allow_log tcp 80,443 0.0.0.0/0 any 10.0.0.0/8 Nginx%20Full - in_eth0!out_eth1 comment=7765\n',
      expect: (t) => {
        const options = { protocol: 'tcp' as const, name: 'Nginx Full', flags: ['route', 'log', 'in:eth0', 'out:eth1'], firewall: { source: '10.0.0.0/8' } };
        return { references: [ref(t, '80', 80, options), ref(t, '443', 443, options)] };
      },
    },
    {
      name: 'an old six-field tuple is inbound',
      text: '### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0\n',
      expect: (t) => ({ references: [ref(t, '22', 22, { protocol: 'tcp', firewall: { action: 'limit', target: 'limit' } })] }),
    },
    {
      name: 'a tuple with only a source port',
      text: '### tuple ### allow udp any 0.0.0.0/0 53 10.0.0.53 in\n',
      expect: (t) => ({ references: [ref(t, '53', 53, { protocol: 'udp', firewall: { source: '10.0.0.53', sourcePort: true } })] }),
    },
    {
      name: 'an outgoing tuple with a port range',
      text: '### tuple ### reject_log-all tcp 6000:6007 0.0.0.0/0 any 0.0.0.0/0 out\n',
      expect: (t) => ({ references: [ref(t, '6000:6007', 6000, { endPort: 6007, protocol: 'tcp', flags: ['log-all'], firewall: { action: 'reject', target: 'reject', chain: 'out' } })] }),
    },
    {
      name: 'an IPv6 tuple from anywhere',
      text: '### tuple ### allow any 51820 ::/0 any ::/0 in\n',
      expect: (t) => ({ references: [ref(t, '51820', 51820)] }),
    },
    {
      name: 'a malformed tuple is skipped with a warning',
      text: '### tuple ### allow tcp 22 0.0.0.0/0\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'warning', range: at(t, '### tuple ### allow tcp 22 0.0.0.0/0') }] }),
    },
  ]);
});

/**
 * Each case was run through `ufw --dry-run` (ufw 0.36.2, Debian netbase /etc/services, only the
 * profiles Port Lens knows installed): `refuses` where ufw printed an error, otherwise the ports of
 * the rules it printed, `from:` marking a source port.
 */
describe('agrees with ufw', () => {
  const cases: [args: string, expected: 'refuses' | string[]][] = [
    // Actions and commands
    ['allwo 22', 'refuses'],
    ['Allow 22/tcp', 'refuses'],
    ['DENY 80', 'refuses'],
    ['enabel', 'refuses'],
    ['delete allwo 22', 'refuses'],
    ['delete allow 22', []],
    ['--force allow 22/tcp', 'refuses'],
    ['--force limit 22/tcp', ['tcp/22']],
    ['rule PREPEND allow 3306/tcp', ['tcp/3306']],
    ['INSERT 1 allow 80/tcp', ['tcp/80']],
    ['insert 0 allow 22', 'refuses'],
    ['insert -1 allow 22', 'refuses'],
    ['insert x allow 22', 'refuses'],
    ['route delete 3', 'refuses'],
    ['default deny sideways', 'refuses'],
    ['default drop', 'refuses'],
    ['default DENY incoming', []],
    // Direction, logging, interfaces, comments
    ['allow LOG 65530/tcp', ['tcp/65530']],
    ['allow IN 22/tcp', ['tcp/22']],
    ['allow 22 in', 'refuses'],
    ['allow in on eth0', []],
    ['allow in on eth0:1 to any port 22', 'refuses'],
    ['allow in on averyveryverylongif0 to any port 22', 'refuses'],
    ['route allow in to any port 80', 'refuses'],
    ['route allow out on eth1 in on eth0 to any port 80 proto tcp', ['tcp/80']],
    ['allow comment x 22', ['any/22']],
    ['allow 22/tcp comment', 'refuses'],
    [`allow 22/tcp comment "it's"`, 'refuses'],
    // Addresses
    ['allow from 300.1.2.3', 'refuses'],
    ['allow from 10.0.0.01 to any port 22', 'refuses'],
    ['allow from 10.0.0.1/255.255.255.0 to any port 22', ['any/22']],
    ['allow in from ::/0 to 10.0.0.0/8', 'refuses'],
    // Protocols without ports
    ['allow proto esp from 1.2.3.4', []],
    ['allow proto gre from 10.0.0.0/8 to 192.168.1.10', []],
    ['allow proto igmp to any', []],
    ['allow proto esp to any port 22', 'refuses'],
    ['allow 22/esp', 'refuses'],
    ['allow proto ipv6 from 2001:db8::1', 'refuses'],
    // Ports and service names
    ['allow 22/any', ['any/22']],
    ['allow 6000:6007', 'refuses'],
    ['allow to any port 99999 port 22 proto tcp', 'refuses'],
    ['allow to any port ssh port 80', ['tcp/80']],
    ['allow nosuchsvc/tcp', 'refuses'],
    ['allow htpp', 'refuses'],
    ['allow sshh', 'refuses'],
    ['allow 22abc', 'refuses'],
    ['allow 1e3', 'refuses'],
    ['allow all', 'refuses'],
    ['allow http/udp', 'refuses'],
    ['allow to any port HTTP', 'refuses'],
    ['allow mongodb', 'refuses'],
    ['allow mongodb/tcp', 'refuses'],
    ['allow to any port mongodb', 'refuses'],
    ['allow from any port 53 to any port http', ['from:tcp/53', 'tcp/80']],
    ['allow from any port domain to any port ntp', ['from:udp/53', 'udp/123']],
    ['allow from any port ssh to any port ntp', 'refuses'],
    ['allow from any port 1000:2000 to any port domain', 'refuses'],
    // Application profiles
    ['allow from any app OpenSSH to any app Samba', ['from:tcp/22', 'tcp/137', 'tcp/138', 'tcp/139', 'tcp/445']],
    ['allow from any port 53 to any app CUPS', ['from:any/53', 'any/631']],
    ['allow from any port 53,54 to any app CUPS', 'refuses'],
    ['allow to any app OpenSSH port 22', 'refuses'],
    ['allow to any port 22 app OpenSSH', ['tcp/22']],
    ['allow Nginx\\ Fullx', 'refuses'],
    ['allow OpenSHH', 'refuses'],
  ];
  for (const [args, expected] of cases) {
    it(`${expected === 'refuses' ? 'ufw refuses' : 'ufw accepts'} ufw ${args}`, () => {
      const result = scanUfw(`#!/bin/sh\nufw ${args}\n`);
      const refusals = result.problems.filter((item) => ruleForProblem(item) === 'invalid-port' || ruleForProblem(item) === 'parse-error');
      if (expected === 'refuses') {
        assert.notDeepEqual(refusals, [], 'Port Lens should refuse it');
        return;
      }
      assert.deepEqual(refusals, []);
      const ports = result.references.map(({ protocol, port, endPort, firewall }) => `${firewall?.sourcePort ? 'from:' : ''}${protocol}/${port}${endPort !== port ? `-${endPort}` : ''}`);
      assert.deepEqual([...new Set(ports)].sort(), [...expected].sort());
    });
  }

  it('resolves a name only the IANA registry has, for hovers, while refusing it', () => {
    const result = scanUfw('ufw allow to any port mongodb proto tcp\n');
    assert.deepEqual(result.references.map(({ port, name }) => [port, name]), [[27017, 'mongodb']]);
    assert.deepEqual(result.problems.map(({ code }) => code), ['service-not-in-etc-services']);
    assert.match(result.problems[0].message, /not in a stock \/etc\/services/);
  });

  it('reads a command built from variables for its ports and never refuses it', () => {
    const result = scanUfw('ufw allow $PROTO_CLAUSE to any port 22\nufw $ACTION 80/tcp\nufw allow from $ADMIN_NET to any port $SSH_PORT proto tcp\n');
    assert.deepEqual(result.problems, []);
    assert.deepEqual(result.references.map(({ rawText, protocol }) => [rawText, protocol]), [['$SSH_PORT', 'tcp']]);
  });
});

describe('ufw content sniffing', () => {
  const cases: [string, string, boolean][] = [
    ['a ufw allow line', '#!/bin/sh\nufw allow 22/tcp\n', true],
    ['sudo ufw with flags', 'sudo ufw --force --dry-run route allow in on eth0\n', true],
    ['a user.rules file', '*filter\n### RULES ###\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n', true],
    ['ufw status only', 'ufw status\nufw enable\n', false],
    ['a mistyped action', 'ufw allwo 22\n', true],
    ['a default policy', 'ufw default deny incoming\n', true],
    ['an unrelated script', 'apt-get install -y nginx\n', false],
    ['a word that merely contains ufw', 'myufw allow 22\n', false],
  ];
  for (const [name, text, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(looksLikeUfw(text), expected));
  }
});

describe('ufw fixtures', () => {
  const read = (name: string) => fs.readFileSync(`test/unit/fixtures/hosts/${name}`, 'utf8');

  it('reads every tuple of a user.rules file once', () => {
    const result = scanUfw(read('user.rules'));
    assert.deepEqual(
      result.references.map((reference) => [reference.port, reference.protocol, reference.firewall?.action, reference.firewall?.source, reference.name ?? '']),
      [
        [22, 'tcp', 'limit', null, ''],
        [80, 'tcp', 'allow', null, 'Nginx Full'],
        [443, 'tcp', 'allow', null, 'Nginx Full'],
        [5432, 'tcp', 'allow', '10.0.0.0/8', ''],
        [53, 'any', 'deny', null, ''],
      ],
    );
    assert.deepEqual(result.problems, []);
  });

  it('reads a provisioning script', () => {
    const result = scanUfw(read('setup-ufw.sh'));
    assert.deepEqual(
      result.references.map((reference) => [reference.port, reference.endPort, reference.protocol, reference.firewall?.source ?? '*']),
      [[22, 22, 'tcp', '*'], [80, 80, 'tcp', '*'], [443, 443, 'tcp', '*'], [9100, 9100, 'tcp', '10.20.0.0/16'], [60000, 61000, 'udp', '*'], [3000, 3100, 'any', '*']],
    );
    assert.deepEqual(result.problems.map((item) => item.code), ['missing-protocol']);
  });
});

describe('ufw scanner never throws', () => {
  const pieces = fc.constantFrom(
    'ufw', ' allow', ' deny', ' limit', ' route', ' insert 1', ' in', ' on', ' out', ' proto', ' from', ' to', ' port', ' app', ' comment',
    '### tuple ###', ' any', ' tcp', ' udp', ' 0.0.0.0/0', ' OpenSSH', ' ssh', '0', '22', '65536', ':', ',', '/', ' ', '"', "'", '\\', '\n', '$', '_log', 'in_eth0',
  );
  it('keeps every range inside the text', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join('')), (text) => {
        const result = scanUfw(text);
        for (const item of [...result.references, ...result.problems]) {
          assert.ok(item.range.start >= 0 && item.range.start <= item.range.end && item.range.end <= text.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
