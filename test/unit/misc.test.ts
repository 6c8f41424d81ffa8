import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import fc from 'fast-check';
import { scanApache, scanHaproxy, scanSshd, scanSystemdSocket } from '../../src/core/scanners/misc';
import type { PortReference, ProblemSeverity, ScanResult, Scanner, SourceRange } from '../../src/core/types';
import { at, inside } from './textSpans';

interface ExpectedProblem {
  readonly code: string;
  readonly severity: ProblemSeverity;
  readonly range: SourceRange;
}

interface Expected {
  readonly references: PortReference[];
  readonly problems?: ExpectedProblem[];
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly expect: (text: string) => Expected;
}

function check(scanner: Scanner, format: ScanResult['format'], cases: readonly Case[]): void {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const result = scanner(testCase.text);
      const expected = testCase.expect(testCase.text);
      assert.equal(result.format, format);
      assert.deepEqual(result.references, expected.references);
      assert.deepEqual(
        result.problems.map(({ code, severity, range }) => ({ code, severity, range })),
        expected.problems ?? [],
      );
    });
  }
}

/** A listener whose whole token is `token` and whose digits are `digits` inside it. */
function listen(text: string, token: string, digits: string, port: number, extra: Partial<PortReference> = {}, occurrence = 0): PortReference {
  return {
    role: 'listen',
    range: at(text, token, occurrence),
    portRange: inside(text, token, digits, occurrence),
    protocol: 'tcp',
    port,
    endPort: port,
    ...extra,
  };
}

