import picomatch from 'picomatch';
import * as vscode from 'vscode';
import { CANDIDATE_FILE_GLOB, scanFile } from '../core/scanners/index';
import type { ReadOutcome } from '../core/readAhead';
import { readAhead } from '../core/readAhead';
import { WorkspacePortIndex } from '../core/workspaceIndex';
import { affectsPortLens, ContextKeys, readConfig } from './config';

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Files read ahead of the one being scanned. Each read waits on the disk, or on the remote host,
 * for longer than a small file takes to scan, so a few in flight keep the scan busy.
 */
const READ_AHEAD_FILES = 8;

/** Result of the last full scan, for the view's message. */
export interface ScanSummary {
  readonly filesScanned: number;
  readonly limitReached: boolean;
  readonly cancelled: boolean;
}

/**
 * Finds every port reference in the workspace's config files. The first scan runs in the
 * background with progress, yielding between files; afterwards a file-system watcher updates
 * single files on save, create and delete, so a save never rescans the workspace.
 */
export class WorkspacePorts implements vscode.Disposable {
  readonly index = new WorkspacePortIndex();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];
  private scanCancellation: vscode.CancellationTokenSource | undefined;
  private fullScan: Promise<ScanSummary> | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private excludeMatcher: { patterns: string; matches: (path: string) => boolean } | undefined;
  lastSummary: ScanSummary | undefined;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly progressViewId: string,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsPortLens(event) && this.fullScan) {
          void this.rescan();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        if (this.fullScan) {
          void this.rescan();
        }
      }),
    );
  }

  /** Starts the first scan on demand (when the view first asks), and returns it. */
  ensureScanned(): Promise<ScanSummary> {
    if (!this.fullScan) {
      this.startWatching();
      this.fullScan = this.scanAll();
    }
    return this.fullScan;
  }

  rescan(): Promise<ScanSummary> {
    this.scanCancellation?.cancel();
    this.fullScan = this.scanAll();
    return this.fullScan;
  }

  private startWatching(): void {
    if (this.watcher) {
      return;
    }
    this.watcher = vscode.workspace.createFileSystemWatcher(CANDIDATE_FILE_GLOB);
    this.disposables.push(
      this.watcher,
      this.watcher.onDidChange((uri) => void this.updateFile(uri)),
      this.watcher.onDidCreate((uri) => void this.updateFile(uri)),
      this.watcher.onDidDelete((uri) => {
        this.index.deleteFile(uri.toString());
        this.changeEmitter.fire();
      }),
    );
  }

  /** `portLens.exclude` globs, matched against the workspace-relative path. */
  private isExcluded(uri: vscode.Uri): boolean {
    const patterns = readConfig().exclude;
    if (patterns.length === 0) {
      return false;
    }
    if (this.excludeMatcher?.patterns !== patterns.join('\n')) {
      this.excludeMatcher = { patterns: patterns.join('\n'), matches: picomatch([...patterns], { dot: true }) };
    }
    return this.excludeMatcher.matches(vscode.workspace.asRelativePath(uri, false));
  }

  private async scanAll(): Promise<ScanSummary> {
    const cancellation = new vscode.CancellationTokenSource();
    this.scanCancellation = cancellation;
    const token = cancellation.token;
    const config = readConfig();
    return vscode.window.withProgress(
      { location: { viewId: this.progressViewId }, title: 'Scanning workspace for ports' },
      async () => {
        const started = Date.now();
        // `files.exclude` applies because no exclude of our own overrides it when the setting is empty;
        // `portLens.exclude` is checked per file below so both apply together.
        const files = await vscode.workspace.findFiles(CANDIDATE_FILE_GLOB, undefined, config.maxWorkspaceFiles + 1, token);
        const limitReached = files.length > config.maxWorkspaceFiles;
        const toScan = files.slice(0, config.maxWorkspaceFiles);
        this.index.clear();
        let scanned = 0;
        const included = toScan.filter((uri) => !this.isExcluded(uri));
        for await (const { item: uri, outcome } of readAhead(included, (uri) => this.readCandidate(uri, config.maxFileSizeBytes), READ_AHEAD_FILES)) {
          if (token.isCancellationRequested) {
            break;
          }
          this.indexRead(uri, outcome);
          scanned++;
          // Yield to the extension host between files so hovers and typing stay responsive.
          await new Promise((resolve) => setImmediate(resolve));
        }
        scanned += toScan.length - included.length;
        const summary = { filesScanned: scanned, limitReached, cancelled: token.isCancellationRequested };
        this.lastSummary = summary;
        this.log.info(`Workspace scan: ${scanned} candidate files, ${this.index.fileCount} with ports, in ${Date.now() - started} ms${limitReached ? ` (stopped at the ${config.maxWorkspaceFiles}-file limit)` : ''}.`);
        if (limitReached) {
          void vscode.window.showInformationMessage(
            `Port Lens scanned the first ${config.maxWorkspaceFiles} config files only. Raise "portLens.workspaceScan.maxFiles" or exclude folders with "portLens.exclude".`,
          );
        }
        this.changeEmitter.fire();
        void vscode.commands.executeCommand('setContext', ContextKeys.workspaceScanned, true);
        return summary;
      },
    );
  }

  private async updateFile(uri: vscode.Uri): Promise<void> {
    if (this.isExcluded(uri)) {
      return;
    }
    await this.scanOne(uri, readConfig().maxFileSizeBytes);
    this.changeEmitter.fire();
  }

  private async scanOne(uri: vscode.Uri, maxFileSizeBytes: number): Promise<void> {
    let outcome: ReadOutcome<string | undefined>;
    try {
      outcome = { ok: true, value: await this.readCandidate(uri, maxFileSizeBytes) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    this.indexRead(uri, outcome);
  }

  /** The file's text, or `undefined` when it is over the size limit. */
  private async readCandidate(uri: vscode.Uri, maxFileSizeBytes: number): Promise<string | undefined> {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > maxFileSizeBytes) {
      return undefined;
    }
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  }

  /** Scans what was read into the index; a file too large, unreadable or without ports leaves it. */
  private indexRead(uri: vscode.Uri, outcome: ReadOutcome<string | undefined>): void {
    const key = uri.toString();
    try {
      if (!outcome.ok) {
        throw outcome.error;
      }
      const text = outcome.value;
      const result = text === undefined ? undefined : scanFile(uri.path, text);
      if (result && text !== undefined) {
        this.index.setFile(key, result.format, text, result.references);
      } else {
        this.index.deleteFile(key);
      }
    } catch (error) {
      this.index.deleteFile(key);
      this.log.warn(`Could not scan ${key}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  dispose(): void {
    this.scanCancellation?.cancel();
    for (const disposable of this.disposables) {
      disposable.dispose();
    }
  }
}
