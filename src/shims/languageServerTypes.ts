/**
 * Stands in for `vscode-languageserver-types` in the bundles. `dockerfile-ast` calls only
 * `Position.create` and `Range.create` from it, but the package's namespaces cannot be tree-shaken,
 * so bundling it whole added 28 KB. `esbuild.js` points the import here; a unit test checks that
 * `dockerfile-ast` still calls nothing else and that both functions answer as the package does.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** The protocol's unsigned integer: a number from 0 to 2^31 - 1. */
const MAX_UINTEGER = 2147483647;

function isUinteger(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_UINTEGER;
}

function isPosition(value: unknown): value is Position {
  return typeof value === 'object' && value !== null && isUinteger((value as Position).line) && isUinteger((value as Position).character);
}

export const Position = {
  /** `Number.MAX_VALUE` means "the end of the line" and is clamped to the largest uinteger. */
  create(line: number, character: number): Position {
    return { line: line === Number.MAX_VALUE ? MAX_UINTEGER : line, character: character === Number.MAX_VALUE ? MAX_UINTEGER : character };
  },
};

export const Range = {
  /** From four numbers (start line and character, end line and character) or from two positions. */
  create(one: number | Position, two: number | Position, three?: number, four?: number): Range {
    if (isUinteger(one) && isUinteger(two) && isUinteger(three) && isUinteger(four)) {
      return { start: Position.create(one, two), end: Position.create(three, four) };
    }
    if (isPosition(one) && isPosition(two)) {
      return { start: one, end: two };
    }
    throw new Error(`Range#create called with invalid arguments[${String(one)}, ${String(two)}, ${String(three)}, ${String(four)}]`);
  },
};
