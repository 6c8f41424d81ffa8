import * as assert from 'node:assert/strict';
import { parseProjectConfig } from '../../src/core/projectConfig';
import { EMPTY_USER_DATA, parsePortKey, parseUserPortData, portKeyCovers, softwareDeclaredFor } from '../../src/core/ports/userData';
import type { UserPortData } from '../../src/core/ports/userData';

describe('User port data', () => {
  describe('port keys', () => {
    const valid: [string, object][] = [
      ['8443', { port: 8443, endPort: 8443 }],
      ['8443/tcp', { port: 8443, endPort: 8443, protocol: 'tcp' }],
      ['8443/TCP', { port: 8443, endPort: 8443, protocol: 'tcp' }],
      [' 53/udp ', { port: 53, endPort: 53, protocol: 'udp' }],
      ['6000-6010/udp', { port: 6000, endPort: 6010, protocol: 'udp' }],
      ['65535', { port: 65535, endPort: 65535 }],
    ];
    for (const [text, expected] of valid) {
      it(`reads "${text}"`, () => assert.deepEqual(parsePortKey(text), expected));
    }
    for (const text of ['0', '65536', '80/icmp', 'http', '90-80', '', '80-', '123456', '1e3']) {
      it(`rejects "${text}"`, () => assert.equal(parsePortKey(text), undefined));
    }
    it('a key without a protocol covers every protocol', () => {
      const key = parsePortKey('53');
      assert.ok(key);
      assert.equal(portKeyCovers(key, 53, 'udp'), true);
      assert.equal(portKeyCovers(key, 53, 'tcp'), true);
      assert.equal(portKeyCovers(key, 54, 'tcp'), false);
    });
    it('a key with a protocol covers only that protocol, or any', () => {
      const key = parsePortKey('53/udp');
      assert.ok(key);
      assert.equal(portKeyCovers(key, 53, 'udp'), true);
      assert.equal(portKeyCovers(key, 53, 'tcp'), false);
      assert.equal(portKeyCovers(key, 53, 'any'), true);
    });
  });

  it('reads annotations written as a string or as an object', () => {
    const { data, problems } = parseUserPortData({
      customPorts: { '8443/tcp': 'Admin API', '9000': { label: 'Billing', description: 'Internal billing service' } },
    });
    assert.deepEqual(problems, []);
    const byPort = [...data.annotations].sort((a, b) => a.port - b.port);
    assert.deepEqual(byPort, [
      { port: 8443, endPort: 8443, protocol: 'tcp', label: 'Admin API' },
      { port: 9000, endPort: 9000, label: 'Billing', description: 'Internal billing service' },
    ]);
  });

  it('skips malformed entries, keeps the rest and says what was wrong once each', () => {
    const { data, problems } = parseUserPortData({
      customPorts: { 'not-a-port': 'x', '8443': '', '8080': 'Web' },
      additionalSensitivePorts: { '7000': { severity: 'extreme', reason: 'x' }, '7001': {}, '7002': { reason: 'Admin API without auth' } },
      silencedSensitivePorts: ['6379', 'redis', 9229, { port: 1 }],
    });
    assert.deepEqual(data.annotations.map((entry) => entry.label), ['Web']);
    assert.deepEqual(data.extraSensitive, [{ port: 7002, endPort: 7002, severity: 'medium', reason: 'Admin API without auth' }]);
    assert.deepEqual(data.silenced, [{ port: 6379, endPort: 6379 }, { port: 9229, endPort: 9229 }]);
    // Object keys that look like integers iterate first in JavaScript, so compare as a set.
    const expected = [
      /"not-a-port" is not a port key/,
      /"8443" needs a non-empty label/,
      /"7000" has severity "extreme"/,
      /"7001" needs a "reason"/,
      /"redis" is not a port key/,
      /\{"port":1\} is not a port key/,
    ];
    assert.equal(problems.length, expected.length);
    for (const pattern of expected) {
      assert.ok(problems.some((problem) => pattern.test(problem)), `no problem matches ${pattern}: ${problems.join(' | ')}`);
    }
  });

  it('reports settings of the wrong shape without throwing', () => {
    const { data, problems } = parseUserPortData({ customPorts: ['8080'], additionalSensitivePorts: 'x', silencedSensitivePorts: { 6379: true } });
    assert.deepEqual(data, { annotations: [], extraSensitive: [], silenced: [], services: [] });
    assert.equal(problems.length, 3);
  });

  it('treats missing settings as empty', () => {
    assert.deepEqual(parseUserPortData({}), { data: { annotations: [], extraSensitive: [], silenced: [], services: [] }, problems: [] });
  });

  describe('services', () => {
    function declared(services: Record<string, unknown>): UserPortData {
      const { data, problems } = parseUserPortData({ services });
      assert.deepEqual(problems, []);
      return data;
    }

    it('reads each key and software name trimmed, in the order written', () => {
      const { data, problems } = parseUserPortData({ services: { ' api ': ' Node.js HTTP API ', redis: 'Redis', 'deploy/*.yaml': 'nginx' } });
      assert.deepEqual(problems, []);
      assert.deepEqual(data.services, [
        { pattern: 'api', software: 'Node.js HTTP API' },
        { pattern: 'redis', software: 'Redis' },
        { pattern: 'deploy/*.yaml', software: 'nginx' },
      ]);
    });

    it('skips entries without a usable software name and says which', () => {
      const { data, problems } = parseUserPortData({
        services: { api: '', worker: '   ', cache: 42, queue: { software: 'RabbitMQ' }, long: 'x'.repeat(201), web: 'nginx', edge: 'y'.repeat(200) },
      });
      assert.deepEqual(data.services, [
        { pattern: 'web', software: 'nginx' },
        { pattern: 'edge', software: 'y'.repeat(200) },
      ]);
      assert.equal(problems.length, 5);
      for (const key of ['api', 'worker', 'cache', 'queue', 'long']) {
        assert.ok(
          problems.some((problem) => problem.startsWith(`services: "${key}" needs the name of the software it runs`)),
          `no problem names "${key}": ${problems.join(' | ')}`,
        );
      }
    });

    it('skips an empty key and an overlong one', () => {
      const { data, problems } = parseUserPortData({ services: { '  ': 'Redis', ['a'.repeat(1001)]: 'Redis', ok: 'Redis' } });
      assert.deepEqual(data.services, [{ pattern: 'ok', software: 'Redis' }]);
      assert.equal(problems.length, 2);
      assert.match(problems[0], /^services: an empty key names nothing/);
      assert.match(problems[1], /^services: "a{40}…" is longer than 1000 characters\.$/);
    });

    for (const value of [['api'], 'api=Node', 7, true]) {
      it(`reports services written as ${JSON.stringify(value)} without throwing`, () => {
        const { data, problems } = parseUserPortData({ services: value });
        assert.deepEqual(data.services, []);
        assert.equal(problems.length, 1);
        assert.match(problems[0], /^services must be an object mapping a service, an image or a file glob to the software it runs/);
      });
    }

    it('treats a missing or null setting as no entries', () => {
      assert.deepEqual(parseUserPortData({ services: null }), { data: EMPTY_USER_DATA, problems: [] });
      assert.equal(softwareDeclaredFor(EMPTY_USER_DATA, { service: 'api', image: 'redis', fileName: 'compose.yaml' }), undefined);
    });

    it('matches a service or workload name exactly, case and all', () => {
      const data = declared({ api: 'Node.js HTTP API' });
      assert.equal(softwareDeclaredFor(data, { service: 'api' }), 'Node.js HTTP API');
      assert.equal(softwareDeclaredFor(data, { service: 'API' }), undefined);
      assert.equal(softwareDeclaredFor(data, { service: 'api-2' }), undefined);
    });

    it('prefers the service name over the image and the image over a file glob, whatever the order written', () => {
      const data = declared({ '**/compose.yaml': 'from the glob', 'redis': 'from the image', 'cache': 'from the service' });
      assert.equal(softwareDeclaredFor(data, { service: 'cache', image: 'redis:7', fileName: 'app/compose.yaml' }), 'from the service');
      assert.equal(softwareDeclaredFor(data, { service: 'other', image: 'redis:7', fileName: 'app/compose.yaml' }), 'from the image');
      assert.equal(softwareDeclaredFor(data, { service: 'other', image: 'postgres:16', fileName: 'app/compose.yaml' }), 'from the glob');
      assert.equal(softwareDeclaredFor(data, { service: 'other', image: 'postgres:16', fileName: 'app/stack.yaml' }), undefined);
    });

    it('matches an image without a tag against every tag and digest of that repository', () => {
      const data = declared({ redis: 'Redis' });
      for (const image of ['redis', 'redis:7-alpine', 'docker.io/library/redis@sha256:' + 'a'.repeat(64), 'library/redis:latest', 'index.docker.io/redis:6']) {
        assert.equal(softwareDeclaredFor(data, { image }), 'Redis', image);
      }
      for (const image of ['bitnami/redis:7', 'redis-stack:7', 'ghcr.io/acme/redis:1']) {
        assert.equal(softwareDeclaredFor(data, { image }), undefined, image);
      }
    });

    it('matches an image with a tag or registry only against that variant', () => {
      const data = declared({ 'redis:6': 'Redis 6', 'registry.example.com/team/cache': 'Memcached' });
      assert.equal(softwareDeclaredFor(data, { image: 'redis:6' }), 'Redis 6');
      assert.equal(softwareDeclaredFor(data, { image: 'docker.io/library/redis:6' }), 'Redis 6');
      assert.equal(softwareDeclaredFor(data, { image: 'redis:7' }), undefined);
      assert.equal(softwareDeclaredFor(data, { image: 'registry.example.com/team/cache:2024.1' }), 'Memcached');
      assert.equal(softwareDeclaredFor(data, { image: 'team/cache:2024.1' }), undefined);
    });

    it('matches a file glob against the whole path or any tail of it, with either slash', () => {
      const data = declared({ 'deploy/legacy/*.yaml': 'nginx' });
      for (const fileName of ['deploy/legacy/web.yaml', '/home/dev/shop/deploy/legacy/web.yaml', 'C:\\work\\shop\\deploy\\legacy\\web.yaml']) {
        assert.equal(softwareDeclaredFor(data, { fileName }), 'nginx', fileName);
      }
      for (const fileName of ['deploy/legacy/old/web.yaml', '/srv/mydeploy/legacy/web.yaml', 'deploy/legacy/web.yml']) {
        assert.equal(softwareDeclaredFor(data, { fileName }), undefined, fileName);
      }
    });

    it('reads globs with ?, braces and dot files', () => {
      const data = declared({ 'k8s/api-?.yaml': 'Go HTTP API', '**/.devcontainer/{compose,docker-compose}.yml': 'Dev container' });
      assert.equal(softwareDeclaredFor(data, { fileName: '/repo/k8s/api-1.yaml' }), 'Go HTTP API');
      assert.equal(softwareDeclaredFor(data, { fileName: '/repo/k8s/api-12.yaml' }), undefined);
      assert.equal(softwareDeclaredFor(data, { fileName: '/repo/.devcontainer/docker-compose.yml' }), 'Dev container');
    });

    it('takes the first entry written within a tier', () => {
      const data = declared({ 'redis:7': 'first', redis: 'second', '*.yaml': 'first glob', 'compose.*': 'second glob' });
      assert.equal(softwareDeclaredFor(data, { image: 'redis:7' }), 'first');
      assert.equal(softwareDeclaredFor(data, { image: 'redis:6' }), 'second');
      assert.equal(softwareDeclaredFor(data, { fileName: 'compose.yaml' }), 'first glob');
      assert.equal(softwareDeclaredFor(data, { fileName: 'compose.yml' }), 'second glob');
    });

    it('never uses a glob as a service name or an image', () => {
      const data = declared({ 'api*': 'Node.js HTTP API' });
      assert.equal(softwareDeclaredFor(data, { service: 'api1', image: 'api1:latest' }), undefined);
    });

    it('is read from services in .portlens.json, with its problems named by the file', () => {
      const result = parseProjectConfig(JSON.stringify({ services: { api: 'Node.js HTTP API', worker: '' } }), '.portlens.json');
      assert.deepEqual(result.config.portData.services, [{ pattern: 'api', software: 'Node.js HTTP API' }]);
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0], /^\.portlens\.json: services: "worker" needs the name of the software it runs/);
      assert.equal(parseProjectConfig(JSON.stringify({ services: ['api'] }), '.portlens.json').problems.length, 1);
    });
  });
});
