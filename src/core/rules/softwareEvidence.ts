/**
 * What software answers on a port, from the file around it, and the one judgement that
 * `sensitive-port-exposed`, the sidebar's risk icons and the hover share:
 *
 * - a Compose service's `image:`, a Kubernetes container's `image` (for a Service, that of the
 *   pods it selects in the same file), a Dockerfile stage's `FROM`;
 * - a server's own configuration (nginx, HAProxy, Apache httpd): the server answers its
 *   listeners itself, or relays them to the addresses the file names;
 * - a systemd socket unit: the software its name, or the `ExecStart` of the service it
 *   activates, names.
 *
 * Elsewhere (a firewall rule, a cloud security group) nothing names the software, and the
 * number is judged as the catalogue grades it.
 */
import type { KnowledgeBase } from '../ports/knowledgeBase';
import type { SensitiveSeverity } from '../ports/portData';
import { imageListensOn, servesSensitiveService, softwareOfImage, softwareOfProgram } from '../ports/softwareIdentity';
import type { ImageSoftware } from '../ports/softwareIdentity';
import { softwareDeclaredFor } from '../ports/userData';
import type { SoftwareSubject } from '../ports/userData';
import type { FileFormat, PortReference, SourceRange } from '../types';
import type { ComposeServiceFacts, ContainerFacts, DockerfileStage, Forward, KubernetesObjectFacts, ServedListener, ServerFacts, WiringFacts } from '../wiring/facts';
import { sensitivePortsIn } from './sensitivity';
import type { SensitivePort } from './sensitivity';

/** Formats whose ports run inside an image the file may name. */
export const IMAGE_FORMATS: ReadonlySet<FileFormat> = new Set(['compose', 'kubernetes', 'dockerfile']);

/** Formats that configure the server answering their listeners. */
const SERVER_FORMATS: ReadonlySet<FileFormat> = new Set(['nginx', 'haproxy', 'apache']);

const SERVER_OF_FORMAT: Readonly<Partial<Record<FileFormat, ServerFacts['software']>>> = { nginx: 'nginx', haproxy: 'HAProxy', apache: 'Apache httpd' };

export type SoftwareEvidence =
  /** The format names no software: judge the number. */
  | { readonly kind: 'not-applicable' }
  /**
   * The file cannot say, but its neighbours can: a service the Compose file builds (its
   * Dockerfile's FROM), a socket whose service unit is another file. The workspace model judges it.
   */
  | { readonly kind: 'elsewhere'; readonly why: string; readonly service?: string }
  /** The format could name the software, and this port's does not (a custom image, a template). */
  | { readonly kind: 'unnamed'; readonly service?: string }
  | {
      readonly kind: 'image';
      readonly image: string;
      readonly where: string;
      /** `command:`/`args:` replaces the image's own: its software may listen on other ports than its defaults. */
      readonly commandOverridden: boolean;
      /** The Compose service or Kubernetes workload, for `portLens.services`. */
      readonly service?: string;
    }
  /** A server's own listener: it answers there itself, relays to `forwards`, or cannot be told (`undecided`). */
  | { readonly kind: 'server'; readonly software: ServerFacts['software']; readonly listener: ServedListener | undefined }
  /** A systemd socket: the software a program or unit name identifies, and how it was found. */
  | { readonly kind: 'program'; readonly identity: ImageSoftware; readonly where: string };

const NOT_APPLICABLE: SoftwareEvidence = { kind: 'not-applicable' };

/**
 * Lookups into one file's facts, built once per facts list: every reference of a file asks, so
 * a search per reference would cost the product of the two.
 */
const indexes = new WeakMap<object, Map<string, unknown>>();

function indexed<T>(list: readonly T[], keyOf: (item: T) => string): Map<string, T> {
  let index = indexes.get(list) as Map<string, T> | undefined;
  if (!index) {
    index = new Map();
    for (const item of list) {
      const key = keyOf(item);
      // The first one written wins, as a search from the start would find it.
      if (!index.has(key)) {
        index.set(key, item);
      }
    }
    indexes.set(list, index as Map<string, unknown>);
  }
  return index;
}

