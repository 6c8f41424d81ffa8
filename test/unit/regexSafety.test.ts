/**
 * Regular expressions must not backtrack catastrophically on hostile text.
 *
 * (a) A static check of every regex literal and `new RegExp(...)` in `src/`: a quantifier that
 *     repeats without bound (`*`, `+`, `{n,}`) must not wrap a body that itself repeats without
 *     bound (`(a+)+`, `(a*)*`, `(\w+\s*)+`), unless every iteration of the body has to consume a
 *     character that the inner repetitions cannot (`(?:\s*,\s*\d+)*` is fine: each round eats
 *     exactly one comma). Limits of this structural scan: it does not see overlapping
 *     alternatives (`(a|a)*`), two adjacent repetitions of the same characters (`\s*\s*`, at
 *     worst polynomial), backreferences or lookarounds; it approximates character sets by
 *     testing the ASCII range and a few other characters. Patterns built at run time cannot be
 *     checked at all, so they are refused unless listed with a reason.
 * (b) A dynamic check: every format, fed adversarial runs of n and 2n characters, must take at
 *     most three times as long for the double size (median of three runs; sizes where both
 *     times stay under 5 ms are too noisy to compare, and a ratio over three is measured again
 *     at 2n and 4n before it counts, since one garbage collection can triple a few milliseconds).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { analyzeFile } from '../../src/core/analysis';
import { REPO_ROOT, typeScriptFilesUnder } from './propertyInputs';

// ---------------------------------------------------------------------------------------------
// (a) Static check
// ---------------------------------------------------------------------------------------------

interface FoundPattern {
  readonly file: string;
  readonly line: number;
  readonly pattern: string;
  readonly flags: string;
}

interface DynamicPattern {
  readonly file: string;
  readonly line: number;
  readonly expression: string;
}

/** `RegExp` constructions whose pattern is not a literal, each with why it is safe. None today. */
const DYNAMIC_PATTERNS_ALLOWED: readonly { readonly file: string; readonly expression: string; readonly reason: string }[] = [];

