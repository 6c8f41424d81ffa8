/**
 * Runs the examples in docs/cli.md, so the documentation cannot drift from the command line.
 * A fenced block after `<!-- cli-example exit=N -->` starts with `$ port-lens …`; the rest is the
 * output. JSON output must have the documented shape (every documented key, with the same
 * type); text output must contain the documented lines in order.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HELP, parseArguments } from '../../src/cli/args';
import { parseProjectConfig } from '../../src/core/projectConfig';
import { DOCS_PROJECT, REPO_ROOT, runInProcess } from './cliHarness';

const DOCS = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');

interface Block {
  readonly marker: string;
  readonly attributes: string;
  readonly language: string;
  readonly body: string;
}

const BLOCK = /<!-- (cli-[a-z-]+)([^>]*?) -->\n```([a-z]*)\n([\s\S]*?)\n```/g;

function blocks(marker: string): Block[] {
  return [...DOCS.matchAll(BLOCK)]
    .filter((match) => match[1] === marker)
    .map((match) => ({ marker: match[1], attributes: match[2].trim(), language: match[3], body: match[4] }));
}

/** Splits a documented command line into words, honouring single and double quotes. */
function shellWords(command: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (const character of command) {
    if (quote) {
      if (character === quote) {
        quote = undefined;
      } else {
        current += character;
      }
    } else if (character === '"' || character === "'") {
      quote = character;
      inWord = true;
    } else if (character === ' ') {
      if (inWord) {
        words.push(current);
      }
      current = '';
      inWord = false;
    } else {
      current += character;
      inWord = true;
    }
  }
  if (inWord) {
    words.push(current);
  }
  return words;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Every key the documentation shows exists in the output with the same type; array items are compared by position. */
function shapeProblems(documented: unknown, actual: unknown, where = '$'): string[] {
  if (typeOf(documented) !== typeOf(actual)) {
    return [`${where}: documented ${typeOf(documented)}, got ${typeOf(actual)}`];
  }
  if (Array.isArray(documented) && Array.isArray(actual)) {
    if (actual.length < documented.length) {
      return [`${where}: documented ${documented.length} items, got ${actual.length}`];
    }
    return documented.flatMap((item, index) => shapeProblems(item, actual[index], `${where}[${index}]`));
  }
  if (typeOf(documented) === 'object') {
    const actualObject = actual as Record<string, unknown>;
    return Object.entries(documented as Record<string, unknown>).flatMap(([key, value]) =>
      key in actualObject ? shapeProblems(value, actualObject[key], `${where}.${key}`) : [`${where}: missing "${key}"`]);
  }
  return [];
}

/** The documented lines appear in the output, in the same order. */
function missingLines(documented: readonly string[], actual: readonly string[]): string[] {
  const missing: string[] = [];
  let from = 0;
  for (const line of documented) {
    const index = actual.indexOf(line, from);
    if (index < 0) {
      missing.push(line);
    } else {
      from = index + 1;
    }
  }
  return missing;
}

describe('docs/cli.md examples', () => {
  const examples = blocks('cli-example');

  it('has examples to run', () => {
    assert.ok(examples.length >= 5);
  });

  for (const example of examples) {
    const [commandLine, ...output] = example.body.split('\n');
    it(`runs "${commandLine}"`, () => {
      assert.equal(example.language, 'console');
      assert.match(commandLine, /^\$ port-lens /);
      const exit = /^exit=(\d)$/.exec(example.attributes);
      assert.ok(exit, 'the example says which exit code it expects');
      const run = runInProcess(shellWords(commandLine.slice(2)).slice(1), { cwd: DOCS_PROJECT });
      assert.equal(run.code, Number(exit[1]), run.stderr);
      const expected = output.join('\n');
      if (expected.startsWith('{')) {
        assert.deepEqual(shapeProblems(JSON.parse(expected), JSON.parse(run.stdout)), []);
      } else {
        assert.deepEqual(missingLines(output, run.stdout.split('\n')), []);
      }
    });
  }

  it('shows a .portlens.json that reads without a problem', () => {
    const [config] = blocks('cli-config-example');
    assert.equal(config.language, 'json');
    const result = parseProjectConfig(config.body, '.portlens.json');
    assert.deepEqual(result.problems, []);
    assert.equal(result.usable, true);
    assert.ok(Object.keys(result.config.rules).length > 0 && result.config.exclude.length > 0);
  });

  it('shows a workflow whose command parses and whose SARIF file is the one uploaded', () => {
    const [workflow] = blocks('cli-workflow-example');
    assert.equal(workflow.language, 'yaml');
    const steps = (parseYaml(workflow.body) as { jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, string> }[] }> }).jobs.ports.steps;
    const run = steps.find((step) => step.run?.includes('port-lens'))?.run ?? '';
    const match = /port-lens (.*?) > (\S+)$/.exec(run);
    assert.ok(match, 'the check writes its output to a file');
    const command = parseArguments(shellWords(match[1]));
    assert.equal(command.kind, 'check');
    assert.equal(command.kind === 'check' && command.format, 'sarif');
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    assert.equal(upload?.with?.sarif_file, match[2]);
  });

  it('documents every option the help texts mention', () => {
    const options = new Set(Object.values(HELP).flatMap((text) => text.match(/--[a-z][a-z-]+/g) ?? []));
    for (const option of options) {
      assert.match(DOCS, new RegExp(`${option}(?![a-z-])`), `docs/cli.md documents ${option}`);
    }
  });

  it('documents every exit code', () => {
    for (const code of ['0', '1', '2']) {
      assert.match(DOCS, new RegExp(`\\| \`${code}\` \\|`));
    }
  });
});
