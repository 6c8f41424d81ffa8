/**
 * Scanner for iptables and ip6tables rules, in both forms they are written:
 * - shell scripts that run `iptables …` (also `sudo`, full paths, `iptables-legacy`/`-nft`,
 *   `$IPT …` where `IPT=iptables` was assigned earlier, and `iptables-restore <<EOF` here-documents);
 * - `iptables-save` output read by `iptables-restore` (`*filter`, `:INPUT ACCEPT [0:0]`, `-A …`, `COMMIT`).
 * Both are split with the shared shell lexer; a line starting with `-A` can only be restore syntax.
 */
import type { FirewallAction, FirewallRuleInfo, Mutable, PortReference, Protocol, Scanner, ScanOptions, ScanProblem, SourceRange } from '../types';
import { lookupServiceName, serviceNamePorts } from '../ports/serviceNames';
import type { FirewallBlock, HostFirewallFacts } from '../wiring/facts';
import { firewallInfoFor, hostFirewallFacts, problem } from './portSyntax';
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

/** multiport holds at most this many ports; a range takes two slots. */
const MULTIPORT_LIMIT = 15;

const SAVE_COUNTERS = /^\[\d+:\d+\]$/;
const DIGITS = /^\d+$/;
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
    const problemsBefore = this.problems.length;
    for (const found of rule.problems) {
      const range = found.length === undefined ? wordTextSpan(found.word) : wordSpan(found.word, 0, found.length);
      this.problems.push(problem(shift(range, context.base), found.code, found.message));
    }
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
    const emitter = new RuleEmitter(this, context.base, rule, info, flags, context.family);
    // Compared first: most rules are not INPUT drops, and they pay nothing more.
    const blocking = (rule.target === 'DROP' || rule.target === 'REJECT') && info.chain === 'INPUT';
    const before = this.references.length;
    for (const option of rule.portOptions) {
      emitter.emit(option);
    }
    // A rule iptables refuses never loads, so it blocks nothing.
    const refused = this.problems.length > problemsBefore && this.problems.slice(problemsBefore).some((found) => found.severity === 'error');
    if (blocking && !refused && table === 'filter' && rule.source === null && (rule.command.name === 'append' || rule.command.name === 'insert')) {
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

/** iptables's command options, by their long names. */
const COMMAND_NAMES: ReadonlyMap<string, RuleCommandName> = new Map([
  ['append', 'append'],
  ['insert', 'insert'],
  ['replace', 'replace'],
  ['delete', 'delete'],
  ['check', 'check'],
  ['policy', 'policy'],
  ['new-chain', 'other'],
  ['rename-chain', 'other'],
  ['flush', 'other'],
  ['delete-chain', 'other'],
  ['zero', 'other'],
  ['list', 'other'],
  ['list-rules', 'other'],
]);

/** How many words follow an option: getopt_long hands over a required value even when it starts with `-`. */
type ValueCount = 0 | 1 | 2;

/** An option as getopt_long matches it: by its whole name, or by a prefix only it starts with. */
interface OptionSpec {
  readonly name: string;
  /** Spellings of one option share an id (`dport`, `destination-port`), so getopt never calls them ambiguous. */
  readonly id: string;
  readonly values: ValueCount;
}

/** `{ 'dport|destination-port': 1 }` gives one spec per spelling, all with the first spelling as id. */
function optionTable(entries: Readonly<Record<string, ValueCount>>): readonly OptionSpec[] {
  const specs: OptionSpec[] = [];
  for (const [spellings, values] of Object.entries(entries)) {
    const names = spellings.split('|');
    for (const name of names) {
      specs.push({ name, id: names[0], values });
    }
  }
  return specs;
}

/** iptables's own long options. Those with an optional value take it only as `--name=value`. */
const MAIN_OPTIONS = optionTable({
  append: 1, delete: 1, check: 1, insert: 1, replace: 1, list: 0, 'list-rules': 0, flush: 0, zero: 0, 'new-chain': 1, 'delete-chain': 0, 'rename-chain': 1, policy: 1,
  'source|src': 1, 'destination|dst': 1, protocol: 1, 'in-interface': 1, 'out-interface': 1, jump: 1, goto: 1, table: 1, match: 1,
  numeric: 0, verbose: 0, wait: 0, 'wait-interval': 0, exact: 0, fragments: 0, version: 0, help: 0, 'line-numbers': 0, modprobe: 1, 'set-counters': 1, ipv4: 0, ipv6: 0,
});

/** Short options, by the long option each stands for. */
const SHORT_OPTIONS: ReadonlyMap<string, string> = new Map(
  (
    'A append,C check,D delete,R replace,I insert,L list,S list-rules,F flush,Z zero,N new-chain,X delete-chain,E rename-chain,P policy,V version,' +
    'h help,o out-interface,p protocol,s source,d destination,j jump,i in-interface,f fragments,v verbose,w wait,W wait-interval,n numeric,' +
    't table,m match,x exact,c set-counters,g goto,M modprobe,4 ipv4,6 ipv6'
  )
    .split(',')
    .map((entry) => [`-${entry[0]}`, entry.slice(2)] as const),
);

const MAIN_BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(MAIN_OPTIONS.map((spec) => [spec.name, spec]));

const TRANSPORT_PORT_OPTIONS = { 'sport|source-port': 1, 'dport|destination-port': 1 } as const;

/** Match extensions whose options Port Lens knows, so a misspelt option among them is caught. */
const KNOWN_MATCHES: ReadonlyMap<string, readonly OptionSpec[]> = new Map([
  ['tcp', optionTable({ ...TRANSPORT_PORT_OPTIONS, syn: 0, 'tcp-flags': 2, 'tcp-option': 1 })],
  ['udp', optionTable(TRANSPORT_PORT_OPTIONS)],
  ['sctp', optionTable({ ...TRANSPORT_PORT_OPTIONS, 'chunk-types': 2 })],
  ['dccp', optionTable({ ...TRANSPORT_PORT_OPTIONS, 'dccp-types': 1, 'dccp-option': 1 })],
  ['multiport', optionTable({ 'sports|source-ports': 1, 'dports|destination-ports': 1, ports: 1 })],
  ['icmp', optionTable({ 'icmp-type': 1 })],
  ['icmp6', optionTable({ 'icmpv6-type': 1 })],
  [
    'conntrack',
    optionTable({
      ...{ ctstate: 1, ctproto: 1, ctorigsrc: 1, ctorigdst: 1, ctreplsrc: 1, ctrepldst: 1, ctstatus: 1, ctexpire: 1, ctdir: 1 },
      ...{ ctorigsrcport: 1, ctorigdstport: 1, ctreplsrcport: 1, ctrepldstport: 1 },
    }),
  ],
  ['state', optionTable({ state: 1 })],
  ['comment', optionTable({ comment: 1 })],
  ['iprange', optionTable({ 'src-range': 1, 'dst-range': 1 })],
  ['limit', optionTable({ limit: 1, 'limit-burst': 1 })],
  ['mac', optionTable({ 'mac-source': 1 })],
  ['mark', optionTable({ mark: 1 })],
]);

/** Target extensions whose options Port Lens knows. */
const KNOWN_TARGETS: ReadonlyMap<string, readonly OptionSpec[]> = new Map([
  ['ACCEPT', []],
  ['DROP', []],
  ['RETURN', []],
  ['QUEUE', []],
  ['REJECT', optionTable({ 'reject-with': 1 })],
  ['LOG', optionTable({ 'log-level': 1, 'log-prefix': 1, 'log-tcp-sequence': 0, 'log-tcp-options': 0, 'log-ip-options': 0, 'log-uid': 0, 'log-macdecode': 0 })],
  ['DNAT', optionTable({ 'to-destination': 1, random: 0, persistent: 0 })],
  ['SNAT', optionTable({ 'to-source': 1, random: 0, 'random-fully': 0, persistent: 0 })],
  ['REDIRECT', optionTable({ 'to-ports': 1, random: 0 })],
  ['MASQUERADE', optionTable({ 'to-ports': 1, random: 0, 'random-fully': 0 })],
]);

/** The other match extensions iptables ships: their options are not checked. */
const OTHER_MATCHES: ReadonlySet<string> = new Set(
  (
    'addrtype bpf cgroup cluster connbytes connlabel connlimit connmark cpu devgroup dscp ecn esp hashlimit helper ipcomp ipvs length nfacct ' +
    'osf owner physdev pkttype policy quota rateest realm recent rpfilter set socket statistic string tcpmss time tos ttl u32 ' +
    'ah dst eui64 frag hbh hl ipv6header mh rt srh'
  ).split(' '),
);

/** The other target extensions iptables ships; any other `-j` name is a chain, which takes no options. */
const OTHER_TARGETS: ReadonlySet<string> = new Set(
  (
    'AUDIT CHECKSUM CLASSIFY CLUSTERIP CONNMARK CONNSECMARK CT DNPT DSCP ECN HL HMARK IDLETIMER LED MARK NETMAP NFLOG NFQUEUE NOTRACK ' +
    'RATEEST SECMARK SET SNPT SYNPROXY TCPMSS TCPOPTSTRIP TEE TOS TPROXY TRACE TTL ULOG'
  ).split(' '),
);

/**
 * IP protocol names `-p` takes: Debian's /etc/protocols (names and aliases, lower case, as iptables
 * lower-cases the value first) and the names iptables knows itself.
 */
const PROTOCOL_NUMBERS: ReadonlyMap<string, number> = new Map(
  (
    'ip 0,hopopt 0,icmp 1,igmp 2,ggp 3,ipencap 4,ip-encap 4,st 5,tcp 6,egp 8,igp 9,pup 12,udp 17,hmp 20,xns-idp 22,rdp 27,iso-tp4 29,dccp 33,' +
    'xtp 36,ddp 37,idpr-cmtp 38,ipv6 41,ipv6-route 43,ipv6-frag 44,idrp 45,rsvp 46,gre 47,esp 50,ipsec-esp 50,ah 51,ipsec-ah 51,skip 57,' +
    'ipv6-icmp 58,icmpv6 58,ipv6-nonxt 59,ipv6-opts 60,rspf 73,cphb 73,vmtp 81,eigrp 88,ospf 89,ospfigp 89,ax.25 93,ipip 94,etherip 97,' +
    'encap 98,pim 103,ipcomp 108,vrrp 112,l2tp 115,isis 124,sctp 132,fc 133,mobility-header 135,ipv6-mh 135,mh 135,udplite 136,' +
    'mpls-in-ip 137,manet 138,hip 139,shim6 140,wesp 141,rohc 142,ethernet 143,all 0'
  )
    .split(',')
    .map((entry) => {
      const [name, number] = entry.split(' ');
      return [name, Number(number)] as const;
    }),
);

/** The match iptables loads for a numeric `-p`, as its own protocol table names the number. */
const PROTOCOL_MATCH_NAMES: ReadonlyMap<number, string> = new Map([
  [6, 'tcp'],
  [132, 'sctp'],
  [17, 'udp'],
  [136, 'udplite'],
  [1, 'icmp'],
  [58, 'icmp6'],
  [50, 'esp'],
  [51, 'ah'],
  [135, 'mh'],
  [0, 'all'],
]);

/** The protocols with ports, by number: what a port option's owner or multiport reads names for. */
const PORT_PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [6, 'tcp'],
  [17, 'udp'],
  [136, 'udplite'],
  [132, 'sctp'],
  [33, 'dccp'],
]);

