/**
 * A server's own configuration names the software on its listeners: nginx, HAProxy and Apache
 * answer there themselves or relay to the addresses the file names; a systemd socket hands its
 * port to the program its service starts.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../src/core/analysis';
import { KnowledgeBase } from '../../src/core/ports/knowledgeBase';
import { softwareOfProgram } from '../../src/core/ports/softwareIdentity';
import { describeSoftwareEvidence, judgedRisk, softwareEvidence } from '../../src/core/rules/softwareEvidence';
import { scanFile } from '../../src/core/scanners/index';
import { findings } from './rules-helpers';
import { findings as modelFindings, modelOf, pathOf } from './wiringHarness';

const SENSITIVE = 'sensitive-port-exposed';
const knowledge = new KnowledgeBase();

/** The hover's evidence line and the sidebar's grade for the reference written as `written`. */
function evidenceOf(fileName: string, text: string, written: string): { hover: string | undefined; risk: string } {
  const scan = scanFile(fileName, text);
  assert.ok(scan, fileName);
  const reference = scan.references.find((candidate) => text.slice(candidate.range.start, candidate.range.end) === written);
  assert.ok(reference, `no reference written ${written}`);
  const evidence = softwareEvidence(reference, scan.format, scan.wiring);
  return { hover: describeSoftwareEvidence(reference, scan.format, scan.wiring), risk: judgedRisk(knowledge, reference, evidence, fileName) ?? 'none' };
}

