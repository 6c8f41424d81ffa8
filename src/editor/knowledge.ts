import * as vscode from 'vscode';
import { KnowledgeBase } from '../core/ports/knowledgeBase';
import { parseUserPortData } from '../core/ports/userData';
import type { UserPortData } from '../core/ports/userData';
import { affectsPortLens, readConfig } from './config';
import type { ProjectSettings } from './projectSettings';

/** Settings first, so a user's own entry wins over the project file's for the same port or service. */
function mergeUserData(settings: UserPortData, project: UserPortData): UserPortData {
  return {
    annotations: [...settings.annotations, ...project.annotations],
    extraSensitive: [...settings.extraSensitive, ...project.extraSensitive],
    silenced: [...settings.silenced, ...project.silenced],
    services: [...settings.services, ...project.services],
  };
}

/**
 * Holds the knowledge base built from the current settings. Nothing is read until the first
 * request, and a settings change drops it so the next request rebuilds it, without a reload.
 */
export class KnowledgeProvider implements vscode.Disposable {
  private current: KnowledgeBase | undefined;
  private readonly reportedProblems = new Set<string>();
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** Fires when settings that change what is known about ports change. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly project: ProjectSettings,
  ) {
    const invalidate = () => {
      this.current = undefined;
      this.changeEmitter.fire();
    };
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (affectsPortLens(event)) {
          invalidate();
        }
      }),
      project.onDidChange(invalidate),
    ];
  }

  get knowledgeBase(): KnowledgeBase {
    if (!this.current) {
      const { data, problems } = parseUserPortData(readConfig().userData);
      for (const problem of problems) {
        // Reported once per distinct message, in the output channel, never as a pop-up.
        if (!this.reportedProblems.has(problem)) {
          this.reportedProblems.add(problem);
          this.log.warn(`Settings: ${problem} The entry is skipped.`);
        }
      }
      this.current = new KnowledgeBase(mergeUserData(data, this.project.config.portData));
    }
    return this.current;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
    this.changeEmitter.dispose();
  }
}
