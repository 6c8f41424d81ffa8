import * as assert from 'node:assert/strict';
import { detectFormats, scanFile } from '../../src/core/scanners/index';
import { scanApache, scanHaproxy, scanSystemdSocket } from '../../src/core/scanners/misc';
import type { ScanResult, SourceRange } from '../../src/core/types';
import type { Forward, ServedListener, SystemdFacts } from '../../src/core/wiring/facts';
import { at } from './textSpans';

/** A forward whose target address is the `occurrence`-th `address` in `text`. */
function forward(text: string, written: string, address: string, port?: number, occurrence = 0): Forward {
  return { text: written, range: at(text, address, occurrence), ...(port !== undefined ? { port } : {}) };
}

function listener(range: SourceRange, forwards: Forward[], undecided = false): ServedListener {
  return { range, forwards, undecided };
}

function served(result: ScanResult, software: 'HAProxy' | 'Apache httpd'): readonly ServedListener[] {
  assert.equal(result.wiring?.server?.software, software);
  return result.wiring.server.listeners;
}

/** Every inline input of the HAProxy and Apache cases, for the property that listeners and references pair up. */
const haproxyInputs: string[] = [];
const apacheInputs: { text: string; fileName?: string }[] = [];

/** Each listen reference has one served listener with its very range, in the same order. */
function assertPaired(result: ScanResult): void {
  const listens = result.references.filter((reference) => reference.role === 'listen');
  assert.deepEqual((result.wiring?.server?.listeners ?? []).map((item) => item.range), listens.map((reference) => reference.range));
}

function haproxy(text: string): readonly ServedListener[] {
  haproxyInputs.push(text);
  const result = scanHaproxy(text);
  assert.deepEqual(result.problems, []);
  assertPaired(result);
  return served(result, 'HAProxy');
}

function apache(text: string, fileName?: string): readonly ServedListener[] {
  apacheInputs.push({ text, fileName });
  const result = scanApache(text, fileName !== undefined ? { fileName } : undefined);
  assert.deepEqual(result.problems, []);
  assertPaired(result);
  return served(result, 'Apache httpd');
}

