import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../../src/core/analysis';
import { nginxTokenSpan, scanNginx, tokenizeNginx } from '../../src/core/scanners/nginx';
import type { PortReference, Protocol, ScanProblem, SourceRange } from '../../src/core/types';

/** Offset of the `occurrence`-th (0-based) appearance of `needle` in `text`. */
function at(text: string, needle: string, occurrence = 0): number {
  let index = -1;
  for (let seen = 0; seen <= occurrence; seen++) {
    index = text.indexOf(needle, index + 1);
    assert.ok(index >= 0, `"${needle}" (#${occurrence}) not found in test text`);
  }
  return index;
}

function span(text: string, needle: string, occurrence = 0): SourceRange {
  const start = at(text, needle, occurrence);
  return { start, end: start + needle.length };
}

/** Directives inside `http { server { … } }`. */
function inServer(body: string): string {
  return `http {\n    server {\n        ${body.split('\n').join('\n        ')}\n    }\n}\n`;
}

/** Directives inside `stream { server { … } }`. */
function inStreamServer(body: string): string {
  return `stream {\n    server {\n        ${body.split('\n').join('\n        ')}\n    }\n}\n`;
}

interface Expectation {
  readonly role?: 'listen' | 'upstream';
  /** The text `range` covers. */
  readonly at: string;
  readonly occurrence?: number;
  readonly port: number | null;
  readonly endPort?: number | null;
  /** The portRange text, searched inside `at`; `false` for none. Defaults to the port number. */
  readonly digits?: string | false;
  readonly protocol?: Protocol;
  readonly scope?: string;
  readonly hostIp?: string;
  readonly flags?: readonly string[];
  readonly name?: string;
  readonly rawText?: string;
}

function expected(text: string, expectation: Expectation): PortReference {
  const range = span(text, expectation.at, expectation.occurrence ?? 0);
  const digits = expectation.digits ?? String(expectation.port);
  const digitsOffset = digits === false ? -1 : expectation.at.lastIndexOf(digits);
  return {
    role: expectation.role ?? 'listen',
    range,
    ...(digits === false ? {} : { portRange: { start: range.start + digitsOffset, end: range.start + digitsOffset + digits.length } }),
    protocol: expectation.protocol ?? 'tcp',
    port: expectation.port,
    endPort: expectation.endPort === undefined ? expectation.port : expectation.endPort,
    ...(expectation.hostIp !== undefined ? { hostIp: expectation.hostIp } : {}),
    ...(expectation.name !== undefined ? { name: expectation.name } : {}),
    scope: expectation.scope ?? 'http',
    ...(expectation.rawText !== undefined ? { rawText: expectation.rawText } : {}),
    ...(expectation.flags !== undefined ? { flags: expectation.flags } : {}),
  };
}

/** Compares field by field, so the order keys were written in does not matter. */
function normalise(reference: PortReference): Record<string, unknown> {
  return Object.fromEntries(Object.entries(reference).sort(([a], [b]) => a.localeCompare(b)));
}

interface ProblemExpectation {
  readonly code: string;
  readonly at: string;
  readonly occurrence?: number;
  readonly severity?: ScanProblem['severity'];
  /** A fragment the message must contain (nginx's own wording). */
  readonly says?: string;
}

interface Case {
  readonly name: string;
  readonly text: string;
  readonly fileName?: string;
  readonly references: readonly Expectation[];
  readonly problems?: readonly ProblemExpectation[];
}

/** The listen nginx adds to an http server block without one: *:80, shown on the `server` keyword. */
const IMPLICIT_LISTEN: Expectation = { at: 'server', port: 80, digits: false, flags: ['implicit'] };

