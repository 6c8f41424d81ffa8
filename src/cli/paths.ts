/** Path helpers: display paths relative to the working directory, and glob matching the way the options document it. */
import * as path from 'node:path';
import picomatch from 'picomatch';

/** Forward slashes on every platform, so output and globs look the same everywhere. */
export function toSlashes(filePath: string): string {
  return filePath.split(path.sep).join('/');
}

/** `relative/to/base` when `target` is inside `base`, otherwise `undefined`. */
export function relativeInside(base: string, target: string): string | undefined {
  const relative = path.relative(base, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return undefined;
  }
  return toSlashes(relative);
}

/** How a file is shown: relative to the working directory when inside it, absolute otherwise. */
export function displayPath(cwd: string, absolute: string): string {
  if (path.resolve(cwd) === path.resolve(absolute)) {
    return '.';
  }
  return relativeInside(cwd, absolute) ?? toSlashes(absolute);
}

/**
 * Compiles a glob: `*`, `**`, `?`, `[...]`, `{a,b}`, dot files included. A glob without `/`
 * matches a name at any depth, as in `.gitignore`; a leading `./` or trailing `/` is dropped.
 */
export function compileGlob(glob: string): (relativePath: string) => boolean {
  const normalized = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  return picomatch(normalized, { dot: true, basename: !normalized.includes('/') });
}

/** Globs anchored at a directory: `.portlens.json` globs at its own directory, command-line globs at the working directory. */
export interface AnchoredGlobs {
  readonly base: string;
  readonly globs: readonly string[];
}

/**
 * Whether a path, or any directory above it up to the glob's base, matches one of the globs;
 * so `--exclude vendor` covers everything under `vendor/`.
 */
export function createExcludeMatcher(sets: readonly AnchoredGlobs[]): (absolute: string) => boolean {
  const compiled = sets
    .filter((set) => set.globs.length > 0)
    .map((set) => ({ base: set.base, matchers: set.globs.map(compileGlob) }));
  return (absolute) => {
    for (const { base, matchers } of compiled) {
      const relative = relativeInside(base, absolute);
      if (relative === undefined) {
        continue;
      }
      let prefix = relative;
      while (prefix !== '') {
        if (matchers.some((matches) => matches(prefix))) {
          return true;
        }
        const slash = prefix.lastIndexOf('/');
        prefix = slash < 0 ? '' : prefix.slice(0, slash);
      }
    }
    return false;
  };
}
