/**
 * The npm package of the command line: `npm pack` of the built tree holds only what runs, stays
 * within its size budget, and installs offline into an empty folder where `port-lens` works.
 * Also the --max-file-size ceiling, which keeps the option honest about what it can promise.
 */
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HELP, MAX_FILE_SIZE_CEILING, parseArguments, UsageError } from '../../src/cli/args';
import { MAX_ANALYSED_LENGTH } from '../../src/core/analysis';
import { CLI_BUNDLE, REPO_ROOT, removeTree, runInProcess, tempTree } from './cliHarness';

/** The rule pages, which `explain` prints and SARIF carries as each rule's help. */
const RULE_PAGES = fs.readdirSync(path.join(REPO_ROOT, 'docs', 'rules')).filter((name) => name.endsWith('.md')).map((name) => `docs/rules/${name}`);

/** Everything the tarball may hold: the bundle, the data and rule pages it reads at run time, and the documents. */
const PACKAGE_FILES = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'data/firewalld-services.json',
  'data/iana-details.json',
  'data/iana-rows.tsv',
  'data/port-data.json',
  'dist/cli.js',
  ...RULE_PAGES,
  'package.json',
].sort();

/**
 * The compressed tarball measured 672 kB with the development bundle that `npm test` builds
 * (the minified one `prepare` builds is smaller); the budget leaves about 20 % headroom.
 */
const TARBALL_BUDGET_BYTES = 810_000;

const RISKY_COMPOSE = 'services:\n  cache:\n    image: redis:7\n    ports:\n      - "6379:6379"\n';
const FIREWALLD_ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public</short>\n  <service name="redis"/>\n</zone>\n';

interface PackedFile {
  readonly path: string;
}

interface PackResult {
  readonly filename: string;
  readonly size: number;
  readonly files: readonly PackedFile[];
}

/** npm as a user runs it: without the settings an enclosing `npm test` passes down. */
function npmEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

function npm(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd, encoding: 'utf8', env: npmEnvironment() });
}

function describeFailure(result: SpawnSyncReturns<string>): string {
  return `exit ${result.status}\n${result.stdout}\n${result.stderr}`;
}

