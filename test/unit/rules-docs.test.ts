/**
 * Keeps the rule documentation in docs/rules honest: every rule has a page, every page is a
 * rule, and every example on a page does what the page says.
 *
 * An example is a fenced block directly after a marker line that names its kind and the file
 * name it is analysed as:
 *
 *     <!-- rule-example bad file=compose.yaml -->
 *
 * - `bad`: produces at least one diagnostic of the page's rule;
 * - `good`: produces none of the page's rule (other rules may still speak);
 * - `suppressed`: produces none while its `port-lens-ignore` comments are in place, and at
 *   least one once they are neutralised, so the comment shown is what silences it.
 *
 * An example can bring sibling files, each a fenced block directly after the example (or after
 * the file before it) behind a marker that names its path relative to the example's directory:
 *
 *     <!-- rule-example-file file=web/Dockerfile -->
 *
 * Such an example, and every example of a rule that judges wiring between files, is checked
 * the way the editor sees it: each file is analysed and fed to a workspace model under one
 * project directory, and the findings on the example's own file are its single-file
 * diagnostics together with the model's. Suppression comments are neutralised in that file
 * only, and quick fixes are applied to it.
 *
 * Each example is analysed with the rule set to its default severity, so rules that are off
 * by default run too. The properties table on each page (`Default severity`, `On by default`)
 * and the index in docs/rules/README.md must match the registry; a wiring rule's table names
 * every severity its bad examples are reported with, and every message its page quotes in a
 * `text` block is one its bad examples produce. Every quick fix offered for a bad
 * example must be named in bold on the page (numbers may differ), and applying it must remove
 * the diagnostic it was offered for.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../src/core/analysis';
import type { PortDiagnostic } from '../../src/core/analysis';
import { parseProjectConfig } from '../../src/core/projectConfig';
import { quickFixesFor, RULES } from '../../src/core/rules/index';
import type { Rule, TextEdit } from '../../src/core/rules/types';
import type { FileFormat } from '../../src/core/types';
import { WorkspaceModel } from '../../src/core/wiring/graph';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const RULE_DOCS = path.join(REPO_ROOT, 'docs', 'rules');
const INDEX_PAGE = 'README.md';

type ExampleKind = 'bad' | 'good' | 'suppressed';

/** A file an example brings along, such as the Dockerfile a Compose service builds. */
interface SiblingFile {
  /** Relative to the example's directory, with forward slashes. */
  readonly fileName: string;
  readonly text: string;
}

interface Example {
  readonly kind: ExampleKind;
  readonly fileName: string;
  readonly text: string;
  /** 1-based line of the marker, for messages. */
  readonly line: number;
  readonly siblings: readonly SiblingFile[];
}

const MARKER = /<!-- rule-example (\S+) file=(\S+) -->/g;
const EXAMPLE = /<!-- rule-example (bad|good|suppressed) file=([^\s/\\]+) -->\r?\n```[^\n]*\r?\n([\s\S]*?)\r?\n```/g;
const SIBLING_MARKER = /<!-- rule-example-file file=(\S+) -->/g;
/** A sibling file, read from where the block before it ends; only blank lines may come between. */
const SIBLING = /\s*<!-- rule-example-file file=(\S+) -->\r?\n```[^\n]*\r?\n([\s\S]*?)\r?\n```/y;
/** A relative path inside the example's directory: no leading slash, no `..`, no backslash. */
const SIBLING_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[\w.-]+(?:\/[\w.-]+)*$/;
/** The directory examples with sibling files are placed in, as the editor would see a project. */
const PROJECT = '/project';
const REQUIRED_SECTIONS = ['## Bad', '## Good', '## Quick fixes', '## Configuration', '## Suppression'];

