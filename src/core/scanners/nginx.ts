/**
 * Scanner for nginx configuration: `listen` in the http, stream and mail modules, the upstream
 * addresses of `proxy_pass`, `fastcgi_pass`, `uwsgi_pass`, `scgi_pass`, `grpc_pass` and
 * `memcached_pass`, and `server` entries of `upstream` blocks.
 *
 * The tokenizer follows nginx's own reader: words end at blanks, `;` and `{` (a `}` inside a word is
 * part of it), `#` starts a comment only where a token could start, quotes open only at a token's
 * start, and `\` makes the next character ordinary. Directives then span lines freely.
 *
 * A file with no `http`, `stream` or `mail` block is an include snippet (sites-enabled, conf.d), which
 * nginx reads inside `http`, so its directives are scoped `http` — unless the file sits in a directory
 * named like `stream.d`/`streams-enabled`, which distributions include inside `stream`.
 */
import type { Mutable, PortReference, Protocol, Scanner, ScanProblem, SourceRange } from '../types';
import type { Dial } from '../wiring/facts';
import { failureReason, MAX_PORT, NESTED_TOO_DEEPLY, problem } from './portSyntax';

// ---------------------------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------------------------

export type NginxTokenKind = 'word' | 'string' | ';' | '{' | '}' | 'comment';

export interface NginxToken {
  readonly kind: NginxTokenKind;
  /** A word's or string's value with escapes resolved; a comment's text after `#`; the punctuation itself. */
  readonly text: string;
  /** Span as written, quotes and `#` included. */
  readonly start: number;
  readonly end: number;
  /** `true` when the value holds a variable (`$host`, `${var}`). */
  readonly hasVariable: boolean;
  /** Source offset of each unit of `text`, when escapes or quotes make it differ from `start + index`. */
  readonly offsets?: readonly number[];
}

export interface NginxTokens {
  readonly tokens: NginxToken[];
  readonly problems: ScanProblem[];
}

/** Escapes nginx resolves in every token; any other `\x` stays as the two characters. */
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n' };

function isBlank(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\r' || char === '\n';
}

function isVariableStart(char: string | undefined): boolean {
  return char !== undefined && (char === '{' || char === '_' || (char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z'));
}

/** Splits nginx configuration text into tokens. Linear, never throws; lexical problems come back with the tokens. */
export function tokenizeNginx(text: string): NginxTokens {
  const lexer = new NginxLexer(text);
  const tokens: NginxToken[] = [];
  for (let token = lexer.next(); token; token = lexer.next()) {
    tokens.push(token);
  }
  return { tokens, problems: lexer.problems };
}

/**
 * Reads tokens one at a time. The scanner needs the parameters of only a few directives, so
 * `skipParameters` passes over the others' without building a token for each.
 */
class NginxLexer {
  private pos = 0;
  readonly problems: ScanProblem[] = [];
  /** Where the readers put the one token they read. */
  private readonly scratch: NginxToken[] = [];

  constructor(private readonly text: string) {}

  /** The next token, comments included; `undefined` at the end of the text. */
  next(): NginxToken | undefined {
    const { text } = this;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code === 32 || code === 10 || code === 9 || code === 13) {
        this.pos++;
        continue;
      }
      const pos = this.pos;
      const char = text[pos];
      if (char === '#') {
        const end = text.indexOf('\n', pos);
        const stop = end < 0 ? text.length : end;
        const textEnd = stop > pos + 1 && text[stop - 1] === '\r' ? stop - 1 : stop;
        this.pos = stop;
        return { kind: 'comment', text: text.slice(pos + 1, textEnd), start: pos, end: stop, hasVariable: false };
      }
      if (char === ';' || char === '{' || char === '}') {
        this.pos++;
        return { kind: char, text: char, start: pos, end: pos + 1, hasVariable: false };
      }
      this.pos = char === '"' || char === "'" ? readQuoted(text, pos, this.scratch, this.problems) : readWord(text, pos, this.scratch);
      return this.scratch.pop();
    }
    return undefined;
  }

  /**
   * Passes over words, strings and comments up to the next `;`, `{` or `}`, which is left to
   * `next`. Lexical problems are still reported. Returns the end of the last word or string
   * passed over, or -1 when there was none.
   */
  skipParameters(): number {
    const { text } = this;
    let lastEnd = -1;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code === 32 || code === 10 || code === 9 || code === 13) {
        this.pos++;
      } else if (code === 35) {
        const end = text.indexOf('\n', this.pos);
        this.pos = end < 0 ? text.length : end;
      } else if (code === 59 || code === 123 || code === 125) {
        break;
      } else {
        this.pos = code === 34 || code === 39 ? readQuoted(text, this.pos, undefined, this.problems) : readWord(text, this.pos, undefined);
        lastEnd = this.pos;
      }
    }
    return lastEnd;
  }
}

