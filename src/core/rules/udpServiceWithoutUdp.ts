import type { KnowledgeBase } from '../ports/knowledgeBase';
import type { PortReference } from '../types';
import { opensPort } from './exposure';
import { addUdpCompanion } from './fixEdits';
import type { Rule } from './types';

/** What the reference does with the port, for the message; `undefined` for roles that open nothing. */
const OPENING: Partial<Record<PortReference['role'], string>> = {
  expose: 'exposed',
  publish: 'published',
  container: 'declared',
  hostPort: 'declared',
  service: 'declared',
  firewall: 'allowed',
};

/**
 * The service on a port that cannot work without UDP, or `undefined`. A port shared with a
 * tcp service (514 is rsh as well as syslog) is left alone: tcp may be exactly what was meant.
 */
function udpOnlyService(knowledge: KnowledgeBase, port: number): string | undefined {
  const curated = knowledge.curated(port, 'any');
  const needsUdp = curated.find((entry) => entry.needsUdp);
  if (!needsUdp || curated.some((entry) => !entry.needsUdp && entry.protocols.includes('tcp'))) {
    return undefined;
  }
  return needsUdp.service;
}

function opens(reference: PortReference): boolean {
  if (reference.role === 'firewall') {
    return opensPort(reference) && !reference.firewall?.sourcePort && !reference.firewall?.negated;
  }
  return OPENING[reference.role] !== undefined;
}

/** References that open the same port for the same unit (a service, a stage, a workload, a firewall file). */
function groupKey(reference: PortReference): string {
  return reference.role === 'firewall' ? 'firewall' : `${reference.scope ?? ''}|${reference.role}`;
}

/**
 * The udp ports opened per group, as spans: expanding each range port by port cost a thousand
 * set entries per range. Spans are sorted and merged once, on the first question.
 */
class UdpSpans {
  private readonly spans = new Map<string, number[][]>();
  private readonly merged = new Map<string, { starts: number[]; ends: number[] }>();

  add(group: string, start: number, end: number): void {
    if (end < start) {
      return;
    }
    const list = this.spans.get(group);
    if (list) {
      list.push([start, end]);
    } else {
      this.spans.set(group, [[start, end]]);
    }
  }

  covers(group: string, port: number): boolean {
    let merged = this.merged.get(group);
    if (!merged) {
      merged = mergeSpans(this.spans.get(group) ?? []);
      this.merged.set(group, merged);
    }
    const { starts, ends } = merged;
    let low = 0;
    let high = starts.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (port < starts[middle]) {
        high = middle - 1;
      } else if (port > ends[middle]) {
        low = middle + 1;
      } else {
        return true;
      }
    }
    return false;
  }
}

function mergeSpans(spans: number[][]): { starts: number[]; ends: number[] } {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const [start, end] of sorted) {
    const last = ends.length - 1;
    if (last >= 0 && start <= ends[last] + 1) {
      ends[last] = Math.max(ends[last], end);
    } else {
      starts.push(start);
      ends.push(end);
    }
  }
  return { starts, ends };
}

export const udpServiceWithoutUdp: Rule = {
  id: 'udp-service-without-udp',
  defaultSeverity: 'info',
  enabledByDefault: true,
  description: 'A service that needs UDP (DNS, NTP, SNMP, WireGuard, ...) is exposed, published or allowed as tcp only.',
  check(context) {
    const candidates: PortReference[] = [];
    const udpOpened = new UdpSpans();
    for (const reference of context.references) {
      if (reference.port === null || reference.endPort === null || !opens(reference)) {
        continue;
      }
      if (reference.protocol === 'udp' || reference.protocol === 'any') {
        // Only the first 1024 ports of a range count: a huge udp range is no deliberate companion.
        udpOpened.add(groupKey(reference), reference.port, Math.min(reference.endPort, reference.port + 1023));
      } else if (reference.protocol === 'tcp' && reference.port === reference.endPort) {
        candidates.push(reference);
      }
    }
    for (const reference of candidates) {
      const port = reference.port as number;
      if (udpOpened.covers(groupKey(reference), port)) {
        continue;
      }
      const service = udpOnlyService(context.knowledge, port);
      if (!service) {
        continue;
      }
      context.report({
        range: reference.range,
        message: `${service} (${port}) needs UDP, but only ${port}/tcp is ${OPENING[reference.role]} here; add ${port}/udp.`,
        reference,
      });
    }
  },
  fixes(diagnostic, context) {
    const reference = diagnostic.reference;
    const edit = reference ? addUdpCompanion(context.text, reference, context.format) : undefined;
    return edit && reference ? [{ kind: 'edit', title: `Add ${reference.port}/udp`, edits: [edit], isPreferred: true }] : [];
  },
};
