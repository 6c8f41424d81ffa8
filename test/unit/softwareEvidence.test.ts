import * as assert from 'node:assert/strict';
import { KnowledgeBase } from '../../src/core/ports/knowledgeBase';
import { softwareOfImage } from '../../src/core/ports/softwareIdentity';
import { describeSoftwareEvidence, judgedRisk } from '../../src/core/rules/softwareEvidence';
import { scanFile } from '../../src/core/scanners/index';
import { WorkspacePortIndex } from '../../src/core/workspaceIndex';

const knowledge = new KnowledgeBase();

/** The sidebar's grade of each port of a file, as `port: grade`. */
function sidebarRisks(fileName: string, text: string): string[] {
  const scan = scanFile(fileName, text);
  assert.ok(scan);
  const index = new WorkspacePortIndex();
  index.setFile(fileName, scan.format, text, scan.references, scan.wiring);
  return index.byFile().flatMap((group) => group.occurrences.map((occurrence) => `${occurrence.text}: ${judgedRisk(knowledge, occurrence.reference, occurrence.evidence, occurrence.file) ?? 'none'}`));
}

describe('the software behind a port', () => {
  it('reads an image with or without registry, namespace, tag and digest', () => {
    for (const image of ['redis', 'redis:7-alpine', 'library/redis:7', 'docker.io/library/redis:7-alpine@sha256:' + 'b'.repeat(64)]) {
      assert.equal(softwareOfImage(image)?.software, 'Redis', image);
    }
    assert.equal(softwareOfImage('node:20-alpine')?.software, 'Node.js');
    assert.equal(softwareOfImage('mcr.microsoft.com/dotnet/aspnet:8.0')?.software, '.NET');
    assert.equal(softwareOfImage('registry.example.com/team/app:1'), undefined);
  });

  it('grades the sidebar\'s ports as the rule judges them', () => {
    const compose = 'services:\n  ui:\n    image: portainer/portainer-ce\n    ports:\n      - "9000:9000"\n  cache:\n    image: redis:7\n    ports:\n      - "6379:6379"\n  api:\n    build: .\n    ports:\n      - "5000:5000"\n';
    assert.deepEqual(sidebarRisks('compose.yaml', compose), ['9000:9000: none', '6379:6379: high', '5000:5000: medium']);
    // A firewall names no image: the catalogue's grade stands.
    assert.deepEqual(sidebarRisks('firewall.sh', '#!/bin/sh\nufw allow 9000/tcp\n'), ['9000/tcp: high']);
  });

  it('says in the hover what runs behind a port, and on what evidence', () => {
    const evidenceAt = (fileName: string, text: string, written: string) => {
      const scan = scanFile(fileName, text);
      assert.ok(scan);
      const reference = scan.references.find((candidate) => text.slice(candidate.range.start, candidate.range.end) === written);
      assert.ok(reference, written);
      return describeSoftwareEvidence(reference, scan.format, scan.wiring);
    };
    const compose = 'services:\n  ui:\n    image: portainer/portainer-ce:2.21\n    ports:\n      - "9000:9000"\n      - "7000:7000"\n  api:\n    build: .\n    ports:\n      - "5000:5000"\n';
    assert.equal(evidenceAt('compose.yaml', compose, '9000:9000'), "Service ui's image `portainer/portainer-ce:2.21` runs Portainer, which serves its web UI and API over HTTP (legacy) on 9000.");
    assert.equal(evidenceAt('compose.yaml', compose, '7000:7000'), "Service ui's image `portainer/portainer-ce:2.21` runs Portainer, which does not listen on 7000 by default.");
    assert.equal(evidenceAt('compose.yaml', compose, '5000:5000'), 'The service is built here: the FROM of its Dockerfile says what runs behind this port.');
    assert.equal(evidenceAt('Dockerfile', 'FROM node:20-alpine\nEXPOSE 3000\n', '3000'), "The stage's FROM `node:20-alpine` is a Node.js runtime: the app it runs decides its ports.");
    assert.equal(evidenceAt('firewall.sh', '#!/bin/sh\nufw allow 9000/tcp\n', '9000/tcp'), undefined);
  });
});
