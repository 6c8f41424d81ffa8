import { isIP } from '../ipAddress';
import { Arg, DockerfileParser, Env, From } from 'dockerfile-ast';
import type { Argument, Property } from 'dockerfile-ast';
import { LineIndex } from '../text';
import type { PortReference, Protocol, ScanProblem, Scanner, SourceRange } from '../types';
import type { DockerfileStage, WiredPort } from '../wiring/facts';
import { appendAll, parsePort, problem } from './portSyntax';
import type { PortParse } from './portSyntax';

// ---------------------------------------------------------------------------
// Text with provenance, shared with the Compose scanner.
// ---------------------------------------------------------------------------

/**
 * Text that was derived from the source (quotes and escapes removed, line continuations
 * joined, variables substituted) together with the source span every UTF-16 unit came from.
 */
export interface MappedText {
  readonly text: string;
  readonly origins: readonly SourceRange[];
}

/** Maps `source` one-to-one, starting at offset `start` of the scanned text. */
export function mapVerbatim(source: string, start: number): MappedText {
  const origins: SourceRange[] = [];
  for (let i = 0; i < source.length; i++) {
    origins.push({ start: start + i, end: start + i + 1 });
  }
  return { text: source, origins };
}

/** Maps every unit of `text` to the same span, for text whose characters cannot be traced one by one. */
export function mapUniform(text: string, range: SourceRange): MappedText {
  return { text, origins: Array.from({ length: text.length }, () => range) };
}

/** The source span covering units `[from, to)` of a mapped text; `fallback` when that slice is empty. */
export function mappedSpan(mapped: MappedText, from: number, to: number, fallback: SourceRange): SourceRange {
  if (to <= from) {
    return fallback;
  }
  let start = mapped.origins[from].start;
  let end = mapped.origins[from].end;
  for (let i = from + 1; i < to; i++) {
    start = Math.min(start, mapped.origins[i].start);
    end = Math.max(end, mapped.origins[i].end);
  }
  return { start, end };
}

/** Accumulates mapped text one unit at a time. */
export class MappedTextBuilder {
  private readonly units: string[] = [];
  private readonly origins: SourceRange[] = [];

  get length(): number {
    return this.units.length;
  }

  push(unit: string, origin: SourceRange): void {
    this.units.push(unit);
    this.origins.push(origin);
  }

  /** Appends every unit of `text`, all attributed to one span (a substituted variable). */
  pushAll(text: string, origin: SourceRange): void {
    for (let i = 0; i < text.length; i++) {
      this.push(text[i], origin);
    }
  }

  build(): MappedText {
    return { text: this.units.join(''), origins: this.origins };
  }
}

// ---------------------------------------------------------------------------
// Docker's port syntax: `[IP:][HOST_PORT[-END]:]PORT[-END][/PROTOCOL]`, used by
// `EXPOSE`, `docker run -p` and Compose `ports:`/`expose:` entries alike.
// ---------------------------------------------------------------------------

/** The transports Docker accepts; it lowercases the protocol before checking. */
const DOCKER_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);

/** A protocol name as Docker reads it (case-insensitively), or undefined when Docker rejects it. */
export function dockerProtocol(written: string): Protocol | undefined {
  const lower = written.toLowerCase();
  return DOCKER_PROTOCOLS.has(lower) ? (lower as Protocol) : undefined;
}

/** The port fields of a successfully parsed spec, ready to spread into a `PortReference`. */
export interface DockerPortFields {
  readonly protocol: Protocol;
  readonly port: number;
  readonly endPort: number;
  readonly portRange: SourceRange;
  readonly hostIp?: string;
  readonly hostPort?: number | null;
  readonly hostPortEnd?: number | null;
  readonly hostPortRange?: SourceRange;
}

export interface DockerPortSpecOptions {
  /** `expose` keeps only the container side and warns about the rest; `publish` reads the host side too. */
  readonly role: 'expose' | 'publish';
  /** The Dockerfile frontend warns about `80/TCP`; Compose lowercases it silently. */
  readonly warnUppercaseProtocol: boolean;
  /** For `expose`: how to report a host part, which only the Dockerfile frontend tolerates. */
  readonly hostPart?: { readonly severity: ScanProblem['severity']; readonly message: string };
}

export interface DockerPortSpecResult {
  /** Absent when the spec has an error: Docker would refuse it, so nothing is published. */
  readonly fields?: DockerPortFields;
  readonly problems: ScanProblem[];
}

export interface PortRangeParse {
  readonly start: number;
  readonly end: number;
}

