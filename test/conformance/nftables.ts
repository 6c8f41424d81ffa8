import type { ConformanceFormat } from './harness';

/** Not written yet. */
export const nftablesSpec: ConformanceFormat | undefined = undefined;