const CASES: readonly Case[] = [
  // --- listen: address forms (ngx_http_core_module "listen") ---
  { name: 'reads a port alone', text: inServer('listen 80;'), references: [{ at: '80', port: 80 }] },
  { name: 'reads address:port', text: inServer('listen 127.0.0.1:8080;'), references: [{ at: '127.0.0.1:8080', port: 8080, hostIp: '127.0.0.1' }] },
  { name: 'reads hostname:port', text: inServer('listen localhost:8080;'), references: [{ at: 'localhost:8080', port: 8080, hostIp: 'localhost' }] },
  { name: 'leaves hostIp undefined for *:port', text: inServer('listen *:8000;'), references: [{ at: '*:8000', port: 8000 }] },
  { name: 'keeps 0.0.0.0 as written', text: inServer('listen 0.0.0.0:80;'), references: [{ at: '0.0.0.0:80', port: 80, hostIp: '0.0.0.0' }] },
  { name: 'reads [::]:port without the brackets in hostIp', text: inServer('listen [::]:80;'), references: [{ at: '[::]:80', port: 80, hostIp: '::' }] },
  { name: 'reads [::1]:port', text: inServer('listen [::1]:8080;'), references: [{ at: '[::1]:8080', port: 8080, hostIp: '::1' }] },
  {
    name: 'uses port 80 for an IPv4 address alone',
    text: inServer('listen 127.0.0.1;'),
    references: [{ at: '127.0.0.1', port: 80, digits: false, hostIp: '127.0.0.1', flags: ['implicit-port'] }],
  },
  { name: 'uses port 80 for [::1] alone', text: inServer('listen [::1];'), references: [{ at: '[::1]', port: 80, digits: false, hostIp: '::1', flags: ['implicit-port'] }] },
  { name: 'uses port 80 for a hostname alone', text: inServer('listen localhost;'), references: [{ at: 'localhost', port: 80, digits: false, hostIp: 'localhost', flags: ['implicit-port'] }] },
  { name: 'reads a port range', text: inServer('listen 8000-8010;'), references: [{ at: '8000-8010', port: 8000, endPort: 8010, digits: '8000-8010' }] },
  { name: 'reads an address with a port range', text: inServer('listen 127.0.0.1:12345-12399;'), references: [{ at: '127.0.0.1:12345-12399', port: 12345, endPort: 12399, digits: '12345-12399', hostIp: '127.0.0.1' }] },
  { name: 'skips unix sockets', text: inServer('listen unix:/var/run/nginx.sock;'), references: [] },
  { name: 'reads a quoted address without its quotes', text: inServer('listen "127.0.0.1:8443" ssl;'), references: [{ at: '127.0.0.1:8443', port: 8443, hostIp: '127.0.0.1', flags: ['ssl'] }] },
  {
    name: 'keeps a templated listen without a port',
    text: inServer('listen ${NGINX_PORT};'),
    references: [{ at: '${NGINX_PORT}', port: null, digits: false, rawText: '${NGINX_PORT}' }],
  },
  // --- listen parameters ---
  {
    name: 'collects listen parameters as flags',
    text: inServer('listen 443 ssl http2 default_server reuseport backlog=4096 ipv6only=on so_keepalive=on;'),
    references: [{ at: '443', port: 443, flags: ['ssl', 'http2', 'default_server', 'reuseport', 'backlog=4096', 'ipv6only=on', 'so_keepalive=on'] }],
  },
  { name: 'keeps the legacy default parameter', text: inServer('listen 80 default deferred bind;'), references: [{ at: '80', port: 80, flags: ['default', 'deferred', 'bind'] }] },
  {
    name: 'keeps socket tuning parameters',
    text: inServer('listen 80 rcvbuf=64k sndbuf=64k fastopen=256 setfib=1 accept_filter=httpready proxy_protocol;'),
    references: [{ at: '80', port: 80, flags: ['rcvbuf=64k', 'sndbuf=64k', 'fastopen=256', 'setfib=1', 'accept_filter=httpready', 'proxy_protocol'] }],
  },
  { name: 'reads quic as UDP', text: inServer('listen 443 quic reuseport;'), references: [{ at: '443', port: 443, protocol: 'udp', flags: ['quic', 'reuseport'] }] },
  { name: 'reads both sockets of HTTP/3 and HTTPS', text: inServer('listen 443 quic;\nlisten 443 ssl;'), references: [{ at: '443', port: 443, protocol: 'udp', flags: ['quic'] }, { at: '443', occurrence: 1, port: 443, flags: ['ssl'] }] },
  // --- scope ---
  { name: 'scopes stream listeners', text: inStreamServer('listen 12345;'), references: [{ at: '12345', port: 12345, scope: 'stream' }] },
  { name: 'reads udp in stream as UDP', text: inStreamServer('listen 127.0.0.1:53 udp reuseport;'), references: [{ at: '127.0.0.1:53', port: 53, hostIp: '127.0.0.1', protocol: 'udp', scope: 'stream', flags: ['udp', 'reuseport'] }] },
  { name: 'scopes mail listeners', text: 'mail {\n    server {\n        listen 143;\n        protocol imap;\n    }\n}\n', references: [{ at: '143', port: 143, scope: 'mail' }] },
  { name: 'assumes http for a snippet with no context', text: 'server {\n    listen 8081;\n}\n', references: [{ at: '8081', port: 8081 }] },
  { name: 'assumes http for a bare listen in an include file', text: 'listen 443 ssl;\n', references: [{ at: '443', port: 443, flags: ['ssl'] }] },
  {
    name: 'assumes stream for a snippet in a stream include directory',
    text: 'server {\n    listen 5432;\n    proxy_pass db.internal:5432;\n}\n',
    fileName: '/etc/nginx/stream.d/postgres.conf',
    references: [{ at: '5432', port: 5432, scope: 'stream' }, { role: 'upstream', at: 'db.internal:5432', port: 5432, hostIp: 'db.internal', scope: 'stream' }],
  },
  {
    name: 'refuses listen inside a location (nginx: "listen" directive is not allowed here)',
    text: inServer('location / {\n    listen 81;\n}'),
    references: [IMPLICIT_LISTEN],
    problems: [{ code: 'misplaced-directive', at: 'listen', says: '"listen" directive is not allowed here' }],
  },
  // --- tokenizer behaviour seen through the scanner ---
  { name: 'reads a directive spread over lines', text: inServer('listen\n    8080\n    ssl\n    ;'), references: [{ at: '8080', port: 8080, flags: ['ssl'] }] },
  { name: 'ignores commented-out directives', text: inServer('# listen 81;\nlisten 82; # listen 83;'), references: [{ at: '82', port: 82 }] },
  { name: 'reads several directives on one line', text: inServer('listen 80; listen [::]:80;'), references: [{ at: '80', port: 80 }, { at: '[::]:80', port: 80, hostIp: '::' }] },
  { name: 'ignores listen-like text inside map blocks', text: 'http {\n    map $host $backend {\n        listen 9999;\n    }\n}\n', references: [] },
  // --- upstream addresses ---
  { name: 'reads proxy_pass with an explicit port', text: inServer('location / {\n    proxy_pass http://127.0.0.1:3000;\n}'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: '127.0.0.1:3000', port: 3000, hostIp: '127.0.0.1' }] },
  { name: 'reads the port before a URI', text: inServer('location /api/ {\n    proxy_pass http://api.internal:8080/v1/;\n}'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: 'api.internal:8080', port: 8080, hostIp: 'api.internal' }] },
  { name: 'implies 80 for http://', text: inServer('location / {\n    proxy_pass http://app.internal;\n}'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: 'app.internal', port: 80, digits: false, hostIp: 'app.internal', flags: ['implicit-port'] }] },
  { name: 'implies 443 for https://', text: inServer('location / {\n    proxy_pass https://api.example.com/;\n}'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: 'api.example.com', port: 443, digits: false, hostIp: 'api.example.com', flags: ['implicit-port'] }] },
  { name: 'reads a bracketed IPv6 upstream', text: inServer('location / {\n    proxy_pass http://[::1]:8080;\n}'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: '[::1]:8080', port: 8080, hostIp: '::1' }] },
  { name: 'reads the scheme case-insensitively', text: inServer('location / {\n    proxy_pass HTTP://10.0.0.1:81;\n}'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: '10.0.0.1:81', port: 81, hostIp: '10.0.0.1' }] },
  { name: 'keeps the port before a variable URI', text: inServer('location / {\n    proxy_pass http://127.0.0.1:8080$request_uri;\n}'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: '127.0.0.1:8080', port: 8080, hostIp: '127.0.0.1' }] },
  { name: 'skips a variable host', text: inServer('location / {\n    proxy_pass http://$backend;\n    proxy_pass http://$host:$port;\n}'), references: [IMPLICIT_LISTEN] },
  { name: 'skips unix sockets in proxy_pass', text: inServer('location / {\n    proxy_pass http://unix:/run/app.sock:/;\n}'), references: [IMPLICIT_LISTEN] },
  {
    name: 'treats a name of an upstream block as no port',
    text: 'http {\n    upstream app {\n        server 10.0.0.1:8080;\n    }\n    server {\n        location / {\n            proxy_pass http://app;\n        }\n    }\n}\n',
    references: [{ role: 'upstream', at: '10.0.0.1:8080', port: 8080, hostIp: '10.0.0.1', name: 'app' }, { ...IMPLICIT_LISTEN, occurrence: 1 }],
  },
  {
    name: 'recognises an upstream block defined after its use',
    text: 'http {\n    server {\n        location / { proxy_pass http://late/; }\n    }\n    upstream late { server 10.0.0.9:9000; }\n}\n',
    references: [IMPLICIT_LISTEN, { role: 'upstream', at: '10.0.0.9:9000', port: 9000, hostIp: '10.0.0.9', name: 'late' }],
  },
  { name: 'reads fastcgi_pass', text: inServer('location ~ \\.php$ {\n    fastcgi_pass 127.0.0.1:9000;\n}'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: '127.0.0.1:9000', port: 9000, hostIp: '127.0.0.1' }] },
  {
    name: 'skips fastcgi_pass to a socket or to an upstream block of another file',
    text: 'server {\n    location ~ \\.php$ {\n        fastcgi_pass unix:/run/php/php8.2-fpm.sock;\n        fastcgi_pass php_pool;\n    }\n}\n',
    references: [IMPLICIT_LISTEN],
  },
  {
    name: 'refuses fastcgi_pass to a name no upstream block of a whole configuration has (nginx: no port in upstream)',
    text: inServer('location ~ \\.php$ {\n    fastcgi_pass php_pool;\n}'),
    references: [IMPLICIT_LISTEN],
    problems: [{ code: 'missing-port', at: 'php_pool', says: 'no port in upstream "php_pool"' }],
  },
  { name: 'reads uwsgi_pass with its scheme', text: inServer('location / {\n    uwsgi_pass uwsgi://127.0.0.1:3031;\n}'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: '127.0.0.1:3031', port: 3031, hostIp: '127.0.0.1' }] },
  { name: 'reads scgi_pass and memcached_pass', text: inServer('location /a { scgi_pass localhost:4000; }\nlocation /b { memcached_pass 127.0.0.1:11211; }'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: 'localhost:4000', port: 4000, hostIp: 'localhost' }, { role: 'upstream', at: '127.0.0.1:11211', port: 11211, hostIp: '127.0.0.1' }] },
  { name: 'reads grpc_pass with grpc:// and grpcs://', text: inServer('location /a { grpc_pass grpc://127.0.0.1:50051; }\nlocation /b { grpc_pass grpcs://api.internal:443; }'), references: [IMPLICIT_LISTEN, { role: 'upstream', at: '127.0.0.1:50051', port: 50051, hostIp: '127.0.0.1' }, { role: 'upstream', at: 'api.internal:443', port: 443, hostIp: 'api.internal' }] },
  { name: 'implies no port for grpc:// (grpc_pass has no default)', text: 'server {\n    location / {\n        grpc_pass grpc://backend;\n    }\n}\n', references: [IMPLICIT_LISTEN] },
  {
    name: 'reads upstream servers with their block name',
    text: 'http {\n    upstream backend {\n        server backend1.example.com:8080 weight=5;\n        server 127.0.0.1:8081 max_fails=3 fail_timeout=30s;\n        server unix:/tmp/backend3;\n        server backup.example.com backup;\n    }\n}\n',
    references: [
      { role: 'upstream', at: 'backend1.example.com:8080', port: 8080, hostIp: 'backend1.example.com', name: 'backend' },
      { role: 'upstream', at: '127.0.0.1:8081', port: 8081, hostIp: '127.0.0.1', name: 'backend' },
      { role: 'upstream', at: 'backup.example.com', port: 80, digits: false, hostIp: 'backup.example.com', name: 'backend', flags: ['implicit-port'] },
    ],
  },
  { name: 'skips SRV-resolved upstream servers', text: 'http {\n    upstream u {\n        zone u 64k;\n        server backend.example.com service=_http._tcp resolve;\n    }\n}\n', references: [] },
  {
    name: 'reads stream upstreams and proxy_pass',
    text: 'stream {\n    upstream dns {\n        server 192.168.0.1:53535;\n    }\n    server {\n        listen 53 udp;\n        proxy_pass dns;\n    }\n    server {\n        listen 2222;\n        proxy_pass 10.0.0.5:22;\n    }\n}\n',
    references: [
      { role: 'upstream', at: '192.168.0.1:53535', port: 53535, hostIp: '192.168.0.1', name: 'dns', scope: 'stream' },
      { at: '53', occurrence: 2, port: 53, protocol: 'udp', scope: 'stream', flags: ['udp'] },
      { at: '2222', port: 2222, scope: 'stream' },
      { role: 'upstream', at: '10.0.0.5:22', port: 22, hostIp: '10.0.0.5', scope: 'stream' },
    ],
  },
  // --- errors, worded as nginx words them ---
  { name: 'rejects port 0', text: inServer('listen 0;'), references: [], problems: [{ code: 'invalid-port', at: '0', says: 'invalid port in "0" of the "listen" directive' }] },
  { name: 'rejects port 0 after an address', text: inServer('listen 127.0.0.1:0;'), references: [], problems: [{ code: 'invalid-port', at: '127.0.0.1:0' }] },
  { name: 'rejects a port above 65535', text: inServer('listen 65536;'), references: [], problems: [{ code: 'port-out-of-range', at: '65536', says: 'invalid port in "65536"' }] },
  { name: 'rejects a non-numeric port', text: inServer('listen localhost:http;'), references: [], problems: [{ code: 'invalid-port', at: 'localhost:http' }] },
  { name: 'rejects an unbracketed IPv6 address', text: inServer('listen ::1:8080;'), references: [], problems: [{ code: 'ipv6-needs-brackets', at: '::1:8080', says: 'invalid port in "::1:8080" of the "listen" directive' }] },
  { name: 'rejects an unbracketed IPv6 wildcard', text: inServer('listen :::80;'), references: [], problems: [{ code: 'ipv6-needs-brackets', at: ':::80' }] },
  { name: 'rejects a missing host before the colon', text: inServer('listen :80;'), references: [], problems: [{ code: 'invalid-address', at: ':80', says: 'no host in ":80"' }] },
  { name: 'rejects an unclosed bracket', text: inServer('listen [::1:80;'), references: [], problems: [{ code: 'invalid-address', at: '[::1:80', says: 'invalid host' }] },
  { name: 'rejects a reversed port range', text: inServer('listen 9000-8000;'), references: [], problems: [{ code: 'reversed-range', at: '9000-8000', says: 'invalid port range' }] },
  // nginx -t accepts both: without a port, stream and mail listen on one the system picks.
  { name: 'accepts a stream listen without a port, with no port to show', text: inStreamServer('listen 127.0.0.1;\nreturn ok;'), references: [] },
  { name: 'accepts a mail listen without a port, with no port to show', text: 'mail {\n    server {\n        listen mail.example.com;\n    }\n}\n', references: [] },
  { name: 'requires a port in a stream upstream server', text: 'stream {\n    upstream db {\n        server 10.0.0.1;\n    }\n}\n', references: [], problems: [{ code: 'missing-port', at: '10.0.0.1', says: 'no port in upstream "10.0.0.1"' }] },
  { name: 'rejects an out-of-range upstream port', text: inServer('location / {\n    proxy_pass http://127.0.0.1:99999;\n}'), references: [IMPLICIT_LISTEN], problems: [{ code: 'port-out-of-range', at: '127.0.0.1:99999', says: 'invalid port in upstream' }] },
  {
    name: 'reports an unclosed block and keeps what it read',
    text: 'http {\n    server {\n        listen 80;\n',
    references: [{ at: '80', port: 80 }],
    problems: [{ code: 'parse-error', at: '{' }, { code: 'parse-error', at: '{', occurrence: 1 }],
  },
  {
    name: 'reports a stray closing brace and keeps scanning',
    text: 'server {\n    listen 80;\n}\n}\nserver {\n    listen 81;\n}\n',
    references: [{ at: '80', port: 80 }, { at: '81', port: 81 }],
    problems: [{ code: 'parse-error', at: '}', occurrence: 1 }],
  },
  {
    name: 'reports a directive missing its semicolon before }',
    text: 'server {\n    listen 8080\n}\n',
    references: [{ at: '8080', port: 8080 }],
    problems: [{ code: 'parse-error', at: '}' }],
  },
  {
    name: 'reports a directive cut off at the end of the file',
    text: 'listen 8080',
    references: [{ at: '8080', port: 8080 }],
    problems: [{ code: 'parse-error', at: 'listen 8080' }],
  },
  {
    name: 'reports an unterminated quote',
    text: 'server {\n    listen 80;\n    return 200 "unfinished;\n}\n',
    references: [{ at: '80', port: 80 }],
    problems: [
      { code: 'parse-error', at: '{' },
      { code: 'parse-error', at: 'return 200 "unfinished;\n}\n' },
      { code: 'parse-error', at: '"unfinished;\n}\n' },
    ],
  },
];

