import type { FirewallRuleInfo, Mutable, Protocol, ScanProblem, SourceRange } from '../types';
import type { FirewallBlock, HostFirewallFacts } from '../wiring/facts';

/** Largest valid TCP/UDP port. */
export const MAX_PORT = 65535;

const DIGITS = /^[0-9]+$/;

export type PortParse =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly code: 'not-a-number' | 'port-out-of-range'; readonly message: string };

/**
 * Parses a decimal port. `allowZero` is for tools that accept 0 (meaning "any"/ephemeral).
 * Leading zeros are accepted as decimal, as Docker, nginx and iptables do.
 */
export function parsePort(text: string, allowZero = false): PortParse {
  if (!DIGITS.test(text)) {
    return { ok: false, code: 'not-a-number', message: `"${text}" is not a port number` };
  }
  // Compare lengths first so a thousand-digit string never becomes a lossy float.
  const value = text.length > 6 ? Number.POSITIVE_INFINITY : Number(text);
  if (value > MAX_PORT || (value === 0 && !allowZero)) {
    return {
      ok: false,
      code: 'port-out-of-range',
      message: `Port ${text.length > 12 ? `${text.slice(0, 12)}…` : text} is out of range (${allowZero ? 0 : 1}-${MAX_PORT})`,
    };
  }
  return { ok: true, value };
}

const KNOWN_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp', 'dccp']);

/** Normalises a protocol name; returns undefined for names the tools do not know. */
export function parseProtocol(text: string): Protocol | undefined {
  const lower = text.toLowerCase();
  return KNOWN_PROTOCOLS.has(lower) ? (lower as Protocol) : undefined;
}

/** Builds a problem for a span of text. */
export function problem(
  range: SourceRange,
  code: string,
  message: string,
  severity: ScanProblem['severity'] = 'error',
): ScanProblem {
  return { range, code, message, severity };
}

/**
 * Why a scanner gave up, for its `parse-error` problem. Deep nesting exhausts the stack, and
 * "Maximum call stack size exceeded" would tell the user nothing about their file.
 */
export function failureReason(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return NESTED_TOO_DEEPLY;
  }
  return error instanceof Error ? error.message : String(error);
}

export const NESTED_TOO_DEEPLY = 'it is nested too deeply';

/**
 * Appends `items` to `target` one by one: `target.push(...items)` passes every item as an
 * argument, which overflows the stack once a hostile file yields a few hundred thousand.
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) {
    target.push(item);
  }
}

/**
 * The firewall details one reference carries. With nothing of its own it is the rule's object
 * itself, shared by all the rule's references: a big ruleset has a hundred thousand of them,
 * and every object they keep costs collection. Otherwise a copy, with the verdict of its own
 * (an nftables verdict-map element) over the rule's, and the match's own flags.
 */
export function firewallInfoFor(
  rule: FirewallRuleInfo,
  verdict: Pick<FirewallRuleInfo, 'action' | 'target'> | undefined,
  sourcePort: boolean | undefined,
  negated: boolean | undefined,
): FirewallRuleInfo {
  if (!verdict && !sourcePort && !negated) {
    return rule;
  }
  // Built property by property: V8 makes conditional spreads slow.
  const firewall = { action: verdict ? verdict.action : rule.action } as Mutable<FirewallRuleInfo>;
  if ('target' in rule) {
    firewall.target = verdict ? verdict.target : rule.target;
  }
  firewall.source = rule.source;
  if ('chain' in rule) {
    firewall.chain = rule.chain;
  }
  if (verdict && !('target' in rule)) {
    firewall.target = verdict.target;
  }
  if (sourcePort) {
    firewall.sourcePort = true;
  }
  if (negated) {
    firewall.negated = true;
  }
  return firewall;
}

/** Span helper: `[start, start + length)`. */
export function span(start: number, length: number): SourceRange {
  return { start, end: start + length };
}

/** An input chain's policy as a ruleset sets it. */
export interface InputPolicy {
  readonly drop: boolean;
  readonly range: SourceRange;
}

/**
 * A host's input firewall as a ruleset describes it: its blocks in file order, and the first
 * input chain whose policy drops, described by `describe`; `undefined` when it blocks nothing.
 */
export function hostFirewallFacts<P extends InputPolicy>(
  tool: HostFirewallFacts['tool'],
  blocks: FirewallBlock[],
  policies: Iterable<P>,
  describe: (policy: P) => string,
): HostFirewallFacts | undefined {
  let defaultDeny: P | undefined;
  for (const policy of policies) {
    if (policy.drop && (!defaultDeny || policy.range.start < defaultDeny.range.start)) {
      defaultDeny = policy;
    }
  }
  if (blocks.length === 0 && !defaultDeny) {
    return undefined;
  }
  return {
    tool,
    blocks: blocks.sort((a, b) => a.range.start - b.range.start),
    ...(defaultDeny ? { defaultDeny: { range: defaultDeny.range, text: describe(defaultDeny) } } : {}),
  };
}
