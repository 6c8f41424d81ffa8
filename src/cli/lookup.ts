/** `port-lens lookup`: what the knowledge base knows about a port, or which ports a name matches. */
import { displayName } from '../core/ports/knowledgeBase';
import type { KnowledgeBase, PortKnowledge } from '../core/ports/knowledgeBase';
import { PORT_CLASS_LABELS } from '../core/ports/portClass';
import type { IanaEntry } from '../core/ports/portData';
import type { SearchHit } from '../core/ports/search';
import type { Protocol } from '../core/types';
import { UsageError } from './args';
import type { LookupProtocol } from './args';
import { toJson } from './formatters';
import type { Palette } from './io';

/** How many ports a name search shows. */
const MAX_MATCHES = 10;
const PORT_QUERY = /^\d+$/;

export interface LookupOutput {
  readonly text: string;
  readonly exitCode: number;
}

/** One IANA registration per protocol, as the registry itself lists them. */
function ianaRecords(entries: readonly IanaEntry[], protocol: Protocol) {
  return entries.flatMap((entry) => {
    const protocols: (string | null)[] = entry.protocols.length > 0 ? [...entry.protocols] : [null];
    return protocols
      .filter((entryProtocol) => protocol === 'any' || entryProtocol === null || entryProtocol === protocol)
      .map((entryProtocol) => ({
        service: entry.service,
        protocol: entryProtocol,
        description: entry.description,
        references: entry.references,
        ...(entry.endPort !== undefined && entry.endPort !== entry.port ? { port: entry.port, endPort: entry.endPort } : {}),
      }));
  });
}

/** The `lookup --json` shape for one port. */
export function knowledgeRecord(knowledge: PortKnowledge) {
  const { sensitive, annotation } = knowledge;
  return {
    port: knowledge.port,
    protocol: knowledge.protocol,
    class: knowledge.portClass,
    name: displayName(knowledge) ?? null,
    notableRanges: knowledge.notableRanges,
    iana: ianaRecords(knowledge.iana, knowledge.protocol),
    curated: knowledge.curated,
    sensitive: sensitive
      ? {
        service: sensitive.service,
        severity: sensitive.severity,
        reason: sensitive.reason,
        mitigation: sensitive.mitigation ?? null,
        ...(sensitive.risk ? { risk: sensitive.risk } : {}),
        ...(sensitive.reference ? { reference: sensitive.reference } : {}),
        origin: sensitive.origin,
      }
      : null,
    silencedSensitive: knowledge.silencedSensitive,
    custom: annotation
      ? { label: annotation.label, description: annotation.description ?? null, port: annotation.port, endPort: annotation.endPort, protocol: annotation.protocol ?? null }
      : null,
  };
}

function portLabel(port: number, endPort: number | undefined, protocol: string): string {
  const range = endPort !== undefined && endPort !== port ? `${port}-${endPort}` : `${port}`;
  return protocol === 'any' ? range : `${range}/${protocol}`;
}

