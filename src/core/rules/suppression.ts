/**
 * Inline suppression comments:
 *
 *     # port-lens-ignore sensitive-port-exposed      (the next statement)
 *     - "6379:6379"  # port-lens-ignore               (this line, every rule)
 *     # port-lens-ignore-file wide-port-range         (the whole file)
 *     <!-- port-lens-ignore sensitive-port-exposed --> (firewalld zones are XML)
 *
 * Rule ids are separated by commas or spaces; none means every rule. Found with one `indexOf`
 * pass over the text, so a file without the marker costs a single search.
 */
import type { FileFormat } from '../types';
import { commentSyntax, lineEndOf, lineStartOf, statementLastLineOf } from './textLines';

export const IGNORE_MARKER = 'port-lens-ignore';
const FILE_MARKER = `${IGNORE_MARKER}-file`;

interface Suppression {
  readonly start: number;
  readonly end: number;
  /** `undefined` suppresses every rule. */
  readonly rules: ReadonlySet<string> | undefined;
}

export interface Suppressions {
  isSuppressed(rule: string, offset: number): boolean;
}

const NOTHING_SUPPRESSED: Suppressions = { isSuppressed: () => false };

function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const char = text[i];
    if (char !== ' ' && char !== '\t') {
      return false;
    }
  }
  return true;
}

/** Where the comment holding the marker at `markerStart` opens, or -1 when the marker is not the comment's first word. */
function commentOpening(text: string, markerStart: number, lineStart: number, opener: string): number {
  let i = markerStart - 1;
  while (i >= lineStart && (text[i] === ' ' || text[i] === '\t')) {
    i--;
  }
  const openerStart = i - opener.length + 1;
  return openerStart >= lineStart && text.startsWith(opener, openerStart) ? openerStart : -1;
}

function parseRuleList(text: string, start: number, end: number, closer: string): ReadonlySet<string> | undefined {
  let listEnd = end;
  if (closer) {
    const close = text.indexOf(closer.trim(), start);
    if (close !== -1 && close < end) {
      listEnd = close;
    }
  }
  const ids = text.slice(start, listEnd).split(/[\s,]+/).filter((id) => id.length > 0);
  return ids.length > 0 ? new Set(ids) : undefined;
}

/** The start of the next line that holds something other than blanks or a comment. */
function nextStatementLine(text: string, fromLineEnd: number, opener: string, otherOpener?: string): number {
  let position = text.indexOf('\n', fromLineEnd);
  while (position !== -1) {
    const lineStart = position + 1;
    const lineEnd = lineEndOf(text, lineStart);
    let first = lineStart;
    while (first < lineEnd && (text[first] === ' ' || text[first] === '\t')) {
      first++;
    }
    if (first < lineEnd && !text.startsWith(opener, first) && !(otherOpener !== undefined && text.startsWith(otherOpener, first))) {
      return lineStart;
    }
    position = text.indexOf('\n', lineEnd);
  }
  return -1;
}

/** Formats with a second line-comment opener beside `#`: Terraform also takes `//`. */
const OTHER_LINE_COMMENT: Partial<Record<FileFormat, string>> = { terraform: '//' };

/** Formats whose readers take `#` as a comment only at the start of a line; after a directive it is part of the value. */
const LINE_START_COMMENTS_ONLY: ReadonlySet<FileFormat> = new Set(['dockerfile', 'apache', 'systemd']);

/**
 * Whether a `#` after other text on the line is a comment. iptables-restore reads it as one more
 * argument of a rule line (`-A ...`), while a shell script running iptables drops it.
 */
function allowsTrailingComment(text: string, format: FileFormat, lineStart: number): boolean {
  if (LINE_START_COMMENTS_ONLY.has(format)) {
    return false;
  }
  if (format === 'iptables') {
    let first = lineStart;
    while (text[first] === ' ' || text[first] === '\t') {
      first++;
    }
    return text[first] !== '-';
  }
  return true;
}

