/** Finds and reads the workspace configuration for the command line. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EMPTY_PROJECT_CONFIG, loadProjectConfig, parseProjectConfig } from '../core/projectConfig';
import type { ProjectConfig } from '../core/projectConfig';
import { UsageError } from './args';
import { describeError } from './discover';
import { displayPath } from './paths';

export interface CliConfig {
  readonly config: ProjectConfig;
  /** The directory its `exclude` globs are relative to. */
  readonly directory: string;
  /** As shown in messages; `undefined` when no configuration was found. */
  readonly path?: string;
  /** Entries that were skipped, one line each, for stderr. */
  readonly problems: readonly string[];
}

function readIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      return undefined;
    }
    throw new UsageError(`cannot read ${file}: ${describeError(error)}`);
  }
}

/**
 * `--config <file>` when given; otherwise the nearest `.portlens.json` (or `package.json` with
 * a `"portLens"` section) in the working directory or above it, up to the repository root.
 * A configuration that cannot be used at all is a usage error: CI must not run with half of it.
 */
export function readCliConfig(cwd: string, configPath: string | undefined): CliConfig {
  if (configPath !== undefined) {
    const absolute = path.resolve(cwd, configPath);
    const shown = displayPath(cwd, absolute);
    let text: string;
    try {
      text = fs.readFileSync(absolute, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read --config ${shown}: ${describeError(error)}`);
    }
    const result = parseProjectConfig(text, shown);
    if (!result.usable) {
      throw new UsageError(result.problems.join(' '));
    }
    return { config: result.config, directory: path.dirname(absolute), path: shown, problems: result.problems };
  }
  for (let directory = path.resolve(cwd); ; directory = path.dirname(directory)) {
    const loaded = loadProjectConfig((name) => readIfPresent(path.join(directory, name)));
    if (loaded) {
      const shown = displayPath(cwd, path.join(directory, loaded.fileName));
      // Problems name the file as found, so the message points at the right one.
      const problems = loaded.problems.map((problem) => (problem.startsWith(loaded.fileName) ? `${shown}${problem.slice(loaded.fileName.length)}` : problem));
      if (!loaded.usable) {
        throw new UsageError(problems.join(' '));
      }
      return { config: loaded.config, directory, path: shown, problems };
    }
    const parent = path.dirname(directory);
    if (parent === directory || fs.existsSync(path.join(directory, '.git'))) {
      return { config: EMPTY_PROJECT_CONFIG, directory: path.resolve(cwd), problems: [] };
    }
  }
}
