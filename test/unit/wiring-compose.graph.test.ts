import * as assert from 'node:assert/strict';
import { allFindings, feed, findings, modelOf, offsetIn, pathOf, spotted } from './wiringHarness';
import type { Files } from './wiringHarness';

const WEB_DOCKERFILE = 'FROM node:20-alpine\nWORKDIR /app\nEXPOSE 8080\nCMD ["node", "server.js"]\n';

describe('Workspace graph: Compose ports against what the image listens on', () => {
  it('flags a container port the built Dockerfile does not expose, naming both ends', () => {
    const files: Files = {
      'compose.yaml': 'services:\n  web:\n    build: ./web\n    ports:\n      - "8000:80"\n',
      'web/Dockerfile': WEB_DOCKERFILE,
    };
    const [finding, ...rest] = findings(modelOf(files), 'compose.yaml', 'container-port-not-listening');
    assert.equal(rest.length, 0);
    assert.equal(spotted(files, 'compose.yaml', finding), '80');
    assert.equal(finding.severity, 'error');
    assert.match(finding.message, /"8000:80" forwards to container port 80, but web listens on 8080 \(web\/Dockerfile:3\)/);
    assert.deepEqual(finding.related?.[0], { message: 'web listens here', range: { start: WEB_DOCKERFILE.indexOf('8080'), end: WEB_DOCKERFILE.indexOf('8080') + 4 }, fileName: pathOf('web/Dockerfile') });
    const fix = finding.fixes?.[0];
    assert.ok(fix && fix.kind === 'edit');
    assert.deepEqual(fix.edits, [{ range: finding.range, newText: '8080' }]);
  });

  it('accepts a mapping onto the exposed port, and follows dockerfile:, target: and stage inheritance', () => {
    const files: Files = {
      'compose.yaml': 'services:\n  web:\n    build:\n      context: ./web\n      dockerfile: Dockerfile.prod\n      target: runtime\n    ports:\n      - "8000:8080"\n      - "9000:9000"\n',
      'web/Dockerfile.prod': 'FROM node:20 AS base\nEXPOSE 9000\nFROM base AS runtime\nEXPOSE 8080\nFROM runtime AS debug\nEXPOSE 9229\n',
    };
    // Only the number-only guess about 9000 (a Node.js app, not ClickHouse), which the model makes for built services.
    assert.deepEqual(findings(modelOf(files), 'compose.yaml').map((finding) => `${finding.rule} ${finding.severity}`), ['sensitive-port-exposed warning']);
  });

  it('says nothing while the Dockerfile is unknown, and asks for it', () => {
    const files: Files = { 'compose.yaml': 'services:\n  web:\n    build: ./web\n    ports:\n      - "8000:80"\n' };
    const model = modelOf(files);
    assert.deepEqual(findings(model, 'compose.yaml'), []);
    assert.ok(model.wantedFiles().includes(pathOf('web/Dockerfile')));
    model.markAbsent(pathOf('web/Dockerfile'));
    assert.ok(!model.wantedFiles().includes(pathOf('web/Dockerfile')));
  });

  it('uses a well-known image\'s default ports as weaker evidence (a warning)', () => {
    const files: Files = { 'compose.yaml': 'services:\n  cache:\n    image: redis:7-alpine\n    ports:\n      - "127.0.0.1:6380:6380"\n' };
    const [finding] = findings(modelOf(files), 'compose.yaml', 'container-port-not-listening');
    assert.ok(finding);
    assert.equal(finding.severity, 'warning');
    assert.match(finding.message, /cache listens on 6379/);
  });

  it('drops an image\'s defaults when the command or a *PORT* variable may move the port', () => {
    for (const extra of ['    command: ["redis-server", "--port", "6380"]\n', '    environment:\n      REDIS_PORT: "6380"\n']) {
      const files: Files = { 'compose.yaml': `services:\n  cache:\n    image: redis:7\n${extra}    ports:\n      - "127.0.0.1:6380:6380"\n` };
      assert.deepEqual(findings(modelOf(files), 'compose.yaml', 'container-port-not-listening'), [], extra);
    }
  });

  it('says nothing about an image it does not know', () => {
    const files: Files = { 'compose.yaml': 'services:\n  app:\n    image: ghcr.io/example/app:1\n    ports:\n      - "127.0.0.1:8000:80"\n' };
    assert.deepEqual(findings(modelOf(files), 'compose.yaml'), []);
  });
});

