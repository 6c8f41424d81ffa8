/**
 * Two bindings of one host address, port and protocol: Docker's "port is already allocated" and
 * nginx's "duplicate default server", found before anything starts.
 */
import { isMap, parseDocument } from 'yaml';
import { LineIndex } from '../text';
import type { PortReference, Protocol } from '../types';
import { isWildcardAddress } from './exposure';
import type { PortDiagnostic, RelatedLocation, Rule, RuleContext } from './types';

/** One fixed host binding of a published Compose port. */
export interface HostBinding {
  readonly reference: PortReference;
  readonly service: string;
  /** `undefined` for every interface. */
  readonly address: string | undefined;
  readonly start: number;
  readonly end: number;
  readonly protocol: Protocol;
  /** Which file of a project the binding came from; `undefined` within one file. */
  readonly fileName?: string;
}

function normalisedAddress(address: string | undefined): string | undefined {
  if (isWildcardAddress(address)) {
    return undefined;
  }
  return address?.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
}

/**
 * The host ports a published reference certainly binds. A host range mapped onto a single
 * container port lets Docker pick any free port in it, so it binds nothing certain.
 */
export function hostBindingOf(reference: PortReference, fileName?: string): HostBinding | undefined {
  if (reference.role !== 'publish' || reference.hostNetwork || reference.port === null || reference.endPort === null) {
    return undefined;
  }
  const start = reference.hostPort;
  const end = reference.hostPortEnd ?? start;
  if (start === undefined || start === null || end === undefined || end === null) {
    return undefined;
  }
  if (end - start !== reference.endPort - reference.port) {
    return undefined;
  }
  return {
    reference,
    service: reference.scope ?? '',
    address: normalisedAddress(reference.hostIp),
    start,
    end,
    protocol: reference.protocol,
    ...(fileName !== undefined ? { fileName } : {}),
  };
}

/** Docker's rule: a wildcard address collides with every address; two specific ones only with themselves. */
function addressesCollide(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/** The same mapping written twice for one service: Compose merges it into one binding. */
function isSameMapping(a: HostBinding, b: HostBinding): boolean {
  return a.service === b.service && a.address === b.address && a.start === b.start && a.end === b.end && a.reference.port === b.reference.port;
}

function collide(a: HostBinding, b: HostBinding): boolean {
  return a.protocol === b.protocol && a.start <= b.end && b.start <= a.end && addressesCollide(a.address, b.address) && !isSameMapping(a, b);
}

/**
 * Pairs compared per call at most. A generated or hostile file can publish one port tens of
 * thousands of times; comparing every pair took minutes, so the search stops here instead.
 */
const COMPARISON_BUDGET = 1_000_000;

/** Related locations listed per conflict; the message still counts every one found. */
const MAX_RELATED = 20;

/**
 * Every colliding pair, each binding with the bindings it collides with. Single ports are
 * bucketed by port so the common case stays linear; ranges are compared with everything.
 * At most `COMPARISON_BUDGET` pairs are compared.
 */
export function findCollisions(bindings: readonly HostBinding[]): Map<HostBinding, HostBinding[]> {
  const collisions = new Map<HostBinding, HostBinding[]>();
  let budget = COMPARISON_BUDGET;
  const record = (a: HostBinding, b: HostBinding): void => {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      const list = collisions.get(from);
      if (list) {
        list.push(to);
      } else {
        collisions.set(from, [to]);
      }
    }
  };
  const singles = new Map<string, HostBinding[]>();
  const ranges: HostBinding[] = [];
  for (const binding of bindings) {
    if (binding.start !== binding.end) {
      ranges.push(binding);
      continue;
    }
    const key = `${binding.protocol}/${binding.start}`;
    const bucket = singles.get(key);
    if (bucket) {
      for (let j = 0; j < bucket.length && budget > 0; j++, budget--) {
        if (collide(bucket[j], binding)) {
          record(bucket[j], binding);
        }
      }
      bucket.push(binding);
    } else {
      singles.set(key, [binding]);
    }
  }
  const allSingles = [...singles.values()].flat();
  for (let i = 0; i < ranges.length && budget > 0; i++) {
    for (let k = 0; k < allSingles.length && budget > 0; k++, budget--) {
      if (collide(ranges[i], allSingles[k])) {
        record(ranges[i], allSingles[k]);
      }
    }
    for (let k = i + 1; k < ranges.length && budget > 0; k++, budget--) {
      if (collide(ranges[i], ranges[k])) {
        record(ranges[i], ranges[k]);
      }
    }
  }
  return collisions;
}

function addressLabel(address: string | undefined): string {
  if (address === undefined) {
    return 'all interfaces';
  }
  return address.includes(':') ? `[${address}]` : address;
}

function hostLabel(binding: HostBinding): string {
  const ports = binding.start === binding.end ? String(binding.start) : `${binding.start}-${binding.end}`;
  return `${ports}/${binding.protocol}`;
}

/** The message and related locations for one side of a collision. */
export function conflictFinding(
  binding: HostBinding,
  others: readonly HostBinding[],
  lineOf: (other: HostBinding) => number,
): { message: string; related: RelatedLocation[] } {
  const first = others[0];
  const where = first.fileName !== undefined && first.fileName !== binding.fileName ? `${baseName(first.fileName)} line ${lineOf(first)}` : `line ${lineOf(first)}`;
  const owner = first.service === binding.service ? `again by service "${first.service}"` : `by service "${first.service}"`;
  const more = others.length > 1 ? ` and ${others.length - 1} more` : '';
  const message =
    `Host port ${hostLabel(binding)} on ${addressLabel(binding.address)} is also published ${owner} (${where})${more}: ` +
    'the second container fails to start with "port is already allocated".';
  const related = others.slice(0, MAX_RELATED).map((other) => ({
    message: `Also published by service "${other.service}"`,
    range: other.reference.range,
    ...(other.fileName !== undefined && other.fileName !== binding.fileName ? { fileName: other.fileName } : {}),
  }));
  return { message, related };
}

