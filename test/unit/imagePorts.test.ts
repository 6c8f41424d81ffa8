import * as assert from 'node:assert/strict';
import {
  canonicalImageName,
  imageDefaultsTable,
  type ImagePort,
  lookupImage,
  parseImageReference,
} from '../../src/core/ports/imagePorts';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** `port/protocol` of every port, the form the assertions compare. */
const portKeys = (ports: readonly ImagePort[] | undefined): string[] =>
  (ports ?? []).map((port) => `${port.port}${port.endPort === undefined ? '' : `-${port.endPort}`}/${port.protocol}`);

function assertValidPorts(ports: readonly ImagePort[], where: string): void {
  const seen = new Set<string>();
  for (const port of ports) {
    assert.ok(Number.isInteger(port.port) && port.port >= 1 && port.port <= 65535, `${where}: port ${port.port}`);
    if (port.endPort !== undefined) {
      assert.ok(Number.isInteger(port.endPort) && port.endPort > port.port && port.endPort <= 65535, `${where}: range ${port.port}-${port.endPort}`);
    }
    assert.ok(port.protocol === 'tcp' || port.protocol === 'udp', `${where}: protocol ${port.protocol}`);
    assert.ok(port.purpose.trim().length > 0, `${where}: port ${port.port} has no purpose`);
    if (port.condition !== undefined) {
      assert.ok(port.condition.trim().length > 0, `${where}: port ${port.port} has an empty condition`);
    }
    const key = `${port.port}/${port.protocol}`;
    assert.ok(!seen.has(key), `${where}: ${key} listed twice`);
    seen.add(key);
  }
}

describe('Image default ports table', () => {
  it('has at least 150 entries', () => {
    assert.ok(imageDefaultsTable().length >= 150, `only ${imageDefaultsTable().length} entries`);
  });

  it('names every image and alias once, in canonical form', () => {
    const seen = new Map<string, string>();
    for (const entry of imageDefaultsTable()) {
      for (const name of [entry.image, ...(entry.aliases ?? [])]) {
        assert.ok(!seen.has(name), `${name} appears under ${seen.get(name)} and ${entry.image}`);
        seen.set(name, entry.image);
        const parsed = parseImageReference(name);
        assert.ok(parsed, `${name} does not parse`);
        assert.equal(canonicalImageName(parsed), name, `${name} is not canonical`);
        assert.equal(parsed.tag, undefined, `${name} carries a tag`);
        assert.equal(parsed.digest, undefined, `${name} carries a digest`);
      }
    }
  });

  it('gives every entry a software name, an https source and valid ports', () => {
    for (const entry of imageDefaultsTable()) {
      assert.ok(entry.software.trim().length > 0, `${entry.image} has no software name`);
      const source = new URL(entry.source);
      assert.equal(source.protocol, 'https:', `${entry.image} source ${entry.source}`);
      assertValidPorts(entry.ports, entry.image);
      for (const rule of entry.tags ?? []) {
        assertValidPorts(rule.ports, `${entry.image} tag rule ${rule.match}`);
      }
    }
  });

  it('lists ports for every entry, either by default or in a tag rule', () => {
    for (const entry of imageDefaultsTable()) {
      const anyPorts = entry.ports.length > 0 || (entry.tags ?? []).some((rule) => rule.ports.length > 0);
      assert.ok(anyPorts, `${entry.image} lists no ports at all`);
    }
  });

  it('uses tag patterns without state (no g or y flag)', () => {
    const rules = imageDefaultsTable().flatMap((entry) => entry.tags ?? []);
    assert.ok(rules.length >= 10, `only ${rules.length} tag rules`);
    for (const rule of rules) {
      assert.ok(!rule.match.global && !rule.match.sticky, `${rule.match} keeps state between tests`);
    }
  });

  it('is frozen', () => {
    assert.ok(Object.isFrozen(imageDefaultsTable()));
    assert.ok(imageDefaultsTable().every((entry) => Object.isFrozen(entry) && Object.isFrozen(entry.ports)));
  });

  it('leaves out base images, which listen on nothing', () => {
    for (const base of ['node:20', 'python:3.12-slim', 'golang:1.22', 'openjdk:17', 'eclipse-temurin:21', 'alpine:3.20', 'ubuntu:24.04', 'debian:bookworm', 'busybox', 'haproxy:2.9']) {
      assert.equal(lookupImage(base), undefined, base);
    }
  });
});

