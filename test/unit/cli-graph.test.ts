import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HELP } from '../../src/cli/args';
import type { GraphRecord } from '../../src/cli/graph';
import { removeTree, REPO_ROOT, runInProcess, tempTree } from './cliHarness';

/** The example project with a wire of every Compose kind, and the Kubernetes one. */
const EXAMPLES = ['examples/wiring', 'examples/k8s/wiring.yaml'];

/** A Deployment whose name and namespace hold a quote and a backslash, with a broken probe. */
const ODD_MANIFEST = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  `  name: 'sh"o\\p'`,
  `  namespace: 'n"s\\'`,
  'spec:',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: shop',
  '    spec:',
  '      containers:',
  '        - name: shop',
  '          image: example/shop:1',
  '          ports:',
  '            - containerPort: 8080',
  '          readinessProbe:',
  '            tcpSocket:',
  '              port: 8081',
  '',
].join('\n');

function graph(argv: readonly string[], cwd = REPO_ROOT): { code: number; stdout: string; stderr: string } {
  return runInProcess(['graph', ...argv], { cwd });
}

function graphJson(argv: readonly string[], cwd = REPO_ROOT): GraphRecord {
  const run = graph(argv, cwd);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as GraphRecord;
}

/** Whether Graphviz is installed, so the dot output can be laid out for real. */
function hasGraphviz(): boolean {
  return spawnSync('dot', ['-V'], { encoding: 'utf8' }).status === 0;
}

