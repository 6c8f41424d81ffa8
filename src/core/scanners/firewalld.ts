/**
 * firewalld: zone, policy and service XML (firewalld.zone(5), firewalld.policy(5), firewalld.service(5),
 * rich rules per firewalld.richlanguage(5)) and `firewall-cmd` / `firewall-offline-cmd` lines in shell scripts.
 *
 * What firewalld accepts follows firewalld 1.3: its port parser (numbers, ranges and /etc/services
 * names), its rich-rule lexer and checks, and the elements and attributes its XML readers allow.
 */
import { isIPv4, isIPv6 } from '../ipAddress';
import { firewalldService } from '../ports/namedPorts';
import type { NamedPort } from '../ports/namedPorts';
import { serviceNamePorts } from '../ports/serviceNames';
import type { FirewallAction, PortReference, ScanProblem, Scanner, SourceRange } from '../types';
import type { FirewallBlock, HostFirewallFacts } from '../wiring/facts';
import { problem } from './portSyntax';
import { splitShellCommands, wordSpan } from './shellWords';
import type { ShellWord } from './shellWords';
import { commandArguments } from './ufw';
import { attribute, firstElementName, scanXmlTags } from './xmlTags';
import type { XmlTag } from './xmlTags';

/** A piece of source text: its value, where it sits, and where any slice of it came from. */
interface Value {
  readonly text: string;
  readonly range: SourceRange;
  /** Source span of `text[from, to)`. */
  readonly locate: (from: number, to: number) => SourceRange;
}

/** A value written verbatim at `start` (an XML attribute between its quotes). */
function verbatimValue(text: string, start: number): Value {
  return { text, range: { start, end: start + text.length }, locate: (from, to) => ({ start: start + from, end: start + to }) };
}

/** `text[from, to)` of a value, keeping the mapping to the source. */
function sliceValue(value: Value, from: number, to: number): Value {
  return { text: value.text.slice(from, to), range: value.locate(from, to), locate: (a, b) => value.locate(from + a, from + b) };
}

/** The part of a shell word from `from` on (the value after `--add-port=`). */
function shellValue(word: ShellWord, from: number): Value {
  const locate = (a: number, b: number) => wordSpan(word, from + a, from + b);
  return { text: word.text.slice(from), range: locate(0, word.text.length - from), locate };
}

/** A value whose characters each came from a known source offset (a rich-rule word after quote removal). */
function mappedValue(text: string, offsets: readonly number[]): Value {
  const locate = (from: number, to: number): SourceRange => {
    if (to <= from) {
      const at = offsets[from] ?? (offsets.length > 0 ? offsets[offsets.length - 1] + 1 : 0);
      return { start: at, end: at };
    }
    return { start: offsets[from], end: offsets[to - 1] + 1 };
  };
  return { text, range: locate(0, text.length), locate };
}

/** One element of a rule (`port`, `source`, `accept`, ...), from XML or from the rich language. */
interface RuleElement {
  readonly name: string;
  readonly range: SourceRange;
  readonly attributes: ReadonlyMap<string, Value>;
  /** `source not address=...` in the rich language, `invert="True"` in XML. */
  readonly negated: boolean;
  /** The whole token to point at when it is wider than the port value (`8080/tcp` on a command line). */
  readonly token?: SourceRange;
}

/** What every port of one rule shares. */
interface RuleContext {
  readonly action: FirewallAction;
  readonly target?: string;
  readonly source: string | null;
  readonly scope?: string;
  readonly flags: readonly string[];
}

interface Output {
  readonly references: PortReference[];
  readonly problems: ScanProblem[];
  /** Ports a zone's rich rules drop or reject, for the workspace graph. */
  readonly blocks: FirewallBlock[];
  /** Where a zone that denies what it does not allow is defined or given ports. */
  defaultDeny?: HostFirewallFacts['defaultDeny'];
}

/**
 * Blocks from the references one rich rule added (from index `from` on): each port it drops or rejects
 * from anywhere. `describe` gives the rule as written, or a short account of it.
 */
function collectBlocks(output: Output, from: number, describe: (reference: PortReference) => string): void {
  const { references } = output;
  for (let k = from; k < references.length; k++) {
    const reference = references[k];
    const { firewall, port, endPort } = reference;
    if (
      !firewall ||
      (firewall.action !== 'deny' && firewall.action !== 'reject') ||
      firewall.sourcePort ||
      firewall.source !== null ||
      port === null ||
      endPort === null ||
      reference.flags?.includes('forward-port')
    ) {
      continue;
    }
    output.blocks.push({ port, endPort, protocol: reference.protocol, range: reference.range, text: describe(reference) });
  }
}

/** A rich rule read from XML has no one line to quote: `firewalld rich rule in zone public: reject 5432/tcp`. */
function describeXmlRule(reference: PortReference): string {
  const ports = reference.port === reference.endPort ? `${reference.port}` : `${reference.port}-${reference.endPort}`;
  const zone = reference.scope !== undefined ? ` in zone ${reference.scope}` : '';
  return `firewalld rich rule${zone}: ${reference.firewall?.target ?? 'drop'} ${ports}/${reference.protocol}`;
}

// ---------------------------------------------------------------------------------------------
// Numbers, addresses and protocols as firewalld's Python checks read them
// ---------------------------------------------------------------------------------------------

const PYTHON_DECIMAL = /^[+-]?\d+(?:_\d+)*$/;
const PYTHON_ANY_BASE = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0(?:_?0)*)$/;

/** Python's `int(text)`: surrounding whitespace, a sign and `_` between digits allowed. */
function pythonInt(text: string): number | undefined {
  const trimmed = text.trim();
  if (!PYTHON_DECIMAL.test(trimmed)) {
    return undefined;
  }
  const digits = trimmed.replace(/[+_]/g, '');
  // Beyond 2^53 the exact value no longer matters: every caller compares it with a small bound.
  return Number(digits);
}

/** Python's `int(text, 0)`: a base prefix (0x, 0o, 0b) or a decimal without leading zeros. */
function pythonIntAnyBase(text: string): number | undefined {
  const trimmed = text.trim();
  if (!PYTHON_ANY_BASE.test(trimmed)) {
    return undefined;
  }
  const negative = trimmed.startsWith('-');
  const body = trimmed.replace(/^[+-]/, '').replace(/_/g, '');
  const value = /^0[xob]/i.test(body) ? Number(body.toLowerCase()) : Number(body);
  return negative ? -value : value;
}

function inRange(value: number | undefined, low: number, high: number): boolean {
  return value !== undefined && value >= low && value <= high;
}

/** inet_pton(AF_INET): four dotted decimal octets. */
function isAddress4(text: string): boolean {
  return isIPv4(text);
}

/** inet_pton(AF_INET6) after firewalld strips URL brackets (`[2001:db8::1]`); no zone index. */
function isAddress6(text: string): boolean {
  const bare = text.replace(/^[[\]]+|[[\]]+$/g, '');
  return !bare.includes('%') && isIPv6(bare);
}

/** `address[/mask]` for a family, as firewalld's checkIPnMask and checkIP6nMask read it. */
function isAddressWithMask(family: string, text: string): boolean {
  const slash = text.indexOf('/');
  const address = slash >= 0 ? text.slice(0, slash) : text;
  const mask = slash >= 0 ? text.slice(slash + 1) : undefined;
  if (mask === '' || address === '') {
    return false;
  }
  if (family === 'ipv4') {
    return isAddress4(address) && (mask === undefined || (mask.includes('.') ? isAddress4(mask) : inRange(pythonInt(mask), 0, 32)));
  }
  if (family === 'ipv6') {
    return isAddress6(address) && (mask === undefined || inRange(pythonInt(mask), 0, 128));
  }
  return false;
}

const MAC_ADDRESS = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/;

/**
 * The IP protocols /etc/protocols names (Debian's netbase), with their aliases: firewalld looks a
 * protocol name up with getprotobyname and takes a number from 0 to 255.
 */
const IP_PROTOCOL_NAMES: ReadonlySet<string> = new Set(
  (
    'ip IP hopopt HOPOPT icmp ICMP igmp IGMP ggp GGP ipencap IP-ENCAP st ST tcp TCP egp EGP igp IGP pup PUP udp UDP ' +
    'hmp HMP xns-idp XNS-IDP rdp RDP iso-tp4 ISO-TP4 dccp DCCP xtp XTP ddp DDP idpr-cmtp IDPR-CMTP ipv6 IPv6 ' +
    'ipv6-route IPv6-Route ipv6-frag IPv6-Frag idrp IDRP rsvp RSVP gre GRE esp IPSEC-ESP ah IPSEC-AH skip SKIP ' +
    'ipv6-icmp IPv6-ICMP ipv6-nonxt IPv6-NoNxt ipv6-opts IPv6-Opts rspf RSPF CPHB vmtp VMTP eigrp EIGRP ospf OSPFIGP ' +
    'ax.25 AX.25 ipip IPIP etherip ETHERIP encap ENCAP pim PIM ipcomp IPCOMP vrrp VRRP l2tp L2TP isis ISIS sctp SCTP ' +
    'fc FC mobility-header Mobility-Header udplite UDPLite mpls-in-ip MPLS-in-IP manet hip HIP shim6 Shim6 wesp WESP ' +
    'rohc ROHC ethernet Ethernet mptcp MPTCP'
  ).split(' '),
);

function isIpProtocol(text: string): boolean {
  const number = pythonInt(text);
  return number !== undefined ? inRange(number, 0, 255) : IP_PROTOCOL_NAMES.has(text);
}

/** The transport protocols a port belongs to; firewalld takes them in lower case only. */
const PORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp', 'dccp']);

