import * as fs from 'node:fs';
import * as assert from 'node:assert/strict';
import { scanKubernetes } from '../../src/core/scanners/kubernetes';
import type { SourceRange } from '../../src/core/types';
import type { ContainerFacts, KubernetesObjectFacts } from '../../src/core/wiring/facts';
import { locator, part } from './fixtures/containers/scanAssertions';
import type { Locator } from './fixtures/containers/scanAssertions';

/** The Kubernetes facts of a text, failing when the scan has none. */
function factsOf(text: string): readonly KubernetesObjectFacts[] {
  const result = scanKubernetes(text);
  assert.ok(result.wiring, 'the scan has wiring facts');
  assert.deepStrictEqual(Object.keys(result.wiring), ['kubernetes']);
  return result.wiring.kubernetes ?? [];
}

/** The span of `value` where it follows `prefix` (the `nth` such place): `key: value` without the key. */
function after(at: Locator, prefix: string, value: string, nth = 0): SourceRange {
  return part(at(prefix + value, nth), prefix.length);
}

/** A one-container Deployment named `web`, with `containerBody` indented under `- name: app`. */
function deployment(containerBody: string, podSpecExtra = ''): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: web',
    '    spec:',
    podSpecExtra,
    '      containers:',
    '        - name: app',
    containerBody,
    '',
  ]
    .filter((line, index, lines) => line !== '' || index === lines.length - 1)
    .join('\n');
}

/** The only container of the only object. */
function onlyContainer(text: string): ContainerFacts {
  const [object] = factsOf(text);
  assert.equal(object.containers?.length, 1);
  return object.containers[0];
}

