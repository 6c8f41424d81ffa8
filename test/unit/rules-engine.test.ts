/**
 * The rules engine: the registry, severity settings, rules that are off by default, suppression
 * comments in each comment syntax, document order and `settleDiagnostics`.
 */
import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../src/core/analysis';
import type { PortDiagnostic } from '../../src/core/analysis';
import { RULES, ruleById, runRules, settleDiagnostics } from '../../src/core/rules/index';
import { findSuppressions } from '../../src/core/rules/suppression';
import { analyze, findings, knowledgeBase, slice } from './rules-helpers';

/** `rule: text` for each diagnostic, in the order reported. */
function summary(fileName: string, text: string, options = {}): string[] {
  return analyze(fileName, text, options).diagnostics.map((diagnostic) => `${diagnostic.rule}: ${slice(text, diagnostic.range)}`);
}

describe('rules engine', () => {
  describe('registry', () => {
    it('lists each rule once, with a kebab-case id, a severity and a one-sentence description', () => {
      const ids = RULES.map((rule) => rule.id);
      assert.equal(new Set(ids).size, ids.length);
      for (const rule of RULES) {
        assert.match(rule.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
        assert.ok(['error', 'warning', 'info'].includes(rule.defaultSeverity), rule.id);
        assert.match(rule.description, /^[A-Z].*\.$/, rule.id);
        assert.equal(ruleById(rule.id), rule);
      }
      assert.equal(ruleById('no-such-rule'), undefined);
    });

    it('has exactly two rules off by default', () => {
      assert.deepEqual(RULES.filter((rule) => !rule.enabledByDefault).map((rule) => rule.id).sort(), ['privileged-port', 'published-all-interfaces']);
    });
  });

  describe('severity settings', () => {
    const text = 'FROM x\nEXPOSE 6379 5432\n';

    it("overrides a rule's severity, including the catalogue's grade of each port", () => {
      const firewall = '#!/bin/sh\nufw allow 6379/tcp\nufw allow 5432/tcp\n';
      assert.deepEqual(findings('firewall.sh', firewall, 'sensitive-port-exposed'), [['6379/tcp', 'error'], ['5432/tcp', 'warning']]);
      assert.deepEqual(findings('firewall.sh', firewall, 'sensitive-port-exposed', { ruleSeverities: { 'sensitive-port-exposed': 'info' } }), [
        ['6379/tcp', 'info'],
        ['5432/tcp', 'info'],
      ]);
    });

    it('switches a rule off and leaves the others running', () => {
      const options = { ruleSeverities: { 'sensitive-port-exposed': 'off' as const } };
      assert.deepEqual(findings('Dockerfile', text, 'sensitive-port-exposed', options), []);
      assert.deepEqual(findings('Dockerfile', text, 'plaintext-protocol', options), [['6379', 'info']]);
    });

    it('ignores settings for rules that do not exist', () => {
      assert.deepEqual(summary('Dockerfile', text, { ruleSeverities: { 'no-such-rule': 'error' } }), summary('Dockerfile', text));
    });

    it('keeps off-by-default rules silent until given a severity, and silent when set to off', () => {
      const compose = 'services:\n  web:\n    ports:\n      - "8080:80"\n';
      assert.deepEqual(summary('compose.yaml', compose), []);
      assert.deepEqual(summary('compose.yaml', compose, { ruleSeverities: { 'published-all-interfaces': 'info', 'privileged-port': 'warning' } }), [
        'published-all-interfaces: 8080:80',
        'privileged-port: 80',
      ]);
      assert.deepEqual(summary('compose.yaml', compose, { ruleSeverities: { 'published-all-interfaces': 'off' } }), []);
    });

    it('applies the same settings through runRules directly', () => {
      const scanned = analyze('Dockerfile', text);
      const input = { text, format: scanned.format, references: scanned.references, problems: scanned.problems };
      const diagnostics = runRules(input, { knowledge: knowledgeBase, ruleSeverities: { 'plaintext-protocol': 'error' } });
      assert.deepEqual(diagnostics.filter((diagnostic) => diagnostic.rule === 'plaintext-protocol').map((diagnostic) => diagnostic.severity), ['error']);
    });
  });

  describe('suppression comments', () => {
    const exposed = 'FROM x\nEXPOSE 6379\n';

    it('hides a rule on the statement below a comment of its own', () => {
      const text = 'FROM x\n# port-lens-ignore sensitive-port-exposed\nEXPOSE 6379\n';
      assert.deepEqual(summary('Dockerfile', text), ['plaintext-protocol: 6379']);
    });

    it('skips blank lines and other comments between the comment and the statement', () => {
      const text = 'FROM x\n# port-lens-ignore sensitive-port-exposed\n\n# Redis for local development\nEXPOSE 6379\n';
      assert.deepEqual(summary('Dockerfile', text), ['plaintext-protocol: 6379']);
    });

    it('covers the statement only, not the one after it', () => {
      const text = 'FROM x\n# port-lens-ignore\nEXPOSE 6379\nEXPOSE 23\n';
      assert.deepEqual(summary('Dockerfile', text), ['sensitive-port-exposed: 23', 'plaintext-protocol: 23']);
    });

    it('covers every line of a statement continued with backslashes', () => {
      const text = 'FROM x\n# port-lens-ignore sensitive-port-exposed\nEXPOSE 80 \\\n  5432 \\\n  6379\nEXPOSE 2375\n';
      assert.deepEqual(summary('Dockerfile', text).filter((entry) => entry.startsWith('sensitive')), ['sensitive-port-exposed: 2375']);
    });

    it('covers a multi-line iptables command in a shell script', () => {
      const text = '#!/bin/sh\n# port-lens-ignore sensitive-port-exposed\niptables -A INPUT -p tcp \\\n  --dport 5432 -j ACCEPT\n';
      assert.deepEqual(summary('firewall.sh', text), []);
    });

    it('hides every rule on the line with a trailing comment, in formats that have them', () => {
      const compose = 'services:\n  cache:\n    ports:\n      - "6379:6379" # port-lens-ignore\n      - "5432:5432"\n';
      assert.deepEqual(summary('compose.yaml', compose), ['sensitive-port-exposed: 5432:5432']);
      const nginx = 'stream {\n  server {\n    listen 23; # port-lens-ignore plaintext-protocol\n    proxy_pass 10.0.0.5:23;\n  }\n}\n';
      assert.deepEqual(summary('nginx.conf', nginx), ['sensitive-port-exposed: 23']);
      const script = '#!/bin/sh\nufw allow 6379/tcp  # port-lens-ignore sensitive-port-exposed, plaintext-protocol\n';
      assert.deepEqual(summary('firewall.sh', script), []);
    });

    it('does not honour a trailing comment where the format reads # after a directive as part of it', () => {
      // Docker reads `#`, `port-lens-ignore` as more ports: the build fails, so that must show.
      const dockerfile = 'FROM x\nEXPOSE 2375 # port-lens-ignore\n';
      const found = summary('Dockerfile', dockerfile);
      assert.ok(found.includes('sensitive-port-exposed: 2375'), found.join(', '));
      assert.ok(found.includes('invalid-port: #'), found.join(', '));
      // iptables-restore reads it as one more argument of the rule.
      const restore = '*filter\n-A INPUT -p tcp --dport 5432 -j ACCEPT # port-lens-ignore\nCOMMIT\n';
      assert.deepEqual(summary('rules.v4', restore), ['sensitive-port-exposed: 5432']);
      assert.ok(summary('app.socket', '[Socket]\nListenStream=2375 # port-lens-ignore\n').some((entry) => entry.startsWith('invalid-port')));
    });

    it('reads a list of ids separated by commas, spaces or both', () => {
      for (const list of ['sensitive-port-exposed,plaintext-protocol', 'sensitive-port-exposed plaintext-protocol', 'sensitive-port-exposed, plaintext-protocol']) {
        assert.deepEqual(summary('Dockerfile', `FROM x\n# port-lens-ignore ${list}\nEXPOSE 6379\n`), [], list);
      }
    });

    it('hides every rule when no id is given', () => {
      assert.deepEqual(summary('Dockerfile', 'FROM x\n# port-lens-ignore\nEXPOSE 6379 99999\n'), []);
    });

    it('does not hide a rule the comment does not name', () => {
      assert.deepEqual(summary('Dockerfile', 'FROM x\n# port-lens-ignore wide-port-range\nEXPOSE 6379\n'), summary('Dockerfile', exposed));
    });

    it('hides a rule in the whole file with port-lens-ignore-file, anywhere in it', () => {
      const text = 'FROM x\nEXPOSE 6379\nEXPOSE 5432\n# port-lens-ignore-file sensitive-port-exposed\n';
      assert.deepEqual(summary('Dockerfile', text), ['plaintext-protocol: 6379']);
      assert.deepEqual(summary('Dockerfile', '# port-lens-ignore-file\nFROM x\nEXPOSE 6379\n'), []);
    });

    it('ignores look-alike words and a marker that is not the first word of a comment', () => {
      assert.deepEqual(summary('Dockerfile', 'FROM x\n# port-lens-ignored\nEXPOSE 6379\n'), summary('Dockerfile', exposed));
      assert.deepEqual(summary('Dockerfile', 'FROM x\n# see port-lens-ignore\nEXPOSE 6379\n'), summary('Dockerfile', exposed));
      assert.deepEqual(summary('Dockerfile', 'FROM x\n# port-lens-ignore-files\nEXPOSE 6379\n'), summary('Dockerfile', exposed));
    });

    it('reads XML comments in firewalld zones, on the line above and for the file', () => {
      const zone = (comment: string): string => `<?xml version="1.0"?>\n<zone>\n${comment}  <port protocol="tcp" port="5432"/>\n</zone>\n`;
      assert.deepEqual(summary('zones/public.xml', zone('')), ['sensitive-port-exposed: 5432']);
      assert.deepEqual(summary('zones/public.xml', zone('  <!-- port-lens-ignore sensitive-port-exposed -->\n')), []);
      assert.deepEqual(summary('zones/public.xml', zone('  <!-- port-lens-ignore-file sensitive-port-exposed -->\n')), []);
      assert.deepEqual(summary('zones/public.xml', zone('  <!-- port-lens-ignore wide-port-range -->\n')), ['sensitive-port-exposed: 5432']);
      assert.deepEqual(summary('zones/public.xml', zone('  # port-lens-ignore\n')), ['sensitive-port-exposed: 5432']);
    });

    it('reads # comments in a shell script of firewall-cmd commands', () => {
      const text = '#!/bin/bash\n# port-lens-ignore sensitive-port-exposed\nfirewall-cmd --permanent --add-port=5432/tcp\n';
      assert.deepEqual(summary('setup.sh', text), []);
    });

    it('covers the tuple line ufw keeps its ports on, from the comment above it', () => {
      const text =
        '*filter\n### RULES ###\n\n# port-lens-ignore sensitive-port-exposed\n### tuple ### allow tcp 5432 0.0.0.0/0 any 0.0.0.0/0 in\n' +
        '-A ufw-user-input -p tcp --dport 5432 -j ACCEPT\n\n### tuple ### allow tcp 5433 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 5433 -j ACCEPT\n\n### END RULES ###\nCOMMIT\n';
      assert.deepEqual(summary('ufw/user.rules', text), []);
      assert.deepEqual(summary('ufw/user.rules', text.replace('# port-lens-ignore sensitive-port-exposed\n', '')), ['sensitive-port-exposed: 5432']);
    });

    it('finds nothing to suppress in a file without the marker', () => {
      const suppressions = findSuppressions('FROM x\nEXPOSE 6379\n', 'dockerfile');
      assert.equal(suppressions.isSuppressed('sensitive-port-exposed', 10), false);
    });
  });

  describe('order', () => {
    it('reports in document order, the most severe first at one position, then by rule id', () => {
      const text = 'FROM x\nEXPOSE 6379 23 53\n';
      const diagnostics = analyze('Dockerfile', text).diagnostics;
      assert.deepEqual(diagnostics.map((diagnostic) => `${slice(text, diagnostic.range)} ${diagnostic.severity} ${diagnostic.rule}`), [
        '6379 warning sensitive-port-exposed',
        '6379 info plaintext-protocol',
        '23 warning sensitive-port-exposed',
        '23 info plaintext-protocol',
        '53 info udp-service-without-udp',
      ]);
      const equalSeverity = analyze('Dockerfile', text, { ruleSeverities: { 'sensitive-port-exposed': 'info' } }).diagnostics;
      assert.deepEqual(equalSeverity.slice(0, 2).map((diagnostic) => diagnostic.rule), ['plaintext-protocol', 'sensitive-port-exposed']);
    });

    it('gives the same result every time', () => {
      const text = 'services:\n  a:\n    ports:\n      - 22:22\n      - "8080:80"\n  b:\n    ports:\n      - "8080:81"\n';
      assert.deepEqual(analyzeFile('compose.yaml', text), analyzeFile('compose.yaml', text));
    });
  });

  describe('settleDiagnostics', () => {
    const text = 'services:\n  a:\n    ports:\n      # port-lens-ignore host-port-conflict\n      - "8080:80"\n      - "9090:90"\n';
    const at = (written: string): PortDiagnostic => ({
      rule: 'host-port-conflict',
      severity: 'error',
      message: `conflict on ${written}`,
      range: { start: text.indexOf(written), end: text.indexOf(written) + written.length },
    });

    it("drops diagnostics the file's comments suppress and keeps the rest as they are", () => {
      const kept = at('9090:90');
      assert.deepEqual(settleDiagnostics([at('8080:80'), kept], text, 'compose'), [kept]);
    });

    it('applies severity settings and off, and leaves unknown rules to their own severity', () => {
      assert.deepEqual(settleDiagnostics([at('9090:90')], text, 'compose', { 'host-port-conflict': 'info' }).map((diagnostic) => diagnostic.severity), ['info']);
      assert.deepEqual(settleDiagnostics([at('9090:90')], text, 'compose', { 'host-port-conflict': 'off' }), []);
      const foreign = { ...at('9090:90'), rule: 'from-elsewhere', severity: 'warning' as const };
      assert.deepEqual(settleDiagnostics([foreign], text, 'compose'), [foreign]);
    });

    it('drops a rule that is off by default unless it has a severity', () => {
      const optIn = { ...at('9090:90'), rule: 'published-all-interfaces', severity: 'info' as const };
      assert.deepEqual(settleDiagnostics([optIn], text, 'compose'), []);
      assert.deepEqual(settleDiagnostics([optIn], text, 'compose', { 'published-all-interfaces': 'warning' }).map((diagnostic) => diagnostic.severity), ['warning']);
    });
  });
});
