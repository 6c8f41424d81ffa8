/**
 * The rules that report what the scanners found wrong: `invalid-port` (whatever the tool reading
 * the file would reject), `parse-error` and `unresolved-port`, in every format.
 */
import * as assert from 'node:assert/strict';
import { ruleForProblem } from '../../src/core/analysis';
import { analyze, assertMentions, findings, onlyDiagnostic, slice } from './rules-helpers';

const INVALID = 'invalid-port';
const PARSE = 'parse-error';
const UNRESOLVED = 'unresolved-port';

describe('rule invalid-port', () => {
  it('reports out-of-range ports, junk and unknown protocols in a Dockerfile as errors', () => {
    const text = 'FROM x\nEXPOSE 99999 abc/tcp 80/xyz\n';
    assert.deepEqual(findings('Dockerfile', text, INVALID), [['99999', 'error'], ['abc', 'error'], ['xyz', 'error']]);
    assertMentions(onlyDiagnostic('Dockerfile', 'FROM x\nEXPOSE 99999\n', INVALID).message, '99999', 'out of range');
  });

  it("keeps the scanner's milder grade for a hint such as an uppercase protocol", () => {
    const text = 'FROM x\nEXPOSE 53/UDP\n';
    const diagnostic = onlyDiagnostic('Dockerfile', text, INVALID);
    assert.equal(diagnostic.severity, 'warning');
    assert.equal(slice(text, diagnostic.range), 'UDP');
  });

  it('reports Compose ports out of range, reversed ranges and unknown protocols', () => {
    const text = 'services:\n  app:\n    ports:\n      - "70000:80"\n      - "9000-8000:80"\n      - "8080:80/xyz"\n      - "localhost:6379:6379"\n';
    assert.deepEqual(findings('compose.yaml', text, INVALID), [['70000', 'error'], ['9000-8000', 'error'], ['xyz', 'error'], ['localhost', 'error']]);
  });

  it('reports Kubernetes containerPort 0 and 70000', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      ports:\n        - containerPort: 0\n        - containerPort: 70000\n';
    assert.deepEqual(findings('k8s/pod.yaml', text, INVALID), [['0', 'error'], ['70000', 'error']]);
    assertMentions(onlyDiagnostic('k8s/pod.yaml', text.replace('70000', '8080'), INVALID).message, 'containerPort 0', '1-65535');
  });

  it('reports an nginx listen port above 65535', () => {
    assert.deepEqual(findings('nginx.conf', 'http {\n  server {\n    listen 99999;\n  }\n}\n', INVALID), [['99999', 'error']]);
  });

  it('reports iptables ports out of range and reversed ranges', () => {
    const text = '*filter\n-A INPUT -p tcp --dport 70000 -j ACCEPT\n-A INPUT -p tcp --dport 2000:1000 -j ACCEPT\nCOMMIT\n';
    assert.deepEqual(findings('rules.v4', text, INVALID), [['70000', 'error'], ['2000:1000', 'error']]);
  });

  it('reports nftables, ufw and firewalld values their tools reject', () => {
    const nft = 'table inet f {\n  chain input {\n    type filter hook input priority 0;\n    tcp dport 70000 accept\n  }\n}\n';
    assert.deepEqual(findings('nftables.conf', nft, INVALID), [['70000', 'error']]);
    assert.deepEqual(findings('setup.sh', '#!/bin/sh\nufw allow 70000\nufw allow 1000:2000\n', INVALID), [['70000', 'error'], ['1000:2000', 'error']]);
    // firewall-offline-cmd takes port 0 in a zone and refuses 65536.
    const zone = '<?xml version="1.0"?>\n<zone>\n  <port protocol="tcp" port="65536"/>\n  <port protocol="xyz" port="80"/>\n</zone>\n';
    assert.deepEqual(findings('zones/public.xml', zone, INVALID), [['65536', 'error'], ['xyz', 'error']]);
  });

  it('reports an sshd port out of range', () => {
    assert.deepEqual(findings('sshd_config', 'Port 99999\n', INVALID), [['99999', 'error']]);
  });

  it('says nothing about valid files', () => {
    assert.deepEqual(analyze('Dockerfile', 'FROM x\nEXPOSE 8080 8443/tcp 9000-9010/udp\n').diagnostics, []);
  });
});

