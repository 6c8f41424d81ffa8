/**
 * firewalld: zone, policy and service XML (firewalld.zone(5), firewalld.policy(5), firewalld.service(5),
 * rich rules per firewalld.richlanguage(5)) and `firewall-cmd` / `firewall-offline-cmd` lines in shell scripts.
 */
import type { FirewallAction, PortReference, ScanProblem, Scanner, SourceRange } from '../types';
import type { FirewallBlock, HostFirewallFacts } from '../wiring/facts';
import { ETC_SERVICES, FIREWALLD_SERVICES } from './namedServices';
import { parsePort, parseProtocol, problem } from './portSyntax';
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

/**
 * firewalld reads a port as a number, a `first-last` range, or a service name from /etc/services.
 * It swaps a reversed range rather than refusing it, so that is a warning, not an error.
 */
function parsePortSpec(value: Value, output: Output): PortSpec | undefined {
  const text = value.text;
  if (text.includes('$')) {
    return { port: null, endPort: null, rawText: text };
  }
  if (DIGITS.test(text)) {
    const parsed = parsePort(text);
    if (!parsed.ok) {
      output.problems.push(problem(value.range, parsed.code, parsed.message));
      return undefined;
    }
    return { port: parsed.value, endPort: parsed.value, portRange: value.range };
  }
  const dash = text.indexOf('-');
  if (dash > 0 && DIGITS.test(text.slice(0, dash)) && DIGITS.test(text.slice(dash + 1))) {
    const first = parsePort(text.slice(0, dash));
    const last = parsePort(text.slice(dash + 1));
    if (!first.ok) {
      output.problems.push(problem(value.locate(0, dash), first.code, first.message));
      return undefined;
    }
    if (!last.ok) {
      output.problems.push(problem(value.locate(dash + 1, text.length), last.code, last.message));
      return undefined;
    }
    if (first.value > last.value) {
      output.problems.push(problem(value.range, 'reversed-range', `Port range ${text} is reversed; firewalld reads it as ${last.value}-${first.value}`, 'warning'));
      return { port: last.value, endPort: first.value, portRange: value.range };
    }
    return { port: first.value, endPort: last.value, portRange: value.range };
  }
  const service = ETC_SERVICES.get(text);
  if (service) {
    return { port: service.port, endPort: service.endPort ?? service.port, name: text };
  }
  output.problems.push(problem(value.range, 'invalid-port', `"${text}" is not a port, a port range or a known service name`));
  return undefined;
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
  const parsed = parseProtocol(protocol.text);
  if (!parsed || protocol.text !== protocol.text.toLowerCase()) {
    output.problems.push(problem(protocol.range, 'unknown-protocol', `firewalld does not know protocol "${protocol.text}" (use tcp, udp, sctp or dccp)`));
    return undefined;
  }
  return parsed;
}

/** `port` and `source-port` elements: one port or range with a protocol. */
function emitPortElement(element: RuleElement, context: RuleContext, output: Output, sourcePort: boolean): void {
  const port = element.attributes.get('port');
  if (!port || port.text === '') {
    output.problems.push(problem(element.range, 'parse-error', `A ${element.name} needs a port`));
    return;
  }
  const protocol = elementProtocol(element, output);
  const spec = parsePortSpec(port, output);
  if (protocol && spec) {
    output.references.push(firewallReference(element.token ?? port.range, spec, protocol, context, sourcePort));
  }
}

/** A service name stands for each of its ports; all of them point at the name. */
function emitService(name: Value, context: RuleContext, output: Output): void {
  const ports = FIREWALLD_SERVICES.get(name.text);
  if (!ports) {
    output.problems.push(problem(name.range, 'unknown-service', `"${name.text}" is not one of firewalld's predefined services; its ports are defined elsewhere`, 'info'));
    return;
  }
  for (const entry of ports) {
    output.references.push(firewallReference(name.range, { port: entry.port, endPort: entry.endPort ?? entry.port, name: name.text }, entry.protocol, context, false));
  }
}

/**
 * A forward port opens `port` and rewrites matching traffic to `to-addr`:`to-port`. Both ends are
 * firewall references; the destination is marked `nat-target`, as the iptables and nftables scanners
 * mark DNAT and redirect targets, with the address in `hostIp`.
 */