function knowledgeText(knowledge: PortKnowledge, palette: Palette): string {
  const lines: string[] = [];
  const name = displayName(knowledge);
  const heading = `${portLabel(knowledge.port, undefined, knowledge.protocol)}${knowledge.protocol === 'any' ? ' (any protocol)' : ''}`;
  lines.push(palette.bold(name ? `${heading}  ${name}` : heading));
  const notable = knowledge.notableRanges.map((range) => `; ${range.name}`).join('');
  lines.push(`Class: ${PORT_CLASS_LABELS[knowledge.portClass]}${notable}`);
  if (knowledge.annotation) {
    const { label, description } = knowledge.annotation;
    lines.push(`Yours: ${label}${description ? ` - ${description}` : ''}`);
  }
  if (knowledge.sensitive) {
    const { severity, reason, mitigation, reference } = knowledge.sensitive;
    const risk = `Risk (${severity}) if reachable beyond the host: ${reason}`;
    lines.push(severity === 'high' ? palette.red(risk) : palette.yellow(risk));
    if (mitigation) {
      lines.push(`  Mitigation: ${mitigation}`);
    }
    if (reference) {
      lines.push(`  Reference: ${reference}`);
    }
  } else if (knowledge.silencedSensitive) {
    lines.push(palette.dim('Risk: silenced in your configuration'));
  }
  if (knowledge.curated.length > 0) {
    lines.push('In practice:');
    for (const entry of knowledge.curated) {
      lines.push(`  ${entry.service} (${entry.category}): ${entry.summary}`, `    ${palette.dim(entry.source)}`);
    }
  }
  const registrations = ianaRecords(knowledge.iana, knowledge.protocol).filter((entry) => entry.service || entry.description);
  if (registrations.length > 0) {
    lines.push('IANA:');
    for (const entry of registrations) {
      const service = `${entry.service || '(no name)'}${entry.protocol ? `/${entry.protocol}` : ''}`;
      const references = entry.references.length > 0 ? palette.dim(` [${entry.references.join(', ')}]`) : '';
      lines.push(`  ${service}  ${entry.description}${references}`);
    }
  } else {
    lines.push('IANA: unassigned');
  }
  return `${lines.join('\n')}\n`;
}

function parsePortQuery(query: string): number {
  const port = Number(query);
  if (query.length > 5 || port > 65535) {
    throw new UsageError(`${query} is not a port number (0-65535)`);
  }
  return port;
}

/** Distinct ports among the hits, in rank order: a name usually matches several rows for one port. */
function distinctPortHits(hits: readonly SearchHit[]): SearchHit[] {
  const seen = new Set<string>();
  const result: SearchHit[] = [];
  for (const hit of hits) {
    if (hit.port === undefined) {
      continue;
    }
    const key = `${hit.port}-${hit.endPort ?? hit.port}`;
    if (!seen.has(key)) {
      seen.add(key);
      result.push(hit);
    }
  }
  return result.slice(0, MAX_MATCHES);
}

function matchText(hit: SearchHit, palette: Palette): string {
  const protocols = hit.protocols.length > 0 ? hit.protocols.join('+') : 'any';
  const port = portLabel(hit.port ?? 0, hit.endPort, protocols);
  return `${palette.bold(port.padEnd(16))} ${hit.title}${hit.detail ? ` - ${hit.detail}` : ''} ${palette.dim(`(${hit.source})`)}`;
}

/** Runs a lookup. A name with no match exits 1, like `grep`. */
export function runLookup(
  knowledgeBase: KnowledgeBase,
  query: string,
  protocol: LookupProtocol | undefined,
  json: boolean,
  palette: Palette,
): LookupOutput {
  if (PORT_QUERY.test(query)) {
    const knowledge = knowledgeBase.lookup(parsePortQuery(query), protocol ?? 'any');
    return { text: json ? toJson(knowledgeRecord(knowledge)) : knowledgeText(knowledge, palette), exitCode: 0 };
  }
  const hits = distinctPortHits(
    knowledgeBase.search(query).filter((hit) => !protocol || hit.protocols.length === 0 || hit.protocols.includes(protocol)),
  );
  if (json) {
    const results = hits.map((hit) => ({
      match: { source: hit.source, title: hit.title, tier: hit.tier, port: hit.port, endPort: hit.endPort ?? hit.port, protocols: hit.protocols },
      ...knowledgeRecord(knowledgeBase.lookup(hit.port ?? 0, protocol ?? 'any')),
    }));
    return { text: toJson({ query, results }), exitCode: hits.length > 0 ? 0 : 1 };
  }
  if (hits.length === 0) {
    return { text: `No port matches "${query}".\n`, exitCode: 1 };
  }
  const lines = hits.map((hit) => matchText(hit, palette));
  lines.push(palette.dim(`Details: port-lens lookup ${hits[0].port ?? ''}`));
  return { text: `${lines.join('\n')}\n`, exitCode: 0 };
}
