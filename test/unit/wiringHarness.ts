/** Builds a workspace model from file texts, as the editor and the command line feed it, and finds spans in test texts. */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../src/core/analysis';
import type { PortDiagnostic } from '../../src/core/analysis';
import type { SourceRange } from '../../src/core/types';
import { WorkspaceModel } from '../../src/core/wiring/graph';

export const ROOT = '/project';

export type Files = Readonly<Record<string, string>>;

export function pathOf(relative: string): string {
  return `${ROOT}/${relative}`;
}

/** Feeds each file (path relative to the project) in the given order. */
export function modelOf(files: Files, order: readonly string[] = Object.keys(files)): WorkspaceModel {
  const model = new WorkspaceModel();
  for (const relative of order) {
    feed(model, relative, files[relative]);
  }
  return model;
}

export function feed(model: WorkspaceModel, relative: string, text: string): void {
  const fileName = pathOf(relative);
  model.setFile(fileName, text, analyzeFile(fileName, text));
}

/** Workspace findings on one file, optionally of one rule. */
export function findings(model: WorkspaceModel, relative: string, rule?: string): PortDiagnostic[] {
  return model.diagnosticsFor(pathOf(relative)).filter((diagnostic) => rule === undefined || diagnostic.rule === rule);
}

/** Every workspace finding of every file, as `file:rule:text`, sorted: order-independent comparisons. */
export function allFindings(model: WorkspaceModel, files: Files): string[] {
  const lines: string[] = [];
  for (const relative of Object.keys(files)) {
    for (const diagnostic of model.diagnosticsFor(pathOf(relative))) {
      lines.push(`${relative}:${diagnostic.rule}:${files[relative].slice(diagnostic.range.start, diagnostic.range.end)}:${diagnostic.message}`);
    }
  }
  return lines.sort();
}

/** The text a finding points at. */
export function spotted(files: Files, relative: string, diagnostic: PortDiagnostic): string {
  return files[relative].slice(diagnostic.range.start, diagnostic.range.end);
}

/** The offset of the `occurrence`-th `needle` in a file, plus `delta`. */
export function offsetIn(files: Files, relative: string, needle: string, delta = 0, occurrence = 0): number {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = files[relative].indexOf(needle, index + 1);
    if (index < 0) {
      throw new Error(`"${needle}" not found in ${relative}`);
    }
  }
  return index + delta;
}

/** The span of the `nth` (0-based) occurrence of `needle` in `text`. */
export function span(text: string, needle: string, nth = 0): SourceRange {
  let index = -1;
  for (let seen = 0; seen <= nth; seen++) {
    index = text.indexOf(needle, index + 1);
    assert.notEqual(index, -1, `test text has no occurrence ${nth} of ${JSON.stringify(needle)}`);
  }
  return { start: index, end: index + needle.length };
}
