import * as assert from 'node:assert/strict';
import { parsePortKey, parseUserPortData, portKeyCovers } from '../../src/core/ports/userData';

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
    assert.deepEqual(data, { annotations: [], extraSensitive: [], silenced: [] });
    assert.equal(problems.length, 3);
  });

  it('treats missing settings as empty', () => {
    assert.deepEqual(parseUserPortData({}), { data: { annotations: [], extraSensitive: [], silenced: [] }, problems: [] });
  });
});
