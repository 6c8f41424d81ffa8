/**
 * The contract between the rules engine and each rule. A rule reads what the scanners found and
 * reports findings; the engine applies suppression comments and severity settings, so a rule
 * never needs to know about either.
 */
import type { KnowledgeBase } from '../ports/knowledgeBase';
import type { FileFormat, PortReference, Protocol, ScanProblem, SourceRange } from '../types';
import type { WiringFacts } from '../wiring/facts';

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** Another place a finding is about, e.g. the other side of a host port conflict. */
export interface RelatedLocation {
  readonly message: string;
  readonly range: SourceRange;
  /** Set when the location is in another file of the same project. */
  readonly fileName?: string;
}

/** A finding reported to the user, by the editor and the command line alike. */
export interface PortDiagnostic {
  /** Stable rule id; documented in `docs/rules/<rule>.md`. */
  readonly rule: string;
  readonly severity: DiagnosticSeverity;
  readonly message: string;
  readonly range: SourceRange;
  /** The port reference the finding is about, when there is one; quick fixes start from it. */
  readonly reference?: PortReference;
  readonly related?: readonly RelatedLocation[];
  /** Edits worked out where the finding was made (a workspace rule knows the port to use); offered first. */
  readonly fixes?: readonly QuickFix[];
}

/** What a rule reports; the engine adds the rule id and settles the severity. */
export interface Finding {
  readonly range: SourceRange;
  readonly message: string;
  /** Overrides the rule's default severity, for rules whose severity depends on the port. */
  readonly severity?: DiagnosticSeverity;
  readonly reference?: PortReference;
  readonly related?: readonly RelatedLocation[];
  /** Fixes only the check knows how to make (what the finding was judged by); offered first. */
  readonly fixes?: readonly QuickFix[];
}

/** Tunable limits; every field has a documented default. */
export interface RuleSettings {
  /** Ranges of more than this many ports are reported by `wide-port-range`. */
  readonly wideRangeThreshold: number;
  /** The cluster's NodePort range, `--service-node-port-range` on the API server. */
  readonly nodePortRange: { readonly start: number; readonly end: number };
}

/** What the engine checks: one scanned file. */
export interface RuleInput {
  readonly text: string;
  readonly format: FileFormat;
  readonly fileName?: string;
  readonly references: readonly PortReference[];
  readonly problems: readonly ScanProblem[];
  /** The file's wiring facts: the images that name the software behind its ports. */
  readonly wiring?: WiringFacts;
}

export interface RuleContext extends RuleInput {
  readonly knowledge: KnowledgeBase;
  readonly settings: RuleSettings;
  report(finding: Finding): void;
}

/** A text replacement in the analysed file. */
export interface TextEdit {
  readonly range: SourceRange;
  readonly newText: string;
}

/**
 * A quick fix as plain data. `edit` fixes change the file; `silence-port` asks the editor to add
 * the port to the user's `portLens.sensitivePorts.silenced` setting.
 */
export type QuickFix =
  | { readonly kind: 'edit'; readonly title: string; readonly edits: readonly TextEdit[]; readonly isPreferred?: boolean }
  | { readonly kind: 'silence-port'; readonly title: string; readonly port: number; readonly protocol: Protocol }
  /** Asks the editor to record in `portLens.services` that `key` (a service, image or file glob) runs `software`. */
  | { readonly kind: 'declare-software'; readonly title: string; readonly key: string; readonly software: string };

export interface FixContext {
  readonly text: string;
  readonly format: FileFormat;
  /** The file's name, when known: `rules.v6` needs an IPv6 source placeholder. */
  readonly fileName?: string;
}

export interface Rule {
  /** Stable id, used in settings, suppression comments and the documentation's file name. */
  readonly id: string;
  readonly defaultSeverity: DiagnosticSeverity;
  /** Rules that only some teams want are off until a severity is set for them. */
  readonly enabledByDefault: boolean;
  /** One sentence: what the rule catches. Shown in SARIF and the README. */
  readonly description: string;
  check(context: RuleContext): void;
  /**
   * Set for rules that judge wiring between files: the workspace graph reports their findings,
   * and `check` has nothing to look at in one file alone.
   */
  readonly workspace?: boolean;
  /** Edits that resolve one of this rule's diagnostics; suppression is offered for every rule separately. */
  fixes?(diagnostic: PortDiagnostic, context: FixContext): QuickFix[];
}
