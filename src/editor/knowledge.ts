import * as vscode from 'vscode';
import { KnowledgeBase } from '../core/ports/knowledgeBase';
import { parseUserPortData } from '../core/ports/userData';
import { affectsPortLens, readConfig } from './config';

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
  private readonly subscription = vscode.workspace.onDidChangeConfiguration((event) => {
    if (affectsPortLens(event)) {
      this.current = undefined;
      this.changeEmitter.fire();
    }
  });

  constructor(private readonly log: vscode.LogOutputChannel) {}

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
      this.current = new KnowledgeBase(data);
    }
    return this.current;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