describe('Workspace graph: dials inside a Compose project', () => {
  const compose = [
    'services:',
    '  proxy:',
    '    image: nginx:1.27',
    '    volumes:',
    '      - ./proxy/nginx.conf:/etc/nginx/nginx.conf:ro',
    '  backend:',
    '    build: ./backend',
    '    environment:',
    '      REDIS_URL: redis://cache:6380/0',
    '      GOOD_REDIS_URL: redis://cache:6379/0',
    '      ELSEWHERE: http://example.com:1234/',
    '    healthcheck:',
    '      test: ["CMD", "curl", "-f", "http://localhost:5001/health"]',
    '  frontend:',
    '    image: node:20',
    '    command: ["npm", "start"]',
    '    expose: ["80"]',
    '    ports:',
    '      - "3000:80"',
    '  cache:',
    '    image: redis:7',
    '',
  ].join('\n');
  const nginx = [
    'events {}',
    'http {',
    '  upstream pool { server backend:5001; server backend:5000; }',
    '  server {',
    '    listen 80;',
    '    location / { proxy_pass http://backend:5000; }',
    '    location /old/ { proxy_pass http://backend:5001; }',
    '    location /app/ { proxy_pass http://frontend:3000; }',
    '    location /ext/ { proxy_pass http://unknown-host:9999; }',
    '  }',
    '}',
    '',
  ].join('\n');
  const files: Files = {
    'compose.yaml': compose,
    'backend/Dockerfile': 'FROM python:3.12\nEXPOSE 5000\n',
    'proxy/nginx.conf': nginx,
  };

  it('flags proxy_pass and upstream servers that dial a port the service does not listen on', () => {
    const model = modelOf(files);
    const found = findings(model, 'proxy/nginx.conf', 'proxy-port-not-listening');
    assert.deepEqual(found.map((finding) => spotted(files, 'proxy/nginx.conf', finding)), ['5001', '5001']);
    assert.match(found[0].message, /dials backend:5001, but backend listens on 5000 \(backend\/Dockerfile:2\)/);
    assert.ok(found[0].related?.some((location) => location.fileName === pathOf('backend/Dockerfile')));
  });

  it('flags a dial to the published host port and offers the container port', () => {
    const [finding] = findings(modelOf(files), 'proxy/nginx.conf', 'dial-published-port');
    assert.equal(spotted(files, 'proxy/nginx.conf', finding), '3000');
    assert.match(finding.message, /3000 is the host port frontend publishes \(compose\.yaml:19\); inside the Compose network only container port 80 answers/);
    const fix = finding.fixes?.[0];
    assert.ok(fix && fix.kind === 'edit' && fix.edits[0].newText === '80');
  });

  it('flags an environment URL on the wrong port of an image with known defaults, and only that one', () => {
    const found = findings(modelOf(files), 'compose.yaml', 'environment-url-port-not-listening');
    assert.deepEqual(found.map((finding) => spotted(files, 'compose.yaml', finding)), ['6380']);
    assert.match(found[0].message, /REDIS_URL dials cache:6380, but cache listens on 6379/);
    assert.equal(found[0].severity, 'warning');
  });

  it('flags a healthcheck that dials its own container on a port it does not listen on', () => {
    const found = findings(modelOf(files), 'compose.yaml', 'healthcheck-port-not-listening');
    assert.deepEqual(found.map((finding) => spotted(files, 'compose.yaml', finding)), ['5001']);
    assert.match(found[0].message, /backend listens on 5000/);
  });

  it('stays quiet about hosts that are not services of the project', () => {
    const all = allFindings(modelOf(files), files);
    assert.ok(!all.some((line) => line.includes('unknown-host') || line.includes('example.com')), all.join('\n'));
  });

  it('does not link an nginx file that belongs to a nearer project', () => {
    const nested: Files = {
      'compose.yaml': 'services:\n  backend:\n    image: redis:7\n',
      'other/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n',
      'other/nginx.conf': 'events {}\nhttp { server { location / { proxy_pass http://backend:9999; } } }\n',
    };
    assert.deepEqual(allFindings(modelOf(nested), nested), []);
  });
});

