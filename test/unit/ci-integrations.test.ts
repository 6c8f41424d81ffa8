/**
 * The pre-commit hook (.pre-commit-hooks.yaml) and the GitHub Action (action.yml).
 *
 * The end-to-end pre-commit test installs the hook the way a user's machine does (pre-commit runs
 * `npm install` on a clone of this repository, which fetches every development package from the npm
 * registry) and takes one to two minutes, so it runs only when asked:
 *   PORT_LENS_PRE_COMMIT_TEST=1 npx mocha --no-config --timeout 600000 out/test/unit/ci-integrations.test.js
 * It needs `pre-commit` (Debian package `pre-commit`), git and access to the npm registry.
 */
import * as assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ignore from 'ignore';
import { parse as parseYaml } from 'yaml';
import { detectFormats } from '../../src/core/scanners/index';
import { CLI_BUNDLE, createSarifValidator, REPO_ROOT, removeTree, tempTree } from './cliHarness';

const RISKY_COMPOSE = 'services:\n  cache:\n    image: redis:7\n    ports:\n      - "6379:6379"\n';
const FIXED_COMPOSE = RISKY_COMPOSE.replace('"6379:6379"', '"127.0.0.1:6379:6379"');

interface HookDefinition {
  readonly id: string;
  readonly entry: string;
  readonly language: string;
  readonly files: string;
  readonly pass_filenames?: boolean;
  readonly require_serial?: boolean;
  readonly args?: readonly string[];
}

interface ActionStep {
  readonly id?: string;
  readonly shell?: string;
  readonly run?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly 'working-directory'?: string;
}

interface ActionDefinition {
  readonly inputs: Readonly<Record<string, { readonly default?: string; readonly required?: boolean }>>;
  readonly runs: { readonly using: string; readonly steps: readonly ActionStep[] };
}

function readYaml<T>(fileName: string): T {
  return parseYaml(fs.readFileSync(path.join(REPO_ROOT, fileName), 'utf8')) as T;
}

function commandExists(command: string): boolean {
  return spawnSync(command, ['--version'], { encoding: 'utf8' }).status === 0;
}

function describeFailure(result: SpawnSyncReturns<string>): string {
  return `exit ${result.status}\n${result.stdout}\n${result.stderr}`;
}

/** pre-commit matches `files` with Python's re.search; the pattern starts with (?i), which JavaScript writes as a flag. */
function hookFilePattern(hook: HookDefinition): RegExp {
  assert.ok(hook.files.startsWith('(?i)'), 'the pattern is case-insensitive like the scanners');
  return new RegExp(hook.files.slice('(?i)'.length), 'i');
}

describe('the pre-commit hook', () => {
  const hooks = readYaml<HookDefinition[]>('.pre-commit-hooks.yaml');
  const hook = hooks.find((candidate) => candidate.id === 'port-lens');

  it('runs `port-lens check` on the files of the commit, installed with npm', () => {
    assert.ok(hook);
    assert.equal(hook.language, 'node');
    assert.equal(hook.entry, 'port-lens check');
    assert.equal(hook.pass_filenames, true);
    assert.equal(hook.require_serial, true, 'one run sees all the files, as a directory check would');
    assert.equal(hook.args, undefined, 'users set --fail-on and other options through args of their own');
  });

  it('is a command the npm package provides', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    assert.equal(manifest.bin[hook?.entry.split(' ')[0] ?? ''], './dist/cli.js');
    assert.match(manifest.scripts.prepare ?? '', /^node esbuild\.js\b/, 'a clone builds dist/cli.js when pre-commit installs it');
  });

  it('passes every file whose name tells Port Lens its format', () => {
    const pattern = hookFilePattern(hook as HookDefinition);
    const named = [
      'Dockerfile', 'services/api/Dockerfile.prod', 'Containerfile', 'build/app.dockerfile', 'compose.yaml', 'deploy/docker-compose.override.yml',
      'nginx.conf', 'site.nginx', 'site.nginx.conf', 'etc/nginx/conf.d/default.conf', 'etc/nginx/sites-available/default', 'sites-enabled/app',
      'etc/ufw/user.rules', 'etc/ufw/user6.rules', 'iptables.rules', 'ip6tables-save.rules', 'rules.v4', 'rules.v6', 'fw.iptables', 'fw.ip6tables',
      'ruleset.nft', 'nftables.conf', 'sshd_config', 'etc/ssh/sshd_config.d/10-port.conf', 'httpd.conf', 'apache2.conf', 'ports.conf',
      'etc/apache2/conf-enabled/app.conf', 'haproxy.cfg', 'haproxy-edge.cfg', 'systemd/app.socket', 'infra/main.tf',
    ];
    for (const fileName of named) {
      assert.notDeepEqual(detectFormats(fileName, ''), [], `Port Lens reads ${fileName} by its name`);
      assert.match(fileName, pattern);
    }
  });

  it('passes the files whose content tells: YAML, JSON, CloudFormation templates, XML, shell scripts and .conf files', () => {
    const pattern = hookFilePattern(hook as HookDefinition);
    for (const fileName of ['k8s/deploy.yaml', 'k8s/service.YML', 'cfn/stack.json', 'cfn/stack.template', 'firewalld/zones/public.xml', 'scripts/firewall.sh', 'setup.bash', 'setup.zsh', 'proxy/conf', 'misc/app.conf']) {
      assert.match(fileName, pattern);
    }
  });

  it('leaves out files Port Lens never reads', () => {
    const pattern = hookFilePattern(hook as HookDefinition);
    for (const fileName of ['README.md', 'src/main.go', 'settings.cfg', 'custom.rules', 'docs/compose.md', 'media/logo.png', 'Dockerfile.d/notes.txt']) {
      assert.deepEqual(detectFormats(fileName, ''), [], fileName);
      assert.doesNotMatch(fileName, pattern);
    }
  });
});

