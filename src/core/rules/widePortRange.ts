import { isOpenFirewallAllow, opensPort, portLabel } from './exposure';
import type { PortReference } from '../types';
import type { Rule } from './types';

export const DEFAULT_WIDE_RANGE_THRESHOLD = 100;

/** How a reference opens its range, or `undefined` for references that open nothing. */
function opening(reference: PortReference): string | undefined {
  switch (reference.role) {
    case 'expose':
      return 'exposed';
    case 'publish':
      return 'published';
    case 'firewall': {
      if (!opensPort(reference) || reference.firewall?.sourcePort || reference.firewall?.negated) {
        return undefined;
      }
      if (isOpenFirewallAllow(reference)) {
        return 'allowed from anywhere';
      }
      // Allowed from a named source, or outbound: still wide, but say what was written.
      const source = reference.firewall?.source;
      return source ? `allowed from ${source}` : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * How many ports the reference opens. A host range only ever matches a container range of the same
 * width, or maps one container port, where Docker binds a single free port of it: the container
 * side counts.
 */
function widthOf(reference: PortReference): number {
  return reference.port !== null && reference.endPort !== null ? reference.endPort - reference.port + 1 : 0;
}

export const widePortRange: Rule = {
  id: 'wide-port-range',
  defaultSeverity: 'warning',
  enabledByDefault: true,
  description: `A range of more than ${DEFAULT_WIDE_RANGE_THRESHOLD} ports (configurable) is exposed, published or allowed.`,
  check(context) {
    const threshold = context.settings.wideRangeThreshold;
    for (const reference of context.references) {
      const width = widthOf(reference);
      if (width <= threshold) {
        continue;
      }
      const how = opening(reference);
      if (!how) {
        continue;
      }
      context.report({
        range: reference.range,
        message: `Port range ${portLabel(reference)} (${width} ports) is ${how}; a range wider than ${threshold} ports opens far more than one service needs.`,
        reference,
      });
    }
  },
};