describe('the npm package of the command line', function () {
  this.timeout(120_000);

  let scratch: string;
  let packed: PackResult;
  let installed: string;

  before(function () {
    if (!fs.existsSync(CLI_BUNDLE)) {
      console.log('    NOTICE: dist/cli.js is not built ("node esbuild.js"); the npm package tests are skipped.');
      this.skip();
    }
    scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'port-lens-package-')));
    // Scripts are off: the test packs the bundle already built instead of rebuilding it.
    const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], REPO_ROOT);
    assert.equal(pack.status, 0, describeFailure(pack));
    [packed] = JSON.parse(pack.stdout) as PackResult[];
    installed = path.join(scratch, 'user');
    fs.mkdirSync(installed);
    // A manifest of its own keeps npm from looking for a project further up.
    fs.writeFileSync(path.join(installed, 'package.json'), '{ "private": true }\n');
    const install = npm(['install', '--offline', '--no-audit', '--no-fund', path.join(scratch, packed.filename)], installed);
    assert.equal(install.status, 0, describeFailure(install));
    fs.mkdirSync(path.join(installed, 'project', 'firewalld', 'zones'), { recursive: true });
    fs.writeFileSync(path.join(installed, 'project', 'compose.yaml'), RISKY_COMPOSE);
    fs.writeFileSync(path.join(installed, 'project', 'firewalld', 'zones', 'public.xml'), FIREWALLD_ZONE);
  });

  after(() => {
    if (scratch) {
      removeTree(scratch);
    }
  });

  function portLens(...args: string[]): SpawnSyncReturns<string> {
    return spawnSync(path.join(installed, 'node_modules', '.bin', 'port-lens'), args, { cwd: installed, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  }

  it('is installed outside the repository', () => {
    assert.ok(path.relative(fs.realpathSync(REPO_ROOT), installed).startsWith('..'), installed);
  });

  it('holds only the bundle, its run-time data and the documents', () => {
    assert.deepEqual(packed.files.map((file) => file.path).sort(), PACKAGE_FILES);
  });

  it(`stays within its size budget of ${TARBALL_BUDGET_BYTES / 1000} kB`, () => {
    assert.ok(packed.size <= TARBALL_BUDGET_BYTES, `the tarball is ${packed.size} bytes`);
  });

  it('needs no other package at run time', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'node_modules', 'port-lens', 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.dependencies, undefined);
    assert.deepEqual(manifest.bin, { 'port-lens': './dist/cli.js' });
    assert.deepEqual(fs.readdirSync(path.join(installed, 'node_modules')).filter((name) => !name.startsWith('.')), ['port-lens']);
  });

  it('reports its version from the installed manifest', () => {
    const run = portLens('--version');
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(run.status, 0, describeFailure(run));
    assert.equal(run.stdout.trim(), version);
  });

  it('fails check on a Compose file that publishes Redis to every interface', () => {
    const run = portLens('check', 'project/compose.yaml');
    assert.equal(run.status, 1, describeFailure(run));
    assert.match(run.stdout, /^project\/compose\.yaml:5:10 error sensitive-port-exposed Redis \(6379\/tcp\)/m);
  });

  it('scans a directory, naming the port behind a firewalld service from its shipped data', () => {
    const run = portLens('scan', 'project');
    assert.equal(run.status, 0, describeFailure(run));
    assert.match(run.stdout, /^project\/compose\.yaml:5:10 publish 6379->6379\/tcp$/m);
    assert.match(run.stdout, /^project\/firewalld\/zones\/public\.xml:4:18 firewall 6379\/tcp allow from anywhere$/m);
  });

  it('explains a rule from its shipped page', () => {
    const run = portLens('explain', 'sensitive-port-exposed');
    assert.equal(run.status, 0, describeFailure(run));
    assert.match(run.stdout, /^sensitive-port-exposed\n\n/);
    assert.match(run.stdout, /^BAD\n\nDockerfile:\n {4}FROM redis:7\n {4}EXPOSE 6379$/m);
  });

  it('carries the shipped rule pages in SARIF', () => {
    const run = portLens('check', '--format', 'sarif', 'project/compose.yaml');
    const rules = (JSON.parse(run.stdout) as { runs: { tool: { driver: { rules: { id: string; help: { markdown: string } }[] } } }[] }).runs[0].tool.driver.rules;
    const markdown = rules.find((rule) => rule.id === 'sensitive-port-exposed')?.help.markdown ?? '';
    assert.match(markdown, /^# sensitive-port-exposed\n/);
    assert.match(markdown, /\n## Bad\n/);
  });

  it('looks a port up in the shipped IANA data', () => {
    const run = portLens('lookup', '5432');
    assert.equal(run.status, 0, describeFailure(run));
    assert.match(run.stdout, /^5432 .*PostgreSQL$/m);
    assert.match(run.stdout, /^ {2}postgresql\/tcp +PostgreSQL Database$/m);
  });
});

describe('--max-file-size and the analysis ceiling', () => {
  const ceilingText = `${MAX_ANALYSED_LENGTH / 1024 ** 2}MB`;

  it('is capped at the longest text the analysis reads', () => {
    assert.equal(MAX_FILE_SIZE_CEILING, MAX_ANALYSED_LENGTH);
  });

  it('accepts the ceiling itself', () => {
    const command = parseArguments(['check', '--max-file-size', ceilingText]);
    assert.equal(command.kind === 'check' && command.selection.maxFileSize, MAX_ANALYSED_LENGTH);
  });

  for (const size of [`${MAX_ANALYSED_LENGTH + 1}`, '9MB', '100MB', '1GB']) {
    it(`refuses ${size}, naming the ceiling`, () => {
      assert.throws(
        () => parseArguments(['scan', `--max-file-size=${size}`]),
        (error: unknown) => error instanceof UsageError && error.message === `--max-file-size must be at most ${ceilingText}, the largest file Port Lens analyses, not "${size}"`,
      );
    });
  }

  it('is a usage error with exit code 2 for every command that reads files', () => {
    const root = tempTree({ 'compose.yaml': RISKY_COMPOSE });
    try {
      for (const command of ['check', 'scan', 'graph']) {
        const run = runInProcess([command, '--max-file-size', '100MB', '.'], { cwd: root });
        assert.equal(run.code, 2, command);
        assert.equal(run.stdout, '', command);
        assert.match(run.stderr, new RegExp(`--max-file-size must be at most ${ceilingText}`), command);
      }
    } finally {
      removeTree(root);
    }
  });

  it('is stated in the help of the commands that read files', () => {
    for (const topic of ['check', 'scan', 'graph'] as const) {
      assert.match(HELP[topic], new RegExp(`--max-file-size <size> +Skip larger files \\(default 5MB, at most ${ceilingText};`), topic);
    }
  });
});
