import * as fs from 'node:fs';
import * as assert from 'node:assert/strict';
import { looksLikeKubernetes, scanKubernetes } from '../../src/core/scanners/kubernetes';
import type { PortReference, Protocol, SourceRange } from '../../src/core/types';
import { assertScan, expectedProblem as p, locator, part, ref } from './fixtures/containers/scanAssertions';
import type { Expectation, Locator } from './fixtures/containers/scanAssertions';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly expect: (at: Locator) => Expectation;
}

interface ContainerFields {
  readonly port: number;
  readonly scope: string;
  readonly protocol?: Protocol;
  readonly name?: string;
  readonly hostPort?: number;
  readonly hostIp?: string;
  readonly flags?: string[];
  readonly hostNetwork?: boolean;
  readonly plainScalar?: boolean;
}

/** A `containerPort` reference; the range is the number itself. */
function container(range: SourceRange, fields: ContainerFields): PortReference {
  return ref({
    role: 'container',
    range,
    portRange: range,
    protocol: fields.protocol ?? 'tcp',
    port: fields.port,
    endPort: fields.port,
    hostIp: fields.hostIp,
    hostPort: fields.hostPort,
    hostPortEnd: fields.hostPort,
    name: fields.name,
    scope: fields.scope,
    flags: fields.flags,
    plainScalar: fields.plainScalar ?? true,
    hostNetwork: fields.hostNetwork,
  });
}

/** The `hostPort` reference that goes with a container port. */
function hostPort(range: SourceRange, fields: ContainerFields & { readonly hostPort: number }): PortReference {
  return ref({
    role: 'hostPort',
    range,
    hostPortRange: range,
    protocol: fields.protocol ?? 'tcp',
    port: fields.port,
    endPort: fields.port,
    hostIp: fields.hostIp,
    hostPort: fields.hostPort,
    hostPortEnd: fields.hostPort,
    name: fields.name,
    scope: fields.scope,
    flags: fields.flags,
    plainScalar: true,
    hostNetwork: fields.hostNetwork,
  });
}

interface ServiceFields {
  readonly port: number | null;
  readonly scope?: string;
  readonly serviceType?: string;
  readonly protocol?: Protocol;
  readonly name?: string;
  /** Set for numbers; omitted for a named target port. */
  readonly digits?: boolean;
}

/** A Service reference (`service`, `targetPort` or `nodePort`) of `Service/web`, ClusterIP, unless told. */
function servicePort(role: 'service' | 'targetPort' | 'nodePort', range: SourceRange, fields: ServiceFields): PortReference {
  return ref({
    role,
    range,
    portRange: fields.digits === false ? undefined : range,
    protocol: fields.protocol ?? 'tcp',
    port: fields.port,
    endPort: fields.port,
    name: fields.name,
    scope: fields.scope ?? 'Service/web',
    serviceType: fields.serviceType ?? 'ClusterIP',
    plainScalar: true,
  });
}

/** An Ingress backend reference of `Ingress/web`. */
function ingress(range: SourceRange, fields: { readonly port: number | null; readonly service?: string; readonly name?: string }): PortReference {
  return ref({
    role: 'ingress',
    range,
    portRange: fields.port === null ? undefined : range,
    protocol: 'tcp',
    port: fields.port,
    endPort: fields.port,
    name: fields.name,
    scope: 'Ingress/web',
    flags: fields.service ? [`service=${fields.service}`] : undefined,
    plainScalar: true,
  });
}

/** A Pod named `web` with one container `app` whose port list is `ports` (indented as list items). */
function pod(ports: string, extraSpec = ''): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n${extraSpec}  containers:\n    - name: app\n      image: nginx\n      ports:\n${ports}`;
}

/** A workload of `kind` whose pod template has labels `app: web` and the given container port items. */
function workload(kind: string, ports: string): string {
  return (
    `apiVersion: apps/v1\nkind: ${kind}\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels:\n        app: web\n` +
    `    spec:\n      containers:\n        - name: app\n          ports:\n${ports}`
  );
}

/** A Service `web` with the given spec body (indented two spaces). */
function service(spec: string): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n${spec}`;
}

const APP = ['container=app'];

