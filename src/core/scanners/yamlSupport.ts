import { isAlias, isMap, isScalar, isSeq, visit } from 'yaml';
import type { Alias, Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { ScanProblem, SourceRange } from '../types';
import { mapUniform, mapVerbatim } from './dockerfile';
import type { MappedText } from './dockerfile';
import { problem } from './portSyntax';

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

/**
 * The key/value pairs of a mapping as a consumer sees them, with `<<` merge keys applied:
 * keys written in the mapping win over merged ones, and among merged mappings the earlier
 * one wins. Each mapping is read once per call, so cyclic or repeated merges stay linear.
 */
export function mapEntries(node: unknown, aliases: AliasTable, budget: WalkBudget): Map<string, Pair> {
  const entries = new Map<string, Pair>();
  const seen = new Set<YAMLMap>();
  const collect = (candidate: unknown): void => {
    const map = aliases.resolve(candidate);
    if (!isMap(map) || seen.has(map) || !budget.take(nodeRange(map))) {
      return;
    }
    seen.add(map);
    const merges: unknown[] = [];
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        merges.push(pair.value);
        continue;
      }
      const key = scalarString(pair.key);
      if (key !== undefined && !entries.has(key)) {
        entries.set(key, pair);
      }
    }
    for (const merged of merges) {
      const target = aliases.resolve(merged);
      if (isSeq(target)) {
        target.items.forEach(collect);
      } else {
        collect(target);
      }
    }
  };
  collect(node);
  return entries;
}

/** A plain `<<` key; a quoted `"<<"` is an ordinary key. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.type === 'PLAIN' && key.value === '<<';
}

/** The value node stored under `key` in a mapping (merge keys applied, aliases resolved). */
export function mapValue(node: unknown, key: string, aliases: AliasTable, budget: WalkBudget): Node | undefined {
  return aliases.resolve(mapEntries(node, aliases, budget).get(key)?.value);
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

/** YAML errors (never warnings: unknown tags such as `!reset` are expected) as `parse-error` problems. */
export function yamlProblems(
  doc: Document,
  textLength: number,
  severity: ScanProblem['severity'] = 'error',
  note = '',
): ScanProblem[] {
  return doc.errors.map((error) => {
    const start = Math.min(error.pos[0], textLength);
    const end = Math.min(Math.max(error.pos[1], start), textLength);
    // The editor shows the position itself, so drop the "at line L, column C:" suffix.
    const firstLine = error.message.split('\n')[0].replace(POSITION_SUFFIX, '');
    return problem({ start, end }, 'parse-error', `${firstLine}${note}`, severity);
  });
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
