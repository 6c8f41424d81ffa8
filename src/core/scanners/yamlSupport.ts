import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, visit, YAMLParseError } from 'yaml';
import type { Alias, Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { ScanProblem, SourceRange } from '../types';
import { mapUniform, mapVerbatim } from './dockerfile';
import type { MappedText } from './dockerfile';
import { NESTED_TOO_DEEPLY, problem } from './portSyntax';

/**
 * The `yaml` package compares each mapping key with every earlier key of its mapping, so a
 * file with tens of thousands of keys took minutes to parse. Its check is switched off and
 * `reportDuplicateKeys` does the same check with a set, in one pass. Its "pretty" errors copy
 * the whole source line into every message, which is quadratic on one long line full of
 * errors; `yamlProblems` keeps only the first line of a message anyway.
 */
const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

/**
 * Deepest YAML nesting handed to the parser. Real files stay within a few dozen levels. The
 * `yaml` package composes nested collections recursively, and near the end of the stack V8 can
 * abort the whole process (a regular expression compiled there fails fatally) instead of
 * throwing, so a deeper file is refused before it is parsed.
 */
export const MAX_YAML_NESTING = 256;

/** Thrown for a YAML text nested deeper than {@link MAX_YAML_NESTING}; scanners report it once. */
export class YamlTooDeepError extends Error {
  constructor(readonly offset: number) {
    super(NESTED_TOO_DEEPLY);
  }
}

function isYamlBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/**
 * Where a YAML text first nests deeper than `limit`, or -1: one pass that counts open flow
 * collections, block indentation levels and compact `- ` / `? ` entries. It reads quotes,
 * comments and block scalars only as far as needed not to count brackets inside them, so it
 * can overestimate but never parses; a file would need hundreds of unclosed brackets to be
 * refused wrongly.
 */
export function yamlNestingOverflow(text: string, limit: number): number {
  const indents: number[] = [];
  let flowDepth = 0;
  let quote = 0;
  /** Indentation of the line that opened a block scalar; deeper lines are its content. */
  let blockScalarIndent = -1;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) {
      lineEnd = text.length;
    }
    let pos = lineStart;
    let blockDepth = indents.length;
    if (quote === 0 && flowDepth === 0) {
      while (pos < lineEnd && text.charCodeAt(pos) === 32) {
        pos++;
      }
      const indent = pos - lineStart;
      let first = pos;
      while (first < lineEnd && isYamlBlank(text.charCodeAt(first))) {
        first++;
      }
      const blank = first >= lineEnd || text.charCodeAt(first) === 13 || text.charCodeAt(first) === 35;
      if (blockScalarIndent >= 0 && (blank || indent > blockScalarIndent)) {
        lineStart = lineEnd + 1;
        continue;
      }
      blockScalarIndent = -1;
      if (blank) {
        lineStart = lineEnd + 1;
        continue;
      }
      while (indents.length > 0 && indents[indents.length - 1] >= indent) {
        indents.pop();
      }
      indents.push(indent);
      blockDepth = indents.length;
    }
    let valueStart = quote === 0;
    let compact = 0;
    for (; pos < lineEnd; pos++) {
      const code = text.charCodeAt(pos);
      if (quote !== 0) {
        if (code === 92 && quote === 34) {
          pos++;
        } else if (code === quote) {
          if (quote === 39 && text.charCodeAt(pos + 1) === 39) {
            pos++;
          } else {
            quote = 0;
          }
        }
        continue;
      }
      if (isYamlBlank(code) || code === 13) {
        continue;
      }
      const previous = text.charCodeAt(pos - 1);
      if (code === 35 && (pos === lineStart || isYamlBlank(previous))) {
        break;
      }
      const next = text.charCodeAt(pos + 1);
      const separated = pos + 1 >= lineEnd || isYamlBlank(next) || next === 13;
      if (code === 91 || code === 123) {
        if (flowDepth > 0 || valueStart) {
          flowDepth++;
          valueStart = true;
        }
      } else if (flowDepth > 0 && (code === 93 || code === 125)) {
        flowDepth--;
        valueStart = false;
      } else if (valueStart && (code === 34 || code === 39)) {
        quote = code;
        valueStart = false;
      } else if (valueStart && flowDepth === 0 && (code === 45 || code === 63) && separated) {
        compact++;
      } else if (valueStart && flowDepth === 0 && (code === 124 || code === 62)) {
        blockScalarIndent = indents.length > 0 ? indents[indents.length - 1] : 0;
        break;
      } else if (code === 58 && (separated || (flowDepth > 0 && (next === 44 || next === 93 || next === 125)))) {
        valueStart = true;
      } else if (code === 44 && flowDepth > 0) {
        valueStart = true;
      } else {
        valueStart = false;
      }
      if (blockDepth + compact + flowDepth > limit) {
        return pos;
      }
    }
    lineStart = lineEnd + 1;
  }
  return -1;
}