/** Appends one unit of a token's value, resolving the escapes nginx resolves. Returns the next position. */
function readUnit(text: string, pos: number, chars: string[], origins: number[]): number {
  if (text[pos] === '\\' && pos + 1 < text.length) {
    const escaped = ESCAPES[text[pos + 1]];
    if (escaped !== undefined) {
      chars.push(escaped);
      origins.push(pos + 1);
    } else {
      chars.push('\\', text[pos + 1]);
      origins.push(pos, pos + 1);
    }
    return pos + 2;
  }
  chars.push(text[pos]);
  origins.push(pos);
  return pos + 1;
}

function finishToken(kind: 'word' | 'string', chars: string[], origins: number[], start: number, end: number, valueStart: number): NginxToken {
  const value = chars.join('');
  const verbatim = origins.every((origin, index) => origin === valueStart + index);
  return {
    kind,
    text: value,
    start,
    end,
    hasVariable: hasVariable(value),
    ...(verbatim ? {} : { offsets: origins }),
  };
}

function hasVariable(value: string): boolean {
  for (let index = value.indexOf('$'); index >= 0; index = value.indexOf('$', index + 1)) {
    if (isVariableStart(value[index + 1]) || (value[index + 1] >= '0' && value[index + 1] <= '9')) {
      return true;
    }
  }
  return false;
}

/** A token ends at a blank, `;` or `{`; a character code test, since the lexer visits every character. */
function endsWord(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 59 || code === 123;
}

/** Reads a word starting at `start` into `tokens` (or only finds its end, without them); returns where it ends. */
function readWord(text: string, start: number, tokens: NginxToken[] | undefined): number {
  // Most words hold no backslash: their value is the text as written, so slice it instead of
  // building it character by character.
  let end = start;
  while (end < text.length) {
    const code = text.charCodeAt(end);
    if (code === 92) {
      return readEscapedWord(text, start, tokens);
    }
    if (endsWord(code) && !(code === 123 && end > start && text.charCodeAt(end - 1) === 36)) {
      break;
    }
    end++;
  }
  if (tokens) {
    const value = text.slice(start, end);
    tokens.push({ kind: 'word', text: value, start, end, hasVariable: hasVariable(value) });
  }
  return end;
}

function readEscapedWord(text: string, start: number, tokens: NginxToken[] | undefined): number {
  const chars: string[] = [];
  const origins: number[] = [];
  let pos = start;
  while (pos < text.length) {
    const char = text[pos];
    // `${name}`: the brace belongs to the variable, not to a block.
    if (char === '{' && pos > start && text[pos - 1] === '$') {
      chars.push(char);
      origins.push(pos);
      pos++;
      continue;
    }
    if (isBlank(char) || char === ';' || char === '{') {
      break;
    }
    pos = readUnit(text, pos, chars, origins);
  }
  tokens?.push(finishToken('word', chars, origins, start, pos, start));
  return pos;
}

/** Reads a quoted string as `readWord` reads a word; its problems are reported either way. */
function readQuoted(text: string, start: number, tokens: NginxToken[] | undefined, problems: ScanProblem[]): number {
  const quote = text[start];
  const close = text.indexOf(quote, start + 1);
  let escaped = close < 0;
  for (let index = start + 1; !escaped && index < close; index++) {
    escaped = text.charCodeAt(index) === 92;
  }
  let pos: number;
  if (!escaped) {
    // No escape inside: the value is the text between the quotes.
    if (tokens) {
      const value = text.slice(start + 1, close);
      tokens.push({ kind: 'string', text: value, start, end: close + 1, hasVariable: hasVariable(value) });
    }
    pos = close + 1;
  } else {
    const chars: string[] = [];
    const origins: number[] = [];
    pos = start + 1;
    while (pos < text.length && text[pos] !== quote) {
      pos = readUnit(text, pos, chars, origins);
    }
    if (pos >= text.length) {
      problems.push(problem({ start, end: text.length }, 'parse-error', `unexpected end of file: the ${quote === '"' ? 'double' : 'single'} quote opened here is never closed`));
      tokens?.push(finishToken('string', chars, origins, start, text.length, start + 1));
      return text.length;
    }
    pos++;
    tokens?.push(finishToken('string', chars, origins, start, pos, start + 1));
  }
  const next = text[pos];
  if (next !== undefined && !isBlank(next) && next !== ';' && next !== '{' && next !== '}') {
    problems.push(problem({ start: pos, end: pos + 1 }, 'parse-error', `unexpected "${next}": a quoted parameter must be followed by a space, ";" or "{"`));
  }
  return pos;
}

