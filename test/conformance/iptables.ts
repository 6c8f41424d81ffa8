import type { ConformanceFormat } from './harness';

/** Not written yet. */
export const iptablesSpec: ConformanceFormat | undefined = undefined;
