/**
 * Terraform: the firewall rules of AWS security groups, Google Cloud firewalls and Azure network
 * security groups, one reference per port or port range a rule opens.
 *
 * Values are read the way Terraform would read them when they are written in the file itself: a
 * literal, a `variable` default, a `locals` value, or an element of the literal collection a
 * `dynamic` block (or the resource's `for_each`) iterates over. Anything else (a variable declared
 * in another file, a function, a conditional, another resource's attribute) is reported as
 * unresolved and never guessed; a variable this file does not declare is handed to the workspace
 * model, which looks for it in the module's other files.
 */
import type { FirewallAction, FirewallRuleInfo, PortReference, Protocol, ScanOptions, ScanProblem, ScanResult, SourceRange } from '../types';
import type { TerraformVariable, TerraformVariablePort } from '../wiring/facts';
import { parseHclTakingBlocks } from './hcl';
import type { HclBlock, HclBody, HclExpression, HclObject } from './hcl';
import { failureReason, MAX_PORT, problem } from './portSyntax';

// ---------------------------------------------------------------------------------------------
// Resolving values
// ---------------------------------------------------------------------------------------------

/** What one element of a `for_each` collection binds its iterator to. */
interface Binding {
  /** The element's key: its index in a list, its key in a map. */
  readonly key: HclExpression;
  readonly value: HclExpression;
}

/** An iterator over a collection Port Lens could not read: everything read through it is unresolved. */
const UNKNOWN_ELEMENT = 'unknown' as const;

/** Iterator names (`ingress`, `each`, a dynamic block's `iterator`) in scope, with their element. */
type Environment = ReadonlyMap<string, Binding | typeof UNKNOWN_ELEMENT>;

const NO_ITERATORS: Environment = new Map();

/** A literal the expression resolves to: a number, a plain string, a bool, null, a list or a map. */
type Literal = HclExpression & { readonly kind: 'number' | 'string' | 'bool' | 'null' | 'tuple' | 'object' };

type Resolution =
  | { readonly ok: true; readonly literal: Literal; readonly viaIterator: boolean; readonly indirect: boolean }
  | { readonly ok: false; readonly why: string; readonly undeclaredVariable?: string };

/** Conversions that return their argument unchanged for the values Port Lens resolves. */
const IDENTITY_FUNCTIONS: ReadonlySet<string> = new Set(['toset', 'tolist', 'tomap', 'tonumber', 'tostring']);

/** `local` chains deeper than this are cycles or not worth following. */
const MAX_RESOLUTION_DEPTH = 32;

class Declarations {
  /** Declared variables, with their default when it has one. */
  readonly variables = new Map<string, HclExpression | undefined>();
  readonly locals = new Map<string, HclExpression>();
  /** Names whose value, and every name it reads in turn, are declared: reading them cannot change. */
  private readonly settledVariables = new Set<string>();
  private readonly settledLocals = new Set<string>();

  constructor(private readonly text: string) {}

  /** Takes in a `variable` or `locals` block, in file order: the first declaration of a name counts. */
  declare(block: HclBlock): void {
    if (block.type === 'variable' && block.labels.length > 0 && !this.variables.has(block.labels[0].value)) {
      this.variables.set(block.labels[0].value, attribute(block.body, 'default'));
    } else if (block.type === 'locals') {
      for (const local of block.body.attributes) {
        if (!this.locals.has(local.name)) {
          this.locals.set(local.name, local.value);
        }
      }
    }
  }

  /**
   * Whether every `var.` and `local.` that reading `block` could look up, directly or through
   * the values it leads to, is declared already. Then reading the block now gives what reading
   * it after the whole file would, since a later declaration of a name does not count.
   */
  settles(block: HclBlock): boolean {
    const variables = new Set<string>();
    const locals = new Set<string>();
    const expressions: HclExpression[] = [];
    const bodies: HclBody[] = [block.body];
    for (let body = bodies.pop(); body; body = bodies.pop()) {
      for (const item of body.attributes) {
        expressions.push(item.value);
      }
      for (const nested of body.blocks) {
        bodies.push(nested.body);
      }
    }
    for (let expression = expressions.pop(); expression; expression = expressions.pop()) {
      switch (expression.kind) {
        case 'traversal': {
          const [root, name] = expression.path;
          if (typeof name !== 'string') {
            break;
          }
          if (root === 'var' && !this.settledVariables.has(name) && !variables.has(name)) {
            if (!this.variables.has(name)) {
              return false;
            }
            variables.add(name);
            const fallback = this.variables.get(name);
            if (fallback) {
              expressions.push(fallback);
            }
          } else if (root === 'local' && !this.settledLocals.has(name) && !locals.has(name)) {
            const local = this.locals.get(name);
            if (local === undefined) {
              return false;
            }
            locals.add(name);
            expressions.push(local);
          }
          break;
        }
        case 'string':
          if (expression.interpolation) {
            expressions.push(expression.interpolation);
          }
          break;
        case 'tuple':
          for (const item of expression.items) {
            expressions.push(item);
          }
          break;
        case 'object':
          for (const entry of expression.entries) {
            expressions.push(entry.value);
          }
          break;
        case 'call':
          for (const argument of expression.args) {
            expressions.push(argument);
          }
          break;
        default:
          break;
      }
    }
    for (const name of variables) {
      this.settledVariables.add(name);
    }
    for (const name of locals) {
      this.settledLocals.add(name);
    }
    return true;
  }

