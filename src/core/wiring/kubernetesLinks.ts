/**
 * Linking one Kubernetes namespace: each Service to the pods it selects, the Ingress and HTTPRoute
 * backends that name a Service port, the probes of each container, and host networking.
 */
import type { QuickFix } from '../rules/types';
import type { ContainerFacts, KubernetesObjectFacts } from './facts';
import type { GraphEdge, GraphNode, ModelLocation } from './graph';
import { imageDefaultPorts, listensOn, onlyPort } from './listening';
import type { Evidence, ListeningPort } from './listening';
import { LinkBuilder, location, MAX_RELATED, relatedOf, reportSensitiveHostPort, servedLocations } from './links';
import type { GroupLinks, LinkContext } from './links';
import { backendPortUndefined, probePortUndeclared, serviceTargetPortUnmatched } from './rules';

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob']);

/** Links one namespace: the objects of its member files that name it (or, for `k8s:`, that name none). */
export function linkNamespace(model: LinkContext, key: string, members: ReadonlySet<string>, serial: number): GroupLinks {
  const builder = new LinkBuilder(serial);
  const namespace = key.slice('k8s:'.length) || undefined;
  const workloads: SelectableWorkload[] = [];
  const services = new Map<string, { fileName: string; object: KubernetesObjectFacts; node: GraphNode }>();
  const backends: { fileName: string; object: KubernetesObjectFacts }[] = [];
  const byLabel = new Map<string, typeof workloads>();
  const group = namespace === undefined ? '(no namespace)' : `namespace ${namespace}`;
  for (const fileName of [...members].sort()) {
    const entry = model.file(fileName);
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
          location: location(fileName, object.nameRange),
          listens: listening.known,
          publishes: [],
          ...(object.containers[0]?.image ? { image: object.containers[0].image } : {}),
          hostNetwork: object.hostNetworkRange !== undefined,
        };
        builder.nodes.push(node);
        const workload = { fileName, object, node, listening };
        workloads.push(workload);
        for (const [label, value] of Object.entries(object.podLabels ?? {})) {
          const labelKey = `${label}=${value}`;
          const list = byLabel.get(labelKey) ?? [];
          list.push(workload);
          byLabel.set(labelKey, list);
        }
        for (const entry of listening.known ?? []) {
          if (entry.evidence.fileName && entry.evidence.range) {
            builder.spots.push({ location: location(entry.evidence.fileName, entry.evidence.range), node: node.id, port: entry.port, endPort: entry.endPort, kind: 'listen', label: `${node.name} ${entry.evidence.label}` });
          }
        }
        for (const container of object.containers) {
          for (const port of container.ports) {
            if (port.name) {
              builder.spots.push({ location: location(fileName, port.range), node: node.id, port: port.name, kind: 'listen', label: `${node.name} port ${port.name}` });
            }
          }
        }
        probes(model, fileName, object, node, builder);
        if (object.hostNetworkRange) {
          for (const entry of listening.known ?? []) {
            reportSensitiveHostPort(model, `${object.kind}/${object.name} runs with hostNetwork: true`, entry, fileName, object.hostNetworkRange, fileName, builder);
          }
        }
      } else if (object.kind === 'Service' && object.servicePorts) {
        const node: GraphNode = {
          id: `k8s:${namespace ?? ''}:Service/${object.name}`,
          kind: 'service',
          name: `Service/${object.name}`,
          group,
          location: location(fileName, object.nameRange),
          listens: object.servicePorts.map((port) => ({ port: port.port, endPort: port.port, protocol: port.protocol, evidence: { kind: 'declared', fileName, range: port.portRange, label: 'Service port' } })),
          publishes: object.servicePorts.map((port) => ({ label: `${port.port}${port.name ? ` (${port.name})` : ''}`, location: location(fileName, port.portRange) })),
          hostNetwork: false,
        };
        if (!services.has(object.name)) {
          services.set(object.name, { fileName, object, node });
          builder.nodes.push(node);
          for (const port of object.servicePorts) {
            builder.spots.push({ location: location(fileName, port.portRange), node: node.id, port: port.port, kind: 'listen', label: `${node.name} port ${port.port}` });
            if (port.name) {
              builder.spots.push({ location: location(fileName, port.portRange), node: node.id, port: port.name, kind: 'listen', label: `${node.name} port ${port.name}` });
            }
          }
        }
      } else if (object.backends) {
        backends.push({ fileName, object });
      }
    }
  }
  for (const service of services.values()) {
    serviceToPods(model, service, byLabel, builder);
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
        location: location(fileName, backend.portRange),
        label,
        ok,
        served: ok ? matched.map((port) => location(service.fileName, port.portRange)) : [service.node.location],
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
        message: `${object.kind} ${object.name} sends traffic to port ${typeof backend.port === 'number' ? backend.port : `"${backend.port}"`} of Service ${backend.service}, which defines ${defined} (${model.where(service.fileName, service.object.nameRange, fileName)})`,
        range: backend.portRange,
        related: [{ message: `Service ${backend.service}`, range: service.object.nameRange, fileName: service.fileName }, ...ports.slice(0, MAX_RELATED - 1).map((port) => ({ message: `Service port ${port.port}`, range: port.portRange, fileName: service.fileName }))],
        ...(fixes.length > 0 ? { fixes } : {}),
      });
    }
  }
  return builder.build();
}

function serviceToPods(
  model: LinkContext,
  service: { fileName: string; object: KubernetesObjectFacts; node: GraphNode },
  byLabel: ReadonlyMap<string, readonly SelectableWorkload[]>,
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
      // Read once per workload when it was added, not once per Service port.
      const listening = workload.listening;
      let ok: boolean | undefined;
      let served: ModelLocation[] = [];
      if (typeof target === 'string') {
        const named = containers.flatMap((container) => container.ports.filter((entry) => entry.name === target));
        ok = named.length > 0;
        served = named.map((entry) => location(workload.fileName, entry.range));
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
        location: location(service.fileName, targetRange),
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
      : `listens on ${model.evidenceText(first.listening, service.fileName)}`;
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

function probes(model: LinkContext, fileName: string, object: KubernetesObjectFacts, node: GraphNode, builder: LinkBuilder): void {
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
        served = named.map((entry) => location(fileName, entry.range));
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
        location: location(fileName, probe.range),
        label,
        ok,
        served: ok ? served : [location(fileName, container.nameRange)],
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
        : `it listens on ${model.evidenceText(listening, fileName)}`;
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

/** What a workload's serving containers listen on; `complete` when every one of them is known. */
/** A workload as a Service's selector finds it, with what it listens on. */
interface SelectableWorkload {
  readonly fileName: string;
  readonly object: KubernetesObjectFacts;
  readonly node: GraphNode;
  readonly listening: ReturnType<typeof workloadListening>;
}

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
