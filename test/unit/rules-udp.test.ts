/**
 * `udp-service-without-udp`: a service that needs UDP opened as tcp only, per unit (a Compose
 * service, a Dockerfile stage, a workload, a firewall file), in every format that opens ports.
 */
import * as assert from 'node:assert/strict';
import { assertMentions, findings, onlyDiagnostic, slice } from './rules-helpers';

const UDP = 'udp-service-without-udp';

describe('rule udp-service-without-udp', () => {
  describe('Dockerfile', () => {
    it('reports EXPOSE 53 (tcp by default) as information naming the service', () => {
      const text = 'FROM x\nEXPOSE 53\n';
      const diagnostic = onlyDiagnostic('Dockerfile', text, UDP);
      assert.equal(slice(text, diagnostic.range), '53');
      assert.equal(diagnostic.severity, 'info');
      assertMentions(diagnostic.message, 'DNS (53) needs UDP', 'only 53/tcp is exposed', 'add 53/udp');
    });

    it('is satisfied by udp anywhere in the same stage', () => {
      assert.deepEqual(findings('Dockerfile', 'FROM x\nEXPOSE 53/tcp\nEXPOSE 53/udp\n', UDP), []);
    });

    it('looks at each stage on its own', () => {
      const text = 'FROM x AS a\nEXPOSE 53/udp\nFROM y AS b\nEXPOSE 123/tcp\n';
      assert.deepEqual(findings('Dockerfile', text, UDP), [['123/tcp', 'info']]);
    });

    it('leaves ports shared with a tcp service, udp-only ports and ranges alone', () => {
      assert.deepEqual(findings('Dockerfile', 'FROM x\nEXPOSE 514 80 51820/udp 50-60\n', UDP), []);
    });
  });

  describe('Compose', () => {
    it('reports a tcp-only mapping, short and long, and an expose: entry', () => {
      const text = 'services:\n  vpn:\n    ports:\n      - 51820:51820\n      - target: 123\n        published: 123\n    expose:\n      - "1194"\n';
      assert.deepEqual(findings('compose.yaml', text, UDP), [['51820:51820', 'info'], ['123', 'info'], ['1194', 'info']]);
      assertMentions(onlyDiagnostic('compose.yaml', 'services:\n  vpn:\n    ports:\n      - "51820:51820"\n', UDP).message, 'WireGuard (51820)', 'published');
    });

    it('is satisfied by udp in the same service, not in another one', () => {
      const text = 'services:\n  dns:\n    ports:\n      - "53:53"\n      - "53:53/udp"\n  other:\n    ports:\n      - "5353:53"\n  udponly:\n    ports:\n      - "1053:53/udp"\n';
      assert.deepEqual(findings('compose.yaml', text, UDP), [['5353:53', 'info']]);
    });
  });

  describe('Kubernetes', () => {
    it('reports a tcp-only Service port and containerPort, and accepts a TCP and UDP pair', () => {
      const text =
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: dns\nspec:\n  ports:\n    - name: tcp\n      port: 53\n      protocol: TCP\n    - name: udp\n      port: 53\n      protocol: UDP\n    - name: ntp\n      port: 123\n' +
        '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: vpn\nspec:\n  containers:\n    - name: wg\n      ports:\n        - containerPort: 51820\n';
      assert.deepEqual(findings('k8s/dns.yaml', text, UDP), [['123', 'info'], ['51820', 'info']]);
      assertMentions(onlyDiagnostic('k8s/dns.yaml', text.slice(text.indexOf('---')), UDP).message, 'only 51820/tcp is declared');
    });
  });

  describe('firewalls', () => {
    it('reports an iptables tcp-only allow, and accepts a udp rule anywhere in the file', () => {
      const tcpOnly = '*filter\n-A INPUT -p tcp --dport 53 -j ACCEPT\nCOMMIT\n';
      assertMentions(onlyDiagnostic('rules.v4', tcpOnly, UDP).message, 'only 53/tcp is allowed');
      const both = '*filter\n-A INPUT -p tcp --dport 53 -j ACCEPT\n-A FORWARD -p udp --dport 53 -j ACCEPT\nCOMMIT\n';
      assert.deepEqual(findings('rules.v4', both, UDP), []);
    });

    it('does not count a udp rule that denies, matches source ports or is negated', () => {
      const text = '*filter\n-A INPUT -p tcp --dport 53 -j ACCEPT\n-A INPUT -p udp --dport 53 -j DROP\n-A INPUT -p udp --sport 53 -j ACCEPT\n-A INPUT -p udp ! --dport 53 -j ACCEPT\nCOMMIT\n';
      assert.deepEqual(findings('rules.v4', text, UDP), [['53', 'info']]);
    });

    it('reports nftables tcp only, and accepts th dport, which matches udp too', () => {
      const nft = (rule: string): string => `table inet f {\n  chain input {\n    type filter hook input priority 0;\n    ${rule}\n  }\n}\n`;
      assert.deepEqual(findings('nftables.conf', nft('tcp dport 123 accept'), UDP), [['123', 'info']]);
      assert.deepEqual(findings('nftables.conf', nft('meta l4proto { tcp, udp } th dport 123 accept'), UDP), []);
    });

    it('reports ufw 53/tcp, and accepts ufw 53 with no protocol', () => {
      assert.deepEqual(findings('setup.sh', '#!/bin/sh\nufw allow 53/tcp\n', UDP), [['53/tcp', 'info']]);
      assert.deepEqual(findings('setup.sh', '#!/bin/sh\nufw allow 53\n', UDP), []);
    });

    it('reports firewalld tcp only, and accepts a udp port beside it', () => {
      const zone = (ports: string): string => `<?xml version="1.0"?>\n<zone>\n${ports}</zone>\n`;
      assert.deepEqual(findings('zones/public.xml', zone('  <port protocol="tcp" port="161"/>\n'), UDP), [['161', 'info']]);
      assert.deepEqual(findings('zones/public.xml', zone('  <port protocol="tcp" port="161"/>\n  <port protocol="udp" port="161"/>\n'), UDP), []);
    });
  });

  it('leaves listeners alone: nginx says nothing about udp unless told', () => {
    assert.deepEqual(findings('nginx.conf', 'stream {\n  server {\n    listen 53;\n  }\n}\n', UDP), []);
  });
});
