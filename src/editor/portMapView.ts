/**
 * The Port Map view: each Compose project and Kubernetes namespace, what each of its services,
 * workloads and Services listens on and publishes, and every wire to or from it, with the broken
 * ones marked. It reads the workspace the first time it is shown, never at activation.
 */
import * as vscode from 'vscode';
import { escapeMarkdown } from '../core/hover';
import type { PortDiagnostic } from '../core/rules/types';
import type { GraphEdge, GraphNode, ModelLocation, PortMapGroup, WorkspaceModel } from '../core/wiring/graph';
import { describePorts } from '../core/wiring/listening';
import type { ListeningPort } from '../core/wiring/listening';
import { baseNameOf, slashed } from '../core/wiring/paths';
import { ContextKeys } from './config';
import { rangeInModel } from './definitionProvider';
import { modelFileName } from './workspaceGraph';
import type { WorkspaceGraph } from './workspaceGraph';

export type PortMapNode =
  | { readonly kind: 'group'; readonly id: string; readonly group: PortMapGroup; readonly label: string }
  | { readonly kind: 'node'; readonly id: string; readonly parent: PortMapNode; readonly group: PortMapGroup; readonly node: GraphNode }
  | { readonly kind: 'listen'; readonly id: string; readonly parent: PortMapNode; readonly group: PortMapGroup; readonly node: GraphNode; readonly entry: ListeningPort }
  | {
      readonly kind: 'publish';
      readonly id: string;
      readonly parent: PortMapNode;
      readonly group: PortMapGroup;
      readonly node: GraphNode;
      readonly label: string;
      readonly location: ModelLocation;
      /** The checks of this mapping: its container port, and the host firewall it may skip. */
      readonly edges: readonly GraphEdge[];
    }
  | { readonly kind: 'wire'; readonly id: string; readonly parent: PortMapNode; readonly group: PortMapGroup; readonly node: GraphNode; readonly edge: GraphEdge; readonly direction: 'out' | 'in' };

const NODE_ICONS: Readonly<Record<GraphNode['kind'], string>> = { 'compose-service': 'server-process', workload: 'package', service: 'plug' };
const PUBLISH_EDGE_KINDS: ReadonlySet<GraphEdge['kind']> = new Set(['publish-container', 'publish-firewall']);

/** A path as the workspace shows it: relative to its folder, the folder's own name for the folder itself. */
function workspaceRelative(fileName: string): string {
  const name = slashed(fileName);
  const folders = vscode.workspace.workspaceFolders ?? [];
  for (const folder of folders) {
    const root = modelFileName(folder.uri).replace(/\/$/, '');
    if (name === root) {
      return folder.name;
    }
    if (name.startsWith(`${root}/`)) {
      const rest = name.slice(root.length + 1);
      return folders.length > 1 ? `${folder.name}/${rest}` : rest;
    }
  }
  return name;
}

/** A file as seen from its group: relative to a Compose project's directory, else to the workspace. */
function shownFrom(group: PortMapGroup, fileName: string): string {
  if (group.kind === 'compose') {
    const directory = slashed(group.label).replace(/\/+$/, '');
    const file = slashed(fileName);
    if (directory !== '' && file.startsWith(`${directory}/`)) {
      return file.slice(directory.length + 1);
    }
  }
  return workspaceRelative(fileName);
}

function portText(port: number | string): string {
  return typeof port === 'number' ? String(port) : `"${port}"`;
}

const SEVERITY_ICONS: Readonly<Record<PortDiagnostic['severity'], vscode.ThemeIcon>> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  info: new vscode.ThemeIcon('info'),
};