describe('sshd_config scanner', () => {
  check(scanSshd, 'sshd', [
    { name: 'Port 22 listens on tcp/22', text: 'Port 22\n', expect: (t) => ({ references: [listen(t, '22', '22', 22)] }) },
    {
      name: 'Port may be repeated',
      text: 'Port 2222\nPort 2200\n',
      expect: (t) => ({ references: [listen(t, '2222', '2222', 2222), listen(t, '2200', '2200', 2200)] }),
    },
    { name: 'keywords are case-insensitive', text: 'port 2222\n', expect: (t) => ({ references: [listen(t, '2222', '2222', 2222)] }) },
    { name: 'Keyword=value form', text: 'PORT=2222\n', expect: (t) => ({ references: [listen(t, '2222', '2222', 2222)] }) },
    { name: 'Keyword = value form', text: 'Port = 2222\n', expect: (t) => ({ references: [listen(t, '2222', '2222', 2222)] }) },
    { name: 'a comment after the value is ignored', text: 'Port 22 # ssh\n', expect: (t) => ({ references: [listen(t, '22', '22', 22)] }) },
    { name: 'commented-out Port is not a listener', text: '#Port 22\n# Port 2222\n', expect: () => ({ references: [] }) },
    {
      name: 'a service name resolves through /etc/services',
      text: 'Port ssh\n',
      expect: (t) => ({ references: [{ role: 'listen', range: at(t, 'ssh'), name: 'ssh', protocol: 'tcp', port: 22, endPort: 22 }] }),
    },
    {
      name: 'port above 65535 is an error',
      text: 'Port 70000\n',
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '70000') }] }),
    },
    {
      name: 'port 0 is an error',
      text: 'Port 0\n',
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '0') }] }),
    },
    {
      name: 'an unknown port name is an error',
      text: 'Port sshh\n',
      expect: (t) => ({ references: [], problems: [{ code: 'invalid-port', severity: 'error', range: at(t, 'sshh') }] }),
    },
    {
      name: 'ListenAddress with an IPv4 address and port',
      text: 'ListenAddress 0.0.0.0:2222\n',
      expect: (t) => ({ references: [listen(t, '0.0.0.0:2222', '2222', 2222, { hostIp: '0.0.0.0' })] }),
    },
    {
      name: 'ListenAddress with a bracketed IPv6 address and port',
      text: 'ListenAddress [::1]:22\n',
      expect: (t) => ({ references: [listen(t, '[::1]:22', '22', 22, { hostIp: '::1' })] }),
    },
    {
      name: 'ListenAddress without a port listens on every Port',
      text: 'Port 2222\nListenAddress 192.168.1.5\n',
      expect: (t) => ({
        references: [
          listen(t, '2222', '2222', 2222, { flags: ['listen-address'] }),
          { role: 'listen', range: at(t, '192.168.1.5'), protocol: 'tcp', port: 2222, endPort: 2222, hostIp: '192.168.1.5', flags: ['implicit-port'] },
        ],
      }),
    },
    {
      name: 'ListenAddress without a port and no Port uses 22',
      text: 'ListenAddress 10.0.0.1\n',
      expect: (t) => ({
        references: [{ role: 'listen', range: at(t, '10.0.0.1'), protocol: 'tcp', port: 22, endPort: 22, hostIp: '10.0.0.1', flags: ['implicit-port', 'default-port'] }],
      }),
    },
    {
      name: 'a bare IPv6 ListenAddress has no port part',
      text: 'ListenAddress ::\n',
      expect: (t) => ({
        references: [{ role: 'listen', range: at(t, '::'), protocol: 'tcp', port: 22, endPort: 22, hostIp: '::', flags: ['implicit-port', 'default-port'] }],
      }),
    },
    {
      name: 'an address-only ListenAddress takes each Port in turn',
      text: 'Port 22\nPort 2222\nListenAddress 10.1.1.1\n',
      expect: (t) => ({
        references: [
          listen(t, '22', '22', 22, { flags: ['listen-address'] }),
          listen(t, '2222', '2222', 2222, { flags: ['listen-address'] }),
          { role: 'listen', range: at(t, '10.1.1.1'), protocol: 'tcp', port: 22, endPort: 22, hostIp: '10.1.1.1', flags: ['implicit-port'] },
          { role: 'listen', range: at(t, '10.1.1.1'), protocol: 'tcp', port: 2222, endPort: 2222, hostIp: '10.1.1.1', flags: ['implicit-port'] },
        ],
      }),
    },
    {
      name: 'Port is unused when every ListenAddress names its own port',
      text: 'Port 2222\nListenAddress 127.0.0.1:22\n',
      expect: (t) => ({
        references: [listen(t, '2222', '2222', 2222, { flags: ['listen-address', 'unused'] }), listen(t, '127.0.0.1:22', '22', 22, { hostIp: '127.0.0.1' })],
        problems: [{ code: 'unused-port', severity: 'info', range: at(t, '2222') }],
      }),
    },
    {
      name: 'Port inside a Match block is refused',
      text: 'Match User bob\n  Port 2222\n',
      expect: (t) => ({ references: [], problems: [{ code: 'not-allowed-in-match', severity: 'error', range: at(t, 'Port') }] }),
    },
    {
      name: 'Port without a value is a parse error',
      text: 'Port\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'Port') }] }),
    },
    {
      name: 'a quoted ListenAddress points inside the quotes',
      text: 'ListenAddress "127.0.0.1:2022"\n',
      expect: (t) => ({ references: [listen(t, '127.0.0.1:2022', '2022', 2022, { hostIp: '127.0.0.1' })] }),
    },
    {
      name: 'an out-of-range ListenAddress port is reported on its digits',
      text: 'ListenAddress 10.0.0.1:99999\n',
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '99999') }] }),
    },
    {
      name: 'CRLF line endings keep exact offsets',
      text: 'Port 22\r\nPort 23\r\n',
      expect: (t) => ({ references: [listen(t, '22', '22', 22), listen(t, '23', '23', 23)] }),
    },
  ]);
});

