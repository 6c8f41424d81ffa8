import * as assert from 'node:assert/strict';
import { scanFile } from '../../src/core/scanners/index';
import { scanNftables } from '../../src/core/scanners/nftables';
import type { Protocol, ScanResult, SourceRange } from '../../src/core/types';
import type { FirewallBlock, HostFirewallFacts } from '../../src/core/wiring/facts';
import { findings, modelOf, pathOf, spotted } from './wiringHarness';
import type { Files } from './wiringHarness';
import { span } from './wiringHarness';


/** The span of `inner` inside the first `outer` of `text`. */
function inside(text: string, outer: string, inner: string): SourceRange {
  const container = span(text, outer);
  const offset = outer.indexOf(inner);
  assert.ok(offset >= 0, `"${inner}" is not in "${outer}"`);
  return { start: container.start + offset, end: container.start + offset + inner.length };
}

/** The one firewall entry of a scan. */
function firewallOf(result: ScanResult): HostFirewallFacts {
  const entries = result.wiring?.firewall ?? [];
  assert.equal(entries.length, 1, 'one firewall entry');
  return entries[0];
}

/** A block of the port (or range) written as `digits` inside the rule `rule`. */
function block(text: string, rule: string, digits: string, port: number, options: { endPort?: number; protocol?: Protocol; written?: string } = {}): FirewallBlock {
  return { port, endPort: options.endPort ?? port, protocol: options.protocol ?? 'tcp', range: inside(text, rule, digits), text: options.written ?? rule };
}

/** An `inet filter` table whose input chain has the given policy and rules. */
function inputChain(policy: 'drop' | 'accept', rules: readonly string[] = []): string {
  return ['table inet filter {', '  chain input {', `    type filter hook input priority filter; policy ${policy};`, ...rules.map((rule) => `    ${rule}`), '  }', '}', ''].join('\n');
}

const DENY_TEXT = 'chain input { … policy drop; }';

