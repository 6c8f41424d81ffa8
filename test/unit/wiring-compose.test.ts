import * as assert from 'node:assert/strict';
import { scanCompose } from '../../src/core/scanners/compose';
import type { SourceRange } from '../../src/core/types';
import { feed, findings, modelOf, offsetIn, pathOf, span, spotted } from './wiringHarness';
import type { Files } from './wiringHarness';
import type { ComposeServiceFacts, Dial } from '../../src/core/wiring/facts';

/** Units `[from, to)` of a span. */
function part(range: SourceRange, from: number, to?: number): SourceRange {
  return { start: range.start + from, end: to === undefined ? range.end : range.start + to };
}

/** The first occurrence of `needle` inside `range`. */
function within(text: string, range: SourceRange, needle: string): SourceRange {
  const index = text.indexOf(needle, range.start);
  assert.ok(index !== -1 && index + needle.length <= range.end, `${JSON.stringify(needle)} lies inside the span`);
  return { start: index, end: index + needle.length };
}

interface DialSpec {
  readonly via: Dial['via'];
  /** The address or URL as written, and which occurrence of it. */
  readonly whole: string;
  readonly nth?: number;
  /** The host as written (before lowercasing) and the port digits; no `port` when the scheme implies it. */
  readonly host: string;
  readonly port?: string;
  readonly impliedPort?: number;
  readonly label?: string;
}

/** A dial whose ranges are found in `text`: the host and port are searched inside the whole address. */
function dialIn(text: string, spec: DialSpec): Dial {
  const range = span(text, spec.whole, spec.nth);
  // The host comes after the scheme and after any user and password.
  const scheme = spec.whole.indexOf('://');
  const hostSearch = Math.max(scheme === -1 ? 0 : scheme + 3, spec.whole.lastIndexOf('@') + 1);
  const hostRange = within(text, { start: range.start + hostSearch, end: range.end }, spec.host);
  const portRange = spec.port === undefined ? undefined : within(text, { start: hostRange.end, end: range.end }, spec.port);
  return {
    via: spec.via,
    host: spec.host.toLowerCase(),
    hostRange,
    port: spec.port === undefined ? (spec.impliedPort ?? -1) : Number(spec.port),
    ...(portRange ? { portRange } : {}),
    range,
    text: spec.whole,
    ...(spec.label !== undefined ? { label: spec.label } : {}),
  };
}

function services(text: string, env: Record<string, string> = {}): readonly ComposeServiceFacts[] {
  const result = scanCompose(text, { env });
  assert.equal(result.format, 'compose');
  return result.wiring?.composeServices ?? [];
}

function only(text: string, env: Record<string, string> = {}): ComposeServiceFacts {
  const found = services(text, env);
  assert.equal(found.length, 1, 'one service');
  return found[0];
}

