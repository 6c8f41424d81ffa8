import * as fs from 'node:fs';
import * as assert from 'node:assert/strict';
import { scanDockerfile } from '../../src/core/scanners/dockerfile';
import type { PortReference, Protocol, SourceRange } from '../../src/core/types';
import { assertScan, expectedProblem as p, locator, part, ref } from './fixtures/containers/scanAssertions';
import type { Expectation, Locator } from './fixtures/containers/scanAssertions';

interface Case {
  readonly name: string;
  readonly text: string;
  readonly expect: (at: Locator) => Expectation;
}

interface ExposeFields {
  readonly port: number | null;
  readonly endPort?: number | null;
  readonly protocol?: Protocol;
  /** Defaults to the whole token; `null` for a reference without readable digits. */
  readonly portRange?: SourceRange | null;
  readonly scope?: string;
  readonly rawText?: string;
}

/** An `EXPOSE` reference as the scanner reports it: TCP, single port, in the first unnamed stage unless told. */
function expose(range: SourceRange, fields: ExposeFields): PortReference {
  return ref({
    role: 'expose',
    range,
    portRange: fields.portRange === null ? undefined : (fields.portRange ?? range),
    protocol: fields.protocol ?? 'tcp',
    port: fields.port,
    endPort: fields.endPort === undefined ? fields.port : fields.endPort,
    scope: 'scope' in fields ? fields.scope : 'stage 0',
    rawText: fields.rawText,
  });
}

