/**
 * Differential tests against the real tools. Each format generates config text with fast-check
 * (valid and invalid on purpose), asks the real tool for its verdict and, where the tool prints
 * them, its ports, and compares both with what Port Lens reports for the same text.
 *
 * A disagreement is either a Port Lens bug (fix it and keep the case as a unit test) or a known
 * difference with a written reason (listed in the format's `knownDifferences`). Anything else fails.
 */
import { spawn, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { analyzeFile } from '../../src/core/analysis';
import type { FileAnalysis } from '../../src/core/analysis';

/** A port or range with its protocol, as `tcp/22` or `udp/6000-6010`. */
export type PortKey = string;

export function portKey(protocol: string, port: number, endPort?: number | null): PortKey {
  return `${protocol}/${endPort !== undefined && endPort !== null && endPort !== port ? `${port}-${endPort}` : port}`;
}

/** What the real tool said about one case. */
export interface ToolVerdict {
  /** The tool accepted the input (exit 0, no error printed). */
  readonly accepted: boolean;
  /** The ports the tool's own output names, when it prints them; absent when it does not. */
  readonly ports?: readonly PortKey[];
  /** The tool's message when it refused, for the report. */
  readonly message?: string;
}

/** What Port Lens said about the same case. */
export interface LensVerdict {
  /** No problem that means "the tool would refuse this". */
  readonly accepted: boolean;
  readonly ports: readonly PortKey[];
  /** The refusal-level problems, for the report. */
  readonly problems: readonly string[];
}

/** One generated input, rendered as the file the tool and Port Lens read. */
export interface RenderedCase {
  /** A file name that selects the format (`rules.nft`, `nginx.conf`, `setup.sh`, `Dockerfile`). */
  readonly fileName: string;
  readonly text: string;
  /** Whatever the oracle needs besides the text (the ufw argument vector, say). */
  readonly toolInput?: unknown;
}

export interface KnownDifference {
  /** Short id, listed in docs/conformance.md. */
  readonly id: string;
  /** Why Port Lens differs on purpose, or why the tool's answer is not comparable here. */
  readonly reason: string;
  readonly matches: (rendered: RenderedCase, tool: ToolVerdict, lens: LensVerdict) => boolean;
}

export interface ConformanceFormat {
  /** The Port Lens format name (`nftables`). */
  readonly format: string;
  /** The tool as a reader knows it (`nft -c -f`). */
  readonly toolName: string;
  /** Executables that must be on PATH; the format is skipped with a notice when one is missing. */
  readonly requires: readonly string[];
  /** The Debian package that provides them, for the notice. */
  readonly debianPackage: string;
  readonly arbitrary: fc.Arbitrary<RenderedCase>;
  /** Asks the real tool. Runs at most `CONCURRENCY` at once across the harness. */
  readonly oracle: (rendered: RenderedCase) => Promise<ToolVerdict>;
  /** Port Lens's reading; `lensVerdict` fits most formats. */
  readonly lens?: (rendered: RenderedCase) => LensVerdict;
  readonly knownDifferences: readonly KnownDifference[];
  /** Compare ports only for cases both accept; formats whose tool prints no ports leave it out. */
  readonly comparePorts?: boolean;
}

/** Rules whose findings stand for "the real tool refuses this input" (scanner problems land in them). */
export const REFUSAL_RULES: ReadonlySet<string> = new Set(['invalid-port', 'parse-error']);

/**
 * A finding that says the tool would refuse the input: a file Port Lens could not read, or an
 * `invalid-port` error. An `invalid-port` warning is a hint about a value the tool accepts (an
 * upper-case protocol, port 0), so it is not a refusal.
 */
export function isRefusal(diagnostic: { readonly rule: string; readonly severity: string }): boolean {
  return diagnostic.rule === 'parse-error' || (REFUSAL_RULES.has(diagnostic.rule) && diagnostic.severity === 'error');
}

/** Port Lens's verdict from the full analysis, as the editor and the command line report it. */
export function lensVerdict(rendered: RenderedCase, portFilter: (analysis: FileAnalysis) => PortKey[] = defaultPorts): LensVerdict {
  const analysis = analyzeFile(rendered.fileName, rendered.text);
  if (!analysis) {
    return { accepted: true, ports: [], problems: [] };
  }
  const problems = analysis.diagnostics
    .filter((diagnostic) => isRefusal(diagnostic))
    .map((diagnostic) => `${diagnostic.rule}: ${diagnostic.message}`);
  return { accepted: problems.length === 0, ports: portFilter(analysis), problems: [...new Set(problems)] };
}

function defaultPorts(analysis: FileAnalysis): PortKey[] {
  return analysis.references
    .filter((reference) => reference.port !== null)
    .map((reference) => portKey(reference.protocol, reference.port as number, reference.endPort));
}

export function sortedUnique(keys: readonly PortKey[]): PortKey[] {
  return [...new Set(keys)].sort();
}

export function toolAvailable(command: string): boolean {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0;
}

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool asynchronously with a time limit, so several cases run at once. */
export function runTool(command: string, args: readonly string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ status: null, stdout, stderr: stderr + String(error) });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    // A tool that exits before reading its input closes the pipe; its exit status is the answer.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export type Outcome = 'agree' | 'known' | 'disagree';

