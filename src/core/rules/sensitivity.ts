/**
 * Which ports of a reference the sensitive catalogue (built in, plus the user's own and minus
 * what they silenced) warns about, and how loudly.
 */
import type { KnowledgeBase, PortKnowledge, SensitivePortInfo } from '../ports/knowledgeBase';
import type { SensitiveSeverity } from '../ports/portData';
import type { Protocol } from '../types';
import type { DiagnosticSeverity } from './types';

export type SensitivePort = PortKnowledge & { readonly sensitive: SensitivePortInfo };

const SEVERITY_RANK: Readonly<Record<SensitiveSeverity, number>> = { high: 0, medium: 1, low: 2 };

/** The catalogue's grade, as a diagnostic severity: high is an error, medium a warning, low information. */
export const DIAGNOSTIC_SEVERITY: Readonly<Record<SensitiveSeverity, DiagnosticSeverity>> = {
  high: 'error',
  medium: 'warning',
  low: 'info',
};

/**
 * The sensitive ports in `start..end`, most severe first. A range is matched against the
 * catalogue's entries rather than port by port, so `1-65535` costs one pass over about a
 * hundred entries.
 */
export function sensitivePortsIn(knowledge: KnowledgeBase, start: number, end: number, protocol: Protocol): SensitivePort[] {
  const candidates = new Set<number>();
  if (start === end) {
    candidates.add(start);
  } else {
    const entries = [...knowledge.database.sensitive, ...knowledge.userData.extraSensitive];
    for (const entry of entries) {
      const entryEnd = entry.endPort ?? entry.port;
      if (entry.port <= end && entryEnd >= start) {
        candidates.add(Math.max(entry.port, start));
      }
    }
  }
  const found: SensitivePort[] = [];
  for (const port of candidates) {
    // The cheap question first: most ports are not sensitive, and a full lookup costs more.
    if (knowledge.isSensitive(port, protocol)) {
      found.push(knowledge.lookup(port, protocol) as SensitivePort);
    }
  }
  return found.sort((a, b) => SEVERITY_RANK[a.sensitive.severity] - SEVERITY_RANK[b.sensitive.severity] || a.port - b.port);
}
