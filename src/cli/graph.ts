/**
 * `port-lens graph`: the workspace port graph as plain data (JSON), a Graphviz digraph or a
 * Mermaid flowchart. Paths are relative to the working directory and positions are 1-based
 * lines and columns, so the output is the same on every machine that checks out the project.
 */
import * as path from 'node:path';
import type { SourceRange } from '../core/types';
import type { GraphEdge, GraphNode, ModelLocation, PortMapGroup, WorkspaceModel } from '../core/wiring/graph';
import { describePorts } from '../core/wiring/listening';
import type { GraphOutputFormat } from './args';
import { toJson } from './formatters';
import { displayPath } from './paths';

export interface GraphLocationRecord {
  readonly path: string;
  readonly line: number;
  readonly column: number;
}

export interface GraphNodeRecord {
  readonly id: string;
  readonly kind: GraphNode['kind'];
  readonly name: string;
  /** The Compose project's directory, or `namespace <name>` / `(no namespace)`. */
  readonly group: string;
  readonly location: GraphLocationRecord;
  readonly image: string | null;
  readonly hostNetwork: boolean;
  /** `null` when nothing says what it listens on. */
  readonly listens: readonly { readonly port: number; readonly endPort: number; readonly protocol: string; readonly evidence: string; readonly location: GraphLocationRecord | null }[] | null;
  readonly publishes: readonly { readonly label: string; readonly location: GraphLocationRecord }[];
}

export interface GraphEdgeRecord {
  readonly kind: GraphEdge['kind'];
  /** `null` when the dial comes from a file that is no node (an nginx config, an Ingress). */
  readonly from: string | null;
  readonly to: string;
  readonly port: number | string;
  readonly label: string;
  /** `true` wired, `false` broken, `null` when the far end's ports are unknown. */
  readonly ok: boolean | null;
  readonly rule: string | null;
  readonly location: GraphLocationRecord;
  readonly served: readonly GraphLocationRecord[];
}

export interface GraphRecord {
  readonly nodes: readonly GraphNodeRecord[];
  readonly edges: readonly GraphEdgeRecord[];
}

/** One Compose project or Kubernetes namespace, as drawn. */
interface GraphCluster {
  readonly title: string;
  readonly nodes: readonly GraphNodeRecord[];
  readonly edges: readonly GraphEdgeRecord[];
  /** What each node listens on, in a few words, by record id. */
  readonly listening: ReadonlyMap<string, string>;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLocations(a: GraphLocationRecord, b: GraphLocationRecord): number {
  return compareText(a.path, b.path) || a.line - b.line || a.column - b.column;
}

class RecordBuilder {
  /** Node ids given out so far: two groups can share a directory (two lone Compose files in it). */
  private readonly taken = new Set<string>();

  constructor(
    private readonly model: WorkspaceModel,
    private readonly cwd: string,
  ) {}

  shown(fileName: string): string {
    return displayPath(this.cwd, path.resolve(fileName));
  }

  location(fileName: string, range: SourceRange): GraphLocationRecord {
    const position = this.model.lineIndexOf(fileName)?.positionAt(range.start);
    return { path: this.shown(fileName), line: (position?.line ?? 0) + 1, column: (position?.character ?? 0) + 1 };
  }

  at(location: ModelLocation): GraphLocationRecord {
    return this.location(location.fileName, location.range);
  }

  /** A Compose project's directory relative to the working directory; `namespace <name>` or `(no namespace)`. */
  groupLabel(group: PortMapGroup): string {
    return group.kind === 'compose' ? this.shown(group.label) : group.nodes[0]?.group ?? group.label;
  }