describe('HAProxy listeners say where they relay', () => {
  it('a listen section relays to its own servers', () => {
    const t = 'listen redis\n    bind :6379\n    server r1 10.0.0.30:6379 check\n    server r2 10.0.0.31:6380\n';
    assert.deepEqual(haproxy(t), [
      listener(at(t, ':6379'), [forward(t, 'server r1 10.0.0.30:6379', '10.0.0.30:6379', 6379), forward(t, 'server r2 10.0.0.31:6380', '10.0.0.31:6380', 6380)]),
    ]);
  });

  it('an address on the listen line is a listener with the section servers', () => {
    const t = 'listen db 0.0.0.0:5432\n    server pg 10.0.0.5:5432\n';
    assert.deepEqual(haproxy(t), [listener(at(t, '0.0.0.0:5432'), [forward(t, 'server pg 10.0.0.5:5432', '10.0.0.5:5432', 5432)])]);
  });

  it('a frontend relays to its default_backend, even one written below it', () => {
    const t = 'frontend web\n    bind :80\n    default_backend app\n\nbackend app\n    server a1 10.0.1.10:8080 check\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [forward(t, 'server a1 10.0.1.10:8080', '10.0.1.10:8080', 8080)])]);
  });

  it('every use_backend counts whatever its condition, then the default_backend', () => {
    const t = [
      'frontend web',
      '    bind :80',
      '    acl is_api path_beg /api',
      '    use_backend api if is_api',
      '    use_backend admin unless { src 10.0.0.0/8 }',
      '    default_backend static',
      'backend static',
      '    server s1 10.0.0.1:8080',
      'backend api',
      '    server a1 10.0.0.2:9000',
      'backend admin',
      '    server m1 10.0.0.3:8081',
      '',
    ].join('\n');
    assert.deepEqual(haproxy(t), [
      listener(at(t, ':80'), [
        forward(t, 'server a1 10.0.0.2:9000', '10.0.0.2:9000', 9000),
        forward(t, 'server m1 10.0.0.3:8081', '10.0.0.3:8081', 8081),
        forward(t, 'server s1 10.0.0.1:8080', '10.0.0.1:8080', 8080),
      ]),
    ]);
  });

  it('a frontend without its own default_backend takes the one of the defaults section above it', () => {
    const t = 'defaults\n    mode http\n    default_backend app\n\nfrontend web\n    bind :80\n\nbackend app\n    server a1 10.0.1.10:8080\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [forward(t, 'server a1 10.0.1.10:8080', '10.0.1.10:8080', 8080)])]);
  });

  it("a frontend's own default_backend wins over the defaults section's", () => {
    const t = 'defaults\n    default_backend app\nfrontend web\n    bind :80\n    default_backend other\nbackend app\n    server a1 10.0.0.1:8080\nbackend other\n    server o1 10.0.0.2:8081\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [forward(t, 'server o1 10.0.0.2:8081', '10.0.0.2:8081', 8081)])]);
  });

  it('a later defaults section replaces the earlier one for the proxies below it', () => {
    const t = 'defaults\n    default_backend app\ndefaults\n    mode tcp\nfrontend web\n    bind :80\nbackend app\n    server a1 10.0.0.1:8080\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [])]);
  });

  it('`from` names the defaults section and is not read as an address', () => {
    const t = 'defaults base\n    default_backend app\ndefaults other\n    mode tcp\nfrontend web from base\n    bind :80\nbackend app\n    server a1 10.0.0.1:8080\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [forward(t, 'server a1 10.0.0.1:8080', '10.0.0.1:8080', 8080)])]);
  });

  it('a server without a port is dialled on the port the client connected to', () => {
    const t = 'listen fwd\n    bind :8443\n    bind :9443\n    server s1 10.0.0.1 check\n';
    assert.deepEqual(haproxy(t), [
      listener(at(t, ':8443'), [forward(t, 'server s1 10.0.0.1', '10.0.0.1', 8443)]),
      listener(at(t, ':9443'), [forward(t, 'server s1 10.0.0.1', '10.0.0.1', 9443)]),
    ]);
  });

  it('a +N or -N port is the client port moved by N', () => {
    const t = 'listen shift\n    bind :8000\n    server up 10.0.0.1:+1000\n    server down 10.0.0.2:-10\n';
    assert.deepEqual(haproxy(t), [
      listener(at(t, ':8000'), [forward(t, 'server up 10.0.0.1:+1000', '10.0.0.1:+1000', 9000), forward(t, 'server down 10.0.0.2:-10', '10.0.0.2:-10', 7990)]),
    ]);
  });

  it('on a bind range a portless or offset server has no single port', () => {
    const t = 'listen many\n    bind :8000-8010\n    server s1 10.0.0.1\n    server s2 10.0.0.2:+1\n    server s3 10.0.0.3:7000\n';
    assert.deepEqual(haproxy(t), [
      listener(at(t, ':8000-8010'), [
        forward(t, 'server s1 10.0.0.1', '10.0.0.1'),
        forward(t, 'server s2 10.0.0.2:+1', '10.0.0.2:+1'),
        forward(t, 'server s3 10.0.0.3:7000', '10.0.0.3:7000', 7000),
      ]),
    ]);
  });

  it('a variable host keeps its written port; a socket and a variable port have none', () => {
    const t = 'listen cache\n    bind :6379\n    server r1 ${REDIS_HOST}:6379\n    server r2 unix@/run/redis.sock\n    server r3 /run/redis2.sock\n    server r4 cache:${REDIS_PORT}\n';
    assert.deepEqual(haproxy(t), [
      listener(at(t, ':6379'), [
        forward(t, 'server r1 ${REDIS_HOST}:6379', '${REDIS_HOST}:6379', 6379),
        forward(t, 'server r2 unix@/run/redis.sock', 'unix@/run/redis.sock'),
        forward(t, 'server r3 /run/redis2.sock', '/run/redis2.sock'),
        forward(t, 'server r4 cache:${REDIS_PORT}', 'cache:${REDIS_PORT}'),
      ]),
    ]);
  });

  it('server-template uses its address port; a DNS SRV name leaves the port to the records', () => {
    const t = 'frontend f\n    bind :80\n    default_backend pool\nbackend pool\n    server-template web 1-3 app.local:8080 check\n    server-template srv 5 _http._tcp.app.local resolvers dns\n';
    assert.deepEqual(haproxy(t), [
      listener(at(t, ':80'), [
        forward(t, 'server-template web 1-3 app.local:8080', 'app.local:8080', 8080),
        forward(t, 'server-template srv 5 _http._tcp.app.local', '_http._tcp.app.local'),
      ]),
    ]);
  });

  it('a stats-only listen section answers itself', () => {
    const t = 'listen stats\n    bind 127.0.0.1:8404\n    mode http\n    stats enable\n    stats uri /\n';
    assert.deepEqual(haproxy(t), [listener(at(t, '127.0.0.1:8404'), [])]);
  });

  it('a frontend that returns its own responses answers itself', () => {
    const t = 'frontend health\n    bind :8081\n    http-request return status 200 content-type text/plain string ok\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':8081'), [])]);
  });

  it('a use_backend built from a sample expression is undecided, the static backends still listed', () => {
    const t = 'frontend web\n    bind :80\n    use_backend be_%[req.hdr(host),lower]\n    default_backend app\nbackend app\n    server a1 10.0.0.1:8080\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [forward(t, 'server a1 10.0.0.1:8080', '10.0.0.1:8080', 8080)], true)]);
  });

  it('a backend name from the environment is undecided', () => {
    const t = 'frontend web\n    bind :80\n    default_backend "${BACKEND}"\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [], true)]);
  });

  it('a backend that is not in this file is undecided', () => {
    const t = 'frontend web\n    bind :80\n    default_backend elsewhere\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [], true)]);
  });

  it('a listen section can be named as a backend', () => {
    const t = 'frontend web\n    bind :80\n    use_backend legacy if { path_beg /old }\nlisten legacy\n    bind 127.0.0.1:8000\n    server old 10.0.0.9:8000\n';
    const relay = forward(t, 'server old 10.0.0.9:8000', '10.0.0.9:8000', 8000);
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [relay]), listener(at(t, '127.0.0.1:8000'), [relay])]);
  });

  it('a backend named twice is listed once', () => {
    const t = 'frontend web\n    bind :80\n    use_backend app if { path_beg /a }\n    default_backend app\nbackend app\n    server a1 10.0.0.1:8080\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':80'), [forward(t, 'server a1 10.0.0.1:8080', '10.0.0.1:8080', 8080)])]);
  });

  it('each address of a comma list is its own listener', () => {
    const t = 'listen pair\n    bind :80,:81\n    server s1 10.0.0.1\n';
    assert.deepEqual(haproxy(t), [
      listener(at(t, ':80'), [forward(t, 'server s1 10.0.0.1', '10.0.0.1', 80)]),
      listener(at(t, ':81'), [forward(t, 'server s1 10.0.0.1', '10.0.0.1', 81)]),
    ]);
  });

  it('a bind with a variable port is a listener whose portless servers have no port', () => {
    const t = 'listen env\n    bind "${ADDR}:${PORT}"\n    server s1 10.0.0.1\n';
    assert.deepEqual(haproxy(t), [listener(at(t, '${ADDR}:${PORT}'), [forward(t, 'server s1 10.0.0.1', '10.0.0.1')])]);
  });

  it('a peers section bind is HAProxy itself', () => {
    const t = 'peers mypeers\n    bind :10000\n    server haproxy1 192.168.0.1:10000\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':10000'), [])]);
  });

  it('a bind in a backend, which HAProxy refuses, is undecided', () => {
    const t = 'backend app\n    bind :8080\n    server a1 10.0.0.1:8080\n';
    assert.deepEqual(haproxy(t), [listener(at(t, ':8080'), [], true)]);
  });

  it('reads the fixture: the stats page answers itself, the frontend relays to the app servers', () => {
    const t = 'listen stats 127.0.0.1:8404\n    stats enable\n\nfrontend www\n    bind :80\n    bind :::443 v4v6 ssl crt /etc/haproxy/certs/site.pem\n    default_backend app\n\nbackend app\n    server app1 10.0.1.10:8080 check\n    server app2 10.0.1.11:8080 check backup\n';
    const relays = [forward(t, 'server app1 10.0.1.10:8080', '10.0.1.10:8080', 8080), forward(t, 'server app2 10.0.1.11:8080', '10.0.1.11:8080', 8080)];
    assert.deepEqual(haproxy(t), [listener(at(t, '127.0.0.1:8404'), []), listener(at(t, ':80'), relays), listener(at(t, ':::443'), relays)]);
  });
});

