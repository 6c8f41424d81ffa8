import type { ConformanceFormat } from './harness';

/** Not written yet. */
export const nginxSpec: ConformanceFormat | undefined = undefined;
