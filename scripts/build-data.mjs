// Rebuilds the compact data the extension loads on first use:
//   data/port-data.json    the curated and sensitive catalogues and the registry's port index
//   data/iana-rows.tsv     the registry's rows, one per line, read as one string and split on demand
//   data/iana-details.json the registry's remaining columns, row for row (loaded only when asked for)
// from:
//   data/iana/service-names-port-numbers.csv  (the IANA registry, every row kept)
//   data/curated-ports.json                    (what practitioners run on each port)
//   data/sensitive-ports.json                  (ports that are dangerous to expose)
//   data/etc-services.json                     (Debian's /etc/services: the names firewall tools resolve)
// `--check` exits 1 when the generated file is out of date instead of writing it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const csvFile = path.join(root, 'data', 'iana', 'service-names-port-numbers.csv');
const curatedFile = path.join(root, 'data', 'curated-ports.json');
const sensitiveFile = path.join(root, 'data', 'sensitive-ports.json');
const etcServicesFile = path.join(root, 'data', 'etc-services.json');
const outputFile = path.join(root, 'data', 'port-data.json');
const detailsFile = path.join(root, 'data', 'iana-details.json');

const REGISTRY_URL = 'https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.xhtml';
// The order of the compact rows; trailing empty fields are dropped. `port` is a number, or
// "low-high" for a range; `protocols` is a bit set (tcp 1, udp 2, sctp 4, dccp 8).
const COLUMNS = ['service', 'port', 'protocols', 'description', 'reference', 'unauthorizedUse'];
// The columns of data/iana-rows.tsv, in order; its first line names them.
const TSV_COLUMNS = ['port', 'protocols', 'service', 'description', 'reference', 'unauthorizedUse'];
const rowsFile = path.join(root, 'data', 'iana-rows.tsv');
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

/** A field of the TSV: backslash, tab, line feed and carriage return escaped, so one row stays one line. */
function tsvField(value) {
  return String(value).replace(/[\\\t\n\r]/g, (character) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[character]);
}

function tsvRows(rows) {
  const lines = [TSV_COLUMNS.join('\t')];
  for (const row of rows) {
    const byName = Object.fromEntries(COLUMNS.map((name, index) => [name, row[index] ?? '']));
    const fields = TSV_COLUMNS.map((name) => tsvField(byName[name]));
    while (fields.length > 0 && fields[fields.length - 1] === '') {
      fields.pop();
    }
    lines.push(fields.join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The registry's port index, built here so the extension never builds it: the rows with a single
 * port, in port order (the registry's own order), and the rows with a range. Unassigned rows and
 * names without a port are left out; the absence of a row already says a port is unassigned.
 */
function portIndex(rows) {
  const ports = [];
  const indexRows = [];
  const ranges = [];
  rows.forEach((row, index) => {
    const port = row[1];
    if (row[3] === 'Unassigned') {
      return;
    }
    if (typeof port === 'number') {
      if (ports.length > 0 && port < ports[ports.length - 1]) {
        throw new Error(`registry row ${index} (port ${port}) is out of port order`);
      }
      ports.push(port);
      indexRows.push(index);
    } else if (/^\d+-\d+$/.test(port)) {
      const [low, high] = port.split('-').map(Number);
      ranges.push(index, low, Math.min(high, 65535));
    }
  });
  return { ports, rows: indexRows, ranges };
}

/** One row per line keeps diffs of the generated files readable. */
function withRows(data, rows) {
  const rowsJson = rows.map((row) => JSON.stringify(row)).join(',\n');
  return `${JSON.stringify(data).replace('"@rows"', `[\n${rowsJson}\n]`)}\n`;
}

/** Returns the generated files' contents, keyed by path. */
export function buildPortData() {
  const registry = readRegistry();
  const index = portIndex(registry.rows);
  const data = {
    format: 3,
    registry: {
      source: REGISTRY_URL,
      // The newest registration or modification date in the copied registry.
      updated: registry.latestDate,
      records: registry.recordCount,
      rowCount: registry.rows.length,
      index: { ports: '@ports', rows: '@indexRows', ranges: '@ranges' },
    },
    curated: readEntries(curatedFile),
    sensitive: readEntries(sensitiveFile),
    etcServices: readEntries(etcServicesFile),
  };
  const dataJson = `${JSON.stringify(data, null, 1)
    .replace('"@ports"', JSON.stringify(index.ports))
    .replace('"@indexRows"', JSON.stringify(index.rows))
    .replace('"@ranges"', JSON.stringify(index.ranges))}\n`;
  const details = { format: 2, columns: DETAIL_COLUMNS, rows: '@rows' };
  return new Map([
    [outputFile, dataJson],
    [rowsFile, tsvRows(registry.rows)],
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
