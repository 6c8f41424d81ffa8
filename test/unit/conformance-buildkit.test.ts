/**
 * `EXPOSE` as BuildKit's Dockerfile frontend reads it, checked against Port Lens.
 *
 * BuildKit cannot run here, so its verdicts are taken as facts: each row is an input and the
 * result an upstream test (or, where none covers it, the upstream source) asserts for it.
 * BuildKit's EXPOSE parser (`dockerfile2llb/convert_expose.go`) is a copy of the port-spec
 * parser in `github.com/docker/go-connections/nat`, so that package's tests of port ranges and
 * protocol splitting are facts about EXPOSE too.
 *
 * "Refused" means the build stops; Port Lens agrees when it reports a problem of severity
 * error. "Accepted" lists the ports the image config gets (`ExposedPorts`), one per port as
 * BuildKit writes them; Port Lens agrees when its references cover exactly those ports and it
 * raises no error. The upstream verdicts are those of current BuildKit; older releases that
 * read EXPOSE through go-connections v0.4/v0.5 differ where a row says so.
 */
import * as assert from 'node:assert/strict';
import { scanDockerfile } from '../../src/core/scanners/dockerfile';

type Verdict = { readonly accepted: false } | { readonly accepted: true; readonly ports: readonly string[] };

interface Fact {
  /** The words after `EXPOSE` in `FROM scratch\nEXPOSE …`; `dockerfile` replaces the whole file. */
  readonly input: string;
  readonly dockerfile?: string;
  readonly upstream: Verdict;
  /**
   * Port Lens warnings expected with the verdict. `expose-host-part` and `uppercase-protocol`
   * mirror BuildKit's own lint warnings (ExposeInvalidFormat, ExposeProtoCasing); `port-zero`
   * is Port Lens's alone: BuildKit exposes port 0 silently.
   */
  readonly warns?: readonly string[];
  /** Where Port Lens reads the input differently on purpose: its verdict and why. */
  readonly differs?: { readonly lens: Verdict; readonly why: string };
}

const refused: Verdict = { accepted: false };

function accepted(...ports: string[]): Verdict {
  return { accepted: true, ports };
}

/** `start`…`end` of one protocol, as BuildKit lists a range in the image config. */
function range(start: number, end: number, protocol: string): string[] {
  return Array.from({ length: end - start + 1 }, (_, i) => `${start + i}/${protocol}`);
}

interface LensReading {
  readonly verdict: Verdict;
  readonly warnings: readonly string[];
}

function lensReading(fact: Fact): LensReading {
  const result = scanDockerfile(fact.dockerfile ?? `FROM scratch\nEXPOSE ${fact.input}\n`);
  const warnings = [...new Set(result.problems.filter((p) => p.severity === 'warning').map((p) => p.code))].sort();
  if (result.problems.some((p) => p.severity === 'error')) {
    return { verdict: refused, warnings };
  }
  const ports: string[] = [];
  for (const reference of result.references) {
    if (reference.port !== null) {
      ports.push(...range(reference.port, reference.endPort ?? reference.port, reference.protocol));
    }
  }
  return { verdict: { accepted: true, ports }, warnings };
}

function normalised(verdict: Verdict): Verdict {
  return verdict.accepted ? { accepted: true, ports: [...new Set(verdict.ports)].sort() } : verdict;
}