describe('Apache scanner', () => {
  check(scanApache, 'apache', [
    { name: 'Listen with a port only', text: 'Listen 80\n', expect: (t) => ({ references: [listen(t, '80', '80', 80)] }) },
    {
      name: 'Listen with an IPv4 address',
      text: 'Listen 192.0.2.1:8080\n',
      expect: (t) => ({ references: [listen(t, '192.0.2.1:8080', '8080', 8080, { hostIp: '192.0.2.1' })] }),
    },
    {
      name: 'Listen with a bracketed IPv6 address',
      text: 'Listen [2001:db8::a00:20ff:fea7:ccea]:80\n',
      expect: (t) => ({ references: [listen(t, '[2001:db8::a00:20ff:fea7:ccea]:80', '80', 80, { hostIp: '2001:db8::a00:20ff:fea7:ccea' })] }),
    },
    { name: 'Listen with a protocol argument', text: 'Listen 443 https\n', expect: (t) => ({ references: [listen(t, '443', '443', 443, { flags: ['https'] })] }) },
    { name: 'directive names are case-insensitive', text: 'listen 8080\n', expect: (t) => ({ references: [listen(t, '8080', '8080', 8080)] }) },
    {
      name: 'Listen inside IfModule still counts',
      text: '<IfModule ssl_module>\n    Listen 443\n</IfModule>\n',
      expect: (t) => ({ references: [listen(t, '443', '443', 443)] }),
    },
    { name: 'a commented Listen is ignored', text: '# Listen 80\n#Listen 81\n', expect: () => ({ references: [] }) },
    {
      name: 'Listen with an address but no port is an error',
      text: 'Listen 192.0.2.1\n',
      expect: (t) => ({ references: [], problems: [{ code: 'missing-port', severity: 'error', range: at(t, '192.0.2.1') }] }),
    },
    {
      name: 'Listen with an out-of-range port',
      text: 'Listen 99999\n',
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '99999') }] }),
    },
    {
      name: 'the same Listen twice stops Apache',
      text: 'Listen 80\nListen 80\n',
      expect: (t) => ({
        references: [listen(t, '80', '80', 80), listen(t, '80', '80', 80, {}, 1)],
        problems: [{ code: 'duplicate-listen', severity: 'error', range: at(t, '80', 1) }],
      }),
    },
    {
      name: 'Listen without arguments is a parse error',
      text: 'Listen\n',
      expect: (t) => ({ references: [], problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'Listen') }] }),
    },
    {
      name: 'Listen with too many arguments is a parse error but the port is still found',
      text: 'Listen 80 http extra\n',
      expect: (t) => ({
        references: [listen(t, '80', '80', 80, { flags: ['http'] })],
        problems: [{ code: 'parse-error', severity: 'error', range: at(t, 'Listen 80 http extra') }],
      }),
    },
    {
      name: 'a backslash continues the directive on the next line',
      text: 'Listen \\\n    8080\n',
      expect: (t) => ({ references: [listen(t, '8080', '8080', 8080)] }),
    },
    {
      name: 'VirtualHost with a wildcard address',
      text: '<VirtualHost *:80>\n</VirtualHost>\n',
      expect: (t) => ({ references: [listen(t, '*:80', '80', 80, { hostIp: '*', flags: ['virtualhost'] })] }),
    },
    {
      name: 'VirtualHost with several addresses',
      text: '<VirtualHost 10.0.0.1:8080 [::1]:8443>\n',
      expect: (t) => ({
        references: [
          listen(t, '10.0.0.1:8080', '8080', 8080, { hostIp: '10.0.0.1', flags: ['virtualhost'] }),
          listen(t, '[::1]:8443', '8443', 8443, { hostIp: '::1', flags: ['virtualhost'] }),
        ],
      }),
    },
    {
      name: 'VirtualHost _default_ has no specific address',
      text: '<VirtualHost _default_:443>\n',
      expect: (t) => ({ references: [listen(t, '_default_:443', '443', 443, { flags: ['virtualhost'] })] }),
    },
    { name: 'VirtualHost without a port or with :* names no port', text: '<VirtualHost *>\n<VirtualHost *:*>\n', expect: () => ({ references: [] }) },
  ]);
});

