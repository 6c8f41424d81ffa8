/**
 * Service names, as the firewall tools resolve them. ufw, iptables, nft, firewall-cmd and sshd
 * all call getservbyname, which reads /etc/services: a name means a port only for the protocols
 * that file lists it under. Debian's netbase file (copied into data/etc-services.json) is what a
 * stock host has; RHEL and Fedora ship the whole IANA registry as /etc/services, so a name that
 * only IANA registers is resolved too, and marked as such for the scanners to say so.
 */
import type { TransportProtocol } from './portData';
import { portDatabase } from './portData';
import type { PortDatabase } from './portData';

/** Where a name was found: Debian's /etc/services, or only in the IANA registry. */
export type ServiceNameSource = 'etc-services' | 'iana';

export interface ServiceNamePort {
  readonly port: number;
  /** The last port, for the few IANA names registered for a range. */
  readonly endPort?: number;
  readonly protocol: TransportProtocol;
  readonly source: ServiceNameSource;
  /** The name as /etc/services or the registry spells it (an alias resolves to its service). */
  readonly canonicalName: string;
}

interface ServiceNameTable {
  /** `name/protocol` → port, aliases included; the first line for a name and protocol wins, as in getservbyname. */
  readonly etcServices: ReadonlyMap<string, ServiceNamePort>;
  /** Names in the order /etc/services lists them, each with its protocols in that order. */
  readonly etcProtocols: ReadonlyMap<string, readonly TransportProtocol[]>;
  /** port/protocol → the first name /etc/services gives it. */
  readonly etcNames: ReadonlyMap<string, string>;
}

const TRANSPORTS: readonly TransportProtocol[] = ['tcp', 'udp', 'sctp', 'dccp'];

let table: ServiceNameTable | undefined;
let tableSource: PortDatabase | undefined;
let ianaNames: Map<string, ServiceNamePort[]> | undefined;

function isTransport(protocol: string): protocol is TransportProtocol {
  return (TRANSPORTS as readonly string[]).includes(protocol);
}

function serviceNameTable(): ServiceNameTable {
  const database = portDatabase();
  if (table && tableSource === database) {
    return table;
  }
  const etcServices = new Map<string, ServiceNamePort>();
  const etcProtocols = new Map<string, TransportProtocol[]>();
  const etcNames = new Map<string, string>();
  for (const [name, port, protocol, ...aliases] of database.etcServices) {
    if (!isTransport(protocol)) {
      continue; // ddp (AppleTalk) names have no IP port
    }
    const entry: ServiceNamePort = { port, protocol, source: 'etc-services', canonicalName: name };
    for (const spelling of [name, ...aliases]) {
      const key = `${spelling}/${protocol}`;
      if (!etcServices.has(key)) {
        etcServices.set(key, entry);
      }
      const protocols = etcProtocols.get(spelling) ?? [];
      if (!protocols.includes(protocol)) {
        protocols.push(protocol);
      }
      etcProtocols.set(spelling, protocols);
    }
    const portKey = `${port}/${protocol}`;
    if (!etcNames.has(portKey)) {
      etcNames.set(portKey, name);
    }
  }
  table = { etcServices, etcProtocols, etcNames };
  tableSource = database;
  ianaNames = undefined;
  return table;
}

/** The registry's service names with a port, built on the first name /etc/services lacks. */
function ianaNameIndex(): Map<string, ServiceNamePort[]> {
  serviceNameTable();
  if (ianaNames) {
    return ianaNames;
  }
  const database = portDatabase();
  const names = new Map<string, ServiceNamePort[]>();
  for (let row = 0; row < database.ianaRowCount; row++) {
    const entry = database.ianaRow(row);
    if (entry.port === undefined || entry.service === '') {
      continue;
    }
    // Registry names are case-insensitive (RFC 6335 section 5.1); /etc/services copies keep them lower case.
    const name = entry.service.toLowerCase();
    const ports = names.get(name) ?? [];
    for (const protocol of entry.protocols) {
      if (!ports.some((known) => known.protocol === protocol)) {
        ports.push({ port: entry.port, ...(entry.endPort !== undefined ? { endPort: entry.endPort } : {}), protocol, source: 'iana', canonicalName: entry.service });
      }
    }
    names.set(name, ports);
  }
  ianaNames = names;
  return names;
}

/**
 * What `name` means for `protocol`, as getservbyname(name, protocol) answers on a stock Debian
 * host; failing that, what the IANA registry (a RHEL or Fedora /etc/services) says.
 */
export function lookupServiceName(name: string, protocol: TransportProtocol): ServiceNamePort | undefined {
  return serviceNameTable().etcServices.get(`${name}/${protocol}`) ?? ianaNameIndex().get(name.toLowerCase())?.find((entry) => entry.protocol === protocol);
}

/** The protocols /etc/services lists `name` under, in file order; empty when it lacks the name. */
export function etcServicesProtocols(name: string): readonly TransportProtocol[] {
  return serviceNameTable().etcProtocols.get(name) ?? [];
}

/** Whether a stock /etc/services knows `name` for any protocol, so the firewall tools resolve it everywhere. */
export function isEtcServicesName(name: string): boolean {
  return serviceNameTable().etcProtocols.has(name);
}

/**
 * Every protocol `name` resolves for: those /etc/services lists, or, when it lists none, the
 * registry's. getservbyname(name, NULL) answers with the first of them.
 */
export function serviceNamePorts(name: string): readonly ServiceNamePort[] {
  const protocols = etcServicesProtocols(name);
  if (protocols.length > 0) {
    return protocols.map((protocol) => serviceNameTable().etcServices.get(`${name}/${protocol}`) as ServiceNamePort);
  }
  return ianaNameIndex().get(name.toLowerCase()) ?? [];
}

/** The name /etc/services gives a port, as `iptables -L` or `ufw status` would print it. */
export function etcServicesNameOf(port: number, protocol: TransportProtocol): string | undefined {
  return serviceNameTable().etcNames.get(`${port}/${protocol}`);
}
