import * as fs from 'node:fs';
import * as assert from 'node:assert/strict';
import { scanCompose } from '../../src/core/scanners/compose';
import type { PortReference, Protocol, SourceRange } from '../../src/core/types';
import { assertScan, expectedProblem as p, locator, part, ref } from './fixtures/containers/scanAssertions';
import type { Expectation, Locator } from './fixtures/containers/scanAssertions';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly env?: Record<string, string>;
  readonly expect: (at: Locator) => Expectation;
}

interface MappingFields {
  readonly port: number | null;
  readonly endPort?: number | null;
  readonly portRange?: SourceRange;
  readonly protocol?: Protocol;
  readonly hostIp?: string;
  /** Omit for a container port alone (published on an ephemeral port: `null`). */
  readonly hostPort?: number | null;
  readonly hostPortEnd?: number | null;
  readonly hostPortRange?: SourceRange;
  readonly scope?: string;
  readonly plainScalar: boolean;
  readonly rawText?: string;
  readonly flags?: string[];
  readonly name?: string;
  readonly hostNetwork?: boolean;
}

/** A `ports:` reference of service `web` unless told: TCP, single port, ephemeral host side by default. */
function publish(range: SourceRange, fields: MappingFields): PortReference {
  const hostPort = fields.port === null ? undefined : fields.hostPort === undefined ? null : fields.hostPort;
  return ref({
    role: 'publish',
    range,
    portRange: fields.portRange,
    hostPortRange: fields.hostPortRange,
    protocol: fields.protocol ?? 'tcp',
    port: fields.port,
    endPort: fields.endPort === undefined ? fields.port : fields.endPort,
    hostIp: fields.hostIp,
    hostPort,
    hostPortEnd: fields.hostPortEnd === undefined ? hostPort : fields.hostPortEnd,
    name: fields.name,
    scope: fields.scope ?? 'web',
    rawText: fields.rawText,
    flags: fields.flags,
    plainScalar: fields.plainScalar,
    hostNetwork: fields.hostNetwork,
  });
}

/** An `expose:` reference of service `web` unless told. */
function expose(range: SourceRange, fields: Omit<MappingFields, 'hostPort' | 'hostPortEnd' | 'hostPortRange' | 'hostIp'>): PortReference {
  return ref({
    role: 'expose',
    range,
    portRange: fields.portRange ?? (fields.port === null ? undefined : range),
    protocol: fields.protocol ?? 'tcp',
    port: fields.port,
    endPort: fields.endPort === undefined ? fields.port : fields.endPort,
    scope: fields.scope ?? 'web',
    rawText: fields.rawText,
    flags: fields.flags,
    plainScalar: fields.plainScalar,
  });
}

/** A service `web` whose `ports:` list holds the given item lines. */
function ports(...items: string[]): string {
  return `services:\n  web:\n    image: nginx\n    ports:\n${items.map((item) => `      - ${item}\n`).join('')}`;
}