function emitForwardPort(element: RuleElement, context: RuleContext, output: Output): void {
  const port = element.attributes.get('port');
  if (!port || port.text === '') {
    output.problems.push(problem(element.range, 'parse-error', 'A forward port needs a port'));
    return;
  }
  const protocol = elementProtocol(element, output);
  const spec = parsePortSpec(port, output);
  const toPort = nonEmpty(element.attributes.get('to-port'));
  const toAddress = nonEmpty(element.attributes.get('to-addr'));
  if (!toPort && !toAddress) {
    output.problems.push(problem(element.range, 'missing-destination', 'A forward port needs to-port, to-addr or both'));
  }
  if (!protocol || !spec) {
    return;
  }
  output.references.push(firewallReference(port.range, spec, protocol, context, false, ['forward-port']));
  // Without to-port the traffic keeps its port; the reference then points at the address.
  const destination = toPort ? parsePortSpec(toPort, output) : toAddress ? spec : undefined;
  if (!destination) {
    return;
  }
  const rewrite: RuleContext = { ...context, action: 'jump', target: 'forward-port' };
  const target = firewallReference((toPort ?? (toAddress as Value)).range, toPort ? destination : { ...destination, portRange: undefined }, protocol, rewrite, false, toPort ? ['forward-port', 'nat-target'] : ['forward-port', 'nat-target', 'implicit-port']);
  output.references.push(toAddress ? { ...target, hostIp: toAddress.text } : target);
}

function nonEmpty(value: Value | undefined): Value | undefined {
  return value !== undefined && value.text !== '' ? value : undefined;
}

// ---------------------------------------------------------------------------------------------
// Rich rules (shared by XML <rule> and --add-rich-rule)
// ---------------------------------------------------------------------------------------------

const ACTIONS: Readonly<Record<string, FirewallAction>> = { accept: 'allow', reject: 'reject', drop: 'deny', mark: 'other' };

function truthy(value: Value | undefined): boolean {
  return value !== undefined && (value.text.toLowerCase() === 'true' || value.text.toLowerCase() === 'yes');
}

/** The source a rule matches, as written: `10.0.0.0/8`, `!10.0.0.0/8` when inverted, `ipset:name`, `mac:...`. */
function ruleSource(elements: readonly RuleElement[]): string | null {
  const source = elements.find((element) => element.name === 'source');
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
  const negated = source.negated || truthy(source.attributes.get('invert'));
  return negated ? `!${written}` : written;
}

/** Emits the ports of one rule: its action (and whether a limit rate-limits it), source, and port elements. */
function emitRule(elements: readonly RuleElement[], scope: string | undefined, output: Output): void {
  let action: FirewallAction = 'other';
  let target: string | undefined;
  for (let index = 0; index < elements.length; index++) {
    const element = elements[index];
    const mapped = ACTIONS[element.name];
    if (mapped !== undefined) {
      action = mapped;
      target = element.name;
      // `accept limit value="..."`: a limit right after accept rate-limits the accepted traffic.
      if (mapped === 'allow' && elements[index + 1]?.name === 'limit') {
        action = 'limit';
      }
    }
  }
  const context: RuleContext = {
    action,
    ...(target !== undefined ? { target } : {}),
    source: ruleSource(elements),
    ...(scope !== undefined ? { scope } : {}),
    flags: ['rich-rule'],
  };
  for (const element of elements) {
    switch (element.name) {
      case 'port':
        emitPortElement(element, context, output, false);
        break;
      case 'source-port':
        emitPortElement(element, context, output, true);
        break;
      case 'service': {
        const name = element.attributes.get('name');
        if (name) {
          emitService(name, context, output);
        }
        break;
      }
      case 'forward-port':
        // A forward port takes no action of its own: firewalld accepts the traffic it forwards.
        emitForwardPort(element, target === undefined ? { ...context, action: 'allow' } : context, output);
        break;
    }
  }
}

const RICH_WORD_END = /[\s=]/;
const WHITESPACE = /\s/;

/**
 * Reads a rich rule (`rule family="ipv4" source address="10.0.0.0/8" port port="22" protocol="tcp" accept`)
 * into elements with attribute spans. Attribute values may be quoted with " or '.
 */