/**
 * Parses one port spec. Splitting follows Docker's own rule: the last `:`-separated part is
 * the container side, the one before it the host port, and everything earlier (rejoined with
 * `:`) the host IP, which is how an unbracketed IPv6 address such as `::1:8080:80` survives.
 */
export function parseDockerPortSpec(
  spec: MappedText,
  whole: SourceRange,
  options: DockerPortSpecOptions,
): DockerPortSpecResult {
  const problems: ScanProblem[] = [];
  const text = spec.text;
  const spanOf = (from: number, to: number): SourceRange => mappedSpan(spec, from, to, whole);

  const colons: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === ':') {
      colons.push(i);
    }
  }
  const containerStart = colons.length > 0 ? colons[colons.length - 1] + 1 : 0;
  const hasHost = colons.length >= 1;

  // Container side: PORT[-END][/PROTOCOL]. Everything after the first slash is the protocol,
  // so `80/tcp/udp` asks for a protocol named "tcp/udp", which Docker refuses.
  const slash = text.indexOf('/', containerStart);
  const portEnd = slash === -1 ? text.length : slash;
  let protocol: Protocol = 'tcp';
  if (slash !== -1 && slash + 1 < text.length) {
    const written = text.slice(slash + 1);
    const known = dockerProtocol(written);
    const protocolSpan = spanOf(slash + 1, text.length);
    if (!known) {
      const message = written.includes('/')
        ? `"${written}" names more than one protocol; Docker takes one of tcp, udp or sctp per entry, so write one entry per protocol`
        : `Unknown protocol "${written}": Docker accepts tcp, udp and sctp`;
      problems.push(problem(protocolSpan, 'unknown-protocol', message));
    } else {
      protocol = known;
      if (options.warnUppercaseProtocol && written !== known) {
        problems.push(problem(protocolSpan, 'uppercase-protocol', `Docker lowercases "${written}"; write "${known}"`, 'warning'));
      }
    }
  }
  const container = parseMappedPortRange(spec, containerStart, portEnd, 'container', whole, problems);
  if (container && container.start === 0) {
    problems.push(
      problem(
        spanOf(containerStart, portEnd),
        'port-zero',
        'Docker accepts port 0, but no process can listen on port 0; this is most likely a mistake',
        'warning',
      ),
    );
  }

  if (options.role === 'expose') {
    if (hasHost && options.hostPart) {
      // Where the host part is only a warning the build still reads it, and fails on one it cannot.
      // Like BuildKit's own check, the warning needs an address or host port: `:80` and `::80`
      // have neither, while in `::::80` the address is `::`.
      const warnOnly = options.hostPart.severity !== 'error';
      if (!warnOnly || colons.length >= 3 || /[^:]/.test(text.slice(0, containerStart))) {
        problems.push(problem(spanOf(0, containerStart), 'expose-host-part', options.hostPart.message, options.hostPart.severity));
      }
      if (warnOnly) {
        readHostSide(spec, colons, container, whole, problems);
      }
    }
    if (!container || problems.some((p) => p.severity === 'error')) {
      return { problems };
    }
    return {
      fields: { protocol, port: container.start, endPort: container.end, portRange: spanOf(containerStart, portEnd) },
      problems,
    };
  }

  const host = readHostSide(spec, colons, container, whole, problems);
  if (!container || problems.some((p) => p.severity === 'error')) {
    return { problems };
  }
  return {
    fields: {
      protocol,
      port: container.start,
      endPort: container.end,
      portRange: spanOf(containerStart, portEnd),
      ...host,
    },
    problems,
  };
}

type HostSide = Pick<DockerPortFields, 'hostIp' | 'hostPort' | 'hostPortEnd' | 'hostPortRange'>;

/**
 * Reads `[IP:]HOST_PORT[-END]:` in front of the container side, as Docker does for `-p`, Compose
 * `ports:` and (before dropping it) `EXPOSE`: the address must parse as an IP address, brackets
 * allowed, and the host port as a port or range the container side can map onto.
 */
