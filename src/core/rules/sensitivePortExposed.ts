import { exposureOf, firstSentence, portLabel } from './exposure';
import { bindToLoopback, restrictToSource, SOURCE_PLACEHOLDER_V6, SOURCE_PLACEHOLDER_V4 } from './fixEdits';
import { DIAGNOSTIC_SEVERITY, sensitivePortsIn } from './sensitivity';
import type { SensitivePort } from './sensitivity';
import type { QuickFix, Rule } from './types';

/** How many services a range's message names before it counts the rest. */
const NAMED_IN_RANGE = 3;

/** 3000 is Grafana's default, but far more often a Node.js dev server. */
function usuallySomethingElse({ sensitive, curated }: SensitivePort): boolean {
  return curated.length > 1 && curated[0].service !== sensitive.service && curated[0].software !== sensitive.service;
}

/** The catalogue's service, qualified when the port is better known for something else. */
function describeSingle(found: SensitivePort, label: string, exposure: string): string {
  const { sensitive } = found;
  const reason = firstSentence(sensitive.reason);
  return usuallySomethingElse(found)
    ? `Port ${label} is ${exposure}; if it serves ${sensitive.service}: ${reason}`
    : `${sensitive.service} (${label}) is ${exposure}: ${reason}`;
}

function describeRange(found: readonly SensitivePort[], label: string, exposure: string): string {
  const named = found.slice(0, NAMED_IN_RANGE).map((entry) => `${entry.sensitive.service} (${entry.port})`);
  const more = found.length - named.length;
  const list = more > 0 ? `${named.join(', ')} and ${more} more` : named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}` : named[0];
  return `Port range ${label} is ${exposure} and includes ${found.length === 1 ? 'a port that is dangerous to expose' : `${found.length} ports that are dangerous to expose`}: ${list}.`;
}

export const sensitivePortExposed: Rule = {
  id: 'sensitive-port-exposed',
  // The catalogue grades each port; this is the grade of a port the user added without one.
  defaultSeverity: 'warning',
  enabledByDefault: true,
  description: 'A port that is dangerous to expose (a database, a debugger, the Docker API) is reachable from other machines.',
  check(context) {
    for (const reference of context.references) {
      if (reference.port === null || reference.endPort === null) {
        continue;
      }
      const exposure = exposureOf(reference, context.format);
      if (!exposure) {
        continue;
      }
      const found = sensitivePortsIn(context.knowledge, reference.port, reference.endPort, reference.protocol);
      if (found.length === 0) {
        continue;
      }
      // A risk short of high that applies only if the port serves its less common use is noise, not a finding.
      if (reference.port === reference.endPort && found[0].sensitive.severity !== 'high' && usuallySomethingElse(found[0])) {
        continue;
      }
      const label = portLabel(reference);
      const message = reference.port === reference.endPort ? describeSingle(found[0], label, exposure) : describeRange(found, label, exposure);
      context.report({ range: reference.range, message, severity: DIAGNOSTIC_SEVERITY[found[0].sensitive.severity], reference });
    }
  },
  fixes(diagnostic, context) {
    const reference = diagnostic.reference;
    if (!reference || reference.port === null) {
      return [];
    }
    const fixes: QuickFix[] = [];
    const bind = bindToLoopback(context.text, reference);
    if (bind) {
      fixes.push({ kind: 'edit', title: 'Publish on 127.0.0.1 only', edits: [bind], isPreferred: true });
    }
    const restrict = restrictToSource(context.text, reference, context.format, context.fileName);
    if (restrict) {
      const placeholder = restrict.newText.includes(SOURCE_PLACEHOLDER_V6) ? SOURCE_PLACEHOLDER_V6 : SOURCE_PLACEHOLDER_V4;
      fixes.push({ kind: 'edit', title: `Allow only from a trusted source (then replace ${placeholder})`, edits: [restrict], isPreferred: true });
    }
    if (reference.port === reference.endPort) {
      const protocol = reference.protocol;
      const key = protocol === 'any' ? String(reference.port) : `${reference.port}/${protocol}`;
      fixes.push({ kind: 'silence-port', title: `Accept the risk of port ${key} in settings (silence it)`, port: reference.port, protocol });
    }
    return fixes;
  },
};
