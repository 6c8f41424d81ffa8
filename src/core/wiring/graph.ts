/**
 * The workspace port graph: one model of every file's ports and wiring facts, linked across
 * files. The editor and the command line feed it files and read findings, definitions,
 * references and the Port Map back; neither knows which rule needs which file.
 *
 * Files are grouped where wires can run: a Compose project (a directory's base and override
 * file, with the Dockerfiles its services build, the nginx configs beside or mounted into it and
 * the host firewalls on the same host) and a Kubernetes namespace. Replacing a file marks only
 * the groups that read it as stale, and a group is linked again when something asks, so one
 * changed file costs its own groups, not the workspace.
 */
import type { FileAnalysis } from '../analysis';
import { COMPOSE_BASE_FILE_NAMES, COMPOSE_OVERRIDE_FILE_NAMES } from '../composeProject';
import { KnowledgeBase } from '../ports/knowledgeBase';
import { isWildcardAddress, isOpenFirewallAllow } from '../rules/exposure';
import { bindToLoopback } from '../rules/fixEdits';
import { composeProjectConflicts, hostPortConflict } from '../rules/hostPortConflict';
import { settleDiagnostics } from '../rules/index';
import type { RuleSeverities } from '../rules/index';
import { DIAGNOSTIC_SEVERITY, sensitivePortsIn } from '../rules/sensitivity';
import { sensitivePortExposed } from '../rules/sensitivePortExposed';
import type { DiagnosticSeverity, PortDiagnostic, QuickFix, RelatedLocation, TextEdit } from '../rules/types';
import { LineIndex } from '../text';
import type { PortReference, Protocol, SourceRange } from '../types';
import type { ComposeServiceFacts, ContainerFacts, Dial, HostFirewallFacts, KubernetesObjectFacts } from './facts';
import { describePorts, dockerfileListening, imageDefaultPorts, listensOn, onlyPort } from './listening';
import type { Evidence, ListeningPort } from './listening';
import { baseNameOf, directoryOf, isInside, resolvePath, slashed } from './paths';
import {
  backendPortUndefined,
  containerPortNotListening,
  dialPublishedPort,
  environmentUrlPortNotListening,
  healthcheckPortNotListening,
  probePortUndeclared,
  proxyPortNotListening,
  publishedPortBypassesFirewall,
  serviceTargetPortUnmatched,
} from './rules';

export type { Evidence, ListeningPort } from './listening';

/** A place in a file of the model. */
export interface ModelLocation {
  readonly fileName: string;
  readonly range: SourceRange;
}

export type NodeKind = 'compose-service' | 'workload' | 'service';

/** Something that listens: a Compose service, a Kubernetes workload, a Kubernetes Service. */
export interface GraphNode {
  readonly id: string;
  readonly kind: NodeKind;
  readonly name: string;
  /** The Compose project's directory, or `namespace <name>`. */
  readonly group: string;
  readonly location: ModelLocation;
  /** `undefined` when nothing says what it listens on. */
  readonly listens: readonly ListeningPort[] | undefined;
  /** Compose host ports and Kubernetes Service ports: how others reach it. */
  readonly publishes: readonly { readonly label: string; readonly location: ModelLocation }[];
  readonly image?: string;
  readonly hostNetwork: boolean;
}

export type EdgeKind =
  | 'service-pods'
  | 'backend-service'
  | 'probe'
  | 'publish-container'
  | 'proxy'
  | 'environment'
  | 'healthcheck'
  | 'publish-firewall';

/** Something that dials or forwards to a node's port. */
export interface GraphEdge {
  readonly kind: EdgeKind;
  /** The node the dial comes from, when it has one (an nginx file does not). */
  readonly from?: string;
  readonly to: string;
  /** A port number, or a Kubernetes port name. */
  readonly port: number | string;
  /** Where the dial is written. */
  readonly location: ModelLocation;
  /** What is written there, for labels: `proxy_pass http://backend:5001`. */
  readonly label: string;
  /** `true` wired, `false` broken, `undefined` when the far end's ports are unknown. */
  readonly ok: boolean | undefined;
  /** Where the far end listens on the dialled port (or the node, when it does not). */
  readonly served: readonly ModelLocation[];
  /** The broken wire's rule. */
  readonly rule?: string;
}

export interface GraphSnapshot {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

export interface PortMapGroup {
  readonly kind: 'compose' | 'kubernetes';
  /** The project's directory, or the namespace (`(no namespace)` when none is written). */
  readonly label: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** What the hover shows about the other ends of a port. */
export interface PortEnds {
  readonly node: GraphNode;
  readonly port: number | string;
  /** On a dial: where it is served. */
  readonly servedBy: readonly { readonly label: string; readonly location?: ModelLocation }[];
  /** On a listener: who dials it. */
  readonly dialledBy: readonly { readonly label: string; readonly location: ModelLocation }[];
  /** On a dial whose far end does not listen there: what it does listen on. */
  readonly listensInstead?: string;
}

export interface WorkspaceModelOptions {
  readonly knowledge?: KnowledgeBase;
  readonly ruleSeverities?: RuleSeverities;
}

/** What the model needs of a file: its scan. A full `FileAnalysis` will do. */
export type ModelInput = Pick<FileAnalysis, 'format' | 'references' | 'wiring'>;

interface FileEntry {
  readonly fileName: string;
  readonly text: string;
  readonly analysis: ModelInput;
  lines?: LineIndex;
  /** The groups whose membership this file gives. */
  readonly groups: readonly string[];
}

/** Where a dial or a listener is written, for navigation from it. */
interface Spot {
  readonly location: ModelLocation;
  readonly node: string;
  readonly port: number | string;
  readonly endPort?: number;
  readonly kind: 'dial' | 'listen';
  readonly edge?: GraphEdge;
  readonly label: string;
}

interface GroupLinks {
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  readonly spots: Spot[];
  /** Findings by file, before suppressions and severity settings. */
  readonly findings: Map<string, PortDiagnostic[]>;
  /** Files this group read or would read; a change to any of them links it again. */
  readonly reads: Set<string>;
  /** Bind-mount sources of Compose services: an nginx file under one joins the project. */
  readonly mounts: string[];
  readonly serial: number;
}

const LOCAL_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);
const PROJECT_FILE_NAMES: ReadonlySet<string> = new Set([...COMPOSE_BASE_FILE_NAMES, ...COMPOSE_OVERRIDE_FILE_NAMES]);
const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);
/** How many related locations a finding carries; the message already names the first. */
const MAX_RELATED = 5;

function rangeContains(range: SourceRange, offset: number): boolean {
  return offset >= range.start && offset <= range.end;
}

function composeGroupKey(fileName: string): string {
  return PROJECT_FILE_NAMES.has(baseNameOf(fileName)) ? `compose:${directoryOf(fileName)}` : `compose:${fileName}`;
}

function namespaceKey(namespace: string | undefined): string {
  return `k8s:${namespace ?? ''}`;
}

/**
 * The linked model. Plain data in, plain data out: offsets are UTF-16 offsets into the text each
 * file was fed with, and file names are returned with forward slashes.
 */
export class WorkspaceModel {
  private readonly files = new Map<string, FileEntry>();
  private readonly groupMembers = new Map<string, Set<string>>();
  private readonly links = new Map<string, GroupLinks>();
  private readonly dirty = new Set<string>();
  /** File → groups that read it, kept from each group's last link. */
  private readonly readers = new Map<string, Set<string>>();
  /** File → groups with findings on it. */
  private readonly findingGroups = new Map<string, Set<string>>();
  private readonly nginxFiles = new Set<string>();
  private readonly firewallFiles = new Set<string>();
  private readonly absent = new Set<string>();
  private readonly settledCache = new Map<string, { stamp: string; diagnostics: readonly PortDiagnostic[] }>();
  private knowledge: KnowledgeBase;
  private severities: RuleSeverities | undefined;
  /** Directories holding Compose files, with how many: a firewall belongs to the nearest one above it. */
  private readonly composeDirectories = new Map<string, number>();
  private serial = 0;
  private changes = 0;