describe('the GitHub Action', function () {
  this.timeout(60_000);
  const action = readYaml<ActionDefinition>('action.yml');
  const checkStep = action.runs.steps.find((step) => step.id === 'check');

  it('is a composite action with the documented inputs and defaults', () => {
    assert.equal(action.runs.using, 'composite');
    assert.deepEqual(
      Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default])),
      { paths: '.', 'sarif-file': 'port-lens.sarif', 'fail-on': 'error' },
    );
    assert.ok(Object.values(action.inputs).every((input) => input.required === false));
    for (const step of action.runs.steps) {
      assert.equal(step.shell, 'bash', `step ${step.id} names its shell, as composite actions must`);
    }
  });

  it('builds the command line in its own checkout only when dist/cli.js is missing', () => {
    const build = action.runs.steps.find((step) => step.id === 'build');
    assert.equal(build?.['working-directory'], '${{ github.action_path }}');
    assert.match(build?.run ?? '', /if \[ ! -f dist\/cli\.js \]; then\n\s+npm ci /);
  });

  it('passes inputs to its script as environment variables only', () => {
    assert.ok(checkStep?.run);
    assert.doesNotMatch(checkStep.run, /\$\{\{/);
  });

  describe('its check step, run as the runner does', () => {
    const validateSarif = createSarifValidator();
    let workspace: string;

    before(function () {
      if (!fs.existsSync(CLI_BUNDLE)) {
        console.log('    NOTICE: dist/cli.js is not built ("node esbuild.js"); the action script tests are skipped.');
        this.skip();
      }
    });

    beforeEach(() => {
      workspace = tempTree({ 'compose.yaml': RISKY_COMPOSE, 'fixed/compose.yaml': FIXED_COMPOSE, 'other/compose.yaml': FIXED_COMPOSE });
    });

    afterEach(() => removeTree(workspace));

    /** Fills in the `${{ }}` expressions of the step's env the way the runner would and runs its script with bash -eo pipefail. */
    function runCheck(inputs: Readonly<Record<string, string>> = {}): SpawnSyncReturns<string> {
      const values: Record<string, string> = { 'github.action_path': REPO_ROOT };
      for (const [name, input] of Object.entries(action.inputs)) {
        values[`inputs.${name}`] = inputs[name] ?? input.default ?? '';
      }
      const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
      for (const [name, value] of Object.entries(checkStep?.env ?? {})) {
        env[name] = value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expression: string) => {
          assert.ok(expression in values, `unknown expression ${expression}`);
          return values[expression];
        });
      }
      const script = path.join(workspace, '.step.sh');
      fs.writeFileSync(script, checkStep?.run ?? '');
      try {
        return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env, encoding: 'utf8' });
      } finally {
        fs.rmSync(script);
      }
    }

    function sarifResults(fileName: string): { ruleId: string; uri: string }[] {
      const document = JSON.parse(fs.readFileSync(path.join(workspace, fileName), 'utf8')) as {
        runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
      };
      assert.deepEqual(validateSarif(document), []);
      return document.runs.flatMap((run) => run.results.map((result) => ({ ruleId: result.ruleId, uri: result.locations[0].physicalLocation.artifactLocation.uri })));
    }

    it('fails on an error finding by default, writes it to port-lens.sarif and shows it in the log', () => {
      const run = runCheck();
      assert.equal(run.status, 1, describeFailure(run));
      assert.ok(sarifResults('port-lens.sarif').some((result) => result.ruleId === 'sensitive-port-exposed' && result.uri === 'compose.yaml'));
      assert.match(run.stdout, /^compose\.yaml:5:10 error sensitive-port-exposed /m);
      assert.match(run.stdout, /^Port Lens wrote port-lens\.sarif$/m);
    });

    it('still writes the report but passes with fail-on none', () => {
      const run = runCheck({ 'fail-on': 'none' });
      assert.equal(run.status, 0, describeFailure(run));
      assert.ok(sarifResults('port-lens.sarif').some((result) => result.ruleId === 'sensitive-port-exposed'));
    });

    it('checks only the listed paths, separated by spaces or new lines, and creates the report directory', () => {
      const run = runCheck({ paths: 'fixed\n other/compose.yaml ', 'sarif-file': 'reports/ports.sarif' });
      assert.equal(run.status, 0, describeFailure(run));
      assert.deepEqual(sarifResults('reports/ports.sarif'), []);
      assert.doesNotMatch(run.stdout, /sensitive-port-exposed/);
    });

    it('fails with the usage error for a fail-on level the command line does not know', () => {
      const run = runCheck({ 'fail-on': 'sometimes' });
      assert.equal(run.status, 2, describeFailure(run));
      assert.match(run.stderr, /--fail-on must be one of error, warning, info, none, not "sometimes"/);
    });
  });

  it('is valid against the action schema of @action-validator/cli, when that is installed', function () {
    let manifestFile: string;
    try {
      manifestFile = require.resolve('@action-validator/cli/package.json', { paths: [REPO_ROOT] });
    } catch {
      console.log('    NOTICE: @action-validator/cli is not installed; action.yml was not validated against the schema.');
      this.skip();
    }
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { bin: string | Record<string, string> };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0];
    const run = spawnSync(process.execPath, [path.join(path.dirname(manifestFile), bin), 'action.yml'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(run.status, 0, describeFailure(run));
  });
});

