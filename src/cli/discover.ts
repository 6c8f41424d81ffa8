/**
 * Finds the files to read under the paths given on the command line, honouring `.gitignore`
 * files (root and nested), exclude globs, and never following a symbolic link out of the tree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import { detectFormats } from '../core/scanners/index';
import { displayPath, relativeInside, toSlashes } from './paths';

/** A file to read, as found. */
export interface FoundFile {
  readonly absolute: string;
  /** As shown in the output: relative to the working directory when inside it. */
  readonly path: string;
  /** Named on the command line: read even if its name says nothing, and reported if unsupported. */
  readonly explicit: boolean;
  /** Found by the walk only because it has no extension: read only if it starts with `#!`. */
  readonly needsShebang: boolean;
}

export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

export interface Discovery {
  readonly files: FoundFile[];
  readonly skipped: SkippedFile[];
  /** Command-line paths that do not exist or cannot be read; these make the exit code 2. */
  readonly unreadable: SkippedFile[];
}

export interface DiscoveryOptions {
  readonly cwd: string;
  readonly isExcluded: (absolute: string) => boolean;
  /** `--format-of` covers the file, so its name need not be one Port Lens knows. */
  readonly hasFormatOverride: (absolute: string) => boolean;
}

/** Directories no project wants scanned, even without a `.gitignore`. */
const ALWAYS_SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['.git', '.hg', '.svn', 'node_modules']);
/** Names whose format only the content can tell (see `detectFormats`). */
const CONTENT_DETECTED_NAME = /(?:\.(?:ya?ml|xml|sh|bash|zsh|conf|json|template)|^conf)$/i;

interface IgnoreLayer {
  readonly directory: string;
  readonly rules: Ignore;
}

/** Why a file system call failed, in words. */
export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'ELOOP':
      return 'too many levels of symbolic links (ELOOP)';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

function readIgnoreLayer(directory: string, fileName: string): IgnoreLayer | undefined {
  try {
    const text = fs.readFileSync(path.join(directory, fileName), 'utf8');
    return { directory, rules: ignore().add(text) };
  } catch {
    // No such file, or one we cannot read: git would ignore nothing because of it either.
    return undefined;
  }
}

/**
 * Whether `.gitignore` rules exclude a path. The deepest file with an opinion wins, as in git,
 * so a nested `!pattern` can bring back what a parent excluded.
 */
function isIgnored(layers: readonly IgnoreLayer[], absolute: string, isDirectory: boolean): boolean {
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index];
    const relative = relativeInside(layer.directory, absolute);
    if (relative === undefined) {
      continue;
    }
    const verdict = layer.rules.test(isDirectory ? `${relative}/` : relative);
    if (verdict.ignored) {
      return true;
    }
    if (verdict.unignored) {
      return false;
    }
  }
  return false;
}

/** The closest directory at or above `start` that holds `.git`, if any. */
function findRepositoryRoot(start: string): string | undefined {
  let directory = start;
  for (;;) {
    if (fs.existsSync(path.join(directory, '.git'))) {
      return directory;
    }
    const parent = path.dirname(directory);
    if (parent === directory) {
      return undefined;
    }
    directory = parent;
  }
}

/**
 * The `.gitignore` files that apply above a directory being walked: from the repository root
 * down to it, with `.git/info/exclude` weakest. A directory named on the command line is read
 * even if those files exclude it.
 */
function ancestorLayers(directory: string): IgnoreLayer[] {
  const root = findRepositoryRoot(directory);
  if (root === undefined) {
    return [];
  }
  const layers: IgnoreLayer[] = [];
  const infoExclude = readIgnoreLayer(root, path.join('.git', 'info', 'exclude'));
  if (infoExclude) {
    layers.push(infoExclude);
  }
  const chain: string[] = [];
  for (let current = path.dirname(directory); ; current = path.dirname(current)) {
    if (relativeInside(root, current) === undefined && current !== root) {
      break;
    }
    chain.unshift(current);
    if (current === root) {
      break;
    }
  }
  for (const ancestor of chain) {
    const layer = readIgnoreLayer(ancestor, '.gitignore');
    if (layer) {
      layers.push(layer);
    }
  }
  return isIgnored(layers, directory, true) ? [] : layers;
}