/** Every regex literal and `RegExp(...)` call in the sources, literal patterns read, others listed. */
function collectPatterns(): { patterns: FoundPattern[]; dynamic: DynamicPattern[] } {
  const patterns: FoundPattern[] = [];
  const dynamic: DynamicPattern[] = [];
  for (const file of typeScriptFilesUnder(path.join(REPO_ROOT, 'src'))) {
    const relative = path.relative(REPO_ROOT, file).split(path.sep).join('/');
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const lineOf = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const text = (node as ts.RegularExpressionLiteral).text;
        const slash = text.lastIndexOf('/');
        patterns.push({ file: relative, line: lineOf(node), pattern: text.slice(1, slash), flags: text.slice(slash + 1) });
      } else if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.expression.getText(source) === 'RegExp') {
        const [patternArgument, flagsArgument] = node.arguments ?? [];
        const literalFlags = flagsArgument === undefined ? '' : ts.isStringLiteralLike(flagsArgument) ? flagsArgument.text : undefined;
        if (patternArgument && ts.isStringLiteralLike(patternArgument) && literalFlags !== undefined) {
          patterns.push({ file: relative, line: lineOf(node), pattern: patternArgument.text, flags: literalFlags });
        } else {
          dynamic.push({ file: relative, line: lineOf(node), expression: node.getText(source) });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { patterns, dynamic };
}

/** A parsed pattern: just enough structure to find nested repetition. */
type RegexNode =
  | { readonly kind: 'alternation'; readonly alternatives: readonly RegexNode[][] }
  | { readonly kind: 'atom'; readonly source: string }
  | { readonly kind: 'assertion' }
  | { readonly kind: 'group'; readonly body: RegexNode; readonly lookaround: boolean }
  | { readonly kind: 'repeat'; readonly min: number; readonly max: number; readonly node: RegexNode };

class PatternParser {
  private position = 0;

  constructor(private readonly pattern: string) {}

  parse(): RegexNode {
    const node = this.alternation();
    if (this.position < this.pattern.length) {
      throw new Error(`unexpected "${this.pattern[this.position]}" at ${this.position}`);
    }
    return node;
  }

  private peek(): string | undefined {
    return this.pattern[this.position];
  }

  private alternation(): RegexNode {
    const alternatives: RegexNode[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.position++;
      alternatives.push(this.sequence());
    }
    return { kind: 'alternation', alternatives };
  }

  private sequence(): RegexNode[] {
    const items: RegexNode[] = [];
    while (this.position < this.pattern.length && this.peek() !== '|' && this.peek() !== ')') {
      items.push(this.quantified(this.term()));
    }
    return items;
  }

  private term(): RegexNode {
    const start = this.position;
    const char = this.pattern[this.position++];
    switch (char) {
      case '^':
      case '$':
        return { kind: 'assertion' };
      case '(':
        return this.group();
      case '[':
        this.skipClass();
        return { kind: 'atom', source: this.pattern.slice(start, this.position) };
      case '\\':
        return this.escape(start);
      default:
        return { kind: 'atom', source: char };
    }
  }

  private group(): RegexNode {
    let lookaround = false;
    if (this.pattern.startsWith('?:', this.position)) {
      this.position += 2;
    } else if (/^\?<?[=!]/.test(this.pattern.slice(this.position, this.position + 3))) {
      lookaround = true;
      this.position += this.pattern[this.position + 1] === '<' ? 3 : 2;
    } else if (this.pattern.startsWith('?<', this.position)) {
      this.position = this.pattern.indexOf('>', this.position) + 1;
    }
    const body = this.alternation();
    if (this.pattern[this.position++] !== ')') {
      throw new Error('unclosed group');
    }
    return { kind: 'group', body, lookaround };
  }

  private skipClass(): void {
    while (this.position < this.pattern.length && this.pattern[this.position] !== ']') {
      this.position += this.pattern[this.position] === '\\' ? 2 : 1;
    }
    this.position++;
  }

  private escape(start: number): RegexNode {
    const char = this.pattern[this.position++];
    if (char === 'b' || char === 'B') {
      return { kind: 'assertion' };
    }
    if (char === 'u' && this.peek() === '{') {
      this.position = this.pattern.indexOf('}', this.position) + 1;
    } else if (char === 'u') {
      this.position += 4;
    } else if (char === 'x') {
      this.position += 2;
    } else if (char === 'c') {
      this.position += 1;
    } else if (char === 'k' && this.peek() === '<') {
      this.position = this.pattern.indexOf('>', this.position) + 1;
    }
    return { kind: 'atom', source: this.pattern.slice(start, this.position) };
  }

  private quantified(node: RegexNode): RegexNode {
    const char = this.peek();
    let min: number;
    let max: number;
    if (char === '*' || char === '+' || char === '?') {
      this.position++;
      [min, max] = char === '*' ? [0, Infinity] : char === '+' ? [1, Infinity] : [0, 1];
    } else if (char === '{' && /^\{\d+(?:,\d*)?\}/.test(this.pattern.slice(this.position))) {
      const close = this.pattern.indexOf('}', this.position);
      const [low, high] = this.pattern.slice(this.position + 1, close).split(',');
      min = Number(low);
      max = high === undefined ? min : high === '' ? Infinity : Number(high);
      this.position = close + 1;
    } else {
      return node;
    }
    if (this.peek() === '?') {
      this.position++;
    }
    return { kind: 'repeat', min, max, node };
  }
}

/** Characters a set is approximated by: ASCII, and a few beyond it that patterns single out. */
const SAMPLE_CHARACTERS: readonly string[] = [
  ...Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)),
  '\u00a0', '\u00e9', '\u2028', '\u3000', '\ufeff', '\u{1f600}',
];

/** The sample characters an atom matches. */
function characterSet(source: string, flags: string): Set<string> {
  const matcher = new RegExp(`^(?:${source})$`, flags.replace(/[^isu]/g, ''));
  return new Set(SAMPLE_CHARACTERS.filter((character) => matcher.test(character)));
}

