import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as shim from '../../src/shims/languageServerTypes';

/** The copy of the package that dockerfile-ast itself loads. */
const real = createRequire(require.resolve('dockerfile-ast'))('vscode-languageserver-types') as typeof shim;

/** What a call returns, or the message it throws, so both implementations can be compared. */
function outcome(call: () => unknown): unknown {
  try {
    return { returned: call() };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

/** The members of `vscode-languageserver-types` that a compiled CommonJS file calls, as `Namespace.member`. */
function membersCalled(source: string): Set<string> {
  const members = new Set<string>();
  for (const match of source.matchAll(/vscode_languageserver_types_\d+\.([A-Za-z_$][\w$]*)(?:\.([A-Za-z_$][\w$]*))?/g)) {
    members.add(match[2] ? `${match[1]}.${match[2]}` : match[1]);
  }
  return members;
}

describe('bundle stand-in for vscode-languageserver-types', () => {
  it('covers every member of the package that dockerfile-ast calls', () => {
    const library = path.dirname(require.resolve('dockerfile-ast'));
    const called = new Set<string>();
    for (const file of readdirSync(library).filter((name) => name.endsWith('.js'))) {
      const source = readFileSync(path.join(library, file), 'utf8');
      for (const member of membersCalled(source)) {
        called.add(member);
      }
      // Any other way of reaching the package would escape the check above.
      const requires = source.match(/require\("vscode-languageserver-types"\)/g)?.length ?? 0;
      const bound = source.match(/const vscode_languageserver_types_\d+ = require\("vscode-languageserver-types"\);/g)?.length ?? 0;
      assert.equal(requires, bound, `${file} uses vscode-languageserver-types in a way this test does not read`);
    }
    assert.deepEqual([...called].sort(), ['Position.create', 'Range.create']);
  });

  it('creates positions and ranges exactly as the package does, and refuses what it refuses', () => {
    const numbers = [0, 1, 7, 2147483647, 2147483648, -1, Number.MAX_VALUE, Number.NaN, 0.5];
    for (const line of numbers) {
      for (const character of numbers) {
        assert.deepEqual(shim.Position.create(line, character), real.Position.create(line, character));
        assert.deepEqual(outcome(() => shim.Range.create(line, character, 3, 4)), outcome(() => real.Range.create(line, character, 3, 4)), `${line}, ${character}, 3, 4`);
        assert.deepEqual(outcome(() => shim.Range.create(1, 2, line, character)), outcome(() => real.Range.create(1, 2, line, character)), `1, 2, ${line}, ${character}`);
      }
    }
    const start = real.Position.create(1, 2);
    const end = real.Position.create(4, 0);
    assert.deepEqual(shim.Range.create(start, end), real.Range.create(start, end));
    assert.equal(shim.Range.create(start, end).start, start, 'positions are kept, not copied');
    const odd: unknown[][] = [[{ line: -1, character: 0 }, end], [start, null], ['1', 2, 3, 4], [start, end, 3, 4], []];
    for (const args of odd) {
      const call = (create: unknown) => () => (create as (...values: unknown[]) => unknown)(...args);
      assert.deepEqual(outcome(call(shim.Range.create)), outcome(call(real.Range.create)), JSON.stringify(args));
    }
  });

  it('is what the bundles use', () => {
    const build = readFileSync(path.join(__dirname, '..', '..', '..', 'esbuild.js'), 'utf8');
    assert.match(build, /'vscode-languageserver-types': '\.\/src\/shims\/languageServerTypes\.ts'/);
  });
});
