import { KnowledgeBase } from './ports/knowledgeBase';
import { runRules } from './rules/index';
import type { RuleSeverities } from './rules/index';
import type { RuleSettings } from './rules/types';
import { scanAs, scanFile } from './scanners/index';
import type { FileFormat, PortReference, ScanOptions, ScanProblem } from './types';

export type { DiagnosticSeverity, PortDiagnostic, QuickFix, RelatedLocation, TextEdit } from './rules/types';
export { ruleForProblem } from './rules/scannerProblems';
import type { PortDiagnostic } from './rules/types';

/** Everything Port Lens knows about one file. */
export interface FileAnalysis {
  readonly format: FileFormat;
  readonly references: readonly PortReference[];
  readonly problems: readonly ScanProblem[];
  readonly diagnostics: readonly PortDiagnostic[];
}

export interface AnalysisOptions extends ScanOptions {
  readonly languageId?: string;
  /** Scan as these formats instead of detecting them (the command line's `--format-of`). */
  readonly formats?: readonly FileFormat[];
  /** Per-rule severity overrides; `off` disables a rule, and a severity enables a rule that is off by default. */
  readonly ruleSeverities?: RuleSeverities;
  /** Built from the user's settings, so their own and silenced sensitive ports count. */
  readonly knowledgeBase?: KnowledgeBase;
  readonly wideRangeThreshold?: number;
  readonly nodePortRange?: RuleSettings['nodePortRange'];
}

let defaultKnowledgeBase: KnowledgeBase | undefined;

/**
 * Scans a file and checks it. Returns `undefined` for files Port Lens does not read.
 * The same function serves the editor and the command line, so both report the same findings.
 */
export function analyzeFile(fileName: string, text: string, options?: AnalysisOptions): FileAnalysis | undefined {
  const scan = options?.formats ? scanAs(options.formats, text, options) : scanFile(fileName, text, options);
  if (!scan) {
    return undefined;
  }
  const diagnostics = runRules(
    { text, format: scan.format, fileName, references: scan.references, problems: scan.problems },
    {
      knowledge: options?.knowledgeBase ?? (defaultKnowledgeBase ??= new KnowledgeBase()),
      ...(options?.ruleSeverities ? { ruleSeverities: options.ruleSeverities } : {}),
      ...(options?.wideRangeThreshold !== undefined ? { wideRangeThreshold: options.wideRangeThreshold } : {}),
      ...(options?.nodePortRange ? { nodePortRange: options.nodePortRange } : {}),
    },
  );
  return { format: scan.format, references: scan.references, problems: scan.problems, diagnostics };
}
