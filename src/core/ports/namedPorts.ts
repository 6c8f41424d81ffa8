/**
 * Names that firewall front ends expand into ports: ufw application profiles and firewalld's
 * predefined services. (Names resolved through /etc/services live in `serviceNames.ts`.)
 */
import type { Protocol } from '../types';
import { readDataFile } from './dataFiles';

/** One port or port range that a named service stands for. */
export interface NamedPort {
  readonly port: number;
  /** Last port of a range; absent for a single port. */
  readonly endPort?: number;
  readonly protocol: Protocol;
}

type Entry = readonly [name: string, ports: readonly NamedPort[]];

const tcp = (port: number): NamedPort => ({ port, protocol: 'tcp' });
const udp = (port: number): NamedPort => ({ port, protocol: 'udp' });
const both = (port: number): NamedPort => ({ port, protocol: 'any' });

/**
 * ufw application profiles as the distribution packages install them in /etc/ufw/applications.d
 * (`ports=` lines; a port without `/tcp` or `/udp` means both). Sources: the openssh-server, nginx-common,
 * bind9 and cups packages' profile files, Apache's and Postfix's documented profiles, and Samba's and
 * Dovecot's published profile ports. Only profiles whose ports were checked against those are listed.
 */
const UFW_PROFILE_ENTRIES: readonly Entry[] = [
  ['OpenSSH', [tcp(22)]],
  ['Nginx HTTP', [tcp(80)]],
  ['Nginx HTTPS', [tcp(443)]],
  ['Nginx Full', [tcp(80), tcp(443)]],
  ['Apache', [tcp(80)]],
  ['Apache Secure', [tcp(443)]],
  ['Apache Full', [tcp(80), tcp(443)]],
  ['Postfix', [tcp(25)]],
  ['Postfix SMTPS', [tcp(465)]],
  ['Postfix Submission', [tcp(587)]],
  ['Dovecot IMAP', [tcp(143)]],
  ['Dovecot POP3', [tcp(110)]],
  ['Dovecot Secure IMAP', [tcp(993)]],
  ['Dovecot Secure POP3', [tcp(995)]],
  ['Samba', [udp(137), udp(138), tcp(139), tcp(445)]],
  ['CUPS', [both(631)]],
  ['Bind9', [both(53)]],
];

export const UFW_APP_PROFILES: ReadonlyMap<string, readonly NamedPort[]> = new Map(UFW_PROFILE_ENTRIES);

const PROFILES_BY_LOWER_NAME: ReadonlyMap<string, string> = new Map(
  UFW_PROFILE_ENTRIES.map(([name]) => [name.toLowerCase(), name] as const),
);

/** ufw tries an exact profile name first, then a unique case-insensitive match. Returns the profile's own spelling. */
export function findUfwProfile(name: string): string | undefined {
  return UFW_APP_PROFILES.has(name) ? name : PROFILES_BY_LOWER_NAME.get(name.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// firewalld's predefined services
// ---------------------------------------------------------------------------------------------

/** What a zone opens when it adds one of firewalld's predefined services. */
export interface FirewalldService {
  /** Destination ports, with those of included services. */
  readonly ports: readonly NamedPort[];
  /** Source ports (`llmnr-client` matches replies from port 5355). */
  readonly sourcePorts: readonly NamedPort[];
}

/** data/firewalld-services.json, built by scripts/build-firewalld-services.mjs: `port[-port]/protocol` strings. */
interface RawFirewalldServices {
  readonly format: number;
  readonly source: string;
  readonly services: Readonly<Record<string, readonly string[]>>;
  readonly sourcePorts: Readonly<Record<string, readonly string[]>>;
}

const FIREWALLD_SERVICES_FILE = 'firewalld-services.json';
const PORT_ENTRY = /^(\d+)(?:-(\d+))?\/(tcp|udp|sctp|dccp)$/;

let firewalldServices: ReadonlyMap<string, FirewalldService> | undefined;

function namedPort(entry: string): NamedPort {
  const match = PORT_ENTRY.exec(entry);
  if (!match) {
    throw new Error(`data/${FIREWALLD_SERVICES_FILE}: "${entry}" is not port[-port]/protocol`);
  }
  const port = Number(match[1]);
  return { port, ...(match[2] !== undefined ? { endPort: Number(match[2]) } : {}), protocol: match[3] as Protocol };
}

/** Reads the table on first use, so a workspace without firewalld files never loads it. */
export function firewalldServiceTable(): ReadonlyMap<string, FirewalldService> {
  if (!firewalldServices) {
    const raw = JSON.parse(readDataFile(FIREWALLD_SERVICES_FILE)) as RawFirewalldServices;
    const table = new Map<string, FirewalldService>();
    for (const [name, ports] of Object.entries(raw.services)) {
      table.set(name, { ports: ports.map(namedPort), sourcePorts: (raw.sourcePorts[name] ?? []).map(namedPort) });
    }
    firewalldServices = table;
  }
  return firewalldServices;
}

/** The ports of a predefined firewalld service (firewalld 1.3), or undefined for any other name. */
export function firewalldService(name: string): FirewalldService | undefined {
  return firewalldServiceTable().get(name);
}