/** NAT targets take a port only under these protocols (ICMP's port is its query id). */
const NAT_PORT_PROTOCOLS: ReadonlySet<number> = new Set([6, 17, 132, 33, 1]);

type PortOptionKind = 'dport' | 'sport' | 'dports' | 'sports' | 'ports' | 'to-destination' | 'to-source' | 'to-ports';

/** The options that carry ports, by the extension that owns them: the option id is the kind. */
const PORT_OPTION_IDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ...['tcp', 'udp', 'sctp', 'dccp'].map((name) => [name, new Set(['dport', 'sport'])] as const),
  ['multiport', new Set(['dports', 'sports', 'ports'])],
  ['DNAT', new Set(['to-destination'])],
  ['SNAT', new Set(['to-source'])],
  ['REDIRECT', new Set(['to-ports'])],
  ['MASQUERADE', new Set(['to-ports'])],
]);

/** Port options spelled out in full: kept as port references even where iptables would not take them. */
const PORT_OPTION_SPELLINGS: ReadonlyMap<string, PortOptionKind> = new Map([
  ['dport', 'dport'],
  ['destination-port', 'dport'],
  ['sport', 'sport'],
  ['source-port', 'sport'],
  ['dports', 'dports'],
  ['destination-ports', 'dports'],
  ['sports', 'sports'],
  ['source-ports', 'sports'],
  ['ports', 'ports'],
]);

const TRANSPORT_MATCHES: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp', 'dccp']);

/** A match or target extension loaded for one rule, in the order iptables loads them. */
interface LoadedExtension {
  readonly name: string;
  /** `undefined` for an extension Port Lens does not list: its options are not checked. */
  readonly options: readonly OptionSpec[] | undefined;
  /** Loaded by `-m`/`-j`, rather than by `-p` for the first option only the protocol's match knows. */
  readonly explicit: boolean;
  /** Option ids given so far: each may appear once per extension. */
  readonly given: Set<string>;
}

/** Distinct extensions one rule may load before Port Lens stops checking its options. */
const MAX_EXTENSIONS = 32;

/** Misspelt options that get a "did you mean" hint; the search for one is not free. */
const MAX_HINTS = 4;

interface ProtocolOption {
  /** Lower-cased, as iptables reads it. */
  readonly name: string;
  /** The IP protocol number; `undefined` when the value is unknown or an unresolved variable. */
  readonly number: number | undefined;
  readonly negated: boolean;
  /** Held in a variable Port Lens cannot resolve: any protocol, any match. */
  readonly unresolved: boolean;
}

interface PortOption {
  readonly kind: PortOptionKind;
  readonly option: ShellWord;
  /** The option name as written, without its dashes or `=value`. */
  readonly name: string;
  readonly value: ShellWord;
  readonly negated: boolean;
  /** The extension that took the option; `undefined` when none would, so iptables refuses it. */
  readonly owner: LoadedExtension | undefined;
  /** The `-p` in force when iptables read the option: multiport and the NAT targets check it then. */
  readonly protocol: ProtocolOption | undefined;
}

/** A problem found while reading a rule, on a word (or its first `length` characters). */
interface RuleProblem {
  readonly word: ShellWord;
  readonly length?: number;
  readonly code: string;
  readonly message: string;
}

interface ParsedRule {
  command?: { readonly name: RuleCommandName; readonly chain?: string };
  table?: string;
  protocol?: ProtocolOption;
  source: string | null;
  target?: string;
  readonly portOptions: PortOption[];
  readonly variables: Variables;
  readonly problems: RuleProblem[];
}

/** Where getopt_long found an option: one of iptables's own, or one of a loaded extension's. */
type Resolved = { readonly spec: OptionSpec; readonly owner: LoadedExtension | undefined };

/** Collects one rule's options in order, as iptables's getopt loop meets them. */
function readRule(words: readonly ShellWord[], variables: Variables): ParsedRule {
  return new RuleReader(words, variables).read();
}

class RuleReader {
  private readonly rule: ParsedRule;
  /** Loaded extensions, oldest first. */
  private readonly extensions: LoadedExtension[] = [];
  /**
   * The newest copy of each extension, in the order each was first loaded. getopt sees each one's
   * options once, the last merged first; an extension loaded again adds none, and iptables hands
   * them to its newest copy, marking the older ones complete.
   */
  private readonly owners: LoadedExtension[] = [];
  private readonly ownerIndex = new Map<string, number>();
  private protocolMatchLoaded = false;
  private index = 0;
  /** Some word is an expansion that may hold options, so unknown options are not reported. */
  private opaque = false;
  private readonly unknownOptions: { word: ShellWord; name: string }[] = [];
  private readonly givenMain = new Set<string>();

  constructor(
    private readonly words: readonly ShellWord[],
    variables: Variables,
  ) {
    this.rule = { source: null, portOptions: [], variables, problems: [] };
  }