  cluster(group: PortMapGroup): GraphCluster {
    const label = this.groupLabel(group);
    // Compose ids name the directory: shown relative, like every path, and kept unique.
    const ids = new Map<string, string>();
    const listening = new Map<string, string>();
    const nodes = group.nodes
      .map((node) => ({ node, location: this.at(node.location) }))
      .sort((a, b) => compareLocations(a.location, b.location) || compareText(a.node.id, b.node.id))
      .map(({ node, location }): GraphNodeRecord => {
        const base = group.kind === 'compose' ? `compose:${label}:${node.name}` : node.id;
        let id = base;
        for (let suffix = 2; this.taken.has(id); suffix++) {
          id = `${base}#${suffix}`;
        }
        this.taken.add(id);
        if (!ids.has(node.id)) {
          ids.set(node.id, id);
        }
        listening.set(id, node.listens ? `listens on ${describePorts(node.listens)}` : 'ports unknown');
        return {
          id,
          kind: node.kind,
          name: node.name,
          group: label,
          location,
          image: node.image ?? null,
          hostNetwork: node.hostNetwork,
          listens: node.listens?.map((entry) => ({
            port: entry.port,
            endPort: entry.endPort,
            protocol: entry.protocol,
            evidence: entry.evidence.label,
            location: entry.evidence.fileName && entry.evidence.range ? this.location(entry.evidence.fileName, entry.evidence.range) : null,
          })) ?? null,
          publishes: node.publishes.map((entry) => ({ label: entry.label, location: this.at(entry.location) })),
        };
      });
    const edges = group.edges
      .map((edge): GraphEdgeRecord => ({
        kind: edge.kind,
        from: edge.from === undefined ? null : ids.get(edge.from) ?? edge.from,
        to: ids.get(edge.to) ?? edge.to,
        port: edge.port,
        label: edge.label,
        ok: edge.ok ?? null,
        rule: edge.rule ?? null,
        location: this.at(edge.location),
        served: edge.served.map((location) => this.at(location)),
      }))
      .sort((a, b) => compareLocations(a.location, b.location) || compareText(a.kind, b.kind) || compareText(a.to, b.to) || compareText(String(a.port), String(b.port)));
    const title = group.kind === 'compose' ? `Compose project ${label}` : label === '(no namespace)' ? 'Kubernetes, no namespace' : `Kubernetes ${label}`;
    return { title, nodes, edges, listening };
  }
}

function clustersOf(model: WorkspaceModel, cwd: string): GraphCluster[] {
  const builder = new RecordBuilder(model, cwd);
  return model
    .portMap()
    .map((group) => ({ kind: group.kind, cluster: builder.cluster(group) }))
    .sort((a, b) => compareText(a.kind, b.kind) || compareText(a.cluster.title, b.cluster.title))
    .map(({ cluster }) => cluster);
}

/** The model's snapshot with paths relative to `cwd` and 1-based positions, in a stable order. */
export function graphRecord(model: WorkspaceModel, cwd: string): GraphRecord {
  const clusters = clustersOf(model, cwd);
  return { nodes: clusters.flatMap((cluster) => cluster.nodes), edges: clusters.flatMap((cluster) => cluster.edges) };
}

/** `5001`, `5001 ✗` for a broken wire, `5001 ?` when the far end's ports are unknown. */
function edgeMark(edge: GraphEdgeRecord): string {
  return `${edge.port}${edge.ok === false ? ' ✗' : edge.ok === null ? ' ?' : ''}`;
}

/**
 * A dial without a node of its own (an nginx config, an Ingress) starts at the file that
 * holds it; each such file is drawn once, in the first cluster that needs it.
 */
function fileNodesOf(clusters: readonly GraphCluster[]): Map<GraphCluster, string[]> {
  const placed = new Set<string>();
  const byCluster = new Map<GraphCluster, string[]>();
  for (const cluster of clusters) {
    const files: string[] = [];
    for (const edge of cluster.edges) {
      if (edge.from === null && !placed.has(edge.location.path)) {
        placed.add(edge.location.path);
        files.push(edge.location.path);
      }
    }
    byCluster.set(cluster, files);
  }
  return byCluster;
}

const FILE_NODE_PREFIX = 'file:';

// -- Graphviz -----------------------------------------------------------------

/** A quoted DOT string: quotes and backslashes escaped, line breaks as `\n`. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n')}"`;
}

function renderDot(clusters: readonly GraphCluster[]): string {
  const lines = [
    'digraph "port-lens" {',
    '  graph [rankdir=LR, fontname="Helvetica", labeljust=l];',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const files = fileNodesOf(clusters);
  clusters.forEach((cluster, index) => {
    lines.push(`  subgraph cluster_${index} {`, `    label=${dotString(cluster.title)};`);
    for (const node of cluster.nodes) {
      lines.push(`    ${dotString(node.id)} [label=${dotString(`${node.name}\n${cluster.listening.get(node.id) ?? ''}`)}, tooltip=${dotString(`${node.location.path}:${node.location.line}`)}];`);
    }
    for (const file of files.get(cluster) ?? []) {
      lines.push(`    ${dotString(`${FILE_NODE_PREFIX}${file}`)} [label=${dotString(file)}, shape=note, style=solid];`);
    }
    lines.push('  }');
  });
  for (const cluster of clusters) {
    for (const edge of cluster.edges) {
      const from = edge.from ?? `${FILE_NODE_PREFIX}${edge.location.path}`;
      const style = edge.ok === false ? ', color=red, fontcolor=red' : edge.ok === null ? ', style=dashed, color=gray50, fontcolor=gray30' : '';
      const tooltip = `${edge.kind}: ${edge.label} (${edge.location.path}:${edge.location.line})`;
      lines.push(`  ${dotString(from)} -> ${dotString(edge.to)} [label=${dotString(edgeMark(edge))}${style}, tooltip=${dotString(tooltip)}];`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

// -- Mermaid ------------------------------------------------------------------

/** Text inside a quoted Mermaid label: its quotes and markup characters as entity codes. */
function mermaidText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/\|/g, '#124;')
    .replace(/\\/g, '#92;');
}

