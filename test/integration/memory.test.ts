/**
 * Documents come and go all day; nothing Port Lens keeps for one may outlive it. Five hundred
 * risky documents are opened, checked and closed one after another: afterwards the extension's
 * diagnostic collection holds none of them and the heap has not grown by more than a bound.
 * The growth is reported as `memoryHeapGrowthMB`.
 */
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import * as vscode from 'vscode';
import { closeAllEditors, waitForActivation, waitForDiagnostics } from './helpers';
import { measurements } from './index';

const DOCUMENTS = 500;
const WARM_UP_DOCUMENTS = 20;
const HEAP_GROWTH_LIMIT_MB = 50;

/**
 * A full collection, so the figure is what is still reachable rather than what the collector
 * has not got round to. The extension host starts without `--expose-gc`; the flag can still be
 * set at run time, and a fresh context then sees `gc`.
 */
function collectGarbage(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as (() => void) | undefined;
  }
  // Twice: the first pass can leave objects that finalizers only then release.
  gc?.();
  gc?.();
}

function heapUsedMB(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

/** Resolves when VS Code reports `uri` closed; subscribe before closing so the event is not missed. */
function closeEvent(uri: vscode.Uri): Promise<void> {
  return new Promise((resolve) => {
    const subscription = vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.toString() === uri.toString()) {
        subscription.dispose();
        resolve();
      }
    });
  });
}

/**
 * Opens one untitled Dockerfile with a sensitive port, waits for its diagnostics, closes it and
 * waits until they are gone. An untitled document is disposed as soon as its editor is reverted
 * and closed, so its close event comes at once (a file's document can linger for minutes).
 */
async function openCheckAndClose(index: number): Promise<vscode.Uri> {
  const document = await vscode.workspace.openTextDocument({ language: 'dockerfile', content: `FROM alpine:3.20\n# document ${index}\nEXPOSE 2375 ${8000 + index}\n` });
  await vscode.window.showTextDocument(document, { preview: false });
  await waitForDiagnostics(document.uri, (all) => all.some((diagnostic) => diagnostic.message.includes('2375')));
  const closed = closeEvent(document.uri);
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await closed;
  await waitForDiagnostics(document.uri, (all) => all.length === 0);
  return document.uri;
}

function collectionEntries(collection: vscode.DiagnosticCollection): vscode.Uri[] {
  const uris: vscode.Uri[] = [];
  collection.forEach((uri) => uris.push(uri));
  return uris;
}

describe('Memory as documents open and close', function () {
  // About a quarter of a second per document in the served editor.
  this.timeout(300_000);

  before(async () => {
    await closeAllEditors();
  });

  it(`keeps nothing for ${DOCUMENTS} risky documents once they are closed`, async () => {
    const first = await openCheckAndClose(-1);
    const api = await waitForActivation();
    // Lazily loaded data (the port registry) and compiled code are part of the baseline.
    const warmUp: vscode.Uri[] = [first];
    for (let index = 0; index < WARM_UP_DOCUMENTS; index++) {
      warmUp.push(await openCheckAndClose(index - WARM_UP_DOCUMENTS - 1));
    }
    const entriesBefore = collectionEntries(api.diagnostics.collection).length;
    const heapBefore = heapUsedMB();
    const started = Date.now();

    const opened = new Set<string>(warmUp.map((uri) => uri.toString()));
    for (let index = 0; index < DOCUMENTS; index++) {
      opened.add((await openCheckAndClose(index)).toString());
    }

    const elapsedSeconds = (Date.now() - started) / 1000;
    const heapGrowth = heapUsedMB() - heapBefore;
    measurements.memoryHeapGrowthMB = Math.round(heapGrowth * 100) / 100;
    measurements.memoryDocumentsPerSecond = Math.round(DOCUMENTS / elapsedSeconds);

    const entries = collectionEntries(api.diagnostics.collection);
    const leftOver = entries.filter((uri) => opened.has(uri.toString()));
    assert.deepEqual(leftOver.map((uri) => uri.toString()), [], 'a closed document still has diagnostics in the collection');
    assert.ok(entries.length <= entriesBefore, `the collection grew from ${entriesBefore} to ${entries.length} entries`);
    assert.equal(vscode.workspace.textDocuments.filter((document) => opened.has(document.uri.toString())).length, 0, 'every test document is closed');
    assert.ok(heapGrowth < HEAP_GROWTH_LIMIT_MB, `the extension host heap grew by ${heapGrowth.toFixed(1)} MB over ${DOCUMENTS} documents`);
  });
});
