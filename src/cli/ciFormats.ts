/**
 * `check` output that CI systems read: GitHub Actions workflow commands, a GitLab Code Quality
 * report, JUnit XML and Checkstyle XML. All are built from the same {@link CheckReport} as the
 * text, JSON and SARIF output, so positions and severities agree across formats.
 */
import { createHash } from 'node:crypto';
import type { DiagnosticSeverity } from '../core/analysis';
import type { LineIndex } from '../core/text';
import { summaryLine, toJson } from './formatters';
import type { CheckReport, DiagnosticRecord } from './report';
import { ruleDocsUrl } from '../core/ruleDocs';

export type CiOutputFormat = 'github' | 'gitlab' | 'junit' | 'checkstyle';

/** The text of a checked file, so a finding can be fingerprinted by what it points at. */
export interface CheckedSource {
  /** As shown in the report. */
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
}

// GitHub Actions ---------------------------------------------------------------------------

const GITHUB_COMMANDS: Readonly<Record<DiagnosticSeverity, string>> = { error: 'error', warning: 'warning', info: 'notice' };

/** The message of a workflow command, escaped as `@actions/core` does so the runner reads it back unchanged. */
export function escapeGithubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value of a workflow command: as the message, plus `:` and `,`, which end a property. */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function githubCommand(path: string, diagnostic: DiagnosticRecord): string {
  const properties: [string, string | number][] = [['file', path], ['line', diagnostic.line]];
  // The runner drops the columns of an annotation that spans lines, so they are sent only for one line.
  if (diagnostic.endLine === diagnostic.line) {
    properties.push(['col', diagnostic.column], ['endLine', diagnostic.endLine], ['endColumn', diagnostic.endColumn]);
  } else {
    properties.push(['endLine', diagnostic.endLine]);
  }
  properties.push(['title', diagnostic.rule]);
  const written = properties.map(([key, value]) => `${key}=${escapeGithubProperty(String(value))}`).join(',');
  return `::${GITHUB_COMMANDS[diagnostic.severity]} ${written}::${escapeGithubData(diagnostic.message)}`;
}

