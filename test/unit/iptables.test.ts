import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleForProblem } from '../../src/core/rules/scannerProblems';
import { looksLikeIptables, parseIptablesPort, scanIptables } from '../../src/core/scanners/iptables';
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

interface RuleExpectation {
  /** The text the reference's range covers, found in the case text. */
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

/** Builds the exact reference a rule should produce, filling the defaults most cases share. */
function expectedRule(text: string, expectation: RuleExpectation): PortReference {
  const range = span(text, expectation.at, expectation.occurrence ?? 0);
  const digits = expectation.digits ?? expectation.at;
  const chain = expectation.chain ?? 'INPUT';
  const action = expectation.action ?? 'allow';
  const target = expectation.target ?? (action === 'allow' ? 'ACCEPT' : action === 'deny' ? 'DROP' : action === 'reject' ? 'REJECT' : undefined);
  return {
    role: 'firewall',
    range,
    ...(digits === false ? {} : { portRange: { start: range.start + expectation.at.indexOf(digits), end: range.start + expectation.at.indexOf(digits) + digits.length } }),
    protocol: expectation.protocol ?? 'tcp',
    port: expectation.port,
    endPort: expectation.endPort === undefined ? expectation.port : expectation.endPort,
    ...(expectation.hostIp ? { hostIp: expectation.hostIp } : {}),
    scope: chain,
    ...(expectation.rawText !== undefined ? { rawText: expectation.rawText } : {}),
    flags: expectation.flags ?? ['table=filter'],
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
  readonly fileName?: string;
  readonly references: readonly RuleExpectation[];
  readonly problems?: readonly ProblemExpectation[];
}

const CASES: readonly Case[] = [
  // --- single ports and ranges (iptables-extensions: tcp/udp --dport, --sport) ---
  {
    name: 'reads --dport with -p tcp and ACCEPT',
    text: 'iptables -A INPUT -p tcp --dport 22 -j ACCEPT',
    references: [{ at: '22', port: 22 }],
  },
  {
    name: 'reads the long --destination-port and --protocol spellings',
    text: 'iptables --append INPUT --protocol udp --destination-port 53 --jump ACCEPT',
    references: [{ at: '53', port: 53, protocol: 'udp' }],
  },
  {
    name: 'reads --sport as a source port',
    text: 'iptables -A OUTPUT -p udp --sport 123 -j ACCEPT',
    references: [{ at: '123', port: 123, protocol: 'udp', chain: 'OUTPUT', sourcePort: true }],
  },
  {
    name: 'reads --source-port and --dport on one rule',
    text: 'iptables -A INPUT -p tcp --source-port 1024:65535 --dport 443 -j ACCEPT',
    references: [
      { at: '1024:65535', port: 1024, endPort: 65535, sourcePort: true },
      { at: '443', port: 443 },
    ],
  },
  {
    name: 'reads a first:last range',
    text: 'iptables -A INPUT -p tcp --dport 6000:6007 -j DROP',
    references: [{ at: '6000:6007', port: 6000, endPort: 6007, action: 'deny' }],
  },
  {
    name: 'reads an open start :last as 0..last',
    text: 'iptables -A INPUT -p tcp --dport :1023 -j DROP',
    references: [{ at: ':1023', digits: '1023', port: 0, endPort: 1023, action: 'deny' }],
  },
  {
    name: 'reads an open end first: as first..65535',
    text: 'iptables -A INPUT -p udp --dport 32768: -j ACCEPT',
    references: [{ at: '32768:', digits: '32768', port: 32768, endPort: 65535, protocol: 'udp' }],
  },
  {
    name: 'accepts port 0, which iptables allows',
    text: 'iptables -A INPUT -p tcp --dport 0 -j DROP',
    references: [{ at: '0', occurrence: 0, port: 0, action: 'deny' }],
  },
  {
    name: 'reads sctp and dccp ports',
    text: 'iptables -A INPUT -p sctp --dport 2905 -j ACCEPT\niptables -A INPUT -p dccp --dport 5004 -j ACCEPT',
    references: [
      { at: '2905', port: 2905, protocol: 'sctp' },
      { at: '5004', port: 5004, protocol: 'dccp' },
    ],
  },
  {
    name: 'accepts numeric protocols 6 and 17',
    text: 'iptables -A INPUT -p 6 --dport 80 -j ACCEPT\niptables -A INPUT -p 17 --dport 514 -j ACCEPT',
    references: [
      { at: '80', port: 80 },
      { at: '514', port: 514, protocol: 'udp' },
    ],
  },
  {
    name: 'accepts an upper-case protocol name',
    text: 'iptables -A INPUT -p TCP --dport 25 -j REJECT',
    references: [{ at: '25', port: 25, action: 'reject' }],
  },
  {
    name: 'reads --dport=22 written with an equals sign',
    text: 'iptables -A INPUT -p tcp --dport=22 -j ACCEPT',
    references: [{ at: '22', port: 22 }],
  },
  {
    name: 'points inside quotes at the port',
    text: 'iptables -A INPUT -p tcp --dport "8443" -j ACCEPT',
    references: [{ at: '8443', port: 8443 }],
  },
  // --- service names ---
  {
    name: 'resolves service names from /etc/services',
    text: 'iptables -A INPUT -p tcp --dport ssh -j ACCEPT\niptables -A INPUT -p tcp --dport https -j ACCEPT',
    references: [
      { at: 'ssh', digits: false, port: 22 },
      { at: 'https', digits: false, port: 443 },
    ],
  },
  {
    name: 'resolves a range of service names',
    text: 'iptables -A INPUT -p tcp --dport ftp:ssh -j ACCEPT',
    references: [{ at: 'ftp:ssh', digits: false, port: 21, endPort: 22 }],
  },
  {
    // iptables-restore --test: "invalid port/service `my-app' specified".
    name: 'keeps an unknown service name without a port and reports it, as iptables refuses it',
    text: 'iptables -A INPUT -p tcp --dport my-app -j ACCEPT',
    references: [{ at: 'my-app', digits: false, port: null, rawText: 'my-app' }],
    problems: [{ code: 'unknown-service-name', at: 'my-app' }],
  },
  // --- negation ---
  {
    name: 'marks ! --dport as negated',
    text: 'iptables -A INPUT -p tcp ! --dport 22 -j DROP',
    references: [{ at: '22', port: 22, action: 'deny', negated: true }],
  },
  {
    // iptables-restore --test: "invalid port/service `!' specified"; 1.8 takes `!` only before the option.
    name: 'refuses the old --dport ! 22 placement, as iptables does',
    text: 'iptables -A INPUT -p tcp --dport ! 22 -j DROP',
    references: [],
    problems: [{ code: 'invalid-port', at: '!' }],
  },
  {
    name: 'keeps a negated source in the text',
    text: 'iptables -A INPUT -p tcp ! -s 10.0.0.0/8 --dport 3306 -j DROP',
    references: [{ at: '3306', port: 3306, action: 'deny', source: '!10.0.0.0/8' }],
  },
  {
    name: 'keeps a source negated the old way',
    text: 'iptables -A INPUT -s ! 192.168.0.0/16 -p tcp --dport 22 -j DROP',
    references: [{ at: '22', port: 22, action: 'deny', source: '!192.168.0.0/16' }],
  },
  // --- source ---
  {
    name: 'reads -s as the source',
    text: 'iptables -A INPUT -s 203.0.113.7 -p tcp --dport 22 -j ACCEPT',
    references: [{ at: '22', port: 22, source: '203.0.113.7' }],
  },
  {
    name: 'treats 0.0.0.0/0 as anywhere',
    text: 'iptables -A INPUT --source 0.0.0.0/0 -p tcp --dport 80 -j ACCEPT',
    references: [{ at: '80', port: 80, source: null }],
  },
  {
    name: 'treats ::/0 as anywhere in ip6tables',
    text: 'ip6tables -A INPUT -s ::/0 -p tcp --dport 80 -j ACCEPT',
    references: [{ at: '80', port: 80, source: null, flags: ['table=filter', 'ipv6'] }],
  },
  {
    name: 'reads an iprange source range',
    text: 'iptables -A INPUT -m iprange --src-range 10.0.0.1-10.0.0.9 -p tcp --dport 22 -j ACCEPT',
    references: [{ at: '22', occurrence: 0, port: 22, source: '10.0.0.1-10.0.0.9' }],
  },
  // --- chains, commands and targets ---
  {
    name: 'reads the chain of -I with a rule number',
    text: 'iptables -I INPUT 1 -p tcp --dport 8080 -j ACCEPT',
    references: [{ at: '8080', port: 8080 }],
  },
  {
    name: 'reads the chain of -R',
    text: 'iptables -R FORWARD 3 -p tcp --dport 25 -j DROP',
    references: [{ at: '25', port: 25, chain: 'FORWARD', action: 'deny' }],
  },
  {
    name: 'flags a deleted rule',
    text: 'iptables -D INPUT -p tcp --dport 23 -j ACCEPT',
    references: [{ at: '23', port: 23, flags: ['table=filter', 'delete'] }],
  },
  {
    name: 'ignores -C checks, listings and policies',
    text: 'iptables -C INPUT -p tcp --dport 22 -j ACCEPT || true\niptables -L -n\niptables -P INPUT DROP\niptables -N LOGDROP',
    references: [],
  },
  {
    name: 'maps a user chain target to a jump',
    text: 'iptables -A INPUT -p tcp --dport 22 -j SSH_CHECK',
    references: [{ at: '22', port: 22, action: 'jump', target: 'SSH_CHECK' }],
  },
  {
    name: 'maps LOG and RETURN to jumps',
    text: 'iptables -A INPUT -p tcp --dport 23 -j LOG --log-prefix "telnet: "\niptables -A INPUT -p tcp --dport 24 -j RETURN',
    references: [
      { at: '23', port: 23, action: 'jump', target: 'LOG' },
      { at: '24', port: 24, action: 'jump', target: 'RETURN' },
    ],
  },
  {
    name: 'maps -g to a jump',
    text: 'iptables -A INPUT -p tcp --dport 80 -g WEB',
    references: [{ at: '80', port: 80, action: 'jump', target: 'WEB' }],
  },
  {
    name: 'reports other for a rule without a target',
    text: 'iptables -A INPUT -p tcp --dport 80',
    references: [{ at: '80', port: 80, action: 'other' }],
  },
  {
    name: 'skips values of options it does not model',
    text: 'iptables -A INPUT -i eth0 -p tcp --tcp-flags SYN,ACK SYN -m state --state NEW -m comment --comment "web" --dport 80 -j ACCEPT',
    references: [{ at: '80', port: 80 }],
  },
  {
    name: 'puts the table into flags',
    text: 'iptables -t mangle -A PREROUTING -p udp --dport 53 -j MARK --set-mark 1',
    references: [{ at: '53', port: 53, protocol: 'udp', chain: 'PREROUTING', action: 'jump', target: 'MARK', flags: ['table=mangle'] }],
  },
  // --- multiport ---
  {
    name: 'gives each multiport element its own range',
    text: 'iptables -A INPUT -p tcp -m multiport --dports 80,443,8000:8080 -j ACCEPT',
    references: [
      { at: '80', port: 80 },
      { at: '443', port: 443 },
      { at: '8000:8080', port: 8000, endPort: 8080 },
    ],
  },
  {
    name: 'reads multiport --sports as source ports',
    text: 'iptables -A OUTPUT -p udp -m multiport --sports 53,123 -j ACCEPT',
    references: [
      { at: '53', port: 53, protocol: 'udp', chain: 'OUTPUT', sourcePort: true },
      { at: '123', port: 123, protocol: 'udp', chain: 'OUTPUT', sourcePort: true },
    ],
  },
  {
    name: 'flags multiport --ports as either direction',
    text: 'iptables -A FORWARD -p tcp -m multiport --ports 25,587 -j DROP',
    references: [
      { at: '25', port: 25, chain: 'FORWARD', action: 'deny', flags: ['table=filter', 'either-direction'] },
      { at: '587', port: 587, chain: 'FORWARD', action: 'deny', flags: ['table=filter', 'either-direction'] },
    ],
  },
  {
    name: 'negates every element of ! --dports',
    text: 'iptables -A INPUT -p tcp -m multiport ! --dports 22,80 -j DROP',
    references: [
      { at: '22', port: 22, action: 'deny', negated: true },
      { at: '80', port: 80, action: 'deny', negated: true },
    ],
  },
  {
    name: 'accepts exactly fifteen multiport slots',
    text: 'iptables -A INPUT -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14:15 -j ACCEPT',
    references: [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((port) => ({ at: `${port}`, port })),
      { at: '14:15', port: 14, endPort: 15 },
    ],
  },
  // --- NAT targets ---
  {
    name: 'reads DNAT --to-destination address:port as a nat target',
    text: 'iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2:8080',
    references: [
      { at: '80', port: 80, chain: 'PREROUTING', action: 'jump', target: 'DNAT', flags: ['table=nat'] },
      { at: '10.0.0.2:8080', digits: '8080', port: 8080, hostIp: '10.0.0.2', chain: 'PREROUTING', action: 'jump', target: 'DNAT', flags: ['table=nat', 'nat-target'] },
    ],
  },
  {
    name: 'reads REDIRECT --to-ports with a range',
    text: 'iptables -t nat -A PREROUTING -p tcp --dport 80 -j REDIRECT --to-ports 8080-8081',
    references: [
      { at: '80', port: 80, chain: 'PREROUTING', action: 'jump', target: 'REDIRECT', flags: ['table=nat'] },
      { at: '8080-8081', port: 8080, endPort: 8081, chain: 'PREROUTING', action: 'jump', target: 'REDIRECT', flags: ['table=nat', 'nat-target'] },
    ],
  },
  {
    name: 'reads a bracketed IPv6 DNAT target',
    text: 'ip6tables -t nat -A PREROUTING -p tcp --dport 443 -j DNAT --to-destination [fd00::2]:8443',
    references: [
      { at: '443', port: 443, chain: 'PREROUTING', action: 'jump', target: 'DNAT', flags: ['table=nat', 'ipv6'] },
      { at: '[fd00::2]:8443', digits: '8443', port: 8443, hostIp: 'fd00::2', chain: 'PREROUTING', action: 'jump', target: 'DNAT', flags: ['table=nat', 'ipv6', 'nat-target'] },
    ],
  },
  {
    name: 'ignores a DNAT target without a port',
    text: 'iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2',
    references: [{ at: '80', port: 80, chain: 'PREROUTING', action: 'jump', target: 'DNAT', flags: ['table=nat'] }],
  },
  // --- shell forms ---
  {
    name: 'reads sudo and a full path',
    text: 'sudo -E /usr/sbin/iptables -A INPUT -p tcp --dport 443 -j ACCEPT',
    references: [{ at: '443', port: 443 }],
  },
  {
    name: 'reads iptables-legacy and ip6tables-nft',
    text: 'iptables-legacy -A INPUT -p tcp --dport 21 -j DROP\nip6tables-nft -A INPUT -p tcp --dport 22 -j ACCEPT',
    references: [
      { at: '21', port: 21, action: 'deny' },
      { at: '22', port: 22, flags: ['table=filter', 'ipv6'] },
    ],
  },
  {
    name: 'reads a rule continued over several lines',
    text: 'iptables -A INPUT \\\n  -p tcp \\\n  --dport 5432 \\\n  -j DROP',
    references: [{ at: '5432', port: 5432, action: 'deny' }],
  },
  {
    name: 'follows $IPT assigned earlier',
    text: 'IPT=/sbin/iptables\n$IPT -A INPUT -p tcp --dport 993 -j ACCEPT\n${IPT} -A INPUT -p tcp --dport 995 -j ACCEPT',
    references: [
      { at: '993', port: 993 },
      { at: '995', port: 995 },
    ],
  },
  {
    name: 'follows an exported variable set from which',
    text: 'export IPT6="$(which ip6tables)"\n$IPT6 -A INPUT -p tcp --dport 80 -j ACCEPT',
    references: [{ at: '80', occurrence: 0, port: 80, flags: ['table=filter', 'ipv6'] }],
  },
  {
    name: 'ignores a variable that does not hold iptables',
    text: 'CMD=echo\n$CMD -A INPUT -p tcp --dport 80 -j ACCEPT',
    references: [],
  },
  {
    name: 'resolves a port variable assigned earlier',
    text: 'SSH_PORT=2222\niptables -A INPUT -p tcp --dport $SSH_PORT -j ACCEPT',
    references: [{ at: '$SSH_PORT', digits: false, port: 2222, rawText: '$SSH_PORT' }],
  },
  {
    name: 'resolves a multiport list held in a variable',
    text: 'WEB="80,443"\niptables -A INPUT -p tcp -m multiport --dports ${WEB} -j ACCEPT',
    references: [
      { at: '${WEB}', digits: false, port: 80, rawText: '${WEB}' },
      { at: '${WEB}', digits: false, port: 443, rawText: '${WEB}' },
    ],
  },
  {
    name: 'keeps an unresolved loop variable without a port',
    text: 'for p in 80 443; do\n  iptables -A INPUT -p tcp --dport "$p" -j ACCEPT\ndone',
    references: [{ at: '$p', digits: false, port: null, rawText: '$p' }],
    problems: [{ code: 'unresolved-variable', at: '$p', severity: 'info' }],
  },
  {
    name: 'reads commands joined by && and ;',
    text: 'iptables -F && iptables -A INPUT -p tcp --dport 80 -j ACCEPT; iptables -A INPUT -p tcp --dport 81 -j ACCEPT',
    references: [
      { at: '80', port: 80 },
      { at: '81', port: 81 },
    ],
  },
  {
    name: 'ignores iptables mentioned in comments and echo',
    text: '# iptables -A INPUT -p tcp --dport 1 -j ACCEPT\necho "iptables -A INPUT -p tcp --dport 2 -j ACCEPT"',
    references: [],
  },
  {
    name: 'ignores redirections after the rule',
    text: 'iptables -A INPUT -p tcp --dport 80 -j ACCEPT 2>/dev/null',
    references: [{ at: '80', port: 80 }],
  },
  // --- iptables-save / iptables-restore files ---
  {
    name: 'reads rules in iptables-save format',
    text: '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A INPUT -s 10.0.0.0/8 -p udp -m udp --dport 161 -j ACCEPT\nCOMMIT\n',
    references: [
      { at: '22', port: 22 },
      { at: '161', port: 161, protocol: 'udp', source: '10.0.0.0/8' },
    ],
  },
  {
    name: 'takes the table from the *table line',
    text: '*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3000\nCOMMIT\n*filter\n-A INPUT -p tcp --dport 3000 -j ACCEPT\nCOMMIT',
    references: [
      { at: '80', port: 80, chain: 'PREROUTING', action: 'jump', target: 'REDIRECT', flags: ['table=nat'] },
      { at: '3000', occurrence: 0, port: 3000, chain: 'PREROUTING', action: 'jump', target: 'REDIRECT', flags: ['table=nat', 'nat-target'] },
      { at: '3000', occurrence: 1, port: 3000 },
    ],
  },
  {
    name: 'skips iptables-save -c counters',
    text: '*filter\n[12:720] -A INPUT -p tcp -m tcp --dport 443 -j ACCEPT\nCOMMIT',
    references: [{ at: '443', port: 443 }],
  },
  {
    name: 'marks a rules.v6 file as IPv6',
    text: '*filter\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT',
    fileName: '/etc/iptables/rules.v6',
    references: [{ at: '22', port: 22, flags: ['table=filter', 'ipv6'] }],
  },
  {
    name: 'reads an iptables-restore here-document in a script',
    text: 'iptables-restore <<EOF\n*filter\n-A INPUT -p tcp --dport 9100 -j DROP\nCOMMIT\nEOF\n',
    references: [{ at: '9100', port: 9100, action: 'deny' }],
  },
  {
    name: 'reads save syntax written to a file through a here-document',
    text: "cat > /etc/iptables/rules.v4 <<'RULES'\n*filter\n-A INPUT -p tcp --dport 2375 -j DROP\nCOMMIT\nRULES\n",
    references: [{ at: '2375', port: 2375, action: 'deny' }],
  },
  // --- errors ---
  {
    name: 'reports --dport without -p as iptables does',
    text: 'iptables -A INPUT --dport 22 -j ACCEPT',
    references: [{ at: '22', port: 22, protocol: 'any' }],
    problems: [{ code: 'port-without-protocol', at: '--dport' }],
  },
  {
    name: 'reports --dport with -m tcp but no -p',
    text: 'iptables -A INPUT -m tcp --dport 22 -j ACCEPT',
    references: [{ at: '22', port: 22 }],
    problems: [{ code: 'port-without-protocol', at: '--dport' }],
  },
  {
    name: 'reports --dport after a negated protocol',
    text: 'iptables -A INPUT ! -p tcp --dport 22 -j DROP',
    references: [{ at: '22', port: 22, protocol: 'any', action: 'deny' }],
    problems: [{ code: 'port-without-protocol', at: '--dport' }],
  },
  {
    // iptables-restore --test: 'unknown protocol "!" specified'.
    name: 'reports a protocol negated the old way, and the --dport after it',
    text: 'iptables -A INPUT -p ! udp --dport 53 -j DROP',
    references: [{ at: '53', port: 53, protocol: 'any', action: 'deny' }],
    problems: [
      { code: 'unknown-protocol', at: '!' },
      { code: 'port-without-protocol', at: '--dport' },
    ],
  },
  {
    name: 'reports --dport with a protocol that has no ports',
    text: 'iptables -A INPUT -p icmp --dport 8 -j ACCEPT',
    references: [{ at: '8', occurrence: 0, port: 8, protocol: 'any' }],
    problems: [{ code: 'port-without-protocol', at: '--dport' }],
  },
  {
    name: 'reports multiport without -p',
    text: 'iptables -A INPUT -m multiport --dports 80,443 -j ACCEPT',
    references: [
      { at: '80', port: 80, protocol: 'any' },
      { at: '443', port: 443, protocol: 'any' },
    ],
    problems: [{ code: 'port-without-protocol', at: '--dports' }],
  },
  {
    name: 'reports a DNAT port without -p',
    text: 'iptables -t nat -A PREROUTING -j DNAT --to-destination 10.0.0.2:8080',
    references: [{ at: '10.0.0.2:8080', digits: '8080', port: 8080, protocol: 'any', hostIp: '10.0.0.2', chain: 'PREROUTING', action: 'jump', target: 'DNAT', flags: ['table=nat', 'nat-target'] }],
    problems: [{ code: 'port-without-protocol', at: '--to-destination' }],
  },
  {
    name: 'rejects a reversed range, as iptables does',
    text: 'iptables -A INPUT -p tcp --dport 90:80 -j ACCEPT',
    references: [],
    problems: [{ code: 'reversed-range', at: '90:80' }],
  },
  {
    name: 'rejects a port above 65535',
    text: 'iptables -A INPUT -p tcp --dport 65536 -j ACCEPT',
    references: [],
    problems: [{ code: 'port-out-of-range', at: '65536' }],
  },
  {
    name: 'rejects a dash range with a hint',
    text: 'iptables -A INPUT -p tcp --dport 8000-8010 -j ACCEPT',
    references: [],
    problems: [{ code: 'invalid-port', at: '8000-8010' }],
  },
  {
    name: 'rejects sixteen multiport slots',
    text: 'iptables -A INPUT -p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:16 -j ACCEPT',
    references: [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((port) => ({ at: `${port}`, occurrence: 0, port })),
      { at: '15:16', port: 15, endPort: 16 },
    ],
    problems: [{ code: 'multiport-too-many', at: '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:16' }],
  },
  {
    name: 'rejects a multiport range whose ends are equal',
    text: 'iptables -A INPUT -p tcp -m multiport --dports 80,90:90 -j ACCEPT',
    references: [{ at: '80', port: 80 }],
    problems: [{ code: 'reversed-range', at: '90:90' }],
  },
  {
    name: 'rejects an open-ended range inside multiport',
    text: 'iptables -A INPUT -p tcp -m multiport --dports 22,1024: -j ACCEPT',
    references: [{ at: '22', port: 22 }],
    problems: [{ code: 'invalid-port', at: '1024:' }],
  },
  {
    // iptables-translate: "dnat to 192.168.1.2:0"; iptables-restore --test: "Port range `80' funky".
    name: 'accepts a DNAT port of 0 and rejects a reversed NAT range, as iptables does',
    text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 192.168.1.2:0\niptables -t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 90-80',
    references: [{ at: '192.168.1.2:0', digits: '0', port: 0, hostIp: '192.168.1.2', chain: 'PREROUTING', action: 'jump', target: 'DNAT', flags: ['table=nat', 'nat-target'] }],
    problems: [{ code: 'reversed-range', at: '90-80' }],
  },
  {
    name: 'reports a save file section without COMMIT',
    text: '*filter\n-A INPUT -p tcp --dport 22 -j ACCEPT\n',
    references: [{ at: '22', port: 22 }],
    problems: [{ code: 'parse-error', at: '*filter' }],
  },
  {
    name: 'reports an unterminated quote and keeps earlier rules',
    text: 'iptables -A INPUT -p tcp --dport 22 -j ACCEPT\niptables -A INPUT -m comment --comment "open -j DROP',
    references: [{ at: '22', port: 22 }],
    problems: [{ code: 'parse-error', at: '"open -j DROP' }],
  },
  {
    name: 'does not mistake a case pattern for a table header',
    text: 'case "$1" in\n  *start) iptables -A INPUT -p tcp --dport 80 -j ACCEPT ;;\nesac',
    references: [{ at: '80', port: 80 }],
  },
];

function sortProblems(problems: readonly ScanProblem[]): { code: string; range: SourceRange; severity: string }[] {
  return problems.map((found) => ({ code: found.code, range: found.range, severity: found.severity })).sort((a, b) => a.range.start - b.range.start);
}

describe('iptables scanner', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const result = scanIptables(testCase.text, testCase.fileName ? { fileName: testCase.fileName } : undefined);
      assert.equal(result.format, 'iptables');
      assert.deepEqual(result.references, testCase.references.map((expectation) => expectedRule(testCase.text, expectation)));
      const expectedProblems = (testCase.problems ?? []).map((expectation) => ({
        code: expectation.code,
        range: span(testCase.text, expectation.at, expectation.occurrence ?? 0),
        severity: expectation.severity ?? 'error',
      }));
      assert.deepEqual(sortProblems(result.problems), expectedProblems.sort((a, b) => a.range.start - b.range.start));
    });
  }

  it('scans the fixture rules file', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../test/unit/fixtures/network/rules.v4'), 'utf8');
    const result = scanIptables(text, { fileName: 'rules.v4' });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.references.map((reference) => [reference.port, reference.endPort, reference.protocol, reference.firewall?.action, reference.firewall?.source]),
      [
        [22, 22, 'tcp', 'allow', '192.0.2.0/24'],
        [80, 80, 'tcp', 'allow', null],
        [443, 443, 'tcp', 'allow', null],
        [51820, 51820, 'udp', 'allow', null],
        [3306, 3306, 'tcp', 'deny', null],
        [80, 80, 'tcp', 'jump', null],
        [8080, 8080, 'tcp', 'jump', null],
      ],
    );
  });

  it('scans the fixture firewall script', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../test/unit/fixtures/network/firewall.sh'), 'utf8');
    const result = scanIptables(text, { fileName: 'firewall.sh' });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.references.map((reference) => [text.slice(reference.range.start, reference.range.end), reference.port, reference.firewall?.chain, reference.flags]),
      [
        ['$SSH_PORT', 2222, 'INPUT', ['table=filter']],
        ['80', 80, 'INPUT', ['table=filter']],
        ['443', 443, 'INPUT', ['table=filter']],
        ['${SSH_PORT}', 2222, 'INPUT', ['table=filter', 'ipv6']],
        ['25', 25, 'OUTPUT', ['table=filter']],
      ],
    );
  });

  it('never throws on hostile input', () => {
    const inputs = ['iptables', 'iptables -A', 'iptables -A INPUT -p', 'iptables --dport', '*', '*filter\n-A', 'IPT=\n$IPT', '"\'`$(', '\\', 'iptables -p tcp --dport ::', '-A INPUT -p tcp --dport', 'x'.repeat(5000)];
    for (const input of inputs) {
      assert.doesNotThrow(() => scanIptables(input));
    }
  });
});

