/**
 * The service-name table, checked against what getservbyname answers on a stock Debian host
 * (netbase's /etc/services) and against the IANA registry for names netbase lacks.
 */
import * as assert from 'node:assert/strict';
import { portDatabase } from '../../src/core/ports/portData';
import {
  etcServicesNameOf,
  etcServicesProtocols,
  isEtcServicesName,
  lookupServiceName,
  serviceNamePorts,
} from '../../src/core/ports/serviceNames';

describe('service names', () => {
  it('copies every line of /etc/services with a transport protocol', () => {
    const rows = portDatabase().etcServices;
    assert.ok(rows.length >= 300, `${rows.length} lines`);
    for (const [name, port, protocol] of rows) {
      assert.match(name, /^[A-Za-z0-9][\w.+-]*$/, name);
      assert.ok(Number.isInteger(port) && port >= 0 && port <= 65535, `${name}: ${port}`);
      assert.ok(['tcp', 'udp', 'sctp', 'ddp'].includes(protocol), `${name}: ${protocol}`);
    }
  });

  it('resolves a name for the protocols /etc/services lists it under', () => {
    assert.deepEqual(lookupServiceName('ssh', 'tcp'), { port: 22, protocol: 'tcp', source: 'etc-services', canonicalName: 'ssh' });
    assert.equal(lookupServiceName('domain', 'udp')?.port, 53);
    assert.equal(lookupServiceName('ntp', 'udp')?.source, 'etc-services');
    assert.deepEqual(etcServicesProtocols('domain'), ['tcp', 'udp']);
    assert.deepEqual(etcServicesProtocols('ssh'), ['tcp']);
  });

  it('resolves aliases to their service, as getservbyname does', () => {
    assert.deepEqual(lookupServiceName('www', 'tcp'), { port: 80, protocol: 'tcp', source: 'etc-services', canonicalName: 'http' });
    assert.equal(lookupServiceName('postgres', 'tcp')?.canonicalName, 'postgresql');
    assert.equal(lookupServiceName('mail', 'tcp')?.port, 25);
    assert.ok(isEtcServicesName('webcache'));
  });

  it('falls back to the IANA registry, marked as such, for a protocol or name a stock /etc/services lacks', () => {
    // Debian lists http for tcp only; RHEL's /etc/services, the whole registry, lists udp too.
    assert.deepEqual(lookupServiceName('http', 'udp'), { port: 80, protocol: 'udp', source: 'iana', canonicalName: 'http' });
    const iana = lookupServiceName('mqtt', 'tcp');
    assert.equal(iana?.port, 1883);
    assert.equal(iana?.source, isEtcServicesName('mqtt') ? 'etc-services' : 'iana');
    assert.equal(lookupServiceName('MQTT', 'tcp')?.port, 1883, 'registry names are case-insensitive');
  });

  it('is case-sensitive for /etc/services names, like getservbyname', () => {
    assert.equal(lookupServiceName('SSH', 'tcp')?.source, 'iana');
  });

  it('resolves nothing for a name neither source knows', () => {
    assert.equal(lookupServiceName('no-such-service-name', 'tcp'), undefined);
    assert.deepEqual(serviceNamePorts('no-such-service-name'), []);
    assert.equal(isEtcServicesName('no-such-service-name'), false);
  });

  it('gives every protocol of a name, /etc/services first', () => {
    assert.deepEqual(serviceNamePorts('https').map((entry) => `${entry.protocol}/${entry.port}/${entry.source}`), ['tcp/443/etc-services', 'udp/443/etc-services']);
    assert.ok(serviceNamePorts('kerberos').every((entry) => entry.port === 88));
  });

  it('names a port as /etc/services does', () => {
    assert.equal(etcServicesNameOf(5432, 'tcp'), 'postgresql');
    assert.equal(etcServicesNameOf(22, 'tcp'), 'ssh');
    assert.equal(etcServicesNameOf(22, 'udp'), undefined);
  });
});
