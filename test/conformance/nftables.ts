/**
 * nftables against `nft -c -f`: generated rulesets, valid and broken on purpose, checked by the
 * real parser and evaluator. `--debug=netlink` makes nft print the bytecode it would load, even in
 * check mode, so the tool's own ports are read back from the compiled rules: every port a rule
 * compares, looks up in a set or map, or hands to a NAT statement.
 */
import { randomUUID } from 'node:crypto';
import { unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { ConformanceFormat, LensVerdict, PortKey, RenderedCase, ToolVerdict } from './harness';
import { lensVerdict, runTool } from './harness';

// ---------------------------------------------------------------------------------------------
// Reading the tool's ports back from its bytecode
// ---------------------------------------------------------------------------------------------

const MAX_PORT = 65535;

/** The transport protocols by IP protocol number, as `meta l4proto` compares them. */
const PROTOCOL_NUMBERS: ReadonlyMap<number, string> = new Map([
  [6, 'tcp'],
  [17, 'udp'],
  [33, 'dccp'],
  [132, 'sctp'],
]);

/** A register word as nft prints it holds the port's two network-order bytes first. */
function portOfWord(word: string): number {
  const value = parseInt(word, 16);
  return ((value & 0xff) << 8) | ((value >> 8) & 0xff);
}

interface PrintedSet {
  /** `flags interval`: elements are starts and ends of ranges. */
  readonly interval: boolean;
  readonly elements: { readonly key: readonly string[]; readonly end: boolean }[];
}

/** What a register holds: the IP protocol (at `byte` of what was loaded), a port, a constant, or anything else. */
type Register =
  | { readonly kind: 'l4proto'; readonly byte: number }
  | { readonly kind: 'port' }
  /**
   * Transport header bytes holding a port among other fields: nft merges neighbouring matches
   * into one load (`tcp sport 1 tcp dport 2` is one four-byte comparison, `udp dport 53 udp length 8` another).
   */
  | { readonly kind: 'header'; readonly offset: number; readonly size: number }
  | { readonly kind: 'immediate'; readonly word: string }
  /** `meta nfproto` or the ether type, which say whether an IPv4 or an IPv6 header follows. */
  | { readonly kind: 'network' }
  | { readonly kind: 'other' };

interface Span {
  readonly protocol: string | undefined;
  readonly from: number;
  readonly to: number;
  /** A lookup: the ports are the set's, read once the whole output is. */
  readonly set?: PrintedSet;
}

/** The port ranges a set's printed elements cover; concatenated keys are not ports and give none. */
function setRanges(set: PrintedSet): [number, number][] {
  if (set.elements.some((element) => element.key.length !== 1)) {
    return [];
  }
  if (!set.interval) {
    return set.elements.map((element) => {
      const port = portOfWord(element.key[0]);
      return [port, port];
    });
  }
  // An interval set lists each range as its first port and, flagged as an end, the port after its last.
  const ranges: [number, number][] = [];
  let open: number | undefined;
  for (const element of set.elements) {
    const port = portOfWord(element.key[0]);
    if (element.end) {
      if (open !== undefined && port > open) {
        ranges.push([open, port - 1]);
      }
      open = undefined;
    } else {
      if (open !== undefined) {
        // Back-to-back ranges share their boundary: nft leaves out the end that the next start implies.
        ranges.push([open, Math.max(open, port - 1)]);
      }
      open = port;
    }
  }
  if (open !== undefined) {
    ranges.push([open, MAX_PORT]);
  }
  return ranges;
}

const SET_HEADER = /^(\S+) (\S+) ([0-9a-f]+)(?: size \d+)?$/;
const ELEMENT = /element ((?:[0-9a-f]+ )+) *: (?:([^\t[]+?) )?(\d+) \[end\]/g;
const RULE_HEADER = /^(\S+) (\S+) (\S+)$/;

/**
 * The ports of every rule in `nft --debug=netlink` output: ports compared with `cmp`/`range`,
 * looked up in a set or verdict map, and the ports of NAT statements. A data map (`tcp dport map
 * { 80 : 10.0.0.1 }`) is skipped, as Port Lens does not read its keys.
 */
export function portsFromBytecode(output: string): PortKey[] {
  const lines = output.split('\n');
  const sets = new Map<string, PrintedSet>();
  /** Anonymous sets print just before the rule that uses them, in the order its lookups name them. */
  let anonymous: { name: string; set: PrintedSet }[] = [];
  let currentSet: { name: string; set: { interval: boolean; elements: { key: string[]; end: boolean }[] } } | undefined;
  const spans: Span[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.startsWith('\t')) {
      if (currentSet) {
        for (const match of line.matchAll(ELEMENT)) {
          currentSet.set.elements.push({ key: match[1].trim().split(' '), end: (Number(match[3]) & 1) === 1 });
        }
      }
      continue;
    }
    const next = lines[index + 1] ?? '';
    if (next.startsWith('  [') && RULE_HEADER.test(line)) {
      const body: string[] = [];
      while (lines[index + 1]?.startsWith('  [')) {
        body.push(lines[++index].trim());
      }
      const [family, tableName] = line.split(' ');
      const setNamed = (name: string): PrintedSet | undefined => {
        if (name.startsWith('__')) {
          const position = anonymous.findIndex((candidate) => candidate.name === `${tableName} ${name}`);
          return position < 0 ? undefined : anonymous.splice(position, 1)[0].set;
        }
        return sets.get(`${tableName} ${name}`);
      };
      for (const span of ruleSpans(body, family, setNamed)) {
        spans.push(span);
      }
      anonymous = [];
      currentSet = undefined;
      continue;
    }
    const header = SET_HEADER.exec(line);
    if (header && !line.includes('(null)')) {
      const key = `${header[2]} ${header[1]}`;
      if (currentSet?.name === key && currentSet.set.elements.length === 0) {
        continue; // nft prints a set's header twice; the first carries its flags
      }
      const isAnonymous = header[1].startsWith('__');
      const existing = isAnonymous ? undefined : sets.get(key);
      const set = existing ? (existing as { interval: boolean; elements: { key: string[]; end: boolean }[] }) : { interval: (parseInt(header[3], 16) & 4) !== 0, elements: [] };
      if (isAnonymous) {
        anonymous.push({ name: key, set });
      } else {
        sets.set(key, set);
      }
      currentSet = { name: key, set };
      continue;
    }
    currentSet = undefined;
  }
  return spans.flatMap((span) => (span.set ? setRanges(span.set).map(([from, to]) => portKeyOf({ protocol: span.protocol, from, to })) : [portKeyOf(span)]));
}

function portKeyOf(span: Span): PortKey {
  const protocol = span.protocol ?? 'any';
  return span.from === span.to ? `${protocol}/${span.from}` : `${protocol}/${span.from}-${span.to}`;
}

const LOAD = /^\[ (?:meta load (\S+)|payload load (\d+)b @ (\w+) header \+ (\d+)|\w+ load .*?) => reg (\d+) \]$/;
const IMMEDIATE = /^\[ immediate reg (\d+) (0x[0-9a-f]+)(?: 0x[0-9a-f]+)* \]$/;
const CMP = /^\[ cmp (eq|neq|lt|lte|gt|gte) reg (\d+) 0x([0-9a-f]+) \]$/;
const RANGE = /^\[ range (eq|neq) reg (\d+) 0x([0-9a-f]+) 0x([0-9a-f]+) \]$/;
const LOOKUP = /^\[ lookup reg (\d+) set (\S+)(?: dreg (\d+))?/;
const WRITES_REGISTER = /^\[ \w+ reg (\d+) = |=> reg (\d+) \]$/;
const NAT = /^\[ (?:nat \w+|redir|masq) .*?proto_min reg (\d+)(?: proto_max reg (\d+))?/;

/**
 * Where a load from the network header holds the IP protocol: byte 9 of an IPv4 header, byte 6 of
 * an IPv6 one. nft merges neighbouring matches into one load (`ip ttl 64 ip protocol tcp` loads
 * bytes 8 and 9 together), so the protocol may be either byte of a two-byte load.
 */
function protocolByte(network: string | undefined, size: number, offset: number): number | undefined {
  const at = network === 'ip6' ? 6 : network === 'ip' ? 9 : undefined;
  if (at === undefined || size > 2 || offset > at || at >= offset + size) {
    return undefined;
  }
  return at - offset;
}

/**
 * One rule's ports. The protocol is the `meta l4proto` a port follows, or else the one the rule
 * names later. A set is read when the whole output is: `add element` may fill it after the rule.
 */
function ruleSpans(body: readonly string[], family: string, setNamed: (name: string) => PrintedSet | undefined): Span[] {
  const registers = new Map<number, Register>();
  const found: { from: number; to: number; protocolBefore: string | undefined; set?: PrintedSet }[] = [];
  let protocol: string | undefined;
  let firstProtocol: string | undefined;
  /** The network protocol: the family's, or what `meta nfproto` (inet) or the ether type (bridge, netdev) compares with. */
  let network: string | undefined = family === 'ip' || family === 'ip6' ? family : undefined;
  /** The rule matches a protocol without ports (esp, icmp …), whose header bytes are no ports. */
  let portless = false;
  const add = (from: number, to: number) => {
    if (from <= to) {
      found.push({ from, to, protocolBefore: protocol });
    }
  };
  for (let index = 0; index < body.length; index++) {
    const expression = body[index];
    const load = LOAD.exec(expression);
    if (load) {
      const register = Number(load[5]);
      const byte = load[1] === 'l4proto' ? 0 : load[3] === 'network' ? protocolByte(network, Number(load[2]), Number(load[4])) : undefined;
      if (load[1] === 'nfproto' || (load[2] === '2' && load[3] === 'link' && load[4] === '12')) {
        registers.set(register, { kind: 'network' });
        continue;
      }
      const size = Number(load[2]);
      const offset = Number(load[4]);
      const isPort = size === 2 && load[3] === 'transport' && (offset === 0 || offset === 2);
      const holdsPort = load[3] === 'transport' && size <= 4 && offset <= 2 && [0, 2].some((at) => offset <= at && at + 2 <= offset + size);
      registers.set(register, byte !== undefined ? { kind: 'l4proto', byte } : isPort ? { kind: 'port' } : holdsPort ? { kind: 'header', offset, size } : { kind: 'other' });
      continue;
    }
    const immediate = IMMEDIATE.exec(expression);
    if (immediate) {
      registers.set(Number(immediate[1]), { kind: 'immediate', word: immediate[2].slice(2) });
      continue;
    }
    const written = WRITES_REGISTER.exec(expression);
    if (written) {
      registers.set(Number(written[1] ?? written[2]), { kind: 'other' }); // numgen, hash, fib, a data map's result …
    }
    const cmp = CMP.exec(expression);
    if (cmp) {
      const register = registers.get(Number(cmp[2]));
      const kind = register?.kind;
      if (kind === 'network' && cmp[1] === 'eq') {
        const value = parseInt(cmp[3], 16);
        network = value === 2 || value === 0x0008 ? 'ip' : value === 10 || value === 0xdd86 ? 'ip6' : network;
      } else if (register?.kind === 'l4proto' && cmp[1] === 'eq') {
        const number = (parseInt(cmp[3], 16) >> (8 * register.byte)) & 0xff;
        protocol = PROTOCOL_NUMBERS.get(number) ?? 'any';
        portless = !PROTOCOL_NUMBERS.has(number);
        firstProtocol ??= protocol;
      } else if (register?.kind === 'header' && (cmp[1] === 'eq' || cmp[1] === 'neq') && !portless) {
        const word = parseInt(cmp[3], 16);
        for (const at of [0, 2]) {
          if (register.offset <= at && at + 2 <= register.offset + register.size) {
            const shift = 8 * (at - register.offset);
            const port = (((word >>> shift) & 0xff) << 8) | ((word >>> (shift + 8)) & 0xff);
            add(port, port);
          }
        }
      } else if (kind === 'port' && !portless) {
        const port = portOfWord(cmp[3]);
        const following = CMP.exec(body[index + 1] ?? '');
        if (cmp[1] === 'gte' && following && following[1] === 'lte' && following[2] === cmp[2]) {
          add(port, portOfWord(following[3]));
          index++;
        } else if (cmp[1] === 'eq' || cmp[1] === 'neq') {
          add(port, port);
        } else if (cmp[1] === 'lt') {
          add(0, port - 1);
        } else if (cmp[1] === 'lte') {
          add(0, port);
        } else if (cmp[1] === 'gt') {
          add(port + 1, MAX_PORT);
        } else {
          add(port, MAX_PORT);
        }
      }
      continue;
    }
    const range = RANGE.exec(expression);
    if (range && registers.get(Number(range[2]))?.kind === 'port') {
      add(portOfWord(range[3]), portOfWord(range[4]));
      continue;
    }
    const lookup = LOOKUP.exec(expression);
    if (lookup) {
      const kind = registers.get(Number(lookup[1]))?.kind;
      const set = setNamed(lookup[2]); // every lookup takes its anonymous set, whatever it compares
      if (kind === 'l4proto') {
        protocol = 'any';
        firstProtocol ??= protocol;
      } else if (kind === 'port' && (lookup[3] === undefined || lookup[3] === '0') && set) {
        found.push({ from: 0, to: 0, protocolBefore: protocol, set });
      }
      continue;
    }
    const nat = NAT.exec(expression);
    if (nat) {
      const first = registers.get(Number(nat[1]));
      const last = nat[2] === undefined ? first : registers.get(Number(nat[2]));
      if (first?.kind === 'immediate' && last?.kind === 'immediate') {
        add(portOfWord(first.word), portOfWord(last.word));
      }
    }
  }
  return found.map((span) => ({ protocol: span.protocolBefore ?? firstProtocol, from: span.from, to: span.to, ...(span.set ? { set: span.set } : {}) }));
}

/**
 * Ports as the set of (protocol, port) pairs they cover, merged into ranges: nft merges adjacent
 * and overlapping set elements (`{ 80, 81-90 }` is stored as 80-90), which changes the spelling
 * of the ports but not which ports a ruleset names.
 */
export function coveredPorts(keys: readonly PortKey[]): PortKey[] {
  const byProtocol = new Map<string, [number, number][]>();
  for (const key of keys) {
    const slash = key.indexOf('/');
    const protocol = key.slice(0, slash);
    const [from, to = from] = key
      .slice(slash + 1)
      .split('-')
      .map(Number);
    const ranges = byProtocol.get(protocol) ?? [];
    ranges.push([from, to]);
    byProtocol.set(protocol, ranges);
  }
  const merged: PortKey[] = [];
  for (const [protocol, ranges] of byProtocol) {
    ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let current: [number, number] | undefined;
    for (const range of ranges) {
      if (current && range[0] <= current[1] + 1) {
        current[1] = Math.max(current[1], range[1]);
      } else {
        if (current) {
          merged.push(current[0] === current[1] ? `${protocol}/${current[0]}` : `${protocol}/${current[0]}-${current[1]}`);
        }
        current = [range[0], range[1]];
      }
    }
    if (current) {
      merged.push(current[0] === current[1] ? `${protocol}/${current[0]}` : `${protocol}/${current[0]}-${current[1]}`);
    }
  }
  return merged.sort();
}

async function askNft(rendered: RenderedCase): Promise<ToolVerdict> {
  const file = path.join(tmpdir(), `port-lens-nft-${randomUUID()}.nft`);
  await writeFile(file, rendered.text);
  try {
    const run = await runTool('nft', ['-c', '--debug=netlink', '-f', file]);
    const errors = run.stderr
      .split('\n')
      .filter((line) => line.includes('Error:'))
      .map((line) => line.slice(line.indexOf('Error:')));
    if (run.status === 0 && errors.length === 0) {
      return { accepted: true, ports: coveredPorts(portsFromBytecode(run.stdout)) };
    }
    return { accepted: false, message: errors.join('\n') || run.stderr.trim() || `exit ${run.status}` };
  } finally {
    await unlink(file).catch(() => undefined);
  }
}

function lens(rendered: RenderedCase): LensVerdict {
  const verdict = lensVerdict(rendered);
  return { ...verdict, ports: coveredPorts(verdict.ports) };
}

// ---------------------------------------------------------------------------------------------
// Generating rulesets
// ---------------------------------------------------------------------------------------------

type Draw = fc.GeneratorValue;

/** fast-check leans towards small integers by default, which would make every rare choice common. */
function unbiasedInteger(min: number, max: number): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min, max }));
}