  constructor(options: WorkspaceModelOptions = {}) {
    this.knowledge = options.knowledge ?? new KnowledgeBase();
    this.severities = options.ruleSeverities;
  }

  /** New settings: every group is linked again on the next question. */
  setOptions(options: WorkspaceModelOptions): void {
    this.knowledge = options.knowledge ?? this.knowledge;
    this.severities = options.ruleSeverities ?? this.severities;
    for (const key of this.groupMembers.keys()) {
      this.dirty.add(key);
    }
    this.settledCache.clear();
    this.changes++;
  }

  /** Increments whenever a file or the settings change. */
  get changeCount(): number {
    return this.changes;
  }

  get fileCount(): number {
    return this.files.size;
  }

  has(fileName: string): boolean {
    return this.files.has(slashed(fileName));
  }

  /** The text the model holds for a file, so related locations in it get real positions. */
  textOf(fileName: string): string | undefined {
    return this.files.get(slashed(fileName))?.text;
  }

  lineIndexOf(fileName: string): LineIndex | undefined {
    const entry = this.files.get(slashed(fileName));
    if (!entry) {
      return undefined;
    }
    entry.lines ??= new LineIndex(entry.text);
    return entry.lines;
  }

  /** Replaces what the model knows of one file; `undefined` analysis (not a file Port Lens reads) removes it. */
  setFile(fileName: string, text: string, analysis: ModelInput | undefined): void {
    const name = slashed(fileName);
    this.removeEntry(name);
    this.absent.delete(name);
    this.changes++;
    if (!analysis) {
      return;
    }
    const groups = this.groupsOf(name, analysis);
    this.files.set(name, { fileName: name, text, analysis, groups });
    if (analysis.format === 'compose') {
      this.addComposeDirectory(directoryOf(name), 1);
    }
    for (const key of groups) {
      let members = this.groupMembers.get(key);
      if (!members) {
        members = new Set();
        this.groupMembers.set(key, members);
      }
      members.add(name);
      this.dirty.add(key);
    }
    if (analysis.wiring?.nginx && analysis.wiring.nginx.dials.length > 0) {
      this.nginxFiles.add(name);
      this.markComposeGroupsAbove(name);
    }
    if (analysis.wiring?.firewall && analysis.wiring.firewall.length > 0) {
      this.firewallFiles.add(name);
      this.markComposeGroupsOnHost(name);
    }
  }

  deleteFile(fileName: string): void {
    const name = slashed(fileName);
    if (this.removeEntry(name)) {
      this.changes++;
    }
  }

  /** The feeder looked for a file the model asked for, and there is none. */
  markAbsent(fileName: string): void {
    this.absent.add(slashed(fileName));
  }

  /**
   * Files the model would read if they exist and it has not been given: the Dockerfiles that
   * services build and the other file of a Compose project. The feeder reads each one it can
   * and calls `setFile`, or `markAbsent`.
   */
  wantedFiles(): string[] {
    this.link();
    const wanted = new Set<string>();
    for (const links of this.links.values()) {
      for (const name of links.reads) {
        if (!this.files.has(name) && !this.absent.has(name)) {
          wanted.add(name);
        }
      }
    }
    return [...wanted].sort();
  }

  /** Workspace findings on one file, after its suppression comments and the severity settings. */
  diagnosticsFor(fileName: string): readonly PortDiagnostic[] {
    this.link();
    const name = slashed(fileName);
    const entry = this.files.get(name);
    const groups = this.findingGroups.get(name);
    if (!entry || !groups || groups.size === 0) {
      return [];
    }
    const keys = [...groups].sort();
    const stamp = keys.map((key) => this.links.get(key)?.serial ?? 0).join(',');
    const cached = this.settledCache.get(name);
    if (cached && cached.stamp === stamp) {
      return cached.diagnostics;
    }
    const raw = keys.flatMap((key) => this.links.get(key)?.findings.get(name) ?? []);
    const diagnostics = settleDiagnostics(raw, entry.text, entry.analysis.format, this.severities).sort(
      (a, b) => a.range.start - b.range.start || a.range.end - b.range.end || a.rule.localeCompare(b.rule),
    );
    this.settledCache.set(name, { stamp, diagnostics });
    return diagnostics;
  }

  /** Files with workspace findings, for the command line's report. */
  filesWithFindings(): string[] {
    this.link();
    return [...this.findingGroups.entries()].filter(([, groups]) => groups.size > 0).map(([name]) => name);
  }

  /** Where the port at `offset` is listened on: the far end of a dial. */
  definitionsAt(fileName: string, offset: number): ModelLocation[] {
    const spot = this.spotAt(slashed(fileName), offset);
    if (!spot || spot.kind !== 'dial' || !spot.edge) {
      return [];
    }
    return [...spot.edge.served];
  }

  /** Everything that listens on or dials the port at `offset`, across the workspace, the spot itself included. */
  referencesAt(fileName: string, offset: number): ModelLocation[] {
    const name = slashed(fileName);
    const spot = this.spotAt(name, offset);
    if (!spot) {
      return [];
    }
    const found: ModelLocation[] = [];
    const seen = new Set<string>();
    for (const links of this.links.values()) {
      for (const other of links.spots) {
        if (other.node !== spot.node || !samePort(other, spot)) {
          continue;
        }
        const key = `${other.location.fileName}|${other.location.range.start}|${other.location.range.end}`;
        if (!seen.has(key)) {
          seen.add(key);
          found.push(other.location);
        }
      }
    }
    return found;
  }

  /** The other ends of the port at `offset`, for the hover. */
  endsAt(fileName: string, offset: number): PortEnds | undefined {
    const name = slashed(fileName);
    const spot = this.spotAt(name, offset);
    if (!spot) {
      return undefined;
    }
    const node = this.nodeById(spot.node);
    if (!node) {
      return undefined;
    }
    if (spot.kind === 'dial') {
      const edge = spot.edge;
      const servedBy = (edge?.ok ? (node.listens ?? []).filter((entry) => typeof spot.port === 'number' ? entry.port <= spot.port && entry.endPort >= spot.port : true) : []).map((entry) => ({
        label: `${node.name} (${entry.evidence.label})`,
        ...(entry.evidence.fileName && entry.evidence.range ? { location: { fileName: entry.evidence.fileName, range: entry.evidence.range } } : {}),
      }));
      const listensInstead = edge?.ok === false && node.listens ? describePorts(node.listens) : undefined;
      return { node, port: spot.port, servedBy, dialledBy: [], ...(listensInstead ? { listensInstead } : {}) };
    }
    const dialledBy: { label: string; location: ModelLocation }[] = [];
    for (const links of this.links.values()) {
      for (const other of links.spots) {
        if (other.kind === 'dial' && other.node === spot.node && samePort(other, spot)) {
          dialledBy.push({ label: other.label, location: other.location });
        }
      }
    }
    return { node, port: spot.port, servedBy: [], dialledBy };
  }

  /** Every Compose project and Kubernetes namespace with what each node listens on, publishes and dials. */
  portMap(): PortMapGroup[] {
    this.link();
    const groups: PortMapGroup[] = [];
    for (const [key, links] of this.links) {
      if (links.nodes.length === 0) {
        continue;
      }
      const kubernetes = key.startsWith('k8s:');
      groups.push({
        kind: kubernetes ? 'kubernetes' : 'compose',
        label: kubernetes ? (key.slice(4) === '' ? '(no namespace)' : key.slice(4)) : directoryOf(links.nodes[0].location.fileName),
        nodes: links.nodes,
        edges: links.edges,
      });
    }
    return groups.sort((a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label));
  }

  /** The whole graph, for export. */
  snapshot(): GraphSnapshot {
    const map = this.portMap();
    return { nodes: map.flatMap((group) => group.nodes), edges: map.flatMap((group) => group.edges) };
  }

  // -- Bookkeeping ----------------------------------------------------------

  private groupsOf(name: string, analysis: ModelInput): string[] {
    const groups = new Set<string>();
    if (analysis.format === 'compose') {
      groups.add(composeGroupKey(name));
    }
    for (const object of analysis.wiring?.kubernetes ?? []) {
      groups.add(namespaceKey(object.namespace));
    }
    return [...groups];
  }

