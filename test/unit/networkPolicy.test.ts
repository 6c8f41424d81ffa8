import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { scanKubernetes } from '../../src/core/scanners/kubernetes';
import type { FirewallRuleInfo, PortReference, Protocol, ScanResult, SourceRange } from '../../src/core/types';
import { assertScan, expectedProblem as p, locator, part, ref } from './fixtures/containers/scanAssertions';
import type { Expectation, Locator } from './fixtures/containers/scanAssertions';
import { assertRangesInside, mutatedSeed, PROPERTY_RUNS, timeLimitFor } from './propertyInputs';
import type { Seed } from './propertyInputs';
import { findings } from './rules-helpers';

interface PolicyPortFields {
  readonly range: SourceRange;
  readonly port: number | null;
  /** Defaults to `port`. */
  readonly endPort?: number | null;
  readonly endPortRange?: SourceRange;
  readonly protocol?: Protocol;
  readonly name?: string;
  readonly source: string | null;
  readonly sourceRange?: SourceRange;
  readonly chain?: 'ingress' | 'egress';
  readonly scope?: string;
  /** A port written as a plain number or name; false for an all-ports entry located by its protocol. */
  readonly written?: boolean;
}

/** A NetworkPolicy port: an ingress allow of `NetworkPolicy/api` unless told. */
function policyPort(fields: PolicyPortFields): PortReference {
  const firewall: FirewallRuleInfo = {
    action: 'allow',
    source: fields.source,
    chain: fields.chain ?? 'ingress',
    ...(fields.sourceRange ? { sourceRange: fields.sourceRange } : {}),
  };
  const digits = fields.port !== null && fields.written !== false;
  return ref({
    role: 'firewall',
    range: fields.range,
    portRange: digits ? fields.range : undefined,
    endPortRange: fields.endPortRange,
    protocol: fields.protocol ?? 'tcp',
    port: fields.port,
    endPort: fields.endPort === undefined ? fields.port : fields.endPort,
    name: fields.name,
    scope: fields.scope ?? 'NetworkPolicy/api',
    firewall,
    plainScalar: fields.written === false ? undefined : true,
  });
}

