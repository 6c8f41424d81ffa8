/**
 * A small POSIX-shell lexer for the firewall scanners: it splits a script into simple commands and
 * each command into words, the way the shell would before running it, while remembering where every
 * character came from. It understands comments, `\` line continuations, single, double and `$'…'`
 * quotes, command separators (`;`, `&&`, `||`, `|`, `&`, newlines, parentheses), redirections and
 * here-documents. It does not expand anything: `$VAR`, `${VAR}`, `$(…)` and backticks stay in the
 * word text as written, flagged by `hasExpansion`. One pass, no regexes, never throws.
 */
import type { SourceRange } from '../types';

export interface ShellWord {
  /** The word after quote removal and backslash processing; expansions are kept verbatim. */
  readonly text: string;
  /** Offset of the word's first character as written (an opening quote included). */
  readonly start: number;
  /** Offset just past the word's last character as written (a closing quote included). */
  readonly end: number;
  /** `true` when any part of the word was quoted or escaped, so `text` may differ from the source. */
  readonly quoted: boolean;
  /** `true` when the word holds an unquoted or double-quoted `$` expansion or a backtick substitution. */
  readonly hasExpansion: boolean;
  /** `true` when a quote or substitution in the word was still open at the end of the input. */
  readonly unterminated: boolean;
  /** Source offset of each UTF-16 unit of `text`; absent when `text` is the source verbatim. */
  readonly offsets?: readonly number[];
}

/** A here-document attached to a command: its body is the raw text between the two delimiter lines. */
export interface ShellHeredoc {
  /** The delimiter word with quotes removed. */
  readonly delimiter: string;
  /** `true` when the delimiter was quoted, so the shell leaves the body unexpanded. */
  readonly literal: boolean;
  /** Span of the body: from the line after the command to the start of the closing delimiter line. */
  readonly body: SourceRange;
  /** `false` when the input ended before the closing delimiter. */
  readonly terminated: boolean;
}

/** What ended a command: a control operator, a newline, or the end of input (`''`). */
export type ShellSeparator = ';' | '&&' | '||' | '|' | '&' | '(' | ')' | '\n' | '';

/** One simple command: its words (redirections removed), here-documents and what ended it. */
export interface ShellCommand {
  readonly words: readonly ShellWord[];
  readonly heredocs: readonly ShellHeredoc[];
  readonly separator: ShellSeparator;
}

/** The source span of `text[from..to)` of a word, e.g. the digits inside `"--dport=22"`. */
export function wordSpan(word: ShellWord, from = 0, to = word.text.length): SourceRange {
  if (to <= from) {
    const at = word.offsets ? (word.offsets[from] ?? word.end) : word.start + from;
    return { start: at, end: at };
  }
  if (!word.offsets) {
    return { start: word.start + from, end: word.start + to };
  }
  return { start: word.offsets[from], end: word.offsets[to - 1] + 1 };
}

/** The span of a word's text without its quotes: what a user points at in `"8080"`. */
export function wordTextSpan(word: ShellWord): SourceRange {
  return word.text.length === 0 ? { start: word.start, end: word.end } : wordSpan(word);
}

/** A variable reference that makes up a whole word: `$NAME` or `${NAME}`; `undefined` otherwise. */
export function wholeWordVariable(text: string): string | undefined {
  if (text.length < 2 || text[0] !== '$') {
    return undefined;
  }
  const braced = text[1] === '{';
  const name = braced ? text.slice(2, -1) : text.slice(1);
  if (braced && text[text.length - 1] !== '}') {
    return undefined;
  }
  return isVariableName(name) ? name : undefined;
}

/** `true` for a shell variable name: a letter or underscore, then letters, digits and underscores. */
export function isVariableName(name: string): boolean {
  if (name.length === 0 || !isNameStart(name.charCodeAt(0))) {
    return false;
  }
  for (let i = 1; i < name.length; i++) {
    if (!isNameChar(name.charCodeAt(i))) {
      return false;
    }
  }
  return true;
}