describe('Apache listeners say where they relay', () => {
  it('a virtual host with ProxyPass relays for its Listen and for its own address', () => {
    const t = 'Listen 8080\n<VirtualHost *:8080>\n    ProxyPass / http://app:3000/\n    ProxyPassReverse / http://app:3000/\n</VirtualHost>\n';
    const relay = [forward(t, 'http://app:3000/', 'http://app:3000/', 3000)];
    assert.deepEqual(apache(t), [listener(at(t, '8080'), relay), listener(at(t, '*:8080'), relay)]);
  });

  it('a ProxyPass to a balancer relays to its members', () => {
    const t = [
      'Listen 80',
      '<Proxy "balancer://app">',
      '    BalancerMember http://10.0.0.1:8080 route=1',
      '    BalancerMember http://10.0.0.2:8080 route=2',
      '</Proxy>',
      '<VirtualHost *:80>',
      '    ProxyPass "/" "balancer://app/"',
      '</VirtualHost>',
      '',
    ].join('\n');
    const members = [forward(t, 'http://10.0.0.1:8080', 'http://10.0.0.1:8080', 8080), forward(t, 'http://10.0.0.2:8080', 'http://10.0.0.2:8080', 8080)];
    assert.deepEqual(apache(t), [listener(at(t, '80'), members), listener(at(t, '*:80'), members)]);
  });

  it('a BalancerMember outside <Proxy> names its balancer first', () => {
    const t = 'Listen 80\nBalancerMember balancer://pool http://10.0.0.7:9000\nProxyPass /api balancer://pool\n';
    assert.deepEqual(apache(t), [listener(at(t, '80'), [forward(t, 'http://10.0.0.7:9000', 'http://10.0.0.7:9000', 9000)])]);
  });

  it('a balancer this file does not define is undecided', () => {
    const t = 'Listen 80\n<VirtualHost *:80>\n    ProxyPass / balancer://missing/\n</VirtualHost>\n';
    assert.deepEqual(apache(t), [listener(at(t, '80'), [], true), listener(at(t, '*:80'), [], true)]);
  });

  it('ProxyPass with ! forwards nothing', () => {
    const t = 'Listen 80\n<VirtualHost *:80>\n    ProxyPass /static !\n    ProxyPass / http://app:3000/\n</VirtualHost>\n';
    const relay = [forward(t, 'http://app:3000/', 'http://app:3000/', 3000)];
    assert.deepEqual(apache(t), [listener(at(t, '80'), relay), listener(at(t, '*:80'), relay)]);
  });

  it('a RewriteRule with the P flag relays; one without it does not', () => {
    const t = [
      'Listen 80',
      '<VirtualHost *:80>',
      '    RewriteEngine On',
      '    RewriteRule ^/api/(.*)$ http://api.internal:8000/$1 [P]',
      '    RewriteRule ^/ws/(.*)$ ws://chat:9001/$1 [L,P]',
      '    RewriteRule ^/old$ http://example.org/new [R=301,L]',
      '    RewriteRule ^/self$ /index.html [P]',
      '</VirtualHost>',
      '',
    ].join('\n');
    const relays = [
      forward(t, 'http://api.internal:8000/$1', 'http://api.internal:8000/$1', 8000),
      forward(t, 'ws://chat:9001/$1', 'ws://chat:9001/$1', 9001),
    ];
    assert.deepEqual(apache(t), [listener(at(t, '80'), relays), listener(at(t, '*:80'), relays)]);
  });

  it('a server-wide ProxyPass relays for a Listen no virtual host covers, and for every virtual host', () => {
    const t = 'Listen 8080\nProxyPass /app http://127.0.0.1:9090/\n<VirtualHost *:81>\n</VirtualHost>\n';
    const relay = [forward(t, 'http://127.0.0.1:9090/', 'http://127.0.0.1:9090/', 9090)];
    assert.deepEqual(apache(t), [listener(at(t, '8080'), relay), listener(at(t, '*:81'), relay)]);
  });

  it('only virtual hosts on the Listen port, or on any port, count for it', () => {
    const t = 'Listen 80\nListen 8080\n<VirtualHost *:8080>\n    ProxyPass / http://a:1000/\n</VirtualHost>\n<VirtualHost *>\n    ProxyPass / http://b:2000/\n</VirtualHost>\n';
    const a = forward(t, 'http://a:1000/', 'http://a:1000/', 1000);
    const b = forward(t, 'http://b:2000/', 'http://b:2000/', 2000);
    assert.deepEqual(apache(t), [listener(at(t, '80'), [b]), listener(at(t, '8080'), [a, b]), listener(at(t, '*:8080'), [a])]);
  });

  it('an Include with no virtual host for the port is undecided', () => {
    const t = 'Listen 80\nListen 8080\nIncludeOptional conf.d/*.conf\n<VirtualHost *:8080>\n</VirtualHost>\n';
    assert.deepEqual(apache(t), [listener(at(t, '80'), [], true), listener(at(t, '8080'), []), listener(at(t, '*:8080'), [])]);
  });

  it("Debian's ports.conf is only the listen list: undecided", () => {
    const t = 'Listen 80\n<IfModule ssl_module>\n    Listen 443\n</IfModule>\n';
    assert.deepEqual(apache(t, '/etc/apache2/ports.conf'), [listener(at(t, '80'), [], true), listener(at(t, '443'), [], true)]);
  });

  it('the same Listen lines in another file with no Include are Apache itself', () => {
    const t = 'Listen 80\n<IfModule ssl_module>\n    Listen 443\n</IfModule>\n';
    assert.deepEqual(apache(t, 'conf/httpd.conf'), [listener(at(t, '80'), []), listener(at(t, '443'), [])]);
  });

  it('a ports.conf port with its virtual host in the file is decided', () => {
    const t = 'Listen 80\nListen 127.0.0.1:8443 https\n<VirtualHost *:80>\n    ServerName example.org\n</VirtualHost>\n';
    assert.deepEqual(apache(t, 'ports.conf'), [listener(at(t, '80'), []), listener(at(t, '127.0.0.1:8443'), [], true), listener(at(t, '*:80'), [])]);
  });

  it('a plain virtual host is Apache answering itself', () => {
    const t = 'Listen 80\n<VirtualHost *:80>\n    DocumentRoot /var/www/html\n</VirtualHost>\n';
    assert.deepEqual(apache(t), [listener(at(t, '80'), []), listener(at(t, '*:80'), [])]);
  });

  it("a URL without a port is dialled on its scheme's default, as mod_proxy does", () => {
    const t = [
      'Listen 80',
      'ProxyPass /a http://a/',
      'ProxyPass /b https://b/',
      'ProxyPass /c ajp://tomcat/',
      'ProxyPass /d wss://d/',
      'ProxyPass /e h2c://e/',
      'ProxyPass /f fcgi://php/',
      'ProxyPass /g scgi://g/',
      'ProxyPass /h gopher://h/',
      '',
    ].join('\n');
    assert.deepEqual(apache(t), [
      listener(at(t, '80'), [
        forward(t, 'http://a/', 'http://a/', 80),
        forward(t, 'https://b/', 'https://b/', 443),
        forward(t, 'ajp://tomcat/', 'ajp://tomcat/', 8009),
        forward(t, 'wss://d/', 'wss://d/', 443),
        forward(t, 'h2c://e/', 'h2c://e/', 80),
        forward(t, 'fcgi://php/', 'fcgi://php/', 8000),
        forward(t, 'scgi://g/', 'scgi://g/', 4000),
        forward(t, 'gopher://h/', 'gopher://h/'),
      ]),
    ]);
  });

  it('a socket URL, a variable authority and a variable port leave the port out', () => {
    const t = [
      'Listen 80',
      'ProxyPassMatch ^/(.*\\.php)$ unix:/run/php/php-fpm.sock|fcgi://localhost/var/www/$1',
      'ProxyPass /b http://${BACKEND}/',
      'ProxyPass /c http://app:${APP_PORT}/',
      'ProxyPassMatch ^/user/(.*)$ http://user:secret@[::1]:9100/$1',
      '',
    ].join('\n');
    assert.deepEqual(apache(t), [
      listener(at(t, '80'), [
        forward(t, 'unix:/run/php/php-fpm.sock|fcgi://localhost/var/www/$1', 'unix:/run/php/php-fpm.sock|fcgi://localhost/var/www/$1'),
        forward(t, 'http://${BACKEND}/', 'http://${BACKEND}/'),
        forward(t, 'http://app:${APP_PORT}/', 'http://app:${APP_PORT}/'),
        forward(t, 'http://user:secret@[::1]:9100/$1', 'http://user:secret@[::1]:9100/$1', 9100),
      ]),
    ]);
  });

  it('a ProxyPass inside <Location> names only its target', () => {
    const t = 'Listen 80\n<VirtualHost *:80>\n    <Location /app>\n        ProxyPass http://app:5000/ timeout=5\n    </Location>\n</VirtualHost>\n';
    const relay = [forward(t, 'http://app:5000/', 'http://app:5000/', 5000)];
    assert.deepEqual(apache(t), [listener(at(t, '80'), relay), listener(at(t, '*:80'), relay)]);
  });
});

