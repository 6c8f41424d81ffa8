/**
 * HCL (HashiCorp Configuration Language, the native syntax of version 2): a tolerant tokenizer and
 * parser that keeps the exact offset of everything it reads, for Terraform files.
 *
 * The tokenizer runs once over the text with a stack of modes (main, quoted template, heredoc
 * template, `${ }` inside a template), so an unterminated string, heredoc or comment is read once
 * and reported, never rescanned. Every template opener gets a closer, made up where the text has
 * none, so the parser can always skip a template as a balanced unit.
 *
 * The parser is recursive descent with an explicit depth limit: nesting deeper than
 * {@link MAX_HCL_DEPTH} is reported once and skipped token by token. On a syntax error it reports
 * the error and skips to the end of the line (or past the brace that closes what the line opened)
 * and goes on, so one typo does not hide the rest of the file.
 */
import type { ScanProblem, SourceRange } from '../types';
import { failureReason, problem } from './portSyntax';

// ---------------------------------------------------------------------------------------------
// Syntax tree
// ---------------------------------------------------------------------------------------------

export interface HclBody {
  /** In source order. */
  readonly attributes: HclAttribute[];
  /** In source order. */
  readonly blocks: HclBlock[];
}

export interface HclAttribute {
  readonly name: string;
  readonly nameRange: SourceRange;
  readonly value: HclExpression;
  /** From the name to the end of the value. */
  readonly range: SourceRange;
}

export interface HclBlockLabel {
  readonly value: string;
  /** The label as written, quotes included. */
  readonly range: SourceRange;
}

export interface HclBlock {
  readonly type: string;
  readonly typeRange: SourceRange;
  readonly labels: HclBlockLabel[];
  readonly body: HclBody;
  /** From the type to the closing brace (or the end of the text when the brace is missing). */
  readonly range: SourceRange;
}

export interface HclNumber {
  readonly kind: 'number';
  readonly value: number;
  /** The digits, with the minus sign of a negative literal. */
  readonly range: SourceRange;
}

/** A quoted template or a heredoc. */
export interface HclString {
  readonly kind: 'string';
  /** The text, escapes decoded, when the template has no interpolation or directive. */
  readonly value?: string;
  /** The expression, when the whole template is exactly one `${...}`. */
  readonly interpolation?: HclExpression;
  /** Quotes (or heredoc markers) included. */
  readonly range: SourceRange;
  /** Between the quotes, or the heredoc's lines between its markers. */
  readonly contentRange: SourceRange;
  readonly heredoc?: boolean;
}

export interface HclBool {
  readonly kind: 'bool';
  readonly value: boolean;
  readonly range: SourceRange;
}

export interface HclNull {
  readonly kind: 'null';
  readonly range: SourceRange;
}

export interface HclTuple {
  readonly kind: 'tuple';
  readonly items: HclExpression[];
  readonly range: SourceRange;
}

export interface HclObjectEntry {
  /** The key, when it is an identifier or a literal string. */
  readonly key?: string;
  readonly keyRange: SourceRange;
  readonly value: HclExpression;
}

export interface HclObject {
  readonly kind: 'object';
  readonly entries: HclObjectEntry[];
  readonly range: SourceRange;
}

/** `var.x`, `local.ports[0]`, `each.value.port`: attribute names as strings, index steps as numbers (or strings for `["key"]`). */
export interface HclTraversal {
  readonly kind: 'traversal';
  readonly path: (string | number)[];
  readonly range: SourceRange;
}

export interface HclCall {
  readonly kind: 'call';
  readonly name: string;
  readonly args: HclExpression[];
  readonly range: SourceRange;
}

/** Anything not resolvable from the text alone: operators, conditionals, for-expressions, splats. */
export interface HclOther {
  readonly kind: 'other';
  readonly range: SourceRange;
}

export type HclExpression = HclNumber | HclString | HclBool | HclNull | HclTuple | HclObject | HclTraversal | HclCall | HclOther;

export interface HclParse {
  readonly body: HclBody;
  readonly problems: ScanProblem[];
}

/** Deepest nesting of blocks and expressions read; anything deeper is reported and skipped. */
export const MAX_HCL_DEPTH = 64;

/** Syntax errors reported one by one; the rest are counted in one last problem. */
export const MAX_HCL_PROBLEMS = 100;

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/** Token kinds. Numbers, so a token stream is three typed arrays rather than an object per token. */
export const TOKEN = {
  EOF: 0,
  Ident: 1,
  Number: 2,
  Newline: 3,
  /** `"` opening a quoted template. */
  OQuote: 4,
  /** `"` closing a quoted template; zero-width when the string is unterminated. */
  CQuote: 5,
  /** `<<EOF` or `<<-EOF`; the line break after it belongs to it. */
  OHeredoc: 6,
  /** The closing marker of a heredoc; zero-width when the heredoc is unterminated. */
  CHeredoc: 7,
  /** Literal text of a template, raw (escapes not decoded). */
  Literal: 8,
  /** `${` */
  InterpOpen: 9,
  /** `%{` */
  ControlOpen: 10,
  /** `}` ending a `${` or `%{`; zero-width when unterminated. */
  TemplateClose: 11,
  LBrace: 12,
  RBrace: 13,
  LBracket: 14,
  RBracket: 15,
  LParen: 16,
  RParen: 17,
  Comma: 18,
  Dot: 19,
  Ellipsis: 20,
  Equals: 21,
  Colon: 22,
  Question: 23,
  FatArrow: 24,
  Bang: 25,
  Plus: 26,
  Minus: 27,
  Star: 28,
  Slash: 29,
  Percent: 30,
  EqualEqual: 31,
  NotEqual: 32,
  Less: 33,
  Greater: 34,
  LessEqual: 35,
  GreaterEqual: 36,
  And: 37,
  Or: 38,
  Tilde: 39,
  /** A run of characters HCL has no use for. */
  Invalid: 40,
} as const;

export type TokenKind = (typeof TOKEN)[keyof typeof TOKEN];

/** The tokens of a text, struct-of-arrays: a megabyte of braces is a million tokens. */
export interface HclTokens {
  readonly count: number;
  readonly kinds: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

const TOKEN_NAMES: Readonly<Record<number, string>> = {
  [TOKEN.EOF]: 'the end of the file',
  [TOKEN.Newline]: 'a line break',
  [TOKEN.OQuote]: 'a string',
  [TOKEN.CQuote]: '"',
  [TOKEN.OHeredoc]: 'a heredoc',
  [TOKEN.CHeredoc]: 'the end of a heredoc',
  [TOKEN.Literal]: 'text',
  [TOKEN.InterpOpen]: '${',
  [TOKEN.ControlOpen]: '%{',
  [TOKEN.TemplateClose]: '}',
};

const SINGLE_CHARACTER_TOKENS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['{', TOKEN.LBrace],
  ['}', TOKEN.RBrace],
  ['[', TOKEN.LBracket],
  [']', TOKEN.RBracket],
  ['(', TOKEN.LParen],
  [')', TOKEN.RParen],
  [',', TOKEN.Comma],
  ['.', TOKEN.Dot],
  ['=', TOKEN.Equals],
  [':', TOKEN.Colon],
  ['?', TOKEN.Question],
  ['!', TOKEN.Bang],
  ['+', TOKEN.Plus],
  ['-', TOKEN.Minus],
  ['*', TOKEN.Star],
  ['/', TOKEN.Slash],
  ['%', TOKEN.Percent],
  ['<', TOKEN.Less],
  ['>', TOKEN.Greater],
  ['~', TOKEN.Tilde],
]);