function isInside(root: string, target: string): boolean {
  return target === root || relativeInside(root, target) !== undefined;
}

function byName(a: fs.Dirent, b: fs.Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

class Walker {
  readonly files = new Map<string, FoundFile>();
  readonly skipped: SkippedFile[] = [];
  readonly unreadable: SkippedFile[] = [];

  constructor(private readonly options: DiscoveryOptions) {}

  private show(absolute: string): string {
    return displayPath(this.options.cwd, absolute);
  }

  private addFile(absolute: string, explicit: boolean, needsShebang: boolean): void {
    if (!this.files.has(absolute)) {
      this.files.set(absolute, { absolute, path: this.show(absolute), explicit, needsShebang });
    }
  }

  /** A name that makes a missing or unreachable file worth a note: one whose format the name or a glance at the content would tell. */
  private isNotable(absolute: string): boolean {
    const { candidate, needsShebang } = this.isCandidate(absolute);
    return candidate && !needsShebang;
  }

  /** Whether the walk should read a file with this name: its name tells its format, or its content might. */
  private isCandidate(absolute: string): { candidate: boolean; needsShebang: boolean } {
    const baseName = path.basename(absolute);
    if (detectFormats(toSlashes(absolute), '').length > 0 || CONTENT_DETECTED_NAME.test(baseName) || this.options.hasFormatOverride(absolute)) {
      return { candidate: true, needsShebang: false };
    }
    // Shell scripts often have no extension; their `#!` line tells.
    return baseName.includes('.') ? { candidate: false, needsShebang: false } : { candidate: true, needsShebang: true };
  }

  visitOperand(operand: string): void {
    const absolute = path.resolve(this.options.cwd, operand);
    let stats: fs.Stats;
    try {
      stats = fs.statSync(absolute);
    } catch (error) {
      this.unreadable.push({ path: this.show(absolute), reason: describeError(error) });
      return;
    }
    if (this.options.isExcluded(absolute)) {
      this.skipped.push({ path: this.show(absolute), reason: 'excluded by an exclude glob' });
      return;
    }
    if (stats.isDirectory()) {
      let root: string;
      try {
        fs.readdirSync(absolute);
        root = fs.realpathSync(absolute);
      } catch (error) {
        this.unreadable.push({ path: this.show(absolute), reason: describeError(error) });
        return;
      }
      this.walkDirectory(absolute, root, ancestorLayers(absolute));
    } else if (stats.isFile()) {
      this.addFile(absolute, true, false);
    } else {
      this.unreadable.push({ path: this.show(absolute), reason: 'not a regular file or directory' });
    }
  }

  private walkDirectory(directory: string, root: string, inherited: readonly IgnoreLayer[]): void {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true }).sort(byName);
    } catch (error) {
      this.skipped.push({ path: `${this.show(directory)}/`, reason: `cannot read directory: ${describeError(error)}` });
      return;
    }
    const own = readIgnoreLayer(directory, '.gitignore');
    const layers = own ? [...inherited, own] : inherited;
    for (const entry of entries) {
      const absolute = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRECTORIES.has(entry.name) || isIgnored(layers, absolute, true) || this.options.isExcluded(absolute)) {
          continue;
        }
        this.walkDirectory(absolute, root, layers);
      } else if (entry.isFile()) {
        if (isIgnored(layers, absolute, false) || this.options.isExcluded(absolute)) {
          continue;
        }
        const { candidate, needsShebang } = this.isCandidate(absolute);
        if (candidate) {
          this.addFile(absolute, false, needsShebang);
        }
      } else if (entry.isSymbolicLink()) {
        this.visitSymbolicLink(absolute, root, layers);
      }
    }
  }

  /**
   * Links are never followed: one pointing inside the tree is skipped quietly (its target is
   * checked where it lives), one pointing outside is reported so nothing is skipped unseen.
   */
  private visitSymbolicLink(absolute: string, root: string, layers: readonly IgnoreLayer[]): void {
    if (isIgnored(layers, absolute, false) || this.options.isExcluded(absolute)) {
      return;
    }
    let target: string;
    let isDirectory: boolean;
    try {
      target = fs.realpathSync(absolute);
      // Through the link's own path: only whether the target is a directory is looked at.
      isDirectory = fs.statSync(absolute).isDirectory();
    } catch (error) {
      if (this.isNotable(absolute)) {
        this.skipped.push({ path: this.show(absolute), reason: `broken symbolic link: ${describeError(error)}` });
      }
      return;
    }
    if (isInside(root, target)) {
      return;
    }
    if (isDirectory || this.isNotable(absolute)) {
      this.skipped.push({ path: this.show(absolute), reason: 'symbolic link to outside the checked tree, not followed' });
    }
  }
}

