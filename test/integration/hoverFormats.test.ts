import * as assert from 'node:assert/strict';
import { closeAllEditors, hoverText, openExample, positionOf } from './helpers';

interface HoverCase {
  readonly name: string;
  readonly file: string;
  /** Text to find; the cursor goes `offset` characters into it. */
  readonly needle: string;
  readonly offset: number;
  readonly expect: readonly RegExp[];
}

const cases: readonly HoverCase[] = [
  { name: 'Compose mapping on all interfaces', file: 'compose.yaml', needle: '"5432:5432"', offset: 8, expect: [/Publishes host port 5432 on \*\*all interfaces\*\* → container port \*\*5432\*\*\/tcp/, /PostgreSQL/, /Sensitive/] },
  { name: 'Compose loopback mapping, host side under the cursor', file: 'compose.yaml', needle: '127.0.0.1:9229:9229', offset: 11, expect: [/host port \*\*9229\*\* on `127\.0\.0\.1` \(\*\*loopback only\*\*\)/] },
  { name: 'Compose long syntax', file: 'compose.yaml', needle: 'target: 9090', offset: 9, expect: [/9090/, /Prometheus/] },
  { name: 'Kubernetes containerPort', file: 'k8s/app.yaml', needle: 'containerPort: 8080', offset: 16, expect: [/Container port \*\*8080\/tcp\*\*/] },
  { name: 'Kubernetes hostPort', file: 'k8s/app.yaml', needle: 'hostPort: 5005', offset: 11, expect: [/Binds node port \*\*5005\/tcp\*\*/, /JDWP|Java/i] },
  { name: 'Kubernetes nodePort', file: 'k8s/app.yaml', needle: 'nodePort: 30080', offset: 11, expect: [/NodePort \*\*30080\/tcp\*\*/, /Kubernetes NodePort range/] },
  { name: 'Kubernetes Ingress backend', file: 'k8s/app.yaml', needle: 'number: 80', offset: 9, expect: [/Ingress backend/] },
  { name: 'nginx listen with ssl', file: 'nginx/nginx.conf', needle: 'listen 443 ssl', offset: 8, expect: [/Listens on tcp\/\*\*443\*\*/, /`ssl`/] },
  { name: 'nginx listen with quic is UDP', file: 'nginx/nginx.conf', needle: 'listen 443 quic', offset: 8, expect: [/Listens on udp\/\*\*443\*\*/] },
  { name: 'nginx proxy_pass upstream', file: 'nginx/nginx.conf', needle: '10.0.0.20:8080', offset: 11, expect: [/Connects to/, /8080/] },
  { name: 'nginx stream listen on a sensitive port', file: 'nginx/nginx.conf', needle: 'listen 6379', offset: 8, expect: [/Redis/, /Sensitive/, /nginx relays 6379 to `proxy_pass 10\.0\.0\.30:6379`/] },
  { name: 'HAProxy bind says where HAProxy relays it', file: 'servers/haproxy.cfg', needle: 'bind *:9000', offset: 8, expect: [/HAProxy relays 9000 to `server app1 10\.0\.2\.10:8080`, `server app2 10\.0\.2\.11:8080`/] },
  { name: 'iptables allow from anywhere', file: 'firewall/rules.v4', needle: '--dport 3389', offset: 9, expect: [/Allows tcp\/3389 \(.*\) from \*\*anywhere\*\*/] },
  { name: 'iptables allow restricted to a source', file: 'firewall/rules.v4', needle: '--dport 22', offset: 9, expect: [/Allows tcp\/22 .*from `10\.0\.0\.0\/8`/] },
  { name: 'iptables multiport', file: 'firewall/rules.v4', needle: '80,443', offset: 4, expect: [/Allows tcp\/443/] },
  { name: 'nftables udp dport', file: 'firewall/nftables.conf', needle: 'udp dport 51820', offset: 12, expect: [/Allows udp\/51820 \(WireGuard/] },
  { name: 'nftables set element', file: 'firewall/nftables.conf', needle: '{ 80, 443 }', offset: 3, expect: [/tcp\/80/] },
  { name: 'ufw allow', file: 'firewall/ufw-setup.sh', needle: 'ufw allow 23/tcp', offset: 11, expect: [/Allows tcp\/23 \(.*[Tt]elnet.*\) from \*\*anywhere\*\*/] },
  { name: 'firewalld port', file: 'firewall/public.xml', needle: 'port="27017"', offset: 8, expect: [/tcp\/27017/, /MongoDB/] },
];

const notPorts: readonly { readonly name: string; readonly file: string; readonly needle: string; readonly offset: number }[] = [
  { name: 'a replica count', file: 'k8s/app.yaml', needle: 'replicas: 2', offset: 10 },
  { name: 'a memory size', file: 'k8s/app.yaml', needle: 'memory: 512Mi', offset: 9 },
  { name: 'an image tag', file: 'k8s/app.yaml', needle: 'api:1.4.2', offset: 6 },
  { name: 'an image version in Compose', file: 'compose.yaml', needle: 'postgres:16', offset: 9 },
  { name: 'an nginx worker count', file: 'nginx/nginx.conf', needle: 'worker_connections 1024', offset: 20 },
  { name: 'an nftables priority', file: 'firewall/nftables.conf', needle: 'priority 0', offset: 9 },
  { name: 'a source network in a ufw rule', file: 'firewall/ufw-setup.sh', needle: '203.0.113.0/24', offset: 4 },
];

describe('Hover in every format', () => {
  after(closeAllEditors);

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const document = await openExample(testCase.file);
      const text = await hoverText(document, positionOf(document, testCase.needle, testCase.offset));
      for (const pattern of testCase.expect) {
        assert.match(text, pattern);
      }
    });
  }

  for (const testCase of notPorts) {
    it(`shows no hover on ${testCase.name}`, async () => {
      const document = await openExample(testCase.file);
      const text = await hoverText(document, positionOf(document, testCase.needle, testCase.offset));
      assert.doesNotMatch(text, /IANA|Listens|Publishes|Allows/, `unexpected hover: ${text.slice(0, 200)}`);
    });
  }
});