function between(g: Draw, min: number, max: number): number {
  return g(unbiasedInteger, min, max);
}

function pick<T>(g: Draw, items: readonly T[]): T {
  return items[between(g, 0, items.length - 1)];
}

function chance(g: Draw, probability: number): boolean {
  return between(g, 0, 9999) < probability * 10000;
}

/**
 * The ways a ruleset is broken on purpose. A ruleset carries at most one, placed at a random spot
 * where it fits, so that each refusal has one cause and the whole grammar gets its share.
 */
const FLAW_KINDS = [
  // ports
  'port-number',
  'reversed-range',
  'service-name',
  'set-syntax',
  'comparison-range',
  'port-list',
  'missing-value',
  'field-typo',
  'conflicting-protocols',
  'undefined-set',
  'wrong-set-type',
  'undefined-variable',
  'define-syntax',
  'interval-flag',
  'interval-overlap',
  'vmap-verdict',
  'vmap-overlap',
  'nat-transport',
  'nat-family',
  'nat-port',
  'nat-syntax',
  'arp-port',
  // structure
  'keyword-typo',
  'missing-brace',
  'extra-brace',
  'missing-separator',
  'rule-outside-chain',
  'chain-spec',
  'policy',
  'verdict',
  'comment-position',
  'junk-word',
  'side-statement',
  'other-match',
  'table-header',
  'datatype',
  'undefined-chain',
  'missing-key',
] as const;

