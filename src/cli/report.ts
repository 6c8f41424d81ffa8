/**
 * The plain data the command line prints: 1-based lines and columns (UTF-16 code units, end
 * column exclusive), as in compilers and SARIF. Every output format is built from these.
 */
import * as path from 'node:path';
import type { DiagnosticSeverity, PortDiagnostic, RelatedLocation } from '../core/analysis';
import type { LineIndex } from '../core/text';
import type { FileFormat, PortReference, ScanProblem, SourceRange } from '../core/types';
import { slashed } from '../core/wiring/paths';
import type { FailOn } from './args';
import type { AnalysedFile, AnalysisRun } from './analyze';
import type { SkippedFile } from './discover';
import { displayPath, toSlashes } from './paths';

export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Another place a finding is about: the other side of a conflict, where a dialled service listens. */
export interface RelatedRecord extends Span {
  readonly message: string;
  /** Shown like the checked files' paths; may be a file that was read only as context. */
  readonly path: string;
}

export interface DiagnosticRecord extends Span {
  readonly rule: string;
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  /** Present when the finding points at other places, in this file or another. */
  readonly related?: readonly RelatedRecord[];
}

export interface CheckedFileRecord {
  readonly path: string;
  readonly format: FileFormat;
  readonly diagnostics: readonly DiagnosticRecord[];
}

export interface CheckSummary {
  /** Files checked. */
  readonly files: number;
  readonly filesWithProblems: number;
  readonly problems: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly skipped: number;
  readonly failOn: FailOn;
  /** Whether a diagnostic is at or above `failOn` (exit code 1). */
  readonly failed: boolean;
}

export interface CheckReport {
  readonly files: readonly CheckedFileRecord[];
  readonly skipped: readonly SkippedFile[];
  readonly summary: CheckSummary;
}

