import { isWildcardAddress, portLabel } from './exposure';
import { bindToLoopback } from './fixEdits';
import type { Rule } from './types';

export const publishedAllInterfaces: Rule = {
  id: 'published-all-interfaces',
  defaultSeverity: 'info',
  // For teams that require every published port to name its interface; most do not.
  enabledByDefault: false,
  description: 'A Compose port is published without a host IP, so it listens on every interface of the host.',
  check(context) {
    for (const reference of context.references) {
      if (reference.role !== 'publish' || reference.hostNetwork || !isWildcardAddress(reference.hostIp)) {
        continue;
      }
      context.report({
        range: reference.range,
        message: `${portLabel(reference)} is published on every interface of the host; name the interface, e.g. 127.0.0.1 for this machine only.`,
        reference,
      });
    }
  },
  fixes(diagnostic, context) {
    const edit = diagnostic.reference ? bindToLoopback(context.text, diagnostic.reference) : undefined;
    return edit ? [{ kind: 'edit', title: 'Publish on 127.0.0.1 only', edits: [edit], isPreferred: true }] : [];
  },
};