function readHostSide(
  spec: MappedText,
  colons: readonly number[],
  container: PortRangeParse | undefined,
  whole: SourceRange,
  problems: ScanProblem[],
): HostSide {
  if (colons.length === 0) {
    return { hostPort: null, hostPortEnd: null };
  }
  const text = spec.text;
  const spanOf = (from: number, to: number): SourceRange => mappedSpan(spec, from, to, whole);
  const hostStart = colons.length >= 2 ? colons[colons.length - 2] + 1 : 0;
  const hostEnd = colons[colons.length - 1];

  let hostIp: string | undefined;
  if (colons.length >= 2) {
    const ipEnd = hostStart - 1;
    const writtenIp = text.slice(0, ipEnd);
    const bare = writtenIp.startsWith('[') && writtenIp.endsWith(']') ? writtenIp.slice(1, -1) : writtenIp;
    // Go's address parser, which Docker uses, knows no zone suffix (`%eth0`); `[]` means no address.
    if (bare !== '') {
      if (isIP(bare) !== 0 && !bare.includes('%')) {
        hostIp = bare;
      } else {
        problems.push(problem(spanOf(0, ipEnd), 'invalid-host-ip', `"${writtenIp}" is not an IP address`));
      }
    }
  }

  let hostPort: number | null = null;
  let hostPortEnd: number | null = null;
  let hostPortRange: SourceRange | undefined;
  if (hostEnd > hostStart) {
    const writtenHost = text.slice(hostStart, hostEnd);
    hostPortRange = spanOf(hostStart, hostEnd);
    if (isIP(writtenHost) !== 0) {
      // `127.0.0.1:80` is HOST_PORT:PORT to Docker, so the address stands where a port belongs.
      problems.push(
        problem(
          hostPortRange,
          'not-a-number',
          `"${writtenHost}" stands where the host port goes; an address needs its own part, as in ${writtenHost}:HOST_PORT:PORT or ${writtenHost}::PORT`,
        ),
      );
      return { hostIp, hostPort, hostPortEnd, hostPortRange };
    }
    const host = parseMappedPortRange(spec, hostStart, hostEnd, 'host', whole, problems);
    // A host range with a single container port is one mapping (the engine picks one free
    // port from the range); two ranges must have the same length.
    if (host && container && container.end !== container.start && host.end - host.start !== container.end - container.start) {
      problems.push(
        problem(whole, 'range-mismatch', `Host ports ${host.start}-${host.end} and container ports ${container.start}-${container.end} differ in number`),
      );
    }
    // Host port 0 asks the engine for any free port, exactly like leaving it empty.
    if (host && !(host.start === 0 && host.end === 0)) {
      hostPort = host.start;
      hostPortEnd = host.end;
    }
  }
  return { hostIp, hostPort, hostPortEnd, hostPortRange };
}

/**
 * A container port as Docker reads it: 0 parses (nothing refuses it), but it is no port a
 * process can listen on, so messages give the usable range, from 1.
 */
export function parseContainerPort(text: string): PortParse {
  const parsed = parsePort(text);
  return !parsed.ok && /^0+$/.test(text) ? { ok: true, value: 0 } : parsed;
}

/**
 * Parses `PORT` or `START-END` in units `[from, to)` of a mapped text, reporting into `problems`.
 * `side` decides what 0 means: on the host side "any free port"; on the container side see
 * `parseContainerPort`.
 */
export function parseMappedPortRange(
  spec: MappedText,
  from: number,
  to: number,
  side: 'host' | 'container',
  whole: SourceRange,
  problems: ScanProblem[],
): PortRangeParse | undefined {
  const text = spec.text.slice(from, to);
  if (text === '') {
    problems.push(problem(whole, 'not-a-number', 'No port is given'));
    return undefined;
  }
  const read = (part: string): PortParse => (side === 'host' ? parsePort(part, true) : parseContainerPort(part));
  const dash = text.indexOf('-');
  if (dash === -1) {
    const single = read(text);
    if (!single.ok) {
      problems.push(problem(mappedSpan(spec, from, to, whole), single.code, single.message));
      return undefined;
    }
    return { start: single.value, end: single.value };
  }
  const first = read(text.slice(0, dash));
  const last = read(text.slice(dash + 1));
  if (!first.ok) {
    problems.push(problem(mappedSpan(spec, from, from + dash, whole), first.code, first.message));
  }
  if (!last.ok) {
    problems.push(problem(mappedSpan(spec, from + dash + 1, to, whole), last.code, last.message));
  }
  if (!first.ok || !last.ok) {
    return undefined;
  }
  if (first.value > last.value) {
    problems.push(problem(mappedSpan(spec, from, to, whole), 'reversed-range', `Range ${text} ends before it starts`));
    return undefined;
  }
  return { start: first.value, end: last.value };
}

// ---------------------------------------------------------------------------
// Dockerfile word expansion.
// ---------------------------------------------------------------------------

/** A variable whose value the build would only learn from `--build-arg` or the base image. */
interface UnresolvedVariable {
  readonly name: string;
  readonly range: SourceRange;
}

interface Expansion {
  /** The words after splitting on unquoted whitespace (EXPOSE), or a single word (ARG/ENV values). */
  readonly words: MappedText[];
  readonly unresolved: UnresolvedVariable[];
  readonly syntaxErrors: ScanProblem[];
}

/** Looks a variable up; `undefined` means unset (no ARG/ENV value in scope). */
type VariableLookup = (name: string) => string | undefined;

