/**
 * Linking one Compose group: the services of a project merged across its base and override
 * file, what each one listens on, the `ports:` check, the dials that reach them (environment
 * URLs, healthchecks, nginx), host networking, the firewall a published port bypasses, and the
 * conflicts between the project's files.
 */
import { COMPOSE_BASE_FILE_NAMES, COMPOSE_OVERRIDE_FILE_NAMES, PROJECT_FILE_NAMES } from '../composeProject';
import { isWildcardAddress, isOpenFirewallAllow } from '../rules/exposure';
import { bindToLoopback } from '../rules/fixEdits';
import { composeProjectConflicts, hostPortConflict } from '../rules/hostPortConflict';
import { sensitivePortsIn } from '../rules/sensitivity';
import type { DiagnosticSeverity, QuickFix, TextEdit } from '../rules/types';
import type { PortReference, SourceRange } from '../types';
import type { ComposeServiceFacts, Dial, HostFirewallFacts } from './facts';
import type { EdgeKind, GraphEdge, GraphNode, ModelLocation } from './graph';
import { configListening, describePorts, dockerfileListening, environmentListening, imageDefaultPorts, listensOn, onlyPort, serverImageOf } from './listening';
import type { ListenerSetting, ListeningPort, ServerImage } from './listening';
import { LinkBuilder, location, MAX_RELATED, rejudge, overlaps, protocolsMeet, relatedOf, reportSensitiveHostPort, servedLocations } from './links';
import type { GroupLinks, LinkContext, LinkedFile } from './links';
import { baseNameOf, directoryOf, isInside, resolvePath } from './paths';
import {
  containerPortNotListening,
  dialPublishedPort,
  environmentUrlPortNotListening,
  healthcheckPortNotListening,
  proxyPortNotListening,
  publishedPortBypassesFirewall,
} from './rules';

const SENSITIVE_RULE: ReadonlySet<string> = new Set(['sensitive-port-exposed']);

const LOCAL_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

/** Links one Compose group: a directory's base and override file as one project, any other Compose file alone. */
export function linkCompose(model: LinkContext, key: string, members: ReadonlySet<string>, serial: number): GroupLinks {
  const builder = new LinkBuilder(serial);
  const directory = key.startsWith('compose:') ? key.slice('compose:'.length) : key;
  const projects = composeProjectsOf(directory, members, key);
  for (const project of projects) {
    linkComposeProject(model, project, directory, builder);
  }
  // The other project file may appear later: a project file wants its siblings.
  if (members.size > 0 && PROJECT_FILE_NAMES.has(baseNameOf([...members][0]))) {
    for (const name of PROJECT_FILE_NAMES) {
      builder.readAs(`${directoryOf([...members][0])}/${name}`, 'compose');
    }
  }
  return builder.build();
}

