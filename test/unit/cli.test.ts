import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeFile } from '../../src/core/analysis';
import { RULES, ruleById } from '../../src/core/rules/index';
import { LineIndex } from '../../src/core/text';
import { WorkspaceModel } from '../../src/core/wiring/graph';
import {
  createSarifValidator,
  DOCS_PROJECT,
  ensureBundle,
  permissionsAreIgnored,
  removeTree,
  REPO_ROOT,
  runInProcess,
  spawnCli,
  tempTree,
} from './cliHarness';
import type { CliRun } from './cliHarness';

interface CheckJson {
  files: { path: string; format: string; diagnostics: { rule: string; severity: string; message: string; line: number; column: number; endLine: number; endColumn: number }[] }[];
  skipped: { path: string; reason: string }[];
  summary: { files: number; filesWithProblems: number; problems: number; errors: number; warnings: number; infos: number; skipped: number; failOn: string; failed: boolean };
}

interface ScanJson {
  files: { path: string; format: string; references: Record<string, unknown>[]; problems: Record<string, unknown>[] }[];
  skipped: { path: string; reason: string }[];
}

/** Two findings at known places: an out-of-range EXPOSE and an out-of-range Compose host port. */
const PROJECT: Readonly<Record<string, string>> = {
  Dockerfile: 'FROM alpine:3.20\nEXPOSE 8080 99999\n',
  'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "127.0.0.1:70000:80"\n',
};

/** The start of an ANSI colour sequence. */
const ESCAPE = '\u001b[';

function json<T>(run: CliRun): T {
  return JSON.parse(run.stdout) as T;
}

function checkJson(cwd: string, ...argv: string[]): { run: CliRun; report: CheckJson } {
  const run = runInProcess(['check', '--format', 'json', ...argv], { cwd });
  return { run, report: json<CheckJson>(run) };
}

function paths(report: { files: { path: string }[] }): string[] {
  return report.files.map((file) => file.path);
}

