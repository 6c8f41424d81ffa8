import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { displayName, KnowledgeBase } from '../../src/core/ports/knowledgeBase';
import { CATEGORIES, findDataFile, portDatabase, PortDatabase, RISKS, SEVERITIES } from '../../src/core/ports/portData';

const projectRoot = path.resolve(path.dirname(findDataFile()), '..');

function readJson<T>(relativePath: string): T {
  return JSON.parse(readFileSync(path.join(projectRoot, relativePath), 'utf8')) as T;
}

describe('Port data', () => {
  describe('generated form', () => {
    it('is up to date with the registry CSV and the curated sources', () => {
      const result = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'build-data.mjs'), '--check'], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr || result.stdout);
    });

    it('keeps every registry record (rows merged across protocols still count each protocol)', () => {
      const database = portDatabase();
      let records = 0;
      for (let row = 0; row < database.ianaRowCount; row++) {
        records += Math.max(1, database.ianaRow(row).protocols.length);
      }
      assert.equal(records, database.registryRecordCount);
      assert.ok(database.registryRecordCount > 14_000, `only ${database.registryRecordCount} records`);
    });

    it('keeps the assignee, contact and dates in the details file', () => {
      const database = portDatabase();
      const redis = database.ianaEntries(6379, 'tcp')[0];
      assert.deepEqual(database.ianaDetails(redis.row), {
        assignee: '[Salvatore_Sanfilippo]',
        contact: '[Itamar_Haber]',
        registered: '2015-04-23',
        modified: '',
        serviceCode: '',
        notes: '',
      });
    });

    it('records the registry date', () => {
      assert.match(portDatabase().registryUpdated, /^\d{4}-\d{2}-\d{2}$/);
    });

    it('keeps sctp, dccp, references, unauthorized-use reports and assignment notes', () => {
      const database = portDatabase();
      const rows = Array.from({ length: database.ianaRowCount }, (_, row) => database.ianaRow(row));
      assert.ok(rows.some((entry) => entry.protocols.includes('sctp')));
      assert.ok(rows.some((entry) => entry.protocols.includes('dccp')));
      assert.ok(rows.some((entry) => entry.references.some((reference) => /^RFC\d+$/.test(reference))));
      assert.ok(rows.some((entry) => entry.unauthorizedUse !== ''));
      assert.ok(rows.some((entry) => database.ianaDetails(entry.row).notes !== ''));
      assert.ok(rows.some((entry) => entry.port === undefined && entry.service !== ''), 'service names without a port are kept');
    });

    it('finds exactly the rows whose port or range covers each port, skipping unassigned rows', () => {
      const database = portDatabase();
      const covering: number[][] = Array.from({ length: 65536 }, () => []);
      for (let row = 0; row < database.ianaRowCount; row++) {
        const entry = database.ianaRow(row);
        if (entry.port === undefined || entry.description === 'Unassigned') {
          continue;
        }
        for (let port = entry.port; port <= (entry.endPort ?? entry.port); port++) {
          covering[port].push(row);
        }
      }
      const wrong: number[] = [];
      for (let port = 0; port <= 65535; port++) {
        const found = database.ianaEntries(port).map((entry) => entry.row);
        if (found.length !== covering[port].length || found.some((row, index) => row !== covering[port][index])) {
          wrong.push(port);
        }
      }
      assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} ports disagree with a scan of every row`);
      assert.ok(covering[6010].length > 0 && covering[443].length > 0);
    });

    it('keeps line breaks inside registry descriptions', () => {
      const entry = portDatabase().ianaEntries(6629).find((candidate) => candidate.service === 'nexgen-aux');
      assert.ok(entry, 'nexgen-aux is registered on 6629');
      assert.match(entry.description, /interface to\n\s+the Allied/);
    });

    it('reads escaped tabs, line breaks and backslashes from the rows file', () => {
      const raw = {
        format: 3,
        registry: { source: 'test', updated: '2024-01-01', records: 2, rowCount: 2, index: { ports: [7], rows: [1], ranges: [0, 10, 12] } },
        curated: [],
        sensitive: [],
      };
      const rows = 'port\tprotocols\tservice\tdescription\treference\tunauthorizedUse\n10-12\t1\tspan\tA\\tB\n7\t3\techo\tone\\ntwo \\\\ three\t[RFC862]\n';
      const database = new PortDatabase(raw, () => rows);
      assert.deepEqual(database.ianaEntries(11), [
        { row: 0, service: 'span', port: 10, endPort: 12, protocols: ['tcp'], description: 'A\tB', references: [], unauthorizedUse: '' },
      ]);
      assert.deepEqual(database.ianaEntries(7, 'udp'), [
        { row: 1, service: 'echo', port: 7, protocols: ['tcp', 'udp'], description: 'one\ntwo \\ three', references: ['RFC862'], unauthorizedUse: '' },
      ]);
      assert.throws(() => database.ianaRow(2), /no registry row 2/);
    });

    it('says to rebuild the data when the rows file is cut short or the format is old', () => {
      const raw = {
        format: 3,
        registry: { source: 'test', updated: '2024-01-01', records: 2, rowCount: 2, index: { ports: [7], rows: [1], ranges: [] } },
        curated: [],
        sensitive: [],
      };
      assert.throws(() => new PortDatabase(raw, () => 'port\tprotocols\n7\t1\techo\n').ianaEntries(7), /holds 1 of the 2 registry rows.*npm run data/);
      assert.throws(() => new PortDatabase({ ...raw, format: 2 }), /rebuild it with `npm run data`/);
    });
  });

  describe('curated entries', () => {
    const curated = portDatabase().curated;

    it('has at least 200 entries', () => assert.ok(curated.length >= 200, `${curated.length} entries`));

    it('has no duplicate port and service pairs', () => {
      const seen = new Set<string>();
      for (const entry of curated) {
        const key = `${entry.port}-${entry.endPort ?? entry.port} ${entry.service.toLowerCase()}`;
        assert.ok(!seen.has(key), `duplicate curated entry ${key}`);
        seen.add(key);
      }
    });

    it('gives every entry a valid port, protocol, category, summary and https source', () => {
      for (const entry of curated) {
        const label = `${entry.port} ${entry.service}`;
        assert.ok(Number.isInteger(entry.port) && entry.port >= 1 && entry.port <= 65535, label);
        assert.ok(entry.endPort === undefined || (entry.endPort > entry.port && entry.endPort <= 65535), label);
        assert.ok(entry.protocols.length > 0 && entry.protocols.every((protocol) => ['tcp', 'udp', 'sctp'].includes(protocol)), label);
        assert.ok((CATEGORIES as readonly string[]).includes(entry.category), `${label}: category ${entry.category}`);
        assert.ok(entry.service.trim() && entry.software.trim(), label);
        assert.ok(entry.summary.trim().length > 10 && entry.summary.length <= 160, `${label}: summary length ${entry.summary.length}`);
        assert.match(entry.source, /^https:\/\/\S+$/, label);
      }
    });
  });

  describe('sensitive catalogue', () => {
    const sensitive = portDatabase().sensitive;

    it('has at least 60 entries', () => assert.ok(sensitive.length >= 60, `${sensitive.length} entries`));

    it('has one entry per port and protocol', () => {
      const seen = new Set<string>();
      for (const entry of sensitive) {
        for (let port = entry.port; port <= (entry.endPort ?? entry.port); port++) {
          for (const protocol of entry.protocols) {
            const key = `${port}/${protocol}`;
            assert.ok(!seen.has(key), `two sensitive entries for ${key}`);
            seen.add(key);
          }
        }
      }
    });

    it('gives every entry a severity, risk, reason, mitigation and https reference', () => {
      for (const entry of sensitive) {
        const label = `${entry.port} ${entry.service}`;
        assert.ok((SEVERITIES as readonly string[]).includes(entry.severity), `${label}: severity ${entry.severity}`);
        assert.ok((RISKS as readonly string[]).includes(entry.risk), `${label}: risk ${entry.risk}`);
        assert.ok(entry.reason.trim().length > 20, label);
        assert.ok(entry.mitigation.trim().length > 10, label);
        assert.match(entry.reference, /^https:\/\/\S+$/, label);
      }
    });
  });

  describe('lookups', () => {
    const knowledgeBase = new KnowledgeBase();

    it('6379/tcp is Redis: curated line, IANA registration and sensitive reason', () => {
      const redis = knowledgeBase.lookup(6379, 'tcp');
      assert.ok(redis.curated.some((entry) => entry.service.includes('Redis')));
      assert.deepEqual(redis.iana.map((entry) => entry.service), ['redis']);
      assert.ok(redis.sensitive, 'Redis is sensitive');
      assert.ok(redis.sensitive.reason.length > 20);
    });

    it('9200 shows Elasticsearch first and IANA wap-wsp as the registry entry', () => {
      const knowledge = knowledgeBase.lookup(9200, 'tcp');
      assert.match(displayName(knowledge) ?? '', /^Elasticsearch/);
      assert.equal(knowledge.iana[0].service, 'wap-wsp');
    });

    for (const port of [9229, 2375]) {
      it(`${port}/tcp is a high-severity sensitive port`, () => {
        assert.equal(knowledgeBase.lookup(port, 'tcp').sensitive?.severity, 'high');
      });
    }

    const wellKnown: [number, 'tcp' | 'udp', RegExp][] = [
      [22, 'tcp', /SSH/i],
      [53, 'udp', /DNS/i],
      [80, 'tcp', /HTTP/i],
      [443, 'tcp', /HTTPS/i],
      [5432, 'tcp', /PostgreSQL/i],
      [3306, 'tcp', /MySQL/i],
      [27017, 'tcp', /MongoDB/i],
      [11211, 'tcp', /Memcached/i],
      [5672, 'tcp', /AMQP|RabbitMQ/i],
      [9092, 'tcp', /Kafka/i],
      [6443, 'tcp', /Kubernetes/i],
      [51820, 'udp', /WireGuard/i],
    ];
    for (const [port, protocol, name] of wellKnown) {
      it(`${port}/${protocol} is ${name.source}`, () => {
        assert.match(displayName(knowledgeBase.lookup(port, protocol)) ?? '', name);
      });
    }

    it('filters registry rows by protocol', () => {
      assert.deepEqual(knowledgeBase.lookup(2375, 'tcp').iana.map((entry) => entry.service), ['docker']);
      assert.deepEqual(knowledgeBase.lookup(2375, 'udp').iana.map((entry) => entry.description), ['Reserved']);
    });

    it('finds ports inside registered ranges', () => {
      assert.ok(knowledgeBase.lookup(6010, 'tcp').iana.some((entry) => entry.service === 'x11'));
    });

    it('returns nothing registered for an unassigned port, without throwing', () => {
      const knowledge = knowledgeBase.lookup(65000, 'tcp');
      assert.deepEqual(knowledge.iana, []);
      assert.equal(knowledge.portClass, 'dynamic');
    });

    it('names at least 95 of the 100 ports most often found open on the internet', () => {
      const top = readJson<{ ports: number[] }>('test/unit/fixtures/top-internet-ports.json').ports;
      assert.equal(top.length, 100);
      const unnamed = top.filter((port) => {
        const knowledge = knowledgeBase.lookup(port, 'tcp');
        return knowledge.curated.length === 0 && !knowledge.iana.some((entry) => entry.service && entry.description && entry.description !== 'Reserved');
      });
      assert.ok(unnamed.length <= 5, `no meaningful name for: ${unnamed.join(', ')}`);
    });
  });
});
