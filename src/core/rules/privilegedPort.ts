import type { PortReference } from '../types';
import type { Rule } from './types';

const PRIVILEGED_LIMIT = 1024;
/** Roles whose port a process inside the container binds. */
const CONTAINER_ROLES: ReadonlySet<PortReference['role']> = new Set(['expose', 'publish', 'container']);

export const privilegedPort: Rule = {
  id: 'privileged-port',
  defaultSeverity: 'info',
  // Docker lets unprivileged processes in containers bind low ports by default, so this is a policy choice.
  enabledByDefault: false,
  description: 'A container binds a port below 1024, which needs root or CAP_NET_BIND_SERVICE unless the runtime lowers the limit.',
  check(context) {
    if (context.format !== 'dockerfile' && context.format !== 'compose' && context.format !== 'kubernetes') {
      return;
    }
    for (const reference of context.references) {
      if (!CONTAINER_ROLES.has(reference.role) || reference.port === null || reference.port >= PRIVILEGED_LIMIT) {
        continue;
      }
      context.report({
        range: reference.portRange ?? reference.range,
        message: `Port ${reference.port} is below ${PRIVILEGED_LIMIT}: the process in the container needs root or CAP_NET_BIND_SERVICE to bind it; a port of ${PRIVILEGED_LIMIT} or above avoids that.`,
        reference,
      });
    }
  },
};
