/**
 * The rule registry and the engine that runs it. Rules are listed once, here; the editor, the
 * command line, SARIF output and the documentation all follow this list.
 */
import type { KnowledgeBase } from '../ports/knowledgeBase';
import type { FileFormat } from '../types';
import { insertCommentAbove } from './fixEdits';
import { hostPortConflict } from './hostPortConflict';
import { invalidPort } from './invalidPort';
import { DEFAULT_NODE_PORT_RANGE, nodePortOutOfRange } from './nodePortOutOfRange';
import { parseError } from './parseError';
import { plaintextProtocol } from './plaintextProtocol';
import { portsIgnoredHostNetwork } from './portsIgnoredHostNetwork';
import { privilegedPort } from './privilegedPort';
import { publishedAllInterfaces } from './publishedAllInterfaces';
import { sensitivePortExposed } from './sensitivePortExposed';
import { findSuppressions, IGNORE_MARKER, suppressionComment } from './suppression';
import { commentSyntax, lineBreakOf, lineEndOf } from './textLines';
import type { DiagnosticSeverity, FixContext, PortDiagnostic, QuickFix, Rule, RuleInput, RuleSettings } from './types';

export type { RuleInput } from './types';
import { udpServiceWithoutUdp } from './udpServiceWithoutUdp';
import { unresolvedPort } from './unresolvedPort';
import { DEFAULT_WIDE_RANGE_THRESHOLD, widePortRange } from './widePortRange';
import { yamlBase60 } from './yamlBase60';
import { WIRING_RULES } from '../wiring/rules';

export const RULES: readonly Rule[] = [
  invalidPort,
  sensitivePortExposed,
  plaintextProtocol,
  hostPortConflict,
  yamlBase60,
  portsIgnoredHostNetwork,
  nodePortOutOfRange,
  widePortRange,
  udpServiceWithoutUdp,
  publishedAllInterfaces,
  privilegedPort,
  parseError,
  unresolvedPort,
  ...WIRING_RULES,
];

const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.id, rule]));

export function ruleById(id: string): Rule | undefined {
  return RULES_BY_ID.get(id);
}

export type RuleSeverities = Readonly<Record<string, DiagnosticSeverity | 'off'>>;

export interface RuleOptions {
  readonly knowledge: KnowledgeBase;
  /** Per-rule severity, or `off`; a rule that is off by default runs once it has a severity. */
  readonly ruleSeverities?: RuleSeverities;
  readonly wideRangeThreshold?: number;
  readonly nodePortRange?: RuleSettings['nodePortRange'];
}

function isEnabled(rule: Rule, severities: RuleSeverities | undefined): boolean {
  const setting = severities?.[rule.id];
  return setting === undefined ? rule.enabledByDefault : setting !== 'off';
}

/** Runs every enabled rule over a scanned file; suppressed findings are dropped, severities settled. */
export function runRules(input: RuleInput, options: RuleOptions): PortDiagnostic[] {
  const settings: RuleSettings = {
    wideRangeThreshold: options.wideRangeThreshold ?? DEFAULT_WIDE_RANGE_THRESHOLD,
    nodePortRange: options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE,
  };
  const suppressions = findSuppressions(input.text, input.format);
  const diagnostics: PortDiagnostic[] = [];
  for (const rule of RULES) {
    if (!isEnabled(rule, options.ruleSeverities)) {
      continue;
    }
    const configured = options.ruleSeverities?.[rule.id];
    rule.check({
      ...input,
      knowledge: options.knowledge,
      settings,
      report(finding) {
        if (suppressions.isSuppressed(rule.id, finding.range.start)) {
          return;
        }
        diagnostics.push({
          rule: rule.id,
          severity: configured !== undefined && configured !== 'off' ? configured : (finding.severity ?? rule.defaultSeverity),
          message: finding.message,
          range: finding.range,
          ...(finding.reference ? { reference: finding.reference } : {}),
          ...(finding.related ? { related: finding.related } : {}),
          ...(finding.fixes ? { fixes: finding.fixes } : {}),
        });
      },
    });
  }
  // Document order, so the Problems panel and the command line read top to bottom.
  return diagnostics.sort(byPosition);
}