const TWO_CHARACTER_TOKENS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['==', TOKEN.EqualEqual],
  ['!=', TOKEN.NotEqual],
  ['<=', TOKEN.LessEqual],
  ['>=', TOKEN.GreaterEqual],
  ['&&', TOKEN.And],
  ['||', TOKEN.Or],
  ['=>', TOKEN.FatArrow],
]);

/** Single-character token kinds by character code (ASCII), 0 where none: the tokenizer's hot path. */
const SINGLE_CHARACTER_KINDS: Uint8Array = (() => {
  const kinds = new Uint8Array(128);
  for (const [character, kind] of SINGLE_CHARACTER_TOKENS) {
    kinds[character.charCodeAt(0)] = kind;
  }
  return kinds;
})();

const IDENTIFIER_START = /^[\p{L}\p{Nl}]$/u;
const IDENTIFIER_PART = /^[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]$/u;

function isAsciiDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Where the code point at `at` ends. */
function codePointEnd(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code >= 0xd800 && code <= 0xdbff && at + 1 < text.length && (text.charCodeAt(at + 1) & 0xfc00) === 0xdc00 ? at + 2 : at + 1;
}

function isIdentifierStartAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) {
    return isAsciiLetter(code) || code === 95;
  }
  return IDENTIFIER_START.test(text.slice(at, codePointEnd(text, at)));
}

function isIdentifierPartAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128) {
    return isAsciiLetter(code) || isAsciiDigit(code) || code === 95 || code === 45;
  }
  return IDENTIFIER_PART.test(text.slice(at, codePointEnd(text, at)));
}

/** The end of the identifier starting at `at`. */
function identifierEnd(text: string, at: number): number {
  let end = codePointEnd(text, at);
  for (;;) {
    const code = text.charCodeAt(end);
    if (isAsciiLetter(code) || isAsciiDigit(code) || code === 95 || code === 45) {
      end++;
    } else if (code >= 128 && isIdentifierPartAt(text, end)) {
      end = codePointEnd(text, end);
    } else {
      return end;
    }
  }
}

/** A mode of the tokenizer; the main mode is the empty stack. */
type Mode =
  | { readonly kind: 'quoted'; readonly open: number }
  | { readonly kind: 'heredoc'; readonly open: number; readonly openEnd: number; readonly marker: string; atLineStart: boolean }
  | { readonly kind: 'sequence'; readonly open: number; braces: number };

/** Problems in arrival order, the first {@link MAX_HCL_PROBLEMS} kept and the rest counted. */
class ProblemList {
  readonly kept: ScanProblem[] = [];
  firstDropped: SourceRange | undefined;
  dropped = 0;

  add(range: SourceRange, message: string): void {
    if (this.kept.length < MAX_HCL_PROBLEMS) {
      this.kept.push(problem(range, 'parse-error', message));
    } else {
      this.firstDropped ??= range;
      this.dropped++;
    }
  }
}

class Tokenizer {
  private kinds = new Uint8Array(64);
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private count = 0;
  private readonly modes: Mode[] = [];
  private position = 0;
  /** Where the current template's literal text began, or -1 when none is pending. */
  private literalStart = -1;

  constructor(
    private readonly text: string,
    private readonly problems: ProblemList,
  ) {}

  run(): HclTokens {
    const text = this.text;
    if (text.charCodeAt(0) === 0xfeff) {
      this.position = 1;
    }
    while (this.position < text.length) {
      const mode = this.modes[this.modes.length - 1];
      if (mode?.kind === 'quoted') {
        this.quoted(mode);
      } else if (mode?.kind === 'heredoc') {
        this.heredoc(mode);
      } else {
        this.main(mode);
      }
    }
    this.closeAtEnd();
    this.emit(TOKEN.EOF, text.length, text.length);
    return { count: this.count, kinds: this.kinds.subarray(0, this.count), starts: this.starts.subarray(0, this.count), ends: this.ends.subarray(0, this.count) };
  }

