import { KnowledgeBase } from './ports/knowledgeBase';
import { runRules } from './rules/index';
import type { RuleSeverities } from './rules/index';
import type { RuleSettings } from './rules/types';
import { detectFormats, scanAs, scanFile } from './scanners/index';
import { problem } from './scanners/portSyntax';
import type { FileFormat, PortReference, ScanOptions, ScanProblem, ScanResult } from './types';
import type { WiringFacts } from './wiring/facts';

export type { DiagnosticSeverity, PortDiagnostic, QuickFix, RelatedLocation, TextEdit } from './rules/types';
export { ruleForProblem } from './rules/scannerProblems';
import type { PortDiagnostic } from './rules/types';

/** Everything Port Lens knows about one file. */
export interface FileAnalysis {
  readonly format: FileFormat;
  readonly references: readonly PortReference[];
  readonly problems: readonly ScanProblem[];
  readonly diagnostics: readonly PortDiagnostic[];
  /** What the file says about wiring between ports; the workspace graph links it with other files. */
  readonly wiring?: WiringFacts;
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
 * Longest text analysed, in UTF-16 code units: four times the editor's default size limit and
 * above the command line's. Time and memory grow with the ports a file holds; a 50 MB file took
 * minutes and gigabytes, so a longer text gets one problem saying so instead of a scan.
 */
export const MAX_ANALYSED_LENGTH = 8 * 1024 * 1024;

/** How much of an oversized text its format is detected from. */
const DETECTION_PREFIX_LENGTH = 64 * 1024;

function tooLargeToScan(fileName: string, text: string, options: AnalysisOptions | undefined): ScanResult | undefined {
  const formats = options?.formats ?? detectFormats(fileName, text.slice(0, DETECTION_PREFIX_LENGTH), options?.languageId);
  if (formats.length === 0) {
    return undefined;
  }
  const megabytes = (text.length / (1024 * 1024)).toFixed(1);
  const message = `This file is too large to check (${megabytes} MB; Port Lens reads files up to ${MAX_ANALYSED_LENGTH / (1024 * 1024)} MB), so its ports were not read`;
  return { format: formats[0], references: [], problems: [problem({ start: 0, end: Math.min(text.length, 1) }, 'parse-error', message, 'warning')] };
}

/**
 * Scans a file and checks it. Returns `undefined` for files Port Lens does not read.
 * The same function serves the editor and the command line, so both report the same findings.
 */
export function analyzeFile(fileName: string, text: string, options?: AnalysisOptions): FileAnalysis | undefined {
  const scan =
    text.length > MAX_ANALYSED_LENGTH
      ? tooLargeToScan(fileName, text, options)
      : options?.formats
        ? scanAs(options.formats, text, { fileName, ...options })
        : scanFile(fileName, text, options);
  if (!scan) {
    return undefined;
  }
  const diagnostics = runRules(
    { text, format: scan.format, fileName, references: scan.references, problems: scan.problems, ...(scan.wiring ? { wiring: scan.wiring } : {}) },
    {
      knowledge: options?.knowledgeBase ?? (defaultKnowledgeBase ??= new KnowledgeBase()),
      ...(options?.ruleSeverities ? { ruleSeverities: options.ruleSeverities } : {}),
      ...(options?.wideRangeThreshold !== undefined ? { wideRangeThreshold: options.wideRangeThreshold } : {}),
      ...(options?.nodePortRange ? { nodePortRange: options.nodePortRange } : {}),
    },
  );
  return { format: scan.format, references: scan.references, problems: scan.problems, diagnostics, ...(scan.wiring ? { wiring: scan.wiring } : {}) };
}
