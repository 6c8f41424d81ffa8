// `npm test`: lint, type-check, build, unit tests, grammar tests, the VSIX contents check,
// the integration suite inside a real VS Code (offline, through code-server) and the UI check.
// Ends with one line counting every test: `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { projectRoot } from './code-server.mjs';
import { runIntegrationTests } from './run-integration.mjs';
import { requiredModules, runWebTests } from './run-web-tests.mjs';
import { checkVsixContents } from './vsix-contents.mjs';
import { runGrammarTests } from './grammar-tests.mjs';
import { runUiCheck } from './ui-check.mjs';
import { runConformanceSlice } from './conformance.mjs';

const require = createRequire(import.meta.url);
const totals = { passed: 0, failed: 0 };
const failures = [];

function heading(title) {
  console.log(`\n=== ${title} ===`);
}

function record(name, passed, failed, details = []) {
  totals.passed += passed;
  totals.failed += failed;
  if (failed > 0) {
    failures.push(`${name}: ${failed} failed${details.length ? `\n    ${details.join('\n    ')}` : ''}`);
  }
}

/** Runs a command inheriting stdio; a failing command counts as one failed check. */
function step(name, command, args) {
  heading(name);
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit' });
  const ok = result.status === 0;
  record(name, ok ? 1 : 0, ok ? 0 : 1);
  return ok;
}

function findFiles(directory, suffix) {
  const files = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      files.push(...findFiles(full, suffix));
    } else if (entry.name.endsWith(suffix)) {
      files.push(full);
    }
  }
  return files.sort();
}

async function unitTests() {
  heading('Unit tests (mocha, no VS Code)');
  const Mocha = require('mocha');
  const mocha = new Mocha({ reporter: 'spec', timeout: 60_000 });
  for (const file of findFiles(path.join(projectRoot, 'out', 'test', 'unit'), '.test.js')) {
    mocha.addFile(file);
  }
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
  });
  record('unit tests', stats.passes, stats.failures);
}

async function integrationTests() {
  heading('Integration tests (inside VS Code, served offline by code-server)');
  try {
    const results = await runIntegrationTests();
    for (const title of results.passes) {
      console.log(`  ✔ ${title}`);
    }
    for (const failure of results.failures) {
      console.log(`  ✘ ${failure.title}\n${failure.error.split('\n').map((line) => `      ${line}`).join('\n')}`);
    }
    for (const [name, value] of Object.entries(results.measurements ?? {})) {
      console.log(`  measured ${name}: ${typeof value === 'number' ? value.toFixed(2) : value}`);
    }
    record('integration tests', results.passed, results.failed, results.failures.map((failure) => failure.title));
  } catch (error) {
    console.error(`  ✘ the integration run did not complete: ${error.message}`);
    record('integration tests', 0, 1, [error.message]);
  }
}

async function webWorkerTests() {
  heading('Web worker tests (the extension host of vscode.dev and github.dev, served offline by code-server)');
  const modules = requiredModules();
  const onlyVscode = modules.length === 1 && modules[0] === 'vscode';
  console.log(`  ${onlyVscode ? '✔' : '✘'} the web bundle loads no module but vscode (it loads: ${modules.join(', ')})`);
  record('web bundle modules', onlyVscode ? 1 : 0, onlyVscode ? 0 : 1, onlyVscode ? [] : [modules.join(', ')]);
  try {
    const results = await runWebTests();
    for (const title of results.passes) {
      console.log(`  ✔ ${title}`);
    }
    for (const failure of results.failures) {
      console.log(`  ✘ ${failure}`);
    }
    record('web worker tests', results.passes.length, results.failures.length, results.failures);
  } catch (error) {
    console.error(`  ✘ the web worker run did not complete: ${error.message}`);
    record('web worker tests', 0, 1, [error.message]);
  }
}

// A fixed-seed slice of `npm run conformance`; each format with its tool installed is one check.
const CONFORMANCE_SLICE_RUNS = 150;

async function conformanceSlice() {
  heading(`Conformance slice (${CONFORMANCE_SLICE_RUNS} generated cases per format against the real tools)`);
  try {
    const reports = await runConformanceSlice({ runs: CONFORMANCE_SLICE_RUNS });
    for (const report of reports) {
      if (report.skipped) {
        console.log(`  NOTICE: the ${report.format} conformance slice did not run: ${report.skipped}`);
        continue;
      }
      const failed = report.disagreements.length > 0;
      record(`conformance ${report.format}`, failed ? 0 : 1, failed ? 1 : 0, report.disagreements.slice(0, 5).map((result) => result.what));
    }
  } catch (error) {
    console.error(`  ✘ the conformance slice did not complete: ${error.stack ?? error.message}`);
    record('conformance slice', 0, 1, [error.message]);
  }
}

async function main() {
  const started = Date.now();
  step('Lint (eslint)', 'npx', ['eslint', '.']);
  step('Type-check (tsc --noEmit)', 'npx', ['tsc', '-p', '.', '--noEmit']);
  const built = step('Build (esbuild)', 'node', ['esbuild.js']) && step('Transpile tests', 'node', ['esbuild.js', '--tests']);
  if (built) {
    await unitTests();
    await conformanceSlice();
  }
  heading('Grammar tests (TextMate engine)');
  const grammar = runGrammarTests();
  record('grammar tests', grammar.passed, grammar.failed, grammar.failures);
  heading('VSIX contents');
  const vsix = await checkVsixContents();
  record('VSIX contents', vsix.passed, vsix.failed, vsix.failures);
  if (built) {
    await integrationTests();
    await webWorkerTests();
    heading('UI check (a person hovering a port in the served VS Code)');
    const ui = await runUiCheck();
    record('UI check', ui.passed, ui.failed, ui.failures);
  }
  console.log(`\nFinished in ${Math.round((Date.now() - started) / 1000)} s.`);
  if (failures.length > 0) {
    console.log('Failures:');
    for (const failure of failures) {
      console.log(`  - ${failure}`);
    }
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
}

main().catch((error) => {
  console.error(error);
  console.log(`${totals.passed} passed, ${totals.failed + 1} failed`);
  process.exitCode = 1;
});