  private emit(kind: TokenKind, start: number, end: number): void {
    if (this.count === this.kinds.length) {
      const capacity = this.count * 2;
      const kinds = new Uint8Array(capacity);
      kinds.set(this.kinds);
      const starts = new Int32Array(capacity);
      starts.set(this.starts);
      const ends = new Int32Array(capacity);
      ends.set(this.ends);
      this.kinds = kinds;
      this.starts = starts;
      this.ends = ends;
    }
    this.kinds[this.count] = kind;
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  private flushLiteral(end: number): void {
    if (this.literalStart >= 0 && end > this.literalStart) {
      this.emit(TOKEN.Literal, this.literalStart, end);
    }
    this.literalStart = -1;
  }

  /**
   * Every mode still open at the end of the text gets its closer, made up. The outermost is
   * reported, once: what it swallowed says nothing about the ones inside it.
   */
  private closeAtEnd(): void {
    const end = this.text.length;
    const outermost = this.modes[0];
    if (outermost) {
      const inner = this.modes.length > 1 ? ` (nor ${this.modes.length - 1} more inside it)` : '';
      if (outermost.kind === 'quoted') {
        this.problems.add({ start: outermost.open, end }, `This string is never closed${inner}: add the closing "`);
      } else if (outermost.kind === 'heredoc') {
        this.problems.add({ start: outermost.open, end: outermost.openEnd }, `This heredoc is never closed${inner}: add a line with ${outermost.marker} alone`);
      } else {
        this.problems.add({ start: outermost.open, end: outermost.open + 2 }, `This interpolation is never closed${inner}: add the closing }`);
      }
    }
    this.flushLiteral(end);
    while (this.modes.length > 0) {
      const mode = this.modes.pop() as Mode;
      this.emit(mode.kind === 'quoted' ? TOKEN.CQuote : mode.kind === 'heredoc' ? TOKEN.CHeredoc : TOKEN.TemplateClose, end, end);
    }
  }

  /** `${` or `%{` at `at` (not escaped as `$${` / `%%{`): returns the token kind, or undefined. */
  private sequenceOpenerAt(at: number): TokenKind | undefined {
    const text = this.text;
    const code = text.charCodeAt(at);
    if ((code !== 36 && code !== 37) || text.charCodeAt(at + 1) !== 123) {
      return undefined;
    }
    return code === 36 ? TOKEN.InterpOpen : TOKEN.ControlOpen;
  }

  private openSequence(kind: TokenKind, at: number): void {
    this.flushLiteral(at);
    this.emit(kind, at, at + 2);
    this.modes.push({ kind: 'sequence', open: at, braces: 0 });
    this.position = at + 2;
  }

  private quoted(mode: Mode & { kind: 'quoted' }): void {
    const text = this.text;
    let at = this.position;
    if (this.literalStart < 0) {
      this.literalStart = at;
    }
    while (at < text.length) {
      const code = text.charCodeAt(at);
      if (code === 34 /* " */) {
        this.flushLiteral(at);
        this.emit(TOKEN.CQuote, at, at + 1);
        this.modes.pop();
        this.position = at + 1;
        return;
      }
      if (code === 10 || (code === 13 && text.charCodeAt(at + 1) === 10)) {
        // A quoted string ends at its line: the rest of the file is read as it would be with the quote.
        this.flushLiteral(at);
        this.problems.add({ start: mode.open, end: at }, 'This string is never closed: add the closing " before the end of the line');
        this.emit(TOKEN.CQuote, at, at);
        this.modes.pop();
        this.position = at;
        return;
      }
      if (code === 92 /* \ */) {
        const next = text.charCodeAt(at + 1);
        at += next === 10 || next === 13 || Number.isNaN(next) ? 1 : 2;
        continue;
      }
      const next = this.templateStep(at);
      if (next < 0) {
        return;
      }
      at = next;
    }
    this.position = at;
  }

  /**
   * One step through template text: `$${` and `%%{` are escapes, skipped whole; `${` and `%{`
   * open a sequence (then -1); anything else moves one character on.
   */
  private templateStep(at: number): number {
    const text = this.text;
    const code = text.charCodeAt(at);
    if ((code === 36 || code === 37) && text.charCodeAt(at + 1) === code && text.charCodeAt(at + 2) === 123) {
      return at + 3;
    }
    const opener = this.sequenceOpenerAt(at);
    if (opener !== undefined) {
      this.openSequence(opener, at);
      return -1;
    }
    return at + 1;
  }

  /** Whether the line starting at `at` closes the heredoc; returns the marker's span. */
  private closingMarkerAt(at: number, marker: string): SourceRange | undefined {
    const text = this.text;
    let start = at;
    while (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9) {
      start++;
    }
    if (!text.startsWith(marker, start)) {
      return undefined;
    }
    const end = start + marker.length;
    let after = end;
    while (text.charCodeAt(after) === 32 || text.charCodeAt(after) === 9 || text.charCodeAt(after) === 13) {
      after++;
    }
    return after === text.length || text.charCodeAt(after) === 10 ? { start, end } : undefined;
  }

  private heredoc(mode: Mode & { kind: 'heredoc' }): void {
    const text = this.text;
    let at = this.position;
    if (this.literalStart < 0) {
      this.literalStart = at;
    }
    while (at < text.length) {
      if (mode.atLineStart) {
        mode.atLineStart = false;
        const marker = this.closingMarkerAt(at, mode.marker);
        if (marker) {
          this.flushLiteral(at);
          this.emit(TOKEN.CHeredoc, marker.start, marker.end);
          this.modes.pop();
          this.position = marker.end;
          return;
        }
      }
      const code = text.charCodeAt(at);
      if (code === 10) {
        mode.atLineStart = true;
        at++;
        continue;
      }
      const next = this.templateStep(at);
      if (next < 0) {
        return;
      }
      at = next;
    }
    this.position = at;
  }

  /** `<<EOF` or `<<-EOF` followed by a line break at `at`: the heredoc mode it opens. */
  private heredocOpenerAt(at: number): { readonly marker: string; readonly end: number; readonly contentStart: number } | undefined {
    const text = this.text;
    let nameStart = at + 2;
    if (text.charCodeAt(nameStart) === 45 /* - */) {
      nameStart++;
    }
    if (nameStart >= text.length || !isIdentifierStartAt(text, nameStart)) {
      return undefined;
    }
    const nameEnd = identifierEnd(text, nameStart);
    const code = text.charCodeAt(nameEnd);
    if (code === 10) {
      return { marker: text.slice(nameStart, nameEnd), end: nameEnd, contentStart: nameEnd + 1 };
    }
    if (code === 13 && text.charCodeAt(nameEnd + 1) === 10) {
      return { marker: text.slice(nameStart, nameEnd), end: nameEnd, contentStart: nameEnd + 2 };
    }
    return undefined;
  }

  private main(sequence: (Mode & { kind: 'sequence' }) | undefined): void {
    const text = this.text;
    const at = this.position;
    const code = text.charCodeAt(at);
    if (code === 13 && text.charCodeAt(at + 1) === 10) {
      this.emit(TOKEN.Newline, at, at + 2);
      this.position = at + 2;
      return;
    }
    if (code === 32 || code === 9 || code === 13 || code === 0xfeff) {
      let end = at + 1;
      for (let next = text.charCodeAt(end); next === 32 || next === 9; next = text.charCodeAt(end)) {
        end++;
      }
      this.position = end;
      return;
    }
    if (code === 10) {
      this.emit(TOKEN.Newline, at, at + 1);
      this.position = at + 1;
      return;
    }
    if (code === 35 /* # */ || (code === 47 && text.charCodeAt(at + 1) === 47)) {
      const lineEnd = text.indexOf('\n', at);
      // The line break after a comment is still a token: it ends the attribute before it.
      this.position = lineEnd < 0 ? text.length : text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
      return;
    }
    if (code === 47 && text.charCodeAt(at + 1) === 42) {
      const close = text.indexOf('*/', at + 2);
      if (close < 0) {
        this.problems.add({ start: at, end: at + 2 }, 'This comment is never closed: add */');
        this.position = text.length;
      } else {
        this.position = close + 2;
      }
      return;
    }
    if (isAsciiLetter(code) || code === 95) {
      const end = identifierEnd(text, at);
      this.emit(TOKEN.Ident, at, end);
      this.position = end;
      return;
    }
    if (isAsciiDigit(code)) {
      this.number(at);
      return;
    }
    if (code === 34) {
      this.emit(TOKEN.OQuote, at, at + 1);
      this.modes.push({ kind: 'quoted', open: at });
      this.position = at + 1;
      return;
    }
    if (code === 60 && text.charCodeAt(at + 1) === 60) {
      const heredoc = this.heredocOpenerAt(at);
      if (heredoc) {
        this.emit(TOKEN.OHeredoc, at, heredoc.end);
        this.modes.push({ kind: 'heredoc', open: at, openEnd: heredoc.end, marker: heredoc.marker, atLineStart: true });
        this.position = heredoc.contentStart;
        return;
      }
    }
    if (sequence && code === 123) {
      sequence.braces++;
    } else if (sequence && code === 125) {
      if (sequence.braces === 0) {
        this.emit(TOKEN.TemplateClose, at, at + 1);
        this.modes.pop();
        this.position = at + 1;
        return;
      }
      sequence.braces--;
    }
    if (code === 46 && text.charCodeAt(at + 1) === 46 && text.charCodeAt(at + 2) === 46) {
      this.emit(TOKEN.Ellipsis, at, at + 3);
      this.position = at + 3;
      return;
    }
    const second = text.charCodeAt(at + 1);
    // Every two-character operator ends in one of `=&|>`.
    const pair = second === 61 || second === 38 || second === 124 || second === 62 ? TWO_CHARACTER_TOKENS.get(text.slice(at, at + 2)) : undefined;
    if (pair !== undefined) {
      this.emit(pair, at, at + 2);
      this.position = at + 2;
      return;
    }
    const single = code < 128 ? SINGLE_CHARACTER_KINDS[code] : 0;
    if (single !== 0) {
      this.emit(single as TokenKind, at, at + 1);
      this.position = at + 1;
      return;
    }
    if (isIdentifierStartAt(text, at)) {
      const end = identifierEnd(text, at);
      this.emit(TOKEN.Ident, at, end);
      this.position = end;
      return;
    }
    this.invalid(at);
  }

  /** `22`, `1.5`, `1e3`: HCL numbers have no sign (a minus is an operator) and no hex. */
  private number(at: number): void {
    const text = this.text;
    let end = at;
    while (isAsciiDigit(text.charCodeAt(end))) {
      end++;
    }
    if (text.charCodeAt(end) === 46 && isAsciiDigit(text.charCodeAt(end + 1))) {
      end += 2;
      while (isAsciiDigit(text.charCodeAt(end))) {
        end++;
      }
    }
    const e = text.charCodeAt(end);
    if (e === 101 || e === 69) {
      let exponent = end + 1;
      const sign = text.charCodeAt(exponent);
      if (sign === 43 || sign === 45) {
        exponent++;
      }
      if (isAsciiDigit(text.charCodeAt(exponent))) {
        end = exponent;
        while (isAsciiDigit(text.charCodeAt(end))) {
          end++;
        }
      }
    }
    this.emit(TOKEN.Number, at, end);
    this.position = end;
  }

  /** A run of characters no token starts with, as one token (a megabyte of `$` is one token, not a million). */
  private invalid(at: number): void {
    const text = this.text;
    let end = codePointEnd(text, at);
    while (end < text.length && this.isInvalidStart(end)) {
      end = codePointEnd(text, end);
    }
    this.emit(TOKEN.Invalid, at, end);
    this.position = end;
  }

  private isInvalidStart(at: number): boolean {
    const text = this.text;
    const code = text.charCodeAt(at);
    if (code === 32 || code === 9 || code === 10 || code === 13 || code === 34 || code === 35 || isAsciiDigit(code) || code === 127) {
      return false;
    }
    if ((code < 128 && SINGLE_CHARACTER_KINDS[code] !== 0) || code === 38 || code === 124) {
      return false;
    }
    return !isIdentifierStartAt(text, at);
  }
}

/** The tokens of an HCL text, with the problems the tokenizer found (unterminated strings, heredocs, comments). */
export function tokenizeHcl(text: string): { tokens: HclTokens; problems: ScanProblem[] } {
  const problems = new ProblemList();
  const tokens = new Tokenizer(text, problems).run();
  return { tokens, problems: problems.kept };
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

/** Binary operators by precedence (HCL's, higher binds tighter). */
const BINARY_PRECEDENCE: ReadonlyMap<number, number> = new Map<number, number>([
  [TOKEN.Or, 1],
  [TOKEN.And, 2],
  [TOKEN.EqualEqual, 3],
  [TOKEN.NotEqual, 3],
  [TOKEN.Less, 4],
  [TOKEN.Greater, 4],
  [TOKEN.LessEqual, 4],
  [TOKEN.GreaterEqual, 4],
  [TOKEN.Plus, 5],
  [TOKEN.Minus, 5],
  [TOKEN.Star, 6],
  [TOKEN.Slash, 6],
  [TOKEN.Percent, 6],
]);

function isOpener(kind: number): boolean {
  return (
    kind === TOKEN.LBrace ||
    kind === TOKEN.LBracket ||
    kind === TOKEN.LParen ||
    kind === TOKEN.OQuote ||
    kind === TOKEN.OHeredoc ||
    kind === TOKEN.InterpOpen ||
    kind === TOKEN.ControlOpen
  );
}

function isCloser(kind: number): boolean {
  return (
    kind === TOKEN.RBrace ||
    kind === TOKEN.RBracket ||
    kind === TOKEN.RParen ||
    kind === TOKEN.CQuote ||
    kind === TOKEN.CHeredoc ||
    kind === TOKEN.TemplateClose
  );
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** A quoted template's literal text with its escapes decoded. */
function decodeQuoted(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('{')) {
    return raw;
  }
  let decoded = '';
  let at = 0;
  while (at < raw.length) {
    const character = raw[at];
    if (character === '\\' && at + 1 < raw.length) {
      const next = raw[at + 1];
      const hexLength = next === 'u' ? 4 : next === 'U' ? 8 : 0;
      if (hexLength > 0) {
        const code = Number.parseInt(raw.slice(at + 2, at + 2 + hexLength), 16);
        if (/^[0-9A-Fa-f]+$/.test(raw.slice(at + 2, at + 2 + hexLength)) && code <= 0x10ffff) {
          decoded += String.fromCodePoint(code);
          at += 2 + hexLength;
          continue;
        }
      }
      decoded += ESCAPES[next] ?? next;
      at += 2;
    } else if ((character === '$' || character === '%') && raw[at + 1] === character && raw[at + 2] === '{') {
      decoded += `${character}{`;
      at += 3;
    } else {
      decoded += character;
      at++;
    }
  }
  return decoded;
}

/** A heredoc's literal text: only `$${` and `%%{` are escapes there. */
function decodeHeredoc(raw: string): string {
  return raw.includes('{') ? raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : raw;
}

/** `<<-` strips the indentation its lines share. */
function stripCommonIndentation(value: string): string {
  const lines = value.split('\n');
  let common = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    if (line.trim() === '') {
      continue;
    }
    let indent = 0;
    while (line[indent] === ' ' || line[indent] === '\t') {
      indent++;
    }
    common = Math.min(common, indent);
  }
  return common === Number.POSITIVE_INFINITY || common === 0 ? value : lines.map((line) => line.slice(Math.min(common, line.length - line.trimStart().length))).join('\n');
}

/**
 * The items of the lists being read, innermost list last. Each list is copied out at its exact
 * length when it ends: an array grown by `push` keeps room for sixteen more items, and a big
 * file's tree holds tens of thousands of short lists, which then outgrow the young generation.
 */
class ListStack<T> {
  private readonly items: T[] = [];
  private top = 0;