/** Where a scanner that gave up reports it: at the overflowing bracket, or at the file's start. */
export function failureRange(error: unknown, textLength: number): SourceRange {
  if (error instanceof YamlTooDeepError) {
    const start = Math.min(error.offset, textLength);
    return { start, end: Math.min(start + 1, textLength) };
  }
  return { start: 0, end: Math.min(textLength, 1) };
}

function refuseDeepNesting(text: string): void {
  const overflow = yamlNestingOverflow(text, MAX_YAML_NESTING);
  if (overflow !== -1) {
    throw new YamlTooDeepError(overflow);
  }
}

/** Parses a single-document YAML file, duplicate keys reported as errors. */
export function parseYamlDocument(text: string): Document {
  refuseDeepNesting(text);
  const doc = parseDocument(text, PARSE_OPTIONS);
  reportDuplicateKeys(doc);
  return doc;
}

/** Parses every document of a YAML stream, duplicate keys reported as errors. */
export function parseYamlDocuments(text: string): Document[] {
  refuseDeepNesting(text);
  const docs: Document[] = [...parseAllDocuments(text, PARSE_OPTIONS)];
  docs.forEach(reportDuplicateKeys);
  return docs;
}

/** The error the `yaml` package would give: two scalar keys of one mapping with equal values. */
function reportDuplicateKeys(doc: Document): void {
  visit(doc, {
    Map: (_key, map) => {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        // NaN never equals itself, so `.nan` keys are never duplicates.
        if (!isScalar(key) || (typeof key.value === 'number' && Number.isNaN(key.value))) {
          continue;
        }
        if (seen.has(key.value)) {
          const start = key.range?.[0] ?? 0;
          doc.errors.push(new YAMLParseError([start, start + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        } else {
          seen.add(key.value);
        }
      }
    },
  });
}

/**
 * Resolves aliases to their anchored nodes, built in one walk of the document. The `yaml`
 * package's own `Alias.resolve` walks the whole document again for every alias, which turns
 * alias-heavy files quadratic.
 */
export class AliasTable {
  private readonly targets = new Map<Alias, Node>();

  constructor(doc: Document) {
    const anchors = new Map<string, Node>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchors.get(node.source);
          if (target) {
            this.targets.set(node, target);
          }
        } else if (node.anchor) {
          anchors.set(node.anchor, node);
        }
      },
    });
  }

  /** The node itself, or the anchored node an alias stands for; `undefined` for dangling aliases. */
  resolve(node: unknown): Node | undefined {
    if (isAlias(node)) {
      return this.targets.get(node);
    }
    return isMap(node) || isSeq(node) || isScalar(node) ? node : undefined;
  }
}

/**
 * Caps how many nodes a scanner visits, in proportion to the text. Aliases let a small file
 * name the same large node many times; beyond the cap a scanner stops and says so.
 */
export class WalkBudget {
  private remaining: number;
  private exhaustedAt: SourceRange | undefined;

  constructor(textLength: number) {
    this.remaining = 10_000 + textLength;
  }

  /** Spends one visit; false once the budget is gone. */
  take(at: SourceRange): boolean {
    if (this.remaining <= 0) {
      this.exhaustedAt ??= at;
      return false;
    }
    this.remaining--;
    return true;
  }

  /** A warning when the budget ran out, pointing at the first node left unread. */
  problem(): ScanProblem | undefined {
    return this.exhaustedAt
      ? problem(
          this.exhaustedAt,
          'alias-limit',
          'This file repeats aliased content so often that the rest of it was not scanned',
          'warning',
        )
      : undefined;
  }
}