/** The source span of `text[from..to)` of a word or string token. */
export function nginxTokenSpan(token: NginxToken, from = 0, to = token.text.length): SourceRange {
  const valueStart = token.kind === 'string' ? token.start + 1 : token.start;
  if (to <= from) {
    return { start: valueStart + from, end: valueStart + from };
  }
  if (!token.offsets) {
    return { start: valueStart + from, end: valueStart + to };
  }
  return { start: token.offsets[from], end: token.offsets[to - 1] + 1 };
}

// ---------------------------------------------------------------------------------------------
// Directives
// ---------------------------------------------------------------------------------------------

interface Directive {
  readonly name: NginxToken;
  readonly args: readonly NginxToken[];
}

interface OpenBlock {
  /** Absent for a `{` with nothing before it: nginx rejects it, and nothing inside it is read. */
  readonly name?: NginxToken;
  readonly args: readonly NginxToken[];
  readonly opening?: NginxToken;
}

/**
 * What `parseDirectives` reports, in document order: blocks opening and closing, and every
 * directive without a block as it ends. Handing them on at once, instead of building the whole
 * tree first, lets a big file's tokens be freed while it is still being read.
 */
interface DirectiveVisitor {
  openBlock(block: OpenBlock): void;
  directive(directive: Directive): void;
  closeBlock(): void;
}

/**
 * Groups tokens into directives and blocks; unbalanced braces and missing `;` become problems.
 * Only directives in {@link READ_PARAMETERS} keep their parameters; the others' are skipped
 * unread, and such a directive without a block is dropped, since nothing looks at it.
 */
function parseDirectives(lexer: NginxLexer, problems: ScanProblem[], visitor: DirectiveVisitor): void {
  const stack: OpenBlock[] = [{ args: [] }];
  let pending: NginxToken[] = [];
  /** End of the pending directive's last word, kept or skipped. */
  let pendingEnd = 0;
  for (let token = lexer.next(); token; token = lexer.next()) {
    if (token.kind === 'comment') {
      continue;
    }
    if (token.kind === 'word' || token.kind === 'string') {
      pending.push(token);
      pendingEnd = token.end;
      if (pending.length === 1 && !READ_PARAMETERS.has(token.text)) {
        const skippedEnd = lexer.skipParameters();
        if (skippedEnd >= 0) {
          pendingEnd = skippedEnd;
        }
      }
    } else if (token.kind === ';') {
      if (pending.length === 0) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected ";"'));
      } else if (READ_PARAMETERS.has(pending[0].text)) {
        visitor.directive({ name: pending[0], args: pending.slice(1) });
      }
      pending = [];
    } else if (token.kind === '{') {
      if (pending.length === 0) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected "{"'));
      }
      const block: OpenBlock = { name: pending[0], args: pending.slice(1), opening: token };
      stack.push(block);
      visitor.openBlock(block);
      pending = [];
    } else {
      if (pending.length > 0) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected "}": the directive before it is missing its ";"'));
        visitor.directive({ name: pending[0], args: pending.slice(1) });
        pending = [];
      }
      if (stack.length === 1) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected "}": no block is open here'));
      } else {
        stack.pop();
        visitor.closeBlock();
      }
    }
  }
  if (pending.length > 0) {
    problems.push(problem({ start: pending[0].start, end: pendingEnd }, 'parse-error', 'unexpected end of file, expecting ";" or "}"'));
    visitor.directive({ name: pending[0], args: pending.slice(1) });
  }
  while (stack.length > 1) {
    const open = stack[stack.length - 1];
    const opening = open.opening ?? open.name;
    problems.push(problem(opening ? rangeOf(opening) : { start: 0, end: 0 }, 'parse-error', 'unexpected end of file, expecting "}" to close this block'));
    stack.pop();
    visitor.closeBlock();
  }
}

function rangeOf(token: NginxToken): SourceRange {
  return { start: token.start, end: token.end };
}

// ---------------------------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------------------------

type Scope = 'http' | 'stream' | 'mail';

