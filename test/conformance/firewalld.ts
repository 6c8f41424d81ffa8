import type { ConformanceFormat } from './harness';

/** Not written yet. */
export const firewalldSpec: ConformanceFormat | undefined = undefined;