export class PortMapView implements vscode.TreeDataProvider<PortMapNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<PortMapNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly graph: WorkspaceGraph,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions = [this.changeEmitter, graph.onDidChange(() => this.changeEmitter.fire(undefined))];
  }

  private get model(): WorkspaceModel {
    return this.graph.model;
  }

  async getChildren(node?: PortMapNode): Promise<PortMapNode[]> {
    if (!node) {
      try {
        await this.graph.ensureStarted();
      } catch (error) {
        this.log.error(`The Port Map could not read the workspace: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
      void vscode.commands.executeCommand('setContext', ContextKeys.portMapLoaded, true);
      return this.groups();
    }
    switch (node.kind) {
      case 'group':
        return this.nodesOf(node);
      case 'node':
        return this.childrenOf(node);
      default:
        return [];
    }
  }

  getParent(node: PortMapNode): PortMapNode | undefined {
    return node.kind === 'group' ? undefined : node.parent;
  }

  private groups(): PortMapNode[] {
    const groups = this.model.portMap();
    const labels = groups.map((group) => (group.kind === 'compose' ? workspaceRelative(group.label) : group.label));
    const used = new Set<string>();
    return groups.map((group, index) => {
      // Compose files outside a project (`compose.prod.yaml`) form groups of their own in the same directory.
      const clash = labels.some((other, otherIndex) => otherIndex !== index && other === labels[index] && groups[otherIndex].kind === group.kind);
      const label = clash && group.nodes[0] ? `${labels[index]} (${baseNameOf(slashed(group.nodes[0].location.fileName))})` : labels[index];
      const shown = group.kind === 'kubernetes' && group.label !== '(no namespace)' ? `namespace ${label}` : label;
      return { kind: 'group' as const, id: unique(used, `group:${group.kind}:${label}`), group, label: shown };
    });
  }

  private nodesOf(parent: Extract<PortMapNode, { kind: 'group' }>): PortMapNode[] {
    const used = new Set<string>();
    return parent.group.nodes.map((node) => ({ kind: 'node' as const, id: unique(used, `${parent.id}|${node.id}`), parent, group: parent.group, node }));
  }

  private childrenOf(parent: Extract<PortMapNode, { kind: 'node' }>): PortMapNode[] {
    const { group, node } = parent;
    const children: PortMapNode[] = [];
    (node.listens ?? []).forEach((entry, index) => {
      children.push({ kind: 'listen', id: `${parent.id}|listen|${index}`, parent, group, node, entry });
    });
    const ownEdges = group.edges.filter((edge) => edge.from === node.id);
    const publishEdges = ownEdges.filter((edge) => PUBLISH_EDGE_KINDS.has(edge.kind));
    const attached = new Set<GraphEdge>();
    node.publishes.forEach((publish, index) => {
      // A Service's ports are what it listens on: listed once, with their names.
      if (node.kind === 'service' && (node.listens ?? []).some((entry) => sameLocation(entry.evidence, publish.location))) {
        return;
      }
      const edges = publishEdges.filter((edge) => edge.location.fileName === publish.location.fileName
        && edge.location.range.start >= publish.location.range.start && edge.location.range.end <= publish.location.range.end);
      edges.forEach((edge) => attached.add(edge));
      children.push({ kind: 'publish', id: `${parent.id}|publish|${index}`, parent, group, node, label: publish.label, location: publish.location, edges });
    });
    ownEdges.filter((edge) => !attached.has(edge)).forEach((edge, index) => {
      children.push({ kind: 'wire', id: `${parent.id}|dials|${index}`, parent, group, node, edge, direction: 'out' });
    });
    // nginx configs and Ingresses are not nodes: their wires are listed at the node they reach.
    group.edges.filter((edge) => edge.from === undefined && edge.to === node.id).forEach((edge, index) => {
      children.push({ kind: 'wire', id: `${parent.id}|dialledBy|${index}`, parent, group, node, edge, direction: 'in' });
    });
    return children;
  }

  getTreeItem(element: PortMapNode): vscode.TreeItem {
    switch (element.kind) {
      case 'group':
        return this.groupItem(element);
      case 'node':
        return this.nodeItem(element);
      case 'listen':
        return this.listenItem(element);
      case 'publish':
        return this.publishItem(element);
      case 'wire':
        return this.wireItem(element);
    }
  }

  private groupItem(element: Extract<PortMapNode, { kind: 'group' }>): vscode.TreeItem {
    const { group } = element;
    const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = element.id;
    const count = group.nodes.length;
    const what = group.kind === 'compose' ? `Compose · ${count} ${count === 1 ? 'service' : 'services'}` : `Kubernetes · ${count} ${count === 1 ? 'object' : 'objects'}`;
    const broken = group.edges.filter((edge) => edge.ok === false).length;
    item.description = broken > 0 ? `${what} · ${broken} broken` : what;
    item.iconPath = new vscode.ThemeIcon(group.kind === 'compose' ? 'layers' : 'symbol-namespace');
    item.tooltip = group.kind === 'compose' ? `Compose project in ${workspaceRelative(group.label)}` : `Kubernetes namespace ${group.label}`;
    item.contextValue = 'portMapGroup';
    return item;
  }

  private nodeItem(element: Extract<PortMapNode, { kind: 'node' }>): vscode.TreeItem {
    const { node } = element;
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = element.id;
    const listens = node.listens === undefined ? 'listens on ? (not known)' : node.listens.length > 0 ? `listens on ${describePorts(node.listens)}` : 'listens on nothing';
    const broken = this.childrenOf(element).filter((child) => this.isBroken(child)).length;
    item.description = listens;
    // The broken wires are listed below it; the icon says there are some before it is expanded.
    item.iconPath = new vscode.ThemeIcon(NODE_ICONS[node.kind], broken > 0 ? new vscode.ThemeColor('list.errorForeground') : undefined);
    const tooltip = new vscode.MarkdownString(`**${escapeMarkdown(node.name)}**${node.image ? ` · \`${node.image.replace(/`/g, "'")}\`` : ''}\n\n${escapeMarkdown(listens)}`, true);
    if (broken > 0) {
      tooltip.appendMarkdown(`\n\n$(error) ${broken} broken ${broken === 1 ? 'wire' : 'wires'}`);
    }
    if (node.hostNetwork) {
      tooltip.appendMarkdown('\n\nHost networking: it listens on the host\'s interfaces.');
    }
    tooltip.appendMarkdown(`\n\n${escapeMarkdown(`${shownFrom(element.group, node.location.fileName)}${this.lineSuffix(node.location.fileName, node.location.range)}`)}`);
    item.tooltip = tooltip;
    // A click expands it; its definition is one action away (Go to Definition).
    item.contextValue = 'portMapNode';
    return item;
  }

  private listenItem(element: Extract<PortMapNode, { kind: 'listen' }>): vscode.TreeItem {
    const { entry } = element;
    const named = element.node.kind === 'service' ? element.node.publishes.find((publish) => sameLocation(entry.evidence, publish.location)) : undefined;
    const item = new vscode.TreeItem(`listens on ${named ? named.label : describePorts([entry])}`, vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    const evidence = entry.evidence;
    item.description = evidence.fileName ? `${evidence.label} in ${shownFrom(element.group, evidence.fileName)}` : evidence.label;
    item.iconPath = new vscode.ThemeIcon(evidence.kind === 'image' ? 'library' : 'radio-tower');
    item.tooltip = evidence.kind === 'image'
      ? `Known from the image: ${evidence.label}. A different command or a *PORT* variable would make this unknown.`
      : `${evidence.label}${evidence.fileName ? ` in ${shownFrom(element.group, evidence.fileName)}${this.lineSuffix(evidence.fileName, evidence.range)}` : ''}`;
    if (evidence.fileName && evidence.range) {
      item.command = this.openCommand({ fileName: evidence.fileName, range: evidence.range });
    }
    item.contextValue = 'portMapListen';
    return item;
  }

  private publishItem(element: Extract<PortMapNode, { kind: 'publish' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(`publishes ${element.label}`, vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    const broken = element.edges.filter((edge) => edge.ok === false);
    item.description = `${shownFrom(element.group, element.location.fileName)}${this.lineSuffix(element.location.fileName, element.location.range)}`;
    const tooltip = new vscode.MarkdownString(`**publishes ${escapeMarkdown(element.label)}**`, true);
    let icon: vscode.ThemeIcon = new vscode.ThemeIcon('broadcast');
    for (const edge of broken) {
      const finding = this.findingOf(edge);
      icon = finding ? SEVERITY_ICONS[finding.severity] : icon;
      tooltip.appendMarkdown(`\n\n${this.brokenText(edge, finding)}`);
    }
    item.iconPath = icon;
    item.tooltip = tooltip;
    item.command = this.openCommand(element.location);
    // Only a checked mapping has another end to go to.
    item.contextValue = broken.length > 0 ? 'portMapWire.broken' : element.edges.length > 0 ? 'portMapPublish' : 'portMapPort';
    return item;
  }

  private wireItem(element: Extract<PortMapNode, { kind: 'wire' }>): vscode.TreeItem {
    const { edge, group } = element;
    const target = group.nodes.find((candidate) => candidate.id === edge.to);
    const targetName = target?.name ?? edge.to;
    const where = `${shownFrom(group, edge.location.fileName)}${this.lineSuffix(edge.location.fileName, edge.location.range)}`;
    let label: string;
    if (element.direction === 'in') {
      label = `dialled by ${shownFrom(group, edge.location.fileName)}`;
    } else if (edge.kind === 'probe') {
      label = `probes ${portText(edge.port)}`;
    } else if (edge.kind === 'healthcheck') {
      label = `healthcheck dials ${portText(edge.port)}`;
    } else if (edge.kind === 'service-pods') {
      label = `forwards to ${targetName}:${edge.port}`;
    } else {
      label = `dials ${targetName}:${edge.port}`;
    }
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    item.description = edge.label;
    const tooltip = new vscode.MarkdownString(`**${escapeMarkdown(edge.label)}**\n\n${escapeMarkdown(where)}`, true);
    if (edge.ok === false) {
      const finding = this.findingOf(edge);
      item.iconPath = finding ? SEVERITY_ICONS[finding.severity] : new vscode.ThemeIcon('debug-disconnect');
      tooltip.appendMarkdown(`\n\n${this.brokenText(edge, finding)}`);
    } else if (edge.ok === true) {
      item.iconPath = new vscode.ThemeIcon(element.direction === 'in' ? 'arrow-left' : 'arrow-right');
      const served = edge.served.map((location) => `${shownFrom(group, location.fileName)}${this.lineSuffix(location.fileName, location.range)}`);
      tooltip.appendMarkdown(`\n\n$(check) Wired: ${escapeMarkdown(targetName)} listens on ${escapeMarkdown(portText(edge.port))}${served.length > 0 ? ` (${escapeMarkdown(served.join(', '))})` : ''}`);
    } else {
      item.iconPath = new vscode.ThemeIcon('question');
      tooltip.appendMarkdown(`\n\n$(question) Not checked: what ${escapeMarkdown(targetName)} listens on is not known`);
    }
    item.tooltip = tooltip;
    item.command = this.openCommand(edge.location);
    item.contextValue = edge.ok === false ? 'portMapWire.broken' : 'portMapWire';
    return item;
  }

  /** Opens where a service, workload or Service is defined, for its context menu. */
  async openDefinition(element: PortMapNode | undefined): Promise<void> {
    const command = element && element.kind !== 'group' ? this.openCommand(element.node.location) : undefined;
    if (command) {
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    }
  }

  /** Opens where a wire's far end listens, for the item's context menu. */
  async openFarEnd(element: PortMapNode | undefined): Promise<void> {
    const target = element?.kind === 'wire' ? element.edge.served[0] : element?.kind === 'publish' ? element.edges[0]?.served[0] : undefined;
    const command = target ? this.openCommand(target) : undefined;
    if (command) {
      await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    }
  }

  private isBroken(element: PortMapNode): boolean {
    return (element.kind === 'wire' && element.edge.ok === false) || (element.kind === 'publish' && element.edges.some((edge) => edge.ok === false));
  }

  /** The finding a broken wire raised, for its message and severity; none when it is silenced. */
  private findingOf(edge: GraphEdge): PortDiagnostic | undefined {
    if (!edge.rule) {
      return undefined;
    }
    return this.model.diagnosticsFor(edge.location.fileName).find((diagnostic) => diagnostic.rule === edge.rule
      && diagnostic.range.start <= edge.location.range.start && diagnostic.range.end >= edge.location.range.end);
  }

  private brokenText(edge: GraphEdge, finding: PortDiagnostic | undefined): string {
    if (finding) {
      return `$(${finding.severity}) ${escapeMarkdown(finding.message)}\n\n\`${finding.rule}\``;
    }
    return `$(debug-disconnect) Broken wire${edge.rule ? ` (\`${edge.rule}\`, silenced here)` : ''}`;
  }

  private lineSuffix(fileName: string, range: ModelLocation['range'] | undefined): string {
    if (!range) {
      return '';
    }
    const lines = this.model.lineIndexOf(fileName);
    return lines ? `:${lines.positionAt(range.start).line + 1}` : '';
  }

  private openCommand(location: ModelLocation): vscode.Command | undefined {
    const range = rangeInModel(this.model, location);
    if (!range) {
      return undefined;
    }
    return { command: 'vscode.open', title: 'Open', arguments: [this.graph.uriOf(location.fileName), { selection: range, preview: true }] };
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }
}

function sameLocation(evidence: { readonly fileName?: string; readonly range?: ModelLocation['range'] }, location: ModelLocation): boolean {
  return evidence.fileName === location.fileName && evidence.range?.start === location.range.start && evidence.range.end === location.range.end;
}

/** `id`, or `id#2`, `id#3`… when a group holds two objects of one name (a base and an overlay). */
function unique(used: Set<string>, id: string): string {
  let candidate = id;
  for (let count = 2; used.has(candidate); count++) {
    candidate = `${id}#${count}`;
  }
  used.add(candidate);
  return candidate;
}
