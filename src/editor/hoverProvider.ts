import * as vscode from 'vscode';
import { escapeMarkdown, focusAt, referenceAt, renderImageDefaults, renderReferenceHover } from '../core/hover';
import { describeSoftwareEvidence, IMAGE_FORMATS } from '../core/rules/softwareEvidence';
import type { PortReference } from '../core/types';
import type { ModelLocation, PortEnds } from '../core/wiring/graph';
import { Commands, readDocumentConfig } from './config';
import { rangeInModel } from './definitionProvider';
import type { DocumentScans } from './documentScans';
import type { KnowledgeProvider } from './knowledge';
import { modelFileName } from './workspaceGraph';
import type { WorkspaceGraph } from './workspaceGraph';

/** How long the first hover waits for the workspace to be read; after that it shows what is known so far. */
const FIRST_FEED_WAIT_MS = 300;
/** How many of a listener's dialers the hover names before it counts the rest. */
const MAX_DIALLERS_SHOWN = 5;

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

/**
 * Opens a resource at a range. The arguments are a URI string and plain numbers: a command link
 * carries them through the workbench unchanged, where a URI object would be rewritten for a remote.
 */
export async function openLocation(uri: unknown, line: unknown, character: unknown, endLine: unknown, endCharacter: unknown): Promise<void> {
  if (typeof uri !== 'string') {
    return;
  }
  const position = (lineNumber: unknown, characterNumber: unknown) => new vscode.Position(Math.max(0, Number(lineNumber) || 0), Math.max(0, Number(characterNumber) || 0));
  const start = position(line, character);
  const end = endLine === undefined ? start : position(endLine, endCharacter);
  await vscode.window.showTextDocument(vscode.Uri.parse(uri, true), { selection: new vscode.Range(start, end), preview: true });
}

/** `[wiring/api/Dockerfile:5](…)`: a link that opens a model location, or the plain place when it cannot be converted. */
function placeLink(graph: WorkspaceGraph, location: ModelLocation): string {
  const range = rangeInModel(graph.model, location);
  const uri = graph.uriOf(location.fileName);
  const shown = vscode.workspace.asRelativePath(uri, false);
  if (!range) {
    return escapeMarkdown(shown);
  }
  const label = escapeMarkdown(`${shown}:${range.start.line + 1}`);
  return commandLink(label, Commands.openLocation, [uri.toString(), range.start.line, range.start.character, range.end.line, range.end.character]);
}

/** What a dial or a listener is wired to, in the words of the hover. */
export function renderEnds(graph: WorkspaceGraph, ends: PortEnds): string | undefined {
  const name = escapeMarkdown(ends.node.name);
  const port = typeof ends.port === 'number' ? String(ends.port) : `"${escapeMarkdown(ends.port)}"`;
  if (ends.listensInstead !== undefined) {
    const where = (ends.node.listens ?? [])
      .filter((entry) => entry.evidence.fileName && entry.evidence.range)
      .slice(0, 3)
      .map((entry) => placeLink(graph, { fileName: entry.evidence.fileName as string, range: entry.evidence.range as ModelLocation['range'] }));
    const nothing = typeof ends.port === 'number' ? `Nothing listens on ${port} here` : `No port is named ${port} here`;
    return `$(error) **${nothing}:** ${name} listens on ${escapeMarkdown(ends.listensInstead)}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
  }
  if (ends.servedBy.length > 0) {
    const served = ends.servedBy.map((entry) => `${escapeMarkdown(entry.label)}${entry.location ? ` · ${placeLink(graph, entry.location)}` : ''}`);
    return served.length === 1
      ? `$(arrow-right) **Served by** ${served[0]}`
      : `$(arrow-right) **Served by**\n\n${served.map((line) => `- ${line}`).join('\n')}`;
  }
  if (ends.dialledBy.length > 0) {
    const shown = ends.dialledBy.slice(0, MAX_DIALLERS_SHOWN).map((entry) => `- \`${entry.label.replace(/`/g, "'")}\` · ${placeLink(graph, entry.location)}`);
    const more = ends.dialledBy.length - shown.length;
    return `$(arrow-left) **Dialled by**\n\n${shown.join('\n')}${more > 0 ? `\n\nand ${more} more` : ''}`;
  }
  if (ends.node.listens === undefined) {
    return `$(question) What ${name} listens on is not known here`;
  }
  return undefined;
}