/** 1-based line, column and exclusive end column of the first occurrence of `needle`. */
function positionOf(text: string, needle: string): { line: number; column: number; endLine: number; endColumn: number } {
  const offset = text.indexOf(needle);
  assert.ok(offset >= 0, `"${needle}" is in the text`);
  const lines = new LineIndex(text);
  const start = lines.positionAt(offset);
  const end = lines.positionAt(offset + needle.length);
  return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

describe('port-lens check', () => {
  let project: string;
  before(() => {
    project = tempTree(PROJECT);
  });
  after(() => removeTree(project));

  it('reports findings with 1-based positions and an exclusive end column', () => {
    const { run, report } = checkJson(project);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    assert.deepEqual(paths(report), ['Dockerfile', 'compose.yaml']);
    const [dockerfile, compose] = report.files;
    assert.equal(dockerfile.format, 'dockerfile');
    assert.deepEqual(dockerfile.diagnostics.map(({ rule, severity, line, column, endLine, endColumn }) => ({ rule, severity, line, column, endLine, endColumn })), [
      { rule: 'invalid-port', severity: 'error', ...positionOf(PROJECT.Dockerfile, '99999') },
    ]);
    assert.equal(compose.format, 'compose');
    assert.deepEqual(compose.diagnostics.map(({ rule, line, column, endColumn }) => ({ rule, line, column, endColumn })), [
      { rule: 'invalid-port', line: 5, column: positionOf(PROJECT['compose.yaml'], '70000').column, endColumn: positionOf(PROJECT['compose.yaml'], '70000').endColumn },
    ]);
    assert.deepEqual(report.summary, { files: 2, filesWithProblems: 2, problems: 2, errors: 2, warnings: 0, infos: 0, skipped: 0, failOn: 'error', failed: true });
    assert.deepEqual(report.skipped, []);
  });

  it('counts columns in UTF-16 code units', () => {
    const rules = '*filter\n-A INPUT -m comment --comment "🚀 edge" -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n';
    const tree = tempTree({ 'rules.v4': rules });
    try {
      const diagnostic = checkJson(tree).report.files[0].diagnostics[0];
      const lineStart = rules.indexOf('-A');
      const column = rules.indexOf('99999') - lineStart + 1;
      assert.deepEqual({ line: diagnostic.line, column: diagnostic.column, endColumn: diagnostic.endColumn }, { line: 2, column, endColumn: column + 5 });
      assert.equal([...rules.slice(lineStart, rules.indexOf('99999'))].length + 1, column - 1, 'a column in code points would be one less');
    } finally {
      removeTree(tree);
    }
  });

  it('prints text grouped by file with a summary line', () => {
    const run = runInProcess(['check'], { cwd: project });
    assert.equal(run.code, 1);
    const { line, column } = positionOf(PROJECT.Dockerfile, '99999');
    const compose = positionOf(PROJECT['compose.yaml'], '70000');
    const lines = run.stdout.split('\n');
    assert.match(lines[0], new RegExp(`^Dockerfile:${line}:${column} error invalid-port Port 99999 `));
    assert.equal(lines[1], '', 'a blank line between files');
    assert.match(lines[2], new RegExp(`^compose\\.yaml:${compose.line}:${compose.column} error invalid-port `));
    assert.equal(lines[3], '');
    assert.equal(lines[4], '2 problems (2 errors, 0 warnings, 0 infos) in 2 files');
    assert.equal(lines[5], 'Run "port-lens explain invalid-port" for what a rule means and how to fix it.');
    assert.equal(lines[6], '');
    assert.equal(run.stdout.includes(ESCAPE), false, 'no colours when stdout is not a terminal');
  });

  const colourCases: { name: string; isTTY: boolean; env: Record<string, string>; coloured: boolean }[] = [
    { name: 'on a terminal', isTTY: true, env: {}, coloured: true },
    { name: 'on a terminal with NO_COLOR=1', isTTY: true, env: { NO_COLOR: '1' }, coloured: false },
    { name: 'on a terminal with an empty NO_COLOR', isTTY: true, env: { NO_COLOR: '' }, coloured: true },
    { name: 'in a pipe', isTTY: false, env: {}, coloured: false },
  ];
  for (const { name, isTTY, env, coloured } of colourCases) {
    it(`${coloured ? 'uses' : 'does not use'} colours ${name}`, () => {
      const run = runInProcess(['check'], { cwd: project, isTTY, env });
      assert.equal(run.stdout.includes(`${ESCAPE}31merror${ESCAPE}39m`), coloured, 'errors are red');
      assert.equal(run.stdout.includes(ESCAPE), coloured);
    });
  }

  it('says "1 problem" and "1 file" in the singular', () => {
    const run = runInProcess(['check', 'Dockerfile'], { cwd: project });
    assert.match(run.stdout, /\n1 problem \(1 error, 0 warnings, 0 infos\) in 1 file\nRun "port-lens explain invalid-port" /);
  });

  it('prints a clean summary and exits 0 when nothing is wrong', () => {
    const tree = tempTree({ Dockerfile: 'FROM alpine\nEXPOSE 8080\n' });
    try {
      const run = runInProcess(['check'], { cwd: tree });
      assert.deepEqual(run, { code: 0, stdout: '0 problems (0 errors, 0 warnings, 0 infos) in 1 file\n', stderr: '' });
    } finally {
      removeTree(tree);
    }
  });

  const failOnCases: { severity: string; failOn: string; expect: number }[] = [
    { severity: 'error', failOn: 'error', expect: 1 },
    { severity: 'error', failOn: 'none', expect: 0 },
    { severity: 'warning', failOn: 'error', expect: 0 },
    { severity: 'warning', failOn: 'warning', expect: 1 },
    { severity: 'warning', failOn: 'info', expect: 1 },
    { severity: 'info', failOn: 'warning', expect: 0 },
    { severity: 'info', failOn: 'info', expect: 1 },
    { severity: 'info', failOn: 'none', expect: 0 },
    { severity: 'off', failOn: 'info', expect: 0 },
  ];
  for (const { severity, failOn, expect } of failOnCases) {
    it(`exits ${expect} for a finding set to ${severity} with --fail-on ${failOn}`, () => {
      const tree = tempTree({ Dockerfile: 'FROM alpine\nEXPOSE 99999\n', '.portlens.json': JSON.stringify({ rules: { 'invalid-port': severity } }) });
      try {
        const { run, report } = checkJson(tree, '--fail-on', failOn);
        assert.equal(run.code, expect);
        const severities = report.files.flatMap((file) => file.diagnostics.map((diagnostic) => diagnostic.severity));
        assert.deepEqual(severities, severity === 'off' ? [] : [severity]);
        assert.equal(report.summary.failed, expect === 1);
      } finally {
        removeTree(tree);
      }
    });
  }

  it('reads the portLens section of package.json when there is no .portlens.json', () => {
    const tree = tempTree({ Dockerfile: 'FROM alpine\nEXPOSE 99999\n', 'package.json': '{"name":"x","portLens":{"rules":{"invalid-port":"off"}}}' });
    try {
      assert.equal(checkJson(tree).run.code, 0);
    } finally {
      removeTree(tree);
    }
  });

  it('finds .portlens.json in a directory above and uses --config over it', () => {
    const tree = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.portlens.json': '{"rules":{"invalid-port":"off"}}',
      'strict.json': '{"rules":{"invalid-port":"warning"}}',
      'app/Dockerfile': 'FROM alpine\nEXPOSE 99999\n',
    });
    try {
      const cwd = path.join(tree, 'app');
      assert.equal(checkJson(cwd).report.summary.problems, 0, 'the file in the parent directory applies');
      const strict = checkJson(cwd, '--config', '../strict.json');
      assert.equal(strict.report.summary.warnings, 1);
      assert.equal(strict.run.code, 0);
    } finally {
      removeTree(tree);
    }
  });

  it('reports a malformed configuration entry on stderr and keeps going', () => {
    const tree = tempTree({ Dockerfile: 'FROM alpine\nEXPOSE 99999\n', '.portlens.json': '{"rules":{"invalid-port":"loud"},"exclude":["nothing"]}' });
    try {
      const run = runInProcess(['check'], { cwd: tree });
      assert.equal(run.code, 1);
      assert.equal(run.stderr, 'port-lens: .portlens.json: rules: "invalid-port" is set to "loud"; use "error", "warning", "info" or "off".\n');
    } finally {
      removeTree(tree);
    }
  });

  it('checks NodePorts against the range in .portlens.json', () => {
    const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 20080\n';
    const tree = tempTree({ 'service.yaml': service });
    try {
      assert.deepEqual(checkJson(tree).report.files[0].diagnostics.map((diagnostic: { rule: string }) => diagnostic.rule), ['nodeport-out-of-range']);
      fs.writeFileSync(path.join(tree, '.portlens.json'), '{"nodePortRange":"20000-22767"}');
      assert.deepEqual(checkJson(tree).report.files[0].diagnostics, []);
    } finally {
      removeTree(tree);
    }
  });

  it('finds host port conflicts between compose.yaml and compose.override.yaml, even when only one is named', () => {
    const tree = tempTree({
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n',
      'compose.override.yaml': 'services:\n  api:\n    image: api\n    ports:\n      - "8080:3000"\n',
    });
    try {
      const both = checkJson(tree).report.files.map((file: { path: string; diagnostics: { rule: string; line: number; message: string }[] }) => ({ path: file.path, conflicts: file.diagnostics.filter((diagnostic) => diagnostic.rule === 'host-port-conflict').map((diagnostic) => diagnostic.line) }));
      assert.deepEqual(both, [{ path: 'compose.override.yaml', conflicts: [5] }, { path: 'compose.yaml', conflicts: [5] }]);
      const one = checkJson(tree, 'compose.yaml').report.files;
      assert.equal(one.length, 1);
      const conflict = one[0].diagnostics.find((diagnostic: { rule: string }) => diagnostic.rule === 'host-port-conflict');
      assert.match(conflict?.message ?? '', /"api" \(compose\.override\.yaml line 5\)/);
      // `!override` replaces the base file's list instead of appending to it.
      fs.writeFileSync(path.join(tree, 'compose.override.yaml'), 'services:\n  web:\n    ports: !override\n      - "8081:80"\n  api:\n    image: api\n    ports:\n      - "8080:3000"\n');
      const replaced = checkJson(tree).report.files.flatMap((file: { diagnostics: { rule: string }[] }) => file.diagnostics.filter((diagnostic) => diagnostic.rule === 'host-port-conflict'));
      assert.deepEqual(replaced, []);
    } finally {
      removeTree(tree);
    }
  });

  const unusableConfigs: { name: string; files: Record<string, string>; argv: string[]; expect: RegExp }[] = [
    { name: 'invalid JSON', files: { '.portlens.json': '{"rules":' }, argv: [], expect: /^port-lens: \.portlens\.json: not valid JSON \(.*\)\.\n$/ },
    { name: 'a JSON array', files: { '.portlens.json': '[]' }, argv: [], expect: /^port-lens: \.portlens\.json: the configuration must be a JSON object\.\n$/ },
    { name: 'a missing --config file', files: {}, argv: ['--config', 'nope.json'], expect: /^port-lens: cannot read --config nope\.json: no such file or directory\n$/ },
  ];
  for (const { name, files, argv, expect } of unusableConfigs) {
    it(`stops with exit code 2 on ${name}`, () => {
      const tree = tempTree({ Dockerfile: 'FROM alpine\nEXPOSE 80\n', ...files });
      try {
        const run = runInProcess(['check', ...argv], { cwd: tree });
        assert.equal(run.code, 2);
        assert.equal(run.stdout, '');
        assert.match(run.stderr, expect);
      } finally {
        removeTree(tree);
      }
    });
  }

  it('gives the same findings as the editor on examples/', () => {
    const { run, report } = checkJson(REPO_ROOT, 'examples');
    assert.equal(run.stderr, '');
    const examples: string[] = [];
    const walk = (directory: string) => {
      for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) {
          walk(full);
        } else {
          examples.push(full);
        }
      }
    };
    walk(path.join(REPO_ROOT, 'examples'));
    // What the editor shows for each file: analyzeFile on its absolute name and text, and the
    // workspace findings of a model that holds every file.
    const analysed = examples
      .map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }))
      .map(({ file, text }) => ({ file, text, analysis: analyzeFile(file, text) }))
      .filter(({ analysis }) => analysis !== undefined);
    const model = new WorkspaceModel();
    for (const { file, text, analysis } of analysed) {
      model.setFile(file, text, analysis);
    }
    const expected = analysed
      .map(({ file, text, analysis }) => ({
        path: path.relative(REPO_ROOT, file).split(path.sep).join('/'),
        diagnostics: [...(analysis?.diagnostics ?? []), ...model.diagnosticsFor(file)]
          .map((diagnostic) => ({ rule: diagnostic.rule, severity: diagnostic.severity, message: diagnostic.message, ...positionOfRange(text, diagnostic.range) }))
          .sort((a, b) => a.line - b.line || a.column - b.column),
      }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
    assert.ok(expected.length >= 8, 'every example file is supported');
    assert.ok(expected.some((file) => file.diagnostics.some((diagnostic) => diagnostic.rule === 'proxy-port-not-listening')), 'workspace findings are among them');
    const actual = report.files.map(({ path: file, diagnostics }) => ({
      path: file,
      diagnostics: diagnostics.map(({ rule, severity, message, line, column, endLine, endColumn }) => ({ rule, severity, message, line, column, endLine, endColumn })),
    }));
    assert.deepEqual(actual, expected);
  });
});

