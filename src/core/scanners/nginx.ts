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
import type { PortReference, Protocol, ScanProblem, Scanner, SourceRange } from '../types';
import { MAX_PORT, problem } from './portSyntax';

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
  const tokens: NginxToken[] = [];
  const problems: ScanProblem[] = [];
  let pos = 0;
  while (pos < text.length) {
    const char = text[pos];
    if (isBlank(char)) {
      pos++;
    } else if (char === '#') {
      const end = text.indexOf('\n', pos);
      const stop = end < 0 ? text.length : end;
      const textEnd = stop > pos + 1 && text[stop - 1] === '\r' ? stop - 1 : stop;
      tokens.push({ kind: 'comment', text: text.slice(pos + 1, textEnd), start: pos, end: stop, hasVariable: false });
      pos = stop;
    } else if (char === ';' || char === '{' || char === '}') {
      tokens.push({ kind: char, text: char, start: pos, end: pos + 1, hasVariable: false });
      pos++;
    } else if (char === '"' || char === "'") {
      pos = readQuoted(text, pos, tokens, problems);
    } else {
      pos = readWord(text, pos, tokens);
    }
  }
  return { tokens, problems };
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

function readWord(text: string, start: number, tokens: NginxToken[]): number {
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
  tokens.push(finishToken('word', chars, origins, start, pos, start));
  return pos;
}

function readQuoted(text: string, start: number, tokens: NginxToken[], problems: ScanProblem[]): number {
  const quote = text[start];
  const chars: string[] = [];
  const origins: number[] = [];
  let pos = start + 1;
  while (pos < text.length && text[pos] !== quote) {
    pos = readUnit(text, pos, chars, origins);
  }
  if (pos >= text.length) {
    problems.push(problem({ start, end: text.length }, 'parse-error', `unexpected end of file: the ${quote === '"' ? 'double' : 'single'} quote opened here is never closed`));
    tokens.push(finishToken('string', chars, origins, start, text.length, start + 1));
    return text.length;
  }
  pos++;
  tokens.push(finishToken('string', chars, origins, start, pos, start + 1));
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
  readonly block?: readonly Directive[];
}

interface OpenBlock {
  readonly directives: Directive[];
  readonly name?: NginxToken;
  readonly args: readonly NginxToken[];
  readonly opening?: NginxToken;
}

/** Groups tokens into directives and blocks; unbalanced braces and missing `;` become problems. */
function parseDirectives(tokens: readonly NginxToken[], problems: ScanProblem[]): Directive[] {
  const root: OpenBlock = { directives: [], args: [] };
  const stack: OpenBlock[] = [root];
  let pending: NginxToken[] = [];
  for (const token of tokens) {
    const current = stack[stack.length - 1];
    if (token.kind === 'comment') {
      continue;
    }
    if (token.kind === 'word' || token.kind === 'string') {
      pending.push(token);
    } else if (token.kind === ';') {
      if (pending.length === 0) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected ";"'));
      } else {
        current.directives.push({ name: pending[0], args: pending.slice(1) });
      }
      pending = [];
    } else if (token.kind === '{') {
      if (pending.length === 0) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected "{"'));
      }
      stack.push({ directives: [], name: pending[0], args: pending.slice(1), opening: token });
      pending = [];
    } else {
      if (pending.length > 0) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected "}": the directive before it is missing its ";"'));
        current.directives.push({ name: pending[0], args: pending.slice(1) });
        pending = [];
      }
      if (stack.length === 1) {
        problems.push(problem(rangeOf(token), 'parse-error', 'unexpected "}": no block is open here'));
      } else {
        closeBlock(stack);
      }
    }
  }
  if (pending.length > 0) {
    const last = pending[pending.length - 1];
    problems.push(problem({ start: pending[0].start, end: last.end }, 'parse-error', 'unexpected end of file, expecting ";" or "}"'));
    stack[stack.length - 1].directives.push({ name: pending[0], args: pending.slice(1) });
  }
  while (stack.length > 1) {
    const open = stack[stack.length - 1];
    const opening = open.opening ?? open.name;
    problems.push(problem(opening ? rangeOf(opening) : { start: 0, end: 0 }, 'parse-error', 'unexpected end of file, expecting "}" to close this block'));
    closeBlock(stack);
  }
  return root.directives;
}

function rangeOf(token: NginxToken): SourceRange {
  return { start: token.start, end: token.end };
}

