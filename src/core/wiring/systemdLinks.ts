/**
 * A systemd socket hands the connections it accepts to the service it activates, and that
 * service's `ExecStart` names the program that answers: `app.socket` on 2375 is the Docker API
 * only if `app.service` runs `dockerd`. A socket whose own name says nothing is judged here,
 * with the service unit beside it, as the per-file analysis cannot read a second file.
 */
import { softwareEvidence } from '../rules/softwareEvidence';
import type { GroupLinks, LinkContext } from './links';
import { LinkBuilder, rejudge } from './links';
import { resolvePath } from './paths';

const SENSITIVE_RULE: ReadonlySet<string> = new Set(['sensitive-port-exposed']);

/** Links the socket units of one folder (`systemd:<folder>`) to the service units they start. */
export function linkSystemdUnits(model: LinkContext, key: string, members: ReadonlySet<string>, serial: number): GroupLinks {
  const builder = new LinkBuilder(serial);
  const directory = key.slice('systemd:'.length);
  for (const fileName of [...members].sort()) {
    builder.reads.add(fileName);
    const entry = model.file(fileName);
    const facts = entry?.analysis.wiring?.systemd;
    const [first] = entry?.analysis.references ?? [];
    if (!entry || !facts?.activates || !first || softwareEvidence(first, 'systemd', entry.analysis.wiring).kind !== 'elsewhere') {
      continue;
    }
    const serviceName = resolvePath(directory, facts.activates);
    if (!serviceName) {
      continue;
    }
    // Read whether or not it exists: a service unit created later makes this socket look again.
    builder.readAs(serviceName, 'systemd');
    const execStart = model.file(serviceName)?.analysis.wiring?.systemd?.execStart;
    const wiring = { ...entry.analysis.wiring, systemd: { ...facts, activatedProgram: execStart?.program ?? '' } };
    for (const diagnostic of rejudge(model, entry, entry.analysis.references, wiring, SENSITIVE_RULE)) {
      const related = execStart ? [{ message: `ExecStart of ${facts.activates}`, range: execStart.range, fileName: serviceName }] : [];
      builder.report(fileName, { ...diagnostic, related: [...(diagnostic.related ?? []), ...related] });
    }
  }
  return builder.build();
}
