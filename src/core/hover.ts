import { lookupImage } from './ports/imagePorts';
import { displayName } from './ports/knowledgeBase';
import type { KnowledgeBase, PortKnowledge } from './ports/knowledgeBase';
import { PORT_CLASS_LABELS } from './ports/portClass';
import type { IanaEntry } from './ports/portData';
import type { PortReference, Protocol, SourceRange } from './types';

const REGISTRY_SEARCH_URL = 'https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml?search=';
/** A range hover lists at most this many notable ports, never the whole range. */
const MAX_NOTABLE_IN_RANGE = 8;

export type HoverDetail = 'compact' | 'full';

export interface HoverOptions {
  /** Which side of a mapping the cursor is on; that side is emphasised. */
  readonly focus?: 'host' | 'container';
  readonly detail?: HoverDetail;
  /** What names the software behind the port, as Markdown: shown right under the headline, since it decides the risk. */
  readonly evidence?: string;
}

function contains(range: SourceRange | undefined, offset: number): range is SourceRange {
  return range !== undefined && offset >= range.start && offset <= range.end;
}

/**
 * The innermost reference under an offset (the end counts, so a cursor just after a port still
 * finds it). A reference's port digits may lie outside its main range, as in Compose's long
 * syntax where `target:` and `published:` are separate lines, so those spans count too.
 */
export function referenceAt(references: readonly PortReference[], offset: number): PortReference | undefined {
  let best: PortReference | undefined;
  let bestSize = Number.POSITIVE_INFINITY;
  for (const reference of references) {
    for (const range of [reference.range, reference.portRange, reference.endPortRange, reference.hostPortRange]) {
      if (contains(range, offset) && range.end - range.start < bestSize) {
        best = reference;
        bestSize = range.end - range.start;
      }
    }
  }
  return best;
}

/** Which side of a mapping an offset falls on. */
export function focusAt(reference: PortReference, offset: number): 'host' | 'container' {
  return contains(reference.hostPortRange, offset) ? 'host' : 'container';
}

/** Escapes text for Markdown so registry descriptions cannot inject links or formatting. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$]/g, (character) => `\\${character}`);
}

function protocolLabel(protocol: Protocol): string {
  return protocol === 'any' ? 'tcp+udp' : protocol;
}

function portLabel(start: number, end: number | null | undefined): string {
  return end !== undefined && end !== null && end !== start ? `${start}-${end}` : `${start}`;
}

function isLoopback(ip: string | undefined): boolean {
  return ip !== undefined && (ip.startsWith('127.') || ip === '::1' || ip === 'localhost');
}

function isWildcard(ip: string | undefined): boolean {
  return ip === undefined || ip === '' || ip === '0.0.0.0' || ip === '::' || ip === '*';
}

/** Links for a registry reference: RFCs go to the RFC editor, URLs as they are, people stay plain text. */
function referenceLink(reference: string): string {
  const rfc = /^RFC(\d+)$/i.exec(reference);
  if (rfc) {
    return `[RFC ${rfc[1]}](https://www.rfc-editor.org/rfc/rfc${rfc[1]})`;
  }
  if (/^https?:\/\/\S+$/.test(reference)) {
    return `[link](${reference})`;
  }
  return '';
}

function ianaLine(entry: IanaEntry): string {
  const name = entry.service ? `\`${entry.service}\`` : '*(no service name)*';
  const description = entry.description ? ` ${escapeMarkdown(entry.description)}` : '';
  const links = entry.references.map(referenceLink).filter(Boolean);
  const suffix = links.length > 0 ? ` (${links.join(', ')})` : '';
  const flags = entry.unauthorizedUse ? ` — unauthorized use reported: ${escapeMarkdown(entry.unauthorizedUse)}` : '';
  return `${name}${description}${suffix}${flags}`;
}

/** Where the user's own entries live: the editor setting, or the same key in `.portlens.json`. */
const CUSTOM_PORTS_ORIGIN = 'your settings (`portLens.customPorts` or `customPorts` in `.portlens.json`)';
const ADDITIONAL_SENSITIVE_ORIGIN = 'your settings (`portLens.sensitivePorts.additional` or `sensitivePorts.additional` in `.portlens.json`)';
const SILENCED_SENSITIVE_ORIGIN = 'your settings (`portLens.sensitivePorts.silenced` or `sensitivePorts.silenced` in `.portlens.json`)';
/** Code hosts whose host name alone says nothing about who wrote the page. */
const CODE_HOSTS = new Set(['github.com', 'gitlab.com']);

