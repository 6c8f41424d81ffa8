/**
 * Scanners for the smaller server configuration formats: sshd_config, Apache httpd, HAProxy and
 * systemd socket units. Each is line-oriented, so they share a line walker and a word splitter.
 */
import type { FileFormat, PortReference, Protocol, ScanProblem, ScanResult, Scanner, SourceRange } from '../types';
import { lookupServiceName } from '../ports/serviceNames';
import type { Forward, ServedListener, SystemdFacts, WiringFacts } from '../wiring/facts';
import { parsePort, problem } from './portSyntax';

// ---------------------------------------------------------------------------------------------
// Shared line and word handling
// ---------------------------------------------------------------------------------------------

interface Line {
  /** The line's text without its terminator. */
  readonly text: string;
  /** Offset of the line's first character in the scanned text. */
  readonly start: number;
}

/** Splits text into lines on \n, \r\n and \r, keeping each line's offset. */
function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 13) {
      lines.push({ text: text.slice(start, i), start });
      if (code === 13 && text.charCodeAt(i + 1) === 10) {
        i++;
      }
      start = i + 1;
    }
  }
  lines.push({ text: text.slice(start), start });
  return lines;
}

interface Word {
  /** The word's value: quotes removed, escapes resolved. */
  readonly text: string;
  /** Span of the value in the scanned text (inside the quotes for a quoted word). */
  readonly start: number;
  readonly end: number;
  /** `true` when `text` is exactly the source between `start` and `end`, so offsets inside it map 1:1. */
  readonly exact: boolean;
}

interface WordOptions {
  /** Where `#` starts a comment: at the start of a word (sshd), anywhere outside quotes (HAProxy). */
  readonly comments: 'word-start' | 'anywhere' | 'none';
  /** Whether a backslash escapes the next character (HAProxy). */
  readonly escapes: boolean;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/** Splits one line into words, honouring double and single quotes. Never throws; an unclosed quote runs to the end of the line. */
function splitWords(line: Line, options: WordOptions): Word[] {
  const words: Word[] = [];
  const { text } = line;
  let i = 0;
  while (i < text.length) {
    while (i < text.length && isSpace(text.charCodeAt(i))) {
      i++;
    }
    if (i >= text.length) {
      break;
    }
    if (text[i] === '#' && options.comments !== 'none') {
      break;
    }
    const quote = text[i] === '"' || text[i] === "'" ? text[i] : undefined;
    const wordStart = quote ? i + 1 : i;
    let value = '';
    let exact = true;
    let j = wordStart;
    let contentEnd = -1;
    while (j < text.length) {
      const character = text[j];
      if (options.escapes && character === '\\' && j + 1 < text.length) {
        value += text[j + 1];
        exact = false;
        j += 2;
        continue;
      }
      if (quote) {
        if (character === quote) {
          contentEnd = j;
          j++;
          break;
        }
      } else if (isSpace(text.charCodeAt(j)) || (options.comments === 'anywhere' && character === '#')) {
        break;
      }
      value += character;
      j++;
    }
    const end = contentEnd >= 0 ? contentEnd : j;
    words.push({ text: value, start: line.start + wordStart, end: line.start + end, exact });
    i = j;
  }
  return words;
}

/** The span of `text[from, to)` inside a word; the whole word when escapes make offsets inexact. */
function subSpan(word: Word, from: number, to: number): SourceRange {
  return word.exact ? { start: word.start + from, end: word.start + to } : { start: word.start, end: word.end };
}

function wordSpan(word: Word): SourceRange {
  return { start: word.start, end: word.end };
}

interface HostPort {
  /** Host as written without brackets; empty when none was written. */
  readonly host: string;
  /** Port text after the separating colon; `undefined` when the address has no port. */
  readonly port?: string;
  /** Index of the port text inside the parsed string. */
  readonly portIndex: number;
}

/**
 * Splits `host:port`, `[v6]:port`, `:port`, `port`-less hosts. `lastColon` makes an unbracketed address
 * with several colons split at the last one (HAProxy's `:::80`); otherwise such an address is a bare IPv6 host.
 */
function splitHostPort(text: string, lastColon: boolean): HostPort {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) {
      return { host: text, portIndex: text.length };
    }
    const host = text.slice(1, close);
    if (text[close + 1] === ':') {
      return { host, port: text.slice(close + 2), portIndex: close + 2 };
    }
    return { host, portIndex: text.length };
  }
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first < 0) {
    return { host: text, portIndex: text.length };
  }
  if (first !== last && !lastColon) {
    return { host: text, portIndex: text.length };
  }
  return { host: text.slice(0, last), port: text.slice(last + 1), portIndex: last + 1 };
}

interface ParsedPort {
  readonly port: number;
  readonly endPort: number;
}

/** Parses `port` or `first-last` (when `ranges` is set), reporting problems against the port's span. */
function parsePortOrRange(text: string, range: SourceRange, problems: ScanProblem[], ranges: boolean): ParsedPort | undefined {
  const dash = ranges ? text.indexOf('-') : -1;
  if (dash < 0) {
    const parsed = parsePort(text);
    if (!parsed.ok) {
      problems.push(problem(range, parsed.code, parsed.message));
      return undefined;
    }
    return { port: parsed.value, endPort: parsed.value };
  }
  const first = parsePort(text.slice(0, dash));
  const last = parsePort(text.slice(dash + 1));
  if (!first.ok || !last.ok) {
    const failed = !first.ok ? first : last;
    if (!failed.ok) {
      problems.push(problem(range, failed.code, failed.message));
    }
    return undefined;
  }
  if (first.value > last.value) {
    problems.push(problem(range, 'reversed-range', `Port range ${text} is reversed: the first port is above the last`));
    return undefined;
  }
  return { port: first.value, endPort: last.value };
}

/** Runs a scanner body; any unexpected failure becomes a parse-error instead of an exception. */
function guarded(format: FileFormat, text: string, body: (references: PortReference[], problems: ScanProblem[]) => WiringFacts | void): ScanResult {
  const references: PortReference[] = [];
  const problems: ScanProblem[] = [];
  let wiring: WiringFacts | void = undefined;
  try {
    wiring = body(references, problems);
  } catch (error) {
    problems.push(problem({ start: 0, end: text.length }, 'parse-error', `Could not read this ${format} file: ${error instanceof Error ? error.message : String(error)}`));
  }
  return { format, references, problems, ...(wiring ? { wiring } : {}) };
}

/** The file's name without its folder. */
function baseName(fileName: string | undefined): string | undefined {
  if (fileName === undefined) {
    return undefined;
  }
  const name = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  return name === '' ? undefined : name;
}

/**
 * Most relay targets one file's listeners look at in all. Listeners that share targets share
 * them, so real files stay far below; a hostile one (thousands of binds times thousands of
 * servers) stops here, its remaining listeners undecided, instead of growing quadratically.
 */
const SERVED_TARGET_BUDGET = 100_000;

class ForwardCollector {
  private remaining = SERVED_TARGET_BUDGET;

