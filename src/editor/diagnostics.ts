import * as vscode from 'vscode';
import { analyzeFile } from '../core/analysis';
import type { AnalysisOptions, DiagnosticSeverity, FileAnalysis, PortDiagnostic } from '../core/analysis';
import { defaultComposeProject, isComposeProjectFileName, projectConflictDiagnostics, withProjectDiagnostics } from '../core/composeProject';
import type { ProjectMember } from '../core/composeProject';
import type { RuleSeverities } from '../core/rules/index';
import { LineIndex } from '../core/text';
import type { ProjectSettings } from './projectSettings';
import { affectsPortLens, DIAGNOSTIC_SOURCE, readConfig, readDocumentConfig, RULE_DOCS_BASE_URL } from './config';
import type { PortLensConfig } from './config';
import type { KnowledgeProvider } from './knowledge';

/** Delay after the last keystroke before a document is checked again. */
const TYPING_DELAY_MS = 300;

const SEVERITIES: Readonly<Record<DiagnosticSeverity, vscode.DiagnosticSeverity>> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Text of the other files a diagnostic points at, so related locations get real positions. */
type OtherFiles = ReadonlyMap<string, LineIndex>;

export function toVscodeDiagnostic(document: vscode.TextDocument, diagnostic: PortDiagnostic, otherFiles?: OtherFiles): vscode.Diagnostic {
  const range = new vscode.Range(document.positionAt(diagnostic.range.start), document.positionAt(diagnostic.range.end));
  const result = new vscode.Diagnostic(range, diagnostic.message, SEVERITIES[diagnostic.severity]);
  result.source = DIAGNOSTIC_SOURCE;
  result.code = { value: diagnostic.rule, target: vscode.Uri.parse(`${RULE_DOCS_BASE_URL}${diagnostic.rule}.md`) };
  const related: vscode.DiagnosticRelatedInformation[] = [];
  for (const location of diagnostic.related ?? []) {
    if (location.fileName === undefined || location.fileName === document.fileName) {
      const relatedRange = new vscode.Range(document.positionAt(location.range.start), document.positionAt(location.range.end));
      related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(document.uri, relatedRange), location.message));
      continue;
    }
    const lines = otherFiles?.get(location.fileName);
    if (lines) {
      const start = lines.positionAt(location.range.start);
      const end = lines.positionAt(location.range.end);
      const relatedRange = new vscode.Range(start.line, start.character, end.line, end.character);
      related.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(location.fileName), relatedRange), location.message));
    }
  }
  if (related.length > 0) {
    result.relatedInformation = related;
  }
  return result;
}

/** The analysis behind a document's published diagnostics, for quick fixes. */
export interface PublishedAnalysis {
  readonly version: number;
  readonly text: string;
  readonly analysis: FileAnalysis;
}

/**
 * Keeps one DiagnosticCollection in step with open documents: checked at once on open and save,
 * 300 ms after typing stops, again when settings change, and cleared when a document closes.
 */
