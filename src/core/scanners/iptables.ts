/**
 * Scanner for iptables and ip6tables rules, in both forms they are written:
 * - shell scripts that run `iptables …` (also `sudo`, full paths, `iptables-legacy`/`-nft`,
 *   `$IPT …` where `IPT=iptables` was assigned earlier, and `iptables-restore <<EOF` here-documents);
 * - `iptables-save` output read by `iptables-restore` (`*filter`, `:INPUT ACCEPT [0:0]`, `-A …`, `COMMIT`).
 * Both are split with the shared shell lexer; a line starting with `-A` can only be restore syntax.
 */
import type { FirewallAction, FirewallRuleInfo, Mutable, PortReference, Protocol, Scanner, ScanOptions, ScanProblem, SourceRange } from '../types';
import type { FirewallBlock, HostFirewallFacts } from '../wiring/facts';
import { ETC_SERVICES } from './namedServices';
import { firewallInfoFor, hostFirewallFacts, parsePort, problem } from './portSyntax';
import type { InputPolicy } from './portSyntax';
import type { ShellCommand, ShellWord } from './shellWords';
import { forEachShellCommand, isVariableName, wholeWordVariable, wordSpan, wordTextSpan } from './shellWords';

/** The command names that take iptables rule syntax. */
const IPTABLES_COMMANDS: ReadonlyMap<string, Family> = new Map([
  ['iptables', 'ipv4'],
  ['iptables-legacy', 'ipv4'],
  ['iptables-nft', 'ipv4'],
  ['ip6tables', 'ipv6'],
  ['ip6tables-legacy', 'ipv6'],
  ['ip6tables-nft', 'ipv6'],
]);

/** The commands that read `iptables-save` syntax, here from a here-document. */
const RESTORE_COMMANDS: ReadonlyMap<string, Family> = new Map([
  ['iptables-restore', 'ipv4'],
  ['iptables-legacy-restore', 'ipv4'],
  ['iptables-nft-restore', 'ipv4'],
  ['ip6tables-restore', 'ipv6'],
  ['ip6tables-legacy-restore', 'ipv6'],
  ['ip6tables-nft-restore', 'ipv6'],
]);

type Family = 'ipv4' | 'ipv6';

/** Words that may stand before the command itself without changing which command runs. */
const COMMAND_PREFIXES: ReadonlySet<string> = new Set(['then', 'do', 'else', '{', '!', 'time', 'if', 'elif', 'while', 'until', 'command', 'exec', 'nohup', 'env', 'doas']);

/** Builtins whose arguments are assignments (`export IPT=/sbin/iptables`), possibly after options. */
const DECLARATION_BUILTINS: ReadonlySet<string> = new Set(['export', 'readonly', 'local', 'declare', 'typeset']);

/** `sudo` options that take a value, so the value is not mistaken for the command. */
const SUDO_OPTIONS_WITH_VALUE: ReadonlySet<string> = new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '--user', '--group', '--host', '--prompt']);

/** Transport protocols whose matches know `--dport`/`--sport`, with the numbers `-p` also accepts. */
const PORT_PROTOCOLS: ReadonlyMap<string, string> = new Map([
  ['tcp', 'tcp'],
  ['6', 'tcp'],
  ['udp', 'udp'],
  ['17', 'udp'],
  ['sctp', 'sctp'],
  ['132', 'sctp'],
  ['dccp', 'dccp'],
  ['33', 'dccp'],
  ['udplite', 'udplite'],
  ['136', 'udplite'],
]);

/** multiport holds at most this many ports; a range takes two slots. */
const MULTIPORT_LIMIT = 15;

const SAVE_COUNTERS = /^\[\d+:\d+\]$/;
const DIGITS = /^\d+$/;
const OPTIONAL_DIGITS = /^\d*$/;
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9._+-]*$/;
const IP6_FILE_NAME = /ip6tables|rules\.v6|\.ip6tables$/i;

