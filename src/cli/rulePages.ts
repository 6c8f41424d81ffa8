/**
 * The rule pages (`docs/rules/<rule>.md`), read at run time from beside the bundle (`dist/`) or
 * the transpiled tree (`out/src/cli/`), for SARIF's rule help and `port-lens explain`. A page can
 * be missing (a build without the docs): then the rule's one-sentence description and its
 * published address stand in, and nothing fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { absoluteRuleDocLinks, ruleDocsUrl } from '../core/ruleDocs';
import { RULES, ruleById } from '../core/rules/index';
import type { Palette } from './io';

const PAGES_PATH = path.join('docs', 'rules');
/** The index page; its presence marks the folder as the rule pages. */
const INDEX_PAGE = 'README.md';
const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Rule pages are wrapped to this many columns in text form. */
export const TEXT_WIDTH = 80;

const UNSTYLED: Palette = { red: (text) => text, yellow: (text) => text, blue: (text) => text, dim: (text) => text, bold: (text) => text, underline: (text) => text };

/**
 * The `docs/rules` folder of the package this code belongs to, looked for upwards from the
 * bundle. The search stops at the package root (the first folder holding a package.json), so a
 * project that happens to have its own `docs/rules` is never read in its place.
 */
export function findRulePagesDirectory(startDirectory: string = __dirname): string | undefined {
  let directory = startDirectory;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(directory, PAGES_PATH);
    if (existsSync(path.join(candidate, INDEX_PAGE))) {
      return candidate;
    }
    if (existsSync(path.join(directory, 'package.json'))) {
      return undefined;
    }
    directory = path.dirname(directory);
  }
  return undefined;
}

/** The Markdown of a rule's page, or `undefined` when there is none to read. */
export function readRulePage(ruleId: string, pagesDirectory: string | undefined): string | undefined {
  if (pagesDirectory === undefined || !RULE_ID.test(ruleId)) {
    return undefined;
  }
  try {
    return readFileSync(path.join(pagesDirectory, `${ruleId}.md`), 'utf8').replace(/\r\n?/g, '\n');
  } catch {
    return undefined;
  }
}