describe('ServedListener ranges pair with listen references', () => {
  it('every HAProxy and Apache listener reference of the cases above has exactly one served listener with its range', function () {
    if (haproxyInputs.length === 0 || apacheInputs.length === 0) {
      // Run on its own (a --grep), the cases above have not collected their inputs.
      this.skip();
    }
    assert.ok(haproxyInputs.length >= 20 && apacheInputs.length >= 15);
    for (const text of haproxyInputs) {
      assertPaired(scanHaproxy(text));
    }
    for (const { text, fileName } of apacheInputs) {
      assertPaired(scanApache(text, fileName !== undefined ? { fileName } : undefined));
    }
  });
});

describe('systemd units say what they start and run', () => {
  function systemd(text: string, fileName?: string): SystemdFacts | undefined {
    const result = scanSystemdSocket(text, fileName !== undefined ? { fileName } : undefined);
    assert.equal(result.format, 'systemd');
    return result.wiring?.systemd;
  }

  it('a socket without Service= starts the service of its own name', () => {
    const t = '[Socket]\nListenStream=6379\n\n[Install]\nWantedBy=sockets.target\n';
    assert.deepEqual(systemd(t, '/etc/systemd/system/redis.socket'), { unit: 'redis.socket', activates: 'redis.service' });
  });

  it('Service= names the service a socket starts', () => {
    const t = '[Socket]\nListenStream=8080\nService=web-backend.service\n';
    assert.deepEqual(systemd(t, 'web.socket'), { unit: 'web.socket', activates: 'web-backend.service' });
  });

  it('Accept=yes starts an instance of a template service per connection', () => {
    const t = '[Socket]\nListenStream=22\nAccept=yes\n';
    assert.deepEqual(systemd(t, 'sshd.socket'), { unit: 'sshd.socket', activates: 'sshd@.service' });
    assert.deepEqual(systemd('[Socket]\nListenStream=22\nAccept=on\n', 'sshd@.socket'), { unit: 'sshd@.socket', activates: 'sshd@.service' });
    assert.deepEqual(systemd('[Socket]\nListenStream=22\nAccept=yes\nAccept=no\n', 'sshd.socket'), { unit: 'sshd.socket', activates: 'sshd.service' });
  });

  it('a unit name on Windows paths loses its folder too', () => {
    assert.deepEqual(systemd('[Socket]\nListenStream=9100\n', 'C:\\units\\metrics.socket'), { unit: 'metrics.socket', activates: 'metrics.service' });
  });

  it('without a file name only Service= says what a socket starts', () => {
    assert.equal(systemd('[Socket]\nListenStream=80\n'), undefined);
    assert.deepEqual(systemd('[Socket]\nListenStream=80\nService=x.service\n'), { activates: 'x.service' });
  });

  it('a service runs its first ExecStart program, prefixes removed', () => {
    const t = '[Unit]\nDescription=Redis\n\n[Service]\nExecStartPre=/bin/true\nExecStart=-/usr/bin/redis-server /etc/redis/redis.conf --port 6380\nExecStart=/usr/bin/other\n';
    assert.deepEqual(systemd(t, 'redis.service'), {
      unit: 'redis.service',
      execStart: { program: '/usr/bin/redis-server', args: ['/etc/redis/redis.conf', '--port', '6380'], range: at(t, '/usr/bin/redis-server') },
    });
  });

  it('every prefix, doubled !! included, is stripped; with @ the next word is argv[0]', () => {
    const t = '[Service]\nExecStart=!!+@/usr/sbin/memcached memcached -p 11211\n';
    assert.deepEqual(systemd(t, 'memcached.service')?.execStart, { program: '/usr/sbin/memcached', args: ['-p', '11211'], range: at(t, '/usr/sbin/memcached') });
  });

  it('through env the program is the first word that is not an option or an assignment', () => {
    const t = '[Service]\nExecStart=/usr/bin/env -u DEBUG NODE_ENV=production PORT=9000 node server.js\n';
    const node = at(t, 'node server.js').start;
    assert.deepEqual(systemd(t, 'app.service')?.execStart, { program: 'node', args: ['server.js'], range: { start: node, end: node + 'node'.length } });
    const bare = '[Service]\nExecStart=env -- PORT=1 python3 -m http.server\n';
    assert.deepEqual(systemd(bare, 'py.service')?.execStart, { program: 'python3', args: ['-m', 'http.server'], range: at(bare, 'python3') });
  });

  it('quoted arguments are one word each', () => {
    const t = '[Service]\nExecStart=/opt/app/bin/app "--config=/etc/app/my app.yaml" \'a b\'\n';
    assert.deepEqual(systemd(t, 'app.service')?.execStart?.args, ['--config=/etc/app/my app.yaml', 'a b']);
  });

  it('an empty ExecStart= resets, so the next one runs', () => {
    const t = '[Service]\nExecStart=/usr/bin/old\nExecStart=\nExecStart=/usr/bin/new --flag\n';
    assert.deepEqual(systemd(t, 'override.conf'), { unit: 'override.conf', execStart: { program: '/usr/bin/new', args: ['--flag'], range: at(t, '/usr/bin/new') } });
  });

  it('a continued ExecStart keeps the program offset and joins the arguments', () => {
    const t = '[Service]\nExecStart=/usr/bin/clickhouse-server \\\n    --config-file=/etc/clickhouse-server/config.xml\n';
    assert.deepEqual(systemd(t, 'clickhouse-server.service')?.execStart, {
      program: '/usr/bin/clickhouse-server',
      args: ['--config-file=/etc/clickhouse-server/config.xml'],
      range: at(t, '/usr/bin/clickhouse-server'),
    });
  });

  it('ExecStart outside [Service] is not the command', () => {
    assert.deepEqual(systemd('[Unit]\nExecStart=/usr/bin/x\n', 'x.service'), { unit: 'x.service' });
  });

  it('a service file has no listeners and no problems', () => {
    const t = '[Unit]\nDescription=ClickHouse\n[Service]\nType=simple\nExecStart=/usr/bin/clickhouse-server --port 9000\nEnvironment=PORT=9000\n[Install]\nWantedBy=multi-user.target\n';
    const result = scanFile('deploy/clickhouse-server.service', t);
    assert.equal(result?.format, 'systemd');
    assert.deepEqual(result?.references, []);
    assert.deepEqual(result?.problems, []);
    assert.equal(result?.wiring?.systemd?.execStart?.program, '/usr/bin/clickhouse-server');
  });

  it('a socket keeps its listeners and gains its facts', () => {
    const t = '[Socket]\nListenStream=127.0.0.1:9000\nListenDatagram=8125\n';
    const result = scanFile('units/metrics.socket', t);
    assert.deepEqual(result?.references.map((reference) => [reference.protocol, reference.port, reference.hostIp]), [['tcp', 9000, '127.0.0.1'], ['udp', 8125, undefined]]);
    assert.deepEqual(result?.problems, []);
    assert.deepEqual(result?.wiring?.systemd, { unit: 'metrics.socket', activates: 'metrics.service' });
  });

  it('.service files are systemd units wherever they sit; a Dockerfile.* name stays a Dockerfile', () => {
    assert.deepEqual(detectFormats('etc/systemd/system/redis.service', ''), ['systemd']);
    assert.deepEqual(detectFormats('REDIS.SERVICE', ''), ['systemd']);
    assert.deepEqual(detectFormats('etc/nginx/sites-enabled/app.service', ''), ['systemd']);
    assert.deepEqual(detectFormats('etc/apache2/sites-available/web.socket', ''), ['systemd']);
    assert.deepEqual(detectFormats('Dockerfile.service', ''), ['dockerfile']);
    assert.deepEqual(detectFormats('etc/nginx/sites-enabled/app', ''), ['nginx']);
  });
});

