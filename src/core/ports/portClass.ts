/** IANA's three port classes (RFC 6335 section 6). */
export type PortClass = 'system' | 'user' | 'dynamic';

export const PORT_CLASS_LABELS: Readonly<Record<PortClass, string>> = {
  system: 'system (well-known, 0-1023)',
  user: 'user (registered, 1024-49151)',
  dynamic: 'dynamic (private, 49152-65535)',
};

export function portClassOf(port: number): PortClass {
  if (port < 1024) {
    return 'system';
  }
  return port < 49152 ? 'user' : 'dynamic';
}

export interface NamedPortRange {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly note: string;
}

/** Ranges that change what a port means in practice, beyond IANA's classes. */
export const NOTABLE_RANGES: readonly NamedPortRange[] = [
  {
    name: 'Linux ephemeral range',
    start: 32768,
    end: 60999,
    note: 'Linux picks outgoing source ports from here by default (net.ipv4.ip_local_port_range), so a listener here can collide with client connections.',
  },
  {
    name: 'Kubernetes NodePort range',
    start: 30000,
    end: 32767,
    note: 'Kubernetes allocates NodePort Services from here by default (--service-node-port-range).',
  },
];

export function notableRangesOf(port: number): NamedPortRange[] {
  return NOTABLE_RANGES.filter((range) => port >= range.start && port <= range.end);
}
