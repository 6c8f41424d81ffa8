/**
 * nginx against `nginx -t`: whole configurations (`events {}`, `http { server { … } }`,
 * `stream { server { … } }`) built around `listen` and the upstream addresses of `proxy_pass`,
 * `fastcgi_pass`, `grpc_pass`, `uwsgi_pass`, `scgi_pass` and `upstream` blocks, valid and broken
 * on purpose.
 *
 * nginx prints no ports, so a case carries the ports it was built to open and dial; for a case
 * nginx accepts, they are compared with Port Lens's. An http server without `listen` opens *:80
 * (nginx runs as root here and in CI).
 *
 * `nginx -t` opens the listening sockets, so each run gets a network namespace to itself with only
 * the loopback interface, where the system allows it (see `NginxRunner`). Listen addresses are
 * therefore wildcards and loopback ones.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { analyzeFile } from '../../src/core/analysis';
import { portKey, REFUSAL_RULES } from './harness';
import type { ConformanceFormat, KnownDifference, LensVerdict, PortKey, RenderedCase, ToolVerdict } from './harness';

// ---------------------------------------------------------------------------------------------
// Building blocks: each piece of text carries the ports nginx opens or dials for it
// ---------------------------------------------------------------------------------------------

interface Piece {
  readonly text: string;
  /** Ports opened (listen) or dialled (upstreams) when nginx accepts the configuration. */
  readonly ports: readonly PortKey[];
}

interface CaseInput {
  readonly ports: readonly PortKey[];
}

const piece = (text: string, ports: readonly PortKey[] = []): Piece => ({ text, ports });
const tcp = (port: number): PortKey => portKey('tcp', port);

/** Ports that collide often (so duplicates happen) and ports from anywhere in the range. */
const port = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  { weight: 2, arbitrary: fc.constantFrom(80, 443, 8080, 8443, 53, 5432, 1, 65535) },
);

/** A port as written: mostly plain, sometimes with leading zeros, which nginx reads as nothing. */
const writtenPort = port.chain((value) => fc.constantFrom(String(value), String(value), String(value), String(value), `0${value}`, `0000000${value}`).map((text) => ({ value, text })));

type ListenScope = 'http' | 'stream';

interface ListenAddress {
  readonly text: string;
  /** `[first, last]` of the ports, or `undefined` for none (a socket, or a stream address without a port). */
  readonly span?: readonly [number, number];
}

function listenAddress(scope: ListenScope): fc.Arbitrary<ListenAddress> {
  const withPort = (prefix: string) => writtenPort.map(({ value, text }) => ({ text: `${prefix}${text}`, span: [value, value] as const }));
  const range = fc.tuple(fc.integer({ min: 1, max: 65530 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom('', '127.0.0.1:', '[::1]:')).map(([first, extra, prefix]) => ({
    text: `${prefix}${first}-${first + extra}`,
    span: [first, first + extra] as const,
  }));
  const defaultPort = (text: string): ListenAddress => (scope === 'http' ? { text, span: [80, 80] } : { text });
  const valid = fc.oneof(
    { weight: 8, arbitrary: withPort('') },
    { weight: 1, arbitrary: withPort('*:') },
    { weight: 1, arbitrary: withPort('0.0.0.0:') },
    { weight: 3, arbitrary: withPort('127.0.0.1:') },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 254 }).chain((octet) => withPort(`127.0.0.${octet}:`)) },
    { weight: 2, arbitrary: withPort('[::]:') },
    { weight: 2, arbitrary: withPort('[::1]:') },
    { weight: 1, arbitrary: withPort('localhost:') },
    { weight: 1, arbitrary: withPort('LocalHost:') },
    { weight: 2, arbitrary: range },
    { weight: 2, arbitrary: fc.constantFrom('127.0.0.1', '[::1]', 'localhost', '*', '[::]').map(defaultPort) },
    { weight: 1, arbitrary: fc.constantFrom('unix:/run/nginx-test.sock', 'UNIX:/tmp/app.sock').map((text) => ({ text })) },
  );
  const invalid = fc.oneof(
    fc.constantFrom('0', '65536', '99999', '100000000000000000000', '127.0.0.1:0', '[::1]:65536', ':80', '127.0.0.1:', '[::1]:', '[::1', '::1:8080', ':::80', '[]:80'),
    fc.constantFrom('9000-8000', '0-5', '5-70000', '127.0.0.1:99-98', 'unix:', 'localhost:http', '80/tcp', '127.0.0.1:80:81'),
  );
  // Names nginx looks up when it reads the file, and a template placeholder: known differences, so rare.
  const lookedUp = fc.constantFrom('api.invalid', 'backend:8080', '${PORT}');
  return fc.oneof({ weight: 2000, arbitrary: valid }, { weight: 150, arbitrary: invalid.map((text) => ({ text })) }, { weight: 2, arbitrary: lookedUp.map((text) => ({ text })) });
}

