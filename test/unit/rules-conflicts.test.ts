/**
 * `host-port-conflict`: two Compose bindings of one host address, port and protocol, within a
 * file and across the files of one project, and two nginx `default_server` listeners.
 */
import * as assert from 'node:assert/strict';
import { composeProjectConflicts } from '../../src/core/rules/hostPortConflict';
import type { ComposeProjectFile } from '../../src/core/rules/hostPortConflict';
import { settleDiagnostics } from '../../src/core/rules/index';
import { analyze, assertMentions, diagnosticsOf, findings, slice } from './rules-helpers';

const CONFLICT = 'host-port-conflict';

/** A Compose file from `service: [port entries]`. */
function compose(services: Record<string, string[]>): string {
  let text = 'services:\n';
  for (const [name, ports] of Object.entries(services)) {
    text += `  ${name}:\n    image: example\n    ports:\n${ports.map((port) => `      - ${port}\n`).join('')}`;
  }
  return text;
}

function conflicts(text: string): [string, string][] {
  return findings('compose.yaml', text, CONFLICT);
}

function projectFile(fileName: string, text: string): ComposeProjectFile {
  return { fileName, text, references: analyze(fileName, text).references };
}

describe('rule host-port-conflict', () => {
  describe('within one Compose file', () => {
    it('reports both services that publish the same host port, each pointing at the other', () => {
      const text = compose({ web: ['"8080:80"'], api: ['"8080:3000"'] });
      const found = diagnosticsOf('compose.yaml', text, CONFLICT);
      assert.deepEqual(found.map((diagnostic) => [slice(text, diagnostic.range), diagnostic.severity]), [['8080:80', 'error'], ['8080:3000', 'error']]);
      assertMentions(found[0].message, 'Host port 8080/tcp', 'on all interfaces', 'service "api"', 'line 9', 'port is already allocated');
      assertMentions(found[1].message, 'service "web"', 'line 5');
      assert.deepEqual(found[0].related?.map((location) => slice(text, location.range)), ['8080:3000']);
      assert.deepEqual(found[1].related?.map((location) => slice(text, location.range)), ['8080:80']);
    });

    it('collides a wildcard binding with a specific address', () => {
      const text = compose({ web: ['"8080:80"'], admin: ['"127.0.0.1:8080:8080"'] });
      assert.deepEqual(conflicts(text), [['8080:80', 'error'], ['127.0.0.1:8080:8080', 'error']]);
      assertMentions(diagnosticsOf('compose.yaml', text, CONFLICT)[1].message, 'on 127.0.0.1', 'service "web"');
    });

    it('collides 0.0.0.0 and [::] with an unaddressed binding: all mean every interface', () => {
      assert.equal(conflicts(compose({ a: ['"0.0.0.0:9000:9000"'], b: ['"9000:9000"'] })).length, 2);
      assert.equal(conflicts(compose({ a: ['"[::]:9000:9000"'], b: ['"9000:9000"'] })).length, 2);
    });

    it('collides the same specific address written twice', () => {
      assert.equal(conflicts(compose({ a: ['"10.0.0.1:7000:7000"'], b: ['"10.0.0.1:7000:7001"'] })).length, 2);
    });

    it('does not collide two different specific addresses', () => {
      assert.deepEqual(conflicts(compose({ a: ['"10.0.0.1:7000:7000"'], b: ['"10.0.0.2:7000:7000"'] })), []);
      assert.deepEqual(conflicts(compose({ a: ['"127.0.0.1:7000:7000"'], b: ['"[::1]:7000:7000"'] })), []);
    });

    it('does not collide tcp with udp on the same port', () => {
      assert.deepEqual(conflicts(compose({ dns: ['"53:53/udp"'], web: ['"53:53"'] })), []);
      assert.equal(conflicts(compose({ dns: ['"53:53/udp"'], other: ['"53:5353/udp"'] })).length, 2);
    });

    it('does not report one service listing the same mapping twice', () => {
      assert.deepEqual(conflicts(compose({ web: ['"3000:3000"', '"3000:3000"'] })), []);
    });

    it('reports one service mapping one host port to two container ports', () => {
      const text = compose({ web: ['"8080:80"', '"8080:8080"'] });
      assert.deepEqual(conflicts(text), [['8080:80', 'error'], ['8080:8080', 'error']]);
      assertMentions(diagnosticsOf('compose.yaml', text, CONFLICT)[0].message, 'again by service "web"');
    });

    it('reports long syntax against short syntax', () => {
      const text = compose({ web: ['"8080:80"'], api: ['target: 3000\n        published: "8080"'] });
      assert.deepEqual(conflicts(text), [['8080:80', 'error'], ['8080', 'error']]);
    });

    it('reports overlapping ranges, and a single port inside a range', () => {
      assert.deepEqual(conflicts(compose({ a: ['"6000-6010:6000-6010"'], b: ['"6005-6020:6005-6020"'] })), [
        ['6000-6010:6000-6010', 'error'],
        ['6005-6020:6005-6020', 'error'],
      ]);
      const text = compose({ a: ['"6000-6010:6000-6010"'], b: ['"6005:6005"'] });
      assert.deepEqual(conflicts(text), [['6000-6010:6000-6010', 'error'], ['6005:6005', 'error']]);
      assertMentions(diagnosticsOf('compose.yaml', text, CONFLICT)[0].message, 'Host port 6000-6010/tcp');
    });

    it('does not report ranges that only touch', () => {
      assert.deepEqual(conflicts(compose({ a: ['"6000-6010:6000-6010"'], b: ['"6011-6020:6011-6020"'] })), []);
    });

    it('ignores a host range mapped to one container port: Docker picks any free port in it', () => {
      assert.deepEqual(conflicts(compose({ a: ['"4000-4010:5000"'], b: ['"4005:4005"'] })), []);
    });

    it('ignores ephemeral host ports and host-network services', () => {
      assert.deepEqual(conflicts(compose({ a: ['"5000"'], b: ['"5000"'] })), []);
      const text = 'services:\n  a:\n    network_mode: host\n    ports:\n      - "80:80"\n  b:\n    ports:\n      - "80:80"\n';
      assert.deepEqual(conflicts(text), []);
    });

    it('counts further collisions in the message and lists each as related', () => {
      const text = compose({ a: ['"8080:80"'], b: ['"8080:81"'], c: ['"8080:82"'] });
      const first = diagnosticsOf('compose.yaml', text, CONFLICT)[0];
      assertMentions(first.message, 'service "b"', 'and 1 more');
      assert.deepEqual(first.related?.map((location) => slice(text, location.range)), ['8080:81', '8080:82']);
    });
  });

  describe('across the files of a Compose project', () => {
    const base = compose({ web: ['"8080:80"'], db: ['"5432:5432"'] });

    it('reports ports an override appends to a service, and another service taking the port, in both files', () => {
      const override = compose({ web: ['"8080:8080"'], api: ['"5432:5433"'] });
      const results = composeProjectConflicts([projectFile('compose.yaml', base), projectFile('compose.override.yaml', override)]);
      const inBase = results.get('compose.yaml') ?? [];
      const inOverride = results.get('compose.override.yaml') ?? [];
      assert.deepEqual(inBase.map((diagnostic) => [diagnostic.rule, diagnostic.severity, slice(base, diagnostic.range)]), [
        [CONFLICT, 'error', '8080:80'],
        [CONFLICT, 'error', '5432:5432'],
      ]);
      assert.deepEqual(inOverride.map((diagnostic) => slice(override, diagnostic.range)), ['8080:8080', '5432:5433']);
      assertMentions(inBase[0].message, 'again by service "web"', 'compose.override.yaml line 5');
      assertMentions(inOverride[1].message, 'service "db"', 'compose.yaml line 9');
      assert.equal(inBase[0].related?.[0].fileName, 'compose.override.yaml');
      assert.equal(slice(override, inBase[0].related?.[0].range ?? { start: 0, end: 0 }), '8080:8080');
    });

    it('does not report the same mapping repeated by an override: Compose merges it', () => {
      const override = compose({ web: ['"8080:80"'] });
      assert.equal(composeProjectConflicts([projectFile('compose.yaml', base), projectFile('compose.override.yaml', override)]).size, 0);
    });

    it('does not report a list the override replaces with !override', () => {
      const override = 'services:\n  web:\n    ports: !override\n      - "8080:8080"\n';
      assert.equal(composeProjectConflicts([projectFile('compose.yaml', base), projectFile('compose.override.yaml', override)]).size, 0);
    });

    it('does not report a port freed by !reset and taken by another service', () => {
      const override = 'services:\n  web:\n    ports: !reset []\n  api:\n    image: example\n    ports:\n      - "8080:3000"\n';
      assert.equal(composeProjectConflicts([projectFile('compose.yaml', base), projectFile('compose.override.yaml', override)]).size, 0);
      const withoutReset = 'services:\n  api:\n    image: example\n    ports:\n      - "8080:3000"\n';
      assert.equal(composeProjectConflicts([projectFile('compose.yaml', base), projectFile('compose.override.yaml', withoutReset)]).size, 2);
    });

    it('leaves conflicts inside one file to the per-file check, and needs two files', () => {
      const both = compose({ a: ['"8080:80"'], b: ['"8080:81"'] });
      assert.equal(composeProjectConflicts([projectFile('compose.yaml', both), projectFile('compose.override.yaml', 'services: {}\n')]).size, 0);
      assert.equal(composeProjectConflicts([projectFile('compose.yaml', both)]).size, 0);
    });

    it("settles project diagnostics with each file's suppressions and severities", () => {
      const override = 'services:\n  web:\n    ports:\n      # port-lens-ignore host-port-conflict\n      - "8080:8080"\n';
      const results = composeProjectConflicts([projectFile('compose.yaml', base), projectFile('compose.override.yaml', override)]);
      assert.deepEqual(settleDiagnostics(results.get('compose.override.yaml') ?? [], override, 'compose'), []);
      const inBase = results.get('compose.yaml') ?? [];
      assert.deepEqual(settleDiagnostics(inBase, base, 'compose', { [CONFLICT]: 'warning' }).map((diagnostic) => diagnostic.severity), ['warning']);
      assert.deepEqual(settleDiagnostics(inBase, base, 'compose', { [CONFLICT]: 'off' }), []);
    });
  });

  describe('nginx default_server', () => {
    it('reports a second default_server on the same address and port in one context', () => {
      const text = 'http {\n  server {\n    listen 80 default_server;\n  }\n  server {\n    listen 80 default_server;\n  }\n}\n';
      const found = diagnosticsOf('nginx.conf', text, CONFLICT);
      assert.equal(found.length, 1);
      assert.equal(found[0].severity, 'error');
      assert.equal(found[0].range.start, text.lastIndexOf('80 default'));
      assert.equal(slice(text, found[0].range), '80');
      assertMentions(found[0].message, 'second default_server', '0.0.0.0:80', 'line 3', 'duplicate default server');
      assert.equal(found[0].related?.[0].range.start, text.indexOf('80 default'));
    });

    it('treats * and no address alike, and the old "default" flag like default_server', () => {
      const text = 'http {\n  server { listen *:8080 default; }\n  server { listen 8080 default_server; }\n}\n';
      assert.equal(diagnosticsOf('nginx.conf', text, CONFLICT).length, 1);
    });

    it('treats 0.0.0.0 like no address, and the spellings of [::] alike', () => {
      const text =
        'http {\n  server {\n    listen 443 ssl default_server;\n    listen [::]:443 ssl default_server;\n  }\n' +
        '  server {\n    listen 0.0.0.0:443 ssl default_server;\n    listen [0:0:0:0:0:0:0:0]:443 ssl default_server;\n  }\n}\n';
      const found = diagnosticsOf('nginx.conf', text, CONFLICT);
      assert.deepEqual(found.map((diagnostic) => slice(text, diagnostic.range)), ['0.0.0.0:443', '[0:0:0:0:0:0:0:0]:443']);
      assertMentions(found[0].message, '0.0.0.0:443', 'line 3');
      assertMentions(found[1].message, '[::]:443', 'line 4');
    });

    it('does not collide a tcp default server with a QUIC (udp) one on the same port', () => {
      const text = 'http {\n  server {\n    listen 443 ssl default_server;\n    listen 443 quic default_server;\n  }\n}\n';
      assert.deepEqual(findings('nginx.conf', text, CONFLICT), []);
    });

    it('does not report default servers on different ports, addresses, families or contexts', () => {
      const text =
        'http {\n  server { listen 80 default_server; listen [::]:80 default_server; }\n' +
        '  server { listen 8080 default_server; listen 10.0.0.1:80 default_server; }\n}\n' +
        'stream {\n  server { listen 80 default_server; }\n}\n';
      assert.deepEqual(findings('nginx.conf', text, CONFLICT), []);
    });

    it('does not report two servers on one port when only one is the default', () => {
      const text = 'http {\n  server { listen 80 default_server; }\n  server { listen 80; server_name example.com; }\n}\n';
      assert.deepEqual(findings('nginx.conf', text, CONFLICT), []);
    });
  });

  it('is not checked in other formats', () => {
    assert.deepEqual(findings('Dockerfile', 'FROM x\nEXPOSE 80\nEXPOSE 80\n', CONFLICT), []);
    assert.deepEqual(findings('rules.v4', '*filter\n-A INPUT -p tcp --dport 80 -j ACCEPT\n-A INPUT -p tcp --dport 80 -j ACCEPT\nCOMMIT\n', CONFLICT), []);
  });
});