describe('Workspace graph: host firewalls and Docker\'s published ports', () => {
  const compose = 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n  web:\n    image: nginx:1.27\n    ports:\n      - "127.0.0.1:8080:80"\n';

  it('flags a port ufw denies that Docker publishes on every interface, with the loopback fix', () => {
    const files: Files = { 'compose.yaml': compose, 'host/ufw.sh': '#!/bin/sh\nufw deny 5432\n' };
    const [finding, ...rest] = findings(modelOf(files), 'compose.yaml', 'published-port-bypasses-firewall');
    assert.equal(rest.length, 0);
    assert.equal(spotted(files, 'compose.yaml', finding), '5432:5432');
    assert.match(finding.message, /skip ufw's input rules: "ufw deny 5432" \(host\/ufw\.sh:2\) does not block it/);
    assert.equal(finding.related?.[0].fileName, pathOf('host/ufw.sh'));
    const fix = finding.fixes?.[0];
    assert.ok(fix && fix.kind === 'edit' && fix.edits[0].newText.includes('127.0.0.1'));
  });

  it('flags it under a default-deny policy too, but not a port the firewall lets in', () => {
    const files: Files = { 'compose.yaml': compose, 'host/ufw.sh': '#!/bin/sh\nufw default deny incoming\nufw allow 5432/tcp\n' };
    assert.deepEqual(findings(modelOf(files), 'compose.yaml', 'published-port-bypasses-firewall'), []);
    const denied: Files = { 'compose.yaml': compose, 'host/ufw.sh': '#!/bin/sh\nufw default deny incoming\nufw allow 22/tcp\n' };
    assert.equal(findings(modelOf(denied), 'compose.yaml', 'published-port-bypasses-firewall').length, 1);
  });

  it('leaves firewalls of other hosts alone', () => {
    const files: Files = { 'app/compose.yaml': compose, 'elsewhere/ufw.sh': '#!/bin/sh\nufw deny 5432\n' };
    assert.deepEqual(findings(modelOf(files), 'app/compose.yaml', 'published-port-bypasses-firewall'), []);
  });
});

describe('Workspace graph: host networking', () => {
  it('treats every port a host-networked service listens on as exposed, naming the cause', () => {
    const files: Files = { 'compose.yaml': 'services:\n  cache:\n    image: redis:7\n    network_mode: host\n' };
    const [finding] = findings(modelOf(files), 'compose.yaml', 'sensitive-port-exposed');
    assert.ok(finding, 'a finding');
    assert.equal(spotted(files, 'compose.yaml', finding), 'host');
    assert.match(finding.message, /network_mode: host/);
    assert.match(finding.message, /6379/);
  });

  it('finds two host-networked services on one port', () => {
    const files: Files = { 'compose.yaml': 'services:\n  a:\n    image: redis:7\n    network_mode: host\n  b:\n    image: redis:7\n    network_mode: host\n' };
    assert.equal(findings(modelOf(files), 'compose.yaml', 'host-port-conflict').length, 2);
  });
});

describe('Workspace graph: Compose base and override files', () => {
  it('still finds conflicts between the two files', () => {
    const files: Files = {
      'compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n',
      'compose.override.yaml': 'services:\n  admin:\n    image: adminer:4\n    ports:\n      - "8080:8080"\n',
    };
    const model = modelOf(files);
    assert.equal(findings(model, 'compose.yaml', 'host-port-conflict').length, 1);
    assert.equal(findings(model, 'compose.override.yaml', 'host-port-conflict').length, 1);
  });

  it('merges a service across the files: the override\'s build decides', () => {
    const files: Files = {
      'compose.yaml': 'services:\n  web:\n    image: example/web\n    ports:\n      - "8000:80"\n',
      'compose.override.yaml': 'services:\n  web:\n    build: ./web\n',
      'web/Dockerfile': WEB_DOCKERFILE,
    };
    assert.equal(findings(modelOf(files), 'compose.yaml', 'container-port-not-listening').length, 1);
  });
});

describe('Workspace graph: incremental updates', () => {
  const files: Files = {
    'compose.yaml': 'services:\n  web:\n    build: ./web\n    ports:\n      - "8000:80"\n',
    'web/Dockerfile': WEB_DOCKERFILE,
    'other/compose.yaml': 'services:\n  x:\n    image: redis:7\n',
  };

  it('a Dockerfile edit clears the Compose finding without touching the Compose file', () => {
    const model = modelOf(files);
    assert.equal(findings(model, 'compose.yaml').length, 1);
    feed(model, 'web/Dockerfile', WEB_DOCKERFILE.replace('EXPOSE 8080', 'EXPOSE 80'));
    assert.equal(findings(model, 'compose.yaml').length, 0);
    model.deleteFile(pathOf('web/Dockerfile'));
    assert.equal(findings(model, 'compose.yaml').length, 0);
    feed(model, 'web/Dockerfile', WEB_DOCKERFILE);
    assert.equal(findings(model, 'compose.yaml').length, 1);
  });

  it('returns the same findings object while nothing they depend on changed', () => {
    const model = modelOf(files);
    const before = model.diagnosticsFor(pathOf('compose.yaml'));
    feed(model, 'other/compose.yaml', 'services:\n  x:\n    image: redis:6\n');
    assert.equal(model.diagnosticsFor(pathOf('compose.yaml')), before);
    feed(model, 'web/Dockerfile', WEB_DOCKERFILE + '\n');
    assert.notEqual(model.diagnosticsFor(pathOf('compose.yaml')), before);
  });

  it('honours suppression comments and severity settings', () => {
    const suppressed: Files = { ...files, 'compose.yaml': 'services:\n  web:\n    build: ./web\n    ports:\n      # port-lens-ignore container-port-not-listening\n      - "8000:80"\n' };
    assert.deepEqual(findings(modelOf(suppressed), 'compose.yaml'), []);
    const model = modelOf(files);
    model.setOptions({ ruleSeverities: { 'container-port-not-listening': 'off' } });
    assert.deepEqual(findings(model, 'compose.yaml'), []);
    model.setOptions({ ruleSeverities: { 'container-port-not-listening': 'info' } });
    assert.equal(findings(model, 'compose.yaml')[0]?.severity, 'info');
  });
});

describe('Workspace graph: navigation and the Port Map', () => {
  const files: Files = {
    'compose.yaml': 'services:\n  api:\n    build: ./api\n  web:\n    image: nginx:1.27\n    environment:\n      API_URL: http://api:5000/v1\n',
    'api/Dockerfile': 'FROM python:3.12\nEXPOSE 5000\n',
    'nginx.conf': 'events {}\nhttp { server { location / { proxy_pass http://api:5000; } } }\n',
  };

  it('goes from a dialled port to where it is listened on', () => {
    const model = modelOf(files);
    const [target] = model.definitionsAt(pathOf('nginx.conf'), offsetIn(files, 'nginx.conf', 'api:5000', 5));
    assert.equal(target.fileName, pathOf('api/Dockerfile'));
    assert.equal(files['api/Dockerfile'].slice(target.range.start, target.range.end), '5000');
  });

  it('lists every listener and dialler of a port', () => {
    const model = modelOf(files);
    const found = model.referencesAt(pathOf('api/Dockerfile'), offsetIn(files, 'api/Dockerfile', '5000'));
    const where = found.map((location) => location.fileName.slice(pathOf('').length)).sort();
    assert.deepEqual(where, ['api/Dockerfile', 'compose.yaml', 'nginx.conf']);
  });

  it('tells the hover who dials a listener', () => {
    const ends = modelOf(files).endsAt(pathOf('api/Dockerfile'), offsetIn(files, 'api/Dockerfile', '5000'));
    assert.equal(ends?.node.name, 'api');
    assert.equal(ends?.dialledBy.length, 2);
  });

  it('maps each project with its services, what they listen on and their wires', () => {
    const [group] = modelOf(files).portMap();
    assert.equal(group.kind, 'compose');
    assert.deepEqual(group.nodes.map((node) => node.name), ['api', 'web']);
    assert.equal(group.nodes[0].listens?.[0].port, 5000);
    assert.deepEqual(group.edges.map((edge) => [edge.kind, edge.port, edge.ok]).sort(), [['environment', 5000, true], ['proxy', 5000, true]]);
  });
});

describe('Workspace graph: a command that replaces the Dockerfile\'s', () => {
  it('takes EXPOSE as no evidence once command: replaces the CMD, and trusts what the Compose file declares', () => {
    const files: Files = {
      'compose.yaml': [
        'services:',
        '  app:',
        '    build: ./app',
        '    command: gunicorn -w 3 -b 0.0.0.0:8000 app:app',
        '    ports:',
        '      - "8000"',
        '  proxy:',
        '    image: nginx:1.27',
        '',
      ].join('\n'),
      'app/Dockerfile': 'FROM python:3.12\nEXPOSE 5000\nCMD ["flask", "run", "--host=0.0.0.0"]\n',
      'nginx/default.conf': 'server {\n  listen 80;\n  location / { proxy_pass http://app:8000; }\n  location /old/ { proxy_pass http://app:5001; }\n}\n',
    };
    const model = modelOf(files);
    assert.deepEqual(findings(model, 'compose.yaml'), []);
    // The declared container port is what the service listens on; a dial elsewhere is still wrong.
    assert.deepEqual(findings(model, 'nginx/default.conf').map((finding) => spotted(files, 'nginx/default.conf', finding)), ['5001']);
  });
});
