import * as assert from 'node:assert/strict';
import { displayName, KnowledgeBase } from '../../src/core/ports/knowledgeBase';
import { parseUserPortData } from '../../src/core/ports/userData';

function withSettings(raw: Parameters<typeof parseUserPortData>[0]): KnowledgeBase {
  const { data, problems } = parseUserPortData(raw);
  assert.deepEqual(problems, []);
  return new KnowledgeBase(data);
}

describe('Knowledge base merging user data', () => {
  it('shows the user annotation first, over curated and IANA names', () => {
    const knowledgeBase = withSettings({ customPorts: { '8443/tcp': 'Our admin API' } });
    const knowledge = knowledgeBase.lookup(8443, 'tcp');
    assert.equal(knowledge.annotation?.label, 'Our admin API');
    assert.equal(displayName(knowledge), 'Our admin API');
    assert.equal(knowledgeBase.lookup(8443, 'udp').annotation, undefined, 'a tcp annotation does not apply to udp');
  });

  it('adds user sensitive ports with their reason', () => {
    const knowledgeBase = withSettings({ additionalSensitivePorts: { '8443/tcp': { severity: 'high', reason: 'Admin API without authentication' } } });
    const sensitive = knowledgeBase.lookup(8443, 'tcp').sensitive;
    assert.equal(sensitive?.severity, 'high');
    assert.equal(sensitive?.origin, 'user');
    assert.equal(sensitive?.reason, 'Admin API without authentication');
  });

  it('lets a user entry override the built-in severity', () => {
    const knowledgeBase = withSettings({ additionalSensitivePorts: { '6379': { severity: 'low', reason: 'Only reachable inside our VPC' } } });
    assert.equal(knowledgeBase.lookup(6379, 'tcp').sensitive?.severity, 'low');
  });

  it('silences built-in sensitive ports and says it did', () => {
    const knowledgeBase = withSettings({ silencedSensitivePorts: ['6379', '9229/tcp'] });
    const redis = knowledgeBase.lookup(6379, 'tcp');
    assert.equal(redis.sensitive, undefined);
    assert.equal(redis.silencedSensitive, true);
    assert.equal(knowledgeBase.lookup(9229, 'tcp').sensitive, undefined);
    assert.ok(knowledgeBase.lookup(2375, 'tcp').sensitive, 'other ports keep their warnings');
  });

  it('finds user annotations in search before built-in data', () => {
    const knowledgeBase = withSettings({ customPorts: { '6379': 'Session store' } });
    const hits = knowledgeBase.search('6379');
    assert.equal(hits[0].source, 'custom');
    assert.equal(hits[0].title, 'Session store');
    assert.equal(knowledgeBase.search('session store')[0].title, 'Session store');
  });
});