const cases: Case[] = [
  // --- Short syntax -------------------------------------------------------------------
  {
    name: 'a quoted host:container mapping',
    text: ports('"8080:80"'),
    expect: (at) => ({
      references: [
        publish(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: false }),
      ],
    }),
  },
  {
    name: 'an unquoted mapping is a plain scalar',
    text: ports('8080:80'),
    expect: (at) => ({
      references: [
        publish(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: true }),
      ],
    }),
  },
  {
    name: 'unquoted 22:22 is read as the mapping the user meant and flagged as plain (YAML 1.1 base 60)',
    text: ports('22:22'),
    expect: (at) => ({
      references: [publish(at('22:22'), { port: 22, portRange: part(at('22:22'), 3), hostPort: 22, hostPortRange: part(at('22:22'), 0, 2), plainScalar: true })],
    }),
  },
  {
    name: 'quoted "22:22" is not plain',
    text: ports('"22:22"'),
    expect: (at) => ({
      references: [publish(at('22:22'), { port: 22, portRange: part(at('22:22'), 3), hostPort: 22, hostPortRange: part(at('22:22'), 0, 2), plainScalar: false })],
    }),
  },
  {
    name: 'single quotes are not plain either',
    text: ports("'2222:22'"),
    expect: (at) => ({
      references: [publish(at('2222:22'), { port: 22, portRange: part(at('2222:22'), 5), hostPort: 2222, hostPortRange: at('2222'), plainScalar: false })],
    }),
  },
  {
    name: 'a bare integer publishes on an ephemeral host port',
    text: ports('80'),
    expect: (at) => ({ references: [publish(at('80'), { port: 80, portRange: at('80'), plainScalar: true })] }),
  },
  {
    name: 'a quoted container port alone is also ephemeral',
    text: ports('"3000"'),
    expect: (at) => ({ references: [publish(at('3000'), { port: 3000, portRange: at('3000'), plainScalar: false })] }),
  },
  {
    name: 'a container port range alone',
    text: ports('"3000-3005"'),
    expect: (at) => ({
      references: [publish(at('3000-3005'), { port: 3000, endPort: 3005, portRange: at('3000-3005'), plainScalar: false })],
    }),
  },
  {
    name: 'a host IP, host port and container port',
    text: ports('"127.0.0.1:8080:80"'),
    expect: (at) => ({
      references: [
        publish(at('127.0.0.1:8080:80'), {
          port: 80,
          portRange: part(at('127.0.0.1:8080:80'), 15),
          hostIp: '127.0.0.1',
          hostPort: 8080,
          hostPortRange: at('8080'),
          plainScalar: false,
        }),
      ],
    }),
  },
  {
    name: 'an empty host port with a host IP is ephemeral',
    text: ports('"127.0.0.1::80"'),
    expect: (at) => ({
      references: [publish(at('127.0.0.1::80'), { port: 80, portRange: part(at('127.0.0.1::80'), 11), hostIp: '127.0.0.1', plainScalar: false })],
    }),
  },
  {
    name: 'host port 0 lets the engine choose, like an empty one',
    text: ports('"0:80"'),
    expect: (at) => ({
      references: [publish(at('0:80'), { port: 80, portRange: part(at('0:80'), 2), hostPortRange: part(at('0:80'), 0, 1), plainScalar: false })],
    }),
  },
  {
    name: 'a host range with a single container port is one mapping',
    text: ports('"8000-8010:80"'),
    expect: (at) => ({
      references: [
        publish(at('8000-8010:80'), {
          port: 80,
          portRange: part(at('8000-8010:80'), 10),
          hostPort: 8000,
          hostPortEnd: 8010,
          hostPortRange: at('8000-8010'),
          plainScalar: false,
        }),
      ],
    }),
  },
  {
    name: 'equal-length ranges map port by port',
    text: ports('"5000-5010:5000-5010"'),
    expect: (at) => ({
      references: [
        publish(at('5000-5010:5000-5010'), {
          port: 5000,
          endPort: 5010,
          portRange: part(at('5000-5010:5000-5010'), 10),
          hostPort: 5000,
          hostPortEnd: 5010,
          hostPortRange: part(at('5000-5010:5000-5010'), 0, 9),
          plainScalar: false,
        }),
      ],
    }),
  },
  {
    name: 'shifted ranges of equal length',
    text: ports('"9090-9091:8080-8081"'),
    expect: (at) => ({
      references: [
        publish(at('9090-9091:8080-8081'), {
          port: 8080,
          endPort: 8081,
          portRange: at('8080-8081'),
          hostPort: 9090,
          hostPortEnd: 9091,
          hostPortRange: at('9090-9091'),
          plainScalar: false,
        }),
      ],
    }),
  },
  {
    name: 'ranges of different lengths are an error',
    text: ports('"5000-5010:5000-5005"'),
    expect: (at) => ({ references: [], problems: [p('range-mismatch', at('5000-5010:5000-5005'))] }),
  },
  {
    name: 'a bracketed IPv6 host IP',
    text: ports('"[::1]:8080:80"'),
    expect: (at) => ({
      references: [
        publish(at('[::1]:8080:80'), { port: 80, portRange: part(at('[::1]:8080:80'), 11), hostIp: '::1', hostPort: 8080, hostPortRange: at('8080'), plainScalar: false }),
      ],
    }),
  },
  {
    name: 'an unbracketed IPv6 host IP: the last two parts are the ports',
    text: ports('"::1:8080:80"'),
    expect: (at) => ({
      references: [
        publish(at('::1:8080:80'), { port: 80, portRange: part(at('::1:8080:80'), 9), hostIp: '::1', hostPort: 8080, hostPortRange: at('8080'), plainScalar: false }),
      ],
    }),
  },
  {
    name: 'a bracketed IPv6 host IP with an ephemeral host port',
    text: ports('"[::1]::80"'),
    expect: (at) => ({ references: [publish(at('[::1]::80'), { port: 80, portRange: part(at('[::1]::80'), 7), hostIp: '::1', plainScalar: false })] }),
  },
  {
    name: 'a longer unbracketed IPv6 address',
    text: ports('"2001:db8::10:443:8443"'),
    expect: (at) => ({
      references: [
        publish(at('2001:db8::10:443:8443'), {
          port: 8443,
          portRange: at('8443'),
          hostIp: '2001:db8::10',
          hostPort: 443,
          hostPortRange: at('443'),
          plainScalar: false,
        }),
      ],
    }),
  },
  {
    name: 'a udp mapping',
    text: ports('"6060:6060/udp"'),
    expect: (at) => ({
      references: [
        publish(at('6060:6060/udp'), { port: 6060, portRange: part(at('6060:6060/udp'), 5, 9), hostPort: 6060, hostPortRange: part(at('6060:6060/udp'), 0, 4), protocol: 'udp', plainScalar: false }),
      ],
    }),
  },
  {
    name: 'Compose lowercases an uppercase protocol without complaint',
    text: ports('"53:53/UDP"'),
    expect: (at) => ({
      references: [
        publish(at('53:53/UDP'), { port: 53, portRange: part(at('53:53/UDP'), 3, 5), hostPort: 53, hostPortRange: part(at('53:53/UDP'), 0, 2), protocol: 'udp', plainScalar: false }),
      ],
    }),
  },
  {
    name: 'an sctp mapping',
    text: ports('"9999:9999/sctp"'),
    expect: (at) => ({
      references: [
        publish(at('9999:9999/sctp'), { port: 9999, portRange: part(at('9999:9999/sctp'), 5, 9), hostPort: 9999, hostPortRange: part(at('9999:9999/sctp'), 0, 4), protocol: 'sctp', plainScalar: false }),
      ],
    }),
  },
  {
    name: 'an unknown protocol',
    text: ports('"80:80/icmp"'),
    expect: (at) => ({ references: [], problems: [p('unknown-protocol', at('icmp'))] }),
  },
  {
    // compose-go (through Docker's port parser) accepts container port 0; Port Lens warns.
    name: 'container port 0 is accepted with a warning',
    text: ports('"8080:0"'),
    expect: (at) => ({
      references: [publish(at('8080:0'), { port: 0, portRange: part(at('8080:0'), 5), hostPort: 8080, hostPortRange: part(at('8080:0'), 0, 4), plainScalar: false })],
      problems: [p('port-zero', part(at('8080:0'), 5), 'warning')],
    }),
  },
  {
    name: 'a host port above 65535',
    text: ports('"70000:80"'),
    expect: (at) => ({ references: [], problems: [p('port-out-of-range', at('70000'))] }),
  },
  {
    name: 'a reversed host range',
    text: ports('"8010-8000:80"'),
    expect: (at) => ({ references: [], problems: [p('reversed-range', at('8010-8000'))] }),
  },
  {
    name: 'a reversed container range',
    text: ports('"90-80"'),
    expect: (at) => ({ references: [], problems: [p('reversed-range', at('90-80'))] }),
  },
  {
    name: 'a host name where the host port belongs',
    text: ports('"web:80"'),
    expect: (at) => ({ references: [], problems: [p('not-a-number', part(at('web:80'), 0, 3))] }),
  },
  {
    name: 'a host IP that is not an address',
    text: ports('"1.2.3:80:80"'),
    expect: (at) => ({ references: [], problems: [p('invalid-host-ip', at('1.2.3'))] }),
  },
  {
    name: 'a host name is not accepted as host IP',
    text: ports('"localhost:8080:80"'),
    expect: (at) => ({ references: [], problems: [p('invalid-host-ip', at('localhost'))] }),
  },
  {
    name: 'a missing container port',
    text: ports('"8080:"'),
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('8080:'))] }),
  },
  {
    name: 'a fractional number is not a port',
    text: ports('80.5'),
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('80.5'))] }),
  },
  {
    name: 'a boolean is not a port',
    text: ports('true'),
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('true'))] }),
  },
  {
    name: 'a flow sequence of mixed entries',
    text: 'services:\n  web:\n    ports: ["80:8080", 443]\n',
    expect: (at) => ({
      references: [
        publish(at('80:8080'), { port: 8080, portRange: at('8080'), hostPort: 80, hostPortRange: part(at('80:8080'), 0, 2), plainScalar: false }),
        publish(at('443'), { port: 443, portRange: at('443'), plainScalar: true }),
      ],
    }),
  },

  // --- Long syntax ---------------------------------------------------------------------
  {
    name: 'every long-syntax field',
    text: ports('target: 80\n        published: 8080\n        host_ip: 127.0.0.1\n        protocol: udp\n        mode: host\n        name: web-http\n        app_protocol: http'),
    expect: (at) => ({
      references: [
        publish(at('8080'), {
          port: 80,
          portRange: at('80'),
          hostIp: '127.0.0.1',
          hostPort: 8080,
          hostPortRange: at('8080'),
          protocol: 'udp',
          name: 'web-http',
          flags: ['mode=host', 'app_protocol=http'],
          plainScalar: true,
        }),
      ],
    }),
  },
  {
    name: 'a target alone is published on an ephemeral port and pointed at the target',
    text: ports('target: 9000'),
    expect: (at) => ({ references: [publish(at('9000'), { port: 9000, portRange: at('9000'), plainScalar: true })] }),
  },
  {
    name: 'a published range string with one target',
    text: ports('target: 80\n        published: "8000-8010"'),
    expect: (at) => ({
      references: [
        publish(at('8000-8010'), { port: 80, portRange: at('80'), hostPort: 8000, hostPortEnd: 8010, hostPortRange: at('8000-8010'), plainScalar: false }),
      ],
    }),
  },
  {
    name: 'a published port given as a string',
    text: ports('target: 443\n        published: "8443"\n        mode: ingress'),
    expect: (at) => ({
      references: [publish(at('8443'), { port: 443, portRange: at('443'), hostPort: 8443, hostPortRange: at('8443'), flags: ['mode=ingress'], plainScalar: false })],
    }),
  },
  {
    name: 'a long-syntax entry without a target',
    text: ports('published: 8080'),
    expect: (at) => ({ references: [], problems: [p('missing-target', at('published: 8080\n'))] }),
  },
  {
    name: 'a long-syntax host_ip that is not an address',
    text: ports('target: 80\n        published: 8080\n        host_ip: my-host'),
    expect: (at) => ({ references: [], problems: [p('invalid-host-ip', at('my-host'))] }),
  },
  {
    name: 'a long-syntax protocol Compose does not know',
    text: ports('target: 80\n        protocol: quic'),
    expect: (at) => ({ references: [], problems: [p('unknown-protocol', at('quic'))] }),
  },
  {
    name: 'a long-syntax target out of range',
    text: ports('target: 65536\n        published: 8080'),
    expect: (at) => ({ references: [], problems: [p('port-out-of-range', at('65536'))] }),
  },

  // --- expose --------------------------------------------------------------------------
  {
    name: 'expose entries in every form',
    text: 'services:\n  web:\n    expose:\n      - "3000"\n      - 3001-3005\n      - "4000/udp"\n      - 5000\n',
    expect: (at) => ({
      references: [
        expose(at('3000'), { port: 3000, plainScalar: false }),
        expose(at('3001-3005'), { port: 3001, endPort: 3005, plainScalar: true }),
        expose(at('4000/udp'), { port: 4000, portRange: at('4000'), protocol: 'udp', plainScalar: false }),
        expose(at('5000'), { port: 5000, plainScalar: true }),
      ],
    }),
  },
  {
    name: 'expose takes no host part',
    text: 'services:\n  web:\n    expose:\n      - "8080:80"\n',
    expect: (at) => ({ references: [], problems: [p('expose-host-part', at('8080:'))] }),
  },

  // --- network_mode ----------------------------------------------------------------------
  {
    name: 'network_mode host marks published ports, which Docker ignores',
    text: 'services:\n  web:\n    network_mode: host\n    ports:\n      - "8080:80"\n    expose:\n      - "9000"\n',
    expect: (at) => ({
      references: [
        publish(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: false, hostNetwork: true }),
        expose(at('9000'), { port: 9000, plainScalar: false }),
      ],
    }),
  },
  {
    name: 'a bridge network mode changes nothing',
    text: 'services:\n  web:\n    network_mode: bridge\n    ports: ["8080:80"]\n',
    expect: (at) => ({
      references: [publish(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: false })],
    }),
  },
  {
    name: 'an interpolated network mode',
    text: 'services:\n  web:\n    network_mode: ${NET:-host}\n    ports: ["8080:80"]\n',
    expect: (at) => ({
      references: [
        publish(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: false, hostNetwork: true }),
      ],
    }),
  },

  // --- Anchors, aliases, merge keys, extension fields -----------------------------------
  {
    name: 'an x- anchor merged into two services yields one reference per service at the anchor',
    text: 'x-web: &web\n  ports:\n    - "8080:80"\nservices:\n  web:\n    <<: *web\n  api:\n    <<: *web\n',
    expect: (at) => {
      const mapping = { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: false };
      return { references: [publish(at('8080:80'), mapping), publish(at('8080:80'), { ...mapping, scope: 'api' })] };
    },
  },
  {
    name: 'ports written in the service win over merged ones',
    text: 'x-base: &base\n  ports: ["1111:1"]\nservices:\n  web:\n    <<: *base\n    ports: ["2222:2"]\n',
    expect: (at) => ({
      references: [publish(at('2222:2'), { port: 2, portRange: part(at('2222:2'), 5), hostPort: 2222, hostPortRange: at('2222'), plainScalar: false })],
    }),
  },
  {
    name: 'the first of several merged mappings wins',
    text: 'x-a: &a\n  ports: ["1111:1"]\nx-b: &b\n  ports: ["2222:2"]\n  expose: ["3"]\nservices:\n  web:\n    <<: [*a, *b]\n',
    expect: (at) => ({
      references: [
        publish(at('1111:1'), { port: 1, portRange: part(at('1111:1'), 5), hostPort: 1111, hostPortRange: at('1111'), plainScalar: false }),
        expose(at('3'), { port: 3, plainScalar: false }),
      ],
    }),
  },
  {
    name: 'a mapping merged into the first merged mapping wins over the second merged mapping',
    text: 'x-c: &c\n  ports: ["1111:1"]\nx-a: &a\n  <<: *c\nx-b: &b\n  ports: ["2222:2"]\n  expose: ["3"]\nservices:\n  web:\n    <<: [*a, *b]\n',
    expect: (at) => ({
      references: [
        publish(at('1111:1'), { port: 1, portRange: part(at('1111:1'), 5), hostPort: 1111, hostPortRange: at('1111'), plainScalar: false }),
        expose(at('3'), { port: 3, plainScalar: false }),
      ],
    }),
  },
  {
    name: 'an alias for the whole ports list',
    text: 'x-ports: &ports\n  - "443:443"\nservices:\n  web:\n    ports: *ports\n',
    expect: (at) => ({
      references: [publish(at('443:443'), { port: 443, portRange: part(at('443:443'), 4), hostPort: 443, hostPortRange: part(at('443:443'), 0, 3), plainScalar: false })],
    }),
  },
  {
    name: 'an alias for one entry',
    text: 'x-http: &http "8080:80"\nservices:\n  web:\n    ports:\n      - *http\n      - "9090:90"\n',
    expect: (at) => ({
      references: [
        publish(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: false }),
        publish(at('9090:90'), { port: 90, portRange: part(at('9090:90'), 5), hostPort: 9090, hostPortRange: at('9090'), plainScalar: false }),
      ],
    }),
  },
  {
    name: 'a service that is itself an alias of another',
    text: 'services:\n  web: &svc\n    ports: ["80"]\n  copy: *svc\n',
    expect: (at) => ({
      references: [
        publish(at('80'), { port: 80, portRange: at('80'), plainScalar: false }),
        publish(at('80'), { port: 80, portRange: at('80'), plainScalar: false, scope: 'copy' }),
      ],
    }),
  },
  {
    name: 'an extension field alone publishes nothing',
    text: 'x-unused:\n  ports: ["8080:80"]\nservices:\n  web:\n    image: nginx\n',
    expect: () => ({ references: [] }),
  },
  {
    name: 'a quoted "<<" key is an ordinary key, not a merge',
    text: 'x-a: &a\n  ports: ["1:1"]\nservices:\n  web:\n    "<<": *a\n',
    expect: () => ({ references: [] }),
  },

  // --- Interpolation ---------------------------------------------------------------------
  {
    name: 'a variable from the environment',
    text: ports('"${HOST_PORT}:80"'),
    env: { HOST_PORT: '8081' },
    expect: (at) => ({
      references: [
        publish(at('${HOST_PORT}:80'), {
          port: 80,
          portRange: part(at('${HOST_PORT}:80'), 13),
          hostPort: 8081,
          hostPortRange: at('${HOST_PORT}'),
          plainScalar: false,
          rawText: '${HOST_PORT}:80',
        }),
      ],
    }),
  },
  {
    name: 'a $NAME variable without braces',
    text: ports('"$HOST_PORT:80"'),
    env: { HOST_PORT: '8081' },
    expect: (at) => ({
      references: [
        publish(at('$HOST_PORT:80'), { port: 80, portRange: part(at('$HOST_PORT:80'), 11), hostPort: 8081, hostPortRange: at('$HOST_PORT'), plainScalar: false, rawText: '$HOST_PORT:80' }),
      ],
    }),
  },
  {
    name: ':- uses the default when the variable is unset',
    text: ports('"${HOST_PORT:-8080}:80"'),
    expect: (at) => ({
      references: [
        publish(at('${HOST_PORT:-8080}:80'), {
          port: 80,
          portRange: part(at('${HOST_PORT:-8080}:80'), 19),
          hostPort: 8080,
          hostPortRange: at('${HOST_PORT:-8080}'),
          plainScalar: false,
          rawText: '${HOST_PORT:-8080}:80',
        }),
      ],
    }),
  },
  {
    name: ':- uses the default when the variable is empty',
    text: ports('"${HOST_PORT:-8080}:80"'),
    env: { HOST_PORT: '' },
    expect: (at) => ({
      references: [
        publish(at('${HOST_PORT:-8080}:80'), {
          port: 80,
          portRange: part(at('${HOST_PORT:-8080}:80'), 19),
          hostPort: 8080,
          hostPortRange: at('${HOST_PORT:-8080}'),
          plainScalar: false,
          rawText: '${HOST_PORT:-8080}:80',
        }),
      ],
    }),
  },
  {
    name: '- keeps an empty value, which leaves the host port ephemeral',
    text: ports('"${HOST_PORT-8080}:80"'),
    env: { HOST_PORT: '' },
    expect: (at) => ({
      references: [publish(at('${HOST_PORT-8080}:80'), { port: 80, portRange: part(at('${HOST_PORT-8080}:80'), 18), plainScalar: false, rawText: '${HOST_PORT-8080}:80' })],
    }),
  },
  {
    name: '- uses the default when the variable is unset',
    text: ports('"${HOST_PORT-8080}:80"'),
    expect: (at) => ({
      references: [
        publish(at('${HOST_PORT-8080}:80'), {
          port: 80,
          portRange: part(at('${HOST_PORT-8080}:80'), 18),
          hostPort: 8080,
          hostPortRange: at('${HOST_PORT-8080}'),
          plainScalar: false,
          rawText: '${HOST_PORT-8080}:80',
        }),
      ],
    }),
  },
  {
    name: ':? without a value is unresolved',
    text: ports('"${HOST_PORT:?set HOST_PORT}:80"'),
    expect: (at) => ({
      references: [publish(at('${HOST_PORT:?set HOST_PORT}:80'), { port: null, plainScalar: false, rawText: '${HOST_PORT:?set HOST_PORT}:80' })],
      problems: [p('unresolved-variable', at('${HOST_PORT:?set HOST_PORT}'), 'info')],
    }),
  },
  {
    name: '? accepts an empty value',
    text: ports('"${HOST_PORT?required}:80"'),
    env: { HOST_PORT: '' },
    expect: (at) => ({
      references: [publish(at('${HOST_PORT?required}:80'), { port: 80, portRange: part(at('${HOST_PORT?required}:80'), 22), plainScalar: false, rawText: '${HOST_PORT?required}:80' })],
    }),
  },
  {
    name: ':+ substitutes its word when the variable is set',
    text: ports('"${TLS:+8443}:443"'),
    env: { TLS: '1' },
    expect: (at) => ({
      references: [
        publish(at('${TLS:+8443}:443'), {
          port: 443,
          portRange: part(at('${TLS:+8443}:443'), 13),
          hostPort: 8443,
          hostPortRange: at('${TLS:+8443}'),
          plainScalar: false,
          rawText: '${TLS:+8443}:443',
        }),
      ],
    }),
  },
  {
    name: '+ expands to nothing when the variable is unset',
    text: ports('"${TLS+8443}:443"'),
    expect: (at) => ({
      references: [publish(at('${TLS+8443}:443'), { port: 443, portRange: part(at('${TLS+8443}:443'), 12), plainScalar: false, rawText: '${TLS+8443}:443' })],
    }),
  },
  {
    name: 'nested defaults',
    text: ports('"${A:-${B:-9000}}:80"'),
    env: { B: '9100' },
    expect: (at) => ({
      references: [
        publish(at('${A:-${B:-9000}}:80'), {
          port: 80,
          portRange: part(at('${A:-${B:-9000}}:80'), 17),
          hostPort: 9100,
          hostPortRange: at('${A:-${B:-9000}}'),
          plainScalar: false,
          rawText: '${A:-${B:-9000}}:80',
        }),
      ],
    }),
  },
  {
    name: 'a variable holding a whole mapping',
    text: ports('"${BIND}"'),
    env: { BIND: '127.0.0.1:5432:5432' },
    expect: (at) => ({
      references: [
        publish(at('${BIND}'), {
          port: 5432,
          portRange: at('${BIND}'),
          hostIp: '127.0.0.1',
          hostPort: 5432,
          hostPortRange: at('${BIND}'),
          plainScalar: false,
          rawText: '${BIND}',
        }),
      ],
    }),
  },
  {
    name: 'an unset variable without a default is unresolved, not an error',
    text: ports('"${HOST_PORT}:80/udp"'),
    expect: (at) => ({
      references: [publish(at('${HOST_PORT}:80/udp'), { port: null, protocol: 'udp', plainScalar: false, rawText: '${HOST_PORT}:80/udp' })],
      problems: [p('unresolved-variable', at('${HOST_PORT}'), 'info')],
    }),
  },
  {
    name: '$$ is a literal dollar, which is not a port',
    text: ports('"$$PORT"'),
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('$$PORT'))] }),
  },
  {
    name: 'a dollar followed by a digit is an invalid template',
    text: ports('"$1:80"'),
    expect: (at) => ({ references: [], problems: [p('invalid-interpolation', part(at('$1:80'), 0, 1))] }),
  },
  {
    name: 'an unclosed substitution is an invalid template',
    text: ports('"${PORT:80"'),
    expect: (at) => ({ references: [], problems: [p('invalid-interpolation', at('${PORT:80'))] }),
  },
  {
    name: 'interpolation in long syntax',
    text: ports('target: ${TARGET:-80}\n        published: "${PUBLISHED:-8080}"'),
    expect: (at) => ({
      references: [
        publish(at('${PUBLISHED:-8080}'), {
          port: 80,
          portRange: at('${TARGET:-80}'),
          hostPort: 8080,
          hostPortRange: at('${PUBLISHED:-8080}'),
          plainScalar: false,
          rawText: '${PUBLISHED:-8080}',
        }),
      ],
    }),
  },
  {
    name: 'an unresolved published port in long syntax',
    text: ports('target: 80\n        published: ${PUBLISHED}'),
    expect: (at) => ({
      references: [publish(at('${PUBLISHED}'), { port: null, plainScalar: true, rawText: '${PUBLISHED}' })],
      problems: [p('unresolved-variable', at('${PUBLISHED}'), 'info')],
    }),
  },

  // --- Merge tags ----------------------------------------------------------------------------
  {
    name: '!override is recorded on each reference of the list',
    text: 'services:\n  web:\n    ports: !override\n      - "8080:80"\n',
    expect: (at) => ({
      references: [
        publish(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: false, flags: ['override'] }),
      ],
    }),
  },
  {
    name: '!reset with an empty list publishes nothing',
    text: 'services:\n  web:\n    ports: !reset []\n',
    expect: () => ({ references: [] }),
  },
  {
    name: '!reset is recorded when the list is not empty',
    text: 'services:\n  web:\n    ports: !reset ["80"]\n',
    expect: (at) => ({ references: [publish(at('80'), { port: 80, portRange: at('80'), plainScalar: false, flags: ['reset'] })] }),
  },
  {
    name: '!override on expose, next to long-syntax flags',
    text: 'services:\n  web:\n    ports: !override\n      - target: 80\n        mode: host\n    expose: !override ["9000"]\n',
    expect: (at) => ({
      references: [
        publish(at('80'), { port: 80, portRange: at('80'), plainScalar: true, flags: ['mode=host', 'override'] }),
        expose(at('9000'), { port: 9000, plainScalar: false, flags: ['override'] }),
      ],
    }),
  },

  // --- Whole files ---------------------------------------------------------------------------
  {
    name: 'each service is its own scope',
    text: 'services:\n  web:\n    ports: ["80:80"]\n  db:\n    ports: ["127.0.0.1:5432:5432"]\n',
    expect: (at) => ({
      references: [
        publish(at('80:80'), { port: 80, portRange: part(at('80:80'), 3), hostPort: 80, hostPortRange: part(at('80:80'), 0, 2), plainScalar: false }),
        publish(at('127.0.0.1:5432:5432'), {
          port: 5432,
          portRange: part(at('127.0.0.1:5432:5432'), 15),
          hostIp: '127.0.0.1',
          hostPort: 5432,
          hostPortRange: part(at('127.0.0.1:5432:5432'), 10, 14),
          plainScalar: false,
          scope: 'db',
        }),
      ],
    }),
  },
  {
    name: 'CRLF line endings keep offsets right',
    text: 'services:\r\n  web:\r\n    ports:\r\n      - "8080:80"\r\n      - 22:22\r\n',
    expect: (at) => ({
      references: [
        publish(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: false }),
        publish(at('22:22'), { port: 22, portRange: part(at('22:22'), 3), hostPort: 22, hostPortRange: part(at('22:22'), 0, 2), plainScalar: true }),
      ],
    }),
  },
  {
    name: 'a YAML error is reported and the readable part still scanned',
    text: 'services:\n  web:\n    ports:\n      - "8080:80"\n  db:\n    image: "postgres\n',
    expect: (at) => ({
      references: [publish(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5), hostPort: 8080, hostPortRange: at('8080'), plainScalar: false })],
      problems: [p('parse-error', { start: at('"postgres\n').end, end: at('"postgres\n').end + 0 })],
    }),
  },
  {
    name: 'a second document is a parse error',
    text: 'services:\n  web:\n    ports: ["80"]\n---\nservices: {}\n',
    expect: (at) => ({
      references: [publish(at('80'), { port: 80, portRange: at('80'), plainScalar: false })],
      problems: [p('parse-error', at('---\nservices: {}\n'))],
    }),
  },
  {
    name: 'a service without ports',
    text: 'services:\n  web:\n    image: nginx\n',
    expect: () => ({ references: [] }),
  },
  {
    name: 'an empty file',
    text: '',
    expect: () => ({ references: [] }),
  },
  {
    name: 'a file that is not YAML mappings at all',
    text: 'FROM alpine\nEXPOSE 80\n',
    expect: () => ({ references: [] }),
  },
];