function linkComposeProject(model: LinkContext, files: readonly string[], directory: string, builder: LinkBuilder): void {
  const entries = files.map((name) => model.file(name)).filter((entry): entry is LinkedFile => entry !== undefined);
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
    const resolved = composeListening(model, service, projectDirectory, builder);
    if (resolved.builtFrom !== undefined) {
      judgeBuiltService(model, service, resolved.builtFrom, builder);
    }
    const id = `compose:${projectDirectory}:${service.name}`;
    const publishes = service.publishes.map(({ fileName, reference }) => ({
      label: publishLabel(reference),
      location: location(fileName, reference.range),
    }));
    const node: GraphNode = {
      id,
      kind: 'compose-service',
      name: service.name,
      group: projectDirectory,
      location: location(service.definition.fileName, service.definition.range),
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
        builder.spots.push({ location: location(entry.evidence.fileName, entry.evidence.range), node: id, port: entry.port, endPort: entry.endPort, kind: 'listen', label: `${service.name} ${entry.evidence.label}` });
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
        location: location(fileName, spotRange),
        label: `ports ${textAt(model, fileName, reference.range)}`,
        ok,
        served: servedLocations(matched ? [matched] : [], node),
        ...(ok === false ? { rule: containerPortNotListening.id } : {}),
      };
      builder.edges.push(edge);
      if (ok !== false || !imageSide) {
        continue;
      }
      const only = onlyPort(imageSide);
      const written = textAt(model, fileName, reference.range);
      const fixes: QuickFix[] = only !== undefined && reference.portRange && reference.port === reference.endPort
        ? [{ kind: 'edit', title: `Forward to container port ${only}`, edits: [{ range: reference.portRange, newText: String(only) }], isPreferred: true }]
        : [];
      builder.report(fileName, {
        rule: containerPortNotListening.id,
        severity: severity,
        message: `"${written}" forwards to container port ${portText(reference)}, but ${service.name} listens on ${model.evidenceText(imageSide, fileName)}`,
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
  for (const name of nginxFilesOf(model, projectDirectory, builder)) {
    builder.reads.add(name);
    for (const dial of model.file(name)?.analysis.wiring?.nginx?.dials ?? []) {
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
    judgeDial(model, dial, fileName, from, target, builder);
  }

  hostNetworkExposure(model, [...nodes.values()].map(({ service, node, listening }) => ({ service, node, listening })), builder);
  firewallBypass(model, [...nodes.values()].map(({ service }) => service), projectDirectory, builder);
}

function judgeDial(
  model: LinkContext,
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
      message = `${who} ${dialled}: ${dial.port} is the host port ${name} publishes (${model.where(published.fileName, published.reference.range, fileName)}); inside the Compose network only container port ${containerPort} answers`;
      if (dial.portRange) {
        fixes = [{ kind: 'edit', title: `Dial container port ${containerPort}`, edits: [{ range: dial.portRange, newText: String(containerPort) }], isPreferred: true }];
      }
    } else {
      rule = dial.via === 'environment' ? environmentUrlPortNotListening.id : dial.via === 'healthcheck' ? healthcheckPortNotListening.id : proxyPortNotListening.id;
      message = `${who} ${dialled}, but ${name} listens on ${model.evidenceText(listening, fileName)}`;
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
    location: location(fileName, spotRange),
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
function nginxFilesOf(model: LinkContext, projectDirectory: string, builder: LinkBuilder): string[] {
  const found = new Set<string>();
  for (const mount of builder.mounts) {
    for (const name of model.nginxFiles.atOrUnder(mount)) {
      found.add(name);
    }
  }
  for (const name of model.nginxFiles.under(projectDirectory)) {
    if (found.has(name)) {
      continue;
    }
    let nearer = false;
    for (let directory = directoryOf(name); directory !== projectDirectory && isInside(directory, projectDirectory); directory = directoryOf(directory)) {
      if (model.hasComposeGroup(directory)) {
        nearer = true;
        break;
      }
      if (directoryOf(directory) === directory) {
        break;
      }
    }
    if (!nearer) {
      found.add(name);
    }
  }
  return [...found].sort();
}

function composeListening(
  model: LinkContext,
  service: MergedService,
  projectDirectory: string,
  builder: LinkBuilder,
): { listening: ListeningPort[] | undefined; imageSide: ListeningPort[] | undefined; severity: DiagnosticSeverity; builtFrom?: string } {
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
  let builtFrom: string | undefined;
  if (facts.build) {
    const context = resolvePath(projectDirectory, facts.build.context);
    const dockerfile = context ? resolvePath(context, facts.build.dockerfile) : undefined;
    const entry = dockerfile ? model.file(dockerfile) : undefined;
    if (dockerfile) {
      builder.readAs(dockerfile, 'dockerfile');
    }
    const dockerfileFacts = entry?.analysis.wiring?.dockerfile;
    builtFrom = dockerfile && dockerfileFacts ? (dockerfileListening(dockerfile, dockerfileFacts, facts.build.target).baseImage ?? '') : '';
    // A `command:` or `entrypoint:` replaces the Dockerfile's CMD, and with it, often, the port
    // the app binds (`gunicorn -b 0.0.0.0:8000` beside `EXPOSE 5000`): EXPOSE is then no evidence.
    if (!dockerfile || !dockerfileFacts || facts.commandOverridden) {
      buildUnknown = true;
    } else {
      const result = dockerfileListening(dockerfile, dockerfileFacts, facts.build.target);
      built = result.exposed;
      baseImage = result.baseImage;
      buildUnknown = result.unknown;
    }
  }
  const runs = facts.build ? (buildUnknown ? undefined : baseImage) : facts.image;
  // A new command may run the server with another configuration, as it may move a default port.
  const mounted = facts.commandOverridden ? undefined : mountedServerListening(model, facts, serverImageOf(runs), projectDirectory, builder);
  const defaults = mounted?.replacesDefaults ? [] : imageDefaultPorts(runs, facts.commandOverridden, facts.environmentKeys);
  const variables = environmentListening([...service.listeners.values()]);
  // Every source counts: a built image keeps its base image's EXPOSE, and a service may listen
  // on more than one file declares, so a port is wrong only when no evidence names it.
  const imageEvidence = [...exposed, ...built, ...(mounted?.listening ?? []), ...variables, ...defaults];
  // What the image listens on, for the container side of `ports:`: a mapping is not evidence about itself.
  const imageSide = imageEvidence.length > 0 && !(buildUnknown && exposed.length === 0 && variables.length === 0) ? imageEvidence : undefined;
  // The container side of `ports:` is a claim the image side judges: it counts only when nothing
  // else is known, or a mapping already reported as wrong would make dials to it look right.
  const listening = imageSide ?? (declared.length > 0 ? declared : undefined);
  const severity: DiagnosticSeverity = (imageSide ?? listening ?? []).some((entry) => entry.evidence.kind !== 'image') ? 'error' : 'warning';
  return { listening, imageSide, severity, ...(builtFrom !== undefined ? { builtFrom } : {}) };
}

/**
 * What a server image listens on when the service mounts its configuration: the listeners of
 * the mounted files the model holds. A mount over the file that holds the image's own listeners
 * (nginx's `conf.d/default.conf`, `httpd.conf`) replaces them, as does an `nginx.conf` that no
 * longer includes `conf.d/`. A mounted file the model does not hold yet is asked for.
 */
function mountedServerListening(
  model: LinkContext,
  facts: ComposeServiceFacts,
  server: ServerImage | undefined,
  projectDirectory: string,
  builder: LinkBuilder,
): { listening: ListeningPort[]; replacesDefaults: boolean } | undefined {
  if (!server) {
    return undefined;
  }
  const listening: ListeningPort[] = [];
  let replacesDefaults = false;
  for (const volume of facts.volumes) {
    const target = withoutTrailingSlashes(volume.target);
    const source = resolvePath(projectDirectory, volume.source);
    if (!source || !isInside(target, server.configDirectory)) {
      continue;
    }
    /** The host file behind a path inside the container, when this mount covers it. */
    const hostFileOf = (containerPath: string): string | undefined => (isInside(containerPath, target) ? source + containerPath.slice(target.length) : undefined);
    const candidates = new Set<string>();
    if (model.file(source)) {
      candidates.add(source);
    } else {
      // A folder, or a file not read yet: the files the server would find where the image keeps them.
      for (const known of [...(server.mainConfig ? [server.mainConfig] : []), ...server.defaultListenerFiles]) {
        const hostFile = hostFileOf(known);
        if (hostFile) {
          candidates.add(hostFile);
        }
      }
      if (target.endsWith(server.fileSuffix)) {
        candidates.add(source);
      }
      if (server.format === 'nginx') {
        for (const name of model.nginxFiles.under(source)) {
          candidates.add(name);
        }
      }
    }
    // The mount hides the image's own file there, whatever the host side holds.
    if (server.defaultListenerFiles.some((known) => hostFileOf(known) !== undefined)) {
      replacesDefaults = true;
    }
    for (const name of candidates) {
      builder.readAs(name, server.format);
      const entry = model.file(name);
      if (!entry || entry.analysis.format !== server.format) {
        continue;
      }
      appendTo(listening, configListening(server, name, entry.analysis.references));
      const containerPath = target + name.slice(source.length);
      if (containerPath === server.mainConfig && !server.keepsDefaults?.(entry.text)) {
        replacesDefaults = true;
      }
    }
    // A main file not read (yet) may or may not keep the defaults: they are no evidence either way.
    const mainConfig = server.mainConfig === undefined ? undefined : hostFileOf(server.mainConfig);
    if (mainConfig !== undefined && model.file(mainConfig)?.analysis.format !== server.format) {
      replacesDefaults = true;
    }
  }
  return { listening, replacesDefaults };
}

function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === '/') {
    end--;
  }
  return path.slice(0, end);
}

function appendTo<T>(list: T[], items: readonly T[]): void {
  for (const item of items) {
    list.push(item);
  }
}

/**
 * A built service's published ports, judged by `sensitive-port-exposed` with the image its
 * Dockerfile starts FROM: the Compose file alone cannot say what runs there, so its own analysis
 * leaves them to this.
 */
function judgeBuiltService(model: LinkContext, service: MergedService, builtFrom: string, builder: LinkBuilder): void {
  const facts: ComposeServiceFacts = { ...service.facts, builtFrom };
  for (const { fileName, reference } of service.publishes) {
    const entry = model.file(fileName);
    if (!entry) {
      continue;
    }
    for (const diagnostic of rejudge(model, entry, [reference], { composeServices: [facts] }, SENSITIVE_RULE)) {
      builder.report(fileName, diagnostic);
    }
  }
}

/** With host networking, every port a service listens on is a host port on every interface. */
function hostNetworkExposure(model: LinkContext, services: readonly { service: MergedService; node: GraphNode; listening: ListeningPort[] | undefined }[], builder: LinkBuilder): void {
  const hostPorts: { service: string; entry: ListeningPort; fileName: string; range: SourceRange }[] = [];
  for (const { service, listening } of services) {
    const range = service.facts.hostNetworkRange;
    if (!range || !listening) {
      continue;
    }
    const fileName = service.hostNetworkFile ?? service.definition.fileName;
    for (const entry of listening) {
      hostPorts.push({ service: service.name, entry, fileName, range });
      reportSensitiveHostPort(model, `${service.name} runs with network_mode: host`, entry, fileName, range, fileName, builder);
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
      message: `${current.service} runs with network_mode: host and listens on ${describePorts([current.entry])}, and service "${other.name}" ${other.how} (${model.where(other.fileName, other.range, current.fileName)}): the second to start fails to bind`,
      range: current.range,
      related: [{ message: `Service ${other.name}`, range: other.range, fileName: other.fileName }],
    });
  }
}

/** Docker publishes through its own chains, before ufw's and firewalld's input rules see the packet. */
function firewallBypass(model: LinkContext, services: readonly MergedService[], projectDirectory: string, builder: LinkBuilder): void {
  const host = model.hostOf(projectDirectory);
  const firewalls: { fileName: string; facts: HostFirewallFacts }[] = [];
  const allows: PortReference[] = [];
  // A host is a Compose directory, so its firewalls lie under it.
  for (const name of model.firewallFiles.under(host)) {
    if (model.hostOf(name) !== host) {
      continue;
    }
    const entry = model.file(name);
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
      const sensitive = reference.port !== null && reference.endPort !== null ? sensitivePortsIn(model.knowledge, reference.port, reference.endPort, reference.protocol)[0] : undefined;
      const fix = bindToLoopback(model.file(fileName)?.text ?? '', reference);
      const edge: GraphEdge = {
        kind: 'publish-firewall',
        from: `compose:${projectDirectory}:${service.name}`,
        to: `compose:${projectDirectory}:${service.name}`,
        port: hostPort,
        location: location(fileName, reference.range),
        label: `ports ${textAt(model, fileName, reference.range)}`,
        ok: false,
        served: [location(blocker.fileName, blocker.range)],
        rule: publishedPortBypassesFirewall.id,
      };
      builder.edges.push(edge);
      builder.report(fileName, {
        rule: publishedPortBypassesFirewall.id,
        severity: sensitive && sensitive.sensitive.severity === 'high' ? 'error' : publishedPortBypassesFirewall.defaultSeverity,
        message: `${service.name} publishes ${ports} on all interfaces, and Docker's published ports skip ${blocker.tool}'s input rules: "${blocker.text}" (${model.where(blocker.fileName, blocker.range, fileName)}) does not block it, so it stays reachable from other machines${sensitive ? ` (${sensitive.sensitive.service})` : ''}`,
        range: reference.range,
        reference,
        related: [{ message: `The ${blocker.tool} rule it skips`, range: blocker.range, fileName: blocker.fileName }],
        ...(fix ? { fixes: [{ kind: 'edit', title: 'Publish on 127.0.0.1 only', edits: [fix], isPreferred: true }] } : {}),
      });
    }
  }
}

