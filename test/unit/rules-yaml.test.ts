/**
 * The Compose-only rules: `yaml-base-60` (unquoted mappings YAML 1.1 reads as numbers) and
 * `ports-ignored-host-network` (mappings Docker drops under `network_mode: host`).
 */
import * as assert from 'node:assert/strict';
import { assertMentions, diagnosticsOf, findings, onlyDiagnostic, slice } from './rules-helpers';

const BASE_60 = 'yaml-base-60';
const HOST_NETWORK = 'ports-ignored-host-network';

function ports(...entries: string[]): string {
  return `services:\n  app:\n    image: example\n    ports:\n${entries.map((entry) => `      - ${entry}\n`).join('')}`;
}

describe('rule yaml-base-60', () => {
  it('reports an unquoted mapping whose parts are all below 60, with its base-60 value', () => {
    const text = ports('22:22');
    const diagnostic = onlyDiagnostic('compose.yaml', text, BASE_60);
    assert.equal(slice(text, diagnostic.range), '22:22');
    assert.equal(diagnostic.severity, 'warning');
    assertMentions(diagnostic.message, 'Unquoted 22:22', 'base-60 number 1342', 'YAML 1.1', 'quote it');
  });

  it('reports a large first group: only the later ones must be below 60', () => {
    const diagnostic = onlyDiagnostic('compose.yaml', ports('5900:59'), BASE_60);
    assertMentions(diagnostic.message, '5900:59', '354059');
  });

  it('reports unquoted entries of a flow list, not quoted ones', () => {
    const text = 'services:\n  app:\n    ports: [22:22, "23:23", 5900:59]\n';
    assert.deepEqual(findings('compose.yaml', text, BASE_60), [['22:22', 'warning'], ['5900:59', 'warning']]);
  });

  it('leaves quoted mappings alone', () => {
    assert.deepEqual(findings('compose.yaml', ports('"22:22"', "'21:21'"), BASE_60), []);
  });

  it('leaves mappings YAML reads as strings alone: a part of 60 or more, a protocol, an address, a range', () => {
    assert.deepEqual(findings('compose.yaml', ports('8080:80', '22:22/udp', '127.0.0.1:22:22', '20-21:20-21', '5432'), BASE_60), []);
  });

  it('is not checked outside Compose', () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  mapping: 22:22\n';
    assert.deepEqual(findings('k8s/config.yaml', manifest, BASE_60), []);
  });
});

describe('rule ports-ignored-host-network', () => {
  const text =
    'services:\n  proxy:\n    network_mode: "host"\n    ports:\n      - "8080:80"\n      - target: 443\n        published: 8443\n    expose:\n      - "9000"\n' +
    '  web:\n    network_mode: bridge\n    ports:\n      - "8081:80"\n';

  it('reports each short and long mapping of a host-network service', () => {
    const found = diagnosticsOf('compose.yaml', text, HOST_NETWORK);
    assert.deepEqual(found.map((diagnostic) => [slice(text, diagnostic.range), diagnostic.severity]), [['8080:80', 'warning'], ['8443', 'warning']]);
    assertMentions(found[0].message, 'mapping of 80/tcp is ignored', 'service "proxy"', 'network_mode: host');
    assertMentions(found[1].message, '443/tcp');
  });

  it('leaves expose: entries and services on other networks alone', () => {
    assert.ok(!diagnosticsOf('compose.yaml', text, HOST_NETWORK).some((diagnostic) => ['9000', '8081:80'].includes(slice(text, diagnostic.range))));
  });

  it('replaces the other findings about those mappings: a port Docker ignores is not exposed', () => {
    const sensitive = 'services:\n  cache:\n    network_mode: host\n    ports:\n      - "6379:6379"\n';
    assert.deepEqual(
      diagnosticsOf('compose.yaml', sensitive, 'sensitive-port-exposed').concat(diagnosticsOf('compose.yaml', sensitive, 'host-port-conflict')),
      [],
    );
    assert.deepEqual(findings('compose.yaml', sensitive, HOST_NETWORK), [['6379:6379', 'warning']]);
  });
});
