import { portLabel } from './exposure';
import type { Rule } from './types';

export const portsIgnoredHostNetwork: Rule = {
  id: 'ports-ignored-host-network',
  defaultSeverity: 'warning',
  enabledByDefault: true,
  description: 'A Compose service publishes ports although it uses network_mode: host, where Docker ignores them.',
  check(context) {
    for (const reference of context.references) {
      if (reference.role !== 'publish' || !reference.hostNetwork) {
        continue;
      }
      const service = reference.scope ? `service "${reference.scope}"` : 'the service';
      context.report({
        range: reference.range,
        message: `This mapping of ${portLabel(reference)} is ignored: ${service} uses network_mode: host, so the container binds the host's ports directly.`,
        reference,
      });
    }
  },
};
