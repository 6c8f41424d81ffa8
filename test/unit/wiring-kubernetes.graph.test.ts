import * as assert from 'node:assert/strict';
import { allFindings, findings, modelOf, offsetIn, pathOf, spotted } from './wiringHarness';
import type { Files } from './wiringHarness';

function deployment(name: string, options: { labels?: string; ports?: string; probes?: string; image?: string; namespace?: string; hostNetwork?: boolean } = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    ...(options.namespace ? [`  namespace: ${options.namespace}`] : []),
    'spec:',
    '  selector:',
    '    matchLabels:',
    `      ${options.labels ?? `app: ${name}`}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        ${options.labels ?? `app: ${name}`}`,
    '    spec:',
    ...(options.hostNetwork ? ['      hostNetwork: true'] : []),
    '      containers:',
    `        - name: ${name}`,
    `          image: ${options.image ?? 'ghcr.io/example/app:1'}`,
    ...(options.ports ? ['          ports:', ...options.ports.split('\n').map((line) => `            ${line}`)] : []),
    ...(options.probes ? options.probes.split('\n').map((line) => `          ${line}`) : []),
    '',
  ].join('\n');
}

function service(name: string, ports: string, options: { selector?: string; namespace?: string } = {}): string {
  return [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    ...(options.namespace ? [`  namespace: ${options.namespace}`] : []),
    'spec:',
    '  selector:',
    `    ${options.selector ?? `app: ${name}`}`,
    '  ports:',
    ...ports.split('\n').map((line) => `    ${line}`),
    '',
  ].join('\n');
}

const HTTP_PORT = '- name: http\n  containerPort: 8080';

describe('Workspace graph: Service to pods', () => {
  it('flags a numeric targetPort no selected container declares, across files', () => {
    const files: Files = {
      'deploy.yaml': deployment('web', { ports: HTTP_PORT }),
      'service.yaml': service('web', '- port: 80\n  targetPort: 9090'),
    };
    const [finding] = findings(modelOf(files), 'service.yaml', 'service-target-port-unmatched');
    assert.equal(spotted(files, 'service.yaml', finding), '9090');
    assert.match(finding.message, /Service web forwards port 80 to port 9090, but Deployment web listens on 8080 \(deploy\.yaml:\d+\)/);
    assert.equal(finding.related?.[0].fileName, pathOf('deploy.yaml'));
    const fix = finding.fixes?.[0];
    assert.ok(fix && fix.kind === 'edit' && fix.edits[0].newText === '8080');
  });

  it('flags a named targetPort that no container names, and a missing targetPort that defaults to port', () => {
    const files: Files = {
      'app.yaml': `${deployment('web', { ports: HTTP_PORT })}---\n${service('web', '- name: a\n  port: 80\n  targetPort: web\n- name: b\n  port: 8081')}`,
    };
    const found = findings(modelOf(files), 'app.yaml', 'service-target-port-unmatched');
    assert.deepEqual(found.map((finding) => spotted(files, 'app.yaml', finding)), ['web', '8081']);
    assert.match(found[0].message, /a container port named "web".*names "http"/);
    assert.match(found[1].message, /no targetPort, so it defaults to port 8081/);
  });

  it('accepts matching numbers and names', () => {
    const files: Files = {
      'app.yaml': `${deployment('web', { ports: HTTP_PORT })}---\n${service('web', '- name: a\n  port: 80\n  targetPort: http\n- name: b\n  port: 81\n  targetPort: 8080\n- name: c\n  port: 8080')}`,
    };
    assert.deepEqual(allFindings(modelOf(files), files), []);
  });

  it('stays quiet when the selector matches nothing or the pods\' ports are unknown', () => {
    const nothing: Files = { 'service.yaml': service('web', '- port: 80\n  targetPort: 9090') };
    assert.deepEqual(allFindings(modelOf(nothing), nothing), []);
    const unknown: Files = { 'app.yaml': `${deployment('web')}---\n${service('web', '- port: 80\n  targetPort: 9090')}` };
    assert.deepEqual(allFindings(modelOf(unknown), unknown), []);
  });

  it('uses the default ports of a well-known image when no ports are declared', () => {
    const files: Files = { 'app.yaml': `${deployment('cache', { image: 'redis:7' })}---\n${service('cache', '- port: 6379\n  targetPort: 6380')}` };
    const [finding] = findings(modelOf(files), 'app.yaml', 'service-target-port-unmatched');
    assert.match(finding.message, /6379/);
  });

  it('links only within one namespace', () => {
    const files: Files = {
      'deploy.yaml': deployment('web', { ports: HTTP_PORT, namespace: 'a' }),
      'service.yaml': service('web', '- port: 80\n  targetPort: 9090', { namespace: 'b' }),
    };
    assert.deepEqual(allFindings(modelOf(files), files), []);
    const same: Files = { ...files, 'service.yaml': service('web', '- port: 80\n  targetPort: 9090', { namespace: 'a' }) };
    assert.equal(findings(modelOf(same), 'service.yaml').length, 1);
  });

  it('skips Helm templates', () => {
    const files: Files = {
      'templates/app.yaml': `${deployment('web', { ports: HTTP_PORT })}---\n${service('web', '- port: 80\n  targetPort: {{ .Values.port }}')}`,
    };
    assert.deepEqual(allFindings(modelOf(files), files), []);
  });
});

