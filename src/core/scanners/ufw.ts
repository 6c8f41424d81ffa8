/**
 * ufw: `ufw` rule commands in shell scripts (ufw(8)) and the `### tuple ###` lines ufw writes to
 * /etc/ufw/user.rules and user6.rules. The iptables lines under each tuple repeat the same rule, so
 * only the tuples are read.
 */
import type { FirewallAction, PortReference, Protocol, ScanProblem, Scanner, SourceRange } from '../types';
import type { FirewallBlock, HostFirewallFacts } from '../wiring/facts';
import { ETC_SERVICES, UFW_APP_PROFILES, findUfwProfile } from './namedServices';
import type { NamedPort } from './namedServices';
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
const PORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'any']);
/** ufw's supported protocols; only tcp and udp (or any) carry ports. */
const UFW_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'ipv6', 'esp', 'ah', 'igmp', 'gre', 'vrrp', 'any']);

interface PortItem {
  readonly range: SourceRange;
  readonly portRange?: SourceRange;
  readonly port: number | null;
  readonly endPort: number | null;
  readonly name?: string;
  readonly rawText?: string;
  /** Protocol fixed by the port itself (a service name or an app profile entry). */
  readonly protocol?: Protocol;
}

interface PortList {
  readonly items: PortItem[];
  /** A list or a range: ufw then needs `tcp` or `udp`. */
  readonly multi: boolean;
  /** The protocol a service name implies (`any` when /etc/services lists it for both). */
  readonly serviceProtocol?: Protocol;
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

/**
 * Parses a ufw port value; problems go to `problems`, valid ports still come back. A lone port, range or
 * name points at `token` (`22/tcp` as a whole); members of a list point at themselves.
 */
function parsePortList(piece: Piece, problems: ScanProblem[], token: SourceRange = whole(piece)): PortList {
  const text = piece.text;
  if (text.includes('$') || text.includes('`')) {
    return { items: [{ range: token, port: null, endPort: null, rawText: text }], multi: false };
  }
  if (!isNumericList(text)) {
    if (text.includes(',') || text.includes(':')) {
      problems.push(problem(whole(piece), 'invalid-port', `ufw port lists and ranges must be numeric: "${text}"`));
      return { items: [], multi: false };
    }
    const service = ETC_SERVICES.get(text);
    if (!service) {
      problems.push(problem(whole(piece), 'unknown-service', `"${text}" is not a service name Port Lens knows from /etc/services`, 'info'));
      return { items: [], multi: false };
    }
    return { items: [{ range: token, port: service.port, endPort: service.port, name: text }], multi: false, serviceProtocol: service.protocol };
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

/** An application profile's ports, all pointing at the profile name. */
function profilePorts(piece: Piece, problems: ScanProblem[]): PortItem[] | undefined {
  const profile = findUfwProfile(piece.text);
  const ports: readonly NamedPort[] | undefined = profile !== undefined ? UFW_APP_PROFILES.get(profile) : undefined;
  if (!profile || !ports) {
    problems.push(problem(whole(piece), 'unknown-service', `"${piece.text}" is not an application profile Port Lens knows; its ports are in /etc/ufw/applications.d`, 'info'));
    return undefined;
  }
  return ports.map((entry) => ({ range: whole(piece), port: entry.port, endPort: entry.endPort ?? entry.port, name: profile, protocol: entry.protocol }));
}

// ---------------------------------------------------------------------------------------------
// References
// ---------------------------------------------------------------------------------------------

const ACTIONS: Readonly<Record<string, FirewallAction>> = { allow: 'allow', deny: 'deny', reject: 'reject', limit: 'limit' };
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
// ufw commands
// ---------------------------------------------------------------------------------------------

const UFW_COMMAND: ReadonlySet<string> = new Set(['ufw']);
const GLOBAL_FLAGS: ReadonlySet<string> = new Set(['--dry-run', '--force', '-f']);
const FULL_FORM_KEYS: ReadonlySet<string> = new Set(['proto', 'from', 'to', 'port', 'app', 'in', 'out']);
const PROFILE_NAME = /^[A-Za-z][A-Za-z0-9 _.+-]*$/;

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

/** `ufw --dry-run …` only prints what it would do. */
function isDryRun(args: readonly ShellWord[]): boolean {
  for (let i = 0; i < args.length && GLOBAL_FLAGS.has(args[i].text); i++) {
    if (args[i].text === '--dry-run') {
      return true;
    }
  }
  return false;
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

/** `ufw default allow|deny|reject [incoming|outgoing|routed]`; without a direction it sets incoming. */
function scanDefaultCommand(args: readonly ShellWord[], commandSpan: SourceRange, output: Output): void {
  const policy = args[0]?.text.toLowerCase();
  const direction = args.length > 1 ? args[1].text.toLowerCase() : 'incoming';
  if ((policy !== 'allow' && policy !== 'deny' && policy !== 'reject') || (direction !== 'incoming' && direction !== 'input')) {
    return;
  }
  // A later default replaces an earlier one.
  output.defaultDeny = policy === 'allow' ? undefined : { range: commandSpan, text: output.source.slice(commandSpan.start, commandSpan.end) };
}

/** Reads one `ufw ...` command the way ufw's parser does; commands other than rules are ignored. */
function scanUfwCommand(args: readonly ShellWord[], commandSpan: SourceRange, output: Output): void {
  let i = 0;
  while (i < args.length && GLOBAL_FLAGS.has(args[i].text)) {
    i++;
  }
  if (args[i]?.text.toLowerCase() === 'default') {
    if (!isDryRun(args)) {
      scanDefaultCommand(args.slice(i + 1), commandSpan, output);
    }
    return;
  }
  const flags: string[] = [];
  if (args[i]?.text === 'route') {
    flags.push('route');
    i++;
  } else if (args[i]?.text === 'rule') {
    i++;
  }
  const verb = args[i]?.text;
  if (verb === 'delete') {
    return;
  }
  if (verb === 'insert') {
    i += 2;
  } else if (verb === 'prepend') {
    i++;
  }
  const actionWord = args[i];
  if (!actionWord || ACTIONS[actionWord.text] === undefined) {
    return;
  }
  let argv = args.slice(i);
  if (argv.length < 2) {
    output.problems.push(problem(commandSpan, 'parse-error', `ufw ${actionWord.text} needs a port, an application or a from/to clause`));
    return;
  }

  let direction = 'in';
  if (argv.length > 2 && (argv[1].text === 'in' || argv[1].text === 'out') && argv[2].text !== 'on') {
    direction = argv[1].text;
    argv.splice(1, 1);
  }
  // `in on IFACE` / `out on IFACE` (route rules may have both): the interface is kept, the clause removed.
  const interfaces = new Map<string, ShellWord>();
  const clauses: ShellWord[] = [argv[0]];
  for (let k = 1; k < argv.length; k++) {
    if ((argv[k].text === 'in' || argv[k].text === 'out') && k + 2 < argv.length && argv[k + 1].text === 'on') {
      if (interfaces.size === 0) {
        direction = argv[k].text;
      }
      interfaces.set(argv[k].text, argv[k + 2]);
      k += 2;
    } else {
      clauses.push(argv[k]);
    }
  }
  argv = clauses;
  for (const [side, name] of interfaces) {
    flags.push(`${side}:${name.text}`);
  }
  if (argv.length > 1 && (argv[1].text === 'log' || argv[1].text === 'log-all')) {
    flags.push(argv[1].text);
    argv.splice(1, 1);
  }
  const commentAt = argv.findIndex((word) => word.text === 'comment');
  if (commentAt > 0) {
    if (commentAt === argv.length - 1) {
      output.problems.push(problem(wordTextSpan(argv[commentAt]), 'parse-error', "Option 'comment' needs a text"));
      return;
    }
    argv.splice(commentAt, 2);
  }
  const misplaced = argv.find((word, index) => index > 0 && (word.text === 'log' || word.text === 'log-all' || word.text === 'on'));
  if (misplaced) {
    output.problems.push(problem(wordTextSpan(misplaced), 'parse-error', `"${misplaced.text}" is not allowed here`));
    return;
  }

  const action = ACTIONS[actionWord.text];
  const base = { action, target: actionWord.text, direction, flags };
  if (argv.length === 1) {
    if (interfaces.size === 0) {
      output.problems.push(problem(commandSpan, 'parse-error', `ufw ${actionWord.text} needs a port, an application or a from/to clause`));
    }
    return;
  }
  // With an interface clause ufw reads the rule in its full form, so a lone port there is an error.
  if (argv.length === 2 && interfaces.size === 0) {
    scanShortForm(argv[1], { ...base, source: null, protocol: 'any' }, output);
    return;
  }
  if (argv.length % 2 === 0) {
    output.problems.push(problem(commandSpan, 'parse-error', 'Wrong number of arguments: the full form is pairs such as "from ADDRESS", "to ADDRESS port PORT", "proto PROTOCOL"'));
    return;
  }
  scanFullForm(argv, base, interfaces.size > 0, commandSpan, output);
}

/** `ufw allow 22/tcp`, `ufw deny 53`, `ufw allow http`, `ufw allow OpenSSH`. */
function scanShortForm(word: ShellWord, rule: UfwRule, output: Output): void {
  const piece = wordPiece(word);
  // ufw prefers /etc/services when a name could also be an application profile.
  if (PROFILE_NAME.test(word.text) && !ETC_SERVICES.has(word.text)) {
    const items = profilePorts(piece, output.problems);
    for (const item of items ?? []) {
      output.references.push(reference(rule, item, false));
    }
    return;
  }
  const slash = word.text.indexOf('/');
  const portPiece = slash >= 0 ? slicePiece(piece, 0, slash) : piece;
  let protocol: Protocol = 'any';
  if (slash >= 0) {
    const protocolPiece = slicePiece(piece, slash + 1, word.text.length);
    const checked = checkProtocol(protocolPiece, output.problems);
    if (checked === undefined || protocolPiece.text.includes('/')) {
      if (protocolPiece.text.includes('/')) {
        output.problems.push(problem(whole(piece), 'parse-error', `Bad port/protocol "${word.text}"`));
      }
      return;
    }
    protocol = checked;
  }
  const list = parsePortList(portPiece, output.problems, whole(piece));
  emitPorts(list, { ...rule, protocol }, whole(piece), false, output);
}

/** Validates a protocol name; ufw only matches ports with tcp, udp or any. */
function checkProtocol(piece: Piece, problems: ScanProblem[]): Protocol | undefined {
  if (!UFW_PROTOCOLS.has(piece.text)) {
    problems.push(problem(whole(piece), 'unknown-protocol', `ufw does not support protocol "${piece.text}"`));
    return undefined;
  }
  if (!PORT_PROTOCOLS.has(piece.text)) {
    problems.push(problem(whole(piece), 'unknown-protocol', `Protocol "${piece.text}" has no ports; ufw matches ports only with tcp or udp`));
    return undefined;
  }
  return piece.text as Protocol;
}

/** Applies ufw's protocol rules to a port list and records its references. */
function emitPorts(list: PortList, rule: UfwRule, listRange: SourceRange, sourcePort: boolean, output: Output): void {
  let protocol = rule.protocol;
  if (list.serviceProtocol !== undefined) {
    if (protocol === 'any') {
      protocol = list.serviceProtocol;
    } else if (list.serviceProtocol !== 'any' && list.serviceProtocol !== protocol) {
      output.problems.push(problem(listRange, 'protocol-mismatch', `The service is ${list.serviceProtocol} only, but the rule says ${protocol}`));
      return;
    }
  }
  if (list.multi && !MULTIPORT_PROTOCOLS.has(protocol)) {
    output.problems.push(problem(listRange, 'missing-protocol', "ufw needs 'tcp' or 'udp' with a port list or range (proto tcp, or 80,443/tcp)"));
  }
  for (const item of list.items) {
    output.references.push(reference({ ...rule, protocol }, item, sourcePort));
  }
}

/** `ufw allow [proto P] [from X [port P | app A]] [to Y [port P | app A]]`. */
function scanFullForm(argv: ShellWord[], base: Omit<UfwRule, 'source' | 'protocol'>, hasInterface: boolean, commandSpan: SourceRange, output: Output): void {
  const counts = new Map<string, number>();
  for (let k = 1; k < argv.length; k += 2) {
    counts.set(argv[k].text, (counts.get(argv[k].text) ?? 0) + 1);
  }
  const count = (key: string) => counts.get(key) ?? 0;
  if (count('from') === 0 && count('to') === 0 && !hasInterface) {
    output.problems.push(problem(commandSpan, 'parse-error', "Need a 'to' or 'from' clause"));
    return;
  }
  if (count('to') > 1 || count('from') > 1 || count('proto') > 1 || count('port') > 2 || count('app') > 2 || (count('app') > 0 && count('proto') > 0)) {
    output.problems.push(problem(commandSpan, 'parse-error', 'Improper rule syntax: a clause is repeated, or app is combined with proto'));
    return;
  }
  let protocol: Protocol = 'any';
  let source: string | null = null;
  let location: 'src' | 'dst' | undefined;
  const ports: { word: ShellWord; kind: 'port' | 'app'; sourcePort: boolean }[] = [];
  for (let k = 1; k + 1 < argv.length; k += 2) {
    const key = argv[k];
    const value = argv[k + 1];
    if (!FULL_FORM_KEYS.has(key.text)) {
      output.problems.push(problem(wordTextSpan(key), 'parse-error', `Invalid token "${key.text}"`));
      return;
    }
    if (key.text === 'proto') {
      const checked = checkProtocol(wordPiece(value), output.problems);
      if (checked === undefined) {
        return;
      }
      protocol = checked;
    } else if (key.text === 'from') {
      location = 'src';
      source = ANYWHERE.has(value.text.toLowerCase()) ? null : value.text;
    } else if (key.text === 'to') {
      location = 'dst';
    } else if (key.text === 'port' || key.text === 'app') {
      if (!location) {
        output.problems.push(problem(wordTextSpan(key), 'parse-error', `Need 'from' or 'to' before '${key.text}'`));
        return;
      }
      ports.push({ word: value, kind: key.text, sourcePort: location === 'src' });
    }
  }
  const rule: UfwRule = { ...base, source, protocol };
  for (const { word, kind, sourcePort } of ports) {
    const piece = wordPiece(word);
    if (kind === 'app') {
      for (const item of profilePorts(piece, output.problems) ?? []) {
        output.references.push(reference(rule, item, sourcePort));
      }
      continue;
    }
    emitPorts(parsePortList(piece, output.problems), rule, whole(piece), sourcePort, output);
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
  const action = ACTIONS[verb] ?? 'deny';
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
const UFW_RULE_COMMAND = /(?:^|[\s;&|(`/])ufw[ \t]+(?:(?:--dry-run|--force|-f|route|prepend|insert[ \t]+\d+)[ \t]+)*(?:allow|deny|reject|limit)[ \t]/m;

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
        const before = output.references.length;
        scanUfwCommand(args, commandSpan, output);
        if (output.references.length > before && !isDryRun(args)) {
          collectBlocks(output, before, text.slice(commandSpan.start, commandSpan.end));
        }
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
