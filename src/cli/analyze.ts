/** Reads the selected files and analyses each one with the same core the editor uses. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../core/analysis';
import type { AnalysisOptions, FileAnalysis, PortDiagnostic } from '../core/analysis';
import { defaultComposeProject, isComposeProjectFileName, projectConflictDiagnostics, withProjectDiagnostics } from '../core/composeProject';
import type { ProjectMember } from '../core/composeProject';
import { KnowledgeBase } from '../core/ports/knowledgeBase';
import { detectFormats } from '../core/scanners/index';
import { LineIndex } from '../core/text';
import type { FileFormat } from '../core/types';
import type { FileSelection } from './args';
import type { CliConfig } from './config';
import { discoverFiles, isPlainFile, readCandidate } from './discover';
import type { FoundFile, SkippedFile } from './discover';
import { parseDotEnv } from './dotenv';
import { compileGlob, createExcludeMatcher, displayPath, toSlashes } from './paths';

export interface AnalysedFile {
  /** As shown in the output. */
  readonly path: string;
  readonly absolute: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly analysis: FileAnalysis;
}

export interface AnalysisRun {
  readonly files: readonly AnalysedFile[];
  readonly skipped: readonly SkippedFile[];
  /** Command-line paths that could not be read: the exit code is 2. */
  readonly unreadable: readonly SkippedFile[];
}

const COMPOSE_ENV_FILE = '.env';

/** The last `--format-of` whose glob matches the path (relative to the working directory) wins. */
function createFormatOverrides(selection: FileSelection, cwd: string): (absolute: string) => FileFormat | undefined {
  const overrides = selection.formatOverrides.map((override) => ({ matches: compileGlob(override.glob), format: override.format }));
  return (absolute) => {
    const shown = toSlashes(displayPath(cwd, absolute));
    let format: FileFormat | undefined;
    for (const override of overrides) {
      if (override.matches(shown)) {
        format = override.format;
      }
    }
    return format;
  };
}

/** Reads `.env` beside each Compose file once per directory. */
function createEnvReader(): (directory: string) => Record<string, string> | undefined {
  const cache = new Map<string, Record<string, string> | undefined>();
  return (directory) => {
    if (!cache.has(directory)) {
      let env: Record<string, string> | undefined;
      const file = path.join(directory, COMPOSE_ENV_FILE);
      try {
        env = isPlainFile(file) ? parseDotEnv(fs.readFileSync(file, 'utf8')) : undefined;
      } catch {
        // No `.env` is the usual case; an unreadable one leaves variables unresolved, which the scanner reports.
        env = undefined;
      }
      cache.set(directory, env);
    }
    return cache.get(directory);
  };
}

/** Finds, reads and analyses the files; one bad file never stops the others. */
export function analyseSelection(selection: FileSelection, cwd: string, cliConfig: CliConfig): AnalysisRun {
  const isExcluded = createExcludeMatcher([
    { base: path.resolve(cwd), globs: selection.exclude },
    { base: cliConfig.directory, globs: cliConfig.config.exclude },
  ]);
  const formatOverride = createFormatOverrides(selection, cwd);
  const discovery = discoverFiles(selection.paths, {
    cwd,
    isExcluded,
    hasFormatOverride: (absolute) => formatOverride(absolute) !== undefined,
  });
  const readEnv = createEnvReader();
  const { rules, portData, wideRangeThreshold, nodePortRange } = cliConfig.config;
  // The options the editor passes too: the rules look ports up in a knowledge base that knows
  // the project's own and silenced ports, and read the wide-range threshold.
  const baseOptions: AnalysisOptions = {
    ruleSeverities: rules,
    knowledgeBase: new KnowledgeBase(portData),
    ...(wideRangeThreshold !== undefined ? { wideRangeThreshold } : {}),
    ...(nodePortRange !== undefined ? { nodePortRange } : {}),
  };
  const files: AnalysedFile[] = [];
  const skipped: SkippedFile[] = [...discovery.skipped];

  for (const file of discovery.files) {
    const outcome = readCandidate(file, selection.maxFileSize);
    if (outcome.kind === 'skipped') {
      skipped.push({ path: file.path, reason: outcome.reason });
      continue;
    }
    if (outcome.kind === 'not-a-script') {
      continue;
    }
    const analysed = analyseText(file, outcome.text, formatOverride(file.absolute), baseOptions, readEnv);
    if (analysed) {
      files.push(analysed);
    } else if (file.explicit) {
      skipped.push({ path: file.path, reason: 'not a supported file (its format could not be detected; see --format-of)' });
    }
  }
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: addComposeProjectConflicts(files, baseOptions, selection.maxFileSize, readEnv), skipped, unreadable: discovery.unreadable };
}