describe('Workspace graph: Ingress and HTTPRoute to Services', () => {
  const svc = service('web', '- name: http\n  port: 80\n  targetPort: 8080');
  const ingress = (port: string): string =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        ${port}\n`;

  it('flags a backend port the Service does not define, by number or by name', () => {
    for (const [port, written] of [['number: 8080', '8080'], ['name: https', 'https']]) {
      const files: Files = { 'svc.yaml': svc, 'ingress.yaml': ingress(port) };
      const [finding] = findings(modelOf(files), 'ingress.yaml', 'backend-port-undefined');
      assert.ok(finding, port);
      assert.equal(spotted(files, 'ingress.yaml', finding), written);
      assert.match(finding.message, /Service web, which defines 80 \(http\)/);
    }
  });

  it('accepts a defined port and stays quiet about a Service it cannot see', () => {
    const good: Files = { 'svc.yaml': svc, 'ingress.yaml': ingress('number: 80') };
    assert.deepEqual(allFindings(modelOf(good), good), []);
    const missing: Files = { 'ingress.yaml': ingress('number: 8080') };
    assert.deepEqual(allFindings(modelOf(missing), missing), []);
  });

  it('checks HTTPRoute backendRefs', () => {
    const route = 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  rules:\n    - backendRefs:\n        - name: web\n          port: 8080\n';
    const files: Files = { 'svc.yaml': svc, 'route.yaml': route };
    const [finding] = findings(modelOf(files), 'route.yaml', 'backend-port-undefined');
    assert.ok(finding);
    assert.equal(spotted(files, 'route.yaml', finding), '8080');
  });
});

describe('Workspace graph: probes', () => {
  it('flags probes on undeclared ports and names, and accepts declared ones', () => {
    const probes = [
      'livenessProbe:',
      '  httpGet:',
      '    path: /healthz',
      '    port: http',
      'readinessProbe:',
      '  tcpSocket:',
      '    port: 8081',
      'startupProbe:',
      '  grpc:',
      '    port: 8080',
    ].join('\n');
    const files: Files = { 'deploy.yaml': deployment('web', { ports: HTTP_PORT, probes }) };
    const found = findings(modelOf(files), 'deploy.yaml', 'probe-port-undeclared');
    assert.deepEqual(found.map((finding) => spotted(files, 'deploy.yaml', finding)), ['8081']);
    assert.match(found[0].message, /The readiness probe of container "web" checks port 8081, but it listens on 8080/);
    const named: Files = { 'deploy.yaml': deployment('web', { ports: HTTP_PORT, probes: 'livenessProbe:\n  httpGet:\n    port: metrics' }) };
    assert.match(findings(modelOf(named), 'deploy.yaml', 'probe-port-undeclared')[0].message, /"metrics", but its ports are named "http"/);
  });

  it('stays quiet when the container declares nothing and its image is unknown', () => {
    const files: Files = { 'deploy.yaml': deployment('web', { probes: 'livenessProbe:\n  tcpSocket:\n    port: 8081' }) };
    assert.deepEqual(allFindings(modelOf(files), files), []);
  });
});

describe('Workspace graph: Kubernetes host networking and navigation', () => {
  it('treats hostNetwork pods\' ports as exposed', () => {
    const files: Files = { 'deploy.yaml': deployment('db', { image: 'postgres:16', hostNetwork: true }) };
    const [finding] = findings(modelOf(files), 'deploy.yaml', 'sensitive-port-exposed');
    assert.ok(finding);
    assert.match(finding.message, /hostNetwork: true/);
  });

  it('goes from a named targetPort to the containerPort', () => {
    const files: Files = { 'app.yaml': `${deployment('web', { ports: HTTP_PORT })}---\n${service('web', '- port: 80\n  targetPort: http')}` };
    const [target] = modelOf(files).definitionsAt(pathOf('app.yaml'), offsetIn(files, 'app.yaml', 'targetPort: http', 13));
    assert.ok(target);
    assert.equal(files['app.yaml'].slice(target.range.start, target.range.end), '8080');
  });
});