function closeBlock(stack: OpenBlock[]): void {
  const closed = stack.pop();
  if (closed?.name) {
    stack[stack.length - 1].directives.push({ name: closed.name, args: closed.args, block: closed.directives });
  }
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

/** proxy_pass in http needs a scheme, and the scheme gives the port when none is written. */
const HTTP_PROXY_SCHEMES: Schemes = new Map([
  ['http://', 80],
  ['https://', 443],
]);

/** Blocks whose contents are data (maps, MIME types), never directives that open ports. */
const DATA_BLOCKS: ReadonlySet<string> = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map', 'match']);

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

class NginxScan {
  readonly references: PortReference[] = [];
  private readonly upstreamNames = new Set<string>();

  constructor(
    readonly problems: ScanProblem[],
    private readonly defaultScope: Scope,
  ) {}

  run(directives: readonly Directive[]): void {
    this.collectUpstreamNames(directives);
    this.walk(directives, undefined, undefined);
  }

  private collectUpstreamNames(directives: readonly Directive[]): void {
    for (const directive of directives) {
      if (directive.name.text === 'upstream' && directive.args[0]) {
        this.upstreamNames.add(directive.args[0].text);
      }
      if (directive.block) {
        this.collectUpstreamNames(directive.block);
      }
    }
  }

  /** Visits directives with the top-level context they sit in and the block directly around them. */
  private walk(directives: readonly Directive[], context: Scope | undefined, parent: Directive | undefined): void {
    for (const directive of directives) {
      const name = directive.name.text;
      const scope = context ?? this.defaultScope;
      if (directive.block) {
        if (DATA_BLOCKS.has(name)) {
          continue;
        }
        const nested = context ?? (name === 'http' || name === 'stream' || name === 'mail' ? name : undefined);
        this.walk(directive.block, nested, directive);
        continue;
      }
      const parentName = parent?.name.text;
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
  }

  private listen(directive: Directive, scope: Scope): void {
    const address = directive.args[0];
    if (!address) {
      return;
    }
    const flags = listenFlags(directive.args.slice(1));
    const protocol: Protocol = flags.includes('udp') || flags.includes('quic') ? 'udp' : 'tcp';
    const range = nginxTokenSpan(address);
    const base: Omit<PortReference, 'port' | 'endPort' | 'range'> = { role: 'listen', protocol, scope, ...(flags.length > 0 ? { flags } : {}) };
    const { text } = address;
    if (address.hasVariable) {
      // Templates (envsubst, Helm) fill these in before nginx reads the file.
      this.references.push({ ...base, range, port: null, endPort: null, rawText: text });
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
      this.references.push({ ...base, range, port: 80, endPort: 80, ...(hostIp ? { hostIp } : {}), flags: [...flags, 'implicit-port'] });
      return;
    }
    const ports = parseNginxPorts(value.portText, true);
    if (!ports.ok) {
      this.problems.push(problem(range, ports.code, `${ports.reason} in "${text}" of the "listen" directive: ${explain(ports.code)}`));
      return;
    }
    this.references.push({
      ...base,
      range,
      portRange: nginxTokenSpan(address, value.portFrom, text.length),
      port: ports.port,
      endPort: ports.endPort,
      ...(hostIp ? { hostIp } : {}),
    });
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
      ...(upstreamName ? { name: upstreamName } : {}),
    });
  }

  private proxyPass(directive: Directive, scope: Scope): void {
    const url = directive.args[0];
    if (!url) {
      return;
    }
    if (scope === 'http') {
      this.passUrl(url, scope, HTTP_PROXY_SCHEMES, true);
    } else if (scope === 'stream') {
      this.passUrl(url, scope, NO_SCHEMES, false);
    }
  }

  private pass(directive: Directive, scope: Scope): void {
    const url = directive.args[0];
    const schemes = PASS_DIRECTIVES.get(directive.name.text);
    if (url && schemes) {
      this.passUrl(url, scope, schemes, false);
    }
  }

  /** An upstream URL: optional scheme, then `host[:port]`, then (for HTTP) a URI that is not ours. */
  private passUrl(url: NginxToken, scope: Scope, schemes: Schemes, schemeRequired: boolean): void {
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
    this.upstreamAddress(url, hostStart, hostEnd, { scope, implicitPort: schemePort, missingPortIsError: false });
  }

  private upstreamAddress(
    token: NginxToken,
    from: number,
    to: number,
    options: { scope: Scope; implicitPort: number | undefined; missingPortIsError: boolean; name?: string },
  ): void {
    const text = token.text.slice(from, to);
    const range = nginxTokenSpan(token, from, to);
    const split = splitAddress(token.text, from, to);
    if (!split.ok) {
      this.problems.push(problem(range, split.code, `${split.reason} in upstream "${text}": ${explain(split.code)}`));
      return;
    }
    const { value } = split;
    const base = {
      role: 'upstream' as const,
      range,
      protocol: 'tcp' as const,
      ...(value.host ? { hostIp: value.host } : {}),
      ...(options.name ? { name: options.name } : {}),
      scope: options.scope,
    };
    if (value.portText === undefined) {
      if (options.implicitPort !== undefined) {
        this.references.push({ ...base, port: options.implicitPort, endPort: options.implicitPort, flags: ['implicit-port'] });
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
    this.references.push({ ...base, portRange: nginxTokenSpan(token, value.portFrom, to), port: ports.port, endPort: ports.endPort });
  }
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
  const scan = new NginxScan(problems, defaultScope);
  try {
    const lexed = tokenizeNginx(text);
    for (const found of lexed.problems) {
      problems.push(found);
    }
    scan.run(parseDirectives(lexed.tokens, problems));
  } catch (error) {
    problems.push(problem({ start: 0, end: 0 }, 'parse-error', `Could not read the configuration: ${error instanceof Error ? error.message : String(error)}`));
  }
  problems.sort((a, b) => a.range.start - b.range.start);
  return { format: 'nginx', references: scan.references.sort((a, b) => a.range.start - b.range.start), problems };
};