/** `listen` parameters kept as flags; `name=value` parameters keep their value. */
const LISTEN_FLAGS: ReadonlySet<string> = new Set(['default_server', 'default', 'ssl', 'http2', 'quic', 'spdy', 'udp', 'proxy_protocol', 'reuseport', 'deferred', 'bind']);
const LISTEN_VALUE_FLAGS: readonly string[] = ['ipv6only=', 'backlog=', 'rcvbuf=', 'sndbuf=', 'so_keepalive=', 'fastopen=', 'setfib=', 'accept_filter='];

type Schemes = ReadonlyMap<string, number | undefined>;

const NO_SCHEMES: Schemes = new Map();

/**
 * The http module's other upstream-address directives and the URL schemes each accepts. None has a
 * default port (grpc:// included): an address without one must name an upstream block.
 */
const PASS_DIRECTIVES: ReadonlyMap<string, Schemes> = new Map([
  ['fastcgi_pass', NO_SCHEMES],
  ['scgi_pass', NO_SCHEMES],
  ['memcached_pass', NO_SCHEMES],
  ['grpc_pass', new Map([['grpc://', undefined], ['grpcs://', undefined]])],
  ['uwsgi_pass', new Map([['uwsgi://', undefined], ['suwsgi://', undefined]])],
]);

/** The directives whose parameters the scanner reads; see `walk` and `collectUpstreamNames`. */
const READ_PARAMETERS: ReadonlySet<string> = new Set(['listen', 'server', 'upstream', 'proxy_pass', ...PASS_DIRECTIVES.keys()]);

/** proxy_pass in http needs a scheme, and the scheme gives the port when none is written. */
const HTTP_PROXY_SCHEMES: Schemes = new Map([
  ['http://', 80],
  ['https://', 443],
]);

/** Blocks whose contents are data (maps, MIME types), never directives that open ports. */
const DATA_BLOCKS: ReadonlySet<string> = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map', 'match']);

/** Variables that always hold a path starting with `/`, so a port written just before one is complete. */
const URI_VARIABLE = /^\$(?:request_uri|uri|document_uri)(?![A-Za-z0-9_])/;
/** A host written as an address (IPv4, or IPv6 taken out of its brackets), not a name to resolve. */
const IP_LITERAL = /^[0-9.]+$|:/;

const STREAM_INCLUDE_DIRECTORY = /(?:^|[\\/])streams?[a-z._-]*[\\/][^\\/]*$/i;
const DIGITS = /^\d+$/;

/** A host with an optional port, split out of an address; offsets index the address text. */
interface HostPort {
  readonly host: string;
  readonly portText?: string;
  readonly portFrom: number;
}

type AddressSplit = { readonly ok: true; readonly value: HostPort } | { readonly ok: false; readonly code: string; readonly reason: string };

/** Splits `host:port`, `[v6]:port`, `host` or `[v6]` the way nginx does: at the first colon. */
function splitAddress(text: string, from: number, to: number): AddressSplit {
  if (text[from] === '[') {
    const close = text.indexOf(']', from);
    if (close < 0 || close >= to) {
      return { ok: false, code: 'invalid-address', reason: 'invalid host' };
    }
    if (close + 1 === to) {
      return { ok: true, value: { host: text.slice(from + 1, close), portFrom: to } };
    }
    if (text[close + 1] !== ':') {
      return { ok: false, code: 'invalid-address', reason: 'invalid host' };
    }
    return { ok: true, value: { host: text.slice(from + 1, close), portText: text.slice(close + 2, to), portFrom: close + 2 } };
  }
  const colon = text.indexOf(':', from);
  if (colon < 0 || colon >= to) {
    return { ok: true, value: { host: text.slice(from, to), portFrom: to } };
  }
  const second = text.indexOf(':', colon + 1);
  if (second >= 0 && second < to) {
    return { ok: false, code: 'ipv6-needs-brackets', reason: 'invalid port' };
  }
  if (colon === from) {
    return { ok: false, code: 'invalid-address', reason: 'no host' };
  }
  return { ok: true, value: { host: text.slice(from, colon), portText: text.slice(colon + 1, to), portFrom: colon + 1 } };
}

type PortsParse =
  | { readonly ok: true; readonly port: number; readonly endPort: number }
  | { readonly ok: false; readonly code: string; readonly reason: string };

