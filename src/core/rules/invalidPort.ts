import { reportScannerProblems } from './scannerProblems';
import type { Rule } from './types';

/** Whatever Docker, Compose, Kubernetes, nginx or the firewall would refuse: the scanners find it, this rule reports it. */
export const invalidPort: Rule = {
  id: 'invalid-port',
  defaultSeverity: 'error',
  enabledByDefault: true,
  description: 'A port, range, protocol or address that the tool reading the file would reject.',
  check(context) {
    reportScannerProblems(context, 'invalid-port');
  },
};
