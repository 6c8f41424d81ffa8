import { Document, isScalar } from 'yaml';
import type { Node, Pair } from 'yaml';
import type { PortReference, Protocol, ScanProblem, Scanner, SourceRange } from '../types';
import { withoutUndefined } from './dockerfile';
import { appendAll, failureReason, MAX_PORT, problem } from './portSyntax';
import {
  AliasTable,
  WalkBudget,
  mapEntries,
  maskTemplates,
  nodeRange,
  parseYamlDocuments,
  scalarString,
  scalarText,
  seqItems,
  failureRange,
  yamlProblems,
} from './yamlSupport';

/** Kinds whose pod template sits at `spec.template`. */
const TEMPLATED_WORKLOADS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
]);

/** Kubernetes spells protocols in capitals and rejects any other spelling. */
const KUBERNETES_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map([
  ['TCP', 'tcp'],
  ['UDP', 'udp'],
  ['SCTP', 'sctp'],
]);

/** `IANA_SVC_NAME`: lowercase letters, digits and inner single hyphens, at least one letter, at most 15 characters. */
const PORT_NAME = /^[a-z0-9](?:-?[a-z0-9])*$/;
const HAS_LETTER = /[a-z]/;
const DIGITS = /^[0-9]+$/;

/** A parsed integer field. */
interface IntField {
  readonly value: number;
  readonly range: SourceRange;
  readonly plain: boolean;
}

/** A container port that a Service can name in `targetPort`. */
interface NamedContainerPort {
  readonly name: string;
  readonly port: number;
}

/** The pods a workload runs, as far as a Service selector is concerned. */
interface Workload {
  readonly namespace?: string;
  readonly labels: ReadonlyMap<string, string>;
  readonly ports: NamedContainerPort[];
}

/** A `targetPort` written as a name, resolved once every document has been read. */
interface PendingTarget {
  readonly index: number;
  readonly name: string;
  readonly namespace?: string;
  readonly selector: ReadonlyMap<string, string>;
}

/** Where a manifest sits, for scopes and selector matching. */
interface Manifest {
  readonly scope: string;
  readonly namespace?: string;
}

class KubernetesScan {
  private readonly references: PortReference[] = [];
  private readonly problems: ScanProblem[] = [];
  private readonly workloads: Workload[] = [];
  private readonly pendingTargets: PendingTarget[] = [];
  private readonly budget: WalkBudget;
  /** Anchors of the document being read; each document has its own. */
  private aliases = new AliasTable(new Document());

  constructor(private readonly text: string) {
    this.budget = new WalkBudget(text.length);
  }

  run(): { references: PortReference[]; problems: ScanProblem[] } {
    const masked = maskTemplates(this.text);
    const note = masked.masked ? ' (this file has template expressions, which can cause this)' : '';
    for (const doc of parseYamlDocuments(masked.text)) {
      appendAll(this.problems, yamlProblems(doc, this.text.length, masked.masked ? 'info' : 'error', note));
      this.aliases = new AliasTable(doc);
      this.manifest(doc.contents, 0);
    }
    this.resolveNamedTargets();
    const exhausted = this.budget.problem();
    if (exhausted) {
      this.problems.push(exhausted);
    }
    return { references: this.references, problems: this.problems };
  }

  // -- Generic access -------------------------------------------------------

  private entries(node: unknown): Map<string, Pair> {
    return mapEntries(node, this.aliases, this.budget);
  }

  private resolve(node: unknown): Node | undefined {
    return this.aliases.resolve(node);
  }

  /** Follows a path of mapping keys. */
  private at(node: unknown, ...path: string[]): Node | undefined {
    let current = this.resolve(node);
    for (const key of path) {
      current = this.resolve(this.entries(current).get(key)?.value);
    }
    return current;
  }

  private items(node: unknown): Node[] {
    return seqItems(node, this.aliases).filter((item) => this.budget.take(nodeRange(item)));
  }

  private stringAt(node: unknown, ...path: string[]): string | undefined {
    const text = scalarString(this.at(node, ...path))?.trim();
    return text === '' ? undefined : text;
  }

  private labelsAt(node: unknown): Map<string, string> {
    const labels = new Map<string, string>();
    for (const [key, pair] of this.entries(node)) {
      const value = scalarString(this.resolve(pair.value));
      if (value !== undefined) {
        labels.set(key, value);
      }
    }
    return labels;
  }

