import { isIP } from 'node:net';
import { isMap, isScalar } from 'yaml';
import type { Document, Node } from 'yaml';
import type { PortReference, Protocol, ScanProblem, Scanner, SourceRange } from '../types';
import {
  MappedTextBuilder,
  dockerProtocol,
  mappedSpan,
  parseDockerPortSpec,
  parseMappedPortRange,
  trailingProtocol,
  withoutUndefined,
} from './dockerfile';
import type { DockerPortFields, DockerPortSpecOptions, MappedText } from './dockerfile';
import { appendAll, failureReason, parsePort, problem } from './portSyntax';
import { AliasTable, WalkBudget, failureRange, mapEntries, nodeRange, parseYamlDocument, scalarText, seqItems, yamlProblems } from './yamlSupport';
import type { ScalarText } from './yamlSupport';

// ---------------------------------------------------------------------------
// Interpolation, as Compose applies it to every value before reading it.
// ---------------------------------------------------------------------------

interface UnresolvedVariable {
  readonly name: string;
  readonly range: SourceRange;
  readonly required: boolean;
}

interface Interpolation {
  readonly output: MappedText;
  readonly unresolved: UnresolvedVariable[];
  readonly problems: ScanProblem[];
}

const VARIABLE_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;
/** The same, matched in place (sticky) so a long value is never re-sliced per `$`. */
const VARIABLE_NAME_AT = /[_a-zA-Z][_a-zA-Z0-9]*/y;

/** Nested defaults deeper than this are refused rather than recursed into. */
const MAX_INTERPOLATION_DEPTH = 16;

type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';

/** Longest operators first, so `:-` is not read as `:` followed by a default. */
const OPERATORS: readonly Operator[] = [':-', ':?', ':+', '-', '?', '+'];

/**
 * Substitutes `$VAR`, `${VAR}` and `${VAR<op>word}` from `env`, and turns `$$` into `$`.
 * A variable missing from `env` without a fallback is reported as unresolved; its text
 * becomes empty, as Compose substitutes an empty string after warning.
 */
function interpolate(
  input: MappedText,
  env: Readonly<Record<string, string>>,
  whole: SourceRange,
  depth = 0,
): Interpolation {
  const builder = new MappedTextBuilder();
  const unresolved: UnresolvedVariable[] = [];
  const problems: ScanProblem[] = [];
  const text = input.text;
  const lookup = (name: string): string | undefined => (Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined);
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '$') {
      builder.push(text[i], input.origins[i]);
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      builder.push('$', mappedSpan(input, i, i + 2, whole));
      i += 2;
      continue;
    }
    if (next !== '{') {
      VARIABLE_NAME_AT.lastIndex = i + 1;
      const name = VARIABLE_NAME_AT.exec(text)?.[0];
      if (!name) {
        problems.push(invalidTemplate(mappedSpan(input, i, i + 1, whole), 'A "$" must start a variable or be doubled as "$$"'));
        i++;
        continue;
      }
      const origin = mappedSpan(input, i, i + 1 + name.length, whole);
      const value = lookup(name);
      if (value === undefined) {
        unresolved.push({ name, range: origin, required: false });
      } else {
        builder.pushAll(value, origin);
      }
      i += 1 + name.length;
      continue;
    }
    const close = closingBrace(text, i + 2);
    if (close === -1 || depth >= MAX_INTERPOLATION_DEPTH) {
      problems.push(invalidTemplate(mappedSpan(input, i, text.length, whole), close === -1 ? 'Missing "}" after "${"' : 'Variables are nested too deeply'));
      break;
    }
    const open = i;
    i = close + 1;
    const origin = mappedSpan(input, open, close + 1, whole);
    const inner = text.slice(open + 2, close);
    const name = VARIABLE_NAME.exec(inner)?.[0];
    const rest = name ? inner.slice(name.length) : '';
    const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
    if (!name || (rest !== '' && !operator)) {
      problems.push(invalidTemplate(origin, `"\${${inner}}" is not a valid substitution`));
      continue;
    }
    const value = lookup(name);
    if (!operator) {
      if (value === undefined) {
        unresolved.push({ name, range: origin, required: false });
      } else {
        builder.pushAll(value, origin);
      }
      continue;
    }
    const unset = value === undefined || (operator.startsWith(':') && value === '');
    const kind = operator[operator.length - 1];
    if (kind === '?') {
      if (unset) {
        unresolved.push({ name, range: origin, required: true });
      } else {
        builder.pushAll(value, origin);
      }
      continue;
    }
    // `-` falls back to the word when unset; `+` uses the word only when set.
    const useWord = kind === '-' ? unset : !unset;
    if (!useWord) {
      builder.pushAll(kind === '-' && value !== undefined ? value : '', origin);
      continue;
    }
    const wordStart = open + 2 + name.length + operator.length;
    const word = interpolate(slice(input, wordStart, close), env, whole, depth + 1);
    appendAll(unresolved, word.unresolved);
    appendAll(problems, word.problems);
    builder.pushAll(word.output.text, origin);
  }
  return { output: builder.build(), unresolved, problems };
}