describe('Compose wiring facts', () => {
  describe('services', () => {
    it('lists every service in file order with the range of its key', () => {
      const text = 'services:\n  web:\n    image: nginx\n  "api":\n    image: shop/api\n  db: {}\n';
      const found = services(text);
      assert.deepStrictEqual(
        found.map(({ name, nameRange }) => ({ name, nameRange })),
        [
          { name: 'web', nameRange: span(text, 'web') },
          { name: 'api', nameRange: span(text, 'api') },
          { name: 'db', nameRange: span(text, 'db') },
        ],
      );
    });

    it('gives every fact of a plain service, with empty lists for what is not written', () => {
      const text = 'services:\n  web:\n    image: nginx:1.27\n';
      assert.deepStrictEqual(only(text), {
        name: 'web',
        nameRange: span(text, 'web'),
        image: 'nginx:1.27',
        imageRange: span(text, 'nginx:1.27'),
        commandOverridden: false,
        environmentKeys: [],
        aliases: [],
        volumes: [],
        dials: [],
      });
    });

    it('leaves wiring out when there are no services', () => {
      assert.equal(scanCompose('services: {}\n').wiring, undefined);
      assert.equal(scanCompose('name: shop\n').wiring, undefined);
      assert.equal(scanCompose('services: [\n').wiring, undefined);
    });

    it('still scans a file with 2,000 services', () => {
      const body = Array.from(
        { length: 2000 },
        (_, index) => `  s${index}:\n    image: app:${index}\n    environment:\n      - UPSTREAM=http://s${(index + 1) % 2000}:8080/\n`,
      ).join('');
      const found = services(`services:\n${body}`);
      assert.equal(found.length, 2000);
      assert.equal(found[1999].name, 's1999');
      assert.equal(found[1999].image, 'app:1999');
      assert.deepStrictEqual(
        found[1999].dials.map(({ host, port }) => ({ host, port })),
        [{ host: 's0', port: 8080 }],
      );
    });

    it('gives a service written as a list, or as a number, its name and nothing else', () => {
      const text = 'services:\n  web:\n    - image: nginx\n  api: 5\n';
      const empty = { commandOverridden: false, environmentKeys: [], aliases: [], volumes: [], dials: [] };
      assert.deepStrictEqual(services(text), [
        { name: 'web', nameRange: span(text, 'web'), ...empty },
        { name: 'api', nameRange: span(text, 'api'), ...empty },
      ]);
    });

    it('reads nothing from fields of the wrong type', () => {
      const text = [
        'services:',
        '  web:',
        '    image: 5',
        '    build: [./web]',
        '    environment: 5',
        '    volumes: {data: /data}',
        '    networks: [front]',
        '    hostname: [web]',
        '    healthcheck: {test: 5}',
        '    network_mode: [host]',
        '',
      ].join('\n');
      assert.deepStrictEqual(only(text), {
        name: 'web',
        nameRange: span(text, 'web'),
        commandOverridden: false,
        environmentKeys: [],
        aliases: [],
        volumes: [],
        dials: [],
      });
    });
  });

  describe('image', () => {
    it('interpolates the image and points at it inside its quotes', () => {
      const text = 'services:\n  web:\n    image: "${REGISTRY}/shop/web:${TAG:-1.0}"\n';
      const facts = only(text, { REGISTRY: 'registry.example.com' });
      assert.equal(facts.image, 'registry.example.com/shop/web:1.0');
      assert.deepStrictEqual(facts.imageRange, span(text, '${REGISTRY}/shop/web:${TAG:-1.0}'));
    });

    it('leaves out an image with an unresolved variable', () => {
      const facts = only('services:\n  web:\n    image: shop/web:${TAG}\n');
      assert.equal(facts.image, undefined);
      assert.equal(facts.imageRange, undefined);
    });

    it('takes the image of a service merged from an anchor', () => {
      const text = 'x-base: &base\n  image: redis:7\n  command: ["redis-server"]\nservices:\n  cache:\n    <<: *base\n  other:\n    <<: *base\n    image: valkey:8\n';
      const found = services(text);
      assert.deepStrictEqual(
        found.map(({ name, image, imageRange, commandOverridden }) => ({ name, image, imageRange, commandOverridden })),
        [
          { name: 'cache', image: 'redis:7', imageRange: span(text, 'redis:7'), commandOverridden: true },
          { name: 'other', image: 'valkey:8', imageRange: span(text, 'valkey:8'), commandOverridden: true },
        ],
      );
    });
  });

  describe('build', () => {
    it('reads the short form as a context with the default Dockerfile', () => {
      const text = 'services:\n  web:\n    build: ./web\n';
      assert.deepStrictEqual(only(text).build, { context: './web', dockerfile: 'Dockerfile', range: span(text, './web') });
    });

    it('reads the long form with context, dockerfile and target', () => {
      const text = 'services:\n  web:\n    build: {context: ./web, dockerfile: docker/Dockerfile.prod, target: runtime}\n';
      assert.deepStrictEqual(only(text).build, {
        context: './web',
        dockerfile: 'docker/Dockerfile.prod',
        target: 'runtime',
        range: span(text, '{context: ./web, dockerfile: docker/Dockerfile.prod, target: runtime}'),
      });
    });

    it('defaults the context of the long form to the Compose file directory', () => {
      const text = 'services:\n  web:\n    build:\n      dockerfile: web.Dockerfile\n';
      const build = only(text).build;
      assert.equal(build?.context, '.');
      assert.equal(build?.dockerfile, 'web.Dockerfile');
      assert.equal(build?.target, undefined);
      assert.equal(build?.range.start, text.indexOf('dockerfile:'));
    });

    it('interpolates the context', () => {
      const facts = only('services:\n  web:\n    build: ${APP_DIR:-./app}\n');
      assert.equal(facts.build?.context, './app');
    });

    it('leaves out builds it cannot follow to a file', () => {
      const unreadable = [
        'build: https://github.com/shop/web.git#main',
        'build: git@github.com:shop/web.git',
        'build: {context: "https://example.com/web.tar.gz"}',
        'build: {context: ., dockerfile_inline: "FROM alpine"}',
        'build: {context: ${UNSET_DIR}}',
        'build: {context: ., target: ${UNSET_STAGE}}',
        'build: {context: ., dockerfile: 5}',
        'build: ""',
      ];
      for (const line of unreadable) {
        assert.equal(only(`services:\n  web:\n    ${line}\n`).build, undefined, line);
      }
    });
  });

  describe('command, network mode and aliases', () => {
    it('sees command and entrypoint, but not a null one', () => {
      assert.equal(only('services:\n  web:\n    entrypoint: []\n').commandOverridden, true);
      assert.equal(only('services:\n  web:\n    command: npm start\n').commandOverridden, true);
      assert.equal(only('services:\n  web:\n    command:\n    entrypoint: null\n').commandOverridden, false);
    });

    it('points at network_mode host, quoted or not, and at nothing else', () => {
      const quoted = 'services:\n  web:\n    network_mode: "host"\n';
      assert.deepStrictEqual(only(quoted).hostNetworkRange, span(quoted, 'host'));
      const plain = 'services:\n  web:\n    network_mode: ${MODE:-host}\n';
      assert.deepStrictEqual(only(plain).hostNetworkRange, span(plain, '${MODE:-host}'));
      assert.equal(only('services:\n  web:\n    network_mode: bridge\n').hostNetworkRange, undefined);
      assert.equal(only('services:\n  web:\n    network_mode: ${MODE}host\n').hostNetworkRange, undefined);
    });

    it('collects container_name, hostname and network aliases, lowercased, each once', () => {
      const text = [
        'x-aliases: &aliases [Search, "api.internal"]',
        'services:',
        '  web:',
        '    container_name: Shop-Web',
        '    hostname: ${HOST_NAME}',
        '    networks:',
        '      front:',
        '        aliases: *aliases',
        '      back:',
        '        aliases:',
        '          - search',
        '          - ${UNSET_ALIAS}',
        '      default:',
        '',
      ].join('\n');
      assert.deepStrictEqual(only(text).aliases, ['shop-web', 'search', 'api.internal']);
      assert.deepStrictEqual(only(text, { HOST_NAME: 'Web1' }).aliases, ['shop-web', 'web1', 'search', 'api.internal']);
    });
  });

  describe('environment keys', () => {
    it('reads the keys of the map form', () => {
      const text = 'services:\n  web:\n    environment:\n      PORT: 8080\n      DEBUG: "true"\n      EMPTY:\n';
      assert.deepStrictEqual(only(text).environmentKeys, ['PORT', 'DEBUG', 'EMPTY']);
    });

    it('reads the keys of the list form, with and without values, each once', () => {
      const text = 'services:\n  web:\n    environment:\n      - PORT=8080\n      - "HTTP_PORT=${UNSET}"\n      - SECRET\n      - PORT=9090\n      - =nothing\n      - ${NAME}=x\n';
      assert.deepStrictEqual(only(text).environmentKeys, ['PORT', 'HTTP_PORT', 'SECRET']);
    });

    it('merges environment keys from an anchored mapping', () => {
      const text = 'x-env: &env\n  LOG_LEVEL: info\n  PORT: 80\nservices:\n  web:\n    environment:\n      <<: *env\n      PORT: 8080\n';
      assert.deepStrictEqual(only(text).environmentKeys, ['PORT', 'LOG_LEVEL']);
    });

    it('lists merged environment keys written keys first, then each merged mapping and the mappings it merges in turn', () => {
      const text = 'x-c: &c\n  C: 1\n  A: 1\nx-b: &b\n  <<: *c\n  D: 1\nx-a: &a\n  A: 2\n  B: 2\nservices:\n  web:\n    environment:\n      <<: [*b, *a]\n      E: 1\n';
      assert.deepStrictEqual(only(text).environmentKeys, ['E', 'D', 'C', 'A', 'B']);
    });
  });

  describe('listener settings', () => {
    it('keeps the values of keys ending in _LISTENERS, with where each value is written', () => {
      const text = [
        'services:',
        '  kafka:',
        '    environment:',
        '      KAFKA_LISTENERS: PLAINTEXT://:9092,PLAINTEXT_HOST://:29092',
        '      KAFKA_ADVERTISED_LISTENERS: "PLAINTEXT://kafka:9092,PLAINTEXT_HOST://localhost:29092"',
        '      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: PLAINTEXT:PLAINTEXT',
        '      KAFKA_BROKER_ID: 1',
        '',
      ].join('\n');
      assert.deepStrictEqual(only(text).listenerSettings, [
        { key: 'KAFKA_LISTENERS', value: 'PLAINTEXT://:9092,PLAINTEXT_HOST://:29092', range: span(text, 'PLAINTEXT://:9092,PLAINTEXT_HOST://:29092') },
        { key: 'KAFKA_ADVERTISED_LISTENERS', value: 'PLAINTEXT://kafka:9092,PLAINTEXT_HOST://localhost:29092', range: span(text, 'PLAINTEXT://kafka:9092,PLAINTEXT_HOST://localhost:29092') },
      ]);
    });

    it('reads the list form, interpolates, and keeps the last value of a key given twice', () => {
      const text = 'services:\n  kafka:\n    environment:\n      - KAFKA_CFG_LISTENERS=PLAINTEXT://:9092\n      - "KAFKA_CFG_LISTENERS=EXTERNAL://:${EXTERNAL_PORT}"\n';
      const [setting, ...rest] = only(text, { EXTERNAL_PORT: '29092' }).listenerSettings ?? [];
      assert.deepStrictEqual(rest, []);
      assert.equal(setting.key, 'KAFKA_CFG_LISTENERS');
      assert.equal(setting.value, 'EXTERNAL://:29092');
      assert.deepStrictEqual(setting.range, span(text, 'EXTERNAL://:${EXTERNAL_PORT}'));
    });

    it('leaves the field out when no listener value can be read', () => {
      for (const environment of ['KAFKA_LISTENERS: ${UNSET}', 'KAFKA_LISTENERS:', 'KAFKA_LISTENER_NAMES: CONTROLLER', 'PORT: 8080']) {
        assert.equal(only(`services:\n  kafka:\n    environment:\n      ${environment}\n`).listenerSettings, undefined, environment);
      }
    });
  });

  describe('volumes', () => {
    it('keeps bind mounts in short and long syntax and leaves named volumes out', () => {
      const text = [
        'services:',
        '  web:',
        '    volumes:',
        '      - ./nginx.conf:/etc/nginx/nginx.conf:ro',
        '      - /srv/static:/usr/share/nginx/html',
        '      - ~/certs:/certs:ro,z',
        '      - data:/var/lib/data',
        '      - /only-a-path',
        '      - ./a:b:/c:ro',
        '      - ${CONF_DIR}:/conf',
        '      - type: bind',
        '        source: ./conf.d',
        '        target: /etc/nginx/conf.d',
        '      - type: volume',
        '        source: data',
        '        target: /data',
        '      - {type: bind, source: ./missing-target}',
        '',
      ].join('\n');
      assert.deepStrictEqual(only(text).volumes, [
        { source: './nginx.conf', target: '/etc/nginx/nginx.conf' },
        { source: '/srv/static', target: '/usr/share/nginx/html' },
        { source: '~/certs', target: '/certs' },
        { source: './conf.d', target: '/etc/nginx/conf.d' },
      ]);
    });

    it('interpolates the source of a bind mount', () => {
      const text = 'services:\n  web:\n    volumes:\n      - "${CONF_DIR:-./conf}:/etc/app"\n';
      assert.deepStrictEqual(only(text).volumes, [{ source: './conf', target: '/etc/app' }]);
    });
  });

  describe('environment dials', () => {
    it('reads URLs with a port, past a user and password', () => {
      const text = [
        'services:',
        '  web:',
        '    environment:',
        '      REDIS_URL: redis://cache:6380/0',
        '      DATABASE_URL: postgres://user:pw@db:5433/app',
        '      API_URL: "http://API:8000/v1"',
        '',
      ].join('\n');
      assert.deepStrictEqual(only(text).dials, [
        dialIn(text, { via: 'environment', whole: 'redis://cache:6380/0', host: 'cache', port: '6380', label: 'REDIS_URL' }),
        dialIn(text, { via: 'environment', whole: 'postgres://user:pw@db:5433/app', host: 'db', port: '5433', label: 'DATABASE_URL' }),
        dialIn(text, { via: 'environment', whole: 'http://API:8000/v1', host: 'API', port: '8000', label: 'API_URL' }),
      ]);
    });

    it('reads the list form, quoted or not', () => {
      const text = 'services:\n  web:\n    environment:\n      - REDIS_URL=redis://cache:6380/0\n      - "BACKEND=backend:5000"\n      - \'SEARCH=search:9200\'\n';
      assert.deepStrictEqual(only(text).dials, [
        dialIn(text, { via: 'environment', whole: 'redis://cache:6380/0', host: 'cache', port: '6380', label: 'REDIS_URL' }),
        dialIn(text, { via: 'environment', whole: 'backend:5000', host: 'backend', port: '5000', label: 'BACKEND' }),
        dialIn(text, { via: 'environment', whole: 'search:9200', host: 'search', port: '9200', label: 'SEARCH' }),
      ]);
    });

    it("implies the port of well-known schemes and leaves the port range out", () => {
      const text = [
        'services:',
        '  web:',
        '    environment:',
        '      A: http://api/v1',
        '      B: https://auth',
        '      C: redis://:secret@cache',
        '      D: postgresql://db/app',
        '      E: mysql://maria',
        '      F: mongodb://mongo/app',
        '      G: amqp://guest:guest@rabbit',
        '      H: nats://nats',
        '      I: ftp://files',
        '      J: rediss://cache',
        '',
      ].join('\n');
      assert.deepStrictEqual(only(text).dials, [
        dialIn(text, { via: 'environment', whole: 'http://api/v1', host: 'api', impliedPort: 80, label: 'A' }),
        dialIn(text, { via: 'environment', whole: 'https://auth', host: 'auth', impliedPort: 443, label: 'B' }),
        dialIn(text, { via: 'environment', whole: 'redis://:secret@cache', host: 'cache', impliedPort: 6379, label: 'C' }),
        dialIn(text, { via: 'environment', whole: 'postgresql://db/app', host: 'db', impliedPort: 5432, label: 'D' }),
        dialIn(text, { via: 'environment', whole: 'mysql://maria', host: 'maria', impliedPort: 3306, label: 'E' }),
        dialIn(text, { via: 'environment', whole: 'mongodb://mongo/app', host: 'mongo', impliedPort: 27017, label: 'F' }),
        dialIn(text, { via: 'environment', whole: 'amqp://guest:guest@rabbit', host: 'rabbit', impliedPort: 5672, label: 'G' }),
        dialIn(text, { via: 'environment', whole: 'nats://nats', host: 'nats', impliedPort: 4222, label: 'H' }),
      ]);
    });

    it('reads each address of a comma-separated list', () => {
      const text = 'services:\n  web:\n    environment:\n      KAFKA_BROKERS: kafka1:9092, kafka2:9092\n      NODES: PLAINTEXT://k1:9093,PLAINTEXT://k2:9093\n';
      assert.deepStrictEqual(only(text).dials, [
        dialIn(text, { via: 'environment', whole: 'kafka1:9092', host: 'kafka1', port: '9092', label: 'KAFKA_BROKERS' }),
        dialIn(text, { via: 'environment', whole: 'kafka2:9092', host: 'kafka2', port: '9092', label: 'KAFKA_BROKERS' }),
        dialIn(text, { via: 'environment', whole: 'PLAINTEXT://k1:9093', host: 'k1', port: '9093', label: 'NODES' }),
        dialIn(text, { via: 'environment', whole: 'PLAINTEXT://k2:9093', host: 'k2', port: '9093', label: 'NODES' }),
      ]);
    });

    it('reads nothing from a list when one of its parts is not an address', () => {
      const text = [
        'services:',
        '  web:',
        '    environment:',
        '      - DATABASE_URL=postgres://user:12,34@db:5432/app',
        '      - REPLICAS=mongodb://a:27017,b:27017/app?replicaSet=rs0',
        '      - API=http://api:8000/v1?fields=a,b',
        '      - GREETING=hello, world',
        '',
      ].join('\n');
      assert.deepStrictEqual(only(text).dials, []);
    });

    it('maps a host substituted from a variable to the variable', () => {
      const text = 'services:\n  web:\n    environment:\n      API_URL: http://${API_HOST}:${API_PORT:-8000}/v1\n';
      assert.deepStrictEqual(only(text, { API_HOST: 'Backend' }).dials, [
        {
          via: 'environment',
          host: 'backend',
          hostRange: span(text, '${API_HOST}'),
          port: 8000,
          portRange: span(text, '${API_PORT:-8000}'),
          range: span(text, 'http://${API_HOST}:${API_PORT:-8000}/v1'),
          text: 'http://Backend:8000/v1',
          label: 'API_URL',
        },
      ]);
    });

    it('turns $$ into $ without losing track of positions', () => {
      const text = 'services:\n  web:\n    environment:\n      DB: postgres://user:pa$$word@db:5432/app\n';
      assert.deepStrictEqual(only(text).dials, [
        {
          ...dialIn(text, { via: 'environment', whole: 'postgres://user:pa$$word@db:5432/app', host: 'db', port: '5432', label: 'DB' }),
          text: 'postgres://user:pa$word@db:5432/app',
        },
      ]);
    });

    it('skips a value with an unresolved variable, but keeps its key', () => {
      const text = 'services:\n  web:\n    environment:\n      - DATABASE_URL=postgres://${DB_USER}@db:5432/app\n      CACHE: ${CACHE_HOST}:6379\n';
      const listForm = only(text.replace('      CACHE: ${CACHE_HOST}:6379\n', ''));
      assert.deepStrictEqual(listForm.environmentKeys, ['DATABASE_URL']);
      assert.deepStrictEqual(listForm.dials, []);
      const mapForm = only('services:\n  web:\n    environment:\n      CACHE: ${CACHE_HOST}:6379\n');
      assert.deepStrictEqual(mapForm.environmentKeys, ['CACHE']);
      assert.deepStrictEqual(mapForm.dials, []);
    });

    it('skips IP addresses, IPv6 literals and SRV records', () => {
      const text = [
        'services:',
        '  web:',
        '    environment:',
        '      A: http://10.0.0.5:8080',
        '      B: http://[::1]:8080/',
        '      C: "[fd00::1]:5432"',
        '      D: 127.0.0.1:6379',
        '      E: mongodb+srv://cluster0.example.net/app',
        '      F: mongodb+srv://mongo:27017/app',
        '',
      ].join('\n');
      assert.deepStrictEqual(only(text).dials, []);
    });

    it('skips values that only look like addresses', () => {
      const text = [
        'services:',
        '  web:',
        '    environment:',
        '      PORTS: "8080:80"',
        '      REDIS_IMAGE: redis:7',
        '      APP_VERSION: app:2',
        '      LISTEN: 0.0.0.0:8080',
        '      TIME: "12:30"',
        '      PASSWORD: postgres://user:pa/ss@db:5432',
        '      BAD_PORT: backend:99999',
        '      NO_PORT: backend:',
        '      EMPTY_HOST: http://:8080',
        '      FILE: sqlite:///data/app.db',
        '      JDBC: jdbc:postgresql://db:5432/app',
        '      NUMBER: 5432',
        '      FLAG: true',
        '',
      ].join('\n');
      assert.deepStrictEqual(only(text).dials, []);
    });

    it('leaves out a value far longer than any address, but keeps its key', () => {
      const long = `http://api:8000/${'a'.repeat(10_000)}`;
      const facts = only(`services:\n  web:\n    environment:\n      - API=${long}\n`);
      assert.deepStrictEqual(facts.environmentKeys, ['API']);
      assert.deepStrictEqual(facts.dials, []);
    });

    it('shares the dials of an anchored environment between services', () => {
      const text = 'x-env: &env\n  - CACHE_URL=redis://cache:6379\nservices:\n  a:\n    environment: *env\n  b:\n    environment: *env\n';
      const expected = [dialIn(text, { via: 'environment', whole: 'redis://cache:6379', host: 'cache', port: '6379', label: 'CACHE_URL' })];
      assert.deepStrictEqual(
        services(text).map(({ dials }) => dials),
        [expected, expected],
      );
    });

    it('keeps ranges inside a double-quoted value with escapes', () => {
      const text = 'services:\n  web:\n    environment:\n      API: "http://api:8000/v1\\t"\n';
      const content = span(text, 'http://api:8000/v1\\t');
      const [dial] = only(text).dials;
      assert.equal(dial.host, 'api');
      assert.equal(dial.port, 8000);
      // The trailing tab is blank space around the address, not part of it.
      assert.equal(dial.text, 'http://api:8000/v1');
      for (const range of [dial.range, dial.hostRange, dial.portRange]) {
        assert.ok(range && range.start >= content.start && range.end <= content.end, 'range inside the quoted content');
      }
    });
  });

  describe('healthcheck dials', () => {
    it('reads a URL in the list form', () => {
      const text = 'services:\n  web:\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8081/health"]\n';
      assert.deepStrictEqual(only(text).dials, [
        dialIn(text, { via: 'healthcheck', whole: 'http://localhost:8081/health', host: 'localhost', port: '8081' }),
      ]);
    });

    it('reads a URL in the string and CMD-SHELL forms, quoted in the shell or not', () => {
      const text = [
        'services:',
        '  web:',
        '    healthcheck:',
        "      test: wget -qO- 'http://127.0.0.1:3000/ready' || exit 1",
        '  api:',
        '    healthcheck:',
        '      test:',
        '        - CMD-SHELL',
        '        - curl --fail --url=https://API.internal/health || exit 1',
        '',
      ].join('\n');
      assert.deepStrictEqual(
        services(text).map(({ dials }) => dials),
        [
          [dialIn(text, { via: 'healthcheck', whole: 'http://127.0.0.1:3000/ready', host: '127.0.0.1', port: '3000' })],
          [dialIn(text, { via: 'healthcheck', whole: 'https://API.internal/health', host: 'API.internal', impliedPort: 443 })],
        ],
      );
    });

    it('reads nc -z, pg_isready and redis-cli', () => {
      const text = [
        'services:',
        '  db:',
        '    healthcheck:',
        '      test: pg_isready -U app -h db -p 5433 && nc -zv -w 2 localhost 5433',
        '  cache:',
        '    healthcheck:',
        '      test: ["CMD", "redis-cli", "-p", "6380", "-h", "cache", "ping"]',
        '',
      ].join('\n');
      const [db, cache] = services(text);
      const pgHost = span(text, 'db -p 5433');
      const ncAddress = span(text, 'localhost 5433');
      assert.deepStrictEqual(db.dials, [
        {
          via: 'healthcheck',
          host: 'db',
          hostRange: part(pgHost, 0, 2),
          port: 5433,
          portRange: part(pgHost, 6, 10),
          range: pgHost,
          text: 'db -p 5433',
        },
        {
          via: 'healthcheck',
          host: 'localhost',
          hostRange: part(ncAddress, 0, 9),
          port: 5433,
          portRange: part(ncAddress, 10, 14),
          range: ncAddress,
          text: 'localhost 5433',
        },
      ]);
      const port = span(text, '6380');
      const host = span(text, 'cache', 1);
      assert.deepStrictEqual(cache.dials, [
        { via: 'healthcheck', host: 'cache', hostRange: host, port: 6380, portRange: port, range: { start: port.start, end: host.end }, text: '6380 -h cache' },
      ]);
    });

    it('reads --host= and --port=', () => {
      const text = 'services:\n  db:\n    healthcheck:\n      test: pg_isready --host=db --port=5432\n';
      assert.deepStrictEqual(only(text).dials, [
        {
          via: 'healthcheck',
          host: 'db',
          hostRange: part(span(text, '--host=db'), 7),
          port: 5432,
          portRange: part(span(text, '--port=5432'), 7),
          range: { start: span(text, '--host=db').start + 7, end: span(text, '--port=5432').end },
          text: '--host=db --port=5432',
        },
      ]);
    });

    it('skips what it cannot read exactly', () => {
      const tests = [
        'test: ["NONE"]',
        'test: ["CMD", "curl", "http://localhost:${UNSET_PORT}/"]',
        'test: ["CMD", "curl", "http://[::1]:8080/"]',
        'test: ["CMD", "curl", "ftp://files/"]',
        'test: ["RUN", "curl", "http://localhost:80/"]',
        'test: pg_isready -U app',
        'test: pg_isready -h db',
        'test: redis-cli ping',
        'test: nc localhost 80',
        'test: nc -z -u localhost 53',
        'test: nc -z localhost 5432||exit',
        'test: nc -z "db" 5432',
        'test: curl http://u:12/x@web:80/',
        'test: curl http://localhost:0/',
      ];
      for (const line of tests) {
        assert.deepStrictEqual(only(`services:\n  web:\n    healthcheck:\n      ${line}\n`).dials, [], line);
      }
    });

    it('skips a disabled healthcheck', () => {
      const text = 'services:\n  web:\n    healthcheck:\n      disable: true\n      test: curl http://localhost:80/\n';
      assert.deepStrictEqual(only(text).dials, []);
    });

    it('lists environment dials before healthcheck dials', () => {
      const text = 'services:\n  web:\n    healthcheck:\n      test: curl http://localhost:8080/\n    environment:\n      API: api:9000\n';
      assert.deepStrictEqual(
        only(text).dials.map(({ via, host, port }) => ({ via, host, port })),
        [
          { via: 'environment', host: 'api', port: 9000 },
          { via: 'healthcheck', host: 'localhost', port: 8080 },
        ],
      );
    });
  });
});

