// The same integration suite under @vscode/test-electron, for machines with internet access
// (it downloads a desktop VS Code build on first use).
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { projectRoot } from './code-server.mjs';
import { createTestWorkspace } from './integration-workspace.mjs';

const workspace = createTestWorkspace();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'port-lens-electron-'));
const resultsFile = path.join(scratch, 'results.json');
try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION ?? 'stable',
    extensionDevelopmentPath: projectRoot,
    extensionTestsPath: path.join(projectRoot, 'out', 'test', 'integration', 'index'),
    extensionTestsEnv: { PORT_LENS_TEST_RESULTS: resultsFile },
    launchArgs: [workspace.directory, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`Integration tests failed: ${error.message ?? error}`);
  process.exitCode = 1;
} finally {
  try {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    console.log(`VS Code ${results.vscodeVersion}: ${results.passed} passed, ${results.failed} failed`);
  } catch {
    // No results: the host did not get as far as running the tests; the error above says why.
  }
  workspace.dispose();
  rmSync(scratch, { recursive: true, force: true });
}