function spanKey(range: SourceRange): string {
  return `${range.start}:${range.end}`;
}

/** The stage an offset lies in: the last whose FROM starts at or before it (stages are in file order). */
function stageAt(stages: readonly DockerfileStage[], offset: number): DockerfileStage | undefined {
  let low = 0;
  let high = stages.length - 1;
  let found: DockerfileStage | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (stages[middle].fromRange.start <= offset) {
      found = stages[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** What the file says about the software behind one of its ports. */
export function softwareEvidence(reference: PortReference, format: FileFormat, wiring: WiringFacts | undefined): SoftwareEvidence {
  if (SERVER_FORMATS.has(format)) {
    const software = wiring?.server?.software ?? SERVER_OF_FORMAT[format];
    const listeners = wiring?.server?.listeners;
    const listener = listeners ? indexed(listeners, (candidate) => spanKey(candidate.range)).get(spanKey(reference.range)) : undefined;
    // Only what the server listens on is its own; an upstream address is someone else's port.
    return software && reference.role === 'listen' ? { kind: 'server', software, listener } : NOT_APPLICABLE;
  }
  if (format === 'systemd') {
    return systemdEvidence(wiring);
  }
  if (!IMAGE_FORMATS.has(format)) {
    return NOT_APPLICABLE;
  }
  switch (format) {
    case 'compose': {
      const services = wiring?.composeServices;
      const service: ComposeServiceFacts | undefined = services && reference.scope !== undefined ? indexed(services, (candidate) => candidate.name).get(reference.scope) : undefined;
      const name = service?.name ?? reference.scope;
      const owner = name ? { service: name } : {};
      if (service?.build) {
        // `image:` beside `build:` only names the image being built.
        if (service.builtFrom === undefined) {
          return { kind: 'elsewhere', why: 'The service is built here: the FROM of its Dockerfile says what runs behind this port.', ...owner };
        }
        return service.builtFrom
          ? { kind: 'image', image: service.builtFrom, where: `the FROM of service ${service.name}'s Dockerfile`, commandOverridden: service.commandOverridden, ...owner }
          : { kind: 'unnamed', ...owner };
      }
      return service?.image
        ? { kind: 'image', image: service.image, where: `service ${service.name}'s image`, commandOverridden: service.commandOverridden, ...owner }
        : { kind: 'unnamed', ...owner };
    }
    case 'dockerfile': {
      const stage = stageAt(wiring?.dockerfile?.stages ?? [], reference.range.start);
      return stage?.from ? { kind: 'image', image: stage.from, where: 'the stage\'s FROM', commandOverridden: false } : { kind: 'unnamed' };
    }
    default:
      return kubernetesImage(reference, wiring?.kubernetes ?? []);
  }
}

function systemdEvidence(wiring: WiringFacts | undefined): SoftwareEvidence {
  const facts = wiring?.systemd;
  const unit = facts?.unit;
  if (facts?.activatedProgram) {
    const identity = softwareOfProgram(facts.activatedProgram);
    if (identity) {
      return { kind: 'program', identity, where: `Its service ${facts.activates ?? ''} (ExecStart \`${facts.activatedProgram.replace(/`/g, "'")}\`)` };
    }
  }
  const stem = unit?.replace(/@?\.[a-z]+$/i, '');
  const byName = stem ? softwareOfProgram(stem) : undefined;
  if (byName && unit) {
    return { kind: 'program', identity: byName, where: `The unit ${unit}` };
  }
  if (facts?.activatedProgram === undefined && facts?.activates) {
    return { kind: 'elsewhere', why: `The socket starts ${facts.activates}: its ExecStart says what answers here.` };
  }
  return { kind: 'unnamed' };
}

function containerWithPort(containers: readonly ContainerFacts[], reference: PortReference, port: number | string | undefined): ContainerFacts | undefined {
  const serving = containers.filter((container) => !container.init);
  const byRange = serving.find((container) => container.ports.some((entry) => reference.portRange !== undefined && entry.range.start === reference.portRange.start));
  if (byRange) {
    return byRange;
  }
  if (port !== undefined) {
    const byPort = serving.find((container) => container.ports.some((entry) => (typeof port === 'number' ? entry.port === port : entry.name === port)));
    if (byPort) {
      return byPort;
    }
  }
  return serving.length === 1 ? serving[0] : undefined;
}

function selects(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>> | undefined): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && labels !== undefined && keys.every((key) => labels[key] === selector[key]);
}