describe('nginx scanner', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const result = scanNginx(testCase.text, testCase.fileName ? { fileName: testCase.fileName } : undefined);
      assert.equal(result.format, 'nginx');
      assert.deepEqual(result.references.map(normalise), testCase.references.map((expectation) => normalise(expected(testCase.text, expectation))));
      const expectedProblems = (testCase.problems ?? [])
        .map((expectation) => ({ code: expectation.code, range: span(testCase.text, expectation.at, expectation.occurrence ?? 0), severity: expectation.severity ?? 'error' }))
        .sort((a, b) => a.range.start - b.range.start);
      assert.deepEqual(
        result.problems.map((found) => ({ code: found.code, range: found.range, severity: found.severity })),
        expectedProblems,
      );
      for (const expectation of testCase.problems ?? []) {
        if (expectation.says) {
          assert.ok(
            result.problems.some((found) => found.code === expectation.code && found.message.includes(expectation.says ?? '')),
            `no ${expectation.code} message says ${expectation.says}`,
          );
        }
      }
    });
  }

  it('scans the fixture site configuration', () => {
    const text = fs.readFileSync(path.join(__dirname, '../../../test/unit/fixtures/network/nginx.conf'), 'utf8');
    const result = scanNginx(text, { fileName: 'nginx.conf' });
    assert.deepEqual(result.problems, []);
    assert.deepEqual(
      result.references.map((reference) => [reference.role, text.slice(reference.range.start, reference.range.end), reference.port, reference.protocol, reference.scope]),
      [
        ['upstream', '127.0.0.1:3000', 3000, 'tcp', 'http'],
        ['upstream', '127.0.0.1:3001', 3001, 'tcp', 'http'],
        ['listen', '80', 80, 'tcp', 'http'],
        ['listen', '[::]:80', 80, 'tcp', 'http'],
        ['listen', '443', 443, 'tcp', 'http'],
        ['listen', '443', 443, 'udp', 'http'],
        ['listen', '[::]:443', 443, 'tcp', 'http'],
        ['upstream', '127.0.0.1:9000', 9000, 'tcp', 'http'],
        ['listen', '127.0.0.1:8081', 8081, 'tcp', 'http'],
        ['listen', '5432', 5432, 'tcp', 'stream'],
        ['upstream', '10.0.0.20:5432', 5432, 'tcp', 'stream'],
      ],
    );
  });

  it('reads nothing past a thousand nested blocks, says so once, and reads on after they close', () => {
    const levels = 1002;
    const text = `http {\n${'location / {\n'.repeat(levels)}server { listen 81; }\n${'}\n'.repeat(levels)}server {\n    listen 82;\n}\n}\n`;
    const result = scanNginx(text, { fileName: 'nginx.conf' });
    assert.deepEqual(
      result.references.map((reference) => [text.slice(reference.range.start, reference.range.end), reference.port]),
      [['82', 82]],
    );
    assert.deepEqual(
      result.problems.map((found) => [found.code, found.range, found.message]),
      [['parse-error', { start: 0, end: 0 }, 'Could not read the configuration: it is nested too deeply']],
    );
  });

  it('reports every block still open at the end of the file at its brace, however deep', () => {
    const levels = 1500;
    const text = `${'server {\n'.repeat(levels)}{ listen 81; }\n`;
    const result = scanNginx(text, { fileName: 'nginx.conf' });
    const braces = Array.from({ length: levels }, (_, level) => level * 'server {\n'.length + 'server '.length);
    // The outermost server, closed by the end of the file, listens on its implicit *:80.
    assert.deepEqual(
      result.references.map((reference) => [text.slice(reference.range.start, reference.range.end), reference.port, reference.flags]),
      [['server', 80, ['implicit']]],
    );
    assert.deepEqual(result.problems.map((found) => [found.range.start, found.range.end, found.message]), [
      [0, 0, 'Could not read the configuration: it is nested too deeply'],
      ...braces.map((start) => [start, start + 1, 'unexpected end of file, expecting "}" to close this block']),
      [at(text, '{ listen'), at(text, '{ listen') + 1, 'unexpected "{"'],
    ]);
  });

  it('never throws on hostile input', () => {
    const inputs = ['{', '}', ';', '"', "'", 'listen', 'listen ;', 'listen [', 'listen [];', 'listen :;', 'proxy_pass http://;', 'proxy_pass http://[::1;', 'upstream { server ; }', '\\', '$', '${', 'x'.repeat(5000), '{'.repeat(3000), '}'.repeat(3000)];
    for (const input of inputs) {
      assert.doesNotThrow(() => scanNginx(input));
    }
  });
});