// ---------------------------------------------------------------------------------------------
// Port values and the references built from them
// ---------------------------------------------------------------------------------------------

interface PortSpec {
  /** `null` when the port is a shell variable that is only known when the script runs. */
  readonly port: number | null;
  readonly endPort: number | null;
  /** Present when the value is digits; absent for a service name. */
  readonly portRange?: SourceRange;
  readonly name?: string;
  readonly rawText?: string;
}

const DIGITS = /^[0-9]+$/;
const DIGIT_RANGE = /^[0-9]+(?:-[0-9]+)?$/;
/** No /etc/services name has this many dashes; a longer value cannot be a port range. */
const MAX_RANGE_PIECES = 16;
const TOO_BIG = -2;
const UNKNOWN = -1;

type PortRangeReading =
  | { readonly ok: true; readonly first: number; readonly last: number }
  | { readonly ok: false; readonly reason: 'too-big' | 'invalid' | 'ambiguous' };

/**
 * One side of a range, as firewalld's getPortID reads it: a Python integer, else the port of a
 * service name (getservbyname without a protocol: the first line /etc/services lists it on).
 * `withRegistry` also takes names only the IANA registry has, as a RHEL or Fedora host resolves them.
 */
function portId(text: string, withRegistry: boolean): number {
  const trimmed = text.trim();
  const number = pythonInt(trimmed);
  if (number !== undefined) {
    return number > 65535 ? TOO_BIG : number;
  }
  const named = serviceNamePorts(trimmed)[0];
  if (!named || (named.source !== 'etc-services' && !(withRegistry && named.canonicalName === trimmed))) {
    return UNKNOWN;
  }
  return named.port;
}

/** firewalld's getPortRange: a port, `first-last` (either order), or names joined by dashes. */
function readPortRange(text: string, withRegistry: boolean): PortRangeReading {
  const ordered = (a: number, b: number): PortRangeReading => ({ ok: true, first: Math.min(a, b), last: Math.max(a, b) });
  if (DIGITS.test(text)) {
    const id = portId(text, withRegistry);
    return id >= 0 ? { ok: true, first: id, last: id } : { ok: false, reason: 'too-big' };
  }
  const pieces = text.split('-');
  if (pieces.length === 2 && DIGITS.test(pieces[0]) && DIGITS.test(pieces[1])) {
    const first = portId(pieces[0], withRegistry);
    const last = portId(pieces[1], withRegistry);
    if (first >= 0 && last >= 0) {
      return ordered(first, last);
    }
  }
  if (pieces.length > MAX_RANGE_PIECES) {
    return { ok: false, reason: 'invalid' };
  }
  // Every way of cutting the text at a dash into two ports; exactly one must work.
  const matches: PortRangeReading[] = [];
  for (let cut = pieces.length; cut >= 1; cut--) {
    const first = portId(pieces.slice(0, cut).join('-'), withRegistry);
    const rest = pieces.slice(cut).join('-');
    if (rest.length > 0) {
      const last = portId(rest, withRegistry);
      if (first >= 0 && last >= 0) {
        matches.push(ordered(first, last));
      }
    } else if (first >= 0) {
      matches.push(ordered(first, first));
      break;
    }
  }
  if (matches.length === 0) {
    return { ok: false, reason: 'invalid' };
  }
  return matches.length > 1 ? { ok: false, reason: 'ambiguous' } : matches[0];
}

/**
 * A port value as firewalld reads it; `undefined` (with a problem) when firewalld refuses it. firewalld
 * takes port 0, swaps a reversed range and resolves names through /etc/services for any protocol.
 */
function parsePortSpec(value: Value | undefined, element: string, output: Output, at: SourceRange): PortSpec | undefined {
  if (value === undefined) {
    output.problems.push(problem(at, 'parse-error', `A ${element} needs a port`));
    return undefined;
  }
  const text = value.text;
  if (text.includes('$')) {
    return { port: null, endPort: null, rawText: text };
  }
  const reading = readPortRange(text, false);
  if (reading.ok) {
    return spec(reading, value);
  }
  const registry = readPortRange(text, true);
  if (registry.ok) {
    // Resolved for the hover, refused as a stock Debian firewalld refuses it.
    output.problems.push(problem(value.range, 'invalid-port', `"${text}" is not in a stock /etc/services; firewalld resolves it only where /etc/services lists the whole IANA registry (RHEL, Fedora)`));
    return spec(registry, value);
  }
  const message =
    text === ''
      ? `A ${element} needs a port`
      : reading.reason === 'too-big'
        ? `Port ${text.length > 12 ? `${text.slice(0, 12)}…` : text} is out of range (0-65535)`
        : reading.reason === 'ambiguous'
          ? `Port range "${text}" is ambiguous: it splits into two ports in more than one way`
          : `"${text}" is not a port, a port range or a service name from /etc/services`;
  output.problems.push(problem(value.range, reading.reason === 'too-big' ? 'port-out-of-range' : 'invalid-port', message));
  return undefined;
}

function spec(reading: { readonly first: number; readonly last: number }, value: Value): PortSpec {
  const numeric = DIGIT_RANGE.test(value.text);
  return { port: reading.first, endPort: reading.last, ...(numeric ? { portRange: value.range } : { name: value.text }) };
}

function firewallReference(range: SourceRange, spec: PortSpec, protocol: PortReference['protocol'], context: RuleContext, sourcePort: boolean, extraFlags: readonly string[] = []): PortReference {
  const flags = [...context.flags, ...extraFlags];
  return {
    role: 'firewall',
    range,
    ...(spec.portRange ? { portRange: spec.portRange } : {}),
    protocol,
    port: spec.port,
    endPort: spec.endPort,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(spec.rawText !== undefined ? { rawText: spec.rawText } : {}),
    ...(context.scope !== undefined ? { scope: context.scope } : {}),
    ...(flags.length > 0 ? { flags } : {}),
    firewall: {
      action: context.action,
      ...(context.target !== undefined ? { target: context.target } : {}),
      source: context.source,
      ...(sourcePort ? { sourcePort: true } : {}),
    },
  };
}

/** The protocol attribute of a port-like element; firewalld accepts tcp, udp, sctp and dccp only. */
function elementProtocol(element: RuleElement, output: Output): PortReference['protocol'] | undefined {
  const protocol = element.attributes.get('protocol');
  if (!protocol || protocol.text === '') {
    output.problems.push(problem(element.attributes.get('port')?.range ?? element.range, 'missing-protocol', `A ${element.name} needs a protocol (tcp, udp, sctp or dccp)`));
    return undefined;
  }
  if (!PORT_PROTOCOLS.has(protocol.text)) {
    output.problems.push(problem(protocol.range, 'unknown-protocol', `firewalld does not know protocol "${protocol.text}" (use tcp, udp, sctp or dccp)`));
    return undefined;
  }
  return protocol.text as PortReference['protocol'];
}

/** `port` and `source-port` elements: one port or range with a protocol. */
function emitPortElement(element: RuleElement, context: RuleContext, output: Output, sourcePort: boolean): void {
  const spec = parsePortSpec(element.attributes.get('port'), element.name, output, element.range);
  const protocol = elementProtocol(element, output);
  if (protocol && spec) {
    output.references.push(firewallReference(element.token ?? element.attributes.get('port')?.range ?? element.range, spec, protocol, context, sourcePort));
  }
}

function namedSpec(entry: NamedPort, name: string): PortSpec {
  return { port: entry.port, endPort: entry.endPort ?? entry.port, name };
}

/** A service name stands for each of its ports (source ports too); all of them point at the name. */
function emitService(name: Value, context: RuleContext, output: Output): void {
  const service = firewalldService(name.text);
  if (!service) {
    if (!name.text.includes('$')) {
      output.problems.push(problem(name.range, 'unknown-service', `"${name.text}" is not one of firewalld's predefined services; its ports are defined elsewhere`, 'info'));
    }
    return;
  }
  for (const entry of service.ports) {
    output.references.push(firewallReference(name.range, namedSpec(entry, name.text), entry.protocol, context, false));
  }
  for (const entry of service.sourcePorts) {
    output.references.push(firewallReference(name.range, namedSpec(entry, name.text), entry.protocol, context, true));
  }
}

/**
 * A forward port opens `port` and rewrites matching traffic to `to-addr`:`to-port`. Both ends are
 * firewall references; the destination is marked `nat-target`, as the iptables and nftables scanners
 * mark DNAT and redirect targets, with the address in `hostIp`. `checkAddress` is how the caller's
 * firewalld check reads `to-addr` (any family for a zone, the rule's family in a rich rule).
 */
function emitForwardPort(element: RuleElement, context: RuleContext, output: Output, checkAddress: (address: string) => boolean): void {
  const spec = parsePortSpec(element.attributes.get('port'), 'forward port', output, element.range);
  const protocol = elementProtocol(element, output);
  const toPort = nonEmpty(element.attributes.get('to-port'));
  const toAddress = nonEmpty(element.attributes.get('to-addr'));
  if (!toPort && !toAddress) {
    output.problems.push(problem(element.range, 'missing-destination', 'A forward port needs to-port, to-addr or both'));
  }
  const destination = toPort ? parsePortSpec(toPort, 'forward port', output, toPort.range) : spec;
  if (toAddress && !toAddress.text.includes('$') && !checkAddress(toAddress.text)) {
    output.problems.push(problem(toAddress.range, 'invalid-address', `to-addr "${toAddress.text}" is not a valid address here`));
  }
  if (!protocol || !spec) {
    return;
  }
  output.references.push(firewallReference(element.attributes.get('port')?.range ?? element.range, spec, protocol, context, false, ['forward-port']));
  // Without to-port the traffic keeps its port; the reference then points at the address.
  if (destination && (toPort || toAddress)) {
    const rewrite: RuleContext = { ...context, action: 'jump', target: 'forward-port' };
    const target = firewallReference((toPort ?? (toAddress as Value)).range, toPort ? destination : { ...destination, portRange: undefined }, protocol, rewrite, false, toPort ? ['forward-port', 'nat-target'] : ['forward-port', 'nat-target', 'implicit-port']);
    output.references.push(toAddress ? { ...target, hostIp: toAddress.text } : target);
  }
}

