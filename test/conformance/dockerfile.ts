import type { ConformanceFormat } from './harness';

/** Not written yet. */
export const dockerfileSpec: ConformanceFormat | undefined = undefined;
