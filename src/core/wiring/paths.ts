/**
 * Path arithmetic on forward-slash paths, without Node's `path`: the graph keys files by their
 * path with forward slashes, in the editor and the command line alike.
 */

/** Forward slashes, so Windows paths compare like the others. */
export function slashed(fileName: string): string {
  return fileName.replace(/\\/g, '/');
}

export function directoryOf(fileName: string): string {
  const slash = fileName.lastIndexOf('/');
  return slash <= 0 ? (slash === 0 ? '/' : '.') : fileName.slice(0, slash);
}

export function baseNameOf(fileName: string): string {
  return fileName.slice(fileName.lastIndexOf('/') + 1);
}

const ABSOLUTE = /^(?:\/|[A-Za-z]:\/)/;

/**
 * `relative` resolved against the directory `base`, with `.` and `..` folded; `undefined` for a
 * path that names no file here (`~`, a URL, a variable left in it).
 */
export function resolvePath(base: string, relative: string): string | undefined {
  const written = slashed(relative.trim());
  if (written === '' || written.startsWith('~') || written.includes('$') || /^[a-z][a-z0-9+.-]*:\/\//i.test(written)) {
    return undefined;
  }
  const joined = ABSOLUTE.test(written) ? written : `${base}/${written}`;
  const root = /^[A-Za-z]:\//.test(joined) ? joined.slice(0, 3) : joined.startsWith('/') ? '/' : '';
  const parts: string[] = [];
  for (const part of joined.slice(root.length).split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return root + parts.join('/');
}

/** Whether `fileName` is `directory` itself or inside it. */
export function isInside(fileName: string, directory: string): boolean {
  if (directory === '/' || directory === '.') {
    return true;
  }
  return fileName === directory || fileName.startsWith(directory.endsWith('/') ? directory : `${directory}/`);
}
