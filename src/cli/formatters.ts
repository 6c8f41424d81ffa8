/** Text and JSON renderings of `check` and `scan`. */
import type { DiagnosticSeverity } from '../core/analysis';
import type { Palette } from './io';
import type { CheckReport, ReferenceRecord, ScanReport } from './report';

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `check --format json`: files with their diagnostics, the skipped files, and the summary. */
export function checkJson(report: CheckReport): string {
  return toJson({ files: report.files, skipped: report.skipped, summary: report.summary });
}

/** `scan --json`. */
export function scanJson(report: ScanReport): string {
  return toJson({ files: report.files, skipped: report.skipped });
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

function colourSeverity(severity: DiagnosticSeverity, palette: Palette): string {
  switch (severity) {
    case 'error':
      return palette.red(severity);
    case 'warning':
      return palette.yellow(severity);
    case 'info':
      return palette.blue(severity);
  }
}

/** The summary line: `N problems (E errors, W warnings, I infos) in F files`, F being the files checked. */
export function summaryLine(report: CheckReport): string {
  const { problems, errors, warnings, infos, files } = report.summary;
  return `${plural(problems, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(infos, 'info')}) in ${plural(files, 'file')}`;
}

/** The last line of `check` with findings: where to read what the first one's rule means. */
export function explainHint(rule: string): string {
  return `Run "port-lens explain ${rule}" for what a rule means and how to fix it.`;
}

/**
 * `check` as text: one `file:line:col severity rule message` line per diagnostic, a blank line
 * between files, the summary, and with findings a hint naming `port-lens explain`.
 */
export function checkText(report: CheckReport, palette: Palette): string {
  const groups: string[] = [];
  for (const file of report.files) {
    if (file.diagnostics.length === 0) {
      continue;
    }
    groups.push(file.diagnostics
      .map((diagnostic) => `${palette.bold(`${file.path}:${diagnostic.line}:${diagnostic.column}`)} ${colourSeverity(diagnostic.severity, palette)} ${palette.dim(diagnostic.rule)} ${diagnostic.message}`)
      .join('\n'));
  }
  const summary = summaryLine(report);
  const coloured = report.summary.errors > 0 ? palette.red(summary) : report.summary.warnings > 0 ? palette.yellow(summary) : summary;
  const firstRule = report.files.find((file) => file.diagnostics.length > 0)?.diagnostics[0].rule;
  const hint = firstRule === undefined ? '' : `${palette.dim(explainHint(firstRule))}\n`;
  return `${groups.length > 0 ? `${groups.join('\n\n')}\n\n` : ''}${palette.bold(coloured)}\n${hint}`;
}

function portText(start: unknown, end: unknown): string {
  if (typeof start !== 'number') {
    return '?';
  }
  return typeof end === 'number' && end !== start ? `${start}-${end}` : `${start}`;
}

/** A reference in a few words: `0.0.0.0:8080->80/tcp`, `22/tcp allow from anywhere`, `http/tcp` for a named port. */
function describeReference(reference: ReferenceRecord): string {
  const target = reference.port === null && typeof reference.name === 'string' ? reference.name : portText(reference.port, reference.endPort);
  let host = '';
  if ('hostPort' in reference) {
    const hostIp = typeof reference.hostIp === 'string' ? `${reference.hostIp.includes(':') ? `[${reference.hostIp}]` : reference.hostIp}:` : '';
    host = `${hostIp}${reference.hostPort === null ? '(ephemeral)' : portText(reference.hostPort, reference.hostPortEnd)}->`;
  } else if (typeof reference.hostIp === 'string') {
    host = `${reference.hostIp.includes(':') ? `[${reference.hostIp}]` : reference.hostIp}:`;
  }
  let description = `${host}${target}/${String(reference.protocol)}`;
  if (typeof reference.action === 'string') {
    description += ` ${reference.action} from ${typeof reference.source === 'string' ? reference.source : 'anywhere'}`;
  }
  return description;
}

/** `scan` as text: one line per reference and per problem, then a count. */
export function scanText(report: ScanReport, palette: Palette): string {
  const lines: string[] = [];
  let references = 0;
  for (const file of report.files) {
    for (const reference of file.references) {
      references++;
      lines.push(`${palette.bold(`${file.path}:${String(reference.line)}:${String(reference.column)}`)} ${palette.dim(String(reference.role))} ${describeReference(reference)}`);
    }
    for (const problem of file.problems) {
      lines.push(`${palette.bold(`${file.path}:${problem.line}:${problem.column}`)} ${colourSeverity(problem.severity, palette)} ${palette.dim(problem.code)} ${problem.message}`);
    }
  }
  lines.push(palette.bold(`${plural(references, 'reference')} in ${plural(report.files.length, 'file')}`));
  return `${lines.join('\n')}\n`;
}
