/**
 * Scanner for nftables rulesets (`nft -f` files such as nftables.conf and *.nft): port matches
 * (`tcp dport 22`, `udp sport 53`, `th dport`, anonymous sets, ranges, `!=`, comparisons, verdict maps),
 * named sets (`set web { type inet_service; elements = { 80, 443 } }` used as `@web`), `define`d
 * variables, and NAT targets (`dnat to 10.0.0.2:8080`, `redirect to :8080`).
 *
 * A port that lives in a named set or a `define` is reported where its digits are written — inside the
 * definition — once for every rule that uses it, carrying that rule's verdict, source and chain.
 * `tcp dport set 8080` rewrites the port instead of matching it, so it is not reported.
 *
 * The scanner also reports what `nft -f` itself would refuse in what it reads: ports and service names
 * nft cannot parse or resolve, misspelt keywords, statements in the wrong place, protocols a rule
 * cannot match at once, sets and chains that are used but never defined. It does not try to be a
 * complete nft parser: an expression it does not model ends its checking of that rule, so it never
 * refuses what nft accepts.
 */
import { lookupServiceName } from '../ports/serviceNames';
import type { FirewallAction, FirewallRuleInfo, Mutable, PortReference, Protocol, Scanner, ScanProblem, SourceRange } from '../types';
import type { FirewallBlock, HostFirewallFacts } from '../wiring/facts';
import { failureReason, firewallInfoFor, hostFirewallFacts, NESTED_TOO_DEEPLY, problem } from './portSyntax';
import type { InputPolicy } from './portSyntax';

// ---------------------------------------------------------------------------------------------
// Tokens and blocks
// ---------------------------------------------------------------------------------------------

type TokenKind = 'word' | 'string' | '{' | '}' | ';' | ',' | 'newline';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Relational operators nft also accepts glued to the value (`!=22`). */
const GLUED_OPERATORS: readonly string[] = ['!=', '==', '<=', '>=', '<', '>'];

function isPunctuation(char: string): char is '{' | '}' | ';' | ',' {
  return char === '{' || char === '}' || char === ';' || char === ',';
}

/** The first characters of the glued operators: `!`, `=`, `<`, `>`. */
const GLUED_START: ReadonlySet<number> = new Set([33, 61, 60, 62]);

/** Blanks, a newline, `#`, `"` and punctuation end a word; a code test, since every character passes here. */
function endsNftWord(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 35 || code === 34 || code === 123 || code === 125 || code === 59 || code === 44;
}

/** Stands for every line break: only its kind is read, so one object serves them all. */
const NEWLINE: Token = { kind: 'newline', text: '\n', start: 0, end: 0 };

/**
 * Splits a ruleset into tokens, handed to `take` one at a time so that only the tokens a
 * statement keeps stay alive; `#` comments and `\` line continuations disappear.
 */
function tokenize(text: string, problems: ScanProblem[], take: (token: Token) => void): void {
  let pos = 0;
  while (pos < text.length) {
    const code = text.charCodeAt(pos);
    if (code === 32 || code === 9 || code === 13) {
      pos++;
      continue;
    }
    const char = text[pos];
    if (char === '\\' && (text[pos + 1] === '\n' || (text[pos + 1] === '\r' && text[pos + 2] === '\n'))) {
      pos += text[pos + 1] === '\r' ? 3 : 2;
    } else if (char === '\n') {
      take(NEWLINE);
      pos++;
    } else if (char === '#') {
      const end = text.indexOf('\n', pos);
      pos = end < 0 ? text.length : end;
    } else if (isPunctuation(char)) {
      take({ kind: char, text: char, start: pos, end: pos + 1 });
      pos++;
    } else if (char === '"') {
      // nft's quoted strings have no escapes and end at the next quote, across lines if need be.
      const end = text.indexOf('"', pos + 1);
      if (end < 0) {
        const lineEnd = text.indexOf('\n', pos);
        problems.push(problem({ start: pos, end: lineEnd < 0 ? text.length : lineEnd }, 'parse-error', 'unterminated string: the quote opened here is never closed'));
        take({ kind: 'string', text: text.slice(pos + 1), start: pos, end: text.length });
        pos = text.length;
        continue;
      }
      take({ kind: 'string', text: text.slice(pos + 1, end), start: pos, end: end + 1 });
      pos = end + 1;
    } else {
      let end = pos;
      while (end < text.length && !endsNftWord(text.charCodeAt(end))) {
        end++;
      }
      const word = text.slice(pos, end);
      const equals = word.indexOf('=');
      if (equals > 0 && !GLUED_START.has(word.charCodeAt(equals - 1)) && !/^[!<>=]/.test(word)) {
        // `elements={`, `define X=22`: nft reads the `=` on its own.
        take({ kind: 'word', text: word.slice(0, equals), start: pos, end: pos + equals });
        take({ kind: 'word', text: '=', start: pos + equals, end: pos + equals + 1 });
        if (equals + 1 < word.length) {
          take({ kind: 'word', text: word.slice(equals + 1), start: pos + equals + 1, end });
        }
        pos = end;
        continue;
      }
      // Only a word starting with `!`, `=`, `<` or `>` can carry a glued operator.
      const operator = !GLUED_START.has(code) || GLUED_OPERATORS.includes(word) ? undefined : GLUED_OPERATORS.find((candidate) => word.startsWith(candidate));
      if (operator) {
        take({ kind: 'word', text: operator, start: pos, end: pos + operator.length });
        take({ kind: 'word', text: word.slice(operator.length), start: pos + operator.length, end });
      } else {
        take({ kind: 'word', text: word, start: pos, end });
      }
      pos = end;
    }
  }
}

/** A statement: its tokens, anonymous-set braces and commas included. */
interface Statement {
  readonly kind: 'statement';
  readonly tokens: readonly Token[];
}

/** A block such as `table inet filter { … }` or `chain input { … }`, with the words before its brace. */
interface Block {
  readonly kind: 'block';
  readonly header: readonly Token[];
  readonly body: readonly Node[];
  readonly opening: Token;
}

type Node = Statement | Block;

const COMMAND_VERBS: ReadonlySet<string> = new Set(['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'list', 'reset']);
const BLOCK_OBJECTS: ReadonlySet<string> = new Set(['table', 'chain', 'set', 'map', 'flowtable']);
const NAMED_STATEFUL_OBJECTS: ReadonlySet<string> = new Set(['counter', 'quota', 'limit', 'secmark', 'synproxy']);
const CT_OBJECTS: ReadonlySet<string> = new Set(['helper', 'timeout', 'expectation']);

/** The object keyword of a block header or command: `table` in `add table inet t`. */
function objectOf(words: readonly Token[]): { keyword?: string; offset: number } {
  const offset = words[0] && COMMAND_VERBS.has(words[0].text) ? 1 : 0;
  return { keyword: words[offset]?.text, offset };
}

/**
 * Whether `{` after these words opens a block (a table, chain, set or named object) rather than an
 * anonymous set inside a rule (`tcp dport { 22, 80 }`, `elements = { … }`).
 */
function opensBlock(words: readonly Token[]): boolean {
  const { keyword, offset } = objectOf(words);
  if (keyword === undefined) {
    return false;
  }
  if (BLOCK_OBJECTS.has(keyword)) {
    return true;
  }
  if (NAMED_STATEFUL_OBJECTS.has(keyword)) {
    return words.length === offset + 2;
  }
  return keyword === 'ct' && CT_OBJECTS.has(words[offset + 1]?.text ?? '') && words.length === offset + 3;
}

/**
 * Whether the last statement of a block may end at its `}` without a newline or `;`. nft's grammar
 * wants a separator after every statement of a table or chain, but a set's `elements = { … }` and
 * `auto-merge` may close their block directly.
 */
function mayEndAtBrace(header: readonly Token[], statement: readonly Token[]): boolean {
  const keyword = objectOf(header).keyword;
  if (keyword === 'table' || keyword === 'chain') {
    return false;
  }
  if (keyword === 'set' || keyword === 'map') {
    return statement[0]?.text === 'elements' || statement[0]?.text === 'auto-merge';
  }
  return true;
}

interface OpenBlock {
  readonly header: Token[];
  readonly body: Node[];
  readonly opening?: Token;
}

/**
 * Deepest block nesting read. nft itself nests tables, chains and sets two or three deep; the
 * scanner walks blocks recursively, so a hostile file must not reach the end of the stack.
 */
const MAX_BLOCK_NESTING = 64;

const TOO_DEEP_MESSAGE = `Could not read the ruleset: ${NESTED_TOO_DEEPLY}; blocks nested deeper than ${MAX_BLOCK_NESTING} levels are skipped`;

function describeToken(token: Token): string {
  if (token.kind === 'newline') {
    return 'end of line';
  }
  const text = token.kind === 'string' ? `"${token.text}"` : token.text;
  return `"${text.length > 24 ? `${text.slice(0, 24)}…` : text}"`;
}

/** Groups tokens into statements and blocks; braces that do not balance, and missing separators, become problems. */
function parseBlocks(produce: (take: (token: Token) => void) => void, problems: ScanProblem[]): Node[] {
  const root: OpenBlock = { header: [], body: [] };
  const stack: OpenBlock[] = [root];
  let pending: Token[] = [];
  /** Open anonymous-set braces in the pending statement; newlines inside them do not end it. */
  let setDepth = 0;
  const endStatement = () => {
    if (pending.length > 0) {
      stack[stack.length - 1].body.push({ kind: 'statement', tokens: pending });
    }
    pending = [];
    setDepth = 0;
  };
  /** Blocks opened below {@link MAX_BLOCK_NESTING}, whose contents are skipped. */
  let skippedDepth = 0;
  let reportedTooDeep = false;
  /** The `}` that closed a block, until the newline or `;` nft wants after it. */
  let closedBlock = false;
  produce((token) => {
    if (skippedDepth > 0) {
      skippedDepth += token.kind === '{' ? 1 : token.kind === '}' ? -1 : 0;
      return;
    }
    if (closedBlock) {
      closedBlock = false;
      if (token.kind !== 'newline' && token.kind !== ';') {
        problems.push(problem(rangeOf(token), 'parse-error', `syntax error, unexpected ${describeToken(token)}: nft wants a new line or ";" after the "}" that closes a block`));
      }
    }
    switch (token.kind) {
      case 'newline':
      case ';':
        if (setDepth === 0) {
          endStatement();
        }
        break;
      case '{':
        if (setDepth === 0 && opensBlock(pending) && stack.length > MAX_BLOCK_NESTING) {
          if (!reportedTooDeep) {
            problems.push(problem(rangeOf(token), 'parse-error', TOO_DEEP_MESSAGE));
            reportedTooDeep = true;
          }
          pending = [];
          skippedDepth = 1;
        } else if (setDepth === 0 && opensBlock(pending)) {
          stack.push({ header: pending, body: [], opening: token });
          pending = [];
        } else {
          setDepth++;
          pending.push(token);
        }
        break;
      case '}': {
        if (setDepth > 0) {
          setDepth--;
          pending.push(token);
          break;
        }
        const unterminated = pending;
        endStatement();
        if (stack.length === 1) {
          problems.push(problem(rangeOf(token), 'parse-error', 'unexpected "}": no block is open here'));
        } else {
          if (unterminated.length > 0 && !mayEndAtBrace(stack[stack.length - 1].header, unterminated)) {
            problems.push(problem(rangeOf(token), 'parse-error', 'syntax error, unexpected "}": nft wants a new line or ";" after the statement before it'));
          }
          closeBlock(stack);
          closedBlock = true;
        }
        break;
      }
      default:
        pending.push(token);
    }
  });
  if (setDepth > 0) {
    const opening = pending.find((token) => token.kind === '{');
    problems.push(problem(opening ? rangeOf(opening) : { start: 0, end: 0 }, 'parse-error', 'syntax error: this "{" is never closed'));
  }
  endStatement();
  while (stack.length > 1) {
    const open = stack[stack.length - 1];
    problems.push(problem(open.opening ? rangeOf(open.opening) : { start: 0, end: 0 }, 'parse-error', 'syntax error, unexpected end of file: this block is never closed with "}"'));
    closeBlock(stack);
  }
  return root.body;
}

function closeBlock(stack: OpenBlock[]): void {
  const closed = stack.pop();
  if (closed) {
    stack[stack.length - 1].body.push({ kind: 'block', header: closed.header, body: closed.body, opening: closed.opening as Token });
  }
}

function rangeOf(token: Token): SourceRange {
  return { start: token.start, end: token.end };
}

// ---------------------------------------------------------------------------------------------
// Port values, as nft parses an `inet_service`
// ---------------------------------------------------------------------------------------------

const MAX_PORT = 65535;

type PortValue =
  | { readonly ok: true; readonly port: number; readonly endPort: number; readonly digits?: { readonly from: number; readonly to: number } }
  /** `port` is set when the value names a port after all (an IANA-only service name), for hovers. */
  | { readonly ok: false; readonly code: string; readonly message: string; readonly port?: number; readonly endPort?: number };

/** A name as nft's scanner reads one: a letter, `_` or `.`, then letters, digits, `/`, `-`, `_` and `.`. */
const NAME_LEXEME = /^[A-Za-z_.][A-Za-z0-9/\-_.]*$/;
/** A number as nft's scanner reads one: decimal digits, or hexadecimal after `0x`. */
const NUMBER_LEXEME = /^(?:0[xX][0-9a-fA-F]+|[0-9]+)$/;
/** What strtoumax(…, 0) reads whole: hexadecimal, octal after a leading 0, or decimal. */
const HEX = /^0[xX][0-9a-fA-F]+$/;
const OCTAL = /^0[0-7]*$/;
const DECIMAL = /^[1-9][0-9]*$/;
const DIGITS = /^[0-9]+$/;

/** nft keywords that /etc/services also lists as names: nft's scanner reads them as keywords, never as a port. */
const KEYWORD_SERVICE_NAMES: ReadonlySet<string> = new Set(['time', 'tproxy']);

/** The order getaddrinfo tries protocols in when it is given no hint, as nft calls it. */
const GETADDRINFO_PROTOCOLS = ['tcp', 'udp', 'dccp', 'sctp'] as const;

function shortText(text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text;
}

function outOfRange(text: string): PortValue {
  return { ok: false, code: 'port-out-of-range', message: `Service out of range: ${shortText(text)} is above ${MAX_PORT}` };
}

/** A number in `base`, or infinity once it is too long to be a port at all (a thousand digits never become a float). */
function numberValue(digits: string, base: number): number {
  const significant = digits.replace(/^0+/, '');
  return significant.length > 8 ? Number.POSITIVE_INFINITY : significant === '' ? 0 : parseInt(significant, base);
}

/**
 * One service value as nft resolves it: strtoumax with base 0 (so `0x50` is 80 and `010` is 8);
 * failing that getaddrinfo, which reads a string of digits as decimal and keeps its low 16 bits
 * (`080` is 80), and otherwise looks the name up in /etc/services for any protocol.
 */
function serviceValue(text: string): PortValue {
  if (HEX.test(text) || OCTAL.test(text) || DECIMAL.test(text)) {
    const value = HEX.test(text) ? numberValue(text.slice(2), 16) : OCTAL.test(text) ? numberValue(text, 8) : numberValue(text, 10);
    return value > MAX_PORT ? outOfRange(text) : { ok: true, port: value, endPort: value };
  }
  if (DIGITS.test(text)) {
    // glibc's strtoul: a value that fits an unsigned long keeps its low 16 bits; a longer one is refused.
    const significant = text.replace(/^0+/, '');
    const value = significant.length > 20 ? undefined : BigInt(significant || '0');
    if (value === undefined || value > 0xffffffffffffffffn) {
      return { ok: false, code: 'port-out-of-range', message: `Could not resolve service "${shortText(text)}": the number does not fit an unsigned long` };
    }
    const port = Number(value % 65536n);
    return { ok: true, port, endPort: port };
  }
  if (KEYWORD_SERVICE_NAMES.has(text)) {
    return { ok: false, code: 'invalid-port', message: `syntax error: "${text}" is an nft keyword, so nft does not read it as a service name; write its port number` };
  }
  for (const protocol of GETADDRINFO_PROTOCOLS) {
    const found = lookupServiceName(text, protocol);
    if (found && found.source === 'etc-services') {
      return { ok: true, port: found.port, endPort: found.port };
    }
  }
  for (const protocol of GETADDRINFO_PROTOCOLS) {
    const found = lookupServiceName(text, protocol);
    if (found) {
      return {
        ok: false,
        code: 'unknown-service-name',
        message: `Could not resolve service "${shortText(text)}": it is not in a stock /etc/services (only the IANA registry names it, as ${found.protocol} port ${found.port}), so nft on Debian refuses it; write the port number`,
        port: found.port,
        endPort: found.endPort ?? found.port,
      };
    }
  }
  return { ok: false, code: 'unknown-service-name', message: `Could not resolve service "${shortText(text)}": it is not a port number or a service name in /etc/services` };
}

/** One end of a range: a number or a name, as nft's scanner splits `22-ssh`. */
function rangeEnd(text: string): PortValue {
  if (NUMBER_LEXEME.test(text) || NAME_LEXEME.test(text)) {
    return serviceValue(text);
  }
  return { ok: false, code: 'invalid-port', message: `syntax error: "${shortText(text)}" is not a port, a port range or a service name` };
}

/**
 * An `inet_service` value: a number (decimal, octal or hexadecimal), a `first-last` range of numbers
 * or of a number and a name, or a service name. A quoted value is one service string, never a range.
 */
export function parseNftPort(text: string, quoted = false): PortValue {
  if (quoted) {
    return serviceValue(text);
  }
  if (NAME_LEXEME.test(text)) {
    return serviceValue(text);
  }
  const dash = text.indexOf('-');
  const first = dash < 0 ? text : text.slice(0, dash);
  if (!NUMBER_LEXEME.test(first)) {
    return { ok: false, code: 'invalid-port', message: `syntax error: "${shortText(text)}" is not a port, a port range or a service name` };
  }
  const numeric = { from: 0, to: text.length };
  if (dash < 0) {
    const value = serviceValue(text);
    return value.ok ? { ...value, digits: numeric } : value;
  }
  const low = serviceValue(first);
  const high = rangeEnd(text.slice(dash + 1));
  if (!low.ok) {
    return low;
  }
  if (!high.ok) {
    return high;
  }
  if (low.port > high.port) {
    return { ok: false, code: 'reversed-range', message: `Range has zero or negative size: ${low.port} is above ${high.port}` };
  }
  return { ok: true, port: low.port, endPort: high.port, ...(NUMBER_LEXEME.test(text.slice(dash + 1)) ? { digits: numeric } : {}) };
}

// ---------------------------------------------------------------------------------------------
// nft's vocabulary
// ---------------------------------------------------------------------------------------------

const FAMILIES: ReadonlySet<string> = new Set(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);

/** Payload protocols with `dport`/`sport`; `th` is "any transport header". */
const MATCH_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map([
  ['tcp', 'tcp'],
  ['udp', 'udp'],
  ['sctp', 'sctp'],
  ['dccp', 'dccp'],
  ['th', 'any'],
]);

/** Header fields of the payload expressions whose fields are checked; `null` marks a field whose syntax is not modelled. */
const PAYLOAD_FIELDS: ReadonlyMap<string, ReadonlyMap<string, 'port' | 'value' | 'protocol' | 'address' | 'flags' | null>> = new Map([
  ['tcp', fields({ sport: 'port', dport: 'port', sequence: 'value', ackseq: 'value', doff: 'value', reserved: 'value', flags: 'flags', window: 'value', checksum: 'value', urgptr: 'value', option: null })],
  ['udp', fields({ sport: 'port', dport: 'port', length: 'value', checksum: 'value' })],
  ['udplite', fields({ sport: 'port', dport: 'port', csumcov: 'value', checksum: 'value' })],
  ['sctp', fields({ sport: 'port', dport: 'port', vtag: 'value', checksum: 'value', chunk: null })],
  ['dccp', fields({ sport: 'port', dport: 'port', type: 'value', option: null })],
  ['th', fields({ sport: 'port', dport: 'port' })],
  ['ip', fields({ version: 'value', hdrlength: 'value', dscp: 'value', ecn: 'value', length: 'value', id: 'value', 'frag-off': 'value', ttl: 'value', protocol: 'protocol', checksum: 'value', saddr: 'address', daddr: 'address', option: null })],
  ['ip6', fields({ version: 'value', dscp: 'value', ecn: 'value', flowlabel: 'value', length: 'value', nexthdr: 'protocol', hoplimit: 'value', saddr: 'address', daddr: 'address' })],
  ['ether', fields({ saddr: 'value', daddr: 'value', type: 'value' })],
  ['icmp', fields({ type: 'value', code: 'value', checksum: 'value', id: 'value', sequence: 'value', gateway: 'value', mtu: 'value' })],
]);

function fields(entries: Record<string, 'port' | 'value' | 'protocol' | 'address' | 'flags' | null>): ReadonlyMap<string, 'port' | 'value' | 'protocol' | 'address' | 'flags' | null> {
  return new Map(Object.entries(entries));
}

/** The IP protocol a payload expression needs, as nft names it in "conflicting protocols specified". */
const PAYLOAD_TRANSPORT: ReadonlyMap<string, string> = new Map([
  ['tcp', 'tcp'],
  ['udp', 'udp'],
  ['udplite', 'udplite'],
  ['sctp', 'sctp'],
  ['dccp', 'dccp'],
  ['icmp', 'icmp'],
  ['icmpv6', 'icmpv6'],
  ['igmp', 'igmp'],
  ['ah', 'ah'],
  ['esp', 'esp'],
  ['comp', 'comp'],
]);

/** Names and aliases of Debian's /etc/protocols (netbase), by number; `meta l4proto` and `ip protocol` resolve them. */
const IP_PROTOCOLS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    ip: 0, IP: 0, hopopt: 0, HOPOPT: 0, icmp: 1, ICMP: 1, igmp: 2, IGMP: 2, ggp: 3, GGP: 3, ipencap: 4, 'IP-ENCAP': 4, st: 5, ST: 5, tcp: 6, TCP: 6,
    egp: 8, EGP: 8, igp: 9, IGP: 9, pup: 12, PUP: 12, udp: 17, UDP: 17, hmp: 20, HMP: 20, 'xns-idp': 22, 'XNS-IDP': 22, rdp: 27, RDP: 27,
    'iso-tp4': 29, 'ISO-TP4': 29, dccp: 33, DCCP: 33, xtp: 36, XTP: 36, ddp: 37, DDP: 37, 'idpr-cmtp': 38, 'IDPR-CMTP': 38, ipv6: 41, IPv6: 41,
    'ipv6-route': 43, 'IPv6-Route': 43, 'ipv6-frag': 44, 'IPv6-Frag': 44, idrp: 45, IDRP: 45, rsvp: 46, RSVP: 46, gre: 47, GRE: 47,
    esp: 50, 'IPSEC-ESP': 50, ah: 51, 'IPSEC-AH': 51, skip: 57, SKIP: 57, 'ipv6-icmp': 58, 'IPv6-ICMP': 58, 'ipv6-nonxt': 59, 'IPv6-NoNxt': 59,
    'ipv6-opts': 60, 'IPv6-Opts': 60, rspf: 73, RSPF: 73, CPHB: 73, vmtp: 81, VMTP: 81, eigrp: 88, EIGRP: 88, ospf: 89, OSPFIGP: 89,
    'ax.25': 93, 'AX.25': 93, ipip: 94, IPIP: 94, etherip: 97, ETHERIP: 97, encap: 98, ENCAP: 98, pim: 103, PIM: 103, ipcomp: 108, IPCOMP: 108,
    vrrp: 112, VRRP: 112, l2tp: 115, L2TP: 115, isis: 124, ISIS: 124, sctp: 132, SCTP: 132, fc: 133, FC: 133, 'mobility-header': 135,
    'Mobility-Header': 135, udplite: 136, UDPLite: 136, 'mpls-in-ip': 137, 'MPLS-in-IP': 137, manet: 138, hip: 139, HIP: 139, shim6: 140,
    Shim6: 140, wesp: 141, WESP: 141, rohc: 142, ROHC: 142, ethernet: 143, Ethernet: 143,
    // nft keywords it accepts as protocol values
    icmpv6: 58, comp: 108,
  }),
);