/** Disagreements with compose-go (through go-connections) that were fixed; see conformance-compose-go.test.ts. */
const composeGoCases: Case[] = [
  {
    name: 'compose-go refuses two protocols: everything after the first slash is the protocol "tcp/udp"',
    text: ports('"80/tcp/udp"'),
    expect: (at) => ({ references: [], problems: [p('unknown-protocol', at('tcp/udp'))] }),
  },
  {
    name: 'compose-go accepts a bare container port 0 (Port Lens warns)',
    text: ports('"0"'),
    expect: (at) => ({
      references: [publish(at('0'), { port: 0, portRange: at('0'), plainScalar: false })],
      problems: [p('port-zero', at('0'), 'warning')],
    }),
  },
  {
    name: 'compose-go accepts empty brackets as no host address',
    text: ports('"[]:8080:80"'),
    expect: (at) => ({
      references: [
        publish(at('[]:8080:80'), { port: 80, portRange: part(at('[]:8080:80'), 8), hostPort: 8080, hostPortRange: part(at('[]:8080:80'), 3, 7), plainScalar: false }),
      ],
    }),
  },
  {
    name: 'compose-go refuses an IPv6 address with a zone',
    text: ports('"[fe80::1%eth0]:8080:80"'),
    expect: (at) => ({ references: [], problems: [p('invalid-host-ip', at('[fe80::1%eth0]'))] }),
  },
  {
    name: 'compose-go takes a long-syntax target of 0 (Port Lens warns)',
    text: 'services:\n  web:\n    image: nginx\n    ports:\n      - target: 0\n        published: 8080\n',
    expect: (at) => ({
      references: [
        publish(at('8080'), { port: 0, portRange: at('0'), hostPort: 8080, hostPortRange: at('8080'), plainScalar: true }),
      ],
      problems: [p('port-zero', at('0'), 'warning')],
    }),
  },
];

