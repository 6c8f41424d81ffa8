import { exposureOf, portLabel } from './exposure';
import type { Rule } from './types';

export const plaintextProtocol: Rule = {
  id: 'plaintext-protocol',
  defaultSeverity: 'info',
  enabledByDefault: true,
  description: 'A clear-text protocol (Telnet, FTP, POP3, LDAP, the plain Docker API, ...) is reachable from other machines although an encrypted alternative exists.',
  check(context) {
    for (const reference of context.references) {
      // A range says nothing about which protocol runs in it.
      if (reference.port === null || reference.endPort !== reference.port) {
        continue;
      }
      const exposure = exposureOf(reference, context.format);
      if (!exposure) {
        continue;
      }
      const plaintext = context.knowledge.curated(reference.port, reference.protocol).find((entry) => entry.encryptedAlternative);
      if (!plaintext) {
        continue;
      }
      context.report({
        range: reference.range,
        message: `${plaintext.service} (${portLabel(reference)}) is unencrypted and ${exposure}; use ${plaintext.encryptedAlternative} instead.`,
        reference,
      });
    }
  },
};