  read(): ParsedRule {
    let negation: ShellWord | undefined;
    while (this.index < this.words.length) {
      const word = this.words[this.index++];
      if (word.text === '!') {
        negation = word;
        continue;
      }
      const negated = negation !== undefined;
      negation = undefined;
      this.option(word, negated);
    }
    this.finish();
    return this.rule;
  }

  private option(word: ShellWord, negated: boolean): void {
    const text = word.text;
    if (!text.startsWith('-') || text === '-') {
      // A stray argument; one hidden in an expansion may be options.
      this.opaque ||= word.hasExpansion;
      return;
    }
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      const name = text.slice(2, equals < 0 ? undefined : equals);
      if (/[$`]/.test(name)) {
        this.opaque = true;
        return;
      }
      const inline = equals < 0 ? undefined : splitLongOption(word, equals);
      this.longOption(word, name, inline, negated);
      return;
    }
    const long = SHORT_OPTIONS.get(text);
    if (long) {
      this.mainOption(word, MAIN_BY_NAME.get(long) as OptionSpec, undefined, negated);
      return;
    }
    if (word.hasExpansion) {
      this.opaque = true;
    }
    // An unknown short option or one with its value attached (`-ptcp`): its values are the words up to the next option.
    this.skipValues();
  }

  private longOption(word: ShellWord, name: string, inline: ShellWord | undefined, negated: boolean): void {
    const resolved = this.resolve(name);
    if (resolved && resolved.owner === undefined) {
      this.mainOption(word, resolved.spec, inline, negated);
      return;
    }
    if (resolved) {
      this.extensionOption(word, name, resolved.spec, resolved.owner as LoadedExtension, inline, negated);
      return;
    }
    // Nothing loaded takes it, and no extension whose options are unknown might.
    const kind = PORT_OPTION_SPELLINGS.get(name);
    if (kind) {
      const value = inline ?? this.takeValue();
      if (value) {
        this.rule.portOptions.push({ kind, option: word, name, value, negated, owner: undefined, protocol: this.rule.protocol });
      }
      return;
    }
    this.unknownOptions.push({ word, name });
    if (!inline) {
      this.skipValues();
    }
  }

  /**
   * getopt_long's lookup: a whole name first (iptables's own options, then the newest extension's),
   * else a prefix that only one option starts with. When that fails iptables loads the match named by
   * `-p` once and asks again; an extension with options Port Lens does not know takes whatever is left.
   */
  private resolve(name: string): Resolved | undefined {
    for (let attempt = 0; attempt < 2; attempt++) {
      const found = this.lookUp(name);
      if (found) {
        return found;
      }
      if (attempt === 0 && !this.loadProtocolMatch()) {
        break;
      }
    }
    for (let k = this.owners.length - 1; k >= 0; k--) {
      if (this.owners[k].options === undefined) {
        return { spec: { name, id: name, values: 1 }, owner: this.owners[k] };
      }
    }
    return undefined;
  }

  private lookUp(name: string): Resolved | undefined {
    const main = MAIN_BY_NAME.get(name);
    if (main) {
      return { spec: main, owner: undefined };
    }
    const owners = this.owners;
    for (let k = owners.length - 1; k >= 0; k--) {
      const spec = owners[k].options?.find((option) => option.name === name);
      if (spec) {
        return { spec, owner: owners[k] };
      }
    }
    if (name === '') {
      return undefined;
    }
    let found: Resolved | undefined;
    const consider = (spec: OptionSpec, owner: LoadedExtension | undefined): boolean => {
      if (!spec.name.startsWith(name)) {
        return true;
      }
      if (found && (found.owner !== owner || found.spec.id !== spec.id)) {
        return false;
      }
      found ??= { spec, owner };
      return true;
    };
    for (const spec of MAIN_OPTIONS) {
      if (!consider(spec, undefined)) {
        return undefined;
      }
    }
    for (let k = owners.length - 1; k >= 0; k--) {
      for (const spec of owners[k].options ?? []) {
        if (!consider(spec, owners[k])) {
          return undefined;
        }
      }
    }
    return found;
  }

  private load(extension: LoadedExtension): void {
    this.extensions.push(extension);
    const at = this.ownerIndex.get(extension.name);
    if (at !== undefined) {
      this.owners[at] = extension;
    } else if (this.owners.length < MAX_EXTENSIONS) {
      this.ownerIndex.set(extension.name, this.owners.length);
      this.owners.push(extension);
    } else {
      // No real rule loads this many; stop checking rather than slow down.
      this.opaque = true;
    }
  }

  /** Loads the match `-p` names, as iptables does for the first option nothing else takes. */
  private loadProtocolMatch(): boolean {
    const protocol = this.rule.protocol;
    if (!protocol || this.protocolMatchLoaded) {
      return false;
    }
    this.protocolMatchLoaded = true;
    if (protocol.unresolved) {
      // A variable: whatever it holds, its match's options are not known here.
      this.load({ name: protocol.name, options: undefined, explicit: false, given: new Set() });
      return true;
    }
    const name = protocolMatchName(protocol);
    const options = KNOWN_MATCHES.get(name);
    if (options || OTHER_MATCHES.has(name)) {
      this.load({ name, options, explicit: false, given: new Set() });
      return true;
    }
    return false;
  }

  private mainOption(word: ShellWord, spec: OptionSpec, inline: ShellWord | undefined, negated: boolean): void {
    const command = COMMAND_NAMES.get(spec.id);
    if (command) {
      this.command(command, inline);
      return;
    }
    const value = spec.values === 0 ? undefined : (inline ?? this.takeValue());
    if (spec.values !== 0 && !value) {
      return;
    }
    switch (spec.id) {
      case 'table':
        this.rule.table = (value as ShellWord).text;
        break;
      case 'protocol':
        this.protocol(word, value as ShellWord, negated);
        break;
      case 'source': {
        // `-s ! address`, the old placement of `!`, which iptables 1.8 no longer takes; read as meant.
        const old = (value as ShellWord).text === '!' ? this.takeValue() : undefined;
        this.rule.source = sourceText((old ?? (value as ShellWord)).text, negated || old !== undefined);
        break;
      }
      case 'match':
        this.loadMatch(value as ShellWord);
        break;
      case 'jump':
      case 'goto':
        this.target(value as ShellWord, spec.id === 'jump');
        break;
      default:
        break;
    }
  }

  private command(name: RuleCommandName, inline: ShellWord | undefined): void {
    const chainWord = inline ?? this.takeValue();
    const chain = chainWord?.text;
    // `-I CHAIN 3`, `-R CHAIN 3` and `-D CHAIN 3` may carry a rule number after the chain.
    const next = this.words[this.index];
    if ((name === 'insert' || name === 'replace' || name === 'delete') && next && !next.text.startsWith('-') && next.text !== '!') {
      this.index++;
      if (!next.hasExpansion && readWholeNumber(next.text, 1, 0x7fffffff) === undefined) {
        this.problem(next, 'invalid-rule-number', `Invalid rule number \`${next.text}': iptables numbers rules from 1`);
      }
    }
    this.rule.command = { name, ...(chain ? { chain } : {}) };
    // `-P CHAIN TARGET`: the policy is a bare word after the chain.
    const policy = this.words[this.index];
    if (name === 'policy' && chain && policy && !policy.text.startsWith('-')) {
      this.rule.target = policy.text;
      this.index++;
    }
  }

  private protocol(word: ShellWord, value: ShellWord, negated: boolean): void {
    if (this.givenMain.has('protocol')) {
      this.problem(word, 'repeated-option', 'multiple -p flags not allowed: a rule names one protocol');
      return;
    }
    this.givenMain.add('protocol');
    const text = resolvedText(value, this.rule.variables);
    if (text === undefined) {
      this.opaque = true;
      this.rule.protocol = { name: value.text, number: undefined, negated, unresolved: true };
      return;
    }
    const name = text.toLowerCase();
    const number = readWholeNumber(name, 0, 255) ?? PROTOCOL_NUMBERS.get(name);
    if (number === undefined) {
      this.problem(value, 'unknown-protocol', `unknown protocol "${name}" specified: not a protocol number or a name in /etc/protocols`);
    } else if (number === 0 && negated) {
      this.problem(value, 'unknown-protocol', `"! -p ${name}" would never match: every packet has some protocol`);
    }
    this.rule.protocol = { name, number, negated, unresolved: false };
  }

  private loadMatch(value: ShellWord): void {
    const name = value.text;
    if (value.hasExpansion) {
      this.opaque = true;
      this.load({ name, options: undefined, explicit: true, given: new Set() });
      return;
    }
    const options = KNOWN_MATCHES.get(name);
    if (!options && !OTHER_MATCHES.has(name)) {
      this.problem(value, 'unknown-match', `Couldn't load match \`${name}': iptables has no such match extension`);
    }
    this.load({ name, options, explicit: true, given: new Set() });
  }

  private target(value: ShellWord, jump: boolean): void {
    const name = value.text;
    this.rule.target = name;
    if (!jump) {
      return;
    }
    if (value.hasExpansion) {
      this.opaque = true;
      this.load({ name, options: undefined, explicit: true, given: new Set() });
      return;
    }
    const options = KNOWN_TARGETS.get(name);
    if (options || OTHER_TARGETS.has(name)) {
      this.load({ name, options, explicit: true, given: new Set() });
    }
    // Any other name is a chain, which takes no options.
  }

  private extensionOption(word: ShellWord, name: string, spec: OptionSpec, owner: LoadedExtension, inline: ShellWord | undefined, negated: boolean): void {
    if (owner.options === undefined) {
      // An extension Port Lens does not list: a port option spelled out in full is still a port.
      const kind = PORT_OPTION_SPELLINGS.get(name);
      const value = kind ? (inline ?? this.takeValue()) : undefined;
      if (kind && value) {
        this.rule.portOptions.push({ kind, option: word, name, value, negated, owner, protocol: this.rule.protocol });
      } else if (!inline) {
        this.skipValues();
      }
      return;
    }
    const value = spec.values === 0 ? undefined : (inline ?? this.takeValue());
    if (spec.values === 2) {
      this.takeValue();
    }
    this.checkRepeat(word, name, spec, owner);
    owner.given.add(spec.id);
    if (!value) {
      return;
    }
    if (owner.name === 'iprange' && spec.id === 'src-range') {
      this.rule.source = sourceText(value.text, negated);
    }
    if (PORT_OPTION_IDS.get(owner.name)?.has(spec.id)) {
      this.rule.portOptions.push({ kind: spec.id as PortOptionKind, option: word, name, value, negated, owner, protocol: this.rule.protocol });
    }
  }

  private checkRepeat(word: ShellWord, name: string, spec: OptionSpec, owner: LoadedExtension): void {
    const length = word.text.indexOf('=') < 0 ? word.text.length : word.text.indexOf('=');
    if (owner.given.has(spec.id)) {
      this.problem(word, 'repeated-option', `${owner.name}: option "--${name}" can only be used once per match; load the match again with -m ${owner.name} for another`, length);
    } else if (owner.name === 'multiport' && owner.given.size > 0) {
      this.problem(word, 'repeated-option', `multiport takes one of --dports, --sports and --ports; use a second -m multiport for "--${name}"`, length);
    }
  }

  /** The next word as an option's value: getopt_long takes it whatever it looks like. */
  private takeValue(): ShellWord | undefined {
    const word = this.words[this.index];
    if (word) {
      this.index++;
    }
    return word;
  }

  /** Skips the values of an option whose arity is unknown: the words up to the next option. */
  private skipValues(): void {
    while (this.index < this.words.length && !this.words[this.index].text.startsWith('-') && this.words[this.index].text !== '!') {
      this.opaque ||= this.words[this.index].hasExpansion;
      this.index++;
    }
  }

  private finish(): void {
    const checkable = !this.opaque && this.extensions.every((extension) => extension.options !== undefined);
    if (checkable) {
      this.unknownOptions.forEach(({ word, name }, index) => {
        const equals = word.text.indexOf('=');
        this.problem(word, 'unknown-option', unknownOptionMessage(name, index < MAX_HINTS ? this.owners : undefined, this.rule.protocol), equals < 0 ? undefined : equals);
      });
    }
    for (const extension of this.extensions) {
      if (extension.options === undefined || !extension.explicit) {
        continue;
      }
      if (extension.name === 'multiport' && extension.given.size === 0) {
        this.problemAtEnd('missing-option', 'multiport needs one of --dports, --sports or --ports');
      } else if (extension.name === 'DNAT' && !extension.given.has('to-destination')) {
        this.problemAtEnd('missing-option', 'DNAT needs --to-destination: the address (and port) to send packets to');
      } else if (extension.name === 'SNAT' && !extension.given.has('to-source')) {
        this.problemAtEnd('missing-option', 'SNAT needs --to-source: the address (and port) to rewrite the source to');
      }
    }
  }

  private problem(word: ShellWord, code: string, message: string, length?: number): void {
    this.rule.problems.push({ word, code, message, ...(length !== undefined ? { length } : {}) });
  }

  private problemAtEnd(code: string, message: string): void {
    const last = this.words[this.words.length - 1];
    if (last) {
      this.problem(last, code, message);
    }
  }
}