function readPage(name: string): string {
  return fs.readFileSync(path.join(RULE_DOCS, name), 'utf8');
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

function siblingsAfter(page: string, offset: number): SiblingFile[] {
  const siblings: SiblingFile[] = [];
  SIBLING.lastIndex = offset;
  for (let match = SIBLING.exec(page); match; match = SIBLING.exec(page)) {
    // Like the example itself, each file ends with a line break.
    siblings.push({ fileName: match[1], text: `${match[2]}\n` });
  }
  return siblings;
}

function examplesOf(page: string): Example[] {
  return [...page.matchAll(EXAMPLE)].map((match) => ({
    kind: match[1] as ExampleKind,
    fileName: match[2],
    // The analysed file ends with a line break, as files on disk do.
    text: `${match[3]}\n`,
    line: lineOf(page, match.index ?? 0),
    siblings: siblingsAfter(page, (match.index ?? 0) + match[0].length),
  }));
}

/** Examples that need the workspace model: they bring files, or the rule only speaks there. */
function isWorkspaceExample(rule: Rule, example: Example): boolean {
  return rule.workspace === true || example.siblings.length > 0;
}

/** The rule at its default severity, so a rule that is off by default runs too. */
function severitiesFor(rule: Rule): Record<string, Rule['defaultSeverity']> {
  return { [rule.id]: rule.defaultSeverity };
}

/**
 * The example's own file and its siblings, analysed and fed to a workspace model in one
 * project directory, as the editor feeds it; the example's findings are its file's own
 * diagnostics and the model's findings on that file.
 */
function workspaceDiagnosticsOf(rule: Rule, example: Example, text: string): { diagnostics: PortDiagnostic[]; format: FileFormat } {
  // Only a rule that is off by default needs a setting; any other keeps its per-finding severity.
  const model = new WorkspaceModel(rule.enabledByDefault ? {} : { ruleSeverities: severitiesFor(rule) });
  let main: { diagnostics: readonly PortDiagnostic[]; format: FileFormat } | undefined;
  for (const file of [{ fileName: example.fileName, text }, ...example.siblings]) {
    const fileName = `${PROJECT}/${file.fileName}`;
    const analysis = analyzeFile(fileName, file.text, { ruleSeverities: severitiesFor(rule) });
    assert.ok(analysis, `${file.fileName} of the ${example.kind} example on line ${example.line} is not read as any format`);
    model.setFile(fileName, file.text, analysis);
    main ??= analysis;
  }
  assert.ok(main);
  const found = [...main.diagnostics, ...model.diagnosticsFor(`${PROJECT}/${example.fileName}`)];
  return { diagnostics: found.filter((diagnostic) => diagnostic.rule === rule.id), format: main.format };
}

/** The rule's diagnostics in an example, with the rule at its default severity. */
function diagnosticsOf(rule: Rule, example: Example, text = example.text): { diagnostics: PortDiagnostic[]; format: FileFormat } {
  if (isWorkspaceExample(rule, example)) {
    return workspaceDiagnosticsOf(rule, example, text);
  }
  const analysis = analyzeFile(example.fileName, text, { ruleSeverities: severitiesFor(rule) });
  assert.ok(analysis, `the ${example.kind} example on line ${example.line} is not read as any format (file=${example.fileName})`);
  return { diagnostics: analysis.diagnostics.filter((diagnostic) => diagnostic.rule === rule.id), format: analysis.format };
}

function findingsOf(rule: Rule, example: Example, text = example.text): string[] {
  return diagnosticsOf(rule, example, text).diagnostics.map((diagnostic) => diagnostic.message);
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.range.start - a.range.start)) {
    result = result.slice(0, edit.range.start) + edit.newText + result.slice(edit.range.end);
  }
  return result;
}

/** Numbers differ between a fix's title and the page's example of it: `Add 53/udp`, `Quote 2222:22`. */
function titleShape(title: string): string {
  return title.replace(/\s+/g, ' ').replace(/\d+/g, 'N').trim();
}

/** The bold phrases of a page, with their numbers and line breaks normalised. */
function boldPhrases(page: string): Set<string> {
  return new Set([...page.replace(/\s+/g, ' ').matchAll(/\*\*([^*]+)\*\*/g)].map((match) => titleShape(match[1])));
}

/** The same text with every suppression marker turned into an ordinary word. */
function withoutSuppression(text: string): string {
  return text.replace(/port-lens-ignore/g, 'port-lens-note');
}

/** Cells of the markdown table row whose first cell is `label`, or `undefined`. */
function tableRow(page: string, label: string): string[] | undefined {
  for (const line of page.split(/\r?\n/)) {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (cells[0] === label) {
      return cells;
    }
  }
  return undefined;
}