/** How nft names the protocol numbers it compares, in "conflicting protocols specified". */
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'icmp'],
  [2, 'igmp'],
  [6, 'tcp'],
  [17, 'udp'],
  [33, 'dccp'],
  [50, 'esp'],
  [51, 'ah'],
  [58, 'icmpv6'],
  [108, 'comp'],
  [132, 'sctp'],
  [136, 'udplite'],
]);

/** Port Lens's protocol for a transport nft names. */
function transportProtocol(name: string | undefined): Protocol | undefined {
  return name === 'tcp' || name === 'udp' || name === 'sctp' || name === 'dccp' ? name : undefined;
}

/** A protocol value (`tcp`, `6`, `0x11`, `IPv6-ICMP`) as its number, or undefined when nft cannot resolve it. */
function ipProtocolNumber(text: string): number | undefined {
  if (HEX.test(text) || OCTAL.test(text) || DECIMAL.test(text)) {
    const value = HEX.test(text) ? numberValue(text.slice(2), 16) : OCTAL.test(text) ? numberValue(text, 8) : numberValue(text, 10);
    return value <= 255 ? value : undefined;
  }
  return IP_PROTOCOLS.get(text);
}

/** `meta` keys; the first group may also be written without `meta`. */
const UNQUALIFIED_META_KEYS: ReadonlySet<string> = new Set([
  'mark', 'iif', 'iifname', 'iiftype', 'oif', 'oifname', 'oiftype', 'skuid', 'skgid', 'nftrace', 'rtclassid', 'ibriport', 'obriport', 'ibrname', 'obrname', 'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup',
]);
const META_KEYS: ReadonlySet<string> = new Set([
  ...UNQUALIFIED_META_KEYS, 'length', 'nfproto', 'l4proto', 'protocol', 'priority', 'random', 'ipsec', 'secpath', 'iifkind', 'oifkind', 'ibrpvid', 'ibrvproto', 'time', 'day', 'hour', 'secmark', 'sdif', 'sdifname', 'broute',
]);

/** `ct` keys read with a single value; others (`ct original saddr`, `ct count`) are not modelled. */
const CT_KEYS: ReadonlySet<string> = new Set(['state', 'direction', 'status', 'mark', 'expiration', 'helper', 'l3proto', 'protocol', 'label', 'zone', 'event', 'id', 'bytes', 'packets', 'avgpkt', 'timeout', 'expectation']);
const CT_STATES: ReadonlySet<string> = new Set(['new', 'established', 'related', 'invalid', 'untracked']);

/** Statements that end a rule's evaluation: nft refuses anything after them but a comment. */
const TERMINAL_STATEMENTS: ReadonlySet<string> = new Set(['accept', 'drop', 'reject', 'return', 'jump', 'goto', 'dnat', 'snat', 'masquerade', 'redirect']);

/**
 * Keywords that start expressions or statements whose arguments Port Lens does not model: checking
 * of the rule stops there, so nothing nft accepts after them is refused.
 */
const UNMODELLED_STARTERS: ReadonlySet<string> = new Set([
  'fib', 'rt', 'rt0', 'rt2', 'srh', 'hbh', 'frag', 'dst', 'mh', 'exthdr', 'socket', 'osf', 'numgen', 'jhash', 'symhash', 'ipsec', 'tunnel', 'vxlan', 'geneve', 'gre', 'gretap',
  'dup', 'fwd', 'synproxy', 'flow', 'meter', 'quota', 'last', 'xt', 'tproxy', 'secmark', 'queue', 'add', 'update', 'delete', 'set', 'time', 'day', 'hour', 'vlan', 'arp', 'igmp',
  'ah', 'esp', 'comp', 'icmpv6',
]);

/** Statements that cannot be a value: a match written without one runs into them. */
const VALUE_BREAKERS: ReadonlySet<string> = new Set([...TERMINAL_STATEMENTS, 'continue', 'comment', 'counter', 'log', 'limit', 'notrack', 'queue']);

/**
 * Keywords nft's grammar never takes as a value, so a define cannot hold them. `dnat`, `snat` and
 * `redirect` are missing on purpose: nft accepts them there.
 */
const NOT_A_VALUE: ReadonlySet<string> = new Set(
  [
    ...VALUE_BREAKERS, ...UNQUALIFIED_META_KEYS, 'tproxy', 'time', 'day', 'hour', 'meta', 'ct', 'th', 'jump', 'goto', 'reject', 'flow', 'meter', 'quota', 'synproxy', 'fib', 'rt', 'socket', 'osf',
    'numgen', 'jhash', 'symhash', 'ipsec', 'dup', 'fwd', 'xt', 'secmark', 'add', 'update', 'delete', 'set',
  ].filter((word) => word !== 'dnat' && word !== 'snat' && word !== 'redirect'),
);

/** Everything that starts an expression or a statement in a rule. */
const RULE_STARTERS: ReadonlySet<string> = new Set([...UNMODELLED_STARTERS, ...VALUE_BREAKERS, ...PAYLOAD_FIELDS.keys(), ...PAYLOAD_TRANSPORT.keys(), ...UNQUALIFIED_META_KEYS, 'meta', 'ct', 'reject']);

/** Datatypes a set may be declared with (`type inet_service`), as nft 1.0 knows them. */
const SET_DATATYPES: ReadonlySet<string> = new Set([
  'nf_proto', 'ipv4_addr', 'ipv6_addr', 'ether_addr', 'ether_type', 'arp_op', 'inet_proto', 'inet_service', 'icmp_type', 'tcp_flag', 'dccp_pkttype', 'mh_type', 'time', 'mark', 'iface_index',
  'iface_type', 'realm', 'classid', 'uid', 'gid', 'ct_state', 'ct_dir', 'ct_status', 'icmpv6_type', 'icmp_code', 'icmpv6_code', 'icmpx_code', 'devgroup', 'dscp', 'ecn', 'fib_addrtype', 'boolean',
  'ifname', 'igmp_type', 'cgroupsv2', 'pkt_type', 'verdict',
]);

const SET_FLAGS: ReadonlySet<string> = new Set(['constant', 'interval', 'timeout', 'dynamic']);
/** A set's other settings, with how many values each takes. */
const SET_SETTINGS: ReadonlyMap<string, number> = new Map([
  ['timeout', 1],
  ['gc-interval', 1],
  ['size', 1],
  ['policy', 1],
  ['auto-merge', 0],
  ['comment', 1],
  ['counter', 0],
]);

const CHAIN_TYPES: ReadonlySet<string> = new Set(['filter', 'nat', 'route']);

/** The hooks each family has. */
const FAMILY_HOOKS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['ip', new Set(['prerouting', 'input', 'forward', 'output', 'postrouting'])],
  ['ip6', new Set(['prerouting', 'input', 'forward', 'output', 'postrouting'])],
  ['inet', new Set(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress'])],
  ['arp', new Set(['input', 'output'])],
  ['bridge', new Set(['prerouting', 'input', 'forward', 'output', 'postrouting'])],
  ['netdev', new Set(['ingress', 'egress'])],
]);

/** Named chain priorities, with the hooks each one is valid for (`undefined`: every hook of the family). */
const IP_PRIORITIES: ReadonlyMap<string, ReadonlySet<string> | undefined> = new Map([
  ['raw', undefined],
  ['mangle', undefined],
  ['filter', undefined],
  ['security', undefined],
  ['dstnat', new Set(['prerouting'])],
  ['srcnat', new Set(['postrouting'])],
]);
const FAMILY_PRIORITIES: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string> | undefined>> = new Map([
  ['ip', IP_PRIORITIES],
  ['ip6', IP_PRIORITIES],
  ['inet', IP_PRIORITIES],
  [
    'bridge',
    new Map([
      ['filter', undefined],
      ['dstnat', new Set(['prerouting'])],
      ['out', new Set(['output'])],
      ['srcnat', new Set(['postrouting'])],
    ]),
  ],
  ['arp', new Map([['filter', undefined]])],
  ['netdev', new Map([['filter', undefined]])],
]);

/** A tcp flag (or a number), or flags joined by `|` in parentheses: `syn`, `(syn|ack)`. */
const TCP_FLAG_VALUE = /^\(*(?:fin|syn|rst|psh|ack|urg|ecn|cwr|0x[0-9a-fA-F]+|[0-9]+(?:-[0-9]+)?)(?:\|(?:fin|syn|rst|psh|ack|urg|ecn|cwr|0x[0-9a-fA-F]+|[0-9]+))*\)*$|^\$/;
const TCP_FLAG_OPERATORS: ReadonlySet<string> = new Set(['==', '!=', 'eq', 'ne', '<', '>', '<=', '>=', 'lt', 'gt', 'le', 'ge', '&', '|', 'and', 'or', '/', '!', 'not', '(', ')', '|(']);

const LOG_LEVELS: ReadonlySet<string> = new Set(['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit']);
const RATE = /^[0-9]+\/(?:second|minute|hour|day|week)$/;
const BYTE_RATE_UNIT = /^(?:bytes|kbytes|mbytes)\/(?:second|minute|hour|day|week)$/;
const BURST_UNITS: ReadonlySet<string> = new Set(['packets', 'bytes', 'kbytes', 'mbytes']);
const REJECT_CODES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['icmp', new Set(['net-unreachable', 'host-unreachable', 'prot-unreachable', 'port-unreachable', 'net-prohibited', 'host-prohibited', 'admin-prohibited', 'frag-needed'])],
  ['icmpv6', new Set(['no-route', 'admin-prohibited', 'addr-unreachable', 'port-unreachable', 'policy-fail', 'reject-route'])],
  ['icmpx', new Set(['no-route', 'port-unreachable', 'host-unreachable', 'admin-prohibited'])],
]);

const VERDICTS: ReadonlyMap<string, FirewallAction> = new Map([
  ['accept', 'allow'],
  ['drop', 'deny'],
  ['reject', 'reject'],
  ['return', 'jump'],
  ['continue', 'other'],
  ['queue', 'other'],
]);

const NAT_STATEMENTS: ReadonlySet<string> = new Set(['dnat', 'snat', 'redirect', 'masquerade']);

