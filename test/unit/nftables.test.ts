import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseNftPort, scanNftables } from '../../src/core/scanners/nftables';
import type { FirewallAction, PortReference, Protocol, ScanProblem, SourceRange } from '../../src/core/types';

/** Offset of the `occurrence`-th (0-based) appearance of `needle` in `text`. */
function at(text: string, needle: string, occurrence = 0): number {
  let index = -1;
  for (let seen = 0; seen <= occurrence; seen++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `"${needle}" (#${occurrence}) not found in test text`);
  }
  return index;
}

function span(text: string, needle: string, occurrence = 0): SourceRange {
  const start = at(text, needle, occurrence);
  return { start, end: start + needle.length };
}

/** Rules inside a typical input base chain of an inet table. */
function inInput(rules: string): string {
  return `table inet filter {\n  chain input {\n    type filter hook input priority filter; policy drop;\n    ${rules.split('\n').join('\n    ')}\n  }\n}\n`;
}

const INPUT_FLAGS = ['table=inet filter', 'hook=input'];

interface Expectation {
  readonly at: string;
  readonly occurrence?: number;
  readonly port: number | null;
  readonly endPort?: number | null;
  /** The portRange text inside `at`; defaults to `at`, `false` for none. */
  readonly digits?: string | false;
  readonly protocol?: Protocol;
  readonly chain?: string;
  readonly action?: FirewallAction;
  readonly target?: string;
  readonly source?: string | null;
  readonly flags?: readonly string[];
  readonly sourcePort?: boolean;
  readonly negated?: boolean;
  readonly rawText?: string;
  readonly hostIp?: string;
}

const DEFAULT_TARGETS: Readonly<Record<string, string>> = { allow: 'accept', deny: 'drop', reject: 'reject' };

function expected(text: string, expectation: Expectation): PortReference {
  const range = span(text, expectation.at, expectation.occurrence ?? 0);
  const digits = expectation.digits ?? expectation.at;
  const chain = expectation.chain ?? 'input';
  const action = expectation.action ?? 'allow';
  const target = expectation.target ?? DEFAULT_TARGETS[action];
  const digitsOffset = digits === false ? -1 : expectation.at.indexOf(digits);
  return {
    role: 'firewall',
    range,
    ...(digits === false ? {} : { portRange: { start: range.start + digitsOffset, end: range.start + digitsOffset + digits.length } }),
    protocol: expectation.protocol ?? 'tcp',
    port: expectation.port,
    endPort: expectation.endPort === undefined ? expectation.port : expectation.endPort,
    ...(expectation.hostIp ? { hostIp: expectation.hostIp } : {}),
    ...(expectation.rawText !== undefined ? { rawText: expectation.rawText } : {}),
    scope: chain,
    flags: expectation.flags ?? INPUT_FLAGS,
    firewall: {
      action,
      ...(target ? { target } : {}),
      source: expectation.source ?? null,
      chain,
      ...(expectation.sourcePort ? { sourcePort: true } : {}),
      ...(expectation.negated ? { negated: true } : {}),
    },
  };
}

interface ProblemExpectation {
  readonly code: string;
  readonly at: string;
  readonly occurrence?: number;
  readonly severity?: ScanProblem['severity'];
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly references: readonly Expectation[];
  readonly problems?: readonly ProblemExpectation[];
}