  written(expression: HclExpression): string {
    return this.text.slice(expression.range.start, expression.range.end);
  }

  resolve(expression: HclExpression, environment: Environment, depth = 0): Resolution {
    if (depth > MAX_RESOLUTION_DEPTH) {
      return { ok: false, why: `${this.written(expression)} refers to itself` };
    }
    switch (expression.kind) {
      case 'number':
      case 'bool':
      case 'null':
      case 'tuple':
      case 'object':
        return { ok: true, literal: expression, viaIterator: false, indirect: false };
      case 'string':
        if (expression.value !== undefined) {
          return { ok: true, literal: expression, viaIterator: false, indirect: false };
        }
        if (expression.interpolation) {
          return indirectly(this.resolve(expression.interpolation, environment, depth + 1));
        }
        return { ok: false, why: `${this.written(expression)} is a template Port Lens does not evaluate` };
      case 'call':
        if (IDENTITY_FUNCTIONS.has(expression.name) && expression.args.length === 1) {
          return this.resolve(expression.args[0], environment, depth + 1);
        }
        return { ok: false, why: `${this.written(expression)} is computed by ${expression.name}(), which Port Lens does not evaluate` };
      case 'traversal':
        return this.resolveTraversal(expression.path, expression, environment, depth);
      case 'other':
        return { ok: false, why: `${this.written(expression)} is an expression Port Lens does not evaluate` };
    }
  }

  private resolveTraversal(path: readonly (string | number)[], expression: HclExpression, environment: Environment, depth: number): Resolution {
    const [root, name] = path;
    const written = this.written(expression);
    const binding = typeof root === 'string' ? environment.get(root) : undefined;
    let base: Resolution;
    if (binding !== undefined && (name === 'value' || name === 'key')) {
      if (binding === UNKNOWN_ELEMENT) {
        return { ok: false, why: `${written} comes from a for_each collection Port Lens cannot read` };
      }
      base = this.resolve(name === 'key' ? binding.key : binding.value, NO_ITERATORS, depth + 1);
      base = base.ok ? { ...base, viaIterator: true } : base;
    } else if (root === 'var' && typeof name === 'string') {
      if (!this.variables.has(name)) {
        return { ok: false, why: `var.${name} is not declared in this file`, ...(path.length === 2 ? { undeclaredVariable: name } : {}) };
      }
      const fallback = this.variables.get(name);
      if (fallback === undefined) {
        return { ok: false, why: `var.${name} has no default (its value is only known when Terraform runs)` };
      }
      base = indirectly(this.resolve(fallback, NO_ITERATORS, depth + 1));
    } else if (root === 'local' && typeof name === 'string') {
      const local = this.locals.get(name);
      if (local === undefined) {
        return { ok: false, why: `local.${name} is not defined in this file` };
      }
      base = indirectly(this.resolve(local, NO_ITERATORS, depth + 1));
    } else {
      return { ok: false, why: `${written} is only known when Terraform runs` };
    }
    for (let step = 2; step < path.length && base.ok; step++) {
      const element = elementOf(base.literal, path[step]);
      base = element
        ? this.combine(base, this.resolve(element, NO_ITERATORS, depth + 1))
        : { ok: false, why: `${written} names no element of a value written in this file` };
    }
    return base;
  }

  private combine(outer: Resolution & { ok: true }, inner: Resolution): Resolution {
    return inner.ok ? { ...inner, viaIterator: outer.viaIterator || inner.viaIterator, indirect: true } : inner;
  }
}

function indirectly(resolution: Resolution): Resolution {
  return resolution.ok ? { ...resolution, indirect: true } : resolution;
}

/** Each object's entries by key (the first of equal keys), built once: a map can be looked into many times. */
const entryIndexes = new WeakMap<HclObject, Map<string, HclExpression>>();

function entryOf(object: HclObject, key: string): HclExpression | undefined {
  let index = entryIndexes.get(object);
  if (!index) {
    index = new Map();
    for (const entry of object.entries) {
      if (entry.key !== undefined && !index.has(entry.key)) {
        index.set(entry.key, entry.value);
      }
    }
    entryIndexes.set(object, index);
  }
  return index.get(key);
}

function elementOf(literal: Literal, step: string | number): HclExpression | undefined {
  if (literal.kind === 'tuple' && typeof step === 'number') {
    return literal.items[step];
  }
  return literal.kind === 'object' ? entryOf(literal, String(step)) : undefined;
}

function attribute(body: HclBody, name: string): HclExpression | undefined {
  return body.attributes.find((candidate) => candidate.name === name)?.value;
}

// ---------------------------------------------------------------------------------------------
// Rule fields: a block body, or an object in `ingress = [{ ... }]`
// ---------------------------------------------------------------------------------------------

interface Fields {
  get(name: string): HclExpression | undefined;
  /** The block's body, where nested rule blocks are; absent for an object. */
  readonly body?: HclBody;
}

function bodyFields(body: HclBody): Fields {
  return { get: (name) => attribute(body, name), body };
}

function objectFields(object: HclObject): Fields {
  return { get: (name) => entryOf(object, name) };
}

// ---------------------------------------------------------------------------------------------
// The scan
// ---------------------------------------------------------------------------------------------

type Provider = 'aws' | 'gcp' | 'azure';

/** Sources that let anyone in, compared in lower case. */
const WORLD_SOURCES: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0', '*', 'internet', 'any']);

