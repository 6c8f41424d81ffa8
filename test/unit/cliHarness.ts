/** Shared helpers for the command-line tests: run in-process or as a child process, temporary trees, SARIF validation. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import { runCli } from '../../src/cli/run';

/** The repository root, from `out/test/unit/`. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'unit', 'fixtures', 'cli');
export const DOCS_PROJECT = path.join(FIXTURES, 'docs-project');
export const CLI_BUNDLE = path.join(REPO_ROOT, 'dist', 'cli.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly isTTY?: boolean;
  readonly env?: Record<string, string | undefined>;
}

export function runInProcess(argv: readonly string[], options: RunOptions): CliRun {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: options.cwd,
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
  });
  return { code, stdout, stderr };
}

/** Writes a tree of files under a fresh temporary directory and returns its path. */
export function tempTree(files: Readonly<Record<string, string | Buffer>>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'port-lens-cli-')));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return root;
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

function newestModification(directory: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds `dist/cli.js` when it is missing or older than the sources, so the child-process tests run the current code. */
export function ensureBundle(): void {
  const bundleTime = fs.existsSync(CLI_BUNDLE) ? fs.statSync(CLI_BUNDLE).mtimeMs : 0;
  if (bundleTime >= newestModification(path.join(REPO_ROOT, 'src'))) {
    return;
  }
  const build = spawnSync(process.execPath, ['esbuild.js'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`building dist/cli.js failed:\n${build.stderr}`);
  }
}

export function spawnCli(argv: readonly string[], cwd: string, env: Record<string, string> = {}): CliRun {
  const child = spawnSync(process.execPath, [CLI_BUNDLE, ...argv], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code: child.status ?? -1, stdout: child.stdout, stderr: child.stderr };
}

/**
 * Validates against the official SARIF 2.1.0 schema (a fixture). The schema's `uri`,
 * `uri-reference` and `date-time` formats are checked too, with Node's URL parser.
 */
export function createSarifValidator(): (document: unknown) => string[] {
  const schema = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'sarif-2.1.0.json'), 'utf8')) as object;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/') && !/\s/.test(value));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  const validate = ajv.compile(schema);
  return (document) => (validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`));
}

/** Whether the process can read files regardless of their mode bits (root, or a capability that does the same). */
export function permissionsAreIgnored(): boolean {
  const probe = tempTree({ 'probe.txt': 'x' });
  try {
    const file = path.join(probe, 'probe.txt');
    fs.chmodSync(file, 0o000);
    try {
      fs.readFileSync(file);
      return true;
    } catch {
      return false;
    }
  } finally {
    removeTree(probe);
  }
}