/** A link target that parentheses or spaces in the URL cannot cut short. */
function linkTarget(url: string): string {
  return url.replace(/[()\s]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A source link labelled with its site (`redis.io`, `github.com/ollama/ollama`), so the hover shows who says so. */
function sourceLink(url: string): string {
  let label = 'source';
  try {
    const parsed = new URL(url);
    label = parsed.hostname.replace(/^www\./, '');
    if (CODE_HOSTS.has(label)) {
      const [owner, repository] = parsed.pathname.split('/').filter(Boolean);
      label = [label, owner, repository].filter(Boolean).join('/');
    }
  } catch {
    // Not a URL: keep the generic label.
  }
  return `[${escapeMarkdown(label)}](${linkTarget(url)})`;
}

function sourceLine(origin: string): string {
  return `*Source: ${origin}*`;
}

/** Renders everything known about one port as Markdown (theme icons in `$(name)` form). */
export function renderPortKnowledge(knowledge: PortKnowledge, detail: HoverDetail = 'full'): string {
  const lines: string[] = [];
  const name = displayName(knowledge);
  lines.push(
    `$(plug) **${knowledge.port}/${protocolLabel(knowledge.protocol)}**${name ? ` · ${escapeMarkdown(name)}` : ''}`,
    '',
    `*${PORT_CLASS_LABELS[knowledge.portClass]}*${knowledge.notableRanges.map((range) => ` · ${range.name}`).join('')}`,
  );
  if (knowledge.annotation) {
    lines.push('', `$(note) **${escapeMarkdown(knowledge.annotation.label)}**${knowledge.annotation.description ? ` — ${escapeMarkdown(knowledge.annotation.description)}` : ''} · ${sourceLine(CUSTOM_PORTS_ORIGIN)}`);
  }
  for (const entry of knowledge.curated) {
    lines.push('', `**${escapeMarkdown(entry.service)}** (${escapeMarkdown(entry.category)}): ${escapeMarkdown(entry.summary)} · ${sourceLine(sourceLink(entry.source))}`);
  }
  if (knowledge.sensitive) {
    const sensitive = knowledge.sensitive;
    lines.push(
      '',
      `$(warning) **Sensitive — ${sensitive.severity} risk** if reachable beyond the host: ${escapeMarkdown(sensitive.reason)}`,
    );
    if (sensitive.mitigation) {
      lines.push('', `$(shield) ${escapeMarkdown(sensitive.mitigation)}`);
    }
    const origin =
      sensitive.origin === 'user'
        ? ADDITIONAL_SENSITIVE_ORIGIN
        : `built-in sensitive-port list${sensitive.reference ? `, citing ${sourceLink(sensitive.reference)}` : ''}`;
    lines.push('', sourceLine(origin));
  } else if (knowledge.silencedSensitive) {
    lines.push('', `$(mute) The built-in sensitive-port warning is silenced · ${sourceLine(SILENCED_SENSITIVE_ORIGIN)}`);
  }
  const registered = knowledge.iana.filter((entry) => entry.service || entry.description);
  if (registered.length > 0) {
    const shown = detail === 'full' ? registered : registered.slice(0, 1);
    lines.push('', `**IANA** · ${sourceLine(`[IANA registry](${REGISTRY_SEARCH_URL}${knowledge.port})`)}`);
    for (const entry of shown) {
      lines.push(`- ${ianaLine(entry)}`);
    }
    if (shown.length < registered.length) {
      lines.push(`- …and ${registered.length - shown.length} more`);
    }
  } else {
    lines.push('', `**IANA**: unassigned · ${sourceLine(`[IANA registry](${REGISTRY_SEARCH_URL}${knowledge.port})`)}`);
  }
  return lines.join('\n');
}

/** Summarises the ports in a range: how many, and the notable and sensitive ones inside, never all of them. */
function renderRange(knowledgeBase: KnowledgeBase, start: number, end: number, protocol: Protocol): string {
  const count = end - start + 1;
  const lines = [`$(list-flat) **${start}-${end}/${protocolLabel(protocol)}** · ${count.toLocaleString('en-US')} ports`];
  const database = knowledgeBase.database;
  const notable: string[] = [];
  const candidates = new Set<number>();
  for (const entry of database.sensitive) {
    if (entry.port >= start && entry.port <= end) {
      candidates.add(entry.port);
    }
  }
  for (const entry of database.curated) {
    if (entry.port >= start && entry.port <= end && entry.endPort === undefined) {
      candidates.add(entry.port);
    }
  }
  for (const annotation of knowledgeBase.userData.annotations) {
    if (annotation.port >= start && annotation.port <= end) {
      candidates.add(annotation.port);
    }
  }
  const ordered = [...candidates].sort((a, b) => a - b);
  // Sensitive ports first, so a wide range never hides the dangerous ones behind the merely common.
  const withKnowledge = ordered.map((port) => knowledgeBase.lookup(port, protocol));
  withKnowledge.sort((a, b) => Number(Boolean(b.sensitive)) - Number(Boolean(a.sensitive)) || a.port - b.port);
  for (const knowledge of withKnowledge.slice(0, MAX_NOTABLE_IN_RANGE)) {
    const label = displayName(knowledge) ?? '';
    notable.push(`- ${knowledge.sensitive ? '$(warning) ' : ''}**${knowledge.port}** ${escapeMarkdown(label)}${knowledge.sensitive ? ` — ${knowledge.sensitive.severity} risk` : ''}`);
  }
  if (notable.length > 0) {
    lines.push('', 'Notable ports inside:', ...notable);
    if (withKnowledge.length > MAX_NOTABLE_IN_RANGE) {
      lines.push(`- …and ${withKnowledge.length - MAX_NOTABLE_IN_RANGE} more known ports`);
    }
  }
  return lines.join('\n');
}

function bindingDescription(hostIp: string | undefined): string {
  if (isWildcard(hostIp)) {
    return 'on **all interfaces**';
  }
  if (isLoopback(hostIp)) {
    return `on \`${hostIp}\` (**loopback only**)`;
  }
  return `on \`${hostIp}\``;
}

const ACTION_VERBS: Readonly<Record<string, string>> = {
  allow: 'allows',
  deny: 'drops',
  reject: 'rejects',
  limit: 'rate-limits',
  jump: 'sends to',
  other: 'matches',
};

/** One line saying what a reference does: a mapping's both sides, a firewall rule's effect, a listener's address. */
export function describeReference(reference: PortReference, knowledgeBase: KnowledgeBase, focus: 'host' | 'container' = 'container'): string {
  const protocol = protocolLabel(reference.protocol);
  const containerPort = reference.port === null ? (reference.name ?? reference.rawText ?? '?') : portLabel(reference.port, reference.endPort);
  const emphasise = (text: string, side: 'host' | 'container') => (focus === side ? `**${text}**` : text);
  const nameOf = (port: number | null) => (port === null ? undefined : displayName(knowledgeBase.lookup(port, reference.protocol)));
  switch (reference.role) {
    case 'publish': {
      if (reference.hostNetwork) {
        return `$(circle-slash) Ignored: the service uses \`network_mode: host\`, so container port ${containerPort}/${protocol} is bound on the host directly.`;
      }
      const host =
        reference.hostPort === null || reference.hostPort === undefined
          ? 'an **ephemeral host port** (Docker picks a free one)'
          : `host port ${emphasise(portLabel(reference.hostPort, reference.hostPortEnd), 'host')}`;
      const rangeNote =
        reference.hostPort !== null && reference.hostPort !== undefined && reference.hostPortEnd !== undefined && reference.hostPortEnd !== null &&
        reference.hostPortEnd !== reference.hostPort && reference.port === reference.endPort
          ? ' (Docker binds one free port from the range)'
          : '';
      return `$(arrow-right) Publishes ${host}${rangeNote} ${bindingDescription(reference.hostIp)} → container port ${emphasise(containerPort, 'container')}/${protocol}`;
    }
    case 'expose':
      return `$(eye) Exposes container port **${containerPort}/${protocol}** (documentation for linked containers; not published to the host by itself)`;
    case 'container':
      return `$(package) Container port **${containerPort}/${protocol}**${reference.hostPort ? `, also bound on the node as hostPort ${reference.hostPort}` : ''}`;
    case 'hostPort':
      return `$(server) Binds node port **${reference.hostPort ?? '?'}/${protocol}** ${bindingDescription(reference.hostIp)} → container port ${containerPort}`;
    case 'service':
      return `$(globe) Service port **${containerPort}/${protocol}** (${reference.serviceType ?? 'ClusterIP'})`;
    case 'targetPort':
      return `$(target) Target port **${containerPort}** on the selected pods`;
    case 'nodePort':
      return `$(server) NodePort **${containerPort}/${protocol}**: open on every node's addresses`;
    case 'ingress':
      return `$(globe) Ingress backend → Service port **${containerPort}**`;
    case 'listen':
      if (reference.flags?.includes('implicit')) {
        // nginx's default for an http server block without `listen`.
        return `$(radio-tower) Listens on ${protocol}/**${containerPort}** ${bindingDescription(reference.hostIp)} · no \`listen\` directive: nginx listens on \`*:80\` (8000 when not run as root)`;
      }
      return `$(radio-tower) Listens on ${protocol}/**${containerPort}** ${bindingDescription(reference.hostIp)}${reference.flags?.length ? ` · ${reference.flags.map((flag) => `\`${flag}\``).join(' ')}` : ''}`;
    case 'upstream':
      return `$(arrow-swap) Connects to ${reference.hostIp ? `\`${reference.hostIp}\`` : 'upstream'} port **${containerPort}**${reference.flags?.includes('implicit-port') ? ' (implied by the URL scheme)' : ''}`;
    case 'firewall': {
      const rule = reference.firewall;
      const verb = ACTION_VERBS[rule?.action ?? 'other'] ?? 'matches';
      const service = nameOf(reference.port);
      const what = `${protocol}/${containerPort}${service && reference.port === reference.endPort ? ` (${escapeMarkdown(service)})` : ''}`;
      // An egress rule's address is where traffic goes.
      const preposition = rule?.chain === 'egress' ? 'to' : 'from';
      const from = rule?.source ? `${preposition} \`${rule.source}\`` : `${preposition} **anywhere**`;
      const direction = rule?.sourcePort ? 'source port ' : '';
      const target = rule?.action === 'jump' && rule.target ? ` \`${rule.target}\`` : '';
      const chain = rule?.chain === 'ingress' || rule?.chain === 'egress' ? ` (${rule.chain} rule)` : rule?.chain ? ` (chain \`${rule.chain}\`)` : '';
      return `$(shield) ${rule?.negated ? 'Except ' : ''}${verb.charAt(0).toUpperCase()}${verb.slice(1)}${target} ${direction}${what} ${from}${chain}`;
    }
  }
}

