// Installs and serves a real VS Code (code-server, which carries VS Code 1.100.3)
// without reaching anything but the npm registry. Used by `npm start`, the offline
// integration runner and the UI check.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, copyFileSync, symlinkSync, rmSync, mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const installRoot = path.join(projectRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
const packageDir = path.join(installRoot, 'node_modules', 'code-server');
const vscodeDir = path.join(packageDir, 'lib', 'vscode');
const entryPoint = path.join(packageDir, 'out', 'node', 'entry.js');
// Written last, so a half-finished install is redone rather than trusted.
const completeMarker = path.join(installRoot, '.install-complete');

function run(command, args, cwd) {
  const env = {
    ...process.env,
    // Build native modules against the local Node headers instead of downloading them.
    npm_config_nodedir: process.env.npm_config_nodedir || '/usr',
    // node-pty's install script otherwise stops at an npx prompt.
    npm_config_yes: 'true',
  };
  const result = spawnSync(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`"${command} ${args.join(' ')}" failed in ${cwd} (exit ${result.status}):\n${output}`);
  }
}

function which(binary) {
  const result = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Installs code-server once into .vscode-test/ and returns the path of its entry point. */
export function ensureCodeServer(log = (line) => process.stderr.write(`${line}\n`)) {
  if (existsSync(completeMarker) && existsSync(entryPoint)) {
    return entryPoint;
  }
  const ripgrep = which('rg');
  if (!ripgrep) {
    throw new Error('ripgrep (rg) is not installed. On Debian: apt-get install ripgrep libkrb5-dev chromium');
  }
  const started = Date.now();
  log(`Installing code-server ${CODE_SERVER_VERSION} into ${path.relative(projectRoot, installRoot)} (once; takes a few minutes)...`);
  rmSync(installRoot, { recursive: true, force: true });
  mkdirSync(installRoot, { recursive: true });
  writeFileSync(path.join(installRoot, 'package.json'), '{"name":"code-server-host","private":true}\n');
  // Its own postinstall refuses to run as root and downloads ripgrep, so its steps are done here.
  run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], installRoot);
  run('npm', ['rebuild', 'argon2', '--build-from-source'], installRoot);
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], vscodeDir);
  const ripgrepBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(ripgrepBin, { recursive: true });
  copyFileSync(ripgrep, path.join(ripgrepBin, 'rg'));
  run('npm', ['rebuild'], vscodeDir);
  const asarLink = path.join(vscodeDir, 'node_modules.asar');
  if (!existsSync(asarLink)) {
    symlinkSync('node_modules', asarLink);
  }
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], path.join(vscodeDir, 'extensions'));
  writeFileSync(completeMarker, `${new Date().toISOString()}\n`);
  log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s.`);
  return entryPoint;
}

/** Asks the OS for a free loopback port. */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited early with code ${child.exitCode}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs / 1000} s`);
}

/**
 * Starts code-server on a free loopback port with a fresh user-data dir.
 * Returns { url, port, stop }.
 */
export async function startCodeServer({ workspace, port, quiet = true, settings = {} } = {}) {
  const entry = ensureCodeServer();
  const listenPort = port ?? (await findFreePort());
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'port-lens-vscode-'));
  const userDataDir = path.join(scratch, 'user-data');
  const extensionsDir = path.join(scratch, 'extensions');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, ...settings }, null, 2),
  );
  const args = [
    entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${listenPort}`,
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
  ];
  if (workspace) {
    args.push(workspace);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'] });
  const url = `http://127.0.0.1:${listenPort}/`;
  const stop = () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
    }
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${url}healthz`, child, 60_000);
  } catch (error) {
    stop();
    throw error;
  }
  return { url, port: listenPort, child, stop };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'install') {
  ensureCodeServer();
}
