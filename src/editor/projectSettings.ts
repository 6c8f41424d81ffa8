import * as vscode from 'vscode';
import { EMPTY_PROJECT_CONFIG, loadProjectConfig, PACKAGE_JSON_FILE, PROJECT_CONFIG_FILE } from '../core/projectConfig';
import type { ProjectConfig } from '../core/projectConfig';

const decoder = new TextDecoder('utf-8');

/**
 * The workspace's `.portlens.json` (or `package.json` `"portLens"` section), the file the
 * command line reads too, so the editor and CI agree. Only the first workspace folder's root is
 * read: a setting can never point Port Lens at a file outside the workspace.
 */
export class ProjectSettings implements vscode.Disposable {
  private current: ProjectConfig = EMPTY_PROJECT_CONFIG;
  private loading: Promise<void> | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly reported = new Set<string>();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  get config(): ProjectConfig {
    return this.current;
  }

  /** Reads the file once, on first need, and watches it afterwards. */
  ensureLoaded(): Promise<void> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      return;
    }
    if (!this.watcher) {
      this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `{${PROJECT_CONFIG_FILE},${PACKAGE_JSON_FILE}}`));
      const reload = () => {
        this.loading = this.load();
      };
      this.watcher.onDidChange(reload);
      this.watcher.onDidCreate(reload);
      this.watcher.onDidDelete(reload);
    }
    const contents = new Map<string, string>();
    for (const name of [PROJECT_CONFIG_FILE, PACKAGE_JSON_FILE]) {
      try {
        contents.set(name, decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, name))));
      } catch {
        // Absent: nothing to read.
      }
    }
    const loaded = loadProjectConfig((name) => contents.get(name));
    for (const problem of loaded?.problems ?? []) {
      if (!this.reported.has(problem)) {
        this.reported.add(problem);
        this.log.warn(`${problem} The entry is skipped.`);
      }
    }
    this.current = loaded?.config ?? EMPTY_PROJECT_CONFIG;
    this.changeEmitter.fire();
  }

  dispose(): void {
    this.watcher?.dispose();
    this.changeEmitter.dispose();
  }
}