function nonEmpty(value: Value | undefined): Value | undefined {
  return value !== undefined && value.text !== '' ? value : undefined;
}

/** A forward port in a zone or policy: to-addr may be IPv4 or IPv6. */
const anyFamilyAddress = (address: string): boolean => isAddress4(address) || isAddress6(address);

// ---------------------------------------------------------------------------------------------
// Rich rules (shared by XML <rule> and --add-rich-rule)
// ---------------------------------------------------------------------------------------------

const ACTIONS: Readonly<Record<string, FirewallAction>> = { accept: 'allow', reject: 'reject', drop: 'deny', mark: 'other' };
/** The elements a rule holds at most one of (firewalld's `element`). */
const RULE_MATCHES: ReadonlySet<string> = new Set(['service', 'port', 'protocol', 'icmp-block', 'icmp-type', 'masquerade', 'forward-port', 'source-port', 'tcp-mss-clamp']);
/** Elements that need no action: they do something themselves. */
const SELF_ACTING: ReadonlySet<string> = new Set(['icmp-block', 'forward-port', 'masquerade', 'tcp-mss-clamp']);
const LOG_LEVELS: ReadonlySet<string> = new Set(['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug']);
const REJECT_TYPES: Readonly<Record<string, ReadonlySet<string>>> = {
  ipv4: new Set([
    'icmp-host-prohibited', 'host-prohib', 'icmp-net-unreachable', 'net-unreach', 'icmp-host-unreachable', 'host-unreach',
    'icmp-port-unreachable', 'port-unreach', 'icmp-proto-unreachable', 'proto-unreach', 'icmp-net-prohibited', 'net-prohib',
    'tcp-reset', 'tcp-rst', 'icmp-admin-prohibited', 'admin-prohib',
  ]),
  ipv6: new Set([
    'icmp6-adm-prohibited', 'adm-prohibited', 'icmp6-no-route', 'no-route', 'icmp6-addr-unreachable', 'addr-unreach',
    'icmp6-port-unreachable', 'port-unreach', 'tcp-reset',
  ]),
};
/** firewalld 1.3's ICMP types (/usr/lib/firewalld/icmptypes); an icmp-block or icmp-type names one of them. */
const ICMP_TYPES: ReadonlySet<string> = new Set(
  (
    'address-unreachable bad-header beyond-scope communication-prohibited destination-unreachable echo-reply echo-request ' +
    'failed-policy fragmentation-needed host-precedence-violation host-prohibited host-redirect host-unknown host-unreachable ' +
    'ip-header-bad neighbour-advertisement neighbour-solicitation network-prohibited network-redirect network-unknown ' +
    'network-unreachable no-route packet-too-big parameter-problem port-unreachable precedence-cutoff protocol-unreachable ' +
    'redirect reject-route required-option-missing router-advertisement router-solicitation source-quench source-route-failed ' +
    'time-exceeded timestamp-reply timestamp-request tos-host-redirect tos-host-unreachable tos-network-redirect ' +
    'tos-network-unreachable ttl-zero-during-reassembly ttl-zero-during-transit unknown-header-type unknown-option'
  ).split(' '),
);
const PRIORITY_MIN = -32768;
const PRIORITY_MAX = 32767;
const LIMIT_UNITS: Readonly<Record<string, string>> = { second: 's', minute: 'm', hour: 'h', day: 'd' };

/** A rich rule's parts, whichever way it was written. */
interface RichRule {
  /** Where rule-wide problems are reported. */
  readonly range: SourceRange;
  family?: Value;
  priority: number;
  source?: RuleElement;
  destination?: RuleElement;
  match?: RuleElement;
  log?: RuleElement;
  audit?: RuleElement;
  action?: RuleElement;
  /** `limit value=...` of the action, the log and the audit. */
  readonly limits: Map<RuleElement, Value>;
}

function newRule(range: SourceRange): RichRule {
  return { range, priority: 0, limits: new Map() };
}

function truthy(value: Value | undefined): boolean {
  return value !== undefined && (value.text.toLowerCase() === 'true' || value.text.toLowerCase() === 'yes');
}

/** The source a rule matches, as written: `10.0.0.0/8`, `!10.0.0.0/8` when inverted, `ipset:name`, `mac:...`. */
function ruleSource(source: RuleElement | undefined): string | null {
  if (!source) {
    return null;
  }
  const address = source.attributes.get('address');
  const ipset = source.attributes.get('ipset');
  const mac = source.attributes.get('mac');
  const written = address ? address.text : ipset ? `ipset:${ipset.text}` : mac ? `mac:${mac.text}` : undefined;
  if (written === undefined) {
    return null;
  }
  return source.negated ? `!${written}` : written;
}

/** firewalld's Rich_Limit: `rate/unit` with the unit s, m, h or d (or spelt out), at least one, not 1/d. */
function limitProblem(value: Value): string | undefined {
  const pieces = value.text.split('/');
  const unit = pieces.length === 2 ? (LIMIT_UNITS[pieces[1]] ?? pieces[1]) : undefined;
  const rate = pieces.length === 2 ? pythonInt(pieces[0]) : undefined;
  if (unit === undefined || rate === undefined || rate < 1 || !['s', 'm', 'h', 'd'].includes(unit)) {
    return `Limit "${value.text}" is not rate/unit (unit s, m, h or d)`;
  }
  return rate === 1 && unit === 'd' ? `Limit "${value.text}" is too slow` : undefined;
}

function uint32(text: string): boolean {
  return inRange(pythonIntAnyBase(text), 0, 4294967295);
}

function uint16(text: string): boolean {
  return inRange(pythonIntAnyBase(text), 0, 65535);
}

/** firewalld's checkTcpMssClamp: a size of at least 536, `pmtu`, or `None`. */
function validMssClamp(value: string): boolean {
  if (value === '' || value === 'None' || value === 'pmtu') {
    return true;
  }
  return DIGITS.test(value) && Number(value) >= 536;
}

/**
 * firewalld's Rich_Rule.check: the first reason the rule is refused, with where to point. The
 * port values of the matching element are checked (and emitted) by `emitRule`.
 */
