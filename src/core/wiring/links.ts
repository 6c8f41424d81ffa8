/**
 * What linking one group shares, whatever its kind: the model's side of it (`LinkContext`), the
 * builder that collects a group's nodes, edges, spots and findings, and the small helpers both
 * the Compose and the Kubernetes linking use.
 */
import type { DirectoryIndex } from './directoryIndex';
import type { KnowledgeBase } from '../ports/knowledgeBase';
import { DIAGNOSTIC_SEVERITY, sensitivePortsIn } from '../rules/sensitivity';
import { sensitivePortExposed } from '../rules/sensitivePortExposed';
import type { PortDiagnostic, RelatedLocation } from '../rules/types';
import type { FileFormat, PortReference, Protocol, SourceRange } from '../types';
import { runRules } from '../rules/index';
import type { WiringFacts } from './facts';
import type { GraphEdge, GraphNode, ModelInput, ModelLocation } from './graph';
import type { ListeningPort } from './listening';

/** What linking reads of a file the model holds. */
export interface LinkedFile {
  readonly fileName: string;
  readonly text: string;
  readonly analysis: ModelInput;
}

/**
 * What linking needs from the model. The model builds it; its sets and answers are live, so a
 * group linked after another sees the model as that one left it.
 */
export interface LinkContext {
  readonly knowledge: KnowledgeBase;
  /** Files with nginx dials. */
  readonly nginxFiles: DirectoryIndex;
  /** Files with host firewall facts. */
  readonly firewallFiles: DirectoryIndex;
  file(name: string): LinkedFile | undefined;
  /** `web/Dockerfile:7`, as seen from `from`. */
  where(fileName: string, range: SourceRange, from: string): string;
  /** `8080 (web/Dockerfile:7)`: the ports a node listens on, and where the first is written. */
  evidenceText(listening: readonly ListeningPort[], from: string): string;
  /** The host a file describes: the nearest directory at or above it that holds a Compose file. */
  hostOf(name: string): string;
  /** Whether the model holds a Compose group for this directory. */
  hasComposeGroup(directory: string): boolean;
}

/** Where a dial or a listener is written, for navigation from it. */
export interface Spot {
  readonly location: ModelLocation;
  readonly node: string;
  readonly port: number | string;
  readonly endPort?: number;
  readonly kind: 'dial' | 'listen';
  readonly edge?: GraphEdge;
  readonly label: string;
}

export interface GroupLinks {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  readonly spots: Spot[];
  /** The same spots by the file they are written in: a hover or F12 looks at its own file only. */
  readonly spotsByFile: Map<string, Spot[]>;
  /** Findings by file, before suppressions and severity settings. */
  readonly findings: Map<string, PortDiagnostic[]>;
  /** Files this group read or would read; a change to any of them links it again. */
  readonly reads: Set<string>;
  /**
   * The format a wanted file is read as when its name does not tell (a Dockerfile named by
   * `dockerfile:`, a mounted `lb.cfg`): the editor and the command line scan it as that.
   */
  readonly expects: Map<string, FileFormat>;
  /** Bind-mount sources of Compose services: an nginx file under one joins the project. */
  readonly mounts: string[];
  readonly serial: number;
}

/**
 * The findings of `rules` on some of a file's references, judged again with facts the model
 * filled in from other files (a variable's default, a Dockerfile's FROM, a service's ExecStart).
 */
export function rejudge(model: LinkContext, entry: LinkedFile, references: readonly PortReference[], wiring: WiringFacts | undefined, rules: ReadonlySet<string>): PortDiagnostic[] {
  const diagnostics = runRules(
    { text: entry.text, format: entry.analysis.format, fileName: entry.fileName, references, problems: [], ...(wiring ? { wiring } : {}) },
    { knowledge: model.knowledge },
  );
  return diagnostics.filter((diagnostic) => rules.has(diagnostic.rule));
}

/** How many related locations a finding carries; the message already names the first. */
export const MAX_RELATED = 5;

/** Collects one group's links. */
export class LinkBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly spots: Spot[] = [];
  readonly findings = new Map<string, PortDiagnostic[]>();
  readonly reads = new Set<string>();
  readonly expects = new Map<string, FileFormat>();
  readonly mounts: string[] = [];

  constructor(private readonly serial: number) {}

  /** Reads a file that, whatever its name, holds `format`. */
  readAs(fileName: string, format: FileFormat): void {
    this.reads.add(fileName);
    this.expects.set(fileName, format);
  }

  report(fileName: string, diagnostic: PortDiagnostic): void {
    const list = this.findings.get(fileName) ?? [];
    list.push(diagnostic);
    this.findings.set(fileName, list);
  }

  build(): GroupLinks {
    const spotsByFile = new Map<string, Spot[]>();
    for (const spot of this.spots) {
      const list = spotsByFile.get(spot.location.fileName);
      if (list) {
        list.push(spot);
      } else {
        spotsByFile.set(spot.location.fileName, [spot]);
      }
    }
    return { nodes: this.nodes, edges: this.edges, spots: this.spots, spotsByFile, findings: this.findings, reads: this.reads, expects: this.expects, mounts: this.mounts, serial: this.serial };
  }
}

export function location(fileName: string, range: SourceRange): ModelLocation {
  return { fileName, range };
}

export function reportSensitiveHostPort(model: LinkContext, cause: string, entry: ListeningPort, fileName: string, range: SourceRange, from: string, builder: LinkBuilder): void {
  const found = sensitivePortsIn(model.knowledge, entry.port, entry.endPort, entry.protocol);
  const first = found[0];
  if (!first) {
    return;
  }
  const evidence = entry.evidence.fileName && entry.evidence.range ? model.where(entry.evidence.fileName, entry.evidence.range, from) : entry.evidence.label;
  const reason = first.sensitive.reason.split(/(?<=\.)\s/)[0];
  builder.report(fileName, {
    rule: sensitivePortExposed.id,
    severity: DIAGNOSTIC_SEVERITY[first.sensitive.severity],
    message: `${cause}, so ${first.sensitive.service} (${first.port}, ${evidence}) listens on every interface of the host: ${reason}`,
    range,
    ...(entry.evidence.fileName && entry.evidence.range ? { related: [{ message: 'Listens here', range: entry.evidence.range, fileName: entry.evidence.fileName }] } : {}),
  });
}

export function servedLocations(matched: readonly ListeningPort[], node: GraphNode): ModelLocation[] {
  const located = matched.filter((entry) => entry.evidence.fileName && entry.evidence.range).map((entry) => ({ fileName: entry.evidence.fileName as string, range: entry.evidence.range as SourceRange }));
  return located.length > 0 ? located : [node.location];
}

export function relatedOf(listening: readonly ListeningPort[], message: string): RelatedLocation[] {
  return listening
    .filter((entry) => entry.evidence.fileName && entry.evidence.range)
    .slice(0, MAX_RELATED)
    .map((entry) => ({ message, range: entry.evidence.range as SourceRange, fileName: entry.evidence.fileName as string }));
}

export function protocolsMeet(a: Protocol, b: Protocol): boolean {
  return a === b || a === 'any' || b === 'any';
}

export function overlaps(a: ListeningPort, b: ListeningPort): boolean {
  return a.port <= b.endPort && b.port <= a.endPort && protocolsMeet(a.protocol, b.protocol);
}
