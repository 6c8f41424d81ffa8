/** Command-line parsing: turns argv into one command, or a usage error with a one-line message. */
import { FILE_FORMATS } from '../core/scanners/index';
import { MAX_ANALYSED_LENGTH, type DiagnosticSeverity } from '../core/analysis';
import type { FileFormat } from '../core/types';
import { closeRuleIds, resolveRuleId } from './rulePages';

export type CheckOutputFormat = 'text' | 'json' | 'sarif' | 'github' | 'gitlab' | 'junit' | 'checkstyle';
export type FailOn = DiagnosticSeverity | 'none';
export type LookupProtocol = 'tcp' | 'udp' | 'sctp' | 'dccp';
export type GraphOutputFormat = 'json' | 'dot' | 'mermaid';
export type HelpTopic = 'check' | 'scan' | 'graph' | 'lookup' | 'explain';

/** `--format-of <glob>=<format>`. */
export interface FormatOverride {
  readonly glob: string;
  readonly format: FileFormat;
}

/** Options shared by the commands that read files. */
export interface FileSelection {
  readonly paths: readonly string[];
  readonly exclude: readonly string[];
  readonly formatOverrides: readonly FormatOverride[];
  readonly maxFileSize: number;
  readonly configPath?: string;
}

export type Command =
  | { readonly kind: 'help'; readonly topic?: HelpTopic }
  | { readonly kind: 'version' }
  | { readonly kind: 'check'; readonly selection: FileSelection; readonly format: CheckOutputFormat; readonly failOn: FailOn }
  | { readonly kind: 'scan'; readonly selection: FileSelection; readonly json: boolean }
  | { readonly kind: 'graph'; readonly selection: FileSelection; readonly format: GraphOutputFormat }
  | { readonly kind: 'lookup'; readonly query: string; readonly protocol?: LookupProtocol; readonly json: boolean; readonly configPath?: string }
  /** Without a rule, lists the rules. */
  | { readonly kind: 'explain'; readonly rule?: string };

/** A mistake in how the command was called; reported as one line on stderr with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;
/**
 * The analysis refuses texts longer than this, so a larger limit would be accepted and not
 * honoured. Bytes and UTF-16 code units compare safely: n bytes of UTF-8 decode to at most n units.
 */
export const MAX_FILE_SIZE_CEILING = MAX_ANALYSED_LENGTH;

const CHECK_FORMATS: readonly CheckOutputFormat[] = ['text', 'json', 'sarif', 'github', 'gitlab', 'junit', 'checkstyle'];
const GRAPH_FORMATS: readonly GraphOutputFormat[] = ['json', 'dot', 'mermaid'];
const FAIL_ON_LEVELS: readonly FailOn[] = ['error', 'warning', 'info', 'none'];
const LOOKUP_PROTOCOLS: readonly LookupProtocol[] = ['tcp', 'udp', 'sctp', 'dccp'];
const SIZE = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i;
const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

interface OptionSpec {
  /** `true` for options that take a value (`--format json` or `--format=json`). */
  readonly value: boolean;
}

const SELECTION_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  exclude: { value: true },
  'format-of': { value: true },
  'max-file-size': { value: true },
  config: { value: true },
};

const COMMAND_OPTIONS: Readonly<Record<HelpTopic, Readonly<Record<string, OptionSpec>>>> = {
  check: { ...SELECTION_OPTIONS, format: { value: true }, 'fail-on': { value: true } },
  scan: { ...SELECTION_OPTIONS, json: { value: false } },
  graph: { ...SELECTION_OPTIONS, format: { value: true } },
  lookup: { protocol: { value: true }, json: { value: false }, config: { value: true } },
  explain: {},
};

const COMMANDS = Object.keys(COMMAND_OPTIONS) as HelpTopic[];

interface RawArguments {
  readonly positionals: string[];
  readonly values: Map<string, string[]>;
  readonly flags: Set<string>;
  readonly help: boolean;
}

