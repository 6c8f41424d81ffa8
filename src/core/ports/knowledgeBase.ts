import type { Protocol } from '../types';
import { notableRangesOf, portClassOf } from './portClass';
import type { NamedPortRange, PortClass } from './portClass';
import { portDatabase } from './portData';
import type { CuratedEntry, IanaEntry, PortDatabase, Risk, SensitiveSeverity } from './portData';
import { SearchIndex } from './search';
import type { SearchHit } from './search';
import { EMPTY_USER_DATA, portKeyCovers } from './userData';
import type { UserAnnotation, UserPortData } from './userData';

/** Why a port is dangerous to expose, from the built-in catalogue or the user's settings. */
export interface SensitivePortInfo {
  readonly service: string;
  readonly severity: SensitiveSeverity;
  readonly reason: string;
  readonly mitigation?: string;
  readonly reference?: string;
  readonly risk?: Risk;
  readonly origin: 'built-in' | 'user';
}

/** Everything known about one port and protocol. */
export interface PortKnowledge {
  readonly port: number;
  readonly protocol: Protocol;
  readonly portClass: PortClass;
  readonly notableRanges: readonly NamedPortRange[];
  readonly iana: readonly IanaEntry[];
  readonly curated: readonly CuratedEntry[];
  readonly sensitive?: SensitivePortInfo;
  readonly annotation?: UserAnnotation;
  /** A built-in sensitive entry exists but the user silenced it. */
  readonly silencedSensitive: boolean;
}

/** Bounds the lookup memo; a file mentions far fewer distinct ports than this. */
const MAX_REMEMBERED_ANSWERS = 4096;
const PROTOCOL_INDEX: Readonly<Record<string, number>> = { any: 0, tcp: 1, udp: 2, sctp: 3, dccp: 4 };
const PROTOCOL_COUNT = 5;

/**
 * One number for a port and protocol, a cheaper map key on hot paths than a string;
 * `undefined` for a value outside 0–65535 or a protocol Port Lens does not know.
 */
export function portProtocolKey(port: number, protocol: Protocol): number | undefined {
  const index = PROTOCOL_INDEX[protocol];
  return Number.isInteger(port) && port >= 0 && port <= 65535 && index !== undefined ? port * PROTOCOL_COUNT + index : undefined;
}

/**
 * The port knowledge base: the IANA registry, curated usage and the sensitive catalogue,
 * with the user's own entries merged over them. Cheap to construct; the dataset is read on
 * the first lookup.
 */
export class KnowledgeBase {
  private searchIndex: SearchIndex | undefined;
  /** Answers already built: rules ask about the same few ports once per reference. */
  private readonly answers = new Map<number, PortKnowledge>();

  constructor(
    readonly userData: UserPortData = EMPTY_USER_DATA,
    private readonly loadDatabase: () => PortDatabase = portDatabase,
  ) {}

  get database(): PortDatabase {
    return this.loadDatabase();
  }

  lookup(port: number, protocol: Protocol = 'any'): PortKnowledge {
    // A number, not a string: making and hashing a string key cost more than the answer saved.
    const key = portProtocolKey(port, protocol);
    if (key === undefined) {
      return this.build(port, protocol);
    }
    let answer = this.answers.get(key);
    if (!answer) {
      if (this.answers.size >= MAX_REMEMBERED_ANSWERS) {
        this.answers.clear();
      }
      answer = this.build(port, protocol);
      this.answers.set(key, answer);
    }
    return answer;
  }

  /**
   * Whether `lookup(port, protocol).sensitive` is set, without building the rest of the answer:
   * rules ask this of every reference, and most ports are not sensitive.
   */
  isSensitive(port: number, protocol: Protocol = 'any'): boolean {
    const { userSensitive, builtInSensitive, silenced } = this.sensitivitySources(port, protocol);
    return userSensitive !== undefined || (builtInSensitive !== undefined && !silenced);
  }

  /** The user's and the catalogue's word on a port, and whether the user silenced the catalogue's. */
  private sensitivitySources(port: number, protocol: Protocol) {
    return {
      userSensitive: this.userData.extraSensitive.find((entry) => portKeyCovers(entry, port, protocol)),
      builtInSensitive: this.loadDatabase().sensitiveEntry(port, protocol),
      silenced: this.userData.silenced.some((key) => portKeyCovers(key, port, protocol)),
    };
  }

  /** `lookup(port, protocol).curated` alone, for rules that need nothing else. */
  curated(port: number, protocol: Protocol = 'any'): readonly CuratedEntry[] {
    return this.loadDatabase().curatedEntries(port, protocol);
  }

  private build(port: number, protocol: Protocol): PortKnowledge {
    const database = this.loadDatabase();
    const annotation = this.userData.annotations.find((entry) => portKeyCovers(entry, port, protocol));
    const { userSensitive, builtInSensitive, silenced: silencedSensitive } = this.sensitivitySources(port, protocol);
    let sensitive: SensitivePortInfo | undefined;
    if (userSensitive) {
      // The user's own reason wins over the catalogue's, even for a silenced port: they asked for it explicitly.
      sensitive = {
        service: annotation?.label ?? builtInSensitive?.service ?? `Port ${port}`,
        severity: userSensitive.severity,
        reason: userSensitive.reason,
        ...(userSensitive.mitigation ? { mitigation: userSensitive.mitigation } : {}),
        origin: 'user',
      };
    } else if (builtInSensitive && !silencedSensitive) {
      sensitive = { ...builtInSensitive, origin: 'built-in' };
    }
    return {
      port,
      protocol,
      portClass: portClassOf(port),
      notableRanges: notableRangesOf(port),
      iana: database.ianaEntries(port, protocol),
      curated: database.curatedEntries(port, protocol),
      ...(sensitive ? { sensitive } : {}),
      ...(annotation ? { annotation } : {}),
      silencedSensitive: Boolean(builtInSensitive) && silencedSensitive && !userSensitive,
    };
  }

  /** Searches by number, by name, or by a word of the description; see {@link SearchIndex}. */
  search(query: string, limit = 50): SearchHit[] {
    this.searchIndex ??= new SearchIndex(this.loadDatabase(), this.userData.annotations);
    return this.searchIndex.search(query, limit);
  }
}

const MAX_NAMES = 3;

/** The short name a user recognises: their own label, then curated usage, then IANA. */
export function displayName(knowledge: PortKnowledge): string | undefined {
  if (knowledge.annotation) {
    return knowledge.annotation.label;
  }
  if (knowledge.curated.length > 0) {
    // Busy ports (3000, 8080) have many users; name the first few, in the curated order.
    const names = knowledge.curated.map((entry) => entry.service);
    return names.length > MAX_NAMES ? `${names.slice(0, MAX_NAMES).join(' / ')} +${names.length - MAX_NAMES} more` : names.join(' / ');
  }
  const registered = knowledge.iana.find((entry) => entry.service && entry.description !== 'Reserved');
  if (registered) {
    return registered.description || registered.service;
  }
  return knowledge.sensitive?.service;
}