  /**
   * The forwards among `candidates` without repeats (a backend named twice, a balancer used
   * twice); `undefined` stands for a target looked at that gives none. `complete` is false when
   * the budget ran out first.
   */
  collect(candidates: Iterable<Forward | undefined>): { readonly forwards: Forward[]; readonly complete: boolean } {
    const forwards: Forward[] = [];
    const seen = new Set<string>();
    for (const forward of candidates) {
      if (this.remaining <= 0) {
        return { forwards, complete: false };
      }
      this.remaining--;
      const key = forward ? `${forward.range.start}:${forward.range.end}:${forward.port ?? ''}` : '';
      if (forward && !seen.has(key)) {
        seen.add(key);
        forwards.push(forward);
      }
    }
    return { forwards, complete: true };
  }

  /** Hands out forwards collected for another listener, charged again so that all listeners together stay within the budget. */
  reuse(relay: { readonly forwards: Forward[]; readonly complete: boolean }): { readonly forwards: Forward[]; readonly complete: boolean } {
    if (relay.forwards.length <= this.remaining) {
      this.remaining -= relay.forwards.length;
      return relay;
    }
    const forwards = relay.forwards.slice(0, this.remaining);
    this.remaining = 0;
    return { forwards, complete: false };
  }
}

// ---------------------------------------------------------------------------------------------
// sshd_config(5)
// ---------------------------------------------------------------------------------------------

const SSHD_DEFAULT_PORT = 22;
/** sshd's MAX_LISTEN_SOCKS. */
const SSHD_MAX_LISTEN_SOCKETS = 16;
const SSHD_WORDS: WordOptions = { comments: 'word-start', escapes: false };

interface SshdPort {
  readonly word: Word;
  readonly value: number;
  readonly numeric: boolean;
}

interface SshdListen {
  readonly word: Word;
  readonly host: string;
  readonly port?: { readonly value: number; readonly range: SourceRange };
}

/** sshd resolves a non-numeric port through /etc/services (tcp), as a2port() does. */
function sshdPort(word: Word, problems: ScanProblem[]): SshdPort | undefined {
  const parsed = parsePort(word.text);
  if (parsed.ok) {
    return { word, value: parsed.value, numeric: true };
  }
  const found = parsed.code === 'not-a-number' ? lookupServiceName(word.text, 'tcp') : undefined;
  // getservbyname compares names exactly; the registry fallback matches any case.
  const service = found && (found.source === 'etc-services' || found.canonicalName === word.text) ? found : undefined;
  if (service) {
    if (service.source !== 'etc-services') {
      // Resolved for the hover; a stock Debian sshd cannot resolve it and refuses to start.
      problems.push(problem(wordSpan(word), 'invalid-port', `sshd cannot resolve port "${word.text}": it is not a tcp service in a stock /etc/services (only hosts whose /etc/services lists the whole IANA registry have it)`));
    }
    return { word, value: service.port, numeric: false };
  }
  problems.push(problem(wordSpan(word), parsed.code === 'not-a-number' ? 'invalid-port' : parsed.code, parsed.code === 'not-a-number' ? `sshd cannot resolve port "${word.text}": not a number or a tcp service name` : parsed.message));
  return undefined;
}

/** The keyword and its arguments; sshd accepts `Keyword value`, `Keyword=value` and `Keyword = value`. */
function sshdKeyword(words: Word[]): { keyword: string; args: Word[] } | undefined {
  if (words.length === 0) {
    return undefined;
  }
  const first = words[0];
  const equals = first.text.indexOf('=');
  if (equals > 0) {
    const args = words.slice(1);
    if (equals < first.text.length - 1) {
      args.unshift({ text: first.text.slice(equals + 1), start: first.start + equals + 1, end: first.end, exact: first.exact });
    }
    return { keyword: first.text.slice(0, equals), args };
  }
  const args = words.slice(1);
  if (args.length > 0 && args[0].text === '=') {
    args.shift();
  } else if (args.length > 0 && args[0].text.startsWith('=') && args[0].exact) {
    args[0] = { text: args[0].text.slice(1), start: args[0].start + 1, end: args[0].end, exact: true };
  }
  return { keyword: first.text, args };
}

export const scanSshd: Scanner = (text) =>
  guarded('sshd', text, (references, problems) => {
    const ports: SshdPort[] = [];
    const listens: SshdListen[] = [];
    let inMatch = false;
    for (const line of splitLines(text)) {
      const parsed = sshdKeyword(splitWords(line, SSHD_WORDS));
      if (!parsed) {
        continue;
      }
      const keyword = parsed.keyword.toLowerCase();
      if (keyword === 'match') {
        inMatch = true;
        continue;
      }
      if (keyword !== 'port' && keyword !== 'listenaddress') {
        continue;
      }
      const keywordSpan = { start: line.start + line.text.indexOf(parsed.keyword), end: line.start + line.text.indexOf(parsed.keyword) + parsed.keyword.length };
      if (inMatch) {
        problems.push(problem(keywordSpan, 'not-allowed-in-match', `${parsed.keyword} is not allowed inside a Match block; sshd refuses to start`));
        continue;
      }
      const argument = parsed.args[0];
      if (!argument || argument.text === '') {
        problems.push(problem(keywordSpan, 'parse-error', `${parsed.keyword} needs an argument`));
        continue;
      }
      if (keyword === 'port') {
        const port = sshdPort(argument, problems);
        if (port) {
          ports.push(port);
        }
        continue;
      }
      const listen = parseSshdListenAddress(argument, problems);
      if (listen) {
        listens.push(listen);
      }
    }

    const addressOnly = listens.filter((listen) => listen.port === undefined);
    const portsUnused = listens.length > 0 && addressOnly.length === 0;
    for (const port of ports) {
      const flags: string[] = [];
      if (listens.length > 0) {
        flags.push('listen-address');
      }
      if (portsUnused) {
        flags.push('unused');
        problems.push(problem(wordSpan(port.word), 'unused-port', `Port ${port.value} has no effect: every ListenAddress names its own port`, 'info'));
      }
      references.push({
        role: 'listen',
        range: wordSpan(port.word),
        ...(port.numeric ? { portRange: wordSpan(port.word) } : { name: port.word.text }),
        protocol: 'tcp',
        port: port.value,
        endPort: port.value,
        ...(flags.length > 0 ? { flags } : {}),
      });
    }
    // An address without a port listens on every Port (or the default 22 when there is none). sshd opens
    // at most 16 listening sockets, so no address can stand for more ports than that.
    const implied = ports.length > 0 ? ports.slice(0, SSHD_MAX_LISTEN_SOCKETS).map((port) => port.value) : [SSHD_DEFAULT_PORT];
    for (const listen of listens) {
      const hostIp = listen.host === '' ? undefined : listen.host;
      if (listen.port) {
        references.push({
          role: 'listen',
          range: wordSpan(listen.word),
          portRange: listen.port.range,
          protocol: 'tcp',
          port: listen.port.value,
          endPort: listen.port.value,
          ...(hostIp !== undefined ? { hostIp } : {}),
        });
        continue;
      }
      for (const port of implied) {
        references.push({
          role: 'listen',
          range: wordSpan(listen.word),
          protocol: 'tcp',
          port,
          endPort: port,
          ...(hostIp !== undefined ? { hostIp } : {}),
          flags: ports.length > 0 ? ['implicit-port'] : ['implicit-port', 'default-port'],
        });
      }
    }
  });

