/**
 * Files by every directory above them, so "which of these files lie under this directory" is one
 * lookup instead of a pass over all of them: linking a project then costs its own files, not the
 * workspace's.
 */
import { directoryOf } from './paths';

export class DirectoryIndex {
  private readonly files = new Set<string>();
  private readonly byAncestor = new Map<string, Set<string>>();

  has(file: string): boolean {
    return this.files.has(file);
  }

  get size(): number {
    return this.files.size;
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.files.values();
  }

  add(file: string): void {
    if (this.files.has(file)) {
      return;
    }
    this.files.add(file);
    for (const directory of ancestorsOf(file)) {
      let under = this.byAncestor.get(directory);
      if (!under) {
        under = new Set();
        this.byAncestor.set(directory, under);
      }
      under.add(file);
    }
  }

  /** `true` when the file was there. */
  delete(file: string): boolean {
    if (!this.files.delete(file)) {
      return false;
    }
    for (const directory of ancestorsOf(file)) {
      const under = this.byAncestor.get(directory);
      under?.delete(file);
      if (under?.size === 0) {
        this.byAncestor.delete(directory);
      }
    }
    return true;
  }

  /** The files inside `directory`, at any depth. */
  under(directory: string): ReadonlySet<string> {
    return this.byAncestor.get(directory) ?? EMPTY;
  }

  /** The file itself, when indexed, and the files under it when it is a directory. */
  atOrUnder(path: string): string[] {
    return this.files.has(path) ? [path, ...this.under(path)] : [...this.under(path)];
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/** Every directory above a file, nearest first, up to the root. */
export function ancestorsOf(file: string): string[] {
  const found: string[] = [];
  for (let directory = directoryOf(file); ; directory = directoryOf(directory)) {
    found.push(directory);
    if (directoryOf(directory) === directory) {
      return found;
    }
  }
}