describe('served-listener facts stay linear', () => {
  it('thousands of binds times thousands of portless servers stop at the budget, the later listeners undecided', () => {
    const binds = Array.from({ length: 400 }, (_, index) => `    bind :${10000 + index}`);
    const servers = Array.from({ length: 400 }, (_, index) => `    server s${index} 10.0.${index >> 8}.${index & 255}`);
    const listeners = scanHaproxy(['listen wide', ...binds, ...servers, ''].join('\n')).wiring?.server?.listeners ?? [];
    assert.equal(listeners.length, 400);
    // 100 000 targets in all: 250 listeners of 400 servers each.
    assert.deepEqual(listeners.slice(0, 250).map((item) => [item.forwards.length, item.undecided]), Array.from({ length: 250 }, () => [400, false]));
    assert.deepEqual(listeners.slice(250).map((item) => [item.forwards.length, item.undecided]), Array.from({ length: 150 }, () => [0, true]));
    assert.equal(listeners[7].forwards[3].port, 10007);
  });

  it('listeners that relay alike share their forwards, charged each time', () => {
    const listens = Array.from({ length: 300 }, (_, index) => `Listen ${20000 + index}`);
    const proxies = Array.from({ length: 400 }, (_, index) => `ProxyPass /p${index} http://app${index}:8080/`);
    const listeners = scanApache([...listens, ...proxies, ''].join('\n')).wiring?.server?.listeners ?? [];
    assert.equal(listeners.length, 300);
    assert.equal(listeners[0].forwards, listeners[249].forwards);
    assert.deepEqual(listeners.map((item) => item.undecided).lastIndexOf(false), 249);
    assert.deepEqual(listeners.slice(250).map((item) => item.forwards.length), Array.from({ length: 50 }, () => 0));
  });
});

