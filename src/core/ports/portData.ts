import { findDataFile as findDataFileIn, readDataFile } from './dataFiles';
import type { Mutable } from '../types';

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

/** The registry's port index, built by `npm run data` so loading never builds it. */
interface RawPortIndex {
  /** Ports of the rows with a single port, ascending. */
  readonly ports: readonly number[];
  /** The row of each entry of `ports`. */
  readonly rows: readonly number[];
  /** Rows with a port range, as flat triples: row, first port, last port. */
  readonly ranges: readonly number[];
}

interface RawPortData {
  readonly format: number;
  readonly registry: {
    readonly source: string;
    readonly updated: string;
    readonly records: number;
    readonly rowCount: number;
    readonly index: RawPortIndex;
  };
  readonly curated: readonly CuratedEntry[];
  readonly sensitive: readonly SensitiveEntry[];
  /** `[name, port, protocol, ...aliases]`, in file order. */
  readonly etcServices?: readonly EtcServicesRow[];
}

/** One line of /etc/services: the name, its port and protocol, then its aliases. */
export type EtcServicesRow = readonly [name: string, port: number, protocol: string, ...aliases: string[]];

const DATA_FILE_NAME = 'port-data.json';
const ROWS_FILE_NAME = 'iana-rows.tsv';
const DETAILS_FILE_NAME = 'iana-details.json';
const DATA_FORMAT = 3;
const PROTOCOL_BITS: readonly [TransportProtocol, number][] = [['tcp', 1], ['udp', 2], ['sctp', 4], ['dccp', 8]];
const REFERENCE_PATTERN = /\[([^\]]*)\]/g;
/** The escapes `npm run data` writes so that one registry row stays on one line of the TSV. */
const TSV_ESCAPE = /\\[\\tnr]/g;
const TSV_UNESCAPED: Readonly<Record<string, string>> = { '\\\\': '\\', '\\t': '\t', '\\n': '\n', '\\r': '\r' };
/** The columns of `iana-rows.tsv`, in order. */
type RowColumn = 'port' | 'protocols' | 'service' | 'description' | 'reference' | 'unauthorizedUse';
const RANGE_TEXT = /^(\d+)-(\d+)$/;

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

function unescapeField(text: string): string {
  return text.includes('\\') ? text.replace(TSV_ESCAPE, (escape) => TSV_UNESCAPED[escape]) : text;
}

/** The first position in the ascending `ports` holding `port` or more. */
function lowerBound(ports: readonly number[], port: number): number {
  let low = 0;
  let high = ports.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ports[middle] < port) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/**
 * The built-in dataset. Loading parses only the curated and sensitive catalogues and the port
 * index that `npm run data` wrote; the registry's rows stay one string, read from
 * `iana-rows.tsv` on the first registry lookup and turned into objects only when asked for.
 */
export class PortDatabase {
  readonly registryUpdated: string;
  readonly registrySource: string;
  readonly registryRecordCount: number;
  readonly curated: readonly CuratedEntry[];
  readonly sensitive: readonly SensitiveEntry[];
  /** Debian's /etc/services, which the firewall tools resolve service names through. */
  readonly etcServices: readonly EtcServicesRow[];
  private readonly rowCount: number;
  private readonly index: RawPortIndex;
  private readonly curatedByPort = new Map<number, CuratedEntry[]>();
  private readonly curatedRanges: CuratedEntry[] = [];
  private readonly sensitiveByPort = new Map<number, SensitiveEntry[]>();
  private readonly sensitiveRanges: SensitiveEntry[] = [];

  private rowsText: string | undefined;
  /** Where each row's line starts in `rowsText`, with one extra entry past the last row. */
  private rowStarts: Int32Array | undefined;
  private details: RawDetails | undefined;

