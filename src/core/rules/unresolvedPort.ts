import { reportScannerProblems } from './scannerProblems';
import type { Rule } from './types';

export const unresolvedPort: Rule = {
  id: 'unresolved-port',
  defaultSeverity: 'info',
  enabledByDefault: true,
  description: 'A port written as a variable or service name that Port Lens could not resolve, so it was not checked.',
  check(context) {
    reportScannerProblems(context, 'unresolved-port');
  },
};
