/**
 * What a service listens on, from the strongest evidence to the weakest: what the Compose file
 * or manifest declares, the `EXPOSE` of the Dockerfile a service builds, the configuration a
 * server image is given (a mounted `nginx.conf`, `KAFKA_LISTENERS`), and the default ports of a
 * well-known image. Unknown stays unknown: the rules say nothing about it.
 */
import { commaSeparatedParts } from '../text';
import { canonicalImageName, lookupImage, parseImageReference } from '../ports/imagePorts';
import type { FileFormat, PortReference, Protocol, SourceRange } from '../types';
import type { DockerfileFacts, DockerfileStage } from './facts';

/** `config`: a server's own configuration, a file mounted into the container or a listener variable. */
export type EvidenceKind = 'declared' | 'dockerfile' | 'config' | 'image';

/** Where a listening port is known from, for messages, navigation and the Port Map. */
export interface Evidence {
  readonly kind: EvidenceKind;
  /** Where it is written; absent for an image's defaults, which live in Port Lens's own table. */
  readonly fileName?: string;
  readonly range?: SourceRange;
  /** `ports`, `expose`, `containerPort`, `EXPOSE`, `nginx listen`, `KAFKA_LISTENERS`, `redis image default`. */
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

// ---------------------------------------------------------------------------
// Servers configured by a mounted file: nginx, HAProxy, Apache httpd
// ---------------------------------------------------------------------------

/** Where a server image reads its configuration, and which of its files hold the image's own listeners. */
export interface ServerImage {
  readonly format: FileFormat;
  /** For labels: `nginx listen`. */
  readonly software: string;
  readonly directive: string;
  /** The folder inside the container whose files the server reads. */
  readonly configDirectory: string;
  /** Files whose listeners are the image's default ports: a mount over one of them replaces the defaults. */
  readonly defaultListenerFiles: readonly string[];
  /** The main file, which may pull the default listener files back in. */
  readonly mainConfig?: string;
  /** Whether a main file given in place of the image's still includes the default listener files. */
  readonly keepsDefaults?: (text: string) => boolean;
  /** How a single configuration file is named, to ask for a mounted file the folder table does not name. */
  readonly fileSuffix: string;
}

/** The official nginx image's `nginx.conf` includes `conf.d/*.conf`, where `default.conf` listens on 80. */
const INCLUDES_CONF_D = /^[ \t]*include[ \t]+[^;#\n]*conf\.d\//m;

const NGINX: ServerImage = {
  format: 'nginx',
  software: 'nginx',
  directive: 'listen',
  configDirectory: '/etc/nginx',
  defaultListenerFiles: ['/etc/nginx/conf.d/default.conf'],
  mainConfig: '/etc/nginx/nginx.conf',
  keepsDefaults: (text) => INCLUDES_CONF_D.test(text),
  fileSuffix: '.conf',
};

const HAPROXY: ServerImage = {
  format: 'haproxy',
  software: 'HAProxy',
  directive: 'bind',
  configDirectory: '/usr/local/etc/haproxy',
  defaultListenerFiles: ['/usr/local/etc/haproxy/haproxy.cfg'],
  fileSuffix: '.cfg',
};

const HTTPD: ServerImage = {
  format: 'apache',
  software: 'Apache',
  directive: 'Listen',
  configDirectory: '/usr/local/apache2/conf',
  defaultListenerFiles: ['/usr/local/apache2/conf/httpd.conf'],
  fileSuffix: '.conf',
};

/** Images by canonical name; each keeps its server's configuration where the upstream image does. */
const SERVER_IMAGES: ReadonlyMap<string, ServerImage> = new Map([
  ['nginx', NGINX],
  ['nginxinc/nginx-unprivileged', NGINX],
  ['haproxy', HAPROXY],
  ['haproxytech/haproxy-alpine', HAPROXY],
  ['haproxytech/haproxy-debian', HAPROXY],
  ['haproxytech/haproxy-ubuntu', HAPROXY],
  ['httpd', HTTPD],
]);

/** The server an image runs, when it is one whose configuration files Port Lens reads. */
export function serverImageOf(image: string | undefined): ServerImage | undefined {
  const parsed = image === undefined ? undefined : parseImageReference(image);
  return parsed ? SERVER_IMAGES.get(canonicalImageName(parsed)) : undefined;
}

/** The ports a server's configuration file listens on, each pointing at its digits. */
export function configListening(server: ServerImage, fileName: string, references: readonly PortReference[]): ListeningPort[] {
  const listening: ListeningPort[] = [];
  for (const reference of references) {
    // Apache's `<VirtualHost *:8080>` answers on a `Listen` socket; it opens none itself.
    if (reference.role !== 'listen' || reference.port === null || reference.endPort === null || reference.flags?.includes('virtualhost')) {
      continue;
    }
    listening.push({
      port: reference.port,
      endPort: reference.endPort,
      protocol: reference.protocol,
      evidence: { kind: 'config', fileName, range: reference.portRange ?? reference.range, label: `${server.software} ${server.directive}` },
    });
  }
  return listening;
}

// ---------------------------------------------------------------------------
// Listener variables: KAFKA_LISTENERS and the like
// ---------------------------------------------------------------------------

/** An `environment:` value whose key ends in `_LISTENERS`, and where it is written. */
export interface ListenerSetting {
  readonly key: string;
  readonly value: string;
  readonly fileName: string;
  /** Where the value is written. */
  readonly range: SourceRange;
  /** The value is written exactly as read (no quotes' escapes, no variables), so offsets in it are offsets from `range.start`. */
  readonly verbatim: boolean;
}

/** `PLAINTEXT://:9092`, `EXTERNAL://[::]:29092`: a listener name, `://`, an optional host, and a port. */
const LISTENER_URL = /^[A-Za-z][A-Za-z0-9_.-]*:\/\/(?:\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9_.-]*):(\d{1,5})$/;

/** Parts read from one value: a broker's listener list is short. */
const MAX_LISTENER_URLS = 32;

/** The ports of a comma-separated `NAME://host:port` list, with the offsets of their digits; parts of another shape are skipped. */
export function listenerUrlPorts(value: string): { port: number; start: number; end: number }[] {
  const found: { port: number; start: number; end: number }[] = [];
  for (const { start, end } of commaSeparatedParts(value)) {
    if (found.length >= MAX_LISTENER_URLS) {
      break;
    }
    const match = LISTENER_URL.exec(value.slice(start, end));
    const port = match ? Number(match[1]) : 0;
    if (match && port >= 1 && port <= 65535) {
      found.push({ port, start: end - match[1].length, end });
    }
  }
  return found;
}

/** What a broker binds is its `*_LISTENERS`; a key naming what it advertises counts only when none is set. */
const ADVERTISED = /ADVERTISED/i;

/**
 * The ports a service's listener variables name. `KAFKA_LISTENERS` (and `KAFKA_CFG_LISTENERS`)
 * say what the broker binds; without them, the images bind what `KAFKA_ADVERTISED_LISTENERS`
 * advertises.
 */
export function environmentListening(settings: readonly ListenerSetting[]): ListeningPort[] {
  const bound = settings.filter((setting) => !ADVERTISED.test(setting.key));
  const chosen = bound.length > 0 ? bound : settings;
  const listening: ListeningPort[] = [];
  for (const setting of chosen) {
    for (const { port, start, end } of listenerUrlPorts(setting.value)) {
      const range = setting.verbatim ? { start: setting.range.start + start, end: setting.range.start + end } : setting.range;
      listening.push({ port, endPort: port, protocol: 'tcp', evidence: { kind: 'config', fileName: setting.fileName, range, label: setting.key } });
    }
  }
  return listening;
}