describe('iptables port syntax', () => {
  const cases: readonly { name: string; text: string; expect: ReturnType<typeof parseIptablesPort> }[] = [
    { name: 'single port', text: '22', expect: { ok: true, value: { port: 22, endPort: 22, digits: { from: 0, to: 2 } } } },
    { name: 'range', text: '1:2', expect: { ok: true, value: { port: 1, endPort: 2, digits: { from: 0, to: 3 } } } },
    { name: 'equal ends', text: '80:80', expect: { ok: true, value: { port: 80, endPort: 80, digits: { from: 0, to: 5 } } } },
    { name: 'whole range written as a lone colon', text: ':', expect: { ok: true, value: { port: 0, endPort: 65535 } } },
    { name: 'a name', text: 'http', expect: { ok: true, value: { port: 80, endPort: 80 } } },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.deepEqual(parseIptablesPort(testCase.text), testCase.expect);
    });
  }
});

describe('looksLikeIptables', () => {
  const cases: readonly { name: string; text: string; expect: boolean }[] = [
    { name: 'an iptables command', text: '#!/bin/sh\niptables -A INPUT -j ACCEPT\n', expect: true },
    { name: 'sudo with a path', text: 'sudo /sbin/ip6tables -L', expect: true },
    { name: 'an assignment of the command', text: 'IPT=/usr/sbin/iptables-legacy\n$IPT -F', expect: true },
    { name: 'a save file', text: '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n', expect: true },
    { name: 'a ufw script', text: 'ufw allow 22/tcp', expect: false },
    { name: 'a word that only contains the name', text: 'echo myiptablesbackup', expect: false },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.equal(looksLikeIptables(testCase.text), testCase.expect);
    });
  }
});

