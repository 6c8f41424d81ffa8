import * as vscode from 'vscode';
import { describeReference } from '../core/hover';
import { displayName } from '../core/ports/knowledgeBase';
import type { KnowledgeBase } from '../core/ports/knowledgeBase';
import type { SensitiveSeverity } from '../core/ports/portData';
import { judgedRisk } from '../core/rules/softwareEvidence';
import { baseNameOf } from '../core/wiring/paths';
import type { Occurrence } from '../core/workspaceIndex';
import { Commands, ContextKeys } from './config';
import type { KnowledgeProvider } from './knowledge';
import type { WorkspacePorts } from './workspacePorts';

export type GroupBy = 'port' | 'file';

export type WorkspacePortNode =
  | { readonly kind: 'port'; readonly id: string; readonly port: number; readonly endPort: number; readonly protocol: string; readonly occurrences: readonly Occurrence[] }
  | { readonly kind: 'file'; readonly id: string; readonly file: string; readonly occurrences: readonly Occurrence[] }
  | { readonly kind: 'occurrence'; readonly id: string; readonly occurrence: Occurrence; readonly parent: WorkspacePortNode };

const SEVERITY_ICONS = {
  high: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.errorForeground')),
  medium: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  low: new vscode.ThemeIcon('info'),
} as const;

/** Strips `$(icon)` syntax, which tree tooltips in Markdown render but plain labels do not. */
function withoutIcons(text: string): string {
  return text.replace(/\$\([a-z-]+\)\s?/g, '');
}

/** Grades of the ports the workspace model judges with a neighbouring file; `undefined` until it can say. */
export type ModelGrades = (file: string, range: { readonly start: number; readonly end: number }) => SensitiveSeverity | null | undefined;

/** A port's risk grade as the rule judges it: from the file, or from the workspace model where the file leaves it there. */
function riskOf(knowledgeBase: KnowledgeBase, occurrence: Occurrence, modelGrades: ModelGrades | undefined): SensitiveSeverity | undefined {
  if (occurrence.evidence.kind === 'elsewhere' && modelGrades) {
    const graded = modelGrades(occurrence.file, occurrence.reference.range);
    if (graded !== undefined) {
      return graded ?? undefined;
    }
  }
  return judgedRisk(knowledgeBase, occurrence.reference, occurrence.evidence, occurrence.file);
}

function sensitivityOf(knowledgeBase: KnowledgeBase, occurrences: readonly Occurrence[], modelGrades: ModelGrades | undefined): SensitiveSeverity | undefined {
  let worst: SensitiveSeverity | undefined;
  const rank = { high: 3, medium: 2, low: 1 } as const;
  for (const occurrence of occurrences) {
    if (occurrence.reference.port === null) {
      continue;
    }
    const severity = riskOf(knowledgeBase, occurrence, modelGrades);
    if (severity && (!worst || rank[severity] > rank[worst])) {
      worst = severity;
    }
  }
  return worst;
}