/** A source (or, for egress, destination) a rule names. */
interface Peer {
  readonly text: string;
  readonly world: boolean;
  /** The literal's text without quotes, when it is written in this file. */
  readonly range?: SourceRange;
}

/** Where a rule is written and what its references share, before its firewall details are known. */
interface ResourceContext {
  /** `aws_security_group.web`. */
  readonly scope: string;
  readonly flags: readonly string[];
  readonly environment: Environment;
}

interface RuleContext extends ResourceContext {
  readonly firewall: FirewallRuleInfo;
}

/** Where a value is written. */
interface Located {
  readonly range: SourceRange;
  /** The text at `range`, when it is not the literal the value came from (`var.ssh_port`). */
  readonly rawText?: string;
}

type PortRead =
  | { readonly kind: 'port'; readonly value: number; readonly at: Located }
  | { readonly kind: 'unresolved'; readonly at: Located; readonly variable?: string }
  | { readonly kind: 'invalid' };

type ReadablePort = PortRead & { readonly kind: 'port' | 'unresolved' };

type AwsProtocol =
  | { readonly kind: 'ports'; readonly protocol: Protocol }
  | { readonly kind: 'all'; readonly at: Located }
  | { readonly kind: 'portless' }
  | { readonly kind: 'unresolved' };

class TerraformScan {
  readonly references: PortReference[] = [];
  readonly problems: ScanProblem[] = [];
  readonly variablePorts: TerraformVariablePort[] = [];
  private readonly seenProblems = new Set<string>();
  /**
   * Rules still allowed to be read from collections. A resource's `for_each` times a dynamic
   * block's, or one long list iterated by many blocks, would multiply; the file's length bounds them.
   */
  private expansionBudget: number;

  constructor(
    private readonly text: string,
    private readonly declarations: Declarations,
  ) {
    this.expansionBudget = Math.max(MIN_EXPANSION_BUDGET, text.length);
  }

  /** Takes `count` expansions from the budget; reports (once per spot) when there are not enough left. */
  private spend(count: number, range: SourceRange): boolean {
    if (count > this.expansionBudget) {
      this.addProblem(range, 'unresolved-port', 'This repeats rules more often than Port Lens expands in one file, so the ports it generates are not checked', 'info');
      return false;
    }
    this.expansionBudget -= count;
    return true;
  }

  private addProblem(range: SourceRange, code: string, message: string, severity: ScanProblem['severity']): void {
    // A dynamic block repeats its content once per element; its problems are reported once.
    const key = `${range.start}:${range.end}:${code}:${message}`;
    if (!this.seenProblems.has(key)) {
      this.seenProblems.add(key);
      this.problems.push(problem(range, code, message, severity));
    }
  }

  private unresolved(range: SourceRange, why: string, what: string): void {
    this.addProblem(range, 'unresolved-port', `${why}, so Port Lens cannot check ${what} here`, 'info');
  }

  // --- values -------------------------------------------------------------------------------

  private resolve(expression: HclExpression, environment: Environment): Resolution {
    return this.declarations.resolve(expression, environment);
  }

  private writtenText(range: SourceRange): string {
    return this.text.slice(range.start, range.end);
  }

  /** The text of a literal without its quotes: what a hover or a quick fix points at. */
  private literalRange(expression: HclExpression): SourceRange {
    return expression.kind === 'string' ? expression.contentRange : expression.range;
  }

  /**
   * Where to point for a value. A literal points at itself, and so does an element of an iterated
   * collection (each element gets its own spot); a value reached through a variable or a local
   * points at the expression in the rule, with that expression as `rawText`.
   */
  private locate(written: HclExpression, resolution: Resolution): Located {
    if (resolution.ok && (!resolution.indirect || resolution.viaIterator)) {
      return { range: this.literalRange(resolution.literal) };
    }
    const range = this.literalRange(written);
    return { range, rawText: this.writtenText(range) };
  }

  /** A literal as text: a string's value, a number or bool as written. */
  private textOf(literal: Literal): string | undefined {
    if (literal.kind === 'string') {
      return literal.value;
    }
    if (literal.kind === 'number') {
      return String(literal.value);
    }
    return literal.kind === 'bool' ? String(literal.value) : undefined;
  }

  stringOf(expression: HclExpression | undefined, environment: Environment): string | undefined {
    const resolution = expression && this.resolve(expression, environment);
    return resolution?.ok ? this.textOf(resolution.literal) : undefined;
  }

  private describeLiteral(literal: Literal): string {
    return shorten(literal.kind === 'string' ? `"${literal.value ?? ''}"` : this.writtenText(literal.range));
  }

  /** A single port: a whole number, or a string of digits (Terraform converts `"22"` to 22). */
  private readPort(written: HclExpression, environment: Environment, what: string, reportUnresolved = true): PortRead {
    const resolution = this.resolve(written, environment);
    const at = this.locate(written, resolution);
    if (!resolution.ok) {
      if (reportUnresolved) {
        this.unresolved(at.range, resolution.why, what);
      }
      return { kind: 'unresolved', at, ...(resolution.undeclaredVariable !== undefined ? { variable: resolution.undeclaredVariable } : {}) };
    }
    const text = this.textOf(resolution.literal)?.trim();
    if (text === undefined || resolution.literal.kind === 'bool' || !/^-?\d{1,12}$/.test(text)) {
      this.addProblem(at.range, 'invalid-port', `${what} must be a whole number; ${this.describeLiteral(resolution.literal)} is not`, 'error');
      return { kind: 'invalid' };
    }
    return { kind: 'port', value: Number(text), at };
  }

