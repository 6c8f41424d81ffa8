import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';

/** Transport protocols the registry knows. */
export type TransportProtocol = 'tcp' | 'udp' | 'sctp' | 'dccp';

export const CATEGORIES = [
  'web', 'proxy', 'database', 'cache', 'search', 'messaging', 'remote-access', 'mail', 'directory',
  'file-sharing', 'storage', 'monitoring', 'logging', 'tracing', 'orchestration', 'service-discovery',
  'ci-cd', 'dev-server', 'debugging', 'vpn', 'network-infrastructure', 'security', 'media', 'voip',
  'iot', 'games', 'blockchain', 'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type SensitiveSeverity = (typeof SEVERITIES)[number];

export const RISKS = [
  'rce', 'unauthenticated', 'plaintext-credentials', 'amplification', 'brute-force', 'data-exposure',
  'information-disclosure', 'lateral-movement', 'other',
] as const;
export type Risk = (typeof RISKS)[number];

/** One row of the IANA Service Name and Transport Protocol Port Number Registry. */
export interface IanaEntry {
  /** Position in the registry, for {@link PortDatabase.ianaDetails}. */
  readonly row: number;
  readonly service: string;
  /** Absent for service names registered without a port (SRV-only names). */
  readonly port?: number;
  readonly endPort?: number;
  readonly protocols: readonly TransportProtocol[];
  readonly description: string;
  /** Bracketed references split apart: `RFC6335`, `http://…`, `Jon_Postel`. */
  readonly references: readonly string[];
  readonly unauthorizedUse: string;
}

/** The registry columns that hovers and rules never need, kept in a second file read only on request. */
export interface IanaDetails {
  readonly assignee: string;
  readonly contact: string;
  readonly registered: string;
  readonly modified: string;
  readonly serviceCode: string;
  readonly notes: string;
}

/** What practitioners actually run on a port, where IANA is silent or misleading. */
export interface CuratedEntry {
  readonly port: number;
  readonly endPort?: number;
  readonly protocols: readonly TransportProtocol[];
  readonly service: string;
  readonly software: string;
  readonly category: Category;
  readonly summary: string;
  readonly source: string;
  /** The service cannot work without UDP. */
  readonly needsUdp?: boolean;
  /** For plaintext protocols: the encrypted counterpart to use instead. */
  readonly encryptedAlternative?: string;
}

/** A port that is dangerous to expose beyond the host or a private network. */
export interface SensitiveEntry {
  readonly port: number;
  readonly endPort?: number;
  readonly protocols: readonly TransportProtocol[];
  readonly service: string;
  readonly severity: SensitiveSeverity;
  readonly risk: Risk;
  readonly reason: string;
  readonly mitigation: string;
  readonly reference: string;
}

type RawRow = readonly (string | number)[];

interface RawDetails {
  readonly format: number;
  readonly columns: readonly string[];
  readonly rows: readonly RawRow[];
}

interface RawPortData {
  readonly format: number;
  readonly registry: {
    readonly source: string;
    readonly updated: string;
    readonly records: number;
    readonly columns: readonly string[];
    readonly rows: readonly RawRow[];
  };
  readonly curated: readonly CuratedEntry[];
  readonly sensitive: readonly SensitiveEntry[];
}

const DATA_FILE_NAME = 'port-data.json';
const DETAILS_FILE_NAME = 'iana-details.json';
const DATA_FORMAT = 2;
const PROTOCOL_BITS: readonly [TransportProtocol, number][] = [['tcp', 1], ['udp', 2], ['sctp', 4], ['dccp', 8]];
const REFERENCE_PATTERN = /\[([^\]]*)\]/g;

function splitReferences(text: string): string[] {
  const references: string[] = [];
  for (const match of text.matchAll(REFERENCE_PATTERN)) {
    if (match[1]) {
      references.push(match[1]);
    }
  }
  if (references.length === 0 && text.trim()) {
    references.push(text.trim());
  }
  return references;
}

/** The covered range of an entry: `[port, endPort ?? port]`. */
function endOf(entry: { port: number; endPort?: number }): number {
  return entry.endPort ?? entry.port;
}