/** /etc/protocols's first name for each number, as getprotobynumber answers. */
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([...PROTOCOL_NUMBERS].reverse().map(([name, number]) => [number, name]));

/**
 * The match iptables loads for `-p`: a name as written; a number by its name in iptables's own
 * table, else in /etc/protocols (so `-p 33` loads dccp).
 */
function protocolMatchName(protocol: ProtocolOption): string {
  const byNumber = readWholeNumber(protocol.name, 0, 255) !== undefined;
  const number = protocol.number as number;
  const name = byNumber ? (PROTOCOL_MATCH_NAMES.get(number) ?? PROTOCOL_NAMES.get(number) ?? '') : protocol.name;
  // libxtables loads the IPv6 ICMP match under one name whichever spelling -p used.
  return name === 'icmpv6' || name === 'ipv6-icmp' ? 'icmp6' : name;
}

/**
 * Says why nothing takes an option, with the nearest spelling the rule's extensions know when
 * `extensions` are given.
 */
function unknownOptionMessage(name: string, extensions: readonly LoadedExtension[] | undefined, protocol: ProtocolOption | undefined): string {
  const message = `unknown option "--${name}": neither iptables nor the matches and target loaded before it know it, so iptables refuses the rule`;
  if (!extensions || name.length > 40) {
    return message;
  }
  const candidates = new Set<string>(['dport', 'sport', 'dports', 'sports', 'to-destination', 'to-source', 'to-ports']);
  for (const extension of extensions) {
    for (const spec of extension.options ?? []) {
      candidates.add(spec.name);
    }
  }
  for (const spec of (protocol ? KNOWN_MATCHES.get(protocolMatchName(protocol)) : undefined) ?? []) {
    candidates.add(spec.name);
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate, bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? `${message}; did you mean --${best}?` : message;
}

/** Levenshtein distance, cut off at `limit` (short option names only, so this stays cheap). */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) {
    return limit;
  }
  let previous = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** A word's text, or the plain value of the whole-word variable it names; `undefined` when unknown. */
function resolvedText(word: ShellWord, variables: Variables): string | undefined {
  if (!word.hasExpansion) {
    return word.text;
  }
  const name = wholeWordVariable(word.text);
  const value = name ? variables.values.get(name) : undefined;
  return value && !value.hasExpansion ? value.text : undefined;
}