/**
 * Where the statement starting on the line at `lineStart` ends, for HCL: a line that opens a block
 * (`ingress {`, `resource "…" "…" {`) runs to the brace that closes it, so a comment above a
 * security group rule covers the whole rule. Quoted strings and comments are skipped.
 */
function blockEndOf(text: string, lineStart: number): number {
  let depth = 0;
  let opened = false;
  for (let index = lineStart; index < text.length; index++) {
    const character = text[index];
    if (character === '"') {
      for (index++; index < text.length && text[index] !== '"' && text[index] !== '\n'; index++) {
        if (text[index] === '\\') {
          index++;
        }
      }
    } else if (character === '#' || (character === '/' && text[index + 1] === '/')) {
      index = lineEndOf(text, index) - 1;
    } else if (character === '{' || character === '[' || character === '(') {
      depth++;
      opened = true;
    } else if (character === '}' || character === ']' || character === ')') {
      depth--;
      if (opened && depth <= 0) {
        return lineEndOf(text, index);
      }
    } else if (character === '\n' && !opened) {
      return index;
    }
  }
  return text.length;
}

export function findSuppressions(text: string, format: FileFormat): Suppressions {
  let markerStart = text.indexOf(IGNORE_MARKER);
  if (markerStart === -1) {
    return NOTHING_SUPPRESSED;
  }
  const { open, close } = commentSyntax(format, text);
  const suppressions: Suppression[] = [];
  for (; markerStart !== -1; markerStart = text.indexOf(IGNORE_MARKER, markerStart + IGNORE_MARKER.length)) {
    const lineStart = lineStartOf(text, markerStart);
    const other = OTHER_LINE_COMMENT[format];
    let openerStart = commentOpening(text, markerStart, lineStart, open);
    if (openerStart === -1 && other !== undefined) {
      openerStart = commentOpening(text, markerStart, lineStart, other);
    }
    if (openerStart === -1) {
      continue;
    }
    const lineEnd = lineEndOf(text, markerStart);
    const wholeFile = text.startsWith(FILE_MARKER, markerStart);
    const markerEnd = markerStart + (wholeFile ? FILE_MARKER.length : IGNORE_MARKER.length);
    // `port-lens-ignored` or `port-lens-ignore-files` are other words, not the marker.
    if (markerEnd < lineEnd && !/[\s,]/.test(text[markerEnd]) && !(close && text.startsWith(close.trim(), markerEnd))) {
      continue;
    }
    const rules = parseRuleList(text, markerEnd, lineEnd, close);
    if (wholeFile) {
      suppressions.push({ start: 0, end: text.length, rules });
    } else if (!isBlank(text, lineStart, openerStart)) {
      // A comment at the end of a line covers that line, where the format has such comments.
      if (allowsTrailingComment(text, format, lineStart)) {
        suppressions.push({ start: lineStart, end: lineEnd, rules });
      }
    } else {
      const target = nextStatementLine(text, lineEnd, open, other);
      if (target !== -1) {
        // From the line below: ufw's `### tuple ###` lines are comments that carry the ports.
        const end = format === 'terraform' ? blockEndOf(text, target) : lineEndOf(text, statementLastLineOf(text, target));
        suppressions.push({ start: text.indexOf('\n', lineEnd) + 1, end, rules });
      }
    }
  }
  if (suppressions.length === 0) {
    return NOTHING_SUPPRESSED;
  }
  return {
    isSuppressed(rule, offset) {
      return suppressions.some((entry) => offset >= entry.start && offset <= entry.end && (entry.rules === undefined || entry.rules.has(rule)));
    },
  };
}

/** The comment that suppresses `rule` on the statement below it, in the comment syntax of the format (and of `text`, when given). */
export function suppressionComment(format: FileFormat, rule: string, text?: string): string {
  const { open, close } = commentSyntax(format, text);
  return `${open} ${IGNORE_MARKER} ${rule}${close}`;
}
