import * as vscode from 'vscode';
import { PortCatalog, REGISTRY_RANGES } from '../core/catalog';
import type { CatalogPort } from '../core/catalog';
import type { Category, SensitiveSeverity } from '../core/ports/portData';
import { Commands } from './config';
import type { KnowledgeProvider } from './knowledge';

export type CatalogNode =
  | { readonly kind: 'section'; readonly id: 'categories' | 'sensitive' | 'registry' }
  | { readonly kind: 'category'; readonly category: Category; readonly label: string; readonly count: number }
  | { readonly kind: 'severity'; readonly severity: SensitiveSeverity; readonly count: number }
  | { readonly kind: 'registryRange'; readonly label: string; readonly start: number; readonly end: number }
  | { readonly kind: 'bucket'; readonly start: number; readonly end: number }
  | { readonly kind: 'port'; readonly entry: CatalogPort; readonly parentId: string };

const SECTION_LABELS = {
  categories: 'By category',
  sensitive: 'Sensitive ports',
  registry: 'Registry ranges',
} as const;

const SEVERITY_ICONS: Readonly<Record<SensitiveSeverity, vscode.ThemeIcon>> = {
  high: new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground')),
  medium: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  low: new vscode.ThemeIcon('info'),
};

/**
 * The Port Catalog view: curated ports by category, sensitive ports by severity, and the IANA
 * registry in lazily expanded buckets, so opening the view never builds thousands of items.
 */
export class CatalogView implements vscode.TreeDataProvider<CatalogNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<CatalogNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly knowledge: KnowledgeProvider) {
    this.subscription = knowledge.onDidChange(() => this.changeEmitter.fire(undefined));
  }

  private get catalog(): PortCatalog {
    return new PortCatalog(this.knowledge.knowledgeBase);
  }

  getChildren(node?: CatalogNode): CatalogNode[] {
    if (!node) {
      return [{ kind: 'section', id: 'categories' }, { kind: 'section', id: 'sensitive' }, { kind: 'section', id: 'registry' }];
    }
    const catalog = this.catalog;
    switch (node.kind) {
      case 'section':
        if (node.id === 'categories') {
          return catalog.categories().map((category) => ({ kind: 'category' as const, ...category }));
        }
        if (node.id === 'sensitive') {
          return catalog.severities().map((severity) => ({ kind: 'severity' as const, ...severity }));
        }
        return REGISTRY_RANGES.map((range) => ({ kind: 'registryRange' as const, label: range.label, start: range.start, end: range.end }));
      case 'category':
        return catalog.portsInCategory(node.category).map((entry) => ({ kind: 'port' as const, entry, parentId: `category:${node.category}` }));
      case 'severity':
        return catalog.sensitivePorts(node.severity).map((entry) => ({ kind: 'port' as const, entry, parentId: `severity:${node.severity}` }));
      case 'registryRange':
        return catalog.buckets(node.start, node.end).map((bucket) => ({ kind: 'bucket' as const, ...bucket }));
      case 'bucket':
        return catalog.registeredPorts(node.start, node.end).map((entry) => ({ kind: 'port' as const, entry, parentId: `bucket:${node.start}` }));
      case 'port':
        return [];
    }
  }

  getTreeItem(node: CatalogNode): vscode.TreeItem {
    const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'section': {
        const item = new vscode.TreeItem(SECTION_LABELS[node.id], collapsed);
        item.id = `section:${node.id}`;
        item.iconPath = new vscode.ThemeIcon(node.id === 'sensitive' ? 'shield' : node.id === 'registry' ? 'list-ordered' : 'symbol-folder');
        return item;
      }
      case 'category': {
        const item = new vscode.TreeItem(node.label, collapsed);
        item.id = `category:${node.category}`;
        item.description = `${node.count}`;
        return item;
      }
      case 'severity': {
        const item = new vscode.TreeItem(`${node.severity.charAt(0).toUpperCase()}${node.severity.slice(1)} risk`, collapsed);
        item.id = `severity:${node.severity}`;
        item.description = `${node.count}`;
        item.iconPath = SEVERITY_ICONS[node.severity];
        return item;
      }
      case 'registryRange': {
        const item = new vscode.TreeItem(node.label, collapsed);
        item.id = `range:${node.start}`;
        return item;
      }
      case 'bucket': {
        const item = new vscode.TreeItem(`${node.start}-${node.end}`, collapsed);
        item.id = `bucket:${node.start}`;
        return item;
      }
      case 'port': {
        const { entry } = node;
        const portText = entry.endPort !== entry.port ? `${entry.port}-${entry.endPort}` : `${entry.port}`;
        const item = new vscode.TreeItem(`${portText}${entry.protocols.length ? `/${entry.protocols.join(',')}` : ''}`, vscode.TreeItemCollapsibleState.None);
        item.id = `${node.parentId}|${entry.port}-${entry.endPort}|${entry.title}`;
        item.description = entry.title;
        item.tooltip = new vscode.MarkdownString(`**${portText} · ${entry.title}**\n\n${entry.detail}`);
        item.iconPath = entry.severity ? SEVERITY_ICONS[entry.severity] : new vscode.ThemeIcon('plug');
        item.contextValue = 'catalogPort';
        item.command = { command: Commands.showPortInfo, title: 'Show Port Info', arguments: [entry.port, entry.protocols[0] ?? 'tcp'] };
        return item;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