/** The Workspace Ports view: every port reference in the workspace, grouped by port or by file. */
export class WorkspacePortsView implements vscode.TreeDataProvider<WorkspacePortNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<WorkspacePortNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private groupBy: GroupBy = 'port';
  private roots: WorkspacePortNode[] | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly workspacePorts: WorkspacePorts,
    private readonly knowledge: KnowledgeProvider,
    /** The workspace model's grades, and when they change; absent where no model runs. */
    private readonly modelGrades?: ModelGrades,
    onDidChangeModel?: vscode.Event<void>,
  ) {
    void vscode.commands.executeCommand('setContext', ContextKeys.groupBy, this.groupBy);
    this.subscriptions = [
      this.changeEmitter,
      workspacePorts.onDidChange(() => this.refresh()),
      ...(onDidChangeModel ? [onDidChangeModel(() => this.refresh())] : []),
      knowledge.onDidChange(() => this.refresh()),
    ];
  }

  setGroupBy(groupBy: GroupBy): void {
    this.groupBy = groupBy;
    void vscode.commands.executeCommand('setContext', ContextKeys.groupBy, groupBy);
    this.refresh();
  }

  get grouping(): GroupBy {
    return this.groupBy;
  }

  refresh(): void {
    this.roots = undefined;
    this.changeEmitter.fire(undefined);
  }

  async getChildren(node?: WorkspacePortNode): Promise<WorkspacePortNode[]> {
    if (node) {
      return node.kind === 'occurrence'
        ? []
        : node.occurrences.map((occurrence) => ({
            kind: 'occurrence' as const,
            id: `${node.id}|${occurrence.file}:${occurrence.line}:${occurrence.character}:${occurrence.reference.role}`,
            occurrence,
            parent: node,
          }));
    }
    await this.workspacePorts.ensureScanned();
    this.roots ??= this.buildRoots();
    return this.roots;
  }

  private buildRoots(): WorkspacePortNode[] {
    if (this.groupBy === 'file') {
      return this.workspacePorts.index.byFile().map((group) => ({ kind: 'file' as const, id: `file:${group.file}`, file: group.file, occurrences: group.occurrences }));
    }
    return this.workspacePorts.index.byPort().map((group) => ({
      kind: 'port' as const,
      id: `port:${group.key}`,
      port: group.port,
      endPort: group.endPort,
      protocol: group.protocol,
      occurrences: group.occurrences,
    }));
  }

  getParent(node: WorkspacePortNode): WorkspacePortNode | undefined {
    return node.kind === 'occurrence' ? node.parent : undefined;
  }

  /** The port group node for a port, for revealing it from a hover. */
  async findPortNode(port: number): Promise<WorkspacePortNode | undefined> {
    if (this.groupBy !== 'port') {
      this.setGroupBy('port');
    }
    const roots = await this.getChildren();
    return roots.find((node) => node.kind === 'port' && port >= node.port && port <= node.endPort);
  }

  getTreeItem(node: WorkspacePortNode): vscode.TreeItem {
    const knowledgeBase = this.knowledge.knowledgeBase;
    if (node.kind === 'port') {
      const label = node.port === node.endPort ? `${node.port}/${node.protocol}` : `${node.port}-${node.endPort}/${node.protocol}`;
      const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      const name = node.port === node.endPort ? displayName(knowledgeBase.lookup(node.port, node.protocol as never)) : `${node.endPort - node.port + 1} ports`;
      const count = `${node.occurrences.length} ${node.occurrences.length === 1 ? 'place' : 'places'}`;
      item.description = name ? `${name} · ${count}` : count;
      const severity = sensitivityOf(knowledgeBase, node.occurrences, this.modelGrades);
      item.iconPath = severity ? SEVERITY_ICONS[severity] : new vscode.ThemeIcon('plug');
      item.contextValue = severity ? 'portGroup.sensitive' : 'portGroup';
      const knowledge = knowledgeBase.lookup(node.port, node.protocol as never);
      const tooltip = new vscode.MarkdownString(`**${label}**${name ? ` · ${name}` : ''}\n\n${count}`, true);
      if (knowledge.sensitive) {
        tooltip.appendMarkdown(`\n\n$(warning) **${knowledge.sensitive.severity} risk:** ${knowledge.sensitive.reason}`);
      }
      item.tooltip = tooltip;
      return item;
    }
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(vscode.Uri.parse(node.file), vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.description = `${vscode.workspace.asRelativePath(vscode.Uri.parse(node.file), true).replace(/[^/]*$/, '')} · ${node.occurrences.length} ports`;
      item.iconPath = vscode.ThemeIcon.File;
      item.resourceUri = vscode.Uri.parse(node.file);
      item.contextValue = 'portFile';
      return item;
    }
    const { occurrence } = node;
    const uri = vscode.Uri.parse(occurrence.file);
    const label = node.parent.kind === 'file' ? occurrence.text : `${baseNameOf(uri.path)}:${occurrence.line + 1}`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    const summary = withoutIcons(describeReference(occurrence.reference, knowledgeBase)).replace(/\*\*/g, '');
    item.description = node.parent.kind === 'file' ? `line ${occurrence.line + 1} · ${occurrence.reference.role}` : `${occurrence.text} · ${occurrence.reference.role}`;
    item.tooltip = new vscode.MarkdownString(`${summary}\n\n\`${vscode.workspace.asRelativePath(uri)}:${occurrence.line + 1}\``);
    const severity = riskOf(knowledgeBase, occurrence, this.modelGrades);
    item.iconPath = severity ? SEVERITY_ICONS[severity] : new vscode.ThemeIcon('location');
    item.contextValue = 'portOccurrence';
    item.command = {
      command: Commands.openOccurrence,
      title: 'Open',
      arguments: [uri, new vscode.Range(occurrence.line, occurrence.character, occurrence.endLine, occurrence.endCharacter)],
    };
    return item;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) {
      subscription.dispose();
    }
  }
}
