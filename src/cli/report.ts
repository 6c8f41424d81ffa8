/**
 * The plain data the command line prints: 1-based lines and columns (UTF-16 code units, end
 * column exclusive), as in compilers and SARIF. Every output format is built from these.
 */
import type { DiagnosticSeverity, PortDiagnostic } from '../core/analysis';
import type { LineIndex } from '../core/text';
import type { FileFormat, PortReference, ScanProblem, SourceRange } from '../core/types';
import type { FailOn } from './args';
import type { AnalysedFile, AnalysisRun } from './analyze';
import type { SkippedFile } from './discover';

export interface Span {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface DiagnosticRecord extends Span {
  readonly rule: string;
  readonly severity: DiagnosticSeverity;
  readonly message: string;
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

function diagnosticRecord(lines: LineIndex, diagnostic: PortDiagnostic): DiagnosticRecord {
  return { rule: diagnostic.rule, severity: diagnostic.severity, message: diagnostic.message, ...spanOf(lines, diagnostic.range) };
}

export function buildCheckReport(run: AnalysisRun, failOn: FailOn): CheckReport {
  const files = run.files.map((file: AnalysedFile): CheckedFileRecord => ({
    path: file.path,
    format: file.analysis.format,
    // The core already orders diagnostics by position, most severe first.
    diagnostics: file.analysis.diagnostics.map((diagnostic) => diagnosticRecord(file.lines, diagnostic)),
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