const NEWLINE = /\r\n|\r|\n/y;

/**
 * Joins line continuations the way the Dockerfile parser does before any word processing:
 * an escape character followed by optional blanks and a newline disappears, and so do
 * comment lines and blank lines inside the continued instruction.
 */
function joinContinuations(source: string, start: number, escape: string): MappedText {
  const builder = new MappedTextBuilder();
  let i = 0;
  while (i < source.length) {
    if (source[i] === escape) {
      let j = i + 1;
      while (source[j] === ' ' || source[j] === '\t') {
        j++;
      }
      NEWLINE.lastIndex = j;
      const newline = NEWLINE.exec(source);
      if (newline) {
        i = skipContinuationFiller(source, j + newline[0].length);
        continue;
      }
    }
    builder.push(source[i], { start: start + i, end: start + i + 1 });
    i++;
  }
  return builder.build();
}

/** Skips whole blank or comment lines that follow a continuation; stops at the first line with content. */
function skipContinuationFiller(source: string, from: number): number {
  let lineStart = from;
  for (;;) {
    let j = lineStart;
    while (source[j] === ' ' || source[j] === '\t') {
      j++;
    }
    if (source[j] === '#') {
      while (j < source.length && source[j] !== '\n' && source[j] !== '\r') {
        j++;
      }
    } else if (j < source.length && source[j] !== '\n' && source[j] !== '\r') {
      return lineStart;
    }
    NEWLINE.lastIndex = j;
    const newline = NEWLINE.exec(source);
    if (!newline) {
      return lineStart;
    }
    lineStart = j + newline[0].length;
  }
}

const SPECIAL_PARAMETERS = '@*#?-$!0';

/** Defaults nested deeper than this are refused rather than recursed into. */
const MAX_NESTING = 16;

/**
 * A small re-implementation of the Dockerfile frontend's shell-word rules: single quotes are
 * literal, double quotes allow `$` and escapes of `"`, `$` and the escape character, and
 * `${name}` supports `-`, `+` and `?` with or without `:`. Pattern operators (`#`, `%`, `/`)
 * depend on values we cannot know, so they count as unresolved.
 */
class DockerWordLexer {
  private index = 0;
  private depth = 0;
  private readonly unresolved: UnresolvedVariable[] = [];
  private readonly syntaxErrors: ScanProblem[] = [];

  constructor(
    private readonly input: MappedText,
    private readonly escape: string,
    private readonly lookup: VariableLookup,
    private readonly whole: SourceRange,
  ) {}

  /** Expands the whole input; `split` breaks it at unquoted whitespace as EXPOSE does. */
  expand(split: boolean): Expansion {
    const units: { unit: string; origin: SourceRange; separator: boolean }[] = [];
    this.lexUntil(undefined, (unit, origin, splittable) => {
      units.push({ unit, origin, separator: split && splittable && isShellSpace(unit) });
    });
    const words: MappedText[] = [];
    let current = new MappedTextBuilder();
    for (const { unit, origin, separator } of units) {
      if (separator) {
        if (current.length > 0) {
          words.push(current.build());
          current = new MappedTextBuilder();
        }
      } else {
        current.push(unit, origin);
      }
    }
    if (current.length > 0 || (!split && words.length === 0)) {
      words.push(current.build());
    }
    return { words, unresolved: this.unresolved, syntaxErrors: this.syntaxErrors };
  }

  private peek(): string | undefined {
    return this.input.text[this.index];
  }

  private originAt(index: number): SourceRange {
    return this.input.origins[Math.min(index, this.input.origins.length - 1)] ?? this.whole;
  }

  /**
   * Emits units until `stop` (consumed) or the end. Returns false when `stop` was never found.
   * `emit` receives whether a unit may split words: only unquoted literal text and unquoted
   * variable values do.
   */
  private lexUntil(stop: string | undefined, emit: (unit: string, origin: SourceRange, splittable: boolean) => void): boolean {
    while (this.index < this.input.text.length) {
      const ch = this.input.text[this.index];
      if (stop !== undefined && ch === stop) {
        this.index++;
        return true;
      }
      if (ch === '$') {
        const { value, origin } = this.dollar();
        for (const unit of value) {
          emit(unit, origin, true);
        }
      } else if (ch === "'") {
        this.singleQuoted(emit);
      } else if (ch === '"') {
        this.doubleQuoted(emit);
      } else if (ch === this.escape) {
        this.index++;
        if (this.index < this.input.text.length) {
          emit(this.input.text[this.index], this.originAt(this.index), false);
          this.index++;
        }
      } else {
        emit(ch, this.originAt(this.index), true);
        this.index++;
      }
    }
    return stop === undefined;
  }

