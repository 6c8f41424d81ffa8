/**
 * Catastrophic inputs: a config file can be half-typed, generated, binary, huge, or written to
 * attack tooling. Each input below is analysed, or refused with one problem that says why,
 * within a generous time limit and without an exception. The slowest cases are printed so a
 * regression shows in the test output before it reaches the limit.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, MAX_ANALYSED_LENGTH } from '../../src/core/analysis';
import type { FileAnalysis } from '../../src/core/analysis';
import type { SourceRange } from '../../src/core/types';
import { removeTree, runInProcess, tempTree } from './cliHarness';
import { assertRangesInside } from './propertyInputs';

/** Per input, on two slow cores shared with other work; the real times are far lower and printed. */
const TIME_LIMIT_MS = 10_000;

/** A file name for every format, as the editor and the command line would see it. */
const FILE_NAMES: readonly string[] = [
  'compose.yaml',
  'Dockerfile',
  'nginx.conf',
  'rules.v4',
  'k8s/service.yaml',
  'nftables.conf',
  'ufw/user.rules',
  'zones/public.xml',
  'sshd_config',
  'ports.conf',
  'haproxy.cfg',
  'app.socket',
  'main.tf',
  'cloud/template.yaml',
];

/** Content that makes the generic YAML and XML names above read as Kubernetes and firewalld. */
const KUBERNETES_HEADER = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n';
const FIREWALLD_HEADER = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n';
const CLOUDFORMATION_HEADER = 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n';

function headerFor(fileName: string): string {
  if (fileName.startsWith('k8s/')) {
    return KUBERNETES_HEADER;
  }
  if (fileName.startsWith('cloud/')) {
    return CLOUDFORMATION_HEADER;
  }
  return fileName.startsWith('zones/') ? FIREWALLD_HEADER : '';
}

const MEGABYTE = 1024 * 1024;
const DEPTH = 10_000;

interface Timing {
  readonly label: string;
  readonly milliseconds: number;
}

const timings: Timing[] = [];

function timed<T>(label: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  const milliseconds = performance.now() - started;
  timings.push({ label, milliseconds });
  assert.ok(milliseconds < TIME_LIMIT_MS, `${label} took ${Math.round(milliseconds)} ms (limit ${TIME_LIMIT_MS} ms)`);
  return result;
}

/** Analyses within the time limit; any exception fails the test with the input's label. */
function analyse(label: string, fileName: string, text: string): FileAnalysis | undefined {
  const analysis = timed(`${label} (${fileName})`, () => analyzeFile(fileName, text));
  if (analysis) {
    const ranges: [string, SourceRange | undefined][] = [];
    analysis.references.forEach((reference, index) => ranges.push([`references[${index}]`, reference.range]));
    analysis.problems.forEach((problem, index) => ranges.push([`problems[${index}]`, problem.range]));
    analysis.diagnostics.forEach((diagnostic, index) => ranges.push([`diagnostics[${index}]`, diagnostic.range]));
    assertRangesInside(ranges, text.length);
    for (const item of [...analysis.problems, ...analysis.diagnostics]) {
      assert.ok(item.message.trim().length > 0, `${label}: every problem says something`);
    }
  }
  return analysis;
}

function analysed(label: string, fileName: string, text: string): FileAnalysis {
  const analysis = analyse(label, fileName, text);
  assert.ok(analysis, `${label}: ${fileName} is read as a supported format`);
  return analysis;
}

/** Problems whose message matches, as one list so a failure shows them. */
function problemsMatching(analysis: FileAnalysis, pattern: RegExp): string[] {
  return analysis.problems.map((problem) => problem.message).filter((message) => pattern.test(message));
}

/** Deterministic bytes (xorshift32), so a failure reproduces. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

/** Texts of about `size` characters made of one line repeated. */
function repeatLine(line: string, size: number): string {
  return line.repeat(Math.ceil(size / line.length));
}

