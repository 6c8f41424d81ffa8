import * as vscode from 'vscode';
import { focusAt, referenceAt, renderReferenceHover } from '../core/hover';
import type { PortReference } from '../core/types';
import { Commands, readDocumentConfig } from './config';
import type { DocumentScans } from './documentScans';
import type { KnowledgeProvider } from './knowledge';

function commandLink(label: string, command: string, args: unknown[]): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

/** Links at the foot of a hover: reveal the port in the sidebar, copy what is known about it. */
function hoverActions(reference: PortReference, focus: 'host' | 'container'): string {
  const port = focus === 'host' && reference.hostPort ? reference.hostPort : reference.port;
  if (port === null) {
    return '';
  }
  const protocol = reference.protocol;
  return [
    commandLink('$(list-tree) Show in Port Lens', Commands.revealPort, [port]),
    commandLink('$(copy) Copy port info', Commands.copyPortInfo, [port, protocol]),
  ].join(' · ');
}

/** Explains the port under the cursor; shows nothing anywhere else. */
export class PortHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly scans: DocumentScans,
    private readonly knowledge: KnowledgeProvider,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): vscode.Hover | undefined {
    try {
      const config = readDocumentConfig(document);
      if (!config.enable) {
        return undefined;
      }
      const result = this.scans.get(document, config.maxFileSizeBytes);
      if (!result || token.isCancellationRequested) {
        return undefined;
      }
      const offset = document.offsetAt(position);
      const reference = referenceAt(result.references, offset);
      if (!reference) {
        return undefined;
      }
      const focus = focusAt(reference, offset);
      const body = renderReferenceHover(reference, this.knowledge.knowledgeBase, { focus, detail: config.hoverDetail });
      if (token.isCancellationRequested) {
        return undefined;
      }
      const actions = hoverActions(reference, focus);
      const markdown = new vscode.MarkdownString(actions ? `${body}\n\n---\n\n${actions}` : body, true);
      markdown.isTrusted = { enabledCommands: [Commands.revealPort, Commands.copyPortInfo] };
      // Highlight the span actually under the cursor: the whole token, or the port line of a long-syntax mapping.
      const span = [reference.range, reference.portRange, reference.hostPortRange].find(
        (candidate) => candidate && offset >= candidate.start && offset <= candidate.end,
      ) ?? reference.range;
      const range = new vscode.Range(document.positionAt(span.start), document.positionAt(span.end));
      return new vscode.Hover(markdown, range);
    } catch (error) {
      this.log.error(`Hover failed in ${document.uri.toString()}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return undefined;
    }
  }
}
