import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import fc from 'fast-check';
import { isIP, isIPv4, isIPv6 } from '../../src/core/ipAddress';

/** Pieces addresses are made of, valid and not, so generated text lands near the edges of the syntax. */
const PIECES = ['0', '1', '9', '00', '01', '10', '99', '100', '199', '249', '255', '256', '300', 'ffff', 'FFFF', 'abcd', '12345', 'g', 'fe80',
  '.', '.', ':', ':', '::', ':::', '%', '%eth0', '%25', '%a.b-c:d', '%%', ' ', '[', ']', '/', 'x', '-1', '1.2.3.4', '::ffff:', '0x1'];

const addressLike = fc.array(fc.constantFrom(...PIECES), { minLength: 0, maxLength: 16 }).map((parts) => parts.join(''));

describe('IP address syntax without node:net', () => {
  const cases: readonly string[] = [
    '1.2.3.4', '01.2.3.4', '0.0.0.0', '255.255.255.255', '256.1.1.1', '1.2.3', '1.2.3.4.5', ' 1.2.3.4', '1.2.3.4 ', '0x1.2.3.4', '1..2.3',
    '::', '::1', '1::', 'fe80::1%eth0', 'fe80::1%', 'fe80::1%25eth0', '::%1', '::ffff:1.2.3.4', '::ffff:01.2.3.4', '1::2::3',
    '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', '1:2:3:4:5:6::7', '1:2:3:4:5:6:7::8', '::1.2.3.4',
    '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '[::1]', '12345::', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:', '::1.2.3.4:5', '',
  ];
  for (const text of cases) {
    it(`reads ${JSON.stringify(text)} as node:net does`, () => {
      assert.equal(isIPv4(text), net.isIPv4(text), 'isIPv4');
      assert.equal(isIPv6(text), net.isIPv6(text), 'isIPv6');
      assert.equal(isIP(text), net.isIP(text), 'isIP');
    });
  }

  it('agrees with node:net on generated address-like text', () => {
    fc.assert(
      fc.property(addressLike, (text) => {
        assert.equal(isIPv4(text), net.isIPv4(text), `isIPv4(${JSON.stringify(text)})`);
        assert.equal(isIPv6(text), net.isIPv6(text), `isIPv6(${JSON.stringify(text)})`);
      }),
      { numRuns: 20_000, seed: 20261205 },
    );
  });

  it('agrees with node:net on every well-formed IPv6 shape, compressed anywhere', () => {
    const group = fc.integer({ min: 0, max: 0xffff }).map((value) => value.toString(16));
    fc.assert(
      fc.property(fc.array(group, { minLength: 0, maxLength: 9 }), fc.nat(9), fc.boolean(), (groups, gapAt, ipv4Tail) => {
        const head = groups.slice(0, Math.min(gapAt, groups.length)).join(':');
        const tail = groups.slice(Math.min(gapAt, groups.length)).join(':');
        const text = `${head}::${tail}${ipv4Tail ? `${tail ? ':' : ''}10.0.0.1` : ''}`;
        assert.equal(isIPv6(text), net.isIPv6(text), text);
        const full = groups.join(':');
        assert.equal(isIPv6(full), net.isIPv6(full), full);
      }),
      { numRuns: 5_000, seed: 20261205 },
    );
  });
});