const cases: Case[] = [
  // --- The forms EXPOSE accepts --------------------------------------------------------
  {
    name: 'a bare port is TCP',
    text: 'FROM alpine\nEXPOSE 80\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80 })] }),
  },
  {
    name: 'an explicit tcp suffix',
    text: 'FROM alpine\nEXPOSE 80/tcp\n',
    expect: (at) => ({ references: [expose(at('80/tcp'), { port: 80, portRange: at('80') })] }),
  },
  {
    name: 'a udp port',
    text: 'FROM alpine\nEXPOSE 53/udp\n',
    expect: (at) => ({ references: [expose(at('53/udp'), { port: 53, protocol: 'udp', portRange: at('53') })] }),
  },
  {
    name: 'an sctp port',
    text: 'FROM alpine\nEXPOSE 132/sctp\n',
    expect: (at) => ({ references: [expose(at('132/sctp'), { port: 132, protocol: 'sctp', portRange: at('132') })] }),
  },
  {
    name: 'a port range',
    text: 'FROM alpine\nEXPOSE 8000-8010\n',
    expect: (at) => ({ references: [expose(at('8000-8010'), { port: 8000, endPort: 8010 })] }),
  },
  {
    name: 'a udp port range',
    text: 'FROM alpine\nEXPOSE 8000-8010/udp\n',
    expect: (at) => ({
      references: [expose(at('8000-8010/udp'), { port: 8000, endPort: 8010, protocol: 'udp', portRange: at('8000-8010') })],
    }),
  },
  {
    name: 'several ports on one line',
    text: 'FROM alpine\nEXPOSE 80 443/tcp 53/udp\n',
    expect: (at) => ({
      references: [
        expose(at('80'), { port: 80 }),
        expose(at('443/tcp'), { port: 443, portRange: at('443') }),
        expose(at('53/udp'), { port: 53, protocol: 'udp', portRange: at('53') }),
      ],
    }),
  },
  {
    name: 'several EXPOSE instructions',
    text: 'FROM alpine\nEXPOSE 80\nRUN true\nEXPOSE 443\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80 }), expose(at('443'), { port: 443 })] }),
  },
  {
    name: 'the same port twice is reported twice',
    text: 'FROM alpine\nEXPOSE 80 80\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80 }), expose(at('80', 1), { port: 80 })] }),
  },
  {
    name: 'a lowercase instruction keyword',
    text: 'from alpine\nexpose 8080\n',
    expect: (at) => ({ references: [expose(at('8080'), { port: 8080 })] }),
  },
  {
    name: 'the highest port',
    text: 'FROM alpine\nEXPOSE 65535\n',
    expect: (at) => ({ references: [expose(at('65535'), { port: 65535 })] }),
  },
  {
    name: 'leading zeros read as decimal',
    text: 'FROM alpine\nEXPOSE 080\n',
    expect: (at) => ({ references: [expose(at('080'), { port: 80 })] }),
  },
  {
    name: 'an empty protocol after the slash means TCP',
    text: 'FROM alpine\nEXPOSE 80/\n',
    expect: (at) => ({ references: [expose(at('80/'), { port: 80, portRange: at('80') })] }),
  },

  // --- Protocol spelling --------------------------------------------------------------
  {
    name: 'an uppercase protocol is accepted with a warning',
    text: 'FROM alpine\nEXPOSE 80/TCP\n',
    expect: (at) => ({
      references: [expose(at('80/TCP'), { port: 80, portRange: at('80') })],
      problems: [p('uppercase-protocol', at('TCP'), 'warning')],
    }),
  },
  {
    name: 'a mixed-case protocol is lowercased with a warning',
    text: 'FROM alpine\nEXPOSE 53/Udp\n',
    expect: (at) => ({
      references: [expose(at('53/Udp'), { port: 53, protocol: 'udp', portRange: at('53') })],
      problems: [p('uppercase-protocol', at('Udp'), 'warning')],
    }),
  },
  {
    name: 'an unknown protocol is an error',
    text: 'FROM alpine\nEXPOSE 80/icmp\n',
    expect: (at) => ({ references: [], problems: [p('unknown-protocol', at('icmp'))] }),
  },
  {
    name: 'dccp is not a protocol Docker accepts',
    text: 'FROM alpine\nEXPOSE 80/dccp\n',
    expect: (at) => ({ references: [], problems: [p('unknown-protocol', at('dccp'))] }),
  },

  // --- Invalid numbers ------------------------------------------------------------------
  {
    // BuildKit exposes "0/tcp" without complaint; Port Lens keeps the port and warns.
    name: 'port zero is accepted with a warning',
    text: 'FROM alpine\nEXPOSE 0\n',
    expect: (at) => ({ references: [expose(at('0'), { port: 0 })], problems: [p('port-zero', at('0'), 'warning')] }),
  },
  {
    name: 'a port above 65535 is out of range',
    text: 'FROM alpine\nEXPOSE 65536\n',
    expect: (at) => ({ references: [], problems: [p('port-out-of-range', at('65536'))] }),
  },
  {
    name: 'a huge number is out of range',
    text: 'FROM alpine\nEXPOSE 99999999999999999999\n',
    expect: (at) => ({ references: [], problems: [p('port-out-of-range', at('99999999999999999999'))] }),
  },
  {
    name: 'a reversed range',
    text: 'FROM alpine\nEXPOSE 8010-8000\n',
    expect: (at) => ({ references: [], problems: [p('reversed-range', at('8010-8000'))] }),
  },
  {
    name: 'a word instead of a port',
    text: 'FROM alpine\nEXPOSE http\n',
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('http'))] }),
  },
  {
    name: 'a range whose end is not a number',
    text: 'FROM alpine\nEXPOSE 8000-x\n',
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('x'))] }),
  },
  {
    name: 'a range whose end is out of range',
    text: 'FROM alpine\nEXPOSE 65000-70000/udp\n',
    expect: (at) => ({ references: [], problems: [p('port-out-of-range', at('70000'))] }),
  },
  {
    name: 'a bad entry does not hide the good ones beside it',
    text: 'FROM alpine\nEXPOSE 80 nope 443\n',
    expect: (at) => ({
      references: [expose(at('80'), { port: 80 }), expose(at('443'), { port: 443 })],
      problems: [p('not-a-number', at('nope'))],
    }),
  },

  // --- Host parts, which EXPOSE ignores -------------------------------------------------
  {
    // BuildKit splits `127.0.0.1:80` into host port "127.0.0.1" and port 80, and refuses the host port.
    name: 'an address without a host port fails the build',
    text: 'FROM alpine\nEXPOSE 127.0.0.1:80\n',
    expect: (at) => ({
      references: [],
      problems: [p('expose-host-part', at('127.0.0.1:'), 'warning'), p('not-a-number', at('127.0.0.1'))],
    }),
  },
  {
    name: 'a host port mapping is ignored with a warning',
    text: 'FROM alpine\nEXPOSE 8080:80\n',
    expect: (at) => ({
      references: [expose(at('8080:80'), { port: 80, portRange: part(at('8080:80'), 5) })],
      problems: [p('expose-host-part', at('8080:'), 'warning')],
    }),
  },
  {
    name: 'a full mapping keeps the container port and protocol',
    text: 'FROM alpine\nEXPOSE 0.0.0.0:5353:53/udp\n',
    expect: (at) => ({
      references: [expose(at('0.0.0.0:5353:53/udp'), { port: 53, protocol: 'udp', portRange: part(at('0.0.0.0:5353:53/udp'), 13, 15) })],
      problems: [p('expose-host-part', at('0.0.0.0:5353:'), 'warning')],
    }),
  },
  {
    name: 'a host part with an unreadable container port',
    text: 'FROM alpine\nEXPOSE 8080:web\n',
    expect: (at) => ({
      references: [],
      problems: [p('not-a-number', at('web')), p('expose-host-part', at('8080:'), 'warning')],
    }),
  },

  // --- Variables ------------------------------------------------------------------------
  {
    name: 'an ARG default fills $NAME',
    text: 'FROM alpine\nARG PORT=8080\nEXPOSE $PORT\n',
    expect: (at) => ({ references: [expose(at('$PORT'), { port: 8080, rawText: '$PORT' })] }),
  },
  {
    name: 'an ARG default fills ${NAME}',
    text: 'FROM alpine\nARG PORT=8080\nEXPOSE ${PORT}\n',
    expect: (at) => ({ references: [expose(at('${PORT}'), { port: 8080, rawText: '${PORT}' })] }),
  },
  {
    name: 'a variable followed by a literal protocol',
    text: 'FROM alpine\nARG PORT=5353\nEXPOSE ${PORT}/udp\n',
    expect: (at) => ({
      references: [expose(at('${PORT}/udp'), { port: 5353, protocol: 'udp', portRange: at('${PORT}'), rawText: '${PORT}/udp' })],
    }),
  },
  {
    name: 'a variable holding a range',
    text: 'FROM alpine\nARG RANGE=8000-8010\nEXPOSE $RANGE\n',
    expect: (at) => ({ references: [expose(at('$RANGE'), { port: 8000, endPort: 8010, rawText: '$RANGE' })] }),
  },
  {
    name: 'the :- default applies when the variable is unset',
    text: 'FROM alpine\nEXPOSE ${PORT:-8080}\n',
    expect: (at) => ({ references: [expose(at('${PORT:-8080}'), { port: 8080, rawText: '${PORT:-8080}' })] }),
  },
  {
    name: 'the :- default gives way to a value',
    text: 'FROM alpine\nARG PORT=9000\nEXPOSE ${PORT:-8080}\n',
    expect: (at) => ({ references: [expose(at('${PORT:-8080}'), { port: 9000, rawText: '${PORT:-8080}' })] }),
  },
  {
    name: ':- replaces an empty value but - keeps it',
    text: 'FROM alpine\nARG PORT=\nEXPOSE ${PORT:-8080} ${PORT-9090}\n',
    expect: (at) => ({ references: [expose(at('${PORT:-8080}'), { port: 8080, rawText: '${PORT:-8080}' })] }),
  },
  {
    name: 'the - default applies when the variable is unset',
    text: 'FROM alpine\nEXPOSE ${PORT-9090}\n',
    expect: (at) => ({ references: [expose(at('${PORT-9090}'), { port: 9090, rawText: '${PORT-9090}' })] }),
  },
  {
    name: ':+ substitutes its word when the variable is set',
    text: 'FROM alpine\nARG TLS=yes\nEXPOSE ${TLS:+8443}\n',
    expect: (at) => ({ references: [expose(at('${TLS:+8443}'), { port: 8443, rawText: '${TLS:+8443}' })] }),
  },
  {
    name: ':+ expands to nothing when the variable is unset',
    text: 'FROM alpine\nEXPOSE 80 ${TLS:+8443}\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80 })] }),
  },
  {
    name: '+ without a colon also substitutes for an empty value',
    text: 'FROM alpine\nARG TLS=\nEXPOSE ${TLS+8443}\n',
    expect: (at) => ({ references: [expose(at('${TLS+8443}'), { port: 8443, rawText: '${TLS+8443}' })] }),
  },
  {
    name: 'a default that names another variable',
    text: 'FROM alpine\nARG FALLBACK=7000\nEXPOSE ${PORT:-$FALLBACK}\n',
    expect: (at) => ({ references: [expose(at('${PORT:-$FALLBACK}'), { port: 7000, rawText: '${PORT:-$FALLBACK}' })] }),
  },
  {
    name: 'a variable holding several ports yields one reference each',
    text: 'FROM alpine\nARG PORTS="80 443"\nEXPOSE $PORTS\n',
    expect: (at) => ({
      references: [expose(at('$PORTS'), { port: 80, rawText: '$PORTS' }), expose(at('$PORTS'), { port: 443, rawText: '$PORTS' })],
    }),
  },
  {
    name: 'several ports with protocols from one ENV',
    text: 'FROM alpine\nENV PORTS="80/tcp 53/udp"\nEXPOSE ${PORTS}\n',
    expect: (at) => ({
      references: [
        expose(at('${PORTS}'), { port: 80, rawText: '${PORTS}' }),
        expose(at('${PORTS}'), { port: 53, protocol: 'udp', rawText: '${PORTS}' }),
      ],
    }),
  },
  {
    name: 'a quoted variable stays one word, which is not a port',
    text: 'FROM alpine\nARG PORTS="80 443"\nEXPOSE "$PORTS"\n',
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('$PORTS'))] }),
  },
  {
    name: 'an escaped dollar is literal text',
    text: 'FROM alpine\nARG PORT=80\nEXPOSE \\$PORT\n',
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('$PORT', 0))] }),
  },
  {
    name: 'single quotes keep a dollar literal',
    text: "FROM alpine\nARG PORT=80\nEXPOSE '$PORT'\n",
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('$PORT'))] }),
  },
  {
    name: 'double quotes around a literal port are removed',
    text: 'FROM alpine\nEXPOSE "8080"\n',
    expect: (at) => ({ references: [expose(at('"8080"'), { port: 8080, portRange: at('8080'), rawText: '"8080"' })] }),
  },
  {
    name: 'an undeclared variable is unresolved, not an error',
    text: 'FROM alpine\nEXPOSE $PORT\n',
    expect: (at) => ({
      references: [expose(at('$PORT'), { port: null, portRange: null, rawText: '$PORT' })],
      problems: [p('unresolved-variable', at('$PORT'), 'info')],
    }),
  },
  {
    name: 'an ARG without a default is unresolved',
    text: 'FROM alpine\nARG PORT\nEXPOSE ${PORT}/udp\n',
    expect: (at) => ({
      references: [expose(at('${PORT}/udp'), { port: null, portRange: null, protocol: 'udp', rawText: '${PORT}/udp' })],
      problems: [p('unresolved-variable', at('${PORT}'), 'info')],
    }),
  },
  {
    name: 'a required variable without a value is unresolved',
    text: 'FROM alpine\nEXPOSE ${PORT:?required}\n',
    expect: (at) => ({
      references: [expose(at('${PORT:?required}'), { port: null, portRange: null, rawText: '${PORT:?required}' })],
      problems: [p('unresolved-variable', at('${PORT:?required}'), 'info')],
    }),
  },
  {
    name: 'a required variable with a value resolves',
    text: 'FROM alpine\nARG PORT=81\nEXPOSE ${PORT?}\n',
    expect: (at) => ({ references: [expose(at('${PORT?}'), { port: 81, rawText: '${PORT?}' })] }),
  },
  {
    name: 'pattern substitution depends on the value, so it is unresolved',
    text: 'FROM alpine\nARG PORT=8080\nEXPOSE ${PORT%0}\n',
    expect: (at) => ({
      references: [expose(at('${PORT%0}'), { port: null, portRange: null, rawText: '${PORT%0}' })],
      problems: [p('unresolved-variable', at('${PORT%0}'), 'info')],
    }),
  },
  {
    name: 'an unterminated substitution is a syntax error',
    text: 'FROM alpine\nEXPOSE ${PORT\n',
    expect: (at) => ({ references: [], problems: [p('parse-error', at('${PORT'))] }),
  },

  // --- Variable scope ---------------------------------------------------------------------
  {
    name: 'a global ARG is invisible in a stage that does not re-declare it',
    text: 'ARG PORT=8080\nFROM alpine\nEXPOSE $PORT\n',
    expect: (at) => ({
      references: [expose(at('$PORT'), { port: null, portRange: null, rawText: '$PORT' })],
      problems: [p('unresolved-variable', at('$PORT'), 'info')],
    }),
  },
  {
    name: 'a global ARG re-declared without a value keeps its default',
    text: 'ARG PORT=8080\nFROM alpine\nARG PORT\nEXPOSE $PORT\n',
    expect: (at) => ({ references: [expose(at('$PORT'), { port: 8080, rawText: '$PORT' })] }),
  },
  {
    name: 'a global ARG re-declared with a value takes the new value',
    text: 'ARG PORT=8080\nFROM alpine\nARG PORT=9090\nEXPOSE $PORT\n',
    expect: (at) => ({ references: [expose(at('$PORT'), { port: 9090, rawText: '$PORT' })] }),
  },
  {
    name: 'an ARG ends with its stage',
    text: 'FROM alpine AS build\nARG PORT=8080\nFROM build\nEXPOSE $PORT\n',
    expect: (at) => ({
      references: [expose(at('$PORT'), { port: null, portRange: null, scope: 'stage 1', rawText: '$PORT' })],
      problems: [p('unresolved-variable', at('$PORT'), 'info')],
    }),
  },
  {
    name: 'ENV carries into a stage built from that stage, names matched case-insensitively',
    text: 'FROM alpine AS Base\nENV PORT=8080\nFROM base AS app\nEXPOSE $PORT\n',
    expect: (at) => ({ references: [expose(at('$PORT'), { port: 8080, scope: 'app', rawText: '$PORT' })] }),
  },
  {
    name: 'ENV carries through a chain of stages',
    text: 'FROM alpine AS a\nENV HTTP=80\nFROM a AS b\nENV HTTPS=443\nFROM b AS c\nEXPOSE $HTTP $HTTPS\n',
    expect: (at) => ({
      references: [
        expose(at('$HTTP'), { port: 80, scope: 'c', rawText: '$HTTP' }),
        expose(at('$HTTPS'), { port: 443, scope: 'c', rawText: '$HTTPS' }),
      ],
    }),
  },
  {
    name: 'ENV does not reach an unrelated stage',
    text: 'FROM alpine AS a\nENV PORT=80\nFROM debian\nEXPOSE $PORT\n',
    expect: (at) => ({
      references: [expose(at('$PORT'), { port: null, portRange: null, scope: 'stage 1', rawText: '$PORT' })],
      problems: [p('unresolved-variable', at('$PORT'), 'info')],
    }),
  },
  {
    name: 'ENV wins over an ARG of the same name',
    text: 'FROM alpine\nARG PORT=1000\nENV PORT=2000\nEXPOSE $PORT\n',
    expect: (at) => ({ references: [expose(at('$PORT'), { port: 2000, rawText: '$PORT' })] }),
  },
  {
    name: 'ENV still wins when the ARG comes later',
    text: 'FROM alpine\nENV PORT=2000\nARG PORT=1000\nEXPOSE $PORT\n',
    expect: (at) => ({ references: [expose(at('$PORT'), { port: 2000, rawText: '$PORT' })] }),
  },
  {
    name: 'ENV built from an ARG',
    text: 'FROM alpine\nARG BASE=8000\nENV PORT=${BASE}\nEXPOSE $PORT\n',
    expect: (at) => ({ references: [expose(at('$PORT'), { port: 8000, rawText: '$PORT' })] }),
  },
  {
    name: 'values in one ENV line see the variables from before that line',
    text: 'FROM alpine\nENV PORT=81\nENV PORT=82 OLD=$PORT\nEXPOSE $OLD $PORT\n',
    expect: (at) => ({
      references: [expose(at('$OLD'), { port: 81, rawText: '$OLD' }), expose(at('$PORT', 1), { port: 82, rawText: '$PORT' })],
    }),
  },
  {
    name: 'the legacy ENV form takes the rest of the line as the value',
    text: 'FROM alpine\nENV PORTS 80 443\nEXPOSE $PORTS\n',
    expect: (at) => ({
      references: [expose(at('$PORTS'), { port: 80, rawText: '$PORTS' }), expose(at('$PORTS'), { port: 443, rawText: '$PORTS' })],
    }),
  },
  {
    name: 'one ARG line declaring several variables',
    text: 'FROM alpine\nARG HTTP=80 HTTPS=443\nEXPOSE $HTTP $HTTPS\n',
    expect: (at) => ({
      references: [expose(at('$HTTP'), { port: 80, rawText: '$HTTP' }), expose(at('$HTTPS'), { port: 443, rawText: '$HTTPS' })],
    }),
  },
  {
    name: 'ARG with several bare names re-declares globals',
    text: 'ARG A=80\nARG B=81\nFROM alpine\nARG A B\nEXPOSE $A $B\n',
    expect: (at) => ({
      references: [expose(at('$A'), { port: 80, rawText: '$A' }), expose(at('$B'), { port: 81, rawText: '$B' })],
    }),
  },

  // --- Stages -------------------------------------------------------------------------------
  {
    name: 'a named stage is the scope',
    text: 'FROM golang AS build\nEXPOSE 8080\n',
    expect: (at) => ({ references: [expose(at('8080'), { port: 8080, scope: 'build' })] }),
  },
  {
    name: 'unnamed stages are numbered from zero',
    text: 'FROM alpine\nEXPOSE 80\nFROM alpine AS web\nEXPOSE 81\nFROM debian\nEXPOSE 82\n',
    expect: (at) => ({
      references: [
        expose(at('80'), { port: 80, scope: 'stage 0' }),
        expose(at('81'), { port: 81, scope: 'web' }),
        expose(at('82'), { port: 82, scope: 'stage 2' }),
      ],
    }),
  },
  {
    name: 'FROM with a platform flag still names the stage',
    text: 'FROM --platform=linux/amd64 alpine AS web\nEXPOSE 80\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80, scope: 'web' })] }),
  },
  {
    name: 'EXPOSE before any FROM has no stage',
    text: 'EXPOSE 80\nFROM alpine\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80, scope: undefined })] }),
  },

  // --- Layout: continuations, escape directive, line endings, comments ---------------------
  {
    name: 'a continuation between ports',
    text: 'FROM alpine\nEXPOSE 80 \\\n    443\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80 }), expose(at('443'), { port: 443 })] }),
  },
  {
    name: 'a continuation inside a port joins its digits',
    text: 'FROM alpine\nEXPOSE 80\\\n81\n',
    expect: (at) => ({ references: [expose(at('80\\\n81'), { port: 8081, rawText: '80\\\n81' })] }),
  },
  {
    name: 'a comment line inside a continuation is skipped',
    text: 'FROM alpine\nEXPOSE 80 \\\n# not a port 22\n  443\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80 }), expose(at('443'), { port: 443 })] }),
  },
  {
    name: 'the escape directive makes the backtick continue lines',
    text: '# escape=`\nFROM mcr.microsoft.com/windows/servercore\nEXPOSE 80 `\n  443\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80 }), expose(at('443'), { port: 443 })] }),
  },
  {
    name: 'with a backtick escape, a backslash is an ordinary character',
    text: '# escape=`\nFROM alpine\nEXPOSE 80\\\n',
    expect: (at) => ({ references: [], problems: [p('not-a-number', at('80\\'))] }),
  },
  {
    name: 'CRLF line endings keep offsets right',
    text: 'FROM alpine AS web\r\nARG PORT=8443\r\nEXPOSE 80 \\\r\n  $PORT/tcp\r\n',
    expect: (at) => ({
      references: [
        expose(at('80'), { port: 80, scope: 'web' }),
        expose(at('$PORT/tcp'), { port: 8443, scope: 'web', portRange: at('$PORT'), rawText: '$PORT/tcp' }),
      ],
    }),
  },
  {
    name: 'commented-out EXPOSE lines are ignored',
    text: 'FROM alpine\n# EXPOSE 22\n   # EXPOSE 23\nEXPOSE 80\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80 })] }),
  },
  {
    name: 'a # after an instruction is an argument, not a comment',
    text: 'FROM alpine\nEXPOSE 80 #web\n',
    expect: (at) => ({ references: [expose(at('80'), { port: 80 })], problems: [p('not-a-number', at('#web'))] }),
  },
  {
    name: 'ONBUILD EXPOSE runs in a child image, not here',
    text: 'FROM alpine\nONBUILD EXPOSE 80\n',
    expect: () => ({ references: [] }),
  },
  {
    name: 'an empty file',
    text: '',
    expect: () => ({ references: [] }),
  },
  {
    name: 'a file that is not a Dockerfile',
    text: '{ "name": "not a dockerfile", "ports": [80] }\n',
    expect: () => ({ references: [] }),
  },
];

