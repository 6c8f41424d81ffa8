import * as vscode from 'vscode';
import type { QuickFix } from '../core/analysis';
import { quickFixesFor } from '../core/rules/index';
import { Commands, DIAGNOSTIC_SOURCE } from './config';
import type { DiagnosticsController } from './diagnostics';

/** The rule id a Port Lens diagnostic carries in `code`. */
function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (typeof code === 'object' && code !== null) {
    return String(code.value);
  }
  return code === undefined ? undefined : String(code);
}

/**
 * Quick fixes for Port Lens diagnostics. The fixes themselves are plain data from the core;
 * this only turns them into code actions for the diagnostic they resolve.
 */
export class PortCodeActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(
    private readonly diagnostics: DiagnosticsController,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext, token: vscode.CancellationToken): vscode.CodeAction[] {
    const ours = context.diagnostics.filter((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE);
    if (ours.length === 0 || (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix))) {
      return [];
    }
    try {
      const published = this.diagnostics.analysisFor(document);
      if (!published || token.isCancellationRequested) {
        return [];
      }
      const actions: vscode.CodeAction[] = [];
      for (const diagnostic of ours) {
        // Match on rule and exact offsets: a diagnostic from an older version of the text finds no match and gets no fix.
        const start = document.offsetAt(diagnostic.range.start);
        const end = document.offsetAt(diagnostic.range.end);
        const rule = ruleOf(diagnostic);
        const match = published.analysis.diagnostics.find((candidate) => candidate.rule === rule && candidate.range.start === start && candidate.range.end === end);
        if (!match) {
          continue;
        }
        for (const fix of quickFixesFor(match, { text: published.text, format: published.analysis.format, fileName: document.fileName })) {
          actions.push(this.toCodeAction(document, diagnostic, fix));
        }
        if (token.isCancellationRequested) {
          return [];
        }
      }
      return actions;
    } catch (error) {
      this.log.error(`Quick fixes for ${document.uri.toString()} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return [];
    }
  }

  private toCodeAction(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, fix: QuickFix): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    if (fix.kind === 'edit') {
      const edit = new vscode.WorkspaceEdit();
      for (const change of fix.edits) {
        edit.replace(document.uri, new vscode.Range(document.positionAt(change.range.start), document.positionAt(change.range.end)), change.newText);
      }
      action.edit = edit;
      action.isPreferred = fix.isPreferred === true;
    } else if (fix.kind === 'silence-port') {
      action.command = { title: fix.title, command: Commands.silenceSensitivePort, arguments: [fix.protocol === 'any' ? String(fix.port) : `${fix.port}/${fix.protocol}`, document.uri] };
    } else {
      action.command = { title: fix.title, command: Commands.declareSoftware, arguments: [fix.key, fix.software, document.uri] };
    }
    return action;
  }
}