describe('agrees with compose-go', () => {
  for (const testCase of composeGoCases) {
    it(testCase.name, () => {
      assertScan(scanCompose(testCase.text, { env: testCase.env ?? {} }), testCase.expect(locator(testCase.text)));
    });
  }
});

describe('scanCompose', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const result = scanCompose(testCase.text, { env: testCase.env ?? {} });
      assert.equal(result.format, 'compose');
      assertScan(result, testCase.expect(locator(testCase.text)));
    });
  }

  it('reads a fixture with anchors, overrides and interpolation', () => {
    const text = fs.readFileSync('test/unit/fixtures/containers/compose.yaml', 'utf8');
    const result = scanCompose(text, { env: { WEB_PORT: '8081' } });
    assert.deepStrictEqual(
      result.references.map(({ role, scope, hostIp, hostPort, port, protocol, hostNetwork }) => ({ role, scope, hostIp, hostPort, port, protocol, hostNetwork })),
      [
        { role: 'publish', scope: 'web', hostIp: undefined, hostPort: 8081, port: 80, protocol: 'tcp', hostNetwork: undefined },
        { role: 'publish', scope: 'web', hostIp: '127.0.0.1', hostPort: 9100, port: 9100, protocol: 'tcp', hostNetwork: undefined },
        { role: 'publish', scope: 'api', hostIp: '127.0.0.1', hostPort: 9100, port: 9100, protocol: 'tcp', hostNetwork: undefined },
        { role: 'publish', scope: 'api', hostIp: undefined, hostPort: 3000, port: 3000, protocol: 'tcp', hostNetwork: undefined },
        { role: 'expose', scope: 'api', hostIp: undefined, hostPort: undefined, port: 3001, protocol: 'tcp', hostNetwork: undefined },
        { role: 'publish', scope: 'dns', hostIp: undefined, hostPort: 53, port: 53, protocol: 'udp', hostNetwork: true },
      ],
    );
    assert.deepStrictEqual(result.problems, []);
  });

  it('reads each merged mapping once per service when merge keys fan out', () => {
    const anchors = ['x-0: &a0 ["80:80"]'];
    for (let level = 1; level < 12; level++) {
      anchors.push(`x-${level}: &a${level}\n  <<: [${Array.from({ length: 8 }, () => `*a${level - 1}`).join(', ')}]\n  ports: *a0`);
    }
    const services = Array.from({ length: 3000 }, (_, index) => `  s${index}:\n    <<: *a11`).join('\n');
    const text = `${anchors.join('\n')}\nservices:\n${services}\n`;
    const started = Date.now();
    const result = scanCompose(text);
    assert.ok(Date.now() - started < 5000, 'scan finishes quickly');
    assert.equal(result.references.length, 3000);
    assert.deepStrictEqual(result.problems, []);
  });

  it('caps work when many services share one large aliased list', () => {
    const list = Array.from({ length: 2000 }, (_, index) => `  - "${10000 + index}:80"`).join('\n');
    const services = Array.from({ length: 2000 }, (_, index) => `  s${index}: {ports: *big}`).join('\n');
    const text = `x-big: &big\n${list}\nservices:\n${services}\n`;
    const started = Date.now();
    const result = scanCompose(text);
    assert.ok(Date.now() - started < 5000, 'scan finishes quickly');
    assert.ok(result.problems.some((found) => found.code === 'alias-limit' && found.severity === 'warning'));
    assert.ok(result.references.length < 2000 * 2000);
  });

  it('never throws on hostile input', () => {
    for (const input of ['services: [', '{{{{', ': : :', `services:\n  web:\n    ports: ["${'${A:-'.repeat(3000)}"]\n`, '\ud800', '- - - - -']) {
      const result = scanCompose(input);
      assert.ok(Array.isArray(result.references));
      assert.ok(Array.isArray(result.problems));
    }
  });
});
