import * as vscode from 'vscode';
import { scanFile } from '../core/scanners/index';
import type { ScanResult } from '../core/types';

/**
 * Scan results per open document, computed on demand and reused until the document changes.
 * Entries are dropped when a document closes so nothing outlives the editor.
 */
export class DocumentScans implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; result: ScanResult | undefined }>();
  private readonly subscription = vscode.workspace.onDidCloseTextDocument((document) => this.cache.delete(document.uri.toString()));

  /** The scan of a document, or `undefined` when Port Lens does not read it or it is over the size limit. */
  get(document: vscode.TextDocument, maxFileSizeBytes: number): ScanResult | undefined {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) {
      return cached.result;
    }
    const text = document.getText();
    const result = text.length > maxFileSizeBytes ? undefined : scanFile(document.fileName, text, { languageId: document.languageId });
    this.cache.set(key, { version: document.version, result });
    return result;
  }

  dispose(): void {
    this.subscription.dispose();
    this.cache.clear();
  }
}
