/**
 * ufw: `ufw` rule commands in shell scripts (ufw(8)) and the `### tuple ###` lines ufw writes to
 * /etc/ufw/user.rules and user6.rules. The iptables lines under each tuple repeat the same rule, so
 * only the tuples are read. A command is read the way ufw 0.36 reads it, so that what ufw refuses is
 * reported and what it accepts is not; the conformance tests hold it to `ufw --dry-run`.
 */
import { isIPv4, isIPv6 } from '../ipAddress';
import { etcServicesProtocols, isEtcServicesName, lookupServiceName } from '../ports/serviceNames';
import type { FirewallAction, PortReference, Protocol, ScanProblem, Scanner, SourceRange } from '../types';
import type { FirewallBlock, HostFirewallFacts } from '../wiring/facts';
import { UFW_APP_PROFILES, findUfwProfile } from '../ports/namedPorts';
import type { NamedPort } from '../ports/namedPorts';
import { parsePort, problem } from './portSyntax';
import { splitShellCommands, wordSpan, wordTextSpan } from './shellWords';
import type { ShellWord } from './shellWords';

// ---------------------------------------------------------------------------------------------
// Finding a command in a shell command line
// ---------------------------------------------------------------------------------------------

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const SUDO_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-T', '-U']);
const TRANSPARENT_PREFIXES: ReadonlySet<string> = new Set(['command', 'exec', 'nohup', 'time']);

/**
 * The arguments of a command named one of `names` (by base name, so /usr/sbin/ufw counts), looking past
 * variable assignments and `sudo`, `doas`, `env`, `command`, `exec`, `nohup` and `time` prefixes.
 */
export function commandArguments(words: readonly ShellWord[], names: ReadonlySet<string>): ShellWord[] | undefined {
  let i = 0;
  while (i < words.length) {
    const text = words[i].text;
    if (ASSIGNMENT.test(text)) {
      i++;
    } else if (text === 'sudo' || text === 'doas') {
      i++;
      while (i < words.length && words[i].text.startsWith('-')) {
        const option = words[i].text;
        i += SUDO_OPTIONS_WITH_VALUE.has(option) ? 2 : 1;
        if (option === '--') {
          break;
        }
      }
    } else if (text === 'env') {
      i++;
      while (i < words.length && (words[i].text.startsWith('-') || ASSIGNMENT.test(words[i].text))) {
        i++;
      }
    } else if (TRANSPARENT_PREFIXES.has(text)) {
      i++;
    } else {
      break;
    }
  }
  if (i >= words.length) {
    return undefined;
  }
  const path = words[i].text;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return names.has(name) ? words.slice(i + 1) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Port lists: `22`, `80,443`, `1000:2000`, `ssh`
// ---------------------------------------------------------------------------------------------

/** A located piece of text: a shell word, a tuple field, or a slice of one. */
interface Piece {
  readonly text: string;
  readonly locate: (from: number, to: number) => SourceRange;
}

function wordPiece(word: ShellWord): Piece {
  return { text: word.text, locate: (from, to) => (word.text.length === 0 ? wordTextSpan(word) : wordSpan(word, from, to)) };
}

function slicePiece(piece: Piece, from: number, to: number): Piece {
  return { text: piece.text.slice(from, to), locate: (a, b) => piece.locate(from + a, from + b) };
}

function whole(piece: Piece): SourceRange {
  return piece.locate(0, piece.text.length);
}

/** iptables' multiport match takes at most 15 ports, a range counting as two; ufw enforces it. */
const MAX_PORT_SEPARATORS = 14;
const MULTIPORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp']);
/** ufw's protocols; `any` means tcp and udp (and, without a port, every protocol). */
const UFW_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'ipv6', 'esp', 'ah', 'igmp', 'gre', 'vrrp', 'any']);
/** Protocols without ports: a rule for them names addresses, interfaces or nothing, never a port. */
const PORTLESS_PROTOCOLS: ReadonlySet<string> = new Set(['ipv6', 'esp', 'ah', 'igmp', 'gre', 'vrrp']);
/** Protocols ufw can only match in its IPv4 rules. */
const IPV4_ONLY_PROTOCOLS: ReadonlySet<string> = new Set(['ipv6', 'igmp']);

/** The protocol a port of the rule carries: tcp or udp, or `any` for both (or for one not known yet). */
function portProtocol(protocol: string): Protocol {
  return protocol === 'tcp' || protocol === 'udp' ? protocol : 'any';
}

interface PortItem {
  readonly range: SourceRange;
  readonly portRange?: SourceRange;
  readonly port: number | null;
  readonly endPort: number | null;
  readonly name?: string;
  readonly rawText?: string;
  /** Protocol fixed by the port itself (an app profile entry). */
  readonly protocol?: Protocol;
}

interface PortList {
  readonly items: PortItem[];
  /** A list or a range: ufw then needs `tcp` or `udp`. */
  readonly multi: boolean;
  /** The service the value names, when it is a name. */
  readonly service?: UfwService;
}

/** A service name as ufw resolves it (getservbyname): its port, and the protocols listing it. */
interface UfwService {
  readonly port: number;
  readonly endPort?: number;
  /** tcp or udp when only one lists the name, `any` when both do, undefined when neither does. */
  readonly protocol: Protocol | undefined;
  /** In a stock Debian or Ubuntu /etc/services; otherwise only the IANA registry (a RHEL-style /etc/services) has it. */
  readonly stock: boolean;
}

function bothOrOne(tcp: boolean, udp: boolean): Protocol | undefined {
  return tcp && udp ? 'any' : tcp ? 'tcp' : udp ? 'udp' : undefined;
}

/**
 * ufw accepts a name that /etc/services lists for any protocol and then asks which of tcp and udp
 * list it: one of them fixes the rule's protocol, both leave it open. A name only the IANA registry
 * has is resolved the same way, for hovers, and marked as missing from a stock /etc/services.
 */
function ufwService(name: string): UfwService | undefined {
  if (isEtcServicesName(name)) {
    const protocols = etcServicesProtocols(name);
    const entry = lookupServiceName(name, protocols[0]);
    if (!entry) {
      return undefined;
    }
    return { port: entry.port, protocol: bothOrOne(protocols.includes('tcp'), protocols.includes('udp')), stock: true };
  }
  // getservbyname matches names exactly, and /etc/services files spell the registry's names in lower case.
  if (name !== name.toLowerCase()) {
    return undefined;
  }
  const tcp = lookupServiceName(name, 'tcp');
  const udp = lookupServiceName(name, 'udp');
  const entry = tcp ?? udp;
  if (!entry) {
    return undefined;
  }
  return { port: entry.port, ...(entry.endPort !== undefined ? { endPort: entry.endPort } : {}), protocol: bothOrOne(tcp !== undefined, udp !== undefined), stock: false };
}