/** Resolves when `promise` settles or `milliseconds` pass, whichever is first. */
async function settledWithin(promise: Promise<unknown>, milliseconds: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, milliseconds);
  });
  try {
    await Promise.race([promise.then(() => undefined, () => undefined), elapsed]);
  } finally {
    clearTimeout(timer);
  }
}

/** Markdown-escapes evidence text, keeping its code spans (image names) as code. */
function escapeEvidence(text: string): string {
  return text.split(/(`[^`]*`)/).map((part) => (part.startsWith('`') ? part : escapeMarkdown(part))).join('');
}

/** Explains the port under the cursor, and what it is wired to; shows nothing anywhere else. */
export class PortHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly scans: DocumentScans,
    private readonly knowledge: KnowledgeProvider,
    private readonly graph: WorkspaceGraph,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
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
      const wiring = await this.wiringAt(document, offset);
      if (token.isCancellationRequested || (!reference && !wiring)) {
        return undefined;
      }
      if (!reference) {
        // An environment URL or a probe: no port reference of its own, but a wire.
        const markdown = new vscode.MarkdownString(`**${escapeMarkdown(wiring?.heading ?? '')}**\n\n${wiring?.text ?? ''}`, true);
        markdown.isTrusted = { enabledCommands: [Commands.openLocation] };
        return new vscode.Hover(markdown);
      }
      const focus = focusAt(reference, offset);
      // What runs behind the port. The wiring section names a container's image itself, but not
      // where a server relays or what a socket starts.
      const evidence = wiring && IMAGE_FORMATS.has(result.format) ? undefined : describeSoftwareEvidence(reference, result.format, result.wiring);
      const body = renderReferenceHover(reference, this.knowledge.knowledgeBase, { focus, detail: config.hoverDetail, ...(evidence ? { evidence: `$(package) ${escapeEvidence(evidence)}` } : {}) });
      if (token.isCancellationRequested) {
        return undefined;
      }
      const actions = hoverActions(reference, focus);
      const sections = [body, ...(wiring ? [wiring.text] : []), ...(actions ? [actions] : [])];
      const markdown = new vscode.MarkdownString(sections.join('\n\n---\n\n'), true);
      markdown.isTrusted = { enabledCommands: [Commands.revealPort, Commands.copyPortInfo, Commands.openLocation] };
      // Highlight the span actually under the cursor: the whole token, or the port line of a long-syntax mapping.
      const span = [reference.range, reference.portRange, reference.endPortRange, reference.hostPortRange].find(
        (candidate) => candidate && offset >= candidate.start && offset <= candidate.end,
      ) ?? reference.range;
      const range = new vscode.Range(document.positionAt(span.start), document.positionAt(span.end));
      return new vscode.Hover(markdown, range);
    } catch (error) {
      this.log.error(`Hover failed in ${document.uri.toString()}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return undefined;
    }
  }

  /**
   * The other ends of the port at `offset`. The first hover starts the workspace read and waits
   * for it only briefly: until it is done, the hover shows what the model already holds.
   */
  private async wiringAt(document: vscode.TextDocument, offset: number): Promise<{ heading: string; text: string } | undefined> {
    await settledWithin(this.graph.ensureStarted(), FIRST_FEED_WAIT_MS);
    const model = this.graph.model;
    const name = modelFileName(document.uri);
    // Offsets are only comparable while the model holds this very text.
    if (model.textOf(name) !== document.getText()) {
      return undefined;
    }
    const ends = model.endsAt(name, offset);
    if (!ends) {
      return undefined;
    }
    const image = ends.node.image !== undefined ? renderImageDefaults(ends.node.image) : undefined;
    const text = [renderEnds(this.graph, ends), image].filter((part) => part !== undefined).join('\n\n');
    return text !== '' ? { heading: `${ends.node.name}:${ends.port}`, text } : undefined;
  }
}
