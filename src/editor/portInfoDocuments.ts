import * as vscode from 'vscode';
import { renderPortKnowledge, stripThemeIcons } from '../core/hover';
import type { Protocol } from '../core/types';
import type { KnowledgeProvider } from './knowledge';

export const PORT_INFO_SCHEME = 'port-lens-info';

/** `port-lens-info:/6379-tcp.md`, a read-only Markdown document describing one port. */
export function portInfoUri(port: number, protocol: Protocol): vscode.Uri {
  return vscode.Uri.from({ scheme: PORT_INFO_SCHEME, path: `/${port}-${protocol}.md` });
}

const PORT_INFO_PATH = /^\/(\d{1,5})-(tcp|udp|sctp|dccp|any)\.md$/;

/** Serves port descriptions as virtual Markdown documents, shown with the Markdown preview. */
export class PortInfoDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly knowledge: KnowledgeProvider) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const match = PORT_INFO_PATH.exec(uri.path);
    if (!match) {
      return `Port Lens cannot describe "${uri.path}": expected a port and protocol such as /6379-tcp.md.`;
    }
    const knowledge = this.knowledge.knowledgeBase.lookup(Number(match[1]), match[2] as Protocol);
    return stripThemeIcons(renderPortKnowledge(knowledge, 'full'));
  }
}