function parseSshdListenAddress(word: Word, problems: ScanProblem[]): SshdListen | undefined {
  const split = splitHostPort(word.text, false);
  if (split.port === undefined) {
    return { word, host: split.host };
  }
  const portSpan = subSpan(word, split.portIndex, word.text.length);
  const parsed = parsePort(split.port);
  if (!parsed.ok) {
    problems.push(problem(portSpan, parsed.code, parsed.message));
    return undefined;
  }
  return { word, host: split.host, port: { value: parsed.value, range: portSpan } };
}

// ---------------------------------------------------------------------------------------------
// Apache httpd: Listen and <VirtualHost>
// ---------------------------------------------------------------------------------------------

const APACHE_WORDS: WordOptions = { comments: 'none', escapes: false };
const APACHE_LISTEN = /^listen$/i;
const DIGITS_ONLY = /^[0-9]+$/;
const APACHE_VIRTUAL_HOST = /^<virtualhost$/i;

const BLANK_LINE = /^[ \t]*$/;

/** Apache joins a line ending in a backslash with the next one; the pieces keep their own offsets. */
function apacheLogicalLines(text: string): Line[][] {
  const logical: Line[][] = [];
  let pending: Line[] = [];
  for (const line of splitLines(text)) {
    // Blank lines carry nothing; skipping them keeps a file of empty lines from filling the heap.
    if (pending.length === 0 && BLANK_LINE.test(line.text)) {
      continue;
    }
    if (line.text.endsWith('\\')) {
      pending.push({ text: line.text.slice(0, -1), start: line.start });
      continue;
    }
    pending.push(line);
    logical.push(pending);
    pending = [];
  }
  if (pending.length > 0) {
    logical.push(pending);
  }
  return logical;
}

/** A place a proxy directive sends requests: a URL, or a `balancer://` whose members are listed elsewhere in the file. */
type ApacheTarget = { readonly forward: Forward } | { readonly balancer: string };

interface ApacheVirtualHost {
  /** Position among the file's virtual hosts. */
  readonly order: number;
  /** The ports its addresses name; `*` for an address without a port or with `:*`. */
  readonly ports: readonly (number | '*')[];
  readonly references: readonly PortReference[];
  readonly targets: ApacheTarget[];
}

/** What one pass over an Apache file collects for the served-listener facts. */
interface ApacheWiring {
  readonly listens: PortReference[];
  readonly virtualHosts: ApacheVirtualHost[];
  /** Proxy directives outside any `<VirtualHost>`: every virtual host inherits them. */
  readonly serverWide: ApacheTarget[];
  readonly balancers: Map<string, Forward[]>;
  hasInclude: boolean;
}

const APACHE_VIRTUAL_HOST_END = /^<\/virtualhost>?$/i;
const APACHE_PROXY_SECTION = /^<proxy$/i;
const APACHE_PROXY_SECTION_END = /^<\/proxy>?$/i;
const APACHE_INCLUDE = /^include(?:optional)?$/i;
const APACHE_PROXY_PASS = /^proxypass(?:match)?$/i;
/** `scheme://authority`; the authority ends at the path, query or fragment. */
const URL_AUTHORITY = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i;
/**
 * Ports mod_proxy dials when a URL names none: `apr_uri_port_of_scheme`, then mod_proxy's own
 * table (`ap_proxy_port_of_scheme`: fcgi 8000, ajp 8009, scgi 4000, h2c, h2, ws, wss) and
 * mod_proxy_uwsgi's 3031.
 */
const APACHE_SCHEME_PORTS: Readonly<Record<string, number>> = {
  http: 80, https: 443, ws: 80, wss: 443, h2c: 80, h2: 443, ajp: 8009, fcgi: 8000, scgi: 4000, uwsgi: 3031, ftp: 21,
};
/** Debian's list of `Listen` lines; its virtual hosts live in `sites-enabled/`. */
const APACHE_LISTEN_LIST_FILE = /^ports\.conf$/i;

export const scanApache: Scanner = (text, options) =>
  guarded('apache', text, (references, problems) => {
    const seenListeners = new Map<string, SourceRange>();
    const wiring: ApacheWiring = { listens: [], virtualHosts: [], serverWide: [], balancers: new Map(), hasInclude: false };
    let virtualHost: ApacheVirtualHost | undefined;
    let balancer: string | undefined;
    for (const pieces of apacheLogicalLines(text)) {
      const words = pieces.flatMap((piece) => splitWords(piece, APACHE_WORDS));
      if (words.length === 0 || words[0].text.startsWith('#')) {
        continue;
      }
      const directive = words[0].text;
      const before = references.length;
      if (APACHE_LISTEN.test(directive)) {
        scanApacheListen(words, references, problems, seenListeners);
        wiring.listens.push(...references.slice(before));
      } else if (APACHE_VIRTUAL_HOST.test(directive)) {
        const ports = scanVirtualHost(words.slice(1), references, problems);
        virtualHost = { order: wiring.virtualHosts.length, ports, references: references.slice(before), targets: [] };
        wiring.virtualHosts.push(virtualHost);
      } else if (APACHE_VIRTUAL_HOST_END.test(directive)) {
        virtualHost = undefined;
      } else if (APACHE_PROXY_SECTION.test(directive)) {
        const name = sectionArgument(words[1]);
        balancer = name !== undefined && name.toLowerCase().startsWith('balancer://') ? balancerName(name) : undefined;
      } else if (APACHE_PROXY_SECTION_END.test(directive)) {
        balancer = undefined;
      } else if (APACHE_INCLUDE.test(directive)) {
        wiring.hasInclude = true;
      } else {
        const target = apacheProxyTarget(directive, words.slice(1), balancer, wiring.balancers);
        if (target) {
          (virtualHost?.targets ?? wiring.serverWide).push(target);
        }
      }
    }
    return { server: { software: 'Apache httpd', listeners: apacheListeners(references, wiring, baseName(options?.fileName)) } };
  });

/** The argument of a section tag without its closing `>` (`<Proxy "balancer://app">`). */
function sectionArgument(word: Word | undefined): string | undefined {
  if (!word) {
    return undefined;
  }
  const closing = word.text.indexOf('>');
  const value = closing >= 0 ? word.text.slice(0, closing) : word.text;
  return value === '' ? undefined : value;
}