/** The source span a node occupies (value only, without trailing comments); empty for synthetic nodes. */
export function nodeRange(node: Node | null | undefined): SourceRange {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

/** The string a scalar key or value holds, or undefined when it is not a scalar. */
export function scalarString(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || node.value === undefined) {
    return undefined;
  }
  const value = node.value;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** A mapping's own keys (the first of a repeated key wins) and the values of its `<<` keys. */
interface OwnEntries {
  readonly entries: ReadonlyMap<string, Pair>;
  readonly mergeSources: readonly unknown[];
}

/**
 * Parsed nodes never change, so a mapping's own keys are read once, however many mappings
 * merge it: reading a large `<<: *base` again for every service was quadratic.
 */
const ownEntriesOfMap = new WeakMap<YAMLMap, OwnEntries>();

function ownEntries(map: YAMLMap): OwnEntries {
  let own = ownEntriesOfMap.get(map);
  if (!own) {
    const entries = new Map<string, Pair>();
    const mergeSources: unknown[] = [];
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        mergeSources.push(pair.value);
        continue;
      }
      const key = scalarString(pair.key);
      if (key !== undefined && !entries.has(key)) {
        entries.set(key, pair);
      }
    }
    own = { entries, mergeSources };
    ownEntriesOfMap.set(map, own);
  }
  return own;
}

/**
 * The key/value pairs of a mapping as a consumer sees them, with `<<` merge keys applied:
 * keys written in the mapping win over merged ones, and among merged mappings the earlier
 * one wins. It looks a key up in each mapping in turn instead of copying merged mappings, so
 * a large mapping merged into many others is not read again for each of them.
 */
export class MergedMapping implements Iterable<[string, Pair]> {
  private flattened: ReadonlyMap<string, Pair> | undefined;

  /** `layers`: each mapping's own entries, in the order their keys take precedence. */
  constructor(private readonly layers: readonly ReadonlyMap<string, Pair>[]) {}

  get(key: string): Pair | undefined {
    for (const layer of this.layers) {
      const pair = layer.get(key);
      if (pair !== undefined) {
        return pair;
      }
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    return this.all().size;
  }

  values(): IterableIterator<Pair> {
    return this.all().values();
  }

  [Symbol.iterator](): IterableIterator<[string, Pair]> {
    return this.all().entries();
  }

  /** Every key once, in the order a copy of the merged mappings would list them. */
  private all(): ReadonlyMap<string, Pair> {
    if (this.layers.length === 1) {
      return this.layers[0];
    }
    if (!this.flattened) {
      const entries = new Map<string, Pair>();
      for (const layer of this.layers) {
        for (const [key, pair] of layer) {
          if (!entries.has(key)) {
            entries.set(key, pair);
          }
        }
      }
      this.flattened = entries;
    }
    return this.flattened;
  }
}

/**
 * The entries of a mapping with merges applied (see {@link MergedMapping}). Each mapping is
 * visited once per call, so cyclic or repeated merges stay linear.
 */
export function mergedMapping(node: unknown, aliases: AliasTable, budget: WalkBudget): MergedMapping {
  const layers: ReadonlyMap<string, Pair>[] = [];
  const seen = new Set<YAMLMap>();
  // Depth first with a stack, not recursion: a chain of a hundred thousand merges must not
  // reach the end of the call stack.
  const pending: unknown[] = [node];
  while (pending.length > 0) {
    const map = aliases.resolve(pending.pop());
    if (!isMap(map) || seen.has(map) || !budget.take(nodeRange(map))) {
      continue;
    }
    seen.add(map);
    const own = ownEntries(map);
    if (own.entries.size > 0) {
      layers.push(own.entries);
    }
    const merges: unknown[] = [];
    for (const source of own.mergeSources) {
      const target = aliases.resolve(source);
      if (isSeq(target)) {
        for (const item of target.items) {
          merges.push(item);
        }
      } else {
        merges.push(target);
      }
    }
    // Reversed onto the stack, so the first merged mapping is read first and wins.
    for (let index = merges.length - 1; index >= 0; index--) {
      pending.push(merges[index]);
    }
  }
  return new MergedMapping(layers);
}

/** {@link mergedMapping} copied into a `Map`. */
export function mapEntries(node: unknown, aliases: AliasTable, budget: WalkBudget): Map<string, Pair> {
  return new Map(mergedMapping(node, aliases, budget));
}

/** A plain `<<` key; a quoted `"<<"` is an ordinary key. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.type === 'PLAIN' && key.value === '<<';
}

/** The value node stored under `key` in a mapping (merge keys applied, aliases resolved). */
export function mapValue(node: unknown, key: string, aliases: AliasTable, budget: WalkBudget): Node | undefined {
  return aliases.resolve(mergedMapping(node, aliases, budget).get(key)?.value);
}

/** The items of a sequence node (aliases resolved), or none when it is not a sequence. */
export function seqItems(node: unknown, aliases: AliasTable): Node[] {
  const seq = aliases.resolve(node);
  if (!isSeq(seq)) {
    return [];
  }
  const items: Node[] = [];
  for (const item of (seq as YAMLSeq).items) {
    const resolved = aliases.resolve(item);
    if (resolved) {
      items.push(resolved);
    }
  }
  return items;
}

/** What a scalar says and where its characters sit in the source. */
export interface ScalarText {
  /** The value as text (integers in decimal). */
  readonly mapped: MappedText;
  /** The content span, without quotes. */
  readonly range: SourceRange;
  /** `true` for a plain (unquoted) scalar. */
  readonly plain: boolean;
  /** The value as parsed: a number for YAML integers, a string otherwise. */
  readonly value: string | number;
}

/**
 * Reads a string or integer scalar. When the written content equals the value (no escapes,
 * no folding) every character maps to its own source offset; otherwise every character maps
 * to the whole content span.
 */
export function scalarText(node: unknown, source: string): ScalarText | undefined {
  if (!isScalar(node) || !node.range) {
    return undefined;
  }
  const value = (node as Scalar).value;
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
    return undefined;
  }
  const text = String(value);
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const [start, valueEnd] = node.range;
  const range = quoted ? { start: start + 1, end: Math.max(start + 1, valueEnd - 1) } : trimTrailingSpace(source, start, valueEnd);
  const mapped =
    source.slice(range.start, range.end) === text ? mapVerbatim(text, range.start) : mapUniform(text, range);
  return { mapped, range, plain: node.type === 'PLAIN', value };
}

