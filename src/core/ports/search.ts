import type { PortDatabase, TransportProtocol } from './portData';
import type { UserAnnotation } from './userData';

export type SearchTier = 'number' | 'name' | 'prefix' | 'word';

export interface SearchHit {
  readonly source: 'custom' | 'curated' | 'iana';
  readonly port?: number;
  readonly endPort?: number;
  readonly protocols: readonly TransportProtocol[];
  readonly title: string;
  readonly detail: string;
  /** Why it matched: the exact number, the exact name, a name prefix, or a word. */
  readonly tier: SearchTier;
}

interface SearchDocument {
  readonly source: SearchHit['source'];
  readonly port?: number;
  readonly endPort?: number;
  readonly protocols: readonly TransportProtocol[];
  readonly title: string;
  readonly detail: string;
  readonly name: string;
}

const WORD = /[a-z0-9]+/g;
const NUMBER_QUERY = /^(\d{1,5})(?:\/(tcp|udp|sctp|dccp))?$/;

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** First index in a sorted array whose value is >= `target`. */
function lowerBound(sorted: readonly string[], target: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < target) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

/**
 * Ranked search over every curated entry, registry row and user annotation:
 * exact number, then exact name, then name prefix, then a word of the name or description.
 * Documents are stored user-first, then curated, then registry by port, so sorting
 * document ids within a tier is the ranking within that tier.
 */
export class SearchIndex {
  private readonly documents: SearchDocument[] = [];
  private readonly byPort = new Map<number, number[]>();
  private readonly ranged: number[] = [];
  private readonly byName = new Map<string, number[]>();
  private readonly sortedNames: string[];
  private readonly byWord = new Map<string, number[]>();
  private readonly sortedWords: string[];

  constructor(database: PortDatabase, annotations: readonly UserAnnotation[]) {
    for (const annotation of annotations) {
      this.add(
        {
          source: 'custom',
          port: annotation.port,
          endPort: annotation.endPort,
          protocols: annotation.protocol ? [annotation.protocol] : [],
          title: annotation.label,
          detail: annotation.description ?? '',
          name: annotation.label.toLowerCase(),
        },
        annotation.description ?? '',
      );
    }
    for (const entry of database.curated) {
      this.add(
        {
          source: 'curated',
          port: entry.port,
          endPort: entry.endPort ?? entry.port,
          protocols: entry.protocols,
          title: entry.service,
          detail: entry.summary,
          name: entry.service.toLowerCase(),
        },
        `${entry.software} ${entry.category} ${entry.summary}`,
      );
    }
    const registryIds: number[] = [];
    for (let row = 0; row < database.ianaRowCount; row++) {
      registryIds.push(row);
    }
    const rows = registryIds.map((row) => database.ianaRow(row)).filter((entry) => entry.service !== '');
    rows.sort((a, b) => (a.port ?? 70000) - (b.port ?? 70000));
    for (const entry of rows) {
      this.add(
        {
          source: 'iana',
          port: entry.port,
          endPort: entry.endPort ?? entry.port,
          protocols: entry.protocols,
          title: entry.service,
          detail: entry.description,
          name: entry.service.toLowerCase(),
        },
        entry.description,
      );
    }
    this.sortedNames = [...this.byName.keys()].sort();
    this.sortedWords = [...this.byWord.keys()].sort();
  }

  private add(document: SearchDocument, extraText: string): void {
    const id = this.documents.push(document) - 1;
    if (document.port !== undefined) {
      if (document.endPort !== undefined && document.endPort !== document.port) {
        this.ranged.push(id);
      } else {
        appendUnique(this.byPort, document.port, id);
      }
    }
    appendUnique(this.byName, document.name, id);
    for (const word of new Set([...wordsOf(document.title), ...wordsOf(extraText)])) {
      appendUnique(this.byWord, word, id);
    }
  }

  search(query: string, limit = 50): SearchHit[] {
    const normalized = query.trim().toLowerCase();
    if (!normalized || limit <= 0) {
      return [];
    }
    const hits: SearchHit[] = [];
    const seen = new Set<number>();
    const take = (ids: readonly number[], tier: SearchTier, protocol?: TransportProtocol): boolean => {
      for (const id of [...ids].sort((a, b) => a - b)) {
        const document = this.documents[id];
        if (seen.has(id) || (protocol && document.protocols.length > 0 && !document.protocols.includes(protocol))) {
          continue;
        }
        seen.add(id);
        hits.push({
          source: document.source,
          ...(document.port !== undefined ? { port: document.port } : {}),
          ...(document.endPort !== undefined ? { endPort: document.endPort } : {}),
          protocols: document.protocols,
          title: document.title,
          detail: document.detail,
          tier,
        });
        if (hits.length >= limit) {
          return true;
        }
      }
      return false;
    };

    const numberMatch = NUMBER_QUERY.exec(normalized);
    if (numberMatch) {
      const port = Number(numberMatch[1]);
      const protocol = numberMatch[2] as TransportProtocol | undefined;
      if (take(this.byPort.get(port) ?? [], 'number', protocol)) {
        return hits;
      }
      const covering = this.ranged.filter((id) => {
        const document = this.documents[id];
        return port >= (document.port ?? 0) && port <= (document.endPort ?? -1);
      });
      if (take(covering, 'number', protocol)) {
        return hits;
      }
    }

    if (take(this.byName.get(normalized) ?? [], 'name')) {
      return hits;
    }

    const prefixIds: number[] = [];
    for (let i = lowerBound(this.sortedNames, normalized); i < this.sortedNames.length && this.sortedNames[i].startsWith(normalized); i++) {
      prefixIds.push(...(this.byName.get(this.sortedNames[i]) ?? []));
    }
    if (take(prefixIds, 'prefix')) {
      return hits;
    }

    const queryWords = wordsOf(normalized);
    if (queryWords.length > 0) {
      take(this.documentsWithWords(queryWords), 'word');
    }
    return hits;
  }

  /** Documents containing every query word; the last word may be a prefix, since users type left to right. */
  private documentsWithWords(queryWords: readonly string[]): number[] {
    let result: Set<number> | undefined;
    queryWords.forEach((word, index) => {
      const ids = new Set<number>();
      if (index === queryWords.length - 1) {
        for (let i = lowerBound(this.sortedWords, word); i < this.sortedWords.length && this.sortedWords[i].startsWith(word); i++) {
          for (const id of this.byWord.get(this.sortedWords[i]) ?? []) {
            ids.add(id);
          }
        }
      } else {
        for (const id of this.byWord.get(word) ?? []) {
          ids.add(id);
        }
      }
      result = result ? new Set([...result].filter((id) => ids.has(id))) : ids;
    });
    return [...(result ?? [])];
  }
}

function appendUnique(map: Map<string | number, number[]>, key: string | number, id: number): void {
  const list = map.get(key);
  if (!list) {
    map.set(key, [id]);
  } else if (list[list.length - 1] !== id) {
    list.push(id);
  }
}
