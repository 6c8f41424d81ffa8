import * as assert from 'node:assert/strict';
import { KnowledgeBase } from '../../src/core/ports/knowledgeBase';

describe('Port search', () => {
  const knowledgeBase = new KnowledgeBase();

  it('puts the exact number first, curated before registry', () => {
    const hits = knowledgeBase.search('5432');
    assert.equal(hits[0].tier, 'number');
    assert.equal(hits[0].port, 5432);
    assert.equal(hits[0].source, 'curated');
    assert.ok(hits.some((hit) => hit.source === 'iana' && hit.title === 'postgresql'));
  });

  it('filters a number by protocol', () => {
    const hits = knowledgeBase.search('53/udp');
    assert.ok(hits.length > 0);
    assert.ok(hits.every((hit) => hit.port === 53 && (hit.protocols.length === 0 || hit.protocols.includes('udp'))));
  });

  it('finds a port inside a curated or registered range by number', () => {
    const hits = knowledgeBase.search('6005');
    assert.ok(hits.some((hit) => hit.title === 'x11'), JSON.stringify(hits.slice(0, 5)));
  });

  it('ranks an exact name before prefixes and words', () => {
    const hits = knowledgeBase.search('redis');
    assert.equal(hits[0].tier, 'name');
    assert.ok(hits.slice(0, 3).some((hit) => hit.port === 6379));
    const tiers = hits.map((hit) => hit.tier);
    const order = ['number', 'name', 'prefix', 'word'];
    assert.deepEqual([...tiers].sort((a, b) => order.indexOf(a) - order.indexOf(b)), tiers, 'tiers are in ranking order');
  });

  it('is case-insensitive and finds name prefixes', () => {
    const hits = knowledgeBase.search('Postgre');
    assert.equal(hits[0].tier, 'prefix');
    assert.ok(hits.some((hit) => hit.port === 5432));
  });

  it('finds a word of the description or software', () => {
    const hits = knowledgeBase.search('inspector');
    assert.ok(hits.some((hit) => hit.port === 9229), JSON.stringify(hits.slice(0, 5)));
  });

  it('requires every word of a multi-word query, the last one as a prefix', () => {
    const hits = knowledgeBase.search('docker api');
    assert.ok(hits.length > 0);
    assert.ok(hits.some((hit) => hit.port === 2375));
  });

  it('returns nothing for an empty query or nonsense, and respects the limit', () => {
    assert.deepEqual(knowledgeBase.search('   '), []);
    assert.deepEqual(knowledgeBase.search('zzqxv'), []);
    assert.equal(knowledgeBase.search('a', 7).length, 7);
  });
});