const NEGATIONS: ReadonlySet<string> = new Set(['!=', 'ne']);
const EQUALITIES: ReadonlySet<string> = new Set(['==', 'eq']);
const COMPARISONS: ReadonlyMap<string, (value: number) => [number, number]> = new Map([
  ['<', (value: number): [number, number] => [0, value - 1]],
  ['lt', (value: number): [number, number] => [0, value - 1]],
  ['<=', (value: number): [number, number] => [0, value]],
  ['le', (value: number): [number, number] => [0, value]],
  ['>', (value: number): [number, number] => [value + 1, MAX_PORT]],
  ['gt', (value: number): [number, number] => [value + 1, MAX_PORT]],
  ['>=', (value: number): [number, number] => [value, MAX_PORT]],
  ['ge', (value: number): [number, number] => [value, MAX_PORT]],
]);
const BITWISE_OPERATORS: ReadonlySet<string> = new Set(['&', '|', '^', 'and', 'or', 'xor', '<<', '>>', 'lshift', 'rshift']);

/** How deeply defines may refer to other defines before the chain is treated as unresolved. */
const MAX_DEFINE_DEPTH = 8;
const ANY_SOURCE: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);
const IPV4_ADDRESS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d+))?$/;
/** IPv6-looking: hex digits, colons and dots (tested together with a colon check, to stay linear). */
const IPV6_CHARACTERS = /^[0-9A-Fa-f:.]+(?:\/\d+)?$/;

// ---------------------------------------------------------------------------------------------
// Values: ports, ranges, sets, variables
// ---------------------------------------------------------------------------------------------

/** A value put together from several tokens (`22 - 80`), whose digits are not one stretch of the text. */
interface JoinedToken extends Token {
  readonly joined: true;
}

function isJoined(token: Token): token is JoinedToken {
  return (token as Partial<JoinedToken>).joined === true;
}

function joinTokens(parts: readonly Token[]): Token {
  const text = parts.map((part) => part.text).join('');
  return { kind: 'word', text, start: parts[0].start, end: parts[parts.length - 1].end, joined: true } as JoinedToken;
}

/**
 * The value starting at `tokens[index]`. nft's scanner reads a range's dash on its own, so
 * `22 - 80`, `22 -80` and `22- 80` are all the range 22-80; they become one token here.
 */
function valueAt(tokens: readonly Token[], index: number): { token: Token; next: number } | undefined {
  const first = tokens[index];
  if (!first) {
    return undefined;
  }
  const second = tokens[index + 1];
  const third = tokens[index + 2];
  if ((first.kind === 'word' || first.kind === 'string') && second?.kind === 'word' && second.text === '-' && (third?.kind === 'word' || third?.kind === 'string')) {
    return { token: joinTokens([first, second, third]), next: index + 3 };
  }
  if (first.kind === 'word' && second?.kind === 'word') {
    if ((first.text.endsWith('-') && first.text.length > 1 && !first.text.slice(0, -1).includes('-')) || (second.text.startsWith('-') && second.text.length > 1 && !first.text.includes('-'))) {
      return { token: joinTokens([first, second]), next: index + 2 };
    }
  }
  return { token: first, next: index + 1 };
}

/** Parses a port value token; a quoted one is a single service string. */
function portOf(token: Token): PortValue {
  return parseNftPort(token.text, token.kind === 'string');
}

/** One element of a set or define: the token that holds the port and, for verdict maps, its verdict. */
interface Element {
  readonly token: Token;
  readonly verdict?: Verdict;
}

interface Verdict {
  readonly action: FirewallAction;
  readonly target: string;
}

/**
 * Splits `{ a, b, c }` starting at `tokens[open]` into the tokens of each element. Returns them and
 * the index after the closing brace. Nested braces (rare in port sets) are kept whole in their element.
 */
function setElements(tokens: readonly Token[], open: number): { elements: Token[][]; next: number; closed: boolean } {
  const elements: Token[][] = [];
  let index = open + 1;
  let current: Token[] = [];
  while (index < tokens.length) {
    const token = tokens[index];
    if (token.kind === '}') {
      if (current.length > 0) {
        elements.push(current);
      }
      return { elements, next: index + 1, closed: true };
    }
    if (token.kind === '{') {
      const end = skipBraces(tokens, index);
      for (let k = index; k < end; k++) {
        current.push(tokens[k]);
      }
      index = end;
      continue;
    }
    if (token.kind === ',') {
      if (current.length > 0) {
        elements.push(current);
      }
      current = [];
    } else {
      current.push(token);
    }
    index++;
  }
  if (current.length > 0) {
    elements.push(current);
  }
  return { elements, next: index, closed: false };
}

/** Elements of `{ … }` at `tokens[open]`, each with its verdict in a verdict map. */
function readSet(tokens: readonly Token[], open: number, withVerdicts: boolean): { elements: Element[]; next: number } {
  const { elements, next } = setElements(tokens, open);
  return { elements: elements.map((element) => toElement(element, withVerdicts)), next };
}

function skipBraces(tokens: readonly Token[], open: number): number {
  let depth = 0;
  for (let index = open; index < tokens.length; index++) {
    if (tokens[index].kind === '{') {
      depth++;
    } else if (tokens[index].kind === '}') {
      depth--;
      if (depth === 0) {
        return index + 1;
      }
    }
  }
  return tokens.length;
}

/** Splits words at colons, which nft reads on their own: `22:accept` is `22`, `:`, `accept`. */
function splitColons(tokens: readonly Token[]): Token[] {
  const split: Token[] = [];
  for (const token of tokens) {
    const colon = token.kind === 'word' && token.text !== ':' ? token.text.indexOf(':') : -1;
    if (colon < 0) {
      split.push(token);
      continue;
    }
    let from = 0;
    for (let at = colon; at >= 0; at = token.text.indexOf(':', from)) {
      if (at > from) {
        split.push({ kind: 'word', text: token.text.slice(from, at), start: token.start + from, end: token.start + at });
      }
      split.push({ kind: 'word', text: ':', start: token.start + at, end: token.start + at + 1 });
      from = at + 1;
    }
    if (from < token.text.length) {
      split.push({ kind: 'word', text: token.text.slice(from), start: token.start + from, end: token.end });
    }
  }
  return split;
}

/**
 * One set element: `80` or `80 timeout 1h` (the value is the key), or in a verdict map
 * `22 : accept`, `22: jump web`, `22:drop` (the key comes before the colon and the verdict after it).
 */
function toElement(tokens: readonly Token[], withVerdicts: boolean): Element {
  const parts = withVerdicts ? splitColons(tokens) : tokens;
  const key = valueAt(parts, 0);
  if (!key) {
    return { token: tokens[0] };
  }
  if (!withVerdicts) {
    return { token: key.token };
  }
  const colon = parts.findIndex((part, index) => index >= key.next - 1 && part.text === ':');
  const words = colon < 0 ? [] : parts.slice(colon + 1).map((part) => part.text);
  const verdict = verdictOf(words, 0);
  return { token: key.token, ...(verdict ? { verdict: verdict.verdict } : {}) };
}

function verdictOf(words: readonly string[], index: number): { verdict: Verdict; next: number } | undefined {
  const word = words[index];
  if (word === 'jump' || word === 'goto') {
    const chain = words[index + 1];
    return chain ? { verdict: { action: 'jump', target: chain }, next: index + 2 } : undefined;
  }
  const action = word === undefined ? undefined : VERDICTS.get(word);
  return action ? { verdict: { action, target: word }, next: index + 1 } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Rules: their ports
// ---------------------------------------------------------------------------------------------

/**
 * Where a port value came from in a rule: literal elements (a single value, an anonymous set or verdict
 * map, any of which may be a `$define`), a named set or map, or a comparison.
 */
type MatchValue =
  | { readonly kind: 'elements'; readonly elements: readonly Element[] }
  | { readonly kind: 'named'; readonly name: string; readonly token: Token }
  | { readonly kind: 'comparison'; readonly operator: string; readonly token: Token };

interface PortMatch {
  readonly protocol: Protocol;
  readonly sourcePort: boolean;
  readonly negated: boolean;
  readonly value: MatchValue;
}

interface NatTarget {
  readonly statement: string;
  readonly token: Token;
  /** The port part, where the target has one. */
  readonly port?: Token;
  /** The address, when the target is not written `ADDRESS:PORT`. */
  readonly address?: string;
}

interface Rule {
  readonly matches: PortMatch[];
  readonly natTargets: NatTarget[];
  source: string | null;
  verdict?: Verdict;
  natStatement?: string;
  /** The transport named by `meta l4proto`/`ip protocol`, for `th` matches. */
  transport?: Protocol;
}

/** Reads one rule's expressions and statements. */
function readRule(tokens: readonly Token[], text: string): Rule {
  const rule: Rule = { matches: [], natTargets: [], source: null };
  const words = tokens.map((token) => token.text);
  let index = 0;
  while (index < tokens.length) {
    const word = words[index];
    const next = words[index + 1];
    const protocol = MATCH_PROTOCOLS.get(word);
    if (protocol !== undefined && (next === 'dport' || next === 'sport') && tokens[index + 1].kind === 'word') {
      index = readMatch(tokens, index + 2, protocol, next === 'sport', rule);
      continue;
    }
    if ((word === 'ip' || word === 'ip6') && next === 'saddr') {
      index = readSource(tokens, index + 2, text, rule);
      continue;
    }
    if ((word === 'meta' && next === 'l4proto') || (word === 'ip' && next === 'protocol') || (word === 'ip6' && next === 'nexthdr')) {
      const number = ipProtocolNumber(words[index + 2] ?? '');
      const value = transportProtocol(number === undefined ? undefined : PROTOCOL_NAMES.get(number));
      if (value) {
        rule.transport = value;
      }
      index += 3;
      continue;
    }
    if (NAT_STATEMENTS.has(word)) {
      index = readNat(tokens, index, rule);
      continue;
    }
    const verdict = verdictOf(words, index);
    if (verdict && tokens[index].kind === 'word') {
      rule.verdict = verdict.verdict;
      index = verdict.next;
      continue;
    }
    index++;
  }
  return rule;
}

/**
 * `ip saddr . tcp dport @pairs`: a concatenated key matches tuples, not single ports or sources. Returns
 * where reading continues when the selector before `start` is part of one, `undefined` otherwise.
 */
function concatenationEnd(tokens: readonly Token[], start: number): number | undefined {
  if (tokens[start]?.text === '.') {
    return start;
  }
  if (tokens[start - 3]?.text === '.') {
    return tokens[start]?.kind === '{' ? skipBraces(tokens, start) : start + 1;
  }
  return undefined;
}

function readMatch(tokens: readonly Token[], start: number, protocol: Protocol, sourcePort: boolean, rule: Rule): number {
  const concatenated = concatenationEnd(tokens, start);
  if (concatenated !== undefined) {
    return concatenated;
  }
  let index = start;
  let negated = false;
  const operator = tokens[index]?.text;
  if (operator !== undefined && NEGATIONS.has(operator)) {
    negated = true;
    index++;
  } else if (operator !== undefined && EQUALITIES.has(operator)) {
    index++;
  } else if (operator !== undefined && COMPARISONS.has(operator)) {
    // `< { 1024 }`: nft compares with the one element of a set; it refuses a set of several.
    const braced = tokens[index + 1]?.kind === '{' ? setElements(tokens, index + 1) : undefined;
    const value = braced ? (braced.elements.length === 1 ? valueAt(braced.elements[0], 0) : undefined) : valueAt(tokens, index + 1);
    if (value && value.token.kind !== '{') {
      rule.matches.push({ protocol, sourcePort, negated, value: { kind: 'comparison', operator, token: value.token } });
    }
    return braced ? braced.next : (value?.next ?? index + 1);
  }
  const token = tokens[index];
  if (!token) {
    return index;
  }
  if (token.text === 'set' || token.text === 'map') {
    // `tcp dport set 8080` rewrites the header; `tcp dport map { … }` feeds a NAT statement.
    return tokens[index + 1]?.kind === '{' ? skipBraces(tokens, index + 1) : index + 2;
  }
  if (token.text === 'vmap') {
    const map = tokens[index + 1];
    if (map?.text.startsWith('@')) {
      rule.matches.push({ protocol, sourcePort, negated, value: { kind: 'named', name: map.text.slice(1), token: map } });
      return index + 2;
    }
    if (map?.kind !== '{') {
      return index + 2;
    }
    const { elements, next } = readSet(tokens, index + 1, true);
    rule.matches.push({ protocol, sourcePort, negated, value: { kind: 'elements', elements } });
    return next;
  }
  if (token.kind === '{') {
    const { elements, next } = readSet(tokens, index, false);
    rule.matches.push({ protocol, sourcePort, negated, value: { kind: 'elements', elements } });
    return next;
  }
  if (token.text.startsWith('@')) {
    rule.matches.push({ protocol, sourcePort, negated, value: { kind: 'named', name: token.text.slice(1), token } });
    return index + 1;
  }
  const value = valueAt(tokens, index);
  if (value && (value.token.kind === 'word' || value.token.kind === 'string') && !VALUE_BREAKERS.has(value.token.text) && !RULE_STARTERS.has(value.token.text)) {
    rule.matches.push({ protocol, sourcePort, negated, value: { kind: 'elements', elements: [{ token: value.token }] } });
    return value.next;
  }
  return index;
}

function readSource(tokens: readonly Token[], start: number, text: string, rule: Rule): number {
  const concatenated = concatenationEnd(tokens, start);
  if (concatenated !== undefined) {
    return concatenated;
  }
  let index = start;
  let negated = false;
  if (NEGATIONS.has(tokens[index]?.text ?? '')) {
    negated = true;
    index++;
  } else if (EQUALITIES.has(tokens[index]?.text ?? '')) {
    index++;
  }
  const token = tokens[index];
  if (!token) {
    return index;
  }
  let written: string;
  let next: number;
  if (token.kind === '{') {
    next = skipBraces(tokens, index);
    written = text.slice(token.start, tokens[next - 1].end);
  } else {
    written = token.text;
    next = index + 1;
  }
  rule.source = !negated && ANY_SOURCE.has(written) ? null : `${negated ? '!' : ''}${written}`;
  return next;
}

/**
 * The target of a NAT statement: `ADDRESS:PORT`, where blanks may sit around the colon and around
 * the dash of a port range (`10.0.0.2 : 8000 - 8010`), as nft's scanner reads both on their own.
 */
function natTargetAt(tokens: readonly Token[], index: number): { token: Token; next: number } | undefined {
  const first = tokens[index];
  if (!first || first.kind !== 'word') {
    return undefined;
  }
  const parts = [first];
  let next = index + 1;
  const second = tokens[next];
  if (second?.kind === 'word' && !first.text.startsWith('[') && (second.text === ':' || second.text.startsWith(':') || first.text.endsWith(':'))) {
    const third = tokens[next + 1];
    if (second.text === ':' && third?.kind === 'word') {
      parts.push(second, third);
      next += 2;
    } else if (second.text !== ':') {
      parts.push(second);
      next++;
    }
  }
  const last = parts[parts.length - 1];
  const dash = tokens[next];
  if (dash?.kind === 'word' && (last.text.includes(':') || parts.length > 1)) {
    const after = tokens[next + 1];
    if (dash.text === '-' && after?.kind === 'word') {
      parts.push(dash, after);
      next += 2;
    } else if ((dash.text.startsWith('-') && dash.text.length > 1) || (last.text.endsWith('-') && dash.text.length > 0)) {
      parts.push(dash);
      next++;
    }
  } else if (dash?.kind === 'word' && /^:?[0-9A-Za-z]/.test(last.text) && !last.text.includes('.') && (dash.text === '-' || dash.text.startsWith('-'))) {
    // `redirect to 8000 - 8010`
    const after = tokens[next + 1];
    if (dash.text === '-' && after?.kind === 'word') {
      parts.push(dash, after);
      next += 2;
    } else if (dash.text.length > 1) {
      parts.push(dash);
      next++;
    }
  }
  return { token: parts.length === 1 ? first : joinTokens(parts), next };
}

/** `dnat [ip|ip6] to ADDRESS[:PORT]`, `snat …`, `redirect to :PORT`, `masquerade to :PORT`. */
function readNat(tokens: readonly Token[], start: number, rule: Rule): number {
  const statement = tokens[start].text;
  rule.natStatement = statement;
  let index = start + 1;
  const family = FAMILIES.has(tokens[index]?.text ?? '');
  if (family) {
    index++;
  }
  if (tokens[index]?.text === 'addr' && tokens[index + 1]?.text === '.' && tokens[index + 2]?.text === 'port' && tokens[index + 3]?.text === 'to') {
    // `dnat ip addr . port to 10.0.0.2 . 8080`: the port follows the address after a dot.
    const address = tokens[index + 4];
    const port = tokens[index + 6];
    if (address?.kind === 'word' && tokens[index + 5]?.text === '.' && port?.kind === 'word') {
      rule.natTargets.push({ statement, token: joinTokens([address, tokens[index + 5], port]), port, address: address.text });
      return index + 7;
    }
    return index + 4;
  }
  if (tokens[index]?.text === 'prefix' || tokens[index]?.text === 'interval') {
    index++;
  }
  if (tokens[index]?.text === 'to') {
    index++;
  } else if (family || (statement !== 'dnat' && statement !== 'snat') || !tokens[index] || RULE_STARTERS.has(tokens[index].text) || VALUE_BREAKERS.has(tokens[index].text)) {
    return index; // `dnat 10.0.0.2` takes its address without `to`; anything else needs it
  }
  const target = natTargetAt(tokens, index);
  if (!target) {
    return index;
  }
  const port = natPortOf(statement, target.token);
  rule.natTargets.push({ statement, token: target.token, ...(port ? { port } : {}) });
  return target.next;
}

/** The port part of a NAT target: after the colon, or all of it for `redirect to 8080`. */
function natPortOf(statement: string, target: Token): Token | undefined {
  const text = target.text;
  if (statement === 'redirect' || statement === 'masquerade') {
    const offset = text.startsWith(':') ? 1 : 0;
    return offset === 0 ? target : sliceToken(target, offset);
  }
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    return close >= 0 && text[close + 1] === ':' ? sliceToken(target, close + 2) : undefined;
  }
  const colon = text.indexOf(':');
  if (colon < 0 || text.indexOf(':', colon + 1) >= 0) {
    return undefined;
  }
  return sliceToken(target, colon + 1);
}