const NGINX_8080 = 'events {}\nhttp {\n  server {\n    listen 8080;\n    root /usr/share/nginx/html;\n  }\n}\n';
const SITE_8080 = 'server {\n    listen 8080;\n    root /usr/share/nginx/html;\n}\n';

/** A Compose file with one service; `lines` go under it, indented by four spaces. */
function oneService(name: string, lines: readonly string[]): string {
  return ['services:', `  ${name}:`, ...lines.map((line) => `    ${line}`), ''].join('\n');
}

function containerPortFindings(files: Files, order?: readonly string[]): string[] {
  return findings(modelOf(files, order), 'compose.yaml', 'container-port-not-listening').map((finding) => `${spotted(files, 'compose.yaml', finding)} ${finding.severity}: ${finding.message}`);
}

describe('Workspace graph: a server image listens where its mounted configuration says', () => {
  it('accepts a mapping onto the port a mounted nginx.conf listens on, and judges others by it', () => {
    const files: Files = {
      'compose.yaml': oneService('proxy', ['image: nginx:1.27', 'volumes:', '  - ./nginx.conf:/etc/nginx/nginx.conf:ro', 'ports:', '  - "8080:8080"', '  - "8081:80"']),
      'nginx.conf': NGINX_8080,
    };
    // The mounted nginx.conf does not include conf.d/, so the image's default server on 80 is gone too.
    assert.deepEqual(containerPortFindings(files), ['80 error: "8081:80" forwards to container port 80, but proxy listens on 8080 (nginx.conf:4)']);
  });

  it('keeps the image\'s default server when the mounted nginx.conf still includes conf.d/', () => {
    const files: Files = {
      'compose.yaml': oneService('proxy', ['image: nginx', 'volumes:', '  - ./nginx.conf:/etc/nginx/nginx.conf:ro', 'ports:', '  - "8080:8080"', '  - "80:80"', '  - "9000:9000"']),
      'nginx.conf': 'events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n  server {\n    listen 8080;\n  }\n}\n',
    };
    assert.deepEqual(containerPortFindings(files), ['9000 error: "9000:9000" forwards to container port 9000, but proxy listens on 8080 and 80 (nginx.conf:5)']);
  });

  it('reads a default.conf mounted over the image\'s own, in place of its port 80', () => {
    const files: Files = {
      'compose.yaml': oneService('web', ['image: nginx:alpine', 'volumes:', '  - ./site/default.conf:/etc/nginx/conf.d/default.conf', 'ports:', '  - "8080:8080"', '  - "80:80"']),
      'site/default.conf': SITE_8080,
    };
    assert.deepEqual(containerPortFindings(files), ['80 error: "80:80" forwards to container port 80, but web listens on 8080 (site/default.conf:2)']);
  });

  it('adds the listeners of another conf.d file to the image\'s default server', () => {
    const files: Files = {
      'compose.yaml': oneService('web', ['image: nginx', 'volumes:', '  - ./app.conf:/etc/nginx/conf.d/app.conf:ro', 'ports:', '  - "8080:8080"', '  - "80:80"']),
      'app.conf': SITE_8080,
    };
    assert.deepEqual(containerPortFindings(files), []);
  });

  it('reads the files of a mounted conf.d folder: its default.conf, and any file that proxies', () => {
    const files: Files = {
      'compose.yaml': oneService('proxy', ['image: nginx', 'volumes:', '  - ./conf.d:/etc/nginx/conf.d:ro', 'ports:', '  - "8080:8080"', '  - "8443:8443"', '  - "80:80"']),
      'conf.d/default.conf': SITE_8080,
      'conf.d/api.conf': 'server {\n    listen 8443;\n    location / {\n        proxy_pass http://api:3000;\n    }\n}\n',
    };
    const [finding, ...rest] = findings(modelOf(files), 'compose.yaml', 'container-port-not-listening');
    assert.deepEqual(rest, []);
    assert.equal(spotted(files, 'compose.yaml', finding), '80');
    assert.match(finding.message, /but proxy listens on 8080 and 8443 \(conf\.d\/default\.conf:2\)$/);
  });

  it('asks for a mounted file it does not hold, and judges by it once given and again when it changes', () => {
    const files: Files = {
      'compose.yaml': oneService('proxy', ['image: nginx', 'volumes:', '  - ./proxy/nginx.conf:/etc/nginx/nginx.conf:ro', 'ports:', '  - "8080:8080"', '  - "80:80"']),
    };
    const model = modelOf(files);
    assert.ok(model.wantedFiles().includes(pathOf('proxy/nginx.conf')));
    // Until it is read, the image's default server may or may not still be there: nothing is said.
    assert.deepEqual(findings(model, 'compose.yaml', 'container-port-not-listening'), []);
    feed(model, 'proxy/nginx.conf', NGINX_8080);
    assert.deepEqual(
      findings(model, 'compose.yaml', 'container-port-not-listening').map((finding) => finding.message),
      ['"80:80" forwards to container port 80, but proxy listens on 8080 (proxy/nginx.conf:4)'],
    );
    feed(model, 'proxy/nginx.conf', NGINX_8080.replace('listen 8080;', 'listen 8080;\n    listen 80;'));
    assert.deepEqual(findings(model, 'compose.yaml', 'container-port-not-listening'), []);
  });

  it('asks for the conventional files of a mounted folder', () => {
    const files: Files = { 'compose.yaml': oneService('proxy', ['image: nginx', 'volumes:', '  - ./nginx:/etc/nginx', 'ports:', '  - "8080:8080"']) };
    const wanted = modelOf(files).wantedFiles();
    assert.ok(wanted.includes(pathOf('nginx/nginx.conf')), wanted.join(', '));
    assert.ok(wanted.includes(pathOf('nginx/conf.d/default.conf')), wanted.join(', '));
  });

  it('points the hover and the Port Map at the listen line', () => {
    const files: Files = {
      'compose.yaml': oneService('proxy', ['image: nginx', 'volumes:', '  - ./nginx.conf:/etc/nginx/nginx.conf:ro', 'ports:', '  - "8080:8080"']),
      'nginx.conf': NGINX_8080,
    };
    const model = modelOf(files);
    const listen = { start: offsetIn(files, 'nginx.conf', '8080'), end: offsetIn(files, 'nginx.conf', '8080') + 4 };
    const [group] = model.portMap();
    const [node] = group.nodes;
    assert.deepEqual(node.listens, [{ port: 8080, endPort: 8080, protocol: 'tcp', evidence: { kind: 'config', fileName: pathOf('nginx.conf'), range: listen, label: 'nginx listen' } }]);
    const edge = group.edges.find((candidate) => candidate.kind === 'publish-container');
    assert.equal(edge?.ok, true);
    assert.deepEqual(edge?.served, [{ fileName: pathOf('nginx.conf'), range: listen }]);
    const ends = model.endsAt(pathOf('nginx.conf'), listen.start + 1);
    assert.equal(ends?.node.name, 'proxy');
    assert.equal(ends?.port, 8080);
  });

  it('leaves the mounted configuration aside when the command is replaced', () => {
    const files: Files = {
      'compose.yaml': oneService('proxy', ['image: nginx', 'command: ["nginx", "-c", "/etc/nginx/other.conf", "-g", "daemon off;"]', 'volumes:', '  - ./nginx.conf:/etc/nginx/nginx.conf:ro', 'ports:', '  - "9000:9000"']),
      'nginx.conf': NGINX_8080,
    };
    assert.deepEqual(containerPortFindings(files), []);
  });

  it('reads a mounted haproxy.cfg, for an image with no default listener', () => {
    const files: Files = {
      'compose.yaml': oneService('lb', ['image: haproxy:2.9', 'volumes:', '  - ./haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro', 'ports:', '  - "80:8080"', '  - "8404:8404"', '  - "9000:9000"']),
      'haproxy/haproxy.cfg': 'frontend web\n    bind *:8080\n    default_backend app\n\nfrontend stats\n    bind :8404\n\nbackend app\n    server a1 app:3000\n',
    };
    assert.deepEqual(containerPortFindings(files), ['9000 error: "9000:9000" forwards to container port 9000, but lb listens on 8080 and 8404 (haproxy/haproxy.cfg:2)']);
  });

  it('reads the Listen lines of a mounted httpd.conf, in place of the httpd image\'s port 80', () => {
    const files: Files = {
      'compose.yaml': oneService('web', ['image: httpd:2.4', 'volumes:', '  - ./httpd.conf:/usr/local/apache2/conf/httpd.conf:ro', 'ports:', '  - "8080:8080"', '  - "80:80"']),
      'httpd.conf': 'ServerRoot "/usr/local/apache2"\nListen 8080\n<VirtualHost *:8080>\n    DocumentRoot "/usr/local/apache2/htdocs"\n</VirtualHost>\n',
    };
    assert.deepEqual(containerPortFindings(files), ['80 error: "80:80" forwards to container port 80, but web listens on 8080 (httpd.conf:2)']);
  });

  it('ignores a mounted file of another kind, and folders outside the server\'s configuration', () => {
    const files: Files = {
      'compose.yaml': oneService('web', ['image: nginx', 'volumes:', '  - ./html:/usr/share/nginx/html:ro', '  - ./certs:/etc/nginx/certs:ro', 'ports:', '  - "8080:8080"']),
      'html/nginx.conf': NGINX_8080,
    };
    assert.deepEqual(containerPortFindings(files), ['8080 warning: "8080:8080" forwards to container port 8080, but web listens on 80 (nginx image default)']);
  });
});

