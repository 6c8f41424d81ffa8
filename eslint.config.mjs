import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core must not depend on the editor API; put editor glue under src/editor/.' }],
        patterns: [{ group: ['**/scanners/*', '**/scanners'], message: 'Rules and port knowledge must not import from a scanner module; shared tables belong in src/core/ports/.' }],
      }],
    },
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