function isNumericList(text: string): boolean {
  if (text.length === 0 || !isDigit(text.charCodeAt(0)) || !isDigit(text.charCodeAt(text.length - 1))) {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code) && code !== 44 /* , */ && code !== 58 /* : */) {
      return false;
    }
  }
  return true;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function hasExpansion(text: string): boolean {
  return text.includes('$') || text.includes('`');
}

/**
 * Parses a ufw port value; problems go to `problems`, valid ports still come back. A lone port, range or
 * name points at `token` (`22/tcp` as a whole); members of a list point at themselves.
 */
function parsePortList(piece: Piece, problems: ScanProblem[], token: SourceRange = whole(piece)): PortList {
  const text = piece.text;
  if (hasExpansion(text)) {
    return { items: [{ range: token, port: null, endPort: null, rawText: text }], multi: false };
  }
  if (!isNumericList(text)) {
    if (text.includes(',') || text.includes(':')) {
      problems.push(problem(whole(piece), 'invalid-port', `ufw port lists and ranges must be numeric: "${text}"`));
      return { items: [], multi: false };
    }
    return serviceList(piece, problems, token);
  }
  let separators = 0;
  for (const character of text) {
    if (character === ',' || character === ':') {
      separators++;
    }
  }
  if (separators > MAX_PORT_SEPARATORS) {
    problems.push(problem(whole(piece), 'too-many-ports', `ufw allows at most 15 ports in one rule (a range counts as two); this has ${separators + 1}`));
  }
  const items: PortItem[] = [];
  let multi = false;
  let start = 0;
  const elements: Piece[] = [];
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === ',') {
      elements.push(slicePiece(piece, start, i));
      start = i + 1;
    }
  }
  multi = elements.length > 1;
  for (const element of elements) {
    const colon = element.text.indexOf(':');
    if (colon >= 0) {
      multi = true;
    }
    const item = colon >= 0 ? parseRangeElement(element, colon, problems) : parseSingleElement(element, problems);
    if (item) {
      items.push(elements.length === 1 ? { ...item, range: token } : item);
    }
  }
  return { items, multi };
}

/** A service name in place of a port: ufw resolves it only through the host's /etc/services. */
function serviceList(piece: Piece, problems: ScanProblem[], token: SourceRange): PortList {
  const name = piece.text;
  const service = ufwService(name);
  if (!service) {
    problems.push(problem(whole(piece), 'unknown-service-name', `"${name}" is neither a port number nor a service name in /etc/services; ufw refuses it${caseHint(name)}`));
    return { items: [], multi: false };
  }
  if (!service.stock) {
    problems.push(
      problem(
        whole(piece),
        'service-not-in-etc-services',
        `"${name}" is not in a stock /etc/services: only the IANA registry lists it (port ${service.port}), so ufw on Debian and Ubuntu refuses it; write the port number${caseHint(name)}`,
      ),
    );
  } else if (service.protocol === undefined) {
    problems.push(problem(whole(piece), 'protocol-mismatch', `/etc/services lists "${name}" for neither tcp nor udp, so ufw cannot use it`));
  }
  return { items: [{ range: token, port: service.port, endPort: service.endPort ?? service.port, name }], multi: false, service };
}

/** getservbyname matches names exactly: `SSH` is not `ssh`. */
function caseHint(name: string): string {
  const lower = name.toLowerCase();
  return lower !== name && isEtcServicesName(lower) ? ` (service names are case-sensitive: "${lower}")` : '';
}

function parseSingleElement(element: Piece, problems: ScanProblem[]): PortItem | undefined {
  const parsed = parsePort(element.text);
  if (!parsed.ok) {
    problems.push(problem(whole(element), parsed.code, parsed.message));
    return undefined;
  }
  return { range: whole(element), portRange: whole(element), port: parsed.value, endPort: parsed.value };
}

function parseRangeElement(element: Piece, colon: number, problems: ScanProblem[]): PortItem | undefined {
  const first = parsePort(element.text.slice(0, colon));
  const last = parsePort(element.text.slice(colon + 1));
  if (!first.ok || !last.ok) {
    const failed = !first.ok ? first : last;
    if (!failed.ok) {
      problems.push(problem(whole(element), failed.code, failed.message));
    }
    return undefined;
  }
  if (first.value > last.value) {
    problems.push(problem(whole(element), 'reversed-range', `Port range ${element.text} is reversed; ufw rejects it`));
    return undefined;
  }
  if (first.value === last.value) {
    problems.push(problem(whole(element), 'invalid-range', `ufw rejects the range ${element.text}: its first port must be below its last`));
    return undefined;
  }
  return { range: whole(element), portRange: whole(element), port: first.value, endPort: last.value };
}

// ---------------------------------------------------------------------------------------------
// Application profiles
// ---------------------------------------------------------------------------------------------

/** What ufw accepts as a profile name: a letter or digit first, then letters, digits, spaces and `_-.+`. */
const PROFILE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9 _.+-]*$/;
/** What Python's int() reads as a number; ufw never takes such a word for a profile. */
const PYTHON_INTEGER = /^\s*[+-]?[0-9]+(?:_[0-9]+)*\s*$/;

function isProfileName(name: string): boolean {
  return name !== 'all' && !PYTHON_INTEGER.test(name) && PROFILE_NAME.test(name);
}

interface Profile {
  readonly name: string;
  readonly ports: readonly NamedPort[];
  /** Where the rule names it. */
  readonly range: SourceRange;
}

/** ufw takes a profile by its exact name, or by the only name that differs from it in case alone. */
function knownProfile(word: ShellWord): Profile | undefined {
  const name = findUfwProfile(word.text);
  const ports = name !== undefined ? UFW_APP_PROFILES.get(name) : undefined;
  return name !== undefined && ports ? { name, ports, range: wordTextSpan(word) } : undefined;
}

/**
 * A profile Port Lens does not know: a name that cannot be a profile, one that looks like a mistyped
 * port, or a name one letter away from a known profile or (in lower case) from a service name is
 * refused; any other may be installed on the host, so it is only noted.
 */
function unknownProfile(word: ShellWord, found: Found): void {
  const range = wordTextSpan(word);
  if (!isProfileName(word.text)) {
    refuse(range, `"${word.text}" is not a valid application profile name`, 'invalid-port');
  }
  if (isDigit(word.text.charCodeAt(0))) {
    refuse(range, `"${word.text}" is neither a port number nor an application profile`, 'invalid-port');
  }
  const profile = nearProfileName(word.text);
  if (profile !== undefined) {
    refuse(range, `"${word.text}" is not an application profile (did you mean "${profile}"?)`, 'unknown-service-name');
  }
  const meant = nearServiceName(word.text);
  if (meant !== undefined) {
    refuse(range, `"${word.text}" is not a service name in /etc/services (did you mean "${meant}"?), so ufw looks for an application profile of that name`, 'unknown-service-name');
  }
  found.problems.push(problem(range, 'unknown-service', `"${word.text}" is not an application profile Port Lens knows; its ports are in /etc/ufw/applications.d`, 'info'));
}

