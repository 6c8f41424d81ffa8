import * as vscode from 'vscode';
import { renderPortKnowledge, stripThemeIcons } from '../core/hover';
import type { SearchHit } from '../core/ports/search';
import type { Protocol } from '../core/types';
import { Commands, Views } from './config';
import type { KnowledgeProvider } from './knowledge';
import { portInfoUri } from './portInfoDocuments';
import type { WorkspacePortsView } from './workspacePortsView';
import type { WorkspacePorts } from './workspacePorts';

export interface PortPickItem extends vscode.QuickPickItem {
  readonly hit: SearchHit;
}

const SOURCE_LABELS: Readonly<Record<SearchHit['source'], string>> = { custom: 'yours', curated: 'common use', iana: 'IANA' };

function toPickItem(hit: SearchHit): PortPickItem {
  const port = hit.port === undefined ? 'no port' : hit.endPort !== undefined && hit.endPort !== hit.port ? `${hit.port}-${hit.endPort}` : `${hit.port}`;
  return {
    label: `${port}${hit.protocols.length ? `/${hit.protocols.join(',')}` : ''}  ${hit.title}`,
    description: SOURCE_LABELS[hit.source],
    detail: hit.detail,
    hit,
    // The search index already ranked and filtered; VS Code's own fuzzy filter would undo that.
    alwaysShow: true,
  };
}

/** The items the Find Port picker shows for a query. */
export function findPortItems(knowledge: KnowledgeProvider, query: string): PortPickItem[] {
  return knowledge.knowledgeBase.search(query, 100).map(toPickItem);
}

/** The Find Port command: live search of everything Port Lens knows, by number or name. */
async function findPort(knowledge: KnowledgeProvider): Promise<void> {
  const quickPick = vscode.window.createQuickPick<PortPickItem>();
  quickPick.title = 'Port Lens: Find Port';
  quickPick.placeholder = 'Type a port number (5432, 53/udp) or a name (redis, kafka, inspector)';
  quickPick.matchOnDescription = false;
  quickPick.matchOnDetail = false;
  const update = (value: string) => {
    quickPick.items = findPortItems(knowledge, value);
  };
  const picked = new Promise<SearchHit | undefined>((resolve) => {
    quickPick.onDidChangeValue(update);
    quickPick.onDidAccept(() => {
      resolve(quickPick.selectedItems[0]?.hit);
      quickPick.hide();
    });
    quickPick.onDidHide(() => resolve(undefined));
  });
  quickPick.show();
  const hit = await picked;
  quickPick.dispose();
  if (hit?.port !== undefined) {
    await showPortInfo(hit.port, hit.protocols[0] ?? 'tcp');
  }
}

async function showPortInfo(port: unknown, protocol: unknown): Promise<void> {
  const portNumber = Number(port);
  if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) {
    void vscode.window.showWarningMessage(`Port Lens: "${String(port)}" is not a port number.`);
    return;
  }
  const uri = portInfoUri(portNumber, (typeof protocol === 'string' ? protocol : 'tcp') as Protocol);
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}

export function registerCommands(
  knowledge: KnowledgeProvider,
  workspacePorts: WorkspacePorts,
  workspaceView: WorkspacePortsView,
  treeView: vscode.TreeView<unknown>,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.findPort, () => findPort(knowledge)),
    vscode.commands.registerCommand(Commands.showPortInfo, showPortInfo),
    vscode.commands.registerCommand(Commands.copyPortInfo, async (port: unknown, protocol: unknown) => {
      const portNumber = Number(port);
      if (!Number.isInteger(portNumber)) {
        return;
      }
      const text = stripThemeIcons(renderPortKnowledge(knowledge.knowledgeBase.lookup(portNumber, (protocol as Protocol) ?? 'tcp'), 'full'));
      await vscode.env.clipboard.writeText(text);
      void vscode.window.setStatusBarMessage(`Port Lens: copied what is known about ${portNumber}.`, 3000);
    }),
    vscode.commands.registerCommand(Commands.revealPort, async (port: unknown) => {
      const portNumber = Number(port);
      await vscode.commands.executeCommand(`${Views.workspacePorts}.focus`);
      const node = Number.isInteger(portNumber) ? await workspaceView.findPortNode(portNumber) : undefined;
      if (node) {
        await treeView.reveal(node, { select: true, focus: true, expand: true });
      } else {
        void vscode.window.showInformationMessage(`Port Lens: port ${String(port)} does not appear in this workspace's config files.`);
      }
    }),
    vscode.commands.registerCommand(Commands.openOccurrence, async (uri: vscode.Uri, range: vscode.Range) => {
      await vscode.window.showTextDocument(uri, { selection: range, preview: true });
    }),
    vscode.commands.registerCommand(Commands.refreshWorkspacePorts, () => workspacePorts.rescan()),
    vscode.commands.registerCommand(Commands.groupByPort, () => workspaceView.setGroupBy('port')),
    vscode.commands.registerCommand(Commands.groupByFile, () => workspaceView.setGroupBy('file')),
  ];
}
