import { Document, isMap, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import type { FirewallRuleInfo, Mutable, PortReference, Protocol, ScanProblem, Scanner, SourceRange } from '../types';
import type {
  BackendFacts,
  ContainerFacts,
  KubernetesObjectFacts,
  ProbePort,
  ServicePortFacts,
  WiredPort,
} from '../wiring/facts';
import { withoutUndefined } from './dockerfile';
import { appendAll, failureReason, MAX_PORT, problem } from './portSyntax';
import {
  AliasTable,
  WalkBudget,
  maskTemplates,
  mergedMapping,
  nodeRange,
  parseYamlDocuments,
  scalarString,
  scalarText,
  seqItems,
  failureRange,
  yamlProblems,
} from './yamlSupport';
import type { MergedMapping } from './yamlSupport';

/** Kinds whose pod template sits at `spec.template`. */
const TEMPLATED_WORKLOADS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
]);

/** Gateway API routes whose `spec.rules[].backendRefs[]` name Services. */
const ROUTE_KINDS: ReadonlySet<string> = new Set(['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute']);

/** Probe fields of a container, in the order their facts are listed. */
const PROBES = [
  ['livenessProbe', 'liveness'],
  ['readinessProbe', 'readiness'],
  ['startupProbe', 'startup'],
] as const;

/** Container port names (`IANA_SVC_NAME`) are shorter than Service port names (DNS labels). */
const CONTAINER_PORT_NAME_LENGTH = 15;
const SERVICE_PORT_NAME_LENGTH = 63;

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

/** `ipBlock` CIDRs that admit every address. */
const WORLD_CIDRS: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

/** The source of a NetworkPolicy rule whose peers a Helm template supplies. */
const TEMPLATED_PEERS = 'peers set by a template';

/** The longest peer text kept as a NetworkPolicy rule's source. */
const MAX_PEER_TEXT = 100;

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

/** A scalar read for certain, with where its characters are written. */
interface Located<T> {
  readonly value: T;
  readonly range: SourceRange;
}

/**
 * A Service port's `targetPort` for the wiring facts: `absent` when not written (Kubernetes then
 * uses `port`), `unreadable` when written in a way Kubernetes would not accept.
 */
type TargetPortFact = Located<number | string> | 'absent' | 'unreadable';

/** Labels as the scanner matches them, and the string-valued ones Kubernetes would accept. */
interface Labels {
  /** Every scalar value as text, for matching named target ports. */
  readonly matched: Map<string, string>;
  /** String values only; undefined when the labels are not a mapping. */
  readonly strings?: Record<string, string>;
  /** Every value was a string. */
  readonly allStrings: boolean;
}

/** The fields a kind adds to an object's facts. */
type ObjectDetails = Omit<Mutable<KubernetesObjectFacts>, 'kind' | 'name' | 'namespace' | 'nameRange'>;

class KubernetesScan {
  private readonly references: PortReference[] = [];
  private readonly problems: ScanProblem[] = [];
  private readonly workloads: Workload[] = [];
  private readonly pendingTargets: PendingTarget[] = [];
  private readonly facts: KubernetesObjectFacts[] = [];
  private readonly budget: WalkBudget;
  /** Anchors of the document being read; each document has its own. */
  private aliases = new AliasTable(new Document());
  /** The file had template expressions blanked out: an empty value may have been one. */
  private templated = false;

  constructor(private readonly text: string) {
    this.budget = new WalkBudget(text.length);
  }

  run(): { references: PortReference[]; problems: ScanProblem[]; facts: KubernetesObjectFacts[] } {
    const masked = maskTemplates(this.text);
    const note = masked.masked ? ' (this file has template expressions, which can cause this)' : '';
    this.templated = masked.masked;
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
    // A blanked template could have held any name, label or port: the facts would be guesses.
    return { references: this.references, problems: this.problems, facts: masked.masked ? [] : this.facts };
  }

  // -- Generic access -------------------------------------------------------