function firstCode(cell: string | undefined): string | undefined {
  return cell === undefined ? undefined : /`([^`]+)`/.exec(cell)?.[1];
}

function yesNo(enabled: boolean): string {
  return enabled ? 'yes' : 'no';
}

describe('rule documentation (docs/rules)', () => {
  const pages = fs.readdirSync(RULE_DOCS).filter((name) => name.endsWith('.md') && name !== INDEX_PAGE);

  it('has a page for every rule in the registry', () => {
    const missing = RULES.filter((rule) => !pages.includes(`${rule.id}.md`)).map((rule) => rule.id);
    assert.deepEqual(missing, []);
  });

  it('has no page for a rule the registry does not know', () => {
    const known = new Set(RULES.map((rule) => `${rule.id}.md`));
    assert.deepEqual(pages.filter((name) => !known.has(name)), []);
  });

  it('lists every rule in the index with its default severity and whether it is on', () => {
    const index = readPage(INDEX_PAGE);
    for (const rule of RULES) {
      const row = tableRow(index, `[\`${rule.id}\`](${rule.id}.md)`);
      assert.ok(row, `docs/rules/${INDEX_PAGE} has no row for ${rule.id}`);
      assert.equal(firstCode(row[1]), rule.defaultSeverity, `default severity of ${rule.id} in the index`);
      assert.equal(row[2], yesNo(rule.enabledByDefault), `whether ${rule.id} is on by default, in the index`);
    }
  });

  it('is linked from the Rules section of the README for every rule', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const section = /^## Rules\r?\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
    for (const rule of RULES) {
      assert.ok(section.includes(`(docs/rules/${rule.id}.md)`), `README.md's Rules section does not link docs/rules/${rule.id}.md`);
    }
  });

  it('shows only settings that exist, with values they accept', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, unknown> } };
    };
    const editorSettings = new Set(Object.keys(manifest.contributes.configuration.properties));
    const ruleIds = new Set(RULES.map((rule) => rule.id));
    for (const name of [...pages, INDEX_PAGE]) {
      for (const match of readPage(name).matchAll(/```json\r?\n([\s\S]*?)\r?\n```/g)) {
        const settings = JSON.parse(match[1]) as Record<string, unknown>;
        for (const id of Object.keys({ ...(settings.rules as object | undefined), ...(settings['portLens.rules'] as object | undefined) })) {
          assert.ok(ruleIds.has(id), `${name} configures "${id}", which is not a rule`);
        }
        const editorKeys = Object.keys(settings).filter((key) => key.startsWith('portLens.'));
        if (editorKeys.length === 0) {
          // A `.portlens.json` example.
          assert.deepEqual(parseProjectConfig(match[1], '.portlens.json').problems, [], `${name}: ${match[1]}`);
          continue;
        }
        for (const key of editorKeys) {
          assert.ok(editorSettings.has(key), `${name} shows the setting ${key}, which package.json does not contribute`);
        }
        const rules = settings['portLens.rules'];
        if (rules !== undefined) {
          // The editor setting takes the same values as the workspace file's `rules`.
          assert.deepEqual(parseProjectConfig(JSON.stringify({ rules }), '.portlens.json').problems, [], `${name}: ${match[1]}`);
        }
      }
    }
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      const fileName = path.join(RULE_DOCS, `${rule.id}.md`);
      const page = fs.existsSync(fileName) ? fs.readFileSync(fileName, 'utf8') : '';
      const examples = examplesOf(page);

      it('has the title, the sections and a properties table that match the rule', () => {
        assert.ok(page.startsWith(`# ${rule.id}\n`), 'the page starts with "# <id>"');
        for (const heading of REQUIRED_SECTIONS) {
          assert.ok(page.split(/\r?\n/).includes(heading), `the page has a "${heading}" section`);
        }
        assert.equal(firstCode(tableRow(page, 'Default severity')?.[1]), rule.defaultSeverity);
        assert.equal(tableRow(page, 'On by default')?.[1], yesNo(rule.enabledByDefault));
        assert.ok(tableRow(page, 'Formats')?.[1], 'the page names the formats the rule applies to');
        assert.ok(page.includes(`port-lens-ignore ${rule.id}`), 'the page shows the suppression comment');
      });

      it('marks every example correctly and has bad and good ones', () => {
        const markers = [...page.matchAll(MARKER)];
        assert.equal(examples.length, markers.length, 'every rule-example marker is followed by a fenced block and has a known kind');
        const siblingMarkers = [...page.matchAll(SIBLING_MARKER)];
        assert.equal(
          examples.reduce((count, example) => count + example.siblings.length, 0),
          siblingMarkers.length,
          'every rule-example-file marker is followed by a fenced block and comes directly after an example or another of its files',
        );
        for (const example of examples) {
          const names = [example.fileName, ...example.siblings.map((file) => file.fileName)];
          for (const name of names.slice(1)) {
            assert.match(name, SIBLING_PATH, `a file of the example on line ${example.line} is named by a relative path inside its directory`);
          }
          assert.equal(new Set(names).size, names.length, `the example on line ${example.line} names each of its files once`);
        }
        assert.ok(examples.some((example) => example.kind === 'bad'), 'at least one bad example');
        assert.ok(examples.some((example) => example.kind === 'good'), 'at least one good example');
      });

      it('reports every bad example', () => {
        for (const example of examples.filter((candidate) => candidate.kind === 'bad')) {
          assert.notDeepEqual(findingsOf(rule, example), [], `the bad example on line ${example.line} (${example.fileName}) is not reported`);
        }
      });

      if (rule.workspace) {
        // A wiring finding's severity depends on its evidence (an image's defaults make it a warning).
        it('gives its bad examples only severities that the properties table names', () => {
          const named = new Set([...(tableRow(page, 'Default severity')?.[1] ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1]));
          for (const example of examples.filter((candidate) => candidate.kind === 'bad')) {
            for (const diagnostic of diagnosticsOf(rule, example).diagnostics) {
              assert.ok(named.has(diagnostic.severity), `the bad example on line ${example.line} is reported as ${diagnostic.severity}, which the page does not name`);
            }
          }
        });

        it('quotes only messages that its bad examples produce', () => {
          const produced = new Set(
            examples.filter((example) => example.kind === 'bad').flatMap((example) => diagnosticsOf(rule, example).diagnostics.map((diagnostic) => diagnostic.message)),
          );
          for (const block of page.matchAll(/```text\r?\n([\s\S]*?)\r?\n```/g)) {
            for (const message of block[1].split(/\r?\n/)) {
              assert.ok(produced.has(message), `the page quotes "${message}", which none of its bad examples produces`);
            }
          }
        });
      }

      it('reports no good example', () => {
        for (const example of examples.filter((candidate) => candidate.kind === 'good')) {
          assert.deepEqual(findingsOf(rule, example), [], `the good example on line ${example.line} (${example.fileName}) is reported`);
        }
      });

      it('names every quick fix offered for its bad examples, and each fix removes its diagnostic', () => {
        const named = boldPhrases(page);
        for (const example of examples.filter((candidate) => candidate.kind === 'bad')) {
          const { diagnostics, format } = diagnosticsOf(rule, example);
          for (const diagnostic of diagnostics) {
            for (const fix of quickFixesFor(diagnostic, { text: example.text, format })) {
              assert.ok(named.has(titleShape(fix.title)), `the quick fix "${fix.title}" (bad example on line ${example.line}) is not named in bold on the page`);
              if (fix.kind !== 'edit') {
                continue;
              }
              if (fix.title.startsWith(`Ignore ${rule.id} on this line`)) {
                // The comment the page documents: XML in firewalld zone files, `#` everywhere else, shell scripts included.
                const comment = example.fileName.endsWith('.xml') ? `<!-- port-lens-ignore ${rule.id} -->` : `# port-lens-ignore ${rule.id}`;
                assert.equal(fix.edits[0]?.newText.trim(), comment, `the comment inserted above the bad example on line ${example.line}`);
              }
              const after = diagnosticsOf(rule, example, applyEdits(example.text, fix.edits)).diagnostics;
              assert.ok(
                after.length < diagnostics.length,
                `"${fix.title}" on the bad example on line ${example.line} leaves ${after.length} of ${diagnostics.length} diagnostics`,
              );
            }
          }
        }
      });

      it('silences every suppressed example, and only because of its comment', () => {
        for (const example of examples.filter((candidate) => candidate.kind === 'suppressed')) {
          // Only the example's own file is neutralised: a finding is silenced by a comment in the file it is on.
          assert.ok(example.text.includes('port-lens-ignore'), `the suppressed example on line ${example.line} has a port-lens-ignore comment`);
          assert.deepEqual(findingsOf(rule, example), [], `the suppressed example on line ${example.line} (${example.fileName}) is still reported`);
          assert.notDeepEqual(
            findingsOf(rule, example, withoutSuppression(example.text)),
            [],
            `the suppressed example on line ${example.line} (${example.fileName}) is not reported even without its comment`,
          );
        }
      });
    });
  }
});
