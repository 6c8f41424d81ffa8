/**
 * Port Lens reads text and reports on it; it never opens a connection, starts a process, runs
 * code or writes a file, whatever the files it reads say. Every way Node offers to do those is
 * made to throw (and to record the call) while the command line checks `examples/` and while
 * every example is analysed; the runs must succeed with nothing recorded. A project
 * configuration must not make the command line read outside the tree it checks either.
 */
import * as assert from 'node:assert/strict';
import type * as ChildProcessModule from 'node:child_process';
import type * as FsModule from 'node:fs';
import type * as HttpModule from 'node:http';
import { createRequire } from 'node:module';
import type * as NetModule from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { analyzeFile } from '../../src/core/analysis';
import { removeTree, REPO_ROOT, runInProcess, tempTree } from './cliHarness';
import { loadSeeds, typeScriptFilesUnder } from './propertyInputs';

type Patchable = Record<string, unknown>;

/**
 * Node's own module objects, whose properties can be replaced. An `import * as` namespace is a
 * frozen copy made of getters; the code under test reads through such getters to these objects
 * at call time, so a function replaced here is the one it calls.
 */
const loadBuiltin = createRequire(__filename);
const childProcess = loadBuiltin('node:child_process') as typeof ChildProcessModule & Patchable;
const dgram = loadBuiltin('node:dgram') as Patchable;
const fs = loadBuiltin('node:fs') as typeof FsModule & Patchable;
const http = loadBuiltin('node:http') as typeof HttpModule & Patchable;
const https = loadBuiltin('node:https') as Patchable;
const net = loadBuiltin('node:net') as typeof NetModule & Patchable;
const tls = loadBuiltin('node:tls') as Patchable;
const vm = loadBuiltin('node:vm') as Patchable;
const workerThreads = loadBuiltin('node:worker_threads') as Patchable;

interface Patch {
  readonly target: Patchable;
  readonly name: string;
  readonly label: string;
}

/** Every way to reach the network, start a process or run code, and every way to write a file. */
const FORBIDDEN: readonly Patch[] = [
  ...(['request', 'get'] as const).map((name) => ({ target: http as unknown as Patchable, name, label: `http.${name}` })),
  ...(['request', 'get'] as const).map((name) => ({ target: https as unknown as Patchable, name, label: `https.${name}` })),
  ...(['connect', 'createConnection'] as const).map((name) => ({ target: net as unknown as Patchable, name, label: `net.${name}` })),
  { target: net.Socket.prototype as unknown as Patchable, name: 'connect', label: 'net.Socket.prototype.connect' },
  { target: tls as unknown as Patchable, name: 'connect', label: 'tls.connect' },
  { target: dgram as unknown as Patchable, name: 'createSocket', label: 'dgram.createSocket' },
  ...(['spawn', 'exec', 'execFile', 'fork', 'spawnSync', 'execSync', 'execFileSync'] as const).map((name) => ({
    target: childProcess as unknown as Patchable,
    name,
    label: `child_process.${name}`,
  })),
  { target: globalThis as unknown as Patchable, name: 'fetch', label: 'fetch' },
  { target: workerThreads as unknown as Patchable, name: 'Worker', label: 'worker_threads.Worker' },
  ...(['runInThisContext', 'runInNewContext', 'runInContext', 'compileFunction'] as const).map((name) => ({
    target: vm as unknown as Patchable,
    name,
    label: `vm.${name}`,
  })),
  // Checking is read-only: nothing may be written, moved or deleted.
  ...(
    [
      'writeFileSync', 'writeFile', 'appendFileSync', 'appendFile', 'mkdirSync', 'mkdir', 'rmSync', 'rm', 'unlinkSync', 'unlink',
      'renameSync', 'rename', 'copyFileSync', 'copyFile', 'createWriteStream', 'symlinkSync', 'chmodSync', 'truncateSync',
    ] as const
  ).map((name) => ({ target: fs as unknown as Patchable, name, label: `fs.${name}` })),
];