/**
 * Adds conflicts between a Compose base file and its override file. A project file that was not
 * selected (or was excluded) is still read, because `docker compose` merges it all the same;
 * only the selected files get diagnostics.
 */
function addComposeProjectConflicts(
  files: AnalysedFile[],
  baseOptions: AnalysisOptions,
  maxFileSize: number,
  readEnv: (directory: string) => Record<string, string> | undefined,
): AnalysedFile[] {
  const byAbsolute = new Map(files.map((file) => [file.absolute, file]));
  const projectExtras = new Map<string, PortDiagnostic[]>();
  const checkedDirectories = new Set<string>();
  for (const file of files) {
    const directory = path.dirname(file.absolute);
    if (file.analysis.format !== 'compose' || !isComposeProjectFileName(file.absolute) || checkedDirectories.has(directory)) {
      continue;
    }
    checkedDirectories.add(directory);
    let names: string[];
    try {
      names = fs.readdirSync(directory);
    } catch {
      continue;
    }
    const members: ProjectMember[] = [];
    for (const name of defaultComposeProject(names)) {
      const absolute = path.join(directory, name);
      const member = byAbsolute.get(absolute) ?? readProjectSibling(absolute, maxFileSize, baseOptions, readEnv);
      if (member) {
        members.push({ fileName: toSlashes(absolute), text: member.text, analysis: member.analysis });
      }
    }
    for (const [fileName, diagnostics] of projectConflictDiagnostics(members, baseOptions.ruleSeverities)) {
      projectExtras.set(fileName, diagnostics);
    }
  }
  if (projectExtras.size === 0) {
    return files;
  }
  return files.map((file) => {
    const extra = projectExtras.get(toSlashes(file.absolute));
    return extra ? { ...file, analysis: withProjectDiagnostics(file.analysis, extra) } : file;
  });
}

function readProjectSibling(
  absolute: string,
  maxFileSize: number,
  baseOptions: AnalysisOptions,
  readEnv: (directory: string) => Record<string, string> | undefined,
): { text: string; analysis: FileAnalysis } | undefined {
  if (!isPlainFile(absolute)) {
    return undefined;
  }
  const outcome = readCandidate({ path: absolute, absolute, explicit: false, needsShebang: false }, maxFileSize);
  if (outcome.kind !== 'text') {
    return undefined;
  }
  const fileName = toSlashes(absolute);
  const env = readEnv(path.dirname(absolute));
  const analysis = analyzeFile(fileName, outcome.text, { ...baseOptions, fileName, formats: ['compose'], ...(env ? { env } : {}) });
  return analysis ? { text: outcome.text, analysis } : undefined;
}

function analyseText(
  file: FoundFile,
  text: string,
  override: FileFormat | undefined,
  baseOptions: AnalysisOptions,
  readEnv: (directory: string) => Record<string, string> | undefined,
): AnalysedFile | undefined {
  // Detection runs on the absolute path, exactly as the editor sees `document.fileName`.
  const fileName = toSlashes(file.absolute);
  const formats = override ? [override] : detectFormats(fileName, text);
  if (formats.length === 0) {
    return undefined;
  }
  const env = formats.includes('compose') ? readEnv(path.dirname(file.absolute)) : undefined;
  const options: AnalysisOptions = { ...baseOptions, fileName, ...(env ? { env } : {}) };
  const analysis = analyzeFile(fileName, text, override ? { ...options, formats: [override] } : options);
  if (!analysis) {
    return undefined;
  }
  return { path: file.path, absolute: file.absolute, text, lines: new LineIndex(text), analysis };
}