/** Walks each path; a file named directly is always a candidate. Files come back sorted by path. */
export function discoverFiles(paths: readonly string[], options: DiscoveryOptions): Discovery {
  const walker = new Walker(options);
  for (const operand of paths) {
    walker.visitOperand(operand);
  }
  const files = [...walker.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped: walker.skipped, unreadable: walker.unreadable };
}

export type ReadOutcome =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'skipped'; readonly reason: string }
  /** A file without an extension that turned out not to be a script: not ours, not worth a note. */
  | { readonly kind: 'not-a-script' };

/**
 * Whether a file read beside the selected ones (a Compose `.env` or override file) is a plain
 * file. A symbolic link there is not followed, as links are not in the walk, so a link cannot
 * pull content from outside the checked tree into a report.
 */
export function isPlainFile(absolute: string): boolean {
  try {
    return fs.lstatSync(absolute).isFile();
  } catch {
    return false;
  }
}

/** A NUL byte in the first 8 KB marks a file as binary. */
const BINARY_SNIFF_BYTES = 8192;
const UTF8 = new TextDecoder('utf-8');

export function formatSize(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  if (mebibytes >= 1) {
    return `${Number.isInteger(mebibytes) ? mebibytes : mebibytes.toFixed(1)} MB`;
  }
  const kibibytes = bytes / 1024;
  return kibibytes >= 1 ? `${Number.isInteger(kibibytes) ? kibibytes : kibibytes.toFixed(1)} KB` : `${bytes} bytes`;
}

/** Reads a file as UTF-8 text unless it is too large, binary, or unreadable. */
export function readCandidate(file: FoundFile, maxFileSize: number): ReadOutcome {
  let buffer: Buffer;
  try {
    const size = fs.statSync(file.absolute).size;
    if (size > maxFileSize) {
      return { kind: 'skipped', reason: `larger than the ${formatSize(maxFileSize)} limit (${size} bytes; see --max-file-size)` };
    }
    buffer = fs.readFileSync(file.absolute);
  } catch (error) {
    return { kind: 'skipped', reason: `cannot read file: ${describeError(error)}` };
  }
  // The file may have grown between the two calls.
  if (buffer.length > maxFileSize) {
    return { kind: 'skipped', reason: `larger than the ${formatSize(maxFileSize)} limit (${buffer.length} bytes; see --max-file-size)` };
  }
  if (file.needsShebang && !(buffer[0] === 0x23 && buffer[1] === 0x21)) {
    return { kind: 'not-a-script' };
  }
  if (buffer.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
    return { kind: 'skipped', reason: 'binary file (contains a NUL byte)' };
  }
  // The editor never sees a byte order mark; dropping it keeps columns identical.
  return { kind: 'text', text: UTF8.decode(buffer).replace(/^\uFEFF/, '') };
}
