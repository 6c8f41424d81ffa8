import { exposureOf, firstSentence, portLabel } from './exposure';
import { bindToLoopback, restrictToSource, SOURCE_PLACEHOLDER_V6, SOURCE_PLACEHOLDER_V4 } from './fixEdits';
import { imageListensOn, servesSensitiveService, softwareOfImage } from '../ports/softwareIdentity';
import type { SensitiveSeverity } from '../ports/portData';
import { imageEvidence } from './softwareEvidence';
import { DIAGNOSTIC_SEVERITY, sensitivePortsIn } from './sensitivity';
import type { SensitivePort } from './sensitivity';
import type { FileFormat, PortReference } from '../types';
import { softwareDeclaredFor } from '../ports/userData';
import type { SoftwareSubject } from '../ports/userData';
import type { ImageEvidence } from './softwareEvidence';
import type { DiagnosticSeverity, QuickFix, Rule, RuleContext } from './types';

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

/**
 * A port the catalogue does not list, published by an image whose command is replaced, may be
 * that image's dangerous service moved elsewhere (`redis-server --port 6380`): the image's own
 * sensitive listener, when it has exactly one, is what listens there.
 */
function movedSensitiveListener(context: RuleContext, reference: PortReference): { software: string; sensitive: SensitivePort } | undefined {
  const evidence = imageEvidence(reference, context.format, context.wiring);
  if (evidence.kind !== 'image' || !evidence.commandOverridden) {
    return undefined;
  }
  const identity = softwareOfImage(evidence.image);
  if (!identity?.defaults) {
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
  return candidates.length === 1 ? { software: identity.software, sensitive: candidates[0] } : undefined;
}

/** What `portLens.services` keys a port by: its Compose service or Kubernetes workload, its image, its file. */
function subjectOf(reference: PortReference, format: FileFormat, evidence: ImageEvidence, fileName: string | undefined): SoftwareSubject {
  const service = format === 'compose' ? reference.scope : format === 'kubernetes' ? reference.scope?.slice(reference.scope.indexOf('/') + 1) : undefined;
  return {
    ...(service ? { service } : {}),
    ...(evidence.kind === 'image' ? { image: evidence.image } : {}),
    ...(fileName ? { fileName } : {}),
  };
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

function describeGuess({ sensitive, port }: SensitivePort, label: string, exposure: string, runtime: string | undefined): string {
  const what = runtime ? `a ${runtime} app` : 'software this file does not name';
  return `Port ${label} is ${exposure}. ${port} is also used by ${sensitive.service}: ${firstSentence(sensitive.reason)} Here it runs ${what}, so this rests on the port number alone.`;
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
        const moved = reference.port === reference.endPort ? movedSensitiveListener(context, reference) : undefined;
        if (moved) {
          context.report({ range: reference.range, message: `${moved.software} (${portLabel(reference)}) is ${exposure}: ${firstSentence(moved.sensitive.sensitive.reason)} Its command moves it from its default port ${moved.sensitive.port}.`, severity: DIAGNOSTIC_SEVERITY[moved.sensitive.sensitive.severity], reference });
        }
        continue;
      }
      const label = portLabel(reference);
      if (reference.port !== reference.endPort) {
        context.report({ range: reference.range, message: describeRange(found, label, exposure), severity: DIAGNOSTIC_SEVERITY[found[0].sensitive.severity], reference });
        continue;
      }
      const single = found[0];
      const evidence = imageEvidence(reference, context.format, context.wiring);
      if (evidence.kind === 'built') {
        // Judged by the workspace model, which reads the Dockerfile the service builds.
        continue;
      }
      const subject = subjectOf(reference, context.format, evidence, context.fileName);
      const declared = evidence.kind === 'not-applicable' ? undefined : softwareDeclaredFor(context.knowledge.userData, subject);
      if (declared !== undefined) {
        // The user said what runs here: that settles it, by name or not at all.
        if (servesSensitiveService({ image: subject.image ?? '', software: declared }, single.port, reference.protocol, single.sensitive.service)) {
          context.report({ range: reference.range, message: `${declared} (${label}) is ${exposure}: ${firstSentence(single.sensitive.reason)}`, severity: DIAGNOSTIC_SEVERITY[single.sensitive.severity], reference });
        }
        continue;
      }
      const identity = evidence.kind === 'image' ? softwareOfImage(evidence.image) : undefined;
      const notThis = declareFix(subject, single.sensitive.service);
      if (identity && evidence.kind === 'image') {
        if (servesSensitiveService(identity, single.port, reference.protocol, single.sensitive.service)) {
          // The file names the software, and it is the one the catalogue warns about: say so by name.
          const reason = firstSentence(single.sensitive.reason);
          // A runtime is named by the catalogue's service of it (`Node.js inspector`), an image by its software.
          const name = identity.defaults ? identity.software : single.sensitive.service;
          context.report({ range: reference.range, message: `${name} (${label}) is ${exposure}: ${reason}`, severity: DIAGNOSTIC_SEVERITY[single.sensitive.severity], reference });
          continue;
        }
        if (imageListensOn(identity, single.port)) {
          // The image serves something else on this port (Portainer's web UI on 9000): the number's other meanings do not apply.
          continue;
        }
      }
      // A risk short of high that applies only if the port serves its less common use is noise, not a finding.
      if (single.sensitive.severity !== 'high' && usuallySomethingElse(single)) {
        continue;
      }
      // A port the user added to the catalogue is their own statement about what runs there.
      if (evidence.kind === 'not-applicable' || single.sensitive.origin === 'user') {
        context.report({ range: reference.range, message: describeSingle(single, label, exposure), severity: DIAGNOSTIC_SEVERITY[single.sensitive.severity], reference });
        continue;
      }
      // Nothing names what listens here (a build, a custom image, a runtime's own app): the number alone
      // is a guess, so it is said as one and never fails a build.
      context.report({ range: reference.range, message: describeGuess(single, label, exposure, identity?.software), severity: GUESS_SEVERITY[single.sensitive.severity], reference, ...(notThis ? { fixes: [notThis] } : {}) });
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