  // --- sources ------------------------------------------------------------------------------

  /** The sources (or, for egress, destinations) an attribute names: a list of them, or one. */
  private peers(expression: HclExpression | undefined, environment: Environment): Peer[] {
    if (!expression) {
      return [];
    }
    const resolution = this.resolve(expression, environment);
    if (!resolution.ok) {
      return [{ text: this.writtenText(expression.range), world: false }];
    }
    const items = resolution.literal.kind === 'tuple' ? resolution.literal.items : [expression];
    const peers: Peer[] = [];
    for (const item of items) {
      const itemResolution = this.resolve(item, environment);
      if (!itemResolution.ok) {
        peers.push({ text: this.writtenText(item.range), world: false });
      } else if (itemResolution.literal.kind === 'string' && itemResolution.literal.value !== undefined) {
        const value = itemResolution.literal.value;
        peers.push({ text: value, world: WORLD_SOURCES.has(value.trim().toLowerCase()), range: itemResolution.literal.contentRange });
      }
    }
    return peers;
  }

  private peersOf(fields: Fields, names: readonly string[], environment: Environment): Peer[] {
    return names.flatMap((name) => this.peers(fields.get(name), environment));
  }

  /**
   * A rule's firewall details. The source is `null` when any source lets anyone in (or none is
   * written and `none` says the provider then means anywhere), else the first one as written.
   */
  private firewallInfo(action: FirewallAction, chain: 'ingress' | 'egress', peers: readonly Peer[], none: string | null): FirewallRuleInfo {
    const world = peers.find((peer) => peer.world);
    if (world) {
      return { action, source: null, chain, ...(world.range ? { sourceRange: world.range } : {}) };
    }
    return { action, source: peers.length > 0 ? peers[0].text : none, chain };
  }

  // --- references ---------------------------------------------------------------------------

  private push(context: RuleContext, protocol: Protocol, first: ReadablePort, last: ReadablePort, endApart: boolean): PortReference {
    const resolved = first.kind === 'port' && last.kind === 'port';
    const reference: PortReference = {
      role: 'firewall',
      range: first.at.range,
      portRange: first.at.range,
      ...(endApart && !sameRange(first.at.range, last.at.range) ? { endPortRange: last.at.range } : {}),
      protocol,
      port: resolved ? first.value : null,
      endPort: resolved ? last.value : null,
      scope: context.scope,
      ...(first.at.rawText !== undefined ? { rawText: first.at.rawText } : {}),
      flags: context.flags,
      firewall: context.firewall,
    };
    this.references.push(reference);
    return reference;
  }

  /** Every port of the protocol, pointing at what says so (`-1`, `*`, a protocol without `ports`). */
  private pushAllPorts(context: RuleContext, protocol: Protocol, at: Located): void {
    this.references.push({
      role: 'firewall',
      range: at.range,
      portRange: at.range,
      protocol,
      port: 0,
      endPort: MAX_PORT,
      scope: context.scope,
      ...(at.rawText !== undefined ? { rawText: at.rawText } : {}),
      flags: context.flags,
      firewall: context.firewall,
    });
  }

  /** A rule whose ports are an undeclared `var.NAME` (or two): the module's other files may declare it. */
  private recordVariables(reference: PortReference, first: ReadablePort, last: ReadablePort): void {
    if (first.kind !== 'unresolved' || first.variable === undefined) {
      return;
    }
    if (last.kind === 'unresolved' && last.variable !== undefined) {
      this.variablePorts.push({ reference, variable: first.variable, ...(last.variable !== first.variable ? { endVariable: last.variable } : {}) });
    }
  }

  /** Checks what the provider refuses (out of range, reversed) and pushes the reference. */
  private pushRange(context: RuleContext, protocol: Protocol, first: PortRead, last: PortRead, endApart: boolean): void {
    if (first.kind === 'invalid' || last.kind === 'invalid') {
      return;
    }
    if (first.kind === 'port' && last.kind === 'port') {
      for (const read of first === last ? [first] : [first, last]) {
        if (read.value < 0 || read.value > MAX_PORT) {
          const hint = read.value === -1 ? ': -1 (every port) goes only with protocol -1' : ` (0-${MAX_PORT})`;
          this.addProblem(read.at.range, 'invalid-port', `Port ${read.value} is out of range${hint}`, 'error');
          return;
        }
      }
      if (first.value > last.value) {
        this.addProblem(first.at.range, 'invalid-port', `Port range ${first.value}-${last.value} is reversed: the first port must not be above the last`, 'error');
        return;
      }
    }
    const reference = this.push(context, protocol, first, last, endApart);
    this.recordVariables(reference, first, last);
  }

  /** `"22"`, `"8000-8100"` or `22` in a Google Cloud `ports` list or an Azure port range; `*` means every port. */
  private pushPortText(context: RuleContext, protocol: Protocol, written: HclExpression, what: string): void {
    const resolution = this.resolve(written, context.environment);
    const at = this.locate(written, resolution);
    if (!resolution.ok) {
      this.unresolved(at.range, resolution.why, what);
      const read: ReadablePort = { kind: 'unresolved', at, ...(resolution.undeclaredVariable !== undefined ? { variable: resolution.undeclaredVariable } : {}) };
      this.recordVariables(this.push(context, protocol, read, read, false), read, read);
      return;
    }
    const text = resolution.literal.kind === 'bool' ? undefined : this.textOf(resolution.literal)?.trim();
    if (text === '*') {
      this.pushAllPorts(context, protocol, at);
      return;
    }
    const match = text === undefined ? null : /^(\d{1,12})(?:\s*-\s*(\d{1,12}))?$/.exec(text);
    if (!match) {
      this.addProblem(at.range, 'invalid-port', `${what} must be a port (22) or a range (8000-8100); ${this.describeLiteral(resolution.literal)} is neither`, 'error');
      return;
    }
    const first: PortRead = { kind: 'port', value: Number(match[1]), at };
    const last: PortRead = match[2] === undefined ? first : { kind: 'port', value: Number(match[2]), at };
    this.pushRange(context, protocol, first, last, false);
  }