describe('HAProxy scanner', () => {
  check(scanHaproxy, 'haproxy', [
    {
      name: 'bind :80 in a frontend',
      text: 'frontend web\n    bind :80\n',
      expect: (t) => ({ references: [listen(t, ':80', '80', 80, { scope: 'web' })] }),
    },
    {
      name: 'bind *:443 with ssl parameters',
      text: 'frontend tls\n    bind *:443 ssl crt /etc/haproxy/site.pem\n',
      expect: (t) => ({ references: [listen(t, '*:443', '443', 443, { hostIp: '*', scope: 'tls', flags: ['ssl'] })] }),
    },
    {
      name: 'bind with a port range',
      text: 'frontend ranged\n  bind 10.0.0.1:8080-8090\n',
      expect: (t) => ({ references: [{ ...listen(t, '10.0.0.1:8080-8090', '8080-8090', 8080, { hostIp: '10.0.0.1', scope: 'ranged' }), endPort: 8090 }] }),
    },
    {
      name: 'an unbracketed IPv6 address splits at the last colon',
      text: 'frontend v6\n  bind :::80 v4v6\n',
      expect: (t) => ({ references: [listen(t, ':::80', '80', 80, { hostIp: '::', scope: 'v6', flags: ['v4v6'] })] }),
    },
    {
      name: 'an address family prefix is part of the token',
      text: 'frontend f\n  bind ipv4@:80\n',
      expect: (t) => ({ references: [listen(t, 'ipv4@:80', '80', 80, { scope: 'f' })] }),
    },
    {
      name: 'several comma-separated addresses',
      text: 'frontend f\n  bind :80,:443\n',
      expect: (t) => ({ references: [listen(t, ':80', '80', 80, { scope: 'f' }), listen(t, ':443', '443', 443, { scope: 'f' })] }),
    },
    { name: 'a UNIX socket path has no port', text: 'frontend f\n  bind /var/run/haproxy.sock\n  bind unix@/run/x.sock\n', expect: () => ({ references: [] }) },
    {
      name: 'a QUIC listener is udp',
      text: 'frontend h3\n  bind quic4@:443 ssl\n',
      expect: (t) => ({ references: [listen(t, 'quic4@:443', '443', 443, { protocol: 'udp', scope: 'h3', flags: ['ssl'] })] }),
    },
    {
      name: 'bind without a port is an error',
      text: 'frontend f\n  bind 10.0.0.1\n',
      expect: (t) => ({ references: [], problems: [{ code: 'missing-port', severity: 'error', range: at(t, '10.0.0.1') }] }),
    },
    {
      name: 'a reversed port range is an error',
      text: 'frontend f\n  bind :8090-8080\n',
      expect: (t) => ({ references: [], problems: [{ code: 'reversed-range', severity: 'error', range: at(t, '8090-8080') }] }),
    },
    {
      name: 'an out-of-range bind port is an error',
      text: 'frontend f\n  bind :70000\n',
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '70000') }] }),
    },
    {
      name: 'server lines are upstreams of their backend',
      text: 'backend app\n    server web1 10.0.0.1:8080 check\n',
      expect: (t) => ({
        references: [{ role: 'upstream', range: at(t, '10.0.0.1:8080'), portRange: at(t, '8080'), protocol: 'tcp', name: 'web1', hostIp: '10.0.0.1', scope: 'app', port: 8080, endPort: 8080 }],
      }),
    },
    { name: 'a server without a port follows the client port', text: 'backend app\n    server web2 10.0.0.2 check\n', expect: () => ({ references: [] }) },
    {
      name: 'a server port offset is kept as written',
      text: 'backend app\n    server s1 10.0.0.3:+1\n',
      expect: (t) => ({
        references: [{ role: 'upstream', range: at(t, '10.0.0.3:+1'), portRange: at(t, '+1'), protocol: 'tcp', name: 's1', hostIp: '10.0.0.3', scope: 'app', port: null, endPort: null, rawText: '+1', flags: ['port-offset'] }],
      }),
    },
    {
      name: 'a listen section line may carry its address',
      text: 'listen stats 0.0.0.0:8404\n    mode http\n',
      expect: (t) => ({ references: [listen(t, '0.0.0.0:8404', '8404', 8404, { hostIp: '0.0.0.0', scope: 'stats' })] }),
    },
    {
      name: 'comments are ignored, even after a directive',
      text: 'frontend f\n  # bind :81\n  bind :80 # public\n',
      expect: (t) => ({ references: [listen(t, ':80', '80', 80, { scope: 'f' })] }),
    },
    {
      name: 'server-template addresses are upstreams',
      text: 'backend pool\n  server-template srv 1-3 app.local:8080 check\n',
      expect: (t) => ({
        references: [{ role: 'upstream', range: at(t, 'app.local:8080'), portRange: at(t, '8080'), protocol: 'tcp', name: 'srv', hostIp: 'app.local', scope: 'pool', port: 8080, endPort: 8080 }],
      }),
    },
    {
      name: 'an environment variable port is kept unresolved',
      text: 'frontend f\n  bind "${ADDR}:${PORT}"\n',
      expect: (t) => ({
        references: [{ role: 'listen', range: at(t, '${ADDR}:${PORT}'), portRange: at(t, '${PORT}'), protocol: 'tcp', hostIp: '${ADDR}', scope: 'f', port: null, endPort: null, rawText: '${PORT}' }],
      }),
    },
    { name: 'global settings are not listeners', text: 'global\n    stats socket ipv4@127.0.0.1:9999 level admin\n', expect: () => ({ references: [] }) },
  ]);
});