export function spanOf(lines: LineIndex, range: SourceRange): Span {
  const start = lines.positionAt(range.start);
  const end = lines.positionAt(range.end);
  return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

const SEVERITY_RANK: Readonly<Record<DiagnosticSeverity, number>> = { error: 3, warning: 2, info: 1 };
const FAIL_ON_RANK: Readonly<Record<FailOn, number>> = { error: 3, warning: 2, info: 1, none: Number.POSITIVE_INFINITY };

export function isAtOrAbove(severity: DiagnosticSeverity, failOn: FailOn): boolean {
  return SEVERITY_RANK[severity] >= FAIL_ON_RANK[failOn];
}

/**
 * The related locations of a diagnostic with positions: one in the same file is measured with
 * that file's lines, one in another file with the lines of the text the model read there. A
 * location in a file the model does not hold is left out rather than guessed.
 */
function relatedRecords(run: AnalysisRun, file: AnalysedFile, related: readonly RelatedLocation[]): RelatedRecord[] {
  const ownName = toSlashes(file.absolute);
  const records: RelatedRecord[] = [];
  for (const location of related) {
    const elsewhere = location.fileName !== undefined && slashed(location.fileName) !== ownName;
    const lines = elsewhere ? run.model.lineIndexOf(location.fileName as string) : file.lines;
    if (!lines) {
      continue;
    }
    const shown = elsewhere ? displayPath(run.cwd, path.resolve(location.fileName as string)) : file.path;
    records.push({ message: location.message, path: shown, ...spanOf(lines, location.range) });
  }
  return records;
}

function diagnosticRecord(run: AnalysisRun, file: AnalysedFile, diagnostic: PortDiagnostic): DiagnosticRecord {
  const related = diagnostic.related && diagnostic.related.length > 0 ? relatedRecords(run, file, diagnostic.related) : [];
  return {
    rule: diagnostic.rule,
    severity: diagnostic.severity,
    message: diagnostic.message,
    ...spanOf(file.lines, diagnostic.range),
    ...(related.length > 0 ? { related } : {}),
  };
}

export function buildCheckReport(run: AnalysisRun, failOn: FailOn): CheckReport {
  const files = run.files.map((file: AnalysedFile): CheckedFileRecord => ({
    path: file.path,
    format: file.analysis.format,
    // The core already orders diagnostics by position, most severe first.
    diagnostics: file.analysis.diagnostics.map((diagnostic) => diagnosticRecord(run, file, diagnostic)),
  }));
  const all = files.flatMap((file) => file.diagnostics);
  const count = (severity: DiagnosticSeverity) => all.filter((diagnostic) => diagnostic.severity === severity).length;
  const skipped = [...run.unreadable, ...run.skipped];
  return {
    files,
    skipped,
    summary: {
      files: files.length,
      filesWithProblems: files.filter((file) => file.diagnostics.length > 0).length,
      problems: all.length,
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
      skipped: skipped.length,
      failOn,
      failed: all.some((diagnostic) => isAtOrAbove(diagnostic.severity, failOn)),
    },
  };
}

/** A reference as `scan --json` prints it: positions instead of offsets, firewall details flattened. */
export type ReferenceRecord = Record<string, unknown>;

export interface ProblemRecord extends Span {
  readonly code: string;
  readonly severity: ScanProblem['severity'];
  readonly message: string;
}

export interface ScannedFileRecord {
  readonly path: string;
  readonly format: FileFormat;
  readonly references: readonly ReferenceRecord[];
  readonly problems: readonly ProblemRecord[];
}

export interface ScanReport {
  readonly files: readonly ScannedFileRecord[];
  readonly skipped: readonly SkippedFile[];
}

/** Offsets are replaced by positions; these are printed in their own right, not copied as fields. */
const POSITION_FIELDS: ReadonlySet<string> = new Set(['range', 'portRange', 'hostPortRange']);
const CORE_FIELDS: ReadonlySet<string> = new Set(['role', 'protocol', 'port', 'endPort', 'hostIp', 'hostPort', 'hostPortEnd', 'firewall']);

/**
 * The contract fields first, in a fixed order; then whatever else the scanner recorded (name,
 * scope, flags, …), so a field added to `PortReference` later shows up without a change here.
 */
export function referenceRecord(text: string, lines: LineIndex, reference: PortReference): ReferenceRecord {
  const record: ReferenceRecord = {
    role: reference.role,
    protocol: reference.protocol,
    port: reference.port,
    endPort: reference.endPort,
  };
  if (reference.hostPort !== undefined || reference.hostIp !== undefined) {
    record.hostIp = reference.hostIp ?? null;
  }
  if (reference.hostPort !== undefined) {
    record.hostPort = reference.hostPort;
    record.hostPortEnd = reference.hostPortEnd ?? reference.hostPort;
  }
  if (reference.firewall) {
    const { action, source, ...details } = reference.firewall;
    record.action = action;
    record.source = source;
    Object.assign(record, details);
  }
  Object.assign(record, spanOf(lines, reference.range), { text: text.slice(reference.range.start, reference.range.end) });
  for (const [key, value] of Object.entries(reference)) {
    if (!CORE_FIELDS.has(key) && !POSITION_FIELDS.has(key) && value !== undefined) {
      record[key] = value;
    }
  }
  return record;
}

export function problemRecord(lines: LineIndex, problem: ScanProblem): ProblemRecord {
  return { code: problem.code, severity: problem.severity, message: problem.message, ...spanOf(lines, problem.range) };
}

export function buildScanReport(run: AnalysisRun): ScanReport {
  return {
    files: run.files.map((file) => ({
      path: file.path,
      format: file.analysis.format,
      references: file.analysis.references.map((reference) => referenceRecord(file.text, file.lines, reference)),
      problems: file.analysis.problems.map((problem) => problemRecord(file.lines, problem)),
    })),
    skipped: [...run.unreadable, ...run.skipped],
  };
}