/** `balancer://app/` and `balancer://App` name the same balancer. */
function balancerName(url: string): string {
  const rest = url.slice('balancer://'.length);
  const end = rest.search(/[/?#]/);
  return (end >= 0 ? rest.slice(0, end) : rest).toLowerCase();
}

/**
 * Where `ProxyPass`, `ProxyPassMatch` and `RewriteRule … [P]` send requests; `BalancerMember`
 * lines are filed under their balancer instead. Other directives return nothing.
 */
function apacheProxyTarget(directive: string, args: Word[], balancer: string | undefined, balancers: Map<string, Forward[]>): ApacheTarget | undefined {
  const name = directive.toLowerCase();
  if (name === 'balancermember') {
    // Outside `<Proxy balancer://…>` the first argument names the balancer.
    const named = args[0]?.text.toLowerCase().startsWith('balancer://') ? balancerName(args[0].text) : undefined;
    const member = named !== undefined ? args[1] : args[0];
    const owner = named ?? balancer;
    const target = member ? apacheUrlTarget(member) : undefined;
    if (owner !== undefined && target && 'forward' in target) {
      const members = balancers.get(owner) ?? [];
      members.push(target.forward);
      balancers.set(owner, members);
    }
    return undefined;
  }
  if (APACHE_PROXY_PASS.test(directive)) {
    // Inside `<Location>` the path is left out and the target comes first.
    const target = [args[1], args[0]].find((word) => word !== undefined && isProxyPassTarget(word.text));
    return target && target.text !== '!' ? apacheUrlTarget(target) : undefined;
  }
  if (name === 'rewriterule' && args.length >= 3 && isProxyFlag(args[2].text)) {
    return apacheUrlTarget(args[1]);
  }
  return undefined;
}

/** `!` (do not proxy), a URL, or a `unix:` socket URL: what may follow a ProxyPass path. */
function isProxyPassTarget(text: string): boolean {
  return text === '!' || text.includes('://') || text.toLowerCase().startsWith('unix:');
}

/** `[P]`, `[P,L]`, `[L,proxy]`: the rewritten URL is fetched through mod_proxy. */
function isProxyFlag(flags: string): boolean {
  if (!flags.startsWith('[')) {
    return false;
  }
  const inner = flags.slice(1, flags.endsWith(']') ? -1 : undefined);
  return inner.split(',').some((flag) => {
    const flagName = flag.trim().split('=')[0].toLowerCase();
    return flagName === 'p' || flagName === 'proxy';
  });
}

/** A proxy URL as a forward, or the balancer it names; `undefined` for anything that is not a URL (a local path). */
function apacheUrlTarget(word: Word): ApacheTarget | undefined {
  const text = word.text;
  const base = { text, range: wordSpan(word) };
  // `unix:/run/app.sock|http://localhost/` dials a socket file.
  if (text.toLowerCase().startsWith('unix:')) {
    return { forward: base };
  }
  const url = URL_AUTHORITY.exec(text);
  if (!url) {
    return undefined;
  }
  const scheme = url[1].toLowerCase();
  if (scheme === 'balancer') {
    return { balancer: balancerName(text) };
  }
  const authority = url[2].slice(url[2].lastIndexOf('@') + 1);
  const split = splitHostPort(authority, false);
  if (split.port === undefined) {
    // A variable (`${BACKEND}`, `$1`, `%{HTTP_HOST}`) may carry a port of its own.
    const port = authority.includes('$') || authority.includes('%{') ? undefined : APACHE_SCHEME_PORTS[scheme];
    return { forward: port !== undefined ? { ...base, port } : base };
  }
  const parsed = parsePort(split.port);
  return { forward: parsed.ok ? { ...base, port: parsed.value } : base };
}

/** One served listener per `Listen` and per `<VirtualHost>` address reference, in the order they were found. */
function apacheListeners(references: readonly PortReference[], wiring: ApacheWiring, fileName: string | undefined): ServedListener[] {
  const listenList = fileName !== undefined && APACHE_LISTEN_LIST_FILE.test(fileName);
  const collector = new ForwardCollector();
  // Virtual hosts by the ports they answer on; only those with proxy directives give forwards.
  const coveredPorts = new Set<number>();
  let anyPortHost = false;
  const relayingOnPort = new Map<number, ApacheVirtualHost[]>();
  const relayingOnAnyPort: ApacheVirtualHost[] = [];
  for (const host of wiring.virtualHosts) {
    const anyPort = host.ports.includes('*');
    anyPortHost ||= anyPort;
    for (const port of new Set(host.ports)) {
      if (port !== '*') {
        coveredPorts.add(port);
        if (!anyPort && host.targets.length > 0) {
          const hosts = relayingOnPort.get(port) ?? [];
          hosts.push(host);
          relayingOnPort.set(port, hosts);
        }
      }
    }
    if (anyPort && host.targets.length > 0) {
      relayingOnAnyPort.push(host);
    }
  }
  const resolve = (hosts: Iterable<ApacheVirtualHost>): { forwards: Forward[]; undecided: boolean } => {
    let unresolved = false;
    function* expand(targets: Iterable<ApacheTarget>): Generator<Forward | undefined> {
      for (const target of targets) {
        if ('forward' in target) {
          yield target.forward;
          continue;
        }
        const members = wiring.balancers.get(target.balancer);
        unresolved ||= members === undefined;
        yield* members ?? [undefined];
      }
    }
    function* all(): Generator<Forward | undefined> {
      for (const host of hosts) {
        yield* expand(host.targets);
      }
      // Virtual hosts inherit the server-wide proxy directives.
      yield* expand(wiring.serverWide);
    }
    const { forwards, complete } = collector.collect(all());
    return { forwards, undecided: unresolved || !complete };
  };
  const served = new Map<PortReference, ServedListener>();
  // Ports without a virtual host of their own share what the any-port hosts and the server relay to.
  const byListenPort = new Map<number | '*', { forwards: Forward[]; undecided: boolean }>();
  for (const reference of wiring.listens) {
    const onPort = reference.port !== null ? relayingOnPort.get(reference.port) ?? [] : [];
    const key = onPort.length > 0 && reference.port !== null ? reference.port : '*';
    const known = byListenPort.get(key);
    let relay: { forwards: Forward[]; undecided: boolean };
    if (known) {
      const reused = collector.reuse({ forwards: known.forwards, complete: true });
      relay = { forwards: reused.forwards, undecided: known.undecided || !reused.complete };
    } else {
      relay = resolve(mergeInFileOrder(onPort, relayingOnAnyPort));
      byListenPort.set(key, relay);
    }
    // No virtual host here answers on the port: the ones that do are in an included file, or (ports.conf) in sites-enabled/.
    const covered = anyPortHost || (reference.port !== null && coveredPorts.has(reference.port));
    const elsewhere = !covered && (wiring.hasInclude || listenList);
    served.set(reference, { range: reference.range, forwards: relay.forwards, undecided: elsewhere || relay.undecided });
  }
  for (const host of wiring.virtualHosts) {
    if (host.references.length === 0) {
      continue;
    }
    const relay = resolve([host]);
    for (const [index, reference] of host.references.entries()) {
      const shared = index === 0 ? { forwards: relay.forwards, complete: true } : collector.reuse({ forwards: relay.forwards, complete: true });
      served.set(reference, { range: reference.range, forwards: shared.forwards, undecided: relay.undecided || !shared.complete });
    }
  }
  return references.flatMap((reference) => served.get(reference) ?? []);
}

/** Two lists of virtual hosts, each in file order, as one in file order. */
function* mergeInFileOrder(first: readonly ApacheVirtualHost[], second: readonly ApacheVirtualHost[]): Generator<ApacheVirtualHost> {
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    if (j >= second.length || (i < first.length && first[i].order < second[j].order)) {
      yield first[i++];
    } else {
      yield second[j++];
    }
  }
}

function scanApacheListen(words: Word[], references: PortReference[], problems: ScanProblem[], seen: Map<string, SourceRange>): void {
  const args = words.slice(1);
  if (args.length < 1 || args.length > 2) {
    problems.push(problem({ start: words[0].start, end: words[words.length - 1].end }, 'parse-error', 'Listen takes an address:port or a port, and optionally a protocol'));
    if (args.length < 1) {
      return;
    }
  }
  const address = args[0];
  const split = splitHostPort(address.text, false);
  // `Listen 80` is a port alone; `Listen 10.0.0.1` lacks one.
  const portText = split.port ?? (DIGITS_ONLY.test(split.host) ? split.host : undefined);
  if (portText === undefined) {
    problems.push(problem(wordSpan(address), 'missing-port', `Listen ${address.text}: the port must be specified`));
    return;
  }
  const portIndex = split.port !== undefined ? split.portIndex : 0;
  const portSpan = subSpan(address, portIndex, portIndex + portText.length);
  const parsed = parsePort(portText);
  if (!parsed.ok) {
    problems.push(problem(portSpan, parsed.code, parsed.message));
    return;
  }
  const hostIp = split.port !== undefined && split.host !== '' ? split.host : undefined;
  const key = `${hostIp ?? '*'}|${parsed.value}`;
  const previous = seen.get(key);
  if (previous) {
    problems.push(problem(wordSpan(address), 'duplicate-listen', `Apache refuses to start: ${address.text} is already a Listen address`));
  } else {
    seen.set(key, wordSpan(address));
  }
  const protocolArgument = args[1]?.text.toLowerCase();
  references.push({
    role: 'listen',
    range: wordSpan(address),
    portRange: portSpan,
    protocol: 'tcp',
    port: parsed.value,
    endPort: parsed.value,
    ...(hostIp !== undefined ? { hostIp } : {}),
    ...(protocolArgument ? { flags: [protocolArgument] } : {}),
  });
}

/** Emits a reference per address with a port; returns every address's port, `*` when it names none. */
function scanVirtualHost(args: Word[], references: PortReference[], problems: ScanProblem[]): (number | '*')[] {
  const ports: (number | '*')[] = [];
  for (const raw of args) {
    // The last address carries the closing `>` of the section tag.
    const closing = raw.text.indexOf('>');
    const word: Word = closing >= 0 ? { ...raw, text: raw.text.slice(0, closing), end: raw.exact ? raw.start + closing : raw.end } : raw;
    if (word.text === '') {
      continue;
    }
    const split = splitHostPort(word.text, false);
    if (split.port === undefined || split.port === '*') {
      ports.push('*');
      continue;
    }
    const portSpan = subSpan(word, split.portIndex, word.text.length);
    const parsed = parsePort(split.port);
    if (!parsed.ok) {
      problems.push(problem(portSpan, parsed.code, parsed.message));
      continue;
    }
    ports.push(parsed.value);
    const hostIp = split.host === '' || split.host === '_default_' ? undefined : split.host;
    references.push({
      role: 'listen',
      range: wordSpan(word),
      portRange: portSpan,
      protocol: 'tcp',
      port: parsed.value,
      endPort: parsed.value,
      ...(hostIp !== undefined ? { hostIp } : {}),
      flags: ['virtualhost'],
    });
  }
  return ports.length > 0 ? ports : ['*'];
}

// ---------------------------------------------------------------------------------------------
// HAProxy: bind, server, server-template, and addresses on `listen`/`frontend` lines
// ---------------------------------------------------------------------------------------------

const HAPROXY_WORDS: WordOptions = { comments: 'anywhere', escapes: true };
const HAPROXY_SECTIONS: ReadonlySet<string> = new Set([
  'global', 'defaults', 'frontend', 'backend', 'listen', 'peers', 'resolvers', 'userlist', 'cache', 'program',
  'http-errors', 'ring', 'mailers', 'crt-store', 'log-forward',
]);
const HAPROXY_NAMED_SCOPES: ReadonlySet<string> = new Set(['frontend', 'backend', 'listen', 'defaults']);
/** Address prefixes that name a socket family with no port (UNIX sockets, inherited descriptors, reverse HTTP). */
const HAPROXY_PORTLESS_FAMILIES: ReadonlySet<string> = new Set(['unix', 'abns', 'abnsz', 'fd', 'sockpair', 'uxst', 'uxdg', 'rhttp']);
const HAPROXY_UDP_FAMILIES: ReadonlySet<string> = new Set(['udp', 'udp4', 'udp6', 'quic4', 'quic6', 'quic']);
const HAPROXY_BIND_FLAGS: ReadonlySet<string> = new Set(['ssl', 'v4v6', 'v6only', 'transparent', 'accept-proxy', 'tfo', 'defer-accept', 'quic-force-retry']);
const HAPROXY_FAMILY_PREFIX = /^([a-z0-9]+)@/;

interface HaproxyAddress {
  readonly protocol: Protocol;
  readonly host: string;
  /** Undefined for a socket family without ports. */
  readonly portText?: string;
  readonly portIndex: number;
}

function parseHaproxyAddress(text: string): HaproxyAddress | undefined {
  const prefix = HAPROXY_FAMILY_PREFIX.exec(text);
  const family = prefix?.[1];
  if (text.startsWith('/') || (family !== undefined && HAPROXY_PORTLESS_FAMILIES.has(family))) {
    return undefined;
  }
  const offset = prefix ? prefix[0].length : 0;
  const split = splitHostPort(text.slice(offset), true);
  return {
    protocol: family !== undefined && HAPROXY_UDP_FAMILIES.has(family) ? 'udp' : 'tcp',
    host: split.host,
    portText: split.port,
    portIndex: split.port !== undefined ? offset + split.portIndex : text.length,
  };
}

/** A `server` or `server-template` line of a backend or listen section. */
interface HaproxyServerLine {
  /** Keyword, name and address as written, for messages. */
  readonly text: string;
  readonly address: Word;
}

/** One section of the file, with what decides where its listeners relay. */
interface HaproxyProxy {
  readonly kind: string;
  readonly name?: string;
  /** The defaults section whose settings it takes: the last one above it, or the one named by `from`. */
  readonly defaults?: HaproxyProxy;
  readonly listeners: PortReference[];
  readonly servers: HaproxyServerLine[];
  defaultBackend?: string;
  readonly useBackends: string[];
}

/** Sections whose `bind` HAProxy answers itself: peer synchronisation and syslog reception. */
const HAPROXY_SELF_ANSWERING: ReadonlySet<string> = new Set(['peers', 'log-forward']);
/** Sections a `use_backend` or `default_backend` can name. */
const HAPROXY_BACKEND_KINDS: ReadonlySet<string> = new Set(['backend', 'listen']);
/** How far a chain of `defaults … from …` is followed; HAProxy itself refuses long or looping ones. */
const HAPROXY_DEFAULTS_DEPTH = 16;

export const scanHaproxy: Scanner = (text) =>
  guarded('haproxy', text, (references, problems) => {
    let section = '';
    let scope: string | undefined;
    // Lines above the first section belong to no proxy; HAProxy refuses them.
    let current: HaproxyProxy = { kind: '', listeners: [], servers: [], useBackends: [] };
    const proxies: HaproxyProxy[] = [current];
    const namedDefaults = new Map<string, HaproxyProxy>();
    let lastDefaults: HaproxyProxy | undefined;
    for (const line of splitLines(text)) {
      const words = splitWords(line, HAPROXY_WORDS);
      if (words.length === 0) {
        continue;
      }
      const keyword = words[0].text;
      const before = references.length;
      if (HAPROXY_SECTIONS.has(keyword)) {
        section = keyword;
        scope = HAPROXY_NAMED_SCOPES.has(keyword) ? words[1]?.text : undefined;
        const inherits = words[2]?.text === 'from';
        // A new defaults section resets the settings; it takes another's only through `from`.
        const defaults = inherits ? namedDefaults.get(words[3]?.text ?? '') : keyword === 'defaults' ? undefined : lastDefaults;
        current = { kind: keyword, ...(scope !== undefined ? { name: scope } : {}), ...(defaults ? { defaults } : {}), listeners: [], servers: [], useBackends: [] };
        proxies.push(current);
        if (keyword === 'defaults') {
          lastDefaults = current;
          if (scope !== undefined) {
            namedDefaults.set(scope, current);
          }
        }
        // Older configurations put the listening addresses on the section line itself.
        if ((keyword === 'listen' || keyword === 'frontend') && words.length > 2 && !inherits) {
          scanHaproxyBind(words[2], words.slice(3), scope, references, problems);
          current.listeners.push(...references.slice(before));
        }
        continue;
      }
      if (section === 'global') {
        continue;
      }
      if (keyword === 'bind' && words.length > 1) {
        scanHaproxyBind(words[1], words.slice(2), scope, references, problems);
        current.listeners.push(...references.slice(before));
      } else if (keyword === 'server' && words.length > 2) {
        scanHaproxyServer(words[1].text, words[2], scope, references, problems);
        current.servers.push({ text: words.slice(0, 3).map((word) => word.text).join(' '), address: words[2] });
      } else if (keyword === 'server-template' && words.length > 3) {
        scanHaproxyServer(words[1].text, words[3], scope, references, problems);
        current.servers.push({ text: words.slice(0, 4).map((word) => word.text).join(' '), address: words[3] });
      } else if (keyword === 'default_backend' && words.length > 1) {
        current.defaultBackend = words[1].text;
      } else if (keyword === 'use_backend' && words.length > 1) {
        current.useBackends.push(words[1].text);
      }
    }
    return { server: { software: 'HAProxy', listeners: haproxyListeners(proxies) } };
  });

/** `default_backend` of the defaults section a proxy follows, through `defaults … from …` chains. */
function inheritedDefaultBackend(defaults: HaproxyProxy | undefined): string | undefined {
  let section = defaults;
  for (let depth = 0; section && depth < HAPROXY_DEFAULTS_DEPTH; depth++) {
    if (section.defaultBackend !== undefined) {
      return section.defaultBackend;
    }
    section = section.defaults;
  }
  return undefined;
}

/** One served listener per `bind` address, relaying to the servers of the backends its section names. */
function haproxyListeners(proxies: readonly HaproxyProxy[]): ServedListener[] {
  const backends = new Map<string, HaproxyProxy>();
  for (const proxy of proxies) {
    if (HAPROXY_BACKEND_KINDS.has(proxy.kind) && proxy.name !== undefined && !backends.has(proxy.name)) {
      backends.set(proxy.name, proxy);
    }
  }
  const collector = new ForwardCollector();
  const relativeServers = new Map<HaproxyProxy, boolean>();
  const served: ServedListener[] = [];
  for (const proxy of proxies) {
    if (proxy.listeners.length === 0) {
      continue;
    }
    if (proxy.kind !== 'frontend' && proxy.kind !== 'listen') {
      // A bind anywhere else is one HAProxy refuses, unless the section serves a protocol of its own.
      const undecided = !HAPROXY_SELF_ANSWERING.has(proxy.kind);
      served.push(...proxy.listeners.map((reference) => ({ range: reference.range, forwards: [], undecided })));
      continue;
    }
    const routes = [...proxy.useBackends];
    const defaultBackend = proxy.defaultBackend ?? inheritedDefaultBackend(proxy.defaults);
    if (defaultBackend !== undefined) {
      routes.push(defaultBackend);
    }
    const targets = new Set<HaproxyProxy>(proxy.kind === 'listen' ? [proxy] : []);
    let undecided = false;
    for (const route of routes) {
      // `%[…]` picks the backend per request; `${…}` comes from the environment HAProxy starts in.
      const backend = route.includes('%') || route.includes('$') ? undefined : backends.get(route);
      if (backend) {
        targets.add(backend);
      } else {
        undecided = true;
      }
    }
    // The forwards differ between listeners only by the client port that portless servers take.
    const byClientPort = new Map<number | undefined | '*', { readonly forwards: Forward[]; readonly complete: boolean }>();
    const followsClient = [...targets].some((target) => followsClientPort(target, relativeServers));
    for (const reference of proxy.listeners) {
      const clientPort = reference.port !== null && reference.port === reference.endPort ? reference.port : undefined;
      const key = followsClient ? clientPort : '*';
      const known = byClientPort.get(key);
      const relay = known ? collector.reuse(known) : collector.collect(serverForwards(targets, clientPort));
      if (!known) {
        byClientPort.set(key, relay);
      }
      served.push({ range: reference.range, forwards: relay.forwards, undecided: undecided || !relay.complete });
    }
  }
  return served;
}

/** Whether a section has a server dialled relative to the client's port (no port, or `+N`/`-N`); remembered per section. */
function followsClientPort(proxy: HaproxyProxy, known: Map<HaproxyProxy, boolean>): boolean {
  let follows = known.get(proxy);
  if (follows === undefined) {
    follows = proxy.servers.some((line) => {
      const address = parseHaproxyAddress(line.address.text);
      return address !== undefined && (address.portText === undefined || address.portText === '' || HAPROXY_PORT_OFFSET.test(address.portText));
    });
    known.set(proxy, follows);
  }
  return follows;
}

function* serverForwards(targets: Iterable<HaproxyProxy>, clientPort: number | undefined): Generator<Forward> {
  for (const target of targets) {
    for (const line of target.servers) {
      yield haproxyForward(line, clientPort);
    }
  }
}

const HAPROXY_PORT_OFFSET = /^[+-][0-9]{1,5}$/;

/**
 * The port a server is dialled on for connections that reached `clientPort`: the port written,
 * the client's port when none is written, or the client's port moved by a `+N`/`-N` offset.
 */
function haproxyForward(line: HaproxyServerLine, clientPort: number | undefined): Forward {
  const base = { text: line.text, range: wordSpan(line.address) };
  const address = parseHaproxyAddress(line.address.text);
  // A socket file, or a DNS SRV name (`_http._tcp.app.local`) whose records carry the port.
  if (!address || address.host.startsWith('_')) {
    return base;
  }
  const portText = address.portText;
  if (portText === undefined || portText === '') {
    return clientPort !== undefined ? { ...base, port: clientPort } : base;
  }
  if (HAPROXY_PORT_OFFSET.test(portText)) {
    const port = clientPort !== undefined ? clientPort + Number(portText) : undefined;
    return port !== undefined && port >= 1 && port <= 65535 ? { ...base, port } : base;
  }
  const parsed = parsePort(portText);
  return parsed.ok ? { ...base, port: parsed.value } : base;
}

function scanHaproxyBind(addresses: Word, params: Word[], scope: string | undefined, references: PortReference[], problems: ScanProblem[]): void {
  const flags = params.map((param) => param.text).filter((param) => HAPROXY_BIND_FLAGS.has(param));
  let pieceStart = 0;
  const list = addresses.text;
  for (let i = 0; i <= list.length; i++) {
    if (i < list.length && list[i] !== ',') {
      continue;
    }
    const piece = list.slice(pieceStart, i);
    const pieceSpan = subSpan(addresses, pieceStart, i);
    const pieceOffset = pieceStart;
    pieceStart = i + 1;
    if (piece === '') {
      continue;
    }
    const address = parseHaproxyAddress(piece);
    if (!address) {
      continue;
    }
    if (address.portText === undefined || address.portText === '') {
      problems.push(problem(pieceSpan, 'missing-port', `bind ${piece}: a port is required for a network listener`));
      continue;
    }
    const portSpan = subSpan(addresses, pieceOffset + address.portIndex, pieceOffset + piece.length);
    const hostIp = address.host === '' ? undefined : address.host;
    const common = {
      role: 'listen' as const,
      range: pieceSpan,
      portRange: portSpan,
      protocol: address.protocol,
      ...(hostIp !== undefined ? { hostIp } : {}),
      ...(scope !== undefined ? { scope } : {}),
      ...(flags.length > 0 ? { flags } : {}),
    };
    if (address.portText.includes('$')) {
      references.push({ ...common, port: null, endPort: null, rawText: address.portText });
      continue;
    }
    const parsed = parsePortOrRange(address.portText, portSpan, problems, true);
    if (parsed) {
      references.push({ ...common, port: parsed.port, endPort: parsed.endPort });
    }
  }
}

function scanHaproxyServer(name: string, addressWord: Word, scope: string | undefined, references: PortReference[], problems: ScanProblem[]): void {
  const address = parseHaproxyAddress(addressWord.text);
  // Without a port HAProxy connects to the port the client reached; nothing is written to point at.
  if (!address || address.portText === undefined || address.portText === '') {
    return;
  }
  const portSpan = subSpan(addressWord, address.portIndex, addressWord.text.length);
  const common = {
    role: 'upstream' as const,
    range: wordSpan(addressWord),
    portRange: portSpan,
    protocol: address.protocol,
    name,
    ...(address.host !== '' ? { hostIp: address.host } : {}),
    ...(scope !== undefined ? { scope } : {}),
  };
  if (address.portText.startsWith('+') || address.portText.startsWith('-')) {
    references.push({ ...common, port: null, endPort: null, rawText: address.portText, flags: ['port-offset'] });
    return;
  }
  if (address.portText.includes('$')) {
    references.push({ ...common, port: null, endPort: null, rawText: address.portText });
    return;
  }
  const parsed = parsePort(address.portText);
  if (!parsed.ok) {
    problems.push(problem(portSpan, parsed.code, parsed.message));
    return;
  }
  references.push({ ...common, port: parsed.value, endPort: parsed.value });
}

// ---------------------------------------------------------------------------------------------
// systemd.socket(5)
// ---------------------------------------------------------------------------------------------

const SOCKET_SECTION = '[Socket]';
const LISTEN_PROTOCOLS: Readonly<Record<string, Protocol | 'seqpacket'>> = {
  ListenStream: 'tcp',
  ListenDatagram: 'udp',
  ListenSequentialPacket: 'seqpacket',
};
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):([^:]*)$/;