/** A port (1-65535) or, where nginx allows one, a `first-last` range. */
function parseNginxPorts(text: string, allowRange: boolean): PortsParse {
  const dash = allowRange ? text.indexOf('-') : -1;
  const parts = dash < 0 ? [text] : [text.slice(0, dash), text.slice(dash + 1)];
  const values: number[] = [];
  for (const part of parts) {
    if (!DIGITS.test(part)) {
      return { ok: false, code: 'invalid-port', reason: 'invalid port' };
    }
    const value = part.length > 6 ? Number.POSITIVE_INFINITY : Number(part);
    if (value === 0) {
      return { ok: false, code: 'invalid-port', reason: 'invalid port' };
    }
    if (value > MAX_PORT) {
      return { ok: false, code: 'port-out-of-range', reason: 'invalid port' };
    }
    values.push(value);
  }
  const [port, endPort = port] = values;
  if (port > endPort) {
    return { ok: false, code: 'reversed-range', reason: 'invalid port range' };
  }
  return { ok: true, port, endPort };
}

/** Messages name the problem as nginx does, then say why in plain words. */
function explain(code: string): string {
  switch (code) {
    case 'invalid-port':
      return 'ports run from 1 to 65535';
    case 'port-out-of-range':
      return 'the largest port is 65535';
    case 'reversed-range':
      return 'the first port of a range must not be above the last';
    case 'ipv6-needs-brackets':
      return 'nginx splits at the first colon, so write IPv6 addresses in brackets, like [::1]:8080';
    default:
      return 'the address could not be read';
  }
}

/**
 * Deepest block nesting read. Real configurations stay within a dozen levels; a deeper file is
 * reported once as nested too deeply, as when blocks were read recursively and ran out of stack.
 */
const MAX_NESTING = 1000;

/** An open block as the scanner sees it. */
interface Frame {
  /** `undefined` at the top level. */
  readonly block: OpenBlock | undefined;
  /** The top-level context (`http`, `stream`, `mail`) the block sits in, if any. */
  readonly context: Scope | undefined;
  /** Inside a block without a name, which nginx rejects: nothing in it counts. */
  readonly dropped: boolean;
  /** Inside a data block (`map`, `types`, …): only upstream names count. */
  readonly data: boolean;
}

/** How an upstream address becomes a dial in the wiring facts. */
interface DialSource {
  readonly via: Dial['via'];
  readonly label: string;
}

class NginxScan implements DirectiveVisitor {
  readonly references: PortReference[] = [];
  /** Upstream addresses with a host name, for the workspace graph. */
  dials: Dial[] = [];
  private readonly upstreamNames = new Set<string>();
  private readonly frames: Frame[] = [{ block: undefined, context: undefined, dropped: false, data: false }];
  /** Upstream URLs, checked at the end: a name may refer to an `upstream` block further down. */
  private readonly passes: {
    readonly url: NginxToken;
    readonly scope: Scope;
    readonly schemes: Schemes;
    readonly schemeRequired: boolean;
    /** The directive, for the dial's label. */
    readonly label: string;
  }[] = [];
  /** Set once blocks nest deeper than {@link MAX_NESTING}; what is inside them is not read. */
  private tooDeep = false;

  constructor(
    readonly problems: ScanProblem[],
    private readonly defaultScope: Scope,
    /** The scanned text, for the dials' text as written. */
    private readonly source: string,
  ) {}

  openBlock(block: OpenBlock): void {
    const parent = this.frames[this.frames.length - 1];
    const name = block.name?.text;
    if (this.frames.length > MAX_NESTING && !parent.dropped) {
      this.tooDeep = true;
    }
    const dropped = parent.dropped || name === undefined || this.frames.length > MAX_NESTING;
    if (!dropped) {
      this.noteUpstreamName(block);
    }
    this.frames.push({
      block,
      context: parent.context ?? (name === 'http' || name === 'stream' || name === 'mail' ? name : undefined),
      dropped,
      data: parent.data || (name !== undefined && DATA_BLOCKS.has(name)),
    });
  }

  closeBlock(): void {
    this.frames.pop();
  }