  get length(): number {
    return this.top;
  }

  push(item: T): void {
    this.items[this.top++] = item;
  }

  /** The items pushed since the stack was `from` long, taken off it. */
  takeFrom(from: number): T[] {
    const list = this.items.slice(from, this.top);
    this.top = from;
    return list;
  }

  /** Forgets the items pushed since the stack was `from` long. */
  dropFrom(from: number): void {
    this.top = from;
  }
}

class Parser {
  private index = 0;
  private depth = 0;
  private ignoreNewlines = false;
  private lastErrorToken = -1;
  /** Openers the text never closes, reported once at the end, at the outermost. */
  private readonly unclosed: SourceRange[] = [];
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly attributes = new ListStack<HclAttribute>();
  private readonly blocks = new ListStack<HclBlock>();
  private readonly labels = new ListStack<HclBlockLabel>();
  private readonly expressions = new ListStack<HclExpression>();
  private readonly entries = new ListStack<HclObjectEntry>();
  private readonly steps = new ListStack<string | number>();
  /** Each identifier's text once: a file repeats the same few names thousands of times. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly text: string,
    tokens: HclTokens,
    private readonly problems: ProblemList,
    private readonly takeTopLevelBlock: TopLevelBlockTaker | undefined,
  ) {
    this.kinds = tokens.kinds;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
  }

  parseFile(): HclBody {
    const body = this.parseBody(false);
    if (this.unclosed.length > 0) {
      const outermost = this.unclosed.reduce((a, b) => (b.start < a.start ? b : a));
      const inner = this.unclosed.length - 1;
      const what = this.text.slice(outermost.start, outermost.end);
      this.problems.add(outermost, `This ${what} is never closed${inner > 0 ? ` (nor ${inner} more inside it)` : ''}: the file ends first`);
    }
    return body;
  }

  // --- token access -------------------------------------------------------------------------

  /** The current token's kind, past line breaks where they do not matter. */
  private kind(): number {
    if (this.ignoreNewlines) {
      while (this.kinds[this.index] === TOKEN.Newline) {
        this.index++;
      }
    }
    return this.kinds[this.index];
  }