/** Atoms under `node` that a repetition without an upper bound may consume any number of. */
function unboundedAtoms(node: RegexNode, underUnbounded: boolean, found: string[]): string[] {
  switch (node.kind) {
    case 'atom':
      if (underUnbounded) {
        found.push(node.source);
      }
      break;
    case 'alternation':
      node.alternatives.forEach((alternative) => alternative.forEach((item) => unboundedAtoms(item, underUnbounded, found)));
      break;
    case 'group':
      if (!node.lookaround) {
        unboundedAtoms(node.body, underUnbounded, found);
      }
      break;
    case 'repeat':
      unboundedAtoms(node.node, underUnbounded || node.max === Infinity, found);
      break;
    case 'assertion':
      break;
  }
  return found;
}

function hasUnboundedRepeat(node: RegexNode): boolean {
  switch (node.kind) {
    case 'alternation':
      return node.alternatives.some((alternative) => alternative.some(hasUnboundedRepeat));
    case 'group':
      return !node.lookaround && hasUnboundedRepeat(node.body);
    case 'repeat':
      return node.max === Infinity || hasUnboundedRepeat(node.node);
    default:
      return false;
  }
}

/**
 * Whether every way through `node` must consume a character outside `repeated`: a mandatory,
 * bounded atom that no inner repetition can match, so the iterations cannot be re-split.
 */
function isAnchored(node: RegexNode, repeated: ReadonlySet<string>, flags: string): boolean {
  switch (node.kind) {
    case 'atom': {
      const own = characterSet(node.source, flags);
      return own.size > 0 && [...own].every((character) => !repeated.has(character));
    }
    case 'alternation':
      return node.alternatives.every((alternative) => alternative.some((item) => isAnchored(item, repeated, flags)));
    case 'group':
      return !node.lookaround && isAnchored(node.body, repeated, flags);
    case 'repeat':
      return node.min >= 1 && node.max !== Infinity && isAnchored(node.node, repeated, flags);
    case 'assertion':
      return false;
  }
}

/** Descriptions of the nested unbounded repetitions in a pattern, empty when there are none. */
function nestedRepetitions(pattern: string, flags: string): string[] {
  const problems: string[] = [];
  const visit = (node: RegexNode): void => {
    switch (node.kind) {
      case 'alternation':
        node.alternatives.forEach((alternative) => alternative.forEach(visit));
        return;
      case 'group':
        visit(node.body);
        return;
      case 'repeat': {
        if (node.max === Infinity && hasUnboundedRepeat(node.node)) {
          const repeated = new Set(unboundedAtoms(node.node, false, []).flatMap((atom) => [...characterSet(atom, flags)]));
          if (!isAnchored(node.node, repeated, flags)) {
            problems.push('an unbounded repetition of a body that repeats without bound and has no character of its own to anchor each round');
          }
        }
        visit(node.node);
        return;
      }
      default:
        return;
    }
  };
  visit(new PatternParser(pattern).parse());
  return problems;
}