  /** A directive without a block, with the top-level context it sits in and the block directly around it. */
  directive(directive: Directive): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame.dropped) {
      return;
    }
    this.noteUpstreamName(directive);
    if (frame.data) {
      return;
    }
    const name = directive.name.text;
    const scope = frame.context ?? this.defaultScope;
    const parent = frame.block;
    const parentName = parent?.name?.text;
    if (name === 'listen' && (parentName === 'server' || parent === undefined)) {
      this.listen(directive, scope);
    } else if (name === 'server' && parentName === 'upstream') {
      this.upstreamServer(directive, scope, parent?.args[0]?.text);
    } else if (name === 'proxy_pass') {
      this.proxyPass(directive, scope);
    } else if (PASS_DIRECTIVES.has(name) && scope === 'http') {
      this.pass(directive, scope);
    }
  }

  /** Reads the upstream URLs once every `upstream` name in the file is known. */
  finish(): void {
    for (const { url, scope, schemes, schemeRequired, label } of this.passes) {
      this.passUrl(url, scope, schemes, schemeRequired, label);
    }
    if (this.dials.length > 0 && this.upstreamNames.size > 0) {
      // A `*_pass` address names an upstream block (matched without regard to case) before any host;
      // an upstream's own `server` entries are always resolved as hosts (`upstream web { server web:8000; }`).
      const names = new Set([...this.upstreamNames].map((name) => name.toLowerCase()));
      this.dials = this.dials.filter((dial) => dial.via !== 'proxy_pass' || !names.has(dial.host));
    }
    if (this.tooDeep) {
      this.problems.push(problem({ start: 0, end: 0 }, 'parse-error', `Could not read the configuration: ${NESTED_TOO_DEEPLY}`));
    }
  }

  private noteUpstreamName(directive: { readonly name?: NginxToken; readonly args: readonly NginxToken[] }): void {
    if (directive.name?.text === 'upstream' && directive.args[0]) {
      this.upstreamNames.add(directive.args[0].text);
    }
  }

  private listen(directive: Directive, scope: Scope): void {
    const address = directive.args[0];
    if (!address) {
      return;
    }
    const flags = listenFlags(directive.args.slice(1));
    const protocol: Protocol = flags.includes('udp') || flags.includes('quic') ? 'udp' : 'tcp';
    const range = nginxTokenSpan(address);
    const { text } = address;
    if (address.hasVariable) {
      // Templates (envsubst, Helm) fill these in before nginx reads the file.
      const reference = listenReference(protocol, scope, flags, range);
      reference.port = null;
      reference.endPort = null;
      reference.rawText = text;
      this.references.push(reference);
      return;
    }
    if (text.toLowerCase().startsWith('unix:')) {
      return;
    }
    const split = splitListenAddress(text);
    if (!split.ok) {
      this.problems.push(problem(range, split.code, `${split.reason} in "${text}" of the "listen" directive: ${explain(split.code)}`));
      return;
    }
    const { value } = split;
    const hostIp = value.host === '' || value.host === '*' ? undefined : value.host;
    if (value.portText === undefined) {
      if (scope !== 'http') {
        this.problems.push(problem(range, 'missing-port', `no port in "${text}" of the "listen" directive: a ${scope} listen needs address:port or a port`));
        return;
      }
      const reference = listenReference(protocol, scope, flags, range);
      reference.port = 80;
      reference.endPort = 80;
      if (hostIp) {
        reference.hostIp = hostIp;
      }
      reference.flags = [...flags, 'implicit-port'];
      this.references.push(reference);
      return;
    }
    const ports = parseNginxPorts(value.portText, true);
    if (!ports.ok) {
      this.problems.push(problem(range, ports.code, `${ports.reason} in "${text}" of the "listen" directive: ${explain(ports.code)}`));
      return;
    }
    const reference = listenReference(protocol, scope, flags, range);
    reference.portRange = nginxTokenSpan(address, value.portFrom, text.length);
    reference.port = ports.port;
    reference.endPort = ports.endPort;
    if (hostIp) {
      reference.hostIp = hostIp;
    }
    this.references.push(reference);
  }

  /** `server address [parameters]` inside `upstream NAME { … }`. */
  private upstreamServer(directive: Directive, scope: Scope, upstreamName: string | undefined): void {
    const address = directive.args[0];
    if (!address || address.hasVariable || address.text.toLowerCase().startsWith('unix:')) {
      return;
    }
    // `service=` asks DNS SRV records for the ports.
    if (directive.args.some((arg) => arg.text.startsWith('service='))) {
      return;
    }
    this.upstreamAddress(address, 0, address.text.length, {
      scope,
      implicitPort: scope === 'http' ? 80 : undefined,
      missingPortIsError: scope !== 'http',
      ...(upstreamName ? { name: upstreamName, dial: { via: 'upstream', label: `upstream ${upstreamName}` } } : {}),
    });
  }

  private proxyPass(directive: Directive, scope: Scope): void {
    const url = directive.args[0];
    if (!url) {
      return;
    }
    if (scope === 'http') {
      this.passes.push({ url, scope, schemes: HTTP_PROXY_SCHEMES, schemeRequired: true, label: 'proxy_pass' });
    } else if (scope === 'stream') {
      this.passes.push({ url, scope, schemes: NO_SCHEMES, schemeRequired: false, label: 'proxy_pass' });
    }
  }

  private pass(directive: Directive, scope: Scope): void {
    const url = directive.args[0];
    const schemes = PASS_DIRECTIVES.get(directive.name.text);
    if (url && schemes) {
      this.passes.push({ url, scope, schemes, schemeRequired: false, label: directive.name.text });
    }
  }

  /** An upstream URL: optional scheme, then `host[:port]`, then (for HTTP) a URI that is not ours. */
  private passUrl(url: NginxToken, scope: Scope, schemes: Schemes, schemeRequired: boolean, label: string): void {
    const { text } = url;
    const lower = text.toLowerCase();
    let hostStart = 0;
    let schemePort: number | undefined;
    for (const [scheme, port] of schemes) {
      if (lower.startsWith(scheme)) {
        hostStart = scheme.length;
        schemePort = port;
        break;
      }
    }
    if ((schemeRequired && hostStart === 0) || lower.startsWith('unix:', hostStart)) {
      return;
    }
    let hostEnd = text.length;
    let cutByVariable = false;
    for (let index = hostStart; index < text.length; index++) {
      const char = text[index];
      if (char === '/' || char === '?') {
        hostEnd = index;
        break;
      }
      if (char === '$') {
        hostEnd = index;
        cutByVariable = true;
        break;
      }
    }
    const authority = text.slice(hostStart, hostEnd);
    if (authority === '' || (cutByVariable && !hasExplicitPort(authority))) {
      return;
    }
    if (schemePort === undefined && !hasExplicitPort(authority)) {
      // No port and none implied: the name is an upstream block (here or in another file).
      return;
    }
    if (this.upstreamNames.has(authority)) {
      return;
    }
    // A variable right after the port could carry more digits, unless it always holds a path.
    const portComplete = !cutByVariable || URI_VARIABLE.test(text.slice(hostEnd));
    this.upstreamAddress(url, hostStart, hostEnd, {
      scope,
      implicitPort: schemePort,
      missingPortIsError: false,
      ...(portComplete ? { dial: { via: 'proxy_pass', label } } : {}),
    });
  }

  private upstreamAddress(
    token: NginxToken,
    from: number,
    to: number,
    options: { scope: Scope; implicitPort: number | undefined; missingPortIsError: boolean; name?: string; dial?: DialSource },
  ): void {
    const text = token.text.slice(from, to);
    const range = nginxTokenSpan(token, from, to);
    const split = splitAddress(token.text, from, to);
    if (!split.ok) {
      this.problems.push(problem(range, split.code, `${split.reason} in upstream "${text}": ${explain(split.code)}`));
      return;
    }
    const { value } = split;
    // Built property by property: spreading a shared base into each reference is slow in V8.
    const upstream = (): Mutable<PortReference> => {
      const reference = { role: 'upstream', range, protocol: 'tcp' } as Mutable<PortReference>;
      if (value.host) {
        reference.hostIp = value.host;
      }
      if (options.name) {
        reference.name = options.name;
      }
      reference.scope = options.scope;
      return reference;
    };
    if (value.portText === undefined) {
      if (options.implicitPort !== undefined) {
        const reference = upstream();
        reference.port = options.implicitPort;
        reference.endPort = options.implicitPort;
        reference.flags = ['implicit-port'];
        this.references.push(reference);
        this.addDial(token, from, to, value.host, options.implicitPort, undefined, options.dial);
      } else if (options.missingPortIsError) {
        this.problems.push(problem(range, 'missing-port', `no port in upstream "${text}": ${options.scope} upstream servers need host:port`));
      }
      return;
    }
    const ports = parseNginxPorts(value.portText, false);
    if (!ports.ok) {
      this.problems.push(problem(range, ports.code, `${ports.reason} in upstream "${text}": ${explain(ports.code)}`));
      return;
    }
    const reference = upstream();
    reference.portRange = nginxTokenSpan(token, value.portFrom, to);
    reference.port = ports.port;
    reference.endPort = ports.endPort;
    this.references.push(reference);
    this.addDial(token, from, to, value.host, ports.port, reference.portRange, options.dial);
  }

  /**
   * A dial to a host name, from an upstream address already split and checked. The address runs from
   * the start of the value (the scheme included) to the end of the port; `from` is where the host starts.
   */
  private addDial(token: NginxToken, from: number, to: number, host: string, port: number, portRange: SourceRange | undefined, source: DialSource | undefined): void {
    if (!source || host === '' || token.text[from] === '[' || IP_LITERAL.test(host)) {
      return;
    }
    const range = nginxTokenSpan(token, 0, to);
    const dial = { via: source.via, host: host.toLowerCase(), hostRange: nginxTokenSpan(token, from, from + host.length), port } as Mutable<Dial>;
    if (portRange) {
      dial.portRange = portRange;
    }
    dial.range = range;
    dial.text = this.source.slice(range.start, range.end);
    dial.label = source.label;
    this.dials.push(dial);
  }
}