describe('served-listener facts never throw', () => {
  /** A small deterministic generator, so a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }
  const tokens = [
    'listen', 'frontend', 'backend', 'defaults', 'from', 'bind', 'server', 'server-template', 'use_backend', 'default_backend', 'peers',
    'Listen', '<VirtualHost', '</VirtualHost>', '<Proxy', '</Proxy>', 'ProxyPass', 'ProxyPassMatch', 'BalancerMember', 'RewriteRule', '[P]', 'Include',
    '[Socket]', '[Service]', 'ExecStart=', 'Service=', 'Accept=yes', 'env', '@', '-', '!!', 'balancer://b', 'http://h:80/', 'unix:/s|http://x/',
    ':80', '*:8080', '10.0.0.1', '10.0.0.1:+1', '${X}', '%[y]', '"', "'", '\\', '>', ':', '#', '1-3', '_srv._tcp.x', 'app', 'b',
  ];

  it('200 KB of random lines scan as HAProxy, Apache and systemd without throwing', () => {
    const next = random(20240611);
    const lines: string[] = [];
    let size = 0;
    while (size < 200_000) {
      const count = Math.floor(next() * 8);
      const words = Array.from({ length: count }, () => tokens[Math.floor(next() * tokens.length)]);
      const line = words.join(next() < 0.2 ? '' : ' ');
      lines.push(line);
      size += line.length + 1;
    }
    const text = lines.join('\n');
    for (const result of [scanHaproxy(text), scanApache(text, { fileName: 'ports.conf' })]) {
      assert.ok(!result.problems.some((item) => item.message.startsWith('Could not read')), result.format);
      assertPaired(result);
    }
    for (const fileName of ['x.service', 'x.socket']) {
      const result = scanSystemdSocket(text, { fileName });
      assert.ok(!result.problems.some((item) => item.message.startsWith('Could not read')), fileName);
      assert.equal(result.wiring?.systemd?.unit, fileName);
    }
  });
});
