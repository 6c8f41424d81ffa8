/**
 * `sensitive-port-exposed` and `plaintext-protocol`: a port is reported only where it is
 * reachable from other machines, in every format that can make it so.
 */
import * as assert from 'node:assert/strict';
import { KnowledgeBase } from '../../src/core/ports/knowledgeBase';
import { parseUserPortData } from '../../src/core/ports/userData';
import { assertMentions, diagnosticsOf, findings, onlyDiagnostic, slice } from './rules-helpers';
import { findings as modelFindings, modelOf } from './wiringHarness';

const SENSITIVE = 'sensitive-port-exposed';
const PLAINTEXT = 'plaintext-protocol';

/** A service of an image that names no software Port Lens knows: its ports are judged by number, as guesses. */
function compose(...ports: string[]): string {
  return composeOf('example', ...ports);
}

function composeOf(image: string, ...ports: string[]): string {
  return `services:\n  db:\n    image: ${image}\n    ports:\n${ports.map((port) => `      - ${port}\n`).join('')}`;
}

/** A Service and, when an image is given, the Deployment it selects. */
function nodePortService(type: string, port: number, image?: string): string {
  const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ${type}\n  selector:\n    app: db\n  ports:\n    - port: ${port}\n`;
  if (!image) {
    return service;
  }
  return `${service}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n  selector:\n    matchLabels:\n      app: db\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n        - name: db\n          image: ${image}\n          ports:\n            - containerPort: ${port}\n`;
}

function iptables(...rules: string[]): string {
  return `*filter\n:INPUT DROP [0:0]\n${rules.join('\n')}\nCOMMIT\n`;
}

function nftables(...rules: string[]): string {
  return `table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n${rules.map((rule) => `    ${rule}\n`).join('')}  }\n}\n`;
}

function firewalld(...elements: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public</short>\n${elements.map((element) => `  ${element}\n`).join('')}</zone>\n`;
}

function ufwScript(...commands: string[]): string {
  return `#!/bin/sh\nset -e\n${commands.join('\n')}\n`;
}

