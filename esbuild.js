// Builds the extension and CLI bundles, or (with --tests) transpiles src and test for mocha.
// Type checking is `tsc --noEmit`; esbuild only transpiles.
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
    return;
  }
  const builds = [
    bundleOptions('src/extension.ts', 'dist/extension.js'),
    bundleOptions('src/cli/main.ts', 'dist/cli.js', { banner: { js: '#!/usr/bin/env node' } }),
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
