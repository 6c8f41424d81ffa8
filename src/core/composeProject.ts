/**
 * The files `docker compose` merges when run without `-f`: one base file and, beside it, one
 * override file. Port conflicts can span the two, so the editor and the command line both
 * check them as one project.
 */
import type { FileAnalysis, PortDiagnostic } from './analysis';
import { settleDiagnostics } from './rules/index';
import type { RuleSeverities } from './rules/index';
import { composeProjectConflicts } from './rules/hostPortConflict';

/** In Compose's order of preference: the first one present is the project's base file. */
export const COMPOSE_BASE_FILE_NAMES: readonly string[] = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
export const COMPOSE_OVERRIDE_FILE_NAMES: readonly string[] = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

const PROJECT_FILE_NAMES: ReadonlySet<string> = new Set([...COMPOSE_BASE_FILE_NAMES, ...COMPOSE_OVERRIDE_FILE_NAMES]);

function baseNameOf(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
}

/** Whether a file could belong to a default Compose project; only these need a sibling read. */
export function isComposeProjectFileName(fileName: string): boolean {
  return PROJECT_FILE_NAMES.has(baseNameOf(fileName));
}

/**
 * The base and override file Compose would merge, in merge order, from the names present in
 * one directory. Empty unless both exist: a lone file has no cross-file conflicts.
 */
export function defaultComposeProject(namesInDirectory: Iterable<string>): string[] {
  const present = new Set(namesInDirectory);
  const base = COMPOSE_BASE_FILE_NAMES.find((name) => present.has(name));
  const override = COMPOSE_OVERRIDE_FILE_NAMES.find((name) => present.has(name));
  return base && override ? [base, override] : [];
}

export interface ProjectMember {
  readonly fileName: string;
  readonly text: string;
  readonly analysis: FileAnalysis;
}

/**
 * Conflicts between the members of one project, keyed by file name, after each file's own
 * suppression comments and the severity settings are applied. Members that are not Compose
 * files (a parse failure detected as something else) take no part.
 */
export function projectConflictDiagnostics(members: readonly ProjectMember[], severities?: RuleSeverities): Map<string, PortDiagnostic[]> {
  const composeMembers = members.filter((member) => member.analysis.format === 'compose');
  const conflicts = composeProjectConflicts(composeMembers.map(({ fileName, text, analysis }) => ({ fileName, text, references: analysis.references })));
  const settled = new Map<string, PortDiagnostic[]>();
  for (const member of composeMembers) {
    const found = conflicts.get(member.fileName);
    if (found && found.length > 0) {
      settled.set(member.fileName, settleDiagnostics(found, member.text, 'compose', severities));
    }
  }
  return settled;
}

/** One file's analysis with project-level diagnostics merged in document order. */
export function withProjectDiagnostics(analysis: FileAnalysis, extra: readonly PortDiagnostic[] | undefined): FileAnalysis {
  if (!extra || extra.length === 0) {
    return analysis;
  }
  const diagnostics = [...analysis.diagnostics, ...extra].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  return { ...analysis, diagnostics };
}