const cases: Case[] = [
  // --- Container ports --------------------------------------------------------------------
  {
    name: 'a Pod container port',
    text: pod('        - containerPort: 8080\n'),
    expect: (at) => ({ references: [container(at('8080'), { port: 8080, scope: 'Pod/web', flags: APP })] }),
  },
  {
    name: 'a named UDP container port',
    text: pod('        - name: dns\n          containerPort: 53\n          protocol: UDP\n'),
    expect: (at) => ({ references: [container(at('53'), { port: 53, scope: 'Pod/web', protocol: 'udp', name: 'dns', flags: APP })] }),
  },
  {
    name: 'an SCTP container port',
    text: pod('        - containerPort: 3868\n          protocol: SCTP\n'),
    expect: (at) => ({ references: [container(at('3868'), { port: 3868, scope: 'Pod/web', protocol: 'sctp', flags: APP })] }),
  },
  {
    name: 'Kubernetes rejects a lowercase protocol',
    text: pod('        - containerPort: 80\n          protocol: tcp\n'),
    expect: (at) => ({ references: [], problems: [p('unknown-protocol', at('tcp'))] }),
  },
  {
    name: 'an application protocol is not a transport',
    text: pod('        - containerPort: 80\n          protocol: HTTP\n'),
    expect: (at) => ({ references: [], problems: [p('unknown-protocol', at('HTTP'))] }),
  },
  {
    name: 'a host port adds a hostPort reference',
    text: pod('        - containerPort: 8080\n          hostPort: 80\n'),
    expect: (at) => {
      const fields = { port: 8080, scope: 'Pod/web', flags: APP, hostPort: 80 };
      return { references: [container(at('8080'), fields), hostPort(part(at('hostPort: 80'), 10), fields)] };
    },
  },
  {
    name: 'a host port bound to one host IP',
    text: pod('        - containerPort: 53\n          hostPort: 5353\n          hostIP: 127.0.0.1\n          protocol: UDP\n'),
    expect: (at) => {
      const fields = { port: 53, scope: 'Pod/web', flags: APP, hostPort: 5353, hostIp: '127.0.0.1', protocol: 'udp' as const };
      return { references: [container(at('53'), fields), hostPort(at('5353'), fields)] };
    },
  },
  {
    name: 'hostPort 0 means no host port',
    text: pod('        - containerPort: 8080\n          hostPort: 0\n'),
    expect: (at) => ({ references: [container(at('8080'), { port: 8080, scope: 'Pod/web', flags: APP })] }),
  },
  {
    name: 'a host port out of range',
    text: pod('        - containerPort: 8080\n          hostPort: 70000\n'),
    expect: (at) => ({
      references: [container(at('8080'), { port: 8080, scope: 'Pod/web', flags: APP })],
      problems: [p('port-out-of-range', at('70000'))],
    }),
  },
  {
    name: 'host networking puts container ports on the node',
    text: pod('        - containerPort: 9100\n', '  hostNetwork: true\n'),
    expect: (at) => ({ references: [container(at('9100'), { port: 9100, scope: 'Pod/web', flags: APP, hostNetwork: true })] }),
  },
  {
    name: 'several ports and containers',
    text:
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: app\n      ports:\n        - containerPort: 8080\n        - containerPort: 8443\n' +
      '    - name: sidecar\n      ports:\n        - containerPort: 15090\n',
    expect: (at) => ({
      references: [
        container(at('8080'), { port: 8080, scope: 'Pod/web', flags: APP }),
        container(at('8443'), { port: 8443, scope: 'Pod/web', flags: APP }),
        container(at('15090'), { port: 15090, scope: 'Pod/web', flags: ['container=sidecar'] }),
      ],
    }),
  },
  {
    name: 'init containers are read too',
    text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  initContainers:\n    - name: setup\n      ports: [{containerPort: 9999}]\n  containers: []\n',
    expect: (at) => ({ references: [container(at('9999'), { port: 9999, scope: 'Pod/web', flags: ['initContainer=setup'] })] }),
  },
  {
    name: 'ephemeral containers may not declare ports, so they are not read',
    text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  ephemeralContainers:\n    - name: debug\n      ports: [{containerPort: 9999}]\n',
    expect: () => ({ references: [] }),
  },
  {
    name: 'a container without a name has no container flag',
    text: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - ports: [{containerPort: 81}]\n',
    expect: (at) => ({ references: [container(at('81'), { port: 81, scope: 'Pod/web' })] }),
  },
  {
    name: 'a manifest without a name is scoped by kind alone',
    text: 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: app\n      ports: [{containerPort: 81}]\n',
    expect: (at) => ({ references: [container(at('81'), { port: 81, scope: 'Pod', flags: APP })] }),
  },
  {
    name: 'container port 0 is out of range',
    text: pod('        - containerPort: 0\n'),
    expect: (at) => ({ references: [], problems: [p('port-out-of-range', at('0', 0))] }),
  },
  {
    name: 'a container port above 65535',
    text: pod('        - containerPort: 65536\n'),
    expect: (at) => ({ references: [], problems: [p('port-out-of-range', at('65536'))] }),
  },
  {
    name: 'a quoted container port is a string, which Kubernetes rejects',
    text: pod('        - containerPort: "8080"\n'),
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('8080'))] }),
  },
  {
    name: 'a word as container port',
    text: pod('        - containerPort: http\n'),
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('http'))] }),
  },
  {
    name: 'a fractional container port',
    text: pod('        - containerPort: 80.5\n'),
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('80.5'))] }),
  },

  // --- Workload kinds -----------------------------------------------------------------------
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job'].map(
    (kind): Case => ({
      name: `a ${kind} pod template`,
      text: workload(kind, '            - containerPort: 8080\n'),
      expect: (at) => ({ references: [container(at('8080'), { port: 8080, scope: `${kind}/web`, flags: APP })] }),
    }),
  ),
  {
    name: 'a CronJob reaches its pod template through the job template',
    text:
      'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n      template:\n' +
      '        spec:\n          containers:\n            - name: app\n              ports:\n                - containerPort: 9000\n',
    expect: (at) => ({ references: [container(at('9000'), { port: 9000, scope: 'CronJob/backup', flags: APP })] }),
  },
  {
    name: 'other kinds are not read, even with port-like fields',
    text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  containerPort: "8080"\nspec:\n  ports:\n    - port: 80\n',
    expect: () => ({ references: [] }),
  },
  {
    name: 'a merge key inside a container',
    text:
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - &base\n      name: app\n      ports: [{containerPort: 8080}]\n' +
      '    - <<: *base\n      name: copy\n',
    expect: (at) => ({
      references: [
        container(at('8080'), { port: 8080, scope: 'Pod/web', flags: APP }),
        container(at('8080'), { port: 8080, scope: 'Pod/web', flags: ['container=copy'] }),
      ],
    }),
  },

  // --- Services -------------------------------------------------------------------------------
  {
    name: 'a ClusterIP Service by default, with a numeric target port',
    text: service('  ports:\n    - port: 80\n      targetPort: 8080\n'),
    expect: (at) => ({
      references: [servicePort('service', at('80'), { port: 80 }), servicePort('targetPort', at('8080'), { port: 8080 })],
    }),
  },
  {
    name: 'a NodePort Service with all three ports',
    text: service('  type: NodePort\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n      nodePort: 30080\n'),
    expect: (at) => ({
      references: [
        servicePort('service', at('80'), { port: 80, serviceType: 'NodePort', name: 'http' }),
        servicePort('targetPort', at('8080'), { port: 8080, serviceType: 'NodePort' }),
        servicePort('nodePort', at('30080'), { port: 30080, serviceType: 'NodePort', name: 'http' }),
      ],
    }),
  },
  {
    name: 'a LoadBalancer Service over UDP',
    text: service('  type: LoadBalancer\n  ports:\n    - port: 53\n      protocol: UDP\n'),
    expect: (at) => ({ references: [servicePort('service', at('53'), { port: 53, serviceType: 'LoadBalancer', protocol: 'udp' })] }),
  },
  {
    name: 'nodePort 0 asks the cluster to choose',
    text: service('  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 0\n'),
    expect: (at) => ({ references: [servicePort('service', at('80'), { port: 80, serviceType: 'NodePort' })] }),
  },
  {
    name: 'a node port outside 1-65535',
    text: service('  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 99999\n'),
    expect: (at) => ({
      references: [servicePort('service', at('80'), { port: 80, serviceType: 'NodePort' })],
      problems: [p('port-out-of-range', at('99999'))],
    }),
  },
  {
    name: 'a node port outside the default NodePort range is left to the rules',
    text: service('  type: NodePort\n  ports:\n    - port: 80\n      nodePort: 8080\n'),
    expect: (at) => ({
      references: [servicePort('service', at('80'), { port: 80, serviceType: 'NodePort' }), servicePort('nodePort', at('8080'), { port: 8080, serviceType: 'NodePort' })],
    }),
  },
  {
    name: 'a Service port out of range',
    text: service('  ports:\n    - port: 0\n      targetPort: 8080\n'),
    expect: (at) => ({ references: [servicePort('targetPort', at('8080'), { port: 8080 })], problems: [p('port-out-of-range', at('0', 0))] }),
  },
  {
    name: 'a quoted number as targetPort is read as a port name, which is invalid',
    text: service('  ports:\n    - port: 80\n      targetPort: "8080"\n'),
    expect: (at) => ({ references: [servicePort('service', at('80'), { port: 80 })], problems: [p('invalid-port-name', at('8080'))] }),
  },
  {
    name: 'an uppercase targetPort name is invalid',
    text: service('  ports:\n    - port: 80\n      targetPort: HTTP\n'),
    expect: (at) => ({ references: [servicePort('service', at('80'), { port: 80 })], problems: [p('invalid-port-name', at('HTTP'))] }),
  },
  {
    name: 'a named targetPort with no workload in the file stays unresolved, without error',
    text: service('  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n'),
    expect: (at) => ({
      references: [servicePort('service', at('80'), { port: 80 }), servicePort('targetPort', at('http'), { port: null, name: 'http', digits: false })],
    }),
  },
  {
    name: 'a named targetPort resolves across documents through the selector',
    text: `${service('  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n')}---\n${workload('Deployment', '            - name: http\n              containerPort: 8080\n')}`,
    expect: (at) => ({
      references: [
        servicePort('service', at('80'), { port: 80 }),
        servicePort('targetPort', at('http'), { port: 8080, name: 'http', digits: false }),
        container(at('8080'), { port: 8080, scope: 'Deployment/web', flags: APP, name: 'http' }),
      ],
    }),
  },
  {
    name: 'a workload whose labels do not match the selector does not resolve the name',
    text: `${service('  selector:\n    app: api\n  ports:\n    - port: 80\n      targetPort: http\n')}---\n${workload('Deployment', '            - name: http\n              containerPort: 8080\n')}`,
    expect: (at) => ({
      references: [
        servicePort('service', at('80'), { port: 80 }),
        servicePort('targetPort', at('http'), { port: null, name: 'http', digits: false }),
        container(at('8080'), { port: 8080, scope: 'Deployment/web', flags: APP, name: 'http' }),
      ],
    }),
  },
  {
    name: 'without a selector, a named targetPort matches by name across workloads',
    text: `${service('  ports:\n    - port: 80\n      targetPort: metrics\n')}---\n${pod('        - name: metrics\n          containerPort: 9090\n')}`,
    expect: (at) => ({
      references: [
        servicePort('service', at('80'), { port: 80 }),
        servicePort('targetPort', at('metrics'), { port: 9090, name: 'metrics', digits: false }),
        container(at('9090'), { port: 9090, scope: 'Pod/web', flags: APP, name: 'metrics' }),
      ],
    }),
  },
  {
    name: 'a name that means different numbers in different pods stays unresolved',
    text:
      `${service('  ports:\n    - port: 80\n      targetPort: http\n')}---\n${pod('        - name: http\n          containerPort: 8080\n')}---\n` +
      pod('        - name: http\n          containerPort: 8081\n'),
    expect: (at) => ({
      references: [
        servicePort('service', at('80'), { port: 80 }),
        servicePort('targetPort', at('http'), { port: null, name: 'http', digits: false }),
        container(at('8080'), { port: 8080, scope: 'Pod/web', flags: APP, name: 'http' }),
        container(at('8081'), { port: 8081, scope: 'Pod/web', flags: APP, name: 'http' }),
      ],
    }),
  },
  {
    name: 'a workload in another namespace does not serve the Service',
    text:
      `${service('  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n').replace('  name: web\n', '  name: web\n  namespace: shop\n')}---\n` +
      workload('Deployment', '            - name: http\n              containerPort: 8080\n').replace('  name: web\n', '  name: web\n  namespace: other\n'),
    expect: (at) => ({
      references: [
        servicePort('service', at('80'), { port: 80 }),
        servicePort('targetPort', at('http'), { port: null, name: 'http', digits: false }),
        container(at('8080'), { port: 8080, scope: 'Deployment/web', flags: APP, name: 'http' }),
      ],
    }),
  },
  {
    name: 'a Service port with only a targetPort',
    text: service('  ports:\n    - targetPort: 9000\n'),
    expect: (at) => ({ references: [servicePort('targetPort', at('9000'), { port: 9000 })] }),
  },
  {
    name: 'a Service port with a lowercase protocol is rejected',
    text: service('  ports:\n    - port: 53\n      protocol: udp\n'),
    expect: (at) => ({ references: [], problems: [p('unknown-protocol', at('udp'))] }),
  },

  // --- Ingress ----------------------------------------------------------------------------------
  {
    name: 'an Ingress default backend by number',
    text: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  defaultBackend:\n    service:\n      name: site\n      port:\n        number: 8080\n',
    expect: (at) => ({ references: [ingress(at('8080'), { port: 8080, service: 'site' })] }),
  },
  {
    name: 'Ingress rule backends by number and by name',
    text:
      'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n    - host: example.com\n      http:\n        paths:\n' +
      '          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: site\n                port:\n                  number: 80\n' +
      '          - path: /api\n            pathType: Prefix\n            backend:\n              service:\n                name: api\n                port:\n                  name: grpc\n',
    expect: (at) => ({
      references: [ingress(at('80'), { port: 80, service: 'site' }), ingress(at('grpc'), { port: null, name: 'grpc', service: 'api' })],
    }),
  },
  {
    name: 'the removed beta Ingress API spells backends differently',
    text:
      'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  backend:\n    serviceName: site\n    servicePort: 80\n  rules:\n' +
      '    - http:\n        paths:\n          - backend:\n              serviceName: api\n              servicePort: grpc\n',
    expect: (at) => ({
      references: [ingress(at('80'), { port: 80, service: 'site' }), ingress(at('grpc'), { port: null, name: 'grpc', service: 'api' })],
    }),
  },
  {
    name: 'an Ingress backend port out of range',
    text: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  defaultBackend:\n    service:\n      name: site\n      port: {number: 65536}\n',
    expect: (at) => ({ references: [], problems: [p('port-out-of-range', at('65536'))] }),
  },

  // --- Helm templates ---------------------------------------------------------------------------
  {
    name: 'a Helm template reports the ports it can read',
    text:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "chart.fullname" . }}\n  labels:\n    {{- include "chart.labels" . | nindent 4 }}\n' +
      'spec:\n  template:\n    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n          ports:\n            - name: http\n              containerPort: 8080\n' +
      '            {{- if .Values.metrics.enabled }}\n            - name: metrics\n              containerPort: {{ .Values.metrics.port }}\n            {{- end }}\n',
    expect: (at) => ({ references: [container(at('8080'), { port: 8080, scope: 'Deployment', name: 'http' })] }),
  },
  {
    name: 'a quoted template value counts as absent, not as a string',
    text: pod('        - containerPort: "{{ .Values.port }}"\n          hostPort: {{ .Values.hostPort | default 0 }}\n'),
    expect: () => ({ references: [] }),
  },
  {
    name: 'a Service whose ports come from a loop',
    text: service('  type: {{ .Values.service.type }}\n  ports:\n    {{- range .Values.ports }}\n    - port: {{ .port }}\n    {{- end }}\n    - port: 443\n'),
    expect: (at) => ({ references: [servicePort('service', at('443'), { port: 443 })] }),
  },
  {
    name: 'YAML errors in a template are only informational',
    text: `${pod('        - containerPort: 8080\n')}{{- toYaml .Values.extra | nindent 2 }}\n  [oops\n`,
    expect: (at) => ({
      references: [container(at('8080'), { port: 8080, scope: 'Pod/web', flags: APP })],
      problems: [
        p('parse-error', at('['), 'info'),
        p('parse-error', { start: at('oops\n').end, end: at('oops\n').end }, 'info'),
        p('parse-error', at('[oops\n'), 'info'),
        p('parse-error', at('['), 'info'),
      ],
    }),
  },

  // --- Files ----------------------------------------------------------------------------------
  {
    name: 'a document with a YAML error does not hide the others',
    text: `${pod('        - containerPort: 8080\n')}---\nkind: Pod\n  bad: [\n---\n${service('  ports:\n    - port: 80\n')}`,
    expect: (at) => ({
      references: [container(at('8080'), { port: 8080, scope: 'Pod/web', flags: APP }), servicePort('service', part(at('port: 80'), 6), { port: 80 })],
      problems: [
        p('parse-error', part(at('kind: Pod\n  bad'), 6, 7)),
        p('parse-error', part(at('kind: Pod\n  bad'), 6)),
        p('parse-error', part(at('[\n---'), 2, 3)),
      ],
    }),
  },
  {
    name: 'a List of manifests',
    text: 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: web}\n    spec:\n      ports: [{port: 80}]\n',
    expect: (at) => ({ references: [servicePort('service', at('80'), { port: 80 })] }),
  },
  {
    name: 'CRLF line endings keep offsets right',
    text: 'apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: web\r\nspec:\r\n  ports:\r\n    - port: 443\r\n      targetPort: 8443\r\n',
    expect: (at) => ({ references: [servicePort('service', at('443'), { port: 443 }), servicePort('targetPort', at('8443'), { port: 8443 })] }),
  },
  {
    name: 'an empty file',
    text: '',
    expect: () => ({ references: [] }),
  },
  {
    name: 'a file that is not YAML',
    text: 'server {\n  listen 80;\n}\n',
    expect: () => ({ references: [] }),
  },
];