/** Cheap content sniff for shell scripts: an iptables command word or restore-file table header. */
const IPTABLES_COMMAND_WORD = /(?:^|[\s;&|(`"'=/])ip6?tables(?:-legacy|-nft)?(?:-restore)?(?=[\s;&|)`"']|$)/m;
const RESTORE_TABLE_LINE = /^\*(?:filter|nat|mangle|raw|security)[ \t]*\r?$/m;

/** `true` when a shell script (or unnamed text) holds iptables commands or iptables-save output. */
export function looksLikeIptables(text: string): boolean {
  return IPTABLES_COMMAND_WORD.test(text) || RESTORE_TABLE_LINE.test(text);
}

export const scanIptables: Scanner = (text, options) => {
  const references: PortReference[] = [];
  const problems: ScanProblem[] = [];
  const scan = new IptablesScan(text, options, references, problems);
  try {
    scan.run();
  } catch (error) {
    problems.push(problem({ start: 0, end: 0 }, 'parse-error', `Could not read the rules: ${error instanceof Error ? error.message : String(error)}`));
  }
  references.sort((a, b) => a.range.start - b.range.start);
  problems.sort((a, b) => a.range.start - b.range.start);
  const firewall = scan.firewallFacts();
  return firewall ? { format: 'iptables', references, problems, wiring: { firewall: [firewall] } } : { format: 'iptables', references, problems };
};

/** Shell variables seen so far: their values, and which of them name an iptables command. */
interface Variables {
  readonly values: Map<string, ShellWord>;
  readonly commands: Map<string, Family>;
}

/** Where a rule came from: its default table and family, and how far its text is shifted in the file. */
interface RuleContext {
  readonly family: Family | undefined;
  readonly table: string;
  /** Offset of the lexed text inside the scanned file (non-zero inside a here-document). */
  readonly base: number;
  /** Where the command starts in the lexed text: the `iptables` word, or a save line's first word. */
  readonly commandStart: number;
}

/** A chain policy, as `-P INPUT DROP` or a save file's `:INPUT DROP [0:0]` sets it. */
class IptablesScan {
  private readonly variables: Variables = { values: new Map(), commands: new Map() };
  /** Ports that INPUT rules drop or reject, for the workspace graph. */
  private readonly blocks: FirewallBlock[] = [];
  /** The last INPUT policy of the filter table, per family: a later policy replaces an earlier one. */
  private readonly inputPolicies = new Map<Family | undefined, InputPolicy>();

  constructor(
    private readonly text: string,
    private readonly options: ScanOptions | undefined,
    private readonly references: PortReference[],
    private readonly problems: ScanProblem[],
  ) {}

  run(): void {
    const fileFamily = this.options?.fileName && IP6_FILE_NAME.test(this.options.fileName) ? 'ipv6' : undefined;
    this.scanChunk(this.text, 0, fileFamily);
  }

  /** Scans `chunk`, which starts at offset `base` of the file: the whole file or a here-document body. */
  private scanChunk(chunk: string, base: number, restoreFamily: Family | undefined): void {
    const restore = new RestoreFileState();
    // One command at a time, so a big ruleset's words never all live at once.
    forEachShellCommand(chunk, (command) => {
      this.reportUnterminated(command, base);
      const { words } = command;
      if (isRestoreLine(command)) {
        this.restoreLine(words, base, restore, restoreFamily);
        return;
      }
      const start = this.skipPrefixes(words);
      const head = words[start];
      if (!head) {
        return;
      }
      const family = this.iptablesFamily(head);
      if (family) {
        this.rule(words.slice(start + 1), { family, table: 'filter', base, commandStart: head.start });
        return;
      }
      // `iptables-restore <<EOF` feeds rules in save syntax; so does `cat > rules.v4 <<EOF` write them.
      const heredocFamily = RESTORE_COMMANDS.get(basename(head.text));
      for (const heredoc of command.heredocs) {
        const body = chunk.slice(heredoc.body.start, heredoc.body.end);
        if (heredocFamily || RESTORE_TABLE_LINE.test(body)) {
          this.scanChunk(body, base + heredoc.body.start, heredocFamily);
        }
      }
    });
    restore.finish(this.problems);
  }

  private reportUnterminated(command: ShellCommand, base: number): void {
    for (const word of command.words) {
      if (word.unterminated) {
        this.problems.push(problem(shift({ start: word.start, end: word.end }, base), 'parse-error', 'Unterminated quote or substitution: the rest of the script is read as one word'));
      }
    }
  }

  /** Records `NAME=value` assignments and skips `sudo`, `env` and shell keywords before the command word. */
  private skipPrefixes(words: readonly ShellWord[]): number {
    let index = 0;
    while (index < words.length) {
      const word = words[index];
      const assignment = parseAssignment(word);
      if (assignment) {
        this.assign(assignment.name, assignment.value);
        index++;
      } else if (COMMAND_PREFIXES.has(word.text)) {
        index++;
      } else if (DECLARATION_BUILTINS.has(word.text)) {
        index++;
        while (index < words.length && words[index].text.startsWith('-')) {
          index++;
        }
      } else if (basename(word.text) === 'sudo') {
        index++;
        while (index < words.length && words[index].text.startsWith('-')) {
          index += SUDO_OPTIONS_WITH_VALUE.has(words[index].text) ? 2 : 1;
        }
      } else {
        break;
      }
    }
    return index;
  }

  private assign(name: string, value: ShellWord): void {
    this.variables.values.set(name, value);
    const family = commandFamilyInValue(value.text);
    if (family) {
      this.variables.commands.set(name, family);
    } else {
      this.variables.commands.delete(name);
    }
  }

  /** The family of an iptables command word: a name, a path to one, or a variable holding one. */
  private iptablesFamily(head: ShellWord): Family | undefined {
    const variable = wholeWordVariable(head.text);
    if (variable) {
      return this.variables.commands.get(variable);
    }
    return IPTABLES_COMMANDS.get(basename(head.text));
  }

  /** One line of `iptables-save` output. */
  private restoreLine(words: readonly ShellWord[], base: number, restore: RestoreFileState, family: Family | undefined): void {
    const first = words[0];
    if (first.text.startsWith('*')) {
      restore.openTable(first.text.slice(1), shift({ start: first.start, end: first.end }, base), this.problems);
    } else if (first.text === 'COMMIT') {
      restore.commit();
    } else if (first.text.startsWith('-') || SAVE_COUNTERS.test(first.text)) {
      const ruleWords = SAVE_COUNTERS.test(first.text) ? words.slice(1) : words;
      this.rule(ruleWords, { family, table: restore.table, base, commandStart: first.start });
    } else if (first.text === ':INPUT' && restore.table === 'filter' && words.length > 1) {
      this.inputPolicy(family, words[1].text, shift({ start: first.start, end: words[1].end }, base));
    }
  }

  /** Reads one rule's options and emits a reference for every port it matches or rewrites to. */
  private rule(words: readonly ShellWord[], context: RuleContext): void {
    const rule = readRule(words, this.variables);
    if (!rule.command || !RULE_COMMANDS.has(rule.command.name)) {
      if (rule.command?.name === 'policy' && rule.command.chain === 'INPUT' && rule.target !== undefined && (rule.table ?? context.table) === 'filter') {
        this.inputPolicy(context.family, rule.target, shift({ start: context.commandStart, end: words[words.length - 1].end }, context.base));
      }
      return;
    }
    const table = rule.table ?? context.table;
    const flags = [tableFlag(table)];
    if (context.family === 'ipv6') {
      flags.push('ipv6');
    }
    if (rule.command.name === 'delete') {
      flags.push('delete');
    }
    const info = actionOf(rule.target) as Mutable<FirewallRuleInfo>;
    info.source = rule.source;
    if (rule.command.chain) {
      info.chain = rule.command.chain;
    }
    const emitter = new RuleEmitter(this, context.base, rule, info, flags);
    // Compared first: most rules are not INPUT drops, and they pay nothing more.
    const blocking = (rule.target === 'DROP' || rule.target === 'REJECT') && info.chain === 'INPUT';
    const before = this.references.length;
    for (const option of rule.portOptions) {
      emitter.emit(option);
    }
    if (blocking && table === 'filter' && rule.source === null && (rule.command.name === 'append' || rule.command.name === 'insert')) {
      this.collectBlocks(before, shift({ start: context.commandStart, end: words[words.length - 1].end }, context.base));
    }
  }

  /** Blocks from the references an INPUT drop rule added: destination ports only, not negated. */
  private collectBlocks(from: number, ruleRange: SourceRange): void {
    let text: string | undefined;
    for (let k = from; k < this.references.length; k++) {
      const { firewall, port, endPort, protocol, range, flags } = this.references[k];
      // Without a transport protocol iptables refuses a port match, so the rule never loads.
      if (!firewall || firewall.sourcePort || firewall.negated || port === null || endPort === null || protocol === 'any' || flags?.includes('nat-target')) {
        continue;
      }
      text ??= this.text.slice(ruleRange.start, ruleRange.end);
      this.blocks.push({ port, endPort, protocol, range, text });
    }
  }

  /** Built-in chains take only ACCEPT or DROP as policy; iptables refuses anything else and keeps the old one. */
  private inputPolicy(family: Family | undefined, policy: string, range: SourceRange): void {
    if (policy === 'DROP' || policy === 'ACCEPT') {
      this.inputPolicies.set(family, { drop: policy === 'DROP', range });
    }
  }

  /** The wiring facts of the whole file; `undefined` when it blocks nothing. */
  firewallFacts(): HostFirewallFacts | undefined {
    return hostFirewallFacts('iptables', this.blocks, this.inputPolicies.values(), (policy) => this.text.slice(policy.range.start, policy.range.end));
  }


  addReference(reference: PortReference): void {
    this.references.push(reference);
  }

  addProblem(found: ScanProblem): void {
    this.problems.push(found);
  }
}

const TABLE_FLAGS = new Map<string, string>();

/** `table=filter` and the like, made once per table name rather than once per rule. */
function tableFlag(table: string): string {
  let flag = TABLE_FLAGS.get(table);
  if (flag === undefined) {
    flag = `table=${table}`;
    if (TABLE_FLAGS.size < 64) {
      TABLE_FLAGS.set(table, flag);
    }
  }
  return flag;
}

/** Tracks `*table` … `COMMIT` sections so a section that is never committed is reported. */
class RestoreFileState {
  table = 'filter';
  private open: { readonly name: string; readonly range: SourceRange } | undefined;

  openTable(name: string, range: SourceRange, problems: ScanProblem[]): void {
    this.reportUncommitted(problems);
    this.table = name;
    this.open = { name, range };
  }

  commit(): void {
    this.open = undefined;
  }

  finish(problems: ScanProblem[]): void {
    this.reportUncommitted(problems);
  }

  private reportUncommitted(problems: ScanProblem[]): void {
    if (this.open) {
      problems.push(problem(this.open.range, 'parse-error', `Table "${this.open.name}" has no COMMIT line, so iptables-restore rejects it ("COMMIT expected")`));
      this.open = undefined;
    }
  }
}

/**
 * A line of save syntax: a `*table` header alone on its line (so a shell `case` pattern like `*foo)`
 * is not one), `COMMIT`, a `:CHAIN` policy line, or a rule starting with its command option.
 */
function isRestoreLine(command: ShellCommand): boolean {
  const first = command.words[0]?.text ?? '';
  if (TABLE_HEADER.test(first)) {
    return command.words.length === 1 && (command.separator === '\n' || command.separator === '');
  }
  return first === 'COMMIT' || CHAIN_LINE.test(first) || SAVE_COUNTERS.test(first) || SHORT_COMMAND_OPTION.test(first) || RESTORE_LONG_COMMANDS.has(first);
}

const TABLE_HEADER = /^\*[a-z]+$/;
const CHAIN_LINE = /^:[^\s]/;
const SHORT_COMMAND_OPTION = /^-[AIRDN]$/;
const RESTORE_LONG_COMMANDS: ReadonlySet<string> = new Set(['--append', '--insert', '--replace', '--delete', '--new-chain']);

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

function shift(range: SourceRange, base: number): SourceRange {
  return base === 0 ? range : { start: range.start + base, end: range.end + base };
}

function parseAssignment(word: ShellWord): { name: string; value: ShellWord } | undefined {
  const equals = word.text.indexOf('=');
  if (equals <= 0 || !isVariableName(word.text.slice(0, equals))) {
    return undefined;
  }
  const valueSpan = wordSpan(word, equals + 1);
  const value: ShellWord = {
    text: word.text.slice(equals + 1),
    start: valueSpan.start,
    end: word.end,
    quoted: word.quoted,
    hasExpansion: word.hasExpansion,
    unterminated: word.unterminated,
    ...(word.offsets ? { offsets: word.offsets.slice(equals + 1) } : {}),
  };
  return { name: word.text.slice(0, equals), value };
}

/** `$(which iptables)`, `` `command -v ip6tables` `` and the like. */
const COMMAND_LOOKUP = /^(?:\$\(|`)\s*(?:which|command\s+-v|type\s+-p)\s+([^\s)`]+)\s*(?:\)|`)$/;

/** The family of an iptables command named in a variable's value: `iptables`, `/sbin/ip6tables`, `$(which iptables)`. */
function commandFamilyInValue(value: string): Family | undefined {
  const direct = IPTABLES_COMMANDS.get(basename(value.trim()));
  if (direct) {
    return direct;
  }
  const substitution = COMMAND_LOOKUP.exec(value.trim());
  return substitution ? IPTABLES_COMMANDS.get(basename(substitution[1])) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Reading one rule's options
// ---------------------------------------------------------------------------------------------

type RuleCommandName = 'append' | 'insert' | 'replace' | 'delete' | 'check' | 'policy' | 'other';

/** The commands whose rule specification matches packets (and so can mention ports). */
const RULE_COMMANDS: ReadonlySet<RuleCommandName> = new Set(['append', 'insert', 'replace', 'delete']);

const COMMAND_OPTIONS: ReadonlyMap<string, RuleCommandName> = new Map([
  ['-A', 'append'],
  ['--append', 'append'],
  ['-I', 'insert'],
  ['--insert', 'insert'],
  ['-R', 'replace'],
  ['--replace', 'replace'],
  ['-D', 'delete'],
  ['--delete', 'delete'],
  ['-C', 'check'],
  ['--check', 'check'],
  ['-N', 'other'],
  ['--new-chain', 'other'],
  ['-P', 'policy'],
  ['--policy', 'policy'],
  ['-E', 'other'],
  ['--rename-chain', 'other'],
  ['-F', 'other'],
  ['--flush', 'other'],
  ['-X', 'other'],
  ['--delete-chain', 'other'],
  ['-Z', 'other'],
  ['--zero', 'other'],
  ['-L', 'other'],
  ['--list', 'other'],
  ['-S', 'other'],
  ['--list-rules', 'other'],
]);

type PortOptionKind = 'dport' | 'sport' | 'dports' | 'sports' | 'ports' | 'to-destination' | 'to-source' | 'to-ports';

const PORT_OPTIONS: ReadonlyMap<string, PortOptionKind> = new Map([
  ['--dport', 'dport'],
  ['--destination-port', 'dport'],
  ['--sport', 'sport'],
  ['--source-port', 'sport'],
  ['--dports', 'dports'],
  ['--destination-ports', 'dports'],
  ['--sports', 'sports'],
  ['--source-ports', 'sports'],
  ['--ports', 'ports'],
  ['--to-destination', 'to-destination'],
  ['--to-source', 'to-source'],
  ['--to-ports', 'to-ports'],
  ['--to-port', 'to-ports'],
]);

/** Options that take no value, so the next word is not swallowed as one. */
const FLAG_OPTIONS: ReadonlySet<string> = new Set(['-4', '-6', '-v', '--verbose', '-n', '--numeric', '-x', '--exact', '--line-numbers', '-f', '--fragment', '--syn']);

interface PortOption {
  readonly kind: PortOptionKind;
  readonly option: ShellWord;
  readonly value: ShellWord;
  readonly negated: boolean;
}

interface ProtocolOption {
  readonly name: string;
  readonly negated: boolean;
}

interface ParsedRule {
  command?: { readonly name: RuleCommandName; readonly chain?: string };
  table?: string;
  protocol?: ProtocolOption;
  readonly matches: Set<string>;
  source: string | null;
  target?: string;
  readonly portOptions: PortOption[];
  readonly variables: Variables;
}

/** Collects the options of one rule; their order does not matter to iptables, so neither does it here. */
function readRule(words: readonly ShellWord[], variables: Variables): ParsedRule {
  const rule: ParsedRule = { matches: new Set(), source: null, portOptions: [], variables };
  let negateNext = false;
  let index = 0;
  /** The value after an option, honouring the old `--dport ! 22` placement of `!`. */
  const takeValue = (): { word: ShellWord; negated: boolean } | undefined => {
    let negated = false;
    if (words[index]?.text === '!' && words[index + 1]) {
      negated = true;
      index++;
    }
    const word = words[index];
    if (!word) {
      return undefined;
    }
    index++;
    return { word, negated };
  };
  while (index < words.length) {
    const word = words[index++];
    // Most words carry no `=value`; only those pay for splitting.
    const split = word.text.startsWith('--') && word.text.includes('=') ? splitLongOption(word) : undefined;
    const name = split ? split[0] : word.text;
    const inlineValue = split?.[1];
    if (word.text === '!') {
      negateNext = true;
      continue;
    }
    const negated = negateNext;
    negateNext = false;
    const commandName = COMMAND_OPTIONS.get(name);
    if (commandName) {
      const chain = words[index] && !words[index].text.startsWith('-') ? words[index++].text : undefined;
      // `-I CHAIN 3`, `-R CHAIN 3` and `-D CHAIN 3` carry a rule number after the chain.
      if (words[index] && DIGITS.test(words[index].text) && commandName !== 'append') {
        index++;
      }
      rule.command = { name: commandName, ...(chain ? { chain } : {}) };
      // `-P CHAIN TARGET`: the policy is a bare word after the chain.
      if (commandName === 'policy' && chain && words[index] && !words[index].text.startsWith('-')) {
        rule.target = words[index++].text;
      }
      continue;
    }
    const portKind = PORT_OPTIONS.get(name);
    if (portKind) {
      const value = inlineValue ?? takeValue();
      if (value) {
        rule.portOptions.push({ kind: portKind, option: word, value: value.word, negated: negated || value.negated });
      }
      continue;
    }
    if (FLAG_OPTIONS.has(name)) {
      continue;
    }
    if (name === '-t' || name === '--table' || name === '-m' || name === '--match' || name === '-j' || name === '--jump' || name === '-g' || name === '--goto') {
      const value = inlineValue ?? takeValue();
      if (!value) {
        continue;
      }
      if (name === '-t' || name === '--table') {
        rule.table = value.word.text;
      } else if (name === '-m' || name === '--match') {
        rule.matches.add(value.word.text.toLowerCase());
      } else {
        rule.target = value.word.text;
      }
      continue;
    }
    if (name === '-p' || name === '--protocol') {
      const value = inlineValue ?? takeValue();
      if (value) {
        rule.protocol = { name: value.word.text.toLowerCase(), negated: negated || value.negated };
      }
      continue;
    }
    if (name === '-s' || name === '--source' || name === '--src' || name === '--src-range') {
      const value = inlineValue ?? takeValue();
      if (value) {
        rule.source = sourceText(value.word.text, negated || value.negated);
      }
      continue;
    }
    if (name.startsWith('-') && !inlineValue) {
      // Any other option: its values are the words up to the next option.
      while (index < words.length && !words[index].text.startsWith('-') && words[index].text !== '!') {
        index++;
      }
    }
  }
  return rule;
}

/** Splits `--dport=22` into the option and a value word; short options and bare words pass through. */
function splitLongOption(word: ShellWord): [string, { word: ShellWord; negated: boolean } | undefined] {
  if (!word.text.startsWith('--')) {
    return [word.text, undefined];
  }
  const equals = word.text.indexOf('=');
  if (equals < 0) {
    return [word.text, undefined];
  }
  const valueSpan = wordSpan(word, equals + 1);
  const value: ShellWord = {
    text: word.text.slice(equals + 1),
    start: valueSpan.start,
    end: word.end,
    quoted: word.quoted,
    hasExpansion: word.hasExpansion,
    unterminated: word.unterminated,
    ...(word.offsets ? { offsets: word.offsets.slice(equals + 1) } : {}),
  };
  return [word.text.slice(0, equals), { word: value, negated: false }];
}

/** A rule's source as written; `null` for "anywhere". */
function sourceText(address: string, negated: boolean): string | null {
  if (!negated && (address === '0.0.0.0/0' || address === '::/0' || address === '0/0' || address === '0.0.0.0/0.0.0.0')) {
    return null;
  }
  return negated ? `!${address}` : address;
}

/** A fresh object each call: the caller adds the rule's other fields to it. */
function actionOf(target: string | undefined): Pick<FirewallRuleInfo, 'action' | 'target'> {
  if (target === undefined) {
    return { action: 'other' };
  }
  const action: FirewallAction = target === 'ACCEPT' ? 'allow' : target === 'DROP' ? 'deny' : target === 'REJECT' ? 'reject' : 'jump';
  return { action, target };
}

// ---------------------------------------------------------------------------------------------
// Turning port options into references
// ---------------------------------------------------------------------------------------------

/** A port or range read from text, with where its digits are. */
interface ParsedPorts {
  readonly port: number | null;
  readonly endPort: number | null;
  /** Offsets of the digits inside the value text; absent for names and variables. */
  readonly digits?: { readonly from: number; readonly to: number };
  readonly unknownName?: string;
}

type PortParseResult = { readonly ok: true; readonly value: ParsedPorts } | { readonly ok: false; readonly code: string; readonly message: string };

class RuleEmitter {
  private readonly protocol: Protocol;
  private readonly protocolFlags: string[] = [];
  private ruleFlags: readonly string[] | undefined;

  constructor(
    private readonly scan: IptablesScan,
    private readonly base: number,
    private readonly rule: ParsedRule,
    private readonly info: FirewallRuleInfo,
    private readonly flags: readonly string[],
  ) {
    const fromProtocol = rule.protocol && !rule.protocol.negated ? PORT_PROTOCOLS.get(rule.protocol.name) : undefined;
    let fromMatch: string | undefined;
    for (const match of rule.matches) {
      if (PORT_PROTOCOLS.has(match)) {
        fromMatch = match;
        break;
      }
    }
    const transport = fromProtocol ?? fromMatch;
    if (transport === 'udplite') {
      this.protocolFlags.push('udplite');
    }
    this.protocol = transport === undefined ? 'any' : transport === 'udplite' ? 'udp' : (transport as Protocol);
  }

  emit(option: PortOption): void {
    if (!isNatKind(option.kind)) {
      this.checkProtocol(option);
    }
    const resolved = this.resolveVariable(option.value);
    if (resolved === null) {
      return;
    }
    switch (option.kind) {
      case 'dport':
      case 'sport':
        this.single(option, resolved);
        break;
      case 'dports':
      case 'sports':
      case 'ports':
        this.multiport(option, resolved);
        break;
      default:
        this.natTarget(option, resolved);
    }
  }

  /** Reports a port option that iptables (or the kernel) refuses for want of a port-carrying protocol. */
  private checkProtocol(option: PortOption): void {
    const protocol = this.rule.protocol;
    const protocolOk = protocol !== undefined && !protocol.negated && PORT_PROTOCOLS.has(protocol.name);
    if (protocolOk) {
      return;
    }
    const optionName = option.option.text.split('=')[0];
    let message: string;
    if (option.kind === 'dports' || option.kind === 'sports' || option.kind === 'ports') {
      message = protocol?.negated
        ? 'multiport only works with a positive -p tcp, udp, udplite, sctp or dccp, not a negated one'
        : 'multiport needs `-p tcp`, `-p udp`, `-p udplite`, `-p sctp` or `-p dccp`';
    } else if (option.kind === 'dport' || option.kind === 'sport') {
      message = protocol?.negated
        ? `${optionName} needs a positive -p tcp, udp, sctp or dccp; with "! -p" the port match is refused`
        : [...this.rule.matches].some((match) => PORT_PROTOCOLS.has(match))
          ? `${optionName} needs -p matching its -m module; without it the kernel refuses the rule`
          : `${optionName} without -p tcp, udp, sctp or dccp: iptables says unknown option "${optionName}"`;
    } else {
      message = `${optionName} with a port needs -p tcp, udp, sctp or dccp`;
    }
    this.scan.addProblem(problem(this.span(option.option, 0, optionName.length), 'port-without-protocol', message));
  }

  /**
   * The text to parse: the word itself, or the value of a whole-word `$VAR` assigned earlier. `null`
   * when the value is unknown; a reference without a port has then been emitted already.
   */
  private resolveVariable(word: ShellWord): { text: string; fromVariable: boolean } | null {
    if (!word.hasExpansion) {
      return { text: word.text, fromVariable: false };
    }
    const name = wholeWordVariable(word.text);
    const value = name ? this.rule.variables.values.get(name) : undefined;
    if (value && !value.hasExpansion) {
      return { text: value.text, fromVariable: true };
    }
    const range = this.textSpan(word);
    this.scan.addReference(this.reference(range, undefined, { port: null, endPort: null }, { rawText: word.text }));
    this.scan.addProblem(problem(range, 'unresolved-variable', `${word.text} is not assigned a plain value earlier in this script, so its port is unknown`, 'info'));
    return null;
  }

  private single(option: PortOption, value: { text: string; fromVariable: boolean }): void {
    const parsed = parseIptablesPort(value.text);
    const range = this.textSpan(option.value);
    if (!parsed.ok) {
      this.scan.addProblem(problem(range, parsed.code, parsed.message));
      return;
    }
    this.emitParsed(option, value, parsed.value, range, 0);
  }

  private multiport(option: PortOption, value: { text: string; fromVariable: boolean }): void {
    const wholeRange = this.textSpan(option.value);
    const elements = value.text.split(',');
    let slots = 0;
    let offset = 0;
    const good: { parsed: ParsedPorts; from: number; to: number }[] = [];
    for (const element of elements) {
      const from = offset;
      const to = offset + element.length;
      offset = to + 1;
      const elementRange = value.fromVariable ? wholeRange : this.span(option.value, from, to);
      slots += element.includes(':') ? 2 : 1;
      const parsed = parseMultiportElement(element);
      if (!parsed.ok) {
        this.scan.addProblem(problem(elementRange, parsed.code, parsed.message));
        continue;
      }
      good.push({ parsed: parsed.value, from, to });
    }
    if (slots > MULTIPORT_LIMIT) {
      this.scan.addProblem(
        problem(wholeRange, 'multiport-too-many', `too many ports specified: multiport takes at most ${MULTIPORT_LIMIT} ports and this list needs ${slots} (a range counts as two)`),
      );
    }
    for (const { parsed, from, to } of good) {
      const elementRange = value.fromVariable ? wholeRange : this.span(option.value, from, to);
      this.emitParsed(option, value, parsed, elementRange, from);
    }
  }

  /** `--to-destination [addr][:port[-port]]`, `--to-source …`, `--to-ports port[-port]`. */
  private natTarget(option: PortOption, value: { text: string; fromVariable: boolean }): void {
    const wholeRange = this.textSpan(option.value);
    const target = option.kind === 'to-ports' ? { address: undefined, portText: value.text, portOffset: 0 } : splitNatAddress(value.text);
    if (target.portText === undefined) {
      return;
    }
    this.checkProtocol(option);
    const parsed = parseNatPorts(target.portText);
    if (!parsed.ok) {
      this.scan.addProblem(problem(wholeRange, parsed.code, parsed.message));
      return;
    }
    const digits = value.fromVariable || !parsed.value.digits ? undefined : this.span(option.value, target.portOffset + parsed.value.digits.from, target.portOffset + parsed.value.digits.to);
    this.scan.addReference(
      this.reference(wholeRange, digits, parsed.value, {
        ...(target.address ? { hostIp: target.address } : {}),
        ...(value.fromVariable ? { rawText: option.value.text } : {}),
        extraFlags: ['nat-target'],
      }),
    );
  }

  private emitParsed(option: PortOption, value: { text: string; fromVariable: boolean }, parsed: ParsedPorts, range: SourceRange, elementOffset: number): void {
    const digits = value.fromVariable || !parsed.digits ? undefined : this.span(option.value, elementOffset + parsed.digits.from, elementOffset + parsed.digits.to);
    const extra: Mutable<ReferenceExtras> = { sourcePort: option.kind === 'sport' || option.kind === 'sports', negated: option.negated };
    if (value.fromVariable || parsed.unknownName) {
      extra.rawText = value.fromVariable ? option.value.text : value.text;
    }
    if (option.kind === 'ports') {
      extra.extraFlags = EITHER_DIRECTION_FLAGS;
    }
    this.scan.addReference(this.reference(range, digits, parsed, extra));
    if (parsed.unknownName) {
      this.scan.addProblem(problem(range, 'unknown-service', `"${parsed.unknownName}" is not a service name Port Lens knows; iptables looks it up in /etc/services`, 'info'));
    }
  }

  /**
   * Built property by property: V8 makes `{ ...shared, more }` and conditional spreads slow, and a
   * big ruleset has a hundred thousand references.
   */
  private reference(range: SourceRange, portRange: SourceRange | undefined, ports: Pick<ParsedPorts, 'port' | 'endPort'>, extra: ReferenceExtras = {}): PortReference {
    // References of one rule share its flags and rule details unless their own differ.
    const flags = extra.extraFlags ? this.flags.concat(this.protocolFlags, extra.extraFlags) : (this.ruleFlags ??= this.flags.concat(this.protocolFlags));
    const info = this.info;
    const firewall = firewallInfoFor(info, undefined, extra.sourcePort, extra.negated);
    const reference = { role: 'firewall', range } as Mutable<PortReference>;
    if (portRange) {
      reference.portRange = portRange;
    }
    reference.protocol = this.protocol;
    reference.port = ports.port;
    reference.endPort = ports.endPort;
    if (extra.hostIp) {
      reference.hostIp = extra.hostIp;
    }
    if (info.chain) {
      reference.scope = info.chain;
    }
    if (extra.rawText !== undefined) {
      reference.rawText = extra.rawText;
    }
    reference.flags = flags;
    reference.firewall = firewall;
    return reference;
  }

  private span(word: ShellWord, from: number, to: number): SourceRange {
    return shift(wordSpan(word, from, to), this.base);
  }

  private textSpan(word: ShellWord): SourceRange {
    return shift(wordTextSpan(word), this.base);
  }
}

function isNatKind(kind: PortOptionKind): boolean {
  return kind === 'to-destination' || kind === 'to-source' || kind === 'to-ports';
}

const EITHER_DIRECTION_FLAGS: readonly string[] = ['either-direction'];

interface ReferenceExtras {
  readonly rawText?: string;
  readonly hostIp?: string;
  readonly sourcePort?: boolean;
  readonly negated?: boolean;
  readonly extraFlags?: readonly string[];
}

/** One side of a tcp/udp port spec: a number 0-65535 or a service name. */
function parsePortOrName(text: string): PortParseResult {
  if (DIGITS.test(text)) {
    const parsed = parsePort(text, true);
    if (!parsed.ok) {
      return { ok: false, code: 'port-out-of-range', message: `invalid port/service \`${text}' specified: ports run from 0 to 65535` };
    }
    return { ok: true, value: { port: parsed.value, endPort: parsed.value, digits: { from: 0, to: text.length } } };
  }
  if (SERVICE_NAME.test(text)) {
    const known = ETC_SERVICES.get(text);
    if (known) {
      return { ok: true, value: { port: known.port, endPort: known.port } };
    }
    return { ok: true, value: { port: null, endPort: null, unknownName: text } };
  }
  return { ok: false, code: 'invalid-port', message: `invalid port/service \`${text}' specified${text.includes('-') ? ': iptables writes a port range as first:last' : ''}` };
}