/** Index of the `}` closing a `${` whose body starts at `from`, counting nested `${`. */
function closingBrace(text: string, from: number): number {
  let open = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '$' && text[j + 1] === '{') {
      open++;
      j++;
    } else if (text[j] === '}') {
      open--;
      if (open === 0) {
        return j;
      }
    }
  }
  return -1;
}

function slice(input: MappedText, from: number, to: number): MappedText {
  return { text: input.text.slice(from, to), origins: input.origins.slice(from, to) };
}

function invalidTemplate(range: SourceRange, message: string): ScanProblem {
  return problem(range, 'invalid-interpolation', message);
}

function unresolvedProblem(variable: UnresolvedVariable): ScanProblem {
  const message = variable.required
    ? `"${variable.name}" is required but has no value in the environment or .env file; Compose would stop here`
    : `"${variable.name}" has no value in the environment or .env file; Compose would substitute an empty string`;
  return problem(variable.range, 'unresolved-variable', message, 'info');
}

// ---------------------------------------------------------------------------
// The scanner.
// ---------------------------------------------------------------------------

/** A scalar value after interpolation. */
interface ComposeValue {
  readonly scalar: ScalarText;
  readonly text: MappedText;
  readonly unresolved: boolean;
  /** The text as written, when it differs from what was analysed. */
  readonly rawText?: string;
}

/** Compose lowercases protocols silently; the engine rejects a host part on an exposed port. */
const PUBLISH_SPEC: DockerPortSpecOptions = { role: 'publish', warnUppercaseProtocol: false };
const EXPOSE_SPEC: DockerPortSpecOptions = {
  role: 'expose',
  warnUppercaseProtocol: false,
  hostPart: { severity: 'error', message: '`expose:` entries take only a port or range and a protocol; publish with `ports:` instead' },
};

/**
 * What one `ports:` or `expose:` item says, independent of the service using it. An item under
 * an anchor can serve many services; it is read (and its problems reported) once.
 */
type EntryFields = Omit<PortReference, 'scope' | 'hostNetwork'>;

class ComposeScan {
  private readonly references: PortReference[] = [];
  private readonly problems: ScanProblem[] = [];
  private readonly budget: WalkBudget;
  private readonly doc: Document;
  private readonly aliases: AliasTable;
  private readonly publishEntries = new Map<Node, EntryFields | undefined>();
  private readonly exposeEntries = new Map<Node, EntryFields | undefined>();

  constructor(
    private readonly text: string,
    private readonly env: Readonly<Record<string, string>>,
  ) {
    this.budget = new WalkBudget(text.length);
    this.doc = parseYamlDocument(text);
    this.aliases = new AliasTable(this.doc);
  }

  run(): { references: PortReference[]; problems: ScanProblem[] } {
    appendAll(this.problems, yamlProblems(this.doc, this.text.length));
    const services = mapEntries(this.doc.contents, this.aliases, this.budget).get('services');
    for (const [name, pair] of mapEntries(services?.value, this.aliases, this.budget)) {
      this.service(name, pair.value);
    }
    const exhausted = this.budget.problem();
    if (exhausted) {
      this.problems.push(exhausted);
    }
    return { references: this.references, problems: this.problems };
  }

