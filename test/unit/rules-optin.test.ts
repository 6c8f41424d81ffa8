/**
 * The rules that are off until a severity is set for them: `published-all-interfaces` and
 * `privileged-port`.
 */
import * as assert from 'node:assert/strict';
import { assertMentions, findings, onlyDiagnostic, slice } from './rules-helpers';

const ALL_INTERFACES = 'published-all-interfaces';
const PRIVILEGED = 'privileged-port';

describe('rule published-all-interfaces', () => {
  const text =
    'services:\n  app:\n    ports:\n      - "8080:80"\n      - 0.0.0.0:8082:82\n      - "83"\n      - "[::]:8084:84"\n' +
    '      - target: 85\n        published: 8085\n      - "127.0.0.1:8081:81"\n      - target: 86\n        host_ip: 10.0.0.1\n        published: 8086\n' +
    '    expose:\n      - "87"\n  host:\n    network_mode: host\n    ports:\n      - "8088:88"\n';
  const on = { ruleSeverities: { [ALL_INTERFACES]: 'warning' as const } };

  it('is off by default', () => {
    assert.deepEqual(findings('compose.yaml', text, ALL_INTERFACES), []);
  });

  it('reports every mapping without a host IP or with a wildcard one, once given a severity', () => {
    assert.deepEqual(findings('compose.yaml', text, ALL_INTERFACES, on), [
      ['8080:80', 'warning'],
      ['0.0.0.0:8082:82', 'warning'],
      ['83', 'warning'],
      ['[::]:8084:84', 'warning'],
      ['8085', 'warning'],
    ]);
    const diagnostic = onlyDiagnostic('compose.yaml', 'services:\n  app:\n    ports:\n      - "8080:80"\n', ALL_INTERFACES, on);
    assertMentions(diagnostic.message, '80/tcp is published on every interface', '127.0.0.1');
  });

  it('uses its own severity, info, when enabled with it', () => {
    const found = findings('compose.yaml', 'services:\n  app:\n    ports:\n      - "8080:80"\n', ALL_INTERFACES, { ruleSeverities: { [ALL_INTERFACES]: 'info' } });
    assert.deepEqual(found, [['8080:80', 'info']]);
  });
});

describe('rule privileged-port', () => {
  const on = { ruleSeverities: { [PRIVILEGED]: 'info' as const } };

  it('is off by default', () => {
    assert.deepEqual(findings('Dockerfile', 'FROM x\nEXPOSE 80\n', PRIVILEGED), []);
  });

  it('reports Dockerfile ports below 1024, the start of a range included, and not 1024', () => {
    const text = 'FROM x\nEXPOSE 80 1023 1024 80-90/udp\n';
    assert.deepEqual(findings('Dockerfile', text, PRIVILEGED, on), [['80', 'info'], ['1023', 'info'], ['80-90', 'info']]);
    const diagnostic = onlyDiagnostic('Dockerfile', 'FROM x\nEXPOSE 443\n', PRIVILEGED, on);
    assertMentions(diagnostic.message, 'Port 443 is below 1024', 'CAP_NET_BIND_SERVICE');
  });

  it('points at the container side of a Compose mapping, and ignores a low host port', () => {
    const text = 'services:\n  app:\n    ports:\n      - "8080:80"\n      - "80:8080"\n      - target: 443\n        published: 8443\n    expose:\n      - "25"\n';
    const found = findings('compose.yaml', text, PRIVILEGED, on);
    assert.deepEqual(found, [['80', 'info'], ['443', 'info'], ['25', 'info']]);
    const first = onlyDiagnostic('compose.yaml', 'services:\n  app:\n    ports:\n      - "8080:80"\n', PRIVILEGED, on);
    assert.equal(first.range.start, 'services:\n  app:\n    ports:\n      - "8080:'.length);
  });

  it('reports Kubernetes containerPorts, not Service ports or hostPorts', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      ports:\n        - containerPort: 80\n          hostPort: 8080\n        - containerPort: 8443\n          hostPort: 443\n' +
      '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n';
    assert.deepEqual(findings('k8s/app.yaml', text, PRIVILEGED, on), [['80', 'info']]);
  });

  it('is not checked for nginx or firewalls, which do not run in a container', () => {
    assert.deepEqual(findings('nginx.conf', 'http {\n  server {\n    listen 80;\n  }\n}\n', PRIVILEGED, on), []);
    assert.deepEqual(findings('rules.v4', '*filter\n-A INPUT -p tcp --dport 80 -j ACCEPT\nCOMMIT\n', PRIVILEGED, on), []);
  });

  it('takes the severity it is given', () => {
    const text = 'FROM x\nEXPOSE 80\n';
    const diagnostic = onlyDiagnostic('Dockerfile', text, PRIVILEGED, { ruleSeverities: { [PRIVILEGED]: 'error' } });
    assert.equal(diagnostic.severity, 'error');
    assert.equal(slice(text, diagnostic.range), '80');
  });
});