describe('Workspace graph: a broker listens where its *_LISTENERS variables say', () => {
  const kafka = (image: string, environment: readonly string[], ports: readonly string[]): string =>
    oneService('kafka', [`image: ${image}`, 'environment:', ...environment.map((line) => `  ${line}`), 'ports:', ...ports.map((port) => `  - "${port}"`)]);

  it('accepts the port KAFKA_LISTENERS names besides the image\'s 9092', () => {
    for (const image of ['bitnami/kafka:3.7', 'confluentinc/cp-kafka:7.6.0', 'apache/kafka:3.7.0']) {
      const files: Files = { 'compose.yaml': kafka(image, ['KAFKA_LISTENERS: PLAINTEXT://:9092,PLAINTEXT_HOST://:29092'], ['29092:29092', '9092:9092']) };
      assert.deepEqual(containerPortFindings(files), [], image);
    }
  });

  it('reads KAFKA_CFG_LISTENERS in the list form, and names the line in a finding', () => {
    const files: Files = { 'compose.yaml': kafka('bitnami/kafka', ['- KAFKA_CFG_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093,EXTERNAL://0.0.0.0:29092'], ['29092:29092', '9094:9094']) };
    assert.deepEqual(containerPortFindings(files), ['9094 error: "9094:9094" forwards to container port 9094, but kafka listens on 9092, 9093 and 29092 (compose.yaml:5)']);
  });

  it('counts the advertised port only when no listeners are set', () => {
    const advertised = 'KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://kafka:9092,PLAINTEXT_HOST://localhost:29092';
    assert.deepEqual(containerPortFindings({ 'compose.yaml': kafka('confluentinc/cp-kafka', [advertised], ['29092:29092']) }), []);
    const both: Files = { 'compose.yaml': kafka('confluentinc/cp-kafka', ['KAFKA_LISTENERS: PLAINTEXT://:9092', advertised], ['29092:29092']) };
    assert.deepEqual(containerPortFindings(both), ['29092 error: "29092:29092" forwards to container port 29092, but kafka listens on 9092 (compose.yaml:5)']);
  });

  it('accepts the broker\'s own advertised address once its listeners name the port', () => {
    const environment = ['KAFKA_LISTENERS: PLAINTEXT://:9092,INTERNAL://:29092', 'KAFKA_ADVERTISED_LISTENERS: PLAINTEXT://localhost:9092,INTERNAL://kafka:29092'];
    const model = modelOf({ 'compose.yaml': kafka('confluentinc/cp-kafka', environment, ['9092:9092']) });
    assert.deepEqual(findings(model, 'compose.yaml'), []);
    const [group] = model.portMap();
    assert.deepEqual(group.edges.filter((edge) => edge.kind === 'environment').map((edge) => `${edge.label} ${edge.ok}`), ['KAFKA_ADVERTISED_LISTENERS INTERNAL://kafka:29092 true']);
  });

  it('points the evidence at the port digits of the listener URL', () => {
    const files: Files = { 'compose.yaml': kafka('bitnami/kafka', ['KAFKA_CFG_LISTENERS: "PLAINTEXT://:9092,EXTERNAL://:29092"'], ['29092:29092']) };
    const [group] = modelOf(files).portMap();
    const start = offsetIn(files, 'compose.yaml', '29092');
    assert.deepEqual(group.nodes[0].listens?.[1], { port: 29092, endPort: 29092, protocol: 'tcp', evidence: { kind: 'config', fileName: pathOf('compose.yaml'), range: { start, end: start + 5 }, label: 'KAFKA_CFG_LISTENERS' } });
  });

  it('takes the override file\'s value of a listener key over the base file\'s', () => {
    const files: Files = {
      'compose.yaml': kafka('bitnami/kafka', ['KAFKA_CFG_LISTENERS: PLAINTEXT://:9092,EXTERNAL://:29092'], ['29092:29092']),
      'compose.override.yaml': oneService('kafka', ['environment:', '  KAFKA_CFG_LISTENERS: PLAINTEXT://:9092,EXTERNAL://:39092']),
    };
    const found = findings(modelOf(files), 'compose.yaml', 'container-port-not-listening');
    assert.deepEqual(found.map((finding) => finding.message), ['"29092:29092" forwards to container port 29092, but kafka listens on 9092 and 39092 (compose.override.yaml:4)']);
  });
});
