/**
 * The files `docker compose` merges when run without `-f`: one base file and, beside it, one
 * override file. The workspace graph links them as one project; a file's own findings and the
 * graph's are merged here for the editor and the command line.
 */
import type { FileAnalysis, PortDiagnostic } from './analysis';

/** In Compose's order of preference: the first one present is the project's base file. */
export const COMPOSE_BASE_FILE_NAMES: readonly string[] = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
export const COMPOSE_OVERRIDE_FILE_NAMES: readonly string[] = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

/** Every name a file of a default Compose project can have. */
export const PROJECT_FILE_NAMES: ReadonlySet<string> = new Set([...COMPOSE_BASE_FILE_NAMES, ...COMPOSE_OVERRIDE_FILE_NAMES]);

function baseNameOf(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
}

/** Whether a file could belong to a default Compose project. */
export function isComposeProjectFileName(fileName: string): boolean {
  return PROJECT_FILE_NAMES.has(baseNameOf(fileName));
}

/** One file's analysis with the workspace graph's findings on it merged in document order. */
export function withProjectDiagnostics(analysis: FileAnalysis, extra: readonly PortDiagnostic[] | undefined): FileAnalysis {
  if (!extra || extra.length === 0) {
    return analysis;
  }
  const diagnostics = [...analysis.diagnostics, ...extra].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  return { ...analysis, diagnostics };
}
