/**
 * The plain-data contract shared by every scanner, the rules engine, the editor glue
 * and the command line. Nothing here knows about `vscode`: positions are UTF-16 offsets
 * into the scanned text, and only the editor turns them into `vscode.Range`.
 */
import type { WiringFacts } from './wiring/facts';

/** A transport protocol. `any` means a rule or listener that matches every transport (ufw without a protocol, nftables `th`). */
export type Protocol = 'tcp' | 'udp' | 'sctp' | 'dccp' | 'any';

/** Half-open span `[start, end)` of UTF-16 offsets into the scanned text. */
export interface SourceRange {
  readonly start: number;
  readonly end: number;
}

export type FileFormat =
  | 'dockerfile'
  | 'compose'
  | 'kubernetes'
  | 'nginx'
  | 'iptables'
  | 'nftables'
  | 'ufw'
  | 'firewalld'
  | 'sshd'
  | 'apache'
  | 'haproxy'
  | 'systemd'
  | 'terraform'
  | 'cloudformation';

/**
 * What a port number means where it was written.
 * - `expose`: Dockerfile `EXPOSE`, Compose `expose:` (documented, not published).
 * - `publish`: a Compose `ports:` entry (host side may be ephemeral).
 * - `container`: Kubernetes `containerPort`.
 * - `hostPort`: Kubernetes `hostPort` (binds the node's port).
 * - `service`, `targetPort`, `nodePort`: Kubernetes Service ports.
 * - `ingress`: Kubernetes Ingress backend port.
 * - `listen`: a server listening socket (nginx, Apache, HAProxy, sshd, systemd sockets).
 * - `upstream`: an address a server connects to (nginx `proxy_pass`, `upstream` servers).
 * - `firewall`: a port matched by a firewall rule.
 */
export type ReferenceRole =
  | 'expose'
  | 'publish'
  | 'container'
  | 'hostPort'
  | 'service'
  | 'targetPort'
  | 'nodePort'
  | 'ingress'
  | 'listen'
  | 'upstream'
  | 'firewall';

export type FirewallAction = 'allow' | 'deny' | 'reject' | 'limit' | 'jump' | 'other';

/** How a firewall rule treats the matched port. */
export interface FirewallRuleInfo {
  readonly action: FirewallAction;
  /** The jump target, chain verdict or keyword as written (`ACCEPT`, `DOCKER`, `accept`, `limit`). */
  readonly target?: string;
  /** Source address as written; `null` means anywhere (no source, `0.0.0.0/0`, `::/0`, `any`). */
  readonly source: string | null;
  /** iptables chain, nftables chain, ufw direction (`in`/`out`), or `ingress`/`egress` for a cloud or Kubernetes rule. */
  readonly chain?: string;
  /**
   * Where the source that lets anyone in is written (`"0.0.0.0/0"` in `cidr_blocks`, `CidrIp`), without
   * quotes: the quick fix replaces it with a placeholder network.
   */
  readonly sourceRange?: SourceRange;
  /** `true` when the port was matched as a source port (`--sport`, `sport`). */
  readonly sourcePort?: boolean;
  /** `true` when the match is negated (`! --dport 22`). */
  readonly negated?: boolean;
}

/**
 * One port (or port range) written in a file, with its meaning.
 * `port`..`endPort` is the container/target side, or the only port.
 */
export interface PortReference {
  readonly role: ReferenceRole;
  /** The whole token the user would point at, e.g. `"127.0.0.1:8080:80"` without the quotes. */
  readonly range: SourceRange;
  /** The container/target (or only) port digits inside `range`. */
  readonly portRange?: SourceRange;
  /**
   * The digits of the range's last port, when written apart from `portRange` (a security group's
   * `to_port` below its `from_port`); hovering either finds the reference.
   */
  readonly endPortRange?: SourceRange;
  /** The host port digits inside `range`, when a mapping has a host side written out. */
  readonly hostPortRange?: SourceRange;
  readonly protocol: Protocol;
  /** `null` when the port is not a number here (an unresolved variable, a named port). */
  readonly port: number | null;
  /** Equal to `port` for a single port. */
  readonly endPort: number | null;
  /** Host IP a mapping or listener binds; `undefined` when none was written (all interfaces). */
  readonly hostIp?: string;
  /** Host side of a mapping: `undefined` when the reference has no host side, `null` when ephemeral. */
  readonly hostPort?: number | null;
  readonly hostPortEnd?: number | null;
  /** Named port (Kubernetes `name`, a `targetPort` that names a port, an nginx upstream name). */
  readonly name?: string;
  /** The enclosing unit: Dockerfile stage, Compose service, `Deployment/web`, nginx `http`/`stream`/`mail`, iptables chain. */
  readonly scope?: string;
  /** Text as written, before variable resolution, when it differs from what was analysed. */
  readonly rawText?: string;
  /** Kubernetes Service type. */
  readonly serviceType?: string;
  /** Compose long-syntax `mode`, nginx/HAProxy listen parameters, and similar flags. */
  readonly flags?: readonly string[];
  /** Firewall semantics, for `role: 'firewall'`. */
  readonly firewall?: FirewallRuleInfo;
  /** `true` when a YAML value was a plain (unquoted) scalar; base-60 detection depends on it. */
  readonly plainScalar?: boolean;
  /** Compose: the service runs with `network_mode: host`, so published ports are ignored. */
  readonly hostNetwork?: boolean;
}

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** Something a scanner found wrong with what was written (an invalid port, a reversed range, a parse error). */
export interface ScanProblem {
  readonly range: SourceRange;
  readonly message: string;
  readonly severity: ProblemSeverity;
  /** Stable machine-readable kind, e.g. `port-out-of-range`, `reversed-range`, `parse-error`. */
  readonly code: string;
}

export interface ScanResult {
  readonly format: FileFormat;
  readonly references: PortReference[];
  readonly problems: ScanProblem[];
  /** What the file says about wiring between ports, for the workspace graph. */
  readonly wiring?: WiringFacts;
}

export interface ScanOptions {
  /** Variables for interpolation (Compose `.env` values supplied by the caller). */
  readonly env?: Readonly<Record<string, string>>;
  /** File name, for formats whose semantics depend on it. */
  readonly fileName?: string;
}

export type Scanner = (text: string, options?: ScanOptions) => ScanResult;

/** `T` with its fields writable: for building a result field by field before handing it out as `T`. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