  /** A list of port texts, a reference each; a list Port Lens cannot read is one unresolved reference. */
  private pushPortTexts(context: RuleContext, protocol: Protocol, list: HclExpression, what: string): void {
    const resolution = this.resolve(list, context.environment);
    if (resolution.ok && resolution.literal.kind === 'tuple') {
      for (const item of resolution.literal.items) {
        this.pushPortText(context, protocol, item, what);
      }
    } else {
      this.pushPortText(context, protocol, list, what);
    }
  }

  // --- AWS ----------------------------------------------------------------------------------

  /**
   * An AWS rule: `ingress`/`egress` of `aws_security_group`, `aws_security_group_rule`, or one of
   * the VPC rule resources (`ip_protocol`, `cidr_ipv4`, ...).
   */
  awsRule(fields: Fields, chain: 'ingress' | 'egress', resource: ResourceContext, vpcStyle: boolean): void {
    const environment = resource.environment;
    const peers = this.peersOf(fields, vpcStyle ? AWS_VPC_PEERS : AWS_CLASSIC_PEERS, environment);
    if (this.stringOf(fields.get('self'), environment) === 'true') {
      peers.push({ text: 'self', world: false });
    }
    // Without any source (or destination) AWS lets nothing through.
    const context: RuleContext = { ...resource, firewall: this.firewallInfo('allow', chain, peers, '(none)') };
    const protocolExpression = fields.get(vpcStyle ? 'ip_protocol' : 'protocol');
    const protocol = protocolExpression && this.awsProtocol(protocolExpression, environment);
    if (!protocol || protocol.kind === 'portless') {
      return;
    }
    const fromExpression = fields.get('from_port');
    const toExpression = fields.get('to_port');
    if (protocol.kind === 'all') {
      this.checkAllProtocolPorts([fromExpression, toExpression], environment);
      this.pushAllPorts(context, 'any', protocol.at);
      return;
    }
    const firstWritten = fromExpression ?? toExpression;
    const lastWritten = toExpression ?? fromExpression;
    if (!firstWritten || !lastWritten) {
      return;
    }
    const first = this.readPort(firstWritten, environment, firstWritten === fromExpression ? 'from_port' : 'to_port');
    // `to_port = var.p` below `from_port = var.p` is the same unknown: reported once.
    const sameText = this.writtenText(lastWritten.range) === this.writtenText(firstWritten.range);
    const last = lastWritten === firstWritten ? first : this.readPort(lastWritten, environment, 'to_port', !sameText);
    if (protocol.kind === 'unresolved') {
      // With protocol -1, ports 0 and -1 stand for every port; without the protocol there is no telling.
      if ((first.kind === 'port' && first.value <= 0) || (last.kind === 'port' && last.value <= 0)) {
        return;
      }
    }
    this.pushRange(context, protocol.kind === 'ports' ? protocol.protocol : 'any', first, last, lastWritten !== firstWritten);
  }

  private checkAllProtocolPorts(written: readonly (HclExpression | undefined)[], environment: Environment): void {
    for (const expression of written) {
      const resolution = expression && this.resolve(expression, environment);
      if (expression && resolution?.ok && resolution.literal.kind === 'number' && resolution.literal.value !== 0 && resolution.literal.value !== -1) {
        this.addProblem(this.locate(expression, resolution).range, 'invalid-port', 'With protocol -1 the rule opens every port; AWS expects from_port and to_port to be 0', 'warning');
      }
    }
  }

  private awsProtocol(written: HclExpression, environment: Environment): AwsProtocol | undefined {
    const resolution = this.resolve(written, environment);
    if (!resolution.ok) {
      return { kind: 'unresolved' };
    }
    const value = this.textOf(resolution.literal)?.trim().toLowerCase();
    const at = this.locate(written, resolution);
    switch (value) {
      case 'tcp':
      case '6':
        return { kind: 'ports', protocol: 'tcp' };
      case 'udp':
      case '17':
        return { kind: 'ports', protocol: 'udp' };
      case '-1':
      case 'all':
        return { kind: 'all', at };
      case 'icmp':
      case 'icmpv6':
        return { kind: 'portless' };
      default:
        if (value !== undefined && isProtocolNumber(value)) {
          // Other IP protocols (ICMP 1, ICMPv6 58, ESP 50, ...) have no ports.
          return { kind: 'portless' };
        }
        this.addProblem(at.range, 'invalid-port', `AWS does not know the protocol ${this.describeLiteral(resolution.literal)}: use tcp, udp, icmp, icmpv6, -1 (all) or a protocol number`, 'error');
        return undefined;
    }
  }

  // --- Google Cloud -------------------------------------------------------------------------