describe('rule sensitive-port-exposed', () => {
  describe('Dockerfile', () => {
    it('reports an EXPOSEd database port with the catalogue severity, service and reason', () => {
      const text = 'FROM postgres:16\nEXPOSE 5432\n';
      const diagnostic = onlyDiagnostic('Dockerfile', text, SENSITIVE);
      assert.equal(slice(text, diagnostic.range), '5432');
      assert.equal(diagnostic.severity, 'warning');
      assertMentions(diagnostic.message, 'PostgreSQL', '5432/tcp', 'exposed by EXPOSE', 'brute-force');
      assert.equal(diagnostic.reference?.port, 5432);
    });

    it('grades a port the stage\'s image serves by the catalogue: high is an error', () => {
      assert.deepEqual(findings('Dockerfile', 'FROM redis:7-alpine\nEXPOSE 6379\n', SENSITIVE), [['6379', 'error']]);
      assertMentions(onlyDiagnostic('Dockerfile', 'FROM docker.io/library/redis:7@sha256:' + 'a'.repeat(64) + '\nEXPOSE 6379\n', SENSITIVE).message, 'Redis (6379/tcp)');
    });

    it('caps a guess from the number at a warning when the image names no known software', () => {
      const text = 'FROM x\nEXPOSE 6379 22 4369\n';
      assert.deepEqual(findings('Dockerfile', text, SENSITIVE), [['6379', 'warning'], ['22', 'warning'], ['4369', 'info']]);
      assertMentions(diagnosticsOf('Dockerfile', text, SENSITIVE)[0].message, '6379 is also used by Redis', 'rests on the port number alone');
    });

    it('leaves ordinary ports and a protocol the catalogue does not list alone', () => {
      assert.deepEqual(findings('Dockerfile', 'FROM x\nEXPOSE 8080 443 6379/udp\n', SENSITIVE), []);
    });

    it('names up to three services in a range, most severe first, and counts the rest', () => {
      const text = 'FROM x\nEXPOSE 20-23\n';
      const diagnostic = onlyDiagnostic('Dockerfile', text, SENSITIVE);
      assert.equal(slice(text, diagnostic.range), '20-23');
      assert.equal(diagnostic.severity, 'warning');
      assertMentions(diagnostic.message, 'Port range 20-23/tcp', '3 ports that are dangerous', 'Telnet (23)', 'FTP (21)', 'SSH (22)');
      const wide = onlyDiagnostic('Dockerfile', 'FROM x\nEXPOSE 1000-2000\n', SENSITIVE);
      assertMentions(wide.message, '6 ports', 'and 3 more');
    });

    it('says a port of a runtime image is a guess, never an error', () => {
      const diagnostic = onlyDiagnostic('Dockerfile', 'FROM python:3.12-slim\nEXPOSE 5000\n', SENSITIVE);
      assert.equal(diagnostic.severity, 'warning');
      assertMentions(diagnostic.message, 'Port 5000/tcp', 'also used by Docker Registry', 'a Python app', 'rests on the port number alone');
    });

    it('names a runtime\'s own debugger port by the runtime, at full severity', () => {
      const diagnostic = onlyDiagnostic('Dockerfile', 'FROM node:20-alpine\nEXPOSE 9229\n', SENSITIVE);
      assert.equal(diagnostic.severity, 'error');
      assertMentions(diagnostic.message, 'Node.js inspector (9229/tcp)');
    });

    it('judges the stage an EXPOSE belongs to, not the last one', () => {
      const text = 'FROM redis:7 AS cache\nEXPOSE 6379\nFROM node:20\nEXPOSE 5000\n';
      assert.deepEqual(findings('Dockerfile', text, SENSITIVE), [['6379', 'error'], ['5000', 'warning']]);
    });

    it('stays silent about a risk short of high that applies only to the port\'s less common use', () => {
      assert.deepEqual(findings('Dockerfile', 'FROM node\nEXPOSE 3000\n', SENSITIVE), []);
    });
  });

  describe('Compose', () => {
    it('reports a port published on all interfaces, unquoted, quoted, 0.0.0.0, [::] and container-only', () => {
      const text = compose('5432:5432', '"6379:6379"', '"0.0.0.0:9200:9200"', '"[::]:27017:27017"', '5005');
      // The image names no software, so each is a guess, at most a warning.
      assert.deepEqual(findings('compose.yaml', text, SENSITIVE), [
        ['5432:5432', 'warning'],
        ['6379:6379', 'warning'],
        ['0.0.0.0:9200:9200', 'warning'],
        ['[::]:27017:27017', 'warning'],
        ['5005', 'warning'],
      ]);
      assertMentions(diagnosticsOf('compose.yaml', text, SENSITIVE)[0].message, 'Port 5432/tcp is published on all interfaces', '5432 is also used by PostgreSQL');
    });

    it('names the software the service\'s image runs, with the catalogue\'s grade', () => {
      const redis = composeOf('redis:7-alpine', '"6379:6379"');
      assert.deepEqual(findings('compose.yaml', redis, SENSITIVE), [['6379:6379', 'error']]);
      assertMentions(onlyDiagnostic('compose.yaml', redis, SENSITIVE).message, 'Redis (6379/tcp)', 'published on all interfaces');
      assertMentions(onlyDiagnostic('compose.yaml', composeOf('valkey/valkey:8', '"6379:6379"'), SENSITIVE).message, 'Valkey (6379/tcp)');
      assertMentions(onlyDiagnostic('compose.yaml', composeOf('clickhouse/clickhouse-server:24', '"9000:9000"'), SENSITIVE).message, 'ClickHouse (9000/tcp)');
      assertMentions(onlyDiagnostic('compose.yaml', composeOf('registry:2', '"5000:5000"'), SENSITIVE).message, 'Docker Registry (Distribution) (5000/tcp)');
    });

    it('stays silent when the image serves something else on the port', () => {
      assert.deepEqual(findings('compose.yaml', composeOf('portainer/portainer-ce:2.21', '"9000:9000"', '"9443:9443"'), SENSITIVE), []);
      assert.deepEqual(findings('compose.yaml', composeOf('minio/minio', '"9000:9000"'), SENSITIVE), []);
      assert.deepEqual(findings('compose.yaml', composeOf('ghcr.io/home-assistant/home-assistant:stable', '"8123:8123"'), SENSITIVE), []);
    });

    it('never makes a runtime image\'s app an error', () => {
      assert.deepEqual(findings('compose.yaml', composeOf('node:20', '"5000:5000"'), SENSITIVE), [['5000:5000', 'warning']]);
      assert.deepEqual(findings('compose.yaml', composeOf('registry.example.com/team/api:1', '"5000:5000"', '"8081:8081"'), SENSITIVE), [['5000:5000', 'warning'], ['8081:8081', 'warning']]);
    });

    it('leaves a service it builds to the workspace model, which judges it by the Dockerfile\'s FROM', () => {
      const built = 'services:\n  api:\n    build: .\n    ports:\n      - "5000:5000"\n      - "6379:6379"\n';
      assert.deepEqual(findings('compose.yaml', built, SENSITIVE), [], 'the Compose file alone cannot say what runs there');
      const judged = (dockerfile?: string) => {
        const model = modelOf(dockerfile ? { 'compose.yaml': built, Dockerfile: dockerfile } : { 'compose.yaml': built });
        return modelFindings(model, 'compose.yaml', SENSITIVE).map((diagnostic) => [built.slice(diagnostic.range.start, diagnostic.range.end), diagnostic.severity, diagnostic.message]);
      };
      const python = judged('FROM python:3.12-slim\nEXPOSE 5000\n');
      assert.deepEqual(python.map(([text, severity]) => [text, severity]), [['5000:5000', 'warning'], ['6379:6379', 'warning']]);
      assertMentions(python[0][2], 'also used by Docker Registry', 'a Python app');
      const redis = judged('FROM redis:7\n');
      // Redis does not listen on 5000 by default: that port stays a guess.
      assert.deepEqual(redis.map(([text, severity]) => [text, severity]), [['5000:5000', 'warning'], ['6379:6379', 'error']]);
      assertMentions(redis[1][2], 'Redis (6379/tcp)');
      // No Dockerfile to read: a guess.
      assert.deepEqual(judged().map(([text, severity]) => [text, severity]), [['5000:5000', 'warning'], ['6379:6379', 'warning']]);
    });

    it('names the host port when it differs from the container port', () => {
      const diagnostic = onlyDiagnostic('compose.yaml', composeOf('postgres:16', '"15432:5432"'), SENSITIVE);
      assertMentions(diagnostic.message, 'PostgreSQL (5432/tcp)', 'as host port 15432');
    });

    it('reports long syntax without a host_ip or with a wildcard one', () => {
      const text = compose('target: 5432\n        published: 5432', 'target: 6379\n        host_ip: 0.0.0.0\n        published: "6379"');
      assert.deepEqual(findings('compose.yaml', text, SENSITIVE), [['5432', 'warning'], ['6379', 'warning']]);
    });

    it('leaves loopback-bound publishes alone', () => {
      const text = compose('"127.0.0.1:5432:5432"', '127.0.0.1:6379:6379', '"[::1]:9200:9200"', 'target: 27017\n        host_ip: 127.0.0.1\n        published: 27017');
      assert.deepEqual(findings('compose.yaml', text, SENSITIVE), []);
    });

    it('leaves expose: entries and host-network services alone', () => {
      const text = 'services:\n  db:\n    expose:\n      - "5432"\n  cache:\n    network_mode: host\n    ports:\n      - "6379:6379"\n';
      assert.deepEqual(findings('compose.yaml', text, SENSITIVE), []);
    });
  });

  describe('Kubernetes', () => {
    it('reports a NodePort or LoadBalancer Service port', () => {
      const nodePort = nodePortService('NodePort', 5432, 'postgres:16');
      const diagnostic = onlyDiagnostic('k8s/db.yaml', nodePort, SENSITIVE);
      assert.equal(slice(nodePort, diagnostic.range), '5432');
      assertMentions(diagnostic.message, 'PostgreSQL (5432/tcp)', 'published by a NodePort Service');
      const redis = onlyDiagnostic('k8s/db.yaml', nodePortService('LoadBalancer', 6379, 'redis:7'), SENSITIVE);
      assertMentions(redis.message, 'Redis', 'LoadBalancer Service');
      assert.equal(redis.severity, 'error');
      // Without the pods it selects in the file, the Service's port is a guess.
      assert.equal(onlyDiagnostic('k8s/db.yaml', nodePortService('LoadBalancer', 6379), SENSITIVE).severity, 'warning');
      assert.deepEqual(findings('k8s/db.yaml', nodePortService('LoadBalancer', 9000, 'portainer/portainer-ce'), SENSITIVE), []);
    });

    it('leaves a ClusterIP Service and a bare containerPort alone', () => {
      assert.deepEqual(findings('k8s/db.yaml', nodePortService('ClusterIP', 5432), SENSITIVE), []);
      const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n    - name: db\n      ports:\n        - containerPort: 5432\n';
      assert.deepEqual(findings('k8s/pod.yaml', pod, SENSITIVE), []);
    });

    it("reports a hostPort, which binds every node's port", () => {
      const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\nspec:\n  containers:\n    - name: cache\n      image: redis:7\n      ports:\n        - containerPort: 6379\n          hostPort: 6379\n';
      const diagnostic = onlyDiagnostic('k8s/pod.yaml', pod, SENSITIVE);
      assert.equal(diagnostic.reference?.role, 'hostPort');
      assertMentions(diagnostic.message, 'Redis (6379/tcp)', "every node's hostPort");
      assert.deepEqual(findings('k8s/pod.yaml', pod.replace('hostPort: 6379\n', 'hostPort: 6379\n          hostIP: 127.0.0.1\n'), SENSITIVE), []);
    });
  });

  describe('nginx', () => {
    it('reports a listener on all addresses, not one on loopback, nor an upstream', () => {
      const text = 'stream {\n  server {\n    listen 9200;\n    listen 127.0.0.1:6379;\n    proxy_pass 127.0.0.1:9200;\n  }\n}\n';
      const diagnostic = onlyDiagnostic('nginx.conf', text, SENSITIVE);
      assert.equal(slice(text, diagnostic.range), '9200');
      assertMentions(diagnostic.message, 'Elasticsearch', '9200/tcp', 'listening on all addresses', 'nginx relays it to `proxy_pass 127.0.0.1:9200`');
    });
  });

  describe('iptables', () => {
    it('reports an ACCEPT from anywhere, also with an explicit 0.0.0.0/0 source', () => {
      const text = iptables('-A INPUT -p tcp -m tcp --dport 5432 -j ACCEPT', '-A INPUT -s 0.0.0.0/0 -p tcp --dport 23 -j ACCEPT');
      assert.deepEqual(findings('rules.v4', text, SENSITIVE), [['5432', 'warning'], ['23', 'warning']]);
      assertMentions(diagnosticsOf('rules.v4', text, SENSITIVE)[0].message, 'PostgreSQL (5432/tcp)', 'allowed from anywhere');
    });

    it('leaves a rule restricted to a source, a DROP, an OUTPUT rule, a source port and a negated port alone', () => {
      const text = iptables(
        '-A INPUT -s 10.0.0.0/8 -p tcp --dport 6379 -j ACCEPT',
        '-A INPUT -p tcp --dport 9200 -j DROP',
        '-A OUTPUT -p tcp --dport 5432 -j ACCEPT',
        '-A INPUT -p tcp --sport 5432 -j ACCEPT',
        '-A INPUT -p tcp ! --dport 6379 -j ACCEPT',
      );
      assert.deepEqual(findings('rules.v4', text, SENSITIVE), []);
    });

    it('reports iptables commands in a shell script', () => {
      const text = '#!/bin/sh\niptables -A INPUT -p tcp --dport 2375 -j ACCEPT\n';
      const diagnostic = onlyDiagnostic('firewall.sh', text, SENSITIVE);
      assertMentions(diagnostic.message, 'Docker Engine API', '2375/tcp');
    });
  });

  describe('nftables', () => {
    it('reports an accept from anywhere in an input chain, each port of a set', () => {
      const text = nftables('tcp dport 5432 accept', 'tcp dport { 22, 23 } accept');
      assert.deepEqual(findings('nftables.conf', text, SENSITIVE), [['5432', 'warning'], ['22', 'warning'], ['23', 'warning']]);
    });

    it('leaves a rule with a source address, a drop and an output chain alone', () => {
      const text = 'table inet filter {\n  chain input {\n    type filter hook input priority 0;\n    ip saddr 10.0.0.0/8 tcp dport 6379 accept\n    tcp dport 9200 drop\n  }\n  chain output {\n    type filter hook output priority 0;\n    tcp dport 5432 accept\n  }\n}\n';
      assert.deepEqual(findings('nftables.conf', text, SENSITIVE), []);
    });

    it('names no protocol for a th dport rule that matches every transport', () => {
      const text = nftables('meta l4proto { tcp, udp } th dport 123 accept');
      const diagnostic = onlyDiagnostic('nftables.conf', text, SENSITIVE);
      assertMentions(diagnostic.message, 'NTP (123)', 'allowed from anywhere');
    });
  });

  describe('ufw', () => {
    it('reports allow and limit from anywhere, with the rate limit said', () => {
      const text = ufwScript('ufw allow 5432', 'ufw allow 6379/tcp', 'ufw limit 22/tcp', 'ufw allow from any to any port 9200 proto tcp');
      assert.deepEqual(findings('firewall.sh', text, SENSITIVE), [['5432', 'warning'], ['6379/tcp', 'error'], ['22/tcp', 'warning'], ['9200', 'error']]);
      assertMentions(diagnosticsOf('firewall.sh', text, SENSITIVE)[2].message, 'SSH (22/tcp)', 'allowed (rate-limited) from anywhere');
      assertMentions(diagnosticsOf('firewall.sh', text, SENSITIVE)[0].message, 'PostgreSQL (5432)');
    });

    it('leaves an allow from a source, a deny and an outbound allow alone', () => {
      const text = ufwScript('ufw allow from 10.0.0.0/8 to any port 3306', 'ufw deny 23', 'ufw allow out 5432');
      assert.deepEqual(findings('firewall.sh', text, SENSITIVE), []);
    });

    it('reports an application profile by the port it opens', () => {
      const text = ufwScript('ufw allow OpenSSH');
      const diagnostic = onlyDiagnostic('firewall.sh', text, SENSITIVE);
      assert.equal(slice(text, diagnostic.range), 'OpenSSH');
      assertMentions(diagnostic.message, 'SSH (22/tcp)');
    });

    it('reports tuples in ufw user.rules, not ones restricted to a source', () => {
      const text =
        '*filter\n:ufw-user-input - [0:0]\n### RULES ###\n\n' +
        '### tuple ### allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 5432 -j ACCEPT\n\n' +
        '### tuple ### allow tcp 6379 0.0.0.0/0 any 10.0.0.0/8 in\n-A ufw-user-input -p tcp --dport 6379 -s 10.0.0.0/8 -j ACCEPT\n\n' +
        '### END RULES ###\nCOMMIT\n';
      assert.deepEqual(findings('ufw/user.rules', text, SENSITIVE), [['5432', 'warning']]);
    });
  });

  describe('firewalld', () => {
    it('reports a zone port and a zone service open to everyone', () => {
      const text = firewalld('<port protocol="tcp" port="5432"/>', '<service name="ssh"/>');
      assert.deepEqual(findings('zones/public.xml', text, SENSITIVE), [['5432', 'warning'], ['ssh', 'warning']]);
      assertMentions(diagnosticsOf('zones/public.xml', text, SENSITIVE)[0].message, 'PostgreSQL (5432/tcp)', 'allowed from anywhere');
    });

    it('leaves a rich rule with a source address alone', () => {
      const text = firewalld('<rule family="ipv4">\n    <source address="10.0.0.0/8"/>\n    <port protocol="tcp" port="6379"/>\n    <accept/>\n  </rule>');
      assert.deepEqual(findings('zones/public.xml', text, SENSITIVE), []);
    });

    it('reports firewall-cmd in a shell script', () => {
      const text = '#!/bin/bash\nfirewall-cmd --permanent --add-port=5432/tcp\n';
      assert.deepEqual(findings('setup.sh', text, SENSITIVE), [['5432/tcp', 'warning']]);
    });
  });

  describe('other listeners', () => {
    it('reports Apache, HAProxy and systemd sockets on all addresses but not on loopback', () => {
      assert.deepEqual(findings('ports.conf', 'Listen 23\nListen 127.0.0.1:6379\n', SENSITIVE), [['23', 'warning']]);
      // HAProxy relays to servers on Redis's port, which nothing names: a guess.
      const haproxy = 'frontend f\n  bind *:6379\n  bind 127.0.0.1:9200\n  default_backend b\nbackend b\n  server r1 10.0.0.5:6379\n';
      assert.deepEqual(findings('haproxy.cfg', haproxy, SENSITIVE), [['*:6379', 'warning']]);
      assert.deepEqual(findings('docker.socket', '[Socket]\nListenStream=2375\nListenStream=127.0.0.1:5432\n', SENSITIVE), [['2375', 'error']]);
    });

    it('leaves sshd alone: a remote-login daemon exists to be reached', () => {
      assert.deepEqual(findings('sshd_config', 'Port 22\nListenAddress 0.0.0.0\n', SENSITIVE), []);
    });
  });

  describe('what the user says runs where (portLens.services)', () => {
    const knowledgeBase = (services: Record<string, string>) => new KnowledgeBase(parseUserPortData({ services }).data);

    it('offers to record that a guessed port runs the service\'s own software, which then silences it', () => {
      const text = 'services:\n  api:\n    image: registry.example.com/team/api:1\n    ports:\n      - "5000:5000"\n';
      const [guess] = diagnosticsOf('compose.yaml', text, SENSITIVE);
      const fix = guess.fixes?.find((candidate) => candidate.kind === 'declare-software');
      assert.deepEqual(fix, { kind: 'declare-software', title: 'This is not Docker Registry (also Flask dev server): record that service api runs its own software', key: 'api', software: 'api' });
      assert.deepEqual(findings('compose.yaml', text, SENSITIVE, { knowledgeBase: knowledgeBase({ api: 'api' }) }), []);
    });

    it('names software the user declares when it is the sensitive one, at full severity', () => {
      const text = 'services:\n  cache:\n    image: registry.example.com/team/cache:3\n    ports:\n      - "6379:6379"\n';
      assert.deepEqual(findings('compose.yaml', text, SENSITIVE), [['6379:6379', 'warning']]);
      const declared = diagnosticsOf('compose.yaml', text, SENSITIVE, { knowledgeBase: knowledgeBase({ 'registry.example.com/team/cache': 'Redis' }) });
      assert.deepEqual(declared.map((diagnostic) => [diagnostic.severity, diagnostic.message.slice(0, 16)]), [['error', 'Redis (6379/tcp)']]);
    });

    it('offers a file glob for a Dockerfile, which has no service name', () => {
      const [guess] = diagnosticsOf('api/Dockerfile', 'FROM python:3.12\nEXPOSE 5000\n', SENSITIVE);
      const fix = guess.fixes?.find((candidate) => candidate.kind === 'declare-software');
      assert.equal(fix?.kind === 'declare-software' ? fix.key : undefined, '**/api/Dockerfile');
    });
  });

  describe("the user's catalogue", () => {
    it('is silent for a port the user silenced, and reports a port the user added, at their severity', () => {
      const { data, problems } = parseUserPortData({
        silencedSensitivePorts: ['5432/tcp'],
        additionalSensitivePorts: { '8443': { severity: 'high', reason: 'Internal admin console.' } },
      });
      assert.deepEqual(problems, []);
      const knowledgeBase = new KnowledgeBase(data);
      const text = 'FROM x\nEXPOSE 5432 8443\n';
      const found = diagnosticsOf('Dockerfile', text, SENSITIVE, { knowledgeBase });
      assert.deepEqual(found.map((diagnostic) => [slice(text, diagnostic.range), diagnostic.severity]), [['8443', 'error']]);
      assertMentions(found[0].message, '8443', 'Internal admin console.');
    });
  });
});