  /**
   * Reads an integer port field. Kubernetes decodes these as integers, so a quoted number is an
   * error there; a value that is empty (a masked template) counts as absent.
   */
  private intField(node: unknown, field: string, allowZero = false): IntField | undefined {
    const resolved = this.resolve(node);
    const scalar = scalarText(resolved, this.text);
    if (!scalar) {
      if (isScalar(resolved) && resolved.value !== null && resolved.range) {
        this.problems.push(problem(nodeRange(resolved), 'not-a-number', `${field} must be an integer, not ${JSON.stringify(resolved.value)}`));
      }
      return undefined;
    }
    const { value, range, plain } = scalar;
    if (typeof value === 'string') {
      if (value.trim() !== '') {
        this.problems.push(problem(range, 'not-a-number', `${field} must be an integer; Kubernetes rejects the string "${value}"`));
      }
      return undefined;
    }
    if (!Number.isInteger(value)) {
      this.problems.push(problem(range, 'not-a-number', `${field} must be a whole number, not ${value}`));
      return undefined;
    }
    if (value > MAX_PORT || value < 0 || (value === 0 && !allowZero)) {
      this.problems.push(problem(range, 'port-out-of-range', `${field} ${value} is out of range (1-${MAX_PORT})`));
      return undefined;
    }
    return { value, range, plain };
  }

  /** The `protocol` field: TCP when absent, undefined (after reporting) when Kubernetes would reject it. */
  private protocolOf(entries: Map<string, Pair>): Protocol | undefined {
    const node = this.resolve(entries.get('protocol')?.value);
    const written = scalarString(node)?.trim();
    if (written === undefined || written === '') {
      return 'tcp';
    }
    const protocol = KUBERNETES_PROTOCOLS.get(written);
    if (!protocol) {
      this.problems.push(
        problem(nodeRange(node), 'unknown-protocol', `Unknown protocol "${written}": Kubernetes accepts TCP, UDP and SCTP, in capitals`),
      );
    }
    return protocol;
  }

  // -- Manifests ------------------------------------------------------------

  private manifest(node: unknown, depth: number): void {
    const entries = this.entries(node);
    const kind = scalarString(this.resolve(entries.get('kind')?.value));
    if (!kind) {
      return;
    }
    if (kind.endsWith('List') && depth === 0) {
      for (const item of this.items(entries.get('items')?.value)) {
        this.manifest(item, depth + 1);
      }
      return;
    }
    const metadata = entries.get('metadata')?.value;
    const name = this.stringAt(metadata, 'name');
    const manifest: Manifest = { scope: name ? `${kind}/${name}` : kind, namespace: this.stringAt(metadata, 'namespace') };
    const spec = entries.get('spec')?.value;
    if (kind === 'Pod') {
      this.podSpec(manifest, spec, metadata);
    } else if (TEMPLATED_WORKLOADS.has(kind)) {
      const template = this.at(spec, 'template');
      this.podSpec(manifest, this.at(template, 'spec'), this.at(template, 'metadata'));
    } else if (kind === 'CronJob') {
      const template = this.at(spec, 'jobTemplate', 'spec', 'template');
      this.podSpec(manifest, this.at(template, 'spec'), this.at(template, 'metadata'));
    } else if (kind === 'Service') {
      this.service(manifest, spec);
    } else if (kind === 'Ingress') {
      this.ingress(manifest, spec);
    }
  }

  private podSpec(manifest: Manifest, spec: unknown, podMetadata: unknown): void {
    const podEntries = this.entries(spec);
    const hostNetwork = scalarString(this.resolve(podEntries.get('hostNetwork')?.value)) === 'true';
    const workload: Workload = { namespace: manifest.namespace, labels: this.labelsAt(this.at(podMetadata, 'labels')), ports: [] };
    this.workloads.push(workload);
    // Ephemeral containers may not declare ports, so only these two lists publish anything.
    for (const [listKey, flagKey] of [
      ['containers', 'container'],
      ['initContainers', 'initContainer'],
    ] as const) {
      for (const container of this.items(podEntries.get(listKey)?.value)) {
        const containerName = this.stringAt(container, 'name');
        const flags = containerName ? [`${flagKey}=${containerName}`] : undefined;
        for (const port of this.items(this.at(container, 'ports'))) {
          this.containerPort(port, manifest.scope, flags, hostNetwork, workload);
        }
      }
    }
  }