function ruleProblem(rule: RichRule): { readonly range: SourceRange; readonly message: string; readonly code?: string } | undefined {
  const family = rule.family?.text;
  const here = (message: string, range: SourceRange = rule.range, code?: string) => ({ range, message, ...(code !== undefined ? { code } : {}) });
  if (family !== undefined && family !== 'ipv4' && family !== 'ipv6') {
    return here(`Rule family "${family}" is not ipv4 or ipv6`, rule.family?.range);
  }
  const address = (element: RuleElement | undefined) => element?.attributes.get('address');
  if (family === undefined && (address(rule.source) || rule.destination || rule.match?.name === 'forward-port')) {
    return here('This rule needs family="ipv4" or family="ipv6": it names an address or forwards a port');
  }
  if (rule.priority < PRIORITY_MIN || rule.priority > PRIORITY_MAX) {
    return here(`A rule's priority is between ${PRIORITY_MIN} and ${PRIORITY_MAX}`);
  }
  if (!rule.match && (!rule.log || rule.priority === 0)) {
    if (!rule.action) {
      return here('A rule without a port, service or other match needs an action');
    }
    if (!rule.source && !rule.destination && rule.priority === 0) {
      return here('A rule needs a port, service, source or destination to match');
    }
  }
  if (!(rule.match && SELF_ACTING.has(rule.match.name)) && !rule.log && !rule.audit && !rule.action) {
    return here('A rule needs an action (accept, reject, drop or mark), a log or an audit');
  }
  for (const [element, kind] of [[rule.source, 'source'], [rule.destination, 'destination']] as const) {
    if (!element) {
      continue;
    }
    const at = element.range;
    const written = element.attributes.get('address');
    const mac = kind === 'source' ? element.attributes.get('mac') : undefined;
    const ipset = element.attributes.get('ipset');
    if (written) {
      if (mac || ipset) {
        return here(`A ${kind} is an address, ${kind === 'source' ? 'a MAC address ' : ''}or an ipset, not several`, at);
      }
      if (!isAddressWithMask(family ?? '', written.text)) {
        return here(`"${written.text}" is not an ${family === 'ipv6' ? 'IPv6' : 'IPv4'} address or network`, written.range, 'invalid-address');
      }
    } else if (mac) {
      if (ipset) {
        return here('A source is a MAC address or an ipset, not both', at);
      }
      if (!MAC_ADDRESS.test(mac.text)) {
        return here(`"${mac.text}" is not a MAC address`, mac.range, 'invalid-address');
      }
    } else if (ipset) {
      if (ipset.text.length > 32) {
        return here(`ipset name "${ipset.text}" is longer than 32 characters`, ipset.range);
      }
    } else {
      return here(`A ${kind} needs address=, ${kind === 'source' ? 'mac= ' : ''}or ipset=`, at);
    }
  }
  const match = rule.match;
  if (match) {
    const name = match.attributes.get('name');
    switch (match.name) {
      case 'service':
        if (!name || name.text === '') {
          return here('A service needs a name', match.range);
        }
        break;
      case 'icmp-type':
        if (!name || !ICMP_TYPES.has(name.text)) {
          return here(`"${name?.text ?? ''}" is not one of firewalld's ICMP types`, name?.range ?? match.range);
        }
        break;
      case 'protocol': {
        const value = match.attributes.get('value');
        if (!value || !isIpProtocol(value.text)) {
          return here(`"${value?.text ?? ''}" is not an IP protocol name or number`, value?.range ?? match.range, 'unknown-protocol');
        }
        break;
      }
      case 'masquerade':
        if (rule.action) {
          return here('masquerade takes no action', rule.action.range);
        }
        if (rule.source?.attributes.get('mac')) {
          return here('masquerade cannot match a MAC source', rule.source.range);
        }
        break;
      case 'icmp-block':
        if (!name || name.text === '') {
          return here('An icmp-block needs a name', match.range);
        }
        if (rule.action) {
          return here('icmp-block takes no action', rule.action.range);
        }
        if (!ICMP_TYPES.has(name.text)) {
          return here(`"${name.text}" is not one of firewalld's ICMP types`, name.range);
        }
        break;
      case 'forward-port':
        if (rule.action) {
          return here('forward-port takes no action', rule.action.range);
        }
        break;
      case 'tcp-mss-clamp': {
        if (rule.action) {
          return here('tcp-mss-clamp takes no action', rule.action.range);
        }
        const value = match.attributes.get('value');
        if (value && !validMssClamp(value.text)) {
          return here(`tcp-mss-clamp value "${value.text}" is not pmtu or a size of at least 536`, value.range);
        }
        break;
      }
    }
  }
  if (rule.log) {
    const prefix = rule.log.attributes.get('prefix');
    const level = rule.log.attributes.get('level');
    if (prefix && prefix.text.length > 127) {
      return here('A log prefix is at most 127 characters', prefix.range);
    }
    if (rule.log.name === 'log' && level && !LOG_LEVELS.has(level.text)) {
      return here(`Log level "${level.text}" is not one of ${[...LOG_LEVELS].join(', ')}`, level.range);
    }
    for (const key of rule.log.name === 'nflog' ? ['group', 'queue-size'] : []) {
      const value = rule.log.attributes.get(key);
      if (value && !uint16(value.text)) {
        return here(`nflog ${key} is a number from 0 to 65535`, value.range);
      }
    }
  }
  if (rule.audit && !(rule.action && ['accept', 'reject', 'drop'].includes(rule.action.name))) {
    return here('audit needs an accept, reject or drop action', rule.audit.range);
  }
  if (rule.action?.name === 'reject') {
    const type = rule.action.attributes.get('type');
    if (type) {
      if (family === undefined) {
        return here('A reject type needs the rule family', type.range);
      }
      if (!REJECT_TYPES[family].has(type.text)) {
        return here(`"${type.text}" is not a reject type for ${family}`, type.range);
      }
    }
  }
  if (rule.action?.name === 'mark') {
    const set = rule.action.attributes.get('set');
    const pieces = set?.text.split('/') ?? [];
    if (!set || pieces.length > 2 || !pieces.every(uint32)) {
      return here(`mark set= needs a 32-bit value or value/mask`, set?.range ?? rule.action.range);
    }
  }
  for (const owner of [rule.log, rule.audit, rule.action]) {
    const limit = owner !== undefined ? rule.limits.get(owner) : undefined;
    const message = limit !== undefined ? limitProblem(limit) : undefined;
    if (limit && message) {
      return here(message, limit.range);
    }
  }
  return undefined;
}

/** Checks a rule and emits the ports of its matching element, with its action (and whether a limit rate-limits it) and source. */
function emitRule(rule: RichRule, scope: string | undefined, output: Output): void {
  const issue = ruleProblem(rule);
  if (issue) {
    output.problems.push(problem(issue.range, issue.code ?? 'parse-error', issue.message));
  }
  const actionName = rule.action?.name;
  const mapped = actionName !== undefined ? ACTIONS[actionName] : undefined;
  const action: FirewallAction = mapped === 'allow' && rule.action && rule.limits.has(rule.action) ? 'limit' : (mapped ?? 'other');
  const context: RuleContext = {
    action,
    ...(actionName !== undefined ? { target: actionName } : {}),
    source: ruleSource(rule.source),
    ...(scope !== undefined ? { scope } : {}),
    flags: ['rich-rule'],
  };
  const match = rule.match;
  if (!match) {
    return;
  }
  switch (match.name) {
    case 'port':
      emitPortElement(match, context, output, false);
      break;
    case 'source-port':
      emitPortElement(match, context, output, true);
      break;
    case 'service': {
      const name = match.attributes.get('name');
      if (name && name.text !== '') {
        emitService(name, context, output);
      }
      break;
    }
    case 'forward-port': {
      // A forward port takes no action of its own: firewalld accepts the traffic it forwards.
      const family = rule.family?.text;
      const checkAddress = (address: string) => (family === 'ipv6' ? isAddress6(address) : isAddress4(address));
      emitForwardPort(match, actionName === undefined ? { ...context, action: 'allow' } : context, output, checkAddress);
      break;
    }
  }
}

// The rich language on a command line ----------------------------------------------------------

/** Attributes the rich language knows; any other is refused. */
const RICH_ATTRIBUTES: ReadonlySet<string> = new Set([
  'priority', 'family', 'address', 'mac', 'ipset', 'invert', 'value', 'port', 'protocol', 'to-port', 'to-addr', 'name',
  'group', 'prefix', 'level', 'queue-size', 'type', 'set',
]);
/** Elements the rich language knows (with `not` and the end of the rule). */
const RICH_ELEMENTS: ReadonlySet<string> = new Set([
  'rule', 'source', 'destination', 'protocol', 'service', 'port', 'icmp-block', 'icmp-type', 'masquerade', 'forward-port',
  'source-port', 'log', 'nflog', 'audit', 'accept', 'drop', 'reject', 'mark', 'limit', 'not', 'NOT', 'tcp-mss-clamp',
]);
/** The attributes each element collects; an element not listed takes its one attribute at once or none. */
const COLLECTED_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  source: ['address', 'mac', 'ipset', 'invert'],
  destination: ['address', 'ipset', 'invert'],
  'tcp-mss-clamp': ['value'],
  port: ['port', 'protocol'],
  'source-port': ['port', 'protocol'],
  'forward-port': ['port', 'protocol', 'to-port', 'to-addr'],
  log: ['prefix', 'level'],
  nflog: ['group', 'prefix', 'queue-size'],
  audit: [],
  accept: [],
  drop: [],
  reject: ['type'],
  mark: ['set'],
  masquerade: [],
};
/** Elements whose single attribute completes them. */
const SINGLE_ATTRIBUTE: Readonly<Record<string, string>> = { protocol: 'value', service: 'name', 'icmp-block': 'name', 'icmp-type': 'name' };
const LIMITED: ReadonlySet<string> = new Set(['log', 'nflog', 'audit', 'accept', 'drop', 'reject', 'mark']);

interface RichToken {
  readonly element?: string;
  readonly attribute?: string;
  readonly value?: Value;
  readonly range: SourceRange;
}

class RichRuleError extends Error {
  constructor(
    message: string,
    readonly range: SourceRange,
  ) {
    super(message);
  }
}

/**
 * Splits a rich rule into words as firewalld does (Python's shlex in POSIX mode, after it drops
 * control characters): quotes may sit anywhere in a word, `\` escapes outside single quotes.
 */
function richWords(rule: Value): { text: string; offsets: number[] }[] {
  const words: { text: string; offsets: number[] }[] = [];
  const text = rule.text;
  let current: { text: string; offsets: number[] } | undefined;
  let quote: string | undefined;
  const sourceOf = (index: number) => rule.locate(index, index + 1).start;
  const add = (index: number) => {
    current ??= { text: '', offsets: [] };
    current.text += text[index];
    current.offsets.push(sourceOf(index));
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 || (code >= 127 && code < 160)) {
      continue; // stripNonPrintableCharacters
    }
    const char = text[i];
    if (quote === "'") {
      if (char === "'") {
        quote = undefined;
      } else {
        add(i);
      }
    } else if (quote === '"') {
      if (char === '"') {
        quote = undefined;
      } else if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
        add(++i);
      } else {
        add(i);
      }
    } else if (char === ' ') {
      if (current) {
        words.push(current);
        current = undefined;
      }
    } else if (char === "'" || char === '"') {
      quote = char;
      current ??= { text: '', offsets: [] };
    } else if (char === '\\') {
      if (i + 1 >= text.length) {
        throw new RichRuleError('The rule ends with a lone backslash', rule.range);
      }
      add(++i);
    } else {
      add(i);
    }
  }
  if (quote !== undefined) {
    throw new RichRuleError('A quote in this rule is never closed', rule.range);
  }
  if (current) {
    words.push(current);
  }
  return words;
}

function richTokens(rule: Value): RichToken[] {
  const tokens: RichToken[] = [];
  for (const word of richWords(rule)) {
    const value = mappedValue(word.text, word.offsets);
    const equals = word.text.indexOf('=');
    if (equals < 0) {
      tokens.push({ element: word.text, range: value.range });
      continue;
    }
    if (word.text.indexOf('=', equals + 1) >= 0 || equals === 0 || equals === word.text.length - 1) {
      throw new RichRuleError(`"${word.text}" is not attribute=value`, value.range);
    }
    tokens.push({ attribute: word.text.slice(0, equals), value: sliceValue(value, equals + 1, word.text.length), range: value.range });
  }
  return tokens;
}