const CASES: readonly Case[] = [
  // --- single matches ---
  { name: 'reads tcp dport with accept', text: inInput('tcp dport 22 accept'), references: [{ at: '22', port: 22 }] },
  { name: 'reads udp dport', text: inInput('udp dport 53 accept'), references: [{ at: '53', port: 53, protocol: 'udp' }] },
  { name: 'reads tcp sport as a source port', text: inInput('tcp sport 1024-65535 accept'), references: [{ at: '1024-65535', port: 1024, endPort: 65535, sourcePort: true }] },
  { name: 'reads udp sport', text: inInput('udp sport 123 accept'), references: [{ at: '123', port: 123, protocol: 'udp', sourcePort: true }] },
  { name: 'reads sctp and dccp dport', text: inInput('sctp dport 2905 accept\ndccp dport 5004 drop'), references: [{ at: '2905', port: 2905, protocol: 'sctp' }, { at: '5004', port: 5004, protocol: 'dccp', action: 'deny' }] },
  { name: 'reads th dport as any transport', text: inInput('th dport 53 accept'), references: [{ at: '53', port: 53, protocol: 'any' }] },
  { name: 'narrows th dport by meta l4proto', text: inInput('meta l4proto udp th dport 4789 accept'), references: [{ at: '4789', port: 4789, protocol: 'udp' }] },
  { name: 'keeps th dport as any with a protocol set', text: inInput('meta l4proto { tcp, udp } th dport 53 accept'), references: [{ at: '53', port: 53, protocol: 'any' }] },
  { name: 'reads a range', text: inInput('tcp dport 6000-6007 drop'), references: [{ at: '6000-6007', port: 6000, endPort: 6007, action: 'deny' }] },
  { name: 'accepts a range of one port, as current nft does', text: inInput('tcp dport 40-40 accept'), references: [{ at: '40-40', port: 40, endPort: 40 }] },
  { name: 'accepts port 0', text: inInput('udp dport 0 drop'), references: [{ at: '0', port: 0, protocol: 'udp', action: 'deny' }] },
  { name: 'resolves service names', text: inInput('tcp dport ssh accept\ntcp dport https accept'), references: [{ at: 'ssh', digits: false, port: 22 }, { at: 'https', digits: false, port: 443 }] },
  {
    name: 'keeps an unknown service name without a port',
    text: inInput('tcp dport my-daemon accept'),
    references: [{ at: 'my-daemon', digits: false, port: null, rawText: 'my-daemon' }],
    problems: [{ code: 'unknown-service', at: 'my-daemon', severity: 'info' }],
  },
  // --- operators ---
  { name: 'marks != as negated', text: inInput('tcp dport != 22 drop'), references: [{ at: '22', port: 22, action: 'deny', negated: true }] },
  { name: 'marks a glued !=22 as negated', text: inInput('tcp dport !=22 drop'), references: [{ at: '22', port: 22, action: 'deny', negated: true }] },
  { name: 'reads ne like !=', text: inInput('tcp dport ne 23 reject'), references: [{ at: '23', port: 23, action: 'reject', negated: true }] },
  { name: 'reads == and eq as plain matches', text: inInput('tcp dport == 80 accept\ntcp dport eq 81 accept'), references: [{ at: '80', port: 80 }, { at: '81', port: 81 }] },
  { name: 'turns < into the ports below', text: inInput('tcp dport < 1024 drop'), references: [{ at: '1024', digits: false, port: 0, endPort: 1023, action: 'deny', rawText: '< 1024' }] },
  { name: 'turns >= into the ports from there up', text: inInput('udp dport >= 32768 accept'), references: [{ at: '32768', digits: false, port: 32768, endPort: 65535, protocol: 'udp', rawText: '>= 32768' }] },
  { name: 'turns gt into the ports above', text: inInput('tcp sport gt 1023 accept'), references: [{ at: '1023', digits: false, port: 1024, endPort: 65535, sourcePort: true, rawText: 'gt 1023' }] },
  // --- anonymous sets ---
  {
    name: 'gives each anonymous set element its own reference',
    text: inInput('tcp dport { 22, 80, 443 } accept'),
    references: [{ at: '22', port: 22 }, { at: '80', port: 80 }, { at: '443', port: 443 }],
  },
  {
    name: 'reads ranges and names inside a set',
    text: inInput('tcp dport { http, 8000-8080 } accept'),
    references: [{ at: 'http', digits: false, port: 80 }, { at: '8000-8080', port: 8000, endPort: 8080 }],
  },
  {
    name: 'reads a set written over several lines',
    text: inInput('tcp dport {\n  25,\n  587\n} accept'),
    references: [{ at: '25', port: 25 }, { at: '587', port: 587 }],
  },
  {
    name: 'negates every element of != { … }',
    text: inInput('tcp dport != { 22, 3389 } drop'),
    references: [{ at: '22', port: 22, action: 'deny', negated: true }, { at: '3389', port: 3389, action: 'deny', negated: true }],
  },
  // --- verdict maps ---
  {
    name: 'gives each verdict map key its own verdict',
    text: inInput('tcp dport vmap { 22 : accept, 23 : drop, 25 : jump mail }'),
    references: [
      { at: '22', port: 22 },
      { at: '23', port: 23, action: 'deny' },
      { at: '25', port: 25, action: 'jump', target: 'mail' },
    ],
  },
  {
    name: 'reads verdict map keys with glued colons',
    text: inInput('udp dport vmap { 53: accept, 123:drop }'),
    references: [{ at: '53', port: 53, protocol: 'udp' }, { at: '123', port: 123, protocol: 'udp', action: 'deny' }],
  },
  // --- sources and verdicts ---
  { name: 'reads ip saddr as the source', text: inInput('ip saddr 10.0.0.0/8 tcp dport 22 accept'), references: [{ at: '22', port: 22, source: '10.0.0.0/8' }] },
  { name: 'reads ip6 saddr after the port', text: inInput('tcp dport 22 ip6 saddr fe80::/10 accept'), references: [{ at: '22', port: 22, source: 'fe80::/10' }] },
  { name: 'keeps a negated source', text: inInput('ip saddr != 192.168.0.0/16 tcp dport 3306 drop'), references: [{ at: '3306', port: 3306, action: 'deny', source: '!192.168.0.0/16' }] },
  { name: 'keeps a source set as written', text: inInput('ip saddr { 10.0.0.1, 10.0.0.2 } tcp dport 9100 accept'), references: [{ at: '9100', port: 9100, source: '{ 10.0.0.1, 10.0.0.2 }' }] },
  { name: 'keeps a named source set', text: inInput('ip saddr @admins tcp dport 22 accept'), references: [{ at: '22', port: 22, source: '@admins' }] },
  { name: 'treats 0.0.0.0/0 as anywhere', text: inInput('ip saddr 0.0.0.0/0 tcp dport 80 accept'), references: [{ at: '80', port: 80, source: null }] },
  { name: 'reads reject with a reason', text: inInput('tcp dport 113 reject with tcp reset'), references: [{ at: '113', port: 113, action: 'reject' }] },
  { name: 'reads jump and goto', text: inInput('tcp dport 22 jump ssh_guard\ntcp dport 80 goto web'), references: [{ at: '22', port: 22, action: 'jump', target: 'ssh_guard' }, { at: '80', port: 80, action: 'jump', target: 'web' }] },
  { name: 'reads return as a jump back', text: inInput('tcp dport 8080 return'), references: [{ at: '8080', port: 8080, action: 'jump', target: 'return' }] },
  { name: 'reports other for a rule without a verdict', text: inInput('tcp dport 22 counter'), references: [{ at: '22', port: 22, action: 'other', target: undefined }] },
  { name: 'reads the verdict after counter and log', text: inInput('tcp dport 23 counter log prefix "telnet: " drop'), references: [{ at: '23', port: 23, action: 'deny' }] },
  { name: 'ignores rules without ports', text: inInput('ct state established,related accept\niif "lo" accept\nip protocol icmp accept'), references: [] },
  { name: 'reads several matches on one rule', text: inInput('tcp sport 53 tcp dport 1024-65535 accept'), references: [{ at: '53', port: 53, sourcePort: true }, { at: '1024-65535', port: 1024, endPort: 65535 }] },
  { name: 'ends a rule at ;', text: inInput('tcp dport 22 accept; tcp dport 23 drop'), references: [{ at: '22', port: 22 }, { at: '23', port: 23, action: 'deny' }] },
  { name: 'joins a rule continued with a backslash', text: inInput('tcp dport 22 \\\n  accept'), references: [{ at: '22', port: 22 }] },
  { name: 'ignores commented-out rules', text: inInput('# tcp dport 22 accept\ntcp dport 23 drop # not 24'), references: [{ at: '23', port: 23, action: 'deny' }] },
  // --- rewriting and NAT ---
  { name: 'does not report tcp dport set as a match', text: inInput('tcp dport 80 tcp dport set 8080'), references: [{ at: '80', port: 80, action: 'other', target: undefined }] },
  {
    name: 'reads dnat to address:port as a nat target',
    text: 'table ip nat {\n  chain prerouting {\n    type nat hook prerouting priority dstnat;\n    tcp dport 80 dnat to 10.0.0.2:8080\n  }\n}\n',
    references: [
      { at: '80', port: 80, chain: 'prerouting', action: 'jump', target: 'dnat', flags: ['table=ip nat', 'hook=prerouting'] },
      { at: '10.0.0.2:8080', digits: '8080', port: 8080, hostIp: '10.0.0.2', chain: 'prerouting', action: 'jump', target: 'dnat', flags: ['table=ip nat', 'hook=prerouting', 'nat-target'] },
    ],
  },
  {
    name: 'reads dnat ip to in an inet table',
    text: 'table inet nat {\n  chain pre {\n    type nat hook prerouting priority -100;\n    tcp dport 443 dnat ip to 192.0.2.10:8443\n  }\n}\n',
    references: [
      { at: '443', port: 443, chain: 'pre', action: 'jump', target: 'dnat', flags: ['table=inet nat', 'hook=prerouting'] },
      { at: '192.0.2.10:8443', digits: '8443', port: 8443, hostIp: '192.0.2.10', chain: 'pre', action: 'jump', target: 'dnat', flags: ['table=inet nat', 'hook=prerouting', 'nat-target'] },
    ],
  },
  {
    name: 'reads a bracketed IPv6 dnat target',
    text: 'table ip6 nat {\n  chain pre {\n    type nat hook prerouting priority -100;\n    tcp dport 80 dnat to [fd00::2]:8080\n  }\n}\n',
    references: [
      { at: '80', port: 80, chain: 'pre', action: 'jump', target: 'dnat', flags: ['table=ip6 nat', 'hook=prerouting'] },
      { at: '[fd00::2]:8080', digits: '8080', port: 8080, hostIp: 'fd00::2', chain: 'pre', action: 'jump', target: 'dnat', flags: ['table=ip6 nat', 'hook=prerouting', 'nat-target'] },
    ],
  },
  {
    name: 'reads redirect to :port',
    text: 'table ip nat {\n  chain pre {\n    type nat hook prerouting priority -100;\n    udp dport 53 redirect to :5353\n  }\n}\n',
    references: [
      { at: '53', port: 53, protocol: 'udp', chain: 'pre', action: 'jump', target: 'redirect', flags: ['table=ip nat', 'hook=prerouting'] },
      { at: ':5353', digits: '5353', port: 5353, protocol: 'udp', chain: 'pre', action: 'jump', target: 'redirect', flags: ['table=ip nat', 'hook=prerouting', 'nat-target'] },
    ],
  },
  {
    name: 'ignores a dnat target without a port',
    text: 'table ip nat {\n  chain pre {\n    type nat hook prerouting priority -100;\n    tcp dport 80 dnat to 10.0.0.2\n  }\n}\n',
    references: [{ at: '80', port: 80, chain: 'pre', action: 'jump', target: 'dnat', flags: ['table=ip nat', 'hook=prerouting'] }],
  },
  // --- named sets, maps and defines ---
  {
    name: 'reports named set elements at their definition',
    text: 'table inet filter {\n  set web_ports {\n    type inet_service\n    elements = { 80, 443 }\n  }\n  chain input {\n    type filter hook input priority 0;\n    tcp dport @web_ports accept\n  }\n}\n',
    references: [{ at: '80', port: 80 }, { at: '443', port: 443 }],
  },
  {
    name: 'reports a set element once per rule that uses it',
    text: 'table inet filter {\n  set admin { type inet_service; elements = { 22 } }\n  chain input {\n    type filter hook input priority 0;\n    ip saddr 10.0.0.0/8 tcp dport @admin accept\n    tcp dport @admin drop\n  }\n}\n',
    references: [
      { at: '22', port: 22, source: '10.0.0.0/8' },
      { at: '22', port: 22, action: 'deny' },
    ],
  },
  {
    name: 'finds a set defined after the rule and with flags interval',
    text: 'table inet filter {\n  chain input {\n    type filter hook input priority 0;\n    udp dport @games accept\n  }\n  set games {\n    type inet_service; flags interval;\n    elements = { 27015-27030, 7777 }\n  }\n}\n',
    references: [
      { at: '27015-27030', port: 27015, endPort: 27030, protocol: 'udp' },
      { at: '7777', port: 7777, protocol: 'udp' },
    ],
  },
  {
    name: 'adds elements from add element commands',
    text: 'add table inet filter\nadd set inet filter mail { type inet_service; }\nadd element inet filter mail { 25, 587 }\nadd rule inet filter input tcp dport @mail accept\n',
    references: [
      { at: '25', port: 25, flags: ['table=inet filter'] },
      { at: '587', port: 587, flags: ['table=inet filter'] },
    ],
  },
  {
    name: 'uses a named verdict map with its verdicts',
    text: 'table inet filter {\n  map port_policy {\n    type inet_service : verdict\n    elements = { 22 : accept, 23 : drop }\n  }\n  chain input {\n    type filter hook input priority 0;\n    tcp dport vmap @port_policy\n  }\n}\n',
    references: [
      { at: '22', port: 22 },
      { at: '23', port: 23, action: 'deny' },
    ],
  },
  {
    name: 'resolves a define at its value',
    text: `define SSH = 2222\n${inInput('tcp dport $SSH accept')}`,
    references: [{ at: '2222', port: 2222 }],
  },
  {
    name: 'resolves a define holding a set',
    text: `define WEB = { 80, 443 }\n${inInput('tcp dport $WEB accept')}`,
    references: [{ at: '80', port: 80 }, { at: '443', port: 443 }],
  },
  {
    name: 'expands a define used inside an anonymous set',
    text: `define WEB = { 80, 443 }\n${inInput('tcp dport { $WEB, 22 } accept')}`,
    references: [{ at: '80', port: 80 }, { at: '443', port: 443 }, { at: '22', port: 22 }],
  },
  {
    name: 'skips concatenated keys, which match tuples rather than ports',
    text: inInput('ip saddr . tcp dport { 10.0.0.1 . 22 } accept\ntcp dport 23 accept'),
    references: [{ at: '23', port: 23 }],
  },
  {
    name: 'keeps an undefined variable without a port',
    text: inInput('tcp dport $MISSING accept'),
    references: [{ at: '$MISSING', digits: false, port: null, rawText: '$MISSING' }],
    problems: [{ code: 'unresolved-variable', at: '$MISSING', severity: 'info' }],
  },
  // --- commands outside blocks ---
  {
    name: 'reads add rule with family, table and chain',
    text: 'add rule inet filter input tcp dport 3306 drop\n',
    references: [{ at: '3306', port: 3306, action: 'deny', flags: ['table=inet filter'] }],
  },
  {
    name: 'reads insert rule with a position and the ip family by default',
    text: 'insert rule filter INPUT position 3 udp dport 161 accept\n',
    references: [{ at: '161', port: 161, protocol: 'udp', chain: 'INPUT', flags: ['table=ip filter'] }],
  },
  {
    name: 'reads a chain declared with add chain and a block',
    text: 'add chain inet filter fwd { type filter hook forward priority 0; }\nadd rule inet filter fwd tcp dport 25 drop\n',
    references: [{ at: '25', port: 25, chain: 'fwd', action: 'deny', flags: ['table=inet filter'] }],
  },
  {
    name: 'names a table without a family as ip',
    text: 'table filter {\n  chain input {\n    tcp dport 22 accept\n  }\n}\n',
    references: [{ at: '22', port: 22, flags: ['table=ip filter'] }],
  },
  // --- errors ---
  { name: 'rejects a port above 65535', text: inInput('tcp dport 65536 accept'), references: [], problems: [{ code: 'port-out-of-range', at: '65536' }] },
  { name: 'rejects a reversed range', text: inInput('tcp dport 2000-1000 accept'), references: [], problems: [{ code: 'reversed-range', at: '2000-1000' }] },
  { name: 'rejects a reversed range inside a set and keeps the rest', text: inInput('tcp dport { 22, 90-80 } accept'), references: [{ at: '22', port: 22 }], problems: [{ code: 'reversed-range', at: '90-80' }] },
  { name: 'rejects an out-of-range named set element', text: 'table inet t {\n  set s { type inet_service; elements = { 99999 } }\n  chain c { tcp dport @s accept }\n}\n', references: [], problems: [{ code: 'port-out-of-range', at: '99999' }] },
  { name: 'rejects an invalid nat port', text: 'table ip nat {\n  chain p {\n    dnat to 10.0.0.2:http-alt\n  }\n}\n', references: [], problems: [{ code: 'invalid-port', at: '10.0.0.2:http-alt' }] },
  {
    name: 'reports an unexpected closing brace and keeps scanning',
    text: 'table inet filter {\n  chain input {\n    tcp dport 22 accept\n  }\n}\n}\nadd rule inet filter input tcp dport 23 accept\n',
    references: [{ at: '22', port: 22, flags: INPUT_FLAGS.slice(0, 1) }, { at: '23', port: 23, flags: INPUT_FLAGS.slice(0, 1) }],
    problems: [{ code: 'parse-error', at: '}', occurrence: 2 }],
  },
  {
    name: 'reports an unclosed block and still reads its rules',
    text: 'table inet filter {\n  chain input {\n    tcp dport 22 accept\n',
    references: [{ at: '22', port: 22, flags: INPUT_FLAGS.slice(0, 1) }],
    problems: [{ code: 'parse-error', at: '{' }, { code: 'parse-error', at: '{', occurrence: 1 }],
  },
  {
    name: 'reports an unclosed anonymous set, whose braces swallow the verdict',
    text: 'add rule inet filter input tcp dport { 22, 80 accept\n',
    references: [
      { at: '22', port: 22, action: 'other', target: undefined, flags: INPUT_FLAGS.slice(0, 1) },
      { at: '80', port: 80, action: 'other', target: undefined, flags: INPUT_FLAGS.slice(0, 1) },
    ],
    problems: [{ code: 'parse-error', at: '{' }],
  },
  {
    name: 'reports an unterminated string',
    text: 'add rule inet filter input tcp dport 22 log prefix "ssh: accept\n',
    references: [{ at: '22', port: 22, action: 'other', target: undefined, flags: INPUT_FLAGS.slice(0, 1) }],
    problems: [{ code: 'parse-error', at: '"ssh: accept' }],
  },
];

