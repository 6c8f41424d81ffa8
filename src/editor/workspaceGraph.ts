/**
 * Feeds the workspace model (`core/wiring/graph.ts`) from the editor: every candidate file as the
 * workspace scan reads it, the files the model asks for by name (a Dockerfile a service builds,
 * the other file of a Compose project), and the text of open documents, which replaces the
 * disk's while they are open. Nothing runs until the first diagnostics pass, hover or view asks.
 */
import * as vscode from 'vscode';
import type { DiagnosticSeverity, PortDiagnostic } from '../core/analysis';
import type { SensitiveSeverity } from '../core/ports/portData';
import type { RuleSeverities } from '../core/rules/index';
import { readAhead } from '../core/readAhead';
import { scanAs, scanFile } from '../core/scanners/index';
import type { FileFormat } from '../core/types';
import type { LineIndex } from '../core/text';
import type { KnowledgeBase } from '../core/ports/knowledgeBase';
import { WorkspaceModel } from '../core/wiring/graph';
import type { ModelInput } from '../core/wiring/graph';
import { directoryOf, isInside, slashed } from '../core/wiring/paths';
import { readConfig } from './config';
import type { KnowledgeProvider } from './knowledge';
import type { ProjectSettings } from './projectSettings';
import type { CandidateFileRead, WorkspacePorts } from './workspacePorts';
import { yieldToHost } from './yieldToHost';

/** Gathers a burst of changes (an edit that touches several groups, a rescan) into one event. */
const CHANGE_DELAY_MS = 50;
/** Reads in flight while the model's wanted files are scanned, as the workspace scan does. */
const READ_AHEAD_FILES = 8;
/** A wanted file can make the model want more (an override file adds a build); real projects settle in one or two rounds. */
const MAX_WANTED_ROUNDS = 4;

const NO_FINDINGS: readonly PortDiagnostic[] = Object.freeze([]);
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * The name the model knows a file by: the editor's `document.fileName` for files on disk, the
 * path for other file systems, with forward slashes as the model compares them.
 */
export function modelFileName(uri: vscode.Uri): string {
  return slashed(uri.scheme === 'file' ? uri.fsPath : uri.path);
}

/** Where the model's text of a file came from. */
interface DiskFile {
  readonly uri: vscode.Uri;
  /** Read by the workspace scan, which keeps it fresh; otherwise read because the model wanted it. */
  readonly scanned: boolean;
}

/** One workspace model, kept in step with the workspace and the open documents. */
const SENSITIVE_RULE = 'sensitive-port-exposed';
const GRADE_OF_SEVERITY: Readonly<Record<DiagnosticSeverity, SensitiveSeverity>> = { error: 'high', warning: 'medium', info: 'low' };

export class WorkspaceGraph implements vscode.Disposable {
  readonly model = new WorkspaceModel();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires after the model changed, once per burst of changes. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  /** Open documents whose text the model holds instead of the disk's, with the language they were read as. */
  private readonly openDocuments = new Map<string, { readonly text: string; readonly languageId: string }>();
  /** Files whose disk text the model holds (or would, were they not open), by model name. */
  private readonly diskFiles = new Map<string, DiskFile>();
  /** How many of `diskFiles` each directory holds at any depth, so a deleted folder is recognised without a search. */
  private readonly diskDirectories = new Map<string, number>();
  /** Files the model wanted that were not there or not readable, watched in case they appear. */
  private readonly absentFiles = new Set<string>();
  /** The URI of each file the model has seen, so locations in it open the right resource. */
  private readonly uris = new Map<string, vscode.Uri>();
  private started: Promise<void> | undefined;
  /** Until the first feed is done, the model is incomplete: its findings are not shown and changes are not announced. */
  private ready = false;
  private changePending = false;
  private settling: Promise<void> | undefined;
  private appliedOptions: { knowledge: KnowledgeBase; severities: string } | undefined;
  private disposed = false;