describe('wiring facts: nftables', () => {
  it('reads policy drop of an input filter chain as a default deny', () => {
    const text = inputChain('drop', ['ct state established,related accept', 'tcp dport 22 accept']);
    assert.deepStrictEqual(firewallOf(scanNftables(text)), { tool: 'nftables', blocks: [], defaultDeny: { range: span(text, 'policy drop'), text: DENY_TEXT } });
  });

  it('gives no facts for policy accept, nor for a chain without a policy', () => {
    assert.equal(scanNftables(inputChain('accept', ['tcp dport 22 accept'])).wiring, undefined);
    assert.equal(scanNftables('table inet filter {\n  chain input {\n    type filter hook input priority 0;\n    tcp dport 22 accept\n  }\n}\n').wiring, undefined);
  });

  it('blocks single ports that an input chain drops or rejects, with the rule as written', () => {
    const drop = 'tcp dport 5432 drop';
    const reject = 'udp dport 161 counter reject with icmpx type port-unreachable';
    const text = inputChain('accept', [drop, reject]);
    assert.deepStrictEqual(firewallOf(scanNftables(text)), {
      tool: 'nftables',
      blocks: [block(text, drop, '5432', 5432), block(text, reject, '161', 161, { protocol: 'udp' })],
    });
  });

  it('gives one block per set element and per range, and reads comparisons as ranges', () => {
    const set = 'udp dport { 53, 123 } reject';
    const range = 'tcp dport 8000-8100 drop';
    const below = 'tcp dport < 1024 drop';
    const text = inputChain('accept', [set, range, below]);
    assert.deepStrictEqual(firewallOf(scanNftables(text)).blocks, [
      block(text, set, '53', 53, { protocol: 'udp' }),
      block(text, set, '123', 123, { protocol: 'udp' }),
      block(text, range, '8000-8100', 8000, { endPort: 8100 }),
      block(text, below, '1024', 0, { endPort: 1023 }),
    ]);
  });

  it('blocks the elements a verdict map drops, and a named set where its ports are written', () => {
    const vmap = 'tcp dport vmap { 22 : accept, 6379 : drop }';
    const named = 'tcp dport @closed reject';
    const text = ['table inet filter {', '  set closed {', '    type inet_service', '    elements = { 9200, 27017 }', '  }', '  chain input {', '    type filter hook input priority 0;', `    ${vmap}`, `    ${named}`, '  }', '}', ''].join('\n');
    assert.deepStrictEqual(firewallOf(scanNftables(text)).blocks, [
      { port: 9200, endPort: 9200, protocol: 'tcp', range: span(text, '9200'), text: named },
      { port: 27017, endPort: 27017, protocol: 'tcp', range: span(text, '27017'), text: named },
      block(text, vmap, '6379', 6379),
    ]);
  });

  it('reads th dport as any transport, narrowed by meta l4proto', () => {
    const any = 'th dport 5432 drop';
    const udp = 'meta l4proto udp th dport 4789 drop';
    const text = inputChain('accept', [any, udp]);
    assert.deepStrictEqual(firewallOf(scanNftables(text)).blocks, [block(text, any, '5432', 5432, { protocol: 'any' }), block(text, udp, '4789', 4789, { protocol: 'udp' })]);
  });

  it('blocks nothing for source-limited, negated, source-port or accepting rules', () => {
    const text = inputChain('accept', [
      'ip saddr 10.0.0.0/8 tcp dport 3306 drop',
      'ip6 saddr { fd00::/8 } tcp dport 6379 drop',
      'ip saddr != 192.0.2.1 tcp dport 5672 reject',
      'tcp dport != 22 drop',
      'tcp dport ne 23 reject',
      'udp sport 53 drop',
      'tcp dport 443 accept',
    ]);
    const result = scanNftables(text);
    assert.equal(result.references.length, 7, 'the rules are still read');
    assert.equal(result.wiring, undefined);
  });

  it('treats a source of anywhere as no limit', () => {
    const rule = 'ip saddr 0.0.0.0/0 tcp dport 3306 drop';
    const text = inputChain('accept', [rule]);
    assert.deepStrictEqual(firewallOf(scanNftables(text)).blocks, [block(text, rule, '3306', 3306)]);
  });

  it('gives no facts for forward, output or prerouting hooks, nat chains, or bridge and netdev tables', () => {
    const chains = [
      'table inet filter {\n  chain forward {\n    type filter hook forward priority 0; policy drop;\n    tcp dport 5432 drop\n  }\n}\n',
      'table inet filter {\n  chain output {\n    type filter hook output priority 0; policy drop;\n    tcp dport 25 reject\n  }\n}\n',
      'table ip raw {\n  chain pre {\n    type filter hook prerouting priority raw; policy drop;\n    tcp dport 6379 drop\n  }\n}\n',
      'table ip nat {\n  chain in {\n    type nat hook input priority 100; policy drop;\n    tcp dport 6379 drop\n  }\n}\n',
      'table bridge filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n    tcp dport 6379 drop\n  }\n}\n',
      'table netdev filter {\n  chain ingress {\n    type filter hook ingress device eth0 priority 0; policy drop;\n    tcp dport 6379 drop\n  }\n}\n',
      'table inet filter {\n  chain blocked {\n    tcp dport 5432 drop\n  }\n}\n',
    ];
    for (const text of chains) {
      const result = scanNftables(text);
      assert.ok(result.references.length > 0, text);
      assert.equal(result.wiring, undefined, text);
    }
  });

  it('reads several tables: the first drop policy is the default deny, and each input chain its blocks', () => {
    const drop4 = 'tcp dport 9100 drop';
    const drop6 = 'udp dport 161 reject';
    const text = [
      'table ip nat {',
      '  chain prerouting {',
      '    type nat hook prerouting priority dstnat; policy accept;',
      '    tcp dport 8080 dnat to 10.0.0.2:80',
      '  }',
      '}',
      'table ip filter4 {',
      '  chain forward {',
      '    type filter hook forward priority 0; policy drop;',
      '    tcp dport 25 drop',
      '  }',
      '  chain in4 {',
      '    type filter hook input priority 0; policy drop;',
      `    ${drop4}`,
      '  }',
      '}',
      'table ip6 filter6 {',
      '  chain in6 {',
      '    type filter hook input priority 0; policy drop;',
      `    ${drop6}`,
      '  }',
      '}',
      '',
    ].join('\n');
    assert.deepStrictEqual(firewallOf(scanNftables(text)), {
      tool: 'nftables',
      blocks: [block(text, drop4, '9100', 9100), block(text, drop6, '161', 161, { protocol: 'udp' })],
      defaultDeny: { range: span(text, 'policy drop', 1), text: 'chain in4 { … policy drop; }' },
    });
  });

  it('lets a later policy accept of the same chain undo its drop', () => {
    const text = `${inputChain('drop')}${inputChain('accept')}`;
    assert.equal(scanNftables(text).wiring, undefined);
  });

  it('follows add chain and add rule commands into an input chain, quoting the whole command', () => {
    const command = 'add rule inet filter input tcp dport 3306 drop';
    const insert = 'insert rule inet filter input position 2 udp dport { 53, 5353 } reject';
    const text = [
      'add table inet filter',
      'add chain inet filter input { type filter hook input priority 0 ; policy drop ; }',
      'add chain inet filter fwd { type filter hook forward priority 0 ; }',
      command,
      insert,
      'add rule inet filter fwd tcp dport 25 drop',
      'add rule inet filter other tcp dport 26 drop',
      'delete rule inet filter input handle 4',
      '',
    ].join('\n');
    assert.deepStrictEqual(firewallOf(scanNftables(text)), {
      tool: 'nftables',
      blocks: [block(text, command, '3306', 3306), block(text, insert, '53', 53, { protocol: 'udp' }), block(text, insert, '5353', 5353, { protocol: 'udp' })],
      defaultDeny: { range: span(text, 'policy drop'), text: DENY_TEXT },
    });
  });

  it('quotes a rule written over several lines on one line, without its comments', () => {
    const text = inputChain('accept', ['tcp dport {', '  5432, # postgres', '  6379 \\', '} drop']);
    const written = 'tcp dport { 5432, 6379 } drop';
    assert.deepStrictEqual(firewallOf(scanNftables(text)).blocks, [
      { port: 5432, endPort: 5432, protocol: 'tcp', range: span(text, '5432'), text: written },
      { port: 6379, endPort: 6379, protocol: 'tcp', range: span(text, '6379'), text: written },
    ]);
  });

  it('cuts a long rule short in its text', () => {
    const ports = Array.from({ length: 60 }, (_, index) => 10_000 + index);
    const text = inputChain('accept', [`tcp dport { ${ports.join(', ')} } drop`]);
    const blocks = firewallOf(scanNftables(text)).blocks;
    assert.equal(blocks.length, 60);
    assert.equal(blocks[0].text.length, 120);
    assert.ok(blocks[0].text.startsWith('tcp dport { 10000, 10001,') && blocks[0].text.endsWith('…'), blocks[0].text);
  });

  it('reads nftables.conf through file detection', () => {
    const text = inputChain('drop');
    assert.deepStrictEqual(scanFile('/etc/nftables.conf', text)?.wiring, { firewall: [{ tool: 'nftables', blocks: [], defaultDeny: { range: span(text, 'policy drop'), text: DENY_TEXT } }] });
  });

  it('scans a big generated ruleset without throwing and keeps the blocks of its drops', () => {
    const lines: string[] = [];
    const tables = 20;
    for (let table = 0; table < tables; table++) {
      lines.push(`table inet filter${table} {`, '  chain input {', '    type filter hook input priority 0; policy drop;');
      for (let i = 0; i < 2_000; i++) {
        const port = 1 + ((table * 2_000 + i) % 60_000);
        lines.push(i % 4 === 0 ? `    tcp dport ${port} drop` : i % 4 === 1 ? `    ip saddr 10.0.${i % 256}.0/24 tcp dport ${port} drop` : `    tcp dport { ${port}, ${port + 1} } accept`);
      }
      lines.push('  }', '}');
    }
    const text = `${lines.join('\n')}\n`;
    let result: ScanResult | undefined;
    assert.doesNotThrow(() => {
      result = scanNftables(text);
    });
    const facts = firewallOf(result as ScanResult);
    assert.equal(facts.blocks.length, tables * 500);
    assert.deepStrictEqual(facts.defaultDeny, { range: span(text, 'policy drop'), text: DENY_TEXT });
    assert.ok(facts.blocks.every((found, index) => index === 0 || facts.blocks[index - 1].range.start <= found.range.start));
  });

  it('never throws on broken rulesets around input chains', () => {
    const inputs = [
      'table inet filter { chain input { type filter hook input priority 0; policy',
      'table inet filter { chain input { type filter hook input priority 0; policy drop; tcp dport { 22, drop',
      'chain input { type filter hook input; policy drop; tcp dport 22 drop }',
      'add rule inet filter input',
      'add chain inet filter input { type filter hook input priority 0; }\nadd rule inet filter input tcp dport',
      'table inet filter { chain input { type filter hook input priority 0; policy drop drop; policy $P; tcp dport $X drop } }',
    ];
    for (const input of inputs) {
      assert.doesNotThrow(() => scanNftables(input), input);
    }
  });
});