const WHITESPACE = /\s/;

function trimTrailingSpace(source: string, start: number, end: number): SourceRange {
  let last = end;
  while (last > start && WHITESPACE.test(source[last - 1])) {
    last--;
  }
  return { start, end: last };
}

const POSITION_SUFFIX = / at line [0-9]+, column [0-9]+:?$/;

/**
 * Most YAML errors reported for one document. After the first few, more errors only bury them:
 * a file of broken lines would otherwise get one problem per line, tens of thousands of them.
 */
export const MAX_YAML_PROBLEMS = 100;

/** YAML errors (never warnings: unknown tags such as `!reset` are expected) as `parse-error` problems. */
export function yamlProblems(
  doc: Document,
  textLength: number,
  severity: ScanProblem['severity'] = 'error',
  note = '',
): ScanProblem[] {
  const problems: ScanProblem[] = [];
  let tooDeep = false;
  let untold = 0;
  for (const error of doc.errors) {
    const start = Math.min(error.pos[0], textLength);
    const end = Math.min(Math.max(error.pos[1], start), textLength);
    // The parser gives up on deep nesting once per open level; one problem says it all.
    if (error.code === 'RESOURCE_EXHAUSTION') {
      if (!tooDeep) {
        tooDeep = true;
        problems.push(problem({ start, end }, 'parse-error', `Could not read this YAML: ${NESTED_TOO_DEEPLY}`, severity));
      }
      continue;
    }
    if (problems.length >= MAX_YAML_PROBLEMS) {
      untold++;
      continue;
    }
    // The editor shows the position itself, so drop the "at line L, column C:" suffix.
    const firstLine = error.message.split('\n')[0].replace(POSITION_SUFFIX, '');
    problems.push(problem({ start, end }, 'parse-error', `${firstLine}${note}`, severity));
  }
  if (untold > 0) {
    const last = problems[problems.length - 1];
    problems.push(problem(last.range, 'parse-error', `${untold} more YAML ${untold === 1 ? 'error' : 'errors'} after this one are not listed${note}`, severity));
  }
  return problems;
}

const NOT_LINE_BREAK = /[^\r\n]/g;

/**
 * Blanks out Helm/Go template actions (`{{ ... }}`) so the YAML around them parses. Every
 * character of an action becomes a space except line breaks, so offsets and line numbers
 * stay valid; a line that held only template control then reads as an empty line.
 */
export function maskTemplates(text: string): { text: string; masked: boolean } {
  let open = text.indexOf('{{');
  if (open === -1) {
    return { text, masked: false };
  }
  const parts: string[] = [];
  let copied = 0;
  while (open !== -1) {
    const close = text.indexOf('}}', open + 2);
    if (close === -1) {
      break;
    }
    parts.push(text.slice(copied, open));
    parts.push(text.slice(open, close + 2).replace(NOT_LINE_BREAK, ' '));
    copied = close + 2;
    open = text.indexOf('{{', copied);
  }
  parts.push(text.slice(copied));
  return { text: parts.join(''), masked: copied > 0 };
}
