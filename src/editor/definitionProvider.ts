/**
 * Go to Definition on a dialled port: from `proxy_pass http://api:5000`, an environment URL, a
 * Service `targetPort`, an Ingress backend or a probe to where the far end listens on it.
 */
import * as vscode from 'vscode';
import type { ModelLocation, WorkspaceModel } from '../core/wiring/graph';
import { readDocumentConfig } from './config';
import { modelFileName } from './workspaceGraph';
import type { WorkspaceGraph } from './workspaceGraph';

/** How long a request waits for the model to catch up with an edit before it gives up. */
const CATCH_UP_LIMIT_MS = 3000;

/** A range of the model, in the text the model was fed with, as an editor range. */
export function rangeInModel(model: WorkspaceModel, location: ModelLocation): vscode.Range | undefined {
  const lines = model.lineIndexOf(location.fileName);
  if (!lines) {
    return undefined;
  }
  const start = lines.positionAt(location.range.start);
  const end = lines.positionAt(location.range.end);
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

/**
 * A model location as an editor location. Offsets are positions in the text the model holds, so
 * the model's own line index converts them, whether or not the file is open.
 */
export function locationInGraph(graph: WorkspaceGraph, location: ModelLocation): vscode.Location | undefined {
  const range = rangeInModel(graph.model, location);
  return range ? new vscode.Location(graph.uriOf(location.fileName), range) : undefined;
}

/**
 * The offset of `position` in the text the model holds for `document`, once that text is the
 * document's own. After an edit the model is fed a moment later, so this waits (briefly) for it;
 * a file the model does not hold answers at once, since waiting would only delay other providers.
 */
export async function offsetInModel(graph: WorkspaceGraph, document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<number | undefined> {
  // Switched off for the document: its edits are not fed to the model, so they would never match.
  if (!readDocumentConfig(document).enable) {
    return undefined;
  }
  await graph.ensureStarted();
  const name = modelFileName(document.uri);
  const matches = () => graph.model.textOf(name) === document.getText();
  if (token.isCancellationRequested || !graph.model.has(name)) {
    return undefined;
  }
  if (!matches()) {
    const caughtUp = await new Promise<boolean>((resolve) => {
      const finish = (result: boolean) => {
        clearTimeout(timer);
        changed.dispose();
        cancelled.dispose();
        resolve(result);
      };
      const timer = setTimeout(() => finish(false), CATCH_UP_LIMIT_MS);
      const changed = graph.onDidChange(() => {
        if (matches()) {
          finish(true);
        }
      });
      const cancelled = token.onCancellationRequested(() => finish(false));
    });
    if (!caughtUp) {
      return undefined;
    }
  }
  return document.offsetAt(position);
}

export class PortDefinitionProvider implements vscode.DefinitionProvider {
  constructor(
    private readonly graph: WorkspaceGraph,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideDefinition(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Location[] | undefined> {
    try {
      const offset = await offsetInModel(this.graph, document, position, token);
      if (offset === undefined || token.isCancellationRequested) {
        return undefined;
      }
      const found = this.graph.model.definitionsAt(modelFileName(document.uri), offset)
        .map((location) => locationInGraph(this.graph, location))
        .filter((location): location is vscode.Location => location !== undefined);
      return found.length > 0 ? found : undefined;
    } catch (error) {
      this.log.error(`Go to Definition failed in ${document.uri.toString()}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return undefined;
    }
  }
}