function kubernetesImage(reference: PortReference, objects: readonly KubernetesObjectFacts[]): SoftwareEvidence {
  const owner = reference.scope === undefined ? undefined : indexed(objects, (object) => `${object.kind}/${object.name}`).get(reference.scope);
  const workload = reference.scope ? { service: reference.scope.slice(reference.scope.indexOf('/') + 1) } : {};
  if (!owner) {
    return { kind: 'unnamed', ...workload };
  }
  if (owner.containers) {
    const container = containerWithPort(owner.containers, reference, reference.port ?? undefined);
    return container?.image
      ? { kind: 'image', image: container.image, where: `container ${container.name}'s image`, commandOverridden: container.commandOverridden, ...workload }
      : { kind: 'unnamed', ...workload };
  }
  if (owner.kind === 'Service' && owner.selector) {
    const target = owner.servicePorts?.find((entry) => entry.port === reference.port)?.targetPort ?? reference.port ?? undefined;
    const images = new Map<string, boolean>();
    for (const candidate of objects) {
      if (candidate.containers && candidate.namespace === owner.namespace && selects(owner.selector, candidate.podLabels)) {
        const container = containerWithPort(candidate.containers, { ...reference, portRange: undefined }, target);
        if (container?.image) {
          images.set(container.image, (images.get(container.image) ?? false) || container.commandOverridden);
        }
      }
    }
    // Pods of different images behind one Service: no single answer.
    const [only] = images;
    return images.size === 1 && only ? { kind: 'image', image: only[0], where: 'the image of the pods it selects', commandOverridden: only[1], ...workload } : { kind: 'unnamed', ...workload };
  }
  return { kind: 'unnamed', ...workload };
}

// ---------------------------------------------------------------------------------------------
// The judgement
// ---------------------------------------------------------------------------------------------

/** How a sensitive port is judged, given what names the software behind it. */
export type Judgement =
  /** Nothing here names software: the catalogue's grade, on the number. */
  | { readonly kind: 'number' }
  /** The software named is the one the catalogue warns about: its grade, by name. */
  | { readonly kind: 'named'; readonly name: string }
  /** The software named is something else, or the risk applies only to the port's rarer use: not reported. */
  | { readonly kind: 'other' }
  /** Named nowhere, or relayed where the file cannot follow: a guess, at most a warning. `here` says what does run. */
  | { readonly kind: 'guess'; readonly here: string }
  /** The workspace model judges it with a neighbouring file. */
  | { readonly kind: 'deferred' };

const OTHER: Judgement = { kind: 'other' };
const NUMBER: Judgement = { kind: 'number' };

/** 3000 is Grafana's default, but far more often a Node.js dev server. */
export function usuallySomethingElse({ sensitive, curated }: SensitivePort): boolean {
  return curated.length > 1 && curated[0].service !== sensitive.service && curated[0].software !== sensitive.service;
}

/** What `portLens.services` keys a port by: its Compose service or Kubernetes workload, its image, its file. */
export function subjectOf(evidence: SoftwareEvidence, fileName: string | undefined): SoftwareSubject {
  const service = 'service' in evidence ? evidence.service : undefined;
  return {
    ...(service ? { service } : {}),
    ...(evidence.kind === 'image' ? { image: evidence.image } : {}),
    ...(fileName ? { fileName } : {}),
  };
}

