/**
 * A small, tolerant XML tag reader for configuration files. It reports start, end and
 * self-closing tags with their attributes and exact offsets, and skips comments, processing
 * instructions, CDATA and DOCTYPE declarations. Nothing is expanded or fetched: entity
 * references stay as written and DTDs are never read. One pass, linear in the input.
 */
import type { SourceRange } from '../types';

export interface XmlAttribute {
  readonly name: string;
  /** The value as written, without quotes and without entity expansion. */
  readonly value: string;
  /** Span of the value between its quotes. */
  readonly valueRange: SourceRange;
}

export interface XmlTag {
  readonly kind: 'start' | 'end' | 'empty';
  readonly name: string;
  readonly nameRange: SourceRange;
  /** From `<` to `>` inclusive (to the end of the text for an unclosed tag). */
  readonly range: SourceRange;
  readonly attributes: readonly XmlAttribute[];
}

export interface XmlProblem {
  readonly range: SourceRange;
  readonly message: string;
}

export interface XmlScan {
  readonly tags: XmlTag[];
  readonly problems: XmlProblem[];
}

function isNameCharacter(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || // a-z
    (code >= 65 && code <= 90) || // A-Z
    (code >= 48 && code <= 57) || // 0-9
    code === 45 || code === 46 || code === 95 || code === 58 || // - . _ :
    code > 127
  );
}

function isWhitespace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Skips a construct that ends with `terminator`; returns the offset after it, or the text's end. */
function skipPast(text: string, from: number, terminator: string): number {
  const end = text.indexOf(terminator, from);
  return end < 0 ? text.length : end + terminator.length;
}

/** Reads every tag in `text`. Malformed markup is reported and skipped; the scan always finishes. */
export function scanXmlTags(text: string): XmlScan {
  const tags: XmlTag[] = [];
  const problems: XmlProblem[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('<', i);
    if (open < 0) {
      break;
    }
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      if (end < 0) {
        problems.push({ range: { start: open, end: text.length }, message: 'Unclosed comment' });
        break;
      }
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', open)) {
      i = skipPast(text, open + 9, ']]>');
      continue;
    }
    if (text.startsWith('<?', open)) {
      i = skipPast(text, open + 2, '?>');
      continue;
    }
    if (text.startsWith('<!', open)) {
      // DOCTYPE and other declarations: skipped whole, internal subset included, never interpreted.
      i = skipDeclaration(text, open + 2);
      continue;
    }
    i = readTag(text, open, tags, problems);
  }
  return { tags, problems };
}

/** Skips `<!...>`, stepping over a bracketed internal subset and quoted strings. */
function skipDeclaration(text: string, from: number): number {
  let depth = 0;
  let quote = '';
  for (let i = from; i < text.length; i++) {
    const character = text[i];
    if (quote) {
      if (character === quote) {
        quote = '';
      }
    } else if (character === '"' || character === "'") {
      quote = character;
    } else if (character === '[') {
      depth++;
    } else if (character === ']') {
      depth = Math.max(0, depth - 1);
    } else if (character === '>' && depth === 0) {
      return i + 1;
    }
  }
  return text.length;
}

function readTag(text: string, open: number, tags: XmlTag[], problems: XmlProblem[]): number {
  let i = open + 1;
  const closing = text[i] === '/';
  if (closing) {
    i++;
  }
  const nameStart = i;
  while (i < text.length && isNameCharacter(text.charCodeAt(i))) {
    i++;
  }
  if (i === nameStart) {
    problems.push({ range: { start: open, end: Math.min(open + 1, text.length) }, message: 'A "<" that does not start a tag' });
    return open + 1;
  }
  const name = text.slice(nameStart, i);
  const nameRange = { start: nameStart, end: i };
  const attributes: XmlAttribute[] = [];
  let selfClosing = false;
  let terminated = false;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (isWhitespace(code)) {
      i++;
      continue;
    }
    if (text[i] === '>') {
      i++;
      terminated = true;
      break;
    }
    if (text[i] === '/' && text[i + 1] === '>') {
      i += 2;
      selfClosing = true;
      terminated = true;
      break;
    }
    if (text[i] === '<') {
      // A new tag begins before this one closed: report and let the caller resume there.
      break;
    }
    const attributeStart = i;
    while (i < text.length && isNameCharacter(text.charCodeAt(i))) {
      i++;
    }
    if (i === attributeStart) {
      problems.push({ range: { start: i, end: i + 1 }, message: `Unexpected "${text[i]}" in <${name}>` });
      i++;
      continue;
    }
    const attributeName = text.slice(attributeStart, i);
    while (i < text.length && isWhitespace(text.charCodeAt(i))) {
      i++;
    }
    if (text[i] !== '=') {
      problems.push({ range: { start: attributeStart, end: i }, message: `Attribute ${attributeName} has no value` });
      continue;
    }
    i++;
    while (i < text.length && isWhitespace(text.charCodeAt(i))) {
      i++;
    }
    const quote = text[i];
    if (quote !== '"' && quote !== "'") {
      // Unquoted values are not XML; read up to whitespace or the tag's end so scanning can go on.
      const valueStart = i;
      while (i < text.length && !isWhitespace(text.charCodeAt(i)) && text[i] !== '>' && text[i] !== '/') {
        i++;
      }
      problems.push({ range: { start: attributeStart, end: i }, message: `The value of ${attributeName} must be quoted` });
      attributes.push({ name: attributeName, value: text.slice(valueStart, i), valueRange: { start: valueStart, end: i } });
      continue;
    }
    const valueStart = i + 1;
    const valueEnd = text.indexOf(quote, valueStart);
    if (valueEnd < 0) {
      problems.push({ range: { start: attributeStart, end: text.length }, message: `The value of ${attributeName} is never closed` });
      i = text.length;
      break;
    }
    attributes.push({ name: attributeName, value: text.slice(valueStart, valueEnd), valueRange: { start: valueStart, end: valueEnd } });
    i = valueEnd + 1;
  }
  if (!terminated) {
    problems.push({ range: { start: open, end: i }, message: `Tag <${closing ? '/' : ''}${name}> is not closed with ">"` });
  }
  tags.push({
    // An unterminated tag opens nothing, so the elements after it keep their nesting.
    kind: closing ? 'end' : selfClosing || !terminated ? 'empty' : 'start',
    name,
    nameRange,
    range: { start: open, end: i },
    attributes,
  });
  return i;
}

/** The attribute named `name`, if present. */
export function attribute(tag: XmlTag, name: string): XmlAttribute | undefined {
  return tag.attributes.find((candidate) => candidate.name === name);
}

/**
 * The name of the document's first element, looking past the XML declaration, comments, processing
 * instructions and DOCTYPE; `undefined` when the text does not start like XML. Reads only the prologue.
 */
export function firstElementName(text: string): string | undefined {
  let i = 0;
  while (i < text.length) {
    while (i < text.length && isWhitespace(text.charCodeAt(i))) {
      i++;
    }
    if (text[i] !== '<') {
      return undefined;
    }
    if (text.startsWith('<!--', i)) {
      i = skipPast(text, i + 4, '-->');
    } else if (text.startsWith('<?', i)) {
      i = skipPast(text, i + 2, '?>');
    } else if (text.startsWith('<!', i)) {
      i = skipDeclaration(text, i + 2);
    } else {
      const start = i + 1;
      let end = start;
      while (end < text.length && isNameCharacter(text.charCodeAt(end))) {
        end++;
      }
      return end > start ? text.slice(start, end) : undefined;
    }
  }
  return undefined;
}
