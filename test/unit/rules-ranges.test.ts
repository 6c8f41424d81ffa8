/**
 * `nodeport-out-of-range` (Kubernetes) and `wide-port-range` (every format that opens ranges),
 * with their thresholds at the edges and from the settings.
 */
import * as assert from 'node:assert/strict';
import { assertMentions, findings, onlyDiagnostic, slice } from './rules-helpers';

const NODE_PORT = 'nodeport-out-of-range';
const WIDE = 'wide-port-range';

function service(type: string, ...nodePorts: number[]): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ${type}\n  ports:\n${nodePorts.map((port, index) => `    - port: ${8080 + index}\n      nodePort: ${port}\n`).join('')}`;
}

describe('rule nodeport-out-of-range', () => {
  it('reports a nodePort below the range, as an error naming the range', () => {
    const text = service('NodePort', 8080);
    const diagnostic = onlyDiagnostic('k8s/web.yaml', text, NODE_PORT);
    assert.equal(slice(text, diagnostic.range), '8080');
    assert.equal(text.slice(diagnostic.range.start - 'nodePort: '.length, diagnostic.range.start), 'nodePort: ');
    assert.equal(diagnostic.severity, 'error');
    assertMentions(diagnostic.message, 'nodePort 8080', 'outside the NodePort range 30000-32767', 'rejects');
  });

  it('accepts both ends of the default range and reports one past each', () => {
    assert.deepEqual(findings('k8s/web.yaml', service('NodePort', 30000, 32767, 29999, 32768), NODE_PORT), [['29999', 'error'], ['32768', 'error']]);
  });

  it('checks LoadBalancer Services too', () => {
    assert.deepEqual(findings('k8s/web.yaml', service('LoadBalancer', 80), NODE_PORT), [['80', 'error']]);
  });

  it("follows the cluster's configured range", () => {
    const text = service('NodePort', 8080, 30080);
    const options = { nodePortRange: { start: 8000, end: 9000 } };
    assert.deepEqual(findings('k8s/web.yaml', text, NODE_PORT, options), [['30080', 'error']]);
    assertMentions(onlyDiagnostic('k8s/web.yaml', text, NODE_PORT, options).message, 'range 8000-9000');
  });

  it('leaves Service ports, targetPorts and container ports alone', () => {
    const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n      targetPort: 8080\n      nodePort: 30080\n';
    assert.deepEqual(findings('k8s/web.yaml', text, NODE_PORT), []);
  });
});

describe('rule wide-port-range', () => {
  it('reports a Dockerfile range of more than 100 ports, with its width', () => {
    const text = 'FROM x\nEXPOSE 3000-3200\n';
    const diagnostic = onlyDiagnostic('Dockerfile', text, WIDE);
    assert.equal(slice(text, diagnostic.range), '3000-3200');
    assert.equal(diagnostic.severity, 'warning');
    assertMentions(diagnostic.message, 'Port range 3000-3200/tcp', '201 ports', 'is exposed', 'wider than 100');
  });

  it('leaves exactly 100 ports alone and reports 101', () => {
    assert.deepEqual(findings('Dockerfile', 'FROM x\nEXPOSE 1000-1099 2000-2100\n', WIDE), [['2000-2100', 'warning']]);
  });

  it('follows the configured threshold', () => {
    const text = 'FROM x\nEXPOSE 1000-1020\n';
    assert.deepEqual(findings('Dockerfile', text, WIDE), []);
    assert.deepEqual(findings('Dockerfile', text, WIDE, { wideRangeThreshold: 20 }), [['1000-1020', 'warning']]);
  });

  it('reports Compose ports: and expose: ranges, loopback-bound ones included', () => {
    const text = 'services:\n  app:\n    ports:\n      - "10000-10200:10000-10200"\n      - "127.0.0.1:2000-2200:2000-2200/udp"\n    expose:\n      - "3000-3200"\n';
    assert.deepEqual(findings('compose.yaml', text, WIDE), [
      ['10000-10200:10000-10200', 'warning'],
      ['127.0.0.1:2000-2200:2000-2200/udp', 'warning'],
      ['3000-3200', 'warning'],
    ]);
  });

  it('leaves a host range mapped to one container port alone: Docker binds a single free port of it', () => {
    assert.deepEqual(findings('compose.yaml', 'services:\n  app:\n    ports:\n      - "8000-8200:80"\n', WIDE), []);
  });

  it('reports iptables ranges allowed from anywhere or from a source, naming which', () => {
    const text = '*filter\n-A INPUT -p udp -m multiport --dports 10000:20000 -j ACCEPT\n-A INPUT -s 10.0.0.0/8 -p tcp --dport 1000:2000 -j ACCEPT\nCOMMIT\n';
    const found = findings('rules.v4', text, WIDE);
    assert.deepEqual(found, [['10000:20000', 'warning'], ['1000:2000', 'warning']]);
    assertMentions(onlyDiagnostic('rules.v4', text.replace(/.*10\.0\.0\.0.*\n/, ''), WIDE).message, '10000-20000/udp', '10001 ports', 'allowed from anywhere');
    assertMentions(onlyDiagnostic('rules.v4', text.replace(/.*multiport.*\n/, ''), WIDE).message, 'allowed from 10.0.0.0/8');
  });

  it('leaves iptables ranges that are dropped, outbound, or source ports alone', () => {
    const text = '*filter\n-A INPUT -p tcp --dport 1000:2000 -j DROP\n-A OUTPUT -p tcp --dport 1000:2000 -j ACCEPT\n-A INPUT -p tcp --sport 1000:2000 -j ACCEPT\nCOMMIT\n';
    assert.deepEqual(findings('rules.v4', text, WIDE), []);
  });

  it('reports nftables, ufw and firewalld ranges, and not narrow ones', () => {
    const nft = 'table inet f {\n  chain input {\n    type filter hook input priority 0;\n    tcp dport 1000-2000 accept\n    tcp dport 3000-3010 accept\n  }\n}\n';
    assert.deepEqual(findings('nftables.conf', nft, WIDE), [['1000-2000', 'warning']]);
    assert.deepEqual(findings('setup.sh', '#!/bin/sh\nufw allow 60000:61000/udp\nufw allow 8000:8010/tcp\n', WIDE), [['60000:61000/udp', 'warning']]);
    const zone = '<?xml version="1.0"?>\n<zone>\n  <port protocol="udp" port="10000-20000"/>\n  <port protocol="tcp" port="8000-8010"/>\n</zone>\n';
    assert.deepEqual(findings('zones/public.xml', zone, WIDE), [['10000-20000', 'warning']]);
  });

  it('leaves Kubernetes and nginx alone: they have no port ranges to open', () => {
    assert.deepEqual(findings('nginx.conf', 'http {\n  server {\n    listen 8080;\n  }\n}\n', WIDE), []);
  });
});
