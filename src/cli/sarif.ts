/**
 * SARIF 2.1.0 output for GitHub code scanning and other viewers. Only the parts of the format
 * Port Lens fills in are typed here.
 */
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import type { DiagnosticSeverity } from '../core/analysis';
import type { CheckReport } from './report';

export interface SarifMessage {
  readonly text: string;
  readonly markdown?: string;
}

export interface SarifArtifactLocation {
  readonly uri: string;
  readonly uriBaseId?: string;
}

export interface SarifRegion {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface SarifLocation {
  readonly physicalLocation: {
    readonly artifactLocation: SarifArtifactLocation;
    readonly region?: SarifRegion;
  };
}

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface SarifReportingDescriptor {
  readonly id: string;
  readonly name?: string;
  readonly shortDescription?: SarifMessage;
  readonly fullDescription?: SarifMessage;
  readonly helpUri?: string;
  readonly help?: SarifMessage;
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: SarifMessage;
  readonly locations: readonly SarifLocation[];
}

export interface SarifNotification {
  readonly level: SarifLevel;
  readonly message: SarifMessage;
  readonly locations?: readonly SarifLocation[];
}

export interface SarifRun {
  readonly tool: {
    readonly driver: {
      readonly name: string;
      readonly version: string;
      readonly semanticVersion: string;
      readonly informationUri: string;
      readonly rules: readonly SarifReportingDescriptor[];
    };
  };
  readonly originalUriBaseIds: Readonly<Record<string, { readonly uri: string }>>;
  readonly invocations: readonly {
    readonly executionSuccessful: boolean;
    readonly toolExecutionNotifications: readonly SarifNotification[];
  }[];
  readonly columnKind: 'utf16CodeUnits';
  readonly results: readonly SarifResult[];
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly SarifRun[];
}

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const PROJECT_URL = 'https://github.com/port-lens/port-lens';
/** Each rule is documented in `docs/rules/<id>.md`. */
export const RULE_DOCS_BASE_URL = `${PROJECT_URL}/blob/main/docs/rules/`;
const SOURCE_ROOT = '%SRCROOT%';

const LEVELS: Readonly<Record<DiagnosticSeverity, SarifLevel>> = { error: 'error', warning: 'warning', info: 'note' };

/** A relative path becomes a URI relative to the source root; a path outside it becomes a `file:` URI. */
function artifactLocation(shownPath: string): SarifArtifactLocation {
  if (path.posix.isAbsolute(shownPath) || path.win32.isAbsolute(shownPath)) {
    return { uri: pathToFileURL(shownPath).href };
  }
  return { uri: shownPath.split('/').map(encodeURIComponent).join('/'), uriBaseId: SOURCE_ROOT };
}

/** SARIF viewers want a one-word friendly name: `invalid-port` becomes `InvalidPort`. */
function friendlyName(rule: string): string {
  return rule.split(/[^A-Za-z0-9]+/).filter(Boolean).map((word) => word[0].toUpperCase() + word.slice(1)).join('');
}

export function ruleHelpUri(rule: string): string {
  return `${RULE_DOCS_BASE_URL}${encodeURIComponent(rule)}.md`;
}

export interface SarifContext {
  /** The directory relative paths are relative to. */
  readonly cwd: string;
  readonly version: string;
  /** `false` when a path on the command line could not be read. */
  readonly executionSuccessful: boolean;
}

export function buildSarif(report: CheckReport, context: SarifContext): SarifLog {
  const ruleIds = [...new Set(report.files.flatMap((file) => file.diagnostics.map((diagnostic) => diagnostic.rule)))].sort();
  const ruleIndex = new Map(ruleIds.map((id, index) => [id, index]));
  const rules = ruleIds.map((id): SarifReportingDescriptor => {
    const helpUri = ruleHelpUri(id);
    return {
      id,
      name: friendlyName(id),
      shortDescription: { text: `Port Lens rule ${id}` },
      // GitHub code scanning requires a full description; the rule's page is where the details live.
      fullDescription: { text: `What the ${id} rule catches, why it matters, and how to fix or silence it: ${helpUri}` },
      helpUri,
      help: { text: `See ${helpUri}`, markdown: `See [${id}](${helpUri}).` },
    };
  });
  const results = report.files.flatMap((file) =>
    file.diagnostics.map((diagnostic): SarifResult => ({
      ruleId: diagnostic.rule,
      ruleIndex: ruleIndex.get(diagnostic.rule) ?? 0,
      level: LEVELS[diagnostic.severity],
      message: { text: diagnostic.message },
      locations: [{
        physicalLocation: {
          artifactLocation: artifactLocation(file.path),
          region: { startLine: diagnostic.line, startColumn: diagnostic.column, endLine: diagnostic.endLine, endColumn: diagnostic.endColumn },
        },
      }],
    })),
  );
  const notifications = report.skipped.map((skipped): SarifNotification => ({
    level: 'note',
    message: { text: `Skipped ${skipped.path}: ${skipped.reason}` },
    locations: [{ physicalLocation: { artifactLocation: artifactLocation(skipped.path.replace(/\/$/, '')) } }],
  }));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Port Lens',
          version: context.version,
          semanticVersion: context.version,
          informationUri: PROJECT_URL,
          rules,
        },
      },
      originalUriBaseIds: { [SOURCE_ROOT]: { uri: pathToFileURL(`${path.resolve(context.cwd)}${path.sep}`).href } },
      invocations: [{ executionSuccessful: context.executionSuccessful, toolExecutionNotifications: notifications }],
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}
