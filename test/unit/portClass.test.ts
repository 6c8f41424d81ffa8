import * as assert from 'node:assert/strict';
import { notableRangesOf, portClassOf } from '../../src/core/ports/portClass';

describe('Port classes', () => {
  const cases: [number, string][] = [
    [0, 'system'], [22, 'system'], [1023, 'system'],
    [1024, 'user'], [8080, 'user'], [49151, 'user'],
    [49152, 'dynamic'], [65535, 'dynamic'],
  ];
  for (const [port, expected] of cases) {
    it(`${port} is ${expected}`, () => assert.equal(portClassOf(port), expected));
  }

  it('knows the Kubernetes NodePort range boundaries', () => {
    assert.deepEqual(notableRangesOf(29999).map((range) => range.name), []);
    assert.deepEqual(notableRangesOf(30000).map((range) => range.name), ['Kubernetes NodePort range']);
    assert.deepEqual(notableRangesOf(32767).map((range) => range.name), ['Kubernetes NodePort range']);
  });

  it('knows the Linux ephemeral range boundaries', () => {
    assert.deepEqual(notableRangesOf(32768).map((range) => range.name), ['Linux ephemeral range']);
    assert.deepEqual(notableRangesOf(60999).map((range) => range.name), ['Linux ephemeral range']);
    assert.deepEqual(notableRangesOf(61000).map((range) => range.name), []);
  });
});