interface ListenParameter {
  readonly text: string;
  /** `udp` (stream) or `quic` (http): the socket is UDP. */
  readonly udp?: boolean;
  readonly ssl?: boolean;
}

function listenParameter(scope: ListenScope): fc.Arbitrary<ListenParameter> {
  const shared = fc.oneof(
    fc.constantFrom('bind', 'reuseport', 'proxy_protocol', 'backlog=511', 'backlog=007', 'rcvbuf=8k', 'sndbuf=1m', 'rcvbuf=65536', 'so_keepalive=on', 'so_keepalive=off'),
    fc.constantFrom('so_keepalive=30m::10', 'so_keepalive=1h30m', 'so_keepalive=::3', 'so_keepalive=1s5', 'ipv6only=on', 'ipv6only=off', 'fastopen=10', 'fastopen=0'),
  );
  const wrong = fc.oneof(
    fc.constantFrom('backlog=0', 'backlog=-1', 'backlog=abc', 'backlog=', 'backlog=4294967295', 'rcvbuf=x', 'rcvbuf=1g', 'sndbuf=', 'rcvbuf=1kb'),
    fc.constantFrom('so_keepalive=x', 'so_keepalive=', 'so_keepalive=::', 'so_keepalive=0', 'so_keepalive=1ms', 'so_keepalive=30m1h', 'so_keepalive=1:2:3:4', 'so_keepalive=ON'),
    fc.constantFrom('ipv6only=yes', 'ipv6only=o', 'ipv6only=', 'fastopen=x', 'fastopen=', 'foo', 'DEFAULT_SERVER', 'default_serverx', 'ssl=on'),
  );
  const own =
    scope === 'http'
      ? fc.oneof(
          { weight: 30, arbitrary: fc.constantFrom('default_server', 'default', 'http2', 'deferred', 'accept_filter=dataready').map((text) => ({ text })) },
          { weight: 20, arbitrary: fc.constant({ text: 'ssl', ssl: true }) },
          { weight: 1, arbitrary: fc.constantFrom('udp', 'spdy').map((text) => ({ text })) },
        )
      : fc.oneof(
          { weight: 25, arbitrary: fc.constant({ text: 'udp', udp: true }) },
          { weight: 10, arbitrary: fc.constant({ text: 'ssl', ssl: true }) },
          { weight: 1, arbitrary: fc.constantFrom('http2', 'accept_filter=x').map((text) => ({ text })) },
        );
  // Parameters newer than the nginx under test, or of FreeBSD only: known differences, so rare.
  const elsewhere: fc.Arbitrary<ListenParameter> =
    scope === 'http' ? fc.constantFrom<ListenParameter>({ text: 'quic', udp: true }, { text: 'setfib=1' }) : fc.constantFrom<ListenParameter>({ text: 'default_server' }, { text: 'deferred' });
  return fc.oneof(
    { weight: 4000, arbitrary: own },
    { weight: 4000, arbitrary: shared.map((text) => ({ text })) },
    { weight: 250, arbitrary: wrong.map((text) => ({ text })) },
    { weight: 5, arbitrary: elsewhere },
  );
}

interface Listen {
  readonly text: string;
  readonly ports: readonly PortKey[];
  readonly ssl: boolean;
}

function listenDirective(scope: ListenScope): fc.Arbitrary<Listen> {
  return fc
    .record({
      name: fc.constantFrom('listen', 'listen', 'listen', 'listen', 'listen', 'listen', '"listen"', "'listen'"),
      address: listenAddress(scope),
      quoteAddress: fc.boolean(),
      parameters: fc.oneof({ weight: 3, arbitrary: fc.constant<ListenParameter[]>([]) }, { weight: 4, arbitrary: fc.array(listenParameter(scope), { minLength: 1, maxLength: 2 }) }),
      quoteParameter: fc.nat(),
    })
    .map(({ name, address, quoteAddress, parameters, quoteParameter }) => {
      const udp = parameters.some((parameter) => parameter.udp);
      const words = parameters.map((parameter, index) => (index === quoteParameter % 7 ? `"${parameter.text}"` : parameter.text));
      const addressText = quoteAddress && quoteParameter % 3 === 0 ? `"${address.text}"` : address.text;
      return {
        text: [name, addressText, ...words].join(' ') + ';',
        ports: address.span ? [portKey(udp ? 'udp' : 'tcp', address.span[0], address.span[1])] : [],
        ssl: parameters.some((parameter) => parameter.ssl),
      };
    });
}