interface RelatedJson {
  message: string;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface DiagnosticJson {
  rule: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  related?: RelatedJson[];
}

/** A throwaway copy of one example directory, so a test can add links or files to it. */
function exampleCopy(relative: string): string {
  const tree = tempTree({});
  fs.cpSync(path.join(REPO_ROOT, 'examples', relative), tree, { recursive: true });
  return tree;
}

/** The 1-based lines of a file whose comment says `# wired` or `# broken`. */
function markedLines(text: string, mark: 'wired' | 'broken'): number[] {
  return text.split('\n').flatMap((line, index) => (new RegExp(`#\\s*${mark}\\b`).test(line) ? [index + 1] : []));
}

function diagnosticsOf(report: CheckJson, file: string): DiagnosticJson[] {
  return (report.files.find((entry) => entry.path === file)?.diagnostics ?? []) as DiagnosticJson[];
}

describe('port-lens check across files', () => {
  let wiring: string;
  before(() => {
    wiring = exampleCopy('wiring');
  });
  after(() => removeTree(wiring));

  it('finds every broken wire of examples/wiring, each on its line, and nothing on the wired lines', () => {
    const { run, report } = checkJson(wiring);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const compose = diagnosticsOf(report, 'compose.yaml');
    const nginx = diagnosticsOf(report, 'proxy/nginx.conf');
    const found = (diagnostics: DiagnosticJson[], rule: string) => diagnostics.filter((diagnostic) => diagnostic.rule === rule);
    const [container] = found(compose, 'container-port-not-listening');
    assert.ok(container, 'container-port-not-listening');
    assert.match(container.message, /web listens on 8080 \(web\/Dockerfile:9\)/);
    assert.equal(found(nginx, 'proxy-port-not-listening').length, 1);
    assert.match(found(nginx, 'proxy-port-not-listening')[0].message, /api:5001/);
    assert.equal(found(nginx, 'dial-published-port').length, 1);
    assert.match(found(nginx, 'dial-published-port')[0].message, /frontend:3000/);
    assert.match(found(compose, 'environment-url-port-not-listening')[0]?.message ?? '', /cache:6380/);
    assert.match(found(compose, 'healthcheck-port-not-listening')[0]?.message ?? '', /localhost:8081/);
    assert.ok(found(compose, 'published-port-bypasses-firewall').some((diagnostic) => /ufw deny 5432/.test(diagnostic.message)));
    for (const file of ['compose.yaml', 'proxy/nginx.conf']) {
      const text = fs.readFileSync(path.join(wiring, file), 'utf8');
      const lines = new Set(diagnosticsOf(report, file).map((diagnostic) => diagnostic.line));
      const wired = markedLines(text, 'wired');
      assert.ok(wired.length > 0, `${file} has wired lines`);
      assert.deepEqual(wired.filter((line) => lines.has(line)), [], `${file}: no finding on a wired line`);
      assert.deepEqual(markedLines(text, 'broken').filter((line) => !lines.has(line)), [], `${file}: a finding on every broken line`);
    }
  });

  it('finds the broken wires of examples/k8s/wiring.yaml and nothing on its wired lines', () => {
    const { report } = checkJson(REPO_ROOT, 'examples/k8s/wiring.yaml');
    const diagnostics = diagnosticsOf(report, 'examples/k8s/wiring.yaml');
    const text = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'k8s', 'wiring.yaml'), 'utf8');
    const lines = new Set(diagnostics.map((diagnostic) => diagnostic.line));
    assert.deepEqual(markedLines(text, 'wired').filter((line) => lines.has(line)), []);
    assert.deepEqual(markedLines(text, 'broken').filter((line) => !lines.has(line)), []);
    for (const rule of ['probe-port-undeclared', 'service-target-port-unmatched', 'backend-port-undefined']) {
      assert.ok(diagnostics.some((diagnostic) => diagnostic.rule === rule), rule);
    }
  });

  it('reads the Dockerfile a service builds when only the Compose file is selected, and reports only the Compose file', () => {
    const { report } = checkJson(wiring, 'compose.yaml');
    assert.deepEqual(paths(report), ['compose.yaml'], 'a file read as context is not reported');
    assert.equal(report.summary.files, 1);
    const container = diagnosticsOf(report, 'compose.yaml').find((diagnostic) => diagnostic.rule === 'container-port-not-listening');
    assert.ok(container, 'the finding needs web/Dockerfile');
    assert.match(container.message, /web\/Dockerfile:9/);
    const text = runInProcess(['check', 'compose.yaml'], { cwd: wiring }).stdout;
    assert.match(text, /^compose\.yaml:13:25 error container-port-not-listening /m);
    assert.doesNotMatch(text, /^web\/Dockerfile:/m);
  });

  it('carries related locations in other files in JSON, with their own positions', () => {
    const { report } = checkJson(wiring, 'compose.yaml');
    const container = diagnosticsOf(report, 'compose.yaml').find((diagnostic) => diagnostic.rule === 'container-port-not-listening');
    const dockerfile = fs.readFileSync(path.join(wiring, 'web', 'Dockerfile'), 'utf8');
    assert.deepEqual(container?.related, [{ message: 'web listens here', path: 'web/Dockerfile', ...positionOf(dockerfile, '8080') }]);
    const healthcheck = diagnosticsOf(report, 'compose.yaml').find((diagnostic) => diagnostic.rule === 'healthcheck-port-not-listening');
    assert.ok(healthcheck?.related?.some((related) => related.path === 'compose.yaml'), 'one in the same file has its path too');
    const dockerfileOnly = checkJson(wiring, 'web/Dockerfile').report;
    assert.ok(dockerfileOnly.files[0].diagnostics.every((diagnostic) => !('related' in diagnostic)), 'no related key without related locations');
  });