function isCommand(word: string): word is HelpTopic {
  return (COMMANDS as readonly string[]).includes(word);
}

/** Splits the words after the command into options and operands; `--` ends the options. */
function splitArguments(command: HelpTopic, words: readonly string[]): RawArguments {
  const specs = COMMAND_OPTIONS[command];
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  let help = false;
  for (let index = 0; index < words.length; index++) {
    const word = words[index];
    if (word === '--') {
      positionals.push(...words.slice(index + 1));
      break;
    }
    if (word === '-h' || word === '--help') {
      help = true;
      continue;
    }
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    if (!word.startsWith('--')) {
      throw new UsageError(`unknown option ${word} for "${command}"`);
    }
    const equals = word.indexOf('=');
    const name = word.slice(2, equals < 0 ? undefined : equals);
    const spec = specs[name];
    if (!spec) {
      throw new UsageError(`unknown option --${name} for "${command}"`);
    }
    if (!spec.value) {
      if (equals >= 0) {
        throw new UsageError(`option --${name} takes no value`);
      }
      flags.add(name);
      continue;
    }
    let value: string;
    if (equals >= 0) {
      value = word.slice(equals + 1);
    } else {
      if (index + 1 >= words.length) {
        throw new UsageError(`option --${name} needs a value`);
      }
      value = words[++index];
    }
    const list = values.get(name) ?? [];
    list.push(value);
    values.set(name, list);
  }
  return { positionals, values, flags, help };
}

/** The one value of an option given at most once. */
function single(raw: RawArguments, name: string): string | undefined {
  const list = raw.values.get(name);
  if (list && list.length > 1) {
    throw new UsageError(`option --${name} was given more than once`);
  }
  return list?.[0];
}

function oneOf<T extends string>(raw: RawArguments, name: string, allowed: readonly T[], fallback: T): T {
  const value = single(raw, name);
  if (value === undefined) {
    return fallback;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, not "${value}"`);
  }
  return value as T;
}

/** `5MB`, `512k`, `1048576`: binary units, so 1 MB is 1,048,576 bytes. */
export function parseSize(text: string): number | undefined {
  const match = SIZE.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const bytes = Number(match[1]) * SIZE_UNITS[(match[2] ?? '').toLowerCase()];
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

function parseFormatOverride(text: string): FormatOverride {
  const equals = text.lastIndexOf('=');
  const glob = equals < 0 ? '' : text.slice(0, equals).trim();
  const format = equals < 0 ? '' : text.slice(equals + 1).trim();
  if (!glob || !format) {
    throw new UsageError(`--format-of needs <glob>=<format>, e.g. "deploy/*.txt=iptables", not "${text}"`);
  }
  if (!(FILE_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format-of: unknown format "${format}"; use one of ${FILE_FORMATS.join(', ')}`);
  }
  return { glob, format: format as FileFormat };
}

function parseSelection(raw: RawArguments): FileSelection {
  const sizeText = single(raw, 'max-file-size');
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  if (sizeText !== undefined) {
    const parsed = parseSize(sizeText);
    if (parsed === undefined) {
      throw new UsageError(`--max-file-size must be a size such as 5MB, 512KB or 1048576, not "${sizeText}"`);
    }
    if (parsed > MAX_FILE_SIZE_CEILING) {
      throw new UsageError(`--max-file-size must be at most ${MAX_FILE_SIZE_CEILING / 1024 ** 2}MB, the largest file Port Lens analyses, not "${sizeText}"`);
    }
    maxFileSize = parsed;
  }
  const exclude = (raw.values.get('exclude') ?? []).map((glob) => glob.trim());
  if (exclude.some((glob) => glob === '')) {
    throw new UsageError('--exclude needs a glob');
  }
  const configPath = single(raw, 'config');
  return {
    paths: raw.positionals.length > 0 ? raw.positionals : ['.'],
    exclude,
    formatOverrides: (raw.values.get('format-of') ?? []).map(parseFormatOverride),
    maxFileSize,
    ...(configPath !== undefined ? { configPath } : {}),
  };
}

