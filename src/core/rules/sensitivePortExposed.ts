import { exposureOf, firstSentence, portLabel } from './exposure';
import { bindToLoopback, restrictToSource, SOURCE_PLACEHOLDER_V6, SOURCE_PLACEHOLDER_V4 } from './fixEdits';
import { imageListensOn, servesSensitiveService, softwareOfImage } from '../ports/softwareIdentity';
import type { SensitiveSeverity } from '../ports/portData';
import { judgeSensitivePort, softwareEvidence, subjectOf, usuallySomethingElse } from './softwareEvidence';
import type { SoftwareEvidence } from './softwareEvidence';
import { DIAGNOSTIC_SEVERITY, sensitivePortsIn } from './sensitivity';
import type { SensitivePort } from './sensitivity';
import type { PortReference } from '../types';
import type { SoftwareSubject } from '../ports/userData';
import type { DiagnosticSeverity, QuickFix, Rule, RuleContext } from './types';

/** How many services a range's message names before it counts the rest. */
const NAMED_IN_RANGE = 3;

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

/**
 * A port away from the software's defaults may be its dangerous service moved there: an image
 * whose command is replaced (`redis-server --port 6380`), or a socket unit that hands its port to
 * the program it starts. The software's own sensitive listener, when it has exactly one, is what
 * answers there.
 */
function movedSensitiveListener(context: RuleContext, reference: PortReference, evidence: SoftwareEvidence): { software: string; sensitive: SensitivePort; how: string } | undefined {
  const identity = evidence.kind === 'image' && evidence.commandOverridden ? softwareOfImage(evidence.image) : evidence.kind === 'program' ? evidence.identity : undefined;
  if (!identity?.defaults || reference.port === null || imageListensOn(identity, reference.port)) {
    return undefined;
  }
  const candidates: SensitivePort[] = [];
  for (const listener of identity.defaults.ports) {
    if (listener.condition !== undefined || (listener.endPort !== undefined && listener.endPort !== listener.port) || (reference.protocol !== 'any' && listener.protocol !== reference.protocol)) {
      continue;
    }
    const [entry] = sensitivePortsIn(context.knowledge, listener.port, listener.port, listener.protocol);
    if (entry && servesSensitiveService(identity, listener.port, listener.protocol, entry.sensitive.service)) {
      candidates.push(entry);
    }
  }
  if (candidates.length !== 1) {
    return undefined;
  }
  const how = evidence.kind === 'program' ? `The socket hands this port to ${identity.software}, whose default is ${candidates[0].port}.` : `Its command moves it from its default port ${candidates[0].port}.`;
  return { software: identity.software, sensitive: candidates[0], how };
}

/**
 * "This is not ClickHouse": records in `portLens.services` that the service (or, for a
 * Dockerfile, the file) runs software of its own, which settles the port for good.
 */
function declareFix(subject: SoftwareSubject, service: string): QuickFix | undefined {
  // A file is keyed by its folder and name: `**/api/Dockerfile`, never every Dockerfile.
  const parts = subject.fileName?.replace(/\\/g, '/').split('/') ?? [];
  const fileKey = parts.length >= 2 ? `**/${parts.slice(-2).join('/')}` : undefined;
  const key = subject.service ?? fileKey;
  if (!key) {
    return undefined;
  }
  const what = subject.service ? `service ${subject.service}` : key;
  return { kind: 'declare-software', title: `This is not ${service}: record that ${what} runs its own software`, key, software: subject.service ?? 'own application' };
}

/** A guess from the number alone is at most a warning: it must not fail CI on someone's own web app. */
const GUESS_SEVERITY: Readonly<Record<SensitiveSeverity, DiagnosticSeverity>> = { high: 'warning', medium: 'warning', low: 'info' };

function describeGuess({ sensitive, port }: SensitivePort, label: string, exposure: string, here: string): string {
  return `Port ${label} is ${exposure}. ${port} is also used by ${sensitive.service}: ${firstSentence(sensitive.reason)} Here ${here}, so this rests on the port number alone.`;
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
      const label = portLabel(reference);
      if (found.length > 0 && reference.port !== reference.endPort) {
        context.report({ range: reference.range, message: describeRange(found, label, exposure), severity: DIAGNOSTIC_SEVERITY[found[0].sensitive.severity], reference });
        continue;
      }
      const evidence = softwareEvidence(reference, context.format, context.wiring);
      const single = found[0] as SensitivePort | undefined;
      const judgement = single ? judgeSensitivePort(context.knowledge, reference, single, evidence, context.fileName) : undefined;
      if (!judgement || judgement.kind === 'other' || judgement.kind === 'guess') {
        const moved = reference.port === reference.endPort ? movedSensitiveListener(context, reference, evidence) : undefined;
        if (moved) {
          context.report({ range: reference.range, message: `${moved.software} (${label}) is ${exposure}: ${firstSentence(moved.sensitive.sensitive.reason)} ${moved.how}`, severity: DIAGNOSTIC_SEVERITY[moved.sensitive.sensitive.severity], reference });
          continue;
        }
      }
      if (!single || !judgement) {
        continue;
      }
      switch (judgement.kind) {
        case 'number':
          context.report({ range: reference.range, message: describeSingle(single, label, exposure), severity: DIAGNOSTIC_SEVERITY[single.sensitive.severity], reference });
          break;
        case 'named':
          // The file names the software, and it is the one the catalogue warns about: say so by name.
          context.report({ range: reference.range, message: `${judgement.name} (${label}) is ${exposure}: ${firstSentence(single.sensitive.reason)}`, severity: DIAGNOSTIC_SEVERITY[single.sensitive.severity], reference });
          break;
        case 'guess': {
          // Nothing names what listens here: the number alone is a guess, said as one, and never fails a build.
          const notThis = declareFix(subjectOf(evidence, context.fileName), single.sensitive.service);
          context.report({ range: reference.range, message: describeGuess(single, label, exposure, judgement.here), severity: GUESS_SEVERITY[single.sensitive.severity], reference, ...(notThis ? { fixes: [notThis] } : {}) });
          break;
        }
        default:
          // Something else answers here, or the workspace model judges it with a neighbouring file.
          break;
      }
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