  it('does not read a Dockerfile that is reached only through a symbolic link', function () {
    const outside = tempTree({ 'Dockerfile': 'FROM alpine\nEXPOSE 8080\n' });
    const compose = 'services:\n  web:\n    build: ./web\n    ports:\n      - "127.0.0.1:8000:80"\n';
    const linkedDirectory = tempTree({ 'compose.yaml': compose });
    const linkedFile = tempTree({ 'compose.yaml': compose, 'web/.keep': '' });
    const plain = tempTree({ 'compose.yaml': compose, 'web/Dockerfile': 'FROM alpine\nEXPOSE 8080\n' });
    try {
      try {
        fs.symlinkSync(outside, path.join(linkedDirectory, 'web'));
        fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(linkedFile, 'web', 'Dockerfile'));
      } catch {
        this.skip();
      }
      const rules = (tree: string) => diagnosticsOf(checkJson(tree, 'compose.yaml').report, 'compose.yaml').map((diagnostic) => diagnostic.rule);
      assert.ok(rules(plain).includes('container-port-not-listening'), 'a plain Dockerfile is read');
      assert.deepEqual(rules(linkedDirectory), [], 'a linked build context is not followed');
      assert.deepEqual(rules(linkedFile), [], 'a linked Dockerfile is not followed');
    } finally {
      for (const tree of [outside, linkedDirectory, linkedFile, plain]) {
        removeTree(tree);
      }
    }
  });

  it('does not read a context file over --max-file-size', () => {
    const tree = tempTree({
      'compose.yaml': 'services:\n  web:\n    build: ./web\n    ports:\n      - "127.0.0.1:8000:80"\n',
      'web/Dockerfile': `FROM alpine\n${'# padding\n'.repeat(300)}EXPOSE 8080\n`,
    });
    try {
      const rules = (...argv: string[]) => diagnosticsOf(checkJson(tree, 'compose.yaml', ...argv).report, 'compose.yaml').map((diagnostic) => diagnostic.rule);
      assert.deepEqual(rules(), ['container-port-not-listening']);
      assert.deepEqual(rules('--max-file-size', '1KB'), []);
    } finally {
      removeTree(tree);
    }
  });

  it('reads a Dockerfile with any name that build.dockerfile gives', () => {
    const tree = tempTree({
      'compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      dockerfile: docker/web.build\n    ports:\n      - "127.0.0.1:8000:80"\n',
      'docker/web.build': 'FROM alpine\nEXPOSE 8080\n',
    });
    try {
      const { report } = checkJson(tree);
      assert.deepEqual(paths(report), ['compose.yaml']);
      assert.deepEqual(diagnosticsOf(report, 'compose.yaml').map((diagnostic) => diagnostic.rule), ['container-port-not-listening']);
    } finally {
      removeTree(tree);
    }
  });
});