interface SystemdListen {
  readonly key: string;
  readonly reference: PortReference;
}

interface SystemdEntry {
  readonly key: string;
  readonly keySpan: SourceRange;
  readonly value: Word;
  /** How many leading characters of a continued value sit on its first line, where offsets map 1:1. */
  readonly exactLength: number;
  readonly section: string;
}

/** systemd joins a line ending in a backslash with the next; a key's value is what follows `=`, trimmed. */
function systemdEntries(text: string): SystemdEntry[] {
  const entries: SystemdEntry[] = [];
  let section = '';
  const lines = splitLines(text);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const trimmed = line.text.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      continue;
    }
    if (trimmed.startsWith('[')) {
      section = trimmed;
      continue;
    }
    const equals = line.text.indexOf('=');
    if (equals < 0) {
      continue;
    }
    const rawKey = line.text.slice(0, equals);
    const key = rawKey.trim();
    const keyStart = line.start + rawKey.indexOf(key);
    let valueStart = line.start + equals + 1;
    // A continued value is only kept exact when it fits on one line; continuations join with a space.
    const parts = [line.text.slice(equals + 1)];
    while (parts[parts.length - 1].endsWith('\\') && index + 1 < lines.length) {
      parts[parts.length - 1] = parts[parts.length - 1].slice(0, -1);
      index++;
      parts.push(lines[index].text);
    }
    const exact = parts.length === 1;
    const value = parts.join(' ');
    const leading = value.length - value.trimStart().length;
    const content = value.trim();
    valueStart += leading;
    entries.push({
      key,
      keySpan: { start: keyStart, end: keyStart + key.length },
      value: { text: content, start: valueStart, end: exact ? valueStart + content.length : lines[index].start + lines[index].text.length, exact },
      exactLength: exact ? content.length : Math.max(0, parts[0].length - leading),
      section,
    });
  }
  return entries;
}