function ruleElement(name: string, range: SourceRange, attributes: Map<string, Value>, negated = false): RuleElement {
  return { name, range, attributes, negated };
}

/**
 * Reads a rich rule (`rule family="ipv4" source address="10.0.0.0/8" port port="22" protocol="tcp" accept`)
 * the way firewalld's Rich_Rule parser walks its tokens, refusing what it refuses.
 */
function parseRichRule(text: Value): RichRule {
  const rule = newRule(text.range);
  const tokens = richTokens(text);
  if (tokens.length === 0) {
    throw new RichRuleError('The rule is empty', text.range);
  }
  const end: RichToken = { element: 'EOL', range: { start: text.range.end, end: text.range.end } };
  tokens.push(end);
  const stack: { name: string; range: SourceRange }[] = [];
  // firewalld keeps one set of pending attributes, `limit` among them, and empties it only when an
  // element that collects attributes is complete: a limit read before such an element goes to it.
  let attributes = new Map<string, Value>();
  let negated = false;
  let index = 0;
  // Each step either moves on or closes an element, so the walk ends within twice the token count.
  while (!(tokens[index]?.element === 'EOL' && stack.length === 1 && stack[0].name === 'rule')) {
    const token = tokens[index];
    if (token === undefined) {
      throw new RichRuleError(`The rule ends inside "${stack[stack.length - 1]?.name ?? 'rule'}"`, text.range);
    }
    const { element, attribute: name, value } = token;
    if (name !== undefined) {
      if (!RICH_ATTRIBUTES.has(name)) {
        throw new RichRuleError(`Unknown attribute "${name}"`, token.range);
      }
    } else if (element !== undefined && element !== 'EOL') {
      if (!RICH_ELEMENTS.has(element)) {
        throw new RichRuleError(`Unknown element "${element}"`, token.range);
      }
      const duplicate =
        (element === 'source' && rule.source) ||
        (element === 'destination' && rule.destination) ||
        (RULE_MATCHES.has(element) && rule.match) ||
        ((element === 'log' || element === 'nflog') && rule.log) ||
        (element === 'audit' && rule.audit) ||
        (ACTIONS[element] !== undefined && rule.action);
      if (duplicate) {
        throw new RichRuleError(`A rule takes one ${ACTIONS[element] !== undefined ? 'action' : RULE_MATCHES.has(element) ? 'port, service or other match' : element}; "${element}" is one too many`, token.range);
      }
    }
    const inside = stack[stack.length - 1];
    if (!inside) {
      if (name !== undefined) {
        throw new RichRuleError(`"${name}" comes before "rule"`, token.range);
      }
      if (!element?.includes('rule')) {
        throw new RichRuleError('A rich rule starts with "rule"', token.range);
      }
      stack.push({ name: 'rule', range: token.range });
      index++;
      continue;
    }
    const close = (built: RuleElement) => {
      stack.pop();
      const limit = attributes.get('limit');
      if (limit !== undefined && LIMITED.has(built.name)) {
        rule.limits.set(built, limit);
      }
      attributes = new Map();
      negated = false;
    };
    switch (inside.name) {
      case 'rule':
        if (name === 'family') {
          if (value?.text !== 'ipv4' && value?.text !== 'ipv6') {
            throw new RichRuleError(`Rule family "${value?.text ?? ''}" is not ipv4 or ipv6`, value?.range ?? token.range);
          }
          rule.family = value;
        } else if (name === 'priority') {
          const priority = pythonInt(value?.text ?? '');
          if (priority === undefined) {
            throw new RichRuleError(`Priority "${value?.text ?? ''}" is not a number`, value?.range ?? token.range);
          }
          rule.priority = priority;
        } else if (name !== undefined) {
          throw new RichRuleError(name === 'protocol' ? 'protocol= belongs to a port (rule port port=... protocol=...) or is written rule protocol value=...' : `"${name}" is outside any element`, token.range);
        } else if (element === 'rule') {
          throw new RichRuleError('"rule" appears twice', token.range);
        } else {
          stack.push({ name: element as string, range: token.range });
        }
        index++;
        break;
      case 'not':
      case 'NOT':
        // firewalld enters `not` as an element of its own and never leaves it.
        throw new RichRuleError('"not" must follow the source or destination it inverts', inside.range);
      case 'limit':
        if (name !== 'value' || value === undefined) {
          throw new RichRuleError('limit is written limit value="rate/unit"', token.range);
        }
        attributes.set('limit', value);
        stack.pop();
        index++;
        break;
      default: {
        const single = SINGLE_ATTRIBUTE[inside.name];
        if (single !== undefined) {
          if (name !== single || value === undefined) {
            throw new RichRuleError(`${inside.name} is written ${inside.name} ${single}="..."`, inside.range);
          }
          rule.match = ruleElement(inside.name, inside.range, new Map([[single, value]]));
          stack.pop();
          index++;
          break;
        }
        const collected = COLLECTED_ATTRIBUTES[inside.name] ?? [];
        if (name !== undefined && collected.includes(name) && value !== undefined) {
          attributes.set(name, value);
          index++;
        } else if ((element === 'not' || element === 'NOT') && (inside.name === 'source' || inside.name === 'destination')) {
          negated = true;
          index++;
        } else if (element === 'limit' && LIMITED.has(inside.name)) {
          stack.push({ name: 'limit', range: token.range });
          index++;
        } else {
          // Any other token completes the element; it is read again in the rule.
          const invert = negated || attributes.has('invert');
          const built = ruleElement(inside.name, inside.range, new Map([...attributes].filter(([key]) => key !== 'limit')), invert);
          if (inside.name === 'source') {
            rule.source = built;
          } else if (inside.name === 'destination') {
            rule.destination = built;
          } else if (inside.name === 'log' || inside.name === 'nflog') {
            rule.log = built;
          } else if (inside.name === 'audit') {
            rule.audit = built;
          } else if (ACTIONS[inside.name] !== undefined) {
            rule.action = built;
          } else {
            rule.match = built;
          }
          close(built);
        }
      }
    }
  }
  return rule;
}

/** A rule from a command line: parsed, checked and emitted; a refused parse is one problem. */
function emitRichRuleText(text: Value, scope: string | undefined, output: Output): void {
  try {
    emitRule(parseRichRule(text), scope, output);
  } catch (error) {
    if (!(error instanceof RichRuleError)) {
      throw error;
    }
    output.problems.push(problem(error.range, 'parse-error', error.message));
  }
}

// ---------------------------------------------------------------------------------------------
// XML: zones, policies and services
// ---------------------------------------------------------------------------------------------

