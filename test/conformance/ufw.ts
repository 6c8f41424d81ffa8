import type { ConformanceFormat } from './harness';

/** Not written yet. */
export const ufwSpec: ConformanceFormat | undefined = undefined;