function positionOfRange(text: string, range: { start: number; end: number }) {
  const lines = new LineIndex(text);
  const start = lines.positionAt(range.start);
  const end = lines.positionAt(range.end);
  return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

describe('port-lens file discovery', () => {
  it('honours .gitignore files, root and nested, and always skips .git and node_modules', () => {
    const tree = tempTree({
      '.gitignore': 'build/\n*.generated.yaml\n!keep.generated.yaml\nDockerfile.*\n',
      'Dockerfile': 'FROM a\nEXPOSE 99999\n',
      'build/Dockerfile': 'FROM a\nEXPOSE 99999\n',
      'deploy/app.generated.yaml': 'apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: 99999\n',
      'deploy/keep.generated.yaml': 'apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: 99999\n',
      'deploy/.gitignore': 'local/\n',
      'deploy/local/Dockerfile': 'FROM a\nEXPOSE 99999\n',
      'deploy/Dockerfile.prod': 'FROM a\nEXPOSE 99999\n',
      'deploy/nested/.gitignore': '!Dockerfile.dev\n',
      'deploy/nested/Dockerfile.dev': 'FROM a\nEXPOSE 99999\n',
      'deploy/nested/Dockerfile.test': 'FROM a\nEXPOSE 99999\n',
      'node_modules/pkg/Dockerfile': 'FROM a\nEXPOSE 99999\n',
      '.git/Dockerfile': 'FROM a\nEXPOSE 99999\n',
    });
    try {
      const { report } = checkJson(tree);
      assert.deepEqual(paths(report), ['Dockerfile', 'deploy/keep.generated.yaml', 'deploy/nested/Dockerfile.dev']);
    } finally {
      removeTree(tree);
    }
  });

  it('applies the .gitignore files above a checked subdirectory, up to the repository root', () => {
    const tree = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'generated/\n',
      'services/api/Dockerfile': 'FROM a\nEXPOSE 99999\n',
      'services/api/generated/Dockerfile': 'FROM a\nEXPOSE 99999\n',
    });
    try {
      assert.deepEqual(paths(checkJson(tree, 'services').report), ['services/api/Dockerfile']);
    } finally {
      removeTree(tree);
    }
  });

  it('reads a path named on the command line even when .gitignore covers it', () => {
    const tree = tempTree({ '.gitignore': 'ignored/\n', 'ignored/Dockerfile': 'FROM a\nEXPOSE 99999\n' });
    try {
      assert.deepEqual(paths(checkJson(tree).report), []);
      assert.deepEqual(paths(checkJson(tree, 'ignored').report), ['ignored/Dockerfile']);
      assert.deepEqual(paths(checkJson(tree, 'ignored/Dockerfile').report), ['ignored/Dockerfile']);
    } finally {
      removeTree(tree);
    }
  });

  const excludeCases: { name: string; argv: string[]; config?: unknown; expect: string[] }[] = [
    { name: 'a name glob at any depth', argv: ['--exclude', '*.yaml'], expect: ['Dockerfile', 'vendor/Dockerfile'] },
    { name: 'a directory and everything under it', argv: ['--exclude', 'vendor'], expect: ['Dockerfile', 'k8s/svc.yaml'] },
    { name: 'a path glob', argv: ['--exclude', 'k8s/**'], expect: ['Dockerfile', 'vendor/Dockerfile'] },
    { name: 'several globs', argv: ['--exclude', 'vendor', '--exclude=k8s'], expect: ['Dockerfile'] },
    { name: 'the exclude list of .portlens.json', argv: [], config: { exclude: ['vendor/**'] }, expect: ['Dockerfile', 'k8s/svc.yaml'] },
    { name: 'a file named on the command line', argv: ['vendor/Dockerfile', 'Dockerfile', '--exclude', 'vendor'], expect: ['Dockerfile'] },
  ];
  for (const { name, argv, config, expect } of excludeCases) {
    it(`excludes ${name}`, () => {
      const tree = tempTree({
        Dockerfile: 'FROM a\nEXPOSE 80\n',
        'vendor/Dockerfile': 'FROM a\nEXPOSE 80\n',
        'k8s/svc.yaml': 'apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: 80\n',
        ...(config ? { '.portlens.json': JSON.stringify(config) } : {}),
      });
      try {
        assert.deepEqual(paths(checkJson(tree, ...argv).report), expect);
      } finally {
        removeTree(tree);
      }
    });
  }

  it('detects formats from content where the name is generic, and passes over other files quietly', () => {
    const tree = tempTree({
      'deploy/web.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n',
      'deploy/values.yaml': 'replicas: 3\n',
      'zones/public.xml': '<?xml version="1.0"?>\n<zone>\n  <port protocol="tcp" port="8443"/>\n</zone>\n',
      'scripts/firewall': '#!/bin/bash\nufw allow 22/tcp\n',
      'scripts/notes': 'ufw allow 22/tcp\n',
      'scripts/tool': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]),
      'README.md': 'ufw allow 22/tcp\n',
    });
    try {
      const { run, report } = checkJson(tree);
      assert.deepEqual(report.files.map((file) => [file.path, file.format]), [
        ['deploy/web.yaml', 'kubernetes'],
        ['scripts/firewall', 'ufw'],
        ['zones/public.xml', 'firewalld'],
      ]);
      assert.deepEqual(report.skipped, []);
      assert.equal(run.stderr, '');
    } finally {
      removeTree(tree);
    }
  });

  it('reports a file named on the command line whose format is unknown, without failing', () => {
    const tree = tempTree({ 'notes.txt': 'hello\n' });
    try {
      const { run, report } = checkJson(tree, 'notes.txt');
      assert.equal(run.code, 0);
      assert.deepEqual(report.skipped, [{ path: 'notes.txt', reason: 'not a supported file (its format could not be detected; see --format-of)' }]);
      const text = runInProcess(['check', 'notes.txt'], { cwd: tree });
      assert.equal(text.stderr, 'port-lens: skipped notes.txt: not a supported file (its format could not be detected; see --format-of)\n');
    } finally {
      removeTree(tree);
    }
  });

  it('reads files as the format --format-of names, the last matching glob winning', () => {
    const tree = tempTree({ 'firewall/edge.txt': '-A INPUT -p tcp --dport 99999 -j ACCEPT\n', 'firewall/other.rules': 'allow 22\n' });
    try {
      const { report } = checkJson(tree, '--format-of', '*.txt=ufw', '--format-of', 'firewall/*.txt=iptables');
      assert.deepEqual(report.files.map((file) => [file.path, file.format]), [['firewall/edge.txt', 'iptables']]);
      assert.deepEqual(report.files[0].diagnostics.map((diagnostic) => [diagnostic.rule, diagnostic.line, diagnostic.column]), [['invalid-port', 1, 25]]);
    } finally {
      removeTree(tree);
    }
  });

  it('resolves Compose variables from the .env file beside it', () => {
    const tree = tempTree({
      'app/compose.yaml': 'services:\n  web:\n    image: nginx\n    ports:\n      - "${WEB_PORT}:80"\n      - "${MISSING_PORT}:81"\n',
      'app/.env': '# ports\nWEB_PORT=70000\n',
    });
    try {
      const { report } = checkJson(tree);
      assert.deepEqual(report.files[0].diagnostics.map((diagnostic) => [diagnostic.rule, diagnostic.line]), [['invalid-port', 5], ['unresolved-port', 6]]);
    } finally {
      removeTree(tree);
    }
  });

  it('skips binary files and files over the size limit, and goes on', () => {
    const tree = tempTree({
      Dockerfile: 'FROM a\nEXPOSE 99999\n',
      'blob.nft': Buffer.concat([Buffer.from('table inet f {\n'), Buffer.from([0]), Buffer.from('}\n')]),
      'big/nginx.conf': `${'# padding\n'.repeat(300)}server { listen 99999; }\n`,
    });
    try {
      const { run, report } = checkJson(tree, '--max-file-size', '2KB');
      assert.equal(run.code, 1);
      assert.deepEqual(paths(report), ['Dockerfile']);
      assert.deepEqual(report.skipped, [
        { path: 'big/nginx.conf', reason: 'larger than the 2 KB limit (3025 bytes; see --max-file-size)' },
        { path: 'blob.nft', reason: 'binary file (contains a NUL byte)' },
      ]);
      assert.equal(report.summary.skipped, 2);
      const text = runInProcess(['check', '--max-file-size', '2KB'], { cwd: tree });
      assert.equal(text.stderr, [
        'port-lens: skipped big/nginx.conf: larger than the 2 KB limit (3025 bytes; see --max-file-size)',
        'port-lens: skipped blob.nft: binary file (contains a NUL byte)',
        '',
      ].join('\n'));
    } finally {
      removeTree(tree);
    }
  });

  it('skips a file over the default 5 MB limit', () => {
    const tree = tempTree({ 'huge/nginx.conf': `${'#'.repeat(5 * 1024 * 1024)}\n` });
    try {
      const { report } = checkJson(tree);
      assert.deepEqual(report.skipped, [{ path: 'huge/nginx.conf', reason: 'larger than the 5 MB limit (5242881 bytes; see --max-file-size)' }]);
    } finally {
      removeTree(tree);
    }
  });

  it('reads a file exactly at the limit', () => {
    const tree = tempTree({ 'nginx.conf': 'server { listen 99999; }\n' });
    try {
      const { report } = checkJson(tree, '--max-file-size', '25');
      assert.deepEqual(paths(report), ['nginx.conf']);
    } finally {
      removeTree(tree);
    }
  });

  it('never follows a symbolic link out of the tree, and does not read a file twice through one', function () {
    const outside = tempTree({ 'Dockerfile': 'FROM a\nEXPOSE 99999\n', 'conf/nginx.conf': 'server { listen 99999; }\n' });
    const tree = tempTree({ 'Dockerfile': 'FROM a\nEXPOSE 80\n' });
    try {
      try {
        fs.symlinkSync(path.join(outside, 'conf'), path.join(tree, 'linked-conf'));
        fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(tree, 'other.dockerfile'));
        fs.symlinkSync(path.join(tree, 'Dockerfile'), path.join(tree, 'again.dockerfile'));
      } catch {
        this.skip();
      }
      const { report } = checkJson(tree);
      assert.deepEqual(paths(report), ['Dockerfile']);
      assert.deepEqual(report.skipped, [
        { path: 'linked-conf', reason: 'symbolic link to outside the checked tree, not followed' },
        { path: 'other.dockerfile', reason: 'symbolic link to outside the checked tree, not followed' },
      ]);
      assert.deepEqual(paths(checkJson(tree, 'other.dockerfile').report), ['other.dockerfile'], 'a link named on the command line is followed');
    } finally {
      removeTree(tree);
      removeTree(outside);
    }
  });

  it('exits 2 for a path that does not exist, and still reports the others', () => {
    const tree = tempTree({ Dockerfile: 'FROM a\nEXPOSE 99999\n' });
    try {
      const run = runInProcess(['check', 'missing', 'Dockerfile'], { cwd: tree });
      assert.equal(run.code, 2);
      assert.match(run.stdout, /^Dockerfile:2:8 error invalid-port /);
      assert.equal(run.stderr, 'port-lens: cannot read missing: no such file or directory\n');
      const { report } = checkJson(tree, 'missing', 'Dockerfile');
      assert.deepEqual(report.skipped, [{ path: 'missing', reason: 'no such file or directory' }]);
      assert.equal(report.summary.problems, 1);
    } finally {
      removeTree(tree);
    }
  });

  describe('without read permission', () => {
    let tree: string;
    beforeEach(() => {
      tree = tempTree({ Dockerfile: 'FROM a\nEXPOSE 99999\n', 'locked/compose.yaml': 'services: {}\n', 'secret/nginx.conf': 'server { listen 80; }\n' });
      fs.chmodSync(path.join(tree, 'secret', 'nginx.conf'), 0o000);
      fs.chmodSync(path.join(tree, 'locked'), 0o000);
    });
    afterEach(() => {
      fs.chmodSync(path.join(tree, 'locked'), 0o755);
      fs.chmodSync(path.join(tree, 'secret', 'nginx.conf'), 0o644);
      removeTree(tree);
    });

    it('reports an unreadable file and directory as skipped and checks the rest', function () {
      if (permissionsAreIgnored()) {
        // Running as root (or with CAP_DAC_READ_SEARCH): mode 000 does not stop reads, so there is nothing to observe.
        this.skip();
      }
      const { run, report } = checkJson(tree);
      assert.equal(run.code, 1);
      assert.deepEqual(paths(report), ['Dockerfile']);
      assert.deepEqual(report.skipped, [
        { path: 'locked/', reason: 'cannot read directory: permission denied (EACCES)' },
        { path: 'secret/nginx.conf', reason: 'cannot read file: permission denied (EACCES)' },
      ]);
    });

    it('exits 2 when a directory named on the command line cannot be read', function () {
      if (permissionsAreIgnored()) {
        // As above: root can list a directory with mode 000.
        this.skip();
      }
      const run = runInProcess(['check', 'locked', 'Dockerfile'], { cwd: tree });
      assert.equal(run.code, 2);
      assert.equal(run.stderr, 'port-lens: cannot read locked: permission denied (EACCES)\n');
      assert.match(run.stdout, /^Dockerfile:2:8 error invalid-port/);
    });

    it('still checks everything it can read, whoever runs it', () => {
      const { report } = checkJson(tree);
      assert.ok(paths(report).includes('Dockerfile'));
      assert.equal(report.summary.errors, 1);
    });
  });
});

