/**
 * Three rules report what the scanners themselves found wrong. Which rule a scanner problem
 * belongs to is decided here, once, so the editor, the command line and `--format-of` agree.
 */
import type { ScanProblem, SourceRange } from '../types';
import type { RuleContext } from './types';

/** Scanner problem codes that are about how a file is written rather than a port's validity. */
const PROBLEM_RULES: Readonly<Record<string, string>> = {
  'parse-error': 'parse-error',
  'unresolved-variable': 'unresolved-port',
  'unknown-service': 'unresolved-port',
  'unresolved-port': 'unresolved-port',
};

/** The rule a scanner problem is reported under. Anything the real tool would reject is `invalid-port`. */
export function ruleForProblem(problem: ScanProblem): string {
  return PROBLEM_RULES[problem.code] ?? 'invalid-port';
}

/**
 * Reports the scanner problems that belong to `ruleId`. A scanner may grade its own problems
 * (a lowercase-protocol hint is milder than a port out of range); `useRuleSeverity` ignores that.
 */
export function reportScannerProblems(context: RuleContext, ruleId: string, useRuleSeverity = false): void {
  for (const problem of context.problems) {
    if (ruleForProblem(problem) === ruleId) {
      context.report({ range: visibleRange(context.text, problem.range), message: problem.message, ...(useRuleSeverity ? {} : { severity: problem.severity }) });
    }
  }
}

/**
 * A problem found at the end of the file (a YAML bracket never closed) would sit on the empty
 * line after the last one, where it is hard to see and no comment above it can suppress it; it
 * is moved to the last character of the file's content.
 */
function visibleRange(text: string, range: SourceRange): SourceRange {
  if (range.start < text.length && text.slice(range.start).trim() !== '') {
    return range;
  }
  const contentEnd = text.trimEnd().length;
  return contentEnd > 0 && contentEnd < range.start && text.slice(contentEnd, range.start).includes('\n') ? { start: contentEnd - 1, end: contentEnd } : range;
}