  private removeEntry(name: string): boolean {
    const old = this.files.get(name);
    // Whoever read this file, or wanted it before it existed, must look again.
    for (const key of this.readers.get(name) ?? []) {
      this.dirty.add(key);
    }
    if (!old) {
      return false;
    }
    this.files.delete(name);
    if (old.analysis.format === 'compose') {
      this.addComposeDirectory(directoryOf(name), -1);
    }
    for (const key of old.groups) {
      const members = this.groupMembers.get(key);
      members?.delete(name);
      this.dirty.add(key);
    }
    if (this.nginxFiles.delete(name)) {
      this.markComposeGroupsAbove(name);
    }
    if (this.firewallFiles.delete(name)) {
      this.markComposeGroupsOnHost(name);
    }
    this.settledCache.delete(name);
    return true;
  }

  /** An nginx file joins the Compose project of the nearest directory above it, or one that mounts it. */
  private markComposeGroupsAbove(name: string): void {
    for (const [key, links] of this.links) {
      if (key.startsWith('compose:') && links.mounts.some((mount) => isInside(name, mount))) {
        this.dirty.add(key);
      }
    }
    for (let directory = directoryOf(name); ; directory = directoryOf(directory)) {
      const key = `compose:${directory}`;
      if (this.groupMembers.has(key)) {
        this.dirty.add(key);
      }
      if (directory === '/' || directory === '.' || directoryOf(directory) === directory) {
        break;
      }
    }
  }

  private markComposeGroupsOnHost(name: string): void {
    const host = this.hostOf(name);
    for (const key of this.groupMembers.keys()) {
      if (key.startsWith('compose:') && this.hostOf(key.slice('compose:'.length)) === host) {
        this.dirty.add(key);
      }
    }
  }

  /**
   * A Compose directory appearing or going can move the firewalls below it to another host,
   * so whoever read them looks again.
   */
  private addComposeDirectory(directory: string, delta: number): void {
    const count = (this.composeDirectories.get(directory) ?? 0) + delta;
    const appearsOrGoes = count === 0 || (count === 1 && delta === 1);
    if (count <= 0) {
      this.composeDirectories.delete(directory);
    } else {
      this.composeDirectories.set(directory, count);
    }
    if (!appearsOrGoes) {
      return;
    }
    for (const firewall of this.firewallFiles) {
      if (isInside(firewall, directory)) {
        for (const key of this.readers.get(firewall) ?? []) {
          this.dirty.add(key);
        }
        this.markComposeGroupsOnHost(firewall);
      }
    }
  }

  /**
   * The host a file describes: the nearest directory at or above it that holds a Compose file.
   * A firewall script in `host/` beside `compose.yaml` guards that project; one in a folder of
   * its own, far from any Compose file, guards none.
   */
  private hostOf(name: string): string {
    let directory = this.composeDirectories.has(name) ? name : directoryOf(name);
    for (;;) {
      if (this.composeDirectories.has(directory)) {
        return directory;
      }
      const parent = directoryOf(directory);
      if (parent === directory) {
        return `(no Compose project above ${directoryOf(name)})`;
      }
      directory = parent;
    }
  }

  private nodeById(id: string): GraphNode | undefined {
    for (const links of this.links.values()) {
      const node = links.nodes.find((candidate) => candidate.id === id);
      if (node) {
        return node;
      }
    }
    return undefined;
  }

  private spotAt(name: string, offset: number): Spot | undefined {
    this.link();
    let best: Spot | undefined;
    for (const links of this.links.values()) {
      for (const spot of links.spots) {
        if (spot.location.fileName === name && rangeContains(spot.location.range, offset)) {
          // The narrowest spot wins: a port's digits inside a whole URL.
          if (!best || spot.location.range.end - spot.location.range.start < best.location.range.end - best.location.range.start) {
            best = spot;
          }
        }
      }
    }
    return best;
  }

