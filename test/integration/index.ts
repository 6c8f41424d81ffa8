/**
 * Entry point the extension host calls (`extensionTestsPath`) under both runners:
 * `@vscode/test-electron` online and the code-server runner offline. It runs every
 * `*.test.js` beside it with mocha and, when PORT_LENS_TEST_RESULTS names a file,
 * writes the outcome there, because the host's console does not reach the offline driver.
 * PORT_LENS_TEST_GREP, when set, runs only the tests whose full title matches it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

interface FailureReport {
  readonly title: string;
  readonly error: string;
}

export interface IntegrationResults {
  readonly vscodeVersion: string;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly passes: string[];
  readonly failures: FailureReport[];
  readonly measurements: Record<string, number>;
}

/** Figures tests want in the report (activation time, heap growth), keyed by name. */
export const measurements: Record<string, number> = {};

function findTestFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      files.push(...findTestFiles(full));
    } else if (entry.name.endsWith('.test.js')) {
      files.push(full);
    }
  }
  return files.sort();
}

export function run(): Promise<void> {
  // PORT_LENS_TEST_GREP narrows the run to matching titles, so one figure costs one test.
  const grep = process.env.PORT_LENS_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 30_000, reporter: 'spec', ...(grep ? { grep } : {}) });
  for (const file of findTestFiles(__dirname)) {
    mocha.addFile(file);
  }
  const passes: string[] = [];
  const failures: FailureReport[] = [];
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failed) => {
        const results: IntegrationResults = {
          vscodeVersion: vscode.version,
          passed: passes.length,
          failed: failures.length,
          pending: runner.stats?.pending ?? 0,
          passes,
          failures,
          measurements,
        };
        const resultsFile = process.env.PORT_LENS_TEST_RESULTS;
        if (resultsFile) {
          fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
        }
        if (failed > 0) {
          reject(new Error(`${failed} integration test(s) failed.`));
        } else {
          resolve();
        }
      });
      runner.on('pass', (test) => passes.push(test.fullTitle()));
      runner.on('fail', (test, error: Error) => failures.push({ title: test.fullTitle(), error: error?.stack ?? String(error) }));
    } catch (error) {
      reject(error);
    }
  });
}