describe('scanKubernetes', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const result = scanKubernetes(testCase.text);
      assert.equal(result.format, 'kubernetes');
      assertScan(result, testCase.expect(locator(testCase.text)));
    });
  }

  it('reads a multi-document fixture and resolves its named target port', () => {
    const text = fs.readFileSync('test/unit/fixtures/containers/kubernetes.yaml', 'utf8');
    const result = scanKubernetes(text);
    assert.deepStrictEqual(
      result.references.map(({ role, scope, port, name }) => ({ role, scope, port, name })),
      [
        { role: 'container', scope: 'Deployment/shop', port: 8080, name: 'http' },
        { role: 'container', scope: 'Deployment/shop', port: 9090, name: 'metrics' },
        { role: 'service', scope: 'Service/shop', port: 80, name: 'http' },
        { role: 'targetPort', scope: 'Service/shop', port: 8080, name: 'http' },
        { role: 'service', scope: 'Service/shop', port: 9090, name: 'metrics' },
        { role: 'targetPort', scope: 'Service/shop', port: 9090, name: 'metrics' },
        { role: 'ingress', scope: 'Ingress/shop', port: 80, name: undefined },
      ],
    );
    assert.deepStrictEqual(result.problems, []);
  });

  it('reads a Helm chart template fixture without errors', () => {
    const text = fs.readFileSync('test/unit/fixtures/containers/helm-deployment.yaml', 'utf8');
    const result = scanKubernetes(text);
    assert.deepStrictEqual(
      result.references.map(({ role, port, name }) => ({ role, port, name })),
      [{ role: 'container', port: 8080, name: 'http' }],
    );
    assert.deepStrictEqual(result.problems, []);
  });

  it('never throws and stays linear on hostile input', () => {
    const items = Array.from({ length: 20 }, (_, level) => `a${level + 1}: &a${level + 1} [${Array.from({ length: 10 }, () => `*a${level}`).join(', ')}]`);
    const inputs = [
      `a0: &a0 [x]\n${items.join('\n')}\nkind: List\nitems: *a20\n`,
      '{{'.repeat(3000),
      `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n${'    - ports: [{containerPort: 1}]\n'.repeat(1000)}`,
      '- '.repeat(2000) + 'x',
      '\ufeffapiVersion: v1\nkind: Service\n',
    ];
    for (const input of inputs) {
      const started = Date.now();
      const result = scanKubernetes(input);
      assert.ok(Array.isArray(result.references));
      assert.ok(Date.now() - started < 5000, 'scan finishes quickly');
    }
  });
});

describe('looksLikeKubernetes', () => {
  const cases: { name: string; text: string; expected: boolean }[] = [
    { name: 'a manifest', text: 'apiVersion: v1\nkind: Service\n', expected: true },
    { name: 'kind before apiVersion', text: 'kind: Pod\napiVersion: v1\n', expected: true },
    { name: 'a later document', text: '# comment\n---\napiVersion: apps/v1\nkind: Deployment\n', expected: true },
    { name: 'CRLF lines', text: 'apiVersion: v1\r\nkind: Pod\r\n', expected: true },
    { name: 'a Helm template', text: '{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n{{- end }}\n', expected: true },
    { name: 'a Compose file', text: 'services:\n  web:\n    image: nginx\n', expected: false },
    { name: 'apiVersion without kind', text: 'apiVersion: v1\nmetadata: {}\n', expected: false },
    { name: 'nested keys do not count', text: 'spec:\n  apiVersion: v1\n  kind: Pod\n', expected: false },
    { name: 'an empty file', text: '', expected: false },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.equal(looksLikeKubernetes(testCase.text), testCase.expected);
    });
  }
});
