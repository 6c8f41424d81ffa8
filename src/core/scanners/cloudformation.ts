import { Document, isMap, isScalar, parseDocument, visit, YAMLParseError } from 'yaml';
import type { CollectionTag, Node, Pair, ScalarTag } from 'yaml';
import type { FirewallRuleInfo, PortReference, Protocol, ScanOptions, ScanProblem, ScanResult, SourceRange } from '../types';
import { withoutUndefined } from './dockerfile';
import { appendAll, failureReason, MAX_PORT, problem } from './portSyntax';
import {
  AliasTable,
  MAX_YAML_NESTING,
  WalkBudget,
  YamlTooDeepError,
  failureRange,
  mapEntries,
  nodeRange,
  scalarString,
  scalarText,
  seqItems,
  yamlNestingOverflow,
  yamlProblems,
} from './yamlSupport';

/** Whether a YAML or JSON file is a CloudFormation template. */
export function looksLikeCloudFormation(text: string): boolean {
  return /\bAWSTemplateFormatVersion\b/.test(text) || (/\bResources\b/.test(text) && /\bAWS::[A-Za-z0-9]+::[A-Za-z0-9]+/.test(text));
}

// ---------------------------------------------------------------------------
// Reading the template: YAML with CloudFormation's short-form intrinsic tags, or JSON.
// ---------------------------------------------------------------------------

/** Intrinsic functions with a YAML short form `!Name`; the long form of each is `Fn::Name`, except `Ref` and `Condition`. */
const SHORT_FORM_FUNCTIONS = [
  'Ref',
  'Sub',
  'GetAtt',
  'Join',
  'Select',
  'If',
  'FindInMap',
  'ImportValue',
  'Split',
  'GetAZs',
  'Base64',
  'Cidr',
  'Equals',
  'And',
  'Or',
  'Not',
  'Condition',
  'Transform',
  'Length',
  'ToJsonString',
] as const;

/** Each short form may be written on a scalar, a sequence or a mapping; the node is kept as written. */
const INTRINSIC_TAGS: (ScalarTag | CollectionTag)[] = SHORT_FORM_FUNCTIONS.flatMap((name) => [
  { tag: `!${name}`, default: false, resolve: (value: string) => value },
  { tag: `!${name}`, default: false, collection: 'seq' as const },
  { tag: `!${name}`, default: false, collection: 'map' as const },
]);

/** As `parseYamlDocument` reads YAML (see there why), plus the intrinsic tags. */
const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: false, customTags: INTRINSIC_TAGS } as const;

function longFormName(shortName: string): string {
  return shortName === 'Ref' || shortName === 'Condition' ? shortName : `Fn::${shortName}`;
}

const LONG_FORM_NAMES: ReadonlyMap<string, string> = new Map(SHORT_FORM_FUNCTIONS.map((name) => [`!${name}`, longFormName(name)]));