describe('rule parse-error', () => {
  it('reports a broken Compose file as a warning whatever the scanner graded it', () => {
    const text = 'services:\n  app:\n    ports:\n      - "80:80\n';
    const found = analyze('compose.yaml', text).problems.filter((problem) => ruleForProblem(problem) === PARSE);
    assert.equal(found[0]?.severity, 'error', 'the scanner grades the YAML error as an error');
    const diagnostic = onlyDiagnostic('compose.yaml', text, PARSE);
    assert.equal(diagnostic.severity, 'warning');
    assertMentions(diagnostic.message, 'closing', 'quote');
  });

  it('reports unbalanced braces in nginx and nftables at the brace', () => {
    assert.deepEqual(findings('nginx.conf', 'http {\n  server {\n    listen 80;\n}\n', PARSE), [['{', 'warning']]);
    assert.deepEqual(findings('nftables.conf', 'table inet f {\n  chain input {\n    tcp dport 22 accept\n  }\n', PARSE), [['{', 'warning']]);
  });

  it('reports a firewalld tag that is never closed', () => {
    const text = '<?xml version="1.0"?>\n<zone>\n  <port protocol="tcp"\n</zone>\n';
    const found = findings('zones/public.xml', text, PARSE);
    assert.ok(found.length > 0 && found.every(([, severity]) => severity === 'warning'), JSON.stringify(found));
    assertMentions(onlyDiagnosticMessages('zones/public.xml', text), 'not closed');
  });

  it('reports broken Kubernetes YAML on the line that breaks it', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      ports:\n        - containerPort: [80\n';
    const diagnostic = onlyDiagnostic('k8s/pod.yaml', text, PARSE);
    assert.equal(diagnostic.severity, 'warning');
    const line = text.slice(text.lastIndexOf('\n', diagnostic.range.start - 1) + 1, text.indexOf('\n', diagnostic.range.start));
    assert.equal(line, '        - containerPort: [80');
    assertMentions(diagnostic.message, 'Flow sequence');
  });

  it('reports an iptables-restore table without COMMIT', () => {
    const text = '*filter\n-A INPUT -p tcp --dport 80 -j ACCEPT\n';
    const diagnostic = onlyDiagnostic('rules.v4', text, PARSE);
    assert.equal(slice(text, diagnostic.range), '*filter');
    assertMentions(diagnostic.message, 'COMMIT');
  });

  it('reports a malformed ufw tuple', () => {
    const text = '*filter\n### RULES ###\n### tuple ### allow tcp 22\n### END RULES ###\nCOMMIT\n';
    const diagnostic = onlyDiagnostic('ufw/user.rules', text, PARSE);
    assert.equal(slice(text, diagnostic.range), '### tuple ### allow tcp 22');
    assertMentions(diagnostic.message, 'malformed tuple');
  });
});

/** Every parse-error message of a file, joined, for files that report one problem in several ways. */
function onlyDiagnosticMessages(fileName: string, text: string): string {
  return analyze(fileName, text).diagnostics.filter((diagnostic) => diagnostic.rule === PARSE).map((diagnostic) => diagnostic.message).join(' | ');
}

describe('rule unresolved-port', () => {
  it('reports an unset Compose variable as information', () => {
    const text = 'services:\n  app:\n    ports:\n      - "${WEB_PORT}:80"\n';
    const diagnostic = onlyDiagnostic('compose.yaml', text, UNRESOLVED);
    assert.equal(slice(text, diagnostic.range), '${WEB_PORT}');
    assert.equal(diagnostic.severity, 'info');
    assertMentions(diagnostic.message, 'WEB_PORT', '.env');
  });

  it('is silent once the variable has a value, and the port is checked like any other', () => {
    const text = 'services:\n  app:\n    ports:\n      - "${DB_PORT}:5432"\n';
    assert.deepEqual(findings('compose.yaml', text, UNRESOLVED, { env: { DB_PORT: '5432' } }), []);
    assert.deepEqual(findings('compose.yaml', text, 'sensitive-port-exposed', { env: { DB_PORT: '5432' } }).map(([, severity]) => severity), ['warning']);
  });

  it('reports a Dockerfile build argument without a default', () => {
    assert.deepEqual(findings('Dockerfile', 'FROM x\nEXPOSE $PORT\n', UNRESOLVED), [['$PORT', 'info']]);
    assert.deepEqual(findings('Dockerfile', 'FROM x\nARG PORT=8080\nEXPOSE $PORT\n', UNRESOLVED), []);
  });

  it('reports an unassigned variable in an iptables script, and an unknown service name as invalid', () => {
    const text = '#!/bin/sh\niptables -A INPUT -p tcp --dport $WEB_PORT -j ACCEPT\niptables -A INPUT -p tcp --dport nosuchsvc -j ACCEPT\niptables -A INPUT -p tcp --dport https -j ACCEPT\n';
    assert.deepEqual(findings('firewall.sh', text, UNRESOLVED), [['$WEB_PORT', 'info']]);
    // iptables refuses the name: "invalid port/service `nosuchsvc' specified".
    assert.deepEqual(findings('firewall.sh', text, INVALID), [['nosuchsvc', 'error']]);
    assert.deepEqual(findings('firewall.sh', 'WEB_PORT=8080\n' + text.slice(text.indexOf('\n') + 1, text.indexOf('\n', text.indexOf('\n') + 1) + 1), UNRESOLVED), []);
  });

  it('reports unknown names in nftables, ufw and firewalld', () => {
    const nft = 'include "ports.nft"\ntable inet f {\n  chain input {\n    type filter hook input priority 0;\n    tcp dport $WEB accept\n  }\n}\n';
    assert.deepEqual(findings('nftables.conf', nft, UNRESOLVED), [['$WEB', 'info']]);
    assert.deepEqual(findings('setup.sh', '#!/bin/sh\nufw allow NoSuchApp\n', UNRESOLVED), [['NoSuchApp', 'info']]);
    const zone = '<?xml version="1.0"?>\n<zone>\n  <service name="nosuchservice"/>\n</zone>\n';
    assert.deepEqual(findings('zones/public.xml', zone, UNRESOLVED), [['nosuchservice', 'info']]);
  });
});