describe('parseImageReference', () => {
  const cases: [string, ReturnType<typeof parseImageReference>][] = [
    ['redis', { repository: 'redis' }],
    ['redis:7', { repository: 'redis', tag: '7' }],
    ['library/postgres', { repository: 'postgres' }],
    ['docker.io/redis', { repository: 'redis' }],
    ['index.docker.io/library/redis:7', { repository: 'redis', tag: '7' }],
    ['registry-1.docker.io/grafana/grafana', { repository: 'grafana/grafana' }],
    [`docker.io/library/redis:7-alpine@${DIGEST}`, { repository: 'redis', tag: '7-alpine', digest: DIGEST }],
    [`postgres@${DIGEST}`, { repository: 'postgres', digest: DIGEST }],
    ['grafana/grafana:10.4.2', { repository: 'grafana/grafana', tag: '10.4.2' }],
    ['quay.io/keycloak/keycloak:25.0', { registry: 'quay.io', repository: 'keycloak/keycloak', tag: '25.0' }],
    ['localhost:5000/app:1', { registry: 'localhost:5000', repository: 'app', tag: '1' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['myregistry.example.com:5000/team/app', { registry: 'myregistry.example.com:5000', repository: 'team/app' }],
    ['[::1]:5000/app:dev', { registry: '[::1]:5000', repository: 'app', tag: 'dev' }],
    ['ghcr.io/library/thing', { registry: 'ghcr.io', repository: 'library/thing' }],
    ['library/team/app', { repository: 'library/team/app' }],
    ['Redis:7-Alpine', { repository: 'redis', tag: '7-Alpine' }],
    ['Quay.IO/Keycloak/Keycloak', { registry: 'quay.io', repository: 'keycloak/keycloak' }],
    ['  nginx:1.27  ', { repository: 'nginx', tag: '1.27' }],
    ['my_org/my__app/my--svc.v2', { repository: 'my_org/my__app/my--svc.v2' }],
    ['localhost', { repository: 'localhost' }],
  ];
  for (const [reference, expected] of cases) {
    it(`reads ${JSON.stringify(reference)}`, () => assert.deepEqual(parseImageReference(reference), expected));
  }

  const invalid = [
    '',
    '   ',
    '${IMAGE}',
    'redis:${TAG}',
    '{{ .Values.image }}',
    'registry/{{ .Values.name }}:1',
    'redis:',
    ':7',
    'redis@',
    'redis@sha256:abc',
    'redis:7:8',
    'red is',
    '-redis',
    'redis-',
    'redis..x',
    'team//app',
    'http://redis',
    'localhost:/app',
    'my-.registry.com/app',
    'registry.example.com:123456/app',
    `redis:${'x'.repeat(200)}`,
    `${'a'.repeat(300)}`,
    'redis:7@sha256:' + '0'.repeat(64) + '@sha256:' + '0'.repeat(64),
  ];
  for (const reference of invalid) {
    it(`refuses ${JSON.stringify(reference.length > 40 ? `${reference.slice(0, 40)}…` : reference)}`, () => {
      assert.equal(parseImageReference(reference), undefined);
    });
  }
});

describe('lookupImage', () => {
  it('finds Redis by name, tag and digest', () => {
    for (const reference of ['redis', 'redis:7', 'library/redis', `docker.io/library/redis:7-alpine@${DIGEST}`]) {
      const redis = lookupImage(reference);
      assert.equal(redis?.image, 'redis', reference);
      assert.equal(redis?.software, 'Redis', reference);
      assert.deepEqual(portKeys(redis?.ports), ['6379/tcp'], reference);
      assert.equal(redis?.source, 'https://hub.docker.com/_/redis');
    }
  });

  it('finds PostgreSQL under the library namespace', () => {
    const postgres = lookupImage('library/postgres:16');
    assert.equal(postgres?.software, 'PostgreSQL');
    assert.deepEqual(portKeys(postgres?.ports), ['5432/tcp']);
  });

  it('tells Bitnami images apart from the official ones', () => {
    assert.equal(lookupImage('bitnami/redis:7.2')?.software, 'Redis (Bitnami)');
    assert.deepEqual(portKeys(lookupImage('bitnami/redis:7.2')?.ports), ['6379/tcp']);
    assert.deepEqual(portKeys(lookupImage('nginx')?.ports), ['80/tcp']);
    assert.deepEqual(portKeys(lookupImage('bitnami/nginx')?.ports), ['8080/tcp', '8443/tcp']);
    assert.deepEqual(portKeys(lookupImage('bitnami/openldap')?.ports), ['1389/tcp', '1636/tcp']);
  });

  it('applies the php tag rules', () => {
    assert.deepEqual(portKeys(lookupImage('php:8.3-fpm-alpine')?.ports), ['9000/tcp']);
    assert.deepEqual(portKeys(lookupImage('php:8.3-apache')?.ports), ['80/tcp']);
    assert.deepEqual(portKeys(lookupImage('php:8.3-cli')?.ports), []);
    assert.deepEqual(portKeys(lookupImage('php')?.ports), [], 'the default php variant is the CLI');
    assert.equal(lookupImage('php:8.3-fpm')?.software, 'PHP');
  });

  it('applies the wordpress tag rules', () => {
    assert.deepEqual(portKeys(lookupImage('wordpress')?.ports), ['80/tcp']);
    assert.deepEqual(portKeys(lookupImage('wordpress:6-php8.3-apache')?.ports), ['80/tcp']);
    assert.deepEqual(portKeys(lookupImage('wordpress:fpm')?.ports), ['9000/tcp']);
    assert.deepEqual(portKeys(lookupImage('wordpress:6.5-fpm-alpine')?.ports), ['9000/tcp']);
    assert.deepEqual(portKeys(lookupImage('wordpress:cli')?.ports), []);
  });

  it('applies the other tag rules', () => {
    assert.deepEqual(portKeys(lookupImage('docker:dind')?.ports), ['2375/tcp', '2376/tcp']);
    assert.deepEqual(portKeys(lookupImage('docker:27')?.ports), ['2375/tcp', '2376/tcp']);
    assert.deepEqual(portKeys(lookupImage('docker:27-cli')?.ports), []);
    assert.ok(portKeys(lookupImage('rabbitmq:3-management-alpine')?.ports).includes('15672/tcp'));
    assert.ok(!portKeys(lookupImage('rabbitmq:3-alpine')?.ports).includes('15672/tcp'));
    assert.deepEqual(portKeys(lookupImage('gitea/gitea:1.22-rootless')?.ports), ['3000/tcp', '2222/tcp']);
    assert.deepEqual(portKeys(lookupImage('gitea/gitea:1.22')?.ports), ['3000/tcp', '22/tcp']);
    assert.deepEqual(portKeys(lookupImage('nextcloud:29-fpm')?.ports), ['9000/tcp']);
    assert.deepEqual(portKeys(lookupImage('adminer:fastcgi')?.ports), ['9000/tcp']);
    assert.deepEqual(portKeys(lookupImage('caddy:2-builder')?.ports), []);
  });

  it('marks the ports that listen only after extra configuration', () => {
    const conditionOf = (reference: string, port: number): string | undefined =>
      lookupImage(reference)?.ports.find((candidate) => candidate.port === port)?.condition;
    assert.equal(conditionOf('docker:dind', 2376), undefined);
    assert.match(conditionOf('docker:dind', 2375) ?? '', /TLS is disabled/);
    assert.equal(conditionOf('caddy', 80), undefined);
    assert.match(conditionOf('caddy', 2019) ?? '', /beyond localhost/);
    assert.equal(conditionOf('rabbitmq:3-management', 15672), undefined);
    assert.match(conditionOf('rabbitmq:3-management', 15671) ?? '', /TLS/);
    assert.match(conditionOf('telegraf:1.30', 8125) ?? '', /statsd input/);
  });

  it('reads a digest-only reference as the default variant', () => {
    assert.deepEqual(portKeys(lookupImage(`wordpress@${DIGEST}`)?.ports), ['80/tcp']);
  });

  it('finds images on other registries and under aliases', () => {
    assert.equal(lookupImage('quay.io/keycloak/keycloak:25.0')?.software, 'Keycloak');
    assert.deepEqual(portKeys(lookupImage('mcr.microsoft.com/mssql/server:2022-latest')?.ports), ['1433/tcp']);
    assert.deepEqual(portKeys(lookupImage('docker.elastic.co/elasticsearch/elasticsearch:8.14.0')?.ports), ['9200/tcp', '9300/tcp']);
    assert.equal(lookupImage('grafana/grafana-oss:11.0.0')?.image, 'grafana/grafana');
    assert.equal(lookupImage('lscr.io/linuxserver/heimdall:latest')?.image, 'linuxserver/heimdall');
    assert.equal(lookupImage('quay.io/prometheus/prometheus')?.image, 'prom/prometheus');
    assert.equal(lookupImage('hashicorp/consul:1.19')?.image, 'hashicorp/consul');
    assert.equal(lookupImage('consul:1.15')?.image, 'hashicorp/consul');
  });

  it('knows the images the graph meets most often', () => {
    const expected: [string, string][] = [
      ['mysql:8', '3306/tcp'],
      ['mariadb:11', '3306/tcp'],
      ['mongo:7', '27017/tcp'],
      ['memcached:1.6', '11211/tcp'],
      ['valkey/valkey:8', '6379/tcp'],
      ['rabbitmq:3', '5672/tcp'],
      ['elasticsearch:8.14.0', '9200/tcp'],
      ['kibana:8.14.0', '5601/tcp'],
      ['cassandra:5', '9042/tcp'],
      ['couchdb:3', '5984/tcp'],
      ['neo4j:5', '7687/tcp'],
      ['influxdb:2', '8086/tcp'],
      ['httpd:2.4', '80/tcp'],
      ['traefik:v3.0', '80/tcp'],
      ['caddy:2', '443/udp'],
      ['tomcat:10', '8080/tcp'],
      ['ghost:5', '2368/tcp'],
      ['adminer', '8080/tcp'],
      ['registry:2', '5000/tcp'],
      ['hashicorp/vault:1.17', '8200/tcp'],
      ['zookeeper:3.9', '2181/tcp'],
      ['solr:9', '8983/tcp'],
      ['sonarqube:community', '9000/tcp'],
      ['jenkins/jenkins:lts', '50000/tcp'],
      ['gitlab/gitlab-ce:17.0.0-ce.0', '22/tcp'],
      ['mattermost/mattermost-team-edition', '8065/tcp'],
      ['eclipse-mosquitto:2', '1883/tcp'],
      ['emqx/emqx:5', '18083/tcp'],
      ['nats:2', '4222/tcp'],
      ['clickhouse/clickhouse-server:24', '8123/tcp'],
      ['apache/kafka:3.7.0', '9092/tcp'],
      ['confluentinc/cp-schema-registry:7.6.0', '8081/tcp'],
      ['minio/minio', '9000/tcp'],
      ['grafana/loki:3.0.0', '3100/tcp'],
      ['grafana/tempo', '3200/tcp'],
      ['prom/alertmanager', '9093/tcp'],
      ['prom/node-exporter', '9100/tcp'],
      ['prom/pushgateway', '9091/tcp'],
      ['jaegertracing/all-in-one:1.57', '16686/tcp'],
      ['openzipkin/zipkin', '9411/tcp'],
      ['otel/opentelemetry-collector-contrib:0.100.0', '4317/tcp'],
      ['portainer/portainer-ce:2.20.3', '9443/tcp'],
      ['mailhog/mailhog', '8025/tcp'],
      ['axllent/mailpit', '1025/tcp'],
      ['localstack/localstack:3', '4510-4559/tcp'],
      ['quay.io/coreos/etcd:v3.5.13', '2379/tcp'],
      ['cockroachdb/cockroach:v24.1.0', '26257/tcp'],
      ['gvenzl/oracle-xe:21-slim', '1521/tcp'],
      ['ibmcom/db2', '50000/tcp'],
      ['selenium/standalone-chrome', '4444/tcp'],
      ['sonatype/nexus3', '8081/tcp'],
      ['verdaccio/verdaccio:5', '4873/tcp'],
      ['pihole/pihole', '53/udp'],
      ['homeassistant/home-assistant:stable', '8123/tcp'],
      ['jellyfin/jellyfin', '8096/tcp'],
      ['plexinc/pms-docker', '32400/tcp'],
      ['nodered/node-red', '1880/tcp'],
      ['n8nio/n8n', '5678/tcp'],
      ['metabase/metabase', '3000/tcp'],
      ['apache/superset', '8088/tcp'],
      ['jupyter/scipy-notebook', '8888/tcp'],
      ['dpage/pgadmin4', '80/tcp'],
      ['mongo-express', '8081/tcp'],
      ['rediscommander/redis-commander', '8081/tcp'],
      ['kong:3.7', '8001/tcp'],
      ['envoyproxy/envoy:v1.30-latest', '10000/tcp'],
      ['osixia/openldap', '389/tcp'],
      ['freeradius/freeradius-server', '1812/udp'],
      ['coredns/coredns:1.11.1', '53/udp'],
      ['matrixdotorg/synapse', '8008/tcp'],
      ['vaultwarden/server', '80/tcp'],
      ['louislam/uptime-kuma:1', '3001/tcp'],
      ['ubuntu/squid', '3128/tcp'],
      ['varnish:7', '80/tcp'],
    ];
    for (const [reference, port] of expected) {
      assert.ok(portKeys(lookupImage(reference)?.ports).includes(port), `${reference} should list ${port}`);
    }
  });

  it('does not know other images or unreadable references', () => {
    assert.equal(lookupImage('node:20'), undefined);
    assert.equal(lookupImage('ghcr.io/someone/unknown'), undefined);
    assert.equal(lookupImage('ghcr.io/redis'), undefined, 'another registry is another image');
    assert.equal(lookupImage('${REDIS_IMAGE}'), undefined);
    assert.equal(lookupImage('{{ .Values.image.repository }}:{{ .Values.image.tag }}'), undefined);
    assert.equal(lookupImage(''), undefined);
  });

  it('answers a repeated lookup with the same frozen result', () => {
    const first = lookupImage('postgres:16-alpine');
    assert.ok(first);
    assert.equal(lookupImage('postgres:16-alpine'), first);
    assert.ok(Object.isFrozen(first));
  });

  it('looks up 100,000 references', () => {
    const references = ['redis:7', 'postgres', 'php:8.3-fpm', 'node:20', 'ghcr.io/someone/unknown', 'quay.io/keycloak/keycloak:25'];
    let found = 0;
    for (let index = 0; index < 100_000; index++) {
      // Half repeat a few references, half are new, so both the cache and the parser are exercised.
      const reference = index % 2 === 0 ? references[(index / 2) % references.length] : `registry.example.com/team/app-${index}:v${index}`;
      if (lookupImage(reference) !== undefined) {
        found++;
      }
    }
    // The 50,000 repeated lookups cycle through six references, four of them known images.
    assert.equal(found, 33_334);
  });
});