/** A NetworkPolicy `api` selecting `app: api`, with the given spec rules (indented two spaces). */
function policy(rules: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: api\nspec:\n  podSelector:\n    matchLabels:\n      app: api\n${rules}`;
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly expect: (at: Locator) => Expectation;
}

function runCases(cases: readonly Case[]): void {
  for (const { name, text, expect } of cases) {
    it(name, () => {
      assertScan(scanKubernetes(text), expect(locator(text)));
    });
  }
}

describe('Kubernetes NetworkPolicy ports', () => {
  describe('sources', () => {
    runCases([
      {
        name: 'peers of several kinds: the first one describes the source; egress to an ipBlock',
        text: [
          'apiVersion: networking.k8s.io/v1',
          'kind: NetworkPolicy',
          'metadata:',
          '  name: db-access',
          '  namespace: shop',
          'spec:',
          '  podSelector:',
          '    matchLabels:',
          '      tier: db',
          '  policyTypes:',
          '    - Ingress',
          '    - Egress',
          '  ingress:',
          '    - from:',
          '        - ipBlock:',
          '            cidr: 172.20.0.0/16',
          '            except:',
          '              - 172.20.5.0/24',
          '        - namespaceSelector:',
          '            matchLabels:',
          '              team: storefront',
          '        - podSelector:',
          '            matchLabels:',
          '              tier: web',
          '      ports:',
          '        - protocol: TCP',
          '          port: 6379',
          '  egress:',
          '    - to:',
          '        - ipBlock:',
          '            cidr: 10.8.0.0/24',
          '      ports:',
          '        - protocol: TCP',
          '          port: 5978',
          '',
        ].join('\n'),
        expect: (at) => ({
          references: [
            policyPort({ range: at('6379'), port: 6379, source: '172.20.0.0/16', scope: 'NetworkPolicy/db-access' }),
            policyPort({ range: at('5978'), port: 5978, source: '10.8.0.0/24', chain: 'egress', scope: 'NetworkPolicy/db-access' }),
          ],
        }),
      },
      {
        name: 'selector peers described by their labels, both selectors of one peer together',
        text: policy(
          '  ingress:\n' +
            '    - from:\n        - podSelector:\n            matchLabels:\n              app: web\n              tier: front\n      ports:\n        - port: 8080\n' +
            '    - from:\n        - namespaceSelector:\n            matchLabels:\n              team: ops\n          podSelector: {}\n      ports:\n        - port: 9090\n' +
            '    - from:\n        - namespaceSelector: {}\n      ports:\n        - port: 9100\n',
        ),
        expect: (at) => ({
          references: [
            policyPort({ range: at('8080'), port: 8080, source: 'podSelector app=web,tier=front' }),
            policyPort({ range: at('9090'), port: 9090, source: 'namespaceSelector team=ops, podSelector' }),
            policyPort({ range: at('9100'), port: 9100, source: 'namespaceSelector' }),
          ],
        }),
      },
      {
        name: 'a rule without from, with an empty from, or with a null from admits everyone',
        text: policy(
          '  ingress:\n' +
            '    - ports:\n        - port: 80\n' +
            '    - from: []\n      ports:\n        - port: 443\n' +
            '    - from:\n      ports:\n        - port: 8443\n',
        ),
        expect: (at) => ({
          references: [
            policyPort({ range: at('80'), port: 80, source: null }),
            policyPort({ range: at('443'), port: 443, source: null }),
            policyPort({ range: at('8443'), port: 8443, source: null }),
          ],
        }),
      },
      {
        name: 'an ipBlock of the whole IPv4 or IPv6 internet admits everyone, whichever peer it is',
        text: policy(
          '  ingress:\n' +
            '    - from:\n        - podSelector:\n            matchLabels:\n              app: web\n        - ipBlock:\n            cidr: 0.0.0.0/0\n            except: [10.0.0.0/8]\n      ports:\n        - port: 22\n' +
            '    - from:\n        - ipBlock:\n            cidr: "::/0"\n      ports:\n        - port: 23\n',
        ),
        expect: (at) => ({
          references: [
            policyPort({ range: at('22'), port: 22, source: null, sourceRange: at('0.0.0.0/0') }),
            policyPort({ range: at('23'), port: 23, source: null, sourceRange: at('::/0') }),
          ],
        }),
      },
      {
        name: 'egress without to allows traffic to everywhere, as egress',
        text: policy('  policyTypes: [Egress]\n  egress:\n    - ports:\n        - protocol: UDP\n          port: 53\n'),
        expect: (at) => ({ references: [policyPort({ range: at('53'), port: 53, protocol: 'udp', source: null, chain: 'egress' })] }),
      },
      {
        name: 'peers a Helm template fills in are not taken for everyone',
        text: policy('  ingress:\n    - from: {{ toYaml .Values.allowedPeers }}\n      ports:\n        - port: 5432\n'),
        expect: (at) => ({ references: [policyPort({ range: at('5432'), port: 5432, source: 'peers set by a template' })] }),
      },
    ]);
  });

  describe('ports', () => {
    runCases([
      {
        name: 'a range with endPort: the start digits, the end digits apart',
        text: policy('  egress:\n    - to:\n        - ipBlock:\n            cidr: 10.0.0.0/24\n      ports:\n        - protocol: TCP\n          port: 32000\n          endPort: 32768\n'),
        expect: (at) => ({
          references: [
            policyPort({ range: at('32000'), port: 32000, endPort: 32768, endPortRange: at('32768'), source: '10.0.0.0/24', chain: 'egress' }),
          ],
        }),
      },
      {
        name: 'a named port keeps its name, with no number and no problem',
        text: policy('  ingress:\n    - ports:\n        - port: metrics\n        - port: "dns-udp"\n          protocol: UDP\n'),
        expect: (at) => ({
          references: [
            policyPort({ range: at('metrics'), port: null, name: 'metrics', source: null }),
            ref({ ...policyPort({ range: at('dns-udp'), port: null, name: 'dns-udp', protocol: 'udp', source: null }), plainScalar: false }),
          ],
        }),
      },
      {
        name: 'an entry without a port matches every port of its protocol',
        text: policy('  ingress:\n    - ports:\n        - protocol: UDP\n        - {}\n'),
        expect: (at) => ({
          references: [
            policyPort({ range: at('UDP'), port: 0, endPort: 65535, protocol: 'udp', source: null, written: false }),
            policyPort({ range: at('{}'), port: 0, endPort: 65535, source: null, written: false }),
          ],
        }),
      },
      {
        name: 'SCTP ports are read; a rule without ports gives no reference',
        text: policy('  ingress:\n    - {}\n    - ports:\n        - protocol: SCTP\n          port: 3868\n'),
        expect: (at) => ({ references: [policyPort({ range: at('3868'), port: 3868, protocol: 'sctp', source: null })] }),
      },
      {
        name: 'ports in a List of objects and beside other kinds',
        text:
          'apiVersion: v1\nkind: List\nitems:\n' +
          '  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata:\n      name: api\n    spec:\n      ingress:\n        - ports:\n            - port: 8080\n' +
          '  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: api\n    spec:\n      ports:\n        - port: 80\n',
        expect: (at) => ({
          references: [
            policyPort({ range: at('8080'), port: 8080, source: null }),
            ref({ role: 'service', range: part(at('- port: 80\n'), 8, 10), portRange: part(at('- port: 80\n'), 8, 10), protocol: 'tcp', port: 80, endPort: 80, scope: 'Service/api', serviceType: 'ClusterIP', plainScalar: true }),
          ],
        }),
      },
    ]);
  });

  describe('values Kubernetes refuses', () => {
    runCases([
      {
        name: 'endPort below port, endPort with a named port, endPort without a port',
        text: policy(
          '  ingress:\n    - ports:\n' +
            '        - port: 9000\n          endPort: 8000\n' +
            '        - port: web\n          endPort: 8100\n' +
            '        - endPort: 8200\n',
        ),
        expect: (at) => ({
          references: [],
          problems: [p('invalid-port', at('8000')), p('invalid-port', at('8100')), p('invalid-port', at('8200'))],
        }),
      },
      {
        name: 'ports out of range, a quoted number, a lowercase protocol',
        text: policy(
          '  ingress:\n    - ports:\n' +
            '        - port: 0\n' +
            '        - port: 70000\n' +
            '        - port: 80\n          endPort: 70001\n' +
            '        - port: "443"\n' +
            '        - port: 53\n          protocol: udp\n',
        ),
        expect: (at) => ({
          references: [],
          problems: [
            p('port-out-of-range', at('0')),
            p('port-out-of-range', at('70000')),
            p('port-out-of-range', at('70001')),
            p('invalid-port-name', at('443')),
            p('unknown-protocol', at('udp')),
          ],
        }),
      },
    ]);
  });

  describe('rules', () => {
    const SENSITIVE = [22, 3389, 5432, 6379, 9200];
    const ports = SENSITIVE.map((port) => `        - port: ${port}\n`).join('');

    function sensitive(text: string): string[] {
      return findings('k8s/policy.yaml', text, 'sensitive-port-exposed').map(([written]) => written);
    }

    it('flags 22, 3389, 5432, 6379 and 9200 allowed by a rule without from', () => {
      assert.deepEqual(sensitive(policy(`  ingress:\n    - ports:\n${ports}`)), SENSITIVE.map(String));
    });

    it('flags the same ports allowed with an empty from', () => {
      assert.deepEqual(sensitive(policy(`  ingress:\n    - from: []\n      ports:\n${ports}`)), SENSITIVE.map(String));
    });

    it('flags the same ports allowed from an ipBlock of the whole internet', () => {
      assert.deepEqual(sensitive(policy(`  ingress:\n    - from:\n        - ipBlock:\n            cidr: 0.0.0.0/0\n      ports:\n${ports}`)), SENSITIVE.map(String));
    });

    for (const [label, peer] of [
      ['a private ipBlock', '        - ipBlock:\n            cidr: 10.0.0.0/8\n'],
      ['a pod selector', '        - podSelector:\n            matchLabels:\n              app: web\n'],
      ['a namespace selector', '        - namespaceSelector: {}\n'],
    ] as const) {
      it(`does not flag the same ports allowed from ${label}`, () => {
        assert.deepEqual(sensitive(policy(`  ingress:\n    - from:\n${peer}      ports:\n${ports}`)), []);
      });
    }

    it('does not flag the same ports allowed as egress to everywhere', () => {
      assert.deepEqual(sensitive(policy(`  egress:\n    - ports:\n${ports}`)), []);
    });

    it('does not flag a named port, which has no number to judge', () => {
      assert.deepEqual(sensitive(policy('  ingress:\n    - ports:\n        - port: ssh\n')), []);
    });
  });

  describe('properties', function () {
    this.timeout(timeLimitFor(PROPERTY_RUNS));

    const SEED: Seed = {
      name: 'network policy',
      format: 'kubernetes',
      fileName: 'k8s/policy.yaml',
      text: policy(
        '  ingress:\n    - from:\n        - ipBlock:\n            cidr: 0.0.0.0/0\n        - podSelector: { matchLabels: { app: web } }\n      ports:\n' +
          '        - port: 22\n        - port: 8000\n          endPort: 8100\n        - port: http\n        - protocol: UDP\n' +
          '  egress:\n    - to: []\n      ports:\n        - { protocol: SCTP, port: 3868 }\n',
      ),
    };

    function rangesOf(result: ScanResult): [string, SourceRange | undefined][] {
      return [
        ...result.references.flatMap((reference, index): [string, SourceRange | undefined][] => [
          [`references[${index}].range`, reference.range],
          [`references[${index}].portRange`, reference.portRange],
          [`references[${index}].endPortRange`, reference.endPortRange],
          [`references[${index}].firewall.sourceRange`, reference.firewall?.sourceRange],
        ]),
        ...result.problems.map((found, index): [string, SourceRange] => [`problems[${index}].range`, found.range]),
      ];
    }

    it('reads the seed as intended', () => {
      assert.equal(scanKubernetes(SEED.text).references.length, 5);
    });

    it(`never throws on mutated policies, keeps every range inside the text and is deterministic (${PROPERTY_RUNS} runs)`, () => {
      fc.assert(
        fc.property(mutatedSeed([SEED]), ({ text }) => {
          const result = scanKubernetes(text);
          assertRangesInside(rangesOf(result), text.length);
          assert.deepEqual(scanKubernetes(text), result);
        }),
        { numRuns: PROPERTY_RUNS },
      );
    });
  });
});
