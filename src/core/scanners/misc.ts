/**
 * Scanners for the smaller server configuration formats: sshd_config, Apache httpd, HAProxy and
 * systemd socket units. Each is line-oriented, so they share a line walker and a word splitter.
 */
import type { FileFormat, PortReference, Protocol, ScanProblem, ScanResult, Scanner, SourceRange } from '../types';
import { lookupServiceName } from '../ports/serviceNames';
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
function guarded(format: FileFormat, text: string, body: (references: PortReference[], problems: ScanProblem[]) => void): ScanResult {
  const references: PortReference[] = [];
  const problems: ScanProblem[] = [];
  try {
    body(references, problems);
  } catch (error) {
    problems.push(problem({ start: 0, end: text.length }, 'parse-error', `Could not read this ${format} file: ${error instanceof Error ? error.message : String(error)}`));
  }
  return { format, references, problems };
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

export const scanApache: Scanner = (text) =>
  guarded('apache', text, (references, problems) => {
    const seenListeners = new Map<string, SourceRange>();
    for (const pieces of apacheLogicalLines(text)) {
      const words = pieces.flatMap((piece) => splitWords(piece, APACHE_WORDS));
      if (words.length === 0 || words[0].text.startsWith('#')) {
        continue;
      }
      const directive = words[0].text;
      if (APACHE_LISTEN.test(directive)) {
        scanApacheListen(words, references, problems, seenListeners);
      } else if (APACHE_VIRTUAL_HOST.test(directive)) {
        scanVirtualHost(words.slice(1), references, problems);
      }
    }
  });

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

function scanVirtualHost(args: Word[], references: PortReference[], problems: ScanProblem[]): void {
  for (const raw of args) {
    // The last address carries the closing `>` of the section tag.
    const closing = raw.text.indexOf('>');
    const word: Word = closing >= 0 ? { ...raw, text: raw.text.slice(0, closing), end: raw.exact ? raw.start + closing : raw.end } : raw;
    if (word.text === '') {
      continue;
    }
    const split = splitHostPort(word.text, false);
    if (split.port === undefined || split.port === '*') {
      continue;
    }
    const portSpan = subSpan(word, split.portIndex, word.text.length);
    const parsed = parsePort(split.port);
    if (!parsed.ok) {
      problems.push(problem(portSpan, parsed.code, parsed.message));
      continue;
    }
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

export const scanHaproxy: Scanner = (text) =>
  guarded('haproxy', text, (references, problems) => {
    let section = '';
    let scope: string | undefined;
    for (const line of splitLines(text)) {
      const words = splitWords(line, HAPROXY_WORDS);
      if (words.length === 0) {
        continue;
      }
      const keyword = words[0].text;
      if (HAPROXY_SECTIONS.has(keyword)) {
        section = keyword;
        scope = HAPROXY_NAMED_SCOPES.has(keyword) ? words[1]?.text : undefined;
        // Older configurations put the listening addresses on the section line itself.
        if ((keyword === 'listen' || keyword === 'frontend') && words.length > 2) {
          scanHaproxyBind(words[2], words.slice(3), scope, references, problems);
        }
        continue;
      }
      if (section === 'global') {
        continue;
      }
      if (keyword === 'bind' && words.length > 1) {
        scanHaproxyBind(words[1], words.slice(2), scope, references, problems);
      } else if (keyword === 'server' && words.length > 2) {
        scanHaproxyServer(words[1].text, words[2], scope, references, problems);
      } else if (keyword === 'server-template' && words.length > 3) {
        scanHaproxyServer(words[1].text, words[3], scope, references, problems);
      }
    }
  });

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

/** systemd joins a line ending in a backslash with the next; a key's value is what follows `=`, trimmed. */
function systemdEntries(text: string): { key: string; keySpan: SourceRange; value: Word; section: string }[] {
  const entries: { key: string; keySpan: SourceRange; value: Word; section: string }[] = [];
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
      section,
    });
  }
  return entries;
}

export const scanSystemdSocket: Scanner = (text) =>
  guarded('systemd', text, (references, problems) => {
    const listens: SystemdListen[] = [];
    let socketProtocol: string | undefined;
    for (const entry of systemdEntries(text)) {
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
  });

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