/**
 * Judges one sensitive port by the evidence of what answers there. The rule reports from this,
 * the sidebar grades from it, so the two never disagree.
 */
export function judgeSensitivePort(knowledge: KnowledgeBase, reference: PortReference, single: SensitivePort, evidence: SoftwareEvidence, fileName: string | undefined): Judgement {
  if (evidence.kind === 'elsewhere') {
    return { kind: 'deferred' };
  }
  if (evidence.kind !== 'not-applicable') {
    const declared = softwareDeclaredFor(knowledge.userData, subjectOf(evidence, fileName));
    if (declared !== undefined) {
      // The user said what runs here: that settles it, by name or not at all.
      return servesSensitiveService({ image: '', software: declared }, single.port, reference.protocol, single.sensitive.service) ? { kind: 'named', name: declared } : OTHER;
    }
  }
  const identity = evidence.kind === 'image' ? softwareOfImage(evidence.image) : evidence.kind === 'program' ? evidence.identity : undefined;
  if (identity) {
    if (servesSensitiveService(identity, single.port, reference.protocol, single.sensitive.service)) {
      // A runtime is named by the catalogue's service of it (`Node.js inspector`), an image by its software.
      return { kind: 'named', name: identity.defaults ? identity.software : single.sensitive.service };
    }
    // A socket unit hands its port to the program it starts, wherever that program listens by default.
    if (imageListensOn(identity, single.port) || (evidence.kind === 'program' && identity.defaults)) {
      // The image serves something else on this port (Portainer's web UI on 9000): the number's other meanings do not apply.
      return OTHER;
    }
  }
  // A risk short of high that applies only if the port serves its less common use is noise, not a finding.
  if (single.sensitive.severity !== 'high' && usuallySomethingElse(single)) {
    return OTHER;
  }
  // A port the user added to the catalogue is their own statement about what runs there.
  if (evidence.kind === 'not-applicable' || single.sensitive.origin === 'user') {
    return NUMBER;
  }
  if (evidence.kind === 'server') {
    return judgeServerListener(knowledge, reference, single, evidence.software, evidence.listener);
  }
  if (identity) {
    return { kind: 'guess', here: identity.defaults ? `it runs ${identity.software}, which does not listen there by default` : `it runs a ${identity.software} app` };
  }
  return { kind: 'guess', here: 'it runs software this file does not name' };
}

/**
 * A server answers its own listeners: what it relays to is what is exposed. nginx serving files
 * on 9000 is no ClickHouse; nginx relaying 6379 to `10.0.0.30:6379` may well be Redis.
 */
function judgeServerListener(knowledge: KnowledgeBase, reference: PortReference, single: SensitivePort, software: string, listener: ServedListener | undefined): Judgement {
  if (!listener || listener.undecided) {
    return { kind: 'guess', here: `${software} relays it to what this file cannot see (an include, or an address built from variables)` };
  }
  if (listener.forwards.length === 0) {
    return OTHER;
  }
  const sameService = listener.forwards.find(
    (forward) => forward.port === undefined || sensitivePortsIn(knowledge, forward.port, forward.port, reference.protocol).some((entry) => entry.sensitive.service === single.sensitive.service),
  );
  return sameService ? { kind: 'guess', here: `${software} relays it to ${forwardLabel(sameService)}, and nothing here names the software there` } : OTHER;
}

function forwardLabel(forward: Forward): string {
  return `\`${forward.text.replace(/`/g, "'")}\``;
}

/** A guess from the number alone is at most a warning in the rule; at most medium in the sidebar. */
const GUESS_GRADE: Readonly<Record<SensitiveSeverity, SensitiveSeverity>> = { high: 'medium', medium: 'medium', low: 'low' };

/**
 * The risk grade the sidebar shows for a port, judged as `sensitive-port-exposed` judges it:
 * the catalogue's grade when the software is the one it warns about or nothing could name it,
 * none when something else answers, and a guess capped at medium otherwise.
 */
