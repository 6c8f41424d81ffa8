import * as vscode from 'vscode';
import { analyzeFile } from '../core/analysis';
import type { AnalysisOptions, DiagnosticSeverity, PortDiagnostic } from '../core/analysis';
import type { ProjectSettings } from './projectSettings';
import { affectsPortLens, DIAGNOSTIC_SOURCE, readDocumentConfig, RULE_DOCS_BASE_URL } from './config';
import type { KnowledgeProvider } from './knowledge';

/** Delay after the last keystroke before a document is checked again. */
const TYPING_DELAY_MS = 300;

const SEVERITIES: Readonly<Record<DiagnosticSeverity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVscodeDiagnostic(document: vscode.TextDocument, diagnostic: PortDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(document.positionAt(diagnostic.range.start), document.positionAt(diagnostic.range.end));
  const result = new vscode.Diagnostic(range, diagnostic.message, SEVERITIES[diagnostic.severity]);
  result.source = DIAGNOSTIC_SOURCE;
  result.code = { value: diagnostic.rule, target: vscode.Uri.parse(`${RULE_DOCS_BASE_URL}${diagnostic.rule}.md`) };
  return result;
}

/**
 * Keeps one DiagnosticCollection in step with open documents: checked at once on open and save,
 * 300 ms after typing stops, again when settings change, and cleared when a document closes.
 */
export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('port-lens');
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly oversizeReported = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly knowledge: KnowledgeProvider,
    private readonly project: ProjectSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) {
          this.schedule(event.document, TYPING_DELAY_MS);
        }
      }),
      vscode.workspace.onDidSaveTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsPortLens(event)) {
          this.checkAllOpen();
        }
      }),
      knowledge.onDidChange(() => this.checkAllOpen()),
    );
  }

  /** Checks the documents already open when the extension started, off the activation path. */
  checkAllOpen(): void {
    void this.project.ensureLoaded();
    for (const document of vscode.workspace.textDocuments) {
      this.schedule(document, 0);
    }
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.check(document);
      }, delayMs),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.collection.delete(uri);
  }

  /** Analyses one document and publishes the result unless the document changed or closed meanwhile. */
  check(document: vscode.TextDocument): void {
    if (document.isClosed) {
      return;
    }
    const version = document.version;
    try {
      const config = readDocumentConfig(document);
      if (!config.enable) {
        this.collection.delete(document.uri);
        return;
      }
      const text = document.getText();
      if (text.length > config.maxFileSizeBytes) {
        this.collection.delete(document.uri);
        const key = document.uri.toString();
        if (!this.oversizeReported.has(key)) {
          this.oversizeReported.add(key);
          this.log.info(`Skipped ${document.uri.fsPath}: ${Math.round(text.length / 1024)} KB is over "portLens.maxFileSizeKB".`);
        }
        return;
      }
      const project = this.project.config;
      const options: AnalysisOptions = {
        languageId: document.languageId,
        knowledgeBase: this.knowledge.knowledgeBase,
        // The workspace file sets the team's baseline; the user's settings adjust it.
        ruleSeverities: { ...project.rules, ...config.rules },
        ...(project.wideRangeThreshold !== undefined ? { wideRangeThreshold: project.wideRangeThreshold } : {}),
      };
      const analysis = analyzeFile(document.fileName, text, options);
      // Stale-result guard: a newer version or a close supersedes this result.
      if (document.isClosed || document.version !== version) {
        return;
      }
      if (!analysis) {
        this.collection.delete(document.uri);
        return;
      }
      this.collection.set(document.uri, analysis.diagnostics.map((diagnostic) => toVscodeDiagnostic(document, diagnostic)));
    } catch (error) {
      this.log.error(`Checking ${document.uri.toString()} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  dispose(): void {
    for (const timer of this.pending.values()) {
      clearTimeout(timer);
    }
    this.pending.clear();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
