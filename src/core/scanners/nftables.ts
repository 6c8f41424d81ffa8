/**
 * Scanner for nftables rulesets (`nft -f` files such as nftables.conf and *.nft): port matches
 * (`tcp dport 22`, `udp sport 53`, `th dport`, anonymous sets, ranges, `!=`, comparisons, verdict maps),
 * named sets (`set web { type inet_service; elements = { 80, 443 } }` used as `@web`), `define`d
 * variables, and NAT targets (`dnat to 10.0.0.2:8080`, `redirect to :8080`).
 *
 * A port that lives in a named set or a `define` is reported where its digits are written — inside the
 * definition — once for every rule that uses it, carrying that rule's verdict, source and chain.
 * `tcp dport set 8080` rewrites the port instead of matching it, so it is not reported.
 */
import type { FirewallAction, FirewallRuleInfo, Mutable, PortReference, Protocol, Scanner, ScanProblem, SourceRange } from '../types';
import type { FirewallBlock, HostFirewallFacts } from '../wiring/facts';
import { ETC_SERVICES } from './namedServices';
import { failureReason, firewallInfoFor, hostFirewallFacts, NESTED_TOO_DEEPLY, parsePort, problem } from './portSyntax';
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
      let end = pos + 1;
      while (end < text.length && text[end] !== '"' && text[end] !== '\n') {
        end += text[end] === '\\' ? 2 : 1;
      }
      if (end >= text.length || text[end] !== '"') {
        problems.push(problem({ start: pos, end: Math.min(end, text.length) }, 'parse-error', 'unterminated string: the quote opened here is not closed on this line'));
        take({ kind: 'string', text: text.slice(pos + 1, end), start: pos, end: Math.min(end, text.length) });
        pos = end;
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
}

type Node = Statement | Block;

const COMMAND_VERBS: ReadonlySet<string> = new Set(['add', 'create', 'insert', 'replace', 'delete', 'destroy', 'flush', 'list', 'reset']);
const BLOCK_OBJECTS: ReadonlySet<string> = new Set(['table', 'chain', 'set', 'map', 'flowtable']);
const NAMED_STATEFUL_OBJECTS: ReadonlySet<string> = new Set(['counter', 'quota', 'limit', 'secmark', 'synproxy']);
const CT_OBJECTS: ReadonlySet<string> = new Set(['helper', 'timeout', 'expectation']);

/**
 * Whether `{` after these words opens a block (a table, chain, set or named object) rather than an
 * anonymous set inside a rule (`tcp dport { 22, 80 }`, `elements = { … }`).
 */
function opensBlock(words: readonly Token[]): boolean {
  const offset = words[0] && COMMAND_VERBS.has(words[0].text) ? 1 : 0;
  const keyword = words[offset]?.text;
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

/** Groups tokens into statements and blocks; braces that do not balance become problems. */
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
  produce((token) => {
    if (skippedDepth > 0) {
      skippedDepth += token.kind === '{' ? 1 : token.kind === '}' ? -1 : 0;
      return;
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
            problems.push(problem({ start: token.start, end: token.end }, 'parse-error', TOO_DEEP_MESSAGE));
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
      case '}':
        if (setDepth > 0) {
          setDepth--;
          pending.push(token);
          break;
        }
        endStatement();
        if (stack.length === 1) {
          problems.push(problem({ start: token.start, end: token.end }, 'parse-error', 'unexpected "}": no block is open here'));
        } else {
          closeBlock(stack);
        }
        break;
      default:
        pending.push(token);
    }
  });
  if (setDepth > 0) {
    const opening = pending.find((token) => token.kind === '{');
    problems.push(problem(opening ? { start: opening.start, end: opening.end } : { start: 0, end: 0 }, 'parse-error', 'syntax error: this "{" is never closed'));
  }
  endStatement();
  while (stack.length > 1) {
    const open = stack[stack.length - 1];
    problems.push(problem(open.opening ? { start: open.opening.start, end: open.opening.end } : { start: 0, end: 0 }, 'parse-error', 'syntax error, unexpected end of file: this block is never closed with "}"'));
    closeBlock(stack);
  }
  return root.body;
}

