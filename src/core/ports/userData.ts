import { SEVERITIES } from './portData';
import type { SensitiveSeverity, TransportProtocol } from './portData';

/** A port key as users write it in settings: `8443`, `8443/tcp`, `6000-6010/udp`. */
export interface PortKey {
  readonly port: number;
  readonly endPort: number;
  /** `undefined` means every protocol. */
  readonly protocol?: TransportProtocol;
}

export interface UserAnnotation extends PortKey {
  readonly label: string;
  readonly description?: string;
}

export interface UserSensitivePort extends PortKey {
  readonly severity: SensitiveSeverity;
  readonly reason: string;
  readonly mitigation?: string;
}

/** The user's own knowledge, merged over the built-in data. */
export interface UserPortData {
  readonly annotations: readonly UserAnnotation[];
  readonly extraSensitive: readonly UserSensitivePort[];
  readonly silenced: readonly PortKey[];
}

export const EMPTY_USER_DATA: UserPortData = { annotations: [], extraSensitive: [], silenced: [] };

/** The raw setting values, exactly as read from settings or `.portlens.json`. */
export interface RawUserPortData {
  readonly customPorts?: unknown;
  readonly additionalSensitivePorts?: unknown;
  readonly silencedSensitivePorts?: unknown;
}

const PORT_KEY = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|sctp|dccp))?$/i;

export function parsePortKey(text: string): PortKey | undefined {
  const match = PORT_KEY.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const port = Number(match[1]);
  const endPort = match[2] === undefined ? port : Number(match[2]);
  if (port < 1 || endPort > 65535 || endPort < port) {
    return undefined;
  }
  const protocol = match[3]?.toLowerCase() as TransportProtocol | undefined;
  return protocol ? { port, endPort, protocol } : { port, endPort };
}

export function portKeyCovers(key: PortKey, port: number, protocol: TransportProtocol | 'any'): boolean {
  return port >= key.port && port <= key.endPort && (key.protocol === undefined || protocol === 'any' || key.protocol === protocol);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const KEY_HELP = 'use a port, a range or either with a protocol, e.g. "8443", "8443/tcp" or "6000-6010/udp"';

/**
 * Validates the user's entries. Malformed entries are skipped and described in `problems`,
 * so one typo never discards the rest.
 */
export function parseUserPortData(raw: RawUserPortData): { data: UserPortData; problems: string[] } {
  const problems: string[] = [];
  const annotations: UserAnnotation[] = [];
  const extraSensitive: UserSensitivePort[] = [];
  const silenced: PortKey[] = [];

  if (raw.customPorts !== undefined && raw.customPorts !== null) {
    if (!isPlainObject(raw.customPorts)) {
      problems.push('customPorts must be an object mapping a port to a label, e.g. { "8443/tcp": "Admin API" }.');
    } else {
      for (const [keyText, value] of Object.entries(raw.customPorts)) {
        const key = parsePortKey(keyText);
        if (!key) {
          problems.push(`customPorts: "${keyText}" is not a port key; ${KEY_HELP}.`);
          continue;
        }
        if (typeof value === 'string' && value.trim()) {
          annotations.push({ ...key, label: value.trim() });
        } else if (isPlainObject(value) && typeof value.label === 'string' && value.label.trim()) {
          const description = typeof value.description === 'string' && value.description.trim() ? value.description.trim() : undefined;
          annotations.push(description ? { ...key, label: value.label.trim(), description } : { ...key, label: value.label.trim() });
        } else {
          problems.push(`customPorts: "${keyText}" needs a non-empty label (a string, or { "label": "…", "description": "…" }).`);
        }
      }
    }
  }

  if (raw.additionalSensitivePorts !== undefined && raw.additionalSensitivePorts !== null) {
    if (!isPlainObject(raw.additionalSensitivePorts)) {
      problems.push('additionalSensitivePorts must be an object, e.g. { "8443/tcp": { "severity": "high", "reason": "Admin API without auth" } }.');
    } else {
      for (const [keyText, value] of Object.entries(raw.additionalSensitivePorts)) {
        const key = parsePortKey(keyText);
        if (!key) {
          problems.push(`additionalSensitivePorts: "${keyText}" is not a port key; ${KEY_HELP}.`);
          continue;
        }
        if (!isPlainObject(value) || typeof value.reason !== 'string' || !value.reason.trim()) {
          problems.push(`additionalSensitivePorts: "${keyText}" needs a "reason".`);
          continue;
        }
        const severity = value.severity ?? 'medium';
        if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) {
          problems.push(`additionalSensitivePorts: "${keyText}" has severity ${JSON.stringify(severity)}; use "high", "medium" or "low".`);
          continue;
        }
        const mitigation = typeof value.mitigation === 'string' && value.mitigation.trim() ? value.mitigation.trim() : undefined;
        extraSensitive.push({
          ...key,
          severity: severity as SensitiveSeverity,
          reason: value.reason.trim(),
          ...(mitigation ? { mitigation } : {}),
        });
      }
    }
  }

  if (raw.silencedSensitivePorts !== undefined && raw.silencedSensitivePorts !== null) {
    if (!Array.isArray(raw.silencedSensitivePorts)) {
      problems.push('silencedSensitivePorts must be a list of ports, e.g. ["6379", "9229/tcp"].');
    } else {
      for (const item of raw.silencedSensitivePorts) {
        const key = typeof item === 'number' || typeof item === 'string' ? parsePortKey(String(item)) : undefined;
        if (key) {
          silenced.push(key);
        } else {
          problems.push(`silencedSensitivePorts: ${JSON.stringify(item)} is not a port key; ${KEY_HELP}.`);
        }
      }
    }
  }

  return { data: { annotations, extraSensitive, silenced }, problems };
}
