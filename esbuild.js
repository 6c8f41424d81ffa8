// Builds the extension and CLI bundles, or (with --tests) transpiles src and test for mocha.
// Type checking is `tsc --noEmit`; esbuild only transpiles.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Prints build errors the way problem matchers expect: file:line:column: message. */
const reportProblems = {
  name: 'report-problems',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) {
          console.error(`    ${location.file}:${location.line}:${location.column}:`);
        }
      }
    });
  },
};

/**
 * For the web extension: the data files go inside the bundle as text (there is no disk to read in
 * the web worker), through `dataFiles.browser.ts` in place of `dataFiles.ts`.
 */
const bundledDataFiles = {
  name: 'bundled-data-files',
  setup(build) {
    build.onResolve({ filter: /[\\/]dataFiles$/ }, (args) => ({ path: path.join(args.resolveDir, `${path.basename(args.path)}.browser.ts`) }));
    build.onResolve({ filter: /^port-lens-data:/ }, (args) => ({ path: path.join(__dirname, 'data', args.path.slice('port-lens-data:'.length)), namespace: 'port-lens-data' }));
    build.onLoad({ filter: /.*/, namespace: 'port-lens-data' }, async (args) => ({ contents: await fs.promises.readFile(args.path, 'utf8'), loader: 'text' }));
  },
};

function bundleOptions(entry, outfile, extra = {}) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    external: ['vscode'],
    alias: {
      // yaml's ES module build (its "default" export) lets esbuild drop the parts Port Lens never
      // calls; its CommonJS build ("node") is kept whole. Same code otherwise, 17 KB smaller.
      yaml: './node_modules/yaml/browser/index.js',
      // dockerfile-ast needs two functions of this package, which cannot be tree-shaken: 28 KB.
      'vscode-languageserver-types': './src/shims/languageServerTypes.ts',
    },
    logLevel: 'warning',
    plugins: [reportProblems],
    ...extra,
  };
}

async function main() {
  if (tests) {
    // Mirrors the source tree into out/ so mocha (unit) and the extension host (integration) can load it.
    await esbuild.build({
      entryPoints: ['src/**/*.ts', 'test/**/*.ts'],
      outdir: 'out',
      outbase: '.',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: true,
      logLevel: 'warning',
      plugins: [reportProblems],
    });
    // The checks that run inside the web worker extension host: one browser bundle that imports only `vscode`.
    await esbuild.build(bundleOptions('test/web/index.ts', 'out/web-tests/index.js', {
      platform: 'browser',
      target: 'es2022',
      mainFields: ['browser', 'module', 'main'],
    }));
    return;
  }
  const builds = [
    bundleOptions('src/extension.ts', 'dist/extension.js'),
    bundleOptions('src/cli/main.ts', 'dist/cli.js', { banner: { js: '#!/usr/bin/env node' } }),
    // The web worker extension host of vscode.dev and github.dev: no Node built-ins, so esbuild
    // fails the build if the editor or the core reaches for one.
    bundleOptions('src/extension.ts', 'dist/web/extension.js', {
      platform: 'browser',
      target: 'es2022',
      mainFields: ['browser', 'module', 'main'],
      plugins: [reportProblems, bundledDataFiles],
    }),
  ];
  if (watch) {
    const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
    await Promise.all(contexts.map((context) => context.watch()));
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
