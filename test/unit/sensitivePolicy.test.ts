/**
 * Keeps the sensitive-port catalogue consistent with its severity policy (docs/sensitive-ports.md):
 * high = control or data to anyone by default, medium = authenticated but a brute-force or CVE
 * target, low = an information leak.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findDataFile, portDatabase } from '../../src/core/ports/portData';
import type { SensitiveEntry } from '../../src/core/ports/portData';

/** Words that say a stranger gets in without credentials: such an entry is high by definition. */
const UNAUTHENTICATED_WORDING = /no authentication|unauthenticated|without authentication|anyone can|remote code/i;
/** Who gets in, as a high entry's reason must say. */
const WHO_GETS_IN = /\b(anyone|any (client|peer|host|initiator|master|node|caller|user|sender|device|visitor))\b/i;
/** What they get: reading, changing or running something. */
const WHAT_THEY_GET = /\b(read|writ|chang|run|execut|control|delet|drop|inject|publish|subscrib|pull|push|submit|install|replac|join|steer|shut|stop|exec|kill|query|fetch|upload|invok|evaluat|call|creat|forg|attach|shell|drive|browse|send|hands?|start|produc|consum|serv|see|learn|list|gets?|gain|use)\w*/i;

function label(entry: SensitiveEntry): string {
  const ports = entry.endPort !== undefined ? `${entry.port}-${entry.endPort}` : `${entry.port}`;
  return `${ports}/${entry.protocols.join('+')} ${entry.service}`;
}

describe('sensitive-port severity policy', () => {
  const sensitive = portDatabase().sensitive;

  it('grades high every entry whose reason says strangers get in without credentials', () => {
    const wrong = sensitive.filter((entry) => entry.severity !== 'high' && UNAUTHENTICATED_WORDING.test(entry.reason));
    assert.deepEqual(wrong.map(label), []);
  });

  it('gives the risk "unauthenticated" to high entries only', () => {
    const wrong = sensitive.filter((entry) => entry.severity !== 'high' && entry.risk === 'unauthenticated');
    assert.deepEqual(wrong.map(label), []);
  });

  it('grades low only information leaks', () => {
    const wrong = sensitive.filter((entry) => entry.severity === 'low' && entry.risk !== 'information-disclosure');
    assert.deepEqual(wrong.map(label), []);
  });

  it('says in every high reason who gets in by default and what they can do', () => {
    const vague = sensitive.filter((entry) => entry.severity === 'high' && !(WHO_GETS_IN.test(entry.reason) && WHAT_THEY_GET.test(entry.reason)));
    assert.deepEqual(vague.map(label), []);
  });

  it('backs every entry with an https reference', () => {
    for (const entry of sensitive) {
      assert.match(entry.reference, /^https:\/\/\S+$/, label(entry));
      assert.equal(new URL(entry.reference).protocol, 'https:', label(entry));
    }
  });

  it('lists at least 140 sensitive ports', () => {
    assert.ok(sensitive.length >= 140, `${sensitive.length} entries`);
  });

  it('lists at least 550 curated ports', () => {
    const curated = portDatabase().curated;
    assert.ok(curated.length >= 550, `${curated.length} entries`);
  });

  it('states the three severity definitions in docs/sensitive-ports.md', () => {
    // The data file sits in data/ at the repository root; the document beside it in docs/.
    const document = readFileSync(path.join(path.dirname(path.dirname(findDataFile())), 'docs', 'sensitive-ports.md'), 'utf8');
    assert.match(document, /\*\*high\*\*[^\n]*control or data to anyone by default[^\n]*no authentication[^\n]*code/i);
    assert.match(document, /\*\*medium\*\*[^\n]*authenticated by default[^\n]*brute-force or CVE target/i);
    assert.match(document, /\*\*low\*\*[^\n]*information leak/i);
  });
});
