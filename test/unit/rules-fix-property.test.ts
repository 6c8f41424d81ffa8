/**
 * Property test for the quick fixes: in generated files of every format, every edit fix offered
 * for every diagnostic yields text that still scans, reports no new invalid ports or parse
 * errors, and no longer has the diagnostic it fixed.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeFile } from '../../src/core/analysis';
import type { AnalysisOptions, FileAnalysis, PortDiagnostic } from '../../src/core/analysis';
import { quickFixesFor } from '../../src/core/rules/index';
import { applyEdits, knowledgeBase, slice } from './rules-helpers';

const RUNS = 300;

/** Every rule on, the opt-in ones included, each at its own severity. */
const OPTIONS: AnalysisOptions = {
  knowledgeBase,
  ruleSeverities: { 'published-all-interfaces': 'info', 'privileged-port': 'info' },
};

/** Ports that trip the rules: sensitive, plaintext, udp-only, base-60-prone, privileged, ordinary. */
const PORTS = [21, 22, 23, 53, 80, 123, 161, 5432, 6379, 8080, 9200, 27017, 51820];
const port = fc.constantFrom(...PORTS);
const lineBreak = fc.constantFrom('\n', '\r\n');

function quoted(value: string, quote: string): string {
  return `${quote}${value}${quote}`;
}

const composeEntry = fc
  .record({
    address: fc.constantFrom('', '0.0.0.0:', '127.0.0.1:', '[::]:'),
    host: fc.constantFrom<'same' | 'other' | 'none'>('same', 'other', 'none'),
    port,
    protocol: fc.constantFrom('', '/tcp', '/udp'),
    quote: fc.constantFrom('', '"', "'"),
    style: fc.constantFrom<'block' | 'long' | 'flow-mapping'>('block', 'block', 'long', 'flow-mapping'),
    comment: fc.boolean(),
    emptyHostIp: fc.boolean(),
  })
  .map(({ address, host, port: container, protocol, quote, style, comment, emptyHostIp }) => {
    const hostPort = host === 'same' ? container : host === 'other' ? container + 10000 : undefined;
    const trailing = comment ? '  # note' : '';
    if (style === 'long') {
      // An empty `host_ip:` means every interface, like no key at all.
      const wildcard = emptyHostIp ? '\n        host_ip:' : '';
      const hostIp = address === '' || address === '127.0.0.1:' ? wildcard : `\n        host_ip: ${quoted(address.slice(0, -1), quote)}`;
      return `      - target: ${container}${hostIp}\n        published: ${quoted(String(hostPort ?? container), quote)}${trailing}`;
    }
    if (style === 'flow-mapping') {
      return `      - { target: ${container}, published: ${hostPort ?? container} }${trailing}`;
    }
    const mapping = hostPort === undefined ? `${container}${protocol}` : `${address}${hostPort}:${container}${protocol}`;
    // An address needs quotes only when YAML would misread it; plain is kept where it is safe.
    return `      - ${quoted(mapping, address.startsWith('[') && quote === '' ? '"' : quote)}${trailing}`;
  });

const composeService = fc.record({
  name: fc.constantFrom('web', 'db', 'cache'),
  entries: fc.array(composeEntry, { minLength: 1, maxLength: 3 }),
  flow: fc.boolean(),
  expose: fc.option(port, { nil: undefined }),
  hostNetwork: fc.boolean(),
});

const composeFile = fc.tuple(fc.uniqueArray(composeService, { minLength: 1, maxLength: 3, selector: (service) => service.name }), lineBreak).map(([services, newline]) => {
  let text = 'services:\n';
  for (const service of services) {
    text += `  ${service.name}:\n    image: example\n`;
    if (service.hostNetwork) {
      text += '    network_mode: host\n';
    }
    const blockOnly = service.entries.filter((entry) => entry.startsWith('      - ') && !entry.includes('\n') && !entry.includes('{') && !entry.includes('#'));
    text += service.flow && blockOnly.length > 0
      ? `    ports: [${blockOnly.map((entry) => entry.slice('      - '.length)).join(', ')}]\n`
      : `    ports:\n${service.entries.join('\n')}\n`;
    if (service.expose !== undefined) {
      text += `    expose:\n      - "${service.expose}"\n`;
    }
  }
  return { fileName: 'compose.yaml', text: text.replace(/\n/g, newline) };
});