  /** Links every stale group. */
  private link(): void {
    if (this.dirty.size === 0) {
      return;
    }
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const key of keys) {
      const previous = this.links.get(key);
      if (previous) {
        for (const name of previous.reads) {
          this.readers.get(name)?.delete(key);
        }
        for (const name of previous.findings.keys()) {
          this.findingGroups.get(name)?.delete(key);
        }
      }
      const members = this.groupMembers.get(key);
      if (!members || members.size === 0) {
        this.links.delete(key);
        this.groupMembers.delete(key);
        continue;
      }
      const links = key.startsWith('k8s:') ? this.linkNamespace(key, members) : this.linkCompose(key, members);
      this.links.set(key, links);
      for (const name of links.reads) {
        let readers = this.readers.get(name);
        if (!readers) {
          readers = new Set();
          this.readers.set(name, readers);
        }
        readers.add(key);
      }
      for (const name of links.findings.keys()) {
        let groups = this.findingGroups.get(name);
        if (!groups) {
          groups = new Set();
          this.findingGroups.set(name, groups);
        }
        groups.add(key);
      }
    }
  }

  private location(fileName: string, range: SourceRange): ModelLocation {
    return { fileName, range };
  }

  /**
   * `web/Dockerfile:7`: where a piece of evidence is written, from the directory the two files
   * share, so a message on `proxy/nginx.conf` names `backend/Dockerfile` as a user would.
   */
  private where(fileName: string, range: SourceRange, from: string): string {
    const lines = this.lineIndexOf(fileName);
    const line = lines ? lines.positionAt(range.start).line + 1 : 0;
    let shared = directoryOf(from);
    while (!isInside(fileName, shared) && directoryOf(shared) !== shared) {
      shared = directoryOf(shared);
    }
    const shown = isInside(fileName, shared) && shared !== '.' ? fileName.slice(shared === '/' ? 1 : shared.length + 1) : fileName;
    return `${shown}:${line}`;
  }

  private evidenceText(listening: readonly ListeningPort[], from: string): string {
    const first = listening[0];
    const evidence = first?.evidence;
    const place = evidence?.fileName && evidence.range ? this.where(evidence.fileName, evidence.range, from) : evidence?.label;
    return `${describePorts(listening)}${place ? ` (${place})` : ''}`;
  }

  // -- Compose --------------------------------------------------------------

  private linkCompose(key: string, members: ReadonlySet<string>): GroupLinks {
    const builder = new LinkBuilder(++this.serial);
    const directory = key.startsWith('compose:') ? key.slice('compose:'.length) : key;
    const projects = composeProjectsOf(directory, members, key);
    for (const project of projects) {
      this.linkComposeProject(project, directory, builder);
    }
    // The other project file may appear later: a project file wants its siblings.
    if (members.size > 0 && PROJECT_FILE_NAMES.has(baseNameOf([...members][0]))) {
      for (const name of PROJECT_FILE_NAMES) {
        builder.reads.add(`${directoryOf([...members][0])}/${name}`);
      }
    }
    return builder.build();
  }

  private linkComposeProject(files: readonly string[], directory: string, builder: LinkBuilder): void {
    const entries = files.map((name) => this.files.get(name)).filter((entry): entry is FileEntry => entry !== undefined);
    for (const entry of entries) {
      builder.reads.add(entry.fileName);
    }
    // Conflicts between the base and the override file: Compose merges them into one project.
    if (entries.length > 1) {
      const conflicts = composeProjectConflicts(entries.map((entry) => ({ fileName: entry.fileName, text: entry.text, references: entry.analysis.references })));
      for (const [name, found] of conflicts) {
        for (const diagnostic of found) {
          builder.report(name, diagnostic);
        }
      }
    }
    const services = mergeServices(entries);
    if (services.size === 0) {
      return;
    }
    const projectDirectory = entries.length > 0 ? directoryOf(entries[0].fileName) : directory;
    const nodes = new Map<string, { service: MergedService; node: GraphNode; listening: ListeningPort[] | undefined; imageSide: ListeningPort[] | undefined; severity: DiagnosticSeverity }>();
    const byHost = new Map<string, string>();
    for (const service of services.values()) {
      const resolved = this.composeListening(service, projectDirectory, builder);
      const id = `compose:${projectDirectory}:${service.name}`;
      const publishes = service.publishes.map(({ fileName, reference }) => ({
        label: publishLabel(reference),
        location: this.location(fileName, reference.range),
      }));
      const node: GraphNode = {
        id,
        kind: 'compose-service',
        name: service.name,
        group: projectDirectory,
        location: this.location(service.definition.fileName, service.definition.range),
        listens: resolved.listening,
        publishes,
        ...(service.facts.image ? { image: service.facts.image } : {}),
        hostNetwork: service.facts.hostNetworkRange !== undefined,
      };
      builder.nodes.push(node);
      nodes.set(service.name, { service, node, listening: resolved.listening, imageSide: resolved.imageSide, severity: resolved.severity });
      byHost.set(service.name.toLowerCase(), service.name);
      for (const alias of service.facts.aliases) {
        if (!byHost.has(alias)) {
          byHost.set(alias, service.name);
        }
      }
      for (const entry of resolved.listening ?? []) {
        if (entry.evidence.fileName && entry.evidence.range) {
          builder.spots.push({ location: this.location(entry.evidence.fileName, entry.evidence.range), node: id, port: entry.port, endPort: entry.endPort, kind: 'listen', label: `${service.name} ${entry.evidence.label}` });
        }
      }
      for (const volume of service.facts.volumes) {
        const source = resolvePath(projectDirectory, volume.source);
        if (source) {
          builder.mounts.push(source);
        }
      }
    }

    // Ports: the container side of each mapping against what the image listens on.
    for (const { service, node, imageSide, severity } of nodes.values()) {
      if (service.facts.hostNetworkRange) {
        continue;
      }
      for (const { fileName, reference } of service.publishes) {
        if (reference.port === null || reference.endPort === null) {
          continue;
        }
        const spotRange = reference.portRange ?? reference.range;
        const matched = imageSide ? listensOn(imageSide, reference.port, reference.endPort, reference.protocol) : undefined;
        const ok = imageSide ? matched !== undefined : undefined;
        const edge: GraphEdge = {
          kind: 'publish-container',
          from: node.id,
          to: node.id,
          port: reference.port,
          location: this.location(fileName, spotRange),
          label: `ports ${this.textAt(fileName, reference.range)}`,
          ok,
          served: servedLocations(matched ? [matched] : [], node),
          ...(ok === false ? { rule: containerPortNotListening.id } : {}),
        };
        builder.edges.push(edge);
        if (ok !== false || !imageSide) {
          continue;
        }
        const only = onlyPort(imageSide);
        const written = this.textAt(fileName, reference.range);
        const fixes: QuickFix[] = only !== undefined && reference.portRange && reference.port === reference.endPort
          ? [{ kind: 'edit', title: `Forward to container port ${only}`, edits: [{ range: reference.portRange, newText: String(only) }], isPreferred: true }]
          : [];
        builder.report(fileName, {
          rule: containerPortNotListening.id,
          severity: severity,
          message: `"${written}" forwards to container port ${portText(reference)}, but ${service.name} listens on ${this.evidenceText(imageSide, fileName)}`,
          range: spotRange,
          reference,
          related: relatedOf(imageSide, `${service.name} listens here`),
          ...(fixes.length > 0 ? { fixes } : {}),
        });
      }
    }

    // Dials: environment URLs and healthchecks of the services, and the nginx configs that run in the project.
    const dials: { dial: Dial; fileName: string; from?: MergedService }[] = [];
    for (const { service } of nodes.values()) {
      for (const { dial, fileName } of service.dials) {
        dials.push({ dial, fileName, from: service });
      }
    }
    for (const name of this.nginxFilesOf(projectDirectory, builder)) {
      builder.reads.add(name);
      for (const dial of this.files.get(name)?.analysis.wiring?.nginx?.dials ?? []) {
        dials.push({ dial, fileName: name });
      }
    }
    for (const { dial, fileName, from } of dials) {
      const own = dial.via === 'healthcheck' && from && (LOCAL_HOSTS.has(dial.host) || byHost.get(dial.host) === from.name) ? from.name : undefined;
      if (dial.via === 'healthcheck' && !own) {
        continue;
      }
      const targetName = own ?? byHost.get(dial.host);
      const target = targetName !== undefined ? nodes.get(targetName) : undefined;
      if (!target) {
        continue;
      }
      this.judgeDial(dial, fileName, from, target, builder);
    }

    this.hostNetworkExposure([...nodes.values()].map(({ service, node, listening }) => ({ service, node, listening })), builder);
    this.firewallBypass([...nodes.values()].map(({ service }) => service), projectDirectory, builder);
  }

  private judgeDial(
    dial: Dial,
    fileName: string,
    from: MergedService | undefined,
    target: { service: MergedService; node: GraphNode; listening: ListeningPort[] | undefined; severity: DiagnosticSeverity },
    builder: LinkBuilder,
  ): void {
    const kind: EdgeKind = dial.via === 'environment' ? 'environment' : dial.via === 'healthcheck' ? 'healthcheck' : 'proxy';
    const spotRange = dial.portRange ?? dial.hostRange;
    const label = dial.label ? `${dial.label} ${dial.text}` : dial.text;
    const listening = target.listening;
    const matched = listening ? listensOn(listening, dial.port, dial.port, 'tcp') : undefined;
    const ok = listening ? matched !== undefined : undefined;
    let rule: string | undefined;
    let message: string | undefined;
    let fixes: QuickFix[] = [];
    const name = target.service.name;
    const dialled = `${dial.host}:${dial.port}`;
    const who = dial.via === 'environment' ? `${dial.label ?? 'The environment'} dials` : dial.via === 'healthcheck' ? 'The healthcheck dials' : `${dial.label ?? 'proxy_pass'} dials`;
    if (listening && ok === false) {
      // Dialling the published host port from inside the network is its own mistake, with its own fix.
      const published = dial.via === 'healthcheck' ? undefined : target.service.publishes.find(({ reference }) => reference.hostPort !== undefined && reference.hostPort !== null && reference.hostPort <= dial.port && (reference.hostPortEnd ?? reference.hostPort) >= dial.port);
      if (published && published.reference.port !== null) {
        const containerPort = published.reference.port + (dial.port - (published.reference.hostPort as number));
        rule = dialPublishedPort.id;
        message = `${who} ${dialled}: ${dial.port} is the host port ${name} publishes (${this.where(published.fileName, published.reference.range, fileName)}); inside the Compose network only container port ${containerPort} answers`;
        if (dial.portRange) {
          fixes = [{ kind: 'edit', title: `Dial container port ${containerPort}`, edits: [{ range: dial.portRange, newText: String(containerPort) }], isPreferred: true }];
        }
      } else {
        rule = dial.via === 'environment' ? environmentUrlPortNotListening.id : dial.via === 'healthcheck' ? healthcheckPortNotListening.id : proxyPortNotListening.id;
        message = `${who} ${dialled}, but ${name} listens on ${this.evidenceText(listening, fileName)}`;
        const only = onlyPort(listening);
        if (only !== undefined) {
          const edit: TextEdit = dial.portRange
            ? { range: dial.portRange, newText: String(only) }
            : { range: { start: dial.hostRange.end, end: dial.hostRange.end }, newText: `:${only}` };
          fixes = [{ kind: 'edit', title: `Dial port ${only}`, edits: [edit], isPreferred: true }];
        }
      }
    }
    const edge: GraphEdge = {
      kind,
      ...(from ? { from: `compose:${target.node.group}:${from.name}` } : {}),
      to: target.node.id,
      port: dial.port,
      location: this.location(fileName, spotRange),
      label,
      ok,
      served: servedLocations(matched ? [matched] : [], target.node),
      ...(rule ? { rule } : {}),
    };
    builder.edges.push(edge);
    builder.spots.push({ location: edge.location, node: target.node.id, port: dial.port, kind: 'dial', edge, label });
    if (rule && message && listening) {
      builder.report(fileName, {
        rule,
        severity: target.severity,
        message,
        range: spotRange,
        related: [
          ...relatedOf(listening, `${name} listens here`),
          { message: `Service ${name}`, range: target.node.location.range, fileName: target.node.location.fileName },
        ].slice(0, MAX_RELATED),
        ...(fixes.length > 0 ? { fixes } : {}),
      });
    }
  }

  /** The nginx files that run in a project: mounted into one of its services, or in its directory tree with no nearer project. */
  private nginxFilesOf(projectDirectory: string, builder: LinkBuilder): string[] {
    const found: string[] = [];
    for (const name of this.nginxFiles) {
      if (builder.mounts.some((mount) => isInside(name, mount))) {
        found.push(name);
        continue;
      }
      if (!isInside(name, projectDirectory)) {
        continue;
      }
      let nearer = false;
      for (let directory = directoryOf(name); directory !== projectDirectory && isInside(directory, projectDirectory); directory = directoryOf(directory)) {
        if (this.groupMembers.has(`compose:${directory}`)) {
          nearer = true;
          break;
        }
        if (directoryOf(directory) === directory) {
          break;
        }
      }
      if (!nearer) {
        found.push(name);
      }
    }
    return found.sort();
  }

  private composeListening(service: MergedService, projectDirectory: string, builder: LinkBuilder): { listening: ListeningPort[] | undefined; imageSide: ListeningPort[] | undefined; severity: DiagnosticSeverity } {
    const declared: ListeningPort[] = [];
    const exposed: ListeningPort[] = [];
    for (const { fileName, reference } of service.exposes) {
      if (reference.port !== null && reference.endPort !== null) {
        exposed.push({ port: reference.port, endPort: reference.endPort, protocol: reference.protocol, evidence: { kind: 'declared', fileName, range: reference.portRange ?? reference.range, label: 'expose' } });
      }
    }
    for (const { fileName, reference } of service.publishes) {
      if (reference.port !== null && reference.endPort !== null) {
        declared.push({ port: reference.port, endPort: reference.endPort, protocol: reference.protocol, evidence: { kind: 'declared', fileName, range: reference.portRange ?? reference.range, label: 'ports' } });
      }
    }
    const facts = service.facts;
    let built: ListeningPort[] = [];
    let baseImage: string | undefined;
    let buildUnknown = false;
    if (facts.build) {
      const context = resolvePath(projectDirectory, facts.build.context);
      const dockerfile = context ? resolvePath(context, facts.build.dockerfile) : undefined;
      const entry = dockerfile ? this.files.get(dockerfile) : undefined;
      if (dockerfile) {
        builder.reads.add(dockerfile);
      }
      const dockerfileFacts = entry?.analysis.wiring?.dockerfile;
      if (!dockerfile || !dockerfileFacts) {
        buildUnknown = true;
      } else {
        const result = dockerfileListening(dockerfile, dockerfileFacts, facts.build.target);
        built = result.exposed;
        baseImage = result.baseImage;
        buildUnknown = result.unknown;
      }
    }
    const defaults = facts.build
      ? buildUnknown ? [] : imageDefaultPorts(baseImage, facts.commandOverridden, facts.environmentKeys)
      : imageDefaultPorts(facts.image, facts.commandOverridden, facts.environmentKeys);
    // Every source counts: a built image keeps its base image's EXPOSE, and a service may listen
    // on more than one file declares, so a port is wrong only when no evidence names it.
    const imageEvidence = [...exposed, ...built, ...defaults];
    // What the image listens on, for the container side of `ports:`: a mapping is not evidence about itself.
    const imageSide = imageEvidence.length > 0 && !(buildUnknown && exposed.length === 0) ? imageEvidence : undefined;
    // The container side of `ports:` is a claim the image side judges: it counts only when nothing
    // else is known, or a mapping already reported as wrong would make dials to it look right.
    const listening = imageSide ?? (declared.length > 0 ? declared : undefined);
    const severity: DiagnosticSeverity = (imageSide ?? listening ?? []).some((entry) => entry.evidence.kind !== 'image') ? 'error' : 'warning';
    return { listening, imageSide, severity };
  }

  /** With host networking, every port a service listens on is a host port on every interface. */
  private hostNetworkExposure(services: readonly { service: MergedService; node: GraphNode; listening: ListeningPort[] | undefined }[], builder: LinkBuilder): void {
    const hostPorts: { service: string; entry: ListeningPort; fileName: string; range: SourceRange }[] = [];
    for (const { service, listening } of services) {
      const range = service.facts.hostNetworkRange;
      if (!range || !listening) {
        continue;
      }
      const fileName = service.hostNetworkFile ?? service.definition.fileName;
      for (const entry of listening) {
        hostPorts.push({ service: service.name, entry, fileName, range });
        this.reportSensitiveHostPort(`${service.name} runs with network_mode: host`, entry, fileName, range, fileName, builder);
      }
    }
    // Two host-networked services, or one and a published port, on one host port: the second fails to bind.
    const published = services.flatMap(({ service }) => (service.facts.hostNetworkRange ? [] : service.publishes.map((publish) => ({ name: service.name, ...publish }))));
    for (const current of hostPorts) {
      const clash = hostPorts.find((other) => other !== current && other.service !== current.service && overlaps(other.entry, current.entry));
      const publisher = published.find(({ reference }) => reference.hostPort !== undefined && reference.hostPort !== null && isWildcardAddress(reference.hostIp)
        && reference.hostPort <= current.entry.endPort && (reference.hostPortEnd ?? reference.hostPort) >= current.entry.port && protocolsMeet(reference.protocol, current.entry.protocol));
      const other = clash
        ? { name: clash.service, fileName: clash.fileName, range: clash.range, how: 'also runs with network_mode: host and listens on it' }
        : publisher
          ? { name: publisher.name, fileName: publisher.fileName, range: publisher.reference.range, how: 'publishes it on the host' }
          : undefined;
      if (!other) {
        continue;
      }
      builder.report(current.fileName, {
        rule: hostPortConflict.id,
        severity: hostPortConflict.defaultSeverity,
        message: `${current.service} runs with network_mode: host and listens on ${describePorts([current.entry])}, and service "${other.name}" ${other.how} (${this.where(other.fileName, other.range, current.fileName)}): the second to start fails to bind`,
        range: current.range,
        related: [{ message: `Service ${other.name}`, range: other.range, fileName: other.fileName }],
      });
    }
  }

  private reportSensitiveHostPort(cause: string, entry: ListeningPort, fileName: string, range: SourceRange, from: string, builder: LinkBuilder): void {
    const found = sensitivePortsIn(this.knowledge, entry.port, entry.endPort, entry.protocol);
    const first = found[0];
    if (!first) {
      return;
    }
    const evidence = entry.evidence.fileName && entry.evidence.range ? this.where(entry.evidence.fileName, entry.evidence.range, from) : entry.evidence.label;
    const reason = first.sensitive.reason.split(/(?<=\.)\s/)[0];
    builder.report(fileName, {
      rule: sensitivePortExposed.id,
      severity: DIAGNOSTIC_SEVERITY[first.sensitive.severity],
      message: `${cause}, so ${first.sensitive.service} (${first.port}, ${evidence}) listens on every interface of the host: ${reason}`,
      range,
      ...(entry.evidence.fileName && entry.evidence.range ? { related: [{ message: 'Listens here', range: entry.evidence.range, fileName: entry.evidence.fileName }] } : {}),
    });
  }

  /** Docker publishes through its own chains, before ufw's and firewalld's input rules see the packet. */
  private firewallBypass(services: readonly MergedService[], projectDirectory: string, builder: LinkBuilder): void {
    const host = this.hostOf(projectDirectory);
    const firewalls: { fileName: string; facts: HostFirewallFacts }[] = [];
    const allows: PortReference[] = [];
    for (const name of this.firewallFiles) {
      if (this.hostOf(name) !== host) {
        continue;
      }
      const entry = this.files.get(name);
      builder.reads.add(name);
      for (const facts of entry?.analysis.wiring?.firewall ?? []) {
        firewalls.push({ fileName: name, facts });
      }
      for (const reference of entry?.analysis.references ?? []) {
        if (isOpenFirewallAllow(reference)) {
          allows.push(reference);
        }
      }
    }
    if (firewalls.length === 0) {
      return;
    }
    for (const service of services) {
      if (service.facts.hostNetworkRange) {
        continue;
      }
      for (const { fileName, reference } of service.publishes) {
        const hostPort = reference.hostPort;
        if (hostPort === undefined || hostPort === null || !isWildcardAddress(reference.hostIp)) {
          continue;
        }
        const hostPortEnd = reference.hostPortEnd ?? hostPort;
        // A port the firewall deliberately lets in was meant to be public.
        if (allows.some((allow) => allow.port !== null && allow.port <= hostPort && (allow.endPort ?? allow.port) >= hostPortEnd && protocolsMeet(allow.protocol, reference.protocol))) {
          continue;
        }
        let blocker: { fileName: string; range: SourceRange; text: string; tool: string } | undefined;
        for (const { fileName: firewallFile, facts } of firewalls) {
          const block = facts.blocks.find((candidate) => candidate.port <= hostPortEnd && candidate.endPort >= hostPort && protocolsMeet(candidate.protocol, reference.protocol));
          if (block) {
            blocker = { fileName: firewallFile, range: block.range, text: block.text, tool: facts.tool };
            break;
          }
        }
        if (!blocker) {
          for (const { fileName: firewallFile, facts } of firewalls) {
            if (facts.defaultDeny) {
              blocker = { fileName: firewallFile, range: facts.defaultDeny.range, text: facts.defaultDeny.text, tool: facts.tool };
              break;
            }
          }
        }
        if (!blocker) {
          continue;
        }
        const ports = hostPort === hostPortEnd ? String(hostPort) : `${hostPort}-${hostPortEnd}`;
        // The software behind the port is the container's: judge the risk by the container port.
        const sensitive = reference.port !== null && reference.endPort !== null ? sensitivePortsIn(this.knowledge, reference.port, reference.endPort, reference.protocol)[0] : undefined;
        const fix = bindToLoopback(this.files.get(fileName)?.text ?? '', reference);
        const edge: GraphEdge = {
          kind: 'publish-firewall',
          from: `compose:${projectDirectory}:${service.name}`,
          to: `compose:${projectDirectory}:${service.name}`,
          port: hostPort,
          location: this.location(fileName, reference.range),
          label: `ports ${this.textAt(fileName, reference.range)}`,
          ok: false,
          served: [this.location(blocker.fileName, blocker.range)],
          rule: publishedPortBypassesFirewall.id,
        };
        builder.edges.push(edge);
        builder.report(fileName, {
          rule: publishedPortBypassesFirewall.id,
          severity: sensitive && sensitive.sensitive.severity === 'high' ? 'error' : publishedPortBypassesFirewall.defaultSeverity,
          message: `${service.name} publishes ${ports} on all interfaces, and Docker's published ports skip ${blocker.tool}'s input rules: "${blocker.text}" (${this.where(blocker.fileName, blocker.range, fileName)}) does not block it, so it stays reachable from other machines${sensitive ? ` (${sensitive.sensitive.service})` : ''}`,
          range: reference.range,
          reference,
          related: [{ message: `The ${blocker.tool} rule it skips`, range: blocker.range, fileName: blocker.fileName }],
          ...(fix ? { fixes: [{ kind: 'edit', title: 'Publish on 127.0.0.1 only', edits: [fix], isPreferred: true }] } : {}),
        });
      }
    }
  }

  private textAt(fileName: string, range: SourceRange): string {
    return (this.files.get(fileName)?.text ?? '').slice(range.start, Math.min(range.end, range.start + 120));
  }

  // -- Kubernetes -----------------------------------------------------------

  private linkNamespace(key: string, members: ReadonlySet<string>): GroupLinks {
    const builder = new LinkBuilder(++this.serial);
    const namespace = key.slice('k8s:'.length) || undefined;
    const workloads: { fileName: string; object: KubernetesObjectFacts; node: GraphNode }[] = [];
    const services = new Map<string, { fileName: string; object: KubernetesObjectFacts; node: GraphNode }>();
    const backends: { fileName: string; object: KubernetesObjectFacts }[] = [];
    const byLabel = new Map<string, typeof workloads>();
    const group = namespace === undefined ? '(no namespace)' : `namespace ${namespace}`;
    for (const fileName of [...members].sort()) {
      const entry = this.files.get(fileName);
      builder.reads.add(fileName);
      for (const object of entry?.analysis.wiring?.kubernetes ?? []) {
        if (object.namespace !== namespace) {
          continue;
        }
        if (WORKLOAD_KINDS.has(object.kind) && object.containers) {
          const listening = workloadListening(fileName, object.containers);
          const node: GraphNode = {
            id: `k8s:${namespace ?? ''}:${object.kind}/${object.name}`,
            kind: 'workload',
            name: `${object.kind}/${object.name}`,
            group,
            location: this.location(fileName, object.nameRange),
            listens: listening.known,
            publishes: [],
            ...(object.containers[0]?.image ? { image: object.containers[0].image } : {}),
            hostNetwork: object.hostNetworkRange !== undefined,
          };
          builder.nodes.push(node);
          const workload = { fileName, object, node };
          workloads.push(workload);
          for (const [label, value] of Object.entries(object.podLabels ?? {})) {
            const labelKey = `${label}=${value}`;
            const list = byLabel.get(labelKey) ?? [];
            list.push(workload);
            byLabel.set(labelKey, list);
          }
          for (const entry of listening.known ?? []) {
            if (entry.evidence.fileName && entry.evidence.range) {
              builder.spots.push({ location: this.location(entry.evidence.fileName, entry.evidence.range), node: node.id, port: entry.port, endPort: entry.endPort, kind: 'listen', label: `${node.name} ${entry.evidence.label}` });
            }
          }
          for (const container of object.containers) {
            for (const port of container.ports) {
              if (port.name) {
                builder.spots.push({ location: this.location(fileName, port.range), node: node.id, port: port.name, kind: 'listen', label: `${node.name} port ${port.name}` });
              }
            }
          }
          this.probes(fileName, object, node, builder);
          if (object.hostNetworkRange) {
            for (const entry of listening.known ?? []) {
              this.reportSensitiveHostPort(`${object.kind}/${object.name} runs with hostNetwork: true`, entry, fileName, object.hostNetworkRange, fileName, builder);
            }
          }
        } else if (object.kind === 'Service' && object.servicePorts) {
          const node: GraphNode = {
            id: `k8s:${namespace ?? ''}:Service/${object.name}`,
            kind: 'service',
            name: `Service/${object.name}`,
            group,
            location: this.location(fileName, object.nameRange),
            listens: object.servicePorts.map((port) => ({ port: port.port, endPort: port.port, protocol: port.protocol, evidence: { kind: 'declared', fileName, range: port.portRange, label: 'Service port' } })),
            publishes: object.servicePorts.map((port) => ({ label: `${port.port}${port.name ? ` (${port.name})` : ''}`, location: this.location(fileName, port.portRange) })),
            hostNetwork: false,
          };
          if (!services.has(object.name)) {
            services.set(object.name, { fileName, object, node });
            builder.nodes.push(node);
            for (const port of object.servicePorts) {
              builder.spots.push({ location: this.location(fileName, port.portRange), node: node.id, port: port.port, kind: 'listen', label: `${node.name} port ${port.port}` });
              if (port.name) {
                builder.spots.push({ location: this.location(fileName, port.portRange), node: node.id, port: port.name, kind: 'listen', label: `${node.name} port ${port.name}` });
              }
            }
          }
        } else if (object.backends) {
          backends.push({ fileName, object });
        }
      }
    }
    for (const service of services.values()) {
      this.serviceToPods(service, byLabel, builder);
    }
    for (const { fileName, object } of backends) {
      for (const backend of object.backends ?? []) {
        // A backend in another namespace is judged with that namespace's Services, which this group does not hold.
        if (backend.namespace !== undefined && backend.namespace !== namespace) {
          continue;
        }
        const service = services.get(backend.service);
        if (!service) {
          continue;
        }
        const ports = service.object.servicePorts ?? [];
        const matched = ports.filter((port) => (typeof backend.port === 'number' ? port.port === backend.port : port.name === backend.port));
        const ok = matched.length > 0;
        const label = `${object.kind}/${object.name} → ${backend.service}:${backend.port}`;
        const edge: GraphEdge = {
          kind: 'backend-service',
          to: service.node.id,
          port: backend.port,
          location: this.location(fileName, backend.portRange),
          label,
          ok,
          served: ok ? matched.map((port) => this.location(service.fileName, port.portRange)) : [service.node.location],
          ...(ok ? {} : { rule: backendPortUndefined.id }),
        };
        builder.edges.push(edge);
        builder.spots.push({ location: edge.location, node: service.node.id, port: backend.port, kind: 'dial', edge, label });
        if (ok) {
          continue;
        }
        const defined = ports.map((port) => (port.name ? `${port.port} (${port.name})` : String(port.port))).join(', ') || 'no ports';
        // A number is replaced by a number, a name by a name: the field keeps its kind.
        const replacement = ports.length === 1 ? (typeof backend.port === 'number' ? String(ports[0].port) : ports[0].name) : undefined;
        const fixes: QuickFix[] = replacement !== undefined
          ? [{ kind: 'edit', title: `Use Service port ${replacement}`, edits: [{ range: backend.portRange, newText: replacement }], isPreferred: true }]
          : [];
        builder.report(fileName, {
          rule: backendPortUndefined.id,
          severity: backendPortUndefined.defaultSeverity,
          message: `${object.kind} ${object.name} sends traffic to port ${typeof backend.port === 'number' ? backend.port : `"${backend.port}"`} of Service ${backend.service}, which defines ${defined} (${this.where(service.fileName, service.object.nameRange, fileName)})`,
          range: backend.portRange,
          related: [{ message: `Service ${backend.service}`, range: service.object.nameRange, fileName: service.fileName }, ...ports.slice(0, MAX_RELATED - 1).map((port) => ({ message: `Service port ${port.port}`, range: port.portRange, fileName: service.fileName }))],
          ...(fixes.length > 0 ? { fixes } : {}),
        });
      }
    }
    return builder.build();
  }

  private serviceToPods(
    service: { fileName: string; object: KubernetesObjectFacts; node: GraphNode },
    byLabel: ReadonlyMap<string, readonly { fileName: string; object: KubernetesObjectFacts; node: GraphNode }[]>,
    builder: LinkBuilder,
  ): void {
    const selector = service.object.selector;
    if (!selector || Object.keys(selector).length === 0) {
      return;
    }
    const [firstKey, firstValue] = Object.entries(selector)[0];
    const selected = (byLabel.get(`${firstKey}=${firstValue}`) ?? []).filter(({ object }) =>
      Object.entries(selector).every(([label, value]) => object.podLabels?.[label] === value),
    );
    if (selected.length === 0) {
      return;
    }
    for (const port of service.object.servicePorts ?? []) {
      const target = port.targetPort ?? port.port;
      const targetRange = port.targetPortRange ?? port.portRange;
      const broken: { fileName: string; object: KubernetesObjectFacts; listening: ListeningPort[] }[] = [];
      for (const workload of selected) {
        const containers = (workload.object.containers ?? []).filter((container) => !container.init);
        const listening = workloadListening(workload.fileName, containers);
        let ok: boolean | undefined;
        let served: ModelLocation[] = [];
        if (typeof target === 'string') {
          const named = containers.flatMap((container) => container.ports.filter((entry) => entry.name === target));
          ok = named.length > 0;
          served = named.map((entry) => this.location(workload.fileName, entry.range));
        } else if (listening.known && listening.complete) {
          const matched = listensOn(listening.known, target, target, port.protocol);
          ok = matched !== undefined;
          served = servedLocations(matched ? [matched] : [], workload.node);
        } else if (listening.known) {
          const matched = listensOn(listening.known, target, target, port.protocol);
          ok = matched ? true : undefined;
          served = servedLocations(matched ? [matched] : [], workload.node);
        }
        const label = `Service/${service.object.name} targetPort ${target}`;
        const edge: GraphEdge = {
          kind: 'service-pods',
          from: service.node.id,
          to: workload.node.id,
          port: target,
          location: this.location(service.fileName, targetRange),
          label,
          ok,
          served: ok ? served : [workload.node.location],
          ...(ok === false ? { rule: serviceTargetPortUnmatched.id } : {}),
        };
        builder.edges.push(edge);
        builder.spots.push({ location: edge.location, node: workload.node.id, port: target, kind: 'dial', edge, label });
        if (ok === false) {
          broken.push({ fileName: workload.fileName, object: workload.object, listening: listening.known ?? [] });
        }
      }
      if (broken.length === 0) {
        continue;
      }
      const first = broken[0];
      const what = typeof target === 'string' ? `a container port named "${target}"` : `port ${target}`;
      const defaulted = port.targetPort === undefined ? ` (no targetPort, so it defaults to port ${port.port})` : '';
      const declaredNames = (first.object.containers ?? []).flatMap((container) => container.ports.filter((entry) => entry.name).map((entry) => `"${entry.name}"`));
      const instead = typeof target === 'string'
        ? declaredNames.length > 0 ? `names ${declaredNames.join(', ')}` : 'names no ports'
        : `listens on ${this.evidenceText(first.listening, service.fileName)}`;
      const more = broken.length > 1 ? ` (and ${broken.length - 1} more selected workload${broken.length > 2 ? 's' : ''})` : '';
      const only = typeof target === 'number' ? onlyPort(first.listening) : undefined;
      const fixes: QuickFix[] = only !== undefined && port.targetPortRange && broken.every((entry) => onlyPort(entry.listening) === only)
        ? [{ kind: 'edit', title: `Target container port ${only}`, edits: [{ range: port.targetPortRange, newText: String(only) }], isPreferred: true }]
        : [];
      builder.report(service.fileName, {
        rule: serviceTargetPortUnmatched.id,
        severity: serviceTargetPortUnmatched.defaultSeverity,
        message: `Service ${service.object.name} forwards port ${port.port} to ${what}${defaulted}, but ${first.object.kind} ${first.object.name} ${instead}${more}`,
        range: targetRange,
        related: [
          { message: `${first.object.kind} ${first.object.name}`, range: first.object.nameRange, fileName: first.fileName },
          ...relatedOf(first.listening, 'Listens here'),
        ].slice(0, MAX_RELATED),
        ...(fixes.length > 0 ? { fixes } : {}),
      });
    }
  }

  private probes(fileName: string, object: KubernetesObjectFacts, node: GraphNode, builder: LinkBuilder): void {
    for (const container of object.containers ?? []) {
      if (container.probes.length === 0) {
        continue;
      }
      const declared = container.ports;
      const defaults = declared.length === 0 ? imageDefaultPorts(container.image, container.commandOverridden, container.environmentKeys) : [];
      for (const probe of container.probes) {
        const label = `${probe.probe}Probe ${probe.handler} ${probe.port}`;
        let ok: boolean | undefined;
        let served: ModelLocation[] = [];
        let listening: ListeningPort[] = [];
        if (typeof probe.port === 'string') {
          const named = declared.filter((entry) => entry.name === probe.port);
          ok = named.length > 0;
          served = named.map((entry) => this.location(fileName, entry.range));
          listening = portsAsListening(fileName, declared);
        } else if (declared.length > 0) {
          listening = portsAsListening(fileName, declared);
          const matched = listensOn(listening, probe.port, probe.port, 'tcp');
          ok = matched !== undefined;
          served = servedLocations(matched ? [matched] : [], node);
        } else if (defaults.length > 0) {
          listening = defaults;
          const matched = listensOn(listening, probe.port, probe.port, 'tcp');
          ok = matched !== undefined;
          served = [node.location];
        }
        const edge: GraphEdge = {
          kind: 'probe',
          from: node.id,
          to: node.id,
          port: probe.port,
          location: this.location(fileName, probe.range),
          label,
          ok,
          served: ok ? served : [this.location(fileName, container.nameRange)],
          ...(ok === false ? { rule: probePortUndeclared.id } : {}),
        };
        builder.edges.push(edge);
        builder.spots.push({ location: edge.location, node: node.id, port: probe.port, kind: 'dial', edge, label });
        if (ok !== false) {
          continue;
        }
        const only = typeof probe.port === 'number' ? onlyPort(listening) : undefined;
        const names = declared.filter((entry) => entry.name).map((entry) => `"${entry.name}"`);
        const instead = typeof probe.port === 'string'
          ? names.length > 0 ? `its ports are named ${names.join(', ')}` : 'it names no ports'
          : `it listens on ${this.evidenceText(listening, fileName)}`;
        builder.report(fileName, {
          rule: probePortUndeclared.id,
          severity: declared.length > 0 || typeof probe.port === 'string' ? probePortUndeclared.defaultSeverity : 'warning',
          message: `The ${probe.probe} probe of container "${container.name}" checks port ${typeof probe.port === 'number' ? probe.port : `"${probe.port}"`}, but ${instead}`,
          range: probe.range,
          related: [{ message: `Container ${container.name}`, range: container.nameRange, fileName }, ...relatedOf(listening, 'Listens here')].slice(0, MAX_RELATED),
          ...(only !== undefined ? { fixes: [{ kind: 'edit', title: `Probe port ${only}`, edits: [{ range: probe.range, newText: String(only) }], isPreferred: true }] } : {}),
        });
      }
    }
  }
}