describe('port-lens check --format sarif', () => {
  const validate = createSarifValidator();

  it('writes valid SARIF 2.1.0 with rules, levels and relative locations', () => {
    const tree = tempTree({
      'sub dir/Dockerfile': 'FROM a\nEXPOSE 99999\n',
      'compose.yaml': 'services:\n  web:\n    image: x\n    ports:\n      - "${NOT_SET}:80"\n',
      'notes.txt': 'x\n',
    });
    try {
      const run = runInProcess(['check', '.', 'notes.txt', '--format', 'sarif'], { cwd: tree });
      assert.equal(run.code, 1);
      const log = JSON.parse(run.stdout);
      assert.deepEqual(validate(log), []);
      assert.equal(log.version, '2.1.0');
      const [sarifRun] = log.runs;
      assert.equal(sarifRun.tool.driver.name, 'Port Lens');
      assert.equal(sarifRun.columnKind, 'utf16CodeUnits');
      const rules = sarifRun.tool.driver.rules as { id: string; helpUri: string }[];
      for (const rule of rules) {
        assert.equal(rule.helpUri, `https://github.com/port-lens/port-lens/blob/main/docs/rules/${rule.id}.md`);
      }
      const results = sarifRun.results as { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: unknown } }[] }[];
      const dockerfile = results.find((result) => result.locations[0].physicalLocation.artifactLocation.uri === 'sub%20dir/Dockerfile');
      assert.ok(dockerfile, 'paths are percent-encoded URIs relative to the source root');
      assert.equal(dockerfile.level, 'error');
      assert.equal(dockerfile.locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
      assert.deepEqual(dockerfile.locations[0].physicalLocation.region, { startLine: 2, startColumn: 8, endLine: 2, endColumn: 13 });
      for (const result of results) {
        assert.equal(rules[result.ruleIndex].id, result.ruleId);
      }
      assert.equal(sarifRun.originalUriBaseIds['%SRCROOT%'].uri, pathToFileURL(`${tree}${path.sep}`).href);
      assert.deepEqual(sarifRun.invocations[0].toolExecutionNotifications.map((notification: { message: { text: string } }) => notification.message.text), [
        'Skipped notes.txt: not a supported file (its format could not be detected; see --format-of)',
      ]);
      assert.equal(sarifRun.invocations[0].executionSuccessful, true);
      assert.equal(run.stderr, '', 'skipped files are in the log, not on stderr');
    } finally {
      removeTree(tree);
    }
  });

  const levels: { severity: string; level: string }[] = [
    { severity: 'error', level: 'error' },
    { severity: 'warning', level: 'warning' },
    { severity: 'info', level: 'note' },
  ];
  for (const { severity, level } of levels) {
    it(`maps ${severity} to the SARIF level ${level}`, () => {
      const tree = tempTree({ Dockerfile: 'FROM a\nEXPOSE 99999\n', '.portlens.json': JSON.stringify({ rules: { 'invalid-port': severity } }) });
      try {
        const log = JSON.parse(runInProcess(['check', '--format', 'sarif'], { cwd: tree }).stdout);
        assert.deepEqual(validate(log), []);
        assert.deepEqual(log.runs[0].results.map((result: { level: string }) => result.level), [level]);
      } finally {
        removeTree(tree);
      }
    });
  }

  it('is valid with no results, and marks a run with an unreadable path as unsuccessful', () => {
    const tree = tempTree({ Dockerfile: 'FROM a\nEXPOSE 80\n' });
    try {
      const run = runInProcess(['check', '.', 'gone', '--format', 'sarif'], { cwd: tree });
      assert.equal(run.code, 2);
      const log = JSON.parse(run.stdout);
      assert.deepEqual(validate(log), []);
      assert.deepEqual(log.runs[0].results, []);
      // Every rule is described even when none fired, so viewers can show what was checked.
      const described = log.runs[0].tool.driver.rules as { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string; enabled: boolean } }[];
      assert.deepEqual(described.map((rule) => rule.id), RULES.map((rule) => rule.id));
      for (const rule of described) {
        assert.equal(rule.shortDescription.text, ruleById(rule.id)?.description);
      }
      assert.deepEqual(described.find((rule) => rule.id === 'privileged-port')?.defaultConfiguration, { level: 'note', enabled: false });
      assert.deepEqual(described.find((rule) => rule.id === 'invalid-port')?.defaultConfiguration, { level: 'error', enabled: true });
      assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
    } finally {
      removeTree(tree);
    }
  });

  it('puts related locations in other files in relatedLocations, with their artifact and region', () => {
    const tree = exampleCopy('wiring');
    try {
      const run = runInProcess(['check', 'compose.yaml', '--format', 'sarif'], { cwd: tree });
      const log = JSON.parse(run.stdout);
      assert.deepEqual(validate(log), []);
      const results = log.runs[0].results as { ruleId: string; relatedLocations?: unknown[] }[];
      const container = results.find((result) => result.ruleId === 'container-port-not-listening');
      const dockerfile = positionOf(fs.readFileSync(path.join(tree, 'web', 'Dockerfile'), 'utf8'), '8080');
      assert.deepEqual(container?.relatedLocations, [{
        id: 1,
        message: { text: 'web listens here' },
        physicalLocation: {
          artifactLocation: { uri: 'web/Dockerfile', uriBaseId: '%SRCROOT%' },
          region: { startLine: dockerfile.line, startColumn: dockerfile.column, endLine: dockerfile.endLine, endColumn: dockerfile.endColumn },
        },
      }]);
      assert.ok(results.filter((result) => result.relatedLocations === undefined).length > 0, 'a result without related locations has no relatedLocations');
    } finally {
      removeTree(tree);
    }
  });

  it('is valid for every example file', () => {
    const run = runInProcess(['check', 'examples', '--format', 'sarif'], { cwd: REPO_ROOT });
    assert.deepEqual(validate(JSON.parse(run.stdout)), []);
  });

  it('rejects what the schema forbids, so the validation is real', () => {
    assert.notDeepEqual(validate({ version: '2.1.0', runs: [{ tool: { driver: {} } }] }), []);
    assert.notDeepEqual(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }), []);
  });
});