/** The rest of a token from `offset`; a joined token keeps its whole span, since blanks may sit inside it. */
function sliceToken(token: Token, offset: number): Token {
  const text = token.text.slice(offset);
  if (isJoined(token)) {
    return { kind: 'word', text, start: token.end - text.length >= token.start ? token.end - text.length : token.start, end: token.end, joined: true } as JoinedToken;
  }
  return { kind: 'word', text, start: token.start + offset, end: token.end };
}

/** The address part of a NAT target, if it has one. */
function natAddressOf(statement: string, target: Token): string | undefined {
  if (statement === 'redirect' || statement === 'masquerade') {
    return undefined;
  }
  const text = target.text;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    return close >= 0 ? text.slice(1, close) : text;
  }
  const colon = text.indexOf(':');
  if (colon >= 0 && text.indexOf(':', colon + 1) < 0) {
    return colon === 0 ? undefined : text.slice(0, colon);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// What nft refuses in a rule
// ---------------------------------------------------------------------------------------------

/** What a set's key holds, as far as port matches care. */
type SetKey = 'port' | 'ipv4' | 'ipv6' | 'other' | 'unknown';

interface SetInfo {
  readonly map: boolean;
  key: SetKey;
  verdictMap: boolean;
  interval: boolean;
  /** `auto-merge`: nft merges overlapping ranges instead of refusing them. */
  autoMerge: boolean;
  /** The port ranges of an interval set, checked for overlaps once the whole file is read. */
  readonly spans: SpanEntry[];
}

interface ChainInfo {
  readonly hook?: string;
  readonly type?: string;
}

interface TableInfo {
  readonly family: string;
  readonly sets: Map<string, SetInfo>;
  readonly chains: Map<string, ChainInfo>;
}

/** What a rule is checked against. */
interface RuleScope {
  /** The table's family; undefined for a rule added to a table this file does not define. */
  readonly family?: string;
  readonly table?: TableInfo;
  readonly tableName?: string;
  /** The file includes no other file, so what it does not define does not exist. */
  readonly complete: boolean;
  /** Resolves `$NAME` as the rule sees it. */
  readonly variable: (name: string) => readonly Element[] | undefined;
}

const SYNTAX = 'parse-error';

function undefinedVariable(name: string): string {
  return `unknown identifier '${shortText(name)}': no define before this rule sets it, so nft refuses the file (define it, or include the file that does)`;
}

function unexpected(token: Token, why = ''): string {
  return `syntax error, unexpected ${describeToken(token)}${why ? `: ${why}` : ''}`;
}

/** The key a set declared with `type …` or `typeof …` has. */
function setKeyOf(words: readonly string[]): SetKey {
  if (words[0] === 'typeof') {
    if (MATCH_PROTOCOLS.has(words[1] ?? '') || words[1] === 'udplite') {
      return words[2] === 'dport' || words[2] === 'sport' ? (words.length === 3 || words[3] === ':' ? 'port' : 'other') : 'other';
    }
    if ((words[1] === 'ip' || words[1] === 'ip6') && (words[2] === 'saddr' || words[2] === 'daddr') && (words.length === 3 || words[3] === ':')) {
      return words[1] === 'ip' ? 'ipv4' : 'ipv6';
    }
    return 'other';
  }
  const type = words[1];
  if (words.length > 2 && words[2] !== ':') {
    return 'other'; // a concatenation
  }
  return type === 'inet_service' ? 'port' : type === 'ipv4_addr' ? 'ipv4' : type === 'ipv6_addr' ? 'ipv6' : 'other';
}

/** A port range of a set element, where it is written, and its place in the file. */
interface SpanEntry {
  readonly span: readonly [number, number];
  readonly token: Token;
  readonly order: number;
}

/**
 * The later of the first two entries that overlap when `allowed` does not excuse them (nft lets the
 * same range be written twice). Sorting first keeps a set of a hundred thousand elements quick.
 */
function overlapping<T extends SpanEntry>(entries: readonly T[], allowed: (a: T, b: T) => boolean): T | undefined {
  const sorted = [...entries].sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1]);
  let widest: T | undefined;
  for (const entry of sorted) {
    if (widest && entry.span[0] <= widest.span[1] && !allowed(widest, entry)) {
      return entry.order > widest.order ? entry : widest;
    }
    if (!widest || entry.span[1] > widest.span[1]) {
      widest = entry;
    }
  }
  return undefined;
}

function sameSpan(a: SpanEntry, b: SpanEntry): boolean {
  return a.span[0] === b.span[0] && a.span[1] === b.span[1];
}

/**
 * The first key of an anonymous verdict map that overlaps another: nft refuses overlapping ranges,
 * and the same key twice unless both give the same verdict.
 */
function conflictingMapKey(elements: readonly Token[][]): Token | undefined {
  const entries: (SpanEntry & { verdict: string })[] = [];
  for (const element of elements) {
    const parts = splitColons(element);
    const key = valueAt(parts, 0);
    const colon = parts.findIndex((part) => part.text === ':');
    const parsed = key ? portOf(key.token) : undefined;
    if (key && parsed?.ok) {
      entries.push({ span: [parsed.port, parsed.endPort], token: key.token, order: entries.length, verdict: parts.slice(colon + 1).map((part) => part.text).join(' ') });
    }
  }
  return overlapping(entries, (a, b) => sameSpan(a, b) && a.verdict === b.verdict)?.token;
}

/**
 * Checks one rule the way nft's parser and evaluator would, as far as Port Lens models nft: the
 * keywords, the values of the matches it knows, the protocols a rule depends on, the verdicts and
 * NAT statements. Port values themselves are checked where their ports are read.
 */