function closeBlock(stack: OpenBlock[]): void {
  const closed = stack.pop();
  if (closed) {
    stack[stack.length - 1].body.push({ kind: 'block', header: closed.header, body: closed.body });
  }
}

// ---------------------------------------------------------------------------------------------
// Values: ports, ranges, sets, variables
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
  ['>', (value: number): [number, number] => [value + 1, 65535]],
  ['gt', (value: number): [number, number] => [value + 1, 65535]],
  ['>=', (value: number): [number, number] => [value, 65535]],
  ['ge', (value: number): [number, number] => [value, 65535]],
]);

const DIGITS = /^\d+$/;
/** How deeply defines may refer to other defines before the chain is treated as unresolved. */
const MAX_DEFINE_DEPTH = 8;
const DIGIT_RANGE = /^\d+-\d+$/;
const SERVICE_NAME = /^[A-Za-z][\w.+-]*$/;
const ANY_SOURCE: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

type PortValue =
  | { readonly ok: true; readonly port: number | null; readonly endPort: number | null; readonly digits?: { readonly from: number; readonly to: number }; readonly unknownName?: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

function parseNumber(text: string): PortValue {
  const parsed = parsePort(text, true);
  if (!parsed.ok) {
    return { ok: false, code: 'port-out-of-range', message: `Value ${text.length > 12 ? `${text.slice(0, 12)}…` : text} exceeds valid range 0-65535` };
  }
  return { ok: true, port: parsed.value, endPort: parsed.value, digits: { from: 0, to: text.length } };
}

/** An `inet_service` value: a number, a `first-last` range, or a service name. */
export function parseNftPort(text: string): PortValue {
  if (DIGITS.test(text)) {
    return parseNumber(text);
  }
  const known = ETC_SERVICES.get(text);
  if (known) {
    return { ok: true, port: known.port, endPort: known.port };
  }
  const dash = text.indexOf('-');
  if (dash > 0) {
    const first = text.slice(0, dash);
    const last = text.slice(dash + 1);
    const low = DIGITS.test(first) ? parseNumber(first) : lookupName(first);
    const high = DIGITS.test(last) ? parseNumber(last) : lookupName(last);
    if (low && high) {
      if (!low.ok) {
        return low;
      }
      if (!high.ok) {
        return high;
      }
      if ((low.port ?? 0) > (high.port ?? 0)) {
        return { ok: false, code: 'reversed-range', message: `Range has zero or negative size: ${low.port} is above ${high.port}` };
      }
      const numeric = DIGITS.test(first) && DIGITS.test(last);
      return { ok: true, port: low.port, endPort: high.port, ...(numeric ? { digits: { from: 0, to: text.length } } : {}) };
    }
  }
  if (SERVICE_NAME.test(text)) {
    return { ok: true, port: null, endPort: null, unknownName: text };
  }
  return { ok: false, code: 'invalid-port', message: `"${text}" is not a port, a port range or a service name` };
}

function lookupName(name: string): PortValue | undefined {
  const known = ETC_SERVICES.get(name);
  return known ? { ok: true, port: known.port, endPort: known.port } : undefined;
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
 * Splits `{ a, b, c }` starting at `tokens[open]` into elements. Returns the elements and the index
 * after the closing brace. Nested braces (rare in port sets) are skipped whole.
 */
function readSet(tokens: readonly Token[], open: number, withVerdicts: boolean): { elements: Element[]; next: number } {
  const elements: Element[] = [];
  let index = open + 1;
  let current: Token[] = [];
  const flush = () => {
    if (current.length > 0) {
      elements.push(toElement(current, withVerdicts));
    }
    current = [];
  };
  while (index < tokens.length) {
    const token = tokens[index];
    if (token.kind === '}') {
      flush();
      return { elements, next: index + 1 };
    }
    if (token.kind === '{') {
      index = skipBraces(tokens, index);
      continue;
    }
    if (token.kind === ',') {
      flush();
    } else {
      current.push(token);
    }
    index++;
  }
  flush();
  return { elements, next: index };
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

/**
 * One set element: `80` or `80 timeout 1h` (the first word is the key), or in a verdict map
 * `22 : accept`, `22: jump web`, `22:drop` (the key is cut at the colon and the verdict follows).
 */
function toElement(tokens: readonly Token[], withVerdicts: boolean): Element {
  const first = tokens[0];
  if (!withVerdicts) {
    return { token: first };
  }
  const colon = first.text.indexOf(':');
  const key = colon < 0 ? first : { ...first, text: first.text.slice(0, colon), end: first.start + colon };
  const rest = [...(colon < 0 ? [] : [first.text.slice(colon + 1)]), ...tokens.slice(1).map((token) => token.text)];
  const words = rest.map((word) => (word.startsWith(':') ? word.slice(1) : word)).filter((word) => word !== '');
  const verdict = verdictOf(words, 0);
  return { token: key, ...(verdict ? { verdict: verdict.verdict } : {}) };
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
// Rules
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
      const value = MATCH_PROTOCOLS.get(words[index + 2] ?? '');
      if (value && value !== 'any') {
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
  } else if (operator !== undefined && COMPARISONS.has(operator) && tokens[index + 1]?.kind === 'word') {
    rule.matches.push({ protocol, sourcePort, negated, value: { kind: 'comparison', operator, token: tokens[index + 1] } });
    return index + 2;
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
  } else if (token.kind === 'word') {
    rule.matches.push({ protocol, sourcePort, negated, value: { kind: 'elements', elements: [{ token }] } });
  }
  return index + 1;
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

/** `dnat [ip|ip6] to ADDRESS`, `snat …`, `redirect to :PORT`, `masquerade to :PORT`. */
function readNat(tokens: readonly Token[], start: number, rule: Rule): number {
  const statement = tokens[start].text;
  rule.natStatement = statement;
  let index = start + 1;
  if (FAMILIES.has(tokens[index]?.text ?? '')) {
    index++;
  }
  if (tokens[index]?.text !== 'to') {
    return index;
  }
  const target = tokens[index + 1];
  if (target && target.kind === 'word') {
    rule.natTargets.push({ statement, token: target });
  }
  return index + 2;
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

/** Named sets' and defines' elements, found before any rule is read. */
class Definitions {
  /** Sets by table and name. */
  private readonly sets = new Map<string, Element[]>();
  /** Sets by name alone, for a rule whose table the set's definition did not name the same way. */
  private readonly setsByName = new Map<string, Element[]>();
  readonly defines = new Map<string, Element[]>();

  addSetElements(table: string | undefined, name: string, elements: readonly Element[]): void {
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

  set(table: string | undefined, name: string): readonly Element[] | undefined {
    return this.sets.get(`${table ?? ''}\u0000${name}`) ?? this.setsByName.get(name);
  }
}

class NftablesScan {
  readonly references: PortReference[] = [];
  private readonly definitions = new Definitions();
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
    this.collect(nodes, {});
    this.walk(nodes, {});
  }

  /** First pass: named sets (blocks and `add element`) and `define`s, so rules can use them in any order. */
  private collect(nodes: readonly Node[], context: ChainContext): void {
    for (const node of nodes) {
      if (node.kind === 'block') {
        const header = headerOf(node.header);
        if (header.object === 'table') {
          this.collect(node.body, { table: header.qualifiedName });
        } else if ((header.object === 'set' || header.object === 'map') && header.name) {
          this.definitions.addSetElements(header.table ?? context.table, header.name, elementsIn(node.body, header.object === 'map'));
        }
        continue;
      }
      const first = node.tokens[0]?.text;
      if (first === 'define' && node.tokens[2]?.text === '=') {
        this.definitions.defines.set(node.tokens[1].text, valueElements(node.tokens, 3, false));
      } else if (first !== undefined && COMMAND_VERBS.has(first) && node.tokens[1]?.text === 'element') {
        const target = commandTarget(node.tokens, 2, 1);
        if (target) {
          this.definitions.addSetElements(target.table, target.names[0], valueElements(node.tokens, target.next, true));
        }
      }
    }
  }

  private walk(nodes: readonly Node[], context: ChainContext): void {
    for (const node of nodes) {
      if (node.kind === 'block') {
        const header = headerOf(node.header);
        if (header.object === 'table') {
          this.walk(node.body, { table: header.qualifiedName });
        } else if (header.object === 'chain') {
          const table = header.table ?? context.table;
          const hook = chainHook(node.body);
          const guardsInput = table !== undefined && header.name !== undefined && this.guardsInput(table, header.name, hook);
          this.walk(node.body, { ...(table ? { table } : {}), ...(header.name ? { chain: header.name } : {}), ...(hook.hook ? { hook: hook.hook } : {}), ...(guardsInput ? { guardsInput } : {}) });
        }
        continue;
      }
      const first = node.tokens[0]?.text;
      if (first !== undefined && COMMAND_VERBS.has(first) && node.tokens[1]?.text === 'rule') {
        const target = commandTarget(node.tokens, 2, 1);
        if (target) {
          const chain = target.names[0];
          // nft adds a rule only to a chain that exists, so an input chain is declared before its `add rule`s.
          const guardsInput = this.inputChains.size > 0 && first !== 'delete' && first !== 'destroy' && this.inputChains.has(`${target.table}\u0000${chain}`);
          this.rule(node.tokens.slice(skipRulePosition(node.tokens, target.next)), guardsInput ? { table: target.table, chain, guardsInput } : { table: target.table, chain }, node.tokens);
        }
      } else if (first === 'policy' && context.guardsInput) {
        this.inputPolicy(node.tokens, context);
      } else if (context.chain && first !== 'type' && first !== 'policy' && first !== 'comment' && first !== 'devices') {
        this.rule(node.tokens, context);
      }
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
    const emit = new RuleEmitter(this, info, this.flagsOf(context), context, this.definitions);
    for (const match of rule.matches) {
      emit.match(match, match.protocol === 'any' ? (rule.transport ?? 'any') : match.protocol);
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
    private readonly definitions: Definitions,
  ) {}

  match(match: PortMatch, protocol: Protocol): void {
    const { value } = match;
    switch (value.kind) {
      case 'elements':
        for (const element of value.elements) {
          this.element(element, match, protocol);
        }
        break;
      case 'named': {
        const elements = this.definitions.set(this.context.table, value.name);
        for (const element of elements ?? []) {
          this.element(element, match, protocol);
        }
        break;
      }
      case 'comparison':
        this.comparison(value.operator, value.token, match, protocol);
    }
  }

  private element(element: Element, match: PortMatch, protocol: Protocol, depth = 0): void {
    const { token } = element;
    const range = rangeOf(token);
    if (token.text.startsWith('$')) {
      // A define inside a set (`{ $WEB, 22 }`); the depth cap stops defines that refer to each other.
      const elements = depth < MAX_DEFINE_DEPTH ? this.definitions.defines.get(token.text.slice(1)) : undefined;
      if (!elements) {
        this.add(range, undefined, protocol, null, null, token.text, match);
        this.scan.problems.push(problem(range, 'unresolved-variable', `${token.text} is not defined in this file, so its port is unknown`, 'info'));
        return;
      }
      for (const inner of elements) {
        this.element({ token: inner.token, ...(element.verdict ? { verdict: element.verdict } : {}) }, match, protocol, depth + 1);
      }
      return;
    }
    const parsed = parseNftPort(token.text);
    if (!parsed.ok) {
      this.scan.problems.push(problem(range, parsed.code, parsed.message));
      return;
    }
    const portRange = parsed.digits ? { start: token.start + parsed.digits.from, end: token.start + parsed.digits.to } : undefined;
    this.add(range, portRange, protocol, parsed.port, parsed.endPort, parsed.unknownName || undefined, match, element.verdict);
    if (parsed.unknownName) {
      this.scan.problems.push(problem(range, 'unknown-service', `"${parsed.unknownName}" is not a service name Port Lens knows; nft looks it up in /etc/services`, 'info'));
    }
  }

  /** `tcp dport < 1024` and friends cover a range of ports. */
  private comparison(operator: string, token: Token, match: PortMatch, protocol: Protocol): void {
    const range = rangeOf(token);
    const parsed = parseNftPort(token.text);
    if (!parsed.ok) {
      this.scan.problems.push(problem(range, parsed.code, parsed.message));
      return;
    }
    const bounds = parsed.port === null ? undefined : COMPARISONS.get(operator)?.(parsed.port);
    if (!bounds || bounds[0] > bounds[1]) {
      return;
    }
    this.add(range, undefined, protocol, bounds[0], bounds[1], `${operator} ${token.text}`, match);
  }

  natTarget(target: NatTarget, protocol: Protocol): void {
    const { token } = target;
    const split = splitNatAddress(token.text);
    if (split.portText === undefined) {
      return;
    }
    const range = rangeOf(token);
    const parsed = parseNatPort(split.portText);
    if (!parsed.ok) {
      this.scan.problems.push(problem(range, parsed.code, parsed.message));
      return;
    }
    const reference = { role: 'firewall', range } as Mutable<PortReference>;
    reference.portRange = { start: token.start + split.portOffset, end: token.end };
    reference.protocol = protocol;
    reference.port = parsed.port;
    reference.endPort = parsed.endPort;
    if (split.address) {
      reference.hostIp = split.address;
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

function rangeOf(token: Token): SourceRange {
  return { start: token.start, end: token.end };
}

/** The parts of a block header: `table inet filter`, `chain input`, `set web`, with an optional command verb. */
function headerOf(header: readonly Token[]): { object?: string; name?: string; table?: string; qualifiedName?: string } {
  const words = header.map((token) => token.text);
  const offset = COMMAND_VERBS.has(words[0] ?? '') ? 1 : 0;
  const object = words[offset];
  if (object === 'table') {
    const hasFamily = FAMILIES.has(words[offset + 1] ?? '') && words.length > offset + 2;
    const family = hasFamily ? words[offset + 1] : 'ip';
    const name = words[offset + (hasFamily ? 2 : 1)];
    return { object, ...(name ? { name, qualifiedName: `${family} ${name}` } : {}) };
  }
  if (offset === 1) {
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

/** A value that is either `{ a, b }` or a single word. */
function valueElements(tokens: readonly Token[], start: number, withVerdicts: boolean): Element[] {
  const first = tokens[start];
  if (!first) {
    return [];
  }
  if (first.kind === '{') {
    return readSet(tokens, start, withVerdicts).elements;
  }
  return first.kind === 'word' ? [{ token: first }] : [];
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

/** Splits a NAT address: `10.0.0.2:8080`, `[fd00::2]:8080`, `:8080`, `10.0.0.2:80-90`, or a bare port for `redirect to 8080`. */
function splitNatAddress(text: string): { address?: string; portText?: string; portOffset: number } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') {
      return { portOffset: 0 };
    }
    return { address: text.slice(1, close), portText: text.slice(close + 2), portOffset: close + 2 };
  }
  if (DIGITS.test(text) || DIGIT_RANGE.test(text)) {
    return { portText: text, portOffset: 0 };
  }
  const colon = text.indexOf(':');
  if (colon < 0 || text.indexOf(':', colon + 1) >= 0) {
    return { portOffset: 0 };
  }
  return { ...(colon > 0 ? { address: text.slice(0, colon) } : {}), portText: text.slice(colon + 1), portOffset: colon + 1 };
}

function parseNatPort(text: string): PortValue {
  if (!DIGITS.test(text) && !DIGIT_RANGE.test(text)) {
    return { ok: false, code: 'invalid-port', message: `"${text}" is not a port or a first-last port range` };
  }
  return parseNftPort(text);
}

export const scanNftables: Scanner = (text) => {
  const problems: ScanProblem[] = [];
  const scan = new NftablesScan(text, problems);
  try {
    scan.run(parseBlocks((take) => tokenize(text, problems, take), problems));
  } catch (error) {
    problems.push(problem({ start: 0, end: 0 }, 'parse-error', `Could not read the ruleset: ${failureReason(error)}`));
  }
  problems.sort((a, b) => a.range.start - b.range.start);
  const references = scan.references.sort((a, b) => a.range.start - b.range.start);
  const firewall = scan.firewallFacts();
  return firewall ? { format: 'nftables', references, problems, wiring: { firewall: [firewall] } } : { format: 'nftables', references, problems };
};