describe('rule plaintext-protocol', () => {
  it('reports Telnet exposed by a Dockerfile, with the encrypted alternative', () => {
    const text = 'FROM x\nEXPOSE 23\n';
    const diagnostic = onlyDiagnostic('Dockerfile', text, PLAINTEXT);
    assert.equal(slice(text, diagnostic.range), '23');
    assert.equal(diagnostic.severity, 'info');
    assertMentions(diagnostic.message, 'Telnet (23/tcp)', 'unencrypted', 'exposed by EXPOSE', 'SSH (22)');
  });

  it('reports SNMP only over udp, where it runs', () => {
    const text = 'FROM x\nEXPOSE 161/tcp 161/udp\n';
    assert.deepEqual(findings('Dockerfile', text, PLAINTEXT), [['161/udp', 'info']]);
    assertMentions(diagnosticsOf('Dockerfile', text, PLAINTEXT)[0].message, 'SNMP (161/udp)', 'SNMPv3');
  });

  it('says nothing about a range', () => {
    assert.deepEqual(findings('Dockerfile', 'FROM x\nEXPOSE 20-23\n', PLAINTEXT), []);
  });

  it('reports FTP published by Compose, not when bound to loopback', () => {
    const text = compose('"21:21"', '"127.0.0.1:23:23"');
    assert.deepEqual(findings('compose.yaml', text, PLAINTEXT), [['21:21', 'info']]);
    assertMentions(diagnosticsOf('compose.yaml', text, PLAINTEXT)[0].message, 'FTP control (21/tcp)', 'FTPS');
  });

  it('reports a NodePort Service but not a ClusterIP one', () => {
    assert.deepEqual(findings('k8s/mq.yaml', nodePortService('NodePort', 1883), PLAINTEXT), [['1883', 'info']]);
    assert.deepEqual(findings('k8s/mq.yaml', nodePortService('ClusterIP', 1883), PLAINTEXT), []);
  });

  it('reports an nginx mail listener on all addresses', () => {
    const text = 'mail {\n  server {\n    listen 110;\n    listen 127.0.0.1:143;\n  }\n}\n';
    const diagnostic = onlyDiagnostic('nginx.conf', text, PLAINTEXT);
    assertMentions(diagnostic.message, 'POP3 (110/tcp)', 'POP3S (995)');
  });

  it('reports firewall allows from anywhere in iptables, nftables, ufw and firewalld, and none restricted or denied', () => {
    assert.deepEqual(findings('rules.v4', iptables('-A INPUT -p tcp --dport 23 -j ACCEPT', '-A INPUT -p tcp --dport 21 -j DROP'), PLAINTEXT), [['23', 'info']]);
    assert.deepEqual(findings('nftables.conf', nftables('tcp dport 110 accept', 'ip saddr 10.0.0.0/8 tcp dport 143 accept'), PLAINTEXT), [['110', 'info']]);
    assert.deepEqual(findings('firewall.sh', ufwScript('ufw allow 1883/tcp', 'ufw deny 23/tcp'), PLAINTEXT), [['1883/tcp', 'info']]);
    assert.deepEqual(findings('zones/public.xml', firewalld('<port protocol="tcp" port="5900"/>'), PLAINTEXT), [['5900', 'info']]);
  });

  it('reports Apache, HAProxy and systemd listeners on all addresses', () => {
    assert.deepEqual(findings('ports.conf', 'Listen 21\n', PLAINTEXT), [['21', 'info']]);
    assert.deepEqual(findings('haproxy.cfg', 'frontend f\n  bind :6379\n  bind 127.0.0.1:23\n', PLAINTEXT), [[':6379', 'info']]);
    assert.deepEqual(findings('app.socket', '[Socket]\nListenStream=2375\n', PLAINTEXT), [['2375', 'info']]);
  });

  it('leaves encrypted services alone', () => {
    assert.deepEqual(findings('Dockerfile', 'FROM x\nEXPOSE 22 443 993 6380\n', PLAINTEXT), []);
  });
});