function problemsOf(problems: readonly ScanProblem[]): { code: string; range: SourceRange; severity: string }[] {
  return problems.map((found) => ({ code: found.code, range: found.range, severity: found.severity }));
}

describe('nftables scanner', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const result = scanNftables(testCase.text);
      assert.equal(result.format, 'nftables');
      assert.deepEqual(result.references, testCase.references.map((expectation) => expected(testCase.text, expectation)));
      const expectedProblems = (testCase.problems ?? [])
        .map((expectation) => ({ code: expectation.code, range: span(testCase.text, expectation.at, expectation.occurrence ?? 0), severity: expectation.severity ?? 'error' }))
        .sort((a, b) => a.range.start - b.range.start);
      assert.deepEqual(problemsOf(result.problems), expectedProblems);
    });
  }

  it('scans the fixture ruleset', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../test/unit/fixtures/network/nftables.conf'), 'utf8');
    const result = scanNftables(text);
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.references.map((reference) => [text.slice(reference.range.start, reference.range.end), reference.port, reference.endPort, reference.protocol, reference.firewall?.action, reference.firewall?.source]),
      [
        ['2222', 2222, 2222, 'tcp', 'allow', '@admins'],
        ['80', 80, 80, 'tcp', 'allow', null],
        ['443', 443, 443, 'tcp', 'allow', null],
        ['51820', 51820, 51820, 'udp', 'allow', null],
        ['9100', 9100, 9100, 'tcp', 'deny', null],
        ['60000-61000', 60000, 61000, 'udp', 'allow', null],
        ['8080', 8080, 8080, 'tcp', 'jump', null],
        ['10.0.0.5:80', 80, 80, 'tcp', 'jump', null],
      ],
    );
  });

  it('stops following defines that refer to each other', () => {
    const text = `define A = $B\ndefine B = $A\n${inInput('tcp dport $A accept')}`;
    const result = scanNftables(text);
    assert.deepEqual(
      result.references.map((reference) => [reference.port, reference.rawText]),
      [[null, '$A']],
    );
    assert.deepEqual(result.problems.map((found) => found.code), ['unresolved-variable']);
  });

  it('never throws on hostile input', () => {
    const inputs = ['{', '}', '{{{{', 'tcp dport', 'tcp dport {', 'tcp dport vmap {', 'define', 'define x =', 'add rule', 'add element x y {', '"', 'table inet t { chain c { tcp dport @x } }', 'dnat to', 'tcp dport <', 'x'.repeat(5000), '{'.repeat(2000)];
    for (const input of inputs) {
      assert.doesNotThrow(() => scanNftables(input));
    }
  });
});

describe('nftables port values', () => {
  const cases: readonly { name: string; text: string; expect: ReturnType<typeof parseNftPort> }[] = [
    { name: 'a number', text: '22', expect: { ok: true, port: 22, endPort: 22, digits: { from: 0, to: 2 } } },
    { name: 'a range', text: '1-2', expect: { ok: true, port: 1, endPort: 2, digits: { from: 0, to: 3 } } },
    { name: 'a range of names', text: 'ftp-ssh', expect: { ok: true, port: 21, endPort: 22 } },
    { name: 'a hyphenated name that is a service', text: 'http-alt', expect: { ok: true, port: 8080, endPort: 8080 } },
    { name: 'garbage', text: '1:2', expect: { ok: false, code: 'invalid-port', message: '"1:2" is not a port, a port range or a service name' } },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.deepEqual(parseNftPort(testCase.text), testCase.expect);
    });
  }
});