function coversProtocol(protocols: readonly TransportProtocol[], protocol: TransportProtocol | 'any'): boolean {
  return protocol === 'any' || protocols.length === 0 || protocols.includes(protocol);
}

/**
 * The built-in dataset, indexed for O(1) lookup by port. Registry rows are kept as the compact
 * arrays they were loaded as and turned into objects only when asked for, to keep the heap small.
 */
export class PortDatabase {
  readonly registryUpdated: string;
  readonly registrySource: string;
  readonly registryRecordCount: number;
  readonly curated: readonly CuratedEntry[];
  readonly sensitive: readonly SensitiveEntry[];
  private readonly rows: RawPortData['registry']['rows'];
  private readonly column: Readonly<Record<string, number>>;
  /** Compressed index: rows for port p are `rowRefs[rowStarts[p] .. rowStarts[p + 1])`. */
  private readonly rowStarts: Int32Array;
  private readonly rowRefs: Int32Array;
  private readonly curatedByPort = new Map<number, CuratedEntry[]>();
  private readonly curatedRanges: CuratedEntry[] = [];
  private readonly sensitiveByPort = new Map<number, SensitiveEntry[]>();
  private readonly sensitiveRanges: SensitiveEntry[] = [];

  private details: RawDetails | undefined;

  constructor(
    raw: RawPortData,
    private readonly loadDetails: () => RawDetails = () => JSON.parse(readFileSync(findDataFile(DETAILS_FILE_NAME), 'utf8')) as RawDetails,
  ) {
    if (raw.format !== DATA_FORMAT || !raw.registry || !Array.isArray(raw.registry.rows)) {
      throw new Error('Unsupported port data format: rebuild it with `npm run data`.');
    }
    this.registryUpdated = raw.registry.updated;
    this.registrySource = raw.registry.source;
    this.registryRecordCount = raw.registry.records;
    this.rows = raw.registry.rows;
    this.column = Object.fromEntries(raw.registry.columns.map((name, index) => [name, index]));
    this.curated = raw.curated;
    this.sensitive = raw.sensitive;

    const descriptionColumn = this.column.description;
    const portColumn = this.column.port;
    // Each row's span, read once into flat arrays: this runs on the first lookup, cold, and
    // a pair of numbers per row would be thousands of short-lived arrays. An empty span
    // (low above high) stands for no port.
    const lows = new Float64Array(this.rows.length).fill(1);
    const highs = new Float64Array(this.rows.length);
    for (let rowIndex = 0; rowIndex < this.rows.length; rowIndex++) {
      const row = this.rows[rowIndex];
      // Unassigned ranges cover most of the port space; they are implied by the absence of a row.
      if (row[descriptionColumn] === 'Unassigned') {
        continue;
      }
      const value = row[portColumn];
      const span = typeof value === 'number' ? undefined : this.portSpan(row);
      if (typeof value === 'number' || span) {
        lows[rowIndex] = span ? span[0] : (value as number);
        highs[rowIndex] = span ? span[1] : (value as number);
      }
    }
    const counts = new Int32Array(65537);
    for (let rowIndex = 0; rowIndex < this.rows.length; rowIndex++) {
      for (let port = lows[rowIndex]; port <= highs[rowIndex]; port++) {
        counts[port + 1]++;
      }
    }
    for (let port = 1; port <= 65536; port++) {
      counts[port] += counts[port - 1];
    }
    this.rowStarts = counts;
    this.rowRefs = new Int32Array(counts[65536]);
    const cursor = counts.slice(0, 65536);
    for (let rowIndex = 0; rowIndex < this.rows.length; rowIndex++) {
      for (let port = lows[rowIndex]; port <= highs[rowIndex]; port++) {
        this.rowRefs[cursor[port]++] = rowIndex;
      }
    }

    for (const entry of this.curated) {
      if (entry.endPort !== undefined && entry.endPort !== entry.port) {
        this.curatedRanges.push(entry);
      } else {
        pushTo(this.curatedByPort, entry.port, entry);
      }
    }
    for (const entry of this.sensitive) {
      if (entry.endPort !== undefined && entry.endPort !== entry.port) {
        this.sensitiveRanges.push(entry);
      } else {
        pushTo(this.sensitiveByPort, entry.port, entry);
      }
    }
  }