/** Collects one group's links. */
class LinkBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly spots: Spot[] = [];
  readonly findings = new Map<string, PortDiagnostic[]>();
  readonly reads = new Set<string>();
  readonly mounts: string[] = [];

  constructor(private readonly serial: number) {}

  report(fileName: string, diagnostic: PortDiagnostic): void {
    const list = this.findings.get(fileName) ?? [];
    list.push(diagnostic);
    this.findings.set(fileName, list);
  }

  build(): GroupLinks {
    return { nodes: this.nodes, edges: this.edges, spots: this.spots, findings: this.findings, reads: this.reads, mounts: this.mounts, serial: this.serial };
  }
}

interface PlacedReference {
  readonly fileName: string;
  readonly reference: PortReference;
}

/** A service as Compose sees it after merging the project's files. */
interface MergedService {
  readonly name: string;
  facts: ComposeServiceFacts;
  /** Where the service is first defined. */
  readonly definition: ModelLocation;
  hostNetworkFile?: string;
  readonly publishes: PlacedReference[];
  readonly exposes: PlacedReference[];
  readonly dials: { dial: Dial; fileName: string }[];
}

/** The projects in one Compose group: the base and override file merged, any other file alone. */
function composeProjectsOf(directory: string, members: ReadonlySet<string>, key: string): string[][] {
  if (key !== `compose:${directory}` || !PROJECT_FILE_NAMES.has(baseNameOf([...members][0] ?? ''))) {
    return [[...members]];
  }
  const present = new Map([...members].map((name) => [baseNameOf(name), name]));
  const base = COMPOSE_BASE_FILE_NAMES.find((name) => present.has(name));
  const override = COMPOSE_OVERRIDE_FILE_NAMES.find((name) => present.has(name));
  const merged = [base, override].filter((name): name is string => name !== undefined).map((name) => present.get(name) as string);
  const alone = [...members].filter((name) => !merged.includes(name)).map((name) => [name]);
  return [merged, ...alone].filter((project) => project.length > 0);
}

