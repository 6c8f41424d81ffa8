/**
 * Compose `ports:` as compose-go reads it, checked against Port Lens.
 *
 * compose-go cannot run here, so its verdicts are taken as facts: each row is an input and the
 * result an upstream test (or, where none covers it, the upstream source) asserts for it.
 * compose-go reads the short syntax with `nat.ParsePortSpecs` from
 * `github.com/docker/go-connections`, so that package's tests are facts about `ports:` too.
 *
 * "Refused" means loading the project fails; Port Lens agrees when it reports a problem of
 * severity error. "Accepted" lists the `ServicePortConfig` entries compose-go produces (one per
 * container port); Port Lens agrees when its references expand to exactly those and it raises no
 * error. compose-go's go.mod asks for go-connections v0.4.0, but the docker compose binary links
 * the newest one its dependencies require (v0.7.0 today); rows where the two differ say so, and
 * the verdict given is the newer one.
 */
import * as assert from 'node:assert/strict';
import { scanCompose } from '../../src/core/scanners/compose';

type Verdict = { readonly accepted: false } | { readonly accepted: true; readonly ports: readonly string[] };

interface Fact {
  /** Short-syntax `ports:` items of one service, or `yaml` for a whole file. */
  readonly input: readonly string[];
  readonly yaml?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly upstream: Verdict;
  /** Port Lens warnings expected with the verdict; compose-go itself never warns about ports. */
  readonly warns?: readonly string[];
  /** Where Port Lens reads the input differently on purpose: its verdict and why. */
  readonly differs?: { readonly lens: Verdict; readonly why: string };
}

const refused: Verdict = { accepted: false };

/** One `ServicePortConfig` as a string: `[host_ip ][published->]target/protocol`. */
function config(target: number, protocol = 'tcp', published?: string, hostIp?: string): string {
  return `${hostIp !== undefined ? `${hostIp} ` : ''}${published !== undefined ? `${published}->` : ''}${target}/${protocol}`;
}

function accepted(...configs: string[]): Verdict {
  return { accepted: true, ports: configs };
}

/** Container ports `start`…`end` with host ports counted alongside from `hostStart`. */
function mapped(start: number, end: number, protocol: string, hostStart?: number, hostIp?: string): string[] {
  return Array.from({ length: end - start + 1 }, (_, i) =>
    config(start + i, protocol, hostStart === undefined ? undefined : `${hostStart + i}`, hostIp),
  );
}

interface LensReading {
  readonly verdict: Verdict;
  readonly warnings: readonly string[];
}

function composeText(fact: Fact): string {
  if (fact.yaml !== undefined) {
    return fact.yaml;
  }
  const items = fact.input.map((item) => `      - ${JSON.stringify(item)}\n`).join('');
  return `services:\n  web:\n    image: busybox\n    ports:\n${items}`;
}

function lensReading(fact: Fact): LensReading {
  const result = scanCompose(composeText(fact), fact.env ? { env: fact.env } : undefined);
  const warnings = [...new Set(result.problems.filter((p) => p.severity === 'warning').map((p) => p.code))].sort();
  if (result.problems.some((p) => p.severity === 'error')) {
    return { verdict: refused, warnings };
  }
  const configs: string[] = [];
  for (const reference of result.references) {
    if (reference.role !== 'publish' || reference.port === null) {
      continue;
    }
    const count = (reference.endPort ?? reference.port) - reference.port + 1;
    for (let i = 0; i < count; i++) {
      const hostPort = reference.hostPort ?? null;
      const hostPortEnd = reference.hostPortEnd ?? hostPort;
      // Like nat.ParsePortSpec: a host range with one container port stays a range to pick from.
      const published =
        hostPort === null ? undefined : count === 1 && hostPortEnd !== hostPort ? `${hostPort}-${hostPortEnd}` : `${hostPort + i}`;
      configs.push(config(reference.port + i, reference.protocol, published, reference.hostIp));
    }
  }
  return { verdict: { accepted: true, ports: configs }, warnings };
}

function normalised(verdict: Verdict): Verdict {
  return verdict.accepted ? { accepted: true, ports: [...verdict.ports].sort() } : verdict;
}