export function judgedRisk(knowledge: KnowledgeBase, reference: PortReference, evidence: SoftwareEvidence, fileName?: string): SensitiveSeverity | undefined {
  if (reference.port === null || reference.endPort === null) {
    return undefined;
  }
  const found = sensitivePortsIn(knowledge, reference.port, reference.endPort, reference.protocol);
  if (found.length === 0) {
    return undefined;
  }
  if (reference.port !== reference.endPort) {
    return found[0].sensitive.severity;
  }
  const judgement = judgeSensitivePort(knowledge, reference, found[0], evidence, fileName);
  switch (judgement.kind) {
    case 'number':
    case 'named':
      return found[0].sensitive.severity;
    case 'other':
      return undefined;
    default:
      // A built service or a socket's service is judged by the workspace model; the sidebar cannot wait for it.
      return GUESS_GRADE[found[0].sensitive.severity];
  }
}

/**
 * The evidence a hover shows for what runs behind a port: "Service ui's image
 * `portainer/portainer-ce` runs Portainer, which serves its web UI on 9000". Undefined where the
 * format names no software.
 */
export function describeSoftwareEvidence(reference: PortReference, format: FileFormat, wiring: WiringFacts | undefined): string | undefined {
  const evidence = softwareEvidence(reference, format, wiring);
  const port = reference.port;
  switch (evidence.kind) {
    case 'not-applicable':
      return undefined;
    case 'elsewhere':
      return evidence.why;
    case 'unnamed':
      return format === 'systemd'
        ? 'Nothing names the software behind this socket (its service unit is not in the workspace, or its program is one Port Lens does not know), so its risk is judged from the number alone.'
        : 'Nothing names the software behind this port (a Dockerfile that cannot be read, or an image Port Lens does not know), so its risk is judged from the number alone.';
    case 'server':
      return describeServerListener(evidence.software, evidence.listener, port);
    case 'program':
      return describeIdentity(evidence.where, evidence.identity, port, 'program');
    default: {
      const image = `\`${evidence.image.replace(/`/g, "'")}\``;
      const identity = softwareOfImage(evidence.image);
      if (!identity) {
        return `${capitalised(evidence.where)} ${image} is not one Port Lens knows, so the risk of this port is judged from the number alone.`;
      }
      return describeIdentity(`${capitalised(evidence.where)} ${image}`, identity, port, 'image');
    }
  }
}

function describeIdentity(subject: string, identity: ImageSoftware, port: number | null, kind: 'image' | 'program'): string {
  if (!identity.defaults) {
    return kind === 'image'
      ? `${subject} is a ${identity.software} runtime: the app it runs decides its ports.`
      : `${subject} runs ${identity.software}: the app it runs decides its ports.`;
  }
  const listener = port === null ? undefined : identity.defaults.ports.find((entry) => entry.port <= port && (entry.endPort ?? entry.port) >= port);
  return listener
    ? `${subject} runs ${identity.software}, which serves its ${listener.purpose} on ${port}.`
    : `${subject} runs ${identity.software}, which does not listen on ${port ?? 'this port'} by default.`;
}

const MAX_FORWARDS_NAMED = 3;

function describeServerListener(software: string, listener: ServedListener | undefined, port: number | null): string {
  const where = port === null ? 'this port' : String(port);
  if (!listener || listener.undecided) {
    return `${software} listens on ${where}; what answers there is out of this file's sight (an include, or an address built from variables), so its risk is judged from the number alone.`;
  }
  if (listener.forwards.length === 0) {
    return `${software} answers on ${where} itself: nothing in its configuration relays it elsewhere, so the number's other uses do not apply.`;
  }
  const named = listener.forwards.slice(0, MAX_FORWARDS_NAMED).map(forwardLabel);
  const more = listener.forwards.length - named.length;
  return `${software} relays ${where} to ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}: what answers there decides the risk.`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
