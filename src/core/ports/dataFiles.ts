/**
 * The data files of `data/`, read from disk beside the bundle (`dist/`) or the transpiled tree
 * (`out/src/core/ports/`). The web extension's bundle swaps this module for
 * `dataFiles.browser.ts`, which carries the same files inside the bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Finds a file in `data/` from the bundle or the transpiled tree. */
export function findDataFile(fileName: string, startDirectory: string = __dirname): string {
  let directory = startDirectory;
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(directory, 'data', fileName);
    if (existsSync(candidate)) {
      return candidate;
    }
    directory = path.dirname(directory);
  }
  throw new Error(`Port Lens could not find data/${fileName} near ${startDirectory}; run \`npm run data\`.`);
}

/** The text of one data file. */
export function readDataFile(fileName: string): string {
  return readFileSync(findDataFile(fileName), 'utf8');
}
