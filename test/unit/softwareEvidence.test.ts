import * as assert from 'node:assert/strict';
import { KnowledgeBase } from '../../src/core/ports/knowledgeBase';
import { softwareOfImage } from '../../src/core/ports/softwareIdentity';
import { judgedRisk } from '../../src/core/rules/softwareEvidence';
import { scanFile } from '../../src/core/scanners/index';
import { WorkspacePortIndex } from '../../src/core/workspaceIndex';

const knowledge = new KnowledgeBase();

/** The sidebar's grade of each port of a file, as `port: grade`. */
function sidebarRisks(fileName: string, text: string): string[] {
  const scan = scanFile(fileName, text);
  assert.ok(scan);
  const index = new WorkspacePortIndex();
  index.setFile(fileName, scan.format, text, scan.references, scan.wiring);
  return index.byFile().flatMap((group) => group.occurrences.map((occurrence) => `${occurrence.text}: ${judgedRisk(knowledge, occurrence.reference, occurrence.software) ?? 'none'}`));
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
});
