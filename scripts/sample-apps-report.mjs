// Counts what the built command line reports on the sample applications (or another folder):
// findings, errors, warnings and infos per rule, and the guesses among them, the
// sensitive-port-exposed findings that know only the port number. Expects `node esbuild.js`
// to have built dist/cli.js.
//   node scripts/sample-apps-report.mjs [folder] [--json]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist', 'cli.js');
const args = process.argv.slice(2);
const jsonOnly = args.includes('--json');
const folder = path.resolve(args.find((arg) => !arg.startsWith('--')) ?? path.join(root, 'test', 'unit', 'fixtures', 'sample-apps'));

/** The wording of a finding that knows only the port number, not the software behind it. */
const NUMBER_ONLY_GUESS = /if it serves|also used by/;
const GUESSING_RULE = 'sensitive-port-exposed';

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function runCheck() {
  if (!existsSync(cli)) {
    fail(`${path.relative(root, cli)} is missing; run \`node esbuild.js\` first.`);
  }
  const run = spawnSync(process.execPath, [cli, 'check', '--format', 'json', folder], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // Exit code 1 only means there were findings.
  if (run.status !== 0 && run.status !== 1) {
    fail(`port-lens check exited with ${run.status}:\n${run.stderr}`);
  }
  return JSON.parse(run.stdout);
}

function emptyCounts() {
  return { findings: 0, errors: 0, warnings: 0, infos: 0, guesses: 0, guessErrors: 0 };
}

function count(report) {
  const byRule = new Map();
  const total = emptyCounts();
  for (const file of report.files) {
    for (const diagnostic of file.diagnostics) {
      if (!byRule.has(diagnostic.rule)) {
        byRule.set(diagnostic.rule, emptyCounts());
      }
      const guess = diagnostic.rule === GUESSING_RULE && NUMBER_ONLY_GUESS.test(diagnostic.message);
      for (const counts of [byRule.get(diagnostic.rule), total]) {
        counts.findings++;
        counts[`${diagnostic.severity}s`]++;
        if (guess) {
          counts.guesses++;
          counts.guessErrors += diagnostic.severity === 'error' ? 1 : 0;
        }
      }
    }
  }
  const rules = Object.fromEntries([...byRule.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { folder: path.relative(root, folder) || '.', files: report.summary.files, rules, total };
}

function table(summary) {
  const columns = ['findings', 'errors', 'warnings', 'infos', 'guesses', 'guessErrors'];
  const headings = ['findings', 'errors', 'warnings', 'infos', 'guesses', 'guess errors'];
  const rows = [...Object.entries(summary.rules), ['total', summary.total]];
  const nameWidth = Math.max(...rows.map(([name]) => name.length));
  const widths = headings.map((heading) => heading.length);
  const line = (name, cells) => `${name.padEnd(nameWidth)}  ${cells.map((cell, index) => String(cell).padStart(widths[index])).join('  ')}`;
  return [
    `${summary.folder}: ${summary.files} files checked`,
    line('rule', headings),
    ...rows.map(([name, counts]) => line(name, columns.map((column) => counts[column]))),
  ].join('\n');
}

const summary = count(runCheck());
process.stdout.write(`${jsonOnly ? JSON.stringify(summary, null, 2) : table(summary)}\n`);
