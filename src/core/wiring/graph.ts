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
 *
 * This file keeps the files, the groups and the questions; `composeLinks.ts` and
 * `kubernetesLinks.ts` link one group each, with what `links.ts` gives them.
 */
import type { FileAnalysis } from '../analysis';
import { KnowledgeBase } from '../ports/knowledgeBase';
import { settleDiagnostics } from '../rules/index';
import type { RuleSeverities } from '../rules/index';
import type { PortDiagnostic } from '../rules/types';
import { LineIndex } from '../text';
import type { FileFormat, SourceRange } from '../types';
import { PROJECT_FILE_NAMES } from '../composeProject';
import { linkCompose } from './composeLinks';
import { linkNamespace } from './kubernetesLinks';
import { linkSystemdUnits } from './systemdLinks';
import { linkTerraformModule } from './terraformLinks';
import { describePorts } from './listening';
import type { ListeningPort } from './listening';
import type { GroupLinks, LinkContext, LinkedFile, Spot } from './links';
import { ancestorsOf, DirectoryIndex } from './directoryIndex';
import { baseNameOf, directoryOf, isInside, slashed } from './paths';

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

interface FileEntry extends LinkedFile {
  lines?: LineIndex;
  /** The groups whose membership this file gives. */
  readonly groups: readonly string[];
}

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
  /** File → groups with spots (dials, listeners) written in it. */
  private readonly spotGroups = new Map<string, Set<string>>();
  private readonly nginxFiles = new DirectoryIndex();
  private readonly firewallFiles = new DirectoryIndex();
  /** Bind-mount source → the Compose groups whose services mount it, from each group's last link. */
  private readonly mounters = new Map<string, Set<string>>();
  /** Directory → the Compose groups of the files in it: the groups a firewall there guards. */
  private readonly composeGroupsIn = new Map<string, Set<string>>();
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
      addTo(this.composeGroupsIn, directoryOf(name), composeGroupKey(name));
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

  /**
   * The format a wanted file holds when its name does not say: a Dockerfile a service names
   * with `dockerfile:`, a server configuration a service mounts, a systemd unit a socket starts.
   */
  expectedFormatOf(fileName: string): FileFormat | undefined {
    for (const links of this.links.values()) {
      const format = links.expects.get(fileName);
      if (format) {
        return format;
      }
    }
    return undefined;
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
    const spot = this.spotAt(slashed(fileName), offset)?.spot;
    if (!spot || spot.kind !== 'dial' || !spot.edge) {
      return [];
    }
    return [...spot.edge.served];
  }

  /** Everything that listens on or dials the port at `offset`, across the workspace, the spot itself included. */
  referencesAt(fileName: string, offset: number): ModelLocation[] {
    const found = this.spotAt(slashed(fileName), offset);
    if (!found) {
      return [];
    }
    const { spot, links } = found;
    const locations: ModelLocation[] = [];
    const seen = new Set<string>();
    for (const other of links.spots) {
      if (other.node !== spot.node || !samePort(other, spot)) {
        continue;
      }
      const key = `${other.location.fileName}|${other.location.range.start}|${other.location.range.end}`;
      if (!seen.has(key)) {
        seen.add(key);
        locations.push(other.location);
      }
    }
    return locations;
  }

  /** The other ends of the port at `offset`, for the hover. */
  endsAt(fileName: string, offset: number): PortEnds | undefined {
    const found = this.spotAt(slashed(fileName), offset);
    if (!found) {
      return undefined;
    }
    const { spot, links } = found;
    const node = links.nodes.find((candidate) => candidate.id === spot.node);
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
    for (const other of links.spots) {
      if (other.kind === 'dial' && other.node === spot.node && samePort(other, spot)) {
        dialledBy.push({ label: other.label, location: other.location });
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
    const terraform = analysis.wiring?.terraform;
    if (terraform && (terraform.variables.length > 0 || terraform.variablePorts.length > 0)) {
      // A Terraform module is its folder, subfolders excluded.
      groups.add(`terraform:${directoryOf(name)}`);
    }
    if (analysis.wiring?.systemd?.activates && analysis.references.length > 0) {
      // A socket and the service it starts sit in one unit folder.
      groups.add(`systemd:${directoryOf(name)}`);
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
      if (members?.size === 0 && key.startsWith('compose:')) {
        removeFrom(this.composeGroupsIn, directoryOf(name), key);
      }
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
    for (const key of this.mounters.get(name) ?? []) {
      this.dirty.add(key);
    }
    for (const directory of ancestorsOf(name)) {
      for (const key of this.mounters.get(directory) ?? []) {
        this.dirty.add(key);
      }
      const key = `compose:${directory}`;
      if (this.groupMembers.has(key)) {
        this.dirty.add(key);
      }
    }
  }

  /** A firewall guards the Compose groups of its host's directory. */
  private markComposeGroupsOnHost(name: string): void {
    for (const key of this.composeGroupsIn.get(this.hostOf(name)) ?? []) {
      this.dirty.add(key);
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
    for (const firewall of this.firewallFiles.under(directory)) {
      for (const key of this.readers.get(firewall) ?? []) {
        this.dirty.add(key);
      }
      this.markComposeGroupsOnHost(firewall);
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


  /** The narrowest spot at `offset` (a port's digits inside a whole URL), with the group it belongs to: its node's other spots are there too. */
  private spotAt(name: string, offset: number): { spot: Spot; links: GroupLinks } | undefined {
    this.link();
    let best: { spot: Spot; links: GroupLinks } | undefined;
    for (const key of this.spotGroups.get(name) ?? []) {
      const links = this.links.get(key);
      for (const spot of links?.spotsByFile.get(name) ?? []) {
        if (links && rangeContains(spot.location.range, offset)
          && (!best || spot.location.range.end - spot.location.range.start < best.spot.location.range.end - best.spot.location.range.start)) {
          best = { spot, links };
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
    const context = this.linkContext();
    for (const key of keys) {
      const previous = this.links.get(key);
      if (previous) {
        for (const name of previous.reads) {
          this.readers.get(name)?.delete(key);
        }
        for (const name of previous.findings.keys()) {
          this.findingGroups.get(name)?.delete(key);
        }
        for (const mount of previous.mounts) {
          removeFrom(this.mounters, mount, key);
        }
        for (const name of previous.spotsByFile.keys()) {
          removeFrom(this.spotGroups, name, key);
        }
      }
      const members = this.groupMembers.get(key);
      if (!members || members.size === 0) {
        this.links.delete(key);
        this.groupMembers.delete(key);
        continue;
      }
      const links = key.startsWith('k8s:')
        ? linkNamespace(context, key, members, ++this.serial)
        : key.startsWith('terraform:')
          ? linkTerraformModule(context, key, members, ++this.serial)
          : key.startsWith('systemd:')
            ? linkSystemdUnits(context, key, members, ++this.serial)
            : linkCompose(context, key, members, ++this.serial);
      this.links.set(key, links);
      for (const name of links.reads) {
        addTo(this.readers, name, key);
      }
      for (const name of links.findings.keys()) {
        addTo(this.findingGroups, name, key);
      }
      for (const mount of links.mounts) {
        addTo(this.mounters, mount, key);
      }
      for (const name of links.spotsByFile.keys()) {
        addTo(this.spotGroups, name, key);
      }
    }
  }

  /** What linking needs of the model. It reads the model live, not a copy: a group sees what the groups linked before it changed. */
  private linkContext(): LinkContext {
    return {
      knowledge: this.knowledge,
      nginxFiles: this.nginxFiles,
      firewallFiles: this.firewallFiles,
      file: (name) => this.files.get(name),
      where: (fileName, range, from) => this.where(fileName, range, from),
      evidenceText: (listening, from) => this.evidenceText(listening, from),
      hostOf: (name) => this.hostOf(name),
      hasComposeGroup: (directory) => this.groupMembers.has(`compose:${directory}`),
    };
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
}

function samePort(a: Spot, b: Spot): boolean {
  if (typeof a.port === 'string' || typeof b.port === 'string') {
    return a.port === b.port;
  }
  const aEnd = a.endPort ?? a.port;
  const bEnd = b.endPort ?? b.port;
  return a.port <= bEnd && b.port <= aEnd;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let values = map.get(key);
  if (!values) {
    values = new Set();
    map.set(key, values);
  }
  values.add(value);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const values = map.get(key);
  values?.delete(value);
  if (values?.size === 0) {
    map.delete(key);
  }
}