describe('port-lens scan --json', () => {
  it('lists every reference of examples/ with the contract fields and exact text', () => {
    const run = runInProcess(['scan', 'examples', '--json'], { cwd: REPO_ROOT });
    assert.equal(run.code, 0);
    const report = json<ScanJson>(run);
    assert.deepEqual(report.skipped, []);
    assert.ok(report.files.length >= 8);
    const roles = new Set<unknown>();
    for (const file of report.files) {
      assert.deepEqual(Object.keys(file), ['path', 'format', 'references', 'problems']);
      const text = fs.readFileSync(path.join(REPO_ROOT, file.path), 'utf8');
      const lines = text.split(/\r\n|\r|\n/);
      for (const reference of file.references) {
        roles.add(reference.role);
        assert.deepEqual(Object.keys(reference).slice(0, 4), ['role', 'protocol', 'port', 'endPort']);
        for (const key of ['line', 'column', 'endLine', 'endColumn', 'text']) {
          assert.ok(key in reference, `${file.path}: a reference has ${key}`);
        }
        const { line, column, endLine, endColumn } = reference as { line: number; column: number; endLine: number; endColumn: number };
        assert.ok(line >= 1 && column >= 1, 'positions are 1-based');
        if (line === endLine) {
          assert.equal(lines[line - 1].slice(column - 1, endColumn - 1), reference.text, `${file.path}:${line}:${column} points at its text`);
        }
        if ('hostPort' in reference) {
          assert.ok('hostIp' in reference && 'hostPortEnd' in reference, 'a mapping has all three host fields');
        }
        if (reference.role === 'firewall') {
          assert.ok(typeof reference.action === 'string' && 'source' in reference, 'a firewall reference has action and source');
        }
        for (const offsets of ['range', 'portRange', 'hostPortRange', 'firewall']) {
          assert.ok(!(offsets in reference), `${offsets} is not printed`);
        }
      }
    }
    for (const role of ['expose', 'publish', 'container', 'service', 'nodePort', 'upstream', 'firewall']) {
      assert.ok(roles.has(role), `examples/ has a ${role} reference`);
    }
  });

  it('shows an ephemeral host port as null, an unbound host address as null, and firewall sources', () => {
    const tree = tempTree({
      'compose.yaml': 'services:\n  web:\n    image: x\n    ports:\n      - "8080"\n      - "9000:9000/udp"\n',
      'fw.sh': '#!/bin/sh\nufw allow 22/tcp\nufw allow from 10.0.0.0/8 to any port 5432 proto tcp\n',
    });
    try {
      const report = json<ScanJson>(runInProcess(['scan', '--json'], { cwd: tree }));
      const pick = ({ role, protocol, port, endPort, hostIp, hostPort, hostPortEnd, action, source, text }: Record<string, unknown>) =>
        ({ role, protocol, port, endPort, hostIp, hostPort, hostPortEnd, action, source, text });
      assert.deepEqual(report.files.find((file) => file.path === 'compose.yaml')?.references.map(pick), [
        { role: 'publish', protocol: 'tcp', port: 8080, endPort: 8080, hostIp: null, hostPort: null, hostPortEnd: null, action: undefined, source: undefined, text: '8080' },
        { role: 'publish', protocol: 'udp', port: 9000, endPort: 9000, hostIp: null, hostPort: 9000, hostPortEnd: 9000, action: undefined, source: undefined, text: '9000:9000/udp' },
      ]);
      assert.deepEqual(report.files.find((file) => file.path === 'fw.sh')?.references.map(({ port, action, source }) => ({ port, action, source })), [
        { port: 22, action: 'allow', source: null },
        { port: 5432, action: 'allow', source: '10.0.0.0/8' },
      ]);
    } finally {
      removeTree(tree);
    }
  });

  it('lists scanner problems with positions', () => {
    const tree = tempTree({ Dockerfile: 'FROM a\nEXPOSE 99999\n' });
    try {
      const report = json<ScanJson>(runInProcess(['scan', '--json'], { cwd: tree }));
      assert.deepEqual(report.files[0].problems, [
        { code: 'port-out-of-range', severity: 'error', message: 'Port 99999 is out of range (1-65535)', line: 2, column: 8, endLine: 2, endColumn: 13 },
      ]);
    } finally {
      removeTree(tree);
    }
  });

  it('prints one line per reference without --json, and exits 0 even with problems', () => {
    const tree = tempTree({ Dockerfile: 'FROM a\nEXPOSE 80 99999\n' });
    try {
      const run = runInProcess(['scan'], { cwd: tree });
      assert.deepEqual(run, {
        code: 0,
        stdout: 'Dockerfile:2:8 expose 80/tcp\nDockerfile:2:11 error port-out-of-range Port 99999 is out of range (1-65535)\n1 reference in 1 file\n',
        stderr: '',
      });
    } finally {
      removeTree(tree);
    }
  });
});

