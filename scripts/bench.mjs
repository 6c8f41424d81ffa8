// `npm run bench`: measures every cost Port Lens puts on a user, each beside the floor no
// implementation can beat, and prints the targets next to the figures. It is a measurement,
// not a test: it exits 0 whether targets pass or miss. `--json` prints only the JSON report.
// Inputs are generated in memory (and, for the workspace scan, in a temporary folder) from
// a fixed seed, so every run reads the same text.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { projectRoot } from './code-server.mjs';

const require = createRequire(import.meta.url);
const jsonOnly = process.argv.includes('--json');
export const SEED = 0x9e3779b9;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

/** Progress goes to stderr, so `--json` leaves stdout to the report alone. */
function progress(line) {
  process.stderr.write(`${line}\n`);
}

function fromOut(modulePath) {
  return require(path.join(projectRoot, 'out', 'src', modulePath));
}

// ---------------------------------------------------------------------------------------------
// Deterministic inputs

/** mulberry32: a tiny seeded generator, plenty for picking ports and shapes. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (probability) => next() < probability,
  };
}

const COMMON_PORTS = [22, 25, 53, 80, 443, 3000, 3306, 5432, 5672, 6379, 8000, 8080, 8443, 9090, 9200, 9229, 11211, 27017];

function somePort(random) {
  return random.chance(0.5) ? random.pick(COMMON_PORTS) : random.int(1024, 65000);
}

function someIp(random) {
  return `10.${random.int(0, 255)}.${random.int(0, 255)}.${random.int(1, 254)}`;
}

/** A Compose file with `services` services, about ten lines each, using every port syntax. */
export function generateCompose(services, random) {
  const lines = [
    'name: generated',
    '',
    'x-defaults: &defaults',
    '  restart: unless-stopped',
    '  logging:',
    '    driver: json-file',
    '',
    'services:',
  ];
  for (let i = 0; i < services; i++) {
    const port = somePort(random);
    lines.push(`  svc-${i}:`);
    if (random.chance(0.2)) {
      lines.push('    <<: *defaults');
    }
    lines.push(`    image: registry.example.com/team/app-${i}:${random.int(1, 9)}.${random.int(0, 20)}`);
    lines.push('    ports:');
    switch (random.int(0, 3)) {
      case 0:
        lines.push(`      - "${port}:${port}"`);
        break;
      case 1:
        lines.push(`      - "127.0.0.1:${random.int(1024, 65000)}:${port}/udp"`, `      - ${random.int(20000, 20100)}-${random.int(20101, 20200)}:${port}`);
        break;
      case 2:
        lines.push(`      - target: ${port}`, `        published: "${random.int(1024, 65000)}"`, '        protocol: tcp', '        mode: host');
        break;
      default:
        lines.push(`      - "\${PORT_${i}:-${port}}:${port}"`);
    }
    if (random.chance(0.5)) {
      lines.push('    expose:', `      - "${random.int(3000, 9999)}"`);
    }
    lines.push('    environment:', `      PORT: "${port}"`, `      LOG_LEVEL: ${random.pick(['debug', 'info', 'warn'])}`);
    if (i > 0 && random.chance(0.5)) {
      lines.push(`    depends_on: [svc-${i - 1}]`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A multi-stage Dockerfile of about `lineCount` lines: ARG/ENV substitution, EXPOSE forms, continuations. */
export function generateDockerfile(lineCount, random) {
  const lines = ['# syntax=docker/dockerfile:1', 'ARG BASE=debian:bookworm-slim'];
  let stage = 0;
  while (lines.length < lineCount) {
    const port = somePort(random);
    lines.push(
      '',
      `FROM \${BASE} AS stage${stage}`,
      `ARG APP_PORT=${port}`,
      `ENV PORT=\${APP_PORT} METRICS_PORT=${random.int(9000, 9999)}`,
      'WORKDIR /app',
      `COPY --chown=app:app src/ /app/src/`,
      'RUN apt-get update \\',
      '    && apt-get install -y --no-install-recommends curl ca-certificates \\',
      '    && rm -rf /var/lib/apt/lists/*',
      `# Service ${stage} listens on its own port.`,
      'EXPOSE ${PORT}/tcp',
      `EXPOSE ${random.int(1024, 65000)} ${random.int(1024, 30000)}-${random.int(30001, 65000)}/udp`,
      '  EXPOSE ${METRICS_PORT}',
      `HEALTHCHECK --interval=30s CMD curl -fsS http://localhost:${port}/health || exit 1`,
      `USER app`,
      `CMD ["/app/bin/server", "--listen", "0.0.0.0:${port}"]`,
    );
    stage++;
  }
  return `${lines.slice(0, lineCount).join('\n')}\n`;
}

/** An `iptables-save` dump with `ruleCount` rules across filter and nat tables. */
export function generateIptables(ruleCount, random) {
  const chains = ['INPUT', 'FORWARD', 'OUTPUT', 'DOCKER-USER', 'WEB'];
  const filterRules = Math.round(ruleCount * 0.9);
  const lines = ['# Generated by iptables-save v1.8.9 on Mon Jan  1 00:00:00 2024', '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ':DOCKER-USER - [0:0]', ':WEB - [0:0]'];
  for (let i = 0; i < filterRules; i++) {
    const chain = random.pick(chains);
    const port = somePort(random);
    switch (random.int(0, 5)) {
      case 0:
        lines.push(`-A ${chain} -p tcp -m tcp --dport ${port} -j ACCEPT`);
        break;
      case 1:
        lines.push(`-A ${chain} -s ${someIp(random)}/24 -p tcp -m multiport --dports ${port},${random.int(1024, 9000)}:${random.int(9001, 65000)} -j ACCEPT`);
        break;
      case 2:
        lines.push(`-A ${chain} -p udp -m udp --sport ${port} -j ACCEPT`);
        break;
      case 3:
        lines.push(`-A ${chain} ! -s 192.168.0.0/16 -p tcp -m tcp --dport ${port} -j DROP`);
        break;
      case 4:
        lines.push(`-A ${chain} -p tcp -m tcp --dport ${port} -m comment --comment "rule ${i}" -j REJECT --reject-with tcp-reset`);
        break;
      default:
        lines.push(`-A ${chain} -i eth0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
    }
  }
  lines.push('COMMIT', '# Completed', '*nat', ':PREROUTING ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]');
  for (let i = filterRules; i < ruleCount; i++) {
    const port = somePort(random);
    lines.push(`-A PREROUTING -p tcp -m tcp --dport ${random.int(1024, 65000)} -j DNAT --to-destination ${someIp(random)}:${port}`);
  }
  lines.push('COMMIT', '# Completed');
  return `${lines.join('\n')}\n`;
}

/** A Terraform file of `ruleCount` security-group rules across AWS, Google Cloud and Azure, with variables and locals. */
export function generateTerraform(ruleCount, random) {
  const parts = ['variable "admin_port" {', '  type    = number', '  default = 8443', '}', '', 'locals {', '  web_ports = [80, 443]', '}', ''];
  for (let i = 0; i < ruleCount; i++) {
    const port = somePort(random);
    const cidr = random.chance(0.3) ? '0.0.0.0/0' : `${someIp(random)}/24`;
    switch (random.int(0, 4)) {
      case 0:
        parts.push(
          `resource "aws_security_group_rule" "rule_${i}" {`,
          '  type              = "ingress"',
          `  from_port         = ${port}`,
          `  to_port           = ${port}`,
          '  protocol          = "tcp"',
          `  cidr_blocks       = ["${cidr}"]`,
          '  security_group_id = aws_security_group.main.id',
          '}',
          '',
        );
        break;
      case 1:
        parts.push(
          `resource "aws_vpc_security_group_ingress_rule" "rule_${i}" {`,
          '  security_group_id = aws_security_group.main.id',
          `  cidr_ipv4         = "${cidr}"`,
          '  from_port         = var.admin_port',
          '  to_port           = var.admin_port',
          '  ip_protocol       = "tcp"',
          '}',
          '',
        );
        break;
      case 2:
        parts.push(
          `resource "google_compute_firewall" "rule_${i}" {`,
          `  name          = "rule-${i}"`,
          '  network       = "default"',
          `  source_ranges = ["${cidr}"]`,
          '  allow {',
          '    protocol = "tcp"',
          `    ports    = ["${port}", "${random.int(1024, 9000)}-${random.int(9001, 65000)}"]`,
          '  }',
          '}',
          '',
        );
        break;
      case 3:
        parts.push(
          `resource "azurerm_network_security_rule" "rule_${i}" {`,
          `  name                        = "rule-${i}"`,
          `  priority                    = ${100 + (i % 4000)}`,
          '  direction                   = "Inbound"',
          '  access                      = "Allow"',
          '  protocol                    = "Tcp"',
          '  source_port_range           = "*"',
          `  destination_port_range      = "${port}"`,
          `  source_address_prefix       = "${random.chance(0.3) ? '*' : cidr}"`,
          '  destination_address_prefix  = "*"',
          '  resource_group_name         = "rg"',
          '  network_security_group_name = "nsg"',
          '}',
          '',
        );
        break;
      default:
        parts.push(
          `resource "aws_security_group" "group_${i}" {`,
          `  name = "group-${i}" # generated`,
          '  dynamic "ingress" {',
          '    for_each = local.web_ports',
          '    content {',
          '      from_port   = ingress.value',
          '      to_port     = ingress.value',
          '      protocol    = "tcp"',
          '      cidr_blocks = ["0.0.0.0/0"]',
          '    }',
          '  }',
          '  egress {',
          '    from_port   = 0',
          '    to_port     = 0',
          '    protocol    = "-1"',
          '    cidr_blocks = ["0.0.0.0/0"]',
          '  }',
          '}',
          '',
        );
    }
  }
  return `${parts.join('\n')}\n`;
}

/** An nftables ruleset of at least `targetLength` characters: sets, anonymous sets, ranges, NAT. */
export function generateNftables(targetLength, random) {
  const parts = ['#!/usr/sbin/nft -f', 'flush ruleset', ''];
  let length = 0;
  let table = 0;
  while (length < targetLength) {
    const chunk = [
      `table inet filter${table} {`,
      '    set admin_ports {',
      '        type inet_service',
      `        elements = { 22, ${random.int(1024, 65000)} }`,
      '    }',
      '',
      '    chain input {',
      '        type filter hook input priority 0; policy drop;',
    ];
    for (let i = 0; i < 500; i++) {
      const port = somePort(random);
      switch (random.int(0, 5)) {
        case 0:
          chunk.push(`        tcp dport ${port} accept`);
          break;
        case 1:
          chunk.push(`        ip saddr ${someIp(random)}/24 tcp dport { ${port}, ${random.int(1024, 9000)}-${random.int(9001, 65000)} } accept`);
          break;
        case 2:
          chunk.push(`        udp dport ${port} counter accept`);
          break;
        case 3:
          chunk.push(`        tcp dport != ${port} drop`);
          break;
        case 4:
          chunk.push(`        iifname "eth0" tcp dport @admin_ports accept comment "rule ${i}"`);
          break;
        default:
          chunk.push('        ct state established,related accept');
      }
    }
    chunk.push(
      '    }',
      '}',
      '',
      `table ip nat${table} {`,
      '    chain prerouting {',
      '        type nat hook prerouting priority dstnat;',
      `        tcp dport ${random.int(1024, 65000)} dnat to ${someIp(random)}:${somePort(random)}`,
      '    }',
      '}',
      '',
    );
    const text = chunk.join('\n');
    parts.push(text);
    length += text.length + 1;
    table++;
  }
  return `${parts.join('\n')}\n`;
}

/** An nginx config of about `lineCount` lines: upstreams, servers with every listen form, a stream block. */
export function generateNginx(lineCount, random) {
  const lines = ['worker_processes auto;', '', 'events {', '    worker_connections 1024;', '}', '', 'http {'];
  let site = 0;
  while (lines.length < lineCount - 8) {
    const port = somePort(random);
    lines.push(
      `    upstream backend${site} {`,
      `        server ${someIp(random)}:${port} weight=2;`,
      `        server ${someIp(random)}:${port} backup;`,
      '    }',
      '',
      '    server {',
      `        listen ${random.pick(['80', '8080', '127.0.0.1:8081', '[::]:80'])};`,
      `        listen ${random.int(1024, 65000)} ssl reuseport;`,
      `        server_name site${site}.example.com;`,
      '        # The application behind it.',
      '        location / {',
      `            proxy_pass http://backend${site};`,
      '            proxy_set_header Host $host;',
      '        }',
      '        location /api/ {',
      `            proxy_pass http://${someIp(random)}:${somePort(random)};`,
      '        }',
      '    }',
      '',
    );
    site++;
  }
  lines.push('}', '', 'stream {', '    server {', '        listen 6379;', `        proxy_pass ${someIp(random)}:6379;`, '    }', '}');
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Timing

let sink = 0;

/** Keeps results alive so the engine cannot skip the work that made them. */
function consume(value) {
  if (value && typeof value === 'object') {
    sink += Array.isArray(value) ? value.length : (value.references?.length ?? 1);
  } else if (typeof value === 'number') {
    sink += value;
  }
}

/**
 * One timed run, after a young-generation GC that clears what earlier runs left, so no run
 * pays for another's garbage. Not a full GC: that also frees the object shapes the previous
 * run made, V8 then discards the optimized code built on them ("weak objects"
 * deoptimizations), and the run is timed while being compiled again. Timed that way the
 * scanners were up to nine times slower than in steady state, against a regex floor that
 * has no such code to lose.
 */
function timeOnce(work) {
  collectGarbage({ type: 'minor' });
  const started = process.hrtime.bigint();
  const result = work();
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  consume(result);
  return elapsed;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function percentile(sortedValues, fraction) {
  return sortedValues[Math.min(sortedValues.length - 1, Math.ceil(fraction * sortedValues.length) - 1)];
}

/**
 * Untimed rounds before timing: at least `rounds`, and at least `WARMUP_MILLISECONDS` of them,
 * so a 20 ms analysis gets as many chances to be optimized by the JIT as a 500 ms one.
 * With two rounds, the nginx analysis was timed at 17 ms; from twenty on it settles at 13 ms.
 */
const WARMUP_MILLISECONDS = 500;

function warmUp(rounds, round) {
  const started = performance.now();
  for (let i = 0; i < rounds || performance.now() - started < WARMUP_MILLISECONDS; i++) {
    round();
  }
}

/**
 * Times `subject` and `floor` alternately, so machine noise lands on both alike, and returns
 * the medians after the warm-up rounds.
 */
function sideBySide(subject, floor, { warmup, runs }) {
  collectGarbage();
  warmUp(warmup, () => {
    consume(subject());
    consume(floor());
  });
  const subjectTimes = [];
  const floorTimes = [];
  for (let i = 0; i < runs; i++) {
    subjectTimes.push(timeOnce(subject));
    floorTimes.push(timeOnce(floor));
  }
  return { subject: median(subjectTimes), floor: median(floorTimes) };
}

function medianTime(work, { warmup, runs }) {
  collectGarbage();
  warmUp(warmup, () => consume(work()));
  const times = [];
  for (let i = 0; i < runs; i++) {
    times.push(timeOnce(work));
  }
  return median(times);
}

// ---------------------------------------------------------------------------------------------
// Report

const results = [];

/** Records one figure. `target` is `{ op, value }` or undefined for figures shown for context. */
function record(name, value, unit, target) {
  const rounded = value === null ? null : Number(value.toPrecision(4));
  const pass = target && value !== null ? (target.op === '<' ? value < target.value : value <= target.value) : target ? false : null;
  results.push({ name, value: rounded, unit, target: target ? `${target.op} ${target.value}` : null, pass });
}

function recordMissing(name, unit, target, reason) {
  results.push({ name, value: null, unit, target: target ? `${target.op} ${target.value}` : null, pass: target ? false : null, reason });
}

function printTable() {
  const rows = results.map((result) => [
    result.name,
    result.value === null ? 'missing' : `${result.value} ${result.unit}`,
    result.target === null ? '' : `${result.target} ${result.unit}`,
    result.pass === null ? '' : result.pass ? 'pass' : 'MISS',
  ]);
  const header = ['measurement', 'value', 'target', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const format = (row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) {
    console.log(format(row));
  }
  for (const result of results.filter((entry) => entry.reason)) {
    console.log(`\n${result.name}: missing because ${result.reason}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements

const GROWTH_FACTORS = [1, 2, 4, 8];
const GROWTH_LIMIT = 9;

/**
 * The analysis-to-floor ratio of one format at its headline size, then the analysis time at
 * 2×, 4× and 8× that size, to show the cost grows linearly.
 */
function measureFormat({ label, fileName, generate, floor, ratioTarget, runs, growthRuns, reportThroughput }) {
  const { analyzeFile } = fromOut('core/analysis.js');
  const text = generate(1);
  const analyse = () => analyzeFile(fileName, text);
  const check = analyse();
  if (!check || check.references.length === 0) {
    throw new Error(`${label}: the generated input was not recognised (${fileName})`);
  }
  const times = sideBySide(analyse, () => floor(text), { warmup: 2, runs });
  progress(`  ${label}: ${text.length.toLocaleString('en-US')} chars, ${check.references.length.toLocaleString('en-US')} references, analysis ${times.subject.toFixed(1)} ms, floor ${times.floor.toFixed(1)} ms`);
  record(`${label}: analysis / floor`, times.subject / times.floor, '×', ratioTarget);
  record(`${label}: analysis time`, times.subject, 'ms');
  if (reportThroughput) {
    record(`${label}: throughput`, Buffer.byteLength(text) / 1e6 / (times.subject / 1000), 'MB/s');
    // What the output alone costs: as many bare references as the analysis returns, nothing read.
    const count = check.references.length;
    const outputOnly = sideBySide(() => bareReferences(count), () => floor(text), { warmup: 2, runs });
    progress(`  ${label}: building ${count.toLocaleString('en-US')} bare references ${outputOnly.subject.toFixed(1)} ms, floor ${outputOnly.floor.toFixed(1)} ms`);
    record(`${label}: building its references alone / floor`, outputOnly.subject / outputOnly.floor, '×');
  }
  // Port Lens refuses files over MAX_ANALYSED_LENGTH, so a format whose 8× input would be refused
  // grows from an eighth of its headline size instead: every size must really be read.
  const { MAX_ANALYSED_LENGTH } = fromOut('core/analysis.js');
  const growthBase = text.length * GROWTH_FACTORS[GROWTH_FACTORS.length - 1] > MAX_ANALYSED_LENGTH ? 1 / GROWTH_FACTORS[GROWTH_FACTORS.length - 1] : 1;
  const growthName = `${label}: 8× size / 1× size${growthBase < 1 ? ' (from 1/8 size)' : ''}`;
  const growthTimes = [];
  let baseReferences = 0;
  for (const factor of GROWTH_FACTORS) {
    const sized = factor * growthBase === 1 ? text : generate(factor * growthBase);
    const references = analyzeFile(fileName, sized)?.references.length ?? 0;
    baseReferences ||= references;
    if (references < 0.8 * factor * baseReferences) {
      recordMissing(growthName, '×', { op: '<=', value: GROWTH_LIMIT }, `at ${factor}× the analysis found ${references} references, so it did not read the input`);
      return;
    }
    // Every timed batch reads the same amount of text (8× the base): one 8× run, two 4× runs, …
    // eight 1× runs, back to back. A lone small run timed after a forced collection fits in
    // the young generation and pays for no collection at all, which a large one cannot avoid;
    // in batches each size carries its share, and the ratio answers whether 8× the text costs
    // more than eight times as much.
    const batch = GROWTH_FACTORS[GROWTH_FACTORS.length - 1] / factor;
    const batchTime = medianTime(
      () => {
        let found = 0;
        for (let run = 0; run < batch; run++) {
          found += analyzeFile(fileName, sized)?.references.length ?? 0;
        }
        return found;
      },
      { warmup: 1, runs: growthRuns },
    );
    growthTimes.push(batchTime / batch);
  }
  progress(`  ${label} growth${growthBase < 1 ? ' from 1/8 size' : ''}: ${growthTimes.map((time, index) => `${GROWTH_FACTORS[index]}× ${time.toFixed(0)} ms`).join(', ')}`);
  record(growthName, growthTimes[3] / growthTimes[0], '×', { op: '<=', value: GROWTH_LIMIT });
}

/**
 * `count` references shaped like a firewall scanner's (a reference, its two spans, its rule's
 * details shared by two references, flags shared by all), with nothing parsed: the least any
 * analysis that returns one object per port can cost.
 */
function bareReferences(count) {
  const flags = ['table=filter'];
  const references = new Array(count);
  let firewall;
  for (let i = 0; i < count; i++) {
    if ((i & 1) === 0) {
      firewall = { action: 'allow', target: 'ACCEPT', source: null, chain: 'INPUT' };
    }
    const start = i * 64;
    references[i] = { role: 'firewall', range: { start, end: start + 4 }, portRange: { start, end: start + 4 }, protocol: 'tcp', port: i & 0xffff, endPort: i & 0xffff, scope: 'INPUT', flags, firewall };
  }
  return references;
}

function digitScan(text) {
  const digits = /\d+/g;
  let count = 0;
  while (digits.exec(text) !== null) {
    count++;
  }
  return count;
}

/** Beside parsing the HCL once: resolving variables, reading each provider's rules and running the rules. */
const TERRAFORM_RATIO_TARGET = 3;

function measureScanners() {
  const { parseHcl } = fromOut('core/scanners/hcl.js');
  const { parseDocument } = require('yaml');
  const { DockerfileParser } = require('dockerfile-ast');
  const ratio = (value) => ({ op: '<=', value });
  progress('Compose, Dockerfile, firewall rules and nginx, each beside its floor:');
  measureFormat({
    label: 'compose (2,000 services)',
    fileName: 'compose.yaml',
    generate: (factor) => generateCompose(2000 * factor, seededRandom(SEED)),
    floor: (text) => parseDocument(text),
    ratioTarget: ratio(1.3),
    runs: 7,
    growthRuns: 3,
  });
  measureFormat({
    label: 'dockerfile (5,000 lines)',
    fileName: 'Dockerfile',
    generate: (factor) => generateDockerfile(5000 * factor, seededRandom(SEED)),
    floor: (text) => DockerfileParser.parse(text),
    ratioTarget: ratio(1.3),
    runs: 9,
    growthRuns: 3,
  });
  const iptablesLength = generateIptables(100_000, seededRandom(SEED)).length;
  measureFormat({
    label: 'iptables (100,000 rules)',
    fileName: 'rules.v4',
    generate: (factor) => generateIptables(100_000 * factor, seededRandom(SEED)),
    floor: digitScan,
    ratioTarget: ratio(4),
    runs: 5,
    growthRuns: 3,
    reportThroughput: true,
  });
  measureFormat({
    label: 'nftables (same size)',
    fileName: 'ruleset.nft',
    generate: (factor) => generateNftables(iptablesLength * factor, seededRandom(SEED)),
    floor: digitScan,
    ratioTarget: ratio(4),
    runs: 5,
    growthRuns: 3,
    reportThroughput: true,
  });
  measureFormat({
    label: 'terraform (5,000 rules)',
    fileName: 'main.tf',
    generate: (factor) => generateTerraform(5000 * factor, seededRandom(SEED)),
    floor: (text) => parseHcl(text),
    ratioTarget: ratio(TERRAFORM_RATIO_TARGET),
    runs: 5,
    growthRuns: 3,
  });
  measureFormat({
    label: 'nginx (20,000 lines)',
    fileName: 'nginx.conf',
    generate: (factor) => generateNginx(20_000 * factor, seededRandom(SEED)),
    floor: digitScan,
    ratioTarget: ratio(4),
    runs: 7,
    growthRuns: 3,
  });
}

/** A reference of a random role around one port, as scanners produce them. */
function randomReference(random, port) {
  const range = { start: 0, end: String(port).length };
  const protocol = random.pick(['tcp', 'tcp', 'udp', 'any']);
  const isRange = random.chance(0.05);
  const endPort = isRange ? Math.min(65535, port + random.int(1, 200)) : port;
  switch (random.int(0, 4)) {
    case 0:
      return { role: 'expose', range, portRange: range, protocol, port, endPort };
    case 1:
      return { role: 'publish', range, portRange: range, protocol, port, endPort, hostPort: port, hostPortEnd: endPort, hostIp: random.pick([undefined, '127.0.0.1']) };
    case 2:
      return { role: 'listen', range, portRange: range, protocol, port, endPort, flags: ['ssl'] };
    case 3:
      return { role: 'service', range, portRange: range, protocol, port, endPort, serviceType: 'NodePort' };
    default:
      return { role: 'firewall', range, portRange: range, protocol, port, endPort, firewall: { action: 'allow', source: null, chain: 'INPUT' } };
  }
}

function measureHover() {
  const { KnowledgeBase } = fromOut('core/ports/knowledgeBase.js');
  const { renderReferenceHover } = fromOut('core/hover.js');
  const knowledgeBase = new KnowledgeBase();
  const random = seededRandom(SEED);
  const references = Array.from({ length: 10_000 }, () => randomReference(random, random.int(1, 65535)));
  for (const reference of references.slice(0, 2000)) {
    consume(renderReferenceHover(reference, knowledgeBase).length);
  }
  collectGarbage();
  const times = new Float64Array(references.length);
  references.forEach((reference, index) => {
    const started = process.hrtime.bigint();
    const markdown = renderReferenceHover(reference, knowledgeBase);
    times[index] = Number(process.hrtime.bigint() - started) / 1e6;
    consume(markdown.length);
  });
  const sorted = [...times].sort((a, b) => a - b);
  progress(`Hover: p50 ${percentile(sorted, 0.5).toFixed(4)} ms, p99 ${percentile(sorted, 0.99).toFixed(4)} ms, max ${sorted[sorted.length - 1].toFixed(3)} ms`);
  record('hover: p50', percentile(sorted, 0.5), 'ms');
  record('hover: p99', percentile(sorted, 0.99), 'ms', { op: '<', value: 0.2 });
}

/** Loads the dataset in a fresh Node process, up to its first registry lookup, and reports the time and the heap it keeps. */
function coldDatasetLoad() {
  const modulePath = path.join(projectRoot, 'out', 'src', 'core', 'ports', 'portData.js');
  const program = `
    const { portDatabase } = require(${JSON.stringify(modulePath)});
    const usage = () => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
    global.gc(); global.gc();
    const before = usage();
    const started = process.hrtime.bigint();
    const database = portDatabase();
    // The registry rows are read on the first registry lookup, so the first load includes one.
    database.ianaEntries(443, 'tcp');
    const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
    global.gc(); global.gc();
    const retained = usage() - before;
    process.stdout.write(JSON.stringify({ milliseconds, retained, rows: database.ianaRowCount }));
  `;
  const result = spawnSync(process.execPath, ['--expose-gc', '-e', program], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(result.stderr.trim());
  }
  return JSON.parse(result.stdout);
}

function measureDataset() {
  const runs = Array.from({ length: 5 }, coldDatasetLoad);
  const milliseconds = median(runs.map((run) => run.milliseconds));
  const retainedMegabytes = median(runs.map((run) => run.retained)) / (1024 * 1024);
  progress(`Dataset: cold load ${milliseconds.toFixed(1)} ms, retained ${retainedMegabytes.toFixed(2)} MB (${runs[0].rows} registry rows)`);
  record('dataset: cold load', milliseconds, 'ms', { op: '<', value: 20 });
  record('dataset: retained heap', retainedMegabytes, 'MB', { op: '<', value: 8 });
}

// ---------------------------------------------------------------------------------------------
// Workspace scan

/** Small config files of every kind, the way a monorepo holds them. */
export function workspaceFiles(count, random) {
  const kinds = [
    ['Dockerfile', () => generateDockerfile(random.int(15, 40), random)],
    ['compose.yaml', () => generateCompose(random.int(2, 6), random)],
    ['k8s/deployment.yaml', () => kubernetesManifest(random)],
    ['nginx/site.conf', () => generateNginx(random.int(25, 60), random)],
    ['firewall/rules.v4', () => generateIptables(random.int(10, 40), random)],
    ['firewall/ruleset.nft', () => generateNftables(1, random).split('\n').slice(0, 60).join('\n') + '\n}\n}\n'],
    ['.github/workflows/ci.yml', () => 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n'],
    ['scripts/setup.sh', () => '#!/bin/sh\nset -e\nufw allow 22/tcp\niptables -A INPUT -p tcp --dport 8080 -j ACCEPT\n'],
  ];
  const files = [];
  let configFiles = 0;
  for (let i = 0; configFiles < count; i++) {
    for (const [name, make] of kinds) {
      if (configFiles < count) {
        files.push([`services/team-${i % 50}/svc-${i}/${name}`, make()]);
        configFiles++;
      }
    }
    // Files that are not candidates (and not counted), so discovery has something to skip.
    files.push([`services/team-${i % 50}/svc-${i}/README.md`, '# A service\n']);
  }
  return files;
}

function kubernetesManifest(random) {
  const port = somePort(random);
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: example/web:1',
    '          ports:',
    `            - containerPort: ${port}`,
    '              name: http',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: web',
    'spec:',
    '  type: NodePort',
    '  ports:',
    `    - port: ${random.int(80, 9000)}`,
    '      targetPort: http',
    `      nodePort: ${random.int(30000, 32767)}`,
    '',
  ].join('\n');
}

async function listFiles(directory) {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/** `READ_AHEAD_FILES` in src/editor/workspacePorts.ts. */
const READ_AHEAD_FILES = 8;

/**
 * Scans like the Workspace Ports view: find candidates, then per file stat, size check, read and
 * decode (a few files ahead), scan, index, and yield to the event loop. Stops between files
 * once cancelled.
 */
export async function scanWorkspace(root, { isCancelled = () => false, maxFileSizeBytes = 2048 * 1024 } = {}) {
  const picomatch = require('picomatch');
  const { CANDIDATE_FILE_GLOB, scanFile } = fromOut('core/scanners/index.js');
  const { WorkspacePortIndex } = fromOut('core/workspaceIndex.js');
  const { readAhead } = fromOut('core/readAhead.js');
  const isCandidate = picomatch(CANDIDATE_FILE_GLOB, { dot: true });
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const index = new WorkspacePortIndex();
  const candidates = (await listFiles(root)).filter((file) => isCandidate(path.relative(root, file).split(path.sep).join('/'))).sort();
  // The same read-ahead depth as the view: reads overlap the scan of the file before them.
  const readCandidate = async (file) => ((await stat(file)).size <= maxFileSizeBytes ? decoder.decode(await readFile(file)) : undefined);
  let scanned = 0;
  for await (const { item: file, outcome } of readAhead(candidates, readCandidate, READ_AHEAD_FILES)) {
    if (isCancelled()) {
      break;
    }
    if (outcome.ok && outcome.value !== undefined) {
      const text = outcome.value;
      const result = scanFile(file, text);
      if (result) {
        index.setFile(`file://${file}`, result.format, text, result.references);
      }
    }
    scanned++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { candidates: candidates.length, scanned, index };
}

async function measureWorkspaceScan() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'port-lens-bench-'));
  try {
    for (const [relative, content] of workspaceFiles(5000, seededRandom(SEED))) {
      const file = path.join(root, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    // A warm-up pass so the timed scan meets what a user's scan meets: JIT and disk cache warm.
    // No forced full GC between the two: on this kind of VM it left the next seconds of file
    // reads about a third slower, a cost of the measurement that no extension host pays.
    collectGarbage();
    await scanWorkspace(root);
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const started = performance.now();
    const { candidates, scanned, index } = await scanWorkspace(root);
    const groups = index.byPort();
    const elapsed = performance.now() - started;
    loopDelay.disable();
    const longestBlock = loopDelay.max / 1e6;
    progress(`Workspace: ${candidates} candidate files, ${scanned} scanned, ${index.fileCount} with ports, ${groups.length} port groups in ${elapsed.toFixed(0)} ms; longest event-loop block ${longestBlock.toFixed(1)} ms`);
    record('workspace scan: 5,000 files', elapsed / 1000, 's', { op: '<', value: 3 });
    record('workspace scan: longest event-loop block', longestBlock, 'ms', { op: '<', value: 50 });

    let cancelledAt = 0;
    let scannedWhenCancelled = 0;
    const cancelAfter = 500;
    let seen = 0;
    const cancelled = await scanWorkspace(root, {
      isCancelled: () => {
        seen++;
        if (seen === cancelAfter + 1) {
          cancelledAt = performance.now();
          scannedWhenCancelled = seen - 1;
        }
        return seen > cancelAfter;
      },
    });
    const stopLatency = performance.now() - cancelledAt;
    progress(`Workspace: cancelled after ${scannedWhenCancelled} files, stopped at ${cancelled.scanned} of ${cancelled.candidates} in ${stopLatency.toFixed(2)} ms`);
    record('workspace scan: stop after cancel', stopLatency, 'ms', { op: '<', value: 50 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Activation and size, through the real extension host and vsce

/** Separate extension-host starts whose activation times are reported as a median. */
const ACTIVATION_RUNS = 3;

/**
 * `activate()` inside the real extension host, started afresh `ACTIVATION_RUNS` times: one start
 * shares two cores with the editor server and the browser starting up, and ranged from 2 to
 * 23 ms on this kind of machine, so a single figure says more about the machine than the code.
 */
async function measureActivation() {
  const target = { op: '<', value: 10 };
  try {
    const { runIntegrationTests } = await import('./run-integration.mjs');
    process.env.PORT_LENS_TEST_GREP = 'activates on a Dockerfile';
    const times = [];
    let report;
    for (let run = 0; run < ACTIVATION_RUNS; run++) {
      report = await runIntegrationTests({ log: progress });
      const milliseconds = report.measurements?.activationMilliseconds;
      if (typeof milliseconds !== 'number') {
        recordMissing('activation: activate() (median of 3 starts)', 'ms', target, `the integration run reported no activation time (${report.passed} passed, ${report.failed} failed)`);
        return;
      }
      times.push(milliseconds);
    }
    progress(`Activation: ${times.map((time) => `${time.toFixed(2)} ms`).join(', ')} in ${ACTIVATION_RUNS} starts of VS Code ${report.vscodeVersion}`);
    record('activation: activate() (median of 3 starts)', median(times), 'ms', target);
  } catch (error) {
    recordMissing('activation: activate() (median of 3 starts)', 'ms', target, error instanceof Error ? error.message.split('\n')[0] : String(error));
  } finally {
    delete process.env.PORT_LENS_TEST_GREP;
  }
}

function zipEntrySizes(file) {
  const yauzl = require('yauzl');
  return new Promise((resolve, reject) => {
    const sizes = new Map();
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) {
        reject(error);
        return;
      }
      zip.on('entry', (entry) => {
        sizes.set(entry.fileName, entry.uncompressedSize);
        zip.readEntry();
      });
      zip.on('end', () => resolve(sizes));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

async function measureSize() {
  const bundleTarget = { op: '<', value: 400 };
  const vsixTarget = { op: '<', value: 600 };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'port-lens-bench-vsix-'));
  try {
    const { packageVsix } = await import('./vsix-contents.mjs');
    const vsix = packageVsix(path.join(scratch, 'port-lens.vsix'));
    const vsixKilobytes = statSync(vsix).size / 1024;
    // The shipped bundle is the production one inside the VSIX; dist/ holds the development build again by now.
    const bundleBytes = (await zipEntrySizes(vsix)).get('extension/dist/extension.js');
    progress(`Size: VSIX ${vsixKilobytes.toFixed(0)} KB, production extension.js ${(bundleBytes / 1024).toFixed(0)} KB`);
    record('size: dist/extension.js (production)', bundleBytes / 1024, 'KB', bundleTarget);
    record('size: VSIX', vsixKilobytes, 'KB', vsixTarget);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    recordMissing('size: dist/extension.js (production)', 'KB', bundleTarget, reason);
    recordMissing('size: VSIX', 'KB', vsixTarget, reason);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// The workspace port graph

const GRAPH_PROJECTS = 50;
const GRAPH_SERVICES_PER_PROJECT = 10;
const GRAPH_NAMESPACES = 5;
const GRAPH_KUBERNETES_FILES = 100;
/** Deployment, Service and Ingress triples per manifest file: 100 files of 20 objects make 2,000. */
const GRAPH_OBJECTS_PER_FILE = 20;

/**
 * A workspace of `scale` × (50 Compose projects of 10 services, each with a Dockerfile per
 * built service and an nginx config, plus 2,000 Kubernetes objects in 5 namespaces), with
 * wires good and broken of every kind.
 */
export function generateWiringWorkspace(scale, random) {
  const files = [];
  for (let project = 0; project < GRAPH_PROJECTS * scale; project++) {
    const directory = `/bench/project-${project}`;
    const lines = ['services:'];
    const upstreams = [];
    for (let i = 0; i < GRAPH_SERVICES_PER_PROJECT; i++) {
      const name = `svc-${i}`;
      const port = 3000 + random.int(0, 50);
      lines.push(`  ${name}:`);
      if (i % 3 === 0) {
        lines.push(`    image: ${random.pick(['redis:7', 'postgres:16', 'nginx:1.27', 'rabbitmq:3', 'ghcr.io/example/app:1'])}`);
      } else {
        lines.push(`    build: ./${name}`);
        files.push({ fileName: `${directory}/${name}/Dockerfile`, text: `FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nEXPOSE ${port}\nCMD ["node", "server.js"]\n` });
      }
      lines.push('    ports:', `      - "127.0.0.1:${10000 + project * 20 + i}:${random.chance(0.8) ? port : port + 1}"`);
      lines.push('    environment:', `      NEXT_URL: http://svc-${(i + 1) % GRAPH_SERVICES_PER_PROJECT}:${3000 + random.int(0, 50)}/`);
      upstreams.push(`    location /${name}/ { proxy_pass http://${name}:${port}; }`);
    }
    files.push({ fileName: `${directory}/compose.yaml`, text: `${lines.join('\n')}\n` });
    files.push({ fileName: `${directory}/nginx/nginx.conf`, text: `events {}\nhttp {\n  server {\n    listen 80;\n${upstreams.join('\n')}\n  }\n}\n` });
  }
  for (let file = 0; file < GRAPH_KUBERNETES_FILES * scale; file++) {
    const namespace = `team-${file % GRAPH_NAMESPACES}`;
    const documents = [];
    for (let i = 0; i < GRAPH_OBJECTS_PER_FILE / 2; i++) {
      const name = `app-${file}-${i}`;
      const port = 8000 + random.int(0, 100);
      documents.push(
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          `metadata:\n  name: ${name}\n  namespace: ${namespace}`,
          'spec:',
          `  selector:\n    matchLabels:\n      app: ${name}`,
          '  template:',
          `    metadata:\n      labels:\n        app: ${name}\n        tier: web`,
          '    spec:',
          '      containers:',
          `        - name: ${name}`,
          '          image: ghcr.io/example/app:1',
          `          ports:\n            - name: http\n              containerPort: ${port}`,
          `          readinessProbe:\n            httpGet:\n              port: ${random.chance(0.9) ? 'http' : port + 1}`,
        ].join('\n'),
        [
          'apiVersion: v1',
          'kind: Service',
          `metadata:\n  name: ${name}\n  namespace: ${namespace}`,
          'spec:',
          `  selector:\n    app: ${name}`,
          `  ports:\n    - port: 80\n      targetPort: ${random.chance(0.9) ? port : port + 1}`,
        ].join('\n'),
      );
    }
    files.push({ fileName: `/bench/k8s/${namespace}/file-${file}.yaml`, text: `${documents.join('\n---\n')}\n` });
  }
  return files;
}

async function measureGraph() {
  progress('Workspace graph');
  const { analyzeFile } = fromOut('core/analysis.js');
  const { WorkspaceModel } = fromOut('core/wiring/graph.js');
  const analyse = (files) => files.map(({ fileName, text }) => ({ fileName, text, analysis: analyzeFile(fileName, text) }));
  const build = (analysed) => {
    const model = new WorkspaceModel();
    for (const { fileName, text, analysis } of analysed) {
      model.setFile(fileName, text, analysis);
    }
    let findings = 0;
    for (const fileName of model.filesWithFindings()) {
      findings += model.diagnosticsFor(fileName).length;
    }
    return { model, findings };
  };
  // The floor: one pass over every file's facts into a map keyed by name, which any linking
  // that looks names up must at least make.
  const floor = (analysed) => {
    const byName = new Map();
    for (const { analysis } of analysed) {
      for (const service of analysis.wiring?.composeServices ?? []) {
        byName.set(service.name, service);
      }
      for (const object of analysis.wiring?.kubernetes ?? []) {
        byName.set(`${object.namespace}/${object.kind}/${object.name}`, object);
      }
      for (const dial of analysis.wiring?.nginx?.dials ?? []) {
        byName.set(dial.host, dial);
      }
      for (const reference of analysis.references) {
        byName.set(reference.scope, reference);
      }
    }
    return byName.size;
  };
  const analysed = analyse(generateWiringWorkspace(1, seededRandom(SEED)));
  const { model, findings } = build(analysed);
  const services = analysed.reduce((sum, { analysis }) => sum + (analysis.wiring?.composeServices?.length ?? 0), 0);
  const objects = analysed.reduce((sum, { analysis }) => sum + (analysis.wiring?.kubernetes?.length ?? 0), 0);
  const times = sideBySide(() => build(analysed).findings, () => floor(analysed), { warmup: 2, runs: 9 });
  // What the files already cost: the per-file analysis the editor and the command line run anyway.
  const sources = analysed.map(({ fileName, text }) => ({ fileName, text }));
  const perFile = sideBySide(() => build(analysed).findings, () => analyse(sources).length, { warmup: 1, runs: 5 });
  progress(`  ${analysed.length} files, ${services} Compose services, ${objects} Kubernetes objects, ${findings} findings: build ${times.subject.toFixed(1)} ms, name-map floor ${times.floor.toFixed(2)} ms, analysing the files ${perFile.floor.toFixed(0)} ms`);
  record('Graph: build / analysing its files', perFile.subject / perFile.floor, '×', { op: '<=', value: 0.5 });
  record('Graph: build / one pass into a name map', times.subject / times.floor, '×');
  record('Graph: build time', times.subject, 'ms');

  // Re-linking: one file changes and its findings are read again; the other groups stay linked.
  const relink = (entry) => () => {
    model.setFile(entry.fileName, entry.text, entry.analysis);
    return model.diagnosticsFor(entry.fileName).length + model.filesWithFindings().length;
  };
  const composeEntry = analysed.find(({ fileName }) => fileName.endsWith('/compose.yaml'));
  const dockerfileEntry = analysed.find(({ fileName }) => fileName.endsWith('/Dockerfile'));
  const kubernetesEntry = analysed.find(({ fileName }) => fileName.endsWith('.yaml') && fileName.includes('/k8s/'));
  for (const [label, entry] of [['a Compose file', composeEntry], ['a Dockerfile', dockerfileEntry], ['a Kubernetes manifest', kubernetesEntry]]) {
    const time = medianTime(relink(entry), { warmup: 5, runs: 31 });
    progress(`  re-link after ${label} changes: ${time.toFixed(2)} ms`);
    record(`Graph: re-link after ${label} changes`, time, 'ms', { op: '<', value: 10 });
  }

  const growthTimes = [];
  for (const factor of GROWTH_FACTORS) {
    const sized = factor === 1 ? analysed : analyse(generateWiringWorkspace(factor, seededRandom(SEED)));
    const batch = GROWTH_FACTORS[GROWTH_FACTORS.length - 1] / factor;
    const time = medianTime(() => {
      let found = 0;
      for (let run = 0; run < batch; run++) {
        found += build(sized).findings;
      }
      return found;
    }, { warmup: 1, runs: 5 });
    growthTimes.push(time / batch);
  }
  progress(`  growth: ${growthTimes.map((time, index) => `${GROWTH_FACTORS[index]}× ${time.toFixed(0)} ms`).join(', ')}`);
  record('Graph: 8× size / 1× size', growthTimes[3] / growthTimes[0], '×', { op: '<=', value: GROWTH_LIMIT });
}

async function main() {
  const started = performance.now();
  const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length).split(',');
  const sections = [
    ['scanners', measureScanners],
    ['hover', measureHover],
    ['graph', measureGraph],
    ['dataset', measureDataset],
    ['workspace', measureWorkspaceScan],
    ['activation', measureActivation],
    ['size', measureSize],
  ];
  for (const [name, measure] of sections) {
    if (!only || only.includes(name)) {
      await measure();
    }
  }
  const report = { results };
  mkdirSync(path.join(projectRoot, 'bench-results'), { recursive: true });
  writeFileSync(path.join(projectRoot, 'bench-results', 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (jsonOnly) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    console.log('');
    printTable();
    const missed = results.filter((result) => result.pass === false).length;
    console.log(`\n${missed === 0 ? 'Every target met' : `${missed} target(s) missed`} · bench ran in ${((performance.now() - started) / 1000).toFixed(0)} s · report in bench-results/report.json`);
  }
  progress(`(checksum ${sink})`);
}

// Importing this file (to reuse the generators when profiling) does not run the benchmark.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    progress(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 0;
  });
}
