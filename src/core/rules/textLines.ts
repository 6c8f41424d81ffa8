/**
 * Line arithmetic on the analysed text, for suppression comments and quick fixes. Each helper
 * looks only at the line it is asked about, so using them per diagnostic stays cheap.
 */
import type { FileFormat } from '../types';

export function lineStartOf(text: string, offset: number): number {
  return Math.max(text.lastIndexOf('\n', offset - 1) + 1, 0);
}

/** Offset of the line break ending the line (or the end of the text), before any `\r`. */
export function lineEndOf(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  const end = newline === -1 ? text.length : newline;
  return end > 0 && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

/** The blanks at the start of the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) {
    end++;
  }
  return text.slice(start, end);
}

/** The line break style of the text, so inserted lines match it. */
export function lineBreakOf(text: string): string {
  const newline = text.indexOf('\n');
  return newline > 0 && text.charCodeAt(newline - 1) === 13 ? '\r\n' : '\n';
}

function endsWithContinuation(text: string, lineStart: number): boolean {
  const end = lineEndOf(text, lineStart);
  let last = end - 1;
  while (last >= lineStart && (text[last] === ' ' || text[last] === '\t')) {
    last--;
  }
  return last >= lineStart && text[last] === '\\';
}

/**
 * The first line of the statement holding `offset`: shell scripts, Dockerfiles and iptables
 * files continue a statement with a trailing backslash, and nothing may be inserted inside one.
 */
export function statementStartOf(text: string, offset: number): number {
  let start = lineStartOf(text, offset);
  while (start > 0) {
    const previous = lineStartOf(text, start - 1);
    if (!endsWithContinuation(text, previous)) {
      break;
    }
    start = previous;
  }
  return start;
}

/** The last line of the statement holding `offset`, as the offset of that line's start. */
export function statementLastLineOf(text: string, offset: number): number {
  let start = lineStartOf(text, offset);
  while (endsWithContinuation(text, start)) {
    const next = text.indexOf('\n', start);
    if (next === -1) {
      break;
    }
    start = next + 1;
  }
  return start;
}

/**
 * Comment delimiters of a format; firewalld zones are XML, everything else uses `#`. Given the
 * text, a firewalld file that is a shell script of `firewall-cmd` commands gets `#`, as the shell
 * would read it.
 */
export function commentSyntax(format: FileFormat, text?: string): { readonly open: string; readonly close: string } {
  const xml = format === 'firewalld' && (text === undefined || /^\uFEFF?\s*</.test(text));
  return xml ? { open: '<!--', close: ' -->' } : { open: '#', close: '' };
}