function baseName(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
}

function checkCompose(context: RuleContext): void {
  const bindings: HostBinding[] = [];
  for (const reference of context.references) {
    const binding = hostBindingOf(reference);
    if (binding) {
      bindings.push(binding);
    }
  }
  const collisions = findCollisions(bindings);
  if (collisions.size === 0) {
    return;
  }
  const lines = new LineIndex(context.text);
  for (const binding of bindings) {
    const others = collisions.get(binding);
    if (others) {
      const { message, related } = conflictFinding(binding, others, (other) => lines.positionAt(other.reference.range.start).line + 1);
      context.report({ range: binding.reference.range, message, related, reference: binding.reference });
    }
  }
}

const DEFAULT_SERVER_FLAGS: ReadonlySet<string> = new Set(['default_server', 'default']);

/** nginx allows one `default_server` per address and port; a second stops it from starting. */
function checkNginxDefaultServers(context: RuleContext): void {
  const seen = new Map<string, PortReference>();
  let lines: LineIndex | undefined;
  for (const reference of context.references) {
    if (reference.role !== 'listen' || reference.port === null || !reference.flags?.some((flag) => DEFAULT_SERVER_FLAGS.has(flag))) {
      continue;
    }
    // No address, `*` and 0.0.0.0 are the IPv4 wildcard; `[::]` is IPv6's, a socket of its own.
    const address = reference.hostIp === undefined || reference.hostIp === '*' || reference.hostIp === '0.0.0.0' ? '0.0.0.0' : normalisedAddress(reference.hostIp) ?? '::';
    const shown = address.includes(':') ? `[${address}]:${reference.port}` : `${address}:${reference.port}`;
    const key = `${reference.scope ?? ''}|${reference.protocol}|${address === '::' ? '::' : address}|${reference.port}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, reference);
      continue;
    }
    lines ??= new LineIndex(context.text);
    const firstLine = lines.positionAt(first.range.start).line + 1;
    context.report({
      range: reference.range,
      message: `A second default_server for ${shown} (the first is on line ${firstLine}): nginx refuses to start with "a duplicate default server".`,
      related: [{ message: 'The first default_server', range: first.range }],
      reference,
    });
  }
}

export const hostPortConflict: Rule = {
  id: 'host-port-conflict',
  defaultSeverity: 'error',
  enabledByDefault: true,
  description: 'Two Compose services publish the same host address, port and protocol, or two nginx servers claim default_server on one address and port.',
  check(context) {
    if (context.format === 'compose') {
      checkCompose(context);
    } else if (context.format === 'nginx') {
      checkNginxDefaultServers(context);
    }
  },
};

/** One file of a Compose project, already scanned. */
export interface ComposeProjectFile {
  readonly fileName: string;
  readonly text: string;
  readonly references: readonly PortReference[];
}

/**
 * Services whose `ports:` list an override file replaces rather than extends: tagged `!override`
 * or `!reset`. An empty `!reset []` leaves no reference behind to carry the tag, so the file's
 * own YAML is read for it.
 */
function replacedPortLists(file: ComposeProjectFile): Set<string> {
  const replaced = new Set<string>();
  if (!file.text.includes('!override') && !file.text.includes('!reset')) {
    return replaced;
  }
  try {
    const services = parseDocument(file.text).get('services', true);
    if (isMap(services)) {
      for (const pair of services.items) {
        const service = pair.value;
        const ports = isMap(service) ? service.get('ports', true) : undefined;
        const tag = (ports as { tag?: string } | undefined)?.tag;
        if (tag === '!override' || tag === '!reset') {
          replaced.add(String((pair.key as { value?: unknown } | null)?.value ?? pair.key));
        }
      }
    }
  } catch {
    // The file's own scan reports why it cannot be read.
  }
  return replaced;
}

/**
 * Conflicts between the files of one Compose project (a base file and its overrides, in the
 * order Compose merges them), as diagnostics per file. Conflicts within one file are left to
 * the per-file check, so nothing is reported twice.
 */
export function composeProjectConflicts(files: readonly ComposeProjectFile[]): Map<string, PortDiagnostic[]> {
  const results = new Map<string, PortDiagnostic[]>();
  if (files.length < 2) {
    return results;
  }
  // Compose appends each later file's ports to the service's list, unless it replaces the list.
  let merged: HostBinding[] = [];
  for (const file of files) {
    const replaced = replacedPortLists(file);
    merged = merged.filter((binding) => !replaced.has(binding.service));
    for (const reference of file.references) {
      const binding = hostBindingOf(reference, file.fileName);
      if (binding) {
        merged.push(binding);
      }
    }
  }
  const collisions = findCollisions(merged);
  const lineIndexes = new Map(files.map((file) => [file.fileName, new LineIndex(file.text)]));
  const lineOf = (binding: HostBinding): number => (lineIndexes.get(binding.fileName ?? '')?.positionAt(binding.reference.range.start).line ?? 0) + 1;
  for (const binding of merged) {
    const others = collisions.get(binding)?.filter((other) => other.fileName !== binding.fileName);
    if (!others || others.length === 0 || binding.fileName === undefined) {
      continue;
    }
    const { message, related } = conflictFinding(binding, others, lineOf);
    const list = results.get(binding.fileName) ?? [];
    list.push({ rule: hostPortConflict.id, severity: hostPortConflict.defaultSeverity, message, range: binding.reference.range, reference: binding.reference, related });
    results.set(binding.fileName, list);
  }
  return results;
}
