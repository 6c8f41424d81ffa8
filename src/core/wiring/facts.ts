/**
 * What one file says about the wiring between ports: who listens, who dials whom, what a host
 * firewall blocks. Scanners fill these in while they read the file (one parse), as plain data
 * with offsets into that file; the workspace graph (`graph.ts`) links the facts of many files.
 *
 * A value that could not be read for certain (an unresolved variable, a Helm template) is left
 * out rather than guessed, so the graph stays quiet about it.
 */
import type { PortReference, Protocol, SourceRange } from '../types';

/** A port the file names: a number, or (Kubernetes) a port name. */
export interface WiredPort {
  readonly port: number;
  /** Equal to `port` for a single port. */
  readonly endPort: number;
  readonly protocol: Protocol;
  /** Where the digits are written. */
  readonly range: SourceRange;
  /** Kubernetes port name, when the port has one. */
  readonly name?: string;
}

/** Somewhere a file dials `host:port`. */
export interface Dial {
  /** How the dial is written: decides the rule that judges it and the words of its message. */
  readonly via: 'proxy_pass' | 'upstream' | 'environment' | 'healthcheck';
  /** The host name as written, lowercased (`backend`, `localhost`). */
  readonly host: string;
  readonly hostRange: SourceRange;
  /** The port dialled; for a URL without a port, the scheme's default. */
  readonly port: number;
  /** Where the port digits are written; absent when the port is implied by the scheme. */
  readonly portRange?: SourceRange;
  /** The whole address or URL, for messages and as the spot when no port is written. */
  readonly range: SourceRange;
  /** The text of `range`, for messages. */
  readonly text: string;
  /** The variable name for `environment`, the directive for nginx (`proxy_pass`). */
  readonly label?: string;
}

// ---------------------------------------------------------------------------
// Compose
// ---------------------------------------------------------------------------

export interface ComposeBuild {
  /** The build context as written (relative to the Compose file's directory, or absolute). */
  readonly context: string;
  /** `dockerfile:` as written, relative to the context; `Dockerfile` when absent. */
  readonly dockerfile: string;
  /** `target:`: the stage to build; the last stage when absent. */
  readonly target?: string;
  readonly range: SourceRange;
}

export interface ComposeVolume {
  /** Host side of a bind mount, as written (`./nginx.conf`, `./conf.d`). */
  readonly source: string;
  /** Path inside the container. */
  readonly target: string;
}

export interface ComposeServiceFacts {
  readonly name: string;
  /** The service's key in `services:`. */
  readonly nameRange: SourceRange;
  /** `image:` after interpolation; absent when not written or not resolved. */
  readonly image?: string;
  readonly imageRange?: SourceRange;
  readonly build?: ComposeBuild;
  /** `command:` or `entrypoint:` is set: the image's default ports may no longer hold. */
  readonly commandOverridden: boolean;
  /** Keys of `environment:`; a `*PORT*` key can move the image's default port. */
  readonly environmentKeys: readonly string[];
  /**
   * Values of `environment:` keys ending in `_LISTENERS` (`KAFKA_LISTENERS`,
   * `KAFKA_ADVERTISED_LISTENERS`), interpolated, with where each value is written: the
   * `NAME://host:port` lists a broker binds or advertises. Absent when there are none.
   */
  readonly listenerSettings?: readonly { readonly key: string; readonly value: string; readonly range: SourceRange }[];
  /** Where `network_mode: host` is written, when it is. */
  readonly hostNetworkRange?: SourceRange;
  /** Other names the service answers to on its networks: `container_name`, `hostname`, network `aliases`. */
  readonly aliases: readonly string[];
  readonly volumes: readonly ComposeVolume[];
  /** Dials from `environment:` URLs and from `healthcheck:` commands. */
  readonly dials: readonly Dial[];
  /**
   * Filled in by the workspace model for a service it builds: the image its Dockerfile starts
   * `FROM` (the stage built), or `''` when that cannot be read. Scanners leave it out.
   */
  readonly builtFrom?: string;
}

