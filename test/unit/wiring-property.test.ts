import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { allFindings, feed, modelOf } from './wiringHarness';
import type { Files } from './wiringHarness';

const EXAMPLES = path.resolve(__dirname, '..', '..', '..', 'examples');

function readTree(directory: string, prefix: string, into: Record<string, string>): void {
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      readTree(full, `${prefix}${entry.name}/`, into);
    } else {
      into[`${prefix}${entry.name}`] = fs.readFileSync(full, 'utf8');
    }
  }
}

/** The example project with every kind of wire, and the Kubernetes one. */
function exampleFiles(): Files {
  const files: Record<string, string> = {};
  readTree(path.join(EXAMPLES, 'wiring'), 'wiring/', files);
  files['k8s/wiring.yaml'] = fs.readFileSync(path.join(EXAMPLES, 'k8s', 'wiring.yaml'), 'utf8');
  return files;
}

/** Files that cannot touch the examples: their own directory with its own Compose project, their own namespace. */
const unrelatedFile = fc.oneof(
  fc.record({ port: fc.integer({ min: 1, max: 65535 }), other: fc.integer({ min: 1, max: 65535 }), name: fc.constantFrom('web', 'api', 'db', 'cache', 'frontend') }).map(({ port, other, name }) => ({
    path: 'compose.yaml',
    text: `services:\n  ${name}:\n    image: redis:7\n    ports:\n      - "${port}:${other}"\n    environment:\n      URL: http://${name}:${other}/\n`,
  })),
  fc.record({ port: fc.integer({ min: 1, max: 65535 }), name: fc.constantFrom('web', 'api', 'shop') }).map(({ port, name }) => ({
    path: 'nginx.conf',
    text: `events {}\nhttp { server { location / { proxy_pass http://${name}:${port}; } } }\n`,
  })),
  fc.record({ port: fc.integer({ min: 1, max: 65535 }) }).map(({ port }) => ({ path: 'ufw.sh', text: `#!/bin/sh\nufw default deny incoming\nufw deny ${port}\n` })),
  fc.record({ port: fc.integer({ min: 1, max: 65535 }), target: fc.integer({ min: 1, max: 65535 }) }).map(({ port, target }) => ({
    path: 'svc.yaml',
    text: `apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n  namespace: elsewhere\nspec:\n  selector:\n    app: shop\n  ports:\n    - port: ${port}\n      targetPort: ${target}\n`,
  })),
);

describe('Workspace graph: properties', () => {
  const files = exampleFiles();
  const baseline = allFindings(modelOf(files), files);

  it('finds every kind of broken wire in the examples', () => {
    const rules = new Set(baseline.map((line) => line.split(':')[1]));
    for (const rule of [
      'container-port-not-listening',
      'proxy-port-not-listening',
      'dial-published-port',
      'environment-url-port-not-listening',
      'healthcheck-port-not-listening',
      'published-port-bypasses-firewall',
      'service-target-port-unmatched',
      'backend-port-undefined',
      'probe-port-undeclared',
    ]) {
      assert.ok(rules.has(rule), `${rule} missing from:\n${baseline.join('\n')}`);
    }
  });

  it('adding unrelated files never adds a finding to the others', () => {
    fc.assert(
      fc.property(fc.array(unrelatedFile, { maxLength: 6 }), (extra) => {
        const model = modelOf(files);
        extra.forEach((file, index) => {
          const directory = `unrelated-${index}`;
          // A Compose file in each directory keeps its nginx and firewall files out of the examples' project.
          feed(model, `${directory}/compose.yaml`, 'services:\n  x:\n    image: ghcr.io/example/x:1\n');
          feed(model, `${directory}/${file.path}`, file.text);
        });
        assert.deepEqual(allFindings(model, files), baseline);
      }),
      { numRuns: 60 },
    );
  });

  it('the order files arrive in never changes the result', () => {
    const names = Object.keys(files);
    fc.assert(
      fc.property(fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }), (order) => {
        assert.deepEqual(allFindings(modelOf(files, order), files), baseline);
      }),
      { numRuns: 40 },
    );
  });

  it('replacing a file with itself, or removing and adding it back, changes nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(files)), (name) => {
        const model = modelOf(files);
        model.deleteFile(`/project/${name}`);
        feed(model, name, files[name]);
        feed(model, name, files[name]);
        assert.deepEqual(allFindings(model, files), baseline);
      }),
      { numRuns: 20 },
    );
  });
});

describe('Workspace graph: robustness', () => {
  it('links 10,000 services that dial each other in a cycle', () => {
    const count = 10_000;
    const lines = ['services:'];
    for (let i = 0; i < count; i++) {
      lines.push(`  s${i}:`, '    image: redis:7', '    environment:', `      NEXT: redis://s${(i + 1) % count}:6380/0`);
    }
    const files: Files = { 'compose.yaml': lines.join('\n') };
    const model = modelOf(files);
    assert.equal(model.diagnosticsFor('/project/compose.yaml').length, count);
    assert.equal(model.portMap()[0].nodes.length, count);
  });

  it('keeps projects and namespaces apart when names collide', () => {
    const files: Files = {
      'a/compose.yaml': 'services:\n  web:\n    image: redis:7\n',
      'a/nginx.conf': 'events {}\nhttp { server { location / { proxy_pass http://web:6379; } } }\n',
      'b/compose.yaml': 'services:\n  web:\n    image: postgres:16\n',
      'b/nginx.conf': 'events {}\nhttp { server { location / { proxy_pass http://web:6379; } } }\n',
      'k.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: one\nspec:\n  ports:\n    - port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: two\nspec:\n  ports:\n    - port: 81\n',
    };
    const found = allFindings(modelOf(files), files);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0], /^b\/nginx\.conf:proxy-port-not-listening/);
    const map = modelOf(files).portMap();
    assert.equal(map.filter((group) => group.kind === 'kubernetes').length, 2);
  });

  it('reads services built from YAML anchors and merge keys', () => {
    const files: Files = {
      'compose.yaml': 'x-base: &base\n  image: redis:7\n  environment:\n    URL: redis://b:6380/\nservices:\n  a:\n    <<: *base\n  b:\n    <<: *base\n',
    };
    assert.equal(allFindings(modelOf(files), files).length, 2);
  });

  it('survives files whose facts are missing or odd', () => {
    const files: Files = {
      'compose.yaml': 'services:\n  web:\n    build: {context: "${CTX}"}\n    ports: ["${P}:80"]\n  x: []\n  y: 7\n',
      'nginx.conf': 'http { server { location / { proxy_pass http://$host:$port; } } }\n',
      'bad.yaml': 'apiVersion: v1\nkind: Service\nmetadata: [1, 2]\nspec: 7\n',
    };
    assert.doesNotThrow(() => {
      const model = modelOf(files);
      allFindings(model, files);
      model.portMap();
      model.wantedFiles();
    });
  });
});