/** `<!-- rule-example bad file=compose.yaml -->` and `<!-- rule-example-file file=web/Dockerfile -->`: the file a code block is. */
const EXAMPLE_MARKER = /^<!--\s*rule-example(?:-file)?\b[^>]*?\bfile=(\S+)\s*-->\s*$/;
/** A line that is one HTML comment and nothing else. */
const COMMENT_LINE = /^<!--(?:(?!-->).)*-->\s*$/;
const FENCE = /^(`{3,}|~{3,})/;

/**
 * A page as SARIF's `help.markdown` carries it: the page with its relative links made absolute.
 * Lines holding only an HTML comment (the markers the documentation tests read) are dropped:
 * they show nothing on GitHub, and a viewer that escapes HTML would print them.
 */
export function rulePageMarkdown(page: string, ruleId: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of page.split('\n')) {
    const opening = FENCE.exec(line)?.[1];
    if (fence === undefined && opening !== undefined) {
      fence = opening;
    } else if (fence !== undefined && line.startsWith(fence) && line.trim() === fence) {
      fence = undefined;
    } else if (fence === undefined && COMMENT_LINE.test(line)) {
      continue;
    }
    kept.push(line);
  }
  return absoluteRuleDocLinks(kept.join('\n'), ruleId);
}

/** A paragraph or list item, whose text grows line by line while it is read. */
type TextBlock = { readonly kind: 'paragraph'; text: string } | { readonly kind: 'item'; readonly marker: string; text: string };

type Block =
  | TextBlock
  | { readonly kind: 'heading'; readonly level: number; readonly text: string }
  | { readonly kind: 'code'; readonly lines: readonly string[]; readonly caption?: string }
  | { readonly kind: 'table'; readonly rows: string[][] };

const HEADING = /^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_ROW = /^\s{0,3}\|/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;

/** The cells of a table row; `\|` is a pipe inside a cell. */
function tableCells(line: string): string[] {
  const cells = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/);
  return cells.map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** The blocks of a page: headings, code, paragraphs, list items and tables. Anything else is a paragraph. */
function parseBlocks(page: string): Block[] {
  const blocks: Block[] = [];
  const lines = page.split('\n');
  let open: TextBlock | undefined;
  let caption: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.trim() === '') {
      open = undefined;
      continue;
    }
    const fence = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      const code: string[] = [];
      for (index++; index < lines.length && !(lines[index].startsWith(fence) && lines[index].trim() === fence); index++) {
        code.push(lines[index]);
      }
      blocks.push({ kind: 'code', lines: code, ...(caption !== undefined ? { caption } : {}) });
      open = undefined;
      caption = undefined;
      continue;
    }
    const marker = EXAMPLE_MARKER.exec(line);
    if (marker || COMMENT_LINE.test(line)) {
      // A marker names the file of the code block that follows it; other comments say nothing to a reader.
      caption = marker?.[1];
      open = undefined;
      continue;
    }
    caption = undefined;
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1].length, text: heading[2] });
      open = undefined;
      continue;
    }
    if (TABLE_ROW.test(line)) {
      const rows: string[][] = [];
      for (; index < lines.length && TABLE_ROW.test(lines[index]); index++) {
        if (!TABLE_DELIMITER.test(lines[index])) {
          rows.push(tableCells(lines[index]));
        }
      }
      index--;
      blocks.push({ kind: 'table', rows });
      open = undefined;
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      open = { kind: 'item', marker: /^\d/.test(item[1]) ? item[1] : '-', text: item[2] };
      blocks.push(open);
      continue;
    }
    if (open) {
      open.text += `\n${line.trim()}`;
    } else {
      open = { kind: 'paragraph', text: line.trim() };
      blocks.push(open);
    }
  }
  return blocks;
}

/** Code spans, links, autolinks, strong and emphasised text, and escapes, in that order of precedence. */
const INLINE = /(`+)((?:(?!\n[ \t]*\n)[\s\S])*?[^`])\1(?!`)|\[([^[\]]*)\]\(([^)\s]+)\)|<(https?:\/\/[^>\s]+)>|\*\*(?=\S)([\s\S]*?\S)\*\*|(?<![\w*])\*(?=[^\s*])([^*]*?[^\s*])\*(?![\w*])|(?<!\w)_(?=[^\s_])([^_]*?[^\s_])_(?!\w)|\\([!-/:-@[-`{-~])/g;

/** Paragraph text without its Markdown: code spans, links, emphasis and escapes become what they say. */
function renderInline(text: string, pageUrl: string, palette: Palette): string {
  return text.replace(INLINE, (whole, _ticks: string | undefined, code: string | undefined, label: string | undefined, target: string | undefined, autolink: string | undefined, strong: string | undefined, starred: string | undefined, underscored: string | undefined, escaped: string | undefined) => {
    if (code !== undefined) {
      const flat = code.replace(/\n/g, ' ');
      // As in CommonMark, one space on each side is padding (it lets a span start with a backtick).
      const shown = /^ .*\S.* $/.test(flat) ? flat.slice(1, -1) : flat;
      // Without its backticks, a span split over two lines would no longer read as one piece.
      return shown.replace(/ /g, UNBROKEN_SPACE);
    }
    if (label !== undefined && target !== undefined) {
      const shown = renderInline(label, pageUrl, palette);
      // A section of the same page is right there in the text.
      if (target.startsWith('#')) {
        return shown;
      }
      let address = target;
      try {
        address = new URL(target, pageUrl).href;
      } catch {
        // Not a URL; shown as written.
      }
      return shown === address ? palette.underline(address) : `${shown} (${palette.underline(address)})`;
    }
    if (autolink !== undefined) {
      return palette.underline(autolink);
    }
    if (strong !== undefined) {
      return palette.bold(renderInline(strong, pageUrl, palette));
    }
    if (starred !== undefined || underscored !== undefined) {
      return renderInline(starred ?? underscored ?? '', pageUrl, palette);
    }
    return escaped ?? whole;
  });
}

/** Holds the words of a code span together until the text is wrapped. */
const UNBROKEN_SPACE = '\u00a0';
// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCE = /\u001b\[\d+m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI_SEQUENCE, '').length;
}

/**
 * Fills lines up to `width` columns; a word longer than that (an address) gets a line of its
 * own. A code span is one word here, unless it does not fit on a line.
 */
function wrap(text: string, width: number, firstPrefix = '', restPrefix = firstPrefix): string[] {
  const room = width - restPrefix.length;
  const words = text.split(/[ \t\n]+/)
    .flatMap((piece) => (visibleLength(piece) > room ? piece.split(UNBROKEN_SPACE) : [piece.replaceAll(UNBROKEN_SPACE, ' ')]))
    .filter(Boolean);
  const lines: string[] = [];
  let line = firstPrefix;
  let empty = true;
  for (const word of words) {
    if (!empty && visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line);
      line = restPrefix;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

function renderBlock(block: Block, pageUrl: string, palette: Palette, width: number): string {
  const plainText = (text: string) => renderInline(text, pageUrl, UNSTYLED).replaceAll(UNBROKEN_SPACE, ' ');
  switch (block.kind) {
    case 'heading':
      // Section headings in capitals, as in a manual page; the title as written.
      return block.level === 1 ? palette.bold(plainText(block.text)) : palette.bold(plainText(block.text).toUpperCase());
    case 'code': {
      const code = block.lines.map((line) => (line.trim() === '' ? '' : `    ${line.trimEnd()}`));
      return [...(block.caption !== undefined ? [palette.dim(`${block.caption}:`)] : []), ...code].join('\n');
    }
    case 'paragraph':
      return wrap(renderInline(block.text, pageUrl, palette), width).join('\n');
    case 'item':
      return wrap(renderInline(block.text, pageUrl, palette), width, `${block.marker} `, ' '.repeat(block.marker.length + 1)).join('\n');
    case 'table':
      // A two-column property table reads as "name: value"; a header of empty cells is dropped.
      return block.rows
        .filter((cells) => cells.some((cell) => cell !== ''))
        .map((cells) => {
          const [first, ...rest] = cells.map((cell) => renderInline(cell, pageUrl, palette));
          return wrap(rest.length > 0 ? `${first}: ${rest.join(' | ')}` : first, width, '', '  ').join('\n');
        })
        .join('\n');
  }
}

/**
 * A rule page as plain text: headings, code blocks (indented, under the name of the file they
 * are), lists and tables kept readable, Markdown syntax gone, links written out in full.
 * With a colouring palette, headings and bold text are bold and addresses underlined.
 */
export function rulePageText(page: string, ruleId: string, palette: Palette = UNSTYLED, width: number = TEXT_WIDTH): string {
  const pageUrl = ruleDocsUrl(ruleId);
  const blocks = parseBlocks(page);
  let text = '';
  blocks.forEach((block, index) => {
    if (index > 0) {
      // Items of one list stay together; everything else is separated by a blank line.
      text += block.kind === 'item' && blocks[index - 1].kind === 'item' ? '\n' : '\n\n';
    }
    text += renderBlock(block, pageUrl, palette, width);
  });
  return `${text}\n`;
}

export interface RuleHelp {
  readonly text: string;
  readonly markdown: string;
}

/** A rule's one sentence, for rules without a page to read. */
function ruleSummary(ruleId: string): string {
  return ruleById(ruleId)?.description ?? `Port Lens rule ${ruleId}.`;
}

/** SARIF's `help` of a rule: its whole page in both forms, or the one sentence and the link when the page cannot be read. */
export function ruleHelp(ruleId: string, pagesDirectory: string | undefined): RuleHelp {
  const page = readRulePage(ruleId, pagesDirectory);
  if (page === undefined) {
    const url = ruleDocsUrl(ruleId);
    const summary = ruleSummary(ruleId);
    return { text: `${summary} See ${url}`, markdown: `${summary} See [${ruleId}](${url}).` };
  }
  return { text: rulePageText(page, ruleId), markdown: rulePageMarkdown(page, ruleId) };
}

/** Rule ids are compared without case or separators, so `SensitivePortExposed` (SARIF's name) finds its rule too. */
function comparable(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The registered rule a user wrote, ignoring case and separators. */
export function resolveRuleId(written: string): string | undefined {
  const wanted = comparable(written);
  return RULES.find((rule) => comparable(rule.id) === wanted)?.id;
}

/** Edit distance, for suggesting a rule after a typo. */
function editDistance(from: string, to: string): number {
  let previous = Array.from({ length: to.length + 1 }, (_unused, index) => index);
  for (let row = 1; row <= from.length; row++) {
    const current = [row];
    for (let column = 1; column <= to.length; column++) {
      const substitution = previous[column - 1] + (from[row - 1] === to[column - 1] ? 0 : 1);
      current.push(Math.min(previous[column] + 1, current[column - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[to.length];
}

/** Longer input is not a typo of a rule id; comparing only this much keeps the work bounded. */
const MAX_COMPARED_LENGTH = 64;
const MAX_SUGGESTIONS = 3;

/** Up to three rule ids close to what was written: a few typos away, or containing it. */
export function closeRuleIds(written: string): string[] {
  const wanted = comparable(written).slice(0, MAX_COMPARED_LENGTH);
  if (wanted === '') {
    return [];
  }
  const tolerance = Math.max(2, Math.floor(wanted.length / 3));
  return RULES
    .map((rule) => {
      const id = comparable(rule.id);
      return { id: rule.id, distance: id.includes(wanted) || wanted.includes(id) ? 0 : editDistance(wanted, id) };
    })
    .filter((candidate) => candidate.distance <= tolerance)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, MAX_SUGGESTIONS)
    .map((candidate) => candidate.id);
}

/** `port-lens explain <rule>`: the rule's page as text, or its sentence and address when the page is missing. */
export function explainRule(ruleId: string, palette: Palette, pagesDirectory: string | undefined = findRulePagesDirectory()): string {
  const url = ruleDocsUrl(ruleId);
  const page = readRulePage(ruleId, pagesDirectory);
  if (page === undefined) {
    return `${palette.bold(ruleId)}\n\n${wrap(ruleSummary(ruleId), TEXT_WIDTH).join('\n')}\n\nThe full page is at ${palette.underline(url)}\n`;
  }
  return `${rulePageText(page, ruleId, palette)}\nOnline: ${palette.underline(url)}\n`;
}

/** `port-lens explain` without a rule: every rule with its default and its one sentence. */
export function listRules(palette: Palette): string {
  const entries = RULES.map((rule) => {
    const defaults = rule.enabledByDefault ? rule.defaultSeverity : `${rule.defaultSeverity}, off by default`;
    return `${palette.bold(rule.id)} ${palette.dim(`(${defaults})`)}\n${wrap(rule.description, TEXT_WIDTH, '  ').join('\n')}`;
  });
  return `${entries.join('\n')}\n\nRun "port-lens explain <rule>" for a rule's page: examples, fixes and settings.\n`;
}