  private service(scope: string, node: unknown): void {
    const entries = mapEntries(node, this.aliases, this.budget);
    const networkMode = this.value(entries.get('network_mode')?.value, 'quiet');
    const hostNetwork = networkMode?.text.text === 'host' || undefined;
    for (const role of ['publish', 'expose'] as const) {
      const list = this.aliases.resolve(entries.get(role === 'publish' ? 'ports' : 'expose')?.value);
      const listFlags = mergeTagFlags(list);
      for (const item of seqItems(list, this.aliases)) {
        if (!this.budget.take(nodeRange(item))) {
          return;
        }
        const fields = this.entry(item, role);
        if (!fields) {
          continue;
        }
        const flags = [...(fields.flags ?? []), ...listFlags];
        this.references.push({
          ...fields,
          scope,
          flags: flags.length > 0 ? flags : undefined,
          hostNetwork: role === 'publish' ? hostNetwork : undefined,
        });
      }
    }
  }

  /** The fields of one list item, read on first use and remembered per node and role. */
  private entry(item: Node, role: 'publish' | 'expose'): EntryFields | undefined {
    const cache = role === 'publish' ? this.publishEntries : this.exposeEntries;
    if (!cache.has(item)) {
      cache.set(item, role === 'publish' && isMap(item) ? this.longSyntax(item) : this.portSpecEntry(item, role));
    }
    return cache.get(item);
  }

  /**
   * Reads a string or integer scalar and interpolates it, reporting interpolation problems.
   * `kind` decides what else is reported: a port field complains about values that are not
   * ports; `quiet` reports nothing (a setting read only to decide something, like `network_mode`).
   */
  private value(node: unknown, kind: 'port' | 'text' | 'quiet'): ComposeValue | undefined {
    const resolved = this.aliases.resolve(node);
    const scalar = scalarText(resolved, this.text);
    if (!scalar) {
      if (kind === 'port' && isScalar(resolved) && resolved.value !== null) {
        this.problems.push(problem(nodeRange(resolved), 'not-a-number', `Expected a port, found ${JSON.stringify(resolved.value)}`));
      }
      return undefined;
    }
    if (typeof scalar.value === 'number') {
      if (!Number.isInteger(scalar.value)) {
        if (kind === 'port') {
          this.problems.push(problem(scalar.range, 'not-a-number', `${scalar.value} is not a whole port number`));
        }
        return undefined;
      }
      return { scalar, text: scalar.mapped, unresolved: false, rawText: this.rawText(scalar, scalar.mapped) };
    }
    const interpolation = interpolate(scalar.mapped, this.env, scalar.range);
    if (kind !== 'quiet') {
      appendAll(this.problems, interpolation.problems);
      appendAll(this.problems, interpolation.unresolved.map(unresolvedProblem));
    }
    if (interpolation.problems.length > 0) {
      return undefined;
    }
    return {
      scalar,
      text: interpolation.output,
      unresolved: interpolation.unresolved.length > 0,
      rawText: this.rawText(scalar, interpolation.output),
    };
  }

  private rawText(scalar: ScalarText, analysed: MappedText): string | undefined {
    const written = this.text.slice(scalar.range.start, scalar.range.end);
    return written === analysed.text ? undefined : written;
  }

  /**
   * A short-syntax `ports:` item, `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]`
   * or a bare integer, or an `expose:` item, `PORT[-END][/PROTOCOL]`.
   */
  private portSpecEntry(item: Node, role: 'publish' | 'expose'): EntryFields | undefined {
    const value = this.value(item, 'port');
    if (!value) {
      return undefined;
    }
    const base = { role, range: value.scalar.range, rawText: value.rawText, plainScalar: value.scalar.plain };
    if (value.unresolved) {
      return { ...base, protocol: trailingProtocol(value.text.text), port: null, endPort: null };
    }
    const parsed = parseDockerPortSpec(value.text, value.scalar.range, role === 'publish' ? PUBLISH_SPEC : EXPOSE_SPEC);
    appendAll(this.problems, parsed.problems);
    return parsed.fields ? { ...base, ...parsed.fields } : undefined;
  }