function mergeServices(entries: readonly FileEntry[]): Map<string, MergedService> {
  const services = new Map<string, MergedService>();
  for (const entry of entries) {
    for (const facts of entry.analysis.wiring?.composeServices ?? []) {
      const existing = services.get(facts.name);
      if (!existing) {
        services.set(facts.name, {
          name: facts.name,
          facts,
          definition: { fileName: entry.fileName, range: facts.nameRange },
          ...(facts.hostNetworkRange ? { hostNetworkFile: entry.fileName } : {}),
          publishes: [],
          exposes: [],
          dials: facts.dials.map((dial) => ({ dial, fileName: entry.fileName })),
        });
        continue;
      }
      // A later file overrides single values and adds to lists, as Compose merges.
      existing.facts = {
        ...existing.facts,
        ...(facts.image !== undefined ? { image: facts.image, imageRange: facts.imageRange } : {}),
        ...(facts.build !== undefined ? { build: facts.build } : {}),
        ...(facts.hostNetworkRange !== undefined ? { hostNetworkRange: facts.hostNetworkRange } : {}),
        commandOverridden: existing.facts.commandOverridden || facts.commandOverridden,
        environmentKeys: [...existing.facts.environmentKeys, ...facts.environmentKeys],
        aliases: [...existing.facts.aliases, ...facts.aliases],
        volumes: [...existing.facts.volumes, ...facts.volumes],
      };
      if (facts.hostNetworkRange) {
        existing.hostNetworkFile = entry.fileName;
      }
      for (const dial of facts.dials) {
        existing.dials.push({ dial, fileName: entry.fileName });
      }
    }
    for (const reference of entry.analysis.references) {
      const service = reference.scope !== undefined ? services.get(reference.scope) : undefined;
      if (!service) {
        continue;
      }
      if (reference.role === 'publish') {
        service.publishes.push({ fileName: entry.fileName, reference });
      } else if (reference.role === 'expose') {
        service.exposes.push({ fileName: entry.fileName, reference });
      }
    }
  }
  return services;
}

