import type { FileFormat, ScanOptions, ScanResult, Scanner } from '../types';
import { looksLikeCloudFormation, scanCloudFormation } from './cloudformation';
import { scanCompose } from './compose';
import { scanDockerfile } from './dockerfile';
import { looksLikeFirewalld, scanFirewalld } from './firewalld';
import { looksLikeIptables, scanIptables } from './iptables';
import { looksLikeKubernetes, scanKubernetes } from './kubernetes';
import { scanApache, scanHaproxy, scanSshd, scanSystemdSocket } from './misc';
import { scanNftables } from './nftables';
import { looksLikeNginx, scanNginx } from './nginx';
import { scanTerraform } from './terraform';
import { looksLikeUfw, scanUfw } from './ufw';

export const SCANNERS: Readonly<Record<FileFormat, Scanner>> = {
  dockerfile: scanDockerfile,
  compose: scanCompose,
  kubernetes: scanKubernetes,
  nginx: scanNginx,
  iptables: scanIptables,
  nftables: scanNftables,
  ufw: scanUfw,
  firewalld: scanFirewalld,
  sshd: scanSshd,
  apache: scanApache,
  haproxy: scanHaproxy,
  systemd: scanSystemdSocket,
  terraform: scanTerraform,
  cloudformation: scanCloudFormation,
};

export const FILE_FORMATS = Object.keys(SCANNERS) as FileFormat[];

/** File-name rules, tried in order on the path with forward slashes. Each regex is anchored and linear. */
const NAME_RULES: readonly { readonly pattern: RegExp; readonly format: FileFormat }[] = [
  { pattern: /(?:^|\/)(?:dockerfile|containerfile)(?:\.[^/]*)?$/i, format: 'dockerfile' },
  { pattern: /\.(?:dockerfile|containerfile)$/i, format: 'dockerfile' },
  { pattern: /(?:^|\/)(?:docker-)?compose(?:[.-][^/]*)?\.ya?ml$/i, format: 'compose' },
  { pattern: /(?:^|\/)nginx\.conf$/i, format: 'nginx' },
  { pattern: /\.nginx(?:\.conf)?$/i, format: 'nginx' },
  { pattern: /(?:^|\/)nginx\/(?:[^/]+\/)*[^/]+\.conf$/i, format: 'nginx' },
  { pattern: /(?:^|\/)ufw\/user6?\.rules$/i, format: 'ufw' },
  { pattern: /(?:^|\/)(?:ip6?tables(?:-save)?\.rules|rules\.v[46])$/i, format: 'iptables' },
  { pattern: /\.ip6?tables$/i, format: 'iptables' },
  { pattern: /\.nft$/i, format: 'nftables' },
  { pattern: /(?:^|\/)nftables\.conf$/i, format: 'nftables' },
  { pattern: /(?:^|\/)sshd_config(?:\.d\/[^/]+\.conf)?$/i, format: 'sshd' },
  { pattern: /(?:^|\/)(?:httpd|apache2?|ports)\.conf$/i, format: 'apache' },
  { pattern: /(?:^|\/)(?:apache2|httpd)\/(?:[^/]+\/)*[^/]+\.conf$/i, format: 'apache' },
  // systemd units before the `sites-*` folders, which take any name.
  { pattern: /\.(?:socket|service)$/i, format: 'systemd' },
  // Debian's Apache uses the same directory names, so its paths are matched first.
  { pattern: /(?:^|\/)sites-(?:available|enabled)\/[^/]+$/i, format: 'nginx' },
  { pattern: /(?:^|\/)haproxy[^/]*\.cfg$/i, format: 'haproxy' },
  { pattern: /\.tf$/i, format: 'terraform' },
];

const YAML_FILE = /\.ya?ml$/i;
/** A `.conf` file, or one named `conf` (as in `proxy/conf`), that no name rule claimed: nginx if its content says so. */
const CONF_FILE = /(?:\.conf|(?:^|\/)conf)$/i;
const XML_FILE = /\.xml$/i;
/** JSON, and CloudFormation's own `.template` extension: a CloudFormation template if its content says so. */
const JSON_FILE = /\.(?:json|template)$/i;
const SHELL_FILE = /\.(?:sh|bash|zsh)$/i;
const SHEBANG_SHELL = /^#![^\n]*\b(?:ba|z|da)?sh\b/;

