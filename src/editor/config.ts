/** Command ids, view ids, setting names and the typed configuration, in one place. */
import * as vscode from 'vscode';
import type { HoverDetail } from '../core/hover';
import type { RawUserPortData } from '../core/ports/userData';

export const EXTENSION_ID = 'port-lens.port-lens';
export const CONFIG_SECTION = 'portLens';
export const OUTPUT_CHANNEL_NAME = 'Port Lens';
export const DIAGNOSTIC_SOURCE = 'Port Lens';

export const Commands = {
  findPort: 'portLens.findPort',
  copyPortInfo: 'portLens.copyPortInfo',
  revealPort: 'portLens.revealPort',
  showPortInfo: 'portLens.showPortInfo',
  openOccurrence: 'portLens.openOccurrence',
  refreshWorkspacePorts: 'portLens.refreshWorkspacePorts',
  groupByPort: 'portLens.groupByPort',
  groupByFile: 'portLens.groupByFile',
  silenceSensitivePort: 'portLens.silenceSensitivePort',
  /** Quick fix: records in `portLens.services` what software a service, image or file runs. */
  declareSoftware: 'portLens.declareSoftware',
  /** Opens a file at a range given as plain numbers, so hover links survive the trip through the workbench. */
  openLocation: 'portLens.openLocation',
  /** Port Map: opens where a wire's far end listens. */
  openFarEnd: 'portLens.openFarEnd',
  /** Port Map: opens where a service, workload or Service is defined. */
  openNodeDefinition: 'portLens.openNodeDefinition',
  /** Walkthrough: opens a sample file as an untitled document. */
  openSample: 'portLens.openSample',
  getStarted: 'portLens.getStarted',
  /** Opens a rule's page, bundled with the extension, in the Markdown preview. */
  showRuleHelp: 'portLens.showRuleHelp',
} as const;

export const Views = {
  container: 'portLens',
  workspacePorts: 'portLens.workspacePorts',
  portMap: 'portLens.portMap',
  catalog: 'portLens.catalog',
} as const;

/** Context keys for `when` clauses. */
export const ContextKeys = {
  groupBy: 'portLens.groupBy',
  /** Set once the first workspace scan has finished, so "no ports found" never shows mid-scan. */
  workspaceScanned: 'portLens.workspaceScanned',
  /** Set once the Port Map has read the workspace, so its welcome text never shows mid-read. */
  portMapLoaded: 'portLens.portMapLoaded',
} as const;

/** Languages Port Lens reads. `portLens.enable` can be switched off per language with a `[language]` block. */
export const SUPPORTED_LANGUAGES = [
  'dockerfile', 'dockercompose', 'yaml', 'nginx', 'iptables', 'nftables', 'shellscript', 'xml', 'ini', 'properties', 'plaintext',
  // HashiCorp's extension names Terraform `terraform`; CloudFormation templates are YAML or JSON.
  'terraform', 'json',
  // systemd unit files, as the systemd extensions name them; without one they open as ini or plain text.
  'systemd-unit-file',
] as const;

/**
 * Schemes of documents that only show a file (a Git diff's old side, the output panel): no
 * diagnostics there. Every other scheme is a file someone edits: `file` on the desktop,
 * `vscode-remote` over SSH and in containers, `vscode-vfs` on vscode.dev and github.dev.
 */
const VIEW_ONLY_SCHEMES: ReadonlySet<string> = new Set(['git', 'gitfs', 'output', 'vscode-scm', 'comment', 'walkThroughSnippet', 'vscode-notebook-cell-output']);

export function isEditedDocument(uri: { readonly scheme: string }): boolean {
  return !VIEW_ONLY_SCHEMES.has(uri.scheme);
}

export interface PortLensConfig {
  readonly enable: boolean;
  readonly hoverDetail: HoverDetail;
  readonly exclude: readonly string[];
  readonly maxWorkspaceFiles: number;
  readonly maxFileSizeBytes: number;
  readonly userData: RawUserPortData;
  /** `portLens.rules`: severity per rule id, or `off`. Unknown values are dropped. */
  readonly rules: Readonly<Record<string, 'error' | 'warning' | 'info' | 'off'>>;
}

const RULE_LEVELS: ReadonlySet<string> = new Set(['error', 'warning', 'info', 'off']);

function ruleSettings(value: unknown): Record<string, 'error' | 'warning' | 'info' | 'off'> {
  const rules: Record<string, 'error' | 'warning' | 'info' | 'off'> = {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [rule, level] of Object.entries(value)) {
      if (typeof level === 'string' && RULE_LEVELS.has(level)) {
        rules[rule] = level as 'error' | 'warning' | 'info' | 'off';
      }
    }
  }
  return rules;
}

const DEFAULT_MAX_WORKSPACE_FILES = 5000;
const DEFAULT_MAX_FILE_SIZE_KB = 2048;

function positiveInteger(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/** Reads the settings, falling back to defaults for values of the wrong type rather than failing. */
export function readConfig(scope?: vscode.ConfigurationScope): PortLensConfig {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const exclude = config.get<unknown>('exclude');
  return {
    enable: config.get<unknown>('enable') !== false,
    hoverDetail: config.get<string>('hover.detail') === 'compact' ? 'compact' : 'full',
    exclude: Array.isArray(exclude) ? exclude.filter((pattern): pattern is string => typeof pattern === 'string' && pattern.trim() !== '') : [],
    maxWorkspaceFiles: positiveInteger(config.get('workspaceScan.maxFiles'), DEFAULT_MAX_WORKSPACE_FILES),
    maxFileSizeBytes: positiveInteger(config.get('maxFileSizeKB'), DEFAULT_MAX_FILE_SIZE_KB) * 1024,
    userData: {
      customPorts: config.get('customPorts'),
      additionalSensitivePorts: config.get('sensitivePorts.additional'),
      silencedSensitivePorts: config.get('sensitivePorts.silenced'),
      services: config.get('services'),
    },
    rules: ruleSettings(config.get('rules')),
  };
}

/** Settings for a document: language overrides such as `"[yaml]": { "portLens.enable": false }` apply. */
export function readDocumentConfig(document: vscode.TextDocument): PortLensConfig {
  return readConfig({ uri: document.uri, languageId: document.languageId });
}

export function affectsPortLens(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(CONFIG_SECTION);
}