export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('port-lens');
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly published = new Map<string, PublishedAnalysis>();
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
          this.scheduleProjectSiblings(event.document, TYPING_DELAY_MS);
        }
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        this.schedule(document, 0);
        this.scheduleProjectSiblings(document, 0);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsPortLens(event)) {
          this.checkAllOpen();
        }
      }),
      knowledge.onDidChange(() => this.checkAllOpen()),
      project.onDidChange(() => this.checkAllOpen()),
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
    return analysis ? { version: document.version, text, analysis } : undefined;
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
        void this.check(document);
      }, delayMs),
    );
  }

  /** An edit to a Compose base or override file can create or end a conflict in the other. */
  private scheduleProjectSiblings(changed: vscode.TextDocument, delayMs: number): void {
    if (changed.uri.scheme !== 'file' || !isComposeProjectFileName(changed.fileName)) {
      return;
    }
    const directory = vscode.Uri.joinPath(changed.uri, '..').toString();
    for (const document of vscode.workspace.textDocuments) {
      if (document !== changed && document.uri.scheme === 'file' && isComposeProjectFileName(document.fileName)
        && vscode.Uri.joinPath(document.uri, '..').toString() === directory) {
        this.schedule(document, delayMs);
      }
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.published.delete(key);
    this.collection.delete(uri);
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

  /** Analyses one document and publishes the result unless the document changed or closed meanwhile. */
  async check(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) {
      return;
    }
    const version = document.version;
    const isCurrent = () => !document.isClosed && document.version === version;
    try {
      const config = readDocumentConfig(document);
      if (!config.enable) {
        this.published.delete(document.uri.toString());
        this.collection.delete(document.uri);
        return;
      }
      const text = document.getText();
      if (text.length > config.maxFileSizeBytes) {
        this.published.delete(document.uri.toString());
        this.collection.delete(document.uri);
        const key = document.uri.toString();
        if (!this.oversizeReported.has(key)) {
          this.oversizeReported.add(key);
          this.log.info(`Skipped ${document.uri.fsPath}: ${Math.round(text.length / 1024)} KB is over "portLens.maxFileSizeKB".`);
        }
        return;
      }
      const options = this.optionsFor(document, config);
      let analysis = analyzeFile(document.fileName, text, options);
      if (!analysis) {
        this.published.delete(document.uri.toString());
        this.collection.delete(document.uri);
        return;
      }
      this.publish(document, text, analysis);
      if (analysis.format === 'compose' && document.uri.scheme === 'file' && isComposeProjectFileName(document.fileName)) {
        const project = await this.projectConflicts(document, text, analysis, options);
        // Stale-result guard: a newer version or a close supersedes this result.
        if (project && isCurrent()) {
          analysis = withProjectDiagnostics(analysis, project.diagnostics);
          this.publish(document, text, analysis, project.otherFiles);
        }
      }
    } catch (error) {
      this.log.error(`Checking ${document.uri.toString()} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  private publish(document: vscode.TextDocument, text: string, analysis: FileAnalysis, otherFiles?: OtherFiles): void {
    this.published.set(document.uri.toString(), { version: document.version, text, analysis });
    this.collection.set(document.uri, analysis.diagnostics.map((diagnostic) => toVscodeDiagnostic(document, diagnostic, otherFiles)));
  }

  /** Conflicts with the other file of the document's Compose project, read from the editor or disk. */
  private async projectConflicts(
    document: vscode.TextDocument,
    text: string,
    analysis: FileAnalysis,
    options: AnalysisOptions,
  ): Promise<{ diagnostics: PortDiagnostic[]; otherFiles: OtherFiles } | undefined> {
    const directory = vscode.Uri.joinPath(document.uri, '..');
    let names: string[];
    try {
      names = (await vscode.workspace.fs.readDirectory(directory)).filter(([, type]) => type === vscode.FileType.File).map(([name]) => name);
    } catch {
      return undefined;
    }
    const memberNames = defaultComposeProject(names);
    const ownName = document.uri.path.slice(document.uri.path.lastIndexOf('/') + 1);
    if (!memberNames.includes(ownName)) {
      return undefined;
    }
    const members: ProjectMember[] = [];
    const otherFiles = new Map<string, LineIndex>();
    for (const name of memberNames) {
      if (name === ownName) {
        members.push({ fileName: document.fileName, text, analysis });
        continue;
      }
      const uri = vscode.Uri.joinPath(directory, name);
      const sibling = await this.readSibling(uri, options);
      if (!sibling) {
        return undefined;
      }
      members.push({ fileName: uri.fsPath, text: sibling.text, analysis: sibling.analysis });
      otherFiles.set(uri.fsPath, new LineIndex(sibling.text));
    }
    const conflicts = projectConflictDiagnostics(members, options.ruleSeverities);
    return { diagnostics: conflicts.get(document.fileName) ?? [], otherFiles };
  }

  /** An open sibling is read as edited; a closed one from disk, within the size limit. */
  private async readSibling(uri: vscode.Uri, options: AnalysisOptions): Promise<{ text: string; analysis: FileAnalysis } | undefined> {
    const open = vscode.workspace.textDocuments.find((candidate) => candidate.uri.toString() === uri.toString());
    let text: string;
    if (open) {
      text = open.getText();
    } else {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > readConfig(uri).maxFileSizeBytes) {
          return undefined;
        }
        text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri)).replace(/^\uFEFF/, '');
      } catch {
        // Deleted or unreadable since the directory was listed: no project to check.
        return undefined;
      }
    }
    const analysis = analyzeFile(uri.fsPath, text, { ...options, formats: ['compose'] });
    return analysis ? { text, analysis } : undefined;
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