  /** `target`, `published`, `host_ip`, `protocol`, `mode`, `name`, `app_protocol`. */
  private longSyntax(item: Node): EntryFields | undefined {
    const entries = mapEntries(item, this.aliases, this.budget);
    const field = (key: string, kind: 'port' | 'text'): ComposeValue | undefined => this.value(entries.get(key)?.value, kind);
    const target = field('target', 'port');
    const published = field('published', 'port');
    const hostIpValue = field('host_ip', 'text');
    const protocolValue = field('protocol', 'text');
    const mode = field('mode', 'text');
    const name = field('name', 'text');
    const appProtocol = field('app_protocol', 'text');
    if (!target) {
      if (!entries.has('target')) {
        this.problems.push(problem(nodeRange(item), 'missing-target', 'A long-syntax port needs a `target` container port'));
      }
      return undefined;
    }
    // One reference per item, pointed at the published value when there is one: the host-facing
    // port is what diagnostics and hovers talk about. The target digits stay in `portRange`.
    const pointedAt = published ?? target;
    const flags = [...(mode ? [`mode=${mode.text.text}`] : []), ...(appProtocol ? [`app_protocol=${appProtocol.text.text}`] : [])];
    const base = {
      role: 'publish' as const,
      range: pointedAt.scalar.range,
      name: name?.text.text,
      rawText: pointedAt.rawText,
      flags: flags.length > 0 ? flags : undefined,
      plainScalar: pointedAt.scalar.plain,
    };
    let protocol: Protocol = 'tcp';
    if (protocolValue && !protocolValue.unresolved) {
      const known = dockerProtocol(protocolValue.text.text);
      if (!known) {
        this.problems.push(
          problem(protocolValue.scalar.range, 'unknown-protocol', `Unknown protocol "${protocolValue.text.text}": Compose accepts tcp, udp and sctp`),
        );
        return undefined;
      }
      protocol = known;
    }
    if (target.unresolved || published?.unresolved || hostIpValue?.unresolved) {
      return { ...base, protocol, port: null, endPort: null };
    }
    const fields = this.longSyntaxPorts(target, published, hostIpValue, protocol);
    return fields ? { ...base, ...fields } : undefined;
  }

  private longSyntaxPorts(
    target: ComposeValue,
    published: ComposeValue | undefined,
    hostIpValue: ComposeValue | undefined,
    protocol: Protocol,
  ): DockerPortFields | undefined {
    const problemsBefore = this.problems.length;
    const targetPort = parsePort(target.text.text);
    if (!targetPort.ok) {
      this.problems.push(problem(target.scalar.range, targetPort.code, targetPort.message));
    }
    let hostIp: string | undefined;
    if (hostIpValue && hostIpValue.text.text !== '') {
      hostIp = hostIpValue.text.text;
      if (isIP(hostIp) === 0) {
        this.problems.push(problem(hostIpValue.scalar.range, 'invalid-host-ip', `"${hostIp}" is not an IP address`));
      }
    }
    let hostPort: number | null = null;
    let hostPortEnd: number | null = null;
    let hostPortRange: SourceRange | undefined;
    if (published && published.text.text !== '') {
      const text = published.text;
      const range = parseMappedPortRange(text, 0, text.text.length, true, published.scalar.range, this.problems);
      hostPortRange = mappedSpan(text, 0, text.text.length, published.scalar.range);
      // Published port 0 lets the engine choose, like leaving it out.
      if (range && !(range.start === 0 && range.end === 0)) {
        hostPort = range.start;
        hostPortEnd = range.end;
      }
    }
    if (!targetPort.ok || this.problems.length > problemsBefore) {
      return undefined;
    }
    return {
      protocol,
      port: targetPort.value,
      endPort: targetPort.value,
      portRange: mappedSpan(target.text, 0, target.text.text.length, target.scalar.range),
      hostIp,
      hostPort,
      hostPortEnd,
      hostPortRange,
    };
  }
}

/** `!override` and `!reset` on a list change how Compose merges it with earlier files. */
function mergeTagFlags(node: Node | undefined): string[] {
  const tag = node?.tag;
  if (tag === '!override') {
    return ['override'];
  }
  if (tag === '!reset') {
    return ['reset'];
  }
  return [];
}

/**
 * Finds the ports a Compose file publishes (`ports:`) and exposes (`expose:`), per service,
 * after interpolating variables from `options.env`.
 */
export const scanCompose: Scanner = (text, options) => {
  try {
    const { references, problems } = new ComposeScan(text, options?.env ?? {}).run();
    return { format: 'compose', references: references.map(withoutUndefined), problems };
  } catch (error) {
    return {
      format: 'compose',
      references: [],
      problems: [problem(failureRange(error, text.length), 'parse-error', `Could not read the Compose file: ${failureReason(error)}`)],
    };
  }
};
