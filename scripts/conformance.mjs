// `npm run conformance`: differential tests against the real tools (nft, iptables-translate, ufw,
// firewall-offline-cmd, nginx). Expects `node esbuild.js --tests` to have run (the npm script does it).
//   --runs N        generated cases per format (default 3000)
//   --seed N        fast-check seed (default 20261205)
//   --format NAME   only this format; repeatable
//   --write-docs    rewrite the generated table in docs/conformance.md
// Exits 1 when a case disagrees without a known, written reason.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
export const CONFORMANCE_SEED = 20261205;
const BEGIN = '<!-- conformance-results:begin -->';
const END = '<!-- conformance-results:end -->';

function loadRunner() {
  return require(path.join(root, 'out', 'test', 'conformance', 'run.js'));
}

/** Runs the differential tests; used by `npm test` with a small fixed-seed slice. */
export async function runConformanceSlice({ runs, seed = CONFORMANCE_SEED, formats = [], log = console.log }) {
  const runner = loadRunner();
  return runner.runConformance({ runs, seed, formats, onReport: (report) => log(runner.describeReport(report)) });
}

function parseArguments(argv) {
  const options = { runs: 3000, seed: CONFORMANCE_SEED, formats: [], writeDocs: false };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) {
        throw new Error(`${argument} needs a value`);
      }
      return next;
    };
    if (argument === '--runs') {
      options.runs = Number(value());
    } else if (argument === '--seed') {
      options.seed = Number(value());
    } else if (argument === '--format') {
      options.formats.push(value());
    } else if (argument === '--write-docs') {
      options.writeDocs = true;
    } else {
      throw new Error(`unknown argument ${argument}`);
    }
  }
  if (!Number.isInteger(options.runs) || options.runs < 1 || !Number.isInteger(options.seed)) {
    throw new Error('--runs and --seed take whole numbers');
  }
  return options;
}

async function main() {
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`conformance: ${error.message}`);
    process.exit(2);
  }
  const started = performance.now();
  const reports = await runConformanceSlice(options);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const unexplained = reports.reduce((sum, report) => sum + report.disagreements.length, 0);
  console.log(`\nconformance: ${reports.length} formats, ${reports.reduce((sum, report) => sum + report.cases, 0)} cases in ${seconds} s, ${unexplained} unexplained`);
  if (options.writeDocs) {
    const docsFile = path.join(root, 'docs', 'conformance.md');
    const text = readFileSync(docsFile, 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    if (start < 0 || end < start) {
      console.error(`conformance: docs/conformance.md lacks the ${BEGIN} … ${END} markers`);
      process.exit(2);
    }
    const table = loadRunner().markdownTable(reports, options.runs, options.seed);
    writeFileSync(docsFile, `${text.slice(0, start + BEGIN.length)}\n${table}\n${text.slice(end)}`);
    console.log('conformance: docs/conformance.md updated');
  }
  process.exit(unexplained > 0 ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