/** Splits `--dport=22` at its `=` into a value word. */
function splitLongOption(word: ShellWord, equals: number): ShellWord {
  const valueSpan = wordSpan(word, equals + 1);
  return {
    text: word.text.slice(equals + 1),
    start: valueSpan.start,
    end: word.end,
    quoted: word.quoted,
    hasExpansion: word.hasExpansion,
    unterminated: word.unterminated,
    ...(word.offsets ? { offsets: word.offsets.slice(equals + 1) } : {}),
  };
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
// Numbers and service names, as libxtables and the C library read them
// ---------------------------------------------------------------------------------------------

const C_SPACE = /[ \t\n\v\f\r]/;

function digitValue(char: string | undefined): number {
  if (char === undefined) {
    return -1;
  }
  const code = char.charCodeAt(0);
  if (code >= 48 && code <= 57) {
    return code - 48;
  }
  const lower = code | 0x20;
  return lower >= 97 && lower <= 122 ? lower - 87 : -1;
}

/**
 * strtoumax(text, base 0), as libxtables reads numbers: leading blanks and `+`, then `0x` for hex,
 * a leading 0 for octal (so `022` is 18 and `08` no number), else decimal. A minus is refused.
 */
function readNumberPrefix(text: string): { value: number; end: number } | undefined {
  let index = 0;
  while (index < text.length && C_SPACE.test(text[index])) {
    index++;
  }
  if (text[index] === '-') {
    return undefined;
  }
  if (text[index] === '+') {
    index++;
  }
  let radix = 10;
  if (text[index] === '0') {
    const hex = (text[index + 1] === 'x' || text[index + 1] === 'X') && digitValue(text[index + 2]) >= 0 && digitValue(text[index + 2]) < 16;
    radix = hex ? 16 : 8;
    index += hex ? 2 : 0;
  }
  const digitsStart = index;
  let value = 0;
  while (index < text.length) {
    const digit = digitValue(text[index]);
    if (digit < 0 || digit >= radix) {
      break;
    }
    // Past 2^53 only "too big" matters.
    value = value > 2 ** 53 ? value : value * radix + digit;
    index++;
  }
  return index === digitsStart ? undefined : { value, end: index };
}

/** A whole word read as a number between `min` and `max`, as xtables_strtoui without an end pointer. */
function readWholeNumber(text: string, min: number, max: number): number | undefined {
  const read = readNumberPrefix(text);
  return read && read.end === text.length && read.value >= min && read.value <= max ? read.value : undefined;
}

const ULONG_MAX_DIGITS = '18446744073709551615';

/**
 * A numeric service as getaddrinfo reads it (the udp and dccp matches resolve ports through it):
 * strtoul in base 10, then kept as a C int and cut to 16 bits, so 70000 is port 4464 and leading
 * zeros are decimal. `undefined` when the text is no number; `wrapped` when the port differs from it.
 */
function addrinfoNumber(text: string): { port: number; wrapped: boolean } | 'name' {
  if (text === '') {
    return { port: 0, wrapped: false };
  }
  let index = 0;
  while (index < text.length && C_SPACE.test(text[index])) {
    index++;
  }
  const negative = text[index] === '-';
  if (text[index] === '+' || negative) {
    index++;
  }
  const digitsStart = index;
  while (index < text.length && digitValue(text[index]) >= 0 && digitValue(text[index]) < 10) {
    index++;
  }
  if (index === digitsStart || index !== text.length) {
    return 'name';
  }
  const digits = text.slice(digitsStart).replace(/^0+(?=.)/, '');
  const overflow = digits.length > ULONG_MAX_DIGITS.length || (digits.length === ULONG_MAX_DIGITS.length && digits > ULONG_MAX_DIGITS);
  // The low 32 bits of the unsigned long, which the C int keeps.
  let low = 0;
  for (const char of digits) {
    low = (low * 10 + digitValue(char)) % 2 ** 32;
  }
  if (overflow) {
    low = 2 ** 32 - 1;
  } else if (negative) {
    low = (2 ** 32 - low) % 2 ** 32;
  }
  if (low >= 2 ** 31) {
    return 'name';
  }
  const port = low % 65536;
  return { port, wrapped: negative || overflow || digits.length > 5 || Number(digits) !== port };
}

type PortProtocol = 'tcp' | 'udp' | 'sctp' | 'dccp';

/** What a service name means for iptables on a stock host, and what the IANA registry adds. */
interface NamedPort {
  readonly port: number;
  /** Only the IANA registry lists it: a stock /etc/services lacks it and iptables refuses the name. */
  readonly ianaOnly: boolean;
}

/** getservbyname for each protocol in turn: the first /etc/services entry, else the first IANA one. */
function namedPort(name: string, protocols: readonly PortProtocol[]): NamedPort | undefined {
  let iana: NamedPort | undefined;
  for (const protocol of protocols) {
    const entry = lookupServiceName(name, protocol);
    if (entry?.source === 'etc-services') {
      return { port: entry.port, ianaOnly: false };
    }
    iana ??= entry ? { port: entry.port, ianaOnly: true } : undefined;
  }
  return iana;
}

/** getservbyname(name, NULL), which the NAT targets use: the first /etc/services line for the name. */
function anyProtocolNamedPort(name: string): NamedPort | undefined {
  const first = serviceNamePorts(name)[0];
  return first ? { port: first.port, ianaOnly: first.source !== 'etc-services' } : undefined;
}

/** getaddrinfo tries these protocols in this order for a service name. */
const ADDRINFO_PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp', 'dccp', 'sctp'];

// ---------------------------------------------------------------------------------------------
// Turning port options into references
// ---------------------------------------------------------------------------------------------

/** A port or range read from text, with where its digits are. */
interface ParsedPorts {
  readonly port: number | null;
  readonly endPort: number | null;
  /** Offsets of the digits inside the value text; absent for names, variables and octal or hex numbers. */
  readonly digits?: { readonly from: number; readonly to: number };
  /** A name nothing resolves: iptables refuses it. */
  readonly unknownName?: string;
  /** A name only the IANA registry lists: resolved for hovers, but iptables on a stock host refuses it. */
  readonly ianaName?: string;
  /** A NAT range with a base (`8000-8010/100`), which shifts the ports it maps to. */
  readonly shifted?: boolean;
}

type PortParseResult = { readonly ok: true; readonly value: ParsedPorts } | { readonly ok: false; readonly code: string; readonly message: string };

/** Why a port the tool accepts is still reported: it does not mean what it says. */
interface PortWarning {
  readonly code: string;
  readonly message: string;
}

class RuleEmitter {
  private ruleFlags: readonly string[] | undefined;
  private udpliteFlags: readonly string[] | undefined;

  constructor(
    private readonly scan: IptablesScan,
    private readonly base: number,
    private readonly rule: ParsedRule,
    private readonly info: FirewallRuleInfo,
    private readonly flags: readonly string[],
    private readonly family: Family | undefined,
  ) {}

  emit(option: PortOption): void {
    const resolved = this.resolveVariable(option);
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

  /**
   * The text to parse: the word itself, or the value of a whole-word `$VAR` assigned earlier. `null`
   * when the value is unknown; a reference without a port has then been emitted already.
   */
  private resolveVariable(option: PortOption): { text: string; fromVariable: boolean } | null {
    const word = option.value;
    if (!word.hasExpansion) {
      return { text: word.text, fromVariable: false };
    }
    const text = resolvedText(word, this.rule.variables);
    if (text !== undefined) {
      return { text, fromVariable: true };
    }
    const range = this.textSpan(word);
    this.scan.addReference(this.reference(range, undefined, { port: null, endPort: null }, this.optionProtocol(option), { rawText: word.text }));
    this.scan.addProblem(problem(range, 'unresolved-variable', `${word.text} is not assigned a plain value earlier in this script, so its port is unknown`, 'info'));
    return null;
  }

  /** The protocol a port option's references carry. */
  private optionProtocol(option: PortOption): Protocol {
    if (option.owner && TRANSPORT_MATCHES.has(option.owner.name)) {
      // Under `! -p tcp` the implied tcp match's port is no TCP port.
      return !option.owner.explicit && this.rule.protocol?.negated ? 'any' : (option.owner.name as Protocol);
    }
    const protocol = option.kind === 'dport' || option.kind === 'sport' ? this.rule.protocol : option.protocol;
    if (!protocol || protocol.negated || protocol.number === undefined) {
      return 'any';
    }
    const name = PORT_PROTOCOL_NAMES.get(protocol.number);
    return name === undefined ? 'any' : name === 'udplite' ? 'udp' : (name as Protocol);
  }

  /** `--dport`/`--sport` of the tcp, udp, sctp or dccp match. */
  private single(option: PortOption, value: { text: string; fromVariable: boolean }): void {
    const owner = option.owner;
    const protocol = this.optionProtocol(option);
    // tcp and sctp read numbers as libxtables does; udp and dccp go through getaddrinfo.
    const parsed = owner && (owner.name === 'udp' || owner.name === 'dccp') ? parseAddrinfoPorts(value.text) : parseIptablesPortFor(value.text, owner && TRANSPORT_MATCHES.has(owner.name) ? (owner.name as PortProtocol) : 'tcp');
    this.checkTransportProtocol(option, parsed.ok && parsed.value.port === 0 && parsed.value.endPort === 65535);
    const range = this.textSpan(option.value);
    if (!parsed.ok) {
      this.scan.addProblem(problem(range, parsed.code, parsed.message));
      return;
    }
    if (parsed.warning) {
      this.scan.addProblem(problem(range, parsed.warning.code, parsed.warning.message));
      return;
    }
    this.emitParsed(option, value, parsed.value, range, 0, protocol);
  }

  /**
   * Reports a port option iptables (or the kernel) refuses for want of the right `-p`. iptables-nft
   * checks the tcp and udp matches' protocol only when they test something, not for 0:65535.
   */
  private checkTransportProtocol(option: PortOption, wholeRange: boolean): void {
    const owner = option.owner;
    const protocol = this.rule.protocol;
    const optionName = `--${option.name}`;
    let message: string | undefined;
    if (!owner) {
      message = this.missingOwnerMessage(option, optionName);
    } else if (!TRANSPORT_MATCHES.has(owner.name)) {
      return;
    } else if (owner.explicit) {
      const checkedByIptables = owner.name === 'tcp' || owner.name === 'udp';
      const needed = owner.name === 'tcp' ? 6 : owner.name === 'udp' ? 17 : owner.name === 'sctp' ? 132 : 33;
      const mismatch = protocol ? protocol.number !== undefined && protocol.number !== needed : true;
      if (mismatch && !(checkedByIptables && wholeRange)) {
        message = `-m ${owner.name} needs -p ${owner.name}; ${protocol ? `under -p ${protocol.name}` : 'without it'} ${checkedByIptables ? 'iptables refuses the rule' : 'the kernel refuses the rule'}`;
      }
    } else if (protocol?.negated) {
      message = `${optionName} needs a positive -p ${owner.name}: under "! -p ${protocol.name}" the port match is refused by the kernel, or never matches what it says`;
    }
    if (message) {
      this.scan.addProblem(problem(this.span(option.option, 0, optionName.length), 'port-without-protocol', message));
    }
  }

  private missingOwnerMessage(option: PortOption, optionName: string): string {
    const protocol = this.rule.protocol;
    const multiport = option.kind === 'dports' || option.kind === 'sports' || option.kind === 'ports';
    if (multiport) {
      return `${optionName} belongs to the multiport match: without -m multiport before it, iptables says unknown option "${optionName}"`;
    }
    if (protocol && !option.protocol) {
      return `${optionName} comes before -p ${protocol.name}: iptables reads options in order, so it does not know ${optionName} yet`;
    }
    if (protocol) {
      return protocol.number === 136
        ? `udplite has no ${optionName}: iptables says unknown option "${optionName}"; use -m multiport --dports for udplite ports`
        : `-p ${protocol.name} has no ports: iptables says unknown option "${optionName}"; ports need -p tcp, udp, sctp or dccp`;
    }
    return `${optionName} without -p tcp, udp, sctp or dccp before it: iptables says unknown option "${optionName}"`;
  }

  private multiport(option: PortOption, value: { text: string; fromVariable: boolean }): void {
    const wholeRange = this.textSpan(option.value);
    const protocol = option.protocol;
    const protocolName = protocol?.number === undefined ? undefined : PORT_PROTOCOL_NAMES.get(protocol.number);
    const optionName = `--${option.name}`;
    if (!option.owner) {
      this.scan.addProblem(problem(this.span(option.option, 0, optionName.length), 'port-without-protocol', this.missingOwnerMessage(option, optionName)));
    } else if (option.owner.options !== undefined) {
      if (!protocol) {
        this.scan.addProblem(problem(this.span(option.option, 0, optionName.length), 'port-without-protocol', 'multiport needs `-p tcp`, `-p udp`, `-p udplite`, `-p sctp` or `-p dccp` before its ports'));
      } else if ((protocol.negated || protocolName === undefined) && protocol.number !== undefined) {
        this.scan.addProblem(
          problem(this.span(option.option, 0, optionName.length), 'port-without-protocol', `multiport only works with a positive -p tcp, udp, udplite, sctp or dccp, not ${protocol.negated ? '! ' : ''}-p ${protocol.name}`),
        );
      }
    }
    // Service names resolve for the rule's protocol; udplite has none in /etc/services.
    const namesFor: PortProtocol | undefined = protocolName === undefined ? 'tcp' : protocolName === 'udplite' ? undefined : (protocolName as PortProtocol);
    const portProtocol = this.optionProtocol(option);
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
      const parsed = parseMultiportElement(element, namesFor);
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
      this.emitParsed(option, value, parsed, elementRange, from, portProtocol, protocolName === 'udplite');
    }
  }

  /** `--to-destination [addr][:port[-port[/base]]]`, `--to-source …`, `--to-ports port[-port]`. */
  private natTarget(option: PortOption, value: { text: string; fromVariable: boolean }): void {
    const wholeRange = this.textSpan(option.value);
    const target = option.kind === 'to-ports' ? { address: undefined, portText: value.text, portOffset: 0, problem: undefined } : splitNatAddress(value.text, this.family);
    const optionName = `--${option.name}`;
    if (target.portText !== undefined) {
      const protocol = option.protocol;
      if (option.owner?.options !== undefined && (protocol?.number === undefined ? !protocol : !NAT_PORT_PROTOCOLS.has(protocol.number))) {
        this.scan.addProblem(
          problem(this.span(option.option, 0, optionName.length), 'port-without-protocol', `${optionName} with a port needs -p tcp, udp, sctp or dccp before it ("Need TCP, UDP, SCTP or DCCP with port specification")`),
        );
      }
    }
    if (target.problem) {
      this.scan.addProblem(problem(wholeRange, 'invalid-address', target.problem));
    }
    if (target.portText === undefined) {
      return;
    }
    const parsed = parseNatPorts(target.portText);
    if (!parsed.ok) {
      this.scan.addProblem(problem(wholeRange, parsed.code, parsed.message));
      return;
    }
    if (parsed.value.ianaName) {
      this.scan.addProblem(problem(wholeRange, 'unknown-service-name', ianaOnlyMessage(parsed.value.ianaName)));
    }
    if (parsed.value.shifted && option.owner?.name === 'REDIRECT') {
      this.scan.addProblem(problem(wholeRange, 'invalid-port', 'Shifted portmap ranges not supported: REDIRECT takes port or first-last, without a /base'));
    }
    const digits = value.fromVariable || !parsed.value.digits ? undefined : this.span(option.value, target.portOffset + parsed.value.digits.from, target.portOffset + parsed.value.digits.to);
    this.scan.addReference(
      this.reference(wholeRange, digits, parsed.value, this.optionProtocol(option), {
        ...(target.address ? { hostIp: target.address } : {}),
        ...(value.fromVariable || parsed.value.ianaName ? { rawText: value.fromVariable ? option.value.text : value.text } : {}),
        extraFlags: NAT_TARGET_FLAGS,
      }),
    );
  }

  private emitParsed(option: PortOption, value: { text: string; fromVariable: boolean }, parsed: ParsedPorts, range: SourceRange, elementOffset: number, protocol: Protocol, udplite = false): void {
    if (parsed.unknownName !== undefined) {
      this.scan.addProblem(problem(range, 'unknown-service-name', `invalid port/service \`${parsed.unknownName}': no such service name in /etc/services${protocol === 'any' ? '' : ` for ${protocol}`}, so iptables refuses it`));
    } else if (parsed.ianaName !== undefined) {
      this.scan.addProblem(problem(range, 'unknown-service-name', ianaOnlyMessage(parsed.ianaName)));
    }
    const digits = value.fromVariable || !parsed.digits ? undefined : this.span(option.value, elementOffset + parsed.digits.from, elementOffset + parsed.digits.to);
    const extra: Mutable<ReferenceExtras> = { sourcePort: option.kind === 'sport' || option.kind === 'sports', negated: option.negated };
    if (value.fromVariable || parsed.unknownName !== undefined || parsed.ianaName !== undefined) {
      extra.rawText = value.fromVariable ? option.value.text : value.text;
    }
    if (option.kind === 'ports') {
      extra.extraFlags = udplite ? EITHER_DIRECTION_UDPLITE_FLAGS : EITHER_DIRECTION_FLAGS;
    } else if (udplite) {
      extra.extraFlags = UDPLITE_FLAGS;
    }
    this.scan.addReference(this.reference(range, digits, parsed, protocol, extra));
  }

  /**
   * Built property by property: V8 makes `{ ...shared, more }` and conditional spreads slow, and a
   * big ruleset has a hundred thousand references.
   */
  private reference(range: SourceRange, portRange: SourceRange | undefined, ports: Pick<ParsedPorts, 'port' | 'endPort'>, protocol: Protocol, extra: ReferenceExtras = {}): PortReference {
    // References of one rule share its flags unless their own differ.
    const flags =
      extra.extraFlags === UDPLITE_FLAGS
        ? (this.udpliteFlags ??= this.flags.concat(UDPLITE_FLAGS))
        : extra.extraFlags
          ? this.flags.concat(extra.extraFlags)
          : (this.ruleFlags ??= this.flags.slice());
    const info = this.info;
    const firewall = firewallInfoFor(info, undefined, extra.sourcePort, extra.negated);
    const reference = { role: 'firewall', range } as Mutable<PortReference>;
    if (portRange) {
      reference.portRange = portRange;
    }
    reference.protocol = protocol;
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

const EITHER_DIRECTION_FLAGS: readonly string[] = ['either-direction'];
const UDPLITE_FLAGS: readonly string[] = ['udplite'];
const EITHER_DIRECTION_UDPLITE_FLAGS: readonly string[] = ['udplite', 'either-direction'];
const NAT_TARGET_FLAGS: readonly string[] = ['nat-target'];

interface ReferenceExtras {
  readonly rawText?: string;
  readonly hostIp?: string;
  readonly sourcePort?: boolean;
  readonly negated?: boolean;
  readonly extraFlags?: readonly string[];
}

function ianaOnlyMessage(name: string): string {
  return `"${name}" is not in a stock /etc/services (only the IANA registry lists it), so iptables on Debian and Ubuntu refuses it; write the port number`;
}

/** Plain decimal as people write it: no sign, no blanks, no leading zero. */
const PLAIN_DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** One side of a tcp or sctp port: a number 0-65535 as libxtables reads it, or a service name for the protocol. */
function parsePortOrName(text: string, protocol: PortProtocol | undefined): PortParseResult {
  const number = readWholeNumber(text, 0, 65535);
  if (number !== undefined) {
    return { ok: true, value: { port: number, endPort: number, ...(PLAIN_DECIMAL.test(text) ? { digits: { from: 0, to: text.length } } : {}) } };
  }
  if (SERVICE_NAME.test(text)) {
    const named = protocol ? namedPort(text, [protocol]) : undefined;
    if (named) {
      return { ok: true, value: { port: named.port, endPort: named.port, ...(named.ianaOnly ? { ianaName: text } : {}) } };
    }
    return { ok: true, value: { port: null, endPort: null, unknownName: text } };
  }
  if (DIGITS.test(text)) {
    return { ok: false, code: 'port-out-of-range', message: `invalid port/service \`${text}' specified: ports run from 0 to 65535${text.startsWith('0') ? ', and a leading 0 makes iptables read octal' : ''}` };
  }
  if (text === '!') {
    return { ok: false, code: 'invalid-port', message: "invalid port/service `!' specified: iptables takes `!` before the option now, as `! --dport 22`" };
  }
  return { ok: false, code: 'invalid-port', message: `invalid port/service \`${text}' specified${text.includes('-') ? ': iptables writes a port range as first:last' : ''}` };
}

/**
 * `--dport`/`--sport` of the tcp match: `port`, `first:last`, `:last` (from 0) or `first:` (to 65535).
 * iptables refuses a range whose first port is above its last, despite older manuals saying it swaps them.
 */
export function parseIptablesPort(text: string): PortParseResult {
  return parseIptablesPortFor(text, 'tcp');
}

/** The tcp and sctp matches' port syntax, names resolved for `protocol`. */
function parseIptablesPortFor(text: string, protocol: PortProtocol): PortParseResult & { readonly warning?: PortWarning } {
  const colon = text.indexOf(':');
  if (colon < 0) {
    return parsePortOrName(text, protocol);
  }
  const firstText = text.slice(0, colon);
  const lastText = text.slice(colon + 1);
  const first = firstText === '' ? ({ ok: true, value: { port: 0, endPort: 0 } } as const) : parsePortOrName(firstText, protocol);
  if (!first.ok) {
    return first;
  }
  const last = lastText === '' ? ({ ok: true, value: { port: 65535, endPort: 65535 } } as const) : parsePortOrName(lastText, protocol);
  if (!last.ok) {
    return last;
  }
  return joinRange(text, colon, first.value, last.value, firstText, lastText, true);
}

/** Two ends read separately, as one range; `strict` refuses a first port above the last. */
function joinRange(text: string, colon: number, first: ParsedPorts, last: ParsedPorts, firstText: string, lastText: string, strict: boolean): PortParseResult & { readonly warning?: PortWarning } {
  const unknownName = first.unknownName ?? last.unknownName;
  if (unknownName !== undefined) {
    return { ok: true, value: { port: null, endPort: null, unknownName } };
  }
  const start = first.port ?? 0;
  const end = last.port ?? 0;
  const ianaName = first.ianaName ?? last.ianaName;
  if (start > end) {
    const message = `invalid portrange (min > max): ${start} is above ${end}`;
    return strict
      ? { ok: false, code: 'reversed-range', message }
      : { ok: true, value: { port: start, endPort: end }, warning: { code: 'reversed-range', message: `${message}; iptables loads it, but the rule never matches a packet` } };
  }
  const plain = (side: string) => side === '' || PLAIN_DECIMAL.test(side);
  const numeric = plain(firstText) && plain(lastText) && firstText.length + lastText.length > 0;
  const digitsFrom = firstText === '' ? colon + 1 : 0;
  const digitsTo = lastText === '' ? colon : text.length;
  return { ok: true, value: { port: start, endPort: end, ...(numeric ? { digits: { from: digitsFrom, to: digitsTo } } : {}), ...(ianaName ? { ianaName } : {}) } };
}

/**
 * The udp and dccp matches' port syntax: up to two `:`-separated parts, each read by getaddrinfo.
 * Numbers are decimal and cut to 16 bits, names come from any protocol, and a reversed range loads.
 * Port Lens reports a cut port and a reversed range: iptables takes them, but not as written.
 */
function parseAddrinfoPorts(text: string): PortParseResult & { readonly warning?: PortWarning } {
  const parts = text.split(':');
  if (parts.length > 2) {
    return { ok: false, code: 'invalid-port', message: `Too many components for a port range: "${text}" has ${parts.length}, iptables takes first:last` };
  }
  const sides: ParsedPorts[] = [];
  let wrapped: string | undefined;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k];
    if (part === '') {
      sides.push(parts.length === 2 && k === 1 ? { port: 65535, endPort: 65535 } : { port: 0, endPort: 0 });
      continue;
    }
    const number = addrinfoNumber(part);
    if (number !== 'name') {
      if (number.wrapped) {
        wrapped ??= `${part} is read as port ${number.port}`;
      }
      sides.push({ port: number.port, endPort: number.port });
      continue;
    }
    const named = SERVICE_NAME.test(part) ? namedPort(part, ADDRINFO_PROTOCOLS) : undefined;
    if (!named) {
      return SERVICE_NAME.test(part)
        ? { ok: true, value: { port: null, endPort: null, unknownName: part } }
        : { ok: false, code: 'invalid-port', message: `Port "${part}" does not resolve to anything${part.includes('-') ? ': iptables writes a port range as first:last' : ''}` };
    }
    sides.push({ port: named.port, endPort: named.port, ...(named.ianaOnly ? { ianaName: part } : {}) });
  }
  if (wrapped) {
    return {
      ok: true,
      value: { port: null, endPort: null },
      warning: { code: 'port-out-of-range', message: `Port "${text}" is out of range (0-65535): iptables cuts it to 16 bits, so ${wrapped} and the rule does not match what it says` },
    };
  }
  if (parts.length === 1) {
    const only = sides[0];
    return { ok: true, value: { ...only, ...(PLAIN_DECIMAL.test(text) ? { digits: { from: 0, to: text.length } } : {}) } };
  }
  return joinRange(text, parts[0].length, sides[0], sides[1], parts[0], parts[1], false);
}

/** One multiport element: `port` or `first:last` with first strictly below last; no open-ended ranges. */
function parseMultiportElement(element: string, protocol: PortProtocol | undefined): PortParseResult {
  const colon = element.indexOf(':');
  if (colon < 0) {
    return element === '' ? { ok: false, code: 'invalid-port', message: "invalid port/service `' specified: multiport needs a port or first:last in every list item" } : parsePortOrName(element, protocol);
  }
  const firstText = element.slice(0, colon);
  const lastText = element.slice(colon + 1);
  if (firstText === '' || lastText === '') {
    return { ok: false, code: 'invalid-port', message: `invalid port/service \`' specified: multiport takes no open range like "${element}"; write both ends` };
  }
  const first = parsePortOrName(firstText, protocol);
  if (!first.ok) {
    return first;
  }
  const last = parsePortOrName(lastText, protocol);
  if (!last.ok) {
    return last;
  }
  const joined = joinRange(element, colon, first.value, last.value, firstText, lastText, true);
  if (!joined.ok) {
    return { ok: false, code: 'reversed-range', message: 'invalid portrange specified: the first port is above the last' };
  }
  if (joined.value.port !== null && joined.value.port === joined.value.endPort) {
    return { ok: false, code: 'reversed-range', message: 'invalid portrange specified: multiport needs the first port below the last' };
  }
  return joined;
}

/**
 * A NAT target's ports: `port`, `first-last` or `first-last/base`, read as libxtables's strtoui
 * (so a leading 0 is octal). The first port may be a service name of any protocol; the last may not.
 */
function parseNatPorts(text: string): PortParseResult {
  const invalid = (part: string, code = 'invalid-port'): PortParseResult => ({ ok: false, code, message: `Port \`${part}' not valid for a NAT target: ports are 0-65535, written port or first-last` });
  const first = readNumberPrefix(text);
  let port: number;
  let end: number;
  let ianaName: string | undefined;
  if (first && first.value <= 65535) {
    port = first.value;
    end = first.end;
  } else {
    const named = SERVICE_NAME.test(text) ? anyProtocolNamedPort(text) : undefined;
    if (!named) {
      return invalid(text, first || DIGITS.test(text) ? 'port-out-of-range' : 'invalid-port');
    }
    port = named.port;
    end = text.length;
    ianaName = named.ianaOnly ? text : undefined;
  }
  const rest = text.slice(end);
  const plain = /^(?:0|[1-9][0-9]*)(?:-(?:0|[1-9][0-9]*))?(?:\/.*)?$/.test(text);
  const digitsTo = (upTo: number) => (plain ? { digits: { from: 0, to: upTo } } : {});
  if (rest === '') {
    return { ok: true, value: { port, endPort: port, ...digitsTo(text.length), ...(ianaName ? { ianaName } : {}) } };
  }
  if (rest[0] === ':') {
    return { ok: false, code: 'invalid-port', message: `Invalid port:port syntax in "${text}": a NAT target writes a port range as first-last` };
  }
  if (rest[0] !== '-') {
    return { ok: false, code: 'invalid-port', message: `Garbage after port value: \`${rest}'${text.startsWith('0') ? ' (a leading 0 makes iptables read octal)' : ''}` };
  }
  const lastText = rest.slice(1);
  const last = readNumberPrefix(lastText);
  if (!last || last.value > 65535) {
    return invalid(lastText, last ? 'port-out-of-range' : 'invalid-port');
  }
  if (last.value < port) {
    return { ok: false, code: 'reversed-range', message: `Port range "${text}" is invalid: ${port} is above ${last.value}` };
  }
  const after = lastText.slice(last.end);
  const rangeEnd = text.length - after.length;
  if (after === '') {
    return { ok: true, value: { port, endPort: last.value, ...digitsTo(rangeEnd) } };
  }
  if (after[0] !== '/') {
    return { ok: false, code: 'invalid-port', message: `Garbage after port range: \`${after}'` };
  }
  // The base of a shifted port map: a number 1-65535 (anything after it is ignored) or a service name.
  const baseText = after.slice(1);
  const base = readNumberPrefix(baseText);
  if (!(base && base.value >= 1 && base.value <= 65535)) {
    const named = SERVICE_NAME.test(baseText) ? anyProtocolNamedPort(baseText) : undefined;
    if (!named) {
      return invalid(baseText, base ? 'port-out-of-range' : 'invalid-port');
    }
    if (named.ianaOnly) {
      ianaName = baseText;
    }
  }
  return { ok: true, value: { port, endPort: last.value, ...digitsTo(rangeEnd), ...(ianaName ? { ianaName } : {}), shifted: true } };
}

const IPV4_ADDRESS = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

/** inet_pton(AF_INET6): eight hex groups, one `::` for a run of zeros, an IPv4 tail allowed. */
function isIpv6Address(text: string): boolean {
  if (text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) {
    return false;
  }
  let groups = text;
  let extra = 0;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    if (!IPV4_ADDRESS.test(text.slice(lastColon + 1))) {
      return false;
    }
    groups = text.slice(0, lastColon + 1) + '0';
    extra = 1;
  }
  const halves = groups.split('::');
  if (halves.length > 2) {
    return false;
  }
  const count = (half: string) => (half === '' ? 0 : half.split(':').length);
  const valid = (half: string) => half === '' || half.split(':').every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group));
  if (!halves.every(valid)) {
    return false;
  }
  const total = halves.reduce((sum, half) => sum + count(half), 0) + extra;
  return halves.length === 2 ? total <= 7 : total === 8;
}