/**
 * The start of a `listen` reference; callers add the port fields. Built property by property,
 * because spreading a shared base into each reference costs microseconds per object in V8.
 */
function listenReference(protocol: Protocol, scope: Scope, flags: readonly string[], range: SourceRange): Mutable<PortReference> {
  const reference = { role: 'listen', protocol, scope } as Mutable<PortReference>;
  if (flags.length > 0) {
    reference.flags = flags;
  }
  reference.range = range;
  return reference;
}

/** `listen` addresses: as `splitAddress`, plus a bare port or port range meaning "all addresses". */
function splitListenAddress(text: string): AddressSplit {
  if (text[0] !== '[' && !text.includes(':') && isPortOnly(text)) {
    return { ok: true, value: { host: '', portText: text, portFrom: 0 } };
  }
  return splitAddress(text, 0, text.length);
}

/** nginx reads a colon-less `listen` value as a port when it is digits, or digits-digits. */
function isPortOnly(text: string): boolean {
  const dash = text.indexOf('-');
  return dash < 0 ? DIGITS.test(text) : DIGITS.test(text.slice(0, dash)) && DIGITS.test(text.slice(dash + 1));
}

function hasExplicitPort(authority: string): boolean {
  const close = authority.startsWith('[') ? authority.indexOf(']') : -1;
  const colon = authority.indexOf(':', close + 1);
  return colon >= 0 && colon < authority.length - 1;
}

