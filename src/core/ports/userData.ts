import picomatch from 'picomatch';
import { canonicalImageName, parseImageReference } from './imagePorts';
import type { ImageReference } from './imagePorts';
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

/**
 * What the user says runs somewhere (`portLens.services`, `.portlens.json` `services`): a
 * Compose service or Kubernetes workload name, an image, or a file glob, and the software it runs.
 */
export interface UserServiceSoftware {
  readonly pattern: string;
  readonly software: string;
}

/** The user's own knowledge, merged over the built-in data. */
export interface UserPortData {
  readonly annotations: readonly UserAnnotation[];
  readonly extraSensitive: readonly UserSensitivePort[];
  readonly silenced: readonly PortKey[];
  readonly services: readonly UserServiceSoftware[];
}

export const EMPTY_USER_DATA: UserPortData = { annotations: [], extraSensitive: [], silenced: [], services: [] };

/** The raw setting values, exactly as read from settings or `.portlens.json`. */
export interface RawUserPortData {
  readonly customPorts?: unknown;
  readonly additionalSensitivePorts?: unknown;
  readonly silencedSensitivePorts?: unknown;
  readonly services?: unknown;
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

  const services = parseServices(raw.services, problems);

  return { data: { annotations, extraSensitive, silenced, services }, problems };
}

const MAX_SOFTWARE_LENGTH = 200;
/** Longer keys are no service, image or path anyone writes, and would only slow the glob matcher. */
const MAX_PATTERN_LENGTH = 1000;
const SERVICES_EXAMPLE = '{ "api": "Node.js HTTP API", "redis": "Redis", "deploy/cache-*.yaml": "Memcached" }';
const GLOB_CHARACTERS = /[*?{]/;

function isGlob(pattern: string): boolean {
  return GLOB_CHARACTERS.test(pattern);
}

function compileGlob(pattern: string): picomatch.Matcher | undefined {
  try {
    return picomatch(pattern, { dot: true });
  } catch {
    return undefined;
  }
}

/** Entries keep the order they are written in, except that JavaScript lists integer-like keys first. */
function parseServices(value: unknown, problems: string[]): UserServiceSoftware[] {
  const services: UserServiceSoftware[] = [];
  if (value === undefined || value === null) {
    return services;
  }
  if (!isPlainObject(value)) {
    problems.push(`services must be an object mapping a service, an image or a file glob to the software it runs, e.g. ${SERVICES_EXAMPLE}.`);
    return services;
  }
  for (const [keyText, software] of Object.entries(value)) {
    const pattern = keyText.trim();
    if (!pattern) {
      problems.push('services: an empty key names nothing; use a service name, an image or a file glob.');
      continue;
    }
    if (pattern.length > MAX_PATTERN_LENGTH) {
      problems.push(`services: "${pattern.slice(0, 40)}…" is longer than ${MAX_PATTERN_LENGTH} characters.`);
      continue;
    }
    if (isGlob(pattern) && !compileGlob(pattern)) {
      problems.push(`services: "${pattern}" is not a valid file glob.`);
      continue;
    }
    const name = typeof software === 'string' ? software.trim() : '';
    if (!name || name.length > MAX_SOFTWARE_LENGTH) {
      problems.push(`services: "${pattern}" needs the name of the software it runs, a non-empty string of at most ${MAX_SOFTWARE_LENGTH} characters, e.g. "Redis".`);
      continue;
    }
    services.push({ pattern, software: name });
  }
  return services;
}

/** What a published port belongs to, as far as the file says. */
export interface SoftwareSubject {
  /** The Compose service or Kubernetes workload name. */
  readonly service?: string;
  /** The image as written: `redis:7-alpine`, `docker.io/library/redis@sha256:…`. */
  readonly image?: string;
  readonly fileName?: string;
}

interface CompiledServices {
  /** Every entry that is not a glob, with the image it names when it reads as one. */
  readonly images: readonly { readonly pattern: string; readonly reference?: ImageReference; readonly software: string }[];
  readonly globs: readonly { readonly matches: picomatch.Matcher; readonly software: string }[];
}

/** Patterns are compiled once per list of entries; a new settings value is a new list. */
const compiledServices = new WeakMap<readonly UserServiceSoftware[], CompiledServices>();

function compileServices(services: readonly UserServiceSoftware[]): CompiledServices {
  let compiled = compiledServices.get(services);
  if (!compiled) {
    const images: { pattern: string; reference?: ImageReference; software: string }[] = [];
    const globs: { matches: picomatch.Matcher; software: string }[] = [];
    for (const { pattern, software } of services) {
      if (isGlob(pattern)) {
        const matches = compileGlob(pattern);
        if (matches) {
          globs.push({ matches, software });
        }
        continue;
      }
      const reference = parseImageReference(pattern);
      images.push(reference ? { pattern, reference, software } : { pattern, software });
    }
    compiled = { images, globs };
    compiledServices.set(services, compiled);
  }
  return compiled;
}

/**
 * A pattern without a tag or digest names the repository, so `redis` covers `redis:7-alpine`;
 * one with a tag or digest names that variant only.
 */
function imagePatternCovers(pattern: ImageReference, image: ImageReference): boolean {
  if (canonicalImageName(pattern) !== canonicalImageName(image)) {
    return false;
  }
  return (pattern.tag === undefined || pattern.tag === image.tag) && (pattern.digest === undefined || pattern.digest === image.digest);
}

/** The path itself and every tail of it that starts after a `/`, so a glob may be written relative to any folder. */
function pathTails(fileName: string): string[] {
  const path = fileName.replace(/\\/g, '/');
  const tails = [path];
  for (let slash = path.indexOf('/'); slash !== -1; slash = path.indexOf('/', slash + 1)) {
    if (slash + 1 < path.length) {
      tails.push(path.slice(slash + 1));
    }
  }
  return tails;
}

/**
 * The software the user says runs behind `subject`, from `portLens.services` or `services` in
 * `.portlens.json`. A key equal to the service name wins; then a key naming the image (with or
 * without its tag); then a file glob matching the file. Within each, the first entry written wins.
 */
export function softwareDeclaredFor(data: UserPortData, subject: SoftwareSubject): string | undefined {
  const services = data.services;
  if (services.length === 0) {
    return undefined;
  }
  if (subject.service !== undefined) {
    const byService = services.find((entry) => entry.pattern === subject.service);
    if (byService) {
      return byService.software;
    }
  }
  const compiled = compileServices(services);
  if (subject.image !== undefined) {
    const image = subject.image.trim();
    const reference = parseImageReference(image);
    const byImage = compiled.images.find(
      (entry) => entry.pattern === image || (reference !== undefined && entry.reference !== undefined && imagePatternCovers(entry.reference, reference)),
    );
    if (byImage) {
      return byImage.software;
    }
  }
  if (subject.fileName !== undefined && compiled.globs.length > 0) {
    const tails = pathTails(subject.fileName);
    const byGlob = compiled.globs.find((entry) => tails.some((tail) => entry.matches(tail)));
    if (byGlob) {
      return byGlob.software;
    }
  }
  return undefined;
}