  private singleQuoted(emit: (unit: string, origin: SourceRange, splittable: boolean) => void): void {
    const open = this.index;
    this.index++;
    while (this.index < this.input.text.length && this.input.text[this.index] !== "'") {
      emit(this.input.text[this.index], this.originAt(this.index), false);
      this.index++;
    }
    if (this.index >= this.input.text.length) {
      this.fail(open, 'Missing closing single quote');
      return;
    }
    this.index++;
  }

  private doubleQuoted(emit: (unit: string, origin: SourceRange, splittable: boolean) => void): void {
    const open = this.index;
    this.index++;
    while (this.index < this.input.text.length) {
      const ch = this.input.text[this.index];
      if (ch === '"') {
        this.index++;
        return;
      }
      if (ch === '$') {
        const { value, origin } = this.dollar();
        for (const unit of value) {
          emit(unit, origin, false);
        }
        continue;
      }
      if (ch === this.escape) {
        const next = this.input.text[this.index + 1];
        if (next === undefined) {
          this.index++;
          continue;
        }
        if (next === '"' || next === '$' || next === this.escape) {
          this.index++;
        }
      }
      emit(this.input.text[this.index], this.originAt(this.index), false);
      this.index++;
    }
    this.fail(open, 'Missing closing double quote');
  }

  /** Expands `$name` or `${...}` starting at the `$`. */
  private dollar(): { value: string; origin: SourceRange } {
    const start = this.index;
    this.index++;
    if (this.peek() !== '{') {
      const name = this.readName();
      if (name === '') {
        return { value: '$', origin: this.originAt(start) };
      }
      return { value: this.valueOf(name, start, this.lookupPlain(name)), origin: this.spanFrom(start) };
    }
    this.index++;
    const first = this.peek();
    if (first === undefined || first === '{' || first === '}' || first === ':') {
      this.fail(start, 'Bad variable substitution');
      this.skipPast('}');
      return { value: '', origin: this.spanFrom(start) };
    }
    const name = this.readName();
    const operator = this.input.text[this.index];
    this.index++;
    if (operator === undefined) {
      this.fail(start, "Missing '}' after the variable");
      return { value: '', origin: this.spanFrom(start) };
    }
    if (operator === '}') {
      return { value: this.valueOf(name, start, this.lookupPlain(name)), origin: this.spanFrom(start) };
    }
    const emptyCountsAsUnset = operator === ':';
    const modifier = emptyCountsAsUnset ? this.input.text[this.index++] : operator;
    if (modifier === undefined || !'-+?#%/'.includes(modifier)) {
      this.fail(start, `Unsupported modifier in the substitution of "${name}"`);
      this.skipPast('}');
      return { value: '', origin: this.spanFrom(start) };
    }
    if (this.depth >= MAX_NESTING) {
      this.fail(start, 'Variables are nested too deeply');
      this.index = this.input.text.length;
      return { value: '', origin: this.spanFrom(start) };
    }
    const wordParts: string[] = [];
    this.depth++;
    const closed = this.lexUntil('}', (unit) => wordParts.push(unit));
    this.depth--;
    const origin = this.spanFrom(start);
    if (!closed) {
      this.fail(start, "Missing '}' after the variable");
      return { value: '', origin };
    }
    const word = wordParts.join('');
    const value = this.lookup(name);
    const unset = value === undefined || (emptyCountsAsUnset && value === '');
    if (modifier === '-') {
      return { value: unset ? word : value, origin };
    }
    if (modifier === '+') {
      return { value: unset ? '' : word, origin };
    }
    if (modifier === '?' && !unset) {
      return { value, origin };
    }
    // A required variable without a value, or a pattern operator (`#`, `%`, `/`) whose result
    // depends on a value we may not know: either way the outcome is unknown here.
    this.unresolved.push({ name, range: origin });
    return { value: '', origin };
  }

  private lookupPlain(name: string): string | undefined {
    // Positional and special shell parameters never have a value at build time.
    return SPECIAL_PARAMETERS.includes(name) || (name[0] >= '0' && name[0] <= '9') ? undefined : this.lookup(name);
  }

  private valueOf(name: string, start: number, value: string | undefined): string {
    if (value === undefined) {
      this.unresolved.push({ name, range: this.spanFrom(start) });
      return '';
    }
    return value;
  }