const SEVERITY_RANK: Record<DiagnosticSeverity, number> = { error: 0, warning: 1, info: 2 };

/** Document order; at one position the most severe first, then by rule id, so output is stable. */
function byPosition(a: PortDiagnostic, b: PortDiagnostic): number {
  return a.range.start - b.range.start || a.range.end - b.range.end || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.rule.localeCompare(b.rule);
}

/**
 * Applies a file's suppression comments and the severity settings to diagnostics found outside
 * `runRules`, such as conflicts between the files of one Compose project.
 */
export function settleDiagnostics(diagnostics: readonly PortDiagnostic[], text: string, format: FileFormat, severities?: RuleSeverities): PortDiagnostic[] {
  const suppressions = findSuppressions(text, format);
  const settled: PortDiagnostic[] = [];
  for (const diagnostic of diagnostics) {
    const rule = ruleById(diagnostic.rule);
    if ((rule && !isEnabled(rule, severities)) || suppressions.isSuppressed(diagnostic.rule, diagnostic.range.start)) {
      continue;
    }
    const configured = severities?.[diagnostic.rule];
    settled.push(configured !== undefined && configured !== 'off' ? { ...diagnostic, severity: configured } : diagnostic);
  }
  return settled;
}

/** Parser directives, a shebang or an XML declaration must stay first; a file-wide comment goes below them. */
const LEADING_LINE_TO_KEEP = /^(?:#!|#\s*[A-Za-z_]+\s*=|<\?xml\b)/;

function fileCommentOffset(text: string, format: FileFormat): number {
  let offset = 0;
  while (offset < text.length) {
    const end = lineEndOf(text, offset);
    const line = text.slice(offset, end);
    // Only Dockerfiles have `# key=value` directives; elsewhere that is an ordinary comment.
    if (!LEADING_LINE_TO_KEEP.test(line) || (/^#\s*[A-Za-z_]+\s*=/.test(line) && format !== 'dockerfile')) {
      break;
    }
    const next = text.indexOf('\n', end);
    offset = next === -1 ? text.length : next + 1;
  }
  return offset;
}

/**
 * Every quick fix for a diagnostic: the rule's own edits first, then suppression on the line
 * and in the whole file. Plain data; the editor turns it into code actions.
 */
export function quickFixesFor(diagnostic: PortDiagnostic, context: FixContext): QuickFix[] {
  const rule = ruleById(diagnostic.rule);
  // Edits first; fixes that change settings (saying what runs where, silencing a port) after them.
  const isSetting = (fix: QuickFix) => fix.kind !== 'edit';
  const all = [...(diagnostic.fixes ?? []), ...(rule?.fixes?.(diagnostic, context) ?? [])];
  const fixes: QuickFix[] = [...all.filter((fix) => !isSetting(fix)), ...all.filter(isSetting)];
  fixes.push({
    kind: 'edit',
    title: `Ignore ${diagnostic.rule} on this line (${IGNORE_MARKER} comment)`,
    edits: [insertCommentAbove(context.text, diagnostic.range.start, suppressionComment(context.format, diagnostic.rule, context.text))],
  });
  const { open, close } = commentSyntax(context.format, context.text);
  const at = fileCommentOffset(context.text, context.format);
  const atEnd = at === context.text.length && at > 0 && !context.text.endsWith('\n');
  const lineBreak = lineBreakOf(context.text);
  fixes.push({
    kind: 'edit',
    title: `Ignore ${diagnostic.rule} in this file`,
    edits: [{
      range: { start: at, end: at },
      newText: `${atEnd ? lineBreak : ''}${open} ${IGNORE_MARKER}-file ${diagnostic.rule}${close}${atEnd ? '' : lineBreak}`,
    }],
  });
  return fixes;
}
