import { commaSeparatedParts } from '../text';
import { isIP } from '../ipAddress';
import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { PortReference, Protocol, ScanProblem, Scanner, SourceRange } from '../types';
import type { ComposeBuild, ComposeServiceFacts, ComposeVolume, Dial } from '../wiring/facts';
import {
  MappedTextBuilder,
  dockerProtocol,
  mappedSpan,
  parseContainerPort,
  parseDockerPortSpec,
  parseMappedPortRange,
  trailingProtocol,
  withoutUndefined,
} from './dockerfile';
import type { DockerPortFields, DockerPortSpecOptions, MappedText } from './dockerfile';
import { appendAll, failureReason, problem } from './portSyntax';
import {
  AliasTable,
  WalkBudget,
  failureRange,
  mapValue,
  mergedMapping,
  nodeRange,
  parseYamlDocument,
  scalarText,
  seqItems,
  yamlProblems,
} from './yamlSupport';
import type { MergedMapping, ScalarText } from './yamlSupport';

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
  private readonly serviceFacts: ComposeServiceFacts[] = [];
  /**
   * What the wiring facts read from one node, remembered like the port entries above: a node
   * under an anchor can serve many services and is read once.
   */
  private readonly quietValues = new Map<Node, ComposeValue | undefined>();
  private readonly environmentPairs = new Map<Pair, readonly Dial[]>();
  private readonly environmentItems = new Map<Node, EnvironmentItem>();
  private readonly healthchecks = new Map<Node, readonly Dial[]>();

  constructor(
    private readonly text: string,
    private readonly env: Readonly<Record<string, string>>,
  ) {
    this.budget = new WalkBudget(text.length);
    this.doc = parseYamlDocument(text);
    this.aliases = new AliasTable(this.doc);
  }

  run(): { references: PortReference[]; problems: ScanProblem[]; services: ComposeServiceFacts[] } {
    appendAll(this.problems, yamlProblems(this.doc, this.text.length));
    const services = mergedMapping(this.doc.contents, this.aliases, this.budget).get('services');
    for (const [name, pair] of mergedMapping(services?.value, this.aliases, this.budget)) {
      this.service(name, pair);
    }
    const exhausted = this.budget.problem();
    if (exhausted) {
      this.problems.push(exhausted);
    }
    return { references: this.references, problems: this.problems, services: this.serviceFacts };
  }

  private service(scope: string, pair: Pair): void {
    const entries = mergedMapping(pair.value, this.aliases, this.budget);
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
    const facts = this.wiring(scope, pair.key, entries, networkMode);
    // Facts read after the budget ran out would be partial; the graph had better not see them.
    if (!this.budget.problem()) {
      this.serviceFacts.push(facts);
    }
  }

  // -------------------------------------------------------------------------
  // Wiring facts: what a service is built from, the names it answers to, whom it dials.
  // -------------------------------------------------------------------------

  private wiring(name: string, key: unknown, entries: MergedMapping, networkMode: ComposeValue | undefined): ComposeServiceFacts {
    const image = this.stringValue(entries.get('image')?.value);
    const build = this.build(entries.get('build')?.value);
    const environment = this.environment(entries.get('environment')?.value);
    const healthcheck = this.healthcheck(entries.get('healthcheck')?.value);
    const hostNetwork = networkMode && !networkMode.unresolved && networkMode.text.text === 'host';
    const dials = [...environment.dials];
    appendAll(dials, healthcheck);
    return {
      name,
      nameRange: scalarText(key, this.text)?.range ?? nodeRange(this.aliases.resolve(key)),
      ...(image ? { image: image.text.text, imageRange: image.scalar.range } : {}),
      ...(build ? { build } : {}),
      commandOverridden: this.isSet(entries.get('command')) || this.isSet(entries.get('entrypoint')),
      environmentKeys: environment.keys,
      ...(environment.listeners.length > 0 ? { listenerSettings: environment.listeners } : {}),
      ...(hostNetwork ? { hostNetworkRange: networkMode.scalar.range } : {}),
      aliases: this.serviceAliases(entries),
      volumes: this.volumes(entries.get('volumes')?.value),
      dials,
    };
  }

  /** A setting written with a value other than null (`command: []` still replaces the image's). */
  private isSet(pair: Pair | undefined): boolean {
    if (!pair) {
      return false;
    }
    const node = this.aliases.resolve(pair.value);
    return node !== undefined && !(isScalar(node) && node.value === null);
  }

  /** A non-empty string value with every variable resolved, read quietly and once per node. */
  private stringValue(node: unknown): ComposeValue | undefined {
    const resolved = this.aliases.resolve(node);
    const written = nodeRange(resolved);
    if (!resolved || written.end - written.start > MAX_WIRING_VALUE_LENGTH) {
      return undefined;
    }
    if (!this.quietValues.has(resolved)) {
      this.quietValues.set(resolved, this.value(resolved, 'quiet'));
    }
    const value = this.quietValues.get(resolved);
    return value && !value.unresolved && typeof value.scalar.value === 'string' && value.text.text !== '' ? value : undefined;
  }

  /** `build: ./dir` or `build: {context, dockerfile, target}`; absent when any of them is unreadable. */
  private build(node: unknown): ComposeBuild | undefined {
    const resolved = this.aliases.resolve(node);
    if (isScalar(resolved)) {
      const context = this.stringValue(resolved);
      return context && isLocalContext(context.text.text)
        ? { context: context.text.text, dockerfile: 'Dockerfile', range: context.scalar.range }
        : undefined;
    }
    if (!isMap(resolved)) {
      return undefined;
    }
    const fields = mergedMapping(resolved, this.aliases, this.budget);
    // An inline Dockerfile has no file for the graph to read.
    if (fields.has('dockerfile_inline')) {
      return undefined;
    }
    /** The field's text, `null` when it is not written, `undefined` when it cannot be read. */
    const field = (name: string): string | null | undefined => {
      const pair = fields.get(name);
      return pair ? this.stringValue(pair.value)?.text.text : null;
    };
    const context = field('context');
    const dockerfile = field('dockerfile');
    const target = field('target');
    if (context === undefined || dockerfile === undefined || target === undefined || !isLocalContext(context ?? '.')) {
      return undefined;
    }
    return {
      context: context ?? '.',
      dockerfile: dockerfile ?? 'Dockerfile',
      ...(target !== null ? { target } : {}),
      range: nodeRange(resolved),
    };
  }

  /** Keys of `environment:` (map or `KEY=value` list), the addresses its values dial, and its listener lists. */
  private environment(node: unknown): { keys: string[]; dials: Dial[]; listeners: ListenerSetting[] } {
    const resolved = this.aliases.resolve(node);
    const keys = new Set<string>();
    const dials: Dial[] = [];
    // By key: a key listed twice keeps its last value, as Compose does.
    const listeners = new Map<string, ListenerSetting>();
    if (isMap(resolved)) {
      for (const [key, pair] of mergedMapping(resolved, this.aliases, this.budget)) {
        if (!this.budget.take(nodeRange(pair.value as Node | null))) {
          break;
        }
        keys.add(key);
        let found = this.environmentPairs.get(pair);
        if (!found) {
          const value = this.stringValue(pair.value);
          found = value ? environmentDials(key, value.text, 0, value.scalar.range) : [];
          this.environmentPairs.set(pair, found);
        }
        appendAll(dials, found);
        if (LISTENERS_KEY.test(key)) {
          const value = this.stringValue(pair.value);
          addListenerSetting(listeners, key, value?.text, 0, value?.scalar.range);
        }
      }
    } else if (isSeq(resolved)) {
      for (const item of seqItems(resolved, this.aliases)) {
        if (!this.budget.take(nodeRange(item))) {
          break;
        }
        const entry = this.environmentItem(item);
        if (entry.key !== undefined) {
          keys.add(entry.key);
        }
        appendAll(dials, entry.dials);
        if (entry.key !== undefined && LISTENERS_KEY.test(entry.key)) {
          const value = this.stringValue(item);
          addListenerSetting(listeners, entry.key, value?.text, entry.key.length + 1, value?.scalar.range);
        }
      }
    }
    return { keys: [...keys], dials, listeners: [...listeners.values()] };
  }

  /** One `KEY=value` or `KEY` item of a list-form `environment:`. */
  private environmentItem(item: Node): EnvironmentItem {
    let entry = this.environmentItems.get(item);
    if (entry) {
      return entry;
    }
    const written = isScalar(item) ? item.value : undefined;
    const equals = typeof written === 'string' ? written.indexOf('=') : -1;
    const key = typeof written === 'string' ? (equals === -1 ? written : written.slice(0, equals)) : '';
    // A key made of variables cannot be known for certain; Compose keys never need one.
    if (key === '' || key.includes('$')) {
      entry = { dials: [] };
    } else {
      // The key has no `$`, so its text and the `=` after it come through interpolation unchanged.
      const value = equals === -1 ? undefined : this.stringValue(item);
      entry = { key, dials: value ? environmentDials(key, value.text, key.length + 1, value.scalar.range) : [] };
    }
    this.environmentItems.set(item, entry);
    return entry;
  }

  /** Addresses a `healthcheck.test` command dials, in list (`CMD`, `CMD-SHELL`) or string form. */
  private healthcheck(node: unknown): readonly Dial[] {
    const fields = mergedMapping(node, this.aliases, this.budget);
    const disable = this.aliases.resolve(fields.get('disable')?.value);
    const test = this.aliases.resolve(fields.get('test')?.value);
    if (!test || (isScalar(disable) && disable.value === true)) {
      return [];
    }
    let dials = this.healthchecks.get(test);
    if (!dials) {
      dials = this.healthcheckTest(test);
      this.healthchecks.set(test, dials);
    }
    return dials;
  }

  private healthcheckTest(test: Node): readonly Dial[] {
    if (isScalar(test)) {
      const command = this.stringValue(test);
      return command ? healthcheckDials(commandWords([command])) : [];
    }
    const items = seqItems(test, this.aliases);
    const kind = this.stringValue(items[0])?.text.text;
    if (kind !== 'CMD' && kind !== 'CMD-SHELL') {
      return [];
    }
    const words: ComposeValue[] = [];
    for (const item of items.slice(1)) {
      const word = this.stringValue(item);
      // One word that cannot be read shifts every word after it: read none.
      if (!word || !this.budget.take(nodeRange(item))) {
        return [];
      }
      words.push(word);
    }
    return healthcheckDials(commandWords(words));
  }

  /** `container_name`, `hostname` and every network alias, lowercased. */
  private serviceAliases(entries: MergedMapping): string[] {
    const names = new Set<string>();
    const add = (node: unknown): void => {
      const value = this.stringValue(node);
      if (value) {
        names.add(value.text.text.toLowerCase());
      }
    };
    add(entries.get('container_name')?.value);
    add(entries.get('hostname')?.value);
    const networks = this.aliases.resolve(entries.get('networks')?.value);
    if (isMap(networks)) {
      for (const network of mergedMapping(networks, this.aliases, this.budget).values()) {
        for (const alias of seqItems(mapValue(network.value, 'aliases', this.aliases, this.budget), this.aliases)) {
          if (!this.budget.take(nodeRange(alias))) {
            return [...names];
          }
          add(alias);
        }
      }
    }
    return [...names];
  }

  /** Bind mounts, short (`./src:/dst:ro`) and long (`{type: bind, source, target}`); named volumes are left out. */
  private volumes(node: unknown): ComposeVolume[] {
    const volumes: ComposeVolume[] = [];
    for (const item of seqItems(node, this.aliases)) {
      if (!this.budget.take(nodeRange(item))) {
        break;
      }
      const volume = isMap(item) ? this.longVolume(item) : shortVolume(this.stringValue(item)?.text.text);
      if (volume) {
        volumes.push(volume);
      }
    }
    return volumes;
  }

  private longVolume(item: Node): ComposeVolume | undefined {
    const fields = mergedMapping(item, this.aliases, this.budget);
    const type = this.stringValue(fields.get('type')?.value)?.text.text;
    const source = this.stringValue(fields.get('source')?.value)?.text.text;
    const target = this.stringValue(fields.get('target')?.value)?.text.text;
    return type === 'bind' && source !== undefined && target !== undefined ? { source, target } : undefined;
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
    const entries = mergedMapping(item, this.aliases, this.budget);
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
    const targetPort = parseContainerPort(target.text.text);
    if (!targetPort.ok) {
      this.problems.push(problem(target.scalar.range, targetPort.code, targetPort.message));
    } else if (targetPort.value === 0) {
      // Compose takes target 0 as it takes `"0"` in the short syntax.
      this.problems.push(problem(target.scalar.range, 'port-zero', 'Compose accepts port 0, but no process can listen on port 0; this is most likely a mistake', 'warning'));
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
      const range = parseMappedPortRange(text, 0, text.text.length, 'host', published.scalar.range, this.problems);
      hostPortRange = mappedSpan(text, 0, text.text.length, published.scalar.range);
      // Published port 0 lets the engine choose, like leaving it out.
      if (range && !(range.start === 0 && range.end === 0)) {
        hostPort = range.start;
        hostPortEnd = range.end;
      }
    }
    if (!targetPort.ok || this.problems.slice(problemsBefore).some((found) => found.severity === 'error')) {
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

/**
 * Longest value the wiring facts read, as written. Addresses, image names and paths are far
 * shorter; a longer value is left out rather than interpolated character by character.
 */
const MAX_WIRING_VALUE_LENGTH = 8192;

/** `KAFKA_LISTENERS`, `KAFKA_CFG_ADVERTISED_LISTENERS`: a broker's `NAME://host:port` lists. */
const LISTENERS_KEY = /(?:^|_)LISTENERS$/i;

/** Listener lists kept per service, and the longest value kept: real lists are a few URLs. */
const MAX_LISTENER_SETTINGS = 16;
const MAX_LISTENER_VALUE_LENGTH = 1024;

type ListenerSetting = NonNullable<ComposeServiceFacts['listenerSettings']>[number];

/** Keeps the value of a listener key from unit `from` on, with where it is written; an unreadable or empty value is left out. */
function addListenerSetting(listeners: Map<string, ListenerSetting>, key: string, mapped: MappedText | undefined, from: number, whole: SourceRange | undefined): void {
  if (!mapped || !whole || mapped.text.length <= from || mapped.text.length - from > MAX_LISTENER_VALUE_LENGTH) {
    return;
  }
  if (!listeners.has(key) && listeners.size >= MAX_LISTENER_SETTINGS) {
    return;
  }
  listeners.delete(key);
  listeners.set(key, { key, value: mapped.text.slice(from), range: mappedSpan(mapped, from, mapped.text.length, whole) });
}

/** What one list-form `environment:` item contributes, remembered per node. */
interface EnvironmentItem {
  readonly key?: string;
  readonly dials: readonly Dial[];
}

/** A build context Compose fetches (a Git repository, a tarball URL) has no files in the workspace. */
function isLocalContext(context: string): boolean {
  return !context.includes('://') && !context.startsWith('git@') && !context.startsWith('github.com/');
}

/** `./src:/dst[:mode]` with a host path (`.`, `/`, `~`) as its source; named volumes have none of these. */
function shortVolume(spec: string | undefined): ComposeVolume | undefined {
  if (spec === undefined || !'./~'.includes(spec[0])) {
    return undefined;
  }
  const parts = spec.split(':');
  // A fourth part means a `:` inside a path: where the source ends is not certain.
  if (parts.length < 2 || parts.length > 3 || !parts[1].startsWith('/')) {
    return undefined;
  }
  return { source: parts[0], target: parts[1] };
}

// ---------------------------------------------------------------------------
// Addresses in values: URLs and `host:port`.
// ---------------------------------------------------------------------------

/** The port a scheme implies when an `environment:` URL names none; other schemes must name it. */
const ENVIRONMENT_SCHEME_PORTS: ReadonlyMap<string, number> = new Map([
  ['http', 80],
  ['https', 443],
  ['redis', 6379],
  ['postgres', 5432],
  ['postgresql', 5432],
  ['mysql', 3306],
  ['mongodb', 27017],
  ['amqp', 5672],
  ['nats', 4222],
]);

/** A healthcheck URL without a port is read only for the web schemes. */
const HEALTHCHECK_SCHEME_PORTS: ReadonlyMap<string, number> = new Map([
  ['http', 80],
  ['https', 443],
]);

/** Most addresses read from one comma-separated value; a longer list is not a list of brokers. */
const MAX_LISTED_ADDRESSES = 64;

/** Most words after `nc`, `pg_isready` or `redis-cli` searched for its host and port. */
const MAX_OPTION_WORDS = 16;

/** Where host and port sit in a mapped text; no port span when the scheme implies the port. */
interface AddressSpan {
  readonly hostStart: number;
  readonly hostEnd: number;
  readonly port: number;
  readonly portStart?: number;
  readonly portEnd?: number;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

/** A port written as 1 to 5 digits, 1-65535, in units `[from, to)`. */
function portAt(text: string, from: number, to: number): number | undefined {
  if (to <= from || to - from > 5) {
    return undefined;
  }
  for (let i = from; i < to; i++) {
    if (!isDigit(text.charCodeAt(i))) {
      return undefined;
    }
  }
  const port = Number(text.slice(from, to));
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** One DNS label: letters, digits, `-` and `_` (Compose service names may have it), no `-` at either end. */
function isLabel(text: string, from: number, to: number): boolean {
  if (to <= from || to - from > 63 || text[from] === '-' || text[to - 1] === '-') {
    return false;
  }
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (!isLetter(code) && !isDigit(code) && code !== 45 && code !== 95) {
      return false;
    }
  }
  return true;
}

/** A host name of dot-separated labels. */
function isHostName(text: string, from: number, to: number): boolean {
  if (to - from > 253) {
    return false;
  }
  let labelStart = from;
  for (let i = from; i <= to; i++) {
    if (i === to || text[i] === '.') {
      if (!isLabel(text, labelStart, i)) {
        return false;
      }
      labelStart = i + 1;
    }
  }
  return true;
}

function isDigitsAndDots(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (!isDigit(text.charCodeAt(i)) && text[i] !== '.') {
      return false;
    }
  }
  return true;
}

/** A host name for a service, never an IP address (IPv6 literals fail `isHostName` already). */
function isEnvironmentHost(text: string, from: number, to: number): boolean {
  return isHostName(text, from, to) && !isDigitsAndDots(text, from, to);
}

/** A healthcheck runs inside the container, so `127.0.0.1` is as good a host as `localhost`. */
function isHealthcheckHost(text: string, from: number, to: number): boolean {
  return isHostName(text, from, to) && (!isDigitsAndDots(text, from, to) || isIP(text.slice(from, to)) === 4);
}

/**
 * `scheme://[userinfo@]host[:port][/...]` filling units `[start, end)`. Returns nothing for what
 * cannot be read exactly: a bracketed IPv6 host, a port that is not a number, a missing port the
 * scheme does not imply, or an `@` after the host (a password holding `/`, `?` or `#`).
 */
function urlAddress(text: string, start: number, end: number, schemePorts: ReadonlyMap<string, number>): AddressSpan | undefined {
  let separator = start;
  while (separator < end && text[separator] !== ':') {
    separator++;
  }
  if (separator === start || !isLetter(text.charCodeAt(start)) || text[separator + 1] !== '/' || text[separator + 2] !== '/' || separator + 3 > end) {
    return undefined;
  }
  for (let i = start; i < separator; i++) {
    const code = text.charCodeAt(i);
    if (!isLetter(code) && !isDigit(code) && code !== 43 && code !== 45 && code !== 46) {
      return undefined;
    }
  }
  const scheme = text.slice(start, separator).toLowerCase();
  // `mongodb+srv` names a DNS SRV record, not the host that is dialled.
  if (scheme === 'mongodb+srv') {
    return undefined;
  }
  const authorityStart = separator + 3;
  let authorityEnd = authorityStart;
  let at = -1;
  while (authorityEnd < end && text[authorityEnd] !== '/' && text[authorityEnd] !== '?' && text[authorityEnd] !== '#') {
    if (text[authorityEnd] === '@') {
      at = authorityEnd;
    }
    authorityEnd++;
  }
  for (let i = authorityEnd; i < end; i++) {
    if (text[i] === '@') {
      return undefined;
    }
  }
  const hostStart = at === -1 ? authorityStart : at + 1;
  let hostEnd = hostStart;
  while (hostEnd < authorityEnd && text[hostEnd] !== ':') {
    hostEnd++;
  }
  if (hostEnd === authorityEnd) {
    const port = schemePorts.get(scheme);
    return port === undefined ? undefined : { hostStart, hostEnd, port };
  }
  const port = portAt(text, hostEnd + 1, authorityEnd);
  return port === undefined ? undefined : { hostStart, hostEnd, port, portStart: hostEnd + 1, portEnd: authorityEnd };
}

/** `name:digits` filling units `[start, end)`, the name one DNS label with a letter in it (`8080:80` is a port mapping). */
function plainAddress(text: string, start: number, end: number): AddressSpan | undefined {
  let colon = start;
  let letters = false;
  while (colon < end && text[colon] !== ':') {
    letters ||= isLetter(text.charCodeAt(colon));
    colon++;
  }
  if (!letters || colon === end || !isLabel(text, start, colon)) {
    return undefined;
  }
  const port = portAt(text, colon + 1, end);
  return port === undefined ? undefined : { hostStart: start, hostEnd: colon, port, portStart: colon + 1, portEnd: end };
}

/** Variables that name an image or a version hold `redis:7`, which is no address. */
const NOT_AN_ADDRESS_KEY = /image|tag|version/i;

/**
 * Addresses in one `environment:` value from unit `from` on: a URL, a plain `host:port`, or a
 * comma-separated list of them. When any part of a list is something else, none of it is read:
 * a comma in a password or a query would otherwise cut a URL into wrong addresses.
 */
function environmentDials(label: string, value: MappedText, from: number, whole: SourceRange): Dial[] {
  const text = value.text;
  const dials: Dial[] = [];
  for (const { start, end } of commaSeparatedParts(text, from)) {
    if (start < end) {
      const address = urlAddress(text, start, end, ENVIRONMENT_SCHEME_PORTS);
      const found = address ?? (NOT_AN_ADDRESS_KEY.test(label) ? undefined : plainAddress(text, start, end));
      if (!found || !isEnvironmentHost(text, found.hostStart, found.hostEnd) || dials.length >= MAX_LISTED_ADDRESSES) {
        return [];
      }
      dials.push(addressDial('environment', value, whole, start, end, found, label));
    }
  }
  return dials;
}

function addressDial(
  via: Dial['via'],
  value: MappedText,
  whole: SourceRange,
  start: number,
  end: number,
  address: AddressSpan,
  label?: string,
): Dial {
  return {
    via,
    host: value.text.slice(address.hostStart, address.hostEnd).toLowerCase(),
    hostRange: mappedSpan(value, address.hostStart, address.hostEnd, whole),
    port: address.port,
    ...(address.portStart !== undefined && address.portEnd !== undefined
      ? { portRange: mappedSpan(value, address.portStart, address.portEnd, whole) }
      : {}),
    range: mappedSpan(value, start, end, whole),
    text: value.text.slice(start, end),
    ...(label !== undefined ? { label } : {}),
  };
}

/** One whitespace-separated word of a healthcheck command, in the value that holds it. */
interface CommandWord {
  readonly value: MappedText;
  readonly whole: SourceRange;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The words of every part of a command, split at blanks (a `CMD-SHELL` string is one part). */
function commandWords(parts: readonly ComposeValue[]): CommandWord[] {
  const words: CommandWord[] = [];
  for (const part of parts) {
    const text = part.text.text;
    let i = 0;
    while (i < text.length) {
      while (i < text.length && isBlank(text[i])) {
        i++;
      }
      const start = i;
      while (i < text.length && !isBlank(text[i])) {
        i++;
      }
      if (i > start) {
        words.push({ value: part.text, whole: part.scalar.range, start, end: i, text: text.slice(start, i) });
      }
    }
  }
  return words;
}

function isBlank(unit: string): boolean {
  return unit === ' ' || unit === '\t' || unit === '\n' || unit === '\r';
}

/** Characters that end a URL inside a shell word: quotes and shell operators. */
const URL_END = new Set(['"', "'", ';', '|', '&', ')', '<', '>', '`']);

function isSchemeUnit(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 43 || code === 45 || code === 46;
}

/** The first `://` within units `[from, to)`, or -1; bounded so that many words stay linear. */
function schemeSeparator(text: string, from: number, to: number): number {
  for (let i = from; i + 3 <= to; i++) {
    if (text[i] === ':' && text[i + 1] === '/' && text[i + 2] === '/') {
      return i;
    }
  }
  return -1;
}

/** URLs anywhere in the words, and the host and port of `nc -z`, `pg_isready` and `redis-cli`. */
function healthcheckDials(words: readonly CommandWord[]): Dial[] {
  const dials: Dial[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index];
    const text = word.value.text;
    let separator = schemeSeparator(text, word.start, word.end);
    while (separator !== -1) {
      let start = separator;
      while (start > word.start && isSchemeUnit(text.charCodeAt(start - 1))) {
        start--;
      }
      let end = separator + 3;
      while (end < word.end && !URL_END.has(text[end])) {
        end++;
      }
      const address = urlAddress(text, start, end, HEALTHCHECK_SCHEME_PORTS);
      if (address && isHealthcheckHost(text, address.hostStart, address.hostEnd)) {
        dials.push(addressDial('healthcheck', word.value, word.whole, start, end, address));
      }
      separator = schemeSeparator(text, end, word.end);
    }
    const command = word.text.slice(word.text.lastIndexOf('/') + 1);
    const target = command === 'nc' ? netcatTarget(words, index + 1) : command === 'pg_isready' || command === 'redis-cli' ? optionTarget(words, index + 1) : undefined;
    const dial = target && wordsDial(words, target.host, target.port);
    if (dial) {
      dials.push(dial);
    }
  }
  return dials;
}

/** Units `[start, end)` of one word of a command. */
interface WordPart {
  readonly word: CommandWord;
  readonly index: number;
  readonly start: number;
  readonly end: number;
}

function wholeWord(words: readonly CommandWord[], index: number): WordPart | undefined {
  const word = words[index];
  return word ? { word, index, start: word.start, end: word.end } : undefined;
}

/** `nc -z [-v] [-n] [-w N] host port`. */
function netcatTarget(words: readonly CommandWord[], from: number): { host?: WordPart; port?: WordPart } | undefined {
  let index = from;
  let scan = false;
  while (index < words.length && index - from < MAX_OPTION_WORDS && words[index].text.startsWith('-')) {
    const flag = words[index].text;
    const next = words[index + 1];
    if (flag === '-w' && next && portAt(next.text, 0, next.text.length) !== undefined) {
      index += 2;
      continue;
    }
    for (let i = 1; i < flag.length; i++) {
      if (!'zvn'.includes(flag[i])) {
        return undefined;
      }
    }
    scan ||= flag.includes('z');
    index++;
  }
  return scan ? { host: wholeWord(words, index), port: wholeWord(words, index + 1) } : undefined;
}

const SHELL_OPERATORS: ReadonlySet<string> = new Set(['||', '&&', ';', '|']);

/** `-h host` or `--host[=]host`, and the same for `-p`/`--port`, up to the end of the command. */
function optionTarget(words: readonly CommandWord[], from: number): { host?: WordPart; port?: WordPart } {
  let host: WordPart | undefined;
  let port: WordPart | undefined;
  for (let index = from; index < words.length && index - from < MAX_OPTION_WORDS && !SHELL_OPERATORS.has(words[index].text); index++) {
    const word = words[index];
    if (word.text === '-h' || word.text === '--host') {
      host = wholeWord(words, index + 1);
    } else if (word.text === '-p' || word.text === '--port') {
      port = wholeWord(words, index + 1);
    } else if (word.text.startsWith('--host=')) {
      host = { word, index, start: word.start + 7, end: word.end };
    } else if (word.text.startsWith('--port=')) {
      port = { word, index, start: word.start + 7, end: word.end };
    }
  }
  return { host, port };
}

/** A dial from the host and port words of a command; nothing unless both read exactly. */
function wordsDial(words: readonly CommandWord[], host: WordPart | undefined, port: WordPart | undefined): Dial | undefined {
  if (!host || !port || !isHealthcheckHost(host.word.value.text, host.start, host.end)) {
    return undefined;
  }
  const number = portAt(port.word.value.text, port.start, port.end);
  if (number === undefined) {
    return undefined;
  }
  const hostRange = mappedSpan(host.word.value, host.start, host.end, host.word.whole);
  const portRange = mappedSpan(port.word.value, port.start, port.end, port.word.whole);
  const first = Math.min(host.index, port.index);
  const last = Math.max(host.index, port.index);
  return {
    via: 'healthcheck',
    host: host.word.value.text.slice(host.start, host.end).toLowerCase(),
    hostRange,
    port: number,
    portRange,
    range: { start: Math.min(hostRange.start, portRange.start), end: Math.max(hostRange.end, portRange.end) },
    // The words as the command reads them; in list form the quotes and commas between them are left out.
    text: words
      .slice(first, last + 1)
      .map((word) => word.text)
      .join(' '),
  };
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
    const { references, problems, services } = new ComposeScan(text, options?.env ?? {}).run();
    return {
      format: 'compose',
      references: references.map(withoutUndefined),
      problems,
      ...(services.length > 0 ? { wiring: { composeServices: services } } : {}),
    };
  } catch (error) {
    return {
      format: 'compose',
      references: [],
      problems: [problem(failureRange(error, text.length), 'parse-error', `Could not read the Compose file: ${failureReason(error)}`)],
    };
  }
};