/** Runs `work` with every forbidden function throwing; returns what was attempted. Restores everything. */
function withEverythingForbidden(work: () => void): string[] {
  const attempted: string[] = [];
  const originals = FORBIDDEN.map((patch) => ({ patch, original: patch.target[patch.name], had: Object.prototype.hasOwnProperty.call(patch.target, patch.name) }));
  try {
    for (const { patch } of originals) {
      Object.defineProperty(patch.target, patch.name, {
        configurable: true,
        writable: true,
        value: function forbidden(): never {
          attempted.push(patch.label);
          throw new Error(`${patch.label} is not allowed while checking files`);
        },
      });
    }
    work();
  } finally {
    for (const { patch, original, had } of originals) {
      if (had) {
        Object.defineProperty(patch.target, patch.name, { configurable: true, writable: true, value: original });
      } else {
        delete patch.target[patch.name];
      }
    }
  }
  return attempted;
}

/** Runs `work` and returns every path it read, listed or looked at, absolute. */
function pathsTouched(work: () => void): string[] {
  const touched: string[] = [];
  const names = ['readFileSync', 'readdirSync', 'statSync', 'lstatSync', 'existsSync', 'realpathSync', 'openSync', 'readFile', 'opendirSync', 'accessSync'] as const;
  const target = fs as unknown as Patchable;
  const originals = names.map((name) => ({ name, original: target[name] as (...args: unknown[]) => unknown }));
  try {
    for (const { name, original } of originals) {
      const wrapped = function (this: unknown, ...args: unknown[]): unknown {
        if (typeof args[0] === 'string') {
          touched.push(path.resolve(args[0]));
        }
        return original.apply(this, args);
      };
      // `realpathSync.native` is read by some callers; keep it reachable.
      Object.assign(wrapped, original);
      Object.defineProperty(target, name, { configurable: true, writable: true, value: wrapped });
    }
    work();
  } finally {
    for (const { name, original } of originals) {
      Object.defineProperty(target, name, { configurable: true, writable: true, value: original });
    }
  }
  return touched;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

describe('isolation: no network, no processes, no writes', () => {
  it('makes every forbidden call throw and restores it afterwards', () => {
    const attempted = withEverythingForbidden(() => {
      assert.throws(() => http.get('http://127.0.0.1:9/'), /not allowed/);
      assert.throws(() => childProcess.execSync('true'), /not allowed/);
      assert.throws(() => fs.writeFileSync(path.join(REPO_ROOT, 'never-written'), ''), /not allowed/);
    });
    assert.deepEqual(attempted, ['http.get', 'child_process.execSync', 'fs.writeFileSync']);
    assert.equal(typeof http.get, 'function');
    assert.notEqual(http.get.name, 'forbidden');
    assert.notEqual(childProcess.execSync.name, 'forbidden');
    assert.notEqual(fs.writeFileSync.name, 'forbidden');
  });

  it('checks examples/ from the command line (text, JSON and SARIF) without any of them', () => {
    const runs: { code: number; stdout: string; stderr: string }[] = [];
    const attempted = withEverythingForbidden(() => {
      for (const format of ['text', 'json', 'sarif']) {
        runs.push(runInProcess(['check', '--format', format, '--fail-on', 'none', 'examples'], { cwd: REPO_ROOT }));
      }
      runs.push(runInProcess(['scan', '--json', 'examples'], { cwd: REPO_ROOT }));
      runs.push(runInProcess(['lookup', '2375'], { cwd: REPO_ROOT }));
    });
    assert.deepEqual(attempted, []);
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr, /internal error|not allowed/);
      assert.ok(run.stdout.length > 0);
    }
    const report = JSON.parse(runs[1].stdout) as { files: { path: string; diagnostics: unknown[] }[] };
    assert.ok(report.files.length >= 8, `${report.files.length} example files checked`);
    assert.ok(report.files.some((file) => file.diagnostics.length > 0), 'the examples have findings');
  });

  it('analyses every example and fixture without any of them', () => {
    const seeds = loadSeeds();
    let references = 0;
    const attempted = withEverythingForbidden(() => {
      for (const seed of seeds) {
        references += analyzeFile(seed.fileName, seed.text)?.references.length ?? 0;
      }
    });
    assert.deepEqual(attempted, []);
    assert.ok(seeds.length >= 8 && references > 0, `${seeds.length} files, ${references} references`);
  });

  it('fetches nothing a file or configuration points at (schema URLs, image names, includes)', () => {
    const root = tempTree({
      '.portlens.json': JSON.stringify({ $schema: 'https://example.invalid/schema.json', customPorts: { '9999': 'Ours' } }),
      'compose.yaml': 'include:\n  - https://example.invalid/compose.yaml\nservices:\n  web:\n    image: registry.example.invalid/web\n    build: https://example.invalid/repo.git\n    ports: ["2375:2375"]\n',
      Dockerfile: '# syntax=example.invalid/frontend\nFROM example.invalid/base\nADD https://example.invalid/file /file\nEXPOSE 22\n',
      'nginx.conf': 'include /etc/nginx/conf.d/*.conf;\nserver { listen 80; proxy_pass http://example.invalid:8080; }\n',
      'zones/public.xml': '<?xml version="1.0"?>\n<!DOCTYPE zone SYSTEM "http://example.invalid/zone.dtd">\n<zone><port port="22" protocol="tcp"/></zone>\n',
    });
    try {
      let run = { code: -1, stdout: '', stderr: '' };
      const attempted = withEverythingForbidden(() => {
        run = runInProcess(['check', '--format', 'json', '--fail-on', 'none', '.'], { cwd: root });
      });
      assert.deepEqual(attempted, []);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as { files: { path: string }[] };
      assert.deepEqual(report.files.map((file) => file.path).sort(), ['Dockerfile', 'compose.yaml', 'nginx.conf', 'zones/public.xml']);
    } finally {
      removeTree(root);
    }
  });
});

