/**
 * The optional workspace file `.portlens.json` (or the `"portLens"` section of `package.json`),
 * read by the command line and the editor alike so CI and the editor agree. Pure: callers pass
 * the file contents in, nothing here touches the file system.
 */
import type { DiagnosticSeverity } from './analysis';
import { EMPTY_USER_DATA, parseUserPortData } from './ports/userData';
import type { UserPortData } from './ports/userData';

export type RuleSetting = DiagnosticSeverity | 'off';

export interface ProjectConfig {
  /** Per-rule severity, or `off`. Rule ids are not checked here: a new rule needs no change to this file. */
  readonly rules: Readonly<Record<string, RuleSetting>>;
  /** Globs, relative to the directory holding the configuration file. */
  readonly exclude: readonly string[];
  /** `customPorts`, `sensitivePorts` and `services`, validated the same way as the editor settings. */
  readonly portData: UserPortData;
  /** Ranges wider than this many ports are reported; `undefined` keeps the rule's default. */
  readonly wideRangeThreshold?: number;
  /** The cluster's NodePort range (`--service-node-port-range`); `undefined` keeps 30000-32767. */
  readonly nodePortRange?: { readonly start: number; readonly end: number };
}

export interface ProjectConfigResult {
  readonly config: ProjectConfig;
  /** One line per skipped entry, prefixed with the file name. */
  readonly problems: string[];
  /** `false` when the file as a whole could not be used (not JSON, or not an object). */
  readonly usable: boolean;
}

export const EMPTY_PROJECT_CONFIG: ProjectConfig = { rules: {}, exclude: [], portData: EMPTY_USER_DATA };

export const PROJECT_CONFIG_FILE = '.portlens.json';
export const PACKAGE_JSON_FILE = 'package.json';
/** The `package.json` key that holds the same object as `.portlens.json`. */
export const PACKAGE_JSON_SECTION = 'portLens';

const RULE_SETTINGS: readonly RuleSetting[] = ['error', 'warning', 'info', 'off'];
const KNOWN_KEYS: ReadonlySet<string> = new Set(['$schema', 'rules', 'exclude', 'customPorts', 'sensitivePorts', 'services', 'wideRangeThreshold', 'nodePortRange']);
const SENSITIVE_KEYS: ReadonlySet<string> = new Set(['additional', 'silenced']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `parseUserPortData` names the editor settings; here the same entries live under other keys. */
function renameUserDataProblem(problem: string): string {
  return problem
    .replace(/^additionalSensitivePorts\b/, 'sensitivePorts.additional')
    .replace(/^silencedSensitivePorts\b/, 'sensitivePorts.silenced');
}

function parseRules(value: unknown, problems: string[]): Record<string, RuleSetting> {
  const rules: Record<string, RuleSetting> = {};
  if (value === undefined) {
    return rules;
  }
  if (!isPlainObject(value)) {
    problems.push('rules must be an object mapping a rule id to "error", "warning", "info" or "off".');
    return rules;
  }
  for (const [id, setting] of Object.entries(value)) {
    if (typeof setting === 'string' && (RULE_SETTINGS as readonly string[]).includes(setting)) {
      rules[id] = setting as RuleSetting;
    } else {
      problems.push(`rules: "${id}" is set to ${JSON.stringify(setting)}; use "error", "warning", "info" or "off".`);
    }
  }
  return rules;
}

function parseExclude(value: unknown, problems: string[]): string[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push('exclude must be a list of globs, e.g. ["test/fixtures/**"].');
    return [];
  }
  const globs: string[] = [];
  for (const item of value) {
    if (typeof item === 'string' && item.trim() !== '') {
      globs.push(item.trim());
    } else {
      problems.push(`exclude: ${JSON.stringify(item)} is not a glob.`);
    }
  }
  return globs;
}

function parseThreshold(value: unknown, problems: string[]): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) {
    return value;
  }
  problems.push(`wideRangeThreshold must be a whole number of ports, 1 or more; ${JSON.stringify(value)} is ignored.`);
  return undefined;
}

const NODE_PORT_RANGE = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/;

/** `"30000-32767"`, written as the API server's `--service-node-port-range` flag takes it. */
function parseNodePortRange(value: unknown, problems: string[]): { start: number; end: number } | undefined {
  if (value === undefined) {
    return undefined;
  }
  const match = typeof value === 'string' ? NODE_PORT_RANGE.exec(value) : null;
  if (match) {
    const start = Number(match[1]);
    const end = Number(match[2]);
    if (start >= 1 && start <= end && end <= 65535) {
      return { start, end };
    }
  }
  problems.push(`nodePortRange must be a range such as "30000-32767" within 1-65535; ${JSON.stringify(value)} is ignored.`);
  return undefined;
}