describe('Workspace graph: nftables and published ports', () => {
  it('flags a port published on all interfaces of a host whose nftables input chain drops by default', () => {
    const nftables = inputChain('drop', ['iifname "lo" accept', 'ct state established,related accept', 'tcp dport 22 accept']);
    const files: Files = {
      'compose.yaml': 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n',
      'host/nftables.conf': nftables,
    };
    const [finding, ...rest] = findings(modelOf(files), 'compose.yaml', 'published-port-bypasses-firewall');
    assert.ok(finding, 'a finding');
    assert.equal(rest.length, 0);
    assert.equal(spotted(files, 'compose.yaml', finding), '5432:5432');
    assert.match(finding.message, /skip nftables's input rules: "chain input \{ … policy drop; \}" \(host\/nftables\.conf:3\)/);
    assert.deepEqual(finding.related?.[0], { message: 'The nftables rule it skips', range: span(nftables, 'policy drop'), fileName: pathOf('host/nftables.conf') });
  });

  it('points at the drop rule when one names the port, and stays quiet when the port is accepted', () => {
    const compose = 'services:\n  db:\n    image: postgres:16\n    ports:\n      - "5432:5432"\n';
    const dropping = inputChain('accept', ['tcp dport 5432 drop']);
    const [finding] = findings(modelOf({ 'compose.yaml': compose, 'host/ruleset.nft': dropping }), 'compose.yaml', 'published-port-bypasses-firewall');
    assert.ok(finding, 'a finding');
    assert.match(finding.message, /"tcp dport 5432 drop" \(host\/ruleset\.nft:4\)/);
    assert.deepEqual(finding.related?.[0].range, inside(dropping, 'tcp dport 5432 drop', '5432'));
    const accepting = inputChain('drop', ['tcp dport 5432 accept']);
    assert.deepEqual(findings(modelOf({ 'compose.yaml': compose, 'host/ruleset.nft': accepting }), 'compose.yaml', 'published-port-bypasses-firewall'), []);
  });
});