describe('systemd socket scanner', () => {
  check(scanSystemdSocket, 'systemd', [
    { name: 'ListenStream with a port is tcp on all addresses', text: '[Socket]\nListenStream=8080\n', expect: (t) => ({ references: [listen(t, '8080', '8080', 8080)] }) },
    {
      name: 'ListenStream with an IPv4 address',
      text: '[Socket]\nListenStream=127.0.0.1:8080\n',
      expect: (t) => ({ references: [listen(t, '127.0.0.1:8080', '8080', 8080, { hostIp: '127.0.0.1' })] }),
    },
    {
      name: 'ListenStream with an IPv6 address',
      text: '[Socket]\nListenStream=[::]:80\n',
      expect: (t) => ({ references: [listen(t, '[::]:80', '80', 80, { hostIp: '::' })] }),
    },
    { name: 'ListenDatagram is udp', text: '[Socket]\nListenDatagram=514\n', expect: (t) => ({ references: [listen(t, '514', '514', 514, { protocol: 'udp' })] }) },
    {
      name: 'paths, abstract names and vsock addresses have no IP port',
      text: '[Socket]\nListenStream=/run/x.sock\nListenStream=@abstract\nListenStream=vsock::1234\nListenSequentialPacket=/run/seq.sock\n',
      expect: () => ({ references: [] }),
    },
    {
      name: 'ListenSequentialPacket refuses an IP port',
      text: '[Socket]\nListenSequentialPacket=8000\n',
      expect: (t) => ({ references: [], problems: [{ code: 'unsupported-address', severity: 'error', range: at(t, '8000') }] }),
    },
    { name: 'Listen settings outside [Socket] are ignored', text: '[Unit]\nListenStream=80\n', expect: () => ({ references: [] }) },
    { name: 'spaces around = are allowed', text: '[Socket]\nListenStream = 8080\n', expect: (t) => ({ references: [listen(t, '8080', '8080', 8080)] }) },
    {
      name: 'an out-of-range port is an error on its digits',
      text: '[Socket]\nListenStream=70000\n',
      expect: (t) => ({ references: [], problems: [{ code: 'port-out-of-range', severity: 'error', range: at(t, '70000') }] }),
    },
    {
      name: 'a host name is not an accepted address',
      text: '[Socket]\nListenStream=localhost:80\n',
      expect: (t) => ({ references: [], problems: [{ code: 'invalid-address', severity: 'error', range: at(t, 'localhost:80') }] }),
    },
    {
      name: 'an empty assignment resets the listeners above it',
      text: '[Socket]\nListenStream=80\nListenStream=\nListenStream=81\n',
      expect: (t) => ({ references: [listen(t, '81', '81', 81)], problems: [{ code: 'listeners-reset', severity: 'info', range: at(t, 'ListenStream', 1) }] }),
    },
    {
      name: 'SocketProtocol=sctp makes a stream listener sctp, even when written after it',
      text: '[Socket]\nListenStream=9899\nSocketProtocol=sctp\n',
      expect: (t) => ({ references: [listen(t, '9899', '9899', 9899, { protocol: 'sctp' })] }),
    },
    {
      name: 'an interface scope after the port is not part of the port',
      text: '[Socket]\nListenStream=[fe80::1]:80%eth0\n',
      expect: (t) => ({ references: [listen(t, '[fe80::1]:80%eth0', ']:80', 80, { hostIp: 'fe80::1', portRange: inside(t, ']:80', '80') })] }),
    },
    { name: 'commented settings are ignored', text: '[Socket]\n# ListenStream=80\n; ListenStream=81\n', expect: () => ({ references: [] }) },
    {
      name: 'SocketProtocol=udplite is kept as a flag on datagram listeners',
      text: '[Socket]\nListenDatagram=0.0.0.0:53\nSocketProtocol=udplite\n',
      expect: (t) => ({ references: [listen(t, '0.0.0.0:53', '53', 53, { protocol: 'udp', hostIp: '0.0.0.0', flags: ['udplite'] })] }),
    },
    {
      name: 'a specifier in place of a port is reported as unresolved',
      text: '[Socket]\nListenStream=%i\n',
      expect: (t) => ({ references: [], problems: [{ code: 'unresolved-specifier', severity: 'info', range: at(t, '%i') }] }),
    },
  ]);
});