  constructor(
    raw: RawPortData,
    private readonly loadRows: () => string = () => readDataFile(ROWS_FILE_NAME),
    private readonly loadDetails: () => RawDetails = () => JSON.parse(readDataFile(DETAILS_FILE_NAME)) as RawDetails,
  ) {
    const index = raw.registry?.index;
    if (raw.format !== DATA_FORMAT || !index || !Array.isArray(index.ports) || !Array.isArray(index.rows) || !Array.isArray(index.ranges)) {
      throw new Error('Unsupported port data format: rebuild it with `npm run data`.');
    }
    this.registryUpdated = raw.registry.updated;
    this.registrySource = raw.registry.source;
    this.registryRecordCount = raw.registry.records;
    this.rowCount = raw.registry.rowCount;
    this.index = index;
    this.curated = raw.curated;
    this.sensitive = raw.sensitive;
    this.etcServices = raw.etcServices ?? [];
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

  /** Registry rows for a port, in registry order, optionally only those registered for one protocol. */
  ianaEntries(port: number, protocol: TransportProtocol | 'any' = 'any'): IanaEntry[] {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return [];
    }
    const { ports, rows, ranges } = this.index;
    const matching: number[] = [];
    for (let i = lowerBound(ports, port); i < ports.length && ports[i] === port; i++) {
      matching.push(rows[i]);
    }
    let fromRanges = false;
    for (let i = 0; i < ranges.length; i += 3) {
      if (port >= ranges[i + 1] && port <= ranges[i + 2]) {
        matching.push(ranges[i]);
        fromRanges = true;
      }
    }
    if (fromRanges) {
      matching.sort((a, b) => a - b);
    }
    const entries: IanaEntry[] = [];
    for (const row of matching) {
      const entry = this.ianaRow(row);
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
    return this.rowCount;
  }

  /** The fields of one registry row, reading the rows file on first use. */
  private rowFields(index: number): Record<RowColumn, string> {
    if (this.rowsText === undefined || this.rowStarts === undefined) {
      const text = this.loadRows();
      const starts = new Int32Array(this.rowCount + 1);
      // The first line names the columns.
      let offset = text.indexOf('\n') + 1;
      for (let row = 0; row < this.rowCount; row++) {
        starts[row] = offset;
        const end = text.indexOf('\n', offset);
        if (end < 0) {
          throw new Error(`data/${ROWS_FILE_NAME} holds ${row} of the ${this.rowCount} registry rows: rebuild it with \`npm run data\`.`);
        }
        offset = end + 1;
      }
      starts[this.rowCount] = offset;
      this.rowsText = text;
      this.rowStarts = starts;
    }
    const line = this.rowsText.slice(this.rowStarts[index], this.rowStarts[index + 1] - 1);
    const values = line.split('\t');
    return {
      port: values[0] ?? '',
      protocols: values[1] ?? '',
      service: unescapeField(values[2] ?? ''),
      description: unescapeField(values[3] ?? ''),
      reference: unescapeField(values[4] ?? ''),
      unauthorizedUse: unescapeField(values[5] ?? ''),
    };
  }

  ianaRow(index: number): IanaEntry {
    if (!Number.isInteger(index) || index < 0 || index >= this.rowCount) {
      throw new RangeError(`There is no registry row ${index}; the registry has ${this.rowCount}.`);
    }
    const fields = this.rowFields(index);
    const bits = Number(fields.protocols);
    const protocols = PROTOCOL_BITS.filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name);
    const entry = {
      row: index,
      service: fields.service,
      protocols,
      description: fields.description,
      references: splitReferences(fields.reference),
      unauthorizedUse: fields.unauthorizedUse,
    } as Mutable<IanaEntry>;
    const range = RANGE_TEXT.exec(fields.port);
    if (range) {
      entry.port = Number(range[1]);
      const high = Math.min(Number(range[2]), 65535);
      if (high !== entry.port) {
        entry.endPort = high;
      }
    } else if (fields.port !== '') {
      entry.port = Number(fields.port);
    }
    return entry;
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

/** Where a data file is, for tests and scripts that read the files beside the dataset. */
export function findDataFile(fileName: string = DATA_FILE_NAME): string {
  return findDataFileIn(fileName);
}

let loaded: PortDatabase | undefined;

/** The built-in dataset, read and indexed on first use only (never at activation). */
export function portDatabase(): PortDatabase {
  if (!loaded) {
    loaded = new PortDatabase(JSON.parse(readDataFile(DATA_FILE_NAME)) as RawPortData);
  }
  return loaded;
}

/** Whether the dataset has been loaded yet; lets tests prove that activation loads nothing. */
export function isPortDatabaseLoaded(): boolean {
  return loaded !== undefined;
}