  private kindAfter(): number {
    let next = this.index + 1;
    while (this.ignoreNewlines && this.kinds[next] === TOKEN.Newline) {
      next++;
    }
    return next < this.kinds.length ? this.kinds[next] : TOKEN.EOF;
  }

  private tokenRange(index = this.index): SourceRange {
    return { start: this.starts[index], end: this.ends[index] };
  }

  private tokenText(index = this.index): string {
    return this.text.slice(this.starts[index], this.ends[index]);
  }

  /** An identifier's text, the same string each time it is written. */
  private identifier(index = this.index): string {
    const text = this.tokenText(index);
    const known = this.names.get(text);
    if (known !== undefined) {
      return known;
    }
    this.names.set(text, text);
    return text;
  }

  /** Consumes the current token and returns its range. */
  private advance(): SourceRange {
    this.kind();
    const range = this.tokenRange();
    if (this.kinds[this.index] !== TOKEN.EOF) {
      this.index++;
    }
    return range;
  }

  /** End of the last consumed token. */
  private previousEnd(): number {
    return this.index > 0 ? this.ends[this.index - 1] : 0;
  }

  private describe(index = this.index): string {
    const kind = this.kinds[index];
    const name = TOKEN_NAMES[kind];
    if (name !== undefined) {
      return name;
    }
    const text = this.tokenText(index);
    return `"${text.length > 20 ? `${text.slice(0, 20)}…` : text}"`;
  }

  private error(message: string, range: SourceRange = this.tokenRange()): void {
    // One error per spot: recovery can stop on the token that was just reported.
    if (this.index === this.lastErrorToken) {
      return;
    }
    this.lastErrorToken = this.index;
    this.problems.add(range, message);
  }

  // --- recovery -----------------------------------------------------------------------------

  /**
   * Skips to the end of the line, or past the brace that closes what the line opened. Stops
   * before a `}` that closes the enclosing block.
   */
  private skipLine(): void {
    let nesting = 0;
    for (;;) {
      const kind = this.kinds[this.index];
      if (kind === TOKEN.EOF || (nesting === 0 && (kind === TOKEN.Newline || kind === TOKEN.RBrace))) {
        return;
      }
      if (isOpener(kind)) {
        nesting++;
      } else if (isCloser(kind) && nesting > 0) {
        nesting--;
      }
      this.index++;
    }
  }

  /** Skips the rest of an expression: up to a comma or a closer at this level (or a line break where it matters). */
  private skipExpression(): void {
    let nesting = 0;
    for (;;) {
      const kind = this.kind();
      if (kind === TOKEN.EOF) {
        return;
      }
      if (nesting === 0 && (kind === TOKEN.Comma || isCloser(kind) || (kind === TOKEN.Newline && !this.ignoreNewlines))) {
        return;
      }
      if (isOpener(kind)) {
        nesting++;
      } else if (isCloser(kind)) {
        nesting--;
      }
      this.index++;
    }
  }

  /** Skips a balanced construct starting at the current opener, closer included. */
  private skipBalanced(): void {
    let nesting = 0;
    for (;;) {
      const kind = this.kinds[this.index];
      if (kind === TOKEN.EOF) {
        return;
      }
      if (isOpener(kind)) {
        nesting++;
      } else if (isCloser(kind)) {
        nesting--;
      }
      this.index++;
      if (nesting <= 0) {
        return;
      }
    }
  }

  private tooDeep(range: SourceRange): void {
    this.error(`This is nested more than ${MAX_HCL_DEPTH} levels deep; Port Lens skips what is inside`, range);
  }

  // --- bodies -------------------------------------------------------------------------------

  private parseBody(inBlock: boolean): HclBody {
    const attributesFrom = this.attributes.length;
    const blocksFrom = this.blocks.length;
    for (;;) {
      const kind = this.kinds[this.index];
      if (kind === TOKEN.Newline) {
        this.index++;
      } else if (kind === TOKEN.EOF || (kind === TOKEN.RBrace && inBlock)) {
        return { attributes: this.attributes.takeFrom(attributesFrom), blocks: this.blocks.takeFrom(blocksFrom) };
      } else if (kind === TOKEN.RBrace) {
        this.error('This } closes no block');
        this.index++;
      } else if (kind === TOKEN.Ident) {
        this.parseBodyItem();
      } else {
        // A string is marked whole; anything else by its first token.
        const errorIndex = this.index;
        const range = this.tokenRange();
        if (kind === TOKEN.OQuote) {
          this.skipBalanced();
        }
        this.problems.add({ start: range.start, end: kind === TOKEN.OQuote ? this.previousEnd() : range.end }, `Expected an attribute name or a block type, found ${this.describe(errorIndex)}`);
        this.lastErrorToken = errorIndex;
        this.skipLine();
      }
    }
  }

  private parseBodyItem(): void {
    const nameIndex = this.index;
    const nameRange = this.advance();
    const name = this.identifier(nameIndex);
    const kind = this.kinds[this.index];
    if (kind === TOKEN.Equals) {
      this.index++;
      const value = this.parseExpression();
      this.attributes.push({ name, nameRange, value, range: { start: nameRange.start, end: value.range.end } });
      this.expectItemEnd(`the value of ${name}`);
      return;
    }
    if (kind === TOKEN.LBrace || kind === TOKEN.Ident || kind === TOKEN.OQuote) {
      this.parseBlock(name, nameRange);
      return;
    }
    this.error(`Expected = or a block after ${name}, found ${this.describe()}`);
    this.skipLine();
  }