function isNameStart(code: number): boolean {
  return code === 95 || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isNameChar(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57);
}

function isBlank(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\r';
}

/** Characters that end an unquoted word. */
function isWordBreak(char: string): boolean {
  return isBlank(char) || char === '\n' || char === ';' || char === '&' || char === '|' || char === '(' || char === ')' || char === '<' || char === '>';
}

/** A character that stands for itself in an unquoted word: no quote, escape, expansion, redirection or break. */
function isPlainWordChar(code: number): boolean {
  switch (code) {
    case 32: // space
    case 9: // tab
    case 13: // \r
    case 10: // \n
    case 59: // ;
    case 38: // &
    case 124: // |
    case 40: // (
    case 41: // )
    case 60: // <
    case 62: // >
    case 92: // \\
    case 39: // '
    case 34: // "
    case 36: // $
    case 96: // `
      return false;
    default:
      return true;
  }
}

/** The characters that end a plain word outright; `<` and `>` may instead make it a file descriptor. */
function isPlainWordEnd(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10 || code === 59 || code === 38 || code === 124 || code === 40 || code === 41;
}

/** Collects one word's characters and where each came from. */
class WordBuilder {
  private readonly chars: string[] = [];
  private readonly origins: number[] = [];
  start = -1;
  quoted = false;
  hasExpansion = false;
  unterminated = false;

  get empty(): boolean {
    return this.start < 0;
  }

  get text(): string {
    return this.chars.join('');
  }

  begin(at: number): void {
    if (this.start < 0) {
      this.start = at;
    }
  }

  push(char: string, origin: number): void {
    this.chars.push(char);
    this.origins.push(origin);
  }

  build(end: number): ShellWord {
    const text = this.chars.join('');
    const verbatim = this.origins.every((origin, index) => origin === this.start + index) && end - this.start === text.length;
    return {
      text,
      start: this.start,
      end,
      quoted: this.quoted,
      hasExpansion: this.hasExpansion,
      unterminated: this.unterminated,
      ...(verbatim ? {} : { offsets: this.origins }),
    };
  }
}

interface PendingHeredoc {
  readonly delimiter: string;
  readonly literal: boolean;
  readonly stripTabs: boolean;
  readonly owner: ShellHeredoc[];
}

/**
 * Splits a shell script into simple commands. Comments, blank lines and redirections produce no
 * words; empty commands are dropped. Offsets are UTF-16 offsets into `text`.
 */
export function splitShellCommands(text: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  new ShellLexer(text, (command) => commands.push(command)).run();
  return commands;
}

/**
 * The commands of {@link splitShellCommands}, handed to `visit` one at a time as soon as each is
 * complete (its here-documents read), so a long script's words need not all be alive at once.
 */
export function forEachShellCommand(text: string, visit: (command: ShellCommand) => void): void {
  new ShellLexer(text, visit).run();
}

class ShellLexer {
  private pos = 0;
  /** Ended commands whose here-documents are not read yet. */
  private readonly ended: ShellCommand[] = [];
  private words: ShellWord[] = [];
  private heredocs: ShellHeredoc[] = [];
  private pendingHeredocs: PendingHeredoc[] = [];
  /** Set while the next word is the target of a redirection, so it is dropped instead of kept. */
  private redirectTarget = false;
  /** Set when the next word is a here-document delimiter. */
  private heredocOperator: { stripTabs: boolean } | undefined;

  constructor(
    private readonly text: string,
    private readonly visit: (command: ShellCommand) => void,
  ) {}