const BACKSLASHES = /\\/g;
const XML_ROOTS: ReadonlySet<string> = new Set(['zone', 'policy', 'service']);
const SHELL_COMMAND = /(?:^|[\s;&|(`])firewall-(?:offline-)?cmd(?=\s|$)/m;

/** An element firewalld's reader takes: the attributes it requires and those it also allows. */
interface ElementSchema {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

function schemas(entries: Record<string, [required: string[], optional?: string[]]>): ReadonlyMap<string, ElementSchema> {
  return new Map(Object.entries(entries).map(([name, [required, optional = []]]) => [name, { required, optional }]));
}

/** The rule elements zones and policies share. */
const RULE_SCHEMAS: Record<string, [string[], string[]?]> = {
  service: [['name']],
  port: [['port', 'protocol']],
  'icmp-block': [['name']],
  'icmp-type': [['name']],
  'forward-port': [['port', 'protocol'], ['to-port', 'to-addr']],
  rule: [[], ['family', 'priority']],
  source: [[], ['address', 'mac', 'invert', 'family', 'ipset']],
  destination: [[], ['address', 'invert', 'ipset']],
  protocol: [['value']],
  'source-port': [['port', 'protocol']],
  log: [[], ['prefix', 'level']],
  nflog: [[], ['group', 'prefix', 'queue-size']],
  audit: [[]],
  accept: [[]],
  reject: [[], ['type']],
  drop: [[]],
  mark: [['set']],
  limit: [['value']],
  'tcp-mss-clamp': [[], ['value']],
  short: [[]],
  description: [[]],
};

/** Elements and attributes firewalld 1.3's readers accept, per file kind; anything else fails the file. */
const XML_SCHEMAS: Readonly<Record<string, ReadonlyMap<string, ElementSchema>>> = {
  zone: schemas({
    ...RULE_SCHEMAS,
    zone: [[], ['name', 'immutable', 'target', 'version']],
    forward: [[]],
    interface: [['name']],
    masquerade: [[], ['enabled']],
    'icmp-block-inversion': [[]],
  }),
  policy: schemas({
    ...RULE_SCHEMAS,
    policy: [['target'], ['version', 'priority']],
    masquerade: [[]],
    'ingress-zone': [['name']],
    'egress-zone': [['name']],
  }),
  service: schemas({
    service: [[], ['name', 'version']],
    short: [[]],
    description: [[]],
    port: [[], ['port', 'protocol']],
    protocol: [[], ['value']],
    module: [[], ['name']],
    destination: [[], ['ipv4', 'ipv6']],
    'source-port': [[], ['port', 'protocol']],
    include: [[], ['service']],
    helper: [[], ['name']],
  }),
};

const ZONE_TARGETS: ReadonlySet<string> = new Set(['ACCEPT', '%%REJECT%%', 'DROP', 'default', '{chain}_{zone}']);
const POLICY_TARGETS: ReadonlySet<string> = new Set(['ACCEPT', 'REJECT', 'DROP', 'CONTINUE']);

function xmlElement(tag: XmlTag): RuleElement {
  const attributes = new Map<string, Value>();
  for (const item of tag.attributes) {
    attributes.set(item.name, verbatimValue(item.value, item.valueRange.start));
  }
  return { name: tag.name, range: tag.nameRange, attributes, negated: truthy(attributes.get('invert')) };
}

/** The unit's name: firewalld names zones, policies and services after their file. */
function nameFromFile(fileName: string | undefined): string | undefined {
  if (!fileName) {
    return undefined;
  }
  const base = fileName.replace(BACKSLASHES, '/').split('/').pop() ?? '';
  return base.toLowerCase().endsWith('.xml') ? base.slice(0, -4) : base || undefined;
}

/** Whether an element is one the file's reader knows, with the attributes it needs and no others. */
function checkSchema(tag: XmlTag, schema: ReadonlyMap<string, ElementSchema>, output: Output): boolean {
  const known = schema.get(tag.name);
  if (!known) {
    output.problems.push(problem(tag.nameRange, 'parse-error', `firewalld does not know element <${tag.name}> here`));
    return false;
  }
  for (const name of known.required) {
    if (!tag.attributes.some((item) => item.name === name)) {
      output.problems.push(problem(tag.nameRange, 'parse-error', `<${tag.name}> needs a ${name} attribute`));
      return false;
    }
  }
  for (const item of tag.attributes) {
    if (!known.required.includes(item.name) && !known.optional.includes(item.name)) {
      output.problems.push(problem(item.valueRange, 'parse-error', `<${tag.name}> has no ${item.name} attribute`));
      return false;
    }
  }
  return true;
}

/** An XML rule being read: its parts so far, and whether firewalld already dropped it. */
interface XmlRuleState {
  readonly rule: RichRule;
  broken: boolean;
  /** The action, log or audit element a `<limit>` directly inside it belongs to, by depth. */
  readonly owners: Map<number, RuleElement>;
}

/** One child of an XML rule, as firewalld's reader takes it; a problem drops the rule. */
function addXmlRulePart(state: XmlRuleState, tag: XmlTag, depth: number, output: Output): void {
  const element = xmlElement(tag);
  const { rule } = state;
  const drop = (message: string, range: SourceRange = tag.nameRange) => {
    output.problems.push(problem(range, 'parse-error', message));
    state.broken = true;
  };
  // A limit goes inside its action, log or audit; an empty element has nothing inside.
  const own = (owner: RuleElement) => {
    if (tag.kind === 'start') {
      state.owners.set(depth, owner);
    }
  };
  if (RULE_MATCHES.has(tag.name)) {
    if (rule.match) {
      drop(`A rule takes one port, service or other match; <${tag.name}> is one too many`);
    } else {
      rule.match = element;
    }
  } else if (tag.name === 'source') {
    if (rule.source) {
      drop('A rule takes one source');
    } else {
      rule.source = element;
    }
  } else if (tag.name === 'destination') {
    if (rule.destination) {
      drop('A rule takes one destination');
    } else {
      rule.destination = element;
    }
  } else if (ACTIONS[tag.name] !== undefined) {
    if (rule.action) {
      drop('A rule takes one action');
    } else {
      rule.action = element;
      own(element);
    }
  } else if (tag.name === 'log' || tag.name === 'nflog') {
    const level = element.attributes.get('level');
    const prefix = element.attributes.get('prefix');
    if (rule.log) {
      drop('A rule takes one log');
    } else if (tag.name === 'log' && level && !LOG_LEVELS.has(level.text)) {
      drop(`Log level "${level.text}" is not one of ${[...LOG_LEVELS].join(', ')}`, level.range);
    } else if (prefix && (prefix.text === '' || prefix.text.length > 127)) {
      drop('A log prefix is 1 to 127 characters', prefix.range);
    } else {
      rule.log = element;
      own(element);
    }
  } else if (tag.name === 'audit') {
    if (rule.audit) {
      drop('A rule takes one audit');
    } else {
      rule.audit = element;
      own(element);
    }
  } else if (tag.name === 'limit') {
    const owner = state.owners.get(depth - 1);
    const value = element.attributes.get('value');
    if (!owner) {
      drop('A limit belongs inside an action, a log or an audit');
    } else if (rule.limits.has(owner)) {
      drop('A rule part takes one limit');
    } else if (value) {
      rule.limits.set(owner, value);
    }
  } else if (tag.name === 'interface') {
    drop('A rule cannot name an interface');
  }
}

function scanXml(text: string, fileName: string | undefined, output: Output): void {
  const { tags, problems } = scanXmlTags(text);
  for (const item of problems) {
    output.problems.push(problem(item.range, 'parse-error', item.message));
  }
  const root = tags.find((tag) => tag.kind !== 'end');
  if (!root || !XML_ROOTS.has(root.name)) {
    return;
  }
  const schema = XML_SCHEMAS[root.name];
  const scope = nameFromFile(fileName);
  const definition = root.name === 'service';
  const topLevel: RuleElement[] = [];
  const rules: XmlRuleState[] = [];
  const zoneSources: string[] = [];
  let hasInterfaces = false;
  let depth = 0;
  let currentRule: XmlRuleState | undefined;
  for (const tag of tags) {
    if (tag.kind === 'end') {
      depth = Math.max(0, depth - 1);
      currentRule?.owners.delete(depth);
      if (tag.name === 'rule' && currentRule && depth === 1) {
        rules.push(currentRule);
        currentRule = undefined;
      }
      continue;
    }
    const open = () => {
      if (tag.kind === 'start') {
        depth++;
      }
    };
    // After a rule's first problem firewalld skips the rest of the rule unread.
    if (currentRule?.broken && depth >= 2) {
      open();
      continue;
    }
    if (!checkSchema(tag, schema, output)) {
      if (currentRule) {
        currentRule.broken = true;
      }
      open();
      continue;
    }
    if (depth === 1 && tag.name === 'rule' && !definition) {
      const element = xmlElement(tag);
      const rule = newRule(tag.nameRange);
      const family = element.attributes.get('family');
      currentRule = { rule, broken: false, owners: new Map() };
      if (family) {
        rule.family = family;
        if (family.text !== 'ipv4' && family.text !== 'ipv6') {
          output.problems.push(problem(family.range, 'parse-error', `Rule family "${family.text}" is not ipv4 or ipv6`));
          currentRule.broken = true;
        }
      }
      const priority = element.attributes.get('priority');
      if (priority) {
        const value = pythonInt(priority.text);
        if (value === undefined) {
          output.problems.push(problem(priority.range, 'parse-error', `Priority "${priority.text}" is not a number`));
          currentRule.broken = true;
        } else {
          rule.priority = value;
        }
      }
      if (tag.kind === 'empty') {
        rules.push(currentRule);
        currentRule = undefined;
      }
    } else if (currentRule && depth >= 2) {
      addXmlRulePart(currentRule, tag, depth, output);
    } else if (depth === 1) {
      topLevel.push(xmlElement(tag));
      if (tag.name === 'source') {
        const address = attribute(tag, 'address') ?? attribute(tag, 'ipset') ?? attribute(tag, 'mac');
        if (address) {
          zoneSources.push(address.name === 'address' ? address.value : `${address.name}:${address.value}`);
        }
      } else if (tag.name === 'interface') {
        hasInterfaces = true;
      }
    }
    open();
  }
  if (currentRule) {
    rules.push(currentRule);
  }
  if (root.name === 'zone' || root.name === 'policy') {
    const target = attribute(root, 'target');
    const targets = root.name === 'zone' ? ZONE_TARGETS : POLICY_TARGETS;
    if (target && !targets.has(target.value)) {
      output.problems.push(problem(target.valueRange, 'parse-error', `"${target.value}" is not a ${root.name} target (${[...targets].filter((name) => !name.includes('{')).join(', ')})`));
    }
  }
  // A zone bound only to sources applies only to traffic from them; with interfaces it takes everything they carry.
  const zoneSource = zoneSources.length > 0 && !hasInterfaces ? zoneSources.join(', ') : null;
  const context: RuleContext = definition
    ? { action: 'other', target: 'service', source: null, ...(scope !== undefined ? { scope } : {}), flags: ['service-definition'] }
    : { action: 'allow', source: zoneSource, ...(scope !== undefined ? { scope } : {}), flags: [] };
  for (const element of topLevel) {
    scanTopLevel(element, root.name, context, output);
  }
  if (root.name === 'policy') {
    checkPolicyZones(topLevel, rules.filter((state) => !state.broken).map((state) => state.rule), output);
  }
  const zone = root.name === 'zone';
  if (zone && attribute(root, 'target')?.value !== 'ACCEPT') {
    // A zone drops or rejects whatever it does not allow (targets default, %%REJECT%%, DROP).
    output.defaultDeny = { range: root.range, text: scope !== undefined ? `firewalld zone ${scope}` : 'firewalld zone' };
  }
  for (const state of rules) {
    const before = output.references.length;
    if (state.broken) {
      // firewalld drops the rule; its ports are still shown for what the rule meant.
      emitRule(state.rule, scope, { ...output, problems: [] });
    } else {
      emitRule(state.rule, scope, output);
    }
    if (zone) {
      collectBlocks(output, before, describeXmlRule);
    }
  }
}

/** A direct child of a zone, policy or service file. */
function scanTopLevel(element: RuleElement, kind: string, context: RuleContext, output: Output): void {
  const definition = kind === 'service';
  switch (element.name) {
    case 'port':
      if (definition && element.attributes.get('port')?.text === '') {
        // `<port port="" protocol="gre"/>`: a service may name a protocol without ports.
        const protocol = element.attributes.get('protocol');
        if (protocol && !isIpProtocol(protocol.text)) {
          output.problems.push(problem(protocol.range, 'unknown-protocol', `"${protocol.text}" is not an IP protocol name or number`));
        }
        return;
      }
      emitPortElement(element, context, output, false);
      return;
    case 'source-port':
      emitPortElement(element, context, output, true);
      return;
    case 'forward-port':
      emitForwardPort(element, context, output, anyFamilyAddress);
      return;
    case 'protocol': {
      const value = element.attributes.get('value');
      if (value && !isIpProtocol(value.text)) {
        output.problems.push(problem(value.range, 'unknown-protocol', `"${value.text}" is not an IP protocol name or number`));
      }
      return;
    }
    case 'service': {
      const name = element.attributes.get('name');
      if (name && !definition) {
        emitService(name, context, output);
      }
      return;
    }
    case 'source':
      if (kind === 'zone') {
        zoneSourceProblem(element, output);
      }
      return;
  }
}

/**
 * What a policy may do depends on the zones it joins: traffic to the host (egress HOST) cannot be
 * masqueraded or forwarded to another address, and forwarding towards other zones needs an address.
 */
function checkPolicyZones(topLevel: readonly RuleElement[], rules: readonly RichRule[], output: Output): void {
  const zones = (name: string) => topLevel.filter((element) => element.name === name).map((element) => element.attributes.get('name')?.text ?? '');
  const ingress = zones('ingress-zone');
  const egress = zones('egress-zone');
  for (const [list, name] of [[ingress, 'ingress-zone'], [egress, 'egress-zone']] as const) {
    const special = list.filter((zone) => zone === 'ANY' || zone === 'HOST');
    if (special.length > 0 && list.length > 1) {
      const element = topLevel.filter((item) => item.name === name)[1];
      output.problems.push(problem(element.range, 'parse-error', `A policy's ${name}s are regular zones, ANY or HOST, not a mix`));
    }
  }
  if (ingress.includes('HOST') && egress.includes('HOST')) {
    const element = topLevel.find((item) => item.name === 'egress-zone') as RuleElement;
    output.problems.push(problem(element.range, 'parse-error', 'HOST can be the ingress or the egress zone of a policy, not both'));
  }
  const masquerades = [...topLevel.filter((element) => element.name === 'masquerade'), ...rules.flatMap((rule) => (rule.match?.name === 'masquerade' ? [rule.match] : []))];
  for (const element of masquerades) {
    if (egress.includes('HOST') || ingress.includes('HOST')) {
      output.problems.push(problem(element.range, 'parse-error', `masquerade is invalid for ${egress.includes('HOST') ? 'egress' : 'ingress'} zone HOST`));
    }
  }
  const forwards = [...topLevel.filter((element) => element.name === 'forward-port'), ...rules.flatMap((rule) => (rule.match?.name === 'forward-port' ? [rule.match] : []))];
  for (const element of forwards) {
    const toAddress = nonEmpty(element.attributes.get('to-addr'));
    if (egress.includes('HOST') && toAddress) {
      output.problems.push(problem(toAddress.range, 'parse-error', 'A forward port with to-addr is invalid when the egress zone is HOST'));
    } else if (!egress.includes('HOST') && egress.length > 0 && !toAddress) {
      output.problems.push(problem(element.range, 'parse-error', 'A forward port needs to-addr when the egress zone is ANY or a zone'));
    }
  }
}