  private containerPort(node: Node, scope: string, flags: string[] | undefined, hostNetwork: boolean, workload: Workload): void {
    const entries = this.entries(node);
    const protocol = this.protocolOf(entries);
    const containerPort = this.intField(entries.get('containerPort')?.value, 'containerPort');
    // hostPort 0 is how the API spells "no host port".
    const hostPortField = this.intField(entries.get('hostPort')?.value, 'hostPort', true);
    const hostPort = hostPortField && hostPortField.value !== 0 ? hostPortField : undefined;
    const hostIp = this.stringAt(node, 'hostIP');
    const name = this.stringAt(node, 'name');
    if (!protocol || !containerPort) {
      return;
    }
    if (name) {
      workload.ports.push({ name, port: containerPort.value });
    }
    const shared = {
      protocol,
      port: containerPort.value,
      endPort: containerPort.value,
      hostIp: hostPort ? hostIp : undefined,
      hostPort: hostPort?.value,
      hostPortEnd: hostPort?.value,
      name,
      scope,
      flags,
      hostNetwork: hostNetwork || undefined,
    };
    this.references.push({
      ...shared,
      role: 'container',
      range: containerPort.range,
      portRange: containerPort.range,
      plainScalar: containerPort.plain,
    });
    if (hostPort) {
      this.references.push({
        ...shared,
        role: 'hostPort',
        range: hostPort.range,
        hostPortRange: hostPort.range,
        plainScalar: hostPort.plain,
      });
    }
  }

  private service(manifest: Manifest, spec: unknown): void {
    const specEntries = this.entries(spec);
    const serviceType = this.stringAt(spec, 'type') ?? 'ClusterIP';
    const selector = this.labelsAt(this.resolve(specEntries.get('selector')?.value));
    for (const item of this.items(specEntries.get('ports')?.value)) {
      const entries = this.entries(item);
      const protocol = this.protocolOf(entries);
      const port = this.intField(entries.get('port')?.value, 'port');
      const nodePort = this.intField(entries.get('nodePort')?.value, 'nodePort', true);
      const name = this.stringAt(item, 'name');
      const targetNode = this.resolve(entries.get('targetPort')?.value);
      if (!protocol) {
        continue;
      }
      const shared = { protocol, scope: manifest.scope, serviceType };
      if (port) {
        this.references.push({
          ...shared,
          role: 'service',
          range: port.range,
          portRange: port.range,
          port: port.value,
          endPort: port.value,
          name,
          plainScalar: port.plain,
        });
      }
      this.targetPort(targetNode, shared, manifest.namespace, selector);
      // nodePort 0 asks the cluster to pick one.
      if (nodePort && nodePort.value !== 0) {
        this.references.push({
          ...shared,
          role: 'nodePort',
          range: nodePort.range,
          portRange: nodePort.range,
          port: nodePort.value,
          endPort: nodePort.value,
          name,
          plainScalar: nodePort.plain,
        });
      }
    }
  }

  /** `targetPort` is an int-or-string: a number, or the name of a container port. */
  private targetPort(
    node: Node | undefined,
    shared: { protocol: Protocol; scope: string; serviceType: string },
    namespace: string | undefined,
    selector: ReadonlyMap<string, string>,
  ): void {
    const scalar = scalarText(node, this.text);
    if (!scalar) {
      this.intField(node, 'targetPort');
      return;
    }
    if (typeof scalar.value === 'number') {
      const number = this.intField(node, 'targetPort');
      if (number) {
        this.references.push({
          ...shared,
          role: 'targetPort',
          range: number.range,
          portRange: number.range,
          port: number.value,
          endPort: number.value,
          plainScalar: number.plain,
        });
      }
      return;
    }
    const name = scalar.value.trim();
    if (name === '') {
      return;
    }
    if (name.length > 15 || !PORT_NAME.test(name) || !HAS_LETTER.test(name)) {
      const hint = DIGITS.test(name) ? `; a quoted number is read as a name, so write ${name} without quotes` : '';
      this.problems.push(
        problem(scalar.range, 'invalid-port-name', `"${name}" is not a valid port name (up to 15 lowercase letters, digits and single inner hyphens, with at least one letter)${hint}`),
      );
      return;
    }
    this.pendingTargets.push({ index: this.references.length, name, namespace, selector });
    this.references.push({
      ...shared,
      role: 'targetPort',
      range: scalar.range,
      port: null,
      endPort: null,
      name,
      plainScalar: scalar.plain,
    });
  }

  private ingress(manifest: Manifest, spec: unknown): void {
    const specEntries = this.entries(spec);
    // `defaultBackend` in networking.k8s.io/v1; `backend` in the removed beta APIs.
    this.ingressBackend(specEntries.get('defaultBackend')?.value ?? specEntries.get('backend')?.value, manifest.scope);
    for (const rule of this.items(specEntries.get('rules')?.value)) {
      for (const path of this.items(this.at(rule, 'http', 'paths'))) {
        this.ingressBackend(this.at(path, 'backend'), manifest.scope);
      }
    }
  }

