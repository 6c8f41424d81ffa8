/**
 * Sample applications in the style of public Compose collections, checked against what a careful
 * reviewer expects. A line ending in `# expect: sensitive Redis` must get a
 * `sensitive-port-exposed` finding that names Redis; `# expect: none` must get none;
 * `# expect: guess` (an app whose image names no software, on a port the catalogue knows for
 * something else) must get one that says it rests on the number alone, never an error. A marker on
 * a comment line of its own (the only comments a Dockerfile has) applies to the next line that
 * holds an instruction. Each check collects every mismatch before it fails, so one run shows
 * them all.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../src/core/analysis';
import type { FileAnalysis, PortDiagnostic } from '../../src/core/analysis';
import { withProjectDiagnostics } from '../../src/core/composeProject';
import { LineIndex } from '../../src/core/text';
import { WorkspaceModel } from '../../src/core/wiring/graph';

/** The corpus, from `out/test/unit/`. */
const CORPUS = path.resolve(__dirname, '..', '..', '..', 'test', 'unit', 'fixtures', 'sample-apps');

/** Files are fed to the model under this root, so findings read the same on every machine. */
const PROJECT_ROOT = '/sample-apps';

const RULE = 'sensitive-port-exposed';

/** The wording of a finding that knows only the port number, not the software behind it. */
const NUMBER_ONLY_GUESS = /if it serves|also used by/;

const MARKER = /#\s*expect:\s*(.*?)\s*$/;

type Expectation = { readonly kind: 'none' } | { readonly kind: 'guess' } | { readonly kind: 'sensitive'; readonly software: string };

interface Marker {
  /** The line the expectation is about, as `app/compose.yaml:12` (one-based), for messages. */
  readonly where: string;
  /** Zero-based line the expectation is about. */
  readonly line: number;
  readonly expectation: Expectation | undefined;
  readonly written: string;
}

interface CheckedFile {
  readonly relative: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly analysis: FileAnalysis;
  /** The file's own findings and the workspace's, merged as the editor and the command line merge them. */
  readonly diagnostics: readonly PortDiagnostic[];
  readonly markers: readonly Marker[];
}

function filesUnder(directory: string): string[] {
  return fs
    .readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const full = path.join(directory, entry.name);
      return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
    });
}

