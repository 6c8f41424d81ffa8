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

/**
 * Programs and unit names as a host runs them (systemd's `ExecStart=/usr/bin/redis-server`, a
 * `redis.socket`), with the image whose default ports they share and, where the image names
 * its packaging rather than the program, the program's own name.
 */
const PROGRAMS: Readonly<Record<string, { readonly image: string; readonly software?: string }>> = {
  'redis-server': { image: 'redis' },
  redis: { image: 'redis' },
  'valkey-server': { image: 'valkey/valkey' },
  valkey: { image: 'valkey/valkey' },
  mysqld: { image: 'mysql' },
  mysql: { image: 'mysql' },
  mariadbd: { image: 'mariadb' },
  mariadb: { image: 'mariadb' },
  postgres: { image: 'postgres' },
  postmaster: { image: 'postgres' },
  postgresql: { image: 'postgres' },
  mongod: { image: 'mongo' },
  mongodb: { image: 'mongo' },
  memcached: { image: 'memcached' },
  dockerd: { image: 'docker', software: 'Docker Engine' },
  docker: { image: 'docker', software: 'Docker Engine' },
  etcd: { image: 'quay.io/coreos/etcd' },
  elasticsearch: { image: 'elasticsearch' },
  kibana: { image: 'kibana' },
  'grafana-server': { image: 'grafana/grafana' },
  grafana: { image: 'grafana/grafana' },
  prometheus: { image: 'prom/prometheus' },
  node_exporter: { image: 'prom/node-exporter' },
  'prometheus-node-exporter': { image: 'prom/node-exporter' },
  'rabbitmq-server': { image: 'rabbitmq' },
  rabbitmq: { image: 'rabbitmq' },
  zookeeper: { image: 'zookeeper' },
  kafka: { image: 'apache/kafka' },
  'kafka-server-start.sh': { image: 'apache/kafka' },
  consul: { image: 'hashicorp/consul' },
  vault: { image: 'hashicorp/vault' },
  influxd: { image: 'influxdb' },
  influxdb: { image: 'influxdb' },
  'clickhouse-server': { image: 'clickhouse/clickhouse-server' },
  clickhouse: { image: 'clickhouse/clickhouse-server' },
  minio: { image: 'minio/minio' },
  nginx: { image: 'nginx' },
  httpd: { image: 'httpd' },
  apache2: { image: 'httpd' },
  couchdb: { image: 'couchdb' },
  cassandra: { image: 'cassandra' },
  neo4j: { image: 'neo4j' },
  'nats-server': { image: 'nats' },
  mosquitto: { image: 'eclipse-mosquitto' },
  squid: { image: 'ubuntu/squid' },
  named: { image: 'ubuntu/bind9' },
  slapd: { image: 'osixia/openldap' },
  jenkins: { image: 'jenkins/jenkins' },
  gitea: { image: 'gitea/gitea' },
  traefik: { image: 'traefik' },
  caddy: { image: 'caddy' },
  'docker-registry': { image: 'registry' },
  jupyter: { image: 'jupyter/base-notebook' },
};

/** Interpreters and runtimes as programs: the app they run decides the port, they own their debuggers'. */
const RUNTIME_PROGRAMS: Readonly<Record<string, string>> = {
  node: 'Node.js',
  nodejs: 'Node.js',
  python: 'Python',
  python3: 'Python',
  gunicorn: 'Python',
  uvicorn: 'Python',
  java: 'Java',
  php: 'PHP',
  'php-fpm': 'PHP',
  ruby: 'Ruby',
  dotnet: '.NET',
  deno: 'Deno',
  bun: 'Bun',
};

/**
 * The software a program path (`/usr/sbin/mysqld`) or a unit name stem (`redis`,
 * `postgresql@14-main`) names. Version suffixes (`python3.12`, `php8.2-fpm`) are read through.
 */
export function softwareOfProgram(program: string): ImageSoftware | undefined {
  const base = program.slice(program.lastIndexOf('/') + 1).toLowerCase();
  // A template instance names its program before the `@`: postgresql@14-main.
  const name = base.includes('@') ? base.slice(0, base.indexOf('@')) : base;
  const candidates = [name, name.replace(/[\d.]+$/, ''), name.replace(/\d+(?:\.\d+)*(?=-)/, '')];
  for (const candidate of candidates) {
    const known = PROGRAMS[candidate];
    const defaults = known ? lookupImage(known.image) : undefined;
    if (known && defaults) {
      return { image: known.image, software: known.software ?? defaults.software, defaults };
    }
    const runtime = RUNTIME_PROGRAMS[candidate];
    if (runtime) {
      return { image: candidate, software: runtime };
    }
  }
  return undefined;
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