/** A zone's `<source>`: an address, network or MAC address, or an ipset; never inverted. */
function zoneSourceProblem(element: RuleElement, output: Output): void {
  const address = element.attributes.get('address');
  const ipset = element.attributes.get('ipset');
  if (!address && !ipset) {
    output.problems.push(problem(element.range, 'parse-error', 'A zone source needs address= or ipset='));
  } else if (address && ipset) {
    output.problems.push(problem(element.range, 'parse-error', 'A zone source is an address or an ipset, not both'));
  } else if (element.attributes.has('invert')) {
    output.problems.push(problem(element.range, 'parse-error', 'A zone source cannot be inverted'));
  } else if (address) {
    checkZoneSource(address, output);
  }
}

/** A source bound to a zone: an IPv4 or IPv6 address or network, or a MAC address (`ipset:` names a set). */
function checkZoneSource(address: Value, output: Output): void {
  const text = address.text;
  if (!text.includes('$') && !isAddressWithMask('ipv4', text) && !isAddressWithMask('ipv6', text) && !MAC_ADDRESS.test(text)) {
    output.problems.push(problem(address.range, 'invalid-address', `"${text}" is not an address, a network or a MAC address`));
  }
}

// ---------------------------------------------------------------------------------------------
// firewall-cmd(1) and firewall-offline-cmd(1) in shell scripts
// ---------------------------------------------------------------------------------------------

const FIREWALL_COMMANDS: ReadonlySet<string> = new Set(['firewall-cmd', 'firewall-offline-cmd']);
/** Options whose value may follow as the next word (`--zone public`) as well as after `=`. */
const VALUED_OPTIONS: ReadonlySet<string> = new Set([
  '--zone', '--policy', '--service', '--add-port', '--add-service', '--add-source-port', '--add-forward-port',
  '--add-rich-rule', '--add-source', '--add-interface', '--timeout', '--set-target', '--set-default-zone',
  '--remove-port', '--remove-source-port', '--remove-forward-port', '--remove-rich-rule', '--query-port',
  '--query-source-port', '--query-forward-port', '--query-rich-rule',
]);

/**
 * The zone and policy options of which firewall-cmd takes one kind per call (the same option may
 * repeat: `--add-port=80/tcp --add-port=443/tcp`).
 */
const ONE_KIND_PER_CALL: ReadonlySet<string> = new Set(
  [
    'interface', 'source', 'ingress-zone', 'egress-zone', 'rich-rule', 'service', 'port', 'protocol', 'source-port', 'forward',
    'masquerade', 'icmp-block', 'icmp-block-inversion', 'forward-port',
  ]
    .flatMap((name) => [`--add-${name}`, `--remove-${name}`, `--query-${name}`])
    .concat(['--change-interface', '--change-zone', '--change-source', '--list-interfaces', '--list-sources', '--list-ingress-zones', '--list-egress-zones'])
    .concat(['--remove-service-from-zone', '--remove-service-from-policy', '--list-rich-rules', '--list-services', '--list-ports', '--list-protocols'])
    .concat(['--list-icmp-blocks', '--list-forward-ports', '--list-source-ports', '--list-all', '--get-target', '--set-target', '--get-priority', '--set-priority']),
);

/** Options that open something in a zone, which then denies everything else. */
const ZONE_OPENINGS: ReadonlySet<string> = new Set(['--add-port', '--add-service', '--add-rich-rule', '--add-forward-port', '--add-source-port']);
/** firewalld's predefined zone that accepts everything. */
const ACCEPTING_ZONE = 'trusted';

interface CommandOption {
  readonly name: string;
  readonly value: Value;
  /** The option word, for problems about the option itself. */
  readonly range: SourceRange;
}

/** The command's `--option=value` / `--option value` pairs, in order. */
function commandOptions(args: readonly ShellWord[]): CommandOption[] {
  const options: CommandOption[] = [];
  for (let index = 0; index < args.length; index++) {
    const word = args[index];
    if (!word.text.startsWith('--')) {
      continue;
    }
    const range = { start: word.start, end: word.end };
    const equals = word.text.indexOf('=');
    if (equals > 0) {
      options.push({ name: word.text.slice(0, equals), value: shellValue(word, equals + 1), range });
    } else if (VALUED_OPTIONS.has(word.text) && index + 1 < args.length) {
      options.push({ name: word.text, value: shellValue(args[index + 1], 0), range });
      index++;
    } else {
      options.push({ name: word.text, value: shellValue(word, word.text.length), range });
    }
  }
  return options;
}

/** `8080/tcp` and `1000-2000/udp`: a port element with both parts located in the source. */
function portOptionElement(option: CommandOption, name: string, output: Output): RuleElement | undefined {
  const pieces = option.value.text.split('/');
  if (pieces.length !== 2) {
    output.problems.push(problem(option.value.range, 'missing-protocol', `${option.name}=${option.value.text}: firewall-cmd needs portid[-portid]/protocol`));
    return undefined;
  }
  const slash = pieces[0].length;
  const attributes = new Map<string, Value>([
    ['port', sliceValue(option.value, 0, slash)],
    ['protocol', sliceValue(option.value, slash + 1, option.value.text.length)],
  ]);
  return { name, range: option.value.range, attributes, negated: false, token: option.value.range };
}

const FORWARD_KEYS: Readonly<Record<string, string>> = { port: 'port', proto: 'protocol', toport: 'to-port', toaddr: 'to-addr' };

/**
 * `port=80:proto=tcp:toport=8080:toaddr=10.0.0.2`. As firewall-cmd does, a value runs to the next `:`
 * only while another `key=` follows, so an IPv6 to-addr written last keeps its colons.
 */
function forwardOptionElement(option: CommandOption, output: Output): RuleElement | undefined {
  const text = option.value.text;
  const attributes = new Map<string, Value>();
  let i = 0;
  for (let equals = text.indexOf('=', i); equals >= 0; equals = text.indexOf('=', i)) {
    const key = text.slice(i, equals);
    const valueStart = equals + 1;
    const colon = text.indexOf(':', valueStart);
    const valueEnd = colon >= 0 && text.indexOf('=', valueStart) >= 0 ? colon : text.length;
    const attribute = FORWARD_KEYS[key];
    if (attribute === undefined) {
      output.problems.push(problem(option.value.locate(i, equals), 'parse-error', `"${key}" is not a forward-port option (port, proto, toport, toaddr)`));
      return undefined;
    }
    attributes.set(attribute, sliceValue(option.value, valueStart, valueEnd));
    i = valueEnd + 1;
  }
  const port = nonEmpty(attributes.get('port'));
  const protocol = nonEmpty(attributes.get('protocol'));
  if (!port || !protocol) {
    output.problems.push(problem(option.value.range, 'parse-error', `A forward port is written port=PORT:proto=PROTOCOL[:toport=PORT][:toaddr=ADDRESS]; the ${port ? 'protocol' : 'port'} is missing`));
    return undefined;
  }
  return { name: 'forward-port', range: option.value.range, attributes, negated: false };
}