function parseExpectation(written: string): Expectation | undefined {
  if (written === 'none') {
    return { kind: 'none' };
  }
  if (written === 'guess') {
    return { kind: 'guess' };
  }
  const sensitive = /^sensitive\s+(\S.*)$/.exec(written);
  return sensitive ? { kind: 'sensitive', software: sensitive[1] } : undefined;
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

function markersIn(relative: string, text: string): Marker[] {
  const lines = text.split(/\r\n|\r|\n/);
  const markers: Marker[] = [];
  lines.forEach((line, index) => {
    const match = MARKER.exec(line);
    if (!match) {
      return;
    }
    let target = index;
    if (line.trim().startsWith('#')) {
      target = index + 1;
      while (target < lines.length && isBlankOrComment(lines[target])) {
        target++;
      }
    }
    markers.push({ where: `${relative}:${target + 1}`, line: target, expectation: parseExpectation(match[1]), written: match[1] });
  });
  return markers;
}

function toProjectPath(relative: string): string {
  return `${PROJECT_ROOT}/${relative}`;
}

/** Analyses every file of the corpus on its own, then links them all in one workspace model. */
function checkCorpus(): CheckedFile[] {
  const analysed = filesUnder(CORPUS).flatMap((absolute) => {
    const relative = path.relative(CORPUS, absolute).split(path.sep).join('/');
    const text = fs.readFileSync(absolute, 'utf8');
    const analysis = analyzeFile(toProjectPath(relative), text);
    return analysis ? [{ relative, text, analysis }] : [];
  });
  const model = new WorkspaceModel();
  for (const file of analysed) {
    model.setFile(toProjectPath(file.relative), file.text, file.analysis);
  }
  // Whatever else the model asks for is not part of the corpus.
  for (const wanted of model.wantedFiles()) {
    model.markAbsent(wanted);
  }
  return analysed.map(({ relative, text, analysis }) => ({
    relative,
    text,
    lines: new LineIndex(text),
    analysis,
    diagnostics: withProjectDiagnostics(analysis, model.diagnosticsFor(toProjectPath(relative))).diagnostics,
    markers: markersIn(relative, text),
  }));
}

function lineOf(file: CheckedFile, offset: number): number {
  return file.lines.positionAt(offset).line;
}

function findingsOnLine(file: CheckedFile, line: number): PortDiagnostic[] {
  return file.diagnostics.filter((diagnostic) => diagnostic.rule === RULE && lineOf(file, diagnostic.range.start) === line);
}

/** Case and the separators in names (`node_exporter`, `Node Exporter`, `PHP-FPM`) do not matter. */
function normalised(text: string): string {
  return text.toLowerCase().replace(/[\s_-]+/g, ' ');
}

function describeFindings(findings: readonly PortDiagnostic[]): string {
  return findings.length === 0 ? 'no finding' : findings.map((finding) => `${finding.severity}: ${finding.message}`).join(' | ');
}

function assertNoMismatch(mismatches: readonly string[], what: string): void {
  assert.deepEqual(mismatches, [], `${mismatches.length} ${what}:\n${mismatches.join('\n')}`);
}

describe('sample applications', () => {
  let corpus: CheckedFile[];

  before(() => {
    corpus = checkCorpus();
  });

  it('reads at least thirty applications, each with its markers on lines where a port is written', () => {
    const applications = new Set(corpus.filter((file) => file.analysis.format === 'compose').map((file) => file.relative.split('/')[0]));
    assert.ok(applications.size >= 30, `only ${applications.size} applications with a Compose file`);
    const mismatches: string[] = [];
    for (const file of corpus) {
      for (const marker of file.markers) {
        if (!marker.expectation) {
          mismatches.push(`${marker.where}: "${marker.written}" is none of "none", "guess" and "sensitive <software>"`);
        } else if (!file.analysis.references.some((reference) => lineOf(file, reference.range.start) === marker.line)) {
          mismatches.push(`${marker.where}: the marked line holds no port Port Lens reads`);
        }
      }
    }
    const marked = corpus.reduce((count, file) => count + file.markers.length, 0);
    assert.ok(marked >= 60, `only ${marked} marked lines`);
    assertNoMismatch(mismatches, 'misplaced markers');
  });

  it('reports no error that rests on the port number alone', () => {
    const mismatches = corpus.flatMap((file) =>
      file.diagnostics
        .filter((diagnostic) => diagnostic.rule === RULE && diagnostic.severity === 'error' && NUMBER_ONLY_GUESS.test(diagnostic.message))
        .map((diagnostic) => `${file.relative}:${lineOf(file, diagnostic.range.start) + 1}: ${diagnostic.message}`),
    );
    assertNoMismatch(mismatches, 'errors that guess from the port number');
  });

  it('names the software on every line a reviewer marks as sensitive', () => {
    const mismatches: string[] = [];
    for (const file of corpus) {
      for (const marker of file.markers) {
        if (marker.expectation?.kind !== 'sensitive') {
          continue;
        }
        const findings = findingsOnLine(file, marker.line);
        const wanted = normalised(marker.expectation.software);
        if (!findings.some((finding) => normalised(finding.message).includes(wanted))) {
          mismatches.push(`${marker.where}: expected a finding naming ${marker.expectation.software}, got ${describeFindings(findings)}`);
        }
      }
    }
    assertNoMismatch(mismatches, 'sensitive lines not reported by name');
  });

  it('says a guess from the number is one, at most a warning, on the lines of apps whose image names no software', () => {
    const mismatches: string[] = [];
    for (const file of corpus) {
      for (const marker of file.markers) {
        if (marker.expectation?.kind !== 'guess') {
          continue;
        }
        const findings = findingsOnLine(file, marker.line);
        if (findings.length !== 1 || findings[0].severity === 'error' || !NUMBER_ONLY_GUESS.test(findings[0].message)) {
          mismatches.push(`${marker.where}: expected one guess below error, got ${describeFindings(findings)}`);
        }
      }
    }
    assertNoMismatch(mismatches, 'guesses not said as guesses');
  });

  it('reports nothing on lines a reviewer marks as harmless', () => {
    const mismatches: string[] = [];
    for (const file of corpus) {
      for (const marker of file.markers) {
        if (marker.expectation?.kind !== 'none') {
          continue;
        }
        const findings = findingsOnLine(file, marker.line);
        if (findings.length > 0) {
          mismatches.push(`${marker.where}: expected no finding, got ${describeFindings(findings)}`);
        }
      }
    }
    assertNoMismatch(mismatches, 'harmless lines reported');
  });
});