describe('isolation: the command line reads only the tree it checks', () => {
  let root: string;
  let project: string;
  let secret: string;

  before(() => {
    root = tempTree({
      // A sibling of the checked project, full of files Port Lens would read if it got there.
      'secret/compose.yaml': 'services:\n  leak:\n    ports: ["2375:2375"]\n',
      'secret/Dockerfile': 'FROM alpine\nEXPOSE 23\n',
      'secret/.env': 'LEAKED_VALUE=2375\n',
      // The variable would take the secret's value if a linked `.env` were read.
      'project/compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["${LEAKED_VALUE:-8080}:80"]\n',
      'project/Dockerfile': 'FROM alpine\nEXPOSE 8080\n',
    });
    project = path.join(root, 'project');
    secret = path.join(root, 'secret');
    // A repository boundary, so the search for configuration stops at the project.
    fs.mkdirSync(path.join(project, '.git'));
  });
  after(() => removeTree(root));

  /** Writes the project's configuration, runs `check .` in it, and returns the run and what it touched. */
  function checkWithConfig(config: unknown): { run: { code: number; stdout: string; stderr: string }; outside: string[] } {
    fs.writeFileSync(path.join(project, '.portlens.json'), JSON.stringify(config));
    let run = { code: -1, stdout: '', stderr: '' };
    const touched = pathsTouched(() => {
      run = runInProcess(['check', '--format', 'json', '--fail-on', 'none', '.'], { cwd: project });
    });
    // The bundled port data lives with the program, not with the checked files.
    const dataDirectory = path.join(REPO_ROOT, 'data');
    const outside = [...new Set(touched)].filter((file) => !isInside(project, file) && !isInside(dataDirectory, file) && isInside(root, file));
    return { run, outside };
  }

  const HOSTILE_GLOBS: readonly (readonly [string, readonly string[]])[] = [
    ['parent-relative globs', ['../secret/**', '../**', '..']],
    ['absolute globs', ['/**', '/etc/**', '/tmp/**']],
    ['negated globs', ['!../secret/**', '!**/*', '!/**']],
    ['globs with braces and parent steps inside', ['{..,.}/secret/**', '**/../../secret/*', './../secret']],
  ];

  for (const [name, globs] of HOSTILE_GLOBS) {
    it(`ignores ${name} in "exclude" for anything outside the checked tree`, () => {
      const { run, outside } = checkWithConfig({ exclude: globs });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(outside, [], `read outside the checked tree: ${outside.join(', ')}`);
      const report = JSON.parse(run.stdout) as { files: { path: string }[] };
      assert.ok(report.files.every((file) => !file.path.includes('secret')), run.stdout);
    });
  }

  it('has no configuration key that names files to read', () => {
    const { run, outside } = checkWithConfig({ include: ['../secret/**', '/etc/passwd'], files: ['../secret/compose.yaml'], extends: '../secret/.portlens.json', env: '../secret/.env' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /unknown key "include" is ignored/);
    assert.deepEqual(outside, []);
  });

  it('does not follow a symbolic link out of the tree, even as a Compose override or .env file', function () {
    const links: [string, string][] = [
      [path.join(project, 'linked'), secret],
      [path.join(project, 'compose.override.yaml'), path.join(secret, 'compose.yaml')],
      [path.join(project, '.env'), path.join(secret, '.env')],
    ];
    try {
      for (const [link, target] of links) {
        fs.symlinkSync(target, link);
      }
    } catch {
      // Creating links needs a privilege on some systems; nothing to check there.
      this.skip();
    }
    try {
      const { run, outside } = checkWithConfig({});
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as { files: { path: string; diagnostics: { message: string }[] }[] };
      assert.ok(report.files.every((file) => !file.path.startsWith('linked')), run.stdout);
      assert.doesNotMatch(run.stdout, /leak|2375/);
      assert.deepEqual(outside, [], `read outside the checked tree: ${outside.join(', ')}`);
    } finally {
      for (const [link] of links) {
        fs.rmSync(link, { force: true });
      }
    }
  });
});

describe('isolation: what the shipped bundles can reach', () => {
  /** Node modules a bundle may load: files, paths, URLs, and hashing (the GitLab report's fingerprints). */
  const ALLOWED_MODULES = new Set(['node:fs', 'node:path', 'node:url', 'node:crypto', 'vscode']);

  /** The modules a bundle requires, built as `npm run build` builds it but kept in memory. */
  async function requiredModules(entry: string): Promise<string[]> {
    const result = await esbuild.build({
      entryPoints: [path.join(REPO_ROOT, entry)],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: ['vscode'],
      // As esbuild.js bundles it: the `yaml` package's ES build.
      alias: { yaml: path.join(REPO_ROOT, 'node_modules', 'yaml', 'browser', 'index.js') },
      write: false,
      logLevel: 'silent',
      outfile: path.join(REPO_ROOT, 'out', 'isolation-check.js'),
    });
    const code = result.outputFiles[0].text;
    const modules = new Set<string>();
    for (const match of code.matchAll(/\brequire\("([^"]+)"\)/g)) {
      modules.add(match[1]);
    }
    assert.doesNotMatch(code, /\bimport\(|\bprocess\.binding\(|\bnew Function\(|\beval\(/, `${entry}: no dynamic import, native binding or code evaluation`);
    return [...modules].sort();
  }

  for (const entry of ['src/extension.ts', 'src/cli/main.ts']) {
    it(`${entry} loads no network, process, worker or code-evaluation module`, async function () {
      this.timeout(60_000);
      const modules = await requiredModules(entry);
      assert.ok(modules.includes('node:fs'), modules.join(', '));
      assert.deepEqual(modules.filter((name) => !ALLOWED_MODULES.has(name)), []);
    });
  }

  it('imports no node:net: the core reads addresses with a parser of its own, which the web extension can run', () => {
    const sources = typeScriptFilesUnder(path.join(REPO_ROOT, 'src'));
    const netImports = sources.filter((file) => /from 'node:net'|require\('node:net'\)/.test(fs.readFileSync(file, 'utf8')));
    assert.deepEqual(netImports.map((file) => path.relative(REPO_ROOT, file)), []);
  });
});
