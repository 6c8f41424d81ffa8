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
import type { Dial, Forward, ServedListener } from '../wiring/facts';
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
  // Where each open block's `{` is, and nothing more: a deep file keeps one number per level, not its tokens.
  const openings: number[] = [];
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
      openings.push(token.start);
      visitor.openBlock({ name: pending[0], args: pending.slice(1) });
      pending = [];
    } else {
      if (pending.length > 0) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected "}": the directive before it is missing its ";"'));
        visitor.directive({ name: pending[0], args: pending.slice(1) });
        pending = [];
      }
      if (openings.length === 0) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected "}": no block is open here'));
      } else {
        openings.pop();
        visitor.closeBlock();
      }
    }
  }
  if (pending.length > 0) {
    problems.push(problem({ start: pending[0].start, end: pendingEnd }, 'parse-error', 'unexpected end of file, expecting ";" or "}"'));
    visitor.directive({ name: pending[0], args: pending.slice(1) });
  }
  for (let depth = openings.length - 1; depth >= 0; depth--) {
    const start = openings[depth];
    problems.push(problem({ start, end: start + 1 }, 'parse-error', 'unexpected end of file, expecting "}" to close this block'));
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

/**
 * The `listen` parameters without a value each module takes, each with whether it sets a socket
 * option: only one `listen` of an address and port may set those ("duplicate listen options").
 * `quic` (http, nginx 1.25), `default_server` and `deferred` (stream, nginx 1.25.5) are newer than
 * some distributions' nginx; they are accepted, as the current nginx accepts them.
 */
const LISTEN_WORDS: Readonly<Record<'http' | 'stream', ReadonlyMap<string, boolean>>> = {
  http: new Map([
    ['default_server', false],
    ['default', false],
    ['ssl', false],
    ['http2', false],
    ['quic', false],
    ['proxy_protocol', false],
    ['bind', true],
    ['reuseport', true],
    ['deferred', true],
  ]),
  stream: new Map([
    ['default_server', false],
    ['udp', false],
    ['ssl', false],
    ['proxy_protocol', false],
    ['bind', true],
    ['reuseport', true],
    ['deferred', true],
  ]),
};

/**
 * The `name=value` parameters each module takes (all of them set a socket option but
 * `accept_filter`, which Linux nginx ignores). `setfib` works on FreeBSD only and
 * `accept_filter` only on FreeBSD; both are accepted, as on the systems that have them.
 */
const LISTEN_VALUES: Readonly<Record<'http' | 'stream', ReadonlySet<string>>> = {
  http: new Set(['backlog', 'rcvbuf', 'sndbuf', 'fastopen', 'so_keepalive', 'ipv6only', 'setfib', 'accept_filter']),
  stream: new Set(['backlog', 'rcvbuf', 'sndbuf', 'fastopen', 'so_keepalive', 'ipv6only', 'setfib']),
};

/** Parameters a `listen … udp` (stream) or `listen … quic` (http) socket cannot have, in the order nginx checks them. */
const INCOMPATIBLE_WITH: Readonly<Record<'udp' | 'quic', readonly string[]>> = {
  udp: ['backlog', 'deferred', 'ssl', 'so_keepalive', 'proxy_protocol', 'fastopen'],
  quic: ['ssl', 'http2', 'proxy_protocol'],
};

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
const READ_PARAMETERS: ReadonlySet<string> = new Set(['listen', 'server', 'upstream', 'proxy_pass', 'include', ...PASS_DIRECTIVES.keys()]);

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
/** A dotted IPv4 address, which never names an upstream block. */
const IPV4_LITERAL = /^\d+\.\d+\.\d+\.\d+$/;

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
  const slash = text.indexOf('/', from);
  if (slash >= 0 && slash < to) {
    // Only proxy_pass takes a path, and its URL is cut before the path.
    return { ok: false, code: 'invalid-address', reason: 'invalid host' };
  }
  if (text[from] === '[') {
    const close = text.indexOf(']', from);
    if (close < 0 || close >= to) {
      return { ok: false, code: 'invalid-address', reason: 'invalid host' };
    }
    if (close === from + 1) {
      return { ok: false, code: 'invalid-address', reason: 'no host' };
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
    // nginx reads leading zeros as nothing; compare lengths first so a long number stays exact.
    const significant = part.replace(/^0+(?=\d)/, '');
    const value = significant.length > 6 ? Number.POSITIVE_INFINITY : Number(significant);
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
  /** Inside a data block (`map`, `types`, …): only upstream names count. */
  readonly data: boolean;
  /** Set for a `server` block of the http or stream module. */
  readonly server?: ServerBlock;
  /** The server block this frame is in, at any depth: its listeners relay what its `*_pass` directives name. */
  readonly enclosing?: ServerBlock;
}

/** What the scanner notes about one `server { … }` while reading it. */
interface ServerBlock {
  /** The `server` keyword; absent for the server a snippet is included in. */
  readonly keyword: NginxToken | undefined;
  readonly scope: 'http' | 'stream';
  hasListen: boolean;
  /** An included file may hold the `listen`. */
  hasInclude: boolean;
  /** Spans of the listen references the block makes, its implicit `*:80` included. */
  readonly listens: SourceRange[];
  /** Where its `*_pass` directives relay connections, filled in as the addresses are read at the end. */
  readonly forwards: Forward[];
  /** An include that may add locations, or an address the file cannot fix: what answers is out of sight. */
  undecided: boolean;
  /** `text|port` of each forward, so a target written in many locations counts once. */
  readonly forwardKeys: Set<string>;
  /** Targets read so far, repeats included: a `*_pass` that adds none names nothing the file fixes. */
  targetsRead: number;
}

/**
 * Most targets one server block keeps. Many `proxy_pass` lines to an upstream of many servers
 * would otherwise cost their product; past this, what answers is left undecided.
 */
const MAX_FORWARDS_PER_SERVER = 256;

/**
 * Included files that hold parameters, types or TLS settings, never a location or a `*_pass`:
 * `include proxy_params;` in a server leaves what answers it in plain sight.
 */
const PARAMETER_INCLUDE = /(?:_params|\.types|ssl[^/]*|tls[^/]*|letsencrypt[^/]*|headers[^/]*)$/i;

/** One address and port range a `listen` opens, for the duplicate checks at the end. */
interface ListenSocket {
  readonly server: ServerBlock | undefined;
  readonly scope: Scope;
  readonly protocol: Protocol;
  /** The address as nginx compares it: `0.0.0.0` for the IPv4 wildcard, IPv6 without brackets. */
  readonly address: string;
  readonly port: number;
  readonly endPort: number;
  readonly setsOptions: boolean;
  readonly range: SourceRange;
}

/** How an upstream address becomes a dial in the wiring facts. */
interface DialSource {
  readonly via: Dial['via'];
  readonly label: string;
}

/** Directives the scanner reads that never open a block. */
const NOT_BLOCKS: ReadonlySet<string | undefined> = new Set(['listen', 'proxy_pass', 'include', ...PASS_DIRECTIVES.keys()]);

/** Blocks that make a file a whole configuration rather than a snippet included inside one. */
const MAIN_CONTEXT_BLOCKS: ReadonlySet<string> = new Set(['http', 'stream', 'mail', 'events']);

class NginxScan implements DirectiveVisitor {
  readonly references: PortReference[] = [];
  /** Upstream addresses with a host name, for the workspace graph. */
  dials: Dial[] = [];
  private readonly upstreamNames = new Set<string>();
  /** The upstream names in lower case, once every one is known. */
  private upstreamNamesLowerCase: Set<string> | undefined;
  private readonly frames: Frame[] = [{ block: undefined, context: undefined, data: false }];
  /**
   * Open blocks nothing in which counts: one without a name, which nginx rejects, one past
   * {@link MAX_NESTING}, and every block inside those. Counted rather than kept, so a deep file
   * holds no frame per level.
   */
  private droppedDepth = 0;
  /** Upstream URLs, checked at the end: a name may refer to an `upstream` block further down. */
  private readonly passes: {
    readonly url: NginxToken;
    readonly scope: Scope;
    readonly schemes: Schemes;
    readonly schemeRequired: boolean;
    /** The directive, for the dial's label. */
    readonly label: string;
    /** The server block whose listeners the address relays to. */
    readonly server: ServerBlock | undefined;
  }[] = [];
  /** Server blocks with listeners, in file order, for their served-listener facts. */
  private readonly servers: ServerBlock[] = [];
  /** Ports of each upstream block's `server` entries, by lower-case name; `undefined` for one the file does not fix. */
  private readonly upstreamPorts = new Map<string, (number | undefined)[]>();
  private readonly upstreamPortSets = new Map<string, Set<number | undefined>>();
  /** The listens and `*_pass` directives of a snippet outside any server block: the server it is included in. */
  private readonly snippetServer: ServerBlock;
  private readonly sockets: ListenSocket[] = [];
  /** Hosts of the http upstream addresses read so far that have a port, written or implied by the scheme. */
  private readonly httpHostsWithPort = new Set<string>();
  /** `listen` directives outside any block: fine in a snippet, refused in a whole configuration. */
  private readonly topLevelListens: NginxToken[] = [];
  /** The file has an `http`, `stream`, `mail` or `events` block: it is nginx.conf itself. */
  private mainConfiguration = false;
  private hasInclude = false;
  /** Set once blocks nest deeper than {@link MAX_NESTING}; what is inside them is not read. */
  private tooDeep = false;

  constructor(
    readonly problems: ScanProblem[],
    private readonly defaultScope: Scope,
    /** The scanned text, for the dials' text as written. */
    private readonly source: string,
  ) {
    this.snippetServer = newServerBlock(undefined, defaultScope === 'stream' ? 'stream' : 'http');
    this.frames[0] = { ...this.frames[0], enclosing: this.snippetServer };
  }

  openBlock(block: OpenBlock): void {
    if (this.droppedDepth > 0) {
      this.droppedDepth++;
      return;
    }
    const parent = this.frames[this.frames.length - 1];
    const name = block.name?.text;
    if (this.frames.length > MAX_NESTING) {
      this.tooDeep = true;
    }
    if (name === undefined || this.frames.length > MAX_NESTING) {
      this.droppedDepth = 1;
      return;
    }
    this.noteUpstreamName(block);
    if (this.frames.length === 1 && MAIN_CONTEXT_BLOCKS.has(name)) {
      this.mainConfiguration = true;
    }
    if (block.name && NOT_BLOCKS.has(name)) {
      // Most often the `;` after it is missing, and the next line's block was taken as its own.
      this.problems.push(problem(rangeOf(block.name), 'parse-error', `directive "${name}" is not terminated by ";"`));
    }
    const context = parent.context ?? (name === 'http' || name === 'stream' || name === 'mail' ? name : undefined);
    // A snippet's top-level locations belong to the server it is included in; its http or stream block does not.
    const enclosing = parent.block || !MAIN_CONTEXT_BLOCKS.has(name) ? parent.enclosing : undefined;
    const frame: Frame = { block, context, data: parent.data || DATA_BLOCKS.has(name), ...(enclosing ? { enclosing } : {}) };
    const scope = context ?? this.defaultScope;
    const parentName = parent.block?.name?.text;
    // A server block sits right inside its module's block, or at the top of a snippet included there.
    if (!frame.data && name === 'server' && block.name && scope !== 'mail' && (parentName === scope || parent.block === undefined)) {
      const server = newServerBlock(block.name, scope);
      this.frames.push({ ...frame, server, enclosing: server });
      return;
    }
    this.frames.push(frame);
  }

  closeBlock(): void {
    if (this.droppedDepth > 0) {
      this.droppedDepth--;
      return;
    }
    const server = this.frames.pop()?.server;
    if (!server?.keyword || server.hasListen || server.hasInclude) {
      return;
    }
    if (server.scope === 'http') {
      // nginx listens on *:80 for an http server without `listen` (on *:8000 when it runs unprivileged).
      const reference = listenReference('tcp', 'http', ['implicit'], rangeOf(server.keyword));
      reference.port = 80;
      reference.endPort = 80;
      this.references.push(reference);
      server.listens.push(reference.range);
      this.servers.push(server);
    } else {
      this.problems.push(problem(rangeOf(server.keyword), 'missing-listen', 'no "listen" is defined for server: a stream server has no default port, so it needs a listen directive'));
    }
  }

  /** A directive without a block, with the top-level context it sits in and the block directly around it. */
  directive(directive: Directive): void {
    if (this.droppedDepth > 0) {
      return;
    }
    const frame = this.frames[this.frames.length - 1];
    this.noteUpstreamName(directive);
    if (frame.data) {
      return;
    }
    const name = directive.name.text;
    const scope = frame.context ?? this.defaultScope;
    const parent = frame.block;
    const parentName = parent?.name?.text;
    if (name === 'include') {
      this.hasInclude = true;
      if (frame.server) {
        frame.server.hasInclude = true;
      }
      const included = directive.args[0];
      if (frame.enclosing && !(included && !included.hasVariable && PARAMETER_INCLUDE.test(included.text))) {
        frame.enclosing.undecided = true;
      }
    } else if (name === 'listen') {
      if (parentName === 'server' || parent === undefined) {
        if (frame.server) {
          frame.server.hasListen = true;
        } else if (parent === undefined) {
          this.topLevelListens.push(directive.name);
        }
        this.listen(directive, scope, frame.server, frame.enclosing);
      } else {
        this.problems.push(problem(rangeOf(directive.name), 'misplaced-directive', `"listen" directive is not allowed here: it belongs directly inside a server block, not in ${parentName ? `"${parentName}"` : 'this block'}`));
      }
    } else if (name === 'server' && parentName === 'upstream') {
      this.upstreamServer(directive, scope, parent?.args[0]?.text);
    } else if (name === 'proxy_pass') {
      this.proxyPass(directive, scope, frame.enclosing);
    } else if (PASS_DIRECTIVES.has(name) && scope === 'http') {
      this.pass(directive, scope, frame.enclosing);
    }
  }

  /** Reads the upstream URLs once every `upstream` name in the file is known, and checks the listens against each other. */
  finish(): void {
    for (const { url, scope, schemes, schemeRequired, label, server } of this.passes) {
      const targetsRead = server ? server.targetsRead : 0;
      this.passUrl(url, scope, schemes, schemeRequired, label, server);
      if (server && server.targetsRead === targetsRead) {
        // The address named nothing the file fixes (a variable host, an invalid URL): out of sight.
        server.undecided = true;
      }
    }
    if (this.dials.length > 0 && this.upstreamNames.size > 0) {
      // A `*_pass` address names an upstream block (matched without regard to case) before any host;
      // an upstream's own `server` entries are always resolved as hosts (`upstream web { server web:8000; }`).
      const names = this.lowerCaseUpstreamNames();
      this.dials = this.dials.filter((dial) => dial.via !== 'proxy_pass' || !names.has(dial.host));
    }
    if (this.mainConfiguration) {
      for (const name of this.topLevelListens) {
        this.problems.push(problem(rangeOf(name), 'misplaced-directive', '"listen" directive is not allowed here: it belongs inside a server block'));
      }
    }
    this.checkDuplicateListens();
    if (this.tooDeep) {
      this.problems.push(problem({ start: 0, end: 0 }, 'parse-error', `Could not read the configuration: ${NESTED_TOO_DEEPLY}`));
    }
  }

  private lowerCaseUpstreamNames(): Set<string> {
    this.upstreamNamesLowerCase ??= new Set([...this.upstreamNames].map((name) => name.toLowerCase()));
    return this.upstreamNamesLowerCase;
  }

  /**
   * nginx refuses one server listening twice on an address and port ("a duplicate listen"), and
   * two servers that both set socket options for one ("duplicate listen options"). Sorting by
   * address and port finds every overlap without comparing every pair.
   */
  private checkDuplicateListens(): void {
    const reported = new Set<ListenSocket>();
    const sweep = (sockets: ListenSocket[], key: (socket: ListenSocket) => string, report: (earlier: ListenSocket, later: ListenSocket) => void): void => {
      const keyed = sockets.map((socket) => ({ socket, key: key(socket) }));
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.socket.port - b.socket.port));
      let widest: ListenSocket | undefined;
      let widestKey = '';
      for (const { socket, key: socketKey } of keyed) {
        if (widest && socketKey === widestKey && socket.port <= widest.endPort) {
          const [earlier, later] = widest.range.start < socket.range.start ? [widest, socket] : [socket, widest];
          if (!reported.has(later)) {
            reported.add(later);
            report(earlier, later);
          }
        }
        if (!widest || socketKey !== widestKey || socket.endPort > widest.endPort) {
          widest = socket;
          widestKey = socketKey;
        }
      }
    };
    const place = (socket: ListenSocket): string => `${socket.scope}|${socket.protocol}|${socket.address}`;
    const servers = new Map<ServerBlock | undefined, number>();
    const serverId = (socket: ListenSocket): number => {
      let id = servers.get(socket.server);
      if (id === undefined) {
        id = servers.size;
        servers.set(socket.server, id);
      }
      return id;
    };
    // Without its server block (a snippet included in one) the listens of a file are one server's.
    sweep(this.sockets, (socket) => `${place(socket)}|${serverId(socket)}`, (earlier, later) => {
      this.problems.push(problem(later.range, 'duplicate-listen', `a duplicate listen ${socketLabel(later, Math.max(earlier.port, later.port))}: this server already listens there`));
    });
    sweep(this.sockets.filter((socket) => socket.setsOptions), place, (earlier, later) => {
      if (earlier.server !== later.server) {
        this.problems.push(
          problem(later.range, 'duplicate-listen-options', `duplicate listen options for ${socketLabel(later, Math.max(earlier.port, later.port))}: socket options (bind, backlog, reuseport, …) may be set in only one listen of an address and port`),
        );
      }
    });
  }

  private noteUpstreamName(directive: { readonly name?: NginxToken; readonly args: readonly NginxToken[] }): void {
    if (directive.name?.text === 'upstream' && directive.args[0]) {
      this.upstreamNames.add(directive.args[0].text);
    }
  }

  private listen(directive: Directive, scope: Scope, server: ServerBlock | undefined, enclosing: ServerBlock | undefined): void {
    const address = directive.args[0];
    if (!address) {
      this.problems.push(problem(rangeOf(directive.name), 'missing-port', 'invalid number of arguments in "listen" directive: it needs an address, a port or both'));
      return;
    }
    const range = nginxTokenSpan(address);
    const { text } = address;
    const unix = text.slice(0, 5).toLowerCase() === 'unix:';
    if (address.hasVariable) {
      // Templates (envsubst, Helm) fill these in before nginx reads the file.
      const parameters = checkListenParameters(directive.args.slice(1), scope);
      const reference = listenReference(parameters.ok ? parameters.value.protocol : 'tcp', scope, parameters.ok ? parameters.value.flags : [], range);
      reference.port = null;
      reference.endPort = null;
      reference.rawText = text;
      this.references.push(reference);
      this.served(enclosing, reference.range);
      return;
    }
    // nginx reads the address before the parameters, and stops at the first problem.
    const split = unix ? undefined : splitListenAddress(text);
    if (unix && text.length === 5) {
      this.problems.push(problem(range, 'invalid-address', `no path in the unix domain socket in "${text}" of the "listen" directive`));
      return;
    }
    if (split && !split.ok) {
      this.problems.push(problem(range, split.code, `${split.reason} in "${text}" of the "listen" directive: ${explain(split.code)}`));
      return;
    }
    const ports = split?.value.portText === undefined ? undefined : parseNginxPorts(split.value.portText, true);
    if (ports && !ports.ok) {
      this.problems.push(problem(range, ports.code, `${ports.reason} in "${text}" of the "listen" directive: ${explain(ports.code)}`));
      return;
    }
    const parameters = checkListenParameters(directive.args.slice(1), scope);
    if (!parameters.ok) {
      this.problems.push(problem(rangeOf(parameters.token), 'invalid-parameter', parameters.message));
      return;
    }
    const { flags, protocol, setsOptions } = parameters.value;
    if (!split) {
      // A socket file has no port, but one server may not listen on it twice either.
      if (scope !== 'mail') {
        this.sockets.push({ server, scope, protocol, address: `unix:${text.slice(5)}`, port: 0, endPort: 0, setsOptions, range });
      }
      return;
    }
    const { value } = split;
    const hostIp = value.host === '' || value.host === '*' ? undefined : value.host;
    const reference = listenReference(protocol, scope, flags, range);
    if (!ports) {
      // http listens on 80 when only an address is given; stream and mail let the system pick a port.
      if (scope !== 'http') {
        return;
      }
      reference.port = 80;
      reference.endPort = 80;
      reference.flags = [...flags, 'implicit-port'];
    } else {
      reference.portRange = nginxTokenSpan(address, value.portFrom, text.length);
      reference.port = ports.port;
      reference.endPort = ports.endPort;
    }
    if (hostIp) {
      reference.hostIp = hostIp;
    }
    this.references.push(reference);
    this.served(enclosing, reference.range);
    if (scope !== 'mail') {
      this.sockets.push({ server, scope, protocol, address: socketAddress(value.host, text[0] === '['), port: reference.port, endPort: reference.endPort, setsOptions, range });
    }
  }

  /** `server address [parameters]` inside `upstream NAME { … }`. */
  private upstreamServer(directive: Directive, scope: Scope, upstreamName: string | undefined): void {
    const address = directive.args[0];
    const ports = upstreamName === undefined ? undefined : getOrCreate(this.upstreamPorts, upstreamName.toLowerCase());
    if (!address || address.hasVariable || address.text.toLowerCase().startsWith('unix:')) {
      // A socket file is no port of this host; a variable is one the file does not fix.
      if (address?.hasVariable) {
        ports?.push(undefined);
      }
      return;
    }
    // `service=` asks DNS SRV records for the ports.
    if (directive.args.some((arg) => arg.text.startsWith('service='))) {
      ports?.push(undefined);
      return;
    }
    const port = this.upstreamAddress(address, 0, address.text.length, {
      scope,
      implicitPort: scope === 'http' ? 80 : undefined,
      missingPortIsError: scope !== 'http',
      ...(upstreamName ? { name: upstreamName, dial: { via: 'upstream', label: `upstream ${upstreamName}` } } : {}),
    });
    ports?.push(port);
  }

  private proxyPass(directive: Directive, scope: Scope, server: ServerBlock | undefined): void {
    if (scope === 'mail' || !this.takesOneAddress(directive)) {
      return;
    }
    const url = directive.args[0];
    if (scope === 'http') {
      this.passes.push({ url, scope, schemes: HTTP_PROXY_SCHEMES, schemeRequired: true, label: 'proxy_pass', server });
    } else {
      this.passes.push({ url, scope, schemes: NO_SCHEMES, schemeRequired: false, label: 'proxy_pass', server });
    }
  }

  private pass(directive: Directive, scope: Scope, server: ServerBlock | undefined): void {
    const schemes = PASS_DIRECTIVES.get(directive.name.text);
    if (schemes && this.takesOneAddress(directive)) {
      this.passes.push({ url: directive.args[0], scope, schemes, schemeRequired: false, label: directive.name.text, server });
    }
  }

  /** Notes a listener of a server block (or of the server a snippet is included in). */
  private served(server: ServerBlock | undefined, range: SourceRange): void {
    if (!server) {
      return;
    }
    if (server.listens.length === 0) {
      this.servers.push(server);
    }
    server.listens.push(range);
  }

  /** What each listener relays to, once every address is read: the served-listener facts. */
  servedListeners(): ServedListener[] {
    const listeners: ServedListener[] = [];
    for (const server of this.servers) {
      for (const range of server.listens) {
        listeners.push({ range, forwards: server.forwards, undecided: server.undecided });
      }
    }
    return listeners.sort((a, b) => a.range.start - b.range.start);
  }

  /** The `*_pass` directives take exactly one address. */
  private takesOneAddress(directive: Directive): boolean {
    if (directive.args.length === 1) {
      return true;
    }
    const name = directive.name.text;
    this.problems.push(problem(rangeOf(directive.name), 'invalid-address', `invalid number of arguments in "${name}" directive: it takes exactly one address`));
    return false;
  }

  /** An upstream URL: optional scheme, then `host[:port]`, then (for HTTP) a URI that is not ours. */
  private passUrl(url: NginxToken, scope: Scope, schemes: Schemes, schemeRequired: boolean, label: string, server?: ServerBlock): void {
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
    const range = nginxTokenSpan(url);
    if (schemeRequired && hostStart === 0) {
      // A URL with variables is put together per request; a fixed one must name its scheme.
      if (!url.hasVariable) {
        this.problems.push(problem(range, 'invalid-address', `invalid URL prefix in "${text}": ${label} takes http:// or https:// followed by the address`));
      }
      return;
    }
    if (lower.startsWith('unix:', hostStart)) {
      if (text.length === hostStart + 5 && !url.hasVariable) {
        this.problems.push(problem(range, 'invalid-address', `no path in the unix domain socket in upstream "${text.slice(hostStart)}"`));
      }
      return;
    }
    let hostEnd = text.length;
    let cutByVariable = false;
    let uriStart = -1;
    for (let index = hostStart; index < text.length; index++) {
      const char = text[index];
      if (char === '/' || char === '?') {
        hostEnd = index;
        uriStart = index;
        break;
      }
      if (char === '$') {
        hostEnd = index;
        cutByVariable = true;
        break;
      }
    }
    const authority = text.slice(hostStart, hostEnd);
    if (uriStart >= 0 && !schemeRequired && !url.hasVariable) {
      // Only proxy_pass in http takes a URI after the address.
      this.problems.push(problem(range, 'invalid-address', `invalid host in upstream "${text.slice(hostStart)}": ${label} takes an address without a path`));
      return;
    }
    if (cutByVariable && !hasExplicitPort(authority)) {
      return;
    }
    if (authority === '') {
      this.problems.push(problem(range, 'invalid-address', `no host in upstream "${text.slice(hostStart)}": the address is missing`));
      return;
    }
    const bracketed = authority.startsWith('[');
    const colon = authority.indexOf(':', bracketed ? authority.indexOf(']') + 1 : 0);
    const host = colon < 0 ? authority : authority.slice(0, colon);
    // A name of an upstream block (matched without regard to case) comes before any host name.
    if (!bracketed && this.lowerCaseUpstreamNames().has(host.toLowerCase())) {
      const port = colon < 0 ? undefined : parseNginxPorts(authority.slice(colon + 1), false);
      if (server && port === undefined) {
        this.forwardToUpstream(server, url, host);
      }
      if (port?.ok) {
        this.problems.push(problem(range, 'upstream-port', `upstream "${host}" may not have port ${port.port}: a name of an upstream block takes no port, its servers carry them`));
      } else if (port) {
        this.problems.push(problem(range, port.code, `${port.reason} in upstream "${authority}": ${explain(port.code)}`));
      }
      return;
    }
    const hostKey = host.toLowerCase();
    if (schemePort === undefined && colon < 0) {
      // No port and none implied: the name must be an upstream block, so an address, or a name no
      // upstream block of a whole configuration carries, is refused. In http, nginx instead reuses
      // the upstream an earlier address of the same host made, port and all.
      const reused = scope === 'http' && this.httpHostsWithPort.has(hostKey);
      if (!reused && (bracketed || IPV4_LITERAL.test(host) || (this.mainConfiguration && !this.hasInclude))) {
        this.problems.push(problem(range, 'missing-port', `no port in upstream "${authority}": ${label} needs host:port, or the name of an upstream block`));
      }
      return;
    }
    if (scope === 'http') {
      this.httpHostsWithPort.add(hostKey);
    }
    // A variable right after the port could carry more digits, unless it always holds a path.
    const portComplete = !cutByVariable || URI_VARIABLE.test(text.slice(hostEnd));
    const forwardPort = this.upstreamAddress(url, hostStart, hostEnd, {
      scope,
      implicitPort: schemePort,
      missingPortIsError: false,
      ...(portComplete ? { dial: { via: 'proxy_pass', label } } : {}),
    });
    if (server && forwardPort !== undefined && portComplete) {
      addForward(server, { text: `${label} ${text}`, range, port: forwardPort });
    }
  }

  /** A `*_pass` to an upstream block relays to each of its servers; one the file does not fix leaves it out of sight. */
  private forwardToUpstream(server: ServerBlock, url: NginxToken, name: string): void {
    const lower = name.toLowerCase();
    server.targetsRead++;
    if (server.forwardKeys.has(`upstream:${lower}`)) {
      // Another location of this server already relays to it.
      return;
    }
    server.forwardKeys.add(`upstream:${lower}`);
    const ports = this.distinctUpstreamPorts(lower);
    if (ports.size === 0) {
      server.undecided = true;
    }
    const range = nginxTokenSpan(url);
    for (const port of ports) {
      if (server.forwards.length >= MAX_FORWARDS_PER_SERVER) {
        server.undecided = true;
        break;
      }
      if (port === undefined) {
        server.undecided = true;
      } else {
        addForward(server, { text: `upstream ${name}`, range, port });
      }
    }
  }

  /** An upstream's ports without repeats, worked out once: many servers of one upstream often share a port. */
  private distinctUpstreamPorts(lowerName: string): Set<number | undefined> {
    let ports = this.upstreamPortSets.get(lowerName);
    if (!ports) {
      ports = new Set(this.upstreamPorts.get(lowerName) ?? []);
      this.upstreamPortSets.set(lowerName, ports);
    }
    return ports;
  }

  private upstreamAddress(
    token: NginxToken,
    from: number,
    to: number,
    options: { scope: Scope; implicitPort: number | undefined; missingPortIsError: boolean; name?: string; dial?: DialSource },
  ): number | undefined {
    const text = token.text.slice(from, to);
    const range = nginxTokenSpan(token, from, to);
    const split = splitAddress(token.text, from, to);
    if (!split.ok) {
      this.problems.push(problem(range, split.code, `${split.reason} in upstream "${text}": ${explain(split.code)}`));
      return undefined;
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
        return options.implicitPort;
      } else if (options.missingPortIsError) {
        this.problems.push(problem(range, 'missing-port', `no port in upstream "${text}": ${options.scope} upstream servers need host:port`));
      }
      return undefined;
    }
    const ports = parseNginxPorts(value.portText, false);
    if (!ports.ok) {
      this.problems.push(problem(range, ports.code, `${ports.reason} in upstream "${text}": ${explain(ports.code)}`));
      return undefined;
    }
    const reference = upstream();
    reference.portRange = nginxTokenSpan(token, value.portFrom, to);
    reference.port = ports.port;
    reference.endPort = ports.endPort;
    this.references.push(reference);
    this.addDial(token, from, to, value.host, ports.port, reference.portRange, options.dial);
    return ports.port;
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

function newServerBlock(keyword: NginxToken | undefined, scope: 'http' | 'stream'): ServerBlock {
  return { keyword, scope, hasListen: false, hasInclude: false, listens: [], forwards: [], undecided: false, forwardKeys: new Set(), targetsRead: 0 };
}

function addForward(server: ServerBlock, forward: Forward): void {
  server.targetsRead++;
  const key = `${forward.text}|${forward.port ?? ''}`;
  if (server.forwardKeys.has(key)) {
    return;
  }
  server.forwardKeys.add(key);
  if (server.forwards.length >= MAX_FORWARDS_PER_SERVER) {
    server.undecided = true;
    return;
  }
  server.forwards.push(forward);
}

function getOrCreate<K, V>(map: Map<K, V[]>, key: K): V[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
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

/**
 * A listen address as nginx compares sockets: the IPv4 wildcard in any spelling as `0.0.0.0`, the
 * IPv6 one as `::`, and `localhost` as 127.0.0.1 (its address on every system; where the hosts file
 * also gives it ::1, nginx listens there too). Other names stand for themselves.
 */
function socketAddress(host: string, bracketed: boolean): string {
  const lower = host.toLowerCase();
  if (bracketed) {
    return /^[0:]+$/.test(lower) && lower.includes('::') ? '::' : lower;
  }
  if (lower === '' || lower === '*' || lower === '0.0.0.0') {
    return '0.0.0.0';
  }
  return lower === 'localhost' ? '127.0.0.1' : lower;
}

/** `0.0.0.0:80`, `[::1]:8080` or `unix:/run/app.sock`, as nginx names a socket in its messages. */
function socketLabel(socket: ListenSocket, port: number): string {
  if (socket.address.startsWith('unix:')) {
    return socket.address;
  }
  return socket.address.includes(':') ? `[${socket.address}]:${port}` : `${socket.address}:${port}`;
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

/** What the parameters of one `listen` say, once checked. */
interface ListenParameters {
  readonly flags: string[];
  readonly protocol: Protocol;
  /** Sets a socket option, which only one `listen` of an address and port may do. */
  readonly setsOptions: boolean;
}

type ListenParametersCheck = { readonly ok: true; readonly value: ListenParameters } | { readonly ok: false; readonly token: NginxToken; readonly message: string };

/**
 * Checks a `listen`'s parameters as nginx does, stopping at the first it refuses. Names are
 * matched exactly, case included. The mail module's parameters are kept without a check.
 */
function checkListenParameters(parameters: readonly NginxToken[], scope: Scope): ListenParametersCheck {
  const flags: string[] = [];
  if (scope === 'mail') {
    for (const parameter of parameters) {
      flags.push(parameter.text);
    }
    return { ok: true, value: { flags, protocol: 'tcp', setsOptions: false } };
  }
  const words = LISTEN_WORDS[scope];
  const values = LISTEN_VALUES[scope];
  let setsOptions = false;
  const seen = new Map<string, NginxToken>();
  const keepalive: Keepalive = { idle: 0n, interval: 0n, count: 0n };
  for (const parameter of parameters) {
    const { text } = parameter;
    const word = words.get(text);
    if (word !== undefined) {
      setsOptions ||= word;
      seen.set(text, parameter);
      flags.push(text);
      continue;
    }
    const equals = text.indexOf('=');
    const name = equals < 0 ? text : text.slice(0, equals);
    if (equals < 0 || !values.has(name) || (name === 'ipv6only' && text[equals + 1] !== 'o')) {
      return { ok: false, token: parameter, message: unknownListenParameter(text, scope) };
    }
    const invalid = invalidListenValue(name, text.slice(equals + 1), keepalive);
    if (invalid) {
      return { ok: false, token: parameter, message: invalid };
    }
    setsOptions ||= name !== 'accept_filter';
    seen.set(name, parameter);
    flags.push(text);
  }
  const socketKind = scope === 'stream' ? 'udp' : 'quic';
  if (seen.has(socketKind)) {
    for (const incompatible of INCOMPATIBLE_WITH[socketKind]) {
      const token = seen.get(incompatible);
      if (token) {
        return { ok: false, token, message: `"${incompatible}" parameter is incompatible with "${socketKind}" in the "listen" directive` };
      }
    }
  }
  return { ok: true, value: { flags, protocol: seen.has(socketKind) ? 'udp' : 'tcp', setsOptions } };
}

function unknownListenParameter(text: string, scope: 'http' | 'stream'): string {
  if (text === 'spdy' && scope === 'http') {
    return 'invalid parameter "spdy" of the "listen" directive: HTTP/2 replaced SPDY, so write http2';
  }
  if (text === 'udp' && scope === 'http') {
    return 'invalid parameter "udp" of the "listen" directive: an http server listens over UDP with quic (HTTP/3)';
  }
  return `invalid parameter "${text}" of the "listen" directive: nginx's ${scope} module has no such parameter (names are case-sensitive)`;
}

/** The TCP keepalive settings of one `listen`; a later `so_keepalive=` keeps what it leaves out. */
interface Keepalive {
  idle: bigint;
  interval: bigint;
  count: bigint;
}

/** Why nginx refuses the value of a `name=value` listen parameter, or `undefined` when it takes it. */
function invalidListenValue(name: string, value: string, keepalive: Keepalive): string | undefined {
  switch (name) {
    case 'backlog': {
      // The value is stored in a C int: 0 and -1 (the error value) after truncation are refused.
      const number = nginxInteger(value);
      const truncated = number === undefined ? undefined : BigInt.asIntN(32, number);
      return truncated === undefined || truncated === 0n || truncated === -1n ? `invalid backlog "backlog=${value}" of the "listen" directive: it takes a positive number` : undefined;
    }
    case 'fastopen':
    case 'setfib': {
      const number = nginxInteger(value);
      return number === undefined || BigInt.asIntN(32, number) === -1n ? `invalid ${name} "${name}=${value}" of the "listen" directive: it takes a number` : undefined;
    }
    case 'rcvbuf':
    case 'sndbuf':
      return isNginxSize(value) ? undefined : `invalid ${name} "${name}=${value}" of the "listen" directive: it takes a size such as 65536, 64k or 1m`;
    case 'so_keepalive':
      return isKeepalive(value, keepalive) ? undefined : `invalid so_keepalive value: "${value}" in the "listen" directive: it takes on, off or idle:interval:count, such as 30m::10`;
    case 'ipv6only':
      return value === 'on' || value === 'off' ? undefined : `invalid ipv6only flags "${value}" of the "listen" directive: it takes on or off`;
    default:
      return undefined;
  }
}

const NGINX_INT_MAX = 9223372036854775807n;

/** nginx's `ngx_atoi`: one or more digits, no sign, up to the largest 64-bit integer. */
function nginxInteger(text: string): bigint | undefined {
  if (!DIGITS.test(text)) {
    return undefined;
  }
  // Leading zeros count for nothing; a longer number overflows, however it continues.
  const significant = text.replace(/^0+(?=\d)/, '');
  if (significant.length > 19) {
    return undefined;
  }
  const value = BigInt(significant);
  return value > NGINX_INT_MAX ? undefined : value;
}

/** nginx's `ngx_parse_size`: a number with an optional k or m (either case). */
function isNginxSize(text: string): boolean {
  const unit = text[text.length - 1];
  const scale = unit === 'k' || unit === 'K' ? 1024n : unit === 'm' || unit === 'M' ? 1024n * 1024n : 1n;
  const number = nginxInteger(scale === 1n ? text : text.slice(0, -1));
  return number !== undefined && number <= NGINX_INT_MAX / scale;
}

/**
 * `so_keepalive=on|off|[idle][:[interval][:[count]]]`. A part left out keeps the value an earlier
 * `so_keepalive=` of the same listen gave it, and at least one of the three must not be zero.
 */
function isKeepalive(value: string, keepalive: Keepalive): boolean {
  if (value === 'on' || value === 'off') {
    return true;
  }
  const parts = value.split(':');
  if (parts.length > 3) {
    // The count, the third part, runs to the end and is read as a number, so a further colon spoils it.
    return false;
  }
  const [idle = '', interval = '', count = ''] = parts;
  for (const [time, key] of [[idle, 'idle'], [interval, 'interval']] as const) {
    if (time !== '') {
      const seconds = nginxSeconds(time);
      if (seconds === undefined) {
        return false;
      }
      keepalive[key] = seconds;
    }
  }
  if (count !== '') {
    const number = nginxInteger(count);
    if (number === undefined) {
      return false;
    }
    keepalive.count = number;
  }
  return keepalive.idle > 0n || keepalive.interval > 0n || keepalive.count > 0n;
}

/** Units of nginx's `ngx_parse_time` in seconds, largest first; each may appear once, in this order. */
const TIME_UNITS: readonly (readonly [string, bigint])[] = [
  ['y', 365n * 24n * 3600n],
  ['M', 30n * 24n * 3600n],
  ['w', 7n * 24n * 3600n],
  ['d', 24n * 3600n],
  ['h', 3600n],
  ['m', 60n],
  ['s', 1n],
];

/** nginx's `ngx_parse_time` in seconds (`1h30m`, `45s`, `10`); `undefined` when nginx refuses it. */
function nginxSeconds(text: string): bigint | undefined {
  let total = 0n;
  let digits = '';
  /** Index into TIME_UNITS of the next unit allowed; past its end after a space, which only digits may follow. */
  let nextUnit = 0;
  let sawDigit = false;
  const take = (scale: bigint): void => {
    // More than twenty digits overflow in any unit; the total check below catches the rest.
    total += (digits.length > 20 ? NGINX_INT_MAX + 1n : BigInt(digits === '' ? '0' : digits)) * scale;
    digits = '';
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char >= '0' && char <= '9') {
      digits += char;
      sawDigit = true;
      continue;
    }
    let unit = TIME_UNITS.findIndex(([name]) => name === char);
    if (char === ' ' && nextUnit <= TIME_UNITS.length) {
      unit = TIME_UNITS.length;
    } else if (unit < nextUnit || (char === 'm' && text[index + 1] === 's')) {
      // Out of order, repeated, unknown, or milliseconds, which a value in seconds cannot take.
      return undefined;
    }
    take(unit === TIME_UNITS.length ? 1n : TIME_UNITS[unit][1]);
    nextUnit = unit + 1;
    while (text[index + 1] === ' ') {
      index++;
    }
  }
  if (!sawDigit) {
    return undefined;
  }
  take(1n);
  return total > NGINX_INT_MAX ? undefined : total;
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
  const listeners = scan.servedListeners();
  // Dials of `*_pass` directives are read at the end; hand them out in the order they are written.
  const dials = scan.dials.sort((a, b) => a.range.start - b.range.start);
  if (dials.length === 0 && listeners.length === 0) {
    return { format: 'nginx', references, problems };
  }
  return {
    format: 'nginx',
    references,
    problems,
    wiring: { ...(dials.length > 0 ? { nginx: { dials } } : {}), ...(listeners.length > 0 ? { server: { software: 'nginx', listeners } } : {}) },
  };
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