class RuleChecker {
  private index = 0;
  private stopped = false;
  /** The transport protocol the rule has committed to: a name, or several from `meta l4proto { … }`. */
  private transport: readonly string[] | undefined;
  /** The network protocol: the table's family, or the first `ip`/`ip6` match. */
  private network: string | undefined;
  private terminal: Token | undefined;
  private comment = false;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly scope: RuleScope,
    private readonly problems: ScanProblem[],
  ) {
    const family = scope.family;
    this.network = family === 'ip' || family === 'ip6' || family === 'arp' ? family : undefined;
  }

  run(): void {
    while (!this.stopped && this.index < this.tokens.length) {
      this.item();
    }
  }

  private fail(token: Token, code: string, message: string): void {
    this.problems.push(problem(rangeOf(token), code, message));
    this.stopped = true;
  }

  private item(): void {
    const token = this.tokens[this.index];
    if (this.comment) {
      this.fail(token, SYNTAX, unexpected(token, 'a comment must come last in a rule'));
      return;
    }
    if (token.kind !== 'word') {
      this.fail(token, SYNTAX, unexpected(token));
      return;
    }
    const word = token.text;
    if (this.terminal && word !== 'comment') {
      this.fail(token, SYNTAX, `Statement after terminal statement has no effect: nothing but a comment may follow "${this.terminal.text}"`);
      return;
    }
    if (PAYLOAD_FIELDS.has(word)) {
      this.payload(token);
    } else if (word === 'meta') {
      this.meta(token);
    } else if (UNQUALIFIED_META_KEYS.has(word)) {
      this.index++;
      this.value('value', token);
    } else if (word === 'ct') {
      this.ct(token);
    } else if (word === 'accept' || word === 'drop' || word === 'return') {
      this.terminal = token;
      this.index++;
    } else if (word === 'continue') {
      this.index++;
    } else if (word === 'jump' || word === 'goto') {
      this.jump(token);
    } else if (word === 'reject') {
      this.reject(token);
    } else if (word === 'counter') {
      this.counter();
    } else if (word === 'log') {
      this.log();
    } else if (word === 'limit') {
      this.limit(token);
    } else if (word === 'comment') {
      this.commentStatement(token);
    } else if (NAT_STATEMENTS.has(word)) {
      this.nat(token);
    } else if (word === 'notrack') {
      this.index++;
    } else if (UNMODELLED_STARTERS.has(word) || word.startsWith('$') || word.startsWith('@') || word === '(') {
      this.stopped = true;
    } else {
      this.fail(token, SYNTAX, unexpected(token, 'nft has no expression or statement that starts with it'));
    }
  }

  // --- protocols a rule depends on ---

  private needNetwork(name: string, token: Token): boolean {
    if (this.network && this.network !== name) {
      this.fail(token, 'conflicting-protocols', `conflicting protocols specified: ${this.network} vs. ${name}`);
      return false;
    }
    this.network = name;
    return true;
  }

  private needTransport(name: string, token: Token): boolean {
    if (this.network === 'arp') {
      this.fail(token, 'conflicting-protocols', `conflicting protocols specified: arp vs. ${name}: an arp table sees no ${name} header`);
      return false;
    }
    if (this.transport && (this.transport.length !== 1 || this.transport[0] !== name)) {
      const other = this.transport.find((candidate) => candidate !== name) ?? this.transport[0];
      this.fail(token, 'conflicting-protocols', `conflicting protocols specified: ${other} vs. ${name}`);
      return false;
    }
    this.transport = [name];
    return true;
  }

  // --- matches ---

  private payload(token: Token): void {
    const protocol = token.text;
    const field = this.tokens[this.index + 1];
    const known = PAYLOAD_FIELDS.get(protocol) as ReadonlyMap<string, 'port' | 'value' | 'protocol' | 'address' | 'flags' | null>;
    if (!field || field.kind !== 'word' || !known.has(field.text)) {
      const why = field ? `"${field.text}" is not a field of ${protocol}; nft knows ${[...known.keys()].join(', ')}` : `${protocol} needs a field such as ${[...known.keys()].slice(0, 2).join(' or ')}`;
      this.fail(field ?? token, SYNTAX, field ? unexpected(field, why) : `syntax error: ${why}`);
      return;
    }
    if (protocol === 'ip' || protocol === 'ip6') {
      if (!this.needNetwork(protocol, token)) {
        return;
      }
    } else if (this.network === 'arp' && protocol !== 'th') {
      this.fail(token, 'conflicting-protocols', `conflicting protocols specified: arp vs. ${protocol}: an arp table sees no ${protocol} header`);
      return;
    }
    const transport = PAYLOAD_TRANSPORT.get(protocol);
    if (transport && !this.needTransport(transport, token)) {
      return;
    }
    if (protocol === 'icmp' && this.scope.family !== 'ip6') {
      this.network ??= 'ip'; // in an inet table, icmp implies IPv4
    }
    const kind = known.get(field.text);
    this.index += 2;
    if (this.tokens[this.index]?.text === '.' || this.tokens[this.index - 3]?.text === '.') {
      this.stopped = true; // part of a concatenation
      return;
    }
    if (kind === null || kind === undefined) {
      this.skipExpression(this.index); // `tcp option …`: not modelled, but what follows is
      return;
    }
    if (kind === 'flags') {
      this.tcpFlags(field);
      return;
    }
    this.value(kind, field);
  }

  /**
   * `tcp flags syn`, `tcp flags & (syn|ack) == syn`, `tcp flags syn / syn,ack`, `tcp flags { syn, ack }`:
   * flags and operators take turns, so a second value with no operator before it ends the expression.
   */
  private tcpFlags(field: Token): void {
    let index = this.index;
    let values = 0;
    let wantValue = true;
    for (;;) {
      const token = this.tokens[index];
      const isValue = token?.kind === '{' || (token?.kind === 'word' && TCP_FLAG_VALUE.test(token.text));
      const isOperator = token?.kind === ',' || (token?.kind === 'word' && TCP_FLAG_OPERATORS.has(token.text));
      if (isValue && wantValue) {
        index = token.kind === '{' ? skipBraces(this.tokens, index) : index + 1;
        values++;
        wantValue = false;
      } else if (isOperator) {
        index++;
        wantValue = true;
      } else {
        break;
      }
    }
    if (values === 0) {
      const at = this.tokens[index];
      this.fail(at ?? field, SYNTAX, at ? unexpected(at, 'tcp flags needs flags such as syn or ack') : 'syntax error: tcp flags needs flags such as syn or ack');
      return;
    }
    this.index = index;
  }

  private meta(token: Token): void {
    const key = this.tokens[this.index + 1];
    if (!key || key.kind !== 'word' || !META_KEYS.has(key.text)) {
      this.fail(key ?? token, SYNTAX, key ? unexpected(key, `"${key.text}" is not a meta key`) : 'syntax error: meta needs a key such as l4proto or mark');
      return;
    }
    this.index += 2;
    const nfproto = key.text === 'nfproto' ? this.tokens[this.index]?.text : undefined;
    if (nfproto === 'ipv4' || nfproto === 'ipv6') {
      this.network ??= nfproto === 'ipv4' ? 'ip' : 'ip6'; // names the family a NAT address needs
    }
    this.value(key.text === 'l4proto' ? 'protocol' : 'value', key);
  }

  private ct(token: Token): void {
    const key = this.tokens[this.index + 1];
    if (!key || key.kind !== 'word') {
      this.fail(key ?? token, SYNTAX, key ? unexpected(key) : 'syntax error: ct needs a key such as state');
      return;
    }
    if (!CT_KEYS.has(key.text)) {
      if (['original', 'reply', 'count', 'saddr', 'daddr', 'proto-src', 'proto-dst', 'ip', 'ip6'].includes(key.text)) {
        this.stopped = true;
      } else {
        this.fail(key, SYNTAX, unexpected(key, `"${key.text}" is not a ct key`));
      }
      return;
    }
    this.index += 2;
    const status = this.tokens[this.index]?.text;
    if (key.text === 'status' && (status === 'snat' || status === 'dnat')) {
      this.index++; // `ct status dnat`: here the NAT keywords are values
      return;
    }
    this.value(key.text === 'state' ? 'ct-state' : 'value', key);
  }

  /**
   * The value after a selector: an optional operator, then a word, a range, a comma list, an
   * anonymous set, a named set, a variable or a verdict map. `kind` says what the selector compares.
   */
  private value(kind: 'port' | 'value' | 'protocol' | 'address' | 'ct-state', selector: Token): void {
    let index = this.index;
    const operator = this.tokens[index];
    let comparison: string | undefined;
    let negated = false;
    if (operator?.kind === 'word' && (NEGATIONS.has(operator.text) || EQUALITIES.has(operator.text))) {
      negated = NEGATIONS.has(operator.text);
      index++;
    } else if (operator?.kind === 'word' && COMPARISONS.has(operator.text)) {
      comparison = operator.text;
      index++;
    } else if (operator?.kind === 'word' && BITWISE_OPERATORS.has(operator.text)) {
      this.skipExpression(index + 1); // `tcp flags & (syn|ack) == syn`: not modelled, but what follows is
      return;
    } else if (operator?.kind === 'word' && (operator.text === 'set' || operator.text === 'map')) {
      this.stopped = true; // `… set value` statements and data maps are not modelled
      return;
    }
    const token = this.tokens[index];
    if (token?.text === '.' && index === this.index) {
      this.stopped = true; // `meta l4proto . th dport { … }`: a concatenation
      return;
    }
    if (!token || (token.kind === 'word' && (VALUE_BREAKERS.has(token.text) || (kind === 'port' && RULE_STARTERS.has(token.text))))) {
      const why = `${selector.text} needs a value`;
      this.fail(token ?? selector, SYNTAX, token ? unexpected(token, why) : `syntax error: ${why}`);
      return;
    }
    if (token.kind === '{') {
      if (comparison && kind === 'port') {
        const { elements, closed } = setElements(this.tokens, index);
        const single = elements.length === 1 ? valueAt(elements[0], 0) : undefined;
        if (closed && (!single || single.next < elements[0].length)) {
          this.fail(token, 'invalid-port', `Relational expression (${comparison}) is undefined for set expressions: compare with one port`);
          return;
        }
        if (single && single.token.kind === 'word' && !NAME_LEXEME.test(single.token.text) && single.token.text.includes('-')) {
          this.fail(single.token, 'invalid-port', `Relational expression (${comparison}) is undefined for range expressions: compare with a single port, or match the range itself`);
          return;
        }
      }
      this.index = this.anonymousSet(index, kind);
      return;
    }
    if (token.kind === 'word' && token.text === 'vmap') {
      this.index = this.verdictMap(index + 1, kind, token);
      return;
    }
    if (token.kind === 'word' && token.text.startsWith('@')) {
      this.setReference(token, kind, false);
      this.index = index + 1;
      return;
    }
    if (token.kind === 'word' && token.text.startsWith('$')) {
      if (kind === 'port' && this.scope.variable(token.text.slice(1))?.length === 0) {
        this.fail(token, 'invalid-port', `Set is empty: ${token.text} is defined as { }`);
        return;
      }
      if (kind !== 'port' && this.scope.complete && !this.scope.variable(token.text.slice(1))) {
        this.fail(token, 'undefined-variable', undefinedVariable(token.text.slice(1)));
        return;
      }
      this.index = index + 1;
      this.afterValue();
      return;
    }
    if (token.kind !== 'word' && token.kind !== 'string') {
      this.fail(token, SYNTAX, unexpected(token, `${selector.text} needs a value`));
      return;
    }
    const value = valueAt(this.tokens, index) as { token: Token; next: number };
    if (comparison && kind === 'port' && value.token.kind === 'word' && !NAME_LEXEME.test(value.token.text) && value.token.text.includes('-')) {
      this.fail(value.token, 'invalid-port', `Relational expression (${comparison}) is undefined for range expressions: compare with a single port, or match the range itself`);
      return;
    }
    if (kind === 'protocol' && !this.protocolValue(value.token, !negated && !comparison)) {
      return;
    }
    if (kind === 'ct-state' && !this.ctStates([value.token])) {
      return;
    }
    if (kind === 'address' && !this.address(value.token, selector)) {
      return;
    }
    index = value.next;
    if (this.tokens[index]?.kind === ',') {
      if (kind === 'port') {
        this.fail(this.tokens[index], 'invalid-port', 'Basetype of type internet network service is not bitmask: a list of ports needs braces, as in { 22, 80 }');
        return;
      }
      const listed: Token[] = [];
      while (this.tokens[index]?.kind === ',' && (this.tokens[index + 1]?.kind === 'word' || this.tokens[index + 1]?.kind === 'string')) {
        listed.push(this.tokens[index + 1]);
        index += 2;
      }
      if (kind === 'ct-state' && !this.ctStates(listed)) {
        return;
      }
    }
    this.index = index;
    this.afterValue();
  }

  /** A `/` mask after a value is skipped; a `.` concatenation is not modelled. */
  private afterValue(): void {
    const next = this.tokens[this.index]?.text;
    if (next === '/') {
      this.skipExpression(this.index + 1);
    } else if (next === '.' || next === ':') {
      this.stopped = true;
    }
  }

  /** Skips an expression Port Lens does not model, up to the next word that starts an expression or statement. */
  private skipExpression(from: number): void {
    let index = from;
    while (index < this.tokens.length) {
      const token = this.tokens[index];
      if (token.kind === 'word' && (RULE_STARTERS.has(token.text) || VALUE_BREAKERS.has(token.text))) {
        break;
      }
      index = token.kind === '{' ? skipBraces(this.tokens, index) : index + 1;
    }
    this.index = index;
  }

  private protocolValue(token: Token, commits: boolean): boolean {
    const dash = token.text.indexOf('-', 1);
    if (ipProtocolNumber(token.text) === undefined && dash > 0 && ipProtocolNumber(token.text.slice(0, dash)) !== undefined) {
      // `meta l4proto 33-45`: a range of protocols, which commits the rule to none of them
      const last = { ...token, text: token.text.slice(dash + 1) };
      return ipProtocolNumber(last.text) !== undefined || this.protocolValue(last, false);
    }
    const number = ipProtocolNumber(token.text);
    if (number === undefined) {
      const outOfRangeNumber = DIGITS.test(token.text) || HEX.test(token.text);
      this.fail(token, 'invalid-protocol', outOfRangeNumber ? `Protocol out of range: ${shortText(token.text)} is above 255` : `Could not resolve protocol name "${shortText(token.text)}": it is not in /etc/protocols`);
      return false;
    }
    if (commits && !this.transport) {
      this.transport = [PROTOCOL_NAMES.get(number) ?? `protocol ${number}`];
    }
    return true;
  }

  private ctStates(tokens: readonly Token[]): boolean {
    for (const token of tokens) {
      if (token.kind === 'word' && !token.text.startsWith('$') && !CT_STATES.has(token.text)) {
        this.fail(token, SYNTAX, `Could not parse conntrack state "${shortText(token.text)}": nft knows ${[...CT_STATES].join(', ')}`);
        return false;
      }
    }
    return true;
  }

  /** An IPv4 or IPv6 address or prefix: only the prefix length is checked; nft looks anything else up as a host name. */
  private address(token: Token, selector: Token): boolean {
    const family = this.tokens[this.index - 2]?.text === 'ip6' || selector.text === 'ip6' ? 'ip6' : 'ip';
    const slash = token.text.lastIndexOf('/');
    if (slash < 0 || !DIGITS.test(token.text.slice(slash + 1))) {
      return true;
    }
    const length = Number(token.text.slice(slash + 1));
    const width = family === 'ip6' ? 128 : 32;
    if (length > width) {
      this.fail(token, 'invalid-address', `Prefix length ${length} is invalid for type of ${width} bits width`);
      return false;
    }
    return true;
  }

  private anonymousSet(open: number, kind: 'port' | 'value' | 'protocol' | 'address' | 'ct-state'): number {
    const { elements, next, closed } = setElements(this.tokens, open);
    if (!closed) {
      this.stopped = true; // the unclosed brace is reported where the statement is grouped
      return next;
    }
    if (elements.length === 0) {
      this.fail(this.tokens[next - 1], SYNTAX, 'syntax error, unexpected "}": an anonymous set needs at least one element');
      return next;
    }
    if (kind === 'port') {
      for (const element of elements) {
        if (!this.portElement(element)) {
          return next;
        }
      }
    } else if (kind === 'protocol') {
      const names: string[] = [];
      for (const element of elements) {
        const number = ipProtocolNumber(element[0].text);
        if (number === undefined) {
          this.protocolValue(element[0], false);
          return next;
        }
        names.push(PROTOCOL_NAMES.get(number) ?? `protocol ${number}`);
      }
      if (!this.transport) {
        this.transport = [...new Set(names)];
      }
    } else if (kind === 'ct-state') {
      this.ctStates(elements.map((element) => element[0]));
    }
    return next;
  }

  /** A port set element is one value; two values without a comma between them are a syntax error. */
  private portElement(element: readonly Token[]): boolean {
    const value = valueAt(element, 0);
    if (value && value.next < element.length) {
      const extra = element[value.next];
      if (['timeout', 'expires', 'comment', 'counter'].includes(extra.text)) {
        return true;
      }
      this.fail(extra, SYNTAX, unexpected(extra, 'set elements are parted by commas'));
      return false;
    }
    return true;
  }

  private verdictMap(open: number, kind: string, vmap: Token): number {
    const map = this.tokens[open];
    if (map?.kind === 'word' && map.text.startsWith('@')) {
      this.setReference(map, kind, true);
      return open + 1;
    }
    if (!map || map.kind !== '{') {
      this.fail(map ?? vmap, SYNTAX, map ? unexpected(map, 'vmap needs { key : verdict, … } or @map') : 'syntax error: vmap needs { key : verdict, … } or @map');
      return open + 1;
    }
    const { elements, next, closed } = setElements(this.tokens, open);
    if (!closed) {
      this.stopped = true;
      return next;
    }
    if (elements.length === 0) {
      this.fail(this.tokens[next - 1], SYNTAX, 'syntax error, unexpected "}": a verdict map needs at least one element');
      return next;
    }
    for (const element of elements) {
      if (!this.mapElementVerdict(element)) {
        return next;
      }
    }
    if (kind === 'port') {
      const conflict = conflictingMapKey(elements);
      if (conflict) {
        this.fail(conflict, 'interval-conflict', 'conflicting intervals specified: a verdict map gives each port one verdict, and this key overlaps another');
        return next;
      }
    }
    // A verdict map decides the packet's fate, but nft still evaluates what follows it.
    return next;
  }

  /** `key : verdict` in a verdict map; the verdict must be one nft knows. */
  private mapElementVerdict(element: readonly Token[]): boolean {
    const parts = splitColons(element);
    const colon = parts.findIndex((part) => part.text === ':');
    const verdict = colon < 0 ? undefined : parts[colon + 1];
    if (!verdict) {
      const at = parts[parts.length - 1];
      this.fail(at, SYNTAX, unexpected(at, 'a verdict map element is key : verdict'));
      return false;
    }
    return validVerdict(parts, colon + 1, this.scope, (token, code, message) => this.fail(token, code, message));
  }

  private setReference(token: Token, kind: string, asMap: boolean): void {
    const table = this.scope.table;
    if (!table) {
      return;
    }
    const name = token.text.slice(1);
    const info = table.sets.get(name);
    if (!info) {
      if (this.scope.complete) {
        this.fail(token, 'undefined-set', `set "${name}" does not exist in table ${this.scope.tableName ?? ''}: nft refuses the rule (No such file or directory)`);
      }
      return;
    }
    if (asMap && !info.verdictMap) {
      this.fail(token, 'set-type-mismatch', info.map ? `"${name}" is not a verdict map: vmap needs a map of type … : verdict` : `Expression is not a map: "${name}" is a set; vmap needs a map of type … : verdict`);
      return;
    }
    const expected: SetKey | undefined = kind === 'port' ? 'port' : kind === 'address' ? (this.network === 'ip6' || this.tokens[this.index - 2]?.text === 'ip6' ? 'ipv6' : 'ipv4') : undefined;
    if (expected && info.key !== 'unknown' && info.key !== expected) {
      const names: Record<SetKey, string> = { port: 'internet network service', ipv4: 'IPv4 address', ipv6: 'IPv6 address', other: 'another type', unknown: 'an unknown type' };
      this.fail(token, 'set-type-mismatch', `datatype mismatch, expected ${names[expected]}, set "${name}" holds ${names[info.key]}`);
    }
  }

  // --- statements ---

  private jump(token: Token): void {
    const target = this.tokens[this.index + 1];
    if (!target || (target.kind !== 'word' && target.kind !== 'string') || VALUE_BREAKERS.has(target.text)) {
      this.fail(target ?? token, SYNTAX, `syntax error: ${token.text} needs the name of a chain`);
      return;
    }
    this.terminal = token;
    this.index += 2;
    checkJumpTarget(target, this.scope, (at, code, message) => this.fail(at, code, message));
  }

  private reject(token: Token): void {
    this.terminal = token;
    this.index++;
    if (this.network === 'arp') {
      this.fail(token, 'invalid-statement', 'cannot use reject with arp');
      return;
    }
    if (this.tokens[this.index]?.text !== 'with') {
      return;
    }
    const type = this.tokens[this.index + 1];
    if (type?.text === 'tcp') {
      const reset = this.tokens[this.index + 2];
      if (reset?.text !== 'reset') {
        this.fail(reset ?? type, SYNTAX, reset ? unexpected(reset, 'expecting reset') : 'syntax error: reject with tcp needs reset');
        return;
      }
      if (this.transport && (this.transport.length !== 1 || this.transport[0] !== 'tcp')) {
        this.fail(type, 'invalid-statement', `you cannot use tcp reset with this protocol: the rule matches ${this.transport.join(', ')}`);
        return;
      }
      this.index += 3;
      return;
    }
    const codes = type ? REJECT_CODES.get(type.text) : undefined;
    if (!type || !codes) {
      this.fail(type ?? token, SYNTAX, type ? unexpected(type, 'reject with takes icmp, icmpv6, icmpx or tcp reset') : 'syntax error: reject with needs a type');
      return;
    }
    let index = this.index + 2;
    if (this.tokens[index]?.text === 'type') {
      index++;
    }
    const code = this.tokens[index];
    if (!code || (code.kind === 'word' && !codes.has(code.text) && !DIGITS.test(code.text))) {
      this.fail(code ?? type, SYNTAX, code ? `Could not parse ${type.text} code "${shortText(code.text)}"` : `syntax error: reject with ${type.text} needs a code`);
      return;
    }
    if (type.text === 'icmpx' && (this.scope.family === 'ip' || this.scope.family === 'ip6')) {
      this.fail(type, 'invalid-statement', `abstracted ICMP unreachable not supported in an ${this.scope.family} table: use icmp${this.scope.family === 'ip6' ? 'v6' : ''}`);
      return;
    }
    if ((type.text === 'icmp' && this.network === 'ip6') || (type.text === 'icmpv6' && this.network === 'ip')) {
      this.fail(type, 'conflicting-protocols', `conflicting protocols specified: ${this.network} vs ${type.text === 'icmp' ? 'ip' : 'ip6'}`);
      return;
    }
    this.index = index + 1;
  }

  private counter(): void {
    this.index++;
    const next = this.tokens[this.index];
    if (next?.text === 'name') {
      this.stopped = true;
      return;
    }
    for (const unit of ['packets', 'bytes']) {
      if (this.tokens[this.index]?.text === unit) {
        const count = this.tokens[this.index + 1];
        if (!count || !DIGITS.test(count.text)) {
          this.fail(count ?? (this.tokens[this.index] as Token), SYNTAX, count ? unexpected(count, `counter ${unit} needs a number`) : `syntax error: counter ${unit} needs a number`);
          return;
        }
        this.index += 2;
      }
    }
  }

  private log(): void {
    this.index++;
    for (;;) {
      const option = this.tokens[this.index];
      const argument = this.tokens[this.index + 1];
      if (!option || option.kind !== 'word') {
        return;
      }
      if (option.text === 'prefix') {
        if (!argument || (argument.kind !== 'string' && (argument.kind !== 'word' || RULE_STARTERS.has(argument.text) || VALUE_BREAKERS.has(argument.text)))) {
          this.fail(argument ?? option, SYNTAX, argument ? unexpected(argument, 'log prefix needs a string') : 'syntax error: log prefix needs a string');
          return;
        }
      } else if (option.text === 'level') {
        if (!argument || !LOG_LEVELS.has(argument.text)) {
          this.fail(argument ?? option, SYNTAX, argument ? `invalid log level "${shortText(argument.text)}"` : 'syntax error: log level needs a level');
          return;
        }
      } else if (option.text === 'group' || option.text === 'snaplen' || option.text === 'queue-threshold') {
        if (!argument || !DIGITS.test(argument.text)) {
          this.fail(argument ?? option, SYNTAX, `syntax error: log ${option.text} needs a number`);
          return;
        }
      } else if (option.text === 'flags') {
        this.stopped = true;
        return;
      } else {
        return;
      }
      this.index += 2;
    }
  }

  private limit(token: Token): void {
    const rate = this.tokens[this.index + 1];
    if (rate?.text === 'name') {
      this.stopped = true;
      return;
    }
    if (rate?.text !== 'rate') {
      this.fail(rate ?? token, SYNTAX, rate ? unexpected(rate, 'expecting rate') : 'syntax error: limit needs rate');
      return;
    }
    let index = this.index + 2;
    if (this.tokens[index]?.text === 'over') {
      index++;
    }
    const amount = this.tokens[index];
    if (amount && RATE.test(amount.text)) {
      index++;
    } else if (amount && DIGITS.test(amount.text) && BYTE_RATE_UNIT.test(this.tokens[index + 1]?.text ?? '')) {
      index += 2;
    } else {
      this.fail(amount ?? rate, SYNTAX, amount ? unexpected(amount, 'limit rate needs a number per second, minute, hour, day or week, as in 10/second') : 'syntax error: limit rate needs a rate');
      return;
    }
    if (this.tokens[index]?.text === 'burst') {
      const size = this.tokens[index + 1];
      if (!size || !DIGITS.test(size.text)) {
        this.fail(size ?? (this.tokens[index] as Token), SYNTAX, 'syntax error: burst needs a number');
        return;
      }
      index += BURST_UNITS.has(this.tokens[index + 2]?.text ?? '') ? 3 : 2;
    }
    this.index = index;
  }

  private commentStatement(token: Token): void {
    const text = this.tokens[this.index + 1];
    if (!text || (text.kind !== 'string' && text.kind !== 'word')) {
      this.fail(text ?? token, SYNTAX, 'syntax error: comment needs a string');
      return;
    }
    this.comment = true;
    this.index += 2;
  }

  /** `dnat|snat [ip|ip6] to ADDRESS[:PORT]`, `redirect to [:]PORT`, `masquerade [to :PORT]`, and their flags. */
  private nat(token: Token): void {
    const statement = token.text;
    let index = this.index + 1;
    const family = this.tokens[index]?.text === 'ip' || this.tokens[index]?.text === 'ip6' ? this.tokens[index] : undefined;
    if (family) {
      index++;
    }
    const takesAddress = statement === 'dnat' || statement === 'snat';
    if (takesAddress && (this.tokens[index]?.text === 'prefix' || this.tokens[index]?.text === 'interval') && this.tokens[index + 1]?.text === 'to') {
      index++; // `snat prefix to 10.0.0.0/24`, `dnat interval to …`: an address all the same
    }
    const to = this.tokens[index];
    if (to?.text === 'to') {
      index++;
    } else if (!takesAddress) {
      this.terminal = token;
      this.index = this.natFlags(index);
      return;
    } else if (to?.kind === 'word' && (to.text === 'addr' || (!family && RULE_STARTERS.has(to.text) && !VALUE_BREAKERS.has(to.text)))) {
      if (family && this.network && family.text !== this.network) {
        this.fail(family, 'conflicting-protocols', `conflicting protocols specified: ${this.network} vs. ${family.text}. You must specify ip or ip6 family in nat statement`);
        return;
      }
      this.stopped = true; // `dnat ip addr . port to …` and maps are not modelled
      return;
    } else if (family || !to || to.kind !== 'word' || VALUE_BREAKERS.has(to.text)) {
      // Without a family nft takes the address straight after the statement; with one it wants `to`.
      this.fail(to ?? token, SYNTAX, to ? unexpected(to, `${statement} ${family ? `${family.text} ` : ''}needs "to" and an address`) : `syntax error: ${statement} needs an address`);
      return;
    }
    const first = this.tokens[index];
    if (first?.kind === 'word' && (PAYLOAD_FIELDS.has(first.text) || RULE_STARTERS.has(first.text))) {
      this.stopped = true; // a map: `dnat to tcp dport map { … }`
      return;
    }
    const target = natTargetAt(this.tokens, index);
    if (!target) {
      this.fail(first ?? to ?? token, SYNTAX, first ? unexpected(first, `${statement} to needs ${takesAddress ? 'an address' : 'a port'}`) : `syntax error: ${statement} to needs ${takesAddress ? 'an address' : 'a port'}`);
      return;
    }
    const text = target.token.text;
    const address = natAddressOf(statement, target.token);
    const port = natPortOf(statement, target.token);
    if (/^\$[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}$/.test(text)) {
      // nft's scanner reads `A:80` as one word (it looks like a tc class id), so `$A:80` names the variable `A:80`.
      this.fail(target.token, 'undefined-variable', `unknown identifier '${text.slice(1)}': write ${text.slice(0, text.indexOf(':'))} : ${text.slice(text.indexOf(':') + 1)}, with blanks around the colon`);
      return;
    }
    if (statement === 'masquerade' && !text.startsWith(':')) {
      this.fail(target.token, SYNTAX, unexpected(target.token, 'masquerade to takes :PORT'));
      return;
    }
    if (!takesAddress && text.indexOf(':') > 0) {
      this.fail(target.token, SYNTAX, `syntax error: ${statement} takes a port only (to :PORT), not an address`);
      return;
    }
    if (takesAddress && family && address === undefined) {
      this.fail(target.token, SYNTAX, `syntax error, unexpected colon: with ${family.text}, ${statement} needs an address before the port`);
      return;
    }
    if (address !== undefined && !this.natAddressFamily(statement, family, address, target.token)) {
      return;
    }
    if (port && port.text !== '' && !this.transport) {
      this.fail(target.token, 'nat-without-transport', `transport protocol mapping is only valid after transport protocol match: match tcp or udp (tcp dport …, meta l4proto …) before ${statement} to a port`);
      return;
    }
    if (port && port.text === '') {
      this.fail(target.token, SYNTAX, `syntax error: ${statement} to ${text} has a colon but no port after it`);
      return;
    }
    this.terminal = token;
    this.index = this.natFlags(target.next);
  }

  private natAddressFamily(statement: string, family: Token | undefined, address: string, at: Token): boolean {
    const tableFamily = this.scope.family;
    if (tableFamily === 'inet' && !family && !this.network) {
      this.fail(at, 'nat-family', `ip or ip6 must be specified with address for inet tables: write ${statement} ip to … or ${statement} ip6 to …`);
      return false;
    }
    if (family && this.network && family.text !== this.network) {
      this.fail(family, 'conflicting-protocols', `conflicting protocols specified: ${this.network} vs. ${family.text}. You must specify ip or ip6 family in nat statement`);
      return false;
    }
    const wanted = family?.text ?? this.network;
    const kind = IPV4_ADDRESS.test(address) ? 'ip' : address.includes(':') && IPV6_CHARACTERS.test(address) ? 'ip6' : undefined;
    if (wanted && kind && wanted !== kind) {
      this.fail(at, 'nat-family', `Could not resolve hostname: ${address} is an ${kind === 'ip' ? 'IPv4' : 'IPv6'} address, but the ${statement} is for ${wanted}`);
      return false;
    }
    return true;
  }

  private natFlags(start: number): number {
    let index = start;
    while (['random', 'fully-random', 'persistent', ','].includes(this.tokens[index]?.text ?? '')) {
      index++;
    }
    return index;
  }
}