  private ingressBackend(backend: unknown, scope: string): void {
    const entries = this.entries(backend);
    const service = entries.get('service')?.value;
    const serviceName = service ? this.stringAt(service, 'name') : this.stringAt(backend, 'serviceName');
    const flags = serviceName ? [`service=${serviceName}`] : undefined;
    const shared = { role: 'ingress' as const, protocol: 'tcp' as const, scope, flags };
    if (service) {
      const port = this.entries(this.at(service, 'port'));
      const number = this.intField(port.get('number')?.value, 'port.number');
      if (number) {
        this.references.push({ ...shared, range: number.range, portRange: number.range, port: number.value, endPort: number.value, plainScalar: number.plain });
      }
      const nameNode = this.resolve(port.get('name')?.value);
      const name = scalarText(nameNode, this.text);
      if (name && typeof name.value === 'string' && name.value.trim() !== '') {
        this.references.push({ ...shared, range: name.range, port: null, endPort: null, name: name.value.trim(), plainScalar: name.plain });
      }
      return;
    }
    const legacy = this.resolve(entries.get('servicePort')?.value);
    const legacyText = scalarText(legacy, this.text);
    if (!legacyText) {
      return;
    }
    if (typeof legacyText.value === 'number') {
      const number = this.intField(legacy, 'servicePort');
      if (number) {
        this.references.push({ ...shared, range: number.range, portRange: number.range, port: number.value, endPort: number.value, plainScalar: number.plain });
      }
    } else if (legacyText.value.trim() !== '') {
      this.references.push({ ...shared, range: legacyText.range, port: null, endPort: null, name: legacyText.value.trim(), plainScalar: legacyText.plain });
    }
  }

  // -- Named target ports ---------------------------------------------------

  /**
   * A named `targetPort` means "the container port with this name in each selected pod".
   * Pods are the workloads in this file whose template labels include the Service selector;
   * when the selector is empty or no workload has labels, every workload in the file counts.
   * The name resolves only when every matching port agrees on one number.
   */
  private resolveNamedTargets(): void {
    const anyLabels = this.workloads.some((workload) => workload.labels.size > 0);
    for (const pending of this.pendingTargets) {
      const useLabels = pending.selector.size > 0 && anyLabels;
      const numbers = new Set<number>();
      for (const workload of this.workloads) {
        if (pending.namespace !== undefined && workload.namespace !== undefined && pending.namespace !== workload.namespace) {
          continue;
        }
        if (useLabels && !selects(pending.selector, workload.labels)) {
          continue;
        }
        for (const port of workload.ports) {
          if (port.name === pending.name) {
            numbers.add(port.port);
          }
        }
      }
      if (numbers.size === 1) {
        const [port] = numbers;
        this.references[pending.index] = { ...this.references[pending.index], port, endPort: port };
      }
    }
  }
}

function selects(selector: ReadonlyMap<string, string>, labels: ReadonlyMap<string, string>): boolean {
  for (const [key, value] of selector) {
    if (labels.get(key) !== value) {
      return false;
    }
  }
  return true;
}

/**
 * Finds the ports in Kubernetes manifests: container and host ports of every pod template,
 * Service ports, target ports and node ports, and Ingress backends. Multi-document files and
 * Helm templates (with `{{ }}` blanked out) are read document by document.
 */
export const scanKubernetes: Scanner = (text) => {
  try {
    const { references, problems } = new KubernetesScan(text).run();
    return { format: 'kubernetes', references: references.map(withoutUndefined), problems };
  } catch (error) {
    return {
      format: 'kubernetes',
      references: [],
      problems: [problem(failureRange(error, text.length), 'parse-error', `Could not read the manifest: ${failureReason(error)}`)],
    };
  }
};

const API_VERSION_LINE = 'apiVersion:';
const KIND_LINE = 'kind:';

/** Cheap sniff for format detection: some line starts with `apiVersion:` and some line with `kind:`. */
export function looksLikeKubernetes(text: string): boolean {
  let sawApiVersion = false;
  let sawKind = false;
  let lineStart = 0;
  while (lineStart < text.length && !(sawApiVersion && sawKind)) {
    sawApiVersion ||= text.startsWith(API_VERSION_LINE, lineStart);
    sawKind ||= text.startsWith(KIND_LINE, lineStart);
    const newline = text.indexOf('\n', lineStart);
    if (newline === -1) {
      break;
    }
    lineStart = newline + 1;
  }
  return sawApiVersion && sawKind;
}