describe('host configuration fixtures', () => {
  const read = (name: string) => fs.readFileSync(`test/unit/fixtures/hosts/${name}`, 'utf8');

  it('finds every listener in a hardened sshd_config', () => {
    const result = scanSshd(read('sshd_config'));
    assert.deepEqual(result.references.map((reference) => [reference.port, reference.hostIp ?? '*']), [[2222, '*'], [2222, '10.0.0.5'], [22, '127.0.0.1']]);
    assert.deepEqual(result.problems, []);
  });

  it('finds Listen and VirtualHost ports in an Apache ports.conf', () => {
    const result = scanApache(read('ports.conf'));
    assert.deepEqual(result.references.map((reference) => reference.port), [80, 443, 8443, 80, 443]);
    assert.deepEqual(result.problems, []);
  });

  it('finds binds and servers in an haproxy.cfg', () => {
    const result = scanHaproxy(read('haproxy.cfg'));
    assert.deepEqual(
      result.references.map((reference) => [reference.role, reference.scope, reference.port]),
      [['listen', 'stats', 8404], ['listen', 'www', 80], ['listen', 'www', 443], ['upstream', 'app', 8080], ['upstream', 'app', 8080]],
    );
  });

  it('finds stream and datagram listeners in a socket unit', () => {
    const result = scanSystemdSocket(read('metrics.socket'));
    assert.deepEqual(result.references.map((reference) => [reference.protocol, reference.port]), [['tcp', 9100], ['udp', 8125]]);
  });
});

describe('misc scanners never throw', () => {
  const scanners: [string, Scanner][] = [['sshd', scanSshd], ['apache', scanApache], ['haproxy', scanHaproxy], ['systemd', scanSystemdSocket]];
  // Text built from the pieces these formats care about, so the generator reaches the parsers' corners.
  const pieces = fc.constantFrom(
    'Port', 'ListenAddress', 'Listen', 'Match', 'bind', 'server', 'frontend', 'backend', '<VirtualHost', '[Socket]', 'ListenStream=', 'ListenDatagram=',
    'SocketProtocol=sctp', ' ', '\t', '\n', '\r\n', ':', '::', '[', ']', '@', '/', '#', '"', "'", '\\', '0', '22', '8080', '70000', '.', '-', ',', '%', '*', '>', '=', '+1', '${P}', 'ipv4@', 'unix@',
  );
  for (const [name, scanner] of scanners) {
    it(`${name}: ranges stay inside the text for arbitrary input`, () => {
      fc.assert(
        fc.property(fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join('')), (text) => {
          const result = scanner(text);
          for (const item of [...result.references, ...result.problems]) {
            assert.ok(item.range.start >= 0 && item.range.start <= item.range.end && item.range.end <= text.length);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