const PORT_WITH_PROTOCOL = /^(\d+)\/([a-z]+)$/i;

function parseLookup(raw: RawArguments): Command {
  if (raw.positionals.length === 0) {
    throw new UsageError('lookup needs a port number or a name, e.g. "port-lens lookup 6379"');
  }
  let query = raw.positionals.join(' ').trim();
  let protocol = single(raw, 'protocol')?.toLowerCase();
  // `6379/udp` is a common way to write a port; it is the same as `6379 --protocol udp`.
  const withProtocol = PORT_WITH_PROTOCOL.exec(query);
  if (withProtocol) {
    const written = withProtocol[2].toLowerCase();
    if (protocol !== undefined && protocol !== written) {
      throw new UsageError(`"${query}" and --protocol ${protocol} disagree`);
    }
    query = withProtocol[1];
    protocol = written;
  }
  if (protocol !== undefined && !(LOOKUP_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new UsageError(`--protocol must be one of ${LOOKUP_PROTOCOLS.join(', ')}, not "${protocol}"`);
  }
  if (query === '') {
    throw new UsageError('lookup needs a port number or a name');
  }
  const configPath = single(raw, 'config');
  return {
    kind: 'lookup',
    query,
    json: raw.flags.has('json'),
    ...(protocol !== undefined ? { protocol: protocol as LookupProtocol } : {}),
    ...(configPath !== undefined ? { configPath } : {}),
  };
}

function parseExplain(raw: RawArguments): Command {
  if (raw.positionals.length === 0) {
    return { kind: 'explain' };
  }
  if (raw.positionals.length > 1) {
    throw new UsageError('explain takes one rule, e.g. "port-lens explain sensitive-port-exposed"');
  }
  const [written] = raw.positionals;
  const rule = resolveRuleId(written);
  if (rule === undefined) {
    const close = closeRuleIds(written);
    const suggestion = close.length > 0
      ? `did you mean ${close.length > 1 ? `${close.slice(0, -1).join(', ')} or ${close[close.length - 1]}` : close[0]}?`
      : 'run "port-lens explain" to list the rules';
    throw new UsageError(`unknown rule "${written}"; ${suggestion}`);
  }
  return { kind: 'explain', rule };
}

/** Parses the arguments after the program name. Throws {@link UsageError}. */
export function parseArguments(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) {
    throw new UsageError('missing command; try "port-lens --help"');
  }
  if (first === '-h' || first === '--help') {
    return { kind: 'help' };
  }
  if (first === '-V' || first === '--version') {
    return { kind: 'version' };
  }
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) {
      return { kind: 'help' };
    }
    if (!isCommand(topic)) {
      throw new UsageError(`unknown command "${topic}"; the commands are ${COMMANDS.join(', ')}`);
    }
    return { kind: 'help', topic };
  }
  if (!isCommand(first)) {
    throw new UsageError(first.startsWith('-')
      ? `unknown option ${first}; put options after the command, e.g. "port-lens check ${first}"`
      : `unknown command "${first}"; the commands are ${COMMANDS.join(', ')}`);
  }
  const raw = splitArguments(first, rest);
  if (raw.help) {
    return { kind: 'help', topic: first };
  }
  switch (first) {
    case 'check':
      return {
        kind: 'check',
        selection: parseSelection(raw),
        format: oneOf(raw, 'format', CHECK_FORMATS, 'text'),
        failOn: oneOf(raw, 'fail-on', FAIL_ON_LEVELS, 'error'),
      };
    case 'scan':
      return { kind: 'scan', selection: parseSelection(raw), json: raw.flags.has('json') };
    case 'graph':
      return { kind: 'graph', selection: parseSelection(raw), format: oneOf(raw, 'format', GRAPH_FORMATS, 'json') };
    case 'lookup':
      return parseLookup(raw);
    case 'explain':
      return parseExplain(raw);
  }
}