/**
 * Cases where Port Lens once disagreed with iptables, each with the tool's own answer: the verdict of
 * `iptables-restore --test` (the parser of `iptables` itself, fed the rule as a save file) and the
 * ports `iptables-translate` prints. Port Lens "refuses" a rule when it reports an invalid-port or
 * parse-error problem for it.
 */
describe('agrees with iptables', () => {
  interface ToolCase {
    /** The rule, as a line of a shell script or of an iptables-save file. */
    readonly text: string;
    /** What iptables said: `accepts` with the ports it translates to, or `refuses` with its message. */
    readonly tool: { readonly accepts: readonly string[] } | { readonly refuses: string };
  }
  const refusedBy = (text: string): string[] =>
    scanIptables(text)
      .problems.filter((found) => ['invalid-port', 'parse-error'].includes(ruleForProblem(found)))
      .map((found) => `${found.code}: ${found.message}`);
  const portsOf = (text: string): string[] =>
    [...new Set(scanIptables(text).references.filter((reference) => reference.port !== null).map((reference) => (reference.endPort !== reference.port ? `${reference.protocol}/${reference.port}-${reference.endPort}` : `${reference.protocol}/${reference.port}`)))].sort();

  const cases: readonly ToolCase[] = [
    // Options are looked up as getopt_long does: misspellings are refused, unambiguous abbreviations taken.
    { text: 'iptables -A INPUT -p tcp --dprot 22 -j ACCEPT', tool: { refuses: 'unknown option "--dprot"' } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destinaton 10.0.0.1:8080', tool: { refuses: 'unknown option "--to-destinaton"' } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j REDIRECT --to-prots 8080', tool: { refuses: 'unknown option "--to-prots"' } },
    { text: 'iptables -A INPUT -p tcp --dport 22 -m conntrack --ctsate NEW -j ACCEPT', tool: { refuses: 'unknown option "--ctsate"' } },
    { text: 'iptables -A INPUT -p tcp --dports 22,80 -j ACCEPT', tool: { refuses: 'unknown option "--dports"' } },
    { text: 'iptables -A INPUT -p tcp --dport 22 --dest 10.0.0.1 -j ACCEPT', tool: { refuses: 'unknown option "--dest"' } },
    { text: 'iptables -A INPUT -p tcp --dp 22 -j ACCEPT', tool: { accepts: ['tcp/22'] } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to 10.0.0.1:8080', tool: { accepts: ['tcp/8080'] } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j REDIRECT --to-port 8080', tool: { accepts: ['tcp/8080'] } },
    { text: 'iptables -A INPUT -p tcp --tcp-flags SYN,ACK SYN --dport 22 -j ACCEPT', tool: { accepts: ['tcp/22'] } },
    // Options are read in order: the port options need -p before them.
    { text: 'iptables -A INPUT --dport 22 -p tcp -j ACCEPT', tool: { refuses: 'unknown option "--dport"' } },
    { text: 'iptables -A INPUT -p udplite --dport 22 -j ACCEPT', tool: { refuses: 'unknown option "--dport"' } },
    { text: 'iptables -A INPUT -p udplite -m multiport --dports 22,80 -j ACCEPT', tool: { accepts: ['udp/22', 'udp/80'] } },
    { text: 'iptables -A INPUT -p 0x11 --dport 53 -j ACCEPT', tool: { accepts: ['udp/53'] } },
    { text: 'iptables -A INPUT -p tpc --dport 22 -j ACCEPT', tool: { refuses: 'unknown protocol "tpc" specified' } },
    // tcp and sctp read numbers with strtoul base 0; udp and dccp in decimal, through getaddrinfo.
    { text: 'iptables -A INPUT -p tcp --dport 022 -j ACCEPT', tool: { accepts: ['tcp/18'] } },
    { text: 'iptables -A INPUT -p tcp --dport 0x16 -j ACCEPT', tool: { accepts: ['tcp/22'] } },
    { text: 'iptables -A INPUT -p tcp --dport 08 -j ACCEPT', tool: { refuses: "invalid port/service `08' specified" } },
    { text: 'iptables -A INPUT -p udp --dport 022 -j ACCEPT', tool: { accepts: ['udp/22'] } },
    { text: 'iptables -A INPUT -p udp --dport 08 -j ACCEPT', tool: { accepts: ['udp/8'] } },
    // Service names: per protocol for tcp, sctp and multiport; any protocol for udp, dccp and NAT ports.
    { text: 'iptables -A INPUT -p udp --dport ssh -j ACCEPT', tool: { accepts: ['udp/22'] } },
    { text: 'iptables -A INPUT -p tcp --dport ntp -j ACCEPT', tool: { refuses: "invalid port/service `ntp' specified" } },
    { text: 'iptables -A INPUT -p udp -m multiport --dports ssh -j ACCEPT', tool: { refuses: "invalid port/service `ssh' specified" } },
    { text: 'iptables -A INPUT -p sctp --dport amqp -j ACCEPT', tool: { accepts: ['sctp/5672'] } },
    { text: 'iptables -A INPUT -p sctp --dport ssh -j ACCEPT', tool: { refuses: "invalid port/service `ssh' specified" } },
    { text: 'iptables -A INPUT -p tcp --dport mongodb -j ACCEPT', tool: { refuses: "invalid port/service `mongodb' specified" } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:http', tool: { accepts: ['tcp/80'] } },
    // Each match takes an option once; loading the match again makes room for another.
    { text: 'iptables -A INPUT -p tcp --dport 22 --dport 23 -j ACCEPT', tool: { refuses: "Only one `--destination-port' allowed" } },
    { text: 'iptables -A INPUT -p tcp -m multiport --dports 22 --sports 80 -j ACCEPT', tool: { refuses: 'multiport: option "--source-ports" cannot be used together with "--destination-ports".' } },
    { text: 'iptables -A INPUT -p tcp -m multiport --dports 22 -m multiport --sports 80 -j ACCEPT', tool: { accepts: ['tcp/22', 'tcp/80'] } },
    { text: 'iptables -A INPUT -p udp -m udp --dport 1 -m udp --dport 2 -j ACCEPT', tool: { accepts: ['udp/1', 'udp/2'] } },
    { text: 'iptables -A INPUT -p tcp -m multiport --dport 22,80 -j ACCEPT', tool: { accepts: ['tcp/22', 'tcp/80'] } },
    { text: 'iptables -A INPUT -p tcp -m multiport -j ACCEPT', tool: { refuses: 'multiport expection an option' } },
    { text: 'iptables -A INPUT -p tcp -m multiports --dports 22 -j ACCEPT', tool: { refuses: "Couldn't load match `multiports':No such file or directory" } },
    { text: 'iptables -A INPUT -p tcp -m udp --dport 22 -j ACCEPT', tool: { refuses: "UDP match requires '-p udp'" } },
    { text: 'iptables -I INPUT 0 -p tcp --dport 22 -j ACCEPT', tool: { refuses: "Invalid rule number `0'" } },
    // NAT ports: 0 and a base offset are fine, ICMP's id counts as a port, octal again.
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:0', tool: { accepts: ['tcp/0'] } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:8000-8010/100', tool: { accepts: ['tcp/8000-8010'] } },
    { text: 'iptables -t nat -A PREROUTING -p icmp -j DNAT --to-destination 10.0.0.1:8080', tool: { accepts: ['any/8080'] } },
    { text: 'iptables -t nat -A PREROUTING ! -p tcp -j DNAT --to-destination 10.0.0.1:8080', tool: { accepts: ['any/8080'] } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:010', tool: { accepts: ['tcp/8'] } },
    { text: 'iptables -t nat -A PREROUTING -p udplite -j DNAT --to-destination 10.0.0.1:8080', tool: { refuses: 'Need TCP, UDP, SCTP or DCCP with port specification' } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:08080', tool: { refuses: "Garbage after port value: `8080'" } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:8080/100', tool: { refuses: "Garbage after port value: `/100'" } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:8080:8090', tool: { refuses: 'Bad IP address "10.0.0.1:8080:8090"' } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 8000-8010/100', tool: { refuses: 'Shifted portmap ranges not supported with this kernel' } },
    { text: 'iptables -t nat -A PREROUTING -p tcp -j DNAT', tool: { refuses: 'DNAT: option "--to-destination" must be specified' } },
    // The same reading in iptables-save files.
    { text: '*filter\n-A INPUT -p tcp --dprot 22 -j ACCEPT\nCOMMIT\n', tool: { refuses: 'unknown option "--dprot"' } },
    { text: '*nat\n-A PREROUTING -p udp -m udp --dport 022 -j DNAT --to-destination 10.0.0.1:010\nCOMMIT\n', tool: { accepts: ['udp/22', 'udp/8'] } },
  ];
  for (const testCase of cases) {
    const verdict = 'accepts' in testCase.tool ? `iptables accepts it as ${testCase.tool.accepts.join(' ')}` : `iptables refuses it: ${testCase.tool.refuses}`;
    it(`${verdict}: ${testCase.text}`, () => {
      const refusals = refusedBy(testCase.text);
      if ('accepts' in testCase.tool) {
        assert.deepEqual(refusals, []);
        assert.deepEqual(portsOf(testCase.text), [...testCase.tool.accepts].sort());
      } else {
        assert.notDeepEqual(refusals, [], 'Port Lens should report the rule');
      }
    });
  }

  // iptables takes these, but they never mean what they say: Port Lens reports them on purpose.
  const deliberate: readonly { text: string; why: string }[] = [
    { text: 'iptables -A INPUT -p udp --dport 70000 -j ACCEPT', why: 'iptables-translate: "udp dport 4464"' },
    { text: 'iptables -A INPUT -p udp --dport 5:3 -j ACCEPT', why: 'iptables-translate: "udp dport 5-3", which matches nothing' },
    { text: 'iptables -A INPUT ! -p tcp --dport 22 -j ACCEPT', why: 'the legacy kernel refuses it; iptables-nft tests TCP port bytes of non-TCP packets' },
    { text: 'iptables -A INPUT -p tcp -m sctp --dport 22 -j ACCEPT', why: 'the kernel refuses it: "RULE_APPEND failed (Invalid argument)"' },
  ];
  for (const { text, why } of deliberate) {
    it(`reports what iptables takes but does not mean (${why}): ${text}`, () => {
      assert.notDeepEqual(refusedBy(text), []);
    });
  }
});