  gcpFirewall(fields: Fields, resource: ResourceContext): void {
    const environment = resource.environment;
    const chain = this.stringOf(fields.get('direction'), environment)?.trim().toUpperCase() === 'EGRESS' ? 'egress' : 'ingress';
    const peers = this.peersOf(fields, chain === 'ingress' ? GCP_SOURCES : GCP_DESTINATIONS, environment);
    const disabled = this.stringOf(fields.get('disabled'), environment) === 'true';
    const flags = disabled ? [...resource.flags, 'disabled'] : resource.flags;
    for (const action of ['allow', 'deny'] as const) {
      // A disabled rule is kept for the hover, as one that opens nothing. Without any source, Google Cloud means anywhere.
      const firewall = this.firewallInfo(disabled ? 'other' : action, chain, peers, null);
      this.eachBlock(fields, action, resource, (ruleFields, element) => this.gcpPorts(ruleFields, { ...element, flags, firewall }));
    }
  }

  private gcpPorts(fields: Fields, context: RuleContext): void {
    const written = fields.get('protocol');
    const resolution = written && this.resolve(written, context.environment);
    if (!written || !resolution) {
      return;
    }
    const at = this.locate(written, resolution);
    if (!resolution.ok) {
      this.unresolved(at.range, resolution.why, 'which ports this rule opens');
      return;
    }
    const value = this.textOf(resolution.literal)?.trim().toLowerCase() ?? '';
    const protocol = GCP_PROTOCOLS.get(value);
    if (protocol === undefined) {
      if (!isProtocolNumber(value) && !GCP_PORTLESS.has(value)) {
        this.addProblem(at.range, 'invalid-port', `Google Cloud does not know the protocol ${this.describeLiteral(resolution.literal)}: use tcp, udp, icmp, esp, ah, sctp, ipip, all or a protocol number`, 'error');
      }
      return;
    }
    const ports = fields.get('ports');
    if (!ports || protocol === 'any') {
      // Without ports a rule matches every port of its protocol.
      this.pushAllPorts(context, protocol, at);
      return;
    }
    this.pushPortTexts(context, protocol, ports, 'this port');
  }

  // --- Azure --------------------------------------------------------------------------------

  azureRule(fields: Fields, resource: ResourceContext): void {
    const environment = resource.environment;
    const chain = this.stringOf(fields.get('direction'), environment)?.trim().toLowerCase() === 'outbound' ? 'egress' : 'ingress';
    const access = this.stringOf(fields.get('access'), environment)?.trim().toLowerCase();
    const action: FirewallAction = access === 'allow' ? 'allow' : access === 'deny' ? 'deny' : 'other';
    const peers = this.peersOf(fields, chain === 'ingress' ? AZURE_SOURCES : AZURE_DESTINATIONS, environment);
    const context: RuleContext = { ...resource, firewall: this.firewallInfo(action, chain, peers, '(none)') };
    const written = fields.get('protocol');
    const resolution = written && this.resolve(written, environment);
    if (!written || !resolution) {
      return;
    }
    const at = this.locate(written, resolution);
    if (!resolution.ok) {
      this.unresolved(at.range, resolution.why, 'which ports this rule opens');
      return;
    }
    const value = this.textOf(resolution.literal)?.trim().toLowerCase() ?? '';
    const protocol = AZURE_PROTOCOLS.get(value);
    if (protocol === undefined) {
      if (!AZURE_PORTLESS.has(value)) {
        this.addProblem(at.range, 'invalid-port', `Azure does not know the protocol ${this.describeLiteral(resolution.literal)}: use Tcp, Udp, Icmp, Esp, Ah or *`, 'error');
      }
      return;
    }
    const single = fields.get('destination_port_range');
    if (single) {
      this.pushPortText(context, protocol, single, 'destination_port_range');
    }
    const list = fields.get('destination_port_ranges');
    if (list) {
      this.pushPortTexts(context, protocol, list, 'destination_port_ranges');
    }
  }

  // --- blocks -------------------------------------------------------------------------------

  /**
   * Calls `read` for each `type` block in `fields`, each element of a `dynamic "type"` block, and
   * each object of a `type = [{ ... }]` attribute.
   */
  eachBlock(fields: Fields, type: string, resource: ResourceContext, read: (fields: Fields, resource: ResourceContext) => void): void {
    const body = fields.body;
    if (!body) {
      return;
    }
    for (const block of body.blocks) {
      if (block.type === type) {
        read(bodyFields(block.body), resource);
      } else if (block.type === 'dynamic' && block.labels[0]?.value === type) {
        this.eachDynamicElement(block, resource, read);
      }
    }
    const list = attribute(body, type);
    const resolution = list && this.resolve(list, resource.environment);
    if (list && resolution?.ok && resolution.literal.kind === 'tuple' && this.spend(resolution.literal.items.length, list.range)) {
      for (const item of resolution.literal.items) {
        if (item.kind === 'object') {
          read(objectFields(item), resource);
        }
      }
    }
  }

  private eachDynamicElement(block: HclBlock, resource: ResourceContext, read: (fields: Fields, resource: ResourceContext) => void): void {
    const content = block.body.blocks.find((candidate) => candidate.type === 'content');
    if (!content) {
      return;
    }
    const iteratorExpression = attribute(block.body, 'iterator');
    const iterator = iteratorExpression?.kind === 'traversal' && iteratorExpression.path.length === 1 ? String(iteratorExpression.path[0]) : block.labels[0].value;
    const collection = attribute(block.body, 'for_each');
    for (const binding of collection ? this.bindings(collection, resource.environment) : [UNKNOWN_ELEMENT]) {
      const environment = new Map(resource.environment);
      environment.set(iterator, binding);
      read(bodyFields(content.body), { ...resource, environment });
    }
  }

