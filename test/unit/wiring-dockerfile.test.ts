import * as assert from 'node:assert/strict';
import { scanDockerfile } from '../../src/core/scanners/dockerfile';
import { span } from './wiringHarness';
import type { DockerfileStage } from '../../src/core/wiring/facts';

function stages(text: string): readonly DockerfileStage[] {
  const result = scanDockerfile(text);
  assert.equal(result.format, 'dockerfile');
  return result.wiring?.dockerfile?.stages ?? [];
}

describe('Dockerfile wiring facts', () => {
  it('gives one stage per FROM with its name, image and own EXPOSE ports', () => {
    const text = [
      'ARG BASE=node:20-alpine',
      'ARG UNSET_BASE',
      'FROM ${BASE} AS Builder',
      'EXPOSE 3000',
      'FROM builder AS final',
      'EXPOSE 8080/udp 9000-9001',
      'FROM $UNSET_BASE',
      'EXPOSE 7000',
      '',
    ].join('\n');
    assert.deepStrictEqual(stages(text), [
      {
        name: 'builder',
        from: 'node:20-alpine',
        fromRange: span(text, '${BASE}'),
        exposes: [{ port: 3000, endPort: 3000, protocol: 'tcp', range: span(text, '3000') }],
      },
      {
        name: 'final',
        from: 'builder',
        fromRange: span(text, 'builder', 0),
        exposes: [
          { port: 8080, endPort: 8080, protocol: 'udp', range: span(text, '8080') },
          { port: 9000, endPort: 9001, protocol: 'tcp', range: span(text, '9000-9001') },
        ],
      },
      {
        fromRange: span(text, '$UNSET_BASE'),
        exposes: [{ port: 7000, endPort: 7000, protocol: 'tcp', range: span(text, '7000') }],
      },
    ]);
  });

  it('reuses the ports the scanner resolves from ENV and ARG, and skips unresolved ones', () => {
    const text = 'FROM alpine\nENV HTTP_PORT=8080\nARG DEBUG_PORT\nEXPOSE ${HTTP_PORT} $DEBUG_PORT\n';
    const result = scanDockerfile(text);
    assert.deepStrictEqual(result.wiring?.dockerfile?.stages, [
      {
        from: 'alpine',
        fromRange: span(text, 'alpine'),
        exposes: [{ port: 8080, endPort: 8080, protocol: 'tcp', range: span(text, '${HTTP_PORT}') }],
      },
    ]);
    // The unresolved port is still a reference (with no port), just not a wiring fact.
    assert.deepStrictEqual(
      result.references.map(({ port }) => port),
      [8080, null],
    );
  });

  it('points at the image after a --platform flag and keeps a digest', () => {
    const text = 'FROM --platform=$BUILDPLATFORM golang:1.22@sha256:abc AS build\n';
    assert.deepStrictEqual(stages(text), [
      { name: 'build', from: 'golang:1.22@sha256:abc', fromRange: span(text, 'golang:1.22@sha256:abc'), exposes: [] },
    ]);
  });

  it('leaves out an image whose variable has no default, even one declared in a stage', () => {
    const text = 'FROM alpine AS base\nARG IMAGE=nginx\nFROM ${IMAGE}\n';
    assert.deepStrictEqual(stages(text)[1], { fromRange: span(text, '${IMAGE}'), exposes: [] });
  });

  it('keeps EXPOSE lines before the first FROM out of every stage', () => {
    const text = 'EXPOSE 80\nFROM scratch\nEXPOSE 81\n';
    assert.deepStrictEqual(stages(text), [
      { from: 'scratch', fromRange: span(text, 'scratch'), exposes: [{ port: 81, endPort: 81, protocol: 'tcp', range: span(text, '81') }] },
    ]);
  });

  it('points at the keyword of a FROM without an image', () => {
    const text = 'FROM\nEXPOSE 80\n';
    assert.deepStrictEqual(stages(text), [
      { fromRange: span(text, 'FROM'), exposes: [{ port: 80, endPort: 80, protocol: 'tcp', range: span(text, '80') }] },
    ]);
  });

  it('leaves wiring out of a file without FROM', () => {
    assert.equal(scanDockerfile('EXPOSE 80\n').wiring, undefined);
    assert.equal(scanDockerfile('').wiring, undefined);
  });

  it('follows line continuations to the exact port digits', () => {
    const text = 'FROM alpine\nEXPOSE 80 \\\n  443/tcp\n';
    assert.deepStrictEqual(
      stages(text)[0].exposes.map(({ port, range }) => ({ port, range })),
      [
        { port: 80, range: span(text, '80') },
        { port: 443, range: span(text, '443') },
      ],
    );
  });
});