/** A known profile one letter away from `name`, ignoring case (`Nginx Fullx`, `OpenSHH`). */
function nearProfileName(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.length < 4) {
    return undefined;
  }
  for (const profile of UFW_APP_PROFILES.keys()) {
    if (withinOneEdit(lower, profile.toLowerCase())) {
      return profile;
    }
  }
  return undefined;
}

/** Whether one deletion, insertion, substitution or swap of neighbours turns `a` into `b`. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) {
    return false;
  }
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const restA = endA - start;
  const restB = endB - start;
  if (restA <= 1 && restB <= 1) {
    return true;
  }
  // Two neighbours swapped: `ab` against `ba`.
  return restA === 2 && restB === 2 && a[start] === b[start + 1] && a[start + 1] === b[start];
}

const SERVICE_NAME_LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789-';
const LOWER_CASE_NAME = /^[a-z0-9-]{2,32}$/;

/** A stock service name one deletion, insertion, substitution or swap away from `name` (`htpp`, `sshh`). */
function nearServiceName(name: string): string | undefined {
  if (!LOWER_CASE_NAME.test(name)) {
    return undefined;
  }
  const candidates: string[] = [];
  for (let i = 0; i <= name.length; i++) {
    if (i < name.length) {
      candidates.push(name.slice(0, i) + name.slice(i + 1));
    }
    if (i + 1 < name.length) {
      candidates.push(name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2));
    }
    for (const letter of SERVICE_NAME_LETTERS) {
      candidates.push(name.slice(0, i) + letter + name.slice(i));
      if (i < name.length) {
        candidates.push(name.slice(0, i) + letter + name.slice(i + 1));
      }
    }
  }
  return candidates.find((candidate) => candidate !== name && candidate.length > 1 && isEtcServicesName(candidate));
}

// ---------------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------------

const ACTIONS: ReadonlyMap<string, FirewallAction> = new Map([
  ['allow', 'allow'],
  ['deny', 'deny'],
  ['reject', 'reject'],
  ['limit', 'limit'],
]);
const ANYWHERE: ReadonlySet<string> = new Set(['any', '0.0.0.0/0', '::/0']);

interface UfwRule {
  readonly action: FirewallAction;
  readonly target: string;
  readonly source: string | null;
  readonly direction: string;
  readonly protocol: Protocol;
  readonly flags: readonly string[];
}

