/**
 * Property tests for the whole analysis (scan and rules), with every rule switched on: whatever
 * the file holds, `analyzeFile` never throws, each diagnostic's range (and each related range in
 * the same file) lies inside the text, and analysing twice gives the same result.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { analyzeFile } from '../../src/core/analysis';
import type { AnalysisOptions, FileAnalysis } from '../../src/core/analysis';
import { KnowledgeBase } from '../../src/core/ports/knowledgeBase';
import { FILE_FORMATS } from '../../src/core/scanners/index';
import type { FileFormat, SourceRange } from '../../src/core/types';
import { arbitraryConfigText, assertRangesInside, loadSeeds, mutatedSeed, PROPERTY_RUNS, REPO_ROOT, timeLimitFor } from './propertyInputs';
import type { Seed } from './propertyInputs';

/** A file name each format is detected from (YAML and XML are also recognised by their content). */
const FILE_NAME_OF: Readonly<Record<FileFormat, string>> = {
  dockerfile: 'Dockerfile',
  compose: 'compose.yaml',
  kubernetes: 'k8s/app.yaml',
  nginx: 'nginx.conf',
  iptables: 'rules.v4',
  nftables: 'nftables.conf',
  ufw: 'ufw/user.rules',
  firewalld: 'zones/public.xml',
  sshd: 'sshd_config',
  apache: 'ports.conf',
  haproxy: 'haproxy.cfg',
  systemd: 'app.socket',
  terraform: 'main.tf',
  cloudformation: 'template.yaml',
};

const RULE_ID = /\bid:\s*'([a-z0-9-]+)'/g;

/**
 * Every rule id declared under `src/core/rules/`, read from the sources so rules that are off by
 * default, and rules added later, are exercised too.
 */
function declaredRuleIds(): string[] {
  const directory = path.join(REPO_ROOT, 'src', 'core', 'rules');
  const ids = new Set<string>(['invalid-port', 'parse-error', 'unresolved-port']);
  for (const file of fs.readdirSync(directory).filter((name) => name.endsWith('.ts'))) {
    for (const match of fs.readFileSync(path.join(directory, file), 'utf8').matchAll(RULE_ID)) {
      ids.add(match[1]);
    }
  }
  return [...ids].sort();
}

const ruleIds = declaredRuleIds();
const knowledgeBase = new KnowledgeBase();

/** `knowledgeBase` is what the editor and the command line pass too; the rules look ports up in it. */
function optionsWith(setting: 'warning' | 'off'): AnalysisOptions {
  return { ruleSeverities: Object.fromEntries(ruleIds.map((id) => [id, setting])), knowledgeBase } as AnalysisOptions;
}

const EVERY_RULE_ON = optionsWith('warning');
const EVERY_RULE_OFF = optionsWith('off');
const SEVERITIES: ReadonlySet<string> = new Set(['error', 'warning', 'info']);

function checkAnalysis(analysis: FileAnalysis, textLength: number): void {
  const ranges: [string, SourceRange | undefined][] = [];
  analysis.references.forEach((reference, index) => {
    ranges.push([`references[${index}].range`, reference.range]);
    ranges.push([`references[${index}].portRange`, reference.portRange]);
    ranges.push([`references[${index}].hostPortRange`, reference.hostPortRange]);
  });
  analysis.problems.forEach((problem, index) => ranges.push([`problems[${index}].range`, problem.range]));
  analysis.diagnostics.forEach((diagnostic, index) => {
    ranges.push([`diagnostics[${index}] (${diagnostic.rule}).range`, diagnostic.range]);
    const related = (diagnostic as { related?: readonly { range: SourceRange; fileName?: string }[] }).related ?? [];
    related.forEach((location, relatedIndex) => {
      if (location.fileName === undefined) {
        ranges.push([`diagnostics[${index}].related[${relatedIndex}].range`, location.range]);
      }
    });
    assert.ok(diagnostic.rule.length > 0 && diagnostic.message.length > 0, 'a diagnostic names its rule and says something');
    assert.ok(SEVERITIES.has(diagnostic.severity), `severity "${diagnostic.severity}"`);
  });
  assertRangesInside(ranges, textLength);
}

/** Analyses twice; checks ranges and determinism, and returns the result for further checks. */
function checkFile(fileName: string, text: string): FileAnalysis | undefined {
  const first = analyzeFile(fileName, text, EVERY_RULE_ON);
  if (first !== undefined) {
    checkAnalysis(first, text.length);
  }
  assert.deepEqual(analyzeFile(fileName, text, EVERY_RULE_ON), first, 'analysing the same text twice gives the same result');
  return first;
}

const seedsByFormat = new Map<FileFormat, Seed[]>();
for (const seed of loadSeeds()) {
  seedsByFormat.set(seed.format, [...(seedsByFormat.get(seed.format) ?? []), seed]);
}

describe('rule properties (scan and every rule)', function () {
  this.timeout(timeLimitFor(PROPERTY_RUNS));

  it('switches on every rule declared in the rules engine', () => {
    assert.ok(ruleIds.includes('invalid-port') && ruleIds.includes('parse-error'), ruleIds.join(', '));
  });

  it('finds diagnostics in the unmutated seeds, each inside its file', () => {
    let diagnostics = 0;
    for (const formatSeeds of seedsByFormat.values()) {
      for (const seed of formatSeeds) {
        diagnostics += checkFile(seed.fileName, seed.text)?.diagnostics.length ?? 0;
      }
    }
    assert.ok(diagnostics > 0, 'with every rule on, the examples produce diagnostics');
  });

  for (const format of FILE_FORMATS) {
    describe(format, () => {
      it(`never throws on arbitrary short text, keeps ranges inside it, is deterministic and honours "off" (${PROPERTY_RUNS} runs)`, () => {
        fc.assert(
          fc.property(arbitraryConfigText, (text) => {
            checkFile(FILE_NAME_OF[format], text);
            const silenced = analyzeFile(FILE_NAME_OF[format], text, EVERY_RULE_OFF);
            assert.deepEqual(silenced?.diagnostics ?? [], [], 'every rule off reports nothing');
          }),
          { numRuns: PROPERTY_RUNS },
        );
      });

      it(`never throws on mutated examples, keeps ranges inside them and is deterministic (${PROPERTY_RUNS} runs)`, () => {
        fc.assert(
          fc.property(mutatedSeed(seedsByFormat.get(format) ?? []), ({ seed, text }) => {
            checkFile(seed.fileName, text);
          }),
          { numRuns: PROPERTY_RUNS },
        );
      });
    });
  }
});
