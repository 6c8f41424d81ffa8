import type { KnowledgeBase } from './ports/knowledgeBase';
import { CATEGORIES, SEVERITIES } from './ports/portData';
import type { Category, CuratedEntry, SensitiveEntry, SensitiveSeverity, TransportProtocol } from './ports/portData';

/** A port listed in the catalogue. */
export interface CatalogPort {
  readonly port: number;
  readonly endPort: number;
  readonly protocols: readonly TransportProtocol[];
  readonly title: string;
  readonly detail: string;
  readonly severity?: SensitiveSeverity;
}

export const CATEGORY_LABELS: Readonly<Record<Category, string>> = {
  web: 'Web', proxy: 'Proxies', database: 'Databases', cache: 'Caches', search: 'Search', messaging: 'Messaging',
  'remote-access': 'Remote access', mail: 'Mail', directory: 'Directory', 'file-sharing': 'File sharing', storage: 'Storage',
  monitoring: 'Monitoring', logging: 'Logging', tracing: 'Tracing', orchestration: 'Orchestration',
  'service-discovery': 'Service discovery', 'ci-cd': 'CI/CD', 'dev-server': 'Dev servers', debugging: 'Debugging', vpn: 'VPN',
  'network-infrastructure': 'Network infrastructure', security: 'Security', media: 'Media', voip: 'VoIP', iot: 'IoT and industrial',
  games: 'Games', blockchain: 'Blockchain', other: 'Other',
};

/** IANA's classes, split into buckets so opening one never builds thousands of items at once. */
export const REGISTRY_RANGES = [
  { id: 'system', label: 'System ports (0-1023)', start: 0, end: 1023 },
  { id: 'user', label: 'User ports (1024-49151)', start: 1024, end: 49151 },
  { id: 'dynamic', label: 'Dynamic ports (49152-65535)', start: 49152, end: 65535 },
] as const;

const BUCKET_SIZE = 1024;

function fromCurated(entry: CuratedEntry): CatalogPort {
  return { port: entry.port, endPort: entry.endPort ?? entry.port, protocols: entry.protocols, title: entry.service, detail: entry.summary };
}

function fromSensitive(entry: SensitiveEntry): CatalogPort {
  return {
    port: entry.port,
    endPort: entry.endPort ?? entry.port,
    protocols: entry.protocols,
    title: entry.service,
    detail: entry.reason,
    severity: entry.severity,
  };
}

const byPort = (a: CatalogPort, b: CatalogPort) => a.port - b.port || a.title.localeCompare(b.title);

/** The browsable catalogue, computed on demand level by level. */
export class PortCatalog {
  constructor(private readonly knowledgeBase: KnowledgeBase) {}

  /** Categories that have curated entries, with their counts. */
  categories(): { category: Category; label: string; count: number }[] {
    const counts = new Map<Category, number>();
    for (const entry of this.knowledgeBase.database.curated) {
      counts.set(entry.category, (counts.get(entry.category) ?? 0) + 1);
    }
    return CATEGORIES.filter((category) => counts.has(category)).map((category) => ({
      category,
      label: CATEGORY_LABELS[category],
      count: counts.get(category) ?? 0,
    }));
  }

  portsInCategory(category: Category): CatalogPort[] {
    return this.knowledgeBase.database.curated.filter((entry) => entry.category === category).map(fromCurated).sort(byPort);
  }

  severities(): { severity: SensitiveSeverity; count: number }[] {
    return SEVERITIES.map((severity) => ({ severity, count: this.sensitivePorts(severity).length }));
  }

  /** Sensitive ports of one severity, with the user's silenced ports left out and their own additions included. */
  sensitivePorts(severity: SensitiveSeverity): CatalogPort[] {
    const ports = this.knowledgeBase.database.sensitive
      .filter((entry) => this.knowledgeBase.lookup(entry.port, entry.protocols[0] ?? 'any').sensitive?.severity === severity)
      .map(fromSensitive);
    for (const extra of this.knowledgeBase.userData.extraSensitive) {
      if (extra.severity === severity) {
        ports.push({
          port: extra.port,
          endPort: extra.endPort,
          protocols: extra.protocol ? [extra.protocol] : [],
          title: this.knowledgeBase.userData.annotations.find((annotation) => annotation.port === extra.port)?.label ?? `Port ${extra.port}`,
          detail: extra.reason,
          severity,
        });
      }
    }
    return ports.sort(byPort);
  }

  /** Buckets of at most 1,024 ports inside a registry range. */
  buckets(start: number, end: number): { start: number; end: number }[] {
    const buckets: { start: number; end: number }[] = [];
    for (let bucketStart = start; bucketStart <= end; bucketStart += BUCKET_SIZE) {
      buckets.push({ start: bucketStart, end: Math.min(end, bucketStart + BUCKET_SIZE - 1) });
    }
    return buckets;
  }

  /** Registered ports in a bucket: one item per port, naming its registrations. */
  registeredPorts(start: number, end: number): CatalogPort[] {
    const ports: CatalogPort[] = [];
    for (let port = start; port <= end; port++) {
      const entries = this.knowledgeBase.database.ianaEntries(port).filter((entry) => entry.service);
      if (entries.length === 0) {
        continue;
      }
      const protocols = [...new Set(entries.flatMap((entry) => entry.protocols))];
      const names = [...new Set(entries.map((entry) => entry.service))];
      ports.push({
        port,
        endPort: port,
        protocols,
        title: names.join(', '),
        detail: entries[0].description,
      });
    }
    return ports;
  }
}