/** The certificate lines an `ssl` listen needs; with a variable nginx loads them per connection, so no file has to exist. */
const CERTIFICATE = ['ssl_certificate $ssl_server_name.crt;', 'ssl_certificate_key $ssl_server_name.key;'];

/** Upstream block names a case may define; a case always defines `up` when it uses it, unless it is broken on purpose. */
interface Upstreams {
  readonly http: boolean;
  readonly stream: boolean;
}

function httpPass(upstreams: Upstreams): fc.Arbitrary<Piece> {
  const upstreamName = fc.constantFrom('up', 'UP', 'up/api/');
  const common = fc.oneof(
    { weight: 4, arbitrary: port.map((value) => piece(`proxy_pass http://127.0.0.1:${value};`, [tcp(value)])) },
    { weight: 1, arbitrary: fc.constantFrom(piece('proxy_pass http://127.0.0.1;', [tcp(80)]), piece('proxy_pass HTTPS://[::1];', [tcp(443)]), piece('proxy_pass http://localhost/;', [tcp(80)])) },
    { weight: 2, arbitrary: port.map((value) => piece(`proxy_pass https://[::1]:${value}/api/;`, [tcp(value)])) },
    { weight: 1, arbitrary: port.map((value) => piece(`proxy_pass http://localhost:${value}$request_uri;`, [tcp(value)])) },
    { weight: upstreams.http ? 3 : 0, arbitrary: upstreamName.map((name) => piece(`proxy_pass http://${name};`)) },
    { weight: 1, arbitrary: fc.constantFrom(piece('proxy_pass http://$host;'), piece('proxy_pass $scheme://127.0.0.1:8080;'), piece('proxy_pass http://unix:/run/app.sock:/;')) },
    { weight: 3, arbitrary: port.map((value) => piece(`fastcgi_pass 127.0.0.1:${value};`, [tcp(value)])) },
    { weight: 1, arbitrary: fc.constant(piece('fastcgi_pass unix:/run/php/php-fpm.sock;')) },
    { weight: upstreams.http ? 1 : 0, arbitrary: fc.constantFrom(piece('fastcgi_pass up;'), piece('uwsgi_pass Up;'), piece('fastcgi_pass up;'), piece('proxy_pass http://up:8080;')) },
    { weight: 2, arbitrary: port.map((value) => piece(`grpc_pass grpc://127.0.0.1:${value};`, [tcp(value)])) },
    { weight: 1, arbitrary: port.map((value) => piece(`grpc_pass grpcs://localhost:${value};`, [tcp(value)])) },
    { weight: 1, arbitrary: port.map((value) => piece(`grpc_pass [::1]:${value};`, [tcp(value)])) },
    { weight: 2, arbitrary: port.map((value) => piece(`uwsgi_pass uwsgi://127.0.0.1:${value};`, [tcp(value)])) },
    { weight: 1, arbitrary: port.map((value) => piece(`uwsgi_pass suwsgi://localhost:${value};`, [tcp(value)])) },
    { weight: 1, arbitrary: port.map((value) => piece(`scgi_pass 127.0.0.1:${value};`, [tcp(value)])) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'proxy_pass http://127.0.0.1:0;',
        'proxy_pass http://127.0.0.1:65536;',
        'proxy_pass http://127.0.0.1:http;',
        'proxy_pass 127.0.0.1:5000;',
        'proxy_pass http://;',
        'proxy_pass ftp://127.0.0.1;',
        'proxy_pass http://unix:;',
        'proxy_pass http://127.0.0.1:80-90;',
        'proxy_pass;',
        'proxy_pass http://127.0.0.1:5000 http://127.0.0.1:5001;',
        'fastcgi_pass 127.0.0.1;',
        'fastcgi_pass 127.0.0.1:0;',
        'fastcgi_pass 127.0.0.1:9000/index.php;',
        'grpc_pass grpc://127.0.0.1;',
        'grpc_pass http://127.0.0.1:50051;',
        'uwsgi_pass [::1];',
        'scgi_pass scgi://127.0.0.1:4000;',
      ).map((text) => piece(text)),
    },
  );
  // A name nginx looks up, and one that may name an upstream block of an included file: known differences, so rare.
  const rare = fc.constantFrom('proxy_pass http://api.invalid;', 'fastcgi_pass php_pool;').map((text) => piece(text));
  return fc.oneof({ weight: 2000, arbitrary: common }, { weight: 1, arbitrary: rare });
}