  /** The elements a `for_each` iterates over, or one unknown element when Port Lens cannot read the collection. */
  bindings(collection: HclExpression, environment: Environment): (Binding | typeof UNKNOWN_ELEMENT)[] {
    const resolution = this.resolve(collection, environment);
    if (!resolution.ok) {
      return [UNKNOWN_ELEMENT];
    }
    const literal = resolution.literal;
    const count = literal.kind === 'tuple' ? literal.items.length : literal.kind === 'object' ? literal.entries.length : 0;
    if (!this.spend(count, collection.range)) {
      return [];
    }
    // A set's keys are its values.
    const isSet = collection.kind === 'call' && collection.name === 'toset';
    if (literal.kind === 'tuple') {
      return literal.items.map((item, index) => ({ key: isSet ? item : { kind: 'number', value: index, range: item.range }, value: item }));
    }
    if (literal.kind === 'object') {
      return literal.entries.map((entry) => ({ key: this.keyExpression(entry.key, entry.keyRange), value: entry.value }));
    }
    return [UNKNOWN_ELEMENT];
  }

  private keyExpression(key: string | undefined, range: SourceRange): HclExpression {
    if (key === undefined) {
      return { kind: 'other', range };
    }
    const quoted = this.text[range.start] === '"' && range.end - range.start >= 2;
    return { kind: 'string', value: key, range, contentRange: quoted ? { start: range.start + 1, end: range.end - 1 } : range };
  }
}

/** Expansions allowed in any file, however short: enough for every real module. */
const MIN_EXPANSION_BUDGET = 100_000;

const AWS_CLASSIC_PEERS: readonly string[] = ['cidr_blocks', 'ipv6_cidr_blocks', 'prefix_list_ids', 'security_groups', 'source_security_group_id'];
const AWS_VPC_PEERS: readonly string[] = ['cidr_ipv4', 'cidr_ipv6', 'prefix_list_id', 'referenced_security_group_id'];
const GCP_SOURCES: readonly string[] = ['source_ranges', 'source_tags', 'source_service_accounts'];
const GCP_DESTINATIONS: readonly string[] = ['destination_ranges'];
const AZURE_SOURCES: readonly string[] = ['source_address_prefix', 'source_address_prefixes', 'source_application_security_group_ids'];
const AZURE_DESTINATIONS: readonly string[] = ['destination_address_prefix', 'destination_address_prefixes', 'destination_application_security_group_ids'];

const GCP_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([
  ['tcp', 'tcp'],
  ['6', 'tcp'],
  ['udp', 'udp'],
  ['17', 'udp'],
  ['sctp', 'sctp'],
  ['132', 'sctp'],
  ['all', 'any'],
]);
const GCP_PORTLESS: ReadonlySet<string> = new Set(['icmp', 'esp', 'ah', 'ipip']);

const AZURE_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map<string, Protocol>([
  ['tcp', 'tcp'],
  ['udp', 'udp'],
  ['*', 'any'],
  ['asterisk', 'any'],
]);
const AZURE_PORTLESS: ReadonlySet<string> = new Set(['icmp', 'esp', 'ah']);