/** A verdict at `parts[index]`: accept, drop, continue, return, or jump/goto with a chain. */
function validVerdict(parts: readonly Token[], index: number, scope: RuleScope, fail: (token: Token, code: string, message: string) => void): boolean {
  const verdict = parts[index];
  if (verdict.text === 'jump' || verdict.text === 'goto') {
    const target = parts[index + 1];
    if (!target) {
      fail(verdict, SYNTAX, `syntax error: ${verdict.text} needs the name of a chain`);
      return false;
    }
    let ok = true;
    checkJumpTarget(target, scope, (token, code, message) => {
      ok = false;
      fail(token, code, message);
    });
    return ok;
  }
  if (!['accept', 'drop', 'continue', 'return', 'queue'].includes(verdict.text) || parts.length > index + 1) {
    const at = parts.length > index + 1 && ['accept', 'drop', 'continue', 'return', 'queue'].includes(verdict.text) ? parts[index + 1] : verdict;
    fail(at, SYNTAX, unexpected(at, 'a verdict is accept, drop, continue, return, jump CHAIN or goto CHAIN'));
    return false;
  }
  return true;
}

/** nft jumps only to a chain of the same table, and never into a base chain (one with a hook). */
function checkJumpTarget(target: Token, scope: RuleScope, fail: (token: Token, code: string, message: string) => void): void {
  const chain = scope.table?.chains.get(target.text);
  if (!scope.table) {
    return;
  }
  if (!chain) {
    if (scope.complete) {
      fail(target, 'undefined-chain', `Could not process rule: chain "${shortText(target.text)}" does not exist in table ${scope.tableName ?? ''}`);
    }
    return;
  }
  if (chain.hook) {
    fail(target, 'invalid-statement', `Could not process rule: "${shortText(target.text)}" is a base chain (it has a hook); nft only jumps to regular chains`);
  }
}

// ---------------------------------------------------------------------------------------------
// Walking the ruleset
// ---------------------------------------------------------------------------------------------

interface ChainContext {
  readonly table?: string;
  readonly chain?: string;
  readonly hook?: string;
  /**
   * A filter chain on the input hook of an `ip`, `ip6` or `inet` table: its policy and its drops
   * guard the host's own ports, which Docker's published ports never pass (they are forwarded).
   */
  readonly guardsInput?: boolean;
}

/** Families whose input hook sees the host's incoming IP traffic. */
const INPUT_FAMILIES: ReadonlySet<string> = new Set(['ip', 'ip6', 'inet']);

/** Rules written longer than this are cut in firewall messages. */
const MAX_RULE_TEXT = 120;

/** The last `policy` of an input filter chain. */
interface ChainPolicy extends InputPolicy {
  readonly chain: string;
}

/** Named sets' elements, by table and name, found before any rule is read. */
class SetElements {
  private readonly sets = new Map<string, Element[]>();
  /** Sets by name alone, for a rule whose table the set's definition did not name the same way. */
  private readonly setsByName = new Map<string, Element[]>();

  add(table: string | undefined, name: string, elements: readonly Element[]): void {
    const key = `${table ?? ''}\u0000${name}`;
    let list = this.sets.get(key);
    if (!list) {
      list = [];
      this.sets.set(key, list);
      if (!this.setsByName.has(name)) {
        this.setsByName.set(name, list);
      }
    }
    for (const element of elements) {
      list.push(element);
    }
  }

  get(table: string | undefined, name: string): readonly Element[] | undefined {
    return this.sets.get(`${table ?? ''}\u0000${name}`) ?? this.setsByName.get(name);
  }
}

/** Whether the file pulls in other files, which may define what it uses. */
function includesFiles(nodes: readonly Node[]): boolean {
  return nodes.some((node) => (node.kind === 'statement' ? node.tokens[0]?.text === 'include' : includesFiles(node.body)));
}

const DEFINE_NAME = /^[A-Za-z_][A-Za-z0-9_\-.]*$/;

const NUMBER_OR_RANGE = /^(?:0[xX][0-9a-fA-F]+|[0-9]+)(?:-(?:0[xX][0-9a-fA-F]+|[0-9]+|[A-Za-z_.][A-Za-z0-9/\-_.]*))?$/;
const IPV4_OR_RANGE = /^[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?:\/[0-9]+)?(?:-[0-9]{1,3}(?:\.[0-9]{1,3}){3})?$/;
const TIME = /^(?:[0-9]+d)?(?:[0-9]+h)?(?:[0-9]+m)?(?:[0-9]+s)?(?:[0-9]+ms)?$/;

/**
 * Whether nft's scanner reads a word starting with a digit, a `-` or a `+` as one value: a number or
 * number range, an address, a time. `22a`, `1e3` and `22.5` are a number followed by a name, which
 * no value allows; `-1` and `+22` start with an operator.
 */
function readsAsOneValue(word: string): boolean {
  if (/^[-+]./.test(word)) {
    return false;
  }
  if (!/^[0-9]/.test(word)) {
    return true;
  }
  return NUMBER_OR_RANGE.test(word) || IPV4_OR_RANGE.test(word) || (word.includes(':') && IPV6_CHARACTERS.test(word)) || TIME.test(word);
}

class NftablesScan {
  readonly references: PortReference[] = [];
  private readonly elements = new SetElements();
  private readonly tables = new Map<string, TableInfo>();
  /** `define`s in force, innermost block last. */
  private readonly defineScopes: Map<string, Element[]>[] = [new Map()];
  private complete = true;
  private lastContext: ChainContext | undefined;
  private lastFlags: readonly string[] | undefined;
  /** Input filter chains seen so far, by table and name, so that `add rule` and a reopened chain find them. */
  private readonly inputChains = new Set<string>();
  /** The last policy of each input filter chain, by table and name: a later one replaces an earlier one. */
  private readonly inputPolicies = new Map<string, ChainPolicy>();
  /** Ports that input filter chains drop or reject, for the workspace graph. */
  private readonly blocks: FirewallBlock[] = [];

  constructor(
    private readonly text: string,
    readonly problems: ScanProblem[],
  ) {}

  run(nodes: readonly Node[]): void {
    this.complete = !includesFiles(nodes);
    this.collect(nodes, undefined);
    this.walk(nodes);
    for (const table of this.tables.values()) {
      for (const set of table.sets.values()) {
        const conflict = set.interval && !set.autoMerge ? overlapping(set.spans, sameSpan) : undefined;
        if (conflict) {
          this.problems.push(problem(rangeOf(conflict.token), 'interval-conflict', 'conflicting intervals specified: this element overlaps another of the set'));
        }
      }
    }
  }

  /** `$NAME` as a rule sees it: the innermost define in force. */
  readonly variable = (name: string): readonly Element[] | undefined => {
    for (let scope = this.defineScopes.length - 1; scope >= 0; scope--) {
      const found = this.defineScopes[scope].get(name);
      if (found) {
        return found;
      }
    }
    return undefined;
  };

  get includesOthers(): boolean {
    return !this.complete;
  }

  // --- first pass: tables, chains and sets, so rules can use them in any order ---

  private tableInfo(key: string): TableInfo {
    let info = this.tables.get(key);
    if (!info) {
      info = { family: key.slice(0, key.indexOf(' ')), sets: new Map(), chains: new Map() };
      this.tables.set(key, info);
    }
    return info;
  }

  private collect(nodes: readonly Node[], table: string | undefined): void {
    for (const node of nodes) {
      if (node.kind === 'block') {
        const header = headerOf(node.header, table === undefined);
        const owner = header.table ?? table;
        if (header.object === 'table' && header.qualifiedName) {
          this.tableInfo(header.qualifiedName);
          this.collect(node.body, header.qualifiedName);
        } else if (header.object === 'chain' && header.name && owner) {
          const hook = chainHook(node.body);
          const chains = this.tableInfo(owner).chains;
          const known = chains.get(header.name);
          chains.set(header.name, hook.hook ? hook : (known ?? {}));
        } else if ((header.object === 'set' || header.object === 'map') && header.name) {
          if (owner) {
            this.tableInfo(owner).sets.set(header.name, setInfoOf(node.body, header.object === 'map'));
          }
          this.elements.add(owner, header.name, elementsIn(node.body, header.object === 'map'));
        }
        continue;
      }
      const first = node.tokens[0]?.text;
      if (table === undefined && (first === 'table' || first === 'chain')) {
        // `table inet t`, `chain inet t c`: add commands written without `add`
        this.collectCommand([{ ...node.tokens[0], text: 'add' }, ...node.tokens]);
      } else if (first !== undefined && COMMAND_VERBS.has(first)) {
        this.collectCommand(node.tokens);
      }
    }
  }

  /** What an `add …` command declares: a table, a chain, or a set's elements. */
  private collectCommand(tokens: readonly Token[]): void {
    const verb = tokens[0].text;
    const object = tokens[1]?.text;
    if (object === 'element') {
      const target = commandTarget(tokens, 2, 1);
      if (target) {
        this.elements.add(target.table, target.names[0], valueElements(tokens, target.next, true));
      }
    } else if (object === 'table' && (verb === 'add' || verb === 'create')) {
      const header = headerOf(tokens);
      if (header.qualifiedName) {
        this.tableInfo(header.qualifiedName);
      }
    } else if (object === 'chain' && (verb === 'add' || verb === 'create')) {
      const target = commandTarget(tokens, 2, 1);
      if (target && !this.tableInfo(target.table).chains.has(target.names[0])) {
        this.tableInfo(target.table).chains.set(target.names[0], {});
      }
    }
  }

  // --- second pass: every statement in order ---

  private walk(nodes: readonly Node[]): void {
    for (const node of nodes) {
      if (node.kind === 'block') {
        this.topBlock(node);
      } else {
        this.topStatement(node.tokens);
      }
    }
  }

  private topBlock(node: Block): void {
    const header = headerOf(node.header, true);
    if (header.object === 'table') {
      if (!this.tableHeader(node.header) && !header.qualifiedName) {
        return;
      }
      this.defineScopes.push(new Map());
      this.tableBody(node.body, header.qualifiedName as string);
      this.defineScopes.pop();
    } else if (header.object === 'chain' && header.table) {
      this.chain(node, header.table, header.name);
    } else if ((header.object === 'set' || header.object === 'map') && header.table && header.name) {
      this.setBlock(node, header.table, header.name);
    }
  }

  /** `table [family] name`: a word that is not a family before the name is refused. */
  private tableHeader(header: readonly Token[]): boolean {
    const { offset } = objectOf(header);
    const words = header.slice(offset + 1);
    const extra = words.length === 2 && !FAMILIES.has(words[0].text) ? words[1] : words.length > 2 ? words[2] : undefined;
    if (words.length === 0 || extra) {
      const at = extra ?? header[header.length - 1];
      this.problems.push(problem(rangeOf(at), SYNTAX, extra ? unexpected(extra, `a table is written table [${[...FAMILIES].join('|')}] NAME`) : 'syntax error: the table needs a name'));
      return false;
    }
    return true;
  }

  private tableBody(body: readonly Node[], table: string): void {
    for (const node of body) {
      if (node.kind === 'block') {
        const header = headerOf(node.header);
        if (header.object === 'chain') {
          this.chain(node, table, header.name);
        } else if ((header.object === 'set' || header.object === 'map') && header.name) {
          this.setBlock(node, table, header.name);
        } else if (header.object === 'table') {
          this.problems.push(problem(rangeOf(node.header[0]), SYNTAX, unexpected(node.header[0], 'a table cannot hold another table')));
        }
        continue;
      }
      const first = node.tokens[0];
      if (first.text === 'flags' || first.text === 'comment' || first.text === 'include') {
        continue;
      }
      if (BLOCK_OBJECTS.has(first.text) || NAMED_STATEFUL_OBJECTS.has(first.text) || (first.text === 'ct' && CT_OBJECTS.has(node.tokens[1]?.text ?? ''))) {
        const last = node.tokens[node.tokens.length - 1];
        this.problems.push(problem(rangeOf(last), SYNTAX, `syntax error: ${first.text} ${node.tokens[1]?.text ?? ''} needs a block { … } here`));
        continue;
      }
      if (this.defineStatement(node.tokens)) {
        continue;
      }
      if (first.kind === 'word' && (RULE_STARTERS.has(first.text) || first.text === 'type' || first.text === 'policy')) {
        this.problems.push(problem(rangeOf(first), SYNTAX, unexpected(first, 'rules and chain settings belong inside a chain { … }, not straight in a table')));
      } else {
        this.problems.push(problem(rangeOf(first), SYNTAX, unexpected(first, 'a table holds chains, sets, maps, flags and comments')));
      }
    }
  }

  private chain(node: Block, table: string, name: string | undefined): void {
    const hook = chainHook(node.body);
    const guardsInput = name !== undefined && this.guardsInput(table, name, hook);
    const context: ChainContext = { table, ...(name ? { chain: name } : {}), ...(hook.hook ? { hook: hook.hook } : {}), ...(guardsInput ? { guardsInput } : {}) };
    const info = this.tables.get(table);
    const family = info?.family ?? table.slice(0, table.indexOf(' '));
    const scope = this.ruleScope(family, table);
    let policy: Token | undefined;
    this.defineScopes.push(new Map());
    for (const child of node.body) {
      if (child.kind === 'block') {
        this.problems.push(problem(rangeOf(child.opening), SYNTAX, unexpected(child.header[0] ?? child.opening, 'a chain holds rules, not blocks')));
        continue;
      }
      const first = child.tokens[0];
      if (first.text === 'type') {
        this.hookStatement(child.tokens, family);
      } else if (first.text === 'policy') {
        if (policy) {
          this.problems.push(problem(rangeOf(first), 'invalid-chain', 'you cannot set chain policy twice'));
        }
        policy = first;
        this.policyStatement(child.tokens, hook);
        if (context.guardsInput) {
          this.inputPolicy(child.tokens, context);
        }
      } else if (first.text === 'comment' || first.text === 'devices' || first.text === 'flags' || first.text === 'include') {
        continue;
      } else if (!this.defineStatement(child.tokens)) {
        new RuleChecker(child.tokens, scope, this.problems).run();
        this.rule(child.tokens, context);
      }
    }
    this.defineScopes.pop();
  }

