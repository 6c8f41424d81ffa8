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
    name: 'refuses a service name /etc/services lacks, as nft does',
    text: inInput('tcp dport my-daemon accept'),
    references: [],
    problems: [{ code: 'unknown-service-name', at: 'my-daemon' }],
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
    text: `${inInput('tcp dport vmap { 22 : accept, 23 : drop, 25 : jump mail }').slice(0, -2)}  chain mail {\n  }\n}\n`,
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
  {
    name: 'keeps a named source set',
    text: `table inet filter {\n  set admins { type ipv4_addr; elements = { 10.0.0.1 } }\n  chain input {\n    type filter hook input priority filter; policy drop;\n    ip saddr @admins tcp dport 22 accept\n  }\n}\n`,
    references: [{ at: '22', port: 22, source: '@admins' }],
  },
  { name: 'treats 0.0.0.0/0 as anywhere', text: inInput('ip saddr 0.0.0.0/0 tcp dport 80 accept'), references: [{ at: '80', port: 80, source: null }] },
  { name: 'reads reject with a reason', text: inInput('tcp dport 113 reject with tcp reset'), references: [{ at: '113', port: 113, action: 'reject' }] },
  {
    name: 'reads jump and goto',
    text: `${inInput('tcp dport 22 jump ssh_guard\ntcp dport 80 goto web').slice(0, -2)}  chain ssh_guard {\n  }\n  chain web {\n  }\n}\n`,
    references: [{ at: '22', port: 22, action: 'jump', target: 'ssh_guard' }, { at: '80', port: 80, action: 'jump', target: 'web' }],
  },
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
    text: 'add table inet filter\nadd chain inet filter input\nadd set inet filter mail { type inet_service; }\nadd element inet filter mail { 25, 587 }\nadd rule inet filter input tcp dport @mail accept\n',
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
    name: 'refuses an undefined variable without a port, as nft does',
    text: inInput('tcp dport $MISSING accept'),
    references: [{ at: '$MISSING', digits: false, port: null, rawText: '$MISSING' }],
    problems: [{ code: 'undefined-variable', at: '$MISSING' }],
  },
  {
    name: 'keeps an undefined variable unresolved when an included file may define it',
    text: `include "/etc/nftables.d/*.nft"\n${inInput('tcp dport $MISSING accept')}`,
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
  {
    name: 'rejects an out-of-range named set element',
    text: 'table inet t {\n  set s { type inet_service; elements = { 99999 } }\n  chain c {\n    tcp dport @s accept\n  }\n}\n',
    references: [],
    problems: [{ code: 'port-out-of-range', at: '99999' }],
  },
  {
    name: 'rejects an invalid nat port',
    text: 'table ip nat {\n  chain p {\n    tcp dport 80 dnat to 10.0.0.2:70000\n  }\n}\n',
    references: [{ at: '80', port: 80, chain: 'p', action: 'jump', target: 'dnat', flags: ['table=ip nat'] }],
    problems: [{ code: 'port-out-of-range', at: '10.0.0.2:70000' }],
  },
  {
    name: 'reads a service name as a nat port, as nft does',
    text: 'table ip nat {\n  chain p {\n    tcp dport 80 dnat to 10.0.0.2:http-alt\n  }\n}\n',
    references: [
      { at: '80', port: 80, chain: 'p', action: 'jump', target: 'dnat', flags: ['table=ip nat'] },
      { at: '10.0.0.2:http-alt', digits: 'http-alt', port: 8080, hostIp: '10.0.0.2', chain: 'p', action: 'jump', target: 'dnat', flags: ['table=ip nat', 'nat-target'] },
    ],
  },
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
    { name: 'a hyphenated word nft reads as one name, not a range', text: 'ftp-ssh', expect: { ok: false, code: 'unknown-service-name', message: 'Could not resolve service "ftp-ssh": it is not a port number or a service name in /etc/services' } },
    { name: 'a range from a number to a name', text: '20-ssh', expect: { ok: true, port: 20, endPort: 22 } },
    { name: 'hexadecimal', text: '0x50', expect: { ok: true, port: 80, endPort: 80, digits: { from: 0, to: 4 } } },
    { name: 'octal after a leading zero', text: '010', expect: { ok: true, port: 8, endPort: 8, digits: { from: 0, to: 3 } } },
    { name: 'a leading zero before a digit octal lacks, read as decimal', text: '080', expect: { ok: true, port: 80, endPort: 80, digits: { from: 0, to: 3 } } },
    { name: 'a hyphenated name that is a service', text: 'http-alt', expect: { ok: true, port: 8080, endPort: 8080 } },
    { name: 'garbage', text: '1:2', expect: { ok: false, code: 'invalid-port', message: 'syntax error: "1:2" is not a port, a port range or a service name' } },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.deepEqual(parseNftPort(testCase.text), testCase.expect);
    });
  }
});