function upstreamServer(scope: ListenScope): fc.Arbitrary<Piece> {
  const common = fc.oneof(
    { weight: 60, arbitrary: fc.tuple(port, fc.constantFrom('', ' weight=2', ' max_fails=3 fail_timeout=10s', ' backup', ' down')).map(([value, parameters]) => piece(`server 127.0.0.1:${value}${parameters};`, [tcp(value)])) },
    { weight: 20, arbitrary: port.map((value) => piece(`server localhost:${value};`, [tcp(value)])) },
    { weight: 10, arbitrary: port.map((value) => piece(`server [::1]:${value} weight=3;`, [tcp(value)])) },
    { weight: 10, arbitrary: fc.constant(scope === 'http' ? piece('server 127.0.0.1;', [tcp(80)]) : piece('server 127.0.0.1;')) },
    { weight: 10, arbitrary: fc.constant(piece('server unix:/run/app.sock;')) },
    { weight: 5, arbitrary: fc.constantFrom('server 127.0.0.1:0;', 'server 127.0.0.1:99999;', 'server [::1;', 'server 127.0.0.1:80/x;').map((text) => piece(text)) },
  );
  // A name nginx looks up: a known difference, so rare.
  return fc.oneof({ weight: 1000, arbitrary: common }, { weight: 1, arbitrary: fc.constant(piece('server backend.invalid:8080;')) });
}

function upstreamBlock(name: string, scope: ListenScope): fc.Arbitrary<Piece> {
  // An upstream needs one server that is neither a backup nor down.
  const first = port.map((value) => piece(`server 127.0.0.1:${value};`, [tcp(value)]));
  return fc.tuple(first, fc.array(upstreamServer(scope), { maxLength: 2 }), fc.nat(2)).map(([server, others, at]) => {
    const servers = [...others];
    servers.splice(Math.min(at, servers.length), 0, server);
    return block(`upstream ${name}`, servers);
  });
}

/** `name { … }` around pieces, their ports kept. */
function block(head: string, body: readonly Piece[]): Piece {
  return piece([`${head} {`, ...body.flatMap((part) => indent(part.text)), '}'].join('\n'), body.flatMap((part) => part.ports));
}

function indent(text: string): string[] {
  return text.split('\n').map((line) => `    ${line}`);
}

const COMMENTS = fc.constantFrom('# listen 81;', '# proxy_pass http://127.0.0.1:1;', '#', '# a server block');

/** Directives of an http server besides `listen`. */
function serverExtras(upstreams: Upstreams): fc.Arbitrary<Piece[]> {
  // nginx refuses a URI after the address in regular-expression and named locations, so none is used.
  const location = (path: string) =>
    fc
      .tuple(fc.array(httpPass(upstreams), { minLength: 0, maxLength: 1 }), fc.nat(4))
      .map(([passes, include]) => block(`location ${path}`, [...(include === 0 ? [piece('include /etc/nginx/proxy_params;')] : []), ...(passes.length > 0 ? passes : [piece('return 204;')])]));
  const locations = fc.subarray(['/', '/api/', '= /health', '/static/'], { maxLength: 2 }).chain((paths) => (paths.length === 0 ? fc.constant<Piece[]>([]) : fc.tuple(...paths.map(location)).map((pieces): Piece[] => [...pieces])));
  const others = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('server_name example.test;', 'server_name a.test b.test;', 'server_name "";', 'server_name _;').map((text) => piece(text)) },
      { weight: 1, arbitrary: COMMENTS.map((text) => piece(text)) },
    ),
    { maxLength: 2 },
  );
  return fc.tuple(others, locations).map(([first, then]) => [...first, ...then]);
}

/** A file without a listen, included straight into a server block. */
const SERVER_INCLUDE = 'include /etc/nginx/fastcgi_params;';

/** How a case is broken on purpose, beyond what its pieces already get wrong. */
type Breakage = 'none' | 'missing-semicolon' | 'extra-brace' | 'missing-brace' | 'empty-listen' | 'listen-in-location' | 'listen-in-http' | 'listen-at-top' | 'server-include';

interface Server {
  readonly piece: Piece;
  /** A listen has `ssl`, so every server on its address needs a certificate: the module block gets one for all. */
  readonly ssl: boolean;
}