/** Parses a template: too deep a nesting is refused before parsing, duplicate keys are errors. */
function parseTemplate(text: string): Document {
  const overflow = yamlNestingOverflow(text, MAX_YAML_NESTING);
  if (overflow !== -1) {
    throw new YamlTooDeepError(overflow);
  }
  const doc = parseDocument(text, PARSE_OPTIONS);
  // One pass with a set per mapping: the parser's own check compares every pair of keys.
  visit(doc, {
    Map: (_key, map) => {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) {
          continue;
        }
        if (seen.has(pair.key.value)) {
          const start = pair.key.range?.[0] ?? 0;
          doc.errors.push(new YAMLParseError([start, start + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        }
        seen.add(pair.key.value);
      }
    },
  });
  return doc;
}

// ---------------------------------------------------------------------------
// Security group rules
// ---------------------------------------------------------------------------

type Chain = 'ingress' | 'egress';

/** Rule properties that name who may connect (ingress) or where traffic may go (egress); a rule has one. */
const PEER_KEYS: Readonly<Record<Chain, readonly string[]>> = {
  ingress: ['CidrIp', 'CidrIpv6', 'SourcePrefixListId', 'SourceSecurityGroupId', 'SourceSecurityGroupName'],
  egress: ['CidrIp', 'CidrIpv6', 'DestinationPrefixListId', 'DestinationSecurityGroupId'],
};

const WORLD_CIDRS: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0']);

/** Parameter types whose `Ref` is the default itself; an SSM parameter type's default is a parameter path, a list type's a list. */
const LITERAL_PARAMETER_TYPES: ReadonlySet<string> = new Set(['String', 'Number']);

/** What an `IpProtocol` value means for ports. */
type ProtocolPorts =
  /** A protocol with port ranges, matched on `FromPort`-`ToPort`. */
  | { readonly kind: 'ranged'; readonly protocol: Protocol }
  /** Every port of the protocol, whatever `FromPort` and `ToPort` say. */
  | { readonly kind: 'all'; readonly protocol: Protocol }
  /** ICMP and other protocols without ports. */
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown' };

const NAMED_PROTOCOLS: ReadonlyMap<string, ProtocolPorts> = new Map([
  ['tcp', { kind: 'ranged', protocol: 'tcp' }],
  ['udp', { kind: 'ranged', protocol: 'udp' }],
  ['icmp', { kind: 'none' }],
  ['icmpv6', { kind: 'none' }],
  ['-1', { kind: 'all', protocol: 'any' }],
]);

/** IANA protocol numbers with ports; EC2 opens every port for a numbered protocol other than TCP and UDP. */
const NUMBERED_PROTOCOLS: ReadonlyMap<number, ProtocolPorts> = new Map([
  [6, { kind: 'ranged', protocol: 'tcp' }],
  [17, { kind: 'ranged', protocol: 'udp' }],
  [33, { kind: 'all', protocol: 'dccp' }],
  [132, { kind: 'all', protocol: 'sctp' }],
]);

const PROTOCOL_NUMBER = /^[0-9]{1,3}$/;
const INTEGER = /^-?[0-9]+$/;

function protocolPorts(written: string | number): ProtocolPorts {
  const text = String(written).trim().toLowerCase();
  const named = NAMED_PROTOCOLS.get(text);
  if (named) {
    return named;
  }
  if (!PROTOCOL_NUMBER.test(text) || Number(text) > 255) {
    return { kind: 'unknown' };
  }
  return NUMBERED_PROTOCOLS.get(Number(text)) ?? { kind: 'none' };
}

/** Where a mapping pair's key is written. */
function keyStart(pair: Pair): number {
  return isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
}

/** The longest intrinsic function text kept as a rule's source or a reference's raw text. */
const MAX_EXPRESSION_TEXT = 100;

/** An intrinsic function as written: `!Ref X`, `{ "Fn::Sub": ... }`. */
interface Intrinsic {
  /** The long-form name: `Ref`, `Fn::If`. */
  readonly name: string;
  /** The function's argument node (for a short form, the tagged node itself). */
  readonly argument: unknown;
  /** The whole function, tag or braces included. */
  readonly range: SourceRange;
}

/** A rule property as the template gives it. */
interface PropertyValue {
  /** Where the value is written in the rule: a literal's content without quotes, or the whole intrinsic function. */
  readonly written: SourceRange;
  /** The literal the value comes to: as written, or a `Ref` to a parameter's default. Absent when Port Lens cannot evaluate it. */
  readonly literal?: { readonly value: string | number; readonly range: SourceRange };
  /** The intrinsic function as written, whitespace collapsed, when the value is one. */
  readonly expression?: string;
}

/** A port property read as a number, or written as an expression Port Lens cannot evaluate. */
type PortValue = { readonly port: number } | 'unresolved';

class CloudFormationScan {
  private readonly references: PortReference[] = [];
  private readonly problems: ScanProblem[] = [];
  private readonly budget: WalkBudget;
  private aliases = new AliasTable(new Document());
  private parameters = new Map<string, Pair>();
  /**
   * Each node read once as a mapping and as an intrinsic function: an aliased node may be named
   * thousands of times, and reading a large mapping again for each would be quadratic.
   */
  private readonly mappings = new Map<Node, Map<string, Pair>>();
  private readonly intrinsics = new Map<Node, Intrinsic | null>();

  constructor(private readonly text: string) {
    this.budget = new WalkBudget(text.length);
  }

  run(): { references: PortReference[]; problems: ScanProblem[] } {
    const doc = parseTemplate(this.text);
    appendAll(this.problems, yamlProblems(doc, this.text.length));
    this.aliases = new AliasTable(doc);
    const template = this.entries(doc.contents);
    this.parameters = this.entries(template.get('Parameters')?.value);
    for (const [logicalId, pair] of this.entries(template.get('Resources')?.value)) {
      this.resource(logicalId, pair.value);
    }
    const exhausted = this.budget.problem();
    if (exhausted) {
      this.problems.push(exhausted);
    }
    return { references: this.references, problems: this.problems };
  }

  private entries(node: unknown): Map<string, Pair> {
    const resolved = this.aliases.resolve(node);
    if (!resolved) {
      return new Map();
    }
    let entries = this.mappings.get(resolved);
    if (!entries) {
      entries = mapEntries(resolved, this.aliases, this.budget);
      this.mappings.set(resolved, entries);
    }
    return entries;
  }

  private resource(logicalId: string, node: unknown): void {
    const entries = this.entries(node);
    const type = scalarString(this.aliases.resolve(entries.get('Type')?.value))?.trim();
    const properties = this.entries(entries.get('Properties')?.value);
    if (type === 'AWS::EC2::SecurityGroup') {
      for (const rule of this.ruleList(properties.get('SecurityGroupIngress')?.value)) {
        this.rule(rule, 'ingress', logicalId);
      }
      for (const rule of this.ruleList(properties.get('SecurityGroupEgress')?.value)) {
        this.rule(rule, 'egress', logicalId);
      }
    } else if (type === 'AWS::EC2::SecurityGroupIngress') {
      this.rule(entries.get('Properties')?.value, 'ingress', logicalId);
    } else if (type === 'AWS::EC2::SecurityGroupEgress') {
      this.rule(entries.get('Properties')?.value, 'egress', logicalId);
    }
  }

  /**
   * The rule mappings of a rule list. Both branches of an `Fn::If`, on the list or on an item,
   * are read: either may be deployed. `Ref: AWS::NoValue` and other expressions add no rule.
   */
  private ruleList(node: unknown): Node[] {
    const rules: Node[] = [];
    for (const list of this.branches(node)) {
      for (const item of seqItems(list, this.aliases)) {
        for (const rule of this.branches(item)) {
          if (isMap(rule) && !this.intrinsic(rule)) {
            rules.push(rule);
          }
        }
      }
    }
    return rules;
  }

  /** A node, or the branches of an `Fn::If` (nested ones opened too), in the order written. */
  private branches(node: unknown): Node[] {
    const found: Node[] = [];
    const pending: unknown[] = [node];
    while (pending.length > 0) {
      const current = this.aliases.resolve(pending.pop());
      if (!current || !this.budget.take(nodeRange(current))) {
        continue;
      }
      const intrinsic = this.intrinsic(current);
      if (intrinsic?.name !== 'Fn::If') {
        found.push(current);
        continue;
      }
      const [, whenTrue, whenFalse] = seqItems(intrinsic.argument, this.aliases);
      pending.push(whenFalse, whenTrue);
    }
    return found;
  }

  // -- Values -----------------------------------------------------------------

  /** An intrinsic function in short (`!Ref X`) or long (`{ Ref: X }`) form. */
  private intrinsic(node: unknown): Intrinsic | undefined {
    const resolved = this.aliases.resolve(node);
    if (!resolved) {
      return undefined;
    }
    let intrinsic = this.intrinsics.get(resolved);
    if (intrinsic === undefined) {
      intrinsic = this.readIntrinsic(resolved) ?? null;
      this.intrinsics.set(resolved, intrinsic);
    }
    return intrinsic ?? undefined;
  }

  private readIntrinsic(resolved: Node): Intrinsic | undefined {
    const shortName = resolved.tag === undefined ? undefined : LONG_FORM_NAMES.get(resolved.tag);
    if (shortName && resolved.tag) {
      const range = this.trimmed(nodeRange(resolved));
      return { name: shortName, argument: resolved, range: { start: this.tagStart(range.start, resolved.tag), end: range.end } };
    }
    if (isMap(resolved) && resolved.items.length === 1) {
      const name = scalarString(resolved.items[0].key);
      if (name === 'Ref' || name === 'Condition' || name?.startsWith('Fn::')) {
        return { name, argument: resolved.items[0].value, range: this.trimmed(nodeRange(resolved)) };
      }
    }
    return undefined;
  }

  /** Where the tag before a node's value is written; the value's start when the tag is not right before it. */
  private tagStart(valueStart: number, tag: string): number {
    let start = valueStart;
    while (start > 0 && /\s/.test(this.text[start - 1])) {
      start--;
    }
    return this.text.slice(start - tag.length, start) === tag ? start - tag.length : valueStart;
  }

  private trimmed(range: SourceRange): SourceRange {
    let end = range.end;
    while (end > range.start && /\s/.test(this.text[end - 1])) {
      end--;
    }
    return { start: range.start, end };
  }

  private expressionText(range: SourceRange): string {
    const text = this.text.slice(range.start, Math.min(range.end, range.start + MAX_EXPRESSION_TEXT * 4)).replace(/\s+/g, ' ');
    return text.length > MAX_EXPRESSION_TEXT ? `${text.slice(0, MAX_EXPRESSION_TEXT)}…` : text;
  }

  /** A literal scalar: a string or a number, or another scalar (a boolean) as its text. */
  private literal(node: unknown): PropertyValue['literal'] {
    const scalar = scalarText(node, this.text);
    if (scalar) {
      return { value: scalar.value, range: scalar.range };
    }
    const text = scalarString(node);
    return text === undefined || !isScalar(node) ? undefined : { value: text, range: nodeRange(node) };
  }

  /** A rule property; undefined when it is not written (or written as null). */
  private value(node: unknown): PropertyValue | undefined {
    const resolved = this.aliases.resolve(node);
    if (!resolved || (isScalar(resolved) && resolved.value === null && resolved.tag === undefined)) {
      return undefined;
    }
    const intrinsic = this.intrinsic(resolved);
    if (intrinsic) {
      const expression = this.expressionText(intrinsic.range);
      const name = intrinsic.name === 'Ref' ? scalarString(this.aliases.resolve(intrinsic.argument))?.trim() : undefined;
      const literal = name === undefined ? undefined : this.parameterDefault(name);
      return { written: intrinsic.range, literal, expression };
    }
    const literal = this.literal(resolved);
    if (literal) {
      return { written: literal.range, literal };
    }
    const range = this.trimmed(nodeRange(resolved));
    return { written: range, expression: this.expressionText(range) };
  }

  /** The literal default of a template parameter whose `Ref` is that value. */
  private parameterDefault(name: string): PropertyValue['literal'] {
    const parameter = this.parameters.get(name);
    if (!parameter) {
      return undefined;
    }
    const entries = this.entries(parameter.value);
    const type = scalarString(this.aliases.resolve(entries.get('Type')?.value))?.trim();
    if (type !== undefined && !LITERAL_PARAMETER_TYPES.has(type)) {
      return undefined;
    }
    const fallback = this.aliases.resolve(entries.get('Default')?.value);
    return fallback?.tag === undefined ? this.literal(fallback) : undefined;
  }

  // -- Rules ------------------------------------------------------------------

  private rule(node: unknown, chain: Chain, scope: string): void {
    const entries = this.entries(node);
    const protocolValue = this.value(entries.get('IpProtocol')?.value);
    const firewall = this.peer(entries, chain);
    // Without a protocol CloudFormation refuses the rule; without a peer EC2 adds none.
    if (!protocolValue || !firewall) {
      return;
    }
    const shared = { role: 'firewall' as const, scope, flags: ['provider=aws'], firewall };
    if (!protocolValue.literal) {
      this.unresolved(protocolValue, 'IpProtocol');
      this.references.push({ ...shared, range: protocolValue.written, protocol: 'any', port: null, endPort: null, rawText: protocolValue.expression });
      return;
    }
    const ports = protocolPorts(protocolValue.literal.value);
    if (ports.kind === 'unknown') {
      this.problems.push(
        problem(
          protocolValue.written,
          'unknown-protocol',
          `Unknown IpProtocol "${protocolValue.literal.value}": EC2 takes tcp, udp, icmp, icmpv6, a protocol number (0-255) or -1 for all`,
        ),
      );
      return;
    }
    if (ports.kind === 'none') {
      return;
    }
    if (ports.kind === 'all') {
      this.references.push({
        ...shared,
        range: protocolValue.written,
        protocol: ports.protocol,
        port: 0,
        endPort: MAX_PORT,
        rawText: protocolValue.expression,
      });
      return;
    }
    this.portRange(entries, ports.protocol, protocolValue, shared);
  }

  /** `FromPort`-`ToPort` of a tcp or udp rule. */
  private portRange(
    entries: Map<string, Pair>,
    protocol: Protocol,
    protocolValue: PropertyValue,
    shared: Pick<PortReference, 'role' | 'scope' | 'flags' | 'firewall'>,
  ): void {
    const from = this.value(entries.get('FromPort')?.value);
    const to = this.value(entries.get('ToPort')?.value);
    if (!from || !to) {
      const missing = from ? 'ToPort' : to ? 'FromPort' : 'FromPort and ToPort';
      this.problems.push(
        problem((from ?? to ?? protocolValue).written, 'invalid-port', `This ${protocol} rule has no ${missing}: EC2 needs both for tcp and udp rules`, 'warning'),
      );
      return;
    }
    const fromPort = this.port(from, 'FromPort');
    const toPort = this.port(to, 'ToPort');
    if (!fromPort || !toPort) {
      return;
    }
    const location = {
      range: from.written,
      portRange: from.expression === undefined ? from.written : undefined,
      endPortRange: to.written,
    };
    if (fromPort === 'unresolved' || toPort === 'unresolved') {
      const rawText = fromPort === 'unresolved' ? from.expression : to.expression;
      this.references.push({ ...shared, ...location, protocol, port: null, endPort: null, rawText });
      return;
    }
    if (fromPort.port > toPort.port) {
      this.problems.push(problem(to.written, 'reversed-range', `FromPort ${fromPort.port} is above ToPort ${toPort.port}: EC2 refuses the range`));
      return;
    }
    this.references.push({ ...shared, ...location, protocol, port: fromPort.port, endPort: toPort.port, rawText: from.expression ?? to.expression });
  }

  /** A tcp or udp port: 0-65535, written as a number or a string of digits. */
  private port(value: PropertyValue, field: string): PortValue | undefined {
    if (!value.literal) {
      this.unresolved(value, field);
      return 'unresolved';
    }
    const written = value.literal.value;
    const text = typeof written === 'number' ? String(written) : written.trim();
    if (!INTEGER.test(text)) {
      this.problems.push(problem(value.written, 'not-a-number', `${field} must be a whole number, not ${JSON.stringify(written)}`));
      return undefined;
    }
    // Digits beyond six are out of range anyway; comparing their length keeps huge ones exact.
    const port = text.replace(/^-/, '').length > 6 ? Number.POSITIVE_INFINITY : Number(text);
    if (port < 0 || port > MAX_PORT) {
      this.problems.push(problem(value.written, 'port-out-of-range', `${field} ${text} is out of range: tcp and udp ports run from 0 to ${MAX_PORT}`));
      return undefined;
    }
    return { port };
  }

  private unresolved(value: PropertyValue, field: string): void {
    this.problems.push(
      problem(value.written, 'unresolved-port', `${field} is written as ${value.expression ?? 'an expression'}, which Port Lens cannot evaluate, so this rule's ports are not checked`, 'info'),
    );
  }

  /**
   * Who a rule lets in (or where it lets traffic out): `source` null when any peer is the whole
   * internet; otherwise the first peer, resolved when it is a literal or a parameter default.
   * Undefined when the rule names no peer.
   */
  private peer(entries: Map<string, Pair>, chain: Chain): FirewallRuleInfo | undefined {
    // Looked up by name rather than by walking the rule: a rule may be an alias of a huge mapping.
    const peers = PEER_KEYS[chain]
      .map((key) => entries.get(key))
      .filter((pair): pair is Pair => pair !== undefined)
      .sort((a, b) => keyStart(a) - keyStart(b));
    let first: string | undefined;
    for (const pair of peers) {
      const value = this.value(pair.value);
      if (!value) {
        continue;
      }
      const literal = value.literal && String(value.literal.value).trim();
      if (value.literal && literal !== undefined && WORLD_CIDRS.has(literal)) {
        return { action: 'allow', source: null, chain, sourceRange: value.literal.range };
      }
      first ??= literal ?? value.expression;
    }
    return first === undefined ? undefined : { action: 'allow', source: first, chain };
  }
}

/**
 * Finds the ports that security groups open in a CloudFormation template, YAML or JSON: the
 * `SecurityGroupIngress` and `SecurityGroupEgress` rules of `AWS::EC2::SecurityGroup` and the
 * standalone `AWS::EC2::SecurityGroupIngress` and `AWS::EC2::SecurityGroupEgress` resources.
 * A `Ref` to a parameter resolves to its default; other intrinsic functions are reported as
 * unresolved, never guessed.
 */
export function scanCloudFormation(text: string, _options?: ScanOptions): ScanResult {
  try {
    const { references, problems } = new CloudFormationScan(text).run();
    return { format: 'cloudformation', references: references.map(withoutUndefined), problems };
  } catch (error) {
    return {
      format: 'cloudformation',
      references: [],
      problems: [problem(failureRange(error, text.length), 'parse-error', `Could not read the template: ${failureReason(error)}`)],
    };
  }
}
