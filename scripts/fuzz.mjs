// `npm run fuzz`: the property tests with 100,000 runs per property instead of `npm test`'s 2,000.
// Expects `node esbuild.js --tests` to have run (the npm script does it). Set FUZZ_RUNS to choose
// another count. Exits with mocha's exit code.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const unitDirectory = path.join(root, 'out', 'test', 'unit');
const propertyFiles = readdirSync(unitDirectory)
  .filter((name) => name.startsWith('property-') && name.endsWith('.test.js'))
  .sort()
  .map((name) => path.join('out', 'test', 'unit', name));

if (propertyFiles.length === 0) {
  console.error('fuzz: no property tests in out/test/unit; run `node esbuild.js --tests` first');
  process.exit(1);
}

const runs = process.env.FUZZ_RUNS ?? '100000';
console.log(`fuzz: ${runs} runs per property in ${propertyFiles.length} files`);
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const result = spawnSync(process.execPath, [mocha, '--no-config', '--timeout', '0', '--enable-source-maps', ...propertyFiles], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs },
});
if (result.error) {
  console.error(`fuzz: could not start mocha: ${result.error.message}`);
}
process.exit(result.status ?? 1);