function isAddress(text: string, family: Family | undefined): boolean {
  return family === 'ipv4' ? IPV4_ADDRESS.test(text) : family === 'ipv6' ? isIpv6Address(text) : IPV4_ADDRESS.test(text) || isIpv6Address(text);
}

/**
 * Splits a NAT address `10.0.0.1:8080`, `10.0.0.1-10.0.0.9:80-90`, `[fd00::1]:8080`, `:8080` as
 * iptables does: one colon starts the port, several mean an IPv6 address without one.
 */
function splitNatAddress(text: string, family: Family | undefined): { address: string | undefined; portText: string | undefined; portOffset: number; problem: string | undefined } {
  const open = text.indexOf('[');
  let addressText: string;
  let portText: string | undefined;
  let portOffset = 0;
  if (open >= 0) {
    const close = text.indexOf(']', open + 1);
    if (close < 0 || family === 'ipv4') {
      return { address: undefined, portText: undefined, portOffset: 0, problem: `Invalid address format "${text}": ${family === 'ipv4' ? 'brackets are for IPv6 addresses' : 'the bracket is not closed'}` };
    }
    addressText = text.slice(open + 1, close);
    const colon = text.indexOf(':', close + 1);
    if (colon >= 0) {
      portText = text.slice(colon + 1);
      portOffset = colon + 1;
    }
  } else {
    const colon = text.indexOf(':');
    const single = colon >= 0 && text.indexOf(':', colon + 1) < 0;
    addressText = single ? text.slice(0, colon) : text;
    if (single) {
      portText = text.slice(colon + 1);
      portOffset = colon + 1;
    }
  }
  if (addressText === '') {
    return { address: undefined, portText, portOffset, problem: undefined };
  }
  const dash = addressText.indexOf('-');
  const ends = dash < 0 ? [addressText] : [addressText.slice(0, dash), addressText.slice(dash + 1)];
  const bad = ends.find((end) => !isAddress(end, family));
  const hint = bad !== undefined && bad.split(':').length > 2 && family !== 'ipv6' ? ': a NAT port range is written first-last after one colon' : '';
  return { address: addressText, portText, portOffset, problem: bad === undefined ? undefined : `Bad IP address "${bad}"${hint}` };
}