  private ruleScope(family: string | undefined, table: string | undefined): RuleScope {
    const info = table ? this.tables.get(table) : undefined;
    return { ...(family ? { family } : {}), ...(info ? { table: info, tableName: table } : {}), complete: this.complete, variable: this.variable };
  }

  /** `type filter hook input [device lo] priority 0`: the chain type, a hook of the family, and a priority valid there. */
  private hookStatement(tokens: readonly Token[], family: string): void {
    const fail = (token: Token, message: string, code = SYNTAX) => this.problems.push(problem(rangeOf(token), code, message));
    const type = tokens[1];
    if (!type || !CHAIN_TYPES.has(type.text)) {
      fail(type ?? tokens[0], type ? `unknown chain type "${shortText(type.text)}": nft knows filter, nat and route` : 'syntax error: type needs a chain type');
      return;
    }
    if (tokens[2]?.text !== 'hook') {
      fail(tokens[2] ?? type, tokens[2] ? unexpected(tokens[2], 'expecting hook') : 'syntax error: a base chain needs hook and priority');
      return;
    }
    const hook = tokens[3];
    const hooks = FAMILY_HOOKS.get(family);
    if (!hook || !hooks) {
      if (!hook) {
        fail(tokens[2], 'syntax error: hook needs a hook name');
      }
      return;
    }
    if (!hooks.has(hook.text)) {
      const known = [...FAMILY_HOOKS.values()].some((candidates) => candidates.has(hook.text));
      fail(hook, known ? `The ${family} family does not support this hook: ${hook.text} (it has ${[...hooks].join(', ')})` : `unknown chain hook "${shortText(hook.text)}"`);
      return;
    }
    let index = 4;
    let device = false;
    if (tokens[index]?.text === 'device') {
      device = true;
      index += 2;
    } else if (tokens[index]?.text === 'devices') {
      device = true;
      index = tokens[index + 2]?.kind === '{' ? skipBraces(tokens, index + 2) : index + 3;
    }
    const needsDevice = family === 'netdev' || hook.text === 'ingress';
    if (needsDevice && !device) {
      fail(hook, "Missing `device' in this chain definition");
      return;
    }
    if (device && !needsDevice) {
      fail(tokens[4], 'This chain type cannot be bound to device: only ingress and egress hooks take one');
      return;
    }
    if (tokens[index]?.text !== 'priority') {
      fail(tokens[index] ?? hook, tokens[index] ? unexpected(tokens[index], 'expecting priority') : 'syntax error: a base chain needs a priority');
      return;
    }
    if (!this.priority(tokens.slice(index + 1), tokens[index], family, hook.text)) {
      return;
    }
    const natHooks = ['prerouting', 'input', 'output', 'postrouting'];
    if ((type.text === 'nat' || type.text === 'route') && !INPUT_FAMILIES.has(family)) {
      fail(type, `Could not process rule: a ${type.text} chain exists only in ip, ip6 and inet tables`, 'invalid-chain');
    } else if (type.text === 'nat' && !natHooks.includes(hook.text)) {
      fail(hook, `Could not process rule: Operation not supported: a nat chain hooks ${natHooks.join(', ')}`, 'invalid-chain');
    } else if (type.text === 'route' && hook.text !== 'output') {
      fail(hook, 'Could not process rule: Operation not supported: a route chain hooks output only', 'invalid-chain');
    }
  }

  /** A priority: a number, or a name valid for the family and hook, with an optional `+ N`/`- N`. */
  private priority(words: readonly Token[], keyword: Token, family: string, hook: string): boolean {
    const fail = (token: Token, message: string) => {
      this.problems.push(problem(rangeOf(token), SYNTAX, message));
      return false;
    };
    const signed = /^-?(?:[0-9]+|0[xX][0-9a-fA-F]+)$/;
    const unsigned = /^(?:[0-9]+|0[xX][0-9a-fA-F]+)$/;
    const [first, second, third] = words;
    if (!first) {
      return fail(keyword, 'syntax error: priority needs a value');
    }
    if (first.text.startsWith('$')) {
      return true;
    }
    let rest = 1;
    if (signed.test(first.text)) {
      // a number
    } else if (first.text === '-' && second && unsigned.test(second.text)) {
      rest = 2;
    } else if (/^[A-Za-z]+$/.test(first.text)) {
      const names = FAMILY_PRIORITIES.get(family);
      const hooks = names?.get(first.text);
      if (!names?.has(first.text) || (hooks && !hooks.has(hook))) {
        return fail(first, `invalid priority expression value in this context: "${first.text}" is not a priority of a ${family} ${hook} chain`);
      }
      if (second && (second.text === '+' || second.text === '-') && third && unsigned.test(third.text)) {
        rest = 3;
      } else if (second && /^[+-](?:[0-9]+|0[xX][0-9a-fA-F]+)$/.test(second.text)) {
        rest = 2;
      }
    } else {
      return fail(first, unexpected(first, 'a priority is a number or a name such as filter, with an optional + N or - N'));
    }
    const extra = words[rest];
    return extra ? fail(extra, unexpected(extra, 'expecting a new line or ";"')) : true;
  }

  private policyStatement(tokens: readonly Token[], hook: ChainHook): void {
    const value = tokens[1];
    if (!value || (value.text !== 'accept' && value.text !== 'drop' && !value.text.startsWith('$')) || tokens.length > 2) {
      const at = value && (value.text === 'accept' || value.text === 'drop') ? tokens[2] : (value ?? tokens[0]);
      this.problems.push(problem(rangeOf(at), SYNTAX, value ? unexpected(at, 'a chain policy is accept or drop') : 'syntax error: policy needs accept or drop'));
      return;
    }
    if (!hook.hook) {
      this.problems.push(problem(rangeOf(tokens[0]), 'invalid-chain', 'Could not process rule: Operation not supported: only a base chain (with type … hook … priority) has a policy'));
    }
  }

  /** A set or map block: its key type, flags and elements. */
  private setBlock(node: Block, table: string, name: string): void {
    const info = this.tables.get(table)?.sets.get(name);
    let declared = false;
    for (const child of node.body) {
      if (child.kind === 'block') {
        this.problems.push(problem(rangeOf(child.opening), SYNTAX, unexpected(child.header[0] ?? child.opening)));
        continue;
      }
      const [first, second] = child.tokens;
      if (first.text === 'type') {
        declared = true;
        this.datatypes(child.tokens);
      } else if (first.text === 'typeof') {
        declared = true;
      } else if (first.text === 'flags') {
        for (const flag of child.tokens.slice(1)) {
          if (flag.kind === 'word' && !SET_FLAGS.has(flag.text)) {
            this.problems.push(problem(rangeOf(flag), SYNTAX, unexpected(flag, `a set flag is ${[...SET_FLAGS].join(', ')}`)));
            break;
          }
        }
      } else if (first.text === 'elements') {
        const open = second?.text === '=' ? 2 : 1;
        if (child.tokens[open]?.kind === '{' && info) {
          this.setElementsStatement(child.tokens, open, info);
        } else if (child.tokens[open]?.kind !== '{' && !child.tokens[open]?.text.startsWith('$')) {
          const at = child.tokens[open] ?? first;
          this.problems.push(problem(rangeOf(at), SYNTAX, child.tokens[open] ? unexpected(at, 'expecting elements = { … }') : 'syntax error: elements needs = { … }'));
        }
      } else if (SET_SETTINGS.has(first.text)) {
        const arity = SET_SETTINGS.get(first.text) as number;
        if (child.tokens.length !== arity + 1) {
          const at = child.tokens[arity + 1] ?? first;
          this.problems.push(problem(rangeOf(at), SYNTAX, child.tokens.length > arity + 1 ? unexpected(at, `${first.text} takes ${arity === 0 ? 'nothing' : 'one value'}`) : `syntax error: ${first.text} needs a value`));
        }
      } else if (!this.defineStatement(child.tokens)) {
        this.problems.push(problem(rangeOf(first), SYNTAX, unexpected(first, 'a set holds type, flags, elements and its settings')));
      }
    }
    if (!declared) {
      this.problems.push(problem(rangeOf(node.header[node.header.length - 1]), 'invalid-set', `set definition does not specify key: write type inet_service (or typeof tcp dport) in set ${name}`));
    }
    const autoMerge = node.body.find((child): child is Statement => child.kind === 'statement' && child.tokens[0]?.text === 'auto-merge');
    if (autoMerge && info && !info.interval) {
      this.problems.push(problem(rangeOf(autoMerge.tokens[0]), 'invalid-set', 'auto-merge only works with interval sets: add flags interval'));
    }
  }

  /** `type a [. b] [: c]`: every name a datatype nft knows, `verdict` only as a map's data. */
  private datatypes(tokens: readonly Token[]): void {
    let afterColon = false;
    for (const token of tokens.slice(1)) {
      if (token.text === '.' || token.text === ':') {
        afterColon ||= token.text === ':';
        continue;
      }
      if (token.kind !== 'word' || !SET_DATATYPES.has(token.text) || (token.text === 'verdict' && !afterColon)) {
        this.problems.push(problem(rangeOf(token), SYNTAX, token.text === 'verdict' ? 'unqualified type verdict specified in set definition: verdict is a map\'s data, as in type inet_service : verdict' : `unknown datatype ${shortText(token.text)}`));
        return;
      }
    }
  }

  /** The elements of a named set, checked as nft checks them: values of the key type, ranges only with `flags interval`, no overlaps. */
  private setElementsStatement(tokens: readonly Token[], open: number, info: SetInfo): void {
    const { elements, closed } = setElements(tokens, open);
    if (!closed) {
      return;
    }
    if (elements.length === 0) {
      this.problems.push(problem(rangeOf(tokens[open]), SYNTAX, 'syntax error, unexpected "}": elements = { } needs at least one element'));
      return;
    }
    if (info.key !== 'port') {
      return;
    }
    const scope = this.ruleScope(undefined, undefined);
    for (const element of elements) {
      const parts = info.map ? splitColons(element) : element;
      const key = valueAt(parts, 0) as { token: Token; next: number };
      const parsed = key.token.text.startsWith('$') ? undefined : portOf(key.token);
      if (parsed && !parsed.ok) {
        this.problems.push(problem(rangeOf(key.token), parsed.code, parsed.message));
        return;
      }
      const extra = parts[key.next];
      if (extra && !(info.map && extra.text === ':') && !['timeout', 'expires', 'comment', 'counter'].includes(extra.text)) {
        this.problems.push(problem(rangeOf(extra), SYNTAX, unexpected(extra, 'set elements are parted by commas')));
        return;
      }
      if (info.verdictMap) {
        const colon = parts.findIndex((part) => part.text === ':');
        if (colon < 0 || !parts[colon + 1]) {
          this.problems.push(problem(rangeOf(parts[parts.length - 1]), SYNTAX, 'syntax error: a verdict map element is key : verdict'));
          return;
        }
        let ok = true;
        validVerdict(parts, colon + 1, scope, (token, _code, message) => {
          ok = false;
          this.problems.push(problem(rangeOf(token), SYNTAX, message.startsWith('syntax') ? message : `Can't parse symbolic netfilter verdict expressions: ${message}`));
        });
        if (!ok) {
          return;
        }
      }
      if (parsed?.ok) {
        const isRange = !NAME_LEXEME.test(key.token.text) && key.token.kind === 'word' && key.token.text.includes('-');
        if (isRange && !info.interval) {
          this.problems.push(problem(rangeOf(key.token), 'invalid-set', "You must add 'flags interval' to your set declaration if you want to add range elements"));
          return;
        }
        if (info.interval) {
          info.spans.push({ span: [parsed.port, parsed.endPort], token: key.token, order: info.spans.length });
        }
      }
    }
  }