/** The full hover for a reference: what it does, then what is known about the focused port. */
export function renderReferenceHover(reference: PortReference, knowledgeBase: KnowledgeBase, options: HoverOptions = {}): string {
  const focus = options.focus ?? 'container';
  const sections = [describeReference(reference, knowledgeBase, focus), ...(options.evidence ? [options.evidence] : [])];
  const useHost = focus === 'host' && reference.hostPort !== undefined && reference.hostPort !== null;
  const start = useHost ? reference.hostPort : reference.port;
  const end = useHost ? (reference.hostPortEnd ?? reference.hostPort) : reference.endPort;
  if (start !== null && start !== undefined) {
    if (end !== null && end !== undefined && end !== start) {
      sections.push(renderRange(knowledgeBase, start, end, reference.protocol));
    } else {
      sections.push(renderPortKnowledge(knowledgeBase.lookup(start, reference.protocol), options.detail));
    }
  }
  return sections.join('\n\n---\n\n');
}

/** Removes `$(icon)` theme-icon syntax, for places that render plain Markdown (previews, the clipboard). */
export function stripThemeIcons(markdown: string): string {
  return markdown.replace(/\$\([a-z0-9-]+\)\s?/g, '');
}

/**
 * What a well-known image listens on by default, for the hover of a service that runs it:
 * "`redis:7` runs Redis, which listens on 6379/tcp (client connections) by default".
 */
export function renderImageDefaults(image: string): string | undefined {
  const defaults = lookupImage(image);
  if (!defaults || defaults.ports.length === 0) {
    return undefined;
  }
  const ports = defaults.ports.map((entry) => {
    const span = entry.endPort !== undefined && entry.endPort !== entry.port ? `${entry.port}-${entry.endPort}` : String(entry.port);
    return `${span}/${entry.protocol} (${entry.purpose}${entry.condition ? `, ${entry.condition}` : ''})`;
  });
  // A code span shows its text as is: only a backtick could end it early.
  return `$(package) \`${image.replace(/`/g, "'")}\` runs ${escapeMarkdown(defaults.software)}, which listens on ${escapeMarkdown(ports.join(', '))} by default ([source](${defaults.source}))`;
}