interface PendingCommand {
  readonly zone?: string;
  readonly policy?: string;
  readonly service?: string;
  readonly options: readonly CommandOption[];
}

/** The value of the last `name` option (argparse keeps the last of a repeated option). */
function lastOption(options: readonly CommandOption[], name: string): string | undefined {
  for (let index = options.length - 1; index >= 0; index--) {
    if (options[index].name === name) {
      return options[index].value.text;
    }
  }
  return undefined;
}

/** firewall-cmd refuses a call that mixes kinds of zone changes, and firewall-offline-cmd has no --permanent. */
function checkOptionMix(program: string, options: readonly CommandOption[], output: Output): void {
  let kind: CommandOption | undefined;
  for (const option of options) {
    if (option.name === '--permanent' && program === 'firewall-offline-cmd') {
      output.problems.push(problem(option.range, 'parse-error', 'firewall-offline-cmd has no --permanent: it always changes the permanent configuration'));
    } else if (ONE_KIND_PER_CALL.has(option.name)) {
      if (kind && kind.name !== option.name) {
        output.problems.push(problem(option.range, 'parse-error', `${program} takes one kind of change per call: ${kind.name} and ${option.name} go in separate calls`));
        return;
      }
      kind = option;
    }
  }
}

function scanCommands(text: string, output: Output): void {
  const pending: PendingCommand[] = [];
  /** The zone a command without `--zone` goes to: set by `--set-default-zone`, else the system's default. */
  let defaultZone: string | undefined;
  /** The first command that opens ports in each zone, by the zone's name (`''` for the system default). */
  const zoneOpenings = new Map<string, { readonly range: SourceRange; readonly name: string | undefined }>();
  const acceptingZones = new Set<string>([ACCEPTING_ZONE]);
  // Sources bound to a zone anywhere in the script restrict that zone's ports, as in a zone file.
  const zoneSources = new Map<string, string[]>();
  const zonesWithInterfaces = new Set<string>();
  /** The zone each source is bound to: firewalld binds a source to one zone only. */
  const sourceZones = new Map<string, string>();
  for (const command of splitShellCommands(text)) {
    const args = commandArguments(command.words, FIREWALL_COMMANDS);
    if (!args) {
      continue;
    }
    const options = commandOptions(args);
    const zone = lastOption(options, '--zone') || undefined;
    const policy = lastOption(options, '--policy') || undefined;
    const service = lastOption(options, '--service') || undefined;
    const zoneKey = zone ?? '';
    const commandWord = command.words[command.words.length - args.length - 1];
    const program = commandWord.text.slice(commandWord.text.lastIndexOf('/') + 1);
    checkOptionMix(program, options, output);
    const range = { start: commandWord.start, end: command.words[command.words.length - 1].end };
    // Policies and service definitions are not zones; a zone named by a variable is not known.
    const zoneName = policy === undefined && service === undefined ? (zone ?? defaultZone) : undefined;
    const zoneKnown = policy === undefined && service === undefined && !zoneName?.includes('$');
    for (const option of options) {
      if (option.name === '--set-default-zone') {
        defaultZone = option.value.text;
      } else if (option.name === '--set-target' && zoneKnown) {
        if (option.value.text === 'ACCEPT') {
          acceptingZones.add(zoneName ?? '');
        } else {
          acceptingZones.delete(zoneName ?? '');
        }
      } else if (ZONE_OPENINGS.has(option.name) && zoneKnown && !zoneOpenings.has(zoneName ?? '')) {
        zoneOpenings.set(zoneName ?? '', { range, name: zoneName });
      }
      if (option.name === '--add-source' && option.value.text !== '') {
        const sources = zoneSources.get(zoneKey) ?? [];
        sources.push(option.value.text);
        zoneSources.set(zoneKey, sources);
        const boundTo = sourceZones.get(option.value.text);
        const zoneLabel = zone ?? defaultZone ?? '';
        // The host's default zone may be any of them, so only two named zones are known to differ.
        if (boundTo !== undefined && boundTo !== '' && zoneLabel !== '' && boundTo !== zoneLabel && policy === undefined) {
          output.problems.push(problem(option.value.range, 'parse-error', `Source ${option.value.text} is already bound to zone ${boundTo}; firewalld binds a source to one zone`));
        } else if (policy === undefined) {
          sourceZones.set(option.value.text, zoneLabel);
        }
      } else if (option.name === '--remove-source' && sourceZones.get(option.value.text) === (zone ?? defaultZone ?? '')) {
        sourceZones.delete(option.value.text);
      } else if (option.name === '--add-interface') {
        zonesWithInterfaces.add(zoneKey);
      }
    }
    pending.push({ ...(zone !== undefined ? { zone } : {}), ...(policy !== undefined ? { policy } : {}), ...(service !== undefined ? { service } : {}), options });
  }
  for (const [key, opening] of zoneOpenings) {
    if (!acceptingZones.has(key) && (output.defaultDeny === undefined || opening.range.start < output.defaultDeny.range.start)) {
      output.defaultDeny = { range: opening.range, text: opening.name !== undefined ? `firewalld zone ${opening.name}` : 'firewalld default zone' };
    }
  }
  // Joined once per zone: every port of the zone shares the same source text.
  const zoneSourceText = new Map<string, string>();
  for (const [zoneKey, sources] of zoneSources) {
    if (!zonesWithInterfaces.has(zoneKey)) {
      zoneSourceText.set(zoneKey, sources.join(', '));
    }
  }
  for (const command of pending) {
    const zoneKey = command.zone ?? '';
    const scope = command.service ?? command.policy ?? command.zone;
    const context: RuleContext = command.service !== undefined
      ? { action: 'other', target: 'service', source: null, scope: command.service, flags: ['service-definition'] }
      : {
          action: 'allow',
          source: command.policy === undefined ? (zoneSourceText.get(zoneKey) ?? null) : null,
          ...(scope !== undefined ? { scope } : {}),
          flags: [],
        };
    const inZone = command.policy === undefined && command.service === undefined;
    for (const option of command.options) {
      const before = output.references.length;
      scanOption(option, context, output);
      if (inZone && option.name === '--add-rich-rule') {
        collectBlocks(output, before, () => option.value.text);
      }
    }
  }
}

/**
 * One option. Additions become references; removals and queries only have their values checked,
 * which firewall-cmd does the same way before it looks at the zone.
 */
function scanOption(option: CommandOption, context: RuleContext, output: Output): void {
  const verb = option.name.startsWith('--add-') ? 'add' : option.name.startsWith('--remove-') || option.name.startsWith('--query-') ? 'check' : undefined;
  if (verb === undefined) {
    return;
  }
  // What a removal or query would add, checked into a scratch list and then dropped.
  const target: Output = verb === 'add' ? output : { references: [], problems: output.problems, blocks: [] };
  switch (option.name.slice(verb === 'add' ? '--add-'.length : option.name.indexOf('-', 2) + 1)) {
    case 'port': {
      const element = portOptionElement(option, 'port', target);
      if (element) {
        emitPortElement(element, context, target, false);
      }
      break;
    }
    case 'source-port': {
      const element = portOptionElement(option, 'source-port', target);
      if (element) {
        emitPortElement(element, context, target, true);
      }
      break;
    }
    case 'service':
      if (verb === 'add') {
        emitService(option.value, context, output);
      }
      break;
    case 'forward-port': {
      const element = forwardOptionElement(option, target);
      if (element) {
        emitForwardPort(element, context, target, anyFamilyAddress);
      }
      break;
    }
    case 'rich-rule':
      emitRichRuleText(option.value, context.scope, target);
      break;
    case 'source':
      if (!option.value.text.startsWith('ipset:')) {
        checkZoneSource(option.value, output);
      }
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/** Zone, policy or service XML, or a shell script that runs firewall-cmd. */
export function looksLikeFirewalld(text: string): boolean {
  const root = firstElementName(text);
  if (root !== undefined) {
    return XML_ROOTS.has(root);
  }
  return SHELL_COMMAND.test(text);
}

export const scanFirewalld: Scanner = (text, options) => {
  const output: Output = { references: [], problems: [], blocks: [] };
  try {
    if (firstElementName(text) !== undefined) {
      scanXml(text, options?.fileName, output);
    } else {
      scanCommands(text, output);
    }
  } catch (error) {
    output.problems.push(problem({ start: 0, end: text.length }, 'parse-error', `Could not read this firewalld file: ${error instanceof Error ? error.message : String(error)}`));
  }
  // Zone-level ports and rules are read in separate passes; report everything in the order it is written.
  const byPosition = (a: { range: SourceRange }, b: { range: SourceRange }) => a.range.start - b.range.start;
  const result = { format: 'firewalld' as const, references: output.references.sort(byPosition), problems: output.problems.sort(byPosition) };
  if (output.blocks.length === 0 && !output.defaultDeny) {
    return result;
  }
  const firewall: HostFirewallFacts = { tool: 'firewalld', blocks: output.blocks.sort(byPosition), ...(output.defaultDeny ? { defaultDeny: output.defaultDeny } : {}) };
  return { ...result, wiring: { firewall: [firewall] } };
};
