import { scanFile } from './scanners/index';
import type { FileFormat, PortReference, ScanOptions, ScanProblem, SourceRange } from './types';

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** A finding reported to the user, by the editor and the command line alike. */
export interface PortDiagnostic {
  /** Stable rule id; documented in `docs/rules/<rule>.md`. */
  readonly rule: string;
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  readonly range: SourceRange;
}

/** Everything Port Lens knows about one file. */
export interface FileAnalysis {
  readonly format: FileFormat;
  readonly references: readonly PortReference[];
  readonly problems: readonly ScanProblem[];
  readonly diagnostics: readonly PortDiagnostic[];
}

export interface AnalysisOptions extends ScanOptions {
  readonly languageId?: string;
  /** Per-rule severity overrides; `off` disables a rule. */
  readonly ruleSeverities?: Readonly<Record<string, DiagnosticSeverity | 'off'>>;
}

/** Scanner problem codes that are about how a file is written rather than a port's validity. */
const PROBLEM_RULES: Readonly<Record<string, string>> = {
  'parse-error': 'parse-error',
  'unresolved-variable': 'unresolved-port',
  'unknown-service': 'unresolved-port',
};

/** The rule a scanner problem is reported under. Anything the real tool would reject is `invalid-port`. */
export function ruleForProblem(problem: ScanProblem): string {
  return PROBLEM_RULES[problem.code] ?? 'invalid-port';
}

function diagnosticsFromProblems(problems: readonly ScanProblem[], options?: AnalysisOptions): PortDiagnostic[] {
  const diagnostics: PortDiagnostic[] = [];
  for (const problem of problems) {
    const rule = ruleForProblem(problem);
    const override = options?.ruleSeverities?.[rule];
    if (override === 'off') {
      continue;
    }
    diagnostics.push({ rule, severity: override ?? problem.severity, message: problem.message, range: problem.range });
  }
  return diagnostics;
}

/**
 * Scans a file and checks it. Returns `undefined` for files Port Lens does not read.
 * The same function serves the editor and the command line, so both report the same findings.
 */
export function analyzeFile(fileName: string, text: string, options?: AnalysisOptions): FileAnalysis | undefined {
  const scan = scanFile(fileName, text, options);
  if (!scan) {
    return undefined;
  }
  return {
    format: scan.format,
    references: scan.references,
    problems: scan.problems,
    diagnostics: diagnosticsFromProblems(scan.problems, options),
  };
}