describe('nginx tokenizer', () => {
  const kindsAndTexts = (text: string) => tokenizeNginx(text).tokens.map((token) => [token.kind, token.text]);

  const cases: readonly { name: string; text: string; expect: string[][] }[] = [
    { name: 'splits words, semicolons and braces', text: 'server { listen 80; }', expect: [['word', 'server'], ['{', '{'], ['word', 'listen'], ['word', '80'], [';', ';'], ['}', '}']] },
    { name: 'reads comments to the end of the line', text: 'a; # note ; {\nb;', expect: [['word', 'a'], [';', ';'], ['comment', ' note ; {'], ['word', 'b'], [';', ';']] },
    { name: 'keeps # inside a word', text: 'add_header X a#b;', expect: [['word', 'add_header'], ['word', 'X'], ['word', 'a#b'], [';', ';']] },
    { name: 'keeps # and ; inside quotes', text: `return 200 "a # b; c";`, expect: [['word', 'return'], ['word', '200'], ['string', 'a # b; c'], [';', ';']] },
    { name: 'reads single quotes', text: `set $x 'it is';`, expect: [['word', 'set'], ['word', '$x'], ['string', 'it is'], [';', ';']] },
    { name: 'resolves escaped quotes inside quotes', text: 'return 200 "say \\"hi\\"";', expect: [['word', 'return'], ['word', '200'], ['string', 'say "hi"'], [';', ';']] },
    { name: 'keeps unknown escapes as written', text: 'location ~ \\.php$ {', expect: [['word', 'location'], ['word', '~'], ['word', '\\.php$'], ['{', '{']] },
    { name: 'lets a backslash protect a semicolon', text: 'a b\\;c;', expect: [['word', 'a'], ['word', 'b\\;c'], [';', ';']] },
    { name: 'keeps ${var} braces inside the word', text: 'listen ${PORT};', expect: [['word', 'listen'], ['word', '${PORT}'], [';', ';']] },
    { name: 'keeps a closing brace glued to a word in the word', text: 'a b}', expect: [['word', 'a'], ['word', 'b}']] },
    { name: 'treats a quote inside a word as ordinary', text: 'a b"c";', expect: [['word', 'a'], ['word', 'b"c"'], [';', ';']] },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.deepEqual(kindsAndTexts(testCase.text), testCase.expect);
    });
  }

  it('records exact spans, quotes included', () => {
    const text = 'listen "127.0.0.1:80";';
    const token = tokenizeNginx(text).tokens[1];
    assert.deepEqual({ start: token.start, end: token.end }, span(text, '"127.0.0.1:80"'));
    assert.deepEqual(nginxTokenSpan(token), span(text, '127.0.0.1:80'));
    assert.deepEqual(nginxTokenSpan(token, 10), span(text, '80'));
  });

  it('maps value offsets through escapes', () => {
    const text = 'x "a\\"b:81";';
    const token = tokenizeNginx(text).tokens[1];
    assert.equal(token.text, 'a"b:81');
    assert.deepEqual(nginxTokenSpan(token, 4), span(text, '81'));
  });

  it('marks tokens that hold variables', () => {
    const flags = tokenizeNginx('a $host ${x} "$y" 5$ \\$z;').tokens.filter((token) => token.kind !== ';').map((token) => token.hasVariable);
    assert.deepEqual(flags, [false, true, true, true, false, true]);
  });

  it('reports an unterminated quote and a quote glued to the next word', () => {
    const text = 'a "b"c; d "e';
    const problems = tokenizeNginx(text).problems.map((found) => ({ code: found.code, range: found.range }));
    assert.deepEqual(problems, [
      { code: 'parse-error', range: span(text, 'c') },
      { code: 'parse-error', range: { start: at(text, '"e'), end: text.length } },
    ]);
  });
});

