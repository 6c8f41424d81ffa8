// Rebuilds the compact data the extension loads on first use:
//   data/port-data.json    what hovers, search and rules need (loaded on first use)
//   data/iana-details.json the registry's remaining columns, row for row (loaded only when asked for)
// from:
//   data/iana/service-names-port-numbers.csv  (the IANA registry, every row kept)
//   data/curated-ports.json                    (what practitioners run on each port)
//   data/sensitive-ports.json                  (ports that are dangerous to expose)
// `--check` exits 1 when the generated file is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const csvFile = path.join(root, 'data', 'iana', 'service-names-port-numbers.csv');
const curatedFile = path.join(root, 'data', 'curated-ports.json');
const sensitiveFile = path.join(root, 'data', 'sensitive-ports.json');
const outputFile = path.join(root, 'data', 'port-data.json');
const detailsFile = path.join(root, 'data', 'iana-details.json');

const REGISTRY_URL = 'https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml';
// The order of the compact rows; trailing empty fields are dropped. `port` is a number, or
// "low-high" for a range; `protocols` is a bit set (tcp 1, udp 2, sctp 4, dccp 8).
const COLUMNS = ['service', 'port', 'protocols', 'description', 'reference', 'unauthorizedUse'];
const DETAIL_COLUMNS = ['assignee', 'contact', 'registered', 'modified', 'serviceCode', 'notes'];
const PROTOCOL_BITS = { tcp: 1, udp: 2, sctp: 4, dccp: 8 };

function readRegistry() {
  const records = parse(readFileSync(csvFile, 'utf8'), { columns: true, skip_empty_lines: true, relax_column_count: false });
  // Rows that differ only by transport protocol are merged into one row listing its protocols,
  // which halves the file without losing a row's content.
  const merged = new Map();
  let latestDate = '';
  for (const record of records) {
    const text = (column) => (record[column] ?? '').trim();
    const port = text('Port Number');
    const row = [
      text('Service Name'),
      port === '' ? '' : /^\d+$/.test(port) ? Number(port) : port,
      0,
      text('Description'),
      text('Reference'),
      text('Unauthorized Use Reported'),
    ];
    const details = [text('Assignee'), text('Contact'), text('Registration Date'), text('Modification Date'), text('Service Code'), text('Assignment Notes')];
    for (const date of [details[2], details[3]]) {
      if (date > latestDate) {
        latestDate = date;
      }
    }
    const key = JSON.stringify([row, details]);
    const protocol = text('Transport Protocol');
    const existing = merged.get(key);
    if (existing) {
      existing.row[2] |= PROTOCOL_BITS[protocol] ?? 0;
    } else {
      row[2] = PROTOCOL_BITS[protocol] ?? 0;
      merged.set(key, { row, details });
    }
  }
  const trimmed = (values) => {
    const copy = [...values];
    while (copy.length > 0 && copy[copy.length - 1] === '') {
      copy.pop();
    }
    return copy;
  };
  const rows = [];
  const detailRows = [];
  for (const { row, details } of merged.values()) {
    if (row[2] === 0) {
      row[2] = '';
    }
    rows.push(trimmed(row));
    detailRows.push(trimmed(details));
  }
  return { rows, detailRows, recordCount: records.length, latestDate };
}

function readEntries(file) {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  if (!parsed || !Array.isArray(parsed.entries)) {
    throw new Error(`${path.relative(root, file)} must be an object with an "entries" array`);
  }
  return parsed.entries;
}

/** One row per line keeps diffs of the generated files readable. */
function withRows(data, rows) {
  const rowsJson = rows.map((row) => JSON.stringify(row)).join(',\n');
  return `${JSON.stringify(data).replace('"@rows"', `[\n${rowsJson}\n]`)}\n`;
}

/** Returns the generated files' contents, keyed by path. */
export function buildPortData() {
  const registry = readRegistry();
  const data = {
    format: 2,
    registry: {
      source: REGISTRY_URL,
      // The newest registration or modification date in the copied registry.
      updated: registry.latestDate,
      records: registry.recordCount,
      columns: COLUMNS,
      rows: '@rows',
    },
    curated: readEntries(curatedFile),
    sensitive: readEntries(sensitiveFile),
  };
  const details = { format: 2, columns: DETAIL_COLUMNS, rows: '@rows' };
  return new Map([
    [outputFile, withRows(data, registry.rows)],
    [detailsFile, withRows(details, registry.detailRows)],
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const generated = buildPortData();
  if (process.argv.includes('--check')) {
    const outdated = [...generated].filter(([file, text]) => {
      try {
        return readFileSync(file, 'utf8') !== text;
      } catch {
        return true;
      }
    });
    if (outdated.length > 0) {
      console.error(`${outdated.map(([file]) => path.relative(root, file)).join(', ')} out of date: run \`npm run data\`.`);
      process.exit(1);
    }
    console.log('Generated port data is up to date.');
  } else {
    for (const [file, text] of generated) {
      writeFileSync(file, text);
      console.log(`Wrote ${path.relative(root, file)} (${Math.round(Buffer.byteLength(text) / 1024)} KB).`);
    }
  }
}