const exposeWord = fc.tuple(port, fc.constantFrom('', '/tcp', '/udp')).map(([value, protocol]) => `${value}${protocol}`);

const dockerfile = fc
  .record({
    header: fc.constantFrom('', '# syntax=docker/dockerfile:1\n'),
    lines: fc.array(fc.array(exposeWord, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
    continued: fc.boolean(),
    newline: lineBreak,
  })
  .map(({ header, lines, continued, newline }) => ({
    fileName: 'Dockerfile',
    text: `${header}FROM example\n${lines.map((words) => `EXPOSE ${words.join(continued ? ' \\\n    ' : ' ')}`).join('\n')}\n`.replace(/\n/g, newline),
  }));

const firewallRule = fc.record({
  port,
  protocol: fc.constantFrom('tcp', 'udp'),
  source: fc.boolean(),
  accept: fc.boolean(),
  /** Another port matched by the same rule, as a list. */
  also: fc.option(port, { nil: undefined }),
});

/** `53` or `53,80` (iptables multiport, ufw) and `53` or `{ 53, 80 }` (nftables). */
function portList(value: number, also: number | undefined, braces: boolean): string {
  if (also === undefined || also === value) {
    return String(value);
  }
  return braces ? `{ ${value}, ${also} }` : `${value},${also}`;
}

const iptables = fc.tuple(fc.array(firewallRule, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.boolean()).map(([rules, script, ipv6]) => {
  const lines = rules.map(({ port: value, protocol, source, accept, also }) => {
    const match = also === undefined ? `-m ${protocol} --dport ${value}` : `-m multiport --dports ${portList(value, also, false)}`;
    return `-A INPUT${source ? ' -s 10.0.0.0/8' : ''} -p ${protocol} ${match} -j ${accept ? 'ACCEPT' : 'DROP'}`;
  });
  const command = ipv6 ? 'ip6tables' : 'iptables';
  return script
    ? { fileName: 'firewall.sh', text: `#!/bin/sh\n${lines.map((line) => `${command} ${line}`).join('\n')}\n` }
    : { fileName: ipv6 ? 'rules.v6' : 'rules.v4', text: `${ipv6 ? '# Generated by ip6tables-save\n' : ''}*filter\n:INPUT DROP [0:0]\n${lines.join('\n')}\nCOMMIT\n` };
});

const nftables = fc.array(firewallRule, { minLength: 1, maxLength: 4 }).map((rules) => ({
  fileName: 'nftables.conf',
  text:
    'table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n' +
    rules.map(({ port: value, protocol, source, accept, also }) => `    ${source ? 'ip saddr 10.0.0.0/8 ' : ''}${protocol} dport ${portList(value, also, true)} ${accept ? 'accept' : 'drop'}\n`).join('') +
    '  }\n}\n',
}));

const ufw = fc.array(fc.tuple(firewallRule, fc.constantFrom('simple', 'full', 'proto-less')), { minLength: 1, maxLength: 4 }).map((rules) => ({
  fileName: 'setup.sh',
  text: `#!/bin/sh\n${rules
    .map(([{ port: value, protocol, source, accept, also }, form]) => {
      const action = accept ? 'allow' : 'deny';
      const ports = portList(value, also, false);
      if (form === 'full' || source) {
        return `ufw ${action} proto ${protocol} from ${source ? '10.0.0.0/8' : 'any'} to any port ${ports}`;
      }
      // ufw needs a protocol for a port list.
      return form === 'simple' || ports.includes(',') ? `ufw ${action} ${ports}/${protocol}` : `ufw ${action} ${value}`;
    })
    .join('\n')}\n`,
}));

const firewalld = fc.tuple(fc.array(firewallRule, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([rules, script]) => {
  if (script) {
    return { fileName: 'setup.sh', text: `#!/bin/bash\n${rules.map(({ port: value, protocol }) => `firewall-cmd --permanent --add-port=${value}/${protocol}`).join('\n')}\n` };
  }
  const elements = rules.map(({ port: value, protocol, source }) =>
    source
      ? `  <rule family="ipv4">\n    <source address="10.0.0.0/8"/>\n    <port protocol="${protocol}" port="${value}"/>\n    <accept/>\n  </rule>\n`
      : `  <port protocol="${protocol}" port="${value}"/>\n`,
  );
  return { fileName: 'zones/public.xml', text: `<?xml version="1.0" encoding="utf-8"?>\n<zone>\n${elements.join('')}</zone>\n` };
});

const nginx = fc.array(fc.tuple(port, fc.constantFrom('', '127.0.0.1:', '[::]:'), fc.boolean()), { minLength: 1, maxLength: 4 }).map((listens) => ({
  fileName: 'nginx.conf',
  text: `http {\n${listens.map(([value, address, isDefault]) => `  server {\n    listen ${address}${value}${isDefault ? ' default_server' : ''};\n  }\n`).join('')}}\n`,
}));

const kubernetes = fc.tuple(fc.array(port, { minLength: 1, maxLength: 3 }), fc.constantFrom('ClusterIP', 'NodePort'), fc.integer({ min: 1, max: 40000 })).map(([values, type, nodePort]) => ({
  fileName: 'k8s/app.yaml',
  text:
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec:\n  type: ${type}\n  ports:\n${values.map((value, index) => `    - port: ${value}\n${index === 0 && type === 'NodePort' ? `      nodePort: ${nodePort}\n` : ''}`).join('')}` +
    `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n    - name: app\n      ports:\n${values.map((value) => `        - containerPort: ${value}\n`).join('')}`,
}));

const anyFile = fc.oneof(composeFile, dockerfile, iptables, nftables, ufw, firewalld, nginx, kubernetes);

function analyse(fileName: string, text: string): FileAnalysis {
  const analysis = analyzeFile(fileName, text, OPTIONS);
  assert.ok(analysis, `${fileName} is analysed`);
  return analysis;
}

/** Diagnostics that say the file is broken; a fix must never add one. */
function breakage(analysis: FileAnalysis): number {
  return analysis.diagnostics.filter((diagnostic) => diagnostic.rule === 'invalid-port' || diagnostic.rule === 'parse-error').length;
}

/** What each reference opens, as `role port-endPort/protocol`, counted. */
function openings(analysis: FileAnalysis): Map<string, number> {
  const counts = new Map<string, number>();
  for (const reference of analysis.references) {
    const key = `${reference.role} ${reference.port}-${reference.endPort}/${reference.protocol}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The openings `after` has beyond `before`. */
function added(before: FileAnalysis, after: FileAnalysis): string[] {
  const had = openings(before);
  const more: string[] = [];
  for (const [key, count] of openings(after)) {
    for (let i = had.get(key) ?? 0; i < count; i++) {
      more.push(key);
    }
  }
  return more;
}

function sameFinding(a: PortDiagnostic, b: PortDiagnostic): boolean {
  return a.rule === b.rule && a.message === b.message;
}

describe('quick-fix properties', function () {
  this.timeout(120_000);

  it(`every edit fix resolves its diagnostic and breaks nothing (${RUNS} generated files)`, () => {
    let applied = 0;
    fc.assert(
      fc.property(anyFile, ({ fileName, text }) => {
        const before = analyse(fileName, text);
        for (const diagnostic of before.diagnostics) {
          for (const fix of quickFixesFor(diagnostic, { text, format: before.format })) {
            if (fix.kind !== 'edit') {
              continue;
            }
            const result = applyEdits(text, fix.edits);
            const after = analyse(fileName, result);
            applied++;
            const where = `${fix.title} on "${slice(text, diagnostic.range)}" in:\n${text}\n→\n${result}`;
            assert.ok(breakage(after) <= breakage(before), `no new invalid port or parse error: ${where}`);
            const count = (analysis: FileAnalysis): number => analysis.diagnostics.filter((other) => sameFinding(other, diagnostic)).length;
            assert.ok(count(after) < count(before), `the ${diagnostic.rule} diagnostic is gone: ${where}`);
            // Adding udp opens that one port over udp and nothing else.
            const udp = /^Add (\d+)\/udp$/.exec(fix.title);
            const more = added(before, after);
            if (udp) {
              assert.ok(more.length > 0 && more.every((key) => key.endsWith(` ${udp[1]}-${udp[1]}/udp`)), `only ${udp[1]}/udp is added, not ${more.join(', ')}: ${where}`);
            } else {
              assert.deepEqual(more, [], `nothing new is opened: ${where}`);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(applied > RUNS, `fixes were applied (${applied})`);
  });
});
