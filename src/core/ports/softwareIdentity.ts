/**
 * What software a port belongs to, judged from the image that runs it rather than from the
 * number alone. 9000 is ClickHouse's native port, but `portainer/portainer-ce` on 9000 is
 * Portainer; 5000 is the Docker Registry's, but a Node app on 5000 is a Node app.
 */
import { canonicalImageName, lookupImage, parseImageReference } from './imagePorts';
import type { ImageDefaults } from './imagePorts';

/**
 * Language runtimes and their base images. They name no port of their own (the app decides), but
 * they do own their debuggers' ports: `node` on 9229 is the Node.js inspector, `python` on 5678
 * debugpy, a JVM on 5005 JDWP.
 */
const RUNTIMES: Readonly<Record<string, string>> = {
  node: 'Node.js',
  'cimg/node': 'Node.js',
  python: 'Python',
  pypy: 'Python',
  'cimg/python': 'Python',
  openjdk: 'Java',
  'eclipse-temurin': 'Java',
  amazoncorretto: 'Java',
  'ibm-semeru-runtimes': 'Java',
  'sapmachine': 'Java',
  'azul/zulu-openjdk': 'Java',
  maven: 'Java',
  gradle: 'Java',
  tomcat: 'Java',
  php: 'PHP',
  ruby: 'Ruby',
  golang: 'Go',
  rust: 'Rust',
  'mcr.microsoft.com/dotnet/aspnet': '.NET',
  'mcr.microsoft.com/dotnet/runtime': '.NET',
  'mcr.microsoft.com/dotnet/sdk': '.NET',
  'denoland/deno': 'Deno',
  'oven/bun': 'Bun',
  elixir: 'Elixir',
  erlang: 'Erlang',
};

/** Software named by an image: a well-known image with its default ports, or a language runtime. */
export interface ImageSoftware {
  readonly image: string;
  readonly software: string;
  /** The image's own listeners; absent for a runtime, whose app decides. */
  readonly defaults?: ImageDefaults;
}

export function softwareOfImage(image: string): ImageSoftware | undefined {
  const defaults = lookupImage(image);
  if (defaults) {
    return { image, software: defaults.software, defaults };
  }
  const parsed = parseImageReference(image);
  const runtime = parsed ? RUNTIMES[canonicalImageName(parsed)] : undefined;
  return runtime ? { image, software: runtime } : undefined;
}

/** Words that name no particular software: vendors, editions, transports and kinds of interface. */
const GENERIC_WORDS: ReadonlySet<string> = new Set([
  'a', 'also', 'and', 'api', 'apache', 'admin', 'bitnami', 'ce', 'client', 'clients', 'cloud', 'community', 'connections', 'console',
  'database', 'db', 'dev', 'edition', 'ee', 'enterprise', 'express', 'for', 'free', 'http', 'https', 'interface', 'management', 'native',
  'of', 'or', 'open', 'oss', 'over', 'plain', 'plaintext', 'protocol', 'rest', 'server', 'service', 'source', 'tcp', 'the', 'udp', 'ui',
  'web', 'with', 'without',
]);

function distinctiveWords(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 0 && !GENERIC_WORDS.has(word)));
}

/**
 * Whether the catalogue's sensitive service is what this image runs on this port: the port is
 * one the image listens on (for a runtime: any), and the service shares a distinctive word with
 * the software's name or with what the image's port is for (`Redis protocol (RESP) clients` is
 * Redis, whatever fork serves it).
 */
export function servesSensitiveService(identity: ImageSoftware, port: number, protocol: string, service: string): boolean {
  const serviceWords = distinctiveWords(service);
  const shares = (text: string) => [...distinctiveWords(text)].some((word) => serviceWords.has(word));
  if (!identity.defaults) {
    return shares(identity.software);
  }
  const listener = identity.defaults.ports.find((entry) => entry.port <= port && (entry.endPort ?? entry.port) >= port && (protocol === 'any' || entry.protocol === protocol));
  return listener !== undefined && (shares(identity.software) || shares(listener.purpose));
}

/** Whether the image is known to listen on the port (for a runtime: never, the app decides). */
export function imageListensOn(identity: ImageSoftware, port: number): boolean {
  return identity.defaults?.ports.some((entry) => entry.port <= port && (entry.endPort ?? entry.port) >= port) ?? false;
}