function parseRichRule(rule: Value, output: Output): RuleElement[] {
  const text = rule.text;
  const elements: { name: string; range: SourceRange; attributes: Map<string, Value>; negated: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && WHITESPACE.test(text[i])) {
      i++;
    }
    if (i >= text.length) {
      break;
    }
    const wordStart = i;
    while (i < text.length && !RICH_WORD_END.test(text[i])) {
      i++;
    }
    const word = text.slice(wordStart, i);
    if (text[i] !== '=') {
      const owner = elements[elements.length - 1];
      // `source not address=...`: `not` inverts the element it follows.
      if (word === 'not' && owner) {
        owner.negated = true;
        continue;
      }
      elements.push({ name: word, range: rule.locate(wordStart, i), attributes: new Map(), negated: false });
      continue;
    }
    i++;
    const quote = text[i] === '"' || text[i] === "'" ? text[i] : undefined;
    let valueStart = i;
    let valueEnd: number;
    if (quote) {
      valueStart = i + 1;
      const close = text.indexOf(quote, valueStart);
      if (close < 0) {
        output.problems.push(problem(rule.locate(wordStart, text.length), 'parse-error', `The value of ${word} is never closed`));
        valueEnd = text.length;
        i = text.length;
      } else {
        valueEnd = close;
        i = close + 1;
      }
    } else {
      while (i < text.length && !WHITESPACE.test(text[i])) {
        i++;
      }
      valueEnd = i;
    }
    const owner = elements[elements.length - 1];
    const value = sliceValue(rule, valueStart, valueEnd);
    if (owner) {
      owner.attributes.set(word, value);
    } else {
      output.problems.push(problem(rule.locate(wordStart, valueEnd), 'parse-error', `Attribute ${word} comes before any element`));
    }
  }
  if (elements.length === 0 || elements[0].name !== 'rule') {
    output.problems.push(problem(rule.range, 'parse-error', 'A rich rule starts with "rule"'));
  }
  return elements;
}

// ---------------------------------------------------------------------------------------------
// XML: zones, policies and services
// ---------------------------------------------------------------------------------------------