  private parseBlock(type: string, typeRange: SourceRange): void {
    const labelsFrom = this.labels.length;
    for (;;) {
      const kind = this.kinds[this.index];
      if (kind === TOKEN.Ident) {
        this.labels.push({ value: this.identifier(), range: this.advance() });
      } else if (kind === TOKEN.OQuote) {
        const label = this.parseTemplate();
        if (label.kind === 'string' && label.value !== undefined) {
          this.labels.push({ value: label.value, range: label.range });
        } else {
          this.problems.add(label.range, 'A block label must be a plain string, without ${ }');
        }
      } else {
        break;
      }
    }
    const labels = this.labels.takeFrom(labelsFrom);
    if (this.kinds[this.index] !== TOKEN.LBrace) {
      this.error(`Expected { to open the ${type} block, found ${this.describe()}`);
      this.skipLine();
      return;
    }
    const openRange = this.tokenRange();
    if (this.depth >= MAX_HCL_DEPTH) {
      this.tooDeep(openRange);
      this.skipBalanced();
      this.expectItemEnd(`the ${type} block`);
      return;
    }
    this.index++;
    this.depth++;
    const blockBody = this.parseBody(true);
    this.depth--;
    let end: number;
    if (this.kinds[this.index] === TOKEN.RBrace) {
      end = this.advance().end;
    } else {
      this.unclosed.push(openRange);
      end = this.text.length;
    }
    const block: HclBlock = { type, typeRange, labels, body: blockBody, range: { start: typeRange.start, end } };
    if (this.depth > 0 || !this.takeTopLevelBlock?.(block)) {
      this.blocks.push(block);
    }
    this.expectItemEnd(`the ${type} block`);
  }

  /** An attribute or block ends at a line break, the end of the file, or the `}` of a one-line block. */
  private expectItemEnd(what: string): void {
    const kind = this.kinds[this.index];
    if (kind === TOKEN.Newline) {
      this.index++;
      return;
    }
    if (kind === TOKEN.EOF || kind === TOKEN.RBrace) {
      return;
    }
    this.error(`Unexpected ${this.describe()} after ${what}: start a new line`);
    this.skipLine();
  }

  // --- expressions --------------------------------------------------------------------------

  private parseExpression(): HclExpression {
    const start = this.starts[this.index];
    if (this.depth > MAX_HCL_DEPTH) {
      this.kind();
      const range = this.tokenRange();
      this.tooDeep(range);
      if (isOpener(this.kinds[this.index])) {
        this.skipBalanced();
      }
      this.skipExpression();
      return { kind: 'other', range: { start: range.start, end: Math.max(range.start, this.previousEnd()) } };
    }
    this.depth++;
    const condition = this.parseBinary(1);
    let result = condition;
    if (this.kind() === TOKEN.Question) {
      this.index++;
      this.parseExpression();
      if (this.kind() === TOKEN.Colon) {
        this.index++;
        this.parseExpression();
      } else {
        this.error(`Expected : in this conditional, found ${this.describe()}`);
      }
      result = { kind: 'other', range: { start: Math.min(start, condition.range.start), end: this.previousEnd() } };
    }
    this.depth--;
    return result;
  }

  private parseBinary(minimum: number): HclExpression {
    let left = this.parseUnary();
    for (;;) {
      const precedence = BINARY_PRECEDENCE.get(this.kind());
      if (precedence === undefined || precedence < minimum) {
        return left;
      }
      this.index++;
      const right = this.parseBinary(precedence + 1);
      left = { kind: 'other', range: { start: left.range.start, end: Math.max(right.range.end, left.range.end) } };
    }
  }

  private parseUnary(): HclExpression {
    const first = this.index;
    let operators = 0;
    let minus = false;
    for (let kind = this.kind(); kind === TOKEN.Minus || kind === TOKEN.Bang; kind = this.kind()) {
      minus = kind === TOKEN.Minus;
      operators++;
      this.index++;
    }
    const term = this.parsePostfix(this.parseTerm());
    if (operators === 0) {
      return term;
    }
    const range = { start: this.starts[first], end: term.range.end };
    if (operators === 1 && minus && term.kind === 'number') {
      return { kind: 'number', value: -term.value, range };
    }
    return { kind: 'other', range };
  }

  private parseTerm(): HclExpression {
    const kind = this.kind();
    switch (kind) {
      case TOKEN.Number: {
        const range = this.advance();
        return { kind: 'number', value: Number(this.text.slice(range.start, range.end)), range };
      }
      case TOKEN.Ident:
        return this.parseIdentifierTerm();
      case TOKEN.OQuote:
      case TOKEN.OHeredoc:
        return this.parseTemplate();
      case TOKEN.LBracket:
        return this.parseTuple();
      case TOKEN.LBrace:
        return this.parseObject();
      case TOKEN.LParen: {
        const open = this.advance();
        const saved = this.ignoreNewlines;
        this.ignoreNewlines = true;
        this.parseExpression();
        const end = this.expectCloser(TOKEN.RParen, open, ')');
        this.ignoreNewlines = saved;
        return { kind: 'other', range: { start: open.start, end } };
      }
      default: {
        const range = this.tokenRange();
        this.error(`Expected a value, found ${this.describe()}`);
        // A token that cannot end anything is taken as part of the broken value; the rest is left to the caller.
        if (!isCloser(kind) && kind !== TOKEN.Comma && kind !== TOKEN.Newline && kind !== TOKEN.EOF && kind !== TOKEN.Equals && kind !== TOKEN.Colon && !isOpener(kind)) {
          this.index++;
        }
        return { kind: 'other', range: { start: range.start, end: kind === TOKEN.EOF || kind === TOKEN.Newline ? range.start : range.end } };
      }
    }
  }

  private parseIdentifierTerm(): HclExpression {
    const nameIndex = this.index;
    const range = this.advance();
    let name = this.identifier(nameIndex);
    // Provider-defined functions: `provider::aws::arn_parse(...)`.
    while (this.kinds[this.index] === TOKEN.Colon && this.kinds[this.index + 1] === TOKEN.Colon && this.kinds[this.index + 2] === TOKEN.Ident) {
      name += `::${this.tokenText(this.index + 2)}`;
      this.index += 3;
    }
    if (this.kinds[this.index] === TOKEN.LParen) {
      return this.parseCall(name, range.start);
    }
    if (name === 'true' || name === 'false') {
      return { kind: 'bool', value: name === 'true', range };
    }
    if (name === 'null') {
      return { kind: 'null', range };
    }
    if (name.includes('::')) {
      this.error(`Expected ( after the function name ${name}, found ${this.describe()}`);
      return { kind: 'other', range: { start: range.start, end: this.previousEnd() } };
    }
    return { kind: 'traversal', path: [name], range };
  }

  /**
   * A call's arguments or a tuple's items, separated by commas, up to `closer`; returns where the
   * list ends. A missing comma is reported and the rest of that item skipped; a list still open at
   * the next attribute ends there, and one open at the end of the file is remembered as unclosed.
   */
  private parseCommaList(open: SourceRange, closer: TokenKind, item: () => void, reportUnclosed: () => void, reportMissingComma: () => void): number {
    for (;;) {
      const kind = this.kind();
      if (kind === closer) {
        return this.advance().end;
      }
      if (kind === TOKEN.EOF) {
        this.unclosed.push(open);
        return this.text.length;
      }
      if (isCloser(kind) || this.startsAttribute()) {
        reportUnclosed();
        return this.endBeforeAttribute();
      }
      item();
      const after = this.kind();
      if (after === TOKEN.Comma) {
        this.index++;
      } else if (after !== closer && !isCloser(after) && after !== TOKEN.EOF && !this.startsAttribute()) {
        reportMissingComma();
        this.skipExpression();
        if (this.kind() === TOKEN.Comma) {
          this.index++;
        }
      }
    }
  }