const SOURCES: readonly { readonly source: string; readonly facts: readonly Fact[] }[] = [
  {
    source: 'buildkit frontend/dockerfile/instructions/parse_test.go TestCommandsAtLeastOneArgument',
    facts: [{ input: '', upstream: refused }],
  },
  {
    source: 'buildkit frontend/dockerfile/dockerfile2llb/convert_expose_test.go',
    facts: [
      // TestParsePortSpecFull
      { input: '0.0.0.0:1234-1235:3333-3334/tcp', upstream: accepted('3333/tcp', '3334/tcp'), warns: ['expose-host-part'] },
      // TestPartPortSpecIPV6
      { input: '[2001:4860:0:2001::68]::333', upstream: accepted('333/tcp'), warns: ['expose-host-part'] },
      { input: '[::1]:80:80', upstream: accepted('80/tcp'), warns: ['expose-host-part'] },
      { input: '2001:4860:0:2001::68::333', upstream: accepted('333/tcp'), warns: ['expose-host-part'] },
      { input: '::1:80:80', upstream: accepted('80/tcp'), warns: ['expose-host-part'] },
      { input: '::::80', upstream: accepted('80/tcp'), warns: ['expose-host-part'] },
      // TestParsePortSpecs
      { input: '1234/tcp 2345/udp 3456/sctp', upstream: accepted('1234/tcp', '2345/udp', '3456/sctp') },
      { input: '1234:1234/tcp 2345:2345/udp 3456:3456/sctp', upstream: accepted('1234/tcp', '2345/udp', '3456/sctp'), warns: ['expose-host-part'] },
      {
        input: '0.0.0.0:1234:1234/tcp 0.0.0.0:2345:2345/udp 0.0.0.0:3456:3456/sctp',
        upstream: accepted('1234/tcp', '2345/udp', '3456/sctp'),
        warns: ['expose-host-part'],
      },
      { input: 'localhost:1234:1234/tcp', upstream: refused },
      // TestParsePortSpecsWithRange
      { input: '1234-1236/tcp 2345-2347/udp 3456-3458/sctp', upstream: accepted(...range(1234, 1236, 'tcp'), ...range(2345, 2347, 'udp'), ...range(3456, 3458, 'sctp')) },
      {
        input: '1234-1236:1234-1236/tcp 2345-2347:2345-2347/udp 3456-3458:3456-3458/sctp',
        upstream: accepted(...range(1234, 1236, 'tcp'), ...range(2345, 2347, 'udp'), ...range(3456, 3458, 'sctp')),
        warns: ['expose-host-part'],
      },
      {
        input: '0.0.0.0:1234-1236:1234-1236/tcp 0.0.0.0:2345-2347:2345-2347/udp 0.0.0.0:3456-3458:3456-3458/sctp',
        upstream: accepted(...range(1234, 1236, 'tcp'), ...range(2345, 2347, 'udp'), ...range(3456, 3458, 'sctp')),
        warns: ['expose-host-part'],
      },
      { input: 'localhost:1234-1236:1234-1236/tcp', upstream: refused },
    ],
  },
  {
    source: 'buildkit frontend/dockerfile/dockerfile_test.go testExposeExpansion',
    facts: [
      {
        input: '$PORTS',
        dockerfile: 'FROM scratch\nARG PORTS="3000 4000/udp"\nEXPOSE $PORTS\nEXPOSE 5000\n',
        upstream: accepted('3000/tcp', '4000/udp', '5000/tcp'),
      },
    ],
  },
  {
    // BuildKit's parsePortRange is a copy of this function; each row is the container side of EXPOSE.
    source: 'go-connections nat/parse_test.go TestParsePortRange',
    facts: [
      // "empty value" is not portable: an empty EXPOSE word never reaches the parser (see the lexer rows below).
      { input: '1234', upstream: accepted('1234/tcp') },
      { input: '1234-1234', upstream: accepted('1234/tcp') },
      { input: '1234-1235', upstream: accepted('1234/tcp', '1235/tcp') },
      { input: '8000-9000', upstream: accepted(...range(8000, 9000, 'tcp')) },
      { input: '0', upstream: accepted('0/tcp'), warns: ['port-zero'] },
      { input: '0-0', upstream: accepted('0/tcp'), warns: ['port-zero'] },
      { input: 'asdf', upstream: refused },
      { input: '9000-8000', upstream: refused },
      { input: '8000-', upstream: refused },
      { input: '-9000', upstream: refused },
      { input: '8000-a', upstream: refused },
      { input: '8000-9000a', upstream: refused },
      { input: 'a-9000', upstream: refused },
      { input: '8000a-9000', upstream: refused },
      { input: '-8000-', upstream: refused },
      { input: '-', upstream: refused },
    ],
  },
  {
    // BuildKit's parsePortNumber is a copy of this function.
    source: 'go-connections nat/parse_test.go TestParsePortNumber',
    facts: [
      // "empty string", "whitespace only" and "leading/trailing spaces" are not portable: EXPOSE splits at blanks first.
      { input: '1234', upstream: accepted('1234/tcp') },
      { input: '0', upstream: accepted('0/tcp'), warns: ['port-zero'] },
      { input: '65535', upstream: accepted('65535/tcp') },
      { input: '-1', upstream: refused },
      { input: '70000', upstream: refused },
      { input: 'foo', upstream: refused },
      { input: '1234abc', upstream: refused },
    ],
  },
  {
    // BuildKit's splitProtoPort splits as this function does, then validates; the verdict is the whole parse's.
    source: 'go-connections nat/nat_test.go TestSplitProtoPort',
    facts: [
      // "empty value" is not portable (an empty EXPOSE word never reaches the parser).
      { input: '0', upstream: accepted('0/tcp'), warns: ['port-zero'] },
      { input: '/udp', upstream: refused },
      { input: '1234', upstream: accepted('1234/tcp') },
      { input: '1234/', upstream: accepted('1234/tcp') },
      { input: '1234/udp', upstream: accepted('1234/udp') },
      { input: '80-8080', upstream: accepted(...range(80, 8080, 'tcp')) },
      { input: '80-8080/', upstream: accepted(...range(80, 8080, 'tcp')) },
      { input: '80-8080/udp', upstream: accepted(...range(80, 8080, 'udp')) },
      { input: '-1', upstream: refused },
      // BuildKit lowercases the protocol and warns (ExposeProtoCasing).
      { input: '1234/UDP', upstream: accepted('1234/udp'), warns: ['uppercase-protocol'] },
      // Within EXPOSE the blanks split these into several words, each refused.
      { input: 'any port value', upstream: refused },
      { input: 'any port value/any proto value', upstream: refused },
    ],
  },
  {
    source: 'go-connections nat/nat_test.go TestParsePort',
    facts: [
      // "empty value" is not portable: ParsePort("") means "no port", which no EXPOSE word can say.
      { input: 'asdf', upstream: refused },
      { input: '1asdf', upstream: refused },
      { input: '0', upstream: accepted('0/tcp'), warns: ['port-zero'] },
      { input: '-1', upstream: refused },
      { input: '0123', upstream: accepted('123/tcp') },
      { input: '65535', upstream: accepted('65535/tcp') },
      { input: '65536', upstream: refused },
    ],
  },
  {
    source: 'docs.docker.com build checks ExposeInvalidFormat and ExposeProtoCasing (warnings; the build goes on)',
    facts: [
      { input: '127.0.0.1:80:80', upstream: accepted('80/tcp'), warns: ['expose-host-part'] },
      { input: '80:80', upstream: accepted('80/tcp'), warns: ['expose-host-part'] },
      { input: '80/TcP', upstream: accepted('80/tcp'), warns: ['uppercase-protocol'] },
    ],
  },
  {
    // Behaviour of the current source with no upstream test of its own.
    source: 'buildkit dockerfile2llb/convert_expose.go and shell/lex.go (no upstream test)',
    facts: [
      // splitProtoPort cuts at the first slash, so the protocol is "tcp/udp". BuildKit releases that
      // used go-connections' SplitProtoPort (v0.5 and earlier) read only "tcp" and accepted it.
      { input: '80/tcp/udp', upstream: refused },
      { input: '80/foo', upstream: refused },
      { input: '80//udp', upstream: refused },
      // Two parts are HOST_PORT:PORT, so an address or a name stands where the host port goes.
      { input: 'myhost:80', upstream: refused },
      { input: '127.0.0.1:80', upstream: refused },
      { input: 'myhost:8080:80', upstream: refused },
      { input: '80:', upstream: refused },
      // BuildKit's ExposeInvalidFormat check needs an address or a host port; an empty host part has neither.
      { input: ':80', upstream: accepted('80/tcp') },
      { input: '::80', upstream: accepted('80/tcp') },
      { input: '80-81:90', upstream: accepted('90/tcp'), warns: ['expose-host-part'] },
      { input: '80-82:90-91', upstream: refused },
      // Go's address parser knows no zone, and `[]` is no address at all.
      { input: '[fe80::1%eth0]:80:80', upstream: refused },
      { input: '[]:80:80', upstream: accepted('80/tcp'), warns: ['expose-host-part'] },
      // Refused since BuildKit has its own range parser; go-connections v0.5 and earlier ignored a third part.
      { input: '8000-9000-1', upstream: refused },
      // The newest parser reads numbers with a sign (strconv.ParseInt); every earlier one refused it.
      {
        input: '+80',
        upstream: accepted('80/tcp'),
        differs: { lens: refused, why: 'only the newest releases take a sign; builds on any earlier BuildKit fail, so Port Lens keeps refusing it' },
      },
      { input: '0-10', upstream: accepted(...range(0, 10, 'tcp')), warns: ['port-zero'] },
      // The lexer drops a word that expands to nothing, so nothing is exposed and nothing fails.
      { input: '""', upstream: accepted() },
      { input: '"" 80', upstream: accepted('80/tcp') },
      // EXPOSE splits its arguments at blanks before the lexer sees them, so the quotes never close.
      { input: '"80 443"', upstream: refused },
      // An undeclared variable expands to nothing: nothing is exposed (newer releases warn, UndefinedVar).
      { input: '$PORT', upstream: accepted() },
      {
        input: '${PORT}/tcp',
        upstream: refused,
        differs: {
          lens: accepted(),
          why: 'an ENV of the base image or a --build-arg may set the variable, so Port Lens reports the port as unknown (info) rather than refused',
        },
      },
    ],
  },
];

describe('agrees with BuildKit on EXPOSE (facts from upstream tests)', () => {
  for (const { source, facts } of SOURCES) {
    describe(source, () => {
      for (const fact of facts) {
        const expected = fact.differs?.lens ?? fact.upstream;
        const label = fact.dockerfile !== undefined ? JSON.stringify(fact.dockerfile) : `EXPOSE ${fact.input}`;
        const verdict = fact.upstream.accepted ? 'accepts' : 'refuses';
        it(`BuildKit ${verdict} ${label}${fact.differs ? ` (Port Lens differs: ${fact.differs.why})` : ''}`, () => {
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