type FlawKind = (typeof FLAW_KINDS)[number];

/** The share of rulesets that get a flaw; a flaw that finds no spot leaves its ruleset valid. */
const FLAWED_SHARE = 0.7;

class Flaws {
  used = false;
  constructor(
    private readonly g: Draw,
    readonly kind: FlawKind | undefined,
  ) {}

  /** True once, at one of the spots that ask for the ruleset's flaw. */
  here(kind: FlawKind, probability = 0.5): boolean {
    if (this.used || this.kind !== kind || !chance(this.g, probability)) {
      return false;
    }
    this.used = true;
    return true;
  }

  wants(kind: FlawKind): boolean {
    return !this.used && this.kind === kind;
  }
}

const COMMON_PORTS = [0, 1, 21, 22, 25, 53, 67, 80, 110, 123, 143, 443, 587, 993, 1024, 1194, 3306, 5432, 8080, 8443, 51820, 65535];
/** Names a stock Debian /etc/services lists (tcp and udp, udp only, sctp only, aliases, hyphens), with their ports. */
const SERVICE_PORTS: ReadonlyMap<string, number> = new Map([
  ['ssh', 22],
  ['http', 80],
  ['https', 443],
  ['domain', 53],
  ['ntp', 123],
  ['smtp', 25],
  ['www', 80],
  ['http-alt', 8080],
  ['imaps', 993],
  ['syslog', 514],
  ['bootps', 67],
  ['snmp', 161],
  ['amqp', 5672],
  ['postgresql', 5432],
  ['mysql', 3306],
  ['openvpn', 1194],
  ['kerberos', 88],
  ['krb5', 88],
  ['sip-tls', 5061],
  ['ftp-data', 20],
  ['echo', 7],
]);
const SERVICE_NAMES = [...SERVICE_PORTS.keys()];
/** Names nft cannot resolve on a stock Debian host: AppleTalk-only names, nft keywords, IANA-only names, wrong case, typos, ranges of names. */
const BAD_SERVICE_NAMES = ['rtmp', 'nbp', 'time', 'tproxy', 'mongodb', 'irc', 'SSH', 'Http', 'sshd', 'htpp', 'my-daemon', 'ssh-http', 'ftp-ssh', 'http.x', 'web_ui', 'ssh-22'];
const BAD_NUMBERS = ['65536', '70000', '99999', '123456', '0x10000', '0200000', '99999999999999999999999', '-1', '22a', '1e3', '22:80', '1_000', '0x', '22.5', '8o80', '+22', '0x1g'];