describe('nginx implicit listen', () => {
  const listens = (text: string, fileName?: string) =>
    scanNginx(text, fileName ? { fileName } : undefined).references.filter((reference) => reference.role === 'listen');

  it('shows the *:80 of an http server without listen on its server keyword', () => {
    const text = 'http {\n    server {\n        server_name example.test;\n    }\n}\n';
    assert.deepEqual(listens(text), [{ role: 'listen', protocol: 'tcp', scope: 'http', flags: ['implicit'], range: span(text, 'server'), port: 80, endPort: 80 }]);
  });

  it('shows it for a server block of a sites-enabled snippet', () => {
    assert.deepEqual(listens('server {\n    root /srv;\n}\n', '/etc/nginx/sites-enabled/default').map((reference) => reference.flags), [['implicit']]);
  });

  it('adds nothing once the server has a listen of any kind', () => {
    for (const listen of ['listen 8080;', 'listen unix:/run/app.sock;', 'listen ${PORT};', 'listen 0;']) {
      const found = listens(inServer(listen));
      assert.ok(found.every((reference) => !reference.flags?.includes('implicit')), listen);
    }
  });

  it('adds nothing when an include may hold the listen', () => {
    assert.deepEqual(listens(inServer('include snippets/listen-443.conf;')), []);
  });

  it('adds nothing for a stream server, which has no default port (nginx: no "listen" is defined for server)', () => {
    const text = inStreamServer('proxy_pass 127.0.0.1:5432;');
    const result = scanNginx(text);
    assert.deepEqual(result.references.filter((reference) => reference.role === 'listen'), []);
    assert.deepEqual(result.problems.map((found) => [found.code, text.slice(found.range.start, found.range.end)]), [['missing-listen', 'server']]);
  });

  it('does not conflict with listen 80 of another server: nginx -t accepts name-based virtual hosts', () => {
    const text = 'http {\n    server {\n        server_name a.test;\n    }\n    server {\n        listen 80;\n        server_name b.test;\n    }\n}\n';
    const analysis = analyzeFile('nginx.conf', text);
    assert.ok(analysis);
    assert.deepEqual(analysis.diagnostics, []);
    assert.deepEqual(analysis.references.map((reference) => [reference.port, reference.flags ?? []]), [[80, ['implicit']], [80, []]]);
  });

  it('does not conflict with a default_server on port 80 either', () => {
    const analysis = analyzeFile('nginx.conf', 'http {\n    server {\n    }\n    server {\n        listen 80 default_server;\n    }\n}\n');
    assert.deepEqual(analysis?.diagnostics, []);
  });
});

