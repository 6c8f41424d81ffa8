/** Spans of text in a test case, by what is written there rather than by counted offsets. */
import type { SourceRange } from '../../src/core/types';

/** Span of the `occurrence`-th appearance of `needle` in `text`. */
export function at(text: string, needle: string, occurrence = 0): SourceRange {
  let index = -1;
  for (let seen = 0; seen <= occurrence; seen++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) {
      throw new Error(`"${needle}" (#${occurrence}) is not in the case text`);
    }
  }
  return { start: index, end: index + needle.length };
}

/** Span of `inner` inside the `occurrence`-th `outer`. */
export function inside(text: string, outer: string, inner: string, occurrence = 0): SourceRange {
  const container = at(text, outer, occurrence);
  const offset = outer.indexOf(inner);
  return { start: container.start + offset, end: container.start + offset + inner.length };
}