/** Disagreements with BuildKit that were fixed; each expected verdict is BuildKit's (see conformance-buildkit.test.ts). */
const buildkitCases: Case[] = [
  {
    name: 'BuildKit refuses EXPOSE without a port (EXPOSE requires at least one argument)',
    text: 'FROM alpine\nEXPOSE\n',
    expect: (at) => ({ references: [], problems: [p('missing-port', at('EXPOSE'))] }),
  },
  {
    name: 'BuildKit refuses two protocols: everything after the first slash is the protocol "tcp/udp"',
    text: 'FROM alpine\nEXPOSE 80/tcp/udp\n',
    expect: (at) => ({ references: [], problems: [p('unknown-protocol', at('tcp/udp'))] }),
  },
  {
    name: 'BuildKit refuses a name where the host port goes (invalid hostPort: myhost)',
    text: 'FROM alpine\nEXPOSE myhost:80\n',
    expect: (at) => ({ references: [], problems: [p('expose-host-part', at('myhost:'), 'warning'), p('not-a-number', at('myhost'))] }),
  },
  {
    name: 'BuildKit refuses a host address that is not an IP address (invalid IP address: myhost)',
    text: 'FROM alpine\nEXPOSE myhost:8080:80\n',
    expect: (at) => ({ references: [], problems: [p('expose-host-part', at('myhost:8080:'), 'warning'), p('invalid-host-ip', at('myhost'))] }),
  },
  {
    name: 'BuildKit refuses host and container ranges of different lengths',
    text: 'FROM alpine\nEXPOSE 80-82:90-91\n',
    expect: (at) => ({ references: [], problems: [p('expose-host-part', at('80-82:'), 'warning'), p('range-mismatch', at('80-82:90-91'))] }),
  },
  {
    name: 'BuildKit accepts an empty host part without its ExposeInvalidFormat warning',
    text: 'FROM alpine\nEXPOSE :80\n',
    expect: (at) => ({ references: [expose(at(':80'), { port: 80, portRange: at('80') })] }),
  },
  {
    name: 'BuildKit accepts a port range starting at 0 (Port Lens warns)',
    text: 'FROM alpine\nEXPOSE 0-10\n',
    expect: (at) => ({ references: [expose(at('0-10'), { port: 0, endPort: 10 })], problems: [p('port-zero', at('0-10'), 'warning')] }),
  },
];

