/**
 * The image a published port belongs to, from the file around it: a Compose service's `image:`,
 * a Kubernetes container's `image` (for a Service, that of the pods it selects in the same file),
 * a Dockerfile stage's `FROM`. Only these formats name an image; elsewhere the question does not
 * arise and the rules judge the number as before.
 */
import type { KnowledgeBase } from '../ports/knowledgeBase';
import type { SensitiveSeverity } from '../ports/portData';
import { imageListensOn, servesSensitiveService, softwareOfImage } from '../ports/softwareIdentity';
import type { ImageSoftware } from '../ports/softwareIdentity';
import type { FileFormat, PortReference } from '../types';
import type { ContainerFacts, KubernetesObjectFacts, WiringFacts } from '../wiring/facts';

/** Formats whose ports run inside an image the file may name. */
const IMAGE_FORMATS: ReadonlySet<FileFormat> = new Set(['compose', 'kubernetes', 'dockerfile']);

export type ImageEvidence =
  /** The format names no image: judge the number. */
  | { readonly kind: 'not-applicable' }
  /** A service the Compose file builds: its Dockerfile says what runs, so the workspace model judges it. */
  | { readonly kind: 'built' }
  /** The format could name one, and this port's does not say (a build, a custom image, a template). */
  | { readonly kind: 'unnamed' }
  | {
      readonly kind: 'image';
      readonly image: string;
      readonly where: string;
      /** `command:`/`args:` replaces the image's own: its software may listen on other ports than its defaults. */
      readonly commandOverridden: boolean;
    };

const NOT_APPLICABLE: ImageEvidence = { kind: 'not-applicable' };
const UNNAMED: ImageEvidence = { kind: 'unnamed' };
const BUILT: ImageEvidence = { kind: 'built' };

