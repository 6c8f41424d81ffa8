import { reportScannerProblems } from './scannerProblems';
import type { Rule } from './types';

export const parseError: Rule = {
  id: 'parse-error',
  // The file's own language support usually reports syntax errors loudly already.
  defaultSeverity: 'warning',
  enabledByDefault: true,
  description: 'The file could not be read completely, so some ports in it may not have been checked.',
  check(context) {
    reportScannerProblems(context, 'parse-error', true);
  },
};