  private entries(node: unknown): MergedMapping {
    return mergedMapping(node, this.aliases, this.budget);
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

  /** The value under `key`; undefined both when the key is missing and when its value is null. */
  private written(entries: MergedMapping, key: string): Node | undefined {
    const node = this.resolve(entries.get(key)?.value);
    return isScalar(node) && node.value === null ? undefined : node;
  }

  private labelsAt(node: unknown): Labels {
    const resolved = this.resolve(node);
    const matched = new Map<string, string>();
    const strings: [string, string][] = [];
    let allStrings = true;
    for (const [key, pair] of this.entries(resolved)) {
      const value = this.resolve(pair.value);
      const text = scalarString(value);
      if (text !== undefined) {
        matched.set(key, text);
      }
      if (isScalar(value) && typeof value.value === 'string') {
        strings.push([key, value.value]);
      } else {
        allStrings = false;
      }
    }
    const readable = resolved === undefined || isMap(resolved) || (isScalar(resolved) && resolved.value === null);
    // `fromEntries` defines every key as an own property, `__proto__` included.
    return { matched, strings: readable ? Object.fromEntries(strings) : undefined, allStrings };
  }

  /** A string scalar exactly as Kubernetes would read it: not a number or boolean, not empty, no stray spaces. */
  private textField(node: unknown): Located<string> | undefined {
    const scalar = scalarText(this.resolve(node), this.text);
    if (!scalar || typeof scalar.value !== 'string' || scalar.value === '' || scalar.value.trim() !== scalar.value) {
      return undefined;
    }
    return { value: scalar.value, range: scalar.range };
  }

  /** A port number, read without reporting: for fields the scanner does not otherwise check. */
  private quietPort(node: unknown): Located<number> | undefined {
    const scalar = scalarText(this.resolve(node), this.text);
    if (!scalar || typeof scalar.value !== 'number' || !Number.isInteger(scalar.value) || scalar.value < 1 || scalar.value > MAX_PORT) {
      return undefined;
    }
    return { value: scalar.value, range: scalar.range };
  }

  /** A port name of at most `maxLength` characters. */
  private portName(node: unknown, maxLength: number): Located<string> | undefined {
    const name = this.textField(node);
    return name && isPortName(name.value, maxLength) ? name : undefined;
  }

  /** An int-or-string port: a number, or a port name of at most `maxNameLength` characters. */
  private quietPortOrName(node: unknown, maxNameLength: number): Located<number | string> | undefined {
    return this.quietPort(node) ?? this.portName(node, maxNameLength);
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
  private protocolOf(entries: MergedMapping): Protocol | undefined {
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
    const metadata = this.entries(entries.get('metadata')?.value);
    const nameNode = this.resolve(metadata.get('name')?.value);
    const namespaceNode = this.resolve(metadata.get('namespace')?.value);
    const name = trimmedString(nameNode);
    const manifest: Manifest = { scope: name ? `${kind}/${name}` : kind, namespace: trimmedString(namespaceNode) };
    const spec = entries.get('spec')?.value;
    let details: ObjectDetails | undefined;
    if (kind === 'Pod') {
      details = this.podSpec(manifest, spec, metadata);
    } else if (TEMPLATED_WORKLOADS.has(kind)) {
      const template = this.entries(this.at(spec, 'template'));
      details = this.podSpec(manifest, template.get('spec')?.value, this.entries(template.get('metadata')?.value));
    } else if (kind === 'CronJob') {
      const template = this.entries(this.at(spec, 'jobTemplate', 'spec', 'template'));
      details = this.podSpec(manifest, template.get('spec')?.value, this.entries(template.get('metadata')?.value));
    } else if (kind === 'Service') {
      details = this.service(manifest, spec);
    } else if (kind === 'Ingress') {
      details = this.ingress(manifest, spec);
    } else if (ROUTE_KINDS.has(kind)) {
      details = { backends: this.routeBackends(spec) };
    } else if (kind === 'NetworkPolicy') {
      this.networkPolicy(manifest.scope, spec);
    }
    if (details) {
      this.addFacts(kind, nameNode, namespaceNode, details);
    }
  }

  private addFacts(kind: string, nameNode: Node | undefined, namespaceNode: Node | undefined, details: ObjectDetails): void {
    const name = this.textField(nameNode);
    // Past the walk budget some fields read as missing; facts with holes in them would mislead.
    if (!name || this.budget.problem()) {
      return;
    }
    this.facts.push(withoutUndefined({ kind, name: name.value, namespace: this.textField(namespaceNode)?.value, nameRange: name.range, ...details }));
  }

  private podSpec(manifest: Manifest, spec: unknown, podMetadata: MergedMapping): ObjectDetails {
    const podEntries = this.entries(spec);
    const hostNetworkNode = this.resolve(podEntries.get('hostNetwork')?.value);
    const hostNetwork = scalarString(hostNetworkNode) === 'true';
    const labels = this.labelsAt(podMetadata.get('labels')?.value);
    const workload: Workload = { namespace: manifest.namespace, labels: labels.matched, ports: [] };
    this.workloads.push(workload);
    const containers: ContainerFacts[] = [];
    let containersReadable = true;
    // Ephemeral containers may not declare ports, so only these two lists publish anything.
    for (const [listKey, flagKey] of [
      ['containers', 'container'],
      ['initContainers', 'initContainer'],
    ] as const) {
      const list = this.written(podEntries, listKey);
      if (list !== undefined && !isSeq(list) && listKey === 'containers') {
        containersReadable = false;
      }
      for (const container of this.items(list)) {
        const containerEntries = this.entries(container);
        const nameNode = this.resolve(containerEntries.get('name')?.value);
        const containerName = trimmedString(nameNode);
        const flags = containerName ? [`${flagKey}=${containerName}`] : undefined;
        const ports: WiredPort[] = [];
        for (const port of this.items(containerEntries.get('ports')?.value)) {
          const wired = this.containerPort(port, manifest.scope, flags, hostNetwork, workload);
          if (wired) {
            ports.push(wired);
          }
        }
        const facts = this.containerFacts(containerEntries, nameNode, ports, listKey === 'initContainers');
        if (facts) {
          containers.push(facts);
        }
      }
    }
    return {
      podLabels: labels.strings,
      hostNetworkRange: isScalar(hostNetworkNode) && hostNetworkNode.value === true ? nodeRange(hostNetworkNode) : undefined,
      containers: containersReadable ? containers : undefined,
    };
  }

  /** A container's facts; none for a container without a readable name, which Kubernetes would reject. */
  private containerFacts(entries: MergedMapping, nameNode: Node | undefined, ports: WiredPort[], init: boolean): ContainerFacts | undefined {
    const name = this.textField(nameNode);
    if (!name) {
      return undefined;
    }
    const image = this.textField(entries.get('image')?.value);
    const environmentKeys: string[] = [];
    for (const variable of this.items(entries.get('env')?.value)) {
      const key = this.textField(this.entries(variable).get('name')?.value);
      if (key) {
        environmentKeys.push(key.value);
      }
    }
    return withoutUndefined({
      name: name.value,
      nameRange: name.range,
      image: image?.value,
      imageRange: image?.range,
      commandOverridden: this.overrides(entries, 'command') || this.overrides(entries, 'args'),
      environmentKeys,
      ports,
      probes: this.probes(entries),
      init,
    });
  }

  /**
   * Whether `command` or `args` replaces the image's own: an empty list or null keeps the image's,
   * anything else (a value Kubernetes would reject included) may not.
   */
  private overrides(entries: MergedMapping, key: string): boolean {
    const node = this.written(entries, key);
    return node !== undefined && !(isSeq(node) && node.items.length === 0);
  }

  private probes(container: MergedMapping): ProbePort[] {
    const probes: ProbePort[] = [];
    for (const [key, probe] of PROBES) {
      const handlers = this.entries(container.get(key)?.value);
      if (handlers.size === 0) {
        continue;
      }
      for (const handler of ['httpGet', 'tcpSocket', 'grpc'] as const) {
        const portNode = this.entries(handlers.get(handler)?.value).get('port')?.value;
        // gRPC probes take a number only; the others may name a container port.
        const port = handler === 'grpc' ? this.quietPort(portNode) : this.quietPortOrName(portNode, CONTAINER_PORT_NAME_LENGTH);
        if (port) {
          probes.push({ probe, handler, port: port.value, range: port.range });
        }
      }
    }
    return probes;
  }

  private containerPort(node: Node, scope: string, flags: string[] | undefined, hostNetwork: boolean, workload: Workload): WiredPort | undefined {
    const entries = this.entries(node);
    const protocol = this.protocolOf(entries);
    const containerPort = this.intField(entries.get('containerPort')?.value, 'containerPort');
    // hostPort 0 is how the API spells "no host port".
    const hostPortField = this.intField(entries.get('hostPort')?.value, 'hostPort', true);
    const hostPort = hostPortField && hostPortField.value !== 0 ? hostPortField : undefined;
    const hostIp = trimmedString(this.resolve(entries.get('hostIP')?.value));
    const nameNode = this.resolve(entries.get('name')?.value);
    const name = trimmedString(nameNode);
    if (!protocol || !containerPort) {
      return undefined;
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
    const wiredName = this.textField(nameNode)?.value;
    return withoutUndefined({ port: containerPort.value, endPort: containerPort.value, protocol, range: containerPort.range, name: wiredName });
  }

  private service(manifest: Manifest, spec: unknown): ObjectDetails {
    const specEntries = this.entries(spec);
    const serviceType = trimmedString(this.resolve(specEntries.get('type')?.value)) ?? 'ClusterIP';
    const selector = this.labelsAt(specEntries.get('selector')?.value);
    const portsNode = this.written(specEntries, 'ports');
    const servicePorts: ServicePortFacts[] = [];
    for (const item of this.items(portsNode)) {
      const entries = this.entries(item);
      const protocol = this.protocolOf(entries);
      const port = this.intField(entries.get('port')?.value, 'port');
      const nodePort = this.intField(entries.get('nodePort')?.value, 'nodePort', true);
      const nameNode = this.resolve(entries.get('name')?.value);
      const name = trimmedString(nameNode);
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
      const target = this.targetPort(targetNode, shared, manifest.namespace, selector.matched);
      // Without a certain targetPort the port's destination is unknown; leaving the port out keeps
      // the graph from taking `port` as the destination.
      if (port && target !== 'unreadable') {
        servicePorts.push(
          withoutUndefined({
            name: this.textField(nameNode)?.value,
            port: port.value,
            portRange: port.range,
            targetPort: target === 'absent' ? undefined : target.value,
            targetPortRange: target === 'absent' ? undefined : target.range,
            protocol,
          }),
        );
      }
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
    const selectorReadable = selector.strings !== undefined && selector.allStrings && selector.matched.size > 0;
    return {
      // A selector with a value Kubernetes would reject is left out whole: dropping one entry would widen it.
      selector: selectorReadable ? selector.strings : undefined,
      servicePorts: portsNode === undefined || isSeq(portsNode) ? servicePorts : undefined,
    };
  }

  /** `targetPort` is an int-or-string: a number, or the name of a container port. */
  private targetPort(
    node: Node | undefined,
    shared: { protocol: Protocol; scope: string; serviceType: string },
    namespace: string | undefined,
    selector: ReadonlyMap<string, string>,
  ): TargetPortFact {
    const scalar = scalarText(node, this.text);
    if (!scalar) {
      this.intField(node, 'targetPort');
      return node === undefined || (isScalar(node) && node.value === null) ? 'absent' : 'unreadable';
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
      return number ?? 'unreadable';
    }
    const name = scalar.value.trim();
    if (name === '') {
      return 'unreadable';
    }
    if (!isPortName(name, CONTAINER_PORT_NAME_LENGTH)) {
      const hint = DIGITS.test(name) ? `; a quoted number is read as a name, so write ${name} without quotes` : '';
      this.problems.push(
        problem(scalar.range, 'invalid-port-name', `"${name}" is not a valid port name (up to 15 lowercase letters, digits and single inner hyphens, with at least one letter)${hint}`),
      );
      return 'unreadable';
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
    return { value: name, range: scalar.range };
  }

  private ingress(manifest: Manifest, spec: unknown): ObjectDetails {
    const specEntries = this.entries(spec);
    const backends: BackendFacts[] = [];
    const add = (backend: BackendFacts | undefined): void => {
      if (backend) {
        backends.push(backend);
      }
    };
    // `defaultBackend` in networking.k8s.io/v1; `backend` in the removed beta APIs.
    add(this.ingressBackend(specEntries.get('defaultBackend')?.value ?? specEntries.get('backend')?.value, manifest.scope));
    for (const rule of this.items(specEntries.get('rules')?.value)) {
      for (const path of this.items(this.at(rule, 'http', 'paths'))) {
        add(this.ingressBackend(this.at(path, 'backend'), manifest.scope));
      }
    }
    return { backends };
  }

  private ingressBackend(backend: unknown, scope: string): BackendFacts | undefined {
    const entries = this.entries(backend);
    const service = entries.get('service')?.value;
    const serviceNode = service ? this.at(service, 'name') : this.resolve(entries.get('serviceName')?.value);
    const serviceName = trimmedString(serviceNode);
    const flags = serviceName ? [`service=${serviceName}`] : undefined;
    const shared = { role: 'ingress' as const, protocol: 'tcp' as const, scope, flags };
    const serviceFact = this.textField(serviceNode);
    const backendFact = (port: Located<number | string> | undefined): BackendFacts | undefined =>
      serviceFact && port ? { service: serviceFact.value, serviceRange: serviceFact.range, port: port.value, portRange: port.range } : undefined;
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
      const hasNumber = this.written(port, 'number') !== undefined;
      // Kubernetes takes a number or a name, never both.
      if (hasNumber && this.written(port, 'name') !== undefined) {
        return undefined;
      }
      return backendFact(hasNumber ? number : this.portName(nameNode, SERVICE_PORT_NAME_LENGTH));
    }
    const legacy = this.resolve(entries.get('servicePort')?.value);
    const legacyText = scalarText(legacy, this.text);
    if (!legacyText) {
      return undefined;
    }
    if (typeof legacyText.value === 'number') {
      const number = this.intField(legacy, 'servicePort');
      if (number) {
        this.references.push({ ...shared, range: number.range, portRange: number.range, port: number.value, endPort: number.value, plainScalar: number.plain });
      }
      return backendFact(number);
    } else if (legacyText.value.trim() !== '') {
      this.references.push({ ...shared, range: legacyText.range, port: null, endPort: null, name: legacyText.value.trim(), plainScalar: legacyText.plain });
    }
    return backendFact(this.quietPortOrName(legacy, SERVICE_PORT_NAME_LENGTH));
  }

  /**
   * Gateway API `backendRefs` that point at a Service: `kind` absent or `Service` and `group`
   * absent or empty (the core API group). Refs to other kinds are left out.
   */
  private routeBackends(spec: unknown): BackendFacts[] {
    const backends: BackendFacts[] = [];
    for (const rule of this.items(this.entries(spec).get('rules')?.value)) {
      for (const ref of this.items(this.entries(rule).get('backendRefs')?.value)) {
        const entries = this.entries(ref);
        const kindNode = this.written(entries, 'kind');
        const groupNode = this.written(entries, 'group');
        const namespaceNode = this.written(entries, 'namespace');
        const isService = kindNode === undefined || this.textField(kindNode)?.value === 'Service';
        const coreGroup = groupNode === undefined || (isScalar(groupNode) && groupNode.value === '');
        const name = this.textField(entries.get('name')?.value);
        const namespace = namespaceNode === undefined ? undefined : this.textField(namespaceNode);
        const port = this.quietPort(entries.get('port')?.value);
        // A namespace written but unreadable must not turn into the route's own namespace.
        if (!isService || !coreGroup || !name || !port || (namespaceNode !== undefined && !namespace)) {
          continue;
        }
        backends.push(
          withoutUndefined({ service: name.value, serviceRange: name.range, namespace: namespace?.value, port: port.value, portRange: port.range }),
        );
      }
    }
    return backends;
  }

  // -- NetworkPolicy ----------------------------------------------------------

  /**
   * The ports a NetworkPolicy's ingress and egress rules allow, as firewall references. A rule
   * without peers (`from` or `to` missing or empty) allows every address, as does a peer whose
   * `ipBlock` is the whole internet.
   */
  private networkPolicy(scope: string, spec: unknown): void {
    const specEntries = this.entries(spec);
    for (const [chain, peersKey] of [
      ['ingress', 'from'],
      ['egress', 'to'],
    ] as const) {
      for (const rule of this.items(specEntries.get(chain)?.value)) {
        const ruleEntries = this.entries(rule);
        const firewall = this.policyPeers(ruleEntries, peersKey, chain);
        for (const item of this.items(ruleEntries.get('ports')?.value)) {
          this.policyPort(item, scope, firewall);
        }
      }
    }
  }

  /** Who a rule admits: `source` null for everyone, otherwise its first peer described. */
  private policyPeers(ruleEntries: MergedMapping, peersKey: 'from' | 'to', chain: 'ingress' | 'egress'): FirewallRuleInfo {
    const peers = this.written(ruleEntries, peersKey);
    if (peers === undefined) {
      // A blanked template may have held the peers.
      const source = this.templated && ruleEntries.has(peersKey) ? TEMPLATED_PEERS : null;
      return { action: 'allow', source, chain };
    }
    if (!isSeq(peers)) {
      return { action: 'allow', source: this.writtenText(peers), chain };
    }
    let first: string | undefined;
    for (const peer of this.items(peers)) {
      const cidr = this.textField(this.at(peer, 'ipBlock', 'cidr'));
      if (cidr && WORLD_CIDRS.has(cidr.value)) {
        return { action: 'allow', source: null, chain, sourceRange: cidr.range };
      }
      first ??= this.describePeer(peer, cidr?.value);
    }
    return { action: 'allow', source: first ?? (this.templated ? TEMPLATED_PEERS : null), chain };
  }

  /** `podSelector app=web`, `namespaceSelector team=a, podSelector role=db`, or an `ipBlock` CIDR. */
  private describePeer(peer: Node, cidr: string | undefined): string {
    if (cidr !== undefined) {
      return cidr;
    }
    const entries = this.entries(peer);
    const parts: string[] = [];
    for (const selector of ['namespaceSelector', 'podSelector']) {
      if (!entries.has(selector)) {
        continue;
      }
      const labels = [...this.labelsAt(this.at(entries.get(selector)?.value, 'matchLabels')).matched].map(([key, value]) => `${key}=${value}`);
      parts.push(labels.length > 0 ? `${selector} ${labels.join(',')}` : selector);
    }
    return parts.length > 0 ? parts.join(', ') : this.writtenText(peer);
  }

  /** A node's text as written, on one line, cut short after {@link MAX_PEER_TEXT} characters. */
  private writtenText(node: Node): string {
    const range = nodeRange(node);
    const text = this.text.slice(range.start, Math.min(range.end, range.start + MAX_PEER_TEXT * 4)).replace(/\s+/g, ' ').trim();
    return text.length > MAX_PEER_TEXT ? `${text.slice(0, MAX_PEER_TEXT)}…` : text || TEMPLATED_PEERS;
  }

  /** One `ports` entry: a number with an optional `endPort`, a named port, or no port (every port of the protocol). */
  private policyPort(node: Node, scope: string, firewall: FirewallRuleInfo): void {
    const entries = this.entries(node);
    const protocol = this.protocolOf(entries);
    if (!protocol) {
      return;
    }
    const shared = { role: 'firewall' as const, protocol, scope, firewall };
    const portNode = this.written(entries, 'port');
    const endPortNode = this.written(entries, 'endPort');
    const endPortRange = endPortNode && scalarText(endPortNode, this.text)?.range;
    if (portNode === undefined) {
      if (endPortNode !== undefined) {
        this.problems.push(problem(endPortRange ?? nodeRange(endPortNode), 'invalid-port', 'endPort needs a numeric port: Kubernetes refuses an endPort on its own'));
        return;
      }
      const protocolRange = scalarText(this.resolve(entries.get('protocol')?.value), this.text)?.range;
      this.references.push({ ...shared, range: protocolRange ?? nodeRange(node), port: 0, endPort: MAX_PORT });
      return;
    }
    const written = scalarText(portNode, this.text);
    if (written && typeof written.value === 'string') {
      const name = written.value.trim();
      if (!isPortName(name, CONTAINER_PORT_NAME_LENGTH)) {
        const hint = DIGITS.test(name) ? `; a quoted number is read as a name, so write ${name} without quotes` : '';
        this.problems.push(
          problem(written.range, 'invalid-port-name', `"${name}" is not a valid port name (up to 15 lowercase letters, digits and single inner hyphens, with at least one letter)${hint}`),
        );
        return;
      }
      if (endPortNode !== undefined) {
        this.problems.push(problem(endPortRange ?? nodeRange(endPortNode), 'invalid-port', `endPort cannot follow the named port "${name}": Kubernetes refuses it`));
        return;
      }
      this.references.push({ ...shared, range: written.range, port: null, endPort: null, name, plainScalar: written.plain });
      return;
    }
    const port = this.intField(portNode, 'port');
    const endPort = endPortNode === undefined ? undefined : this.intField(endPortNode, 'endPort');
    if (!port || (endPortNode !== undefined && !endPort)) {
      return;
    }
    if (endPort && endPort.value < port.value) {
      this.problems.push(problem(endPort.range, 'invalid-port', `endPort ${endPort.value} is below port ${port.value}: Kubernetes refuses it`));
      return;
    }
    this.references.push({
      ...shared,
      range: port.range,
      portRange: port.range,
      endPortRange: endPort?.range,
      port: port.value,
      endPort: endPort?.value ?? port.value,
      plainScalar: port.plain,
    });
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

/** Text of a scalar with surrounding spaces removed; undefined when empty or not a scalar. */
function trimmedString(node: unknown): string | undefined {
  const text = scalarString(node)?.trim();
  return text === '' ? undefined : text;
}

/** `IANA_SVC_NAME` for container ports; Service port names follow the same pattern up to 63 characters. */
function isPortName(name: string, maxLength: number): boolean {
  return name.length <= maxLength && PORT_NAME.test(name) && HAS_LETTER.test(name);
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
 * Service ports, target ports and node ports, Ingress backends, and the ports NetworkPolicy
 * rules allow. Multi-document files and
 * Helm templates (with `{{ }}` blanked out) are read document by document. The same walk
 * gathers the wiring facts of workloads, Services, Ingresses and Gateway API routes, except in
 * Helm templates, where the blanked parts could have said anything.
 */
export const scanKubernetes: Scanner = (text) => {
  try {
    const { references, problems, facts } = new KubernetesScan(text).run();
    const result = { format: 'kubernetes' as const, references: references.map(withoutUndefined), problems };
    return facts.length > 0 ? { ...result, wiring: { kubernetes: facts } } : result;
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