/** Whole configurations and what `nginx -t` (1.22, Debian 12, as root) said about each. */
describe('agrees with nginx -t', () => {
  /** Refusal-level findings: scanner problems, and a second default_server (reported as host-port-conflict). */
  function refusals(text: string): string[] {
    const analysis = analyzeFile('nginx.conf', text);
    return (analysis?.diagnostics ?? []).filter((diagnostic) => ['invalid-port', 'parse-error', 'host-port-conflict'].includes(diagnostic.rule)).map((diagnostic) => diagnostic.message);
  }
  const http = (body: string) => `events {}\nhttp {\n${body}\n}\n`;
  const server = (body: string) => http(`server {\n${body}\n}`);
  const stream = (body: string) => `events {}\nstream {\n${body}\n}\n`;

  const accepted: readonly (readonly [string, string])[] = [
    ['quoted directive names and parameters', server(`"listen" '8080' "default_server";\nlocation / { "proxy_pass" "http://127.0.0.1:5000"; }`)],
    ['a port with many leading zeros', server('listen 0000000080;\nlocation / { proxy_pass http://127.0.0.1:0000000080; }')],
    ['socket options', server('listen 80 backlog=007 rcvbuf=08K sndbuf=1m fastopen=0 so_keepalive=30m::10 reuseport deferred bind accept_filter=dataready;')],
    ['so_keepalive times as nginx reads them', server('listen 80 so_keepalive=1s5;\nlisten 81 so_keepalive=1hm;\nlisten 82 so_keepalive=h1;\nlisten 83 so_keepalive=1w2d3h4m5s;\nlisten 84 so_keepalive=0s:1;')],
    ['an empty so_keepalive after one that set the count', server('listen 80 so_keepalive=::3 so_keepalive=;')],
    ['ipv6only on an IPv4 address', server('listen 80 ipv6only=on;\nlisten [::]:80 ipv6only=off;')],
    ['one server on the wildcard and on a loopback address of the same port', server('listen 80;\nlisten 127.0.0.1:80 bind;\nlisten [::]:80;')],
    ['two servers on one port, socket options set by one of them', http('server { listen 80 backlog=5; }\nserver { listen *:80; }')],
    ['two servers with the same listen and server_name (nginx only warns)', http('server { listen 80; server_name a.test; }\nserver { listen 80; server_name a.test; }')],
    ['a stream listen without a port (the system picks one)', stream('server {\n    listen 127.0.0.1;\n    return ok;\n}')],
    ['udp with the options UDP sockets take', stream('server {\n    listen 53 udp reuseport bind rcvbuf=8k ipv6only=on;\n    proxy_pass 127.0.0.1:53;\n}')],
    ['one port over TCP and UDP', stream('server {\n    listen 53;\n    listen 53 udp;\n    proxy_pass 127.0.0.1:53;\n}')],
    ['an upstream name in any case', http('upstream up { server 127.0.0.1:8080 weight=2; }\nserver { location / { proxy_pass http://UP; } }')],
    ['a stream upstream name in any case', stream('upstream sup { server 127.0.0.1:53; }\nserver { listen 53; proxy_pass SUP; }')],
    ['an address without a port after the same host with one (nginx reuses that upstream)', server('location /b { proxy_pass http://127.0.0.1:5; }\nlocation /a { grpc_pass grpc://127.0.0.1; }')],
  ];
  for (const [name, text] of accepted) {
    it(`nginx accepts ${name}`, () => assert.deepEqual(refusals(text), []));
  }

  // What nginx does once the file is included where it belongs, which nginx -t on the file alone cannot show.
  it('accepts a listen outside any block of a snippet, which nginx reads inside a server block', () => assert.deepEqual(refusals('listen 8080;\n'), []));
  it('accepts a name without a port where an included file may define it as an upstream block', () =>
    assert.deepEqual(refusals(http('include conf.d/*.conf;\nserver { location / { fastcgi_pass php_pool; } }')), []));

  const refused: readonly (readonly [string, string, string])[] = [
    ['an unknown listen parameter', server('listen 80 foo;'), 'invalid parameter "foo"'],
    ['listen parameters in another case', server('listen 80 DEFAULT_SERVER;'), 'invalid parameter "DEFAULT_SERVER"'],
    ['spdy, which HTTP/2 replaced', server('listen 443 spdy;'), 'invalid parameter "spdy"'],
    ['udp in an http listen', server('listen 53 udp;'), 'invalid parameter "udp"'],
    ['a missing ";" that makes the next directive parameters', server('listen 80\nserver_name a.test;'), 'invalid parameter "server_name"'],
    ['a backlog of 0, of -1, of a word or that a C int wraps to -1', server('listen 80 backlog=4294967295;'), 'invalid backlog'],
    ['a size with g', server('listen 80 rcvbuf=1g;'), 'invalid rcvbuf'],
    ['so_keepalive in milliseconds', server('listen 80 so_keepalive=1ms;'), 'invalid so_keepalive value'],
    ['so_keepalive units out of order', server('listen 80 so_keepalive=30m1h;'), 'invalid so_keepalive value'],
    ['so_keepalive all zero', server('listen 80 so_keepalive=0;'), 'invalid so_keepalive value'],
    ['ipv6only=yes', server('listen [::]:80 ipv6only=yes;'), 'invalid parameter "ipv6only=yes"'],
    ['ipv6only=o', server('listen [::]:80 ipv6only=o;'), 'invalid ipv6only flags "o"'],
    ['an empty fastopen', server('listen 80 fastopen=;'), 'invalid fastopen'],
    ['listen without arguments', server('listen ;'), 'invalid number of arguments in "listen" directive'],
    ['listen directly in http', http('listen 80;\nserver { listen 81; }'), '"listen" directive is not allowed here'],
    ['listen at the top of nginx.conf', `listen 80;\n${http('server { listen 81; }')}`, '"listen" directive is not allowed here'],
    ['a listen taken for a block by a missing ";"', server('listen 80\nlocation / { }'), 'directive "listen" is not terminated by ";"'],
    ['empty brackets', server('listen []:80;'), 'no host in "[]:80"'],
    ['a path in a listen address', server('listen 80/tcp;'), 'invalid host in "80/tcp"'],
    ['a unix socket without a path', server('listen unix:;'), 'no path in the unix domain socket'],
    ['one server on one port twice', server('listen 80;\nlisten *:80;'), 'a duplicate listen 0.0.0.0:80'],
    ['one server on localhost and 127.0.0.1', server('listen localhost:80;\nlisten 127.0.0.1:80;'), 'a duplicate listen 127.0.0.1:80'],
    ['one server on a port of its own range', server('listen 8000-8010;\nlisten 8005;'), 'a duplicate listen 0.0.0.0:8005'],
    ['one server on one socket file twice', server('listen unix:/run/app.sock;\nlisten unix:/run/app.sock;'), 'a duplicate listen unix:/run/app.sock'],
    ['two servers setting socket options for one port', http('server { listen 80 backlog=5; }\nserver { listen 80 reuseport; }'), 'duplicate listen options for 0.0.0.0:80'],
    ['two default servers for one port', http('server { listen 80 default_server; }\nserver { listen 80 default_server; }'), 'duplicate default server'],
    ['a stream listen with udp and ssl', stream('server { listen 53 udp ssl; proxy_pass 127.0.0.1:53; }'), '"ssl" parameter is incompatible with "udp"'],
    ['a stream listen with udp and a backlog', stream('server { listen 53 udp backlog=5; proxy_pass 127.0.0.1:53; }'), '"backlog" parameter is incompatible with "udp"'],
    ['http2 in a stream listen', stream('server { listen 53 http2; proxy_pass 127.0.0.1:53; }'), 'invalid parameter "http2"'],
    ['a stream server without listen', stream('server { proxy_pass 127.0.0.1:53; }'), 'no "listen" is defined for server'],
    ['a port on an upstream name', http('upstream up { server 127.0.0.1:8080; }\nserver { location / { proxy_pass http://up:8080; } }'), 'upstream "up" may not have port 8080'],
    ['a port on a stream upstream name', stream('upstream sup { server 127.0.0.1:53; }\nserver { listen 53; proxy_pass sup:53; }'), 'upstream "sup" may not have port 53'],
    ['proxy_pass without a scheme', server('location / { proxy_pass 127.0.0.1:5000; }'), 'invalid URL prefix'],
    ['proxy_pass without a host', server('location / { proxy_pass http://; }'), 'no host in upstream'],
    ['proxy_pass to a socket without a path', server('location / { proxy_pass http://unix:; }'), 'no path in the unix domain socket'],
    ['proxy_pass with two addresses', server('location / { proxy_pass http://127.0.0.1:1 http://127.0.0.1:2; }'), 'invalid number of arguments in "proxy_pass"'],
    ['a path after a fastcgi_pass address', server('location / { fastcgi_pass 127.0.0.1:9000/index.php; }'), 'invalid host in upstream'],
    ['fastcgi_pass to an address without a port', server('location / { fastcgi_pass 127.0.0.1; }'), 'no port in upstream "127.0.0.1"'],
    ['grpc_pass without a port', server('location / { grpc_pass grpc://127.0.0.1; }'), 'no port in upstream "127.0.0.1"'],
    ['an address without a port before the same host with one', server('location /a { grpc_pass grpc://127.0.0.1; }\nlocation /b { proxy_pass http://127.0.0.1:5; }'), 'no port in upstream "127.0.0.1"'],
    ['a stream proxy_pass without a port', stream('server { listen 53; proxy_pass 127.0.0.1; }'), 'no port in upstream "127.0.0.1"'],
    ['a path after a stream proxy_pass address', stream('server { listen 53; proxy_pass 127.0.0.1:53/x; }'), 'invalid host in upstream'],
  ];
  for (const [name, text, says] of refused) {
    it(`nginx refuses ${name}`, () => {
      const found = refusals(text);
      assert.ok(found.some((message) => message.includes(says)), `expected "${says}" among ${JSON.stringify(found)}`);
    });
  }
});