export function imageEvidence(reference: PortReference, format: FileFormat, wiring: WiringFacts | undefined): ImageEvidence {
  if (!IMAGE_FORMATS.has(format)) {
    return NOT_APPLICABLE;
  }
  switch (format) {
    case 'compose': {
      const service = wiring?.composeServices?.find((candidate) => candidate.name === reference.scope);
      if (service?.build) {
        // `image:` beside `build:` only names the image being built.
        if (service.builtFrom === undefined) {
          return BUILT;
        }
        return service.builtFrom
          ? { kind: 'image', image: service.builtFrom, where: `the FROM of service ${service.name}'s Dockerfile`, commandOverridden: service.commandOverridden }
          : UNNAMED;
      }
      return service?.image ? { kind: 'image', image: service.image, where: `service ${service.name}'s image`, commandOverridden: service.commandOverridden } : UNNAMED;
    }
    case 'dockerfile': {
      const stages = wiring?.dockerfile?.stages ?? [];
      let stage = undefined as (typeof stages)[number] | undefined;
      for (const candidate of stages) {
        if (candidate.fromRange.start <= reference.range.start) {
          stage = candidate;
        }
      }
      return stage?.from ? { kind: 'image', image: stage.from, where: 'the stage\'s FROM', commandOverridden: false } : UNNAMED;
    }
    default:
      return kubernetesImage(reference, wiring?.kubernetes ?? []);
  }
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

function kubernetesImage(reference: PortReference, objects: readonly KubernetesObjectFacts[]): ImageEvidence {
  const owner = objects.find((object) => `${object.kind}/${object.name}` === reference.scope);
  if (!owner) {
    return UNNAMED;
  }
  if (owner.containers) {
    const container = containerWithPort(owner.containers, reference, reference.port ?? undefined);
    return container?.image ? { kind: 'image', image: container.image, where: `container ${container.name}'s image`, commandOverridden: container.commandOverridden } : UNNAMED;
  }
  if (owner.kind === 'Service' && owner.selector) {
    const target = owner.servicePorts?.find((entry) => entry.port === reference.port)?.targetPort ?? reference.port ?? undefined;
    const images = new Map<string, boolean>();
    for (const workload of objects) {
      if (workload.containers && workload.namespace === owner.namespace && selects(owner.selector, workload.podLabels)) {
        const container = containerWithPort(workload.containers, { ...reference, portRange: undefined }, target);
        if (container?.image) {
          images.set(container.image, (images.get(container.image) ?? false) || container.commandOverridden);
        }
      }
    }
    // Pods of different images behind one Service: no single answer.
    const [only] = images;
    return images.size === 1 && only ? { kind: 'image', image: only[0], where: 'the image of the pods it selects', commandOverridden: only[1] } : UNNAMED;
  }
  return UNNAMED;
}

/** What runs behind a port, as far as its file says: the software, `unnamed`, or `undefined` where the format names no image. */
export type SoftwareBehind = ImageSoftware | 'unnamed' | undefined;

export function softwareBehind(reference: PortReference, format: FileFormat, wiring: WiringFacts | undefined): SoftwareBehind {
  const evidence = imageEvidence(reference, format, wiring);
  if (evidence.kind === 'not-applicable') {
    return undefined;
  }
  return (evidence.kind === 'image' ? softwareOfImage(evidence.image) : undefined) ?? 'unnamed';
}

/**
 * The risk grade the sidebar shows for a port, judged as `sensitive-port-exposed` judges it: the
 * catalogue's grade when the software is the one it warns about or the format names none, none
 * when the image serves something else there, and a guess capped at medium otherwise.
 */
export function judgedRisk(knowledge: KnowledgeBase, reference: PortReference, software: SoftwareBehind): SensitiveSeverity | undefined {
  if (reference.port === null) {
    return undefined;
  }
  const sensitive = knowledge.lookup(reference.port, reference.protocol).sensitive;
  if (!sensitive || software === undefined || sensitive.origin === 'user') {
    return sensitive?.severity;
  }
  if (software !== 'unnamed') {
    if (servesSensitiveService(software, reference.port, reference.protocol, sensitive.service)) {
      return sensitive.severity;
    }
    if (imageListensOn(software, reference.port)) {
      return undefined;
    }
  }
  return sensitive.severity === 'high' ? 'medium' : sensitive.severity;
}

/**
 * The evidence a hover shows for what runs behind a port: "service ui's image
 * `portainer/portainer-ce` runs Portainer, which serves its web UI on 9000". Undefined where the
 * format names no image.
 */
export function describeSoftwareEvidence(reference: PortReference, format: FileFormat, wiring: WiringFacts | undefined): string | undefined {
  const evidence = imageEvidence(reference, format, wiring);
  if (evidence.kind === 'not-applicable') {
    return undefined;
  }
  if (evidence.kind === 'built') {
    return 'The service is built here: the FROM of its Dockerfile says what runs behind this port.';
  }
  if (evidence.kind === 'unnamed') {
    return 'Nothing names the software behind this port (a Dockerfile that cannot be read, or an image Port Lens does not know), so its risk is judged from the number alone.';
  }
  const image = `\`${evidence.image.replace(/`/g, "'")}\``;
  const identity = softwareOfImage(evidence.image);
  if (!identity) {
    return `${capitalised(evidence.where)} ${image} is not one Port Lens knows, so the risk of this port is judged from the number alone.`;
  }
  if (!identity.defaults) {
    return `${capitalised(evidence.where)} ${image} is a ${identity.software} runtime: the app it runs decides its ports.`;
  }
  const port = reference.port;
  const listener = port === null ? undefined : identity.defaults.ports.find((entry) => entry.port <= port && (entry.endPort ?? entry.port) >= port);
  return listener
    ? `${capitalised(evidence.where)} ${image} runs ${identity.software}, which serves its ${listener.purpose} on ${port}.`
    : `${capitalised(evidence.where)} ${image} runs ${identity.software}, which does not listen on ${port ?? 'this port'} by default.`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