// ---------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------

export interface DockerfileStage {
  /** `AS name`, lowercased; absent for an unnamed stage. */
  readonly name?: string;
  /** The `FROM` image after `ARG` defaults; absent when it could not be resolved. */
  readonly from?: string;
  readonly fromRange: SourceRange;
  /** Ports of this stage's own `EXPOSE` lines. */
  readonly exposes: readonly WiredPort[];
}

export interface DockerfileFacts {
  /** In file order; the last one is what `docker build` produces without `--target`. */
  readonly stages: readonly DockerfileStage[];
}

// ---------------------------------------------------------------------------
// Kubernetes
// ---------------------------------------------------------------------------

export interface ProbePort {
  readonly probe: 'liveness' | 'readiness' | 'startup';
  readonly handler: 'httpGet' | 'tcpSocket' | 'grpc';
  /** A number, or the name of a container port. */
  readonly port: number | string;
  readonly range: SourceRange;
}

export interface ContainerFacts {
  readonly name: string;
  readonly nameRange: SourceRange;
  readonly image?: string;
  readonly imageRange?: SourceRange;
  /** `command:` or `args:` set: the image's default ports may no longer hold. */
  readonly commandOverridden: boolean;
  readonly environmentKeys: readonly string[];
  /** `containerPort` entries, with their `name` when set. */
  readonly ports: readonly WiredPort[];
  readonly probes: readonly ProbePort[];
  /** Init containers do not serve; they are kept out of listening. */
  readonly init: boolean;
}

export interface ServicePortFacts {
  readonly name?: string;
  readonly port: number;
  readonly portRange: SourceRange;
  /** Absent when not written: Kubernetes then uses `port`. */
  readonly targetPort?: number | string;
  readonly targetPortRange?: SourceRange;
  readonly protocol: Protocol;
}

/** One backend reference from an Ingress or an HTTPRoute to a Service port. */
export interface BackendFacts {
  readonly service: string;
  readonly serviceRange: SourceRange;
  /** Namespace of the Service, when the reference names one (HTTPRoute `backendRefs[].namespace`). */
  readonly namespace?: string;
  /** A Service port number, or (Ingress) a Service port name. */
  readonly port: number | string;
  readonly portRange: SourceRange;
}

export interface KubernetesObjectFacts {
  readonly kind: string;
  readonly name: string;
  /** `metadata.namespace`; absent when not written (the namespace `kubectl` is pointed at). */
  readonly namespace?: string;
  /** `metadata.name`'s value, or `kind:` when there is no name. */
  readonly nameRange: SourceRange;
  /** Workloads: pod template labels. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Workloads: where `hostNetwork: true` is written. */
  readonly hostNetworkRange?: SourceRange;
  /** Workloads: containers and init containers. */
  readonly containers?: readonly ContainerFacts[];
  /** Services: `spec.selector`; absent for a Service without one (its endpoints are managed by hand). */
  readonly selector?: Readonly<Record<string, string>>;
  readonly servicePorts?: readonly ServicePortFacts[];
  /** Ingress and HTTPRoute. */
  readonly backends?: readonly BackendFacts[];
}

// ---------------------------------------------------------------------------
// nginx and host firewalls
// ---------------------------------------------------------------------------

export interface NginxFacts {
  /** `proxy_pass` (and the other `*_pass` directives) and `upstream` `server` entries with a host name. */
  readonly dials: readonly Dial[];
}

/** A port the host firewall blocks for incoming traffic. */
export interface FirewallBlock {
  readonly port: number;
  readonly endPort: number;
  readonly protocol: Protocol;
  readonly range: SourceRange;
  /** The rule as written, for messages (`ufw deny 5432`). */
  readonly text: string;
}

export interface HostFirewallFacts {
  readonly tool: 'ufw' | 'firewalld' | 'iptables' | 'nftables';
  readonly blocks: readonly FirewallBlock[];
  /** Where incoming traffic is denied by default (`ufw default deny incoming`, a firewalld zone, `-P INPUT DROP`). */
  readonly defaultDeny?: { readonly range: SourceRange; readonly text: string };
}