  /** `define NAME = VALUE`, `redefine …`, `undefine NAME`; false when the statement is something else. */
  private defineStatement(tokens: readonly Token[]): boolean {
    const keyword = tokens[0]?.text;
    if (keyword !== 'define' && keyword !== 'redefine' && keyword !== 'undefine') {
      return false;
    }
    const name = tokens[1];
    const scope = this.defineScopes[this.defineScopes.length - 1];
    if (!name || name.kind !== 'word' || !DEFINE_NAME.test(name.text)) {
      this.problems.push(problem(rangeOf(name ?? tokens[0]), SYNTAX, name ? unexpected(name, `${keyword} needs a name`) : `syntax error: ${keyword} needs a name`));
      return true;
    }
    if (keyword === 'undefine') {
      scope.delete(name.text);
      return true;
    }
    const equals = tokens[2];
    if (equals?.text !== '=') {
      this.problems.push(problem(rangeOf(equals ?? name), SYNTAX, equals ? unexpected(equals, "expecting '='") : "syntax error: expecting '=' and a value"));
      return true;
    }
    const value = tokens[3];
    if (!value) {
      this.problems.push(problem(rangeOf(equals), SYNTAX, `syntax error: ${keyword} ${name.text} needs a value after =`));
      return true;
    }
    if (keyword === 'define' && scope.has(name.text)) {
      this.problems.push(problem(rangeOf(name), 'invalid-define', `redefinition of symbol '${name.text}': use redefine to change it`));
      return true;
    }
    // Outside braces nft reads a leading minus as a negative number: `define X = -1` is fine, `{ -1 }` is not.
    // A keyword cannot be a value, though a map element may end in a verdict or `counter`.
    const keys = new Set(value.kind === '{' ? setElements(tokens, 3).elements.map((element) => element[0]) : [value]);
    const badWord = tokens
      .slice(3)
      .find((token, index) => token.kind === 'word' && (!readsAsOneValue(index === 0 && /^-[0-9]+$/.test(token.text) ? token.text.slice(1) : token.text) || (keys.has(token) && NOT_A_VALUE.has(token.text))));
    if (badWord) {
      this.problems.push(problem(rangeOf(badWord), SYNTAX, NOT_A_VALUE.has(badWord.text) ? unexpected(badWord, 'it is an nft keyword, not a value') : `syntax error: nft reads "${shortText(badWord.text)}" as more than one value`));
      return true;
    }
    if (value.kind === '{') {
      const { elements, next, closed } = setElements(tokens, 3);
      const close = tokens[next - 1];
      if (closed && elements.length === 0 && this.text.slice(value.end, close.start).includes('\n')) {
        // nft takes `define X = { }` but not an empty set spread over lines.
        this.problems.push(problem(rangeOf(close), SYNTAX, 'syntax error, unexpected "}": an empty set must be written { } on one line'));
        return true;
      }
      for (const element of elements) {
        const next = valueAt(element, 0)?.next ?? 1;
        const extra = element[next];
        // Two values in a row, with no comma, colon or dot between them: `{ 22 80 }`, `{ ssh 22 }`.
        const plainValue = (token: Token) => token.kind === 'string' || (token.kind === 'word' && !RULE_STARTERS.has(token.text) && !NOT_A_VALUE.has(token.text) && /^[0-9A-Za-z_"]/.test(token.text));
        const joins = extra && (['.', ':', '-', 'timeout', 'expires', 'comment', 'counter'].includes(extra.text) || /^[-:.]/.test(extra.text));
        if (extra && plainValue(element[0]) && !joins && (plainValue(extra) || VALUE_BREAKERS.has(extra.text))) {
          this.problems.push(problem(rangeOf(extra), SYNTAX, unexpected(extra, 'set elements are parted by commas')));
          return true;
        }
      }
    }
    scope.set(name.text, valueElements(tokens, 3, false));
    return true;
  }

  private topStatement(tokens: readonly Token[]): void {
    const first = tokens[0];
    if (this.defineStatement(tokens) || first.text === 'include') {
      return;
    }
    if (COMMAND_VERBS.has(first.text)) {
      this.command(tokens);
      return;
    }
    const second = tokens[1]?.text;
    const objectCommand =
      BLOCK_OBJECTS.has(first.text) ||
      (NAMED_STATEFUL_OBJECTS.has(first.text) && second !== undefined && !['rate', 'over', 'packets', 'bytes', 'name'].includes(second)) ||
      (first.text === 'ct' && CT_OBJECTS.has(second ?? '')) ||
      ['describe', 'monitor', 'export', 'import', 'rename', 'get', 'rule', 'element'].includes(first.text);
    if (objectCommand) {
      return;
    }
    if (first.kind === 'word' && RULE_STARTERS.has(first.text)) {
      this.problems.push(problem(rangeOf(first), SYNTAX, unexpected(first, 'rules belong inside a chain { … } or an add rule command')));
    } else {
      this.problems.push(problem(rangeOf(first), SYNTAX, unexpected(first, 'nft expects a table, a define, an include or a command such as add rule')));
    }
  }

  private command(tokens: readonly Token[]): void {
    const verb = tokens[0].text;
    const object = tokens[1]?.text;
    if (object === 'rule') {
      const target = commandTarget(tokens, 2, 1);
      if (!target) {
        return;
      }
      const chain = target.names[0];
      const start = skipRulePosition(tokens, target.next);
      if (verb === 'add' || verb === 'insert' || verb === 'replace' || verb === 'create') {
        const info = this.tables.get(target.table);
        if (info && this.complete && !info.chains.has(chain)) {
          this.problems.push(problem(rangeOf(tokens[target.next - 1]), 'undefined-chain', `Could not process rule: chain "${shortText(chain)}" does not exist in table ${target.table}`));
        } else {
          new RuleChecker(tokens.slice(start), this.ruleScope(target.table.slice(0, target.table.indexOf(' ')), target.table), this.problems).run();
        }
      }
      // nft adds a rule only to a chain that exists, so an input chain is declared before its `add rule`s.
      const guardsInput = this.inputChains.size > 0 && verb !== 'delete' && verb !== 'destroy' && this.inputChains.has(`${target.table}\u0000${chain}`);
      this.rule(tokens.slice(start), guardsInput ? { table: target.table, chain, guardsInput } : { table: target.table, chain }, tokens);
    } else if (object === 'element' && (verb === 'add' || verb === 'create' || verb === 'insert')) {
      const target = commandTarget(tokens, 2, 1);
      const info = target ? this.tables.get(target.table) : undefined;
      if (!target || !info) {
        return;
      }
      const set = info.sets.get(target.names[0]);
      if (!set) {
        if (this.complete) {
          this.problems.push(problem(rangeOf(tokens[target.next - 1]), 'undefined-set', `set "${shortText(target.names[0])}" does not exist in table ${target.table}: nft refuses the elements (No such file or directory)`));
        }
        return;
      }
      if (tokens[target.next]?.kind === '{') {
        this.setElementsStatement(tokens, target.next, set);
      }
    } else if ((object === 'chain' || object === 'set' || object === 'map') && tokens[2]) {
      return;
    }
  }

  /** Whether a chain block guards input: it hooks a filter chain to input, or reopens one that does. */
  private guardsInput(table: string, chain: string, hook: ChainHook): boolean {
    const key = `${table}\u0000${chain}`;
    if (hook.hook === undefined) {
      return this.inputChains.size > 0 && this.inputChains.has(key);
    }
    if (hook.hook !== 'input' || hook.type !== 'filter' || !INPUT_FAMILIES.has(table.slice(0, table.indexOf(' ')))) {
      return false;
    }
    this.inputChains.add(key);
    return true;
  }

  /** `policy drop;` or `policy accept;` of an input filter chain; anything else (a `$variable`) is not read. */
  private inputPolicy(tokens: readonly Token[], context: ChainContext): void {
    const verdict = tokens[1];
    if (tokens.length !== 2 || (verdict.text !== 'drop' && verdict.text !== 'accept') || !context.chain) {
      return;
    }
    this.inputPolicies.set(`${context.table ?? ''}\u0000${context.chain}`, { drop: verdict.text === 'drop', range: { start: tokens[0].start, end: verdict.end }, chain: context.chain });
  }

  /** The wiring facts of the whole ruleset; `undefined` when it blocks nothing. */
  firewallFacts(): HostFirewallFacts | undefined {
    return hostFirewallFacts('nftables', this.blocks, this.inputPolicies.values(), (policy) => `chain ${policy.chain} { … policy drop; }`);
  }

  /** `table=…` and `hook=…` flags, made once per chain rather than once per rule: its rules share its context. */
  private flagsOf(context: ChainContext): readonly string[] {
    if (context !== this.lastContext || !this.lastFlags) {
      const flags: string[] = [];
      if (context.table) {
        flags.push(`table=${context.table}`);
      }
      if (context.hook) {
        flags.push(`hook=${context.hook}`);
      }
      this.lastContext = context;
      this.lastFlags = flags;
    }
    return this.lastFlags;
  }

  /** `written`: the whole statement when the rule comes with a command (`add rule inet filter input …`). */
  private rule(tokens: readonly Token[], context: ChainContext, written: readonly Token[] = tokens): void {
    const before = this.references.length;
    const rule = readRule(tokens, this.text);
    const verdict: Verdict | undefined = rule.verdict ?? (rule.natStatement ? { action: 'jump', target: rule.natStatement } : undefined);
    const info = { action: verdict?.action ?? 'other' } as Mutable<FirewallRuleInfo>;
    if (verdict) {
      info.target = verdict.target;
    }
    info.source = rule.source;
    if (context.chain) {
      info.chain = context.chain;
    }
    const emit = new RuleEmitter(this, info, this.flagsOf(context), context, this.elements);
    // A rule that also matches `tcp …` sees only tcp packets, so its `th` ports are tcp ports.
    const ruleProtocol = rule.transport ?? rule.matches.find((match) => match.protocol !== 'any')?.protocol ?? 'any';
    for (const match of rule.matches) {
      emit.match(match, match.protocol === 'any' ? ruleProtocol : match.protocol);
    }
    const natProtocol = rule.matches.find((match) => match.protocol !== 'any')?.protocol ?? rule.transport ?? 'any';
    for (const target of rule.natTargets) {
      emit.natTarget(target, natProtocol);
    }
    // A source address limits what the rule blocks: only a drop for everyone is a fact about the port.
    if (context.guardsInput && rule.source === null && this.references.length > before) {
      this.collectBlocks(before, written);
    }
  }

  /** Blocks from the references a rule of an input chain added: dropped or rejected destination ports, not negated. */
  private collectBlocks(from: number, written: readonly Token[]): void {
    let text: string | undefined;
    for (let k = from; k < this.references.length; k++) {
      const { firewall, port, endPort, protocol, range } = this.references[k];
      // A verdict map gives each element its own verdict, so the reference's action is the one that counts.
      if (!firewall || (firewall.action !== 'deny' && firewall.action !== 'reject') || firewall.sourcePort || firewall.negated || port === null || endPort === null) {
        continue;
      }
      text ??= ruleText(this.text, written);
      this.blocks.push({ port, endPort, protocol, range, text });
    }
  }
}

/** What a set block declares: its key, whether it is a verdict map, whether it takes ranges. */
function setInfoOf(body: readonly Node[], map: boolean): SetInfo {
  const info: SetInfo = { map, key: 'unknown', verdictMap: false, interval: false, autoMerge: false, spans: [] };
  for (const node of body) {
    if (node.kind !== 'statement') {
      continue;
    }
    const words = node.tokens.map((token) => token.text);
    if (words[0] === 'type' || words[0] === 'typeof') {
      info.key = setKeyOf(words);
      info.verdictMap = map && words[words.length - 1] === 'verdict' && words.includes(':');
    } else if (words[0] === 'flags') {
      info.interval ||= words.includes('interval');
    } else if (words[0] === 'auto-merge') {
      info.autoMerge = true;
    }
  }
  return info;
}

/** A rule as written, for messages: its tokens on one line, one space wherever blanks, a line break or a comment part them, cut short when long. */
function ruleText(text: string, tokens: readonly Token[]): string {
  let written = '';
  let previousEnd = -1;
  for (const token of tokens) {
    if (token.kind === 'newline') {
      continue;
    }
    if (previousEnd >= 0 && token.start > previousEnd) {
      written += ' ';
    }
    written += text.slice(token.start, token.end);
    previousEnd = token.end;
    if (written.length > MAX_RULE_TEXT) {
      return `${written.slice(0, MAX_RULE_TEXT - 1)}…`;
    }
  }
  return written;
}

class RuleEmitter {
  constructor(
    private readonly scan: NftablesScan,
    private readonly info: FirewallRuleInfo,
    private readonly flags: readonly string[],
    private readonly context: ChainContext,
    private readonly sets: SetElements,
  ) {}

  match(match: PortMatch, protocol: Protocol): void {
    const { value } = match;
    switch (value.kind) {
      case 'elements':
        for (const element of value.elements) {
          this.element(element, match, protocol, true);
        }
        break;
      case 'named': {
        // A named set's elements were checked where the set is defined.
        const elements = this.sets.get(this.context.table, value.name);
        for (const element of elements ?? []) {
          this.element(element, match, protocol, false);
        }
        break;
      }
      case 'comparison':
        this.comparison(value.operator, value.token, match, protocol);
    }
  }

  private element(element: Element, match: PortMatch, protocol: Protocol, report: boolean, depth = 0): void {
    const { token } = element;
    const range = rangeOf(token);
    if (token.text.startsWith('$') && token.kind === 'word') {
      // A define inside a set (`{ $WEB, 22 }`); the depth cap stops defines that refer to each other.
      const elements = depth < MAX_DEFINE_DEPTH ? this.scan.variable(token.text.slice(1)) : undefined;
      if (!elements) {
        this.add(range, undefined, protocol, null, null, token.text, match);
        if (this.scan.includesOthers || depth >= MAX_DEFINE_DEPTH) {
          this.scan.problems.push(problem(range, 'unresolved-variable', `${token.text} is not defined in this file, so its port is unknown`, 'info'));
        } else {
          this.scan.problems.push(problem(range, 'undefined-variable', undefinedVariable(token.text.slice(1))));
        }
        return;
      }
      for (const inner of elements) {
        this.element({ token: inner.token, ...(element.verdict ? { verdict: element.verdict } : {}) }, match, protocol, report, depth + 1);
      }
      return;
    }
    const parsed = portOf(token);
    if (!parsed.ok) {
      if (report) {
        this.scan.problems.push(problem(range, parsed.code, parsed.message));
      }
      if (parsed.port !== undefined) {
        this.add(range, undefined, protocol, parsed.port, parsed.endPort ?? parsed.port, token.text, match, element.verdict);
      }
      return;
    }
    const portRange = parsed.digits && !isJoined(token) && token.kind === 'word' ? { start: token.start + parsed.digits.from, end: token.start + parsed.digits.to } : undefined;
    this.add(range, portRange, protocol, parsed.port, parsed.endPort, undefined, match, element.verdict);
  }

  /** `tcp dport < 1024` and friends cover a range of ports. */
  private comparison(operator: string, token: Token, match: PortMatch, protocol: Protocol): void {
    const range = rangeOf(token);
    const parsed = portOf(token);
    if (!parsed.ok) {
      this.scan.problems.push(problem(range, parsed.code, parsed.message));
      return;
    }
    const bounds = COMPARISONS.get(operator)?.(parsed.port);
    if (!bounds || bounds[0] > bounds[1]) {
      return;
    }
    this.add(range, undefined, protocol, bounds[0], bounds[1], `${operator} ${token.text}`, match);
  }

  natTarget(target: NatTarget, protocol: Protocol): void {
    const { token } = target;
    let port = target.port;
    if (!port || port.text === '') {
      return;
    }
    const range = rangeOf(token);
    if (port.text.startsWith('$')) {
      // `redirect to :$PORT`: the port is the define's, written where the define is.
      const value = this.scan.variable(port.text.slice(1));
      if (!value) {
        const undefinedHere = !this.scan.includesOthers;
        this.scan.problems.push(
          undefinedHere
            ? problem(rangeOf(port), 'undefined-variable', undefinedVariable(port.text.slice(1)))
            : problem(rangeOf(port), 'unresolved-variable', `${port.text} is not defined in this file, so its port is unknown`, 'info'),
        );
        return;
      }
      if (value.length !== 1) {
        return;
      }
      port = value[0].token;
    }
    const parsed = portOf(port);
    if (!parsed.ok) {
      this.scan.problems.push(problem(range, parsed.code, parsed.message));
      return;
    }
    const reference = { role: 'firewall', range } as Mutable<PortReference>;
    reference.portRange = rangeOf(port);
    reference.protocol = protocol;
    reference.port = parsed.port;
    reference.endPort = parsed.endPort;
    const address = target.address ?? natAddressOf(target.statement, token);
    if (address) {
      reference.hostIp = address;
    }
    if (this.info.chain) {
      reference.scope = this.info.chain;
    }
    reference.flags = [...this.flags, 'nat-target'];
    reference.firewall = firewallInfoFor(this.info, { action: 'jump', target: target.statement }, false, false);
    this.scan.references.push(reference);
  }

  /**
   * References and their rule info are built property by property: V8 makes `{ ...shared, more }`
   * and conditional spreads slow, and a big ruleset has a hundred thousand references.
   */
  private add(
    range: SourceRange,
    portRange: SourceRange | undefined,
    protocol: Protocol,
    port: number | null,
    endPort: number | null,
    rawText: string | undefined,
    match: PortMatch,
    verdict?: Verdict,
  ): void {
    const reference = { role: 'firewall', range } as Mutable<PortReference>;
    if (portRange) {
      reference.portRange = portRange;
    }
    reference.protocol = protocol;
    reference.port = port;
    reference.endPort = endPort;
    if (rawText !== undefined) {
      reference.rawText = rawText;
    }
    if (this.info.chain) {
      reference.scope = this.info.chain;
    }
    // The references of one rule share its flags, and its details unless their own differ.
    reference.flags = this.flags;
    reference.firewall = firewallInfoFor(this.info, verdict, match.sourcePort, match.negated);
    this.scan.references.push(reference);
  }
}

/**
 * The parts of a block header: `table inet filter`, `chain input`, `set web`, with an optional
 * command verb. At the top level a chain or set names its table too, with or without `add`.
 */
function headerOf(header: readonly Token[], topLevel = false): { object?: string; name?: string; table?: string; qualifiedName?: string } {
  const words = header.map((token) => token.text);
  const offset = COMMAND_VERBS.has(words[0] ?? '') ? 1 : 0;
  const object = words[offset];
  if (object === 'table') {
    const hasFamily = FAMILIES.has(words[offset + 1] ?? '') && words.length > offset + 2;
    const family = hasFamily ? words[offset + 1] : 'ip';
    const name = words[offset + (hasFamily ? 2 : 1)];
    return { object, ...(name ? { name, qualifiedName: `${family} ${name}` } : {}) };
  }
  if (offset === 1 || topLevel) {
    // `add chain inet filter input { … }`: the table comes before the object's own name.
    const target = commandTarget(header, offset + 1, 1);
    return { object, ...(target ? { name: target.names[0], table: target.table } : {}) };
  }
  return { object, ...(words[offset + 1] ? { name: words[offset + 1] } : {}) };
}

/** Reads `[family] table name…` after a command's object keyword; `count` names follow the table. */
function commandTarget(tokens: readonly Token[], start: number, count: number): { table: string; names: string[]; next: number } | undefined {
  let index = start;
  let family = 'ip';
  if (FAMILIES.has(tokens[index]?.text ?? '')) {
    family = tokens[index].text;
    index++;
  }
  const table = tokens[index]?.text;
  const names = tokens.slice(index + 1, index + 1 + count).map((token) => token.text);
  if (!table || names.length < count) {
    return undefined;
  }
  return { table: `${family} ${table}`, names, next: index + 1 + count };
}

/** `insert rule … position 5`, `add rule … index 2`, `replace rule … handle 7`: the rule starts after these. */
function skipRulePosition(tokens: readonly Token[], start: number): number {
  const keyword = tokens[start]?.text;
  return keyword === 'position' || keyword === 'index' || keyword === 'handle' ? start + 2 : start;
}

/** The `elements = { … }` of a set block; a map's elements carry their verdicts (used by `vmap @name`). */
function elementsIn(body: readonly Node[], isMap: boolean): Element[] {
  const elements: Element[] = [];
  for (const node of body) {
    if (node.kind === 'statement' && node.tokens[0]?.text === 'elements') {
      const equals = node.tokens[1]?.text === '=' ? 2 : 1;
      for (const element of valueElements(node.tokens, equals, isMap)) {
        elements.push(element);
      }
    }
  }
  return elements;
}

/** A value that is either `{ a, b }` or a single word or range. */
function valueElements(tokens: readonly Token[], start: number, withVerdicts: boolean): Element[] {
  const first = tokens[start];
  if (!first) {
    return [];
  }
  if (first.kind === '{') {
    return readSet(tokens, start, withVerdicts).elements;
  }
  const value = valueAt(tokens, start);
  return value && (value.token.kind === 'word' || value.token.kind === 'string') ? [{ token: value.token }] : [];
}

interface ChainHook {
  readonly hook?: string;
  /** The chain type: `filter`, `nat` or `route`. */
  readonly type?: string;
}

/** `type filter hook input priority 0;` inside a base chain. */
function chainHook(body: readonly Node[]): ChainHook {
  for (const node of body) {
    if (node.kind === 'statement' && node.tokens[0]?.text === 'type') {
      const hookIndex = node.tokens.findIndex((token) => token.text === 'hook');
      const hook = hookIndex >= 0 ? node.tokens[hookIndex + 1]?.text : undefined;
      return hook ? { hook, type: node.tokens[1]?.text } : {};
    }
  }
  return {};
}

/** Problems found twice (a define's bad port, once for every rule that uses it) are reported once. */
function uniqueProblems(problems: readonly ScanProblem[]): ScanProblem[] {
  const seen = new Set<string>();
  return problems.filter((found) => {
    const key = `${found.range.start}\u0000${found.range.end}\u0000${found.code}\u0000${found.message}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

export const scanNftables: Scanner = (text) => {
  const problems: ScanProblem[] = [];
  const scan = new NftablesScan(text, problems);
  try {
    scan.run(parseBlocks((take) => tokenize(text, problems, take), problems));
  } catch (error) {
    problems.push(problem({ start: 0, end: 0 }, 'parse-error', `Could not read the ruleset: ${failureReason(error)}`));
  }
  const found = uniqueProblems(problems).sort((a, b) => a.range.start - b.range.start);
  const references = scan.references.sort((a, b) => a.range.start - b.range.start);
  const firewall = scan.firewallFacts();
  return firewall ? { format: 'nftables', references, problems: found, wiring: { firewall: [firewall] } } : { format: 'nftables', references, problems: found };
};
