/**
 * The YAML nesting guard: files nested deeper than the parser can safely recurse are refused
 * before they are parsed, with one problem at the place the nesting overflows. Real files, and
 * brackets inside quotes, comments and block scalars, must never trip it.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeFile } from '../../src/core/analysis';
import { MAX_YAML_NESTING, MAX_YAML_PROBLEMS, yamlNestingOverflow } from '../../src/core/scanners/yamlSupport';
import { loadSeeds } from './propertyInputs';

/** The smallest limit a text stays within: its estimated nesting depth. */
function depthOf(text: string): number {
  let depth = 0;
  while (yamlNestingOverflow(text, depth) !== -1) {
    depth++;
  }
  return depth;
}

describe('YAML nesting guard', () => {
  const cases: readonly [string, string, number][] = [
    ['a flat mapping', 'a: 1\nb: 2\n', 1],
    ['a block mapping three levels deep', 'a:\n  b:\n    c: 1\n', 3],
    ['a block sequence under a mapping, its indent and dash each counted', 'ports:\n  - 80\n  - 443\n', 3],
    ['compact nested sequences', '- - - 80\n', 4],
    ['a flow sequence', 'ports: ["80:80", "443:443"]\n', 2],
    ['nested flow collections', 'a: [{b: [1]}]\n', 4],
    ['flow collections spread over lines', 'a: [\n  {b: 1},\n  {c: [2]}\n]\n', 4],
    ['brackets inside double quotes', 'a: "[[[[{{{{"\n', 1],
    ["brackets inside single quotes, with an escaped quote", "a: 'it''s [[[['\n", 1],
    ['brackets in a comment', 'a: 1 # [[[[ {{{{\n', 1],
    ['brackets inside a plain scalar', 'command: echo {a} [b\n', 1],
    ['brackets in a block scalar', 'script: |\n  {{{{\n  [[[[\n    [[[[\nnext: 1\n', 1],
    ['a multi-line quoted scalar', 'a: "first [[[[\n  second {{{{"\nb: 1\n', 1],
  ];
  for (const [name, text, depth] of cases) {
    it(`measures ${name} as ${depth} deep`, () => {
      assert.equal(depthOf(text), depth);
    });
  }

  it('keeps every example and fixture far within the limit', () => {
    const yamlSeeds = loadSeeds().filter((seed) => seed.format === 'compose' || seed.format === 'kubernetes');
    assert.ok(yamlSeeds.length >= 3, `${yamlSeeds.length} YAML files`);
    for (const seed of yamlSeeds) {
      const depth = depthOf(seed.text);
      assert.ok(depth <= 16, `${seed.name} measures ${depth} deep`);
    }
  });

  it('points at the bracket that goes one level too deep', () => {
    const text = `ports: ${'['.repeat(MAX_YAML_NESTING + 10)}`;
    // `ports:` is one level, so the overflowing bracket is the limit's own.
    assert.equal(yamlNestingOverflow(text, MAX_YAML_NESTING), 'ports: '.length + MAX_YAML_NESTING - 1);
  });

  it('refuses a Compose file nested past the limit with one problem, and reads one just inside it', () => {
    const tooDeep = `services:\n  web:\n    ports: ${'['.repeat(MAX_YAML_NESTING)}"80:80"${']'.repeat(MAX_YAML_NESTING)}\n`;
    const refused = analyzeFile('compose.yaml', tooDeep);
    assert.ok(refused);
    assert.deepEqual(
      refused.problems.map((problem) => problem.message),
      ['Could not read the Compose file: it is nested too deeply'],
    );
    assert.equal(tooDeep[refused.problems[0].range.start], '[');

    const inside = `services:\n  web:\n    ports: ${'['.repeat(MAX_YAML_NESTING - 8)}"80:80"${']'.repeat(MAX_YAML_NESTING - 8)}\n`;
    assert.deepEqual(analyzeFile('compose.yaml', inside)?.problems.filter((problem) => /nested too deeply/.test(problem.message)), []);
  });

  it('refuses a Kubernetes manifest nested past the limit with one problem', () => {
    const text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: ${'{a: '.repeat(MAX_YAML_NESTING)}1${'}'.repeat(MAX_YAML_NESTING)}\n`;
    const analysis = analyzeFile('service.yaml', text);
    assert.ok(analysis);
    assert.deepEqual(
      analysis.problems.map((problem) => problem.message),
      ['Could not read the manifest: it is nested too deeply'],
    );
  });

  it('survives deeply nested files one after another (the parser once aborted the process here)', () => {
    for (const text of ['{'.repeat(32_000), '{\n'.repeat(16_000), '['.repeat(32_000), `a:\n${'- '.repeat(16_000)}1\n`]) {
      const analysis = analyzeFile('compose.yaml', text);
      assert.ok(analysis);
      assert.equal(analysis.problems.filter((problem) => /nested too deeply/.test(problem.message)).length, 1);
    }
  });

  it('reads chains of 20,000 aliases and of 20,000 merge keys without running out of stack', () => {
    const chain = (first: string, link: (previous: number) => string): string =>
      [first, ...Array.from({ length: 19_999 }, (_, index) => `x-a${index + 1}: &a${index + 1} ${link(index)}`)].join('\n');
    const aliases = `${chain('x-a0: &a0 ["80:80"]', (previous) => `[*a${previous}]`)}\nservices:\n  web:\n    image: nginx\n    ports: *a19999\n`;
    assert.deepEqual(analyzeFile('compose.yaml', aliases)?.problems, []);

    const merges = `${chain('x-a0: &a0 {image: nginx}', (previous) => `{<<: *a${previous}}`)}\nservices:\n  web:\n    <<: *a19999\n    ports: ["2375:2375"]\n`;
    const analysis = analyzeFile('compose.yaml', merges);
    assert.ok(analysis);
    assert.deepEqual(analysis.problems, []);
    assert.deepEqual(
      analysis.references.map((reference) => reference.port),
      [2375],
    );
  });

  it('lists at most 100 YAML errors per document, then says how many more there are', () => {
    const text = `apiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: ${'\\\n'.repeat(5_000)}\n`;
    const analysis = analyzeFile('service.yaml', text);
    assert.ok(analysis);
    const parseErrors = analysis.problems.filter((problem) => problem.code === 'parse-error');
    assert.equal(parseErrors.length, MAX_YAML_PROBLEMS + 1);
    assert.ok(parseErrors.some((problem) => /^\d+ more YAML errors after this one are not listed/.test(problem.message)), parseErrors.at(-1)?.message);
  });

  it('never throws and always finds a depth for arbitrary bracket soup', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('[', ']', '{', '}', '"', "'", '#', '- ', '? ', ': ', '|', '\n', '  ', 'a', ','), { maxLength: 200 }), (parts) => {
        const text = parts.join('');
        const depth = depthOf(text);
        assert.ok(depth >= 0 && depth <= text.length + 1);
        assert.equal(yamlNestingOverflow(text, depth), -1);
      }),
      { numRuns: 2000 },
    );
  });
});
