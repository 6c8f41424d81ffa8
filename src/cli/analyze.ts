/**
 * Reads the selected files and analyses each one with the same core the editor uses, then links
 * them in one workspace model, which adds the findings that span files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeFile } from '../core/analysis';
import type { AnalysisOptions, FileAnalysis } from '../core/analysis';
import { isComposeProjectFileName, withProjectDiagnostics } from '../core/composeProject';
import { KnowledgeBase } from '../core/ports/knowledgeBase';
import { detectFormats } from '../core/scanners/index';
import { LineIndex } from '../core/text';
import type { FileFormat } from '../core/types';
import { WorkspaceModel } from '../core/wiring/graph';
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
  /**
   * Every analysed file linked across files, with the context files it asked for; related
   * locations in other files get their positions from it.
   */
  readonly model: WorkspaceModel;
  /** The working directory paths are shown relative to. */
  readonly cwd: string;
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

  const model = new WorkspaceModel({ knowledge: baseOptions.knowledgeBase, ruleSeverities: rules });
  for (const file of files) {
    model.setFile(toSlashes(file.absolute), file.text, file.analysis);
  }
  readContextFiles(model, files, { maxFileSize: selection.maxFileSize, baseOptions, readEnv, formatOverride });
  const checked = files.map((file) => {
    const workspace = model.diagnosticsFor(toSlashes(file.absolute));
    return workspace.length > 0 ? { ...file, analysis: withProjectDiagnostics(file.analysis, workspace) } : file;
  });
  return { files: checked, skipped, unreadable: discovery.unreadable, model, cwd };
}

interface ContextOptions {
  readonly maxFileSize: number;
  readonly baseOptions: AnalysisOptions;
  readonly readEnv: (directory: string) => Record<string, string> | undefined;
  readonly formatOverride: (absolute: string) => FileFormat | undefined;
}

/** Rounds of context reads: a Compose override file read as context can want the Dockerfile it builds. */
const MAX_CONTEXT_ROUNDS = 8;

/**
 * Gives the model the files it asks for beyond the selected ones: the Dockerfiles services
 * build and the other file of a Compose project. `docker compose` reads them whether or not
 * they were selected (or excluded), so the model reads them too; they are context only and
 * never reported themselves.
 */
function readContextFiles(model: WorkspaceModel, selected: readonly AnalysedFile[], options: ContextOptions): void {
  const known = knownDirectories(selected);
  const tried = new Set<string>();
  for (let round = 0; round < MAX_CONTEXT_ROUNDS; round++) {
    const wanted = model.wantedFiles().filter((fileName) => !tried.has(fileName));
    if (wanted.length === 0) {
      return;
    }
    for (const fileName of wanted) {
      tried.add(fileName);
      const context = readContextFile(fileName, model.expectedFormatOf(fileName), known, options);
      if (context) {
        model.setFile(fileName, context.text, context.analysis);
      } else {
        model.markAbsent(fileName);
      }
    }
  }
}

/** Every directory that holds a selected file, and the directories above them. */
function knownDirectories(selected: readonly AnalysedFile[]): Set<string> {
  const known = new Set<string>();
  for (const file of selected) {
    for (let directory = path.dirname(file.absolute); !known.has(directory); directory = path.dirname(directory)) {
      known.add(directory);
      if (path.dirname(directory) === directory) {
        break;
      }
    }
  }
  return known;
}

/**
 * Whether a file can be reached from the selected tree without following a symbolic link: the
 * file itself and each directory between it and the nearest directory known from the selection.
 * As in the walk, a link cannot pull content from elsewhere into a report.
 */
function isReachableWithoutLinks(absolute: string, known: ReadonlySet<string>): boolean {
  if (!isPlainFile(absolute)) {
    return false;
  }
  for (let directory = path.dirname(absolute); !known.has(directory); directory = path.dirname(directory)) {
    try {
      if (fs.lstatSync(directory).isSymbolicLink()) {
        return false;
      }
    } catch {
      return false;
    }
    if (path.dirname(directory) === directory) {
      break;
    }
  }
  return true;
}

function readContextFile(fileName: string, expected: FileFormat | undefined, known: ReadonlySet<string>, options: ContextOptions): { text: string; analysis: FileAnalysis } | undefined {
  const absolute = path.resolve(fileName);
  if (!isReachableWithoutLinks(absolute, known)) {
    return undefined;
  }
  const outcome = readCandidate({ path: absolute, absolute, explicit: false, needsShebang: false }, options.maxFileSize);
  if (outcome.kind !== 'text') {
    return undefined;
  }
  const override = options.formatOverride(absolute);
  const detected = override ? [override] : detectFormats(fileName, outcome.text);
  // A file the model asks for may have any name (`dockerfile: deploy/web.df`, a mounted `lb.cfg`): it says what it holds.
  const formats: FileFormat[] = detected.length > 0 ? detected : expected ? [expected] : isComposeProjectFileName(fileName) ? ['compose'] : ['dockerfile'];
  const env = formats.includes('compose') ? options.readEnv(path.dirname(absolute)) : undefined;
  const analysis = analyzeFile(fileName, outcome.text, { ...options.baseOptions, fileName, formats, ...(env ? { env } : {}) });
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