/**
 * The formats to scan a file as, from its name and, where the name is generic, its content:
 * a Kubernetes manifest in any YAML file, firewalld XML, a shell script with firewall commands.
 * A shell script may hold several (iptables and ufw lines side by side).
 */
export function detectFormats(fileName: string, text: string, languageId?: string): FileFormat[] {
  const normalized = fileName.replace(/\\/g, '/');
  for (const { pattern, format } of NAME_RULES) {
    if (pattern.test(normalized)) {
      return [format];
    }
  }
  if (languageId === 'dockerfile') {
    return ['dockerfile'];
  }
  if (languageId === 'dockercompose') {
    return ['compose'];
  }
  if (languageId === 'nginx' || languageId === 'iptables' || languageId === 'nftables') {
    return [languageId];
  }
  if (languageId === 'terraform') {
    return ['terraform'];
  }
  if (CONF_FILE.test(normalized) && looksLikeNginx(text)) {
    return ['nginx'];
  }
  if (YAML_FILE.test(normalized) || languageId === 'yaml') {
    if (looksLikeCloudFormation(text)) {
      return ['cloudformation'];
    }
    return looksLikeKubernetes(text) ? ['kubernetes'] : [];
  }
  if (JSON_FILE.test(normalized) || languageId === 'json') {
    return looksLikeCloudFormation(text) ? ['cloudformation'] : [];
  }
  if (XML_FILE.test(normalized) || languageId === 'xml') {
    return looksLikeFirewalld(text) ? ['firewalld'] : [];
  }
  if (SHELL_FILE.test(normalized) || languageId === 'shellscript' || SHEBANG_SHELL.test(text)) {
    const formats: FileFormat[] = [];
    if (looksLikeIptables(text)) {
      formats.push('iptables');
    }
    if (looksLikeUfw(text)) {
      formats.push('ufw');
    }
    if (looksLikeFirewalld(text)) {
      formats.push('firewalld');
    }
    return formats;
  }
  return [];
}

/** Scans text as each given format and merges the results, references in document order. */
export function scanAs(formats: readonly FileFormat[], text: string, options?: ScanOptions): ScanResult | undefined {
  if (formats.length === 0) {
    return undefined;
  }
  if (formats.length === 1) {
    return SCANNERS[formats[0]](text, options);
  }
  const results = formats.map((format) => SCANNERS[format](text, options));
  const firewalls = results.flatMap((result) => result.wiring?.firewall ?? []);
  return {
    format: formats[0],
    references: results.flatMap((result) => result.references).sort((a, b) => a.range.start - b.range.start),
    problems: results.flatMap((result) => result.problems).sort((a, b) => a.range.start - b.range.start),
    // Only shell scripts hold several formats, and of the wiring facts only firewalls come from them.
    ...(firewalls.length > 0 ? { wiring: { firewall: firewalls } } : {}),
  };
}

/** Detects the formats of a file and scans it; `undefined` when Port Lens does not read this kind of file. */
export function scanFile(fileName: string, text: string, options?: ScanOptions & { languageId?: string }): ScanResult | undefined {
  // Some formats read the name too (`rules.v6`, a firewalld zone file, an nginx stream include):
  // the editor, the workspace scan and the command line all get the same reading.
  return scanAs(detectFormats(fileName, text, options?.languageId), text, { fileName, ...options });
}

/**
 * Files worth opening when scanning a workspace: every name the rules above recognise, plus the
 * generic extensions whose content decides (YAML, XML, shell scripts).
 */
export const CANDIDATE_FILE_GLOB =
  '**/{Dockerfile,Dockerfile.*,*.dockerfile,Containerfile,Containerfile.*,*.containerfile,*.yaml,*.yml,*.conf,*.nginx,*.nft,' +
  'rules.v4,rules.v6,*.rules,*.iptables,*.ip6tables,*.sh,*.bash,*.zsh,*.xml,sshd_config,*.socket,*.service,*.cfg,conf,sites-available/*,sites-enabled/*,' +
  '*.tf,*.json,*.template}';
