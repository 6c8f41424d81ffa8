/**
 * Shared helpers for the rule tests: analyse a file with the built-in knowledge base, pick out
 * one rule's diagnostics, and apply quick-fix edits to text the way an editor would.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../src/core/analysis';
import type { AnalysisOptions, FileAnalysis, PortDiagnostic, QuickFix, TextEdit } from '../../src/core/analysis';
import { KnowledgeBase } from '../../src/core/ports/knowledgeBase';
import { quickFixesFor } from '../../src/core/rules/index';
import type { SourceRange } from '../../src/core/types';

export const knowledgeBase = new KnowledgeBase();

/** Analyses `text` as `fileName` would be; fails the test when the file is not one Port Lens reads. */
export function analyze(fileName: string, text: string, options: AnalysisOptions = {}): FileAnalysis {
  const analysis = analyzeFile(fileName, text, { knowledgeBase, ...options });
  assert.ok(analysis, `${fileName} is analysed`);
  return analysis;
}

export function slice(text: string, range: SourceRange): string {
  return text.slice(range.start, range.end);
}

/** One rule's diagnostics, in document order. */
export function diagnosticsOf(fileName: string, text: string, rule: string, options: AnalysisOptions = {}): PortDiagnostic[] {
  return analyze(fileName, text, options).diagnostics.filter((diagnostic) => diagnostic.rule === rule);
}

/** `[text under the diagnostic, severity]` for each of one rule's diagnostics: compact to compare. */
export function findings(fileName: string, text: string, rule: string, options: AnalysisOptions = {}): [string, string][] {
  return diagnosticsOf(fileName, text, rule, options).map((diagnostic) => [slice(text, diagnostic.range), diagnostic.severity]);
}

/** The single diagnostic of `rule`; fails when there is none or more than one. */
export function onlyDiagnostic(fileName: string, text: string, rule: string, options: AnalysisOptions = {}): PortDiagnostic {
  const found = diagnosticsOf(fileName, text, rule, options);
  assert.equal(found.length, 1, `one ${rule} diagnostic, got: ${found.map((diagnostic) => `${slice(text, diagnostic.range)}: ${diagnostic.message}`).join(' | ') || 'none'}`);
  return found[0];
}

/** The diagnostic of `rule` whose range covers exactly `written` (the first, when it is written more than once). */
export function diagnosticAt(fileName: string, text: string, rule: string, written: string, options: AnalysisOptions = {}): PortDiagnostic {
  const found = diagnosticsOf(fileName, text, rule, options).find((diagnostic) => slice(text, diagnostic.range) === written);
  assert.ok(found, `a ${rule} diagnostic on "${written}"`);
  return found;
}

/** Asserts that every word appears in the message. */
export function assertMentions(message: string, ...words: string[]): void {
  for (const word of words) {
    assert.ok(message.includes(word), `"${message}" mentions "${word}"`);
  }
}

/** Applies non-overlapping edits, last first, so earlier offsets stay valid. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = [...edits].sort((a, b) => b.range.start - a.range.start || b.range.end - a.range.end);
  for (let i = 1; i < ordered.length; i++) {
    assert.ok(ordered[i].range.end <= ordered[i - 1].range.start, 'quick-fix edits do not overlap');
  }
  let result = text;
  for (const edit of ordered) {
    assert.ok(edit.range.start >= 0 && edit.range.start <= edit.range.end && edit.range.end <= result.length, 'edit range inside the text');
    result = result.slice(0, edit.range.start) + edit.newText + result.slice(edit.range.end);
  }
  return result;
}

/** Every quick fix offered for a diagnostic of `fileName`. */
export function fixesOf(fileName: string, text: string, diagnostic: PortDiagnostic): QuickFix[] {
  return quickFixesFor(diagnostic, { text, format: analyze(fileName, text).format, fileName });
}

export type EditFix = Extract<QuickFix, { kind: 'edit' }>;
export type SilenceFix = Extract<QuickFix, { kind: 'silence-port' }>;

/** The edit fix whose title matches; fails when none does. */
export function editFix(fixes: readonly QuickFix[], title: RegExp): EditFix {
  const fix = fixes.find((candidate): candidate is EditFix => candidate.kind === 'edit' && title.test(candidate.title));
  assert.ok(fix, `a fix titled ${title}; offered: ${fixes.map((candidate) => candidate.title).join(' | ')}`);
  return fix;
}

/** Titles of the rule's own fixes, without the two suppression fixes every diagnostic gets. */
export function ownFixTitles(fixes: readonly QuickFix[]): string[] {
  return fixes.map((fix) => fix.title).filter((title) => !title.startsWith('Ignore '));
}

/**
 * Applies the fix titled `title` to the diagnostic of `rule` on `written`, returning the new text.
 * Also checks that the fixed text no longer has that diagnostic on the same statement.
 */
export function fixed(fileName: string, text: string, rule: string, written: string, title: RegExp, options: AnalysisOptions = {}): string {
  const diagnostic = diagnosticAt(fileName, text, rule, written, options);
  const result = applyEdits(text, editFix(fixesOf(fileName, text, diagnostic), title).edits);
  assertGone(fileName, result, rule, diagnostic, text, options);
  return result;
}

/**
 * The fix resolved the diagnostic: the fixed text has fewer diagnostics of that rule with that
 * message (the message names the port and the reason, so it identifies the finding).
 */
export function assertGone(fileName: string, fixedText: string, rule: string, before: PortDiagnostic, original: string, options: AnalysisOptions = {}): void {
  const count = (text: string): number => diagnosticsOf(fileName, text, rule, options).filter((diagnostic) => diagnostic.message === before.message).length;
  const after = count(fixedText);
  assert.ok(after < count(original), `the ${rule} diagnostic "${before.message}" is gone after the fix (${after} left)`);
}
