/**
 * Wires Port Lens's providers into the editor. Activation only registers things: nothing is
 * scanned and no port data is read until a hover, a diagnostic pass or a view asks for it.
 */
import * as vscode from 'vscode';
import { CatalogView } from './editor/catalogView';
import { PortCodeActionProvider } from './editor/codeActions';
import { findPortItems, registerCommands } from './editor/commands';
import { registerWalkthrough } from './editor/walkthrough';
import { declareSoftware } from './editor/declareSoftware';
import type { PortPickItem } from './editor/commands';
import { Commands, OUTPUT_CHANNEL_NAME, SUPPORTED_LANGUAGES, Views } from './editor/config';
import { PortDefinitionProvider } from './editor/definitionProvider';
import { DiagnosticsController } from './editor/diagnostics';
import { DocumentScans } from './editor/documentScans';
import { openLocation, PortHoverProvider } from './editor/hoverProvider';
import { KnowledgeProvider } from './editor/knowledge';
import { PORT_INFO_SCHEME, PortInfoDocuments } from './editor/portInfoDocuments';
import { RULE_HELP_SCHEME, RuleHelpDocuments, showRuleHelp } from './editor/ruleHelp';
import { PortMapView } from './editor/portMapView';
import { ProjectSettings } from './editor/projectSettings';
import { PortReferenceProvider } from './editor/referenceProvider';
import { silenceSensitivePort } from './editor/silencePort';
import { WorkspaceGraph } from './editor/workspaceGraph';
import { WorkspacePorts } from './editor/workspacePorts';
import { WorkspacePortsView } from './editor/workspacePortsView';

/** What `activate` returns; integration tests use it to look inside. Not a public API. */
export interface PortLensApi {
  readonly activationMilliseconds: number;
  readonly knowledge: KnowledgeProvider;
  readonly diagnostics: DiagnosticsController;
  readonly workspacePorts: WorkspacePorts;
  readonly workspaceGraph: WorkspaceGraph;
  readonly workspacePortsView: WorkspacePortsView;
  readonly catalogView: CatalogView;
  readonly portMapView: PortMapView;
  readonly findPortItems: (query: string) => PortPickItem[];
}

export function activate(context: vscode.ExtensionContext): PortLensApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel(OUTPUT_CHANNEL_NAME, { log: true });
  const scans = new DocumentScans();
  const project = new ProjectSettings(log);
  const knowledge = new KnowledgeProvider(log, project);
  const workspacePorts = new WorkspacePorts(log, Views.workspacePorts);
  // One model of how the workspace's ports are wired, fed by the workspace scan and the open documents.
  const workspaceGraph = new WorkspaceGraph(workspacePorts, knowledge, project, log);
  const diagnostics = new DiagnosticsController(knowledge, project, workspaceGraph, log);
  const workspacePortsView = new WorkspacePortsView(workspacePorts, knowledge, (file, range) => workspaceGraph.sensitiveGradeAt(file, range), workspaceGraph.onDidChange);
  const catalogView = new CatalogView(knowledge);
  const workspaceTree = vscode.window.createTreeView(Views.workspacePorts, { treeDataProvider: workspacePortsView, showCollapseAll: true });
  const catalogTree = vscode.window.createTreeView(Views.catalog, { treeDataProvider: catalogView, showCollapseAll: true });
  // The Port Map reads the workspace the first time it is shown.
  const portMapView = new PortMapView(workspaceGraph, log);
  const portMapTree = vscode.window.createTreeView(Views.portMap, { treeDataProvider: portMapView, showCollapseAll: true });
  // Any scheme: `file` on the desktop, `vscode-remote` in remotes, `vscode-vfs` on vscode.dev and github.dev.
  const selector: vscode.DocumentSelector = SUPPORTED_LANGUAGES.map((language) => ({ language }));
  context.subscriptions.push(
    log,
    project,
    scans,
    knowledge,
    diagnostics,
    workspacePorts,
    workspaceGraph,
    workspacePortsView,
    catalogView,
    workspaceTree,
    catalogTree,
    vscode.languages.registerHoverProvider(selector, new PortHoverProvider(scans, knowledge, workspaceGraph, log)),
    vscode.languages.registerCodeActionsProvider(selector, new PortCodeActionProvider(diagnostics, log), PortCodeActionProvider.metadata),
    vscode.commands.registerCommand(Commands.silenceSensitivePort, silenceSensitivePort),
    vscode.commands.registerCommand(Commands.declareSoftware, declareSoftware),
    portMapView,
    portMapTree,
    vscode.languages.registerDefinitionProvider(selector, new PortDefinitionProvider(workspaceGraph, log)),
    vscode.languages.registerReferenceProvider(selector, new PortReferenceProvider(workspaceGraph, log)),
    vscode.commands.registerCommand(Commands.openLocation, openLocation),
    vscode.commands.registerCommand(Commands.openFarEnd, (node) => portMapView.openFarEnd(node)),
    vscode.commands.registerCommand(Commands.openNodeDefinition, (node) => portMapView.openDefinition(node)),
    vscode.workspace.registerTextDocumentContentProvider(PORT_INFO_SCHEME, new PortInfoDocuments(knowledge)),
    vscode.workspace.registerTextDocumentContentProvider(RULE_HELP_SCHEME, new RuleHelpDocuments(context.extensionUri)),
    vscode.commands.registerCommand(Commands.showRuleHelp, showRuleHelp),
    ...registerCommands(knowledge, workspacePorts, workspacePortsView, workspaceTree as vscode.TreeView<unknown>),
    ...registerWalkthrough(),
  );
  // Documents already open are checked on the next turn, so activation itself stays instant.
  setTimeout(() => diagnostics.checkAllOpen(), 0);
  return {
    activationMilliseconds: performance.now() - started,
    knowledge,
    diagnostics,
    workspacePorts,
    workspaceGraph,
    workspacePortsView,
    catalogView,
    portMapView,
    findPortItems: (query) => findPortItems(knowledge, query),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