describe('the software behind a server\'s own listeners', () => {
  describe('nginx', () => {
    it('answers a server that serves files itself: ClickHouse and Flink are not what runs on 9000 and 8081', () => {
      const text = 'http {\n  server {\n    listen 9000;\n    root /srv/www;\n  }\n  server {\n    listen 8081;\n    location / { return 200 "ok"; }\n  }\n}\n';
      assert.deepEqual(findings('nginx.conf', text, SENSITIVE), []);
      assert.deepEqual(evidenceOf('nginx.conf', text, '9000'), {
        hover: 'nginx answers on 9000 itself: nothing in its configuration relays it elsewhere, so the number\'s other uses do not apply.',
        risk: 'none',
      });
    });

    it('keeps a stream server that relays 6379 to a Redis port as a warning that says where it relays', () => {
      const text = 'stream {\n  server {\n    listen 6379;\n    proxy_pass 10.0.0.30:6379;\n  }\n}\n';
      assert.deepEqual(findings('nginx.conf', text, SENSITIVE), [['6379', 'warning']]);
      const [diagnostic] = analyzeFile('nginx.conf', text)?.diagnostics.filter((found) => found.rule === SENSITIVE) ?? [];
      assert.match(diagnostic.message, /6379 is also used by Redis/);
      assert.match(diagnostic.message, /Here nginx relays it to `proxy_pass 10\.0\.0\.30:6379`, and nothing here names the software there, so this rests on the port number alone\./);
      assert.deepEqual(evidenceOf('nginx.conf', text, '6379'), { hover: 'nginx relays 6379 to `proxy_pass 10.0.0.30:6379`: what answers there decides the risk.', risk: 'medium' });
    });

    it('leaves a listener that relays to another port alone, through an upstream block defined later', () => {
      const text = 'http {\n  server {\n    listen 9000;\n    include proxy_params;\n    location / { proxy_pass http://app; }\n  }\n  upstream app { server app:3000; server 10.0.0.2; }\n}\n';
      assert.deepEqual(findings('nginx.conf', text, SENSITIVE), []);
      assert.equal(evidenceOf('nginx.conf', text, '9000').hover, 'nginx relays 9000 to `upstream app`, `upstream app`: what answers there decides the risk.');
    });

    it('guesses when an upstream server carries the same port', () => {
      const text = 'http {\n  upstream search { server es1:9200; server es2:9200; }\n  server {\n    listen 9200;\n    location / { proxy_pass http://search; }\n  }\n}\n';
      assert.deepEqual(findings('nginx.conf', text, SENSITIVE), [['9200', 'warning']]);
    });

    it('guesses when an include or a variable address hides what answers', () => {
      const include = 'http {\n  server {\n    listen 9200;\n    include snippets/locations.conf;\n  }\n}\n';
      assert.deepEqual(findings('nginx.conf', include, SENSITIVE), [['9200', 'warning']]);
      assert.match(evidenceOf('nginx.conf', include, '9200').hover ?? '', /out of this file's sight/);
      const variable = 'http {\n  server {\n    listen 9200;\n    location / { proxy_pass http://$backend_host; }\n  }\n}\n';
      assert.deepEqual(findings('nginx.conf', variable, SENSITIVE), [['9200', 'warning']]);
    });

    it('reads the locations of a snippet as those of the server it is included in', () => {
      const text = 'listen 9000;\nlocation / { proxy_pass http://app:3000; }\n';
      assert.deepEqual(findings('sites-enabled/app', text, SENSITIVE), []);
      assert.equal(evidenceOf('sites-enabled/app', text, '9000').hover, 'nginx relays 9000 to `proxy_pass http://app:3000`: what answers there decides the risk.');
    });

    it('judges an upstream address as before: it is not nginx\'s own listener', () => {
      const text = 'stream {\n  server {\n    listen 127.0.0.1:7000;\n    proxy_pass 10.0.0.30:6379;\n  }\n}\n';
      assert.equal(evidenceOf('nginx.conf', text, '10.0.0.30:6379').hover, undefined);
    });
  });

  describe('programs and unit names', () => {
    it('names the software of a program path or unit name, through versions and template instances', () => {
      const cases: [string, string | undefined][] = [
        ['/usr/bin/redis-server', 'Redis'],
        ['redis', 'Redis'],
        ['/usr/sbin/mysqld', 'MySQL'],
        ['postgresql@14-main', 'PostgreSQL'],
        ['/usr/bin/dockerd', 'Docker Engine'],
        ['/usr/bin/python3.12', 'Python'],
        ['php8.2-fpm', 'PHP'],
        ['/usr/bin/node', 'Node.js'],
        ['/opt/app/bin/server', undefined],
      ];
      for (const [program, software] of cases) {
        assert.equal(softwareOfProgram(program)?.software, software, program);
      }
    });
  });

  describe('systemd sockets', () => {
    it('names Redis and the Docker API by the socket unit\'s own name', () => {
      assert.deepEqual(findings('/etc/systemd/system/redis.socket', '[Socket]\nListenStream=0.0.0.0:6379\n', SENSITIVE), [['0.0.0.0:6379', 'error']]);
      const [docker] = analyzeFile('/etc/systemd/system/docker.socket', '[Socket]\nListenStream=2375\n')?.diagnostics.filter((found) => found.rule === SENSITIVE) ?? [];
      assert.equal(docker.severity, 'error');
      assert.match(docker.message, /^Docker Engine \(2375\/tcp\)/);
    });

    it('reports Redis moved to another port by its socket, by name', () => {
      const [moved] = analyzeFile('/etc/systemd/system/redis.socket', '[Socket]\nListenStream=9000\n')?.diagnostics.filter((found) => found.rule === SENSITIVE) ?? [];
      assert.ok(moved, 'Redis on 9000 is reported');
      assert.match(moved.message, /^Redis \(9000\/tcp\)/);
      assert.match(moved.message, /The socket hands this port to Redis, whose default is 6379\./);
      assert.doesNotMatch(moved.message, /ClickHouse/);
    });

    it('leaves a socket of a program that is something else alone', () => {
      assert.deepEqual(findings('/etc/systemd/system/nginx.socket', '[Socket]\nListenStream=9000\n', SENSITIVE), []);
    });

    it('leaves a socket whose name says nothing to the workspace model, which reads its service\'s ExecStart', () => {
      const socket = '[Socket]\nListenStream=2375\n\n[Install]\nWantedBy=sockets.target\n';
      assert.deepEqual(findings('/etc/systemd/system/api.socket', socket, SENSITIVE), []);
      const docker = modelOf({ 'units/api.socket': socket, 'units/api.service': '[Service]\nExecStart=-/usr/bin/dockerd -H fd://\n' });
      const [named] = modelFindings(docker, 'units/api.socket', SENSITIVE);
      assert.equal(named?.severity, 'error');
      assert.match(named?.message ?? '', /^Docker Engine \(2375\/tcp\)/);
      assert.deepEqual(named?.related?.map((related) => related.fileName), [pathOf('units/api.service')]);
      const node = modelOf({ 'units/api.socket': socket, 'units/api.service': '[Service]\nExecStart=/usr/bin/node /srv/api/server.js\n' });
      const [guess] = modelFindings(node, 'units/api.socket', SENSITIVE);
      assert.equal(guess?.severity, 'warning');
      assert.match(guess?.message ?? '', /Here it runs a Node\.js app, so this rests on the port number alone\./);
    });

    it('guesses, at most a warning, when the service unit is not there', () => {
      const model = modelOf({ 'units/api.socket': '[Socket]\nListenStream=2375\n' });
      model.markAbsent(pathOf('units/api.service'));
      const [guess] = modelFindings(model, 'units/api.socket', SENSITIVE);
      assert.equal(guess?.severity, 'warning');
      assert.match(guess?.message ?? '', /software this file does not name/);
    });

    it('follows Service= to the unit it names', () => {
      const model = modelOf({ 'units/edge.socket': '[Socket]\nListenStream=6379\nService=cache.service\n', 'units/cache.service': '[Service]\nExecStart=/usr/bin/redis-server /etc/redis.conf\n' });
      const [named] = modelFindings(model, 'units/edge.socket', SENSITIVE);
      assert.match(named?.message ?? '', /^Redis \(6379\/tcp\)/);
    });
  });
});

describe('nginx relay facts stay linear', () => {
  it('many servers relaying to one large upstream keep a bounded list each, and say they cannot tell past it', () => {
    const servers = Array.from({ length: 2000 }, (_, index) => `  server 10.0.${index >> 8}.${index & 255}:${7000 + index};`).join('\n');
    const blocks = Array.from({ length: 200 }, (_, index) => `  server {\n    listen ${20000 + index};\n    location /a { proxy_pass http://big; }\n    location /b { proxy_pass http://big; }\n  }`).join('\n');
    const text = `http {\n  upstream big {\n${servers}\n  }\n${blocks}\n}\n`;
    const listeners = scanFile('nginx.conf', text)?.wiring?.server?.listeners ?? [];
    assert.equal(listeners.length, 200);
    assert.ok(listeners.every((listener) => listener.forwards.length === 256 && listener.undecided));
  });

  it('counts a target written in two locations once', () => {
    const text = 'http {\n  server {\n    listen 9000;\n    location /a { proxy_pass http://app:3000; }\n    location /b { proxy_pass http://app:3000; }\n  }\n}\n';
    const [listener] = scanFile('nginx.conf', text)?.wiring?.server?.listeners ?? [];
    assert.deepEqual(listener.forwards.map((forward) => [forward.text, forward.port]), [['proxy_pass http://app:3000', 3000]]);
    assert.equal(listener.undecided, false);
  });
});
