import * as vscode from 'vscode';
import { analyzeFile } from '../core/analysis';
import type { AnalysisOptions, DiagnosticSeverity, FileAnalysis, PortDiagnostic } from '../core/analysis';
import { withProjectDiagnostics } from '../core/composeProject';
import type { RuleSeverities } from '../core/rules/index';
import type { LineIndex } from '../core/text';
import { slashed } from '../core/wiring/paths';
import type { ProjectSettings } from './projectSettings';
import { affectsPortLens, DIAGNOSTIC_SOURCE, isEditedDocument, readDocumentConfig } from './config';
import { ruleHelpCommandUri } from './ruleHelp';
import type { PortLensConfig } from './config';
import type { KnowledgeProvider } from './knowledge';
import { modelFileName } from './workspaceGraph';
import type { WorkspaceGraph } from './workspaceGraph';

/** Delay after the last keystroke before a document is checked again. */
const TYPING_DELAY_MS = 300;

const SEVERITIES: Readonly<Record<DiagnosticSeverity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** The other files a diagnostic points at: their text, so related locations get real positions, and their resource. */
export interface OtherFiles {
  lineIndexOf(fileName: string): LineIndex | undefined;
  uriOf(fileName: string): vscode.Uri;
}

export function toVscodeDiagnostic(document: vscode.TextDocument, diagnostic: PortDiagnostic, otherFiles?: OtherFiles): vscode.Diagnostic {
  const range = new vscode.Range(document.positionAt(diagnostic.range.start), document.positionAt(diagnostic.range.end));
  const result = new vscode.Diagnostic(range, diagnostic.message, SEVERITIES[diagnostic.severity]);
  result.source = DIAGNOSTIC_SOURCE;
  result.code = { value: diagnostic.rule, target: ruleHelpCommandUri(diagnostic.rule) };
  const related: vscode.DiagnosticRelatedInformation[] = [];
  const ownName = modelFileName(document.uri);
  for (const location of diagnostic.related ?? []) {
    if (location.fileName === undefined || slashed(location.fileName) === ownName) {
      const relatedRange = new vscode.Range(document.positionAt(location.range.start), document.positionAt(location.range.end));
      related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(document.uri, relatedRange), location.message));
      continue;
    }
    const lines = otherFiles?.lineIndexOf(location.fileName);
    if (otherFiles && lines) {
      const start = lines.positionAt(location.range.start);
      const end = lines.positionAt(location.range.end);
      const relatedRange = new vscode.Range(start.line, start.character, end.line, end.character);
      related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(otherFiles.uriOf(location.fileName), relatedRange), location.message));
    }
  }
  if (related.length > 0) {
    result.relatedInformation = related;
  }
  return result;
}

/** The analysis behind a document's published diagnostics, workspace findings included, for quick fixes. */
export interface PublishedAnalysis {
  readonly version: number;
  readonly text: string;
  readonly analysis: FileAnalysis;
}

/** What was published for one document: its own analysis and the workspace findings merged into it. */
interface Published extends PublishedAnalysis {
  readonly document: vscode.TextDocument;
  readonly own: FileAnalysis;
  /** The model's array: the same object while the findings are unchanged. */
  readonly workspace: readonly PortDiagnostic[];
}

function sameFindings(a: readonly PortDiagnostic[], b: readonly PortDiagnostic[]): boolean {
  return a === b || (a.length === 0 && b.length === 0);
}

/**
 * Keeps one DiagnosticCollection in step with open documents: checked at once on open and save,
 * 300 ms after typing stops, again when settings change, and cleared when a document closes.
 * Each check feeds the workspace model, and the document's diagnostics include the model's
 * findings on it; when the model changes, documents whose findings changed are published again.
 */
