// Runs test/integration inside a real VS Code extension host, offline: code-server serves
// VS Code 1.100, headless Chromium (driven by playwright-core) opens it with the extension
// under development and the test entry point, and the tests write their results to a file.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { projectRoot, startCodeServer } from './code-server.mjs';
import { createTestWorkspace } from './integration-workspace.mjs';

export const CHROMIUM_PATH = process.env.PORT_LENS_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];
const RESULT_TIMEOUT_MS = Number(process.env.PORT_LENS_INTEGRATION_TIMEOUT_MS ?? 300_000);

export function launchBrowser() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. On Debian: apt-get install chromium (or set PORT_LENS_CHROMIUM).`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** The workbench URL that loads the extension under development (and optionally a test entry point). */
export function workbenchUrl(server, workspace, { testsPath } = {}) {
  const remote = (absolute) => `vscode-remote://127.0.0.1:${server.port}${absolute}`;
  const payload = [['extensionDevelopmentPath', remote(projectRoot)]];
  if (testsPath) {
    payload.push(['extensionTestsPath', remote(testsPath)]);
  }
  return `${server.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function waitForFile(file, timeoutMs, isAborted) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        // Still being written.
      }
    }
    const reason = isAborted();
    if (reason) {
      throw new Error(reason);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The integration tests did not finish within ${timeoutMs / 1000} s.`);
}

/** Returns { vscodeVersion, passed, failed, failures, measurements }; throws if the run could not complete. */
export async function runIntegrationTests({ log = console.log } = {}) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'port-lens-results-'));
  const resultsFile = path.join(scratch, 'results.json');
  const workspace = createTestWorkspace();
  process.env.PORT_LENS_TEST_RESULTS = resultsFile;
  let server;
  let browser;
  try {
    server = await startCodeServer({ workspace: workspace.directory });
    browser = await launchBrowser();
    const page = await browser.newPage();
    const testsPath = path.join(projectRoot, 'out', 'test', 'integration', 'index');
    const started = Date.now();
    await page.goto(workbenchUrl(server, workspace.directory, { testsPath }));
    const results = await waitForFile(resultsFile, RESULT_TIMEOUT_MS, () =>
      server.child.exitCode !== null ? `code-server exited with code ${server.child.exitCode} before the tests finished.` : undefined,
    );
    log(`Integration tests ran in VS Code ${results.vscodeVersion} (code-server extension host) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return results;
  } finally {
    delete process.env.PORT_LENS_TEST_RESULTS;
    await browser?.close().catch(() => undefined);
    server?.stop();
    workspace.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runIntegrationTests()
    .then((results) => {
      for (const title of results.passes) {
        console.log(`  ✔ ${title}`);
      }
      for (const failure of results.failures) {
        console.log(`  ✘ ${failure.title}\n${failure.error}`);
      }
      console.log(`${results.passed} passed, ${results.failed} failed`);
      process.exitCode = results.failed > 0 ? 1 : 0;
    })
    .catch((error) => {
      console.error(error.message);
      process.exitCode = 1;
    });
}