// ---------------------------------------------------------------------------
// Terraform
// ---------------------------------------------------------------------------

/** A `variable` block's literal `default`, which another file of the same module folder may use. */
export interface TerraformVariable {
  readonly name: string;
  /** The default's value: a number or string, or a list of them; absent when there is no literal default. */
  readonly value?: number | string | readonly (number | string)[];
  readonly range: SourceRange;
}

/**
 * A rule port written as `var.NAME` whose variable this file does not declare: the module folder's
 * other files may, so the workspace model resolves it. `reference` is the rule as the scanner read
 * it, with `port` and `endPort` null.
 */
export interface TerraformVariablePort {
  readonly reference: PortReference;
  /** The variable named for the first port (`from_port`, a `ports` entry). */
  readonly variable: string;
  /** The variable named for the last port (`to_port`), when it differs from `variable`. */
  readonly endVariable?: string;
}

export interface TerraformFacts {
  readonly variables: readonly TerraformVariable[];
  readonly variablePorts: readonly TerraformVariablePort[];
}

// ---------------------------------------------------------------------------
// Servers that answer on their own listeners: nginx, HAProxy, Apache httpd
// ---------------------------------------------------------------------------

/** Where a server sends the connections one of its listeners accepts. */
export interface Forward {
  /** The target as written (`10.0.0.30:6379`, `http://app:3000/`, `server r1 redis:6379`), for messages. */
  readonly text: string;
  readonly range: SourceRange;
  /** The port the target is dialled on; absent when the file does not fix it (a variable, DNS SRV records). */
  readonly port?: number;
}

/**
 * One listener of the server the file configures. The file itself names the software on it:
 * the server answers there itself, or relays to `forwards`, so the number's other meanings
 * (ClickHouse on 9000, Flink on 8081) do not apply.
 */
export interface ServedListener {
  /** Equal to the `range` of the PortReference the listener is. */
  readonly range: SourceRange;
  /** Where the server relays what it accepts here; empty when it answers itself (static files, a status page). */
  readonly forwards: readonly Forward[];
  /**
   * Part of what decides the listener is out of this file's sight: an include, an address built
   * from variables, a backend chosen by an expression. What answers there cannot be told.
   */
  readonly undecided: boolean;
}

export interface ServerFacts {
  readonly software: 'nginx' | 'HAProxy' | 'Apache httpd';
  readonly listeners: readonly ServedListener[];
}

// ---------------------------------------------------------------------------
// systemd
// ---------------------------------------------------------------------------

export interface SystemdFacts {
  /** The unit's file name without its folder (`redis.socket`), when the file has a name. */
  readonly unit?: string;
  /**
   * For a socket: the service it activates: `Service=`, else the unit's own name with
   * `.service` (`name@.service` with `Accept=yes`).
   */
  readonly activates?: string;
  /** For a service: its first `ExecStart=`'s program, without the `-@:+!` prefixes, and where it is written. */
  readonly execStart?: { readonly program: string; readonly args: readonly string[]; readonly range: SourceRange };
  /**
   * Filled in by the workspace model for a socket: the `ExecStart` program of the service it
   * activates, or `''` when that service unit is not in the workspace. Scanners leave it out.
   */
  readonly activatedProgram?: string;
}

/** Everything one file contributes to the workspace graph. Each field is present only for its format. */
export interface WiringFacts {
  readonly composeServices?: readonly ComposeServiceFacts[];
  readonly dockerfile?: DockerfileFacts;
  readonly kubernetes?: readonly KubernetesObjectFacts[];
  readonly nginx?: NginxFacts;
  readonly firewall?: readonly HostFirewallFacts[];
  readonly terraform?: TerraformFacts;
  readonly server?: ServerFacts;
  readonly systemd?: SystemdFacts;
}