/** An IP protocol number (0-255). */
function isProtocolNumber(value: string): boolean {
  return /^\d{1,3}$/.test(value) && Number(value) <= 255;
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.start === b.start && a.end === b.end;
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------

const AWS_GROUPS: ReadonlySet<string> = new Set(['aws_security_group', 'aws_default_security_group']);

const RULE_RESOURCES: ReadonlyMap<string, Provider> = new Map<string, Provider>([
  ['aws_security_group', 'aws'],
  ['aws_default_security_group', 'aws'],
  ['aws_security_group_rule', 'aws'],
  ['aws_vpc_security_group_ingress_rule', 'aws'],
  ['aws_vpc_security_group_egress_rule', 'aws'],
  ['google_compute_firewall', 'gcp'],
  ['azurerm_network_security_group', 'azure'],
  ['azurerm_network_security_rule', 'azure'],
]);

/** The provider of a resource block that holds firewall rules; `undefined` for any other block. */
function ruleProvider(block: HclBlock): Provider | undefined {
  const [typeLabel, nameLabel] = block.labels;
  const provider = block.type === 'resource' && typeLabel ? RULE_RESOURCES.get(typeLabel.value) : undefined;
  return nameLabel ? provider : undefined;
}

function scanResource(scan: TerraformScan, block: HclBlock): void {
  const provider = ruleProvider(block);
  if (!provider) {
    return;
  }
  const [typeLabel, nameLabel] = block.labels;
  const type = typeLabel.value;
  const fields = bodyFields(block.body);
  const resource: ResourceContext = { scope: `${type}.${nameLabel.value}`, flags: [`provider=${provider}`], environment: NO_ITERATORS };
  const collection = fields.get('for_each');
  if (!collection) {
    scanRuleResource(scan, type, fields, resource);
    return;
  }
  // A resource with for_each is one resource per element, `each` bound to it.
  for (const binding of scan.bindings(collection, NO_ITERATORS)) {
    scanRuleResource(scan, type, fields, { ...resource, environment: new Map([['each', binding]]) });
  }
}

function scanRuleResource(scan: TerraformScan, type: string, fields: Fields, resource: ResourceContext): void {
  if (AWS_GROUPS.has(type)) {
    for (const chain of ['ingress', 'egress'] as const) {
      scan.eachBlock(fields, chain, resource, (ruleFields, element) => scan.awsRule(ruleFields, chain, element, false));
    }
  } else if (type === 'aws_security_group_rule') {
    const ruleType = scan.stringOf(fields.get('type'), resource.environment)?.trim().toLowerCase();
    if (ruleType === 'ingress' || ruleType === 'egress') {
      scan.awsRule(fields, ruleType, resource, false);
    }
  } else if (type === 'aws_vpc_security_group_ingress_rule' || type === 'aws_vpc_security_group_egress_rule') {
    scan.awsRule(fields, type === 'aws_vpc_security_group_ingress_rule' ? 'ingress' : 'egress', resource, true);
  } else if (type === 'google_compute_firewall') {
    scan.gcpFirewall(fields, resource);
  } else if (type === 'azurerm_network_security_rule') {
    scan.azureRule(fields, resource);
  } else if (type === 'azurerm_network_security_group') {
    scan.eachBlock(fields, 'security_rule', resource, (ruleFields, element) => scan.azureRule(ruleFields, element));
  }
}

// ---------------------------------------------------------------------------------------------
// Variables for the workspace model
// ---------------------------------------------------------------------------------------------

/** A default as the workspace model keeps it: a number, a string, or a list of them. */
function variableValue(expression: HclExpression | undefined): TerraformVariable['value'] {
  if (expression?.kind === 'number') {
    return expression.value;
  }
  if (expression?.kind === 'string') {
    return expression.value;
  }
  if (expression?.kind === 'tuple') {
    const values: (number | string)[] = [];
    for (const item of expression.items) {
      const value = item.kind === 'number' || item.kind === 'string' ? item.value : undefined;
      if (value === undefined) {
        return undefined;
      }
      values.push(value);
    }
    return values;
  }
  return undefined;
}

/** A `variable` block: its literal default, pointing at the default (or at the name when there is none). */
function terraformVariable(block: HclBlock): TerraformVariable | undefined {
  const label = block.labels[0];
  if (block.type !== 'variable' || !label) {
    return undefined;
  }
  const fallback = attribute(block.body, 'default');
  const value = variableValue(fallback);
  const range = fallback ? (fallback.kind === 'string' ? fallback.contentRange : fallback.range) : label.range;
  return { name: label.value, ...(value !== undefined ? { value } : {}), range };
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

function byPosition<T extends { readonly range: SourceRange }>(items: T[]): T[] {
  return items.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}

/**
 * Reads the top-level blocks as the parser hands them on, so that a big file's tree is not kept
 * whole, which would outgrow the young generation and make the garbage collector copy it again and
 * again. Declarations are kept; a rule resource is scanned at once when everything it could read
 * is declared already, and otherwise waits, with every resource after it, to be scanned at the
 * end: resources are scanned in file order, each seeing what it would see after the whole file.
 */
class TopLevelReader {
  readonly variables: TerraformVariable[] = [];
  private readonly waiting: HclBlock[] = [];
  /** What scanning threw, to be thrown again once the parser is done. */
  private failure: { readonly error: unknown } | undefined;

  constructor(
    private readonly scan: TerraformScan,
    private readonly declarations: Declarations,
  ) {}

  /** Takes every block the scan reads, or has no use for, out of the parser's tree. */
  readonly take = (block: HclBlock): boolean => {
    if (this.failure) {
      return false;
    }
    try {
      if (block.type === 'variable' || block.type === 'locals') {
        this.declarations.declare(block);
        const variable = terraformVariable(block);
        if (variable) {
          this.variables.push(variable);
        }
      } else if (ruleProvider(block)) {
        if (this.waiting.length === 0 && this.declarations.settles(block)) {
          scanResource(this.scan, block);
        } else {
          this.waiting.push(block);
        }
      }
    } catch (error) {
      this.failure = { error };
      return false;
    }
    return true;
  };

  /** Scans the resources still waiting, in file order, now that every declaration is known. */
  finish(): TerraformScan {
    if (this.failure) {
      throw this.failure.error;
    }
    for (const block of this.waiting) {
      scanResource(this.scan, block);
    }
    return this.scan;
  }
}

/** Security-group and firewall rules in a Terraform file (AWS, Google Cloud, Azure). */
export function scanTerraform(text: string, _options?: ScanOptions): ScanResult {
  try {
    const declarations = new Declarations(text);
    const reader = new TopLevelReader(new TerraformScan(text, declarations), declarations);
    const { problems, complete } = parseHclTakingBlocks(text, reader.take);
    // A text that could not be read at all has no blocks, whatever was handed on before that was found.
    const scan = complete ? reader.finish() : new TerraformScan(text, new Declarations(text));
    const variables = complete ? reader.variables : [];
    const result = { format: 'terraform' as const, references: byPosition(scan.references), problems: byPosition([...problems, ...scan.problems]) };
    if (variables.length === 0 && scan.variablePorts.length === 0) {
      return result;
    }
    return { ...result, wiring: { terraform: { variables, variablePorts: scan.variablePorts } } };
  } catch (error) {
    return {
      format: 'terraform',
      references: [],
      problems: [problem({ start: 0, end: Math.min(text.length, 1) }, 'parse-error', `Could not read this Terraform file: ${failureReason(error)}`)],
    };
  }
}