/** What a workload's serving containers listen on; `complete` when every one of them is known. */
function workloadListening(fileName: string, containers: readonly ContainerFacts[]): { known: ListeningPort[] | undefined; complete: boolean } {
  const known: ListeningPort[] = [];
  let complete = true;
  for (const container of containers) {
    if (container.init) {
      continue;
    }
    if (container.ports.length > 0) {
      known.push(...portsAsListening(fileName, container.ports));
      continue;
    }
    const defaults = imageDefaultPorts(container.image, container.commandOverridden, container.environmentKeys);
    if (defaults.length > 0) {
      known.push(...defaults);
    } else {
      complete = false;
    }
  }
  return { known: known.length > 0 ? known : undefined, complete };
}

function portsAsListening(fileName: string, ports: ContainerFacts['ports']): ListeningPort[] {
  return ports.map((entry) => ({ port: entry.port, endPort: entry.endPort, protocol: entry.protocol, evidence: { kind: 'declared', fileName, range: entry.range, label: 'containerPort' } as Evidence }));
}

function servedLocations(matched: readonly ListeningPort[], node: GraphNode): ModelLocation[] {
  const located = matched.filter((entry) => entry.evidence.fileName && entry.evidence.range).map((entry) => ({ fileName: entry.evidence.fileName as string, range: entry.evidence.range as SourceRange }));
  return located.length > 0 ? located : [node.location];
}