  private readName(): string {
    const text = this.input.text;
    const begin = this.index;
    const first = text[begin];
    if (first === undefined) {
      return '';
    }
    if (first >= '0' && first <= '9') {
      while (this.index < text.length && text[this.index] >= '0' && text[this.index] <= '9') {
        this.index++;
      }
      return text.slice(begin, this.index);
    }
    if (SPECIAL_PARAMETERS.includes(first)) {
      this.index++;
      return first;
    }
    while (this.index < text.length && isNameUnit(text[this.index])) {
      this.index++;
    }
    return text.slice(begin, this.index);
  }

  private skipPast(unit: string): void {
    const found = this.input.text.indexOf(unit, this.index);
    this.index = found === -1 ? this.input.text.length : found + 1;
  }

  private spanFrom(start: number): SourceRange {
    return mappedSpan(this.input, start, Math.max(start + 1, Math.min(this.index, this.input.text.length)), this.whole);
  }

  private fail(start: number, message: string): void {
    this.syntaxErrors.push(problem(this.spanFrom(start), 'parse-error', message));
  }
}

function isNameUnit(unit: string): boolean {
  return (unit >= 'a' && unit <= 'z') || (unit >= 'A' && unit <= 'Z') || (unit >= '0' && unit <= '9') || unit === '_';
}

function isShellSpace(unit: string): boolean {
  return unit === ' ' || unit === '\t' || unit === '\n' || unit === '\r' || unit === '\v' || unit === '\f';
}

// ---------------------------------------------------------------------------
// Build stages and variable scope.
// ---------------------------------------------------------------------------

/** What one build stage can see. Values are `undefined` when declared without a known value. */
interface Stage {
  readonly scope: string;
  /** Lowercased stage name, for `FROM <stage>`: Docker matches stage names case-insensitively. */
  readonly key?: string;
  /** `ENV` values, inherited by stages built from this one. */
  readonly env: Map<string, string | undefined>;
  /** `ARG` values declared in this stage; they end with the stage. */
  readonly args: Map<string, string | undefined>;
  /** The ports of this stage's own `EXPOSE` lines, for the wiring facts. */
  readonly exposes: WiredPort[];
}

interface LinePositionRange {
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
}

/**
 * Longest leading comment line handed to `dockerfile-ast` as written. Its parser-directive scan
 * re-reads the rest of a leading comment line from every `#` or `=` in it, so a long first line
 * of `#` took minutes. Real directives are short; a longer leading comment line is passed on as
 * `#` and spaces of the same length, which keeps every offset and means the same: a comment.
 */
const MAX_DIRECTIVE_LINE = 1024;

const LEADING_COMMENT = /[ \t]*#/y;

function withShortLeadingComments(text: string): string {
  let result = text;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start < text.length) {
    LEADING_COMMENT.lastIndex = start;
    if (!LEADING_COMMENT.test(text)) {
      break;
    }
    const newline = text.indexOf('\n', start);
    const lineBreak = newline === -1 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
    const carriageReturn = text.indexOf('\r', start);
    const end = carriageReturn !== -1 && carriageReturn < lineBreak ? carriageReturn : lineBreak;
    if (end - start > MAX_DIRECTIVE_LINE) {
      result = `${result.slice(0, start)}#${' '.repeat(end - start - 1)}${result.slice(end)}`;
    }
    start = newline === -1 ? text.length : newline + 1;
  }
  return result;
}

/**
 * `dockerfile-ast` files every comment under the build stage holding it by testing each comment
 * against each stage, so parsing grows with comments × stages: a 40,000-line file took 2.5 times
 * as long per line as a 5,000-line one. The scanner reads no comments, so comment lines after
 * the first instruction are handed over as spaces of the same length: every offset stays, and
 * an empty line means to the parser what a comment line does. Left alone: the leading lines,
 * where parser directives live; comments inside a continued instruction, which the parser reads
 * differently; and files with `<<` anywhere, whose here-documents may hold `#` lines as content.
 */
