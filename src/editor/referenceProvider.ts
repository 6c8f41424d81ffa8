/**
 * Find All References on a port: every place in the workspace that listens on it or dials it,
 * from whichever end the cursor is on.
 */
import type * as vscode from 'vscode';
import type { ModelLocation } from '../core/wiring/graph';
import { locationInGraph, offsetInModel } from './definitionProvider';
import { modelFileName } from './workspaceGraph';
import type { WorkspaceGraph } from './workspaceGraph';

export class PortReferenceProvider implements vscode.ReferenceProvider {
  constructor(
    private readonly graph: WorkspaceGraph,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideReferences(document: vscode.TextDocument, position: vscode.Position, context: vscode.ReferenceContext, token: vscode.CancellationToken): Promise<vscode.Location[] | undefined> {
    try {
      const offset = await offsetInModel(this.graph, document, position, token);
      if (offset === undefined || token.isCancellationRequested) {
        return undefined;
      }
      const model = this.graph.model;
      let found: readonly ModelLocation[] = model.referencesAt(modelFileName(document.uri), offset);
      if (!context.includeDeclaration) {
        // The declarations of a port are where it is listened on; a dial has somewhere to go to.
        found = found.filter((location) => model.definitionsAt(location.fileName, location.range.start).length > 0);
      }
      const locations = found
        .map((location) => locationInGraph(this.graph, location))
        .filter((location): location is vscode.Location => location !== undefined);
      return locations.length > 0 ? locations : undefined;
    } catch (error) {
      this.log.error(`Find References failed in ${document.uri.toString()}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return undefined;
    }
  }
}