/** The files of the working tree that a commit would hold: everything .gitignore does not exclude. */
function copyWorkingTree(target: string): void {
  const ignored = ignore().add(fs.readFileSync(path.join(REPO_ROOT, '.gitignore'), 'utf8')).add('.git/');
  const visit = (relative: string): void => {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (ignored.ignores(entry.isDirectory() ? `${name}/` : name)) {
        continue;
      }
      if (entry.isDirectory()) {
        fs.mkdirSync(path.join(target, name), { recursive: true });
        visit(name);
      } else if (entry.isFile()) {
        fs.copyFileSync(path.join(REPO_ROOT, name), path.join(target, name));
      }
    }
  };
  visit('');
}

describe('the pre-commit hook in a real commit', function () {
  this.timeout(600_000);
  let scratch: string;

  before(function () {
    if (process.env.PORT_LENS_PRE_COMMIT_TEST !== '1') {
      console.log('    NOTICE: the pre-commit end-to-end test runs only with PORT_LENS_PRE_COMMIT_TEST=1 (one to two minutes, needs the npm registry).');
      this.skip();
    }
    if (!commandExists('pre-commit') || !commandExists('git')) {
      console.log('    NOTICE: pre-commit or git is not installed; the pre-commit end-to-end test is skipped.');
      this.skip();
    }
    scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'port-lens-pre-commit-')));
  });

  after(() => {
    if (scratch) {
      removeTree(scratch);
    }
  });

  it('refuses a commit that publishes Redis to every interface and accepts it once bound to localhost', () => {
    // Git and pre-commit settings of an enclosing hook or test run must not leak in.
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(GIT_|PRE_COMMIT|npm_)/i.test(name)));
    Object.assign(env, {
      PRE_COMMIT_HOME: path.join(scratch, 'cache'),
      GIT_AUTHOR_NAME: 'Port Lens test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'Port Lens test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    });
    const run = (command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> => spawnSync(command, args, { cwd, env, encoding: 'utf8' });
    const mustRun = (command: string, args: readonly string[], cwd: string): string => {
      const result = run(command, args, cwd);
      assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${describeFailure(result)}`);
      return result.stdout.trim();
    };

    const hookRepository = path.join(scratch, 'port-lens');
    fs.mkdirSync(hookRepository);
    copyWorkingTree(hookRepository);
    mustRun('git', ['init', '--quiet'], hookRepository);
    mustRun('git', ['add', '--all'], hookRepository);
    mustRun('git', ['commit', '--quiet', '--message', 'Port Lens'], hookRepository);
    const revision = mustRun('git', ['rev-parse', 'HEAD'], hookRepository);

    const project = path.join(scratch, 'project');
    fs.mkdirSync(project);
    mustRun('git', ['init', '--quiet'], project);
    fs.writeFileSync(path.join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepository}\n    rev: ${revision}\n    hooks:\n      - id: port-lens\n`);
    mustRun('pre-commit', ['install'], project);

    fs.writeFileSync(path.join(project, 'compose.yaml'), RISKY_COMPOSE);
    mustRun('git', ['add', '--all'], project);
    const refused = run('git', ['commit', '--message', 'Add Redis'], project);
    assert.notEqual(refused.status, 0, describeFailure(refused));
    assert.match(refused.stdout + refused.stderr, /compose\.yaml:5:10 error sensitive-port-exposed Redis \(6379\/tcp\)/);

    fs.writeFileSync(path.join(project, 'compose.yaml'), FIXED_COMPOSE);
    mustRun('git', ['add', '--all'], project);
    const accepted = run('git', ['commit', '--message', 'Add Redis on localhost'], project);
    assert.equal(accepted.status, 0, describeFailure(accepted));
    assert.match(accepted.stdout + accepted.stderr, /Port Lens\.+Passed/);
  });
});