export const scanSystemdSocket: Scanner = (text, options) =>
  guarded('systemd', text, (references, problems) => {
    const listens: SystemdListen[] = [];
    let socketProtocol: string | undefined;
    const entries = systemdEntries(text);
    for (const entry of entries) {
      if (entry.section !== SOCKET_SECTION) {
        continue;
      }
      if (entry.key === 'SocketProtocol') {
        socketProtocol = entry.value.text.toLowerCase();
        continue;
      }
      const kind = LISTEN_PROTOCOLS[entry.key];
      if (kind === undefined) {
        continue;
      }
      if (entry.value.text === '') {
        // An empty assignment resets the list: earlier listeners in this file have no effect.
        if (listens.length > 0) {
          problems.push(problem(entry.keySpan, 'listeners-reset', `${entry.key}= with no value discards the ${listens.length} listener(s) above`, 'info'));
        }
        listens.length = 0;
        continue;
      }
      const reference = parseSocketAddress(entry.key, kind, entry.value, problems);
      if (reference) {
        listens.push({ key: entry.key, reference });
      }
    }
    for (const { key, reference } of listens) {
      references.push(applySocketProtocol(key, reference, socketProtocol));
    }
    const systemd = systemdFacts(entries, baseName(options?.fileName));
    return Object.keys(systemd).length > 0 ? { systemd } : undefined;
  });