const BACKSLASHES = /\\/g;
const XML_ROOTS: ReadonlySet<string> = new Set(['zone', 'policy', 'service']);
const SHELL_COMMAND = /(?:^|[\s;&|(`])firewall-(?:offline-)?cmd(?=\s|$)/m;

function xmlElement(tag: XmlTag): RuleElement {
  const attributes = new Map<string, Value>();
  for (const item of tag.attributes) {
    attributes.set(item.name, verbatimValue(item.value, item.valueRange.start));
  }
  return { name: tag.name, range: tag.nameRange, attributes, negated: false };
}

/** The unit's name: firewalld names zones, policies and services after their file. */
function nameFromFile(fileName: string | undefined): string | undefined {
  if (!fileName) {
    return undefined;
  }
  const base = fileName.replace(BACKSLASHES, '/').split('/').pop() ?? '';
  return base.toLowerCase().endsWith('.xml') ? base.slice(0, -4) : base || undefined;
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
  const scope = nameFromFile(fileName);
  const definition = root.name === 'service';
  const topLevel: RuleElement[] = [];
  const rules: RuleElement[][] = [];
  const zoneSources: string[] = [];
  let hasInterfaces = false;
  let depth = 0;
  let currentRule: RuleElement[] | undefined;
  for (const tag of tags) {
    if (tag.kind === 'end') {
      depth = Math.max(0, depth - 1);
      if (tag.name === 'rule' && currentRule) {
        rules.push(currentRule);
        currentRule = undefined;
      }
      continue;
    }
    // depth 1 holds the root's children; a rule's elements sit deeper.
    if (depth === 1 && tag.name === 'rule') {
      currentRule = [{ name: 'rule', range: tag.nameRange, attributes: new Map(), negated: false }];
      if (tag.kind === 'empty') {
        rules.push(currentRule);
        currentRule = undefined;
      }
    } else if (currentRule && depth >= 2) {
      const element = xmlElement(tag);
      currentRule.push({ ...element, negated: truthy(element.attributes.get('invert')) });
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
    if (tag.kind === 'start') {
      depth++;
    }
  }
  if (currentRule) {
    rules.push(currentRule);
  }
  // A zone bound only to sources applies only to traffic from them; with interfaces it takes everything they carry.
  const zoneSource = zoneSources.length > 0 && !hasInterfaces ? zoneSources.join(', ') : null;
  const context: RuleContext = definition
    ? { action: 'other', target: 'service', source: null, ...(scope !== undefined ? { scope } : {}), flags: ['service-definition'] }
    : { action: 'allow', source: zoneSource, ...(scope !== undefined ? { scope } : {}), flags: [] };
  for (const element of topLevel) {
    switch (element.name) {
      case 'port':
        emitPortElement(element, context, output, false);
        break;
      case 'source-port':
        emitPortElement(element, context, output, true);
        break;
      case 'forward-port':
        emitForwardPort(element, context, output);
        break;
      case 'service': {
        const name = element.attributes.get('name');
        if (name && !definition) {
          emitService(name, context, output);
        }
        break;
      }
    }
  }
  const zone = root.name === 'zone';
  if (zone && attribute(root, 'target')?.value !== 'ACCEPT') {
    // A zone drops or rejects whatever it does not allow (targets default, %%REJECT%%, DROP).
    output.defaultDeny = { range: root.range, text: scope !== undefined ? `firewalld zone ${scope}` : 'firewalld zone' };
  }
  for (const rule of rules) {
    const before = output.references.length;
    emitRule(rule, scope, output);
    if (zone) {
      collectBlocks(output, before, describeXmlRule);
    }
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
]);

/** Options that open something in a zone, which then denies everything else. */
const ZONE_OPENINGS: ReadonlySet<string> = new Set(['--add-port', '--add-service', '--add-rich-rule', '--add-forward-port', '--add-source-port']);
/** firewalld's predefined zone that accepts everything. */
const ACCEPTING_ZONE = 'trusted';

interface CommandOption {
  readonly name: string;
  readonly value: Value;
}

/** The command's `--option=value` / `--option value` pairs, in order. */
function commandOptions(args: readonly ShellWord[]): CommandOption[] {
  const options: CommandOption[] = [];
  for (let index = 0; index < args.length; index++) {
    const word = args[index];
    if (!word.text.startsWith('--')) {
      continue;
    }
    const equals = word.text.indexOf('=');
    if (equals > 0) {
      options.push({ name: word.text.slice(0, equals), value: shellValue(word, equals + 1) });
    } else if (VALUED_OPTIONS.has(word.text) && index + 1 < args.length) {
      options.push({ name: word.text, value: shellValue(args[index + 1], 0) });
      index++;
    } else {
      options.push({ name: word.text, value: shellValue(word, word.text.length) });
    }
  }
  return options;
}

/** `8080/tcp` and `1000-2000/udp`: a port element with both parts located in the source. */
function portOptionElement(option: CommandOption, name: string, output: Output): RuleElement | undefined {
  const slash = option.value.text.lastIndexOf('/');
  if (slash < 0) {
    output.problems.push(problem(option.value.range, 'missing-protocol', `${option.name}=${option.value.text}: firewall-cmd needs portid[-portid]/protocol`));
    return undefined;
  }
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
  for (let equals = text.indexOf('='); equals >= 0; equals = text.indexOf('=', i)) {
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
  if (attributes.size === 0) {
    output.problems.push(problem(option.value.range, 'parse-error', 'A forward port is written port=PORT:proto=PROTOCOL[:toport=PORT][:toaddr=ADDRESS]'));
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
  for (const command of splitShellCommands(text)) {
    const args = commandArguments(command.words, FIREWALL_COMMANDS);
    if (!args) {
      continue;
    }
    const options = commandOptions(args);
    const zone = options.find((option) => option.name === '--zone')?.value.text;
    const policy = options.find((option) => option.name === '--policy')?.value.text;
    const service = options.find((option) => option.name === '--service')?.value.text;
    const zoneKey = zone ?? '';
    const commandWord = command.words[command.words.length - args.length - 1];
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

function scanOption(option: CommandOption, context: RuleContext, output: Output): void {
  switch (option.name) {
    case '--add-port': {
      const element = portOptionElement(option, 'port', output);
      if (element) {
        emitPortElement(element, context, output, false);
      }
      break;
    }
    case '--add-source-port': {
      const element = portOptionElement(option, 'source-port', output);
      if (element) {
        emitPortElement(element, context, output, true);
      }
      break;
    }
    case '--add-service':
      emitService(option.value, context, output);
      break;
    case '--add-forward-port': {
      const element = forwardOptionElement(option, output);
      if (element) {
        emitForwardPort(element, context, output);
      }
      break;
    }
    case '--add-rich-rule':
      emitRule(parseRichRule(option.value, output), context.scope, output);
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