/** A filter table with one base chain holding `rules`, one per line. */
function ruleset(rules: string, family = 'inet'): string {
  return `table ${family} t {\n  chain c {\n    type filter hook input priority 0;\n    ${rules.split('\n').join('\n    ')}\n  }\n}\n`;
}

/** A nat table whose prerouting chain holds `rules`. */
function natRuleset(rules: string, family = 'inet'): string {
  return `table ${family} t {\n  chain c {\n    type nat hook prerouting priority dstnat;\n    ${rules.split('\n').join('\n    ')}\n  }\n}\n`;
}

/** A verdict of `nft -c -f` on a ruleset, and the ports nft compiles it to where it accepts. */
export interface NftVerdict {
  readonly name: string;
  readonly text: string;
  readonly nft: 'accepts' | 'refuses';
  /** `protocol/port[-end]`, as the references of the scan give them. */
  readonly ports?: readonly string[];
}

/**
 * Cases where Port Lens and `nft -c -f` (nftables 1.0.6, Debian's /etc/services) disagreed before:
 * each expected value is what nft said.
 */
export const NFT_VERDICTS: readonly NftVerdict[] = [
  // --- port values ---
  { name: 'nft accepts a hexadecimal port', text: ruleset('tcp dport 0x50 accept'), nft: 'accepts', ports: ['tcp/80'] },
  { name: 'nft reads a leading zero as octal', text: ruleset('tcp dport 010 accept'), nft: 'accepts', ports: ['tcp/8'] },
  { name: 'nft reads 080 as decimal, since 8 is no octal digit', text: ruleset('tcp dport 080 accept'), nft: 'accepts', ports: ['tcp/80'] },
  { name: 'nft accepts a quoted port', text: ruleset('tcp dport "22" accept'), nft: 'accepts', ports: ['tcp/22'] },
  { name: 'nft accepts a range from a number to a service name', text: ruleset('tcp dport 20-ssh accept'), nft: 'accepts', ports: ['tcp/20-22'] },
  { name: 'nft accepts a range written with blanks around the dash', text: ruleset('tcp dport 80 - 90 accept'), nft: 'accepts', ports: ['tcp/80-90'] },
  { name: 'nft keeps the low 16 bits of a decimal number with a leading zero', text: ruleset('tcp dport 09999999999 accept'), nft: 'accepts', ports: ['tcp/58367'] },
  { name: 'nft refuses a decimal number with a leading zero too long for an unsigned long', text: ruleset('tcp dport 099999999999999999999999 accept'), nft: 'refuses' },
  { name: 'nft refuses a hexadecimal port above 65535', text: ruleset('tcp dport 0x10000 accept'), nft: 'refuses' },
  { name: 'nft refuses an octal port above 65535', text: ruleset('tcp dport 0200000 accept'), nft: 'refuses' },
  { name: 'nft refuses a port with letters after its digits', text: ruleset('tcp dport 22a accept'), nft: 'refuses' },
  { name: 'nft refuses a port in exponent notation', text: ruleset('tcp dport 1e3 accept'), nft: 'refuses' },
  { name: 'nft refuses a negative port', text: ruleset('tcp dport -1 accept'), nft: 'refuses' },
  { name: 'nft refuses a port range written with a colon', text: ruleset('tcp dport 22:80 accept'), nft: 'refuses' },
  { name: 'nft refuses a list of ports without braces', text: ruleset('tcp dport 22,80 accept'), nft: 'refuses' },
  // --- service names ---
  { name: 'nft resolves a name /etc/services lists only for tcp in a udp match', text: ruleset('udp dport http accept'), nft: 'accepts', ports: ['udp/80'] },
  { name: 'nft resolves an sctp-only name', text: ruleset('tcp dport amqp accept'), nft: 'accepts', ports: ['tcp/5672'] },
  { name: 'nft refuses a name stock /etc/services lacks', text: ruleset('tcp dport sshd accept'), nft: 'refuses' },
  { name: 'nft refuses a name only the IANA registry has', text: ruleset('tcp dport mongodb accept'), nft: 'refuses', ports: ['tcp/27017'] },
  { name: 'nft refuses an AppleTalk-only name', text: ruleset('tcp dport rtmp accept'), nft: 'refuses' },
  { name: 'nft reads time as a keyword, not a service', text: ruleset('tcp dport time accept'), nft: 'refuses' },
  { name: 'nft refuses a service name in capitals', text: ruleset('tcp dport SSH accept'), nft: 'refuses' },
  { name: 'nft reads ftp-ssh as one unknown name, not a range', text: ruleset('tcp dport ftp-ssh accept'), nft: 'refuses' },
  // --- matches ---
  { name: 'nft refuses a match without its value', text: ruleset('tcp dport accept'), nft: 'refuses' },
  { name: 'nft refuses a misspelt header field', text: ruleset('tcp dprot 22 accept'), nft: 'refuses' },
  { name: 'nft refuses a comparison with a range', text: ruleset('tcp dport < 1000-2000 accept'), nft: 'refuses' },
  { name: 'nft refuses a comparison with a set of several ports', text: ruleset('tcp dport < { 22, 80 } accept'), nft: 'refuses' },
  { name: 'nft compares with the one port of a set', text: ruleset('tcp dport >= { 1024 } accept'), nft: 'accepts', ports: ['tcp/1024-65535'] },
  { name: 'nft refuses two transport protocols in one rule', text: ruleset('udp dport 53 tcp dport 53 accept'), nft: 'refuses' },
  { name: 'nft refuses a tcp match after meta l4proto udp', text: ruleset('meta l4proto udp tcp dport 22 accept'), nft: 'refuses' },
  { name: 'nft refuses a tcp match after a set of protocols', text: ruleset('meta l4proto { tcp, udp } tcp dport 22 accept'), nft: 'refuses' },
  { name: 'nft gives th ports the protocol the rule matches elsewhere', text: ruleset('th dport 21 sctp sport 1 accept'), nft: 'accepts', ports: ['sctp/1', 'sctp/21'] },
  { name: 'nft refuses an unknown protocol name', text: ruleset('meta l4proto tcpp accept'), nft: 'refuses' },
  { name: 'nft refuses a protocol number above 255', text: ruleset('meta l4proto 256 accept'), nft: 'refuses' },
  { name: 'nft refuses an unknown conntrack state', text: ruleset('ct state establshed accept'), nft: 'refuses' },
  { name: 'nft refuses an IPv4 prefix longer than 32 bits', text: ruleset('ip saddr 10.0.0.0/33 accept'), nft: 'refuses' },
  { name: 'nft refuses tcp flags followed by a stray field', text: ruleset('tcp flags syn dport 22 accept'), nft: 'refuses' },
  { name: 'nft accepts masked tcp flags', text: ruleset('tcp flags & (syn|ack) == syn tcp dport 22 accept'), nft: 'accepts', ports: ['tcp/22'] },
  { name: 'nft refuses a second value after tcp flags without an operator', text: ruleset('tcp flags != fin 22 tcp dport 21 accept'), nft: 'refuses' },
  { name: 'nft refuses a port match in an arp table', text: ruleset('tcp dport 22 accept', 'arp').replace('hook input', 'hook input'), nft: 'refuses' },
  { name: 'nft accepts th ports in an arp table', text: ruleset('th dport 22 accept', 'arp'), nft: 'accepts', ports: ['any/22'] },
  // --- sets and maps ---
  { name: 'nft refuses an empty anonymous set', text: ruleset('tcp dport { } accept'), nft: 'refuses' },
  { name: 'nft refuses set elements without a comma', text: ruleset('tcp dport { 22 80 } accept'), nft: 'refuses' },
  { name: 'nft refuses a set that does not exist', text: ruleset('tcp dport @nosuchset accept'), nft: 'refuses' },
  {
    name: 'nft refuses an address set in a port match',
    text: 'table inet t {\n  set s { type ipv4_addr; elements = { 10.0.0.1 } }\n  chain c {\n    tcp dport @s accept\n  }\n}\n',
    nft: 'refuses',
  },
  {
    name: 'nft refuses a plain set after vmap',
    text: 'table inet t {\n  set s { type inet_service; elements = { 22 } }\n  chain c {\n    tcp dport vmap @s\n  }\n}\n',
    nft: 'refuses',
  },
  {
    name: 'nft refuses a range in a set without flags interval',
    text: 'table inet t {\n  set s {\n    type inet_service\n    elements = { 80-90 }\n  }\n}\n',
    nft: 'refuses',
  },
  {
    name: 'nft refuses overlapping elements of an interval set',
    text: 'table inet t {\n  set s {\n    type inet_service\n    flags interval\n    elements = { 80-90, 85 }\n  }\n}\n',
    nft: 'refuses',
  },
  {
    name: 'nft accepts the same range twice in an interval set',
    text: 'table inet t {\n  set s {\n    type inet_service\n    flags interval\n    elements = { 80-90, 80-90 }\n  }\n}\n',
    nft: 'accepts',
  },
  { name: 'nft refuses a set with a misspelt type', text: 'table inet t {\n  set s {\n    type inet_sevice\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses a set without a type', text: 'table inet t {\n  set s {\n    elements = { 80 }\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses a misspelt verdict in a verdict map', text: ruleset('tcp dport vmap { 22 : acept }'), nft: 'refuses' },
  { name: 'nft refuses a port given two verdicts', text: ruleset('tcp dport vmap { 80-90 : accept, 85 : drop }'), nft: 'refuses' },
  { name: 'nft accepts a port given the same verdict twice', text: ruleset('tcp dport vmap { 80 : accept, 80 : accept }'), nft: 'accepts', ports: ['tcp/80'] },
  {
    name: 'nft refuses an element that overlaps the interval set it is added to',
    text: 'table inet t {\n  set s {\n    type inet_service\n    flags interval\n    elements = { 20-30 }\n  }\n}\nadd element inet t s { 25 }\n',
    nft: 'refuses',
  },
  { name: 'nft refuses elements for a set that does not exist', text: 'table inet t {\n  chain c {\n  }\n}\nadd element inet t s { 22 }\n', nft: 'refuses' },
  // --- defines ---
  { name: 'nft refuses a variable used before its define', text: `${ruleset('tcp dport $P accept')}define P = 22\n`, nft: 'refuses' },
  { name: 'nft refuses a second define of the same name', text: 'define P = 22\ndefine P = 23\n', nft: 'refuses' },
  { name: 'nft accepts redefine', text: `define P = 22\nredefine P = 23\n${ruleset('tcp dport $P accept')}`, nft: 'accepts', ports: ['tcp/23'] },
  { name: 'nft sees a define made inside the table', text: 'table inet t {\n  define P = 22\n  chain c {\n    tcp dport $P accept\n  }\n}\n', nft: 'accepts', ports: ['tcp/22'] },
  { name: 'nft refuses a define whose value runs a number into letters', text: 'define P = 22a\n', nft: 'refuses' },
  { name: 'nft accepts a negative number as a define value', text: 'define P = -1\n', nft: 'accepts' },
  { name: 'nft refuses a keyword as a define value', text: 'define P = tproxy\n', nft: 'refuses' },
  { name: 'nft refuses define elements without a comma', text: 'define P = { 33552 "http" }\n', nft: 'refuses' },
  { name: 'nft accepts an empty set on one line as a define value', text: 'define P = { }\n', nft: 'accepts' },
  { name: 'nft refuses an empty set spread over lines as a define value', text: 'define P = {\n}\n', nft: 'refuses' },
  { name: 'nft refuses an empty define as a port match', text: `define P = { }\n${ruleset('tcp dport $P accept')}`, nft: 'refuses' },
  // --- NAT ---
  { name: 'nft refuses a NAT port without a transport match', text: natRuleset('redirect to :8080'), nft: 'refuses' },
  { name: 'nft takes meta l4proto as the transport match of a NAT port', text: natRuleset('meta l4proto tcp redirect to :8080'), nft: 'accepts', ports: ['tcp/8080'] },
  { name: 'nft refuses a NAT address without ip or ip6 in an inet table', text: natRuleset('tcp dport 80 dnat to 10.0.0.2:8080'), nft: 'refuses' },
  { name: 'nft accepts a NAT address in an inet table once an ip match names the family', text: natRuleset('ip daddr 1.2.3.4 tcp dport 80 dnat to 10.0.0.2:8080'), nft: 'accepts', ports: ['tcp/80', 'tcp/8080'] },
  { name: 'nft refuses an address in redirect', text: natRuleset('tcp dport 80 redirect to 10.0.0.1:80'), nft: 'refuses' },
  { name: 'nft refuses a port-only dnat target after a family', text: natRuleset('tcp dport 80 dnat ip to :80'), nft: 'refuses' },
  { name: 'nft resolves a service name as a NAT port', text: natRuleset('tcp dport 80 dnat ip to 10.0.0.2:http-alt'), nft: 'accepts', ports: ['tcp/80', 'tcp/8080'] },
  { name: 'nft accepts a NAT port range written with blanks', text: natRuleset('tcp dport 80 redirect to :8000 - 8010'), nft: 'accepts', ports: ['tcp/80', 'tcp/8000-8010'] },
  { name: 'nft accepts dnat without to in an ip table', text: natRuleset('tcp dport 25 dnat 10.0.0.9', 'ip'), nft: 'accepts', ports: ['tcp/25'] },
  { name: 'nft refuses dnat ip without to', text: natRuleset('tcp dport 25 dnat ip 10.0.0.9'), nft: 'refuses' },
  { name: 'nft refuses snat ip6 after an icmp match, which means IPv4', text: natRuleset('icmp type echo-request snat ip6 to fd00::2'), nft: 'refuses' },
  // --- statements ---
  { name: 'nft refuses a statement after a verdict', text: ruleset('tcp dport 22 accept drop'), nft: 'refuses' },
  { name: 'nft refuses a statement after a NAT statement', text: natRuleset('tcp dport 80 dnat ip to 10.0.0.2 accept'), nft: 'refuses' },
  { name: 'nft accepts a verdict after continue', text: ruleset('tcp dport 22 continue accept'), nft: 'accepts', ports: ['tcp/22'] },
  { name: 'nft refuses a comment before the verdict', text: ruleset('tcp dport 22 comment "ssh" accept'), nft: 'refuses' },
  { name: 'nft refuses a misspelt verdict', text: ruleset('tcp dport 22 acept'), nft: 'refuses' },
  { name: 'nft refuses jump without a chain', text: ruleset('tcp dport 22 jump'), nft: 'refuses' },
  { name: 'nft refuses a jump to a chain that does not exist', text: ruleset('tcp dport 22 jump nowhere'), nft: 'refuses' },
  {
    name: 'nft refuses a jump into a base chain',
    text: 'table inet t {\n  chain a {\n    type filter hook input priority 0;\n    tcp dport 22 jump b\n  }\n  chain b {\n    type filter hook input priority 0;\n  }\n}\n',
    nft: 'refuses',
  },
  { name: 'nft refuses tcp reset after a udp match', text: ruleset('udp dport 22 reject with tcp reset'), nft: 'refuses' },
  { name: 'nft refuses icmpx rejects in an ip table', text: ruleset('tcp dport 22 reject with icmpx admin-prohibited', 'ip'), nft: 'refuses' },
  { name: 'nft refuses log prefix without a string', text: ruleset('tcp dport 22 log prefix'), nft: 'refuses' },
  { name: 'nft refuses an abbreviated rate unit', text: ruleset('tcp dport 22 limit rate 10/sec accept'), nft: 'refuses' },
  { name: 'nft refuses counter packets without a number', text: ruleset('tcp dport 22 counter packets accept'), nft: 'refuses' },
  { name: 'nft refuses an unknown log level', text: ruleset('tcp dport 22 log level infox accept'), nft: 'refuses' },
  // --- structure ---
  { name: 'nft wants a new line or ; between a rule and the } of its chain', text: 'table inet t {\n  chain c {\n    tcp dport 22 accept }\n}\n', nft: 'refuses' },
  { name: 'nft wants a new line or ; after the } of a chain', text: 'table inet t {\n  chain c {\n    tcp dport 22 accept\n  }}\n', nft: 'refuses' },
  { name: 'nft lets elements = { … } close a set without a separator', text: 'table inet t {\n  set s { type inet_service; elements = { 22 } }\n}\n', nft: 'accepts' },
  { name: 'nft refuses a set type that runs into the }', text: 'table inet t {\n  set s { type inet_service }\n}\n', nft: 'refuses' },
  { name: 'nft accepts elements={ without blanks', text: 'table inet t {\n  set s {\n    type inet_service\n    elements={ 22 }\n  }\n}\n', nft: 'accepts' },
  { name: 'nft refuses a rule straight in a table', text: 'table inet t {\n  tcp dport 22 accept\n}\n', nft: 'refuses' },
  { name: 'nft refuses a rule at the top level', text: 'tcp dport 22 accept\n', nft: 'refuses' },
  { name: 'nft refuses ct state straight in a table', text: 'table ip t {\n  ct state invalid drop\n  chain c {\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses limit rate at the top level', text: 'limit rate 10/second accept\n', nft: 'refuses' },
  { name: 'nft refuses a rule inside a set', text: 'table inet t {\n  set s {\n    counter accept\n    type inet_service\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses a misspelt table keyword', text: 'tabel inet t {\n}\n', nft: 'refuses' },
  { name: 'nft refuses a misspelt chain keyword', text: 'table inet t {\n  chian c {\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses an unknown family', text: 'table inet6 t {\n}\n', nft: 'refuses' },
  { name: 'nft refuses an unknown chain type', text: 'table inet t {\n  chain c {\n    type filtre hook input priority 0;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses an unknown hook', text: 'table inet t {\n  chain c {\n    type filter hook inptu priority 0;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses a hook the family lacks', text: 'table ip t {\n  chain c {\n    type filter hook ingress device "lo" priority 0;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses ingress without a device', text: 'table netdev t {\n  chain c {\n    type filter hook ingress priority 0;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses a device on an input chain', text: 'table inet t {\n  chain c {\n    type filter hook input device "lo" priority 0;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses dstnat as the priority of an output chain', text: 'table inet t {\n  chain c {\n    type nat hook output priority dstnat;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses filter-10 as one word', text: 'table inet t {\n  chain c {\n    type filter hook input priority filter-10;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft accepts filter - 10', text: 'table inet t {\n  chain c {\n    type filter hook input priority filter - 10;\n  }\n}\n', nft: 'accepts' },
  { name: 'nft refuses a nat chain on the forward hook', text: 'table inet t {\n  chain c {\n    type nat hook forward priority 0;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses a policy in a regular chain', text: 'table inet t {\n  chain c {\n    policy drop\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses policy reject', text: 'table inet t {\n  chain c {\n    type filter hook input priority 0; policy reject;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses a second policy', text: 'table inet t {\n  chain c {\n    type filter hook input priority 0; policy accept; policy drop;\n  }\n}\n', nft: 'refuses' },
  { name: 'nft refuses add rule to a chain the table lacks', text: 'table inet t {\n  chain c {\n  }\n}\nadd rule inet t d tcp dport 22 accept\n', nft: 'refuses' },
  { name: 'nft reads a quoted string across lines', text: ruleset('tcp dport 22 log prefix "a\nb" accept'), nft: 'accepts', ports: ['tcp/22'] },
  { name: 'nft accepts an include inside a chain', text: ruleset('include "/etc/nftables.d/*.nft"\ntcp dport 22 accept'), nft: 'accepts', ports: ['tcp/22'] },
  // --- found in real-world rulesets and syntax corpora, where Port Lens refused what nft takes ---
  { name: 'nft accepts a range of protocol numbers', text: ruleset('meta l4proto 33-45 accept'), nft: 'accepts' },
  { name: 'nft accepts comparisons of tcp flags', text: ruleset('tcp flags > urg accept\ntcp flags 0-15 accept'), nft: 'accepts' },
  { name: 'nft takes meta nfproto as the family a NAT address needs', text: natRuleset('meta nfproto ipv4 tcp dport 80 dnat to 10.0.0.2:8080'), nft: 'accepts', ports: ['tcp/80', 'tcp/8080'] },
  { name: 'nft accepts a variable as a NAT port', text: `define P = 8080\n${natRuleset('tcp dport 80 redirect to :$P')}`, nft: 'accepts', ports: ['tcp/80', 'tcp/8080'] },
  { name: 'nft reads $A:80 as the variable A:80', text: `define A = 10.0.0.2\n${natRuleset('tcp dport 80 dnat to $A:80', 'ip')}`, nft: 'refuses' },
  { name: 'nft refuses masquerade to a port without its colon', text: natRuleset('tcp dport 80 masquerade to 1024'), nft: 'refuses' },
  { name: 'nft accepts dnat interval to a range of addresses', text: natRuleset('tcp dport 22 dnat interval to 10.0.0.1-10.0.0.5', 'ip'), nft: 'accepts', ports: ['tcp/22'] },
  { name: 'nft reads the port of dnat ip addr . port', text: natRuleset('tcp dport 22 dnat ip addr . port to 10.0.0.1 . 80'), nft: 'accepts', ports: ['tcp/22', 'tcp/80'] },
  { name: 'nft refuses dnat ip6 after an ip match', text: natRuleset('ip saddr 10.0.0.1 udp dport 53 dnat ip6 addr . port to fd00::2 . 53'), nft: 'refuses' },
  {
    name: 'nft merges overlapping elements of an auto-merge set',
    text: 'table inet t {\n  set s {\n    type inet_service; flags interval; auto-merge\n    elements = { 1-10, 5-20 }\n  }\n}\n',
    nft: 'accepts',
  },
  { name: 'nft refuses auto-merge without flags interval', text: 'table inet t {\n  set s {\n    type inet_service\n    auto-merge\n  }\n}\n', nft: 'refuses' },
  { name: 'nft lets auto-merge close a set without a separator', text: 'table inet t {\n  set s { type inet_service; flags interval; auto-merge }\n}\n', nft: 'accepts' },
  { name: 'nft accepts ct status dnat', text: ruleset('ct status dnat accept'), nft: 'accepts' },
  { name: 'nft accepts a range of quoted times', text: ruleset('meta hour "10:00"-"18:00" accept'), nft: 'accepts' },
  { name: 'nft accepts a concatenation that starts with meta l4proto', text: ruleset('meta l4proto . th dport { tcp . 22, udp . 53 } accept'), nft: 'accepts' },
];

function refusesAndPorts(text: string): { refuses: boolean; ports: string[] } {
  const result = scanNftables(text);
  const ports = result.references
    .filter((reference) => reference.port !== null)
    .map((reference) => `${reference.protocol}/${reference.endPort !== null && reference.endPort !== reference.port ? `${reference.port}-${reference.endPort}` : reference.port}`);
  return { refuses: result.problems.some((found) => found.severity === 'error'), ports: [...new Set(ports)].sort() };
}

describe('agrees with nft', () => {
  for (const verdict of NFT_VERDICTS) {
    it(verdict.name, () => {
      const lens = refusesAndPorts(verdict.text);
      assert.equal(lens.refuses, verdict.nft === 'refuses', `Port Lens ${lens.refuses ? 'refuses' : 'accepts'} ${JSON.stringify(verdict.text)}`);
      if (verdict.ports) {
        assert.deepEqual(lens.ports, [...verdict.ports].sort());
      }
    });
  }
});