  private parseCall(name: string, start: number): HclExpression {
    const open = this.advance();
    const saved = this.ignoreNewlines;
    this.ignoreNewlines = true;
    const argsFrom = this.expressions.length;
    const end = this.parseCommaList(
      open,
      TOKEN.RParen,
      () => {
        this.expressions.push(this.parseExpression());
        if (this.kind() === TOKEN.Ellipsis) {
          this.index++;
        }
      },
      () => this.error(`Expected ) to close the call to ${name}, found ${this.describe()}`),
      () => this.error(`Expected , or ) in the call to ${name}, found ${this.describe()}`),
    );
    this.ignoreNewlines = saved;
    return { kind: 'call', name, args: this.expressions.takeFrom(argsFrom), range: { start, end } };
  }

  /** `.name`, `.0`, `[index]`, `.*` and `[*]` after a term; only a plain name followed by steps is a traversal. */
  private parsePostfix(term: HclExpression): HclExpression {
    // The path so far is kept on `steps` while it can still be a traversal.
    const stepsFrom = this.steps.length;
    let traversal = term.kind === 'traversal';
    if (term.kind === 'traversal') {
      for (const step of term.path) {
        this.steps.push(step);
      }
    }
    let end = term.range.end;
    let changed = false;
    for (;;) {
      const kind = this.kind();
      if (kind === TOKEN.Dot) {
        this.index++;
        const step = this.kind();
        if (step === TOKEN.Ident) {
          if (traversal) {
            this.steps.push(this.identifier());
          }
        } else if (step === TOKEN.Number && /^\d+(?:\.\d+)?$/.test(this.tokenText())) {
          // Legacy index steps: `a.0`, and `a.0.1` which reads as the number 0.1.
          for (const index of this.tokenText().split('.')) {
            if (traversal) {
              this.steps.push(Number(index));
            }
          }
        } else if (step === TOKEN.Star) {
          traversal = false;
        } else {
          this.error(`Expected an attribute name after ., found ${this.describe()}`);
          end = this.previousEnd();
          traversal = false;
          changed = true;
          break;
        }
        end = this.advance().end;
        changed = true;
      } else if (kind === TOKEN.LBracket) {
        const open = this.advance();
        const saved = this.ignoreNewlines;
        this.ignoreNewlines = true;
        if (this.kind() === TOKEN.Star && this.kindAfter() === TOKEN.RBracket) {
          this.index++;
          traversal = false;
        } else {
          const key = this.parseExpression();
          if (key.kind === 'number' && Number.isInteger(key.value) && key.value >= 0) {
            if (traversal) {
              this.steps.push(key.value);
            }
          } else if (key.kind === 'string' && key.value !== undefined) {
            if (traversal) {
              this.steps.push(key.value);
            }
          } else {
            traversal = false;
          }
        }
        end = this.expectCloser(TOKEN.RBracket, open, ']');
        this.ignoreNewlines = saved;
        changed = true;
      } else {
        break;
      }
    }
    if (!changed) {
      this.steps.dropFrom(stepsFrom);
      return term;
    }
    const range = { start: term.range.start, end };
    if (traversal) {
      return { kind: 'traversal', path: this.steps.takeFrom(stepsFrom), range };
    }
    this.steps.dropFrom(stepsFrom);
    return { kind: 'other', range };
  }

  /** Expects `closer`; on anything else reports it, skips to it at this level and returns where the construct ends. */
  private expectCloser(closer: number, open: SourceRange, closerText: string): number {
    if (this.kind() === closer) {
      return this.advance().end;
    }
    if (this.kind() === TOKEN.EOF) {
      this.unclosed.push(open);
      return this.text.length;
    }
    this.error(`Expected ${closerText}, found ${this.describe()}`);
    this.skipExpression();
    if (this.kind() === closer) {
      return this.advance().end;
    }
    return this.previousEnd();
  }

  /**
   * `name =` at the start of a line, inside brackets where line breaks do not count: the bracket
   * was left open and this is the next attribute, which is better read as one.
   */
  private startsAttribute(): boolean {
    return this.kinds[this.index] === TOKEN.Ident && this.kinds[this.index - 1] === TOKEN.Newline && this.kinds[this.index + 1] === TOKEN.Equals;
  }

  /**
   * Where a construct left open ends: before a closer that belongs to something else, or before
   * the line breaks that precede the next attribute (given back, so that they end the attribute
   * the construct is in).
   */
  private endBeforeAttribute(): number {
    while (this.kinds[this.index - 1] === TOKEN.Newline) {
      this.index--;
    }
    return this.index > 0 ? Math.min(this.starts[this.index], this.ends[this.index - 1]) : 0;
  }

  /** `[for ...]` and `{for ...}`: read as a whole, as nothing Port Lens can resolve. */
  private isForExpression(): boolean {
    return this.kind() === TOKEN.Ident && this.tokenText() === 'for' && this.kindAfter() === TOKEN.Ident;
  }

  private parseTuple(): HclExpression {
    const openIndex = this.index;
    const open = this.advance();
    const saved = this.ignoreNewlines;
    this.ignoreNewlines = true;
    if (this.isForExpression()) {
      this.index = openIndex;
      this.skipBalanced();
      this.ignoreNewlines = saved;
      return { kind: 'other', range: { start: open.start, end: this.previousEnd() } };
    }
    const itemsFrom = this.expressions.length;
    const end = this.parseCommaList(
      open,
      TOKEN.RBracket,
      () => this.expressions.push(this.parseExpression()),
      () => this.error(`This [ is not closed before ${this.describe()}`, open),
      () => this.error(`Expected , or ] in this list, found ${this.describe()}`),
    );
    this.ignoreNewlines = saved;
    return { kind: 'tuple', items: this.expressions.takeFrom(itemsFrom), range: { start: open.start, end } };
  }

  private parseObject(): HclExpression {
    const openIndex = this.index;
    const open = this.advance();
    const saved = this.ignoreNewlines;
    this.ignoreNewlines = false;
    const entriesFrom = this.entries.length;
    let end: number;
    while (this.kinds[this.index] === TOKEN.Newline) {
      this.index++;
    }
    if (this.isForExpression()) {
      this.index = openIndex;
      this.skipBalanced();
      this.ignoreNewlines = saved;
      return { kind: 'other', range: { start: open.start, end: this.previousEnd() } };
    }
    for (;;) {
      const kind = this.kind();
      if (kind === TOKEN.Newline || kind === TOKEN.Comma) {
        this.index++;
        continue;
      }
      if (kind === TOKEN.RBrace) {
        end = this.advance().end;
        break;
      }
      if (kind === TOKEN.EOF) {
        this.unclosed.push(open);
        end = this.text.length;
        break;
      }
      if (isCloser(kind)) {
        this.error(`This { is not closed before ${this.describe()}`, open);
        end = this.starts[this.index];
        break;
      }
      const key = this.parseExpression();
      const separator = this.kind();
      if (separator !== TOKEN.Equals && separator !== TOKEN.Colon) {
        this.error(`Expected = or : after this key, found ${this.describe()}`);
        this.skipExpression();
        continue;
      }
      this.index++;
      const value = this.parseExpression();
      const name = keyName(this.text, key);
      this.entries.push(name === undefined ? { keyRange: key.range, value } : { key: name, keyRange: key.range, value });
      const after = this.kind();
      if (after !== TOKEN.Comma && after !== TOKEN.Newline && !isCloser(after) && after !== TOKEN.EOF) {
        this.error(`Expected a line break or , after this value, found ${this.describe()}`);
        this.skipExpression();
      }
    }
    this.ignoreNewlines = saved;
    return { kind: 'object', entries: this.entries.takeFrom(entriesFrom), range: { start: open.start, end } };
  }

