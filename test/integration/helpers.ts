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

/**
 * Resolves with the diagnostics of `uri` once `predicate` holds for them, checking now and on
 * every `onDidChangeDiagnostics` for that document; rejects after a time limit.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = 15_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const current = vscode.languages.getDiagnostics(uri);
    if (predicate(current)) {
      resolve(current);
      return;
    }
    const timer = setTimeout(() => {
      subscription.dispose();
      const last = vscode.languages.getDiagnostics(uri).map((diagnostic) => `${String((diagnostic.code as { value: unknown })?.value)}: ${diagnostic.message}`);
      reject(new Error(`diagnostics for ${uri.fsPath} never matched within ${timeoutMs / 1000} s; last: ${JSON.stringify(last)}`));
    }, timeoutMs);
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) {
        const diagnostics = vscode.languages.getDiagnostics(uri);
        if (predicate(diagnostics)) {
          clearTimeout(timer);
          subscription.dispose();
          resolve(diagnostics);
        }
      }
    });
  });
}

/** The rule id of a Port Lens diagnostic. */
export function ruleOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

/** Writes a file into the workspace and returns its URI; remove it with `removeWorkspaceFile`. */
export async function writeWorkspaceFile(relativePath: string, text: string): Promise<vscode.Uri> {
  const uri = exampleUri(relativePath);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

export async function removeWorkspaceFile(uri: vscode.Uri): Promise<void> {
  await vscode.workspace.fs.delete(uri, { useTrash: false }).then(undefined, () => undefined);
}

/** Sets a Port Lens setting for the workspace and returns a function that restores it. */
export async function withSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('portLens');
  const previous = config.inspect(key)?.workspaceValue;
  await config.update(key, value, vscode.ConfigurationTarget.Workspace);
  return async () => {
    await config.update(key, previous, vscode.ConfigurationTarget.Workspace);
  };
}