function httpServer(upstreams: Upstreams, breakage: Breakage): fc.Arbitrary<Server> {
  return fc
    .record({
      listens: fc.oneof({ weight: 2, arbitrary: fc.constant<Listen[]>([]) }, { weight: 7, arbitrary: fc.array(listenDirective('http'), { minLength: 1, maxLength: 3 }) }),
      extras: serverExtras(upstreams),
      comment: fc.option(COMMENTS, { freq: 6 }),
    })
    .map(({ listens, extras, comment }) => {
      const body: Piece[] = [];
      if (comment !== null) {
        body.push(piece(comment));
      }
      let listenTexts = listens.map((listen) => listen.text);
      if (breakage === 'missing-semicolon' && listenTexts.length > 0) {
        listenTexts = [...listenTexts.slice(0, -1), listenTexts[listenTexts.length - 1].replace(/;$/, '')];
      }
      if (breakage === 'empty-listen') {
        listenTexts.push('listen ;');
      }
      body.push(...listens.map((listen, index) => piece(listenTexts[index], listen.ports)));
      body.push(...listenTexts.slice(listens.length).map((text) => piece(text)));
      if (breakage === 'server-include') {
        body.push(piece(SERVER_INCLUDE));
      }
      body.push(...extras);
      if (breakage === 'listen-in-location') {
        body.push(block('location /misplaced', [piece('listen 8081;')]));
      }
      const hasListen = listens.length > 0 || breakage === 'empty-listen';
      // No listen directive: nginx listens on *:80.
      const implicit = hasListen ? [] : [tcp(80)];
      const server = block('server', body);
      return { piece: piece(server.text, [...implicit, ...server.ports]), ssl: listens.some((listen) => listen.ssl) };
    });
}

function httpBlock(breakage: Breakage): fc.Arbitrary<Piece> {
  return fc
    .record({
      defineUpstream: fc.boolean(),
      mimeTypes: fc.nat(4).map((draw) => draw === 0),
      comment: fc.option(COMMENTS, { freq: 5 }),
    })
    .chain(({ defineUpstream, mimeTypes, comment }) => {
      const upstreams: Upstreams = { http: defineUpstream, stream: false };
      return fc
        .tuple(defineUpstream ? upstreamBlock('up', 'http') : fc.constant(undefined), fc.array(httpServer(upstreams, breakage), { minLength: 1, maxLength: 3 }), fc.boolean())
        .map(([upstream, servers, upstreamFirst]) => {
          const body: Piece[] = [];
          if (comment !== null) {
            body.push(piece(comment));
          }
          if (mimeTypes) {
            body.push(piece('include /etc/nginx/mime.types;'));
          }
          if (breakage === 'listen-in-http') {
            body.push(piece('listen 8082;'));
          }
          if (servers.some((server) => server.ssl)) {
            body.push(...CERTIFICATE.map((text) => piece(text)));
          }
          const serverPieces = servers.map((server) => server.piece);
          // An upstream block may come after the servers that use it.
          body.push(...(upstream ? (upstreamFirst ? [upstream, ...serverPieces] : [...serverPieces, upstream]) : serverPieces));
          return block('http', body);
        });
    });
}

function streamServer(upstreams: Upstreams, breakage: Breakage): fc.Arbitrary<Server> {
  const common = fc.oneof(
    { weight: 4, arbitrary: port.map((value) => piece(`proxy_pass 127.0.0.1:${value};`, [tcp(value)])) },
    { weight: 1, arbitrary: port.map((value) => piece(`proxy_pass [::1]:${value};`, [tcp(value)])) },
    { weight: 1, arbitrary: port.map((value) => piece(`proxy_pass localhost:${value};`, [tcp(value)])) },
    { weight: upstreams.stream ? 3 : 0, arbitrary: fc.constantFrom('proxy_pass sup;', 'proxy_pass SUP;').map((text) => piece(text)) },
    { weight: 2, arbitrary: fc.constantFrom('return "ok";', 'proxy_pass unix:/run/app.sock;').map((text) => piece(text)) },
    { weight: 1, arbitrary: fc.constantFrom('proxy_pass 127.0.0.1;', 'proxy_pass 127.0.0.1:0;', 'proxy_pass http://127.0.0.1:80;', 'proxy_pass 127.0.0.1:53/x;').map((text) => piece(text)) },
    { weight: upstreams.stream ? 1 : 0, arbitrary: fc.constant(piece('proxy_pass sup:53;')) },
  );
  // A name nginx looks up: a known difference, so rare.
  const target = fc.oneof({ weight: 1000, arbitrary: common }, { weight: 1, arbitrary: fc.constant(piece('proxy_pass db.invalid:5432;')) });
  return fc
    .record({
      listens: fc.oneof({ weight: 1, arbitrary: fc.constant<Listen[]>([]) }, { weight: 30, arbitrary: fc.array(listenDirective('stream'), { minLength: 1, maxLength: 2 }) }),
      target,
    })
    .map(({ listens, target: handler }) => {
      let listenTexts = listens.map((listen) => listen.text);
      if (breakage === 'missing-semicolon' && listenTexts.length > 0) {
        listenTexts = [...listenTexts.slice(0, -1), listenTexts[listenTexts.length - 1].replace(/;$/, '')];
      }
      const body: Piece[] = listens.map((listen, index) => piece(listenTexts[index], listen.ports));
      body.push(handler);
      return { piece: block('server', body), ssl: listens.some((listen) => listen.ssl) };
    });
}