describe('agrees with BuildKit', () => {
  for (const testCase of buildkitCases) {
    it(testCase.name, () => {
      assertScan(scanDockerfile(testCase.text), testCase.expect(locator(testCase.text)));
    });
  }
});

describe('scanDockerfile', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const result = scanDockerfile(testCase.text);
      assert.equal(result.format, 'dockerfile');
      assertScan(result, testCase.expect(locator(testCase.text)));
    });
  }

  it('reads a multi-stage fixture end to end', () => {
    const text = fs.readFileSync('test/unit/fixtures/containers/multistage.Dockerfile', 'utf8');
    const result = scanDockerfile(text);
    assert.deepStrictEqual(
      result.references.map(({ port, endPort, protocol, scope }) => ({ port, endPort, protocol, scope })),
      [
        { port: 9000, endPort: 9000, protocol: 'tcp', scope: 'builder' },
        { port: 8080, endPort: 8080, protocol: 'tcp', scope: 'runtime' },
        { port: 8443, endPort: 8443, protocol: 'tcp', scope: 'runtime' },
        { port: 5353, endPort: 5353, protocol: 'udp', scope: 'runtime' },
        { port: 9100, endPort: 9100, protocol: 'tcp', scope: 'runtime' },
      ],
    );
    assert.deepStrictEqual(result.problems, []);
  });

  it('never throws and stays fast on hostile input', () => {
    const inputs = [
      'FROM a\nEXPOSE ' + '${'.repeat(5000),
      'FROM a\nEXPOSE ' + '"'.repeat(5001),
      'FROM a\nEXPOSE ' + '\\\n'.repeat(5000) + '80',
      'FROM a\n' + 'EXPOSE 80 '.repeat(20000),
      '\u0000\uffff\ud800EXPOSE 80',
    ];
    for (const input of inputs) {
      const started = Date.now();
      const result = scanDockerfile(input);
      assert.ok(Array.isArray(result.references));
      assert.ok(Date.now() - started < 3000, 'scan finishes quickly');
    }
  });
});
