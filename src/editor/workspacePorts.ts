import picomatch from 'picomatch';
import * as vscode from 'vscode';
import { CANDIDATE_FILE_GLOB, scanFile } from '../core/scanners/index';
import type { ScanResult } from '../core/types';
import type { ReadOutcome } from '../core/readAhead';
import { readAhead } from '../core/readAhead';
import { WorkspacePortIndex } from '../core/workspaceIndex';
import { ContextKeys, readConfig } from './config';
import { yieldToHost } from './yieldToHost';

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Files read ahead of the one being scanned. Each read waits on the disk, or on the remote host,
 * for longer than a small file takes to scan, so a few in flight keep the scan busy.
 */
const READ_AHEAD_FILES = 8;

/** Settings that change which files the scan reads; other Port Lens settings change no scan result. */
const SCAN_SETTINGS = ['portLens.exclude', 'portLens.workspaceScan.maxFiles', 'portLens.maxFileSizeKB', 'files.exclude', 'search.exclude'];

/** What the scan or the watcher last read of one candidate file, for others built on the same reads. */
export interface CandidateFileRead {
  readonly uri: vscode.Uri;
  /** Absent when the file is gone, excluded, too large, unreadable or not a file Port Lens reads. */
  readonly content?: { readonly text: string; readonly scan: ScanResult };
}

/** The enabled globs of an exclude setting such as `files.exclude`; conditional (`when`) entries are skipped. */
function enabledExcludes(section: 'files' | 'search'): string[] {
  const value = vscode.workspace.getConfiguration(section).get<unknown>('exclude');
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  return Object.entries(value).filter(([pattern, enabled]) => enabled === true && pattern.trim() !== '').map(([pattern]) => pattern);
}

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
  private readonly readEmitter = new vscode.EventEmitter<CandidateFileRead>();
  /** Every file the scan or the watcher reads, so the workspace model is fed by the same reads. */
  readonly onDidReadFile = this.readEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter, this.readEmitter];
  /** Files last read with content, by URI: a full scan that no longer finds one reports it gone. */
  private readonly knownFiles = new Map<string, vscode.Uri>();
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
        if (this.fullScan && SCAN_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
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
        this.forget(uri);
        this.changeEmitter.fire();
      }),
    );
    // On Linux the file watcher starts watching a new folder only once it is reported, so a file
    // written into it at once (`mkdir -p`, a checkout, an unzip) can go unreported. A new folder is
    // therefore searched for candidate files itself.
    const folderWatcher = vscode.workspace.createFileSystemWatcher('**/*', false, true, true);
    this.disposables.push(folderWatcher, folderWatcher.onDidCreate((uri) => void this.folderCreated(uri)));
  }

  /** Scans the candidate files in a folder that just appeared; any other created path is left to the watcher. */
  private async folderCreated(uri: vscode.Uri): Promise<void> {
    if (this.exclusions()(uri)) {
      return;
    }
    try {
      if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) {
        return;
      }
    } catch {
      return; // gone again already
    }
    const { maxFileSizeBytes, maxWorkspaceFiles } = readConfig();
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(uri, CANDIDATE_FILE_GLOB), WorkspacePorts.searchExcludeGlob(), maxWorkspaceFiles);
    const isExcluded = this.exclusions();
    const unread = files.filter((file) => !isExcluded(file) && !this.knownFiles.has(file.toString()));
    if (unread.length === 0) {
      return;
    }
    for (const file of unread) {
      await this.scanOne(file, maxFileSizeBytes);
    }
    this.changeEmitter.fire();
  }

  /**
   * The current `portLens.exclude`, `files.exclude` and `search.exclude` globs as one test,
   * matched against the workspace-relative path and each folder above it, since a glob that names
   * a folder excludes everything in it. Read once per scan rather than once per file.
   */
  private exclusions(): (uri: vscode.Uri) => boolean {
    const patterns = [...readConfig().exclude, ...enabledExcludes('files'), ...enabledExcludes('search')];
    if (patterns.length === 0) {
      return () => false;
    }
    if (this.excludeMatcher?.patterns !== patterns.join('\n')) {
      this.excludeMatcher = { patterns: patterns.join('\n'), matches: picomatch(patterns, { dot: true }) };
    }
    const { matches } = this.excludeMatcher;
    return (uri) => {
      const parts = vscode.workspace.asRelativePath(uri, false).split('/');
      for (let depth = 1; depth <= parts.length; depth++) {
        if (matches(parts.slice(0, depth).join('/'))) {
          return true;
        }
      }
      return false;
    };
  }

  /**
   * `search.exclude` as a glob for `findFiles`, which applies `files.exclude` by itself, so the
   * search never walks folders such as `node_modules`. Globs with braces of their own cannot be
   * nested in one group; the per-file check still skips their files.
   */
  private static searchExcludeGlob(): string | undefined {
    const patterns = enabledExcludes('search').filter((pattern) => !/[{},]/.test(pattern));
    return patterns.length > 0 ? `{${patterns.join(',')}}` : undefined;
  }

  /** A file gone from the scan: whoever builds on its reads drops it too. */
  private forget(uri: vscode.Uri): void {
    if (this.knownFiles.delete(uri.toString())) {
      this.readEmitter.fire({ uri });
    }
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
        // `findFiles` applies `files.exclude` itself, beside the exclude it is given; every exclude
        // setting is checked per file below as well, for the globs `findFiles` could not take.
        const files = await vscode.workspace.findFiles(CANDIDATE_FILE_GLOB, WorkspacePorts.searchExcludeGlob(), config.maxWorkspaceFiles + 1, token);
        const limitReached = files.length > config.maxWorkspaceFiles;
        const toScan = files.slice(0, config.maxWorkspaceFiles);
        this.index.clear();
        let scanned = 0;
        const isExcluded = this.exclusions();
        const included = toScan.filter((uri) => !isExcluded(uri));
        const found = new Set(included.map((uri) => uri.toString()));
        for await (const { item: uri, outcome } of readAhead(included, (uri) => this.readCandidate(uri, config.maxFileSizeBytes), READ_AHEAD_FILES)) {
          if (token.isCancellationRequested) {
            break;
          }
          this.indexRead(uri, outcome);
          scanned++;
          // Yield to the extension host between files so hovers and typing stay responsive.
          await yieldToHost();
        }
        if (!token.isCancellationRequested) {
          // Files the last scan read that this one did not find: now excluded, or deleted with their folder.
          for (const uri of [...this.knownFiles.values()]) {
            if (!found.has(uri.toString())) {
              this.forget(uri);
            }
          }
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
    if (this.exclusions()(uri)) {
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
        this.index.setFile(key, result.format, text, result.references, result.wiring);
        this.knownFiles.set(key, uri);
        this.readEmitter.fire({ uri, content: { text, scan: result } });
      } else {
        this.index.deleteFile(key);
        this.forget(uri);
      }
    } catch (error) {
      this.index.deleteFile(key);
      this.forget(uri);
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