const SERVICE_SECTION = '[Service]';
/** systemd's parse_boolean() words for true. */
const SYSTEMD_TRUE: ReadonlySet<string> = new Set(['1', 'yes', 'y', 'true', 't', 'on']);
/** `@`, `-`, `:`, `+`, `!` and `!!` may precede an ExecStart= program, in any order. */
const EXEC_PREFIX = /^[@\-:+!]*/;
const SYSTEMD_WORDS: WordOptions = { comments: 'none', escapes: true };
const ENVIRONMENT_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
/** env(1) options that take the next word as their value. */
const ENV_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set(['-u', '--unset', '-C', '--chdir', '-S', '--split-string']);

/** The unit's name, the service a socket starts, and a service's program. */
function systemdFacts(entries: readonly SystemdEntry[], unit: string | undefined): SystemdFacts {
  const lowerUnit = unit?.toLowerCase();
  const isService = lowerUnit?.endsWith('.service') === true;
  const isSocket = lowerUnit?.endsWith('.socket') === true || (!isService && entries.some((entry) => entry.section === SOCKET_SECTION));
  let service: string | undefined;
  let accept = false;
  let execStart: SystemdEntry | undefined;
  for (const entry of entries) {
    if (entry.section === SOCKET_SECTION && entry.key === 'Service') {
      service = entry.value.text === '' ? undefined : entry.value.text;
    } else if (entry.section === SOCKET_SECTION && entry.key === 'Accept') {
      accept = SYSTEMD_TRUE.has(entry.value.text.toLowerCase());
    } else if (entry.section === SERVICE_SECTION && entry.key === 'ExecStart') {
      // An empty assignment clears the commands above it; the first one after that runs first.
      if (entry.value.text === '') {
        execStart = undefined;
      } else {
        execStart ??= entry;
      }
    }
  }
  let activates = service;
  if (isSocket && activates === undefined && unit !== undefined && lowerUnit?.endsWith('.socket')) {
    const stem = unit.slice(0, -'.socket'.length);
    // With Accept=yes each connection starts an instance of a template service.
    activates = accept ? `${stem.endsWith('@') ? stem.slice(0, -1) : stem}@.service` : `${stem}.service`;
  }
  const command = execStart ? parseExecStart(execStart) : undefined;
  return {
    ...(unit !== undefined ? { unit } : {}),
    ...(isSocket && activates !== undefined ? { activates } : {}),
    ...(command ? { execStart: command } : {}),
  };
}

