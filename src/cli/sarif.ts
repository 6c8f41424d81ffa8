/**
 * SARIF 2.1.0 output for GitHub code scanning and other viewers. Only the parts of the format
 * Port Lens fills in are typed here.
 */
import { pathToFileURL } from 'node:url';
import * as path from 'node:path';
import type { DiagnosticSeverity } from '../core/analysis';
import { PROJECT_URL, ruleDocsUrl } from '../core/ruleDocs';
import { RULES, ruleById } from '../core/rules/index';
import type { CheckReport, RelatedRecord, Span } from './report';
import { ruleHelp } from './rulePages';

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
  /** Set on related locations: unique within a result. */
  readonly id?: number;
  readonly message?: SarifMessage;
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
  readonly defaultConfiguration?: { readonly level: SarifLevel; readonly enabled: boolean };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: SarifMessage;
  readonly locations: readonly SarifLocation[];
  /** The other places a finding is about, such as where a dialled service really listens. */
  readonly relatedLocations?: readonly SarifLocation[];
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

function regionOf(span: Span): SarifRegion {
  return { startLine: span.line, startColumn: span.column, endLine: span.endLine, endColumn: span.endColumn };
}

function relatedLocations(related: readonly RelatedRecord[]): SarifLocation[] {
  return related.map((location, index) => ({
    id: index + 1,
    message: { text: location.message },
    physicalLocation: { artifactLocation: artifactLocation(location.path), region: regionOf(location) },
  }));
}

export interface SarifContext {
  /** The directory relative paths are relative to. */
  readonly cwd: string;
  readonly version: string;
  /** `false` when a path on the command line could not be read. */
  readonly executionSuccessful: boolean;
  /** Where the rule pages are, for each rule's help; without it, or for a page missing there, the help is the rule's one sentence and its link. */
  readonly rulePages: string | undefined;
}

function ruleDescriptor(id: string, rulePages: string | undefined): SarifReportingDescriptor {
  const helpUri = ruleDocsUrl(id);
  const rule = ruleById(id);
  const summary = rule?.description ?? `Port Lens rule ${id}.`;
  return {
    id,
    name: friendlyName(id),
    shortDescription: { text: summary },
    // GitHub code scanning requires a full description; the rule's page holds examples and fixes.
    fullDescription: { text: `${summary} Examples, quick fixes and how to silence it: ${helpUri}` },
    helpUri,
    // The whole page, so code scanning shows the examples and fixes beside the alert.
    help: ruleHelp(id, rulePages),
    ...(rule ? { defaultConfiguration: { level: LEVELS[rule.defaultSeverity], enabled: rule.enabledByDefault } } : {}),
  };
}

export function buildSarif(report: CheckReport, context: SarifContext): SarifLog {
  // Every rule is listed, so viewers can show what was checked; ids met only in results follow.
  const ruleIds = [...RULES.map((rule) => rule.id)];
  for (const file of report.files) {
    for (const diagnostic of file.diagnostics) {
      if (!ruleIds.includes(diagnostic.rule)) {
        ruleIds.push(diagnostic.rule);
      }
    }
  }
  const ruleIndex = new Map(ruleIds.map((id, index) => [id, index]));
  const rules = ruleIds.map((id) => ruleDescriptor(id, context.rulePages));
  const results = report.files.flatMap((file) =>
    file.diagnostics.map((diagnostic): SarifResult => ({
      ruleId: diagnostic.rule,
      ruleIndex: ruleIndex.get(diagnostic.rule) ?? 0,
      level: LEVELS[diagnostic.severity],
      message: { text: diagnostic.message },
      locations: [{ physicalLocation: { artifactLocation: artifactLocation(file.path), region: regionOf(diagnostic) } }],
      ...(diagnostic.related && diagnostic.related.length > 0 ? { relatedLocations: relatedLocations(diagnostic.related) } : {}),
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