describe('Kubernetes wiring facts', () => {
  describe('workloads', () => {
    it('reads a Deployment: labels, containers, image, environment keys and named ports', () => {
      const text = [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: shop',
        '  namespace: store',
        'spec:',
        '  selector:',
        '    matchLabels: {app: shop}',
        '  template:',
        '    metadata:',
        '      labels:',
        '        app: shop',
        '        tier: "web"',
        '    spec:',
        '      containers:',
        '        - name: shop',
        '          image: registry.example.com/shop:1.4.2',
        '          env:',
        '            - name: PORT',
        '              value: "8080"',
        '            - name: LOG_LEVEL',
        '              value: debug',
        '          ports:',
        '            - name: http',
        '              containerPort: 8080',
        '            - containerPort: 5353',
        '              protocol: UDP',
        '',
      ].join('\n');
      const at = locator(text);
      assert.deepStrictEqual(factsOf(text), [
        {
          kind: 'Deployment',
          name: 'shop',
          namespace: 'store',
          nameRange: at('shop'),
          podLabels: { app: 'shop', tier: 'web' },
          containers: [
            {
              name: 'shop',
              nameRange: after(at, '- name: ', 'shop'),
              image: 'registry.example.com/shop:1.4.2',
              imageRange: at('registry.example.com/shop:1.4.2'),
              commandOverridden: false,
              environmentKeys: ['PORT', 'LOG_LEVEL'],
              ports: [
                { port: 8080, endPort: 8080, protocol: 'tcp', range: at('8080', 1), name: 'http' },
                { port: 5353, endPort: 5353, protocol: 'udp', range: at('5353') },
              ],
              probes: [],
              init: false,
            },
          ],
        },
      ]);
    });

    it('reads every templated workload kind from spec.template', () => {
      for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']) {
        const text = deployment('          image: busybox').replace('kind: Deployment', `kind: ${kind}`);
        const [object] = factsOf(text);
        assert.equal(object.kind, kind);
        assert.deepStrictEqual(object.podLabels, { app: 'web' });
        assert.deepStrictEqual(object.containers?.map((container) => container.image), ['busybox']);
      }
    });

    it('reads a Pod from its own metadata and spec', () => {
      const text = [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: debug',
        '  labels: {role: debug}',
        'spec:',
        '  hostNetwork: true',
        '  containers:',
        '    - name: shell',
        '      image: alpine',
        '      ports: [{containerPort: 9000}]',
        '',
      ].join('\n');
      const at = locator(text);
      const [object] = factsOf(text);
      assert.deepStrictEqual(object.podLabels, { role: 'debug' });
      assert.deepStrictEqual(object.hostNetworkRange, at('true'));
      assert.deepStrictEqual(object.containers?.[0].ports, [{ port: 9000, endPort: 9000, protocol: 'tcp', range: at('9000') }]);
    });

    it('reads a CronJob from spec.jobTemplate.spec.template', () => {
      const text = [
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata: {name: nightly}',
        'spec:',
        '  schedule: "0 3 * * *"',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        metadata: {labels: {job: nightly}}',
        '        spec:',
        '          containers:',
        '            - name: backup',
        '              image: backup:2',
        '              args: [--all]',
        '',
      ].join('\n');
      const at = locator(text);
      assert.deepStrictEqual(factsOf(text), [
        {
          kind: 'CronJob',
          name: 'nightly',
          nameRange: at('nightly'),
          podLabels: { job: 'nightly' },
          containers: [
            {
              name: 'backup',
              nameRange: at('backup'),
              image: 'backup:2',
              imageRange: at('backup:2'),
              commandOverridden: true,
              environmentKeys: [],
              ports: [],
              probes: [],
              init: false,
            },
          ],
        },
      ]);
    });

    it('marks init containers and keeps them after the serving containers', () => {
      const text = [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: migrate}',
        'spec:',
        '  initContainers:',
        '    - name: schema',
        '      image: migrate:1',
        '      command: [migrate, up]',
        '  containers:',
        '    - name: api',
        '      image: api:1',
        '',
      ].join('\n');
      const containers = factsOf(text)[0].containers ?? [];
      assert.deepStrictEqual(
        containers.map(({ name, init, commandOverridden }) => ({ name, init, commandOverridden })),
        [
          { name: 'api', init: false, commandOverridden: false },
          { name: 'schema', init: true, commandOverridden: true },
        ],
      );
    });

    it('counts an empty command or args list as no override', () => {
      assert.equal(onlyContainer(deployment('          command: []\n          args:')).commandOverridden, false);
      assert.equal(onlyContainer(deployment('          args: [serve]')).commandOverridden, true);
    });

    it('reads the port of every probe handler, by number or by name', () => {
      const text = deployment(
        [
          '          ports: [{name: http, containerPort: 8080}]',
          '          livenessProbe:',
          '            httpGet: {path: /healthz, port: http}',
          '          readinessProbe:',
          '            tcpSocket:',
          '              port: 8081',
          '          startupProbe:',
          '            grpc: {port: 9090}',
        ].join('\n'),
      );
      const at = locator(text);
      assert.deepStrictEqual(onlyContainer(text).probes, [
        { probe: 'liveness', handler: 'httpGet', port: 'http', range: after(at, 'port: ', 'http') },
        { probe: 'readiness', handler: 'tcpSocket', port: 8081, range: at('8081') },
        { probe: 'startup', handler: 'grpc', port: 9090, range: at('9090') },
      ]);
    });

    it('leaves out probe ports Kubernetes would reject', () => {
      const text = deployment(
        [
          '          livenessProbe: {httpGet: {port: "8080"}}',
          '          readinessProbe: {tcpSocket: {port: 70000}}',
          '          startupProbe: {grpc: {port: grpc}}',
        ].join('\n'),
      );
      assert.deepStrictEqual(onlyContainer(text).probes, []);
    });

    it('marks host networking only for a boolean true', () => {
      const on = deployment('          image: x', '      hostNetwork: true');
      assert.deepStrictEqual(factsOf(on)[0].hostNetworkRange, locator(on)('true'));
      const quoted = deployment('          image: x', '      hostNetwork: "true"');
      assert.equal(factsOf(quoted)[0].hostNetworkRange, undefined);
      const off = deployment('          image: x', '      hostNetwork: false');
      assert.equal(factsOf(off)[0].hostNetworkRange, undefined);
    });

    it('keeps only string labels and string images', () => {
      const text = [
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: odd',
        '  labels: {app: odd, version: 2, canary: true, empty: ""}',
        'spec:',
        '  containers:',
        '    - name: app',
        '      image: 42',
        '',
      ].join('\n');
      const [object] = factsOf(text);
      assert.deepStrictEqual(object.podLabels, { app: 'odd', empty: '' });
      assert.equal(object.containers?.[0].image, undefined);
      assert.equal(object.containers?.[0].imageRange, undefined);
    });

    it('gives an empty label set to a pod template without labels', () => {
      const text = 'kind: Pod\nmetadata: {name: bare}\nspec:\n  containers: [{name: a, image: b}]\n';
      assert.deepStrictEqual(factsOf(text)[0].podLabels, {});
    });
  });

  describe('Services', () => {
    it('reads the selector and numeric, named and absent target ports', () => {
      const text = [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: api',
        'spec:',
        '  selector:',
        '    app: api',
        '  ports:',
        '    - name: http',
        '      port: 80',
        '      targetPort: web',
        '    - name: admin',
        '      port: 9000',
        '      targetPort: 9001',
        '    - port: 53',
        '      protocol: UDP',
        '',
      ].join('\n');
      const at = locator(text);
      assert.deepStrictEqual(factsOf(text), [
        {
          kind: 'Service',
          name: 'api',
          nameRange: after(at, 'name: ', 'api'),
          selector: { app: 'api' },
          servicePorts: [
            { name: 'http', port: 80, portRange: at('80'), targetPort: 'web', targetPortRange: at('web'), protocol: 'tcp' },
            { name: 'admin', port: 9000, portRange: at('9000'), targetPort: 9001, targetPortRange: at('9001'), protocol: 'tcp' },
            { port: 53, portRange: at('53'), protocol: 'udp' },
          ],
        },
      ]);
    });

    it('leaves out a missing or empty selector', () => {
      for (const selector of ['', '  selector: {}\n', '  selector:\n']) {
        const text = `kind: Service\nmetadata: {name: external}\nspec:\n${selector}  ports: [{port: 5432}]\n`;
        const [object] = factsOf(text);
        assert.equal('selector' in object, false, JSON.stringify(selector));
        assert.equal(object.servicePorts?.length, 1);
      }
    });

    it('leaves out a selector with a value Kubernetes would reject, rather than widen it', () => {
      const text = 'kind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api, version: 2}\n  ports: [{port: 80}]\n';
      assert.equal(factsOf(text)[0].selector, undefined);
    });

    it('leaves out a port whose target port is written but unreadable', () => {
      const text = [
        'kind: Service',
        'metadata: {name: api}',
        'spec:',
        '  ports:',
        '    - {port: 80, targetPort: "8080"}',
        '    - {port: 81, targetPort: [1]}',
        '    - {port: 82, targetPort: 0}',
        '    - {port: 83, targetPort: Not_A_Name}',
        '    - {port: 84, targetPort: ~}',
        '    - {port: "85", targetPort: 85}',
        '    - {port: 86, protocol: tcp}',
        '',
      ].join('\n');
      const at = locator(text);
      assert.deepStrictEqual(factsOf(text)[0].servicePorts, [{ port: 84, portRange: at('84'), protocol: 'tcp' }]);
    });
  });

  describe('Ingress', () => {
    it('reads the default backend and rule backends by number and by name', () => {
      const text = [
        'apiVersion: networking.k8s.io/v1',
        'kind: Ingress',
        'metadata: {name: edge, namespace: web}',
        'spec:',
        '  defaultBackend:',
        '    service: {name: fallback, port: {number: 8080}}',
        '  rules:',
        '    - host: shop.example.com',
        '      http:',
        '        paths:',
        '          - path: /',
        '            backend:',
        '              service:',
        '                name: shop',
        '                port:',
        '                  name: http',
        '          - path: /api',
        '            backend:',
        '              service: {name: api, port: {number: 80}}',
        '',
      ].join('\n');
      const at = locator(text);
      assert.deepStrictEqual(factsOf(text), [
        {
          kind: 'Ingress',
          name: 'edge',
          namespace: 'web',
          nameRange: at('edge'),
          backends: [
            { service: 'fallback', serviceRange: at('fallback'), port: 8080, portRange: at('8080') },
            { service: 'shop', serviceRange: after(at, 'name: ', 'shop'), port: 'http', portRange: after(at, 'name: ', 'http') },
            { service: 'api', serviceRange: after(at, 'name: ', 'api'), port: 80, portRange: part(at('number: 80}'), 8, 10) },
          ],
        },
      ]);
    });

    it('reads the removed beta form', () => {
      const text = [
        'apiVersion: extensions/v1beta1',
        'kind: Ingress',
        'metadata: {name: old}',
        'spec:',
        '  backend: {serviceName: legacy, servicePort: 80}',
        '  rules:',
        '    - http:',
        '        paths:',
        '          - backend: {serviceName: named, servicePort: web}',
        '',
      ].join('\n');
      const at = locator(text);
      assert.deepStrictEqual(factsOf(text)[0].backends, [
        { service: 'legacy', serviceRange: at('legacy'), port: 80, portRange: at('80') },
        { service: 'named', serviceRange: at('named'), port: 'web', portRange: at('web') },
      ]);
    });

    it('leaves out backends with both a number and a name, or without a service name', () => {
      const text = [
        'kind: Ingress',
        'metadata: {name: broken}',
        'spec:',
        '  rules:',
        '    - http:',
        '        paths:',
        '          - backend: {service: {name: both, port: {number: 80, name: http}}}',
        '          - backend: {service: {port: {number: 81}}}',
        '          - backend: {service: {name: 7, port: {number: 82}}}',
        '          - backend: {service: {name: ok, port: {number: 83}}}',
        '',
      ].join('\n');
      assert.deepStrictEqual(
        factsOf(text)[0].backends?.map(({ service, port }) => ({ service, port })),
        [{ service: 'ok', port: 83 }],
      );
    });
  });

  describe('Gateway API routes', () => {
    it('reads Service backend refs of an HTTPRoute, with and without a namespace', () => {
      const text = [
        'apiVersion: gateway.networking.k8s.io/v1',
        'kind: HTTPRoute',
        'metadata: {name: store, namespace: edge}',
        'spec:',
        '  parentRefs: [{name: gateway}]',
        '  rules:',
        '    - backendRefs:',
        '        - name: store-v1',
        '          port: 8080',
        '          weight: 90',
        '        - name: store-v2',
        '          namespace: canary',
        '          kind: Service',
        '          group: ""',
        '          port: 8081',
        '    - backendRefs:',
        '        - {name: bucket, kind: Bucket, group: storage.example.com, port: 443}',
        '        - {name: no-port}',
        '        - {name: other, group: example.com, port: 9000}',
        '',
      ].join('\n');
      const at = locator(text);
      assert.deepStrictEqual(factsOf(text), [
        {
          kind: 'HTTPRoute',
          name: 'store',
          namespace: 'edge',
          nameRange: at('store'),
          backends: [
            { service: 'store-v1', serviceRange: at('store-v1'), port: 8080, portRange: at('8080') },
            { service: 'store-v2', serviceRange: at('store-v2'), namespace: 'canary', port: 8081, portRange: at('8081') },
          ],
        },
      ]);
    });

    it('reads the other route kinds', () => {
      for (const kind of ['GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute']) {
        const text = `kind: ${kind}\nmetadata: {name: r}\nspec:\n  rules: [{backendRefs: [{name: svc, port: 5000}]}]\n`;
        const at = locator(text);
        assert.deepStrictEqual(factsOf(text), [
          { kind, name: 'r', nameRange: after(at, 'name: ', 'r'), backends: [{ service: 'svc', serviceRange: at('svc'), port: 5000, portRange: at('5000') }] },
        ]);
      }
    });

    it('leaves out a ref whose namespace is written but unreadable', () => {
      const text = 'kind: HTTPRoute\nmetadata: {name: r}\nspec:\n  rules: [{backendRefs: [{name: svc, namespace: 5, port: 80}]}]\n';
      assert.deepStrictEqual(factsOf(text)[0].backends, []);
    });
  });

  describe('files', () => {
    it('keeps document order and each namespace in a multi-document file', () => {
      const text = [
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: api, namespace: blue}',
        'spec: {selector: {app: api}, ports: [{port: 80, targetPort: 8080}]}',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: api, namespace: green}',
        'spec:',
        '  template:',
        '    metadata: {labels: {app: api}}',
        '    spec: {containers: [{name: api, image: "api:2", ports: [{containerPort: 8080}]}]}',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: settings}',
        'data: {port: "80"}',
        '---',
        'apiVersion: v1',
        'kind: List',
        'items:',
        '  - kind: Service',
        '    metadata: {name: listed}',
        '    spec: {ports: [{port: 81}]}',
        '',
      ].join('\n');
      const at = locator(text);
      const facts = factsOf(text);
      assert.deepStrictEqual(
        facts.map(({ kind, name, namespace, nameRange }) => ({ kind, name, namespace, nameRange })),
        [
          { kind: 'Service', name: 'api', namespace: 'blue', nameRange: after(at, '{name: ', 'api') },
          { kind: 'Deployment', name: 'api', namespace: 'green', nameRange: after(at, '{name: ', 'api', 1) },
          { kind: 'Service', name: 'listed', namespace: undefined, nameRange: at('listed') },
        ],
      );
      assert.deepStrictEqual(facts[1].containers?.[0].imageRange, at('api:2'));
    });

    it('reads the shared fixture', () => {
      const text = fs.readFileSync('test/unit/fixtures/containers/kubernetes.yaml', 'utf8');
      const facts = factsOf(text);
      assert.deepStrictEqual(
        facts.map(({ kind, name }) => `${kind}/${name}`),
        ['Deployment/shop', 'Service/shop', 'Ingress/shop'],
      );
      assert.deepStrictEqual(facts[1].servicePorts?.map(({ port, targetPort }) => [port, targetPort]), [
        [80, 'http'],
        [9090, 'metrics'],
      ]);
    });

    it('follows anchors and merge keys as the port scan does', () => {
      const text = [
        'kind: Deployment',
        'metadata: {name: anchored}',
        'spec:',
        '  template:',
        '    metadata: {labels: &labels {app: anchored}}',
        '    spec:',
        '      containers:',
        '        - &base {name: one, image: img, ports: [{containerPort: 8080}]}',
        '        - <<: *base',
        '          name: two',
        '---',
        'kind: Service',
        'metadata: {name: anchored}',
        'spec: {selector: *labels, ports: [{port: 80}]}',
        '',
      ].join('\n');
      const at = locator(text);
      const [workload] = factsOf(text);
      assert.deepStrictEqual(
        workload.containers?.map(({ name, ports }) => ({ name, ports: ports.map((port) => port.range) })),
        [
          { name: 'one', ports: [at('8080')] },
          { name: 'two', ports: [at('8080')] },
        ],
      );
    });

    it('gives no facts for a Helm template, not even for its plain parts', () => {
      const text = fs.readFileSync('test/unit/fixtures/containers/helm-deployment.yaml', 'utf8');
      const result = scanKubernetes(text);
      assert.equal(result.references.length, 1, 'the port scan still reads the template');
      assert.equal(result.wiring, undefined);
      const plainThenTemplate = `${deployment('          image: x')}---\nkind: Service\nmetadata: {name: {{ .Release.Name }}}\n`;
      assert.equal(scanKubernetes(plainThenTemplate).wiring, undefined);
    });

    it('gives no wiring for files without objects of the known kinds', () => {
      for (const text of ['', 'kind: ConfigMap\nmetadata: {name: c}\n', 'kind: Service\nspec: {ports: [{port: 80}]}\n', 'kind: Service\nmetadata: {name: 5}\n']) {
        assert.equal(scanKubernetes(text).wiring, undefined, JSON.stringify(text));
      }
    });

    it('survives malformed objects and leaves out only what is malformed', () => {
      const text = [
        'kind: Deployment',
        'metadata: {name: bad-pods}',
        'spec: {template: {metadata: {labels: [a, b]}, spec: {containers: oops}}}',
        '---',
        'kind: Pod',
        'metadata: {name: mixed}',
        'spec:',
        '  containers:',
        '    - image: nameless',
        '    - name: good',
        '      env: [{name: 1}, {value: x}, {name: OK}]',
        '      ports: [{containerPort: http}, {containerPort: 99999}, {containerPort: 80, name: 12}]',
        '      livenessProbe: 5',
        '---',
        'kind: Service',
        'metadata: {name: bad-ports}',
        'spec: {selector: app, ports: {port: 80}}',
        '---',
        'kind: Ingress',
        'metadata: {name: bad-rules}',
        'spec: {rules: [{http: {paths: [{backend: 3}]}}]}',
        '---',
        '- just',
        '- a list',
        '',
      ].join('\n');
      const at: Locator = locator(text);
      const facts = factsOf(text);
      assert.deepStrictEqual(facts, [
        { kind: 'Deployment', name: 'bad-pods', nameRange: at('bad-pods') },
        {
          kind: 'Pod',
          name: 'mixed',
          nameRange: at('mixed'),
          podLabels: {},
          containers: [
            {
              name: 'good',
              nameRange: at('good'),
              commandOverridden: false,
              environmentKeys: ['OK'],
              ports: [{ port: 80, endPort: 80, protocol: 'tcp', range: part(at('80, name: 12'), 0, 2) }],
              probes: [],
              init: false,
            },
          ],
        },
        { kind: 'Service', name: 'bad-ports', nameRange: at('bad-ports') },
        { kind: 'Ingress', name: 'bad-rules', nameRange: at('bad-rules'), backends: [] },
      ]);
    });

    it('lists every object of a file of 2,000 objects', () => {
      const documents: string[] = [];
      for (let index = 0; index < 2000; index++) {
        documents.push(
          index % 2 === 0
            ? `kind: Service\nmetadata: {name: svc-${index}, namespace: ns-${index % 7}}\nspec: {selector: {app: a${index}}, ports: [{port: 80, targetPort: ${1000 + index}}]}\n`
            : `kind: Deployment\nmetadata: {name: app-${index}}\nspec: {template: {metadata: {labels: {app: a${index}}}, spec: {containers: [{name: c, image: i, ports: [{containerPort: ${1000 + index}}]}]}}}\n`,
        );
      }
      const text = documents.join('---\n');
      const result = scanKubernetes(text);
      assert.deepStrictEqual(result.problems, []);
      const facts = result.wiring?.kubernetes ?? [];
      assert.equal(facts.length, 2000);
      assert.deepStrictEqual(facts[1998].servicePorts?.[0].targetPortRange, locator(text)('2998'));
      assert.equal(facts[1999].containers?.[0].ports[0].port, 2999);
      assert.equal(facts[1998].namespace, 'ns-3');
    });

    it('stops listing objects once the walk budget runs out', () => {
      // Two hundred aliases of a container with a hundred ports: far more visits than characters.
      const ports = `[&p {containerPort: 80}${', *p'.repeat(99)}]`;
      const text = [
        'kind: Service',
        'metadata: {name: before}',
        'spec: {ports: [{port: 80}]}',
        '---',
        'kind: Pod',
        'metadata: {name: flood}',
        'spec:',
        `  initContainers: [&c {name: c, ports: ${ports}}]`,
        `  containers: [*c${', *c'.repeat(199)}]`,
        '---',
        'kind: Service',
        'metadata: {name: after}',
        'spec: {ports: [{port: 81}]}',
        '',
      ].join('\n');
      const result = scanKubernetes(text);
      assert.ok(result.problems.some((found) => found.code === 'alias-limit'));
      assert.deepStrictEqual(result.wiring?.kubernetes?.map((object) => object.name), ['before']);
    });
  });
});