function listenFlags(parameters: readonly NginxToken[]): string[] {
  const flags: string[] = [];
  for (const parameter of parameters) {
    const { text } = parameter;
    if (LISTEN_FLAGS.has(text) || LISTEN_VALUE_FLAGS.some((prefix) => text.startsWith(prefix))) {
      flags.push(text);
    }
  }
  return flags;
}

export const scanNginx: Scanner = (text, options) => {
  const problems: ScanProblem[] = [];
  const defaultScope: Scope = options?.fileName && STREAM_INCLUDE_DIRECTORY.test(options.fileName) ? 'stream' : 'http';
  const scanProblems: ScanProblem[] = [];
  const scan = new NginxScan(scanProblems, defaultScope, text);
  try {
    const lexer = new NginxLexer(text);
    const parseProblems: ScanProblem[] = [];
    try {
      parseDirectives(lexer, parseProblems, scan);
      scan.finish();
    } finally {
      // Lexical, then syntax, then port problems, as when each stage ran over the whole text in turn.
      for (const list of [lexer.problems, parseProblems, scanProblems]) {
        for (const found of list) {
          problems.push(found);
        }
      }
    }
  } catch (error) {
    problems.push(problem({ start: 0, end: 0 }, 'parse-error', `Could not read the configuration: ${failureReason(error)}`));
  }
  problems.sort((a, b) => a.range.start - b.range.start);
  const references = scan.references.sort((a, b) => a.range.start - b.range.start);
  if (scan.dials.length === 0) {
    return { format: 'nginx', references, problems };
  }
  // Dials of `*_pass` directives are read at the end; hand them out in the order they are written.
  const dials = scan.dials.sort((a, b) => a.range.start - b.range.start);
  return { format: 'nginx', references, problems, wiring: { nginx: { dials } } };
};

const NGINX_BLOCK = /^[ \t]*(?:server|http|events|stream|upstream[ \t]+[\w.-]+)[ \t]*\{/m;
const NGINX_DIRECTIVE = /^[ \t]*(?:listen|proxy_pass|location|server_name)[ \t]/m;
/** How much of a file the sniff reads: nginx's blocks and directives come early. */
const SNIFF_LENGTH = 64 * 1024;

/**
 * Cheap sniff for a `.conf` file, or one named just `conf`, whose name says nothing: a
 * `server {` (or `http`, `events`, `stream`, `upstream NAME`) block at the start of a line and a
 * `listen`, `proxy_pass`, `location` or `server_name` directive. Apache and HAProxy files have
 * neither braces nor these blocks.
 */
export function looksLikeNginx(text: string): boolean {
  const head = text.length > SNIFF_LENGTH ? text.slice(0, SNIFF_LENGTH) : text;
  return NGINX_BLOCK.test(head) && NGINX_DIRECTIVE.test(head);
}