  constructor(
    private readonly workspacePorts: WorkspacePorts,
    private readonly knowledge: KnowledgeProvider,
    private readonly project: ProjectSettings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      // The scan may run before the model is needed (the sidebar opened first); its reads are kept either way.
      workspacePorts.onDidReadFile((read) => this.applyScanRead(read)),
      // The knowledge provider fires for every Port Lens setting and for `.portlens.json`.
      knowledge.onDidChange(() => this.updateOptions()),
      project.onDidChange(() => this.updateOptions()),
    );
  }

  /** Starts feeding the model on first call; every call returns the same promise, settled once the workspace is read. */
  ensureStarted(): Promise<void> {
    this.started ??= this.start();
    return this.started;
  }

  /** Settles when the first feed is done and no change is being gathered or announced. */
  async whenIdle(): Promise<void> {
    await this.ensureStarted();
    while (this.settling) {
      await this.settling;
    }
  }

  /** The model's findings on an open document, or none while the first feed runs or while the model holds other text for it. */
  findingsFor(uri: vscode.Uri, text: string): readonly PortDiagnostic[] {
    if (!this.ready) {
      return NO_FINDINGS;
    }
    const name = modelFileName(uri);
    return this.model.textOf(name) === text ? this.model.diagnosticsFor(name) : NO_FINDINGS;
  }

  /**
   * The model's grade of a port whose file leaves it to the model (a built Compose service, a
   * socket whose service unit names the program): `undefined` while the model is not ready,
   * `null` when it reports nothing there.
   */
  sensitiveGradeAt(file: string, range: { readonly start: number; readonly end: number }): SensitiveSeverity | null | undefined {
    if (!this.ready) {
      return undefined;
    }
    const found = this.model.diagnosticsFor(modelFileName(vscode.Uri.parse(file))).find(
      (diagnostic) => diagnostic.rule === SENSITIVE_RULE && diagnostic.range.start === range.start && diagnostic.range.end === range.end,
    );
    return found ? GRADE_OF_SEVERITY[found.severity] : null;
  }

  /** Line index of a file in the model, for related locations in other files. */
  lineIndexOf(fileName: string): LineIndex | undefined {
    return this.model.lineIndexOf(fileName);
  }

  /** The resource a model file name stands for. */
  uriOf(fileName: string): vscode.Uri {
    const name = slashed(fileName);
    return this.uris.get(name) ?? this.uriInWorkspace(name) ?? vscode.Uri.file(name);
  }

  /**
   * The editor's text of an open document, with its analysis (`undefined`: the text is not a
   * file Port Lens reads). It replaces the disk's text until `closeDocument`.
   */
  setDocument(document: vscode.TextDocument, text: string, analysis: ModelInput | undefined): void {
    if (document.uri.scheme === 'untitled' || this.disposed) {
      return;
    }
    const name = modelFileName(document.uri);
    this.uris.set(name, document.uri);
    const previous = this.openDocuments.get(name);
    if (previous && previous.languageId === document.languageId && previous.text === text) {
      return;
    }
    this.openDocuments.set(name, { text, languageId: document.languageId });
    if (analysis) {
      this.model.setFile(name, text, analysis);
    } else if (this.model.has(name)) {
      this.model.deleteFile(name);
    } else {
      return;
    }
    this.scheduleChange();
  }

  /** A document closed (or is no longer checked): the file returns to its disk text. */
  closeDocument(uri: vscode.Uri): void {
    const name = modelFileName(uri);
    if (!this.openDocuments.delete(name)) {
      return;
    }
    const disk = this.diskFiles.get(name);
    if (disk) {
      void this.reread(name, disk);
      return;
    }
    // Not a file the scan reads; the model reads it again if it wants it.
    this.uris.delete(name);
    if (this.model.has(name)) {
      this.model.deleteFile(name);
      this.scheduleChange();
    }
  }

  private async start(): Promise<void> {
    const started = Date.now();
    this.watch();
    try {
      await this.project.ensureLoaded();
      this.updateOptions();
      await this.workspacePorts.ensureScanned();
      await this.feedWanted();
      this.log.info(`Workspace model: ${this.model.fileCount} files linked in ${Date.now() - started} ms.`);
    } catch (error) {
      this.log.error(`Reading the workspace for the port graph failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      this.ready = true;
      if (!this.disposed) {
        this.changeEmitter.fire();
      }
    }
  }

  /**
   * The workspace scan watches its candidate files; this watcher covers the rest: a deleted
   * folder (reported as the folder alone) and the files the model wanted by a name the scan does
   * not look for.
   */
  private watch(): void {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.disposables.push(
      watcher,
      watcher.onDidDelete((uri) => this.deleted(uri)),
      watcher.onDidCreate((uri) => this.wantedFileTouched(uri)),
      watcher.onDidChange((uri) => this.wantedFileTouched(uri)),
    );
  }

  private deleted(uri: vscode.Uri): void {
    const gone = modelFileName(uri);
    const file = this.diskFiles.get(gone);
    // A scanned file's own deletion reaches the model through the scan's watcher.
    const names = file ? (file.scanned ? [] : [gone]) : this.diskDirectories.has(gone) ? [...this.diskFiles.keys()].filter((name) => isInside(name, gone)) : [];
    let changed = false;
    for (const name of names) {
      this.forgetDiskFile(name);
      if (this.openDocuments.has(name)) {
        continue;
      }
      this.uris.delete(name);
      if (this.model.has(name)) {
        this.model.deleteFile(name);
        changed = true;
      }
    }
    if (changed) {
      this.scheduleChange();
    }
  }

  /** A file the model wanted was created or changed: read it again, unless the scan does. */
  private wantedFileTouched(uri: vscode.Uri): void {
    const name = modelFileName(uri);
    const disk = this.diskFiles.get(name);
    if (this.absentFiles.delete(name)) {
      const appeared: DiskFile = { uri, scanned: false };
      this.rememberDiskFile(name, appeared);
      void this.reread(name, appeared);
    } else if (disk && !disk.scanned) {
      void this.reread(name, disk);
    }
  }

  private rememberDiskFile(name: string, file: DiskFile): void {
    if (!this.diskFiles.has(name)) {
      for (let directory = directoryOf(name); ; directory = directoryOf(directory)) {
        this.diskDirectories.set(directory, (this.diskDirectories.get(directory) ?? 0) + 1);
        if (directoryOf(directory) === directory) {
          break;
        }
      }
    }
    this.diskFiles.set(name, file);
  }

  private forgetDiskFile(name: string): void {
    if (!this.diskFiles.delete(name)) {
      return;
    }
    for (let directory = directoryOf(name); ; directory = directoryOf(directory)) {
      const count = (this.diskDirectories.get(directory) ?? 1) - 1;
      if (count > 0) {
        this.diskDirectories.set(directory, count);
      } else {
        this.diskDirectories.delete(directory);
      }
      if (directoryOf(directory) === directory) {
        break;
      }
    }
  }

  /** Knowledge and rule severities, applied when they differ from what the model was given. */
  private updateOptions(): void {
    // Before the first feed the model is not asked anything; the feed applies the options first.
    if (!this.started || this.disposed) {
      return;
    }
    const knowledge = this.knowledge.knowledgeBase;
    // The workspace file sets the team's baseline; the user's settings adjust it.
    const ruleSeverities: RuleSeverities = { ...this.project.config.rules, ...readConfig().rules };
    const severities = JSON.stringify(ruleSeverities);
    if (this.appliedOptions?.knowledge === knowledge && this.appliedOptions.severities === severities) {
      return;
    }
    this.appliedOptions = { knowledge, severities };
    this.model.setOptions({ knowledge, ruleSeverities });
    this.scheduleChange();
  }

  private applyScanRead(read: CandidateFileRead): void {
    const name = modelFileName(read.uri);
    this.uris.set(name, read.uri);
    if (read.content) {
      this.rememberDiskFile(name, { uri: read.uri, scanned: true });
      this.absentFiles.delete(name);
    } else {
      this.forgetDiskFile(name);
    }
    if (this.openDocuments.has(name)) {
      // The editor's text wins while the document is open.
      return;
    }
    if (this.replaceFromDisk(name, read.content)) {
      this.scheduleChange();
    }
  }

  /** Puts a file's disk text into the model; `false` when the model already held exactly that. */
  private replaceFromDisk(name: string, content: CandidateFileRead['content']): boolean {
    if (content) {
      if (this.model.textOf(name) === content.text) {
        return false;
      }
      this.model.setFile(name, content.text, content.scan);
      return true;
    }
    if (!this.model.has(name)) {
      return false;
    }
    this.model.deleteFile(name);
    return true;
  }

  private async reread(name: string, disk: DiskFile): Promise<void> {
    let content: CandidateFileRead['content'];
    try {
      content = await this.readFile(disk.uri, readConfig(disk.uri).maxFileSizeBytes, this.model.expectedFormatOf(name));
    } catch {
      content = undefined;
    }
    // Opened again meanwhile, or gone: the newer state stands.
    if (this.disposed || this.openDocuments.has(name) || this.diskFiles.get(name) !== disk) {
      return;
    }
    if (!content) {
      this.forgetDiskFile(name);
      if (!disk.scanned) {
        // A wanted file that is missing again: watched for its return.
        this.absentFiles.add(name);
        this.model.markAbsent(name);
      }
    }
    if (this.replaceFromDisk(name, content)) {
      this.scheduleChange();
    }
  }

  /** A file's text and scan; `undefined` when it is too large or not a file Port Lens reads. Throws when it is missing. */
  private async readFile(uri: vscode.Uri, maxFileSizeBytes: number, expected?: FileFormat): Promise<CandidateFileRead['content']> {
    const stat = await vscode.workspace.fs.stat(uri);
    if ((stat.type & vscode.FileType.File) === 0 || stat.size > maxFileSizeBytes) {
      return undefined;
    }
    const text = decoder.decode(await vscode.workspace.fs.readFile(uri));
    // A wanted file may have any name (`dockerfile: deploy/web.df`, a mounted `lb.cfg`): the model says what it holds.
    const scan = scanFile(uri.path, text) ?? (expected ? scanAs([expected], text, { fileName: uri.path }) : undefined);
    return scan ? { text, scan } : undefined;
  }

  /**
   * Reads the files the model wants and does not hold; each one that is missing, unreadable, too
   * large or outside the workspace is marked absent so it is not asked for again.
   */
  private async feedWanted(): Promise<void> {
    const maxFileSizeBytes = readConfig().maxFileSizeBytes;
    for (let round = 0; round < MAX_WANTED_ROUNDS && !this.disposed; round++) {
      const wanted: { name: string; uri: vscode.Uri }[] = [];
      for (const name of this.model.wantedFiles()) {
        const uri = this.openDocuments.has(name) ? undefined : this.uriInWorkspace(name);
        if (uri) {
          wanted.push({ name, uri });
        } else {
          // Open but not a file Port Lens reads, or outside the workspace: a setting or a file never points the model outside it.
          this.model.markAbsent(name);
        }
      }
      if (wanted.length === 0) {
        return;
      }
      for await (const { item, outcome } of readAhead(wanted, ({ name, uri }) => this.readFile(uri, maxFileSizeBytes, this.model.expectedFormatOf(name)), READ_AHEAD_FILES)) {
        if (this.disposed) {
          return;
        }
        const content = outcome.ok ? outcome.value : undefined;
        if (this.openDocuments.has(item.name)) {
          // Opened while it was read: the editor's text is already in the model.
        } else if (content) {
          this.uris.set(item.name, item.uri);
          this.rememberDiskFile(item.name, { uri: item.uri, scanned: false });
          this.model.setFile(item.name, content.text, content.scan);
        } else {
          this.absentFiles.add(item.name);
          this.model.markAbsent(item.name);
        }
        await yieldToHost();
      }
    }
  }

  /** The resource for a model file name inside a workspace folder, or `undefined` outside them all. */
  private uriInWorkspace(name: string): vscode.Uri | undefined {
    const known = this.uris.get(name);
    if (known) {
      return vscode.workspace.getWorkspaceFolder(known) ? known : undefined;
    }
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (isInside(name, modelFileName(folder.uri))) {
        return folder.uri.scheme === 'file' ? vscode.Uri.file(name) : folder.uri.with({ path: name });
      }
    }
    return undefined;
  }

  /**
   * Announces a change once the burst it belongs to is over and the files it made the model want
   * are read. Until the first feed is done nothing is announced: its end announces everything.
   */
  private scheduleChange(): void {
    if (!this.ready || this.disposed) {
      return;
    }
    this.changePending = true;
    this.settling ??= this.settle();
  }

  private async settle(): Promise<void> {
    try {
      while (this.changePending && !this.disposed) {
        await new Promise((resolve) => setTimeout(resolve, CHANGE_DELAY_MS));
        this.changePending = false;
        await this.feedWanted();
        if (!this.disposed) {
          this.changeEmitter.fire();
        }
      }
    } catch (error) {
      this.log.error(`Updating the port graph failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      this.settling = undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
    this.openDocuments.clear();
    this.diskFiles.clear();
    this.diskDirectories.clear();
  }
}
