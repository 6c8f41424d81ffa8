/**
 * A file the workspace model asks for may have any name: a Dockerfile named by `dockerfile:`, a
 * server configuration a service mounts (`./lb.cfg`), the service unit a socket starts. The
 * model says what each holds, and the command line reads it as that.
 */
import * as assert from 'node:assert/strict';
import { removeTree, runInProcess, tempTree } from './cliHarness';
import { modelOf, pathOf } from './wiringHarness';

const HAPROXY_COMPOSE = 'services:\n  lb:\n    image: haproxy:3.0\n    volumes:\n      - ./lb.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro\n    ports:\n      - "8080:8080"\n';

describe('files the workspace model asks for, whatever their names', () => {
  it('says which format each wanted file holds', () => {
    const model = modelOf({
      'app/compose.yaml': 'services:\n  web:\n    build:\n      context: .\n      dockerfile: deploy/web.df\n    ports:\n      - "8000:8000"\n',
      'lb/compose.yaml': HAPROXY_COMPOSE,
      'units/api.socket': '[Socket]\nListenStream=2375\n',
    });
    const wanted = model.wantedFiles();
    for (const [file, format] of [['app/deploy/web.df', 'dockerfile'], ['lb/lb.cfg', 'haproxy'], ['units/api.service', 'systemd']] as const) {
      assert.ok(wanted.includes(pathOf(file)), `${file} is wanted, among ${wanted.join(', ')}`);
      assert.equal(model.expectedFormatOf(pathOf(file)), format, file);
    }
    assert.equal(model.expectedFormatOf(pathOf('nowhere.txt')), undefined);
  });

  it('reads a mounted HAProxy configuration with any name on the command line, so its bind counts as listening', () => {
    const listening = tempTree({ 'compose.yaml': HAPROXY_COMPOSE, 'lb.cfg': 'frontend web\n    bind *:8080\n    default_backend app\nbackend app\n    server a1 10.0.0.5:3000\n' });
    const elsewhere = tempTree({ 'compose.yaml': HAPROXY_COMPOSE, 'lb.cfg': 'frontend web\n    bind *:9090\n    default_backend app\nbackend app\n    server a1 10.0.0.5:3000\n' });
    try {
      const rulesOf = (stdout: string): string[] => (JSON.parse(stdout) as { files: { diagnostics: { rule: string }[] }[] }).files.flatMap((file) => file.diagnostics.map((diagnostic) => diagnostic.rule));
      const good = runInProcess(['check', 'compose.yaml', '--format', 'json'], { cwd: listening });
      assert.deepEqual(rulesOf(good.stdout), [], good.stdout);
      const broken = runInProcess(['check', 'compose.yaml', '--format', 'json'], { cwd: elsewhere });
      assert.deepEqual(rulesOf(broken.stdout), ['container-port-not-listening'], broken.stdout);
      assert.match(broken.stdout, /lb listens on 9090 \(lb\.cfg:2\)/);
    } finally {
      removeTree(listening);
      removeTree(elsewhere);
    }
  });
});