describe('regular expression safety', () => {
  describe('static check of every pattern in src/', () => {
    const { patterns, dynamic } = collectPatterns();

    it('finds the patterns (the scan itself works)', () => {
      assert.ok(patterns.length >= 50, `only ${patterns.length} patterns found`);
      for (const { file, line, pattern, flags } of patterns) {
        assert.doesNotThrow(() => new RegExp(pattern, flags), `${file}:${line} /${pattern}/${flags} is extracted intact`);
      }
    });

    it('flags known catastrophic shapes and passes known safe ones', () => {
      for (const bad of ['(a+)+', '(a*)*', '(\\w+\\s*)+', '(?:a|b+)+$', '(\\d+\\d)+', '(?:[a-z]+)*x', '(a{1,}){2,}']) {
        assert.notDeepEqual(nestedRepetitions(bad, ''), [], `/${bad}/ is flagged`);
      }
      for (const good of ['^(?:\\s*,\\s*\\d+)*$', '^[a-z0-9](?:-?[a-z0-9])*$', '(?:[^/]+\\/)*[^/]+$', 'a+b*', '(?:ab)+', '(?:\\d{1,3}\\.){3}', '(a+)?']) {
        assert.deepEqual(nestedRepetitions(good, ''), [], `/${good}/ is not flagged`);
      }
    });

    it('has no nested unbounded repetition in any pattern', () => {
      const findings = patterns.flatMap(({ file, line, pattern, flags }) =>
        nestedRepetitions(pattern, flags).map((problem) => `${file}:${line} /${pattern}/${flags}: ${problem}`),
      );
      assert.deepEqual(findings, []);
    });

    it('builds no pattern from run-time text unless it is listed with a reason', () => {
      const unlisted = dynamic.filter((site) => !DYNAMIC_PATTERNS_ALLOWED.some((allowed) => allowed.file === site.file && allowed.expression === site.expression));
      assert.deepEqual(unlisted.map((site) => `${site.file}:${site.line} ${site.expression}`), []);
    });
  });

  describe('time grows linearly with adversarial input', function () {
    this.timeout(600_000);

    /** Characters each format's scanner and rules split, quote, escape or nest on. */
    const RUNS: readonly string[] = ['1:', ' ', '\t', '\\', '${', '"', "'", '#', '#a=b ', '[', '{', '<', '-', ',', 'a=', '\\\n', '\r'];

    /** Text that puts a run where the format's port syntax is read. */
    const CONTEXTS: Readonly<Record<string, readonly [string, string]>> = {
      'compose.yaml': ['services:\n  web:\n    ports:\n      - "', '"\n'],
      Dockerfile: ['FROM alpine\nEXPOSE ', '\n'],
      'nginx.conf': ['server { listen ', '; }\n'],
      'rules.v4': ['*filter\n-A INPUT -p tcp --dport ', ' -j ACCEPT\nCOMMIT\n'],
      'k8s/service.yaml': ['apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: ', '\n'],
      'nftables.conf': ['table inet t { chain c { tcp dport ', ' accept } }\n'],
      'ufw/user.rules': ['### tuple ### allow tcp ', ' 0.0.0.0/0 any 0.0.0.0/0 in\n'],
      'zones/public.xml': ['<?xml version="1.0"?>\n<zone>\n<port protocol="tcp" port="', '"/>\n</zone>\n'],
      'setup.sh': ['#!/bin/sh\nufw allow ', '\nfirewall-cmd --add-port=80/tcp\niptables -A INPUT --dport 22\n'],
      sshd_config: ['Port ', '\n'],
      'ports.conf': ['Listen ', '\n'],
      'haproxy.cfg': ['frontend web\n  bind :', '\n'],
      'app.socket': ['[Socket]\nListenStream=', '\n'],
      'main.tf': ['resource "aws_security_group_rule" "r" {\n  from_port = ', '\n}\n'],
      'template.yaml': ['AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: ', '\n'],
    };

    const SIZE = 8_000;
    const REPEATS = 3;
    const NOISE_FLOOR_MS = 5;
    const MAX_RATIO = 3;

    function milliseconds(fileName: string, text: string): number {
      const started = performance.now();
      analyzeFile(fileName, text);
      return performance.now() - started;
    }

    /** One run of `size` characters inside the context, or as many context lines as fit, each with the run once. */
    function textOf(run: string, size: number, [prefix, suffix]: readonly [string, string], lines: boolean): string {
      if (lines) {
        // Per-line work must not rescan the file.
        const line = `${prefix}${run}${suffix}`;
        return line.repeat(Math.ceil(size / line.length));
      }
      return `${prefix}${run.repeat(Math.ceil(size / run.length))}${suffix}`;
    }

    /**
     * The time ratio from `small` to `large`, or `undefined` when both are too fast to compare. The
     * two are timed in turn, so a burst of load from other processes slows both, not one.
     */
    function growthRatio(fileName: string, small: string, large: string, repeats: number): { ratio: number; smallTime: number; largeTime: number } | undefined {
      // The fastest of the runs: garbage collection and other processes only ever add time.
      let smallTime = Number.POSITIVE_INFINITY;
      let largeTime = Number.POSITIVE_INFINITY;
      for (let repeat = 0; repeat < repeats; repeat++) {
        smallTime = Math.min(smallTime, milliseconds(fileName, small));
        largeTime = Math.min(largeTime, milliseconds(fileName, large));
      }
      if (smallTime < NOISE_FLOOR_MS && largeTime < NOISE_FLOOR_MS) {
        return undefined;
      }
      return { ratio: largeTime / Math.max(smallTime, NOISE_FLOOR_MS), smallTime, largeTime };
    }

    let worst = { ratio: 0, label: 'every input under the noise floor' };
    let compared = 0;
    after(() => {
      console.log(`      doubling: ${compared} inputs above ${NOISE_FLOOR_MS} ms compared; worst ratio ${worst.ratio.toFixed(2)} (${worst.label})`);
    });

    for (const [fileName, context] of Object.entries(CONTEXTS)) {
      it(`${fileName}: doubling an adversarial run at most triples the time`, () => {
        const slow: string[] = [];
        for (const run of RUNS) {
          for (const lines of [false, true]) {
            for (const surround of [context, ['', ''] as const]) {
              const small = textOf(run, SIZE, surround, lines);
              const large = textOf(run, SIZE * 2, surround, lines);
              // This first pass also compiles the code paths the input takes; inputs far under the
              // noise floor are not worth measuring.
              if (milliseconds(fileName, large) < NOISE_FLOOR_MS / 2) {
                continue;
              }
              let measured = growthRatio(fileName, small, large, REPEATS);
              // A busy machine makes a few milliseconds noisy. Work that grows faster than linearly
              // shows again over two doublings, where quadratic work takes 16 times as long and
              // linear work 4: only more than 3 per doubling (9) there counts.
              // Two confirmations, the lower one kept: a burst of load rarely lands twice, a slope always does.
              for (let round = 0; round < 2 && measured && measured.ratio > MAX_RATIO; round++) {
                // From the doubled size up, clear of the noise floor where fixed costs blur a small time.
                const confirmed = growthRatio(fileName, large, textOf(run, SIZE * 8, surround, lines), REPEATS * 3);
                measured = confirmed && { ...confirmed, ratio: Math.sqrt(confirmed.ratio) };
              }
              if (!measured) {
                continue;
              }
              compared++;
              const label = `${fileName}, ${JSON.stringify(run)} ${lines ? 'on many lines' : 'in one run'}${surround[0] ? ' in context' : ''}: ${measured.smallTime.toFixed(1)} ms -> ${measured.largeTime.toFixed(1)} ms`;
              if (measured.ratio > worst.ratio) {
                worst = { ratio: measured.ratio, label };
              }
              if (measured.ratio > MAX_RATIO) {
                slow.push(label);
              }
            }
          }
        }
        assert.deepEqual(slow, []);
      });
    }

    /** `size` keys of one mapping. */
    function mappingKeys(size: number): string {
      return Array.from({ length: size }, (_, index) => `  k${index}: v\n`).join('');
    }

    /** One mapping of `size` keys merged (`<<: *base`) into each of `size` services or containers. */
    const MERGED_MAPPINGS: Readonly<Record<string, (size: number) => string>> = {
      'compose.yaml': (size) => `x-base: &base\n${mappingKeys(size)}services:\n${Array.from({ length: size }, (_, index) => `  s${index}: {<<: *base}\n`).join('')}`,
      'k8s/pod.yaml': (size) => `apiVersion: v1\nkind: Pod\nx-base: &base\n${mappingKeys(size)}spec:\n  containers:\n${'    - {<<: *base}\n'.repeat(size)}`,
    };
    const MERGED_SIZE = 2_000;

    for (const [fileName, textOfSize] of Object.entries(MERGED_MAPPINGS)) {
      it(`${fileName}: doubling a large mapping and the items merging it at most triples the time`, () => {
        const large = textOfSize(MERGED_SIZE * 2);
        milliseconds(fileName, large);
        let measured = growthRatio(fileName, textOfSize(MERGED_SIZE), large, REPEATS);
        // Confirmed over two doublings, as above: quadratic work takes 16 times as long there.
        for (let round = 0; round < 2 && measured && measured.ratio > MAX_RATIO; round++) {
          const confirmed = growthRatio(fileName, large, textOfSize(MERGED_SIZE * 8), REPEATS * 3);
          measured = confirmed && { ...confirmed, ratio: Math.sqrt(confirmed.ratio) };
        }
        assert.ok(measured, 'the input takes long enough to time');
        assert.ok(measured.ratio <= MAX_RATIO, `${measured.smallTime.toFixed(1)} ms -> ${measured.largeTime.toFixed(1)} ms`);
      });
    }
  });
});
