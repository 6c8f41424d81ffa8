// Packages the VSIX with vsce and checks that it holds only what runs: the bundle, the data,
// media, grammars, README, CHANGELOG, LICENSE and package.json. Sources, tests, source maps
// and node_modules must never ship.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { projectRoot } from './code-server.mjs';

const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/,
  /^extension\/changelog\.md$/,
  /^extension\/LICENSE(?:\.txt)?$/,
  /^extension\/dist\/(?:extension|cli|web\/extension)\.js$/,
  /^extension\/data\/(?:port-data\.json|iana-rows\.tsv|iana-details\.json|firewalld-services\.json)$/,
  /^extension\/media\/port-lens\.(?:png|svg)$/,
  /^extension\/docs\/rules\/(?:[a-z0-9-]+|README)\.md$/,
  /^extension\/media\/walkthrough\/(?:hover|problems|sidebar|cli)\.jpg$/,
  /^extension\/syntaxes\/[^/]+\.json$/,
];
/** Every rule's page: the Problems panel opens them from the extension, offline. */
const RULE_PAGES = readdirSync(path.join(projectRoot, 'docs', 'rules')).filter((name) => name.endsWith('.md') && name !== 'README.md').map((name) => `extension/docs/rules/${name}`);
const REQUIRED = [...RULE_PAGES, 'extension/package.json', 'extension/dist/extension.js', 'extension/dist/web/extension.js', 'extension/dist/cli.js', 'extension/data/port-data.json', 'extension/data/iana-rows.tsv', 'extension/data/firewalld-services.json', 'extension/readme.md', 'extension/changelog.md'];

function listZip(file) {
  const names = [];
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) {
        reject(error);
        return;
      }
      zip.on('entry', (entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Builds the VSIX into `outFile` (production bundle) and restores the development bundle afterwards. */
export function packageVsix(outFile) {
  const result = spawnSync('npx', ['vsce', 'package', '--no-dependencies', '--skip-license', '--out', outFile], {
    cwd: projectRoot,
    encoding: 'utf8',
  });
  spawnSync('node', ['esbuild.js'], { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`vsce package failed:\n${result.stdout}\n${result.stderr}`);
  }
  return outFile;
}

export async function checkVsixContents() {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'port-lens-vsix-'));
  const failures = [];
  try {
    const vsix = packageVsix(path.join(scratch, 'port-lens.vsix'));
    const names = await listZip(vsix);
    const unexpected = names.filter((name) => !ALLOWED.some((pattern) => pattern.test(name)));
    const missing = REQUIRED.filter((name) => !names.includes(name));
    if (unexpected.length > 0) {
      failures.push(`unexpected files in the VSIX: ${unexpected.join(', ')}`);
    }
    if (missing.length > 0) {
      failures.push(`missing from the VSIX: ${missing.join(', ')}`);
    }
    const size = statSync(vsix).size;
    const bundleSize = statSync(path.join(projectRoot, 'dist', 'extension.js')).size;
    console.log(`  VSIX: ${names.length} files (${RULE_PAGES.length} rule pages), ${(size / 1024).toFixed(0)} KB.`);
    console.log(`  ${failures.length === 0 ? '✔' : '✘'} holds only runtime files${failures.length ? `: ${failures.join('; ')}` : ''}`);
    return { passed: failures.length === 0 ? 1 : 0, failed: failures.length === 0 ? 0 : 1, failures, size, bundleSize };
  } catch (error) {
    console.log(`  ✘ ${error.message}`);
    return { passed: 0, failed: 1, failures: [error.message] };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  checkVsixContents().then((result) => {
    process.exitCode = result.failed > 0 ? 1 : 0;
  });
}