function streamBlock(breakage: Breakage): fc.Arbitrary<Piece> {
  return fc.boolean().chain((defineUpstream) => {
    const upstreams: Upstreams = { http: false, stream: defineUpstream };
    return fc
      .tuple(defineUpstream ? upstreamBlock('sup', 'stream') : fc.constant(undefined), fc.array(streamServer(upstreams, breakage), { minLength: 1, maxLength: 2 }))
      .map(([upstream, servers]) =>
        block('stream', [
          ...(servers.some((server) => server.ssl) ? CERTIFICATE.map((text) => piece(text)) : []),
          ...(upstream ? [upstream] : []),
          ...servers.map((server) => server.piece),
        ]),
      );
  });
}

/** Whether nginx here can load the stream module; without it, no case has a stream block. */
const STREAM_MODULE = ['/usr/lib/nginx/modules/ngx_stream_module.so', '/usr/share/nginx/modules/ngx_stream_module.so'].find((file) => existsSync(file));

const breakage: fc.Arbitrary<Breakage> = fc.oneof(
  { weight: 1000, arbitrary: fc.constant<Breakage>('none') },
  { weight: 70, arbitrary: fc.constantFrom<Breakage>('missing-semicolon', 'extra-brace', 'missing-brace', 'empty-listen', 'listen-in-location', 'listen-in-http', 'listen-at-top') },
  // Port Lens cannot see into the included file: a known difference, so rare.
  { weight: 3, arbitrary: fc.constant<Breakage>('server-include') },
);

/** One whole configuration, written on many lines or squeezed onto one. */
const nginxCase: fc.Arbitrary<RenderedCase> = fc
  .record({ breakage, modules: STREAM_MODULE ? fc.constantFrom('http', 'http', 'http', 'stream', 'both') : fc.constant('http'), oneLine: fc.nat(9) })
  .chain(({ breakage: broken, modules, oneLine }) =>
    fc
      .tuple(modules === 'stream' ? fc.constant(undefined) : httpBlock(broken), modules === 'http' ? fc.constant(undefined) : streamBlock(broken))
      .map(([http, stream]): RenderedCase => {
        const parts: Piece[] = [piece('events {}')];
        if (broken === 'listen-at-top') {
          parts.push(piece('listen 8083;'));
        }
        for (const part of [http, stream]) {
          if (part) {
            parts.push(part);
          }
        }
        let text = parts.map((part) => part.text).join('\n');
        if (oneLine === 0) {
          // Comments run to the end of the line, so they go before the text is squeezed.
          text = text
            .split('\n')
            .filter((line) => !line.trim().startsWith('#'))
            .map((line) => line.trim())
            .join(' ');
        }
        if (broken === 'extra-brace') {
          text += '\n}';
        } else if (broken === 'missing-brace') {
          text = text.slice(0, text.lastIndexOf('}'));
        }
        const input: CaseInput = { ports: parts.flatMap((part) => part.ports) };
        return { fileName: 'nginx.conf', text: `${text}\n`, toolInput: input };
      }),
  );

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

let workDirectory: string | undefined;
let caseCounter = 0;

function caseFile(text: string): string {
  if (!workDirectory) {
    workDirectory = mkdtempSync(path.join(tmpdir(), 'port-lens-nginx-'));
    const created = workDirectory;
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  }
  const file = path.join(workDirectory, `case-${caseCounter++}.conf`);
  writeFileSync(file, text);
  return file;
}

/**
 * A shell that runs `nginx -t` for each file named on its input and answers with the exit status,
 * its stderr left beside the file. Starting nginx from a waiting shell costs half of what starting
 * it from this process does. Where the system allows it, the shell runs in a network namespace of
 * its own with only a loopback interface, so runs cannot take each other's ports, and nothing on
 * the host can take them either.
 */