function service(body: string, name = 'web'): string {
  return `services:\n  ${name}:\n    image: busybox\n${body}`;
}

const SOURCES: readonly { readonly source: string; readonly facts: readonly Fact[] }[] = [
  {
    source: 'compose-go types/types_test.go TestParsePortConfig',
    facts: [
      { input: ['80'], upstream: accepted(config(80)) },
      { input: ['80:8080'], upstream: accepted(config(8080, 'tcp', '80')) },
      { input: ['80-90:8080'], upstream: accepted(config(8080, 'tcp', '80-90')) },
      { input: ['8080:80/tcp'], upstream: accepted(config(80, 'tcp', '8080')) },
      { input: ['80:8080/udp'], upstream: accepted(config(8080, 'udp', '80')) },
      { input: ['80-81:8080-8081/tcp'], upstream: accepted(...mapped(8080, 8081, 'tcp', 80)) },
      { input: ['80-82:8080-8082/udp'], upstream: accepted(...mapped(8080, 8082, 'udp', 80)) },
      { input: ['80-82:8080/udp'], upstream: accepted(config(8080, 'udp', '80-82')) },
      { input: ['80-80:8080/tcp'], upstream: accepted(config(8080, 'tcp', '80')) },
      { input: ['9999999'], upstream: refused },
      { input: ['80/xyz'], upstream: refused },
      { input: ['tcp'], upstream: refused },
      { input: ['udp'], upstream: refused },
      { input: [''], upstream: refused },
      { input: ['1.1.1.1:80:80'], upstream: accepted(config(80, 'tcp', '80', '1.1.1.1')) },
    ],
  },
  {
    source: 'compose-go transform/ports_test.go',
    facts: [
      // Test_transformPorts
      {
        input: ['127.0.0.1:8080:80', '127.0.0.1:8081:81'],
        upstream: accepted(config(80, 'tcp', '8080', '127.0.0.1'), config(81, 'tcp', '8081', '127.0.0.1')),
      },
      { input: ['127.0.1:8080:80'], upstream: refused },
      // Left unparsed until the variables have values; Port Lens reports the port as unknown (info).
      { input: ['${HOST_IP}:${HOST_PORT}:80'], upstream: accepted() },
      // Test_portDefaults: a long-syntax entry without a protocol is TCP.
      { input: [], yaml: service('    ports:\n      - target: 80\n        published: 8080\n'), upstream: accepted(config(80, 'tcp', '8080')) },
    ],
  },
  {
    source: 'compose-go loader/loader_test.go',
    facts: [
      // TestLoadExpandedPortFormat
      {
        input: [],
        yaml: service(
          '    ports:\n      - "80-82:8080-8082"\n      - "90-92:8090-8092/udp"\n      - "85:8500"\n      - 8600\n' +
            '      - protocol: udp\n        target: 53\n        published: 10053\n' +
            '      - mode: host\n        target: 22\n        published: 10022\n',
        ),
        upstream: accepted(
          ...mapped(8080, 8082, 'tcp', 80),
          ...mapped(8090, 8092, 'udp', 90),
          config(8500, 'tcp', '85'),
          config(8600),
          config(53, 'udp', '10053'),
          config(22, 'tcp', '10022'),
        ),
      },
      // TestLoadWithInterpolationCastFull (its ports)
      {
        input: [],
        yaml: service('    ports:\n      - $theint\n      - "34567"\n      - target: $theint\n        published: "$theint"\n        x-foo-bar: true\n'),
        env: { theint: '555' },
        upstream: accepted(config(555), config(34567), config(555, 'tcp', '555')),
      },
      // TestServiceNameWithDots
      { input: [], yaml: service('    ports:\n      - "5432"\n', 'test.a.b.c'), upstream: accepted(config(5432)) },
      // TestNamedPort
      {
        input: [],
        yaml: service('    ports:\n      - name: http\n        published: 8080\n        target: 80\n      - name: https\n        published: 8083\n        target: 443\n'),
        upstream: accepted(config(80, 'tcp', '8080'), config(443, 'tcp', '8083')),
      },
      // TestAppProtocol
      {
        input: [],
        yaml: service(
          '    ports:\n      - published: 8080\n        target: 80\n        protocol: tcp\n        app_protocol: http\n' +
            '      - published: 8083\n        target: 443\n        protocol: tcp\n        app_protocol: https\n',
        ),
        upstream: accepted(config(80, 'tcp', '8080'), config(443, 'tcp', '8083')),
      },
      // TestEmptyList
      { input: [], yaml: service('    ports: []\n'), upstream: accepted() },
      // TestLoadWithEnvironmentInterpolation is not ported: its ports come from array-valued variables.
    ],
  },
  {
    source: 'go-connections nat/nat_test.go',
    facts: [
      // TestParsePortSpecFull
      { input: ['0.0.0.0:1234-1235:3333-3334/tcp'], upstream: accepted(...mapped(3333, 3334, 'tcp', 1234, '0.0.0.0')) },
      // TestPartPortSpecIPV6
      { input: ['[2001:4860:0:2001::68]::333'], upstream: accepted(config(333, 'tcp', undefined, '2001:4860:0:2001::68')) },
      { input: ['[::1]:80:80'], upstream: accepted(config(80, 'tcp', '80', '::1')) },
      { input: ['2001:4860:0:2001::68::333'], upstream: accepted(config(333, 'tcp', undefined, '2001:4860:0:2001::68')) },
      { input: ['::1:80:80'], upstream: accepted(config(80, 'tcp', '80', '::1')) },
      { input: ['::::80'], upstream: accepted(config(80, 'tcp', undefined, '::')) },
      // TestParsePortSpecs
      { input: ['1234/tcp', '2345/udp', '3456/sctp'], upstream: accepted(config(1234), config(2345, 'udp'), config(3456, 'sctp')) },
      {
        input: ['1234:1234/tcp', '2345:2345/udp', '3456:3456/sctp'],
        upstream: accepted(config(1234, 'tcp', '1234'), config(2345, 'udp', '2345'), config(3456, 'sctp', '3456')),
      },
      {
        input: ['0.0.0.0:1234:1234/tcp', '0.0.0.0:2345:2345/udp', '0.0.0.0:3456:3456/sctp'],
        upstream: accepted(config(1234, 'tcp', '1234', '0.0.0.0'), config(2345, 'udp', '2345', '0.0.0.0'), config(3456, 'sctp', '3456', '0.0.0.0')),
      },
      { input: ['localhost:1234:1234/tcp'], upstream: refused },
      // TestParsePortSpecsWithRange
      {
        input: ['1234-1236/tcp', '2345-2347/udp', '3456-3458/sctp'],
        upstream: accepted(...mapped(1234, 1236, 'tcp'), ...mapped(2345, 2347, 'udp'), ...mapped(3456, 3458, 'sctp')),
      },
      {
        input: ['1234-1236:1234-1236/tcp', '2345-2347:2345-2347/udp', '3456-3458:3456-3458/sctp'],
        upstream: accepted(...mapped(1234, 1236, 'tcp', 1234), ...mapped(2345, 2347, 'udp', 2345), ...mapped(3456, 3458, 'sctp', 3456)),
      },
      {
        input: ['0.0.0.0:1234-1236:1234-1236/tcp', '0.0.0.0:2345-2347:2345-2347/udp', '0.0.0.0:3456-3458:3456-3458/sctp'],
        upstream: accepted(
          ...mapped(1234, 1236, 'tcp', 1234, '0.0.0.0'),
          ...mapped(2345, 2347, 'udp', 2345, '0.0.0.0'),
          ...mapped(3456, 3458, 'sctp', 3456, '0.0.0.0'),
        ),
      },
      { input: ['localhost:1234-1236:1234-1236/tcp'], upstream: refused },
      // TestParseNetworkOpts*
      { input: ['192.168.1.100::80'], upstream: accepted(config(80, 'tcp', undefined, '192.168.1.100')) },
      { input: ['192.168.1.100:8080:80'], upstream: accepted(config(80, 'tcp', '8080', '192.168.1.100')) },
      { input: ['192.168.1.100'], upstream: refused },
      { input: ['192.168.1.100:-1:-1'], upstream: refused },
      { input: ['192.168.1.100::6000/udp'], upstream: accepted(config(6000, 'udp', undefined, '192.168.1.100')) },
      { input: ['192.168.1.100::6000/sctp'], upstream: accepted(config(6000, 'sctp', undefined, '192.168.1.100')) },
      // TestStringer
      { input: [':8080:6000/tcp'], upstream: accepted(config(6000, 'tcp', '8080')) },
      { input: ['192.168.1.100:8080:6000'], upstream: accepted(config(6000, 'tcp', '8080', '192.168.1.100')) },
      { input: ['192.168.1.100::6000/udp'], upstream: accepted(config(6000, 'udp', undefined, '192.168.1.100')) },
      { input: ['::6000'], upstream: accepted(config(6000)) },
      { input: ['192.168.1.100:8080:6000/udp'], upstream: accepted(config(6000, 'udp', '8080', '192.168.1.100')) },
      { input: ['192.168.1.100::6000/udp'], upstream: accepted(config(6000, 'udp', undefined, '192.168.1.100')) },
      { input: ['[::1]:8080:6000/udp'], upstream: accepted(config(6000, 'udp', '8080', '::1')) },
      { input: ['[::1]::6000/udp'], upstream: accepted(config(6000, 'udp', undefined, '::1')) },
      { input: ['::1:8080:6000/udp'], upstream: accepted(config(6000, 'udp', '8080', '::1')) },
      { input: ['::::6000/udp'], upstream: accepted(config(6000, 'udp', undefined, '::')) },
      // TestPort (NewPort validates the port or range; here as a spec with that protocol)
      { input: ['asd1234/tcp'], upstream: refused },
      { input: ['1234-1230/tcp'], upstream: refused },
      { input: ['1234-1242/tcp'], upstream: accepted(...mapped(1234, 1242, 'tcp')) },
      // TestParsePort ("empty value" is not portable: ParsePort("") means "no port", and an empty spec is refused)
      { input: ['asdf'], upstream: refused },
      { input: ['1asdf'], upstream: refused },
      { input: ['0'], upstream: accepted(config(0)), warns: ['port-zero'] },
      { input: ['-1'], upstream: refused },
      { input: ['0123'], upstream: accepted(config(123)) },
      { input: ['65535'], upstream: accepted(config(65535)) },
      { input: ['65536'], upstream: refused },
      // TestSplitProtoPort (it only splits; the verdict is the whole ParsePortSpec's)
      { input: [''], upstream: refused },
      { input: ['0'], upstream: accepted(config(0)), warns: ['port-zero'] },
      { input: ['/udp'], upstream: refused },
      { input: ['1234'], upstream: accepted(config(1234)) },
      { input: ['1234/'], upstream: accepted(config(1234)) },
      { input: ['1234/udp'], upstream: accepted(config(1234, 'udp')) },
      { input: ['80-8080'], upstream: accepted(...mapped(80, 8080, 'tcp')) },
      { input: ['80-8080/'], upstream: accepted(...mapped(80, 8080, 'tcp')) },
      { input: ['80-8080/udp'], upstream: accepted(...mapped(80, 8080, 'udp')) },
      { input: ['-1'], upstream: refused },
      // Lowercased without a word (ParsePortSpec lowercases before validating).
      { input: ['1234/UDP'], upstream: accepted(config(1234, 'udp')) },
      { input: ['any port value'], upstream: refused },
      { input: ['any port value/any proto value'], upstream: refused },
    ],
  },
  {
    source: 'go-connections nat/parse_test.go',
    facts: [
      // TestParsePortRange, as the container side
      { input: [''], upstream: refused },
      { input: ['1234'], upstream: accepted(config(1234)) },
      { input: ['1234-1234'], upstream: accepted(config(1234)) },
      { input: ['1234-1235'], upstream: accepted(config(1234), config(1235)) },
      { input: ['8000-9000'], upstream: accepted(...mapped(8000, 9000, 'tcp')) },
      { input: ['0'], upstream: accepted(config(0)), warns: ['port-zero'] },
      { input: ['0-0'], upstream: accepted(config(0)), warns: ['port-zero'] },
      { input: ['asdf'], upstream: refused },
      { input: ['9000-8000'], upstream: refused },
      { input: ['8000-'], upstream: refused },
      { input: ['-9000'], upstream: refused },
      { input: ['8000-a'], upstream: refused },
      { input: ['8000-9000a'], upstream: refused },
      { input: ['a-9000'], upstream: refused },
      { input: ['8000a-9000'], upstream: refused },
      { input: ['-8000-'], upstream: refused },
      { input: ['-'], upstream: refused },
      // TestParsePortNumber, as the container side
      { input: [''], upstream: refused },
      { input: ['   '], upstream: refused },
      { input: ['1234'], upstream: accepted(config(1234)) },
      { input: ['0'], upstream: accepted(config(0)), warns: ['port-zero'] },
      { input: ['65535'], upstream: accepted(config(65535)) },
      { input: ['  42  '], upstream: refused },
      { input: ['-1'], upstream: refused },
      { input: ['70000'], upstream: refused },
      { input: ['foo'], upstream: refused },
      { input: ['1234abc'], upstream: refused },
    ],
  },
  {
    // Behaviour of the current sources with no upstream test of its own.
    source: 'go-connections nat/nat.go and compose-go types (no upstream test)',
    facts: [
      // ParsePortSpec cuts at the first slash, so the protocol is "tcp/udp" (go-connections v0.6 on);
      // v0.4.0, which compose-go's go.mod names, read only "tcp" and accepted it.
      { input: ['80/tcp/udp'], upstream: refused },
      { input: ['8080:0'], upstream: accepted(config(0, 'tcp', '8080')), warns: ['port-zero'] },
      // Two parts are HOST_PORT:PORT, so an address or a name stands where the host port goes.
      { input: ['127.0.0.1:80'], upstream: refused },
      { input: ['localhost:80'], upstream: refused },
      { input: ['80-90:8080-8081'], upstream: refused },
      // Go's address parser knows no zone, and `[]` is no address at all.
      { input: ['[fe80::1%eth0]:80:80'], upstream: refused },
      { input: ['[]:80:80'], upstream: accepted(config(80, 'tcp', '80')) },
      // Refused since v0.6 (a third part is not a number); v0.4/v0.5 ignored it and read 8000-9000.
      { input: ['8000-9000-1'], upstream: refused },
      // v0.7 reads numbers with strconv.ParseInt, which takes a sign; v0.4 to v0.6 refused it.
      {
        input: ['+80'],
        upstream: accepted(config(80)),
        differs: { lens: refused, why: 'only the newest go-connections takes a sign; docker compose built on any earlier one refuses it, so Port Lens keeps refusing it' },
      },
      // A long-syntax target is decoded as a number and not checked further.
      { input: [], yaml: service('    ports:\n      - target: 0\n        published: 8080\n'), upstream: accepted(config(0, 'tcp', '8080')), warns: ['port-zero'] },
    ],
  },
];

describe('agrees with compose-go on ports: (facts from upstream tests)', () => {
  for (const { source, facts } of SOURCES) {
    describe(source, () => {
      for (const fact of facts) {
        const expected = fact.differs?.lens ?? fact.upstream;
        const label = fact.yaml !== undefined ? JSON.stringify(fact.yaml) : JSON.stringify(fact.input);
        const verdict = fact.upstream.accepted ? 'accepts' : 'refuses';
        it(`compose-go ${verdict} ${label.length > 160 ? `${label.slice(0, 157)}...` : label}${fact.differs ? ` (Port Lens differs: ${fact.differs.why})` : ''}`, () => {
          const lens = lensReading(fact);
          assert.deepEqual(normalised(lens.verdict), normalised(expected));
          if (expected.accepted) {
            assert.deepEqual(lens.warnings, [...(fact.warns ?? [])].sort());
          }
        });
      }
    });
  }
});