const SELECTION_HELP = `  --exclude <glob>         Skip matching files and directories (repeatable). A glob
                           without "/" matches a name at any depth.
  --format-of <glob>=<fmt> Read matching files as this format instead of detecting it
                           (repeatable). Formats: ${FILE_FORMATS.join(', ')}.
  --max-file-size <size>   Skip larger files (default 5MB, at most ${MAX_FILE_SIZE_CEILING / 1024 ** 2}MB;
                           units B, KB, MB, GB).
  --config <file>          Read this configuration instead of looking for
                           .portlens.json or a "portLens" section in package.json.`;

export const HELP: Readonly<Record<HelpTopic | 'main', string>> = {
  main: `Usage: port-lens <command> [options]

Finds the ports in Dockerfiles, Compose files, Kubernetes manifests, nginx configs
and firewall rules, and reports the risky and broken ones.

Commands:
  check [paths...]      Report diagnostics; the exit code tells CI whether to fail.
  scan [paths...]       List every port reference found.
  graph [paths...]      Print the port graph: who listens, who dials whom, which
                        wires are broken (JSON, Graphviz dot or Mermaid).
  lookup <port|name>    Show what Port Lens knows about a port or service.
  explain [rule]        Show a rule's page: what it catches, examples, fixes and
                        settings; without a rule, list the rules.

Options:
  -h, --help            Show help (also "port-lens <command> --help").
  -V, --version         Show the version.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error or unreadable path.
`,
  check: `Usage: port-lens check [paths...] [options]

Checks the supported files under each path (default ".") and reports diagnostics.
Honours .gitignore files and reads .portlens.json.

Options:
  --format <text|json|sarif|github|gitlab|junit|checkstyle>
                           Output format (default text). github prints GitHub
                           Actions annotations, gitlab a Code Quality report,
                           junit and checkstyle XML reports.
  --fail-on <error|warning|info|none>
                           Exit with 1 when a diagnostic is at or above this
                           severity (default error).
${SELECTION_HELP}
  -h, --help               Show this help.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage error or unreadable path.
`,
  scan: `Usage: port-lens scan [paths...] [options]

Lists every port reference in the supported files under each path (default ".").

Options:
  --json                   Print JSON instead of one line per reference.
${SELECTION_HELP}
  -h, --help               Show this help.

Exit codes: 0 success, 2 usage error or unreadable path.
`,
  graph: `Usage: port-lens graph [paths...] [options]

Prints the port graph of the supported files under each path (default "."): the
Compose services and Kubernetes workloads and Services that listen, grouped by
Compose project and namespace, and the wires between them (port mappings, proxy
and environment dials, healthchecks, probes, Service targets, Ingress backends,
firewall bypasses), each marked wired, broken or unknown.

Options:
  --format <json|dot|mermaid>  Output format (default json). dot is a Graphviz
                           digraph; mermaid is a flowchart. Broken wires are red
                           (dot) or dotted and marked ✗ (mermaid).
${SELECTION_HELP}
  -h, --help               Show this help.

Exit codes: 0 success (broken wires included), 2 usage error or unreadable path.
`,
  lookup: `Usage: port-lens lookup <port|name> [options]

Shows the IANA registrations, common usage and risks of a port, or searches by
name ("redis", "postgres") and shows the best matches.

Options:
  --protocol <tcp|udp|sctp|dccp>
                           Only this protocol ("6379/udp" works too).
  --json                   Print JSON.
  --config <file>          Read custom ports from this configuration.
  -h, --help               Show this help.

Exit codes: 0 found, 1 no match for a name, 2 usage error.
`,
  explain: `Usage: port-lens explain [rule]

Prints a rule's page: what it catches and why it matters, bad and good examples,
quick fixes, settings and how to silence it. The rule is the id that check
prints, such as sensitive-port-exposed. Without a rule, lists every rule with
its default severity and what it catches.

Options:
  -h, --help               Show this help.

Exit codes: 0 success, 2 usage error (such as an unknown rule).
`,
};