function relatedOf(listening: readonly ListeningPort[], message: string): RelatedLocation[] {
  return listening
    .filter((entry) => entry.evidence.fileName && entry.evidence.range)
    .slice(0, MAX_RELATED)
    .map((entry) => ({ message, range: entry.evidence.range as SourceRange, fileName: entry.evidence.fileName as string }));
}

function protocolsMeet(a: Protocol, b: Protocol): boolean {
  return a === b || a === 'any' || b === 'any';
}

function overlaps(a: ListeningPort, b: ListeningPort): boolean {
  return a.port <= b.endPort && b.port <= a.endPort && protocolsMeet(a.protocol, b.protocol);
}

function samePort(a: Spot, b: Spot): boolean {
  if (typeof a.port === 'string' || typeof b.port === 'string') {
    return a.port === b.port;
  }
  const aEnd = a.endPort ?? a.port;
  const bEnd = b.endPort ?? b.port;
  return a.port <= bEnd && b.port <= aEnd;
}

function portText(reference: PortReference): string {
  return reference.port === reference.endPort ? String(reference.port) : `${reference.port}-${reference.endPort}`;
}

function publishLabel(reference: PortReference): string {
  const host = reference.hostPort === undefined ? '' : reference.hostPort === null ? 'ephemeral → ' : `${reference.hostIp ? `${reference.hostIp}:` : ''}${reference.hostPort}${reference.hostPortEnd !== undefined && reference.hostPortEnd !== null && reference.hostPortEnd !== reference.hostPort ? `-${reference.hostPortEnd}` : ''} → `;
  return `${host}${reference.port === null ? '?' : portText(reference)}/${reference.protocol}`;
}