/**
 * `--dport`/`--sport`: `port`, `first:last`, `:last` (from 0) or `first:` (to 65535). iptables refuses a
 * range whose first port is above its last, despite older manuals saying it swaps them.
 */
export function parseIptablesPort(text: string): PortParseResult {
  const colon = text.indexOf(':');
  if (colon < 0) {
    return parsePortOrName(text);
  }
  const firstText = text.slice(0, colon);
  const lastText = text.slice(colon + 1);
  const first = firstText === '' ? ({ ok: true, value: { port: 0, endPort: 0 } } as const) : parsePortOrName(firstText);
  if (!first.ok) {
    return first;
  }
  const last = lastText === '' ? ({ ok: true, value: { port: 65535, endPort: 65535 } } as const) : parsePortOrName(lastText);
  if (!last.ok) {
    return last;
  }
  const unknownName = first.value.unknownName ?? last.value.unknownName;
  if (unknownName !== undefined) {
    return { ok: true, value: { port: null, endPort: null, unknownName } };
  }
  const start = first.value.port ?? 0;
  const end = last.value.port ?? 0;
  if (start > end) {
    return { ok: false, code: 'reversed-range', message: `invalid portrange (min > max): ${start} is above ${end}` };
  }
  const digitsFrom = firstText === '' ? colon + 1 : 0;
  const digitsTo = lastText === '' ? colon : text.length;
  const numeric = OPTIONAL_DIGITS.test(firstText) && OPTIONAL_DIGITS.test(lastText) && firstText.length + lastText.length > 0;
  return { ok: true, value: { port: start, endPort: end, ...(numeric ? { digits: { from: digitsFrom, to: digitsTo } } : {}) } };
}