/** Mermaid ids: letters, digits and underscores only, with a prefix so no id is a keyword (`end`). */
class MermaidIds {
  private readonly ids = new Map<string, string>();
  private readonly taken = new Set<string>();

  of(prefix: string, key: string): string {
    const known = this.ids.get(`${prefix}\u0000${key}`);
    if (known) {
      return known;
    }
    const base = `${prefix}_${key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
    let id = base;
    for (let suffix = 2; this.taken.has(id); suffix++) {
      id = `${base}_${suffix}`;
    }
    this.taken.add(id);
    this.ids.set(`${prefix}\u0000${key}`, id);
    return id;
  }
}

function renderMermaid(clusters: readonly GraphCluster[]): string {
  const ids = new MermaidIds();
  const lines = ['flowchart LR'];
  const files = fileNodesOf(clusters);
  clusters.forEach((cluster, index) => {
    lines.push(`  subgraph group_${index}["${mermaidText(cluster.title)}"]`);
    for (const node of cluster.nodes) {
      lines.push(`    ${ids.of('n', node.id)}["${mermaidText(node.name)}<br/>${mermaidText(cluster.listening.get(node.id) ?? '')}"]`);
    }
    for (const file of files.get(cluster) ?? []) {
      lines.push(`    ${ids.of('f', file)}[/"${mermaidText(file)}"/]`);
    }
    lines.push('  end');
  });
  const broken: number[] = [];
  let count = 0;
  for (const cluster of clusters) {
    for (const edge of cluster.edges) {
      const from = edge.from === null ? ids.of('f', edge.location.path) : ids.of('n', edge.from);
      const arrow = edge.ok === false ? '-.->' : '-->';
      lines.push(`  ${from} ${arrow}|${mermaidText(edgeMark(edge))}| ${ids.of('n', edge.to)}`);
      if (edge.ok === false) {
        broken.push(count);
      }
      count++;
    }
  }
  if (broken.length > 0) {
    lines.push(`  linkStyle ${broken.join(',')} stroke:#d32f2f,color:#d32f2f`);
  }
  return `${lines.join('\n')}\n`;
}

/** The graph in the format asked for. */
export function renderGraph(model: WorkspaceModel, cwd: string, format: GraphOutputFormat): string {
  switch (format) {
    case 'json':
      return toJson(graphRecord(model, cwd));
    case 'dot':
      return renderDot(clustersOf(model, cwd));
    case 'mermaid':
      return renderMermaid(clustersOf(model, cwd));
  }
}