describe('catastrophic inputs', function () {
  this.timeout(120_000);

  after(() => {
    const worst = [...timings].sort((a, b) => b.milliseconds - a.milliseconds).slice(0, 8);
    console.log(`      slowest of ${timings.length} catastrophic inputs (limit ${TIME_LIMIT_MS} ms each):`);
    for (const { label, milliseconds } of worst) {
      console.log(`        ${String(Math.round(milliseconds)).padStart(6)} ms  ${label}`);
    }
  });

  describe('a 1 MB single line of digits and colons', () => {
    const line = repeatLine('8080:80:', MEGABYTE);
    for (const fileName of FILE_NAMES) {
      it(`is analysed as ${fileName}, bare and after a port keyword`, () => {
        analyse('1 MB of digits and colons', fileName, headerFor(fileName) + line);
        const keyword: Readonly<Record<string, string>> = {
          'compose.yaml': 'services:\n  web:\n    ports:\n      - "',
          Dockerfile: 'FROM alpine\nEXPOSE ',
          'nginx.conf': 'server { listen ',
          'rules.v4': '*filter\n-A INPUT -p tcp --dport ',
          'k8s/service.yaml': `${KUBERNETES_HEADER}  ports:\n    - port: `,
          'nftables.conf': 'table inet t { chain c { tcp dport ',
          'ufw/user.rules': '### tuple ### allow tcp ',
          'zones/public.xml': `${FIREWALLD_HEADER}<port protocol="tcp" port="`,
          sshd_config: 'Port ',
          'ports.conf': 'Listen ',
          'haproxy.cfg': 'frontend web\n  bind :',
          'app.socket': '[Socket]\nListenStream=',
          'main.tf': 'resource "aws_security_group_rule" "r" {\n  from_port = ',
          'cloud/template.yaml': `${CLOUDFORMATION_HEADER}  G:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      FromPort: `,
        };
        analyse('a port keyword and 1 MB of digits and colons', fileName, (keyword[fileName] ?? '') + line);
      });
    }
  });

  describe('YAML aliases ("billion laughs")', () => {
    /** Ten levels of anchors, each a list of ten aliases of the level below: 10^10 nodes if expanded. */
    function laughs(leaf: string): string {
      const lines = [`x-l0: &l0 [${leaf}]`];
      for (let level = 1; level <= 10; level++) {
        lines.push(`x-l${level}: &l${level} [${Array(10).fill(`*l${level - 1}`).join(', ')}]`);
      }
      return `${lines.join('\n')}\n`;
    }

    it('does not expand nested aliases in a Compose file', () => {
      const text = `${laughs('"8080:80"')}services:\n  web:\n    image: nginx\n    ports: *l10\n`;
      const analysis = analysed('billion laughs', 'compose.yaml', text);
      // Expanded, this would be ten billion references; aliases are resolved one level at a time.
      assert.ok(analysis.references.length <= 10_000 + text.length, `${analysis.references.length} references`);
    });

    it('does not expand nested aliases in a Kubernetes manifest', () => {
      const text = `${laughs('{port: 80}')}${KUBERNETES_HEADER}  ports: *l10\n`;
      const analysis = analysed('billion laughs', 'k8s/service.yaml', text);
      assert.ok(analysis.references.length <= 10_000 + text.length, `${analysis.references.length} references`);
    });

    it('reads 100,000 aliases of one port mapping in a Compose file', () => {
      const text = `x-port: &p "8080:80"\nservices:\n  web:\n    image: nginx\n    ports: [${Array(100_000).fill('*p').join(', ')}]\n`;
      const analysis = analysed('100,000 aliases', 'compose.yaml', text);
      assert.ok(analysis.references.length <= 100_000, `${analysis.references.length} references`);
    });

    it('reads 30,000 services merging one definition, all on one host port', () => {
      const services = Array.from({ length: 30_000 }, (_, index) => `  s${index}: {<<: *base}\n`).join('');
      const text = `x-base: &base {image: nginx, ports: ["80:80"]}\nservices:\n${services}`;
      const analysis = analysed('30,000 merge aliases, every service on one host port', 'compose.yaml', text);
      const conflict = analysis.diagnostics.find((diagnostic) => diagnostic.rule === 'host-port-conflict');
      assert.ok(conflict, 'the shared host port is reported');
      // The related locations are capped: a hundred thousand of them would swamp the editor.
      assert.ok((conflict.related?.length ?? 0) <= 100, `${conflict.related?.length} related locations`);
    });

    it('reads 100,000 aliases of one port in a Kubernetes manifest', () => {
      const text = `x-port: &p {port: 80}\n${KUBERNETES_HEADER}  ports: [${Array(100_000).fill('*p').join(', ')}]\n`;
      analysed('100,000 aliases', 'k8s/service.yaml', text);
    });

    it('reads a YAML mapping with 100,000 keys, and one with 50,000 equal keys', () => {
      const keys = Array.from({ length: 100_000 }, (_, index) => `  key${index}: ${index}\n`).join('');
      analysed('100,000 keys in one mapping', 'compose.yaml', `services:\n  web:\n    ports: ["80:80"]\nx-generated:\n${keys}`);
      const duplicates = analysed('50,000 equal keys in one mapping', 'compose.yaml', `x-generated:\n${'  key: 1\n'.repeat(50_000)}`);
      assert.ok(problemsMatching(duplicates, /keys must be unique/).length > 0, 'duplicate keys are still reported');
    });
  });

  describe(`nesting ${DEPTH.toLocaleString('en')} levels deep`, () => {
    const tooDeep = /nested too deeply/;
    const yamlCases: readonly { readonly name: string; readonly compose: string; readonly kubernetes: string }[] = [
      {
        name: 'block sequences',
        compose: `services:\n  web:\n    ports:\n      ${'- '.repeat(DEPTH)}80\n`,
        kubernetes: `${KUBERNETES_HEADER}  ports:\n    ${'- '.repeat(DEPTH)}port: 80\n`,
      },
      {
        name: 'flow sequences',
        compose: `services:\n  web:\n    ports: ${'['.repeat(DEPTH)}"80:80"${']'.repeat(DEPTH)}\n`,
        kubernetes: `${KUBERNETES_HEADER}  ports: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n`,
      },
      {
        name: 'flow mappings',
        compose: `services: ${'{a: '.repeat(DEPTH)}1${'}'.repeat(DEPTH)}\n`,
        kubernetes: `${KUBERNETES_HEADER}  selector: ${'{a: '.repeat(DEPTH)}1${'}'.repeat(DEPTH)}\n`,
      },
    ];
    for (const { name, compose, kubernetes } of yamlCases) {
      it(`reports YAML ${name} as nested too deeply, once`, () => {
        for (const [fileName, text] of [['compose.yaml', compose], ['k8s/service.yaml', kubernetes]] as const) {
          const analysis = analysed(`YAML ${name}`, fileName, text);
          assert.deepEqual(problemsMatching(analysis, tooDeep).length, 1, analysis.problems.map((problem) => problem.message).join('\n'));
        }
      });
    }

    it('reads unclosed YAML flow sequences', () => {
      analysed('unclosed YAML flow sequences', 'compose.yaml', `services: ${'['.repeat(DEPTH)}`);
    });

    it('refuses YAML block mappings indented 10,000 levels deep (over 50 MB) as too large', () => {
      const lines: string[] = ['services:'];
      for (let level = 1; level <= DEPTH; level++) {
        lines.push(`${' '.repeat(level)}a${level}:`);
      }
      const text = `${lines.join('\n')}\n`;
      assert.ok(text.length > MAX_ANALYSED_LENGTH);
      const analysis = analysed('YAML block mappings indented 10,000 deep', 'compose.yaml', text);
      assert.deepEqual(analysis.problems.map((problem) => problem.code), ['parse-error']);
      assert.match(analysis.problems[0].message, /too large/);
    });

    it('reports nginx blocks as nested too deeply, once', () => {
      const analysis = analysed('nginx blocks', 'nginx.conf', `${'location / {\n'.repeat(DEPTH)}listen 80;\n${'}\n'.repeat(DEPTH)}`);
      assert.deepEqual(problemsMatching(analysis, tooDeep).length, 1, analysis.problems.slice(0, 5).map((problem) => problem.message).join('\n'));
    });

    it('reads unclosed nginx blocks and stray closing braces', () => {
      const unclosed = analysed('unclosed nginx blocks', 'nginx.conf', 'location / {\n'.repeat(DEPTH));
      assert.ok(unclosed.problems.length <= DEPTH + 1, `${unclosed.problems.length} problems`);
      analysed('stray closing braces', 'nginx.conf', '}\n'.repeat(DEPTH));
    });

    it('reports nftables blocks as nested too deeply, once', () => {
      const analysis = analysed('nftables blocks', 'nftables.conf', `${'table inet t {\n'.repeat(DEPTH)}${'}\n'.repeat(DEPTH)}`);
      assert.deepEqual(problemsMatching(analysis, tooDeep).length, 1, analysis.problems.slice(0, 5).map((problem) => problem.message).join('\n'));
    });

    it('reads deeply nested XML, Apache sections and shell quoting', () => {
      analysed('XML elements', 'zones/public.xml', `${FIREWALLD_HEADER}${'<a>'.repeat(DEPTH)}<port port="22" protocol="tcp"/>${'</a>'.repeat(DEPTH)}</zone>\n`);
      analyse('Apache sections', 'ports.conf', '<VirtualHost *:80>\n'.repeat(DEPTH));
      analyse('nested command substitutions', 'rules.v4', `iptables -A INPUT --dport ${'"$('.repeat(DEPTH)}22${')"'.repeat(DEPTH)}\n`);
      analyse('nested variable references', 'Dockerfile', `FROM alpine\nEXPOSE ${'${A:-'.repeat(DEPTH)}80${'}'.repeat(DEPTH)}\n`);
    });
  });

  describe('binary data', () => {
    const bytes = pseudoRandomBytes(MEGABYTE, 0x5eed);
    const decodings: readonly [string, string][] = [
      ['as latin1', bytes.toString('latin1')],
      ['as UTF-8 with NULs', bytes.toString('utf8')],
    ];
    for (const fileName of FILE_NAMES) {
      it(`is analysed without an exception as ${fileName}`, () => {
        for (const [how, text] of decodings) {
          analyse(`1 MB of random bytes ${how}`, fileName, headerFor(fileName) + text);
        }
      });
    }
  });

  describe('a 50 MB file', () => {
    const size = 50 * MEGABYTE;
    const compose = `services:\n  web:\n    ports:\n${repeatLine('      - "8080:80"\n', size)}`;
    let root: string;
    before(() => {
      root = tempTree({ 'compose.yaml': compose });
    });
    after(() => removeTree(root));

    for (const fileName of ['compose.yaml', 'Dockerfile', 'nginx.conf', 'rules.v4']) {
      it(`is refused by analyzeFile as ${fileName} with one problem that says why`, () => {
        const analysis = analysed('50 MB', fileName, fileName === 'compose.yaml' ? compose : repeatLine('EXPOSE 80\nlisten 80;\n-A INPUT --dport 80\n', size));
        assert.deepEqual(analysis.references, []);
        assert.equal(analysis.problems.length, 1);
        assert.match(analysis.problems[0].message, /too large to check \(50\.0 MB/);
        assert.deepEqual(analysis.diagnostics.map((diagnostic) => diagnostic.rule), ['parse-error']);
      });
    }

    it('is skipped by the command line with a note naming the size limit', () => {
      const run = timed('command line, 50 MB compose.yaml', () => runInProcess(['check', '--format', 'json', '.'], { cwd: root }));
      const report = JSON.parse(run.stdout) as { files: unknown[]; skipped: { path: string; reason: string }[] };
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(report.files, []);
      assert.deepEqual(report.skipped.map((skipped) => skipped.path), ['compose.yaml']);
      assert.match(report.skipped[0].reason, /larger than the 5 MB limit/);
    });

    it('is skipped by the command line, which refuses a --max-file-size above what the analysis reads', () => {
      const run = timed('command line, 50 MB compose.yaml', () => runInProcess(['check', '--format', 'json', '.'], { cwd: root }));
      const report = JSON.parse(run.stdout) as { files: unknown[]; skipped: { path: string; reason: string }[] };
      assert.doesNotMatch(run.stderr, /internal error/);
      assert.deepEqual(report.skipped.map((file) => file.path), ['compose.yaml']);
      const refused = runInProcess(['check', '--format', 'json', '--max-file-size', '100MB', '.'], { cwd: root });
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, new RegExp(`--max-file-size must be at most ${MAX_ANALYSED_LENGTH / MEGABYTE}MB`));
    });

    it('is a size the editor skips by default (portLens.maxFileSizeKB)', () => {
      const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
        contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
      };
      const editorLimitKB = manifest.contributes.configuration.properties['portLens.maxFileSizeKB'].default;
      assert.equal(typeof editorLimitKB, 'number');
      assert.ok((editorLimitKB as number) * 1024 < size, 'the editor never hands a 50 MB document to the analysis by default');
      assert.ok((editorLimitKB as number) * 1024 <= MAX_ANALYSED_LENGTH, 'the editor limit stays under what the analysis reads');
    });
  });
});
