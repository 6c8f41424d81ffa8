/**
 * Checks that run inside the web-worker extension host, the one vscode.dev and github.dev use.
 * The workbench loads this bundle as the extension's test entry point and calls `run()`; each
 * check logs `✔ name` or `✘ name: reason`, and `run()` throws when any failed.
 * Bundled by `esbuild.js --tests` for the browser, so it may import only `vscode`.
 */
import * as vscode from 'vscode';
import type { PortLensApi } from '../../src/extension';

const EXTENSION_ID = 'port-lens.port-lens';
const TIMEOUT_MS = 30_000;

function check(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(message);
  }
}

function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  check(folder, 'the examples workspace is not open');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/** Waits for the extension to activate by itself, turn by turn of the worker's event loop. */
async function activated(): Promise<PortLensApi> {
  const extension = vscode.extensions.getExtension<PortLensApi>(EXTENSION_ID);
  check(extension, `${EXTENSION_ID} is not loaded in this host`);
  const deadline = Date.now() + TIMEOUT_MS;
  while (!extension.isActive) {
    check(Date.now() < deadline, `the extension did not activate within ${TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return extension.exports;
}

function ruleOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

/** Resolves once the document's diagnostics satisfy `predicate`, checked now and on each change. */
function diagnosticsWhere(uri: vscode.Uri, predicate: (all: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    if (predicate(vscode.languages.getDiagnostics(uri))) {
      resolve(vscode.languages.getDiagnostics(uri));
      return;
    }
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`diagnostics never matched; last: ${vscode.languages.getDiagnostics(uri).map(ruleOf).join(', ')}`));
    }, TIMEOUT_MS);
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString()) && predicate(vscode.languages.getDiagnostics(uri))) {
        clearTimeout(timer);
        subscription.dispose();
        resolve(vscode.languages.getDiagnostics(uri));
      }
    });
  });
}

async function openAt(relativePath: string, needle: string, offset: number): Promise<{ document: vscode.TextDocument; position: vscode.Position }> {
  const document = await vscode.workspace.openTextDocument(workspaceFile(relativePath));
  await vscode.window.showTextDocument(document);
  const index = document.getText().indexOf(needle);
  check(index >= 0, `"${needle}" is not in ${relativePath}`);
  return { document, position: document.positionAt(index + offset) };
}

function hoverMarkdown(hovers: readonly vscode.Hover[] | undefined): string {
  return (hovers ?? []).flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : 'value' in content ? content.value : ''))).join('\n');
}

const CHECKS: readonly (readonly [string, () => Promise<void>])[] = [
  ['runs in a web worker, without Node', async () => {
    // Opening a Compose file is what activates the extension, as it does for a user.
    await openAt('compose.yaml', '"5432:5432"', 0);
    await activated();
    check(typeof (globalThis as { process?: unknown }).process === 'undefined', 'this host has a Node `process`');
    check(typeof (globalThis as { importScripts?: unknown }).importScripts === 'function', 'this host is not a web worker');
    check(vscode.env.uiKind === vscode.UIKind.Web, 'the workbench is not the web one');
  }],
  ['hovers a Compose port with what runs there', async () => {
    const { document, position } = await openAt('compose.yaml', '"5432:5432"', 8);
    await activated();
    const text = hoverMarkdown(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position));
    check(/PostgreSQL/.test(text), `the hover does not name PostgreSQL: ${text.slice(0, 200)}`);
  }],
  ['reports a database published to the world', async () => {
    const { document } = await openAt('compose.yaml', '"5432:5432"', 0);
    await activated();
    const diagnostics = await diagnosticsWhere(document.uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
    check(diagnostics.some((diagnostic) => /PostgreSQL/.test(diagnostic.message)), 'no PostgreSQL finding');
  }],
  ['offers to publish the Redis mapping on 127.0.0.1 only', async () => {
    const { document, position } = await openAt('compose.yaml', '6379:6379', 2);
    await activated();
    await diagnosticsWhere(document.uri, (all) => all.some((diagnostic) => diagnostic.range.contains(position)));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(position, position));
    const titles = (actions ?? []).map((action) => action.title);
    check(titles.some((title) => /127\.0\.0\.1/.test(title)), `no loopback fix among ${JSON.stringify(titles)}`);
  }],
  ['lists the workspace ports in the sidebar, read through the workspace file system', async () => {
    await vscode.commands.executeCommand('portLens.workspacePorts.focus');
    const api = await activated();
    const summary = await api.workspacePorts.ensureScanned();
    check(summary.filesScanned > 0, 'the scan read no file');
    const roots = await api.workspacePortsView.getChildren();
    check(roots.some((node) => node.kind === 'port' && node.port === 5432), 'port 5432 is not listed');
  }],
  ['reads a rule page bundled with the extension, for the Problems panel\'s rule link', async () => {
    await activated();
    const page = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'port-lens-rule', path: '/sensitive-port-exposed.md' }));
    check(page.getText().startsWith('# sensitive-port-exposed\n'), `the page reads: ${page.getText().slice(0, 120)}`);
    check(page.getText().includes('## Bad'), 'the page has no examples');
  }],
  ['finds a port in the catalogue', async () => {
    const api = await activated();
    const labels = api.findPortItems('redis').map((item) => item.label);
    check(labels.some((label) => label.includes('6379')), `Find Port did not offer 6379: ${JSON.stringify(labels.slice(0, 5))}`);
  }],
];

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, body] of CHECKS) {
    try {
      await body();
      console.log(`✔ ${name}`);
    } catch (error) {
      failures.push(name);
      console.log(`✘ ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  if (failures.length > 0) {
    throw new Error(`${failures.length} of ${CHECKS.length} web worker checks failed`);
  }
}