function layOut(dot: string): { status: number | null; stderr: string } {
  const result = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('port-lens graph --format json', () => {
  it('prints every node and edge of the examples with relative paths and 1-based lines', () => {
    const record = graphJson(EXAMPLES);
    assert.deepEqual(Object.keys(record), ['nodes', 'edges']);
    assert.equal(record.nodes.length, 8);
    assert.equal(record.edges.length, 21);
    assert.deepEqual(record.nodes.map((node) => node.id), [
      'compose:examples/wiring:proxy',
      'compose:examples/wiring:web',
      'compose:examples/wiring:api',
      'compose:examples/wiring:frontend',
      'compose:examples/wiring:cache',
      'compose:examples/wiring:db',
      'k8s::Deployment/shop',
      'k8s::Service/shop',
    ]);
    const web = record.nodes[1];
    assert.deepEqual({ kind: web.kind, name: web.name, group: web.group, location: web.location }, {
      kind: 'compose-service',
      name: 'web',
      group: 'examples/wiring',
      location: { path: 'examples/wiring/compose.yaml', line: 10, column: 3 },
    });
    assert.ok(web.listens?.some((entry) => entry.port === 8080 && entry.evidence === 'EXPOSE' && entry.location?.path === 'examples/wiring/web/Dockerfile' && entry.location.line === 9));
    const ids = new Set(record.nodes.map((node) => node.id));
    for (const edge of record.edges) {
      assert.ok(ids.has(edge.to), `${edge.label}: the far end is a node`);
      assert.ok(edge.from === null || ids.has(edge.from), `${edge.label}: the near end is a node or null`);
      assert.ok(edge.location.line >= 1 && edge.location.column >= 1);
      assert.ok(!path.isAbsolute(edge.location.path));
    }
    const broken = record.edges.find((edge) => edge.port === 5001);
    assert.deepEqual(broken && { kind: broken.kind, from: broken.from, to: broken.to, ok: broken.ok, rule: broken.rule, location: broken.location }, {
      kind: 'proxy',
      from: null,
      to: 'compose:examples/wiring:api',
      ok: false,
      rule: 'proxy-port-not-listening',
      location: { path: 'examples/wiring/proxy/nginx.conf', line: 20, column: 35 },
    });
    assert.equal(record.edges.filter((edge) => edge.ok === false).length, 10);
    assert.ok(record.edges.some((edge) => edge.kind === 'service-pods' && edge.port === 9090 && edge.ok === false));
    assert.doesNotMatch(JSON.stringify(record), new RegExp(REPO_ROOT.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')), 'no absolute path');
  });

  it('prints the same graph whatever the order of the paths', () => {
    const forwards = graph(EXAMPLES).stdout;
    const backwards = graph([...EXAMPLES].reverse()).stdout;
    assert.equal(forwards, backwards);
  });

  it('counts the Kubernetes example alone', () => {
    const record = graphJson(['examples/k8s/wiring.yaml']);
    assert.deepEqual(record.nodes.map((node) => [node.id, node.group]), [['k8s::Deployment/shop', '(no namespace)'], ['k8s::Service/shop', '(no namespace)']]);
    assert.equal(record.edges.length, 6);
    assert.deepEqual(record.edges.filter((edge) => edge.ok === false).map((edge) => edge.rule), ['probe-port-undeclared', 'service-target-port-unmatched', 'backend-port-undefined']);
  });

  it('reads the Dockerfile a service builds when only the Compose file is given', () => {
    const record = graphJson(['examples/wiring/compose.yaml']);
    assert.equal(record.nodes.length, 6);
    const web = record.nodes.find((node) => node.name === 'web');
    assert.ok(web?.listens?.some((entry) => entry.location?.path === 'examples/wiring/web/Dockerfile'));
  });

  it('prints an empty graph for files without wires', () => {
    const tree = tempTree({ Dockerfile: 'FROM alpine\nEXPOSE 80\n' });
    try {
      assert.deepEqual(graph([], tree), { code: 0, stdout: '{\n  "nodes": [],\n  "edges": []\n}\n', stderr: '' });
    } finally {
      removeTree(tree);
    }
  });
});

describe('port-lens graph --format dot', () => {
  it('draws a digraph with one cluster per Compose project and namespace, broken edges red', function () {
    const run = graph([...EXAMPLES, '--format', 'dot']);
    assert.equal(run.code, 0);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'digraph "port-lens" {');
    assert.equal(run.stdout.endsWith('}\n'), true);
    assert.deepEqual(lines.filter((line) => /^\s*subgraph /.test(line)).map((line) => line.trim()), ['subgraph cluster_0 {', 'subgraph cluster_1 {']);
    assert.ok(lines.includes('    label="Compose project examples/wiring";'));
    assert.ok(lines.includes('    label="Kubernetes, no namespace";'));
    const edges = lines.filter((line) => line.includes(' -> '));
    assert.equal(edges.length, 21);
    assert.ok(edges.some((line) => line.startsWith('  "file:examples/wiring/proxy/nginx.conf" -> "compose:examples/wiring:api" [label="5001 ✗", color=red, fontcolor=red')));
    assert.equal(edges.filter((line) => line.includes('color=red')).length, 10);
    if (!hasGraphviz()) {
      this.skip();
    }
    assert.deepEqual(layOut(run.stdout), { status: 0, stderr: '' });
  });

  it('quotes and escapes node ids and labels, so odd names still lay out', function () {
    const tree = tempTree({ 'we"ird dir/app.yaml': ODD_MANIFEST });
    try {
      const run = graph(['--format', 'dot'], tree);
      assert.equal(run.code, 0);
      assert.ok(run.stdout.includes('    label="Kubernetes namespace n\\"s\\\\";\n'));
      assert.ok(run.stdout.includes('    "k8s:n\\"s\\\\:Deployment/sh\\"o\\\\p" [label="Deployment/sh\\"o\\\\p\\nlistens on 8080", tooltip="we\\"ird dir/app.yaml:4"];\n'));
      if (!hasGraphviz()) {
        this.skip();
      }
      assert.deepEqual(layOut(run.stdout), { status: 0, stderr: '' });
    } finally {
      removeTree(tree);
    }
  });
});

describe('port-lens graph --format mermaid', () => {
  it('draws a flowchart with subgraphs, broken edges dotted and marked', () => {
    const run = graph([...EXAMPLES, '--format', 'mermaid']);
    assert.equal(run.code, 0);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'flowchart LR');
    const opened = lines.filter((line) => /^\s*subgraph /.test(line));
    assert.equal(opened.length, 2);
    assert.equal(lines.filter((line) => line.trim() === 'end').length, opened.length);
    assert.ok(lines.includes('  f_examples_wiring_proxy_nginx_conf -.->|5001 ✗| n_compose_examples_wiring_api'));
    const edges = lines.filter((line) => / -->| -\.->/.test(line));
    assert.equal(edges.length, 21);
    assert.equal(edges.filter((line) => line.includes(' -.->|')).length, 10);
    for (const line of edges) {
      const [, from, to] = /^ {2}(\S+) -\.?->\|[^|]+\| (\S+)$/.exec(line) ?? [];
      assert.match(from ?? '', /^[A-Za-z0-9_]+$/, line);
      assert.match(to ?? '', /^[A-Za-z0-9_]+$/, line);
    }
    assert.match(lines[lines.length - 1], /^ {2}linkStyle (\d+,){9}\d+ stroke:/);
  });

  it('sanitises ids and escapes labels taken from the files', () => {
    const tree = tempTree({
      'a "b" <c>/compose.yaml': 'services:\n  end:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n',
      'k8s/app.yaml': ODD_MANIFEST,
    });
    try {
      const run = graph(['--format', 'mermaid'], tree);
      assert.equal(run.code, 0);
      assert.ok(run.stdout.includes('  subgraph group_0["Compose project a #quot;b#quot; #lt;c#gt;"]\n'));
      assert.ok(run.stdout.includes('    n_compose_a_b_c_end["end<br/>listens on 80"]\n'), 'a keyword as a name is no keyword as an id');
      assert.ok(run.stdout.includes('  subgraph group_1["Kubernetes namespace n#quot;s#92;"]\n'));
      assert.ok(run.stdout.includes('    n_k8s_n_s_Deployment_sh_o_p["Deployment/sh#quot;o#92;p<br/>listens on 8080"]\n'));
    } finally {
      removeTree(tree);
    }
  });
});

describe('port-lens graph usage', () => {
  it('exits 2 for an unreadable path and still prints the graph of the others', () => {
    const run = graph(['examples/k8s/wiring.yaml', 'examples/missing']);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, 'port-lens: cannot read examples/missing: no such file or directory\n');
    assert.equal((JSON.parse(run.stdout) as GraphRecord).nodes.length, 2);
  });

  it('exits 2 for an unknown format, with one line on stderr', () => {
    assert.deepEqual(graph(['--format', 'svg']), { code: 2, stdout: '', stderr: 'port-lens: --format must be one of json, dot, mermaid, not "svg"\n' });
  });

  it('has a help topic, and the main help lists the command', () => {
    const run = runInProcess(['graph', '--help'], { cwd: REPO_ROOT });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, HELP.graph);
    assert.match(run.stdout, /^Usage: port-lens graph \[paths\.\.\.\] \[options\]\n/);
    assert.match(run.stdout, /--format <json\|dot\|mermaid>/);
    assert.equal(runInProcess(['help', 'graph'], { cwd: REPO_ROOT }).stdout, HELP.graph);
    assert.match(HELP.main, /\n {2}graph \[paths\.\.\.\] /);
  });

  it('is documented in docs/cli.md', () => {
    const docs = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'cli.md'), 'utf8');
    assert.match(docs, /\| `port-lens graph \[paths…\]` \|/);
    assert.match(docs, /## `graph`/);
  });
});