class NginxRunner {
  busy = false;
  private dead = false;
  private output = '';
  private answer: ((status: number | undefined) => void) | undefined;

  private constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
      const end = this.output.indexOf('\n');
      if (end >= 0) {
        const line = this.output.slice(0, end);
        this.output = this.output.slice(end + 1);
        this.settle(Number(line));
      }
    });
    child.on('exit', () => {
      this.dead = true;
      this.settle(undefined);
    });
    // Waiting runners must not keep this process alive; one at work does.
    socket(child.stdout).unref();
    socket(child.stdin).unref();
    child.unref();
    process.once('exit', () => child.kill());
  }

  /** A runner, in a namespace of its own when `isolated`; `undefined` when it did not start. */
  static start(isolated: boolean): Promise<NginxRunner | undefined> {
    const loop = `${isolated ? 'ip link set lo up || exit 1; ' : ''}echo ready; while IFS= read -r file; do nginx -t -q "$@" -c "$file" 2>"$file.err" </dev/null; echo "$?"; done`;
    const globals = STREAM_MODULE ? ['-g', `load_module ${STREAM_MODULE};`] : [];
    const shell = ['sh', '-c', loop, 'sh', ...globals];
    const child = isolated ? spawn('unshare', ['-n', ...shell], { stdio: ['pipe', 'pipe', 'ignore'] }) : spawn(shell[0], shell.slice(1), { stdio: ['pipe', 'pipe', 'ignore'] });
    return new Promise((resolve) => {
      child.on('error', () => resolve(undefined));
      child.on('exit', () => resolve(undefined));
      child.stdout.once('data', (chunk: Buffer) => {
        child.removeAllListeners('exit');
        resolve(chunk.toString().startsWith('ready') ? new NginxRunner(child) : undefined);
      });
    });
  }

  /** Runs `nginx -t` on a file: its exit status and stderr, or `undefined` when the runner died. */
  async check(file: string): Promise<{ status: number; stderr: string } | undefined> {
    if (this.dead) {
      return undefined;
    }
    socket(this.child.stdout).ref();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    const status = await new Promise<number | undefined>((resolve) => {
      this.answer = resolve;
      this.child.stdin.write(`${file}\n`);
    });
    clearTimeout(timer);
    socket(this.child.stdout).unref();
    if (status === undefined) {
      return undefined;
    }
    const stderr = readFileSync(`${file}.err`, 'utf8');
    rmSync(`${file}.err`, { force: true });
    return { status, stderr };
  }

  private settle(status: number | undefined): void {
    const answer = this.answer;
    this.answer = undefined;
    answer?.(status);
  }
}

/** A child's pipe is a socket, which can stop keeping this process alive. */
function socket(stream: Readable | Writable): Socket {
  return stream as unknown as Socket;
}

const runners: NginxRunner[] = [];
/** `false` once a runner could not get a namespace (no unshare or ip, or not allowed): runners share the host's network. */
let isolate = true;

async function acquireRunner(): Promise<NginxRunner | undefined> {
  let runner = runners.find((candidate) => !candidate.busy);
  if (!runner) {
    if (isolate) {
      runner = await NginxRunner.start(true);
      isolate = runner !== undefined;
    }
    runner ??= await NginxRunner.start(false);
    if (!runner) {
      return undefined;
    }
    runners.push(runner);
  }
  runner.busy = true;
  return runner;
}