  /** A quoted template or a heredoc, its parts read in turn. */
  private parseTemplate(): HclExpression {
    const openIndex = this.index;
    const heredoc = this.kinds[openIndex] === TOKEN.OHeredoc;
    const open = this.advance();
    const contentStart = heredoc ? this.heredocContentStart(open.end) : open.end;
    const saved = this.ignoreNewlines;
    let literal = '';
    let literals = 0;
    let interpolations = 0;
    let directive = false;
    let interpolation: HclExpression | undefined;
    let contentEnd = this.text.length;
    let end = this.text.length;
    for (;;) {
      const kind = this.kinds[this.index];
      if (kind === TOKEN.Literal) {
        const raw = this.tokenText();
        literal += heredoc ? decodeHeredoc(raw) : decodeQuoted(raw);
        literals++;
        this.index++;
      } else if (kind === TOKEN.InterpOpen) {
        const sequenceOpen = this.advance();
        this.ignoreNewlines = true;
        if (this.kind() === TOKEN.Tilde) {
          this.index++;
        }
        interpolation = this.kind() === TOKEN.TemplateClose ? undefined : this.parseExpression();
        if (this.kind() === TOKEN.Tilde) {
          this.index++;
        }
        if (interpolation === undefined) {
          this.error('This ${ } is empty', { start: sequenceOpen.start, end: this.ends[this.index] });
        }
        this.skipToTemplateClose();
        this.ignoreNewlines = saved;
        interpolations++;
      } else if (kind === TOKEN.ControlOpen) {
        directive = true;
        this.skipBalanced();
      } else if (kind === TOKEN.CQuote || kind === TOKEN.CHeredoc) {
        const close = this.advance();
        contentEnd = heredoc && close.end > close.start ? this.lineStartOf(close.start) : close.start;
        end = close.end;
        break;
      } else if (kind === TOKEN.EOF) {
        break;
      } else {
        // Not produced inside a template; consumed so the loop always moves on.
        this.index++;
      }
    }
    const range = { start: open.start, end };
    const contentRange = { start: Math.min(contentStart, contentEnd), end: contentEnd };
    const flush = heredoc && this.text.charCodeAt(open.start + 2) === 45;
    // One literal per shape, no spreads: a Terraform file has thousands of strings, and a field
    // added to an object after it is made goes to a separate, larger allocation.
    if (interpolations === 0 && !directive) {
      const value = flush ? stripCommonIndentation(literal) : literal;
      return heredoc ? { kind: 'string', range, contentRange, heredoc, value } : { kind: 'string', range, contentRange, value };
    }
    if (interpolations === 1 && literals === 0 && !directive && interpolation) {
      return heredoc ? { kind: 'string', range, contentRange, heredoc, interpolation } : { kind: 'string', range, contentRange, interpolation };
    }
    return heredoc ? { kind: 'string', range, contentRange, heredoc } : { kind: 'string', range, contentRange };
  }

  /** After a `${` expression: the `}` that ends it, reporting and skipping anything before it. */
  private skipToTemplateClose(): void {
    if (this.kind() === TOKEN.TemplateClose) {
      this.index++;
      return;
    }
    this.error(`Expected } to end this interpolation, found ${this.describe()}`);
    let nesting = 0;
    for (;;) {
      const kind = this.kinds[this.index];
      if (kind === TOKEN.EOF) {
        return;
      }
      this.index++;
      if (kind === TOKEN.TemplateClose && nesting === 0) {
        return;
      }
      if (isOpener(kind)) {
        nesting++;
      } else if (isCloser(kind)) {
        nesting--;
      }
    }
  }

  private heredocContentStart(openerEnd: number): number {
    return this.text.charCodeAt(openerEnd) === 13 ? openerEnd + 2 : openerEnd + 1;
  }

  /** The start of the line holding `at`, looking back over indentation only. */
  private lineStartOf(at: number): number {
    let start = at;
    while (start > 0 && (this.text.charCodeAt(start - 1) === 32 || this.text.charCodeAt(start - 1) === 9)) {
      start--;
    }
    return start;
  }
}

function keyName(text: string, key: HclExpression): string | undefined {
  if (key.kind === 'traversal' && key.path.length === 1) {
    return String(key.path[0]);
  }
  if (key.kind === 'string' && key.value !== undefined) {
    return key.value;
  }
  if (key.kind === 'bool' || key.kind === 'null') {
    return text.slice(key.range.start, key.range.end);
  }
  return undefined;
}

function finishProblems(problems: ProblemList): ScanProblem[] {
  const kept = problems.kept.sort((a, b) => a.range.start - b.range.start);
  if (problems.dropped > 0 && problems.firstDropped) {
    kept.push(problem(problems.firstDropped, 'parse-error', `…and ${problems.dropped} more syntax ${problems.dropped === 1 ? 'error' : 'errors'} in this file`));
  }
  return kept;
}

/** Sees a top-level block as soon as it is read; returns true to take it out of the body. */
export type TopLevelBlockTaker = (block: HclBlock) => boolean;

function parse(text: string, takeTopLevelBlock: TopLevelBlockTaker | undefined): HclParse & { readonly complete: boolean } {
  const problems = new ProblemList();
  try {
    const tokens = new Tokenizer(text, problems).run();
    const body = new Parser(text, tokens, problems, takeTopLevelBlock).parseFile();
    return { body, problems: finishProblems(problems), complete: true };
  } catch (error) {
    return {
      body: { attributes: [], blocks: [] },
      problems: [problem({ start: 0, end: Math.min(text.length, 1) }, 'parse-error', `Could not read this file: ${failureReason(error)}`)],
      complete: false,
    };
  }
}

/** Parses HCL native syntax. Never throws: what cannot be read is reported as `parse-error` problems and skipped. */
export function parseHcl(text: string): HclParse {
  const { body, problems } = parse(text, undefined);
  return { body, problems };
}

/**
 * As {@link parseHcl}, handing each top-level block to `take` as soon as it is read, in file
 * order. A block `take` returns true for is left out of the body, so a reader done with it lets
 * it go while the rest is read: a big file's tree is then never whole in memory. `complete` is
 * false when the text could not be read at all (its one problem says why): what `take` saw before
 * then does not count. An exception thrown by `take` is reported as such a failure.
 */
export function parseHclTakingBlocks(text: string, take: TopLevelBlockTaker): HclParse & { readonly complete: boolean } {
  return parse(text, take);
}
