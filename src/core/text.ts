/** Converts UTF-16 offsets to zero-based line/character positions. Built once per text, queried in O(log lines). */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10 /* \n */) {
        starts.push(i + 1);
      } else if (code === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) {
          i++;
        }
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Zero-based line and character of an offset, clamped into the text. */
  positionAt(offset: number): { line: number; character: number } {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return { line: low, character: clamped - this.lineStarts[low] };
  }

  /** Offset of a zero-based line and character, clamped into the text. */
  offsetAt(line: number, character: number): number {
    if (line < 0) {
      return 0;
    }
    if (line >= this.lineStarts.length) {
      return this.text.length;
    }
    const lineStart = this.lineStarts[line];
    const nextLineStart = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    return Math.max(lineStart, Math.min(lineStart + character, nextLineStart));
  }
}

function isBlank(character: string): boolean {
  return character === ' ' || character === '\t';
}

/** The parts of a comma-separated list from `from` on, as offsets trimmed of blanks and tabs; an empty part is empty. */
export function* commaSeparatedParts(text: string, from = 0): Generator<{ readonly start: number; readonly end: number }> {
  let partStart = from;
  while (partStart <= text.length) {
    let partEnd = text.indexOf(',', partStart);
    if (partEnd === -1) {
      partEnd = text.length;
    }
    let start = partStart;
    let end = partEnd;
    while (start < end && isBlank(text[start])) {
      start++;
    }
    while (end > start && isBlank(text[end - 1])) {
      end--;
    }
    yield { start, end };
    partStart = partEnd + 1;
  }
}