async function nginxVerdict(rendered: RenderedCase): Promise<ToolVerdict> {
  const file = caseFile(rendered.text);
  const runner = await acquireRunner();
  const result = await runner?.check(file);
  if (runner) {
    runner.busy = false;
  }
  rmSync(file, { force: true });
  if (!result) {
    return { accepted: false, message: 'nginx -t could not be run' };
  }
  // Some emerg-level lines only say a parameter is ignored; the refusal is the last line.
  const errors = result.stderr
    .split('\n')
    .filter((line) => line.includes('[emerg]') && !line.endsWith(', ignored'))
    .map((line) => line.replace(/^.*\[emerg\] [0-9#]*: /, '').replace(` in ${file}`, ''));
  if (result.status !== 0) {
    return { accepted: false, message: errors.join('\n') || result.stderr };
  }
  return { accepted: true, ports: (rendered.toolInput as CaseInput).ports };
}

// ---------------------------------------------------------------------------------------------
// Port Lens's side
// ---------------------------------------------------------------------------------------------

/**
 * nginx refuses a second `default_server` for one address and port; Port Lens reports that under
 * `host-port-conflict` rather than `invalid-port`, so for nginx that rule counts as a refusal too.
 */
const NGINX_REFUSAL_RULES: ReadonlySet<string> = new Set([...REFUSAL_RULES, 'host-port-conflict']);

function nginxLens(rendered: RenderedCase): LensVerdict {
  const analysis = analyzeFile(rendered.fileName, rendered.text);
  if (!analysis) {
    return { accepted: true, ports: [], problems: [] };
  }
  const problems = analysis.diagnostics.filter((diagnostic) => NGINX_REFUSAL_RULES.has(diagnostic.rule)).map((diagnostic) => `${diagnostic.rule}: ${diagnostic.message}`);
  const ports = analysis.references.filter((reference) => reference.port !== null).map((reference) => portKey(reference.protocol, reference.port as number, reference.endPort));
  return { accepted: problems.length === 0, ports, problems: [...new Set(problems)] };
}

// ---------------------------------------------------------------------------------------------
// Known differences
// ---------------------------------------------------------------------------------------------

const refusedOnlyByNginx = (tool: ToolVerdict, lens: LensVerdict, message: RegExp): boolean => !tool.accepted && lens.accepted && message.test(tool.message ?? '');

const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'template-placeholder',
    reason: 'Port Lens reads `listen ${PORT}` as a template placeholder that envsubst or a chart fills in before nginx reads the file; nginx itself takes it for a host name.',
    matches: (_rendered, tool, lens) => refusedOnlyByNginx(tool, lens, /^host not found in "\$\{/m),
  },
  {
    id: 'host-lookup',
    reason:
      'nginx looks up the host names of listen and upstream addresses when it reads the configuration and refuses a name that does not resolve; ' +
      'Port Lens does not look names up, since the answer depends on the machine nginx runs on.',
    matches: (_rendered, tool, lens) => refusedOnlyByNginx(tool, lens, /^host not found in (?:upstream )?"/m),
  },
  {
    id: 'newer-nginx-parameters',
    reason:
      'Port Lens follows the current nginx: `listen … quic` (http, nginx 1.25) and `default_server` and `deferred` on a stream listen (nginx 1.25.5) ' +
      'are parameters the nginx under test (Debian 12, 1.22) does not know yet.',
    matches: (_rendered, tool, lens) => refusedOnlyByNginx(tool, lens, /invalid (?:parameter )?"(?:quic|default_server|deferred)"/),
  },
  {
    id: 'stream-shared-address',
    reason:
      'Since nginx 1.25.5 several stream servers may listen on one address and port, told apart by server_name, as http servers are; ' +
      'the nginx under test (1.22) refuses that with "duplicate … address and port pair". Port Lens follows the current nginx.',
    matches: (_rendered, tool, lens) => refusedOnlyByNginx(tool, lens, /^duplicate "[^"]+" address and port pair/m),
  },
  {
    id: 'freebsd-setfib',
    reason: '`listen … setfib=N` exists on FreeBSD only; Linux nginx refuses it as an unknown parameter. Port Lens accepts it, as on the systems that have it.',
    matches: (_rendered, tool, lens) => refusedOnlyByNginx(tool, lens, /invalid (?:parameter )?"setfib=/),
  },
  {
    id: 'include-may-listen',
    reason:
      'A server block with an `include` and no `listen` may get its listen from the included file, so Port Lens shows no implicit *:80 for it; ' +
      'nginx, reading the included file (here one without a listen), listens on *:80.',
    matches: (rendered, tool, lens) =>
      tool.accepted && lens.accepted && rendered.text.includes(SERVER_INCLUDE) && !lens.ports.includes('tcp/80') && (tool.ports ?? []).includes('tcp/80'),
  },
  {
    id: 'included-upstream',
    reason:
      'An upstream address without a port must name an upstream block. Where the configuration includes other files, the block may be in one of them, ' +
      'so Port Lens does not report a name it cannot find; nginx, having read them all, does.',
    matches: (rendered, tool, lens) => refusedOnlyByNginx(tool, lens, /^no port in upstream "[A-Za-z_][\w.-]*"/m) && rendered.text.includes('include '),
  },
];

export const nginxSpec: ConformanceFormat = {
  format: 'nginx',
  toolName: 'nginx -t',
  requires: ['nginx'],
  debianPackage: 'nginx-light (and libnginx-mod-stream for stream blocks)',
  arbitrary: nginxCase,
  oracle: nginxVerdict,
  lens: nginxLens,
  knownDifferences: KNOWN_DIFFERENCES,
  comparePorts: true,
};