export interface CaseResult {
  readonly rendered: RenderedCase;
  readonly tool: ToolVerdict;
  readonly lens: LensVerdict;
  readonly outcome: Outcome;
  readonly knownId?: string;
  readonly what?: string;
}

export interface FormatReport {
  readonly format: string;
  readonly toolName: string;
  readonly skipped?: string;
  readonly cases: number;
  readonly agreements: number;
  /** Known difference id → count. */
  readonly known: Readonly<Record<string, number>>;
  readonly disagreements: readonly CaseResult[];
  readonly toolAccepted: number;
  readonly toolRefused: number;
}

/** Compares one case; returns what differs, or undefined when tool and Port Lens agree. */
export function difference(spec: ConformanceFormat, tool: ToolVerdict, lens: LensVerdict): string | undefined {
  if (tool.accepted !== lens.accepted) {
    return tool.accepted
      ? `the tool accepts it, Port Lens reports: ${lens.problems.join('; ')}`
      : `the tool refuses it (${(tool.message ?? '').trim().split('\n')[0]}), Port Lens reports nothing`;
  }
  if (tool.accepted && spec.comparePorts !== false && tool.ports !== undefined) {
    const expected = sortedUnique(tool.ports);
    const actual = sortedUnique(lens.ports);
    if (expected.join(' ') !== actual.join(' ')) {
      return `ports differ: the tool reads [${expected.join(' ')}], Port Lens reads [${actual.join(' ')}]`;
    }
  }
  return undefined;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

export const CONCURRENCY = 4;

export async function runFormat(spec: ConformanceFormat, runs: number, seed: number): Promise<FormatReport> {
  const missing = spec.requires.filter((command) => !toolAvailable(command));
  if (missing.length > 0) {
    return {
      format: spec.format,
      toolName: spec.toolName,
      skipped: `${missing.join(', ')} not installed (Debian package ${spec.debianPackage})`,
      cases: 0,
      agreements: 0,
      known: {},
      disagreements: [],
      toolAccepted: 0,
      toolRefused: 0,
    };
  }
  const cases = fc.sample(spec.arbitrary, { numRuns: runs, seed });
  const results = await pool(cases, CONCURRENCY, async (rendered): Promise<CaseResult> => {
    const tool = await spec.oracle(rendered);
    const lens = (spec.lens ?? lensVerdict)(rendered);
    const what = difference(spec, tool, lens);
    if (what === undefined) {
      return { rendered, tool, lens, outcome: 'agree' };
    }
    const known = spec.knownDifferences.find((candidate) => candidate.matches(rendered, tool, lens));
    return known ? { rendered, tool, lens, outcome: 'known', knownId: known.id, what } : { rendered, tool, lens, outcome: 'disagree', what };
  });
  const known: Record<string, number> = {};
  for (const result of results) {
    if (result.knownId) {
      known[result.knownId] = (known[result.knownId] ?? 0) + 1;
    }
  }
  return {
    format: spec.format,
    toolName: spec.toolName,
    cases: results.length,
    agreements: results.filter((result) => result.outcome === 'agree').length,
    known,
    disagreements: results.filter((result) => result.outcome === 'disagree'),
    toolAccepted: results.filter((result) => result.tool.accepted).length,
    toolRefused: results.filter((result) => !result.tool.accepted).length,
  };
}