function parsePortData(section: Record<string, unknown>, problems: string[]): UserPortData {
  let additional: unknown;
  let silenced: unknown;
  const sensitive = section.sensitivePorts;
  if (isPlainObject(sensitive)) {
    for (const key of Object.keys(sensitive)) {
      if (!SENSITIVE_KEYS.has(key)) {
        problems.push(`sensitivePorts: unknown key "${key}" is ignored; use "additional" or "silenced".`);
      }
    }
    additional = sensitive.additional;
    silenced = sensitive.silenced;
  } else if (sensitive !== undefined) {
    problems.push('sensitivePorts must be an object with "additional" and "silenced".');
  }
  const parsed = parseUserPortData({
    customPorts: section.customPorts,
    additionalSensitivePorts: additional,
    silencedSensitivePorts: silenced,
    services: section.services,
  });
  problems.push(...parsed.problems.map(renameUserDataProblem));
  return parsed.data;
}

/** Validates an already-parsed configuration object; malformed entries are skipped and described. */
function parseSection(section: unknown, label: string): ProjectConfigResult {
  if (!isPlainObject(section)) {
    return { config: EMPTY_PROJECT_CONFIG, problems: [`${label}: the configuration must be a JSON object.`], usable: false };
  }
  const problems: string[] = [];
  for (const key of Object.keys(section)) {
    if (!KNOWN_KEYS.has(key)) {
      problems.push(`unknown key "${key}" is ignored.`);
    }
  }
  const rules = parseRules(section.rules, problems);
  const exclude = parseExclude(section.exclude, problems);
  const portData = parsePortData(section, problems);
  const wideRangeThreshold = parseThreshold(section.wideRangeThreshold, problems);
  const nodePortRange = parseNodePortRange(section.nodePortRange, problems);
  const config: ProjectConfig = {
    rules,
    exclude,
    portData,
    ...(wideRangeThreshold !== undefined ? { wideRangeThreshold } : {}),
    ...(nodePortRange !== undefined ? { nodePortRange } : {}),
  };
  return { config, problems: problems.map((problem) => `${label}: ${problem}`), usable: true };
}

function isPackageJson(fileName: string): boolean {
  return fileName === PACKAGE_JSON_FILE || fileName.endsWith(`/${PACKAGE_JSON_FILE}`) || fileName.endsWith(`\\${PACKAGE_JSON_FILE}`);
}

function jsonErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Parses `.portlens.json`, or the `"portLens"` section when `fileName` is a `package.json`.
 * Invalid JSON gives one problem and an empty configuration; a `package.json` without the
 * section gives an empty configuration and no problem.
 */
export function parseProjectConfig(jsonText: string, fileName: string): ProjectConfigResult {
  let parsed: unknown;
  try {
    // A byte order mark is legal at the start of a file but not in JSON.
    parsed = JSON.parse(jsonText.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { config: EMPTY_PROJECT_CONFIG, problems: [`${fileName}: not valid JSON (${jsonErrorMessage(error)}).`], usable: false };
  }
  if (isPackageJson(fileName)) {
    if (!isPlainObject(parsed) || parsed[PACKAGE_JSON_SECTION] === undefined) {
      return { config: EMPTY_PROJECT_CONFIG, problems: [], usable: true };
    }
    return parseSection(parsed[PACKAGE_JSON_SECTION], `${fileName} (${PACKAGE_JSON_SECTION})`);
  }
  return parseSection(parsed, fileName);
}

/** Where a configuration was found and what it says. */
export interface LoadedProjectConfig extends ProjectConfigResult {
  /** `.portlens.json` or `package.json`, as passed to the reader. */
  readonly fileName: string;
}

/**
 * Loads the configuration of one directory through `readFile` (which returns `undefined` for a
 * missing file): `.portlens.json` first, then a `package.json` that has a `"portLens"` section.
 * A `package.json` that is not valid JSON is not ours to report, so it is passed over.
 * Returns `undefined` when the directory has neither.
 */
export function loadProjectConfig(readFile: (fileName: string) => string | undefined): LoadedProjectConfig | undefined {
  const own = readFile(PROJECT_CONFIG_FILE);
  if (own !== undefined) {
    return { fileName: PROJECT_CONFIG_FILE, ...parseProjectConfig(own, PROJECT_CONFIG_FILE) };
  }
  const packageJson = readFile(PACKAGE_JSON_FILE);
  if (packageJson === undefined) {
    return undefined;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(packageJson.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  if (!isPlainObject(manifest) || manifest[PACKAGE_JSON_SECTION] === undefined) {
    return undefined;
  }
  return { fileName: PACKAGE_JSON_FILE, ...parseSection(manifest[PACKAGE_JSON_SECTION], `${PACKAGE_JSON_FILE} (${PACKAGE_JSON_SECTION})`) };
}
