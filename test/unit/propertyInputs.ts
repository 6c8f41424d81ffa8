/**
 * Inputs for the property tests: the real example and fixture files as seeds, the mutations that
 * turn them into half-typed or hostile near-valid files, short arbitrary texts built from the
 * punctuation every format cares about, and the range checks every result must pass.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { detectFormats } from '../../src/core/scanners/index';
import type { FileFormat, SourceRange } from '../../src/core/types';

/** The repository root, from `out/test/unit/`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Runs per property: 2,000 in `npm test`, `FUZZ_RUNS` (set by `npm run fuzz`) for a longer search. */
export const PROPERTY_RUNS = runsFromEnvironment(process.env.FUZZ_RUNS, 2000);

function runsFromEnvironment(value: string | undefined, fallback: number): number {
  const parsed = value === undefined ? Number.NaN : Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** A budget of roughly 4 ms per run, so a property's time limit grows with `FUZZ_RUNS`. */
export function timeLimitFor(runs: number): number {
  return Math.max(60_000, runs * 4);
}

export interface Seed {
  /** Path relative to the repository root, for failure messages. */
  readonly name: string;
  readonly format: FileFormat;
  /** A name that `detectFormats` maps to `format` when the file's own name is generic. */
  readonly fileName: string;
  readonly text: string;
}

const SEED_DIRECTORIES = ['examples', 'test/unit/fixtures/containers', 'test/unit/fixtures/hosts', 'test/unit/fixtures/network', 'test/unit/fixtures/cli/docs-project', 'test/unit/fixtures/terraform'];

/** Fixtures whose location hides their format: ufw keeps `user.rules` under `/etc/ufw/`. */
const FORMAT_BY_NAME: Readonly<Record<string, { readonly format: FileFormat; readonly fileName: string }>> = {
  'user.rules': { format: 'ufw', fileName: 'ufw/user.rules' },
};

function filesUnder(directory: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      files.push(...filesUnder(full));
    } else {
      files.push(full);
    }
  }
  return files.sort();
}

/** The TypeScript files below `directory`, sorted. */
export function typeScriptFilesUnder(directory: string): string[] {
  return filesUnder(directory).filter((file) => file.endsWith('.ts'));
}

/** Every example and fixture Port Lens reads, once per format it is read as. */
export function loadSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const directory of SEED_DIRECTORIES) {
    for (const file of filesUnder(path.join(REPO_ROOT, directory))) {
      const name = path.relative(REPO_ROOT, file).split(path.sep).join('/');
      const text = fs.readFileSync(file, 'utf8');
      const known = FORMAT_BY_NAME[path.basename(file)];
      if (known) {
        seeds.push({ name, format: known.format, fileName: known.fileName, text });
        continue;
      }
      for (const format of detectFormats(name, text)) {
        seeds.push({ name, format, fileName: name, text });
      }
    }
  }
  return seeds;
}

/** Punctuation and keywords the scanners branch on; mutations and arbitrary texts are built from them. */
export const SYNTAX_TOKENS: readonly string[] = [
  ':', '::', ':::', '"', "'", '`', '{', '}', '${', '${PORT', '${PORT:-80}', '${PORT:?', '$$', '$PORT', '{{', '{{ .Values.port }}', '}}',
  '[', ']', '[::1]:', '(', ')', '<', '>', '</', '/>', '-', '--', '/', '/udp', '/tcp', '\n', '\r\n', '\r', '\t', ' ', '    ', '#', '\\', '\\\n',
  ';', ',', '=', '*', '&a ', '*a', '<<: *a', '!!int ', '!', '---\n', '- ', '? ', '|\n', '>-\n', '...', '%YAML 1.1\n',
  '\u0000', '\uFEFF', '\uD800', '\uDC00', '\u2028', 'é', '\u{1F600}',
  '0', '00', '1', '80', '443', '8080', '65535', '65536', '99999999999999', '1-65535', '65535-1', '8000-9000', '8080:80', '127.0.0.1:', '0.0.0.0:',
  'ports:', 'ports:\n  - ', 'expose:', 'target: ', 'published: ', 'containerPort: ', 'hostPort: ', 'port: ', 'targetPort: ', 'nodePort: ', 'kind: Service\n',
  'EXPOSE ', 'ARG PORT=', 'ENV PORT ', 'FROM x AS y\n', 'listen ', 'proxy_pass http://a:', 'server ', 'upstream ', 'stream {', 'http {',
  '-A INPUT ', '--dport ', '--sport ', '-m multiport --dports ', '-j ACCEPT', '*filter\n', 'COMMIT\n', 'tcp dport ', 'udp sport ', '{ 22, 80 }', 'accept',
  'table inet t {', 'chain c {', 'ufw allow ', 'ufw deny ', '### tuple ### ', 'firewall-cmd --add-port=', '<port port="', '" protocol="tcp"/>',
  '<zone>', 'Port ', 'ListenAddress ', 'Listen ', '<VirtualHost *:', 'bind :', 'bind *:', 'ListenStream=', 'ListenDatagram=',
  'resource "aws_security_group" "a" {', 'ingress {', 'from_port = ', 'to_port = ', 'cidr_blocks = ["0.0.0.0/0"]', '<<EOF\n', '/*', '*/', '//',
];

