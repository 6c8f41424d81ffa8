// Runs the TextMate grammar tests in test/grammar with vscode-tmgrammar-test, which uses the
// same TextMate engine as VS Code. One test file, one check.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './code-server.mjs';

const GRAMMAR_TEST_DIR = path.join(projectRoot, 'test', 'grammar');

export function runGrammarTests() {
  const result = { passed: 0, failed: 0, failures: [] };
  if (!existsSync(GRAMMAR_TEST_DIR)) {
    return result;
  }
  const grammars = readdirSync(path.join(projectRoot, 'syntaxes'))
    .filter((name) => name.endsWith('.tmLanguage.json'))
    .flatMap((name) => ['-g', path.join('syntaxes', name)]);
  const files = readdirSync(GRAMMAR_TEST_DIR).filter((name) => /\.test\.[a-z0-9]+$/i.test(name)).sort();
  for (const file of files) {
    const run = spawnSync('npx', ['vscode-tmgrammar-test', ...grammars, path.join('test', 'grammar', file)], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    if (run.status === 0) {
      result.passed++;
      console.log(`  ✔ ${file}`);
    } else {
      result.failed++;
      result.failures.push(file);
      console.log(`  ✘ ${file}\n${run.stdout}${run.stderr}`);
    }
  }
  return result;
}