export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('port-lens');
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly published = new Map<string, Published>();
  private readonly oversizeReported = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly knowledge: KnowledgeProvider,
    private readonly project: ProjectSettings,
    private readonly graph: WorkspaceGraph,
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
      project.onDidChange(() => this.checkAllOpen()),
      graph.onDidChange(() => this.republishWorkspaceFindings()),
    );
  }

  /** Checks the documents already open when the extension started, off the activation path. */
  checkAllOpen(): void {
    void this.project.ensureLoaded();
    for (const document of vscode.workspace.textDocuments) {
      this.schedule(document, 0);
    }
  }

  /** The analysis of the document's current version: the published one, or a fresh one. */
  analysisFor(document: vscode.TextDocument): PublishedAnalysis | undefined {
    const published = this.published.get(document.uri.toString());
    if (published && published.version === document.version) {
      return published;
    }
    const config = readDocumentConfig(document);
    const text = document.getText();
    if (!config.enable || text.length > config.maxFileSizeBytes) {
      return undefined;
    }
    const analysis = analyzeFile(document.fileName, text, this.optionsFor(document, config));
    return analysis ? { version: document.version, text, analysis: withProjectDiagnostics(analysis, this.graph.findingsFor(document.uri, text)) } : undefined;
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isEditedDocument(document.uri)) {
      return;
    }
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        void this.check(document);
      }, delayMs),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.published.delete(key);
    this.collection.delete(uri);
    this.graph.closeDocument(uri);
  }

  private optionsFor(document: vscode.TextDocument, config: PortLensConfig): AnalysisOptions {
    const project = this.project.config;
    return {
      languageId: document.languageId,
      knowledgeBase: this.knowledge.knowledgeBase,
      ruleSeverities: this.severitiesFor(config),
      ...(project.wideRangeThreshold !== undefined ? { wideRangeThreshold: project.wideRangeThreshold } : {}),
      ...(project.nodePortRange !== undefined ? { nodePortRange: project.nodePortRange } : {}),
    };
  }

  /** The workspace file sets the team's baseline; the user's settings adjust it. */
  private severitiesFor(config: PortLensConfig): RuleSeverities {
    return { ...this.project.config.rules, ...config.rules };
  }

  /**
   * Analyses one document, feeds it to the workspace model and publishes the result with the
   * model's findings on it. All of it happens at one version of the text, without a wait.
   */
  async check(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) {
      return;
    }
    // The first check starts reading the workspace; its findings follow when the read is done.
    void this.graph.ensureStarted();
    try {
      const config = readDocumentConfig(document);
      if (!config.enable) {
        this.unpublish(document);
        return;
      }
      const text = document.getText();
      if (text.length > config.maxFileSizeBytes) {
        this.unpublish(document);
        const key = document.uri.toString();
        if (!this.oversizeReported.has(key)) {
          this.oversizeReported.add(key);
          this.log.info(`Skipped ${document.uri.fsPath}: ${Math.round(text.length / 1024)} KB is over "portLens.maxFileSizeKB".`);
        }
        return;
      }
      const analysis = analyzeFile(document.fileName, text, this.optionsFor(document, config));
      this.graph.setDocument(document, text, analysis);
      if (!analysis) {
        this.published.delete(document.uri.toString());
        this.collection.delete(document.uri);
        return;
      }
      this.publish(document, text, analysis);
    } catch (error) {
      this.log.error(`Checking ${document.uri.toString()} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  /** A document Port Lens no longer checks: its diagnostics go, and the model reads the file from disk again. */
  private unpublish(document: vscode.TextDocument): void {
    this.published.delete(document.uri.toString());
    this.collection.delete(document.uri);
    this.graph.closeDocument(document.uri);
  }

  private publish(document: vscode.TextDocument, text: string, own: FileAnalysis): void {
    const workspace = this.graph.findingsFor(document.uri, text);
    const analysis = withProjectDiagnostics(own, workspace);
    this.published.set(document.uri.toString(), { document, version: document.version, text, analysis, own, workspace });
    this.collection.set(document.uri, analysis.diagnostics.map((diagnostic) => toVscodeDiagnostic(document, diagnostic, this.graph)));
  }

  /** The model changed: publish again each document whose workspace findings are no longer the ones shown. */
  private republishWorkspaceFindings(): void {
    for (const entry of [...this.published.values()]) {
      const { document } = entry;
      // Stale-result guard: a document edited since its check is checked again shortly, with the model's findings.
      if (document.isClosed || document.version !== entry.version) {
        continue;
      }
      try {
        if (!sameFindings(this.graph.findingsFor(document.uri, entry.text), entry.workspace)) {
          this.publish(document, entry.text, entry.own);
        }
      } catch (error) {
        this.log.error(`Publishing workspace findings for ${document.uri.toString()} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  }

  dispose(): void {
    for (const timer of this.pending.values()) {
      clearTimeout(timer);
    }
    this.pending.clear();
    this.published.clear();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