/** A port value with the ports it stands for, so that sets can be kept free of overlaps. */
interface PortText {
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

function spell(g: Draw, port: number): string {
  const spelling = between(g, 0, 19);
  if (spelling === 0) {
    return `0x${port.toString(16)}`;
  }
  if (spelling === 1 && port > 0 && !/[89]/.test(port.toString(8)) && port.toString(8) !== String(port)) {
    return `0${port.toString(8)}`; // octal
  }
  if (spelling === 2 && port > 0) {
    return `0${port}`; // a leading zero that is not octal is read as decimal
  }
  if (spelling === 3) {
    return `"${port}"`;
  }
  return String(port);
}

function somePort(g: Draw): number {
  return chance(g, 0.6) ? pick(g, COMMON_PORTS) : between(g, 0, MAX_PORT);
}

function singlePort(g: Draw, flaws: Flaws): PortText {
  if (flaws.here('port-number', 0.3)) {
    return { text: pick(g, BAD_NUMBERS), from: 0, to: 0 };
  }
  if (chance(g, 0.2)) {
    const name = pick(g, SERVICE_NAMES);
    if (flaws.here('service-name', 0.5)) {
      return { text: pick(g, BAD_SERVICE_NAMES), from: 0, to: 0 };
    }
    return { text: chance(g, 0.1) ? `"${name}"` : name, from: SERVICE_PORTS.get(name) as number, to: SERVICE_PORTS.get(name) as number };
  }
  const port = somePort(g);
  return { text: spell(g, port), from: port, to: port };
}

function portRange(g: Draw, flaws: Flaws): PortText {
  const low = chance(g, 0.5) ? pick(g, COMMON_PORTS.slice(0, -1)) : between(g, 0, MAX_PORT - 1);
  const high = chance(g, 0.2) ? MAX_PORT : Math.min(MAX_PORT, low + between(g, 1, 3000));
  if (flaws.here('reversed-range', 0.4)) {
    return { text: `${high}-${low}`, from: 0, to: 0 };
  }
  if (flaws.here('port-number', 0.2)) {
    return { text: `${low}-${pick(g, ['65536', '70000', '0x10000', 'x'])}`, from: 0, to: 0 };
  }
  const form = between(g, 0, 9);
  if (form === 0) {
    return { text: `${low} - ${high}`, from: low, to: high };
  }
  if (form === 1 && low <= 20) {
    const name = pick(g, SERVICE_NAMES);
    return { text: `${low}-${name}`, from: low, to: SERVICE_PORTS.get(name) as number };
  }
  if (form === 2) {
    return { text: `0x${low.toString(16)}-0x${high.toString(16)}`, from: low, to: high };
  }
  return { text: `${low}-${high}`, from: low, to: high };
}

function portValue(g: Draw, flaws: Flaws, ranges = true): PortText {
  return ranges && chance(g, 0.3) ? portRange(g, flaws) : singlePort(g, flaws);
}

/** Elements that do not overlap, in the order written; nft refuses overlaps in interval sets and verdict maps. */
function disjoint(g: Draw, flaws: Flaws, count: number, ranges: boolean): PortText[] {
  const chosen: PortText[] = [];
  for (let k = 0; k < count * 3 && chosen.length < count; k++) {
    const value = portValue(g, flaws, ranges);
    if (value.from <= value.to && !chosen.some((other) => value.from <= other.to && other.from <= value.to)) {
      chosen.push(value);
    }
  }
  if (chosen.length > 0 && flaws.here('interval-overlap', 0.6) && ranges) {
    const first = chosen[0];
    chosen.push({ text: String(first.from === first.to ? first.from : first.from + 1) + (first.from === first.to ? `-${Math.min(MAX_PORT, first.from + 5)}` : ''), from: 0, to: 0 });
  }
  return chosen;
}

function braces(g: Draw, flaws: Flaws, elements: readonly string[]): string {
  if (flaws.here('set-syntax', 0.4)) {
    switch (between(g, 0, 2)) {
      case 0:
        return `{ ${elements.join(' ')}${elements.length === 1 ? ' 80' : ''} }`; // a missing comma
      case 1:
        return '{ }';
      default:
        return `{ ${elements.join(', ')}`; // never closed
    }
  }
  const separator = chance(g, 0.15) ? ',\n      ' : chance(g, 0.2) ? ',' : ', ';
  const trailing = chance(g, 0.1) ? ',' : '';
  const body = `${elements.join(separator)}${trailing}`;
  return chance(g, 0.15) ? `{${body}}` : `{ ${body} }`;
}

/** An anonymous set of ports; overlaps are fine there, as nft merges them. */
function portSet(g: Draw, flaws: Flaws, ranges = true): string {
  const count = between(g, 1, 4);
  const elements: string[] = [];
  for (let k = 0; k < count; k++) {
    elements.push(portValue(g, flaws, ranges).text);
  }
  return braces(g, flaws, elements);
}

interface Scope {
  readonly family: string;
  readonly portSets: readonly string[];
  readonly addressSets: readonly string[];
  readonly verdictMaps: readonly string[];
  readonly defines: readonly string[];
  /** Regular chains later in the table, which rules may jump to. */
  readonly jumpTargets: readonly string[];
  /** Base chains of the table, which no rule may jump to. */
  readonly baseChains: readonly string[];
  readonly hook?: string;
  readonly nat: boolean;
}

const OPERATORS = ['', '', '', '', '', '', '==', '!=', 'eq', 'ne'];
const COMPARISONS = ['<', '>', '<=', '>=', 'lt', 'gt', 'le', 'ge'];

/** `tcp dport 22`, `udp sport { 53, 123 }`, `tcp dport != @web`, `th dport $PORTS`, `tcp dport < 1024`. */
function portMatch(g: Draw, flaws: Flaws, scope: Scope, protocol: string): { text: string; vmap: boolean } {
  const direction = chance(g, 0.85) ? 'dport' : 'sport';
  const head = `${protocol} ${flaws.here('field-typo', 0.5) ? pick(g, ['dprot', 'port', 'dports', 'destport', 'sports']) : direction}`;
  if (flaws.here('missing-value', 0.3)) {
    return { text: head, vmap: false };
  }
  if (flaws.here('port-list', 0.4)) {
    return { text: `${head} ${somePort(g)},${somePort(g)}`, vmap: false };
  }
  const kind = between(g, 0, 19);
  if (kind <= 7) {
    const operator = pick(g, OPERATORS);
    const value = portValue(g, flaws).text;
    if (operator === '!=' && chance(g, 0.3)) {
      return { text: `${head} !=${value}`, vmap: false };
    }
    return { text: `${head}${operator ? ` ${operator}` : ''} ${value}`, vmap: false };
  }
  if (kind <= 11) {
    return { text: `${head}${chance(g, 0.2) ? ' !=' : ''} ${portSet(g, flaws)}`, vmap: false };
  }
  if (kind <= 13) {
    const value = flaws.here('comparison-range', 0.6) ? `${between(g, 1, 1000)}-${between(g, 1001, 3000)}` : chance(g, 0.1) ? '{ 1024 }' : singlePort(g, flaws).text;
    return { text: `${head} ${pick(g, COMPARISONS)} ${value}`, vmap: false };
  }
  if (kind <= 15) {
    if (flaws.here('undefined-set', 0.5)) {
      return { text: `${head} @nosuchset`, vmap: false };
    }
    if (scope.addressSets.length > 0 && flaws.here('wrong-set-type', 0.5)) {
      return { text: `${head} @${pick(g, scope.addressSets)}`, vmap: false };
    }
    if (scope.portSets.length > 0) {
      return { text: `${head}${chance(g, 0.15) ? ' !=' : ''} @${pick(g, scope.portSets)}`, vmap: false };
    }
  }
  if (kind <= 17) {
    if (flaws.here('undefined-variable', 0.5)) {
      return { text: `${head} $UNDEFINED_PORTS`, vmap: false };
    }
    if (scope.defines.length > 0) {
      const name = pick(g, scope.defines);
      return { text: chance(g, 0.25) ? `${head} { $${name}, ${singlePort(g, flaws).text} }` : `${head} $${name}`, vmap: false };
    }
  }
  return { text: `${head} vmap ${verdictMapValue(g, flaws, scope)}`, vmap: true };
}

function verdictMapValue(g: Draw, flaws: Flaws, scope: Scope): string {
  if (scope.portSets.length > 0 && flaws.here('wrong-set-type', 0.5)) {
    return `@${pick(g, scope.portSets)}`;
  }
  if (scope.verdictMaps.length > 0 && chance(g, 0.4)) {
    return `@${pick(g, scope.verdictMaps)}`;
  }
  const keys = disjoint(g, flaws, between(g, 1, 3), true);
  if (keys.length > 0 && flaws.here('vmap-overlap', 0.7)) {
    keys.push(keys[0]);
  }
  const elements = keys.map((key) => `${key.text}${pick(g, [' : ', ': ', ':'])}${flaws.here('vmap-verdict', 0.5) ? pick(g, ['acept', 'reject', 'jump', 'drop drop']) : mapVerdict(g, scope)}`);
  return `{ ${elements.join(', ')} }`;
}

function mapVerdict(g: Draw, scope: Scope): string {
  const roll = between(g, 0, 9);
  if (roll <= 3) {
    return 'accept';
  }
  if (roll <= 6) {
    return 'drop';
  }
  if (roll <= 8 && scope.jumpTargets.length > 0) {
    return `${pick(g, ['jump', 'goto'])} ${pick(g, scope.jumpTargets)}`;
  }
  return pick(g, ['return', 'continue']);
}

const IPV4_SOURCES = ['10.0.0.0/8', '192.168.1.0/24', '172.16.0.1', '0.0.0.0/0', '{ 10.0.0.1, 10.0.0.2 }', '!= 192.168.0.0/16', '10.0.0.1-10.0.0.9'];
const IPV6_SOURCES = ['fe80::/10', '::1', '2001:db8::/32', '::/0'];

/** Matches without ports that fit the rule's protocol and the table's family. */
function otherMatch(g: Draw, flaws: Flaws, scope: Scope, protocol: string | undefined): string | undefined {
  if (flaws.here('other-match', 0.3)) {
    return pick(g, ['ct stat established', 'ct state establshed', 'ct state', 'iffname "lo"', 'ip sadr 10.0.0.1', 'ip saddr 10.0.0.0/33', 'ip6 saddr fe80::/129', 'meta l4proto tcpp', 'meta l4prot tcp', 'iifname', 'meta l4proto 256']);
  }
  const ipFamilies = ['ip', 'inet', 'bridge', 'netdev'];
  const ip6Families = ['ip6', 'inet', 'bridge', 'netdev'];
  const choices: string[] = [];
  if (ipFamilies.includes(scope.family)) {
    choices.push(`ip ${pick(g, ['saddr', 'daddr'])} ${scope.addressSets.length > 0 && chance(g, 0.3) ? `@${pick(g, scope.addressSets)}` : pick(g, IPV4_SOURCES)}`);
  }
  if (ip6Families.includes(scope.family)) {
    choices.push(`ip6 saddr ${pick(g, IPV6_SOURCES)}`);
  }
  if (['ip', 'ip6', 'inet'].includes(scope.family)) {
    choices.push(`ct state ${pick(g, ['established,related', 'new', 'invalid', '{ established, related }', 'established', '!= invalid'])}`);
  }
  choices.push(`${pick(g, ['iifname', 'oifname'])} ${pick(g, ['"lo"', '"eth0"', 'lo', '"wg*"', '{ "lo", "eth0" }'])}`);
  choices.push(`meta mark ${pick(g, ['1', '0x10', '!= 0'])}`);
  if (protocol === 'tcp') {
    choices.push(pick(g, ['tcp flags syn', 'tcp flags & (syn|ack) == syn', 'tcp flags syn / syn,ack', 'tcp flags { syn, ack }', 'tcp flags != fin', 'tcp flags > urg']));
  }
  if (protocol === undefined && scope.family !== 'arp') {
    choices.push(pick(g, ['icmp type echo-request', 'meta l4proto icmp', 'meta l4proto { tcp, udp }']));
  }
  if (scope.family === 'ip' || scope.family === 'inet') {
    choices.push('ip ttl 64');
  }
  return pick(g, choices);
}

/** A match naming the rule's transport protocol, which `th` ports and NAT ports rely on. */
function protocolMatch(g: Draw, scope: Scope, protocol: string): string {
  if (protocol === 'th') {
    return `meta l4proto ${pick(g, ['{ tcp, udp }', 'udp', 'tcp', '6', 'TCP'])}`;
  }
  const forms = [`meta l4proto ${protocol}`];
  if (scope.family === 'ip' || scope.family === 'inet') {
    forms.push(`ip protocol ${protocol}`);
  }
  if (scope.family === 'ip6') {
    forms.push(`ip6 nexthdr ${protocol}`);
  }
  return pick(g, forms);
}

/** Statements that neither match nor decide. */
function sideStatement(g: Draw, flaws: Flaws): string {
  if (flaws.here('side-statement', 0.5)) {
    return pick(g, ['conter', 'log prefix', 'limit rate', 'counter packets', 'log level infox', 'limit rate 10/sec', 'limit']);
  }
  return pick(g, ['counter', 'log', 'log prefix "port: "', 'log prefix "in " level info', 'limit rate 10/second', 'counter packets 0 bytes 0', 'limit rate over 100/minute burst 5 packets', 'log prefix port- level warn']);
}

function verdict(g: Draw, flaws: Flaws, scope: Scope, protocol: string | undefined): string {
  if (flaws.here('verdict', 0.4)) {
    const choices = ['acept', 'dorp', 'accept accept', 'drop accept', 'accept counter', 'jump', 'goto nosuchchain', 'reject with tcp rst', 'jump nosuchchain'];
    if (scope.baseChains.length > 0) {
      choices.push(`jump ${pick(g, scope.baseChains)}`);
    }
    return pick(g, choices);
  }
  const roll = between(g, 0, 9);
  if (roll <= 3) {
    return 'accept';
  }
  if (roll <= 6) {
    return 'drop';
  }
  if (roll === 7 && scope.jumpTargets.length > 0) {
    return `${pick(g, ['jump', 'goto'])} ${pick(g, scope.jumpTargets)}`;
  }
  if (roll === 8 && ['ip', 'ip6', 'inet'].includes(scope.family)) {
    const forms = ['reject'];
    if (protocol === 'tcp') {
      forms.push('reject with tcp reset');
    }
    if (scope.family === 'inet') {
      forms.push('reject with icmpx admin-prohibited', 'reject with icmpx port-unreachable');
    }
    if (scope.family === 'ip') {
      forms.push('reject with icmp host-unreachable', 'reject with icmp type port-unreachable');
    }
    if (scope.family === 'ip6') {
      forms.push('reject with icmpv6 admin-prohibited');
    }
    return pick(g, forms);
  }
  return pick(g, ['return', 'continue', 'accept']);
}

/** A NAT statement that fits the chain's hook, the table's family and the rule's protocol match. */
function natStatement(g: Draw, flaws: Flaws, scope: Scope, hasTransport: boolean): string {
  const destination = scope.hook === 'prerouting' || scope.hook === 'output';
  const v6 = scope.family === 'ip6' || (scope.family === 'inet' && chance(g, 0.3));
  const familyWord = scope.family === 'inet' && !flaws.here('nat-family', 0.5) ? (v6 ? 'ip6 ' : 'ip ') : '';
  const bareAddress = v6 ? 'fd00::2' : pick(g, ['10.0.0.2', '192.168.1.10']);
  let address = v6 ? '[fd00::2]' : bareAddress;
  if (flaws.here('nat-family', 0.3)) {
    address = v6 ? '10.0.0.2' : '[fd00::2]';
  }
  const withPort = hasTransport ? chance(g, 0.7) : flaws.here('nat-transport', 0.8);
  let port = portValue(g, flaws).text.replace(/^"(.*)"$/, '$1');
  if (flaws.here('nat-port', 0.5)) {
    port = pick(g, ['70000', 'nosuchname', '90-80', '0x10000']);
  }
  if (destination) {
    if (flaws.here('nat-syntax', 0.5)) {
      return pick(g, [`redirect to ${bareAddress}:80`, `dnat ${familyWord || 'ip '}to :80`, 'dnat', `dnat ${familyWord}${bareAddress}`, `dnat ${familyWord}to ${address}:`]);
    }
    if (chance(g, 0.5)) {
      return withPort ? `redirect to ${chance(g, 0.8) ? ':' : ''}${port}` : 'redirect';
    }
    if (!withPort) {
      return `dnat ${familyWord}to ${v6 ? bareAddress : address}`;
    }
    if (scope.family === 'ip' && chance(g, 0.15)) {
      return `dnat ${address}:${port}`; // without `to`, which nft allows when no family is named
    }
    if (familyWord && chance(g, 0.1) && /^[0-9]+$/.test(port)) {
      return `dnat ${familyWord}addr . port to ${v6 ? bareAddress : address} . ${port}`;
    }
    return chance(g, 0.1) && !v6 ? `dnat ${familyWord}to ${address} : ${port}` : `dnat ${familyWord}to ${address}:${port}`;
  }
  if (chance(g, 0.5)) {
    return withPort ? `masquerade to :${port}${chance(g, 0.2) ? ' random' : ''}` : `masquerade${chance(g, 0.2) ? ' fully-random' : ''}`;
  }
  return withPort ? `snat ${familyWord}to ${address}:${port}` : `snat ${familyWord}to ${v6 ? bareAddress : address}`;
}

const PROTOCOLS = ['tcp', 'tcp', 'tcp', 'udp', 'udp', 'sctp', 'dccp', 'th'];
const JUNK = ['tpc dport 22', 'prot 22', 'dport 22', '22', 'allow', 'tcp', 'ssh'];

/** One rule: matches, then statements, then a verdict or NAT, then perhaps a comment. */
function rule(g: Draw, flaws: Flaws, scope: Scope): string {
  const parts: string[] = [];
  const arpPorts = scope.family === 'arp' && !flaws.here('arp-port', 0.9);
  const protocol = arpPorts ? 'th' : pick(g, PROTOCOLS);
  const matches = chance(g, 0.85) ? between(g, 1, 2) : 0;
  const namesProtocol = matches > 0 && (protocol === 'th' ? chance(g, 0.6) : chance(g, 0.15)) && scope.family !== 'arp';
  if (namesProtocol) {
    parts.push(protocolMatch(g, scope, protocol));
  }
  if (chance(g, 0.25)) {
    const other = otherMatch(g, flaws, scope, matches > 0 ? protocol : undefined);
    if (other) {
      parts.push(other);
    }
  }
  let vmap = false;
  for (let k = 0; k < matches; k++) {
    let matchProtocol = protocol;
    if (k > 0 && flaws.here('conflicting-protocols', 0.7)) {
      matchProtocol = pick(g, ['tcp', 'udp', 'sctp', 'dccp'].filter((candidate) => candidate !== protocol));
    }
    const match = portMatch(g, flaws, scope, matchProtocol);
    vmap ||= match.vmap;
    parts.push(match.text);
  }
  if (matches === 0 && flaws.here('conflicting-protocols', 0.5) && scope.family !== 'arp') {
    parts.push('meta l4proto udp', 'tcp dport 22');
  }
  if (chance(g, 0.3)) {
    parts.push(sideStatement(g, flaws));
  }
  const hasTransport = (matches > 0 && protocol !== 'th') || namesProtocol;
  if (scope.nat && chance(g, 0.8)) {
    parts.push(natStatement(g, flaws, scope, hasTransport));
  } else if (!vmap) {
    parts.push(verdict(g, flaws, scope, matches > 0 ? protocol : undefined));
  }
  if (chance(g, 0.15)) {
    const comment = `comment "${pick(g, ['ssh', 'web ports', 'allow 22', '', 'a # not a comment'])}"`;
    if (parts.length > 1 && flaws.here('comment-position', 0.8)) {
      parts.splice(parts.length - 1, 0, comment);
    } else {
      parts.push(comment);
    }
  }
  if (flaws.here('junk-word', 0.3)) {
    parts.splice(between(g, 0, parts.length), 0, pick(g, JUNK));
  }
  if (flaws.here('keyword-typo', 0.15)) {
    const typos: Record<string, string> = { accept: 'acept', drop: 'dorp', counter: 'conter', dport: 'dprot', state: 'stat', log: 'lgo', comment: 'coment', tcp: 'tpc', udp: 'upd', meta: 'mtea' };
    const index = parts.findIndex((part) => Object.keys(typos).some((word) => part.split(' ').includes(word)));
    if (index >= 0) {
      parts[index] = parts[index]
        .split(' ')
        .map((word, position, words) => (typos[word] && words.findIndex((candidate) => typos[candidate]) === position ? typos[word] : word))
        .join(' ');
    }
  }
  return parts.join(' ');
}

interface HookSpec {
  readonly type: string;
  readonly hook: string;
  readonly priorities: readonly string[];
  readonly device?: boolean;
}

const IP_HOOKS: readonly HookSpec[] = [
  { type: 'filter', hook: 'input', priorities: ['0', 'filter', '-100', '100', 'raw', 'mangle', 'security', 'filter + 10', 'filter - 5', '-300', '0x10'] },
  { type: 'filter', hook: 'forward', priorities: ['0', 'filter'] },
  { type: 'filter', hook: 'output', priorities: ['0', 'filter', 'security'] },
  { type: 'filter', hook: 'prerouting', priorities: ['0', 'raw', 'mangle', 'dstnat'] },
  { type: 'filter', hook: 'postrouting', priorities: ['0', 'srcnat'] },
  { type: 'nat', hook: 'prerouting', priorities: ['dstnat', '-100'] },
  { type: 'nat', hook: 'postrouting', priorities: ['srcnat', '100'] },
  { type: 'nat', hook: 'output', priorities: ['-100'] },
  { type: 'nat', hook: 'input', priorities: ['100'] },
  { type: 'route', hook: 'output', priorities: ['mangle', '-150'] },
];

const HOOKS: Readonly<Record<string, readonly HookSpec[]>> = {
  inet: [...IP_HOOKS, { type: 'filter', hook: 'ingress', priorities: ['0'], device: true }],
  ip: IP_HOOKS,
  ip6: IP_HOOKS,
  arp: [
    { type: 'filter', hook: 'input', priorities: ['0', 'filter'] },
    { type: 'filter', hook: 'output', priorities: ['0'] },
  ],
  bridge: [
    ...['input', 'forward'].map((hook) => ({ type: 'filter', hook, priorities: ['0', 'filter', '-200'] })),
    { type: 'filter', hook: 'prerouting', priorities: ['dstnat', 'filter'] },
    { type: 'filter', hook: 'output', priorities: ['out', '0'] },
    { type: 'filter', hook: 'postrouting', priorities: ['srcnat', '0'] },
  ],
  netdev: [
    { type: 'filter', hook: 'ingress', priorities: ['0', 'filter'], device: true },
    { type: 'filter', hook: 'egress', priorities: ['0'], device: true },
  ],
};

interface ChainHeader {
  readonly lines: string[];
  readonly hook?: string;
  readonly nat: boolean;
}

/** A base chain's `type … hook … priority …;` and `policy …;`, or nothing for a regular chain. */
function chainHeader(g: Draw, flaws: Flaws, family: string, base: boolean): ChainHeader {
  if (!base) {
    return { lines: flaws.here('policy', 0.3) ? ['policy drop;'] : [], nat: false };
  }
  const spec = pick(g, HOOKS[family]);
  let type = spec.type;
  let hook = spec.hook;
  let priority = pick(g, spec.priorities);
  let device = spec.device ? ` device ${pick(g, ['"lo"', 'lo'])}` : '';
  if (flaws.here('chain-spec', 0.6)) {
    switch (between(g, 0, 7)) {
      case 0:
        type = pick(g, ['filtre', 'nats', 'routing']);
        break;
      case 1:
        hook = pick(g, ['inptu', 'forwards', 'ingress', 'egress', 'prerouting', 'input']).replace(family === 'netdev' ? 'ingress' : '\u0000', 'input');
        break;
      case 2:
        priority = pick(g, ['', 'dstnat', 'filter-10', 'out', 'first', '+10', 'srcnat']);
        break;
      case 3:
        device = spec.device ? '' : ' device "lo"';
        break;
      case 4:
        type = 'nat';
        hook = 'forward';
        break;
      case 5:
        type = 'route';
        hook = 'input';
        break;
      case 6:
        priority = `${priority} 5`;
        break;
      default:
        hook = `${hook} priority`;
    }
  }
  const head = `type ${type} hook ${hook}${device} priority ${priority}`.trimEnd();
  const lines: string[] = [];
  let policy = chance(g, 0.5) ? `policy ${pick(g, ['drop', 'accept'])}` : undefined;
  if (flaws.here('policy', 0.5)) {
    policy = pick(g, ['policy reject', 'polcy drop', 'policy', 'policy drop drop']);
  }
  if (policy && chance(g, 0.5)) {
    lines.push(`${head}; ${policy};`);
  } else {
    lines.push(flaws.here('keyword-typo', 0.2) ? head.replace('type', 'tpye') : `${head}${chance(g, 0.8) ? ';' : ''}`);
    if (policy) {
      lines.push(`${policy}${chance(g, 0.7) ? ';' : ''}`);
    }
  }
  if (policy && flaws.here('policy', 0.3)) {
    lines.push('policy accept;'); // a second policy
  }
  return { lines, ...(hook === spec.hook ? { hook } : {}), nat: type === 'nat' && spec.type === 'nat' };
}

interface NamedSet {
  readonly name: string;
  readonly kind: 'port' | 'address' | 'verdict-map';
  readonly lines: string[];
}

/** `set web { type inet_service; elements = { 80, 443 } }`, an address set, or a verdict map. */
function namedSet(g: Draw, flaws: Flaws, name: string, family: string): NamedSet {
  const roll = between(g, 0, 9);
  const multiLine = chance(g, 0.5);
  const wrap = (keyword: string, statements: string[]): string[] =>
    multiLine
      ? [`${keyword} ${name} {`, ...statements.map((statement) => `  ${statement}`), '}']
      : [`${keyword} ${name} { ${statements.map((statement, index) => (index < statements.length - 1 ? `${statement};` : statement)).join(' ')} }`];
  const typeStatement = (type: string) => (flaws.here('datatype', 0.6) ? pick(g, ['type inet_sevice', 'type port', 'type integer', 'type verdict']) : flaws.here('missing-key', 0.6) ? undefined : type);
  const keyword = (word: string) => (flaws.here('keyword-typo', 0.2) ? `${word.slice(0, -2)}${word.slice(-1)}${word.slice(-2, -1)}` : word);
  if (roll <= 5) {
    const interval = chance(g, 0.5);
    const type = typeStatement(chance(g, 0.2) ? `typeof ${pick(g, ['tcp', 'udp'])} dport` : 'type inet_service');
    const statements = type ? [type] : [];
    if (interval && !flaws.here('interval-flag', 0.8)) {
      statements.push('flags interval');
    }
    // With auto-merge nft merges overlapping ranges instead of refusing them.
    const autoMerge = interval && chance(g, 0.2);
    if (autoMerge) {
      statements.push('auto-merge');
    }
    if (chance(g, 0.9)) {
      const count = between(g, 1, 4);
      const elements = (autoMerge ? Array.from({ length: count }, () => portValue(g, flaws)) : disjoint(g, flaws, count, interval)).map((element) => element.text);
      statements.push(`${keyword('elements')} = ${braces(g, flaws, elements)}`);
    }
    return { name, kind: 'port', lines: wrap(keyword('set'), statements) };
  }
  if (roll <= 7 && family !== 'arp') {
    const v6 = family === 'ip6';
    const statements = [v6 ? 'type ipv6_addr' : 'type ipv4_addr', 'flags interval', `elements = { ${v6 ? 'fe80::/10, ::1' : '10.0.0.0/8, 192.168.0.1'} }`];
    return { name, kind: 'address', lines: wrap('set', statements) };
  }
  const keys = disjoint(g, flaws, between(g, 1, 3), false);
  const elements = keys.map((key) => `${key.text} : ${flaws.here('vmap-verdict', 0.5) ? pick(g, ['acept', 'jump']) : pick(g, ['accept', 'drop'])}`);
  const type = typeStatement('type inet_service : verdict');
  return { name, kind: 'verdict-map', lines: wrap('map', [...(type ? [type] : []), `elements = { ${elements.join(', ')} }`]) };
}

const FAMILIES = ['inet', 'inet', 'inet', 'inet', 'inet', 'ip', 'ip', 'ip', 'ip6', 'ip6', 'bridge', 'netdev', 'arp'];
const DEFINE_NAMES = ['PORTS', 'WEB', 'SSH_PORT', 'DNS'];

function indent(lines: readonly string[], by: string): string[] {
  return lines.map((line) => `${by}${line}`);
}

/** Appends a `#` comment to a line now and then, as hand-written rulesets do. */
function withComment(g: Draw, line: string): string {
  return chance(g, 0.05) ? `${line} # ${pick(g, ['allow', 'tcp dport 9999 accept', 'note; {'])}` : line;
}

function defineStatement(g: Draw, flaws: Flaws, name: string): string {
  const value = chance(g, 0.5) ? portSet(g, flaws) : portValue(g, flaws).text;
  if (flaws.here('define-syntax', 0.6)) {
    return pick(g, [`define ${name} ${value}`, `define ${name} =`, `def ${name} = ${value}`, `define 1${name} = ${value}`, `define ${name} = { 22 80 }`]);
  }
  return `define ${name} = ${value}`;
}

function ruleset(g: Draw): RenderedCase {
  const flaws = new Flaws(g, chance(g, FLAWED_SHARE) ? pick(g, FLAW_KINDS) : undefined);
  const out: string[] = [];
  if (chance(g, 0.3)) {
    out.push(chance(g, 0.8) ? 'flush ruleset' : '#!/usr/sbin/nft -f');
  }
  if (chance(g, 0.05)) {
    out.push('include "/etc/nftables.d/*.nft"');
  }
  const defines: string[] = [];
  const defineCount = chance(g, 0.35) ? between(g, 1, 2) : 0;
  for (let k = 0; k < defineCount; k++) {
    out.push(defineStatement(g, flaws, DEFINE_NAMES[k]));
    defines.push(DEFINE_NAMES[k]);
  }
  const tableCount = chance(g, 0.85) ? 1 : 2;
  for (let t = 0; t < tableCount; t++) {
    const family = pick(g, FAMILIES);
    const tableName = ['filter', 'nat'][t];
    const body: string[] = [];
    const sets: NamedSet[] = [];
    const setCount = chance(g, 0.4) ? between(g, 1, 2) : 0;
    for (let k = 0; k < setCount; k++) {
      sets.push(namedSet(g, flaws, ['web', 'admins'][k], family));
    }
    const chainCount = between(g, 1, 3);
    const chainNames = ['input', 'forward', 'ssh_guard'].slice(0, chainCount);
    const bases = chainNames.map((_, index) => index === 0 || chance(g, 0.5));
    const scopeBase = {
      family,
      portSets: sets.filter((set) => set.kind === 'port').map((set) => set.name),
      addressSets: sets.filter((set) => set.kind === 'address').map((set) => set.name),
      verdictMaps: sets.filter((set) => set.kind === 'verdict-map').map((set) => set.name),
      defines,
      baseChains: chainNames.filter((_, index) => bases[index]),
    };
    for (const set of sets) {
      body.push(...set.lines, '');
    }
    if (chance(g, 0.2) && family !== 'arp') {
      // A define inside the table, visible to its chains.
      body.push(defineStatement(g, flaws, 'DNS'));
      scopeBase.defines = [...defines, 'DNS'];
    }
    const headers: ChainHeader[] = [];
    for (let c = 0; c < chainCount; c++) {
      const header = chainHeader(g, flaws, family, bases[c]);
      headers.push(header);
      // Jumps go forward to regular chains, and only from chains that may reject on their behalf.
      const mayJump = !header.nat && (!header.hook || ['input', 'forward', 'output'].includes(header.hook));
      const scope: Scope = {
        ...scopeBase,
        jumpTargets: mayJump ? chainNames.filter((_, index) => index > c && !bases[index]) : [],
        ...(header.hook ? { hook: header.hook } : {}),
        nat: header.nat,
      };
      const lines = [...header.lines];
      const ruleCount = between(g, 0, 4);
      for (let r = 0; r < ruleCount; r++) {
        lines.push(withComment(g, rule(g, flaws, scope)));
      }
      if (chance(g, 0.1)) {
        lines.push(`${rule(g, flaws, scope)}; ${rule(g, flaws, scope)}`); // two rules on one line
      }
      if (flaws.here('missing-separator', 0.3) && lines.length > 0) {
        lines[lines.length - 1] = `${lines[lines.length - 1].replace(/;$/, '')} }`;
        body.push(`${flaws.here('keyword-typo', 0.2) ? 'chian' : 'chain'} ${chainNames[c]} {`, ...indent(lines, '  '));
        continue;
      }
      const keyword = flaws.here('keyword-typo', 0.2) ? pick(g, ['chian', 'chains']) : 'chain';
      body.push(`${keyword} ${chainNames[c]} {`, ...indent(lines, '  '), flaws.here('missing-brace', 0.3) ? '' : flaws.here('missing-separator', 0.3) ? '};}' : '}');
    }
    if (flaws.here('rule-outside-chain', 0.7)) {
      body.splice(between(g, 0, body.length), 0, rule(g, flaws, { ...scopeBase, jumpTargets: [], nat: false }));
    }
    const keyword = flaws.here('keyword-typo', 0.2) ? pick(g, ['tabel', 'tables']) : 'table';
    let familyWord = family === 'ip' && chance(g, 0.1) ? '' : `${family} `;
    if (flaws.here('table-header', 0.8)) {
      familyWord = `${pick(g, ['inet6', 'ipv4', 'eth', 'inet inet'])} `;
    }
    out.push(`${keyword} ${familyWord}${tableName} {`, ...indent(body, '  '), flaws.here('extra-brace', 0.6) ? '}\n}' : flaws.here('missing-separator', 0.5) ? `} table ${family} extra {` + '\n}' : '}');
    if (chance(g, 0.2)) {
      // Commands that add to the table after its block.
      const c = between(g, 0, chainCount - 1);
      const scope: Scope = { ...scopeBase, jumpTargets: [], ...(headers[c].hook ? { hook: headers[c].hook } : {}), nat: headers[c].nat };
      const chain = flaws.here('undefined-chain', 0.9) ? 'nochain' : chainNames[c];
      out.push(`${pick(g, ['add', 'insert'])} rule ${family} ${tableName} ${chain} ${rule(g, flaws, scope)}`);
      if (scopeBase.portSets.length > 0 && chance(g, 0.5)) {
        out.push(`add element ${family} ${tableName} ${flaws.here('undefined-set', 0.5) ? 'nosuchset' : pick(g, scopeBase.portSets)} ${portSet(g, flaws, false)}`);
      }
    }
  }
  if (flaws.here('rule-outside-chain', 0.9)) {
    out.push(rule(g, flaws, { family: 'inet', portSets: [], addressSets: [], verdictMaps: [], defines, jumpTargets: [], baseChains: [], nat: false }));
  }
  return { fileName: 'ruleset.nft', text: `${out.join('\n')}\n`, toolInput: { flaw: flaws.used ? flaws.kind : undefined } };
}

export const nftablesSpec: ConformanceFormat = {
  format: 'nftables',
  toolName: 'nft -c -f',
  requires: ['nft'],
  debianPackage: 'nftables',
  arbitrary: fc.gen().map((g) => ruleset(g)),
  oracle: askNft,
  lens,
  knownDifferences: [
    {
      id: 'defined-by-an-include',
      reason:
        'The ruleset includes other files, which may define the variables, sets and chains it uses. Port Lens reads one file at a time, so it reports such a name as unresolved instead of refusing it; nft, reading the includes, refuses it when none defines it.',
      matches: (rendered, tool, lens) => !tool.accepted && lens.accepted && /^\s*include\s/m.test(rendered.text) && /unknown identifier|No such file or directory/.test(tool.message ?? ''),
    },
    {
      id: 'nft-assertion',
      reason:
        'nft 1.0.6 aborts on an internal assertion (netlink_gen_expr) for every `dnat ip6 addr . port to ADDRESS . PORT` (the same with ip works): a crash of that nft, not a fault in the ruleset for Port Lens to report.',
      matches: (_rendered, tool, lens) => !tool.accepted && lens.accepted && /Assertion .* failed/.test(tool.message ?? ''),
    },
  ],
};