/** Replacements for a run of digits: out of range, zero, huge, negative, ranges the wrong way round. */
const DIGIT_SPLICES: readonly string[] = ['', '0', '-1', '65536', '99999999999999999999', '1e3', '0x50', '8080-80', '80-', '-80', '1.5', '${P}', '{{ p }}', '٣'];

type Mutation =
  | { readonly kind: 'insert'; readonly at: number; readonly token: string }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'duplicate'; readonly at: number; readonly length: number }
  | { readonly kind: 'swapLines'; readonly first: number; readonly second: number }
  | { readonly kind: 'spliceDigits'; readonly at: number; readonly replacement: string }
  | { readonly kind: 'truncate'; readonly at: number };

const position = fc.nat({ max: 1_000_000 });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, token: fc.constantFrom(...SYNTAX_TOKENS) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 24 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 80 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('swapLines' as const), first: position, second: position }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('spliceDigits' as const), at: position, replacement: fc.constantFrom(...DIGIT_SPLICES) }), weight: 3 },
  // Cutting a file short is how a half-typed file looks, so it is tried often.
  { arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }), weight: 3 },
);

function applyMutation(text: string, change: Mutation): string {
  switch (change.kind) {
    case 'insert': {
      const at = change.at % (text.length + 1);
      return text.slice(0, at) + change.token + text.slice(at);
    }
    case 'delete': {
      const at = change.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + change.length);
    }
    case 'duplicate': {
      const at = change.at % (text.length + 1);
      const end = Math.min(text.length, at + change.length);
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
    case 'swapLines': {
      const lines = text.split('\n');
      const first = change.first % lines.length;
      const second = change.second % lines.length;
      [lines[first], lines[second]] = [lines[second], lines[first]];
      return lines.join('\n');
    }
    case 'spliceDigits': {
      const from = change.at % (text.length + 1);
      let start = from;
      while (start < text.length && !isDigit(text.charCodeAt(start))) {
        start++;
      }
      let end = start;
      while (end < text.length && isDigit(text.charCodeAt(end))) {
        end++;
      }
      return start === text.length ? text : text.slice(0, start) + change.replacement + text.slice(end);
    }
    case 'truncate':
      return text.slice(0, change.at % (text.length + 1));
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export interface MutatedSeed {
  readonly seed: Seed;
  readonly text: string;
}

/** One of the seeds with one to eight mutations applied in turn. */
export function mutatedSeed(seeds: readonly Seed[]): fc.Arbitrary<MutatedSeed> {
  return fc.record({ seed: fc.constantFrom(...seeds), changes: fc.array(mutation, { minLength: 1, maxLength: 8 }) }).map(({ seed, changes }) => ({
    seed,
    text: changes.reduce(applyMutation, seed.text),
  }));
}

/**
 * Short texts: syntax tokens mixed with arbitrary code points (lone surrogates and control
 * characters included). Kept short so thousands of runs per format stay fast.
 */
export const arbitraryConfigText: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...SYNTAX_TOKENS), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 24 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

/** Why a range is not a valid half-open span of a text of this length, or `undefined` when it is. */
export function rangeFault(range: SourceRange | undefined, textLength: number, label: string): string | undefined {
  if (range === undefined) {
    return undefined;
  }
  const { start, end } = range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > textLength) {
    return `${label} [${start}, ${end}) is not inside [0, ${textLength}] with start <= end`;
  }
  return undefined;
}

/** Fails with every bad range listed, so a counterexample names what broke. */
export function assertRangesInside(labelled: readonly (readonly [string, SourceRange | undefined])[], textLength: number): void {
  const faults = labelled.map(([label, range]) => rangeFault(range, textLength, label)).filter((fault): fault is string => fault !== undefined);
  if (faults.length > 0) {
    throw new Error(faults.join('\n'));
  }
}