function parseExecStart(entry: SystemdEntry): SystemdFacts['execStart'] {
  const { value } = entry;
  const words = splitWords({ text: value.text, start: value.start }, SYSTEMD_WORDS);
  const first = words[0];
  if (!first) {
    return undefined;
  }
  const prefix = EXEC_PREFIX.exec(first.text)?.[0] ?? '';
  let rest = words.slice(1);
  // With `@` the next word is only argv[0], not an argument.
  if (prefix.includes('@')) {
    rest = rest.slice(1);
  }
  let program: Word = { ...first, text: first.text.slice(prefix.length), start: first.exact ? first.start + prefix.length : first.start };
  if (program.text === '') {
    return undefined;
  }
  if (program.text === 'env' || program.text.endsWith('/env')) {
    const index = envCommandIndex(rest);
    if (index >= 0) {
      program = rest[index];
      rest = rest.slice(index + 1);
    }
  }
  // A program written past the first line of a continued value has no exact offset: point at the whole value.
  const range = program.end - value.start <= entry.exactLength ? wordSpan(program) : wordSpan(value);
  return { program: program.text, args: rest.map((word) => word.text), range };
}

/** Index of the command env(1) runs: the first word that is neither an option nor a NAME=value. */
function envCommandIndex(words: readonly Word[]): number {
  let optionsEnded = false;
  for (let index = 0; index < words.length; index++) {
    const text = words[index].text;
    if (ENVIRONMENT_ASSIGNMENT.test(text)) {
      continue;
    }
    if (!optionsEnded && text === '--') {
      optionsEnded = true;
      continue;
    }
    if (!optionsEnded && text.startsWith('-') && text.length > 1) {
      if (ENV_OPTIONS_WITH_VALUE.has(text)) {
        index++;
      }
      continue;
    }
    return index;
  }
  return -1;
}

function parseSocketAddress(key: string, kind: Protocol | 'seqpacket', value: Word, problems: ScanProblem[]): PortReference | undefined {
  const text = value.text;
  // UNIX sockets (paths, abstract names) and AF_VSOCK addresses carry no IP port.
  if (text.startsWith('/') || text.startsWith('@') || text.startsWith('vsock:')) {
    return undefined;
  }
  let host: string | undefined;
  let portText: string;
  let portIndex: number;
  if (DIGITS_ONLY.test(text)) {
    portText = text;
    portIndex = 0;
  } else if (text.startsWith('[')) {
    const split = splitHostPort(text, false);
    if (split.port === undefined) {
      problems.push(problem(wordSpan(value), 'invalid-address', `${key}=${text}: an IPv6 address needs a port, as in [::]:80`));
      return undefined;
    }
    // An interface scope may follow the port: [fe80::1]:80%eth0.
    const scopeAt = split.port.indexOf('%');
    portText = scopeAt >= 0 ? split.port.slice(0, scopeAt) : split.port;
    host = split.host;
    portIndex = split.portIndex;
  } else {
    const ipv4 = IPV4_WITH_PORT.exec(text);
    if (!ipv4) {
      problems.push(problem(wordSpan(value), text.includes('%') ? 'unresolved-specifier' : 'invalid-address',
        text.includes('%') ? `${key}=${text} uses a specifier that is only known when the unit is loaded` : `${key}=${text} is not a port, an IPv4 address:port, an [IPv6]:port, a path or a vsock address`,
        text.includes('%') ? 'info' : 'error'));
      return undefined;
    }
    host = ipv4[1];
    portText = ipv4[2];
    portIndex = ipv4[1].length + 1;
  }
  const portSpan = subSpan(value, portIndex, portIndex + portText.length);
  if (kind === 'seqpacket') {
    problems.push(problem(wordSpan(value), 'unsupported-address', 'ListenSequentialPacket= only takes AF_UNIX sockets (a path or @name), not an IP address'));
    return undefined;
  }
  const parsed = parsePort(portText);
  if (!parsed.ok) {
    problems.push(problem(portSpan, parsed.code, parsed.message));
    return undefined;
  }
  return {
    role: 'listen',
    range: wordSpan(value),
    portRange: portSpan,
    protocol: kind,
    port: parsed.value,
    endPort: parsed.value,
    ...(host !== undefined ? { hostIp: host } : {}),
  };
}

/** SocketProtocol= applies to every IP listener of the unit, wherever it is written in the section. */
function applySocketProtocol(key: string, reference: PortReference, socketProtocol: string | undefined): PortReference {
  if (socketProtocol === 'sctp' && key === 'ListenStream') {
    return { ...reference, protocol: 'sctp' };
  }
  if ((socketProtocol === 'udplite' && key === 'ListenDatagram') || (socketProtocol === 'mptcp' && key === 'ListenStream')) {
    return { ...reference, flags: [socketProtocol] };
  }
  return reference;
}