  /** Registry rows for a port, optionally only those registered for one protocol. */
  ianaEntries(port: number, protocol: TransportProtocol | 'any' = 'any'): IanaEntry[] {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return [];
    }
    const entries: IanaEntry[] = [];
    for (let i = this.rowStarts[port]; i < this.rowStarts[port + 1]; i++) {
      const entry = this.ianaRow(this.rowRefs[i]);
      if (coversProtocol(entry.protocols, protocol)) {
        entries.push(entry);
      }
    }
    return entries;
  }

  curatedEntries(port: number, protocol: TransportProtocol | 'any' = 'any'): CuratedEntry[] {
    const exact = this.curatedByPort.get(port) ?? [];
    const ranged = this.curatedRanges.filter((entry) => port >= entry.port && port <= endOf(entry));
    return [...exact, ...ranged].filter((entry) => coversProtocol(entry.protocols, protocol));
  }

  sensitiveEntry(port: number, protocol: TransportProtocol | 'any' = 'any'): SensitiveEntry | undefined {
    const exact = this.sensitiveByPort.get(port) ?? [];
    const candidates = exact.length > 0 ? exact : this.sensitiveRanges.filter((entry) => port >= entry.port && port <= endOf(entry));
    return candidates.find((entry) => coversProtocol(entry.protocols, protocol));
  }

  /** Every registry row, in file order (for search and the catalogue). */
  get ianaRowCount(): number {
    return this.rows.length;
  }

  /** `[low, high]` of a row's port or range, or `undefined` for a name without a port. */
  private portSpan(row: RawRow): [number, number] | undefined {
    const value = row[this.column.port];
    if (typeof value === 'number') {
      return [value, value];
    }
    if (typeof value === 'string' && value.includes('-')) {
      const [low, high] = value.split('-').map(Number);
      return Number.isInteger(low) && Number.isInteger(high) ? [low, Math.min(high, 65535)] : undefined;
    }
    return undefined;
  }

  ianaRow(index: number): IanaEntry {
    const row = this.rows[index];
    const text = (name: string): string => {
      const value = row[this.column[name]];
      return typeof value === 'string' ? value : '';
    };
    const bits = row[this.column.protocols];
    const protocols = typeof bits === 'number' ? PROTOCOL_BITS.filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name) : [];
    const span = this.portSpan(row);
    return {
      row: index,
      service: text('service'),
      ...(span ? { port: span[0] } : {}),
      ...(span && span[1] !== span[0] ? { endPort: span[1] } : {}),
      protocols,
      description: text('description'),
      references: splitReferences(text('reference')),
      unauthorizedUse: text('unauthorizedUse'),
    };
  }

  /** Assignee, contact, dates, service code and notes of a registry row; reads the details file on first use. */
  ianaDetails(row: number): IanaDetails {
    this.details ??= this.loadDetails();
    const values = this.details.rows[row] ?? [];
    const text = (name: string): string => {
      const value = values[this.details?.columns.indexOf(name) ?? -1];
      return typeof value === 'string' ? value : '';
    };
    return {
      assignee: text('assignee'),
      contact: text('contact'),
      registered: text('registered'),
      modified: text('modified'),
      serviceCode: text('serviceCode'),
      notes: text('notes'),
    };
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/** Finds a file in `data/` from the bundle (`dist/`) or the transpiled tree (`out/src/core/ports/`). */
export function findDataFile(fileName: string = DATA_FILE_NAME, startDirectory: string = __dirname): string {
  let directory = startDirectory;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(directory, 'data', fileName);
    if (existsSync(candidate)) {
      return candidate;
    }
    directory = path.dirname(directory);
  }
  throw new Error(`Port Lens could not find data/${fileName} near ${startDirectory}; run \`npm run data\`.`);
}

let loaded: PortDatabase | undefined;

/** The built-in dataset, read and indexed on first use only (never at activation). */
export function portDatabase(): PortDatabase {
  if (!loaded) {
    loaded = new PortDatabase(JSON.parse(readFileSync(findDataFile(), 'utf8')) as RawPortData);
  }
  return loaded;
}

/** Whether the dataset has been loaded yet; lets tests prove that activation loads nothing. */
export function isPortDatabaseLoaded(): boolean {
  return loaded !== undefined;
}
