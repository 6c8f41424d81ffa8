/**
 * What a service listens on, from the strongest evidence to the weakest: what the Compose file
 * or manifest declares, the `EXPOSE` of the Dockerfile a service builds, and the default ports
 * of a well-known image. Unknown stays unknown: the rules say nothing about it.
 */
import { lookupImage } from '../ports/imagePorts';
import type { Protocol, SourceRange } from '../types';
import type { DockerfileFacts, DockerfileStage } from './facts';

export type EvidenceKind = 'declared' | 'dockerfile' | 'image';

/** Where a listening port is known from, for messages, navigation and the Port Map. */
export interface Evidence {
  readonly kind: EvidenceKind;
  /** Where it is written; absent for an image's defaults, which live in Port Lens's own table. */
  readonly fileName?: string;
  readonly range?: SourceRange;
  /** `ports`, `expose`, `containerPort`, `EXPOSE`, `redis image default`. */
  readonly label: string;
}

export interface ListeningPort {
  readonly port: number;
  readonly endPort: number;
  readonly protocol: Protocol;
  readonly evidence: Evidence;
}

/** Environment keys that name a port, such as `PGPORT` or `GF_SERVER_HTTP_PORT`, can move an image's default. */
const PORT_SETTING = /PORT/i;

/**
 * The default ports of a well-known image, unless the service changes how it starts: a new
 * command or a `*PORT*` variable may move the port, and then the defaults are not evidence.
 */
export function imageDefaultPorts(image: string | undefined, commandOverridden: boolean, environmentKeys: readonly string[]): ListeningPort[] {
  if (image === undefined || commandOverridden || environmentKeys.some((key) => PORT_SETTING.test(key))) {
    return [];
  }
  const defaults = lookupImage(image);
  if (!defaults) {
    return [];
  }
  return defaults.ports.map((entry) => ({
    port: entry.port,
    endPort: entry.endPort ?? entry.port,
    protocol: entry.protocol,
    evidence: { kind: 'image', label: `${defaults.image} image default` },
  }));
}

export interface DockerfileListening {
  /** `EXPOSE` of the built stage and of the earlier stages it is built from. */
  readonly exposed: ListeningPort[];
  /** The image the first stage of that chain starts from, whose own ports the build inherits. */
  readonly baseImage?: string;
  /** `target:` names no stage, or a `FROM` could not be read: nothing is certain. */
  readonly unknown: boolean;
}

const MAX_STAGE_CHAIN = 64;

/** The ports a `docker build` of `facts` (at `target`, or the last stage) says it exposes. */
export function dockerfileListening(fileName: string, facts: DockerfileFacts, target: string | undefined): DockerfileListening {
  const stages = facts.stages;
  let stage: DockerfileStage | undefined = target === undefined ? stages[stages.length - 1] : stages.find((candidate) => candidate.name === target.toLowerCase());
  if (!stage) {
    return { exposed: [], unknown: true };
  }
  const exposed: ListeningPort[] = [];
  const seen = new Set<DockerfileStage>();
  for (let depth = 0; stage && depth < MAX_STAGE_CHAIN && !seen.has(stage); depth++) {
    seen.add(stage);
    for (const port of stage.exposes) {
      exposed.push({ port: port.port, endPort: port.endPort, protocol: port.protocol, evidence: { kind: 'dockerfile', fileName, range: port.range, label: 'EXPOSE' } });
    }
    const from: string | undefined = stage.from;
    if (from === undefined) {
      return { exposed, unknown: exposed.length === 0 };
    }
    // `FROM builder` continues an earlier stage; anything else is an image.
    const index: number = stages.indexOf(stage);
    const parent: DockerfileStage | undefined = stages.slice(0, index).reverse().find((candidate) => candidate.name === from.toLowerCase());
    if (!parent) {
      return { exposed, baseImage: from, unknown: false };
    }
    stage = parent;
  }
  return { exposed, unknown: false };
}

/** Whether a listening port answers `port` (a number) over `protocol`. */
export function listensOn(listening: readonly ListeningPort[], port: number, endPort: number, protocol: Protocol): ListeningPort | undefined {
  return listening.find(
    (entry) => entry.port <= port && entry.endPort >= endPort && (entry.protocol === protocol || entry.protocol === 'any' || protocol === 'any'),
  );
}

/** `5000`, `5000 and 5001`, `8000-8010/udp`: the ports of a listening set, for messages. */
export function describePorts(listening: readonly ListeningPort[]): string {
  const labels = [...new Set(listening.map((entry) => `${entry.port === entry.endPort ? entry.port : `${entry.port}-${entry.endPort}`}${entry.protocol === 'tcp' || entry.protocol === 'any' ? '' : `/${entry.protocol}`}`))];
  if (labels.length <= 1) {
    return labels[0] ?? 'nothing';
  }
  const shown = labels.slice(0, 4);
  const more = labels.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** The one port a set listens on, when there is exactly one: the only unambiguous fix. */
export function onlyPort(listening: readonly ListeningPort[]): number | undefined {
  const ports = new Set(listening.filter((entry) => entry.port === entry.endPort).map((entry) => entry.port));
  return ports.size === 1 && listening.every((entry) => entry.port === entry.endPort) ? [...ports][0] : undefined;
}