/** `check --format github`: one workflow command per finding, which the runner shows as an annotation, then the summary. */
export function checkGithub(report: CheckReport): string {
  const lines = report.files.flatMap((file) => file.diagnostics.map((diagnostic) => githubCommand(file.path, diagnostic)));
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

// GitLab Code Quality ----------------------------------------------------------------------

export type GitlabSeverity = 'blocker' | 'critical' | 'major' | 'minor' | 'info';

/**
 * An error means the file is refused or fails when deployed (a port out of range, two services
 * on one host port), not a matter of style, so it ranks `critical`, above the `major` most
 * linters give their errors. `blocker` is left unused: whether a finding blocks the merge is what
 * `--fail-on` and the exit code decide.
 */
const GITLAB_SEVERITIES: Readonly<Record<DiagnosticSeverity, GitlabSeverity>> = { error: 'critical', warning: 'minor', info: 'info' };

export interface GitlabIssue {
  readonly description: string;
  readonly check_name: string;
  readonly fingerprint: string;
  readonly severity: GitlabSeverity;
  readonly location: {
    readonly path: string;
    readonly lines: { readonly begin: number; readonly end: number };
  };
}

function writtenText(source: CheckedSource | undefined, diagnostic: DiagnosticRecord): string | undefined {
  if (!source) {
    return undefined;
  }
  const start = source.lines.offsetAt(diagnostic.line - 1, diagnostic.column - 1);
  const end = source.lines.offsetAt(diagnostic.endLine - 1, diagnostic.endColumn - 1);
  return source.text.slice(start, end);
}

/**
 * GitLab keeps one finding per fingerprint and compares them between the source and target
 * branches, so it must be unique in a report and must not change when the finding only moves.
 * It hashes the rule, the path and the text the finding points at, never the line or the
 * message (which may name lines elsewhere); a counter tells apart the same text found twice.
 */
export function buildGitlabReport(report: CheckReport, sources: readonly CheckedSource[]): GitlabIssue[] {
  const sourceByPath = new Map(sources.map((source) => [source.path, source]));
  const occurrences = new Map<string, number>();
  return report.files.flatMap((file) => file.diagnostics.map((diagnostic): GitlabIssue => {
    const identity = JSON.stringify([diagnostic.rule, file.path, writtenText(sourceByPath.get(file.path), diagnostic) ?? diagnostic.message]);
    const occurrence = occurrences.get(identity) ?? 0;
    occurrences.set(identity, occurrence + 1);
    return {
      description: diagnostic.message,
      check_name: diagnostic.rule,
      fingerprint: createHash('sha256').update(`${identity}#${occurrence}`).digest('hex'),
      severity: GITLAB_SEVERITIES[diagnostic.severity],
      location: { path: file.path, lines: { begin: diagnostic.line, end: diagnostic.endLine } },
    };
  }));
}

/** `check --format gitlab`: the Code Quality report, a JSON array of issues. */
export function checkGitlab(report: CheckReport, sources: readonly CheckedSource[]): string {
  return toJson(buildGitlabReport(report, sources));
}

// XML --------------------------------------------------------------------------------------

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/** Characters XML 1.0 cannot hold even as a reference (most control characters, lone surrogates) become U+FFFD. */
function xmlCharacters(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
}

/** Element content; `>` too, so `]]>` in a message cannot end anything. `\r` is kept as a reference, which parsers do not turn into `\n`. */
export function xmlText(text: string): string {
  return xmlCharacters(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** An attribute value in double quotes; line breaks and tabs as references, which survive attribute normalisation. */
export function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

function attributes(values: readonly (readonly [string, string | number])[]): string {
  return values.map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`).join('');
}

// JUnit ------------------------------------------------------------------------------------

/** The testcase of a file without findings, so a clean file shows as a passed test rather than an empty suite. */
export const JUNIT_CLEAN_TESTCASE = 'no problems';

function findingLine(path: string, diagnostic: DiagnosticRecord): string {
  return `${path}:${diagnostic.line}:${diagnostic.column} ${diagnostic.severity} ${diagnostic.rule} ${diagnostic.message}`;
}

function junitTestcase(path: string, diagnostic: DiagnosticRecord): string {
  const head = `    <testcase${attributes([['name', `${diagnostic.rule} at ${diagnostic.line}:${diagnostic.column}`], ['classname', path], ['time', 0]])}>`;
  const details = xmlText(`${findingLine(path, diagnostic)}\nSee ${ruleDocsUrl(diagnostic.rule)}`);
  // Errors and warnings fail the testcase; an info passes and keeps its message as output.
  const body = diagnostic.severity === 'info'
    ? `      <system-out>${details}</system-out>`
    : `      <failure${attributes([['message', diagnostic.message], ['type', diagnostic.severity]])}>${details}</failure>`;
  return `${head}\n${body}\n    </testcase>`;
}

/**
 * `check --format junit`: one `<testsuite>` per checked file, one `<testcase>` per finding.
 * Errors and warnings are `<failure>`s; infos pass with their message in `<system-out>`; a file
 * without findings has one passing testcase. Times are 0: the check is not a timed test run.
 */
export function checkJunit(report: CheckReport): string {
  const failures = report.summary.errors + report.summary.warnings;
  const suites = report.files.map((file) => {
    const failed = file.diagnostics.filter((diagnostic) => diagnostic.severity !== 'info').length;
    const testcases = file.diagnostics.length > 0
      ? file.diagnostics.map((diagnostic) => junitTestcase(file.path, diagnostic))
      : [`    <testcase${attributes([['name', JUNIT_CLEAN_TESTCASE], ['classname', file.path], ['time', 0]])}/>`];
    const suite = attributes([['name', file.path], ['tests', testcases.length], ['failures', failed], ['errors', 0], ['time', 0]]);
    return `  <testsuite${suite}>\n${testcases.join('\n')}\n  </testsuite>`;
  });
  const tests = report.files.reduce((total, file) => total + Math.max(1, file.diagnostics.length), 0);
  const root = attributes([['name', 'Port Lens'], ['tests', tests], ['failures', failures], ['errors', 0], ['time', 0]]);
  return `${XML_DECLARATION}\n<testsuites${root}>\n${suites.map((suite) => `${suite}\n`).join('')}</testsuites>\n`;
}

// Checkstyle -------------------------------------------------------------------------------

/** `check --format checkstyle`: every checked file, with one `<error>` per finding whatever its severity, as Checkstyle itself writes. */
export function checkCheckstyle(report: CheckReport): string {
  const files = report.files.map((file) => {
    const errors = file.diagnostics.map((diagnostic) => `    <error${attributes([
      ['line', diagnostic.line],
      ['column', diagnostic.column],
      ['severity', diagnostic.severity],
      ['message', diagnostic.message],
      ['source', `port-lens.${diagnostic.rule}`],
    ])}/>\n`);
    return `  <file${attributes([['name', file.path]])}>\n${errors.join('')}  </file>\n`;
  });
  return `${XML_DECLARATION}\n<checkstyle version="4.3">\n${files.join('')}</checkstyle>\n`;
}

/** The output of one of the CI formats; the sources are needed for the GitLab fingerprints. */
export function renderCiFormat(format: CiOutputFormat, report: CheckReport, sources: readonly CheckedSource[]): string {
  switch (format) {
    case 'github':
      return checkGithub(report);
    case 'gitlab':
      return checkGitlab(report, sources);
    case 'junit':
      return checkJunit(report);
    case 'checkstyle':
      return checkCheckstyle(report);
  }
}