/** One multiport element: `port` or `first:last` with first strictly below last; no open-ended ranges. */
function parseMultiportElement(element: string): PortParseResult {
  const colon = element.indexOf(':');
  if (element === '' || colon === 0 || colon === element.length - 1) {
    return { ok: false, code: 'invalid-port', message: `invalid port/service \`${element}' specified: multiport needs a port or first:last in every list item` };
  }
  if (colon < 0) {
    return parsePortOrName(element);
  }
  const parsed = parseIptablesPort(element);
  if (parsed.ok && parsed.value.port !== null && parsed.value.port === parsed.value.endPort) {
    return { ok: false, code: 'reversed-range', message: `invalid portrange specified: multiport needs the first port below the last` };
  }
  if (!parsed.ok && parsed.code === 'reversed-range') {
    return { ok: false, code: 'reversed-range', message: 'invalid portrange specified: the first port is above the last' };
  }
  return parsed;
}

/** NAT targets write ports 1-65535 as `port` or `first-last`. */
function parseNatPorts(text: string): PortParseResult {
  const dash = text.indexOf('-');
  const firstText = dash < 0 ? text : text.slice(0, dash);
  const lastText = dash < 0 ? text : text.slice(dash + 1);
  const first = parsePort(firstText);
  const last = parsePort(lastText);
  if (!first.ok || !last.ok) {
    const outOfRange = (!first.ok && first.code === 'port-out-of-range') || (!last.ok && last.code === 'port-out-of-range');
    return { ok: false, code: outOfRange ? 'port-out-of-range' : 'invalid-port', message: `Port "${text}" is not valid for a NAT target (1-65535, or first-last)` };
  }
  if (first.value > last.value) {
    return { ok: false, code: 'reversed-range', message: `Port range "${text}" is invalid: ${first.value} is above ${last.value}` };
  }
  return { ok: true, value: { port: first.value, endPort: last.value, digits: { from: 0, to: text.length } } };
}

/** Splits a NAT address `10.0.0.1:8080`, `10.0.0.1-10.0.0.9:80-90`, `[fd00::1]:8080`, `:8080`. */
function splitNatAddress(text: string): { address: string | undefined; portText: string | undefined; portOffset: number } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) {
      return { address: text, portText: undefined, portOffset: 0 };
    }
    const address = text.slice(1, close);
    return text[close + 1] === ':' ? { address, portText: text.slice(close + 2), portOffset: close + 2 } : { address, portText: undefined, portOffset: 0 };
  }
  const colon = text.indexOf(':');
  // An unbracketed IPv6 address has several colons and no port.
  if (colon < 0 || text.indexOf(':', colon + 1) >= 0) {
    return { address: text || undefined, portText: undefined, portOffset: 0 };
  }
  const address = text.slice(0, colon);
  return { address: address || undefined, portText: text.slice(colon + 1), portOffset: colon + 1 };
}
