/**
 * Reads a Compose `.env` file: `KEY=VALUE` lines, `#` comments, single quotes taken literally,
 * double quotes with escapes, and `${VAR}` references to keys defined earlier in the file.
 * Only the file is used, never the shell environment, so a check gives the same result on
 * every machine.
 */

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const EXPORT_PREFIX = /^export[ \t]+/;

/** Escapes Compose honours inside double quotes. `$$` (not a backslash) is how a literal dollar is written. */
const DOUBLE_QUOTE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"' };

function isBlank(character: string): boolean {
  return character === ' ' || character === '\t';
}

/** Expands `$NAME`, `${NAME}` and the `:-`, `-`, `:+`, `+` forms from the keys read so far; unknown names become empty, as Compose does. */
function interpolate(value: string, known: ReadonlyMap<string, string>): string {
  let result = '';
  let index = 0;
  while (index < value.length) {
    const character = value[index];
    if (character !== '$') {
      result += character;
      index++;
      continue;
    }
    const next = value[index + 1];
    if (next === '$') {
      result += '$';
      index += 2;
    } else if (next === '{') {
      const close = value.indexOf('}', index + 2);
      if (close < 0) {
        result += value.slice(index);
        break;
      }
      result += expandBraced(value.slice(index + 2, close), known);
      index = close + 1;
    } else if (next !== undefined && NAME_START.test(next)) {
      let end = index + 2;
      while (end < value.length && NAME_PART.test(value[end])) {
        end++;
      }
      result += known.get(value.slice(index + 1, end)) ?? '';
      index = end;
    } else {
      result += character;
      index++;
    }
  }
  return result;
}

function expandBraced(expression: string, known: ReadonlyMap<string, string>): string {
  let nameEnd = 0;
  while (nameEnd < expression.length && NAME_PART.test(expression[nameEnd])) {
    nameEnd++;
  }
  const name = expression.slice(0, nameEnd);
  const current = known.get(name);
  const operator = expression.slice(nameEnd);
  if (operator.startsWith(':-')) {
    return current ? current : operator.slice(2);
  }
  if (operator.startsWith('-')) {
    return current ?? operator.slice(1);
  }
  if (operator.startsWith(':+')) {
    return current ? operator.slice(2) : '';
  }
  if (operator.startsWith('+')) {
    return current !== undefined ? operator.slice(1) : '';
  }
  return current ?? '';
}

/** Reads a quoted value starting just after the opening quote; it may span lines. Returns the value and the index after the closing quote. */
function readQuoted(text: string, start: number, quote: '"' | "'"): { value: string; end: number } {
  let value = '';
  let index = start;
  while (index < text.length) {
    const character = text[index];
    if (character === '\\' && index + 1 < text.length) {
      const escaped = text[index + 1];
      if (escaped === quote) {
        value += quote;
        index += 2;
        continue;
      }
      if (quote === '"' && DOUBLE_QUOTE_ESCAPES[escaped] !== undefined) {
        value += DOUBLE_QUOTE_ESCAPES[escaped];
        index += 2;
        continue;
      }
    }
    if (character === quote) {
      return { value, end: index + 1 };
    }
    value += character;
    index++;
  }
  // An unclosed quote runs to the end of the file, which is what a reader without a parser error would keep.
  return { value, end: text.length };
}

function lineEnd(text: string, from: number): number {
  const newline = text.indexOf('\n', from);
  return newline < 0 ? text.length : newline;
}

/** Parses `.env` text into variables. Lines that are not `KEY=VALUE` are skipped. */
export function parseDotEnv(text: string): Record<string, string> {
  const known = new Map<string, string>();
  let index = 0;
  while (index < text.length) {
    const end = lineEnd(text, index);
    const line = text.slice(index, end).replace(/\r$/, '');
    const indented = line.trimStart();
    const exported = indented.replace(EXPORT_PREFIX, '');
    const equals = exported.indexOf('=');
    if (exported === '' || exported.startsWith('#') || equals < 0) {
      index = end + 1;
      continue;
    }
    const key = exported.slice(0, equals).trim();
    // Offsets into the whole text, so a quoted value can continue on later lines.
    let valueStart = index + (line.length - exported.length) + equals + 1;
    while (valueStart < end && isBlank(text[valueStart])) {
      valueStart++;
    }
    const opening = text[valueStart];
    let value: string;
    if (opening === '"' || opening === "'") {
      const quoted = readQuoted(text, valueStart + 1, opening);
      value = opening === '"' ? interpolate(quoted.value, known) : quoted.value;
      index = lineEnd(text, quoted.end) + 1;
    } else {
      const raw = text.slice(valueStart, end).replace(/\r$/, '');
      value = interpolate(stripInlineComment(raw).trimEnd(), known);
      index = end + 1;
    }
    if (KEY.test(key)) {
      known.set(key, value);
    }
  }
  return Object.fromEntries(known);
}

/** An unquoted value ends at a `#` that follows a blank: `A=b # note` is `b`, `A=b#c` is `b#c`. */
function stripInlineComment(raw: string): string {
  for (let index = 1; index < raw.length; index++) {
    if (raw[index] === '#' && isBlank(raw[index - 1])) {
      return raw.slice(0, index);
    }
  }
  return raw.startsWith('#') ? '' : raw;
}