function textAt(model: LinkContext, fileName: string, range: SourceRange): string {
  return (model.file(fileName)?.text ?? '').slice(range.start, Math.min(range.end, range.start + 120));
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
  /** `*_LISTENERS` values by key, the override file's winning. */
  readonly listeners: Map<string, ListenerSetting>;
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

function mergeServices(entries: readonly LinkedFile[]): Map<string, MergedService> {
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
          listeners: new Map(),
        });
        addListeners(services.get(facts.name) as MergedService, facts, entry);
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
      addListeners(existing, facts, entry);
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

function addListeners(service: MergedService, facts: ComposeServiceFacts, entry: LinkedFile): void {
  for (const { key, value, range } of facts.listenerSettings ?? []) {
    service.listeners.set(key, { key, value, fileName: entry.fileName, range, verbatim: entry.text.slice(range.start, range.end) === value });
  }
}

function portText(reference: PortReference): string {
  return reference.port === reference.endPort ? String(reference.port) : `${reference.port}-${reference.endPort}`;
}

function publishLabel(reference: PortReference): string {
  const host = reference.hostPort === undefined ? '' : reference.hostPort === null ? 'ephemeral → ' : `${reference.hostIp ? `${reference.hostIp}:` : ''}${reference.hostPort}${reference.hostPortEnd !== undefined && reference.hostPortEnd !== null && reference.hostPortEnd !== reference.hostPort ? `-${reference.hostPortEnd}` : ''} → `;
  return `${host}${reference.port === null ? '?' : portText(reference)}/${reference.protocol}`;
}
