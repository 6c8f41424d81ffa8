import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PortLensApi } from '../../src/extension';

export const EXTENSION_ID = 'port-lens.port-lens';
const ACTIVATION_TIMEOUT_MS = 20_000;

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration tests need the examples workspace open');
  return folder.uri.fsPath;
}

export function exampleUri(relativePath: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), relativePath));
}

/**
 * Waits until the extension activates by itself. Calling `activate()` here would hide a missing
 * activation event, which users would meet as an extension that does nothing; activation has no
 * event to wait on, so its state is checked on each turn of the event loop, with a time limit.
 */
export async function waitForActivation(): Promise<PortLensApi> {
  const extension = vscode.extensions.getExtension<PortLensApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in this host`);
  const deadline = Date.now() + ACTIVATION_TIMEOUT_MS;
  while (!extension.isActive) {
    assert.ok(Date.now() < deadline, `extension did not activate within ${ACTIVATION_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return extension.exports;
}

export async function openExample(relativePath: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(exampleUri(relativePath));
  await vscode.window.showTextDocument(document);
  await waitForActivation();
  return document;
}

/** The position of the `occurrence`-th match of `needle` (0-based), plus `offset` characters. */
export function positionOf(document: vscode.TextDocument, needle: string, offset = 0, occurrence = 0): vscode.Position {
  const text = document.getText();
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `"${needle}" (occurrence ${occurrence}) not found in ${document.fileName}`);
  }
  return document.positionAt(index + offset);
}

function markdownOf(content: vscode.MarkdownString | vscode.MarkedString): string {
  if (typeof content === 'string') {
    return content;
  }
  return 'value' in content ? content.value : '';
}

/** The text of every hover VS Code's providers return at a position. */
export async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return (hovers ?? []).flatMap((hover) => hover.contents.map(markdownOf)).join('\n');
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