  run(): void {
    const { text } = this;
    while (this.pos < text.length) {
      const code = text.charCodeAt(this.pos);
      if (code === 32 || code === 9 || code === 13) {
        this.pos++;
        continue;
      }
      const char = text[this.pos];
      if (char === '\\' && this.isLineContinuation(this.pos)) {
        this.pos += this.continuationLength(this.pos);
      } else if (char === '\n') {
        this.pos++;
        this.endCommand('\n');
        this.readHeredocBodies();
      } else if (char === '#') {
        this.skipComment();
      } else if (char === ';') {
        this.pos += text[this.pos + 1] === ';' ? 2 : 1;
        this.endCommand(';');
      } else if (char === '&' && text[this.pos + 1] === '&') {
        this.pos += 2;
        this.endCommand('&&');
      } else if (char === '|' && text[this.pos + 1] === '|') {
        this.pos += 2;
        this.endCommand('||');
      } else if (char === '|') {
        this.pos += text[this.pos + 1] === '&' ? 2 : 1;
        this.endCommand('|');
      } else if (char === '&' && text[this.pos + 1] !== '>') {
        this.pos++;
        this.endCommand('&');
      } else if (char === '(' || char === ')') {
        this.pos++;
        this.endCommand(char);
      } else if (char === '<' || char === '>' || char === '&') {
        this.readRedirection();
      } else {
        this.readWord();
      }
    }
    this.endCommand('');
    this.readHeredocBodies();
  }

  private isLineContinuation(at: number): boolean {
    const next = this.text[at + 1];
    return next === '\n' || (next === '\r' && this.text[at + 2] === '\n');
  }

  private continuationLength(at: number): number {
    return this.text[at + 1] === '\r' ? 3 : 2;
  }