function withoutLaterComments(text: string): string {
  if (text.includes('<<')) {
    return text;
  }
  const parts: string[] = [];
  let copied = 0;
  let seenInstruction = false;
  let continued = false;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < text.length) {
    let end = pos;
    while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) {
      end++;
    }
    let first = pos;
    while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) {
      first++;
    }
    if (first < end && text.charCodeAt(first) === 35) {
      if (seenInstruction && !continued) {
        parts.push(text.slice(copied, first), ' '.repeat(end - first));
        copied = end;
      }
    } else if (first < end) {
      seenInstruction = true;
      let last = end - 1;
      while (last > first && (text.charCodeAt(last) === 32 || text.charCodeAt(last) === 9)) {
        last--;
      }
      // Either escape character: which one is in force does not matter to staying on the safe side.
      continued = text[last] === '\\' || text[last] === '`';
    }
    pos = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
  if (parts.length === 0) {
    return text;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

class DockerfileScan {
  private readonly lines: LineIndex;
  private readonly references: PortReference[] = [];
  private readonly problems: ScanProblem[] = [];
  /** ARGs declared before the first FROM: visible in FROM lines, and in stages that re-declare them. */
  private readonly globalArgs = new Map<string, string | undefined>();
  private readonly stages: Stage[] = [];
  /** The first stage of each name, so `FROM <stage>` is one lookup even with thousands of stages. */
  private readonly stagesByKey = new Map<string, Stage>();
  private readonly stageFacts: DockerfileStage[] = [];
  private escape = '\\';

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  run(): { references: PortReference[]; problems: ScanProblem[]; stages: DockerfileStage[] } {
    const dockerfile = DockerfileParser.parse(withoutLaterComments(withShortLeadingComments(this.text)));
    this.escape = dockerfile.getEscapeCharacter();
    for (const instruction of dockerfile.getInstructions()) {
      if (instruction instanceof From) {
        this.enterStage(instruction);
      } else if (instruction instanceof Arg) {
        this.declareArgs(instruction);
      } else if (instruction instanceof Env) {
        this.declareEnv(instruction);
      } else if (instruction.getKeyword() === 'EXPOSE') {
        const exposed = instruction.getArguments();
        if (exposed.length === 0) {
          this.problems.push(
            problem(this.offsets(instruction.getInstructionRange()), 'missing-port', 'EXPOSE needs at least one port; the build stops here'),
          );
        }
        for (const argument of exposed) {
          this.expose(argument);
        }
      }
    }
    return { references: this.references, problems: this.problems, stages: this.stageFacts };
  }

  private get stage(): Stage | undefined {
    return this.stages[this.stages.length - 1];
  }

  private offsets(range: LinePositionRange): SourceRange {
    return {
      start: this.lines.offsetAt(range.start.line, range.start.character),
      end: this.lines.offsetAt(range.end.line, range.end.character),
    };
  }

  private expand(range: SourceRange, lookup: VariableLookup, split: boolean): Expansion {
    const joined = joinContinuations(this.text.slice(range.start, range.end), range.start, this.escape);
    return new DockerWordLexer(joined, this.escape, lookup, range).expand(split);
  }

  /** Variables visible inside the current stage: ENV wins over an ARG of the same name. */
  private readonly stageLookup: VariableLookup = (name) => {
    const stage = this.stage;
    if (!stage) {
      return undefined;
    }
    return stage.env.has(name) ? stage.env.get(name) : stage.args.get(name);
  };

  private readonly globalLookup: VariableLookup = (name) => this.globalArgs.get(name);

  private enterStage(from: From): void {
    const name = from.getBuildStage() ?? undefined;
    const imageRange = from.getImageRange();
    let parentEnv: Map<string, string | undefined> | undefined;
    let resolvedImage: string | undefined;
    if (imageRange) {
      const expansion = this.expand(this.offsets(imageRange), this.globalLookup, false);
      const image = expansion.words[0]?.text.toLowerCase();
      parentEnv = image === undefined ? undefined : this.stagesByKey.get(image)?.env;
      if (expansion.unresolved.length === 0 && expansion.syntaxErrors.length === 0 && expansion.words[0]?.text) {
        resolvedImage = expansion.words[0].text;
      }
    }
    const stage: Stage = {
      scope: name ?? `stage ${this.stages.length}`,
      key: name?.toLowerCase(),
      env: new Map(parentEnv),
      args: new Map(),
      exposes: [],
    };
    this.stages.push(stage);
    this.stageFacts.push({
      ...(stage.key !== undefined ? { name: stage.key } : {}),
      ...(resolvedImage !== undefined ? { from: resolvedImage } : {}),
      // A `FROM` without an image still makes a stage; its keyword is the spot to point at.
      fromRange: this.offsets(imageRange ?? from.getInstructionRange()),
      exposes: stage.exposes,
    });
    if (stage.key !== undefined && !this.stagesByKey.has(stage.key)) {
      this.stagesByKey.set(stage.key, stage);
    }
  }

  /** The value a property assigns, expanded; `undefined` when it has none or depends on unknowns. */
  private propertyValue(property: Property, lookup: VariableLookup): string | undefined {
    const valueRange = property.getValueRange();
    if (!valueRange) {
      return property.getAssignmentOperator() === '=' ? '' : undefined;
    }
    const expansion = this.expand(this.offsets(valueRange), lookup, false);
    if (expansion.unresolved.length > 0 || expansion.syntaxErrors.length > 0) {
      return undefined;
    }
    return expansion.words[0]?.text ?? '';
  }

  private declareArgs(instruction: Arg): void {
    const properties = instruction.getProperties();
    const declared: { name: string; property?: Property }[] = [];
    const first = properties[0];
    if (properties.length === 1 && first.getAssignmentOperator() === null && first.getValueRange() !== null) {
      // `ARG A B` declares two names; the parser reads it like the legacy `ENV name value` form.
      appendAll(declared, instruction.getArguments().map((argument) => ({ name: argument.getValue() })));
    } else {
      appendAll(declared, properties.map((property) => ({ name: property.getName(), property })));
    }
    const stage = this.stage;
    for (const { name, property } of declared) {
      const hasDefault = property !== undefined && (property.getValueRange() !== null || property.getAssignmentOperator() === '=');
      if (!stage) {
        this.globalArgs.set(name, hasDefault ? this.propertyValue(property, this.globalLookup) : undefined);
      } else {
        stage.args.set(name, hasDefault ? this.propertyValue(property, this.stageLookup) : this.globalArgs.get(name));
      }
    }
  }

  private declareEnv(instruction: Env): void {
    const stage = this.stage;
    if (!stage) {
      return;
    }
    // Every value in one ENV line sees the variables as they were before that line.
    const assignments = instruction
      .getProperties()
      .map((property) => [property.getName(), this.propertyValue(property, this.stageLookup)] as const);
    for (const [name, value] of assignments) {
      stage.env.set(name, value);
    }
  }

  private expose(argument: Argument): void {
    const range = this.offsets(argument.getRange());
    const written = this.text.slice(range.start, range.end);
    const expansion = this.expand(range, this.stageLookup, true);
    appendAll(this.problems, expansion.syntaxErrors);
    if (expansion.syntaxErrors.length > 0) {
      return;
    }
    const scope = this.stage?.scope;
    if (expansion.unresolved.length > 0) {
      for (const variable of expansion.unresolved) {
        this.problems.push(
          problem(
            variable.range,
            'unresolved-variable',
            `"${variable.name}" has no value in this stage; the port depends on --build-arg or the base image`,
            'info',
          ),
        );
      }
      this.references.push({
        role: 'expose',
        range,
        protocol: trailingProtocol(expansion.words[expansion.words.length - 1]?.text ?? ''),
        port: null,
        endPort: null,
        scope,
        rawText: written,
      });
      return;
    }
    for (const word of expansion.words) {
      const parsed = parseDockerPortSpec(word, range, EXPOSE_SPEC);
      appendAll(this.problems, parsed.problems);
      if (!parsed.fields) {
        continue;
      }
      const reference = {
        role: 'expose' as const,
        range,
        portRange: parsed.fields.portRange,
        protocol: parsed.fields.protocol,
        port: parsed.fields.port,
        endPort: parsed.fields.endPort,
        scope,
        rawText: written !== word.text ? written : undefined,
      };
      this.references.push(reference);
      this.stage?.exposes.push({ port: reference.port, endPort: reference.endPort, protocol: reference.protocol, range: reference.portRange });
    }
  }
}

/** `docker build` lowercases `80/TCP` with a warning, and ignores host parts with a warning. */
const EXPOSE_SPEC: DockerPortSpecOptions = {
  role: 'expose',
  warnUppercaseProtocol: true,
  hostPart: {
    severity: 'warning',
    message: 'EXPOSE takes only a port and protocol; the build ignores the host address and host port (publish with `-p` or Compose `ports:` instead)',
  },
};

/** The protocol after the last `/` of a partly unknown spec, or TCP, Docker's default. */
export function trailingProtocol(text: string): Protocol {
  const slash = text.lastIndexOf('/');
  return (slash === -1 ? undefined : dockerProtocol(text.slice(slash + 1))) ?? 'tcp';
}

/**
 * Finds every `EXPOSE`d port in a Dockerfile, resolving `ARG`/`ENV` defaults stage by stage
 * as `docker build` would without any `--build-arg`.
 */
export const scanDockerfile: Scanner = (text) => {
  try {
    const { references, problems, stages } = new DockerfileScan(text).run();
    return {
      format: 'dockerfile',
      references: references.map(withoutUndefined),
      problems,
      ...(stages.length > 0 ? { wiring: { dockerfile: { stages } } } : {}),
    };
  } catch (error) {
    return {
      format: 'dockerfile',
      references: [],
      problems: [problem({ start: 0, end: Math.min(text.length, 1) }, 'parse-error', `Could not read the Dockerfile: ${String(error)}`)],
    };
  }
};

/** Drops keys whose value is `undefined`, so results compare cleanly and serialise compactly. */
export function withoutUndefined<T extends object>(value: T): T {
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) {
      copy[key] = field;
    }
  }
  return copy as T;
}
