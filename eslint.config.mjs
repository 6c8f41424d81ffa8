import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

import { builtinModules } from 'node:module';

/** Node's built-in modules, which the web worker extension host does not have. */
const NODE_BUILT_INS = {
  group: ['node:*', ...builtinModules.filter((name) => !name.startsWith('_'))],
  message: 'The editor and the core also run in the web worker of vscode.dev, which has no Node built-in modules.',
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', 'bench-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      curly: 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-throw-literal': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The core is shared with the command line and tested without an editor: it must never reach for `vscode`.
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core and src/cli must not depend on the editor API; put editor glue under src/editor/.' }],
      }],
    },
  },
  {
    // Port knowledge and the rules read the knowledge in src/core/ports/, never a scanner's internals.
    files: ['src/core/rules/**/*.ts', 'src/core/ports/**/*.ts'],
    ignores: ['src/core/ports/dataFiles.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not depend on the editor API; put editor glue under src/editor/.' }],
        patterns: [{ group: ['**/scanners/*', '**/scanners'], message: 'Rules and port knowledge must not import from a scanner module; shared tables belong in src/core/ports/.' }, NODE_BUILT_INS],
      }],
    },
  },
  {
    // The editor and the core also run in the web worker of vscode.dev and github.dev, which has no
    // Node: no built-in modules and no Node globals. Data files are read in one module, swapped for
    // a bundled one in the web build.
    files: ['src/core/**/*.ts', 'src/editor/**/*.ts', 'src/extension.ts', 'test/web/**/*.ts'],
    ignores: ['src/core/ports/dataFiles.ts'],
    rules: {
      'no-restricted-globals': ['error',
        ...['process', 'Buffer', '__dirname', '__filename', 'require', 'global'].map((name) => ({ name, message: `${name} exists only in Node; the web extension runs without it.` })),
        { name: 'setImmediate', message: 'setImmediate exists only in Node; use yieldToHost() from src/editor/yieldToHost.ts.' },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/editor/**/*.ts', 'src/extension.ts', 'test/web/**/*.ts'],
    ignores: ['src/core/ports/dataFiles.ts', 'src/core/rules/**/*.ts', 'src/core/ports/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not depend on the editor API; put editor glue under src/editor/.' }],
        patterns: [NODE_BUILT_INS],
      }],
    },
  },
  {
    files: ['src/editor/**/*.ts', 'src/extension.ts', 'test/web/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NODE_BUILT_INS] }] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Functions passed to page.evaluate run in the browser.
    files: ['scripts/ui-*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
