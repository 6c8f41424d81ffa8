/**
 * Wires Port Lens's providers into the editor. Activation only registers things: nothing is
 * scanned and no port data is read until a hover, a diagnostic pass or a view asks for it.
 */
import * as vscode from 'vscode';
import { CatalogView } from './editor/catalogView';
import { PortCodeActionProvider } from './editor/codeActions';
import { findPortItems, registerCommands } from './editor/commands';
import type { PortPickItem } from './editor/commands';
import { Commands, OUTPUT_CHANNEL_NAME, SUPPORTED_LANGUAGES, Views } from './editor/config';
import { DiagnosticsController } from './editor/diagnostics';
import { DocumentScans } from './editor/documentScans';
import { PortHoverProvider } from './editor/hoverProvider';
import { KnowledgeProvider } from './editor/knowledge';
import { PORT_INFO_SCHEME, PortInfoDocuments } from './editor/portInfoDocuments';
import { ProjectSettings } from './editor/projectSettings';
import { silenceSensitivePort } from './editor/silencePort';
import { WorkspacePorts } from './editor/workspacePorts';
import { WorkspacePortsView } from './editor/workspacePortsView';

/** What `activate` returns; integration tests use it to look inside. Not a public API. */
export interface PortLensApi {
  readonly activationMilliseconds: number;
  readonly knowledge: KnowledgeProvider;
  readonly diagnostics: DiagnosticsController;
  readonly workspacePorts: WorkspacePorts;
  readonly workspacePortsView: WorkspacePortsView;
  readonly catalogView: CatalogView;
  readonly findPortItems: (query: string) => PortPickItem[];
}

export function activate(context: vscode.ExtensionContext): PortLensApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const scans = new DocumentScans();
  const project = new ProjectSettings(log);
  const knowledge = new KnowledgeProvider(log, project);
  const diagnostics = new DiagnosticsController(knowledge, project, log);
  const workspacePorts = new WorkspacePorts(log, Views.workspacePorts);
  const workspacePortsView = new WorkspacePortsView(workspacePorts, knowledge);
  const catalogView = new CatalogView(knowledge);
  const workspaceTree = vscode.window.createTreeView(Views.workspacePorts, { treeDataProvider: workspacePortsView, showCollapseAll: true });
  const catalogTree = vscode.window.createTreeView(Views.catalog, { treeDataProvider: catalogView, showCollapseAll: true });
  const selector: vscode.DocumentSelector = SUPPORTED_LANGUAGES.flatMap((language) => [
    { language, scheme: 'file' },
    { language, scheme: 'untitled' },
  ]);
  context.subscriptions.push(
    log,
    project,
    scans,
    knowledge,
    diagnostics,
    workspacePorts,
    workspacePortsView,
    catalogView,
    workspaceTree,
    catalogTree,
    vscode.languages.registerHoverProvider(selector, new PortHoverProvider(scans, knowledge, log)),
    vscode.languages.registerCodeActionsProvider(selector, new PortCodeActionProvider(diagnostics, log), PortCodeActionProvider.metadata),
    vscode.commands.registerCommand(Commands.silenceSensitivePort, silenceSensitivePort),
    vscode.workspace.registerTextDocumentContentProvider(PORT_INFO_SCHEME, new PortInfoDocuments(knowledge)),
    ...registerCommands(knowledge, workspacePorts, workspacePortsView, workspaceTree as vscode.TreeView<unknown>),
  );
  // Documents already open are checked on the next turn, so activation itself stays instant.
  setTimeout(() => diagnostics.checkAllOpen(), 0);
  return {
    activationMilliseconds: performance.now() - started,
    knowledge,
    diagnostics,
    workspacePorts,
    workspacePortsView,
    catalogView,
    findPortItems: (query) => findPortItems(knowledge, query),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
