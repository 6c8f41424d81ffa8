import type { Rule } from './types';

export const DEFAULT_NODE_PORT_RANGE = { start: 30000, end: 32767 } as const;

export const nodePortOutOfRange: Rule = {
  id: 'nodeport-out-of-range',
  defaultSeverity: 'error',
  enabledByDefault: true,
  description: "A Kubernetes Service nodePort outside the cluster's NodePort range (30000-32767 unless the API server is configured otherwise).",
  check(context) {
    const { start, end } = context.settings.nodePortRange;
    for (const reference of context.references) {
      if (reference.role !== 'nodePort' || reference.port === null || (reference.port >= start && reference.port <= end)) {
        continue;
      }
      context.report({
        range: reference.range,
        message: `nodePort ${reference.port} is outside the NodePort range ${start}-${end}; the API server rejects this Service.`,
        reference,
      });
    }
  },
};