  private skipComment(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n') {
      this.pos++;
    }
  }

  private endCommand(separator: ShellSeparator): void {
    this.redirectTarget = false;
    this.heredocOperator = undefined;
    if (this.words.length > 0 || this.heredocs.length > 0) {
      this.ended.push({ words: this.words, heredocs: this.heredocs, separator });
    }
    this.flushEnded();
    this.words = [];
    this.heredocs = [];
  }

  /** Reads `<`, `>`, `>>`, `<<`, `<<-`, `<<<`, `&>`, `>&`, `<&` and friends; the next word is their target. */
  private readRedirection(): void {
    const { text } = this;
    if (text.startsWith('<<<', this.pos)) {
      this.pos += 3;
      this.redirectTarget = true;
      return;
    }
    if (text.startsWith('<<', this.pos)) {
      const stripTabs = text[this.pos + 2] === '-';
      this.pos += stripTabs ? 3 : 2;
      this.heredocOperator = { stripTabs };
      return;
    }
    if (text[this.pos] === '&') {
      this.pos++;
    }
    this.pos++;
    const next = text[this.pos];
    if (next === '>' || next === '&' || next === '|') {
      this.pos++;
    }
    this.redirectTarget = true;
  }

  private readWord(): void {
    const { text } = this;
    // Most words are plain (`-A`, `--dport`, `22`): slice them instead of building them character by character.
    const start = this.pos;
    let end = start;
    while (end < text.length && isPlainWordChar(text.charCodeAt(end))) {
      end++;
    }
    if (end > start && (end === text.length || isPlainWordEnd(text.charCodeAt(end)))) {
      this.pos = end;
      this.finishWord({ text: text.slice(start, end), start, end, quoted: false, hasExpansion: false, unterminated: false });
      return;
    }
    const word = new WordBuilder();
    word.begin(start);
    for (let index = start; index < end; index++) {
      word.push(text[index], index);
    }
    this.pos = end;
    while (this.pos < text.length) {
      const char = text[this.pos];
      if (char === '\\') {
        if (this.isLineContinuation(this.pos)) {
          this.pos += this.continuationLength(this.pos);
          continue;
        }
        word.quoted = true;
        if (this.pos + 1 < text.length) {
          word.push(text[this.pos + 1], this.pos + 1);
          this.pos += 2;
        } else {
          // A backslash that ends the input escapes nothing; the word must not end past the text.
          this.pos++;
        }
      } else if (char === "'") {
        this.readSingleQuoted(word);
      } else if (char === '"') {
        this.readDoubleQuoted(word);
      } else if (char === '$' && text[this.pos + 1] === "'") {
        this.readAnsiQuoted(word);
      } else if (char === '$') {
        this.readDollar(word);
      } else if (char === '`') {
        this.readBackticks(word);
      } else if ((char === '<' || char === '>') && this.isFileDescriptorPrefix(word)) {
        // `2>&1`: the digits are a file descriptor number, not a word.
        this.readRedirection();
        return;
      } else if (isWordBreak(char)) {
        break;
      } else {
        word.push(char, this.pos);
        this.pos++;
      }
    }
    this.finishWord(word.build(this.pos));
  }

  private isFileDescriptorPrefix(word: WordBuilder): boolean {
    const soFar = word.text;
    if (word.quoted || soFar.length === 0) {
      return false;
    }
    for (let i = 0; i < soFar.length; i++) {
      const code = soFar.charCodeAt(i);
      if (code < 48 || code > 57) {
        return false;
      }
    }
    return true;
  }

  private finishWord(word: ShellWord): void {
    if (this.heredocOperator) {
      this.pendingHeredocs.push({
        delimiter: word.text,
        literal: word.quoted,
        stripTabs: this.heredocOperator.stripTabs,
        owner: this.heredocs,
      });
      this.heredocOperator = undefined;
      return;
    }
    if (this.redirectTarget) {
      this.redirectTarget = false;
      return;
    }
    this.words.push(word);
  }

  private readSingleQuoted(word: WordBuilder): void {
    const { text } = this;
    word.quoted = true;
    this.pos++;
    while (this.pos < text.length && text[this.pos] !== "'") {
      word.push(text[this.pos], this.pos);
      this.pos++;
    }
    if (this.pos >= text.length) {
      word.unterminated = true;
      return;
    }
    this.pos++;
  }

  private readDoubleQuoted(word: WordBuilder): void {
    const { text } = this;
    word.quoted = true;
    this.pos++;
    while (this.pos < text.length) {
      const char = text[this.pos];
      if (char === '"') {
        this.pos++;
        return;
      }
      if (char === '\\') {
        if (this.isLineContinuation(this.pos)) {
          this.pos += this.continuationLength(this.pos);
          continue;
        }
        const next = text[this.pos + 1];
        // Inside double quotes a backslash only escapes these; before anything else it stays.
        if (next === '$' || next === '`' || next === '"' || next === '\\') {
          word.push(next, this.pos + 1);
          this.pos += 2;
          continue;
        }
        word.push(char, this.pos);
        this.pos++;
      } else if (char === '$') {
        this.readDollar(word);
      } else if (char === '`') {
        this.readBackticks(word);
      } else {
        word.push(char, this.pos);
        this.pos++;
      }
    }
    word.unterminated = true;
  }

  /** `$'…'`: bash's ANSI-C quoting, with the common escapes decoded. */
  private readAnsiQuoted(word: WordBuilder): void {
    const { text } = this;
    word.quoted = true;
    this.pos += 2;
    while (this.pos < text.length) {
      const char = text[this.pos];
      if (char === "'") {
        this.pos++;
        return;
      }
      if (char === '\\' && this.pos + 1 < text.length) {
        const next = text[this.pos + 1];
        const decoded = ANSI_ESCAPES[next];
        if (decoded === undefined) {
          // Escapes this lexer does not decode (octal, hex, unicode) stay as written.
          word.push('\\', this.pos);
          word.push(next, this.pos + 1);
        } else {
          word.push(decoded, this.pos);
        }
        this.pos += 2;
        continue;
      }
      word.push(char, this.pos);
      this.pos++;
    }
    word.unterminated = true;
  }

  /** `$NAME`, `${…}`, `$(…)`, `$((…))` and special parameters, copied verbatim. */
  private readDollar(word: WordBuilder): void {
    const { text } = this;
    word.hasExpansion = true;
    const next = text[this.pos + 1];
    if (next === '{') {
      this.copyBalanced(word, '{', '}');
    } else if (next === '(') {
      this.copyBalanced(word, '(', ')');
    } else {
      word.push('$', this.pos);
      this.pos++;
      if (this.pos < text.length && isNameStart(text.charCodeAt(this.pos))) {
        while (this.pos < text.length && isNameChar(text.charCodeAt(this.pos))) {
          word.push(text[this.pos], this.pos);
          this.pos++;
        }
      } else if (this.pos < text.length && SPECIAL_PARAMETERS.has(text[this.pos])) {
        word.push(text[this.pos], this.pos);
        this.pos++;
      }
    }
  }

  /**
   * Copies `$` plus a bracketed group verbatim, tracking nesting and the quotes inside it so a `)`
   * in a quoted string does not close a command substitution early.
   */
  private copyBalanced(word: WordBuilder, open: string, close: string): void {
    const { text } = this;
    word.push('$', this.pos);
    this.pos++;
    let depth = 0;
    let quote: string | undefined;
    while (this.pos < text.length) {
      const char = text[this.pos];
      word.push(char, this.pos);
      this.pos++;
      if (quote) {
        if (char === '\\' && quote === '"' && this.pos < text.length) {
          word.push(text[this.pos], this.pos);
          this.pos++;
        } else if (char === quote) {
          quote = undefined;
        }
      } else if (char === '\\' && this.pos < text.length) {
        word.push(text[this.pos], this.pos);
        this.pos++;
      } else if (char === "'" || char === '"') {
        quote = char;
      } else if (char === open) {
        depth++;
      } else if (char === close) {
        depth--;
        if (depth === 0) {
          return;
        }
      }
    }
    word.unterminated = true;
  }

  private readBackticks(word: WordBuilder): void {
    const { text } = this;
    word.hasExpansion = true;
    word.push('`', this.pos);
    this.pos++;
    while (this.pos < text.length) {
      const char = text[this.pos];
      word.push(char, this.pos);
      this.pos++;
      if (char === '\\' && this.pos < text.length) {
        word.push(text[this.pos], this.pos);
        this.pos++;
      } else if (char === '`') {
        return;
      }
    }
    word.unterminated = true;
  }

  /** After a newline, consumes the bodies of here-documents opened on the line that just ended. */
  private readHeredocBodies(): void {
    const pending = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const heredoc of pending) {
      heredoc.owner.push(this.readHeredocBody(heredoc));
    }
    this.flushEnded();
  }

  /** Hands on the ended commands, in order, once no here-document body is still to be read for them. */
  private flushEnded(): void {
    if (this.pendingHeredocs.length > 0 || this.ended.length === 0) {
      return;
    }
    for (const command of this.ended) {
      this.visit(command);
    }
    this.ended.length = 0;
  }

  private readHeredocBody(heredoc: PendingHeredoc): ShellHeredoc {
    const { text } = this;
    const bodyStart = this.pos;
    while (this.pos < text.length) {
      const lineStart = this.pos;
      let lineEnd = text.indexOf('\n', lineStart);
      const nextLine = lineEnd < 0 ? text.length : lineEnd + 1;
      if (lineEnd < 0) {
        lineEnd = text.length;
      }
      let contentStart = lineStart;
      if (heredoc.stripTabs) {
        while (contentStart < lineEnd && text[contentStart] === '\t') {
          contentStart++;
        }
      }
      const contentEnd = lineEnd > contentStart && text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
      this.pos = nextLine;
      if (text.slice(contentStart, contentEnd) === heredoc.delimiter) {
        return { delimiter: heredoc.delimiter, literal: heredoc.literal, body: { start: bodyStart, end: lineStart }, terminated: true };
      }
    }
    return { delimiter: heredoc.delimiter, literal: heredoc.literal, body: { start: bodyStart, end: text.length }, terminated: false };
  }
}

const ANSI_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

const SPECIAL_PARAMETERS: ReadonlySet<string> = new Set(['@', '*', '#', '?', '-', '$', '!', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