function reference(rule: UfwRule, item: PortItem, sourcePort: boolean): PortReference {
  return {
    role: 'firewall',
    range: item.range,
    ...(item.portRange ? { portRange: item.portRange } : {}),
    protocol: item.protocol ?? rule.protocol,
    port: item.port,
    endPort: item.endPort,
    ...(item.name !== undefined ? { name: item.name } : {}),
    ...(item.rawText !== undefined ? { rawText: item.rawText } : {}),
    ...(rule.flags.length > 0 ? { flags: rule.flags } : {}),
    firewall: {
      action: rule.action,
      target: rule.target,
      source: rule.source,
      chain: rule.direction,
      ...(sourcePort ? { sourcePort: true } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// ufw commands, read the way ufw's parser reads them
// ---------------------------------------------------------------------------------------------

const UFW_COMMAND: ReadonlySet<string> = new Set(['ufw']);
/** Words that start a rule; ufw compares them in lower case. */
const RULE_COMMANDS: ReadonlySet<string> = new Set(['allow', 'deny', 'reject', 'limit', 'insert', 'delete', 'prepend']);
/** ufw's other commands; of them Port Lens reads `default`. */
const OTHER_COMMANDS: ReadonlySet<string> = new Set(['enable', 'disable', 'reload', 'reset', 'status', 'show', 'logging', 'app', 'default', 'version', '--version', 'help', '--help', '-h']);
const DEFAULT_POLICIES: ReadonlySet<string> = new Set(['allow', 'deny', 'reject']);
const DEFAULT_DIRECTIONS: ReadonlySet<string> = new Set(['incoming', 'input', 'outgoing', 'output', 'routed', 'forward']);
const FULL_FORM_KEYS: ReadonlySet<string> = new Set(['proto', 'from', 'to', 'port', 'app', 'in', 'out']);
const INTERFACE_NAME = /^[a-zA-Z0-9_.+,=%@-]+$/;
const DIGITS = /^[0-9]+$/;

interface Output {
  /** The scanned text, for the rules as written. */
  readonly source: string;
  readonly references: PortReference[];
  readonly problems: ScanProblem[];
  /** Ports denied to incoming traffic, for the workspace graph. */
  readonly blocks: FirewallBlock[];
  /** The last `ufw default` for incoming traffic, when it denies or rejects. */
  defaultDeny?: HostFirewallFacts['defaultDeny'];
}

/** What one command yields; kept apart until the command is read, so a refusal can drop it. */
interface Found {
  readonly problems: ScanProblem[];
  readonly references: PortReference[];
  dryRun: boolean;
}

/** ufw stops at the first thing it refuses, and so does the reading of that command. */
class Refusal extends Error {
  constructor(readonly found: ScanProblem) {
    super(found.message);
  }
}

function refuse(range: SourceRange, message: string, code = 'parse-error'): never {
  throw new Refusal(problem(range, code, message));
}

/**
 * Blocks from the references one rule added (from index `from` on): each port it denies or rejects to
 * incoming traffic from anywhere. A rule limited to some sources, a route rule or a source port blocks
 * no port as a whole.
 */
function collectBlocks(output: Output, from: number, text: string): void {
  const { references } = output;
  for (let k = from; k < references.length; k++) {
    const { firewall, port, endPort, protocol, range, flags } = references[k];
    if (
      !firewall ||
      (firewall.target !== 'deny' && firewall.target !== 'reject') ||
      firewall.chain !== 'in' ||
      firewall.sourcePort ||
      firewall.source !== null ||
      port === null ||
      endPort === null ||
      flags?.includes('route')
    ) {
      continue;
    }
    output.blocks.push({ port, endPort, protocol, range, text });
  }
}

/**
 * Reads one `ufw …` command. A word built from a variable or a command substitution may stand for
 * other words, or several, so a command holding one is read for its ports but never refused as a whole.
 */
function scanUfwCommand(args: readonly ShellWord[], commandSpan: SourceRange, output: Output): void {
  const found: Found = { problems: [], references: [], dryRun: false };
  try {
    readCommand(args, commandSpan, output, found);
  } catch (error) {
    if (!(error instanceof Refusal)) {
      throw error;
    }
    if (!args.some((word) => word.hasExpansion)) {
      found.problems.push(error.found);
    }
    found.references.length = 0;
  }
  for (const item of found.problems) {
    output.problems.push(item);
  }
  const before = output.references.length;
  for (const item of found.references) {
    output.references.push(item);
  }
  if (!found.dryRun) {
    collectBlocks(output, before, output.source.slice(commandSpan.start, commandSpan.end));
  }
}

/** `[--dry-run] [--force] COMMAND …`: ufw looks for its options only there, in that order. */
function readCommand(args: readonly ShellWord[], span: SourceRange, output: Output, found: Found): void {
  let i = 0;
  found.dryRun = args[0]?.text.toLowerCase() === '--dry-run';
  if (found.dryRun) {
    i++;
  }
  const forceWord = args[i]?.text.toLowerCase() === '--force' || args[i]?.text.toLowerCase() === '-f' ? args[i++] : undefined;
  const commandWord = args[i];
  if (!commandWord || commandWord.hasExpansion) {
    return;
  }
  const command = commandWord.text.toLowerCase();
  if (command === 'default') {
    readDefault(args.slice(i + 1), span, output, found);
  } else if (command === 'rule' || command === 'route') {
    const next = args[i + 1];
    if (!next || !RULE_COMMANDS.has(next.text.toLowerCase())) {
      refuse(wordTextSpan(commandWord), `"ufw ${commandWord.text}" must be followed by a rule: allow, deny, reject or limit, or insert, prepend or delete`);
    }
    if (command === 'route') {
      if (commandWord.text !== 'route') {
        refuse(wordTextSpan(commandWord), 'ufw only recognises "route" in lower case');
      }
      readRouteRule(args.slice(i), span, found);
    } else {
      readRule(args.slice(i + 1), span, found, []);
    }
  } else if (RULE_COMMANDS.has(command)) {
    if (forceWord && (command === 'allow' || command === 'deny' || command === 'reject')) {
      refuse(wordTextSpan(forceWord), `After ${forceWord.text} ufw reads "${commandWord.text}" as a default policy, not a rule; leave ${forceWord.text} out (a rule is added without asking)`);
    }
    readRule(args.slice(i), span, found, []);
  } else if (!OTHER_COMMANDS.has(command)) {
    refuse(wordTextSpan(commandWord), `"${commandWord.text}" is not a ufw command; a rule starts with allow, deny, reject or limit`);
  }
}

/** `ufw default allow|deny|reject [incoming|outgoing|routed]`; without a direction it sets incoming. */
function readDefault(args: readonly ShellWord[], span: SourceRange, output: Output, found: Found): void {
  const policyWord = args[0];
  if (!policyWord) {
    refuse(span, 'ufw default needs a policy: allow, deny or reject');
  }
  const policy = policyWord.text.toLowerCase();
  if (!DEFAULT_POLICIES.has(policy)) {
    refuse(wordTextSpan(policyWord), `ufw default takes allow, deny or reject, not "${policyWord.text}"`);
  }
  const directionWord = args[1];
  const direction = directionWord ? directionWord.text.toLowerCase() : 'incoming';
  if (directionWord && !DEFAULT_DIRECTIONS.has(direction)) {
    refuse(wordTextSpan(directionWord), `ufw default sets incoming, outgoing or routed traffic, not "${directionWord.text}"`);
  }
  if (found.dryRun || (direction !== 'incoming' && direction !== 'input')) {
    return;
  }
  // A later default replaces an earlier one.
  output.defaultDeny = policy === 'allow' ? undefined : { range: span, text: output.source.slice(span.start, span.end) };
}

interface InterfaceClause {
  readonly side: 'in' | 'out';
  readonly word: ShellWord;
}

/**
 * `ufw route …`: a route rule may name both interfaces, which the rule syntax proper does not allow,
 * so the second clause is set aside and applied after the rest is read.
 */
function readRouteRule(words: readonly ShellWord[], span: SourceRange, found: Found): void {
  const texts = words.map((word) => word.text);
  const deleteAt = texts.indexOf('delete');
  if (deleteAt >= 0 && (deleteAt === texts.length - 1 || PYTHON_INTEGER.test(texts[deleteAt + 1]))) {
    refuse(wordTextSpan(words[deleteAt]), "ufw deletes rules by number with 'ufw delete NUM', not 'ufw route delete NUM'");
  }
  const joined = texts.join(' ');
  let rest = words;
  let second: InterfaceClause | undefined;
  if (joined.includes(' in on ') && joined.includes(' out on ')) {
    const inAt = texts.indexOf('in');
    const outAt = texts.indexOf('out');
    const side = inAt > outAt ? 'in' : 'out';
    const at = side === 'in' ? inAt : outAt;
    if (inAt < 0 || outAt < 0 || at + 2 >= words.length) {
      refuse(span, 'A route rule names its interfaces as "in on IFACE" and "out on IFACE"');
    }
    second = { side, word: words[at + 2] };
    rest = [...words.slice(0, at), ...words.slice(at + 3)];
  } else if (!/ (?:in|out) on /.test(joined) && !/ app (?:in|out) /.test(joined) && (joined.includes(' in ') || joined.includes(' out '))) {
    refuse(span, 'A route rule takes "in on IFACE" or "out on IFACE", not a bare direction');
  }
  readRule(rest.slice(1), span, found, ['route'], second);
}

type Side = 'src' | 'dst';

/** One side of a full-syntax rule, `from ADDRESS …` or `to ADDRESS …`. */
interface SideSpec {
  /** Every `port` value given for this side: ufw checks each and keeps the last. */
  readonly ports: ShellWord[];
  /** The last of them that is a name: the rule's protocol follows it. */
  service?: ShellWord;
  app?: ShellWord;
  /** A `port` after this side's `app`: ufw keeps the number in place of the profile and finds no rules for it. */
  portAfterApp?: boolean;
  version: 'any' | 'v4' | 'v6';
}

interface RuleSpec {
  readonly rule: Omit<UfwRule, 'protocol'>;
  readonly remove: boolean;
  /** The value of the simple syntax (`22/tcp`, `http`, `OpenSSH`). */
  readonly simple?: ShellWord;
  /** `proto P` of the full syntax. */
  readonly protocol?: ShellWord;
  readonly sides: Readonly<Record<Side, SideSpec>>;
}

function isLogWord(word: ShellWord | undefined): boolean {
  const text = word?.text.toLowerCase();
  return text === 'log' || text === 'log-all';
}

/**
 * A rule from its first word (`allow`, `insert 2 allow`, `delete allow`, `prepend deny`): the
 * direction, interfaces, logging and comment are taken out as ufw takes them out, then what is
 * left is one value (the simple syntax) or keyword-value pairs (the full syntax).
 */
function readRule(words: readonly ShellWord[], span: SourceRange, found: Found, flags: string[], routeInterface?: InterfaceClause): void {
  let argv = [...words];
  let remove = false;
  const first = argv[0].text.toLowerCase();
  if (first === 'delete' && argv.length > 1) {
    remove = true;
    argv = argv.slice(1);
    if (PYTHON_INTEGER.test(argv[0].text)) {
      return; // `delete NUM` names a rule already there
    }
  } else if (first === 'insert') {
    if (argv.length < 4) {
      refuse(span, 'ufw insert needs a position and a rule: insert NUM allow …');
    }
    const position = argv[1];
    if (position.text === '0' || position.text === '-1') {
      refuse(wordTextSpan(position), `ufw cannot insert a rule at position ${position.text}: positions start at 1 (prepend puts a rule first)`);
    }
    if (!DIGITS.test(position.text)) {
      refuse(wordTextSpan(position), `Insert position "${position.text}" is not a number`);
    }
    argv = argv.slice(2);
  } else if (first === 'prepend') {
    argv = argv.slice(1);
  }
  const actionWord = argv[0];
  if (!actionWord) {
    refuse(span, `ufw ${words[0].text} needs a rule: allow, deny, reject or limit`);
  }
  const action = ACTIONS.get(actionWord.text);
  if (action === undefined) {
    refuse(wordTextSpan(actionWord), `"${actionWord.text}" is not a ufw action: allow, deny, reject or limit, in lower case`);
  }
  if (argv.length < 2) {
    refuse(span, `ufw ${actionWord.text} needs a port, an application or a from/to clause`);
  }

  // `in`/`out` right after the action is the direction; before `on` it also starts an interface clause.
  let direction = 'in';
  const lead = argv[1].text.toLowerCase();
  if (lead === 'in' || lead === 'out') {
    direction = lead;
    if (argv.length > 2 && argv[2].text !== 'on') {
      argv.splice(1, 1);
    }
  }
  const clause = argv.find((word) => word.text === 'in' || word.text === 'out');
  if (clause) {
    const side = argv[1].text.toLowerCase();
    if ((side !== 'in' && side !== 'out') || argv.length < 3 || argv[2].text.toLowerCase() !== 'on') {
      refuse(wordTextSpan(clause), `An interface clause comes right after the action, as "${actionWord.text} in on IFACE …"`);
    }
    argv.splice(2, 1);
  }
  const logAt = clause && argv.length > 3 && isLogWord(argv[3]) ? 3 : argv.length > 2 && isLogWord(argv[1]) ? 1 : -1;
  const logType = logAt > 0 ? argv[logAt].text.toLowerCase() : undefined;
  if (logAt > 0) {
    argv.splice(logAt, 1);
  }
  const strayLog = argv.find((word) => word.text === 'log' || word.text === 'log-all');
  if (strayLog) {
    refuse(wordTextSpan(strayLog), `"${strayLog.text}" is not allowed here: it goes right after the action (or after the interface)`);
  }
  const commentAt = argv.findIndex((word) => word.text === 'comment');
  if (commentAt >= 0) {
    const text = argv[commentAt + 1];
    if (!text) {
      refuse(wordTextSpan(argv[commentAt]), "Option 'comment' needs a text");
    }
    if (text.text.includes("'")) {
      refuse(wordTextSpan(text), "ufw refuses a comment with a ' in it");
    }
    argv.splice(commentAt, 2);
  }
  if (argv.length < 2 || argv.length > 13) {
    refuse(span, argv.length < 2 ? `ufw ${actionWord.text} needs a port, an application or a from/to clause` : 'Too many arguments for one ufw rule');
  }

  const interfaces: InterfaceClause[] = [];
  const sides: Record<Side, SideSpec> = { src: { ports: [], version: 'any' }, dst: { ports: [], version: 'any' } };
  let source: string | null = null;
  let protocol: ShellWord | undefined;
  let simple: ShellWord | undefined;
  if (argv.length === 2) {
    simple = argv[1];
  } else {
    ({ source, protocol } = readFullSyntax(argv, span, sides, interfaces));
  }
  if (routeInterface) {
    checkInterfaceName(routeInterface.word);
    interfaces.push(routeInterface);
  }
  interfaces.sort((a, b) => a.word.start - b.word.start);
  for (const { side, word } of interfaces) {
    flags.push(`${side}:${word.text}`);
  }
  if (logType) {
    flags.push(logType);
  }
  const spec: RuleSpec = {
    rule: { action, target: actionWord.text, source, direction, flags },
    remove,
    ...(simple ? { simple } : {}),
    ...(protocol ? { protocol } : {}),
    sides,
  };
  if (simple) {
    resolveSimpleRule(spec, simple, found);
  } else {
    resolveFullRule(spec, span, found);
  }
}

/** `[proto P] [from A [port P | app N]] [to A [port P | app N]]`, and `in IFACE` / `out IFACE` once `on` is gone. */
function readFullSyntax(argv: readonly ShellWord[], span: SourceRange, sides: Record<Side, SideSpec>, interfaces: InterfaceClause[]): { source: string | null; protocol?: ShellWord } {
  if (argv.length % 2 === 0) {
    refuse(span, 'Wrong number of arguments: the full syntax is pairs such as "from ADDRESS", "to ADDRESS port PORT", "proto PROTOCOL"');
  }
  const count = (key: string) => argv.filter((word) => word.text === key).length;
  if (count('from') === 0 && count('to') === 0 && count('in') === 0 && count('out') === 0) {
    refuse(span, "Need a 'to' or 'from' clause");
  }
  if (count('to') > 1 || count('from') > 1 || count('proto') > 1 || count('port') > 2 || count('in') > 1 || count('out') > 1 || count('app') > 2 || (count('app') > 0 && count('proto') > 0)) {
    refuse(span, 'Improper rule syntax: a clause is repeated, or app is combined with proto');
  }
  let source: string | null = null;
  let protocol: ShellWord | undefined;
  let location: Side | undefined;
  // ufw acts on every keyword it meets, a value spelled like one included; every other word must be a value.
  for (let k = 0; k < argv.length; k++) {
    const key = argv[k];
    const isKey = FULL_FORM_KEYS.has(key.text);
    if (k % 2 === 1 && !isKey) {
      refuse(wordTextSpan(key), `Invalid token "${key.text}": ufw expects proto, from, to, port or app here`);
    }
    if (!isKey || k === 0) {
      continue;
    }
    const value = argv[k + 1];
    if (!value) {
      refuse(wordTextSpan(key), `"${key.text}" needs a value`);
    }
    if (key.text === 'proto') {
      checkProtocolName(value);
      protocol = value;
    } else if (key.text === 'in' || key.text === 'out') {
      checkInterfaceName(value);
      interfaces.push({ side: key.text, word: value });
    } else if (key.text === 'from' || key.text === 'to') {
      location = key.text === 'from' ? 'src' : 'dst';
      sides[location].version = addressVersion(value, key.text === 'from' ? 'source' : 'destination');
      if (key.text === 'from') {
        source = ANYWHERE.has(value.text.toLowerCase()) ? null : value.text;
      }
    } else {
      if (!location) {
        refuse(wordTextSpan(key), `Need 'from' or 'to' before '${key.text}'`);
      }
      const side = sides[location];
      if (key.text === 'app') {
        side.app = value;
        side.portAfterApp = false;
        continue;
      }
      if (!isNumericList(value.text) && !value.hasExpansion) {
        if (value.text.includes(',') || value.text.includes(':')) {
          refuse(wordTextSpan(value), `ufw port lists and ranges must be numeric: "${value.text}"`, 'invalid-port');
        }
        side.service = value;
      }
      side.portAfterApp = side.app !== undefined;
      side.ports.push(value);
    }
  }
  const { src, dst } = sides;
  if (src.version !== 'any' && dst.version !== 'any' && src.version !== dst.version) {
    refuse(span, "Mixed IP versions for 'from' and 'to': one is IPv4, the other IPv6");
  }
  return { source, ...(protocol ? { protocol } : {}) };
}

function checkProtocolName(word: ShellWord): void {
  if (!word.hasExpansion && !UFW_PROTOCOLS.has(word.text)) {
    refuse(wordTextSpan(word), `ufw does not support protocol "${word.text}"; it takes tcp, udp, ah, esp, gre, igmp, ipv6, vrrp or any`, 'unknown-protocol');
  }
}

/** ufw's rules for interface names, which are the kernel's made a little stricter. */
function checkInterfaceName(word: ShellWord): void {
  const name = word.text;
  if (word.hasExpansion) {
    return;
  }
  const reason =
    name.includes('!') ? "'!' is reserved"
    : name.includes(':') ? 'ufw does not take interface aliases'
    : name === '.' || name === '..' ? 'it cannot be "." or ".."'
    : name.length === 0 ? 'it is empty'
    : name.length > 15 ? 'it is longer than 15 characters'
    : !INTERFACE_NAME.test(name) ? 'it has characters ufw does not allow'
    : undefined;
  if (reason) {
    refuse(wordTextSpan(word), `Bad interface name "${name}": ${reason}`);
  }
}

/** The IP version of an address or network, as ufw tells them apart; anything else is refused. */
function addressVersion(word: ShellWord, role: 'source' | 'destination'): SideSpec['version'] {
  if (word.hasExpansion) {
    return 'any';
  }
  const text = word.text.toLowerCase();
  if (text === 'any') {
    return 'any';
  }
  if (isUfwIPv6(text)) {
    return 'v6';
  }
  if (!isUfwIPv4(text)) {
    refuse(wordTextSpan(word), `Bad ${role} address "${word.text}": ufw takes an IPv4 or IPv6 address or network, or any`);
  }
  return 'v4';
}

function isUfwIPv6(text: string): boolean {
  if (text.length > 43 || !/^[a-f0-9:./]+$/.test(text)) {
    return false;
  }
  const parts = text.split('/');
  return parts.length <= 2 && isIPv6(parts[0]) && (parts.length === 1 || isPrefixLength(parts[1], 128));
}

function isUfwIPv4(text: string): boolean {
  if (text.length > 31 || !/^[0-9./]+$/.test(text)) {
    return false;
  }
  const parts = text.split('/');
  return parts.length <= 2 && isIPv4(parts[0]) && (parts.length === 1 || isPrefixLength(parts[1], 32) || isDottedQuad(parts[1]));
}

function isPrefixLength(text: string, most: number): boolean {
  return DIGITS.test(text) && Number(text) <= most;
}

function isDottedQuad(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => DIGITS.test(part) && Number(part) <= 255);
}

/**
 * The simple syntax: `22`, `22/tcp`, `80,443/tcp`, `http`, `OpenSSH`. A word that can be a profile
 * name is one unless /etc/services lists it.
 */
function resolveSimpleRule(spec: RuleSpec, word: ShellWord, found: Found): void {
  const piece = wordPiece(word);
  if (!word.hasExpansion && isProfileName(word.text) && !isEtcServicesName(word.text)) {
    const profile = knownProfile(word);
    if (profile) {
      emitApplications(spec, { dst: profile }, found);
      return;
    }
    if (spec.remove) {
      return; // ufw deletes a rule of a profile that is gone
    }
    if (!isDigit(word.text.charCodeAt(0)) && ufwService(word.text)) {
      // Not a profile here; a RHEL-style /etc/services would make it a service.
      const problems: ScanProblem[] = [];
      const list = serviceList(piece, problems, whole(piece));
      found.problems.push(...problems);
      emitPorts(spec, { dst: list }, list.service?.protocol ?? 'any', found);
      return;
    }
    unknownProfile(word, found);
    return;
  }
  const parts = word.text.split('/');
  if (parts.length > 2) {
    refuse(wordTextSpan(word), `Bad port "${word.text}": ufw takes PORT or PORT/PROTOCOL`, 'invalid-port');
  }
  let protocol = 'any';
  if (parts.length === 2) {
    const protocolPiece = slicePiece(piece, parts[0].length + 1, word.text.length);
    protocol = protocolPiece.text;
    if (PORTLESS_PROTOCOLS.has(protocol)) {
      refuse(whole(protocolPiece), `Protocol "${protocol}" has no ports; ufw matches ports only with tcp or udp`, 'unknown-protocol');
    }
    if (!UFW_PROTOCOLS.has(protocol) && !hasExpansion(protocol)) {
      refuse(whole(protocolPiece), `ufw does not support protocol "${protocol}"; a port takes tcp, udp or any`, 'unknown-protocol');
    }
  }
  const problems: ScanProblem[] = [];
  const list = parsePortList(slicePiece(piece, 0, parts[0].length), problems, whole(piece));
  found.problems.push(...problems);
  const ruleProtocol = protocolWithServices(protocol, list.service ? { dst: list.service } : {}, whole(piece));
  if (problems.length === 0 && !hasExpansion(ruleProtocol)) {
    checkMultiport(list.multi, ruleProtocol, whole(piece), found);
  }
  emitPorts(spec, { dst: list }, ruleProtocol, found);
}

/** The full syntax, checked in the order ufw checks it once the words are read. */
function resolveFullRule(spec: RuleSpec, span: SourceRange, found: Found): void {
  const { sides } = spec;
  const explicit = spec.protocol?.text ?? 'any';
  const lists: Partial<Record<Side, PortList>> = {};
  const problems: ScanProblem[] = [];
  for (const side of ['dst', 'src'] as const) {
    const { ports, app } = sides[side];
    ports.forEach((word, index) => {
      const list = parsePortList(wordPiece(word), problems);
      if (index === ports.length - 1 && !app) {
        lists[side] = list;
      }
    });
  }
  found.problems.push(...problems);
  if (problems.length > 0) {
    emitPorts(spec, lists, explicit, found);
    return;
  }
  const services: Partial<Record<Side, UfwService>> = {};
  for (const side of ['dst', 'src'] as const) {
    const named = sides[side].service;
    const service = named ? ufwService(named.text) : undefined;
    if (service) {
      services[side] = service;
    }
  }
  const named = sides.dst.service ?? sides.src.service;
  const protocol = protocolWithServices(explicit, services, named ? wordTextSpan(named) : span);
  const hasApp = sides.dst.app !== undefined || sides.src.app !== undefined;
  if (protocol !== 'any' && hasApp) {
    refuse(span, `Improper rule syntax: an application rule takes its protocols from the profile, not '${protocol}'`);
  }
  const version = sides.src.version !== 'any' ? sides.src.version : sides.dst.version;
  if (IPV4_ONLY_PROTOCOLS.has(protocol) && version === 'v6') {
    refuse(span, `Protocol ${protocol} is IPv4 only; this rule has an IPv6 address`);
  }
  if (PORTLESS_PROTOCOLS.has(protocol) && (sides.dst.ports.length > 0 || sides.src.ports.length > 0)) {
    refuse(spec.protocol ? wordTextSpan(spec.protocol) : span, `Protocol "${protocol}" has no ports; ufw matches ports only with tcp or udp`, 'unknown-protocol');
  }
  if (!hasApp) {
    const multiSide = lists.dst?.multi ? sides.dst : lists.src?.multi ? sides.src : undefined;
    const multiWord = multiSide?.ports[multiSide.ports.length - 1];
    if (multiWord) {
      checkMultiport(true, protocol, wordTextSpan(multiWord), found);
    }
    emitPorts(spec, lists, protocol, found);
    return;
  }
  if (spec.remove) {
    return;
  }
  const profiles: Partial<Record<Side, Profile>> = {};
  for (const side of ['dst', 'src'] as const) {
    const app = sides[side].app;
    if (!app) {
      continue;
    }
    if (sides[side].portAfterApp) {
      refuse(wordTextSpan(app), `A port after "app ${app.text}" leaves ufw no rules for the application; give either the port or the application`);
    }
    const profile = knownProfile(app);
    if (!profile) {
      unknownProfile(app, found);
      return;
    }
    profiles[side] = profile;
  }
  emitApplications(spec, profiles, found, lists);
}

/**
 * A rule's protocol once its service names are looked up: a name listed only for tcp (or udp) makes
 * the rule tcp (or udp), and must agree with the other side's name and with `proto`.
 */
function protocolWithServices(explicit: string, services: Partial<Record<Side, UfwService>>, span: SourceRange): string {
  if (!services.dst && !services.src) {
    return explicit;
  }
  let named = services.dst ? (services.dst.protocol ?? '') : '';
  if (services.src) {
    const other = services.src.protocol ?? '';
    if (named === '' || named === 'any') {
      named = other;
    } else if (other !== named && other !== 'any') {
      refuse(span, `Protocol mismatch: the source service is ${other} only, the destination service ${named} only`, 'protocol-mismatch');
    }
  }
  if (explicit === 'any') {
    if (named === '') {
      refuse(span, '/etc/services lists this service for neither tcp nor udp', 'protocol-mismatch');
    }
    return named;
  }
  if (named !== 'any' && named !== explicit) {
    refuse(span, `The service is ${named} only, but the rule says ${explicit}`, 'protocol-mismatch');
  }
  return explicit;
}

/** ufw matches a port list or range with iptables' multiport, which needs tcp or udp. */
function checkMultiport(multi: boolean, protocol: string, range: SourceRange, found: Found): void {
  if (multi && !MULTIPORT_PROTOCOLS.has(protocol)) {
    found.problems.push(problem(range, 'missing-protocol', "ufw needs 'tcp' or 'udp' with a port list or range (proto tcp, or 80,443/tcp)"));
  }
}

function emitPorts(spec: RuleSpec, lists: Partial<Record<Side, PortList>>, protocol: string, found: Found): void {
  if (spec.remove) {
    return;
  }
  const rule: UfwRule = { ...spec.rule, protocol: portProtocol(protocol) };
  for (const side of ['src', 'dst'] as const) {
    for (const item of lists[side]?.items ?? []) {
      found.references.push(reference(rule, item, side === 'src'));
    }
  }
}

/**
 * An application rule: ufw adds one rule per `ports=` entry of the profile, with the entry's protocol
 * (a profile on each side pairs every entry of one with every entry of the other, the source's
 * protocol first). A port list on the other side still needs that protocol to be tcp or udp.
 */
function emitApplications(spec: RuleSpec, profiles: Partial<Record<Side, Profile>>, found: Found, lists: Partial<Record<Side, PortList>> = {}): void {
  if (spec.remove) {
    return;
  }
  const { dst, src } = profiles;
  const pairs: { dst?: NamedPort; src?: NamedPort; protocol: Protocol }[] = [];
  if (dst && src && dst.name === src.name) {
    pairs.push(...dst.ports.map((entry) => ({ dst: entry, src: entry, protocol: entry.protocol })));
  } else if (dst && src) {
    for (const to of dst.ports) {
      pairs.push(...src.ports.map((from) => ({ dst: to, src: from, protocol: from.protocol !== 'any' ? from.protocol : to.protocol })));
    }
  } else {
    const entries = (dst ?? src)?.ports ?? [];
    pairs.push(...entries.map((entry) => (dst ? { dst: entry, protocol: entry.protocol } : { src: entry, protocol: entry.protocol })));
  }
  const seen = new Set<string>();
  for (const pair of pairs) {
    const multi = (['dst', 'src'] as const).some((side) => (pair[side] ? pair[side].endPort !== undefined && pair[side].endPort !== pair[side].port : lists[side]?.multi === true));
    if (multi && !MULTIPORT_PROTOCOLS.has(pair.protocol)) {
      found.problems.push(problem((dst ?? src)?.range ?? { start: 0, end: 0 }, 'missing-protocol', "ufw needs 'tcp' or 'udp' with a port list or range; this application's ports have neither"));
      continue;
    }
    const rule: UfwRule = { ...spec.rule, protocol: pair.protocol };
    for (const side of ['src', 'dst'] as const) {
      const entry = pair[side];
      const profile = profiles[side];
      const items: PortItem[] = entry && profile ? [{ range: profile.range, port: entry.port, endPort: entry.endPort ?? entry.port, name: profile.name }] : (lists[side]?.items ?? []);
      for (const item of items) {
        const key = `${side} ${item.range.start} ${item.port} ${item.endPort} ${pair.protocol}`;
        if (!seen.has(key)) {
          seen.add(key);
          found.references.push(reference(rule, item, side === 'src'));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// user.rules tuples
// ---------------------------------------------------------------------------------------------

const TUPLE_MARKER = '### tuple ###';
const TRAILING_CR = /\r$/;

/** Splits the fields after the marker, each located in the text. */
function tupleFields(line: string, lineStart: number, from: number): Piece[] {
  const fields: Piece[] = [];
  let i = from;
  while (i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) {
      i++;
    }
    const start = i;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') {
      i++;
    }
    if (i > start) {
      const offset = lineStart + start;
      fields.push({ text: line.slice(start, i), locate: (a, b) => ({ start: offset + a, end: offset + b }) });
    }
  }
  return fields;
}

/**
 * `### tuple ### ACTION PROTO DPORT DST SPORT SRC [DAPP SAPP] DIRECTION [comment=HEX]`, as ufw's iptables
 * backend writes it. ACTION may read `route:allow` and carry `_log` / `_log-all`; DIRECTION may name
 * interfaces (`in_eth0`, `in_eth0!out_eth1`); the oldest files have no DIRECTION at all.
 */
function scanTuple(line: string, lineStart: number, output: Output): void {
  const fields = tupleFields(line, lineStart, line.indexOf(TUPLE_MARKER) + TUPLE_MARKER.length).filter((field) => !field.text.startsWith('comment='));
  if (fields.length < 6 || fields.length > 9) {
    output.problems.push(problem({ start: lineStart, end: lineStart + line.length }, 'parse-error', `ufw skips this malformed tuple: it has ${fields.length} fields, not 6 to 9`, 'warning'));
    return;
  }
  const flags: string[] = [];
  let actionText = fields[0].text;
  if (actionText.startsWith('route:')) {
    flags.push('route');
    actionText = actionText.slice('route:'.length);
  }
  const [verb, logType] = actionText.split('_');
  if (logType) {
    flags.push(logType);
  }
  const action = ACTIONS.get(verb) ?? 'deny';
  let direction = 'in';
  if (fields.length === 7 || fields.length === 9) {
    const written = fields[fields.length - 1].text;
    direction = written.split('_')[0];
    for (const part of written.split('!')) {
      const underscore = part.indexOf('_');
      if (underscore > 0) {
        flags.push(`${part.slice(0, underscore)}:${part.slice(underscore + 1)}`);
      }
    }
  }
  const protocol: Protocol = fields[1].text === 'tcp' || fields[1].text === 'udp' ? fields[1].text : 'any';
  const sourceText = fields[5].text;
  const rule: UfwRule = {
    action,
    target: verb,
    source: ANYWHERE.has(sourceText) ? null : sourceText,
    direction,
    protocol,
    flags,
  };
  const appNames = fields.length >= 8 ? [fields[6].text, fields[7].text] : ['-', '-'];
  const sides: [Piece, string, boolean][] = [[fields[2], appNames[0], false], [fields[4], appNames[1], true]];
  for (const [field, app, sourcePort] of sides) {
    if (field.text === 'any') {
      continue;
    }
    const name = app === '-' ? undefined : app.split('%20').join(' ');
    const list = parsePortList(field, output.problems);
    for (const item of list.items) {
      output.references.push(reference(rule, name !== undefined ? { ...item, name } : item, sourcePort));
    }
  }
}

function scanTuples(text: string, output: Output): void {
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) {
      lineEnd = text.length;
    }
    const line = text.slice(lineStart, lineEnd).replace(TRAILING_CR, '');
    if (line.startsWith(TUPLE_MARKER)) {
      const before = output.references.length;
      scanTuple(line, lineStart, output);
      collectBlocks(output, before, line);
    }
    lineStart = lineEnd + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/** Tuples and commands are read in two passes; results are reported in the order they are written. */
function inDocumentOrder<T extends { readonly range: SourceRange }>(items: T[]): T[] {
  return items.sort((a, b) => a.range.start - b.range.start);
}

const TUPLE_LINE = /^### tuple ###/m;
/**
 * `ufw` followed by a rule, a default policy, or a word that is no ufw command at all (a mistyped
 * action); the commands that change no rule (`enable`, `status`, …) alone do not make a ufw file.
 */
const UFW_RULE_COMMAND =
  /(?:^|[\s;&|(`/])ufw[ \t]+(?:(?:--dry-run|--force|-f)[ \t]+)*(?!(?:enable|disable|reload|reset|status|show|logging|app|version|help)\b)[A-Za-z][\w-]*(?:[ \t]|$)/im;

/** A user.rules file, or a shell script that adds ufw rules. */
export function looksLikeUfw(text: string): boolean {
  return TUPLE_LINE.test(text) || UFW_RULE_COMMAND.test(text);
}

export const scanUfw: Scanner = (text) => {
  const output: Output = { source: text, references: [], problems: [], blocks: [] };
  try {
    scanTuples(text, output);
    for (const { words } of splitShellCommands(text)) {
      const args = commandArguments(words, UFW_COMMAND);
      if (args) {
        // From the `ufw` word itself (not a `sudo` before it) to the end of the command.
        const commandWord = words[words.length - args.length - 1];
        const commandSpan = { start: commandWord.start, end: words[words.length - 1].end };
        scanUfwCommand(args, commandSpan, output);
      }
    }
  } catch (error) {
    output.problems.push(problem({ start: 0, end: text.length }, 'parse-error', `Could not read these ufw rules: ${error instanceof Error ? error.message : String(error)}`));
  }
  const result = { format: 'ufw' as const, references: inDocumentOrder(output.references), problems: inDocumentOrder(output.problems) };
  if (output.blocks.length === 0 && !output.defaultDeny) {
    return result;
  }
  const firewall: HostFirewallFacts = { tool: 'ufw', blocks: inDocumentOrder(output.blocks), ...(output.defaultDeny ? { defaultDeny: output.defaultDeny } : {}) };
  return { ...result, wiring: { firewall: [firewall] } };
};