describe('port-lens lookup', () => {
  it('prints what is known about 6379 as JSON', () => {
    const run = runInProcess(['lookup', '6379', '--json'], { cwd: DOCS_PROJECT });
    assert.equal(run.code, 0);
    const record = json<Record<string, unknown>>(run);
    assert.deepEqual(Object.keys(record), ['port', 'protocol', 'class', 'name', 'notableRanges', 'iana', 'curated', 'sensitive', 'silencedSensitive', 'custom']);
    assert.equal(record.port, 6379);
    assert.equal(record.protocol, 'any');
    assert.equal(record.class, 'user');
    const iana = record.iana as { service: string; protocol: string | null; description: string; references: string[] }[];
    assert.deepEqual(iana.find((entry) => entry.service === 'redis'), { service: 'redis', protocol: 'tcp', description: 'An advanced key-value cache and store', references: [] });
    assert.ok((record.curated as { service: string }[]).some((entry) => entry.service === 'Redis'));
    const sensitive = record.sensitive as { severity: string; reason: string; mitigation: string; origin: string };
    assert.equal(sensitive.origin, 'built-in');
    assert.ok(['high', 'medium', 'low'].includes(sensitive.severity));
    assert.ok(sensitive.reason.length > 0 && sensitive.mitigation.length > 0);
    assert.equal(record.custom, null);
  });

  it('narrows the IANA entries to the protocol asked for', () => {
    const record = json<{ protocol: string; iana: { protocol: string | null }[] }>(runInProcess(['lookup', '53/udp', '--json'], { cwd: DOCS_PROJECT }));
    assert.equal(record.protocol, 'udp');
    assert.ok(record.iana.length > 0);
    assert.ok(record.iana.every((entry) => entry.protocol === 'udp' || entry.protocol === null));
  });

  it("shows the user's own entry from .portlens.json, and a silenced risk", () => {
    const tree = tempTree({ '.portlens.json': JSON.stringify({ customPorts: { '6379/tcp': { label: 'Session cache', description: 'VPC only' } }, sensitivePorts: { silenced: ['6379'] } }) });
    try {
      const record = json<{ custom: unknown; sensitive: unknown; silencedSensitive: boolean; name: string }>(runInProcess(['lookup', '6379', '--protocol', 'tcp', '--json'], { cwd: tree }));
      assert.deepEqual(record.custom, { label: 'Session cache', description: 'VPC only', port: 6379, endPort: 6379, protocol: 'tcp' });
      assert.equal(record.name, 'Session cache');
      assert.equal(record.sensitive, null);
      assert.equal(record.silencedSensitive, true);
    } finally {
      removeTree(tree);
    }
  });

  it('prints readable text for a port', () => {
    const run = runInProcess(['lookup', '6379'], { cwd: DOCS_PROJECT });
    assert.equal(run.code, 0);
    const lines = run.stdout.split('\n');
    assert.match(lines[0], /^6379 \(any protocol\) {2}\S/);
    assert.equal(lines[1], 'Class: user (registered, 1024-49151)');
    assert.match(run.stdout, /\nRisk \((high|medium|low)\) if reachable beyond the host: /);
    assert.match(run.stdout, /\nIANA:\n {2}redis\/tcp {2}An advanced key-value cache and store\n/);
  });

  it('searches by name and lists the best matches first', () => {
    const run = runInProcess(['lookup', 'redis'], { cwd: DOCS_PROJECT });
    assert.equal(run.code, 0);
    assert.match(run.stdout.split('\n')[0], /^6379\/tcp\s+Redis - /);
    const record = json<{ query: string; results: { port: number; match: { tier: string } }[] }>(runInProcess(['lookup', 'redis', '--json'], { cwd: DOCS_PROJECT }));
    assert.equal(record.query, 'redis');
    assert.equal(record.results[0].port, 6379);
    assert.ok(record.results.length <= 10);
    assert.equal(new Set(record.results.map((result) => result.port)).size, record.results.length, 'each port once');
  });

  const misses: { name: string; argv: string[]; expect: CliRun }[] = [
    { name: 'a name nothing matches exits 1', argv: ['lookup', 'zzqqxxyy'], expect: { code: 1, stdout: 'No port matches "zzqqxxyy".\n', stderr: '' } },
    { name: 'a name nothing matches, as JSON', argv: ['lookup', 'zzqqxxyy', '--json'], expect: { code: 1, stdout: '{\n  "query": "zzqqxxyy",\n  "results": []\n}\n', stderr: '' } },
    { name: 'a number above 65535 is a usage error', argv: ['lookup', '70000'], expect: { code: 2, stdout: '', stderr: 'port-lens: 70000 is not a port number (0-65535)\n' } },
  ];
  for (const { name, argv, expect } of misses) {
    it(name, () => {
      assert.deepEqual(runInProcess(argv, { cwd: DOCS_PROJECT }), expect);
    });
  }
});

describe('port-lens usage', () => {
  const cases: { name: string; argv: string[]; code: number; stdout: RegExp; stderr: RegExp }[] = [
    { name: '--help', argv: ['--help'], code: 0, stdout: /^Usage: port-lens <command> \[options\]\n[\s\S]*check \[paths\.\.\.\]/, stderr: /^$/ },
    { name: 'check --help', argv: ['check', '--help'], code: 0, stdout: /^Usage: port-lens check \[paths\.\.\.\] \[options\]\n[\s\S]*--fail-on/, stderr: /^$/ },
    { name: 'help lookup', argv: ['help', 'lookup'], code: 0, stdout: /^Usage: port-lens lookup <port\|name>/, stderr: /^$/ },
    { name: '--version', argv: ['--version'], code: 0, stdout: /^\d+\.\d+\.\d+\n$/, stderr: /^$/ },
    { name: 'no command', argv: [], code: 2, stdout: /^$/, stderr: /^port-lens: missing command; try "port-lens --help"\n$/ },
    { name: 'an unknown option', argv: ['check', '--strict'], code: 2, stdout: /^$/, stderr: /^port-lens: unknown option --strict for "check"\n$/ },
  ];
  for (const { name, argv, code, stdout, stderr } of cases) {
    it(name, () => {
      const run = runInProcess(argv, { cwd: DOCS_PROJECT });
      assert.equal(run.code, code);
      assert.match(run.stdout, stdout);
      assert.match(run.stderr, stderr);
    });
  }
});

describe('port-lens as a child process (dist/cli.js)', function () {
  this.timeout(60_000);
  before(() => ensureBundle());

  it('exits 1 with findings and prints them on stdout', () => {
    const run = spawnCli(['check'], DOCS_PROJECT);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^Dockerfile:2:8 error invalid-port Port 99999 is out of range/);
    assert.equal(run.stderr, '');
  });

  it('exits 0 with --fail-on none', () => {
    assert.equal(spawnCli(['check', '--fail-on', 'none'], DOCS_PROJECT).code, 0);
  });

  it('exits 2 with exactly one line on stderr for a usage error', () => {
    const run = spawnCli(['check', '--format', 'yaml'], DOCS_PROJECT);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'port-lens: --format must be one of text, json, sarif, github, gitlab, junit, checkstyle, not "yaml"\n');
  });

  it('writes valid SARIF', () => {
    const run = spawnCli(['check', '--format', 'sarif'], DOCS_PROJECT);
    assert.equal(run.code, 1);
    assert.deepEqual(createSarifValidator()(JSON.parse(run.stdout)), []);
  });

  it('uses no colours when stdout is a pipe', () => {
    assert.equal(spawnCli(['check'], DOCS_PROJECT).stdout.includes(ESCAPE), false);
  });

  it('scans examples/ as JSON', () => {
    const run = spawnCli(['scan', 'examples', '--json'], REPO_ROOT);
    assert.equal(run.code, 0);
    assert.ok(json<ScanJson>(run).files.length >= 8);
  });

  it('looks up 6379 as JSON, finding its data next to the bundle', () => {
    const run = spawnCli(['lookup', '6379', '--json'], DOCS_PROJECT);
    assert.equal(run.code, 0);
    assert.equal(json<{ port: number }>(run).port, 6379);
  });

  it('prints the package version', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(spawnCli(['--version'], DOCS_PROJECT).stdout, `${manifest.version}\n`);
  });

  it('starts with a shebang so it runs as the port-lens bin', () => {
    assert.match(fs.readFileSync(path.join(REPO_ROOT, 'dist', 'cli.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });
});
