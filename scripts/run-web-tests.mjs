// Runs test/web inside the web-worker extension host, the one vscode.dev and github.dev give
// extensions, offline: code-server serves the web workbench, a user setting puts Port Lens in the
// web worker, and headless Chromium (playwright-core) opens it with the extension under
// development and the checks as its test entry point. The workbench reports the checks' log lines
// and their exit code through two functions the page exposes.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot, startCodeServer } from './code-server.mjs';
import { createTestWorkspace } from './integration-workspace.mjs';
import { launchBrowser, workbenchUrl } from './run-integration.mjs';

const EXTENSION_ID = 'port-lens.port-lens';
const RESULT_TIMEOUT_MS = Number(process.env.PORT_LENS_WEB_TEST_TIMEOUT_MS ?? 240_000);
const WEB_BUNDLE = path.join(projectRoot, 'dist', 'web', 'extension.js');
const TESTS = path.join(projectRoot, 'out', 'web-tests');

/** The modules the web bundle loads: the worker has `vscode` and nothing else to give. */
export function requiredModules(bundle = WEB_BUNDLE) {
  return [...new Set([...readFileSync(bundle, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]))].sort();
}

/** Returns { passes, failures, exitCode, seconds }; throws if the run could not complete. */
export async function runWebTests({ log = console.log } = {}) {
  for (const file of [WEB_BUNDLE, path.join(TESTS, 'index.js')]) {
    if (!existsSync(file)) {
      throw new Error(`${path.relative(projectRoot, file)} is missing; run \`node esbuild.js && node esbuild.js --tests\`.`);
    }
  }
  const workspace = createTestWorkspace();
  let server;
  let browser;
  const lines = [];
  try {
    // With both `main` and `browser`, code-server would pick the Node host; this setting picks the worker.
    server = await startCodeServer({ workspace: workspace.directory, settings: { 'remote.extensionKind': { [EXTENSION_ID]: ['web'] } } });
    browser = await launchBrowser();
    const page = await browser.newPage();
    let finish;
    const exited = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = (Array.isArray(args) ? args : [args]).map(String).join(' ');
      lines.push(text);
    });
    const started = Date.now();
    await page.goto(workbenchUrl(server, workspace.directory, { testsPath: path.join(TESTS, 'index') }));
    let timer;
    const exitCode = await Promise.race([
      exited,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`The web worker checks did not finish within ${RESULT_TIMEOUT_MS / 1000} s.`)), RESULT_TIMEOUT_MS))),
    ]).finally(() => clearTimeout(timer));
    const seconds = (Date.now() - started) / 1000;
    const passes = lines.filter((line) => line.startsWith('✔ ')).map((line) => line.slice(2));
    const failures = lines.filter((line) => line.startsWith('✘ ')).map((line) => line.slice(2));
    if (exitCode !== 0 && failures.length === 0) {
      failures.push(`the test entry point failed to run (exit ${exitCode}): ${lines.slice(-5).join(' | ')}`);
    }
    log(`Web worker checks ran in ${seconds.toFixed(1)} s.`);
    return { passes, failures, exitCode, seconds };
  } finally {
    await browser?.close().catch(() => undefined);
    server?.stop();
    workspace.dispose();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runWebTests()
    .then(({ passes, failures }) => {
      const modules = requiredModules();
      const onlyVscode = modules.length === 1 && modules[0] === 'vscode';
      for (const title of passes) {
        console.log(`  ✔ ${title}`);
      }
      console.log(`  ${onlyVscode ? '✔' : '✘'} the web bundle loads no module but vscode (it loads: ${modules.join(', ')})`);
      for (const failure of failures) {
        console.log(`  ✘ ${failure}`);
      }
      const failed = failures.length + (onlyVscode ? 0 : 1);
      console.log(`${passes.length + (onlyVscode ? 1 : 0)} passed, ${failed} failed`);
      process.exitCode = failed > 0 ? 1 : 0;
    })
    .catch((error) => {
      console.error(error.message);
      process.exitCode = 1;
    });
}
