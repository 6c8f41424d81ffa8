/**
 * iptables and ip6tables rules against the real parser: one rule per case, as an `iptables …`
 * command in a shell script or as the line of an iptables-save file (`rules.v4`, `rules.v6`).
 *
 * Verdict: `iptables-restore --test` reads the rule as a one-rule save file. It runs the same
 * option parser as the `iptables` command (every match and target extension's own checks
 * included) and commits nothing, so no firewall changes. Without the rights to talk to the
 * kernel it still parses every line and only fails at COMMIT; that failure is not a refusal.
 *
 * Ports: `iptables-translate` prints the rule as nftables syntax with every port resolved to a
 * number (`tcp dport { 22, 80-90 }`, `dnat to 10.0.0.1:8080`, `redirect to :8080`). A rule it
 * cannot express prints `nft # …` with exit 0: that says nothing about the rule's validity, and
 * ports are then not compared. A DNAT range with a base offset (`:8000-8010/100`) is such a rule;
 * its ports are read by translating it again without the offset, which does not change them.
 *
 * Normalisation of the ports, to what Port Lens models (its references' `protocol/port[-end]`):
 * - a match's ports (dport, sport, multiport lists, `--ports`) carry the match's protocol;
 *   `!=` is dropped, since Port Lens keeps a negated port as a reference with the same port;
 * - a NAT target's port (DNAT, SNAT, REDIRECT, MASQUERADE) carries the rule's `-p` protocol,
 *   or `any` when the rule names none Port Lens models (icmp) or negates it;
 * - udplite counts as udp, as Port Lens keeps it (with a flag);
 * - `--ports` prints as `sport . dport` pairs with 0-65535 on the other side: the port side is kept.
 *   It prints a range's two ends as two ports, though, so a `--ports` list with a range is not compared;
 * - the whole range 0-65535 is dropped on both sides: the translation leaves such a match out,
 *   since it matches every packet, where Port Lens keeps the reference.
 */
import fc from 'fast-check';
import type { ConformanceFormat, KnownDifference, LensVerdict, PortKey, RenderedCase, ToolVerdict } from './harness';
import { lensVerdict, portKey, runTool } from './harness';

type Family = 'ipv4' | 'ipv6';

/** What the oracle runs: the command's arguments without `-t`, which a save file gives as `*table`. */
interface IptablesInput {
  readonly family: Family;
  readonly table: string | undefined;
  readonly args: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

const pick = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** Picks among values with weights: `[weight, value]`. */
function weighted<T>(...choices: [number, T][]): fc.Arbitrary<T> {
  return fc.oneof(...choices.map(([weight, value]) => ({ weight, arbitrary: fc.constant(value) })));
}

/** Ports people write, and the edges of the range. */
const commonPort = pick('22', '25', '53', '80', '123', '443', '3306', '5432', '6379', '8080', '8443', '1', '1024', '65535', '0');
const anyPort = fc.integer({ min: 1, max: 65535 }).map(String);
const outOfRange = pick('65536', '70000', '99999', '123456', '4294967296');
/** strtoul with base 0 reads a leading 0 as octal and 0x as hex; 08 is no number at all. */
const oddNumber = pick('022', '010', '08', '0080', '00', '0x16', '0X1F90', '+22');
const tcpName = pick('ssh', 'http', 'https', 'smtp', 'domain', 'http-alt', 'www', 'webcache', 'imap2', 'ftp', 'mysql', 'postgresql', 'xmpp-client', 'sip', 'rsync');
const udpName = pick('domain', 'ntp', 'bootps', 'tftp', 'syslog', 'snmp', 'https', 'openvpn', 'isakmp', 'sip');
/** Names a stock /etc/services lacks (amqp: for udp): the IANA registry knows some of them, nothing knows the others. */
const strayName = pick('mongodb', 'docker', 'mqtt', 'memcache', 'myapp', 'htp', 'ssh2', 'web', 'amqp');
const garbage = pick('22abc', '-1', '2 2', 'ssh,http', '22.5', '!', '1e3', '*');

const portNumber = fc.oneof({ weight: 6, arbitrary: commonPort }, { weight: 4, arbitrary: anyPort });

/** Two ports, mostly in order: a reversed or equal pair now and then. */
const portPair: fc.Arbitrary<[string, string]> = fc
  .tuple(portNumber, portNumber, fc.integer({ min: 0, max: 9 }))
  .map(([a, b, roll]) => (roll === 0 || Number(a) <= Number(b) ? [a, b] : [b, a]));

/** A value for `--dport`/`--sport`: numbers, names and ranges, valid and not. */
const singlePortValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 20, arbitrary: portNumber },
  { weight: 2, arbitrary: outOfRange },
  { weight: 2, arbitrary: oddNumber },
  { weight: 6, arbitrary: tcpName },
  { weight: 3, arbitrary: udpName },
  { weight: 2, arbitrary: strayName },
  { weight: 8, arbitrary: portPair.map(([a, b]) => `${a}:${b}`) },
  { weight: 1, arbitrary: portPair.map(([a, b]) => `${a}-${b}`) },
  { weight: 2, arbitrary: portNumber.map((port) => `:${port}`) },
  { weight: 2, arbitrary: portNumber.map((port) => `${port}:`) },
  { weight: 1, arbitrary: pick(':', '0:65535', '5:5', 'ftp:ssh', 'ssh:http', '1024:99999', '22:ssh:80') },
  { weight: 1, arbitrary: garbage },
);

/** One multiport element: the ranges it takes, and the open ones it does not. */
const multiportElement: fc.Arbitrary<string> = fc.oneof(
  { weight: 30, arbitrary: portNumber },
  { weight: 6, arbitrary: tcpName },
  { weight: 1, arbitrary: udpName },
  { weight: 1, arbitrary: strayName },
  { weight: 8, arbitrary: portPair.map(([a, b]) => `${a}:${b}`) },
  { weight: 1, arbitrary: outOfRange },
  { weight: 1, arbitrary: oddNumber },
  { weight: 1, arbitrary: pick('', ':1024', '1024:', '5:5', '2000-3000', 'ftp:ssh') },
);

const multiportValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.array(multiportElement, { minLength: 1, maxLength: 5 }).map((items) => items.join(',')) },
  { weight: 1, arbitrary: fc.array(portNumber, { minLength: 13, maxLength: 17 }).map((items) => items.join(',')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(portNumber, { minLength: 12, maxLength: 14 }), portPair)
      .map(([items, [a, b]]) => [...items, `${a}:${b}`].join(',')),
  },
);

/** A NAT port part: `port`, `first-last`, `first-last/base`, and their mistakes. */
const natPorts: fc.Arbitrary<string> = fc.oneof(
  { weight: 16, arbitrary: portNumber },
  { weight: 6, arbitrary: portPair.map(([a, b]) => `${a}-${b}`) },
  { weight: 3, arbitrary: fc.tuple(portPair, portNumber).map(([[a, b], base]) => `${a}-${b}/${base}`) },
  { weight: 1, arbitrary: fc.tuple(portNumber, portNumber).map(([a, b]) => `${a}/${b}`) },
  { weight: 1, arbitrary: portPair.map(([a, b]) => `${a}:${b}`) },
  { weight: 1, arbitrary: outOfRange },
  { weight: 3, arbitrary: pick('http', 'http-alt', 'ssh', 'domain', 'ntp', 'myapp', '80-http', '8000-8010/http', '8000-8010/0') },
  { weight: 2, arbitrary: pick('0', '08080', '010', '0x1f90', '8080-', '-8080', '') },
);

const ipv4 = pick('10.0.0.1', '192.168.1.10', '172.16.0.5', '10.0.0.1-10.0.0.9', '203.0.113.7');
const ipv6 = pick('fd00::1', '2001:db8::10', '::1');
const ipv4Network = pick('10.0.0.0/8', '192.168.0.0/16', '203.0.113.7', '0.0.0.0/0', '198.51.100.0/24');
const ipv6Network = pick('fd00::/8', '2001:db8::/32', '::/0', '::1');

const natDestination = (family: Family): fc.Arbitrary<string> =>
  family === 'ipv4'
    ? fc.oneof(
        { weight: 6, arbitrary: fc.tuple(ipv4, natPorts).map(([address, ports]) => `${address}:${ports}`) },
        { weight: 2, arbitrary: natPorts.map((ports) => `:${ports}`) },
        { weight: 1, arbitrary: ipv4 },
      )
    : fc.oneof(
        { weight: 6, arbitrary: fc.tuple(ipv6, natPorts).map(([address, ports]) => `[${address}]:${ports}`) },
        { weight: 1, arbitrary: ipv6 },
      );

/** `-p` values: the port protocols in every spelling, protocols without ports, and none. */
const protocolValue = weighted<string>([40, 'tcp'], [20, 'udp'], [2, '6'], [2, '17'], [1, 'TCP'], [3, 'sctp'], [2, 'dccp'], [2, 'icmp'], [1, 'all'], [1, 'udplite'], [1, 'gre'], [1, 'tpc'], [1, '132'], [1, '0']);

/** `-p` with its value, now and then negated, or no protocol at all. */
const protocolPart: fc.Arbitrary<readonly string[]> = fc.oneof(
  { weight: 80, arbitrary: fc.tuple(pick('-p', '-p', '-p', '--protocol'), protocolValue).map(([flag, value]) => [flag, value]) },
  { weight: 1, arbitrary: protocolValue.map((value) => ['!', '-p', value]) },
  { weight: 6, arbitrary: fc.constant([]) },
);

/** Spellings of the port options, with their long forms, abbreviations getopt accepts, and typos. */
const destinationOption = weighted<string>([32, '--dport'], [4, '--destination-port'], [1, '--dp'], [1, '--dprot'], [1, '--dports'], [1, '--destination-prot']);
const sourceOption = weighted<string>([12, '--sport'], [3, '--source-port'], [1, '--sprot']);
const multiportOption = weighted<string>([12, '--dports'], [4, '--sports'], [2, '--destination-ports'], [1, '--source-ports'], [2, '--ports'], [1, '--dport'], [1, '--dport-list']);

/** One port match: the words it adds. */
const portMatch: fc.Arbitrary<readonly string[]> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.tuple(fc.boolean(), destinationOption, singlePortValue, fc.integer({ min: 0, max: 19 })).map(([negate, option, value, roll]) =>
      roll === 0 ? [option, '!', value] : roll === 1 ? [`${option}=${value}`] : [...(negate && roll < 5 ? ['!'] : []), option, value],
    ),
  },
  { weight: 3, arbitrary: fc.tuple(fc.boolean(), sourceOption, singlePortValue).map(([negate, option, value]) => [...(negate ? ['!'] : []), option, value]) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 9 }), multiportOption, multiportValue)
      .map(([roll, option, value]) => ['-m', 'multiport', ...(roll === 0 ? ['!'] : []), option, value]),
  },
);

/** Explicitly loaded protocol matches, sometimes not the rule's protocol. */
const explicitProtocolMatch = weighted<readonly string[]>([4, ['-m', 'tcp']], [2, ['-m', 'udp']], [1, ['-m', 'sctp']]);

const otherMatch = weighted<readonly string[]>(
  [4, ['-m', 'conntrack', '--ctstate', 'NEW']],
  [3, ['-m', 'conntrack', '--ctstate', 'NEW,ESTABLISHED']],
  [2, ['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED']],
  [2, ['-m', 'state', '--state', 'NEW']],
  [2, ['-m', 'comment', '--comment', 'allow web']],
  [1, ['-m', 'conntrack', '--ctsate', 'NEW']],
  [2, ['-i', 'eth0']],
  [1, ['-o', 'eth1']],
);

/** iptables refuses `-i` on chains that only see outgoing packets and `-o` on those that only see incoming ones. */
function interfaceFits(words: readonly string[], chain: string): boolean {
  return !((words[0] === '-i' && (chain === 'OUTPUT' || chain === 'POSTROUTING')) || (words[0] === '-o' && (chain === 'INPUT' || chain === 'PREROUTING')));
}

const filterTarget = pick<readonly string[]>(
  ['-j', 'ACCEPT'],
  ['-j', 'ACCEPT'],
  ['-j', 'DROP'],
  ['-j', 'REJECT'],
  ['-j', 'REJECT', '--reject-with', 'tcp-reset'],
  ['-j', 'LOG', '--log-prefix', 'fw: '],
  ['-j', 'RETURN'],
  ['-j', 'MYCHAIN'],
  ['--jump', 'ACCEPT'],
  ['-g', 'MYCHAIN'],
  [],
);

const natTarget = (family: Family): fc.Arbitrary<readonly string[]> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(natDestination(family), pick('--to-destination', '--to-destination', '--to-destinaton', '--to')).map(([value, option]) => ['-j', 'DNAT', option, value]) },
    { weight: 4, arbitrary: fc.tuple(natPorts, pick('--to-ports', '--to-ports', '--to-port', '--to-prots')).map(([value, option]) => ['-j', 'REDIRECT', option, value]) },
    { weight: 1, arbitrary: fc.constant(['-j', 'REDIRECT']) },
    { weight: 1, arbitrary: natDestination(family).map((value) => ['-j', 'SNAT', '--to-source', value]) },
    { weight: 1, arbitrary: natPorts.map((value) => ['-j', 'MASQUERADE', '--to-ports', value]) },
    { weight: 1, arbitrary: fc.constant(['-j', 'MASQUERADE']) },
  );

interface CommandPart {
  readonly words: readonly string[];
  /** `-N`: a chain command that takes no rule. */
  readonly bare: boolean;
}

const commandPart = (chains: readonly string[]): fc.Arbitrary<CommandPart> => {
  const chain = fc.constantFrom(...chains, 'MYCHAIN');
  return fc.oneof(
    { weight: 12, arbitrary: fc.tuple(pick('-A', '-A', '--append'), chain).map(([flag, name]) => ({ words: [flag, name], bare: false })) },
    { weight: 3, arbitrary: fc.tuple(pick('-I', '--insert'), chain, weighted<string | undefined>([4, undefined], [2, '1'], [1, '2'], [1, '0'])).map(([flag, name, at]) => ({ words: [flag, name, ...(at ? [at] : [])], bare: false })) },
    { weight: 2, arbitrary: fc.tuple(pick('-D', '--delete'), chain).map(([flag, name]) => ({ words: [flag, name], bare: false })) },
    { weight: 1, arbitrary: chain.map((name) => ({ words: ['-R', name, '1'], bare: false })) },
    { weight: 1, arbitrary: fc.constant({ words: ['-N', 'MYCHAIN'], bare: true }) },
  );
};

/** `-s` and `-d`, each at most once as iptables demands. */
const addressPart = (family: Family): fc.Arbitrary<readonly string[]> => {
  const network = family === 'ipv4' ? ipv4Network : ipv6Network;
  const one = (flags: fc.Arbitrary<string>) =>
    fc.tuple(weighted([1, true], [4, false]), flags, network).map(([negate, flag, address]) => [...(negate ? ['!'] : []), flag, address]);
  return fc.oneof(
    { weight: 4, arbitrary: one(pick('-s', '--source')) },
    { weight: 2, arbitrary: one(pick('-d', '--destination')) },
    { weight: 1, arbitrary: fc.tuple(one(fc.constant('-s')), one(fc.constant('-d'))).map(([source, destination]) => [...source, ...destination]) },
  );
};

/** A rule's words, in the order people write them: command, protocol, addresses, matches, target. */
const rule = (family: Family, nat: boolean): fc.Arbitrary<{ table: string | undefined; args: string[] }> => {
  const tables = nat ? pick<string | undefined>('nat', 'nat', 'nat', 'nat', 'nat', 'nat', 'filter', undefined) : pick<string | undefined>(undefined, undefined, undefined, 'filter', 'mangle', 'raw');
  return tables.chain((table) => {
    const chains = table === 'nat' ? ['PREROUTING', 'OUTPUT', 'POSTROUTING'] : table === 'raw' ? ['PREROUTING', 'OUTPUT'] : ['INPUT', 'FORWARD', 'OUTPUT'];
    return fc
      .record({
        command: commandPart(chains),
        protocol: protocolPart,
        explicit: fc.oneof({ weight: 14, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: explicitProtocolMatch }),
        addresses: fc.oneof({ weight: 3, arbitrary: fc.constant<readonly string[]>([]) }, { weight: 1, arbitrary: addressPart(family) }),
        ports: fc.oneof({ weight: 6, arbitrary: fc.array(portMatch, { minLength: nat ? 0 : 1, maxLength: 1 }) }, { weight: 1, arbitrary: fc.array(portMatch, { minLength: 2, maxLength: 2 }) }),
        other: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: otherMatch }),
        target: nat ? natTarget(family) : filterTarget,
        /** Now and then the protocol comes after a port option, where it is too late. */
        late: fc.integer({ min: 0, max: 39 }),
      })
      .map(({ command, protocol, explicit, addresses, ports, other, target, late }) => {
        if (command.bare) {
          return { table, args: [...command.words] };
        }
        const extra = other && interfaceFits(other, command.words[1]) ? other : [];
        const portWords = ports.flat();
        const protocolWords = [...protocol, ...(explicit ?? [])];
        const body = late === 0 && portWords.length > 0 ? [...portWords, ...protocolWords] : [...protocolWords, ...portWords];
        return { table, args: [...command.words, ...addresses, ...body, ...extra, ...target] };
      });
  });
};

const SHELL_SAFE = /^[A-Za-z0-9_./:,=+@%!-]+$/;

function shellQuote(word: string): string {
  return SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A save-file line: iptables-restore splits on blanks and honours double quotes. */
function restoreWord(word: string): string {
  return /^[^\s"\\]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, '\\$1')}"`;
}

function saveFile(input: IptablesInput): string {
  return `*${input.table ?? 'filter'}\n${input.args.map(restoreWord).join(' ')}\nCOMMIT\n`;
}

/** Mostly a shell script running the command; now and then the same rule as an iptables-save file. */
const iptablesCase: fc.Arbitrary<RenderedCase> = fc
  .tuple(pick<Family>('ipv4', 'ipv4', 'ipv4', 'ipv4', 'ipv6'), fc.integer({ min: 0, max: 2 }), weighted([6, 'iptables'], [2, 'sudo iptables'], [2, '/sbin/iptables'], [3, 'save file']))
  .chain(([family, kind, command]) =>
    rule(family, kind === 0).map(({ table, args }): RenderedCase => {
      const input: IptablesInput = { family, table, args };
      if (command === 'save file') {
        return { fileName: family === 'ipv6' ? 'rules.v6' : 'rules.v4', text: saveFile(input), toolInput: input };
      }
      const program = family === 'ipv6' ? command.replace('iptables', 'ip6tables') : command;
      const words = [...(table ? ['-t', table] : []), ...args];
      return { fileName: 'firewall.sh', text: `#!/bin/sh\n${program} ${words.map(shellQuote).join(' ')}\n`, toolInput: input };
    }),
  );

// ---------------------------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------------------------

/** The protocol Port Lens gives a NAT target's port: the rule's `-p` when it carries ports. */
const NAT_PROTOCOLS: ReadonlyMap<string, string> = new Map([
  ['tcp', 'tcp'],
  ['6', 'tcp'],
  ['udp', 'udp'],
  ['17', 'udp'],
  ['sctp', 'sctp'],
  ['132', 'sctp'],
  ['dccp', 'dccp'],
  ['33', 'dccp'],
]);

function ruleProtocol(args: readonly string[]): string {
  for (let index = 0; index < args.length - 1; index++) {
    if (args[index] === '-p' || args[index] === '--protocol') {
      return args[index - 1] === '!' ? 'any' : (NAT_PROTOCOLS.get(args[index + 1].toLowerCase()) ?? 'any');
    }
  }
  return 'any';
}

const MATCH_PORTS = /\b(tcp|udp|udplite|sctp|dccp) (dport|sport) (?:!= )?(\{[^}]*\}|\S+)/g;
const EITHER_PORTS = /\b(tcp|udp|udplite|sctp|dccp) sport \. \S+ dport (?:!= )?\{([^}]*)\}/g;
const NAT_PORTS = /\b(?:dnat|snat|redirect|masquerade) to (\S+)/g;

function rangeKey(protocol: string, text: string): PortKey | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) {
    return undefined;
  }
  return portKey(protocol === 'udplite' ? 'udp' : protocol, Number(match[1]), match[2] === undefined ? undefined : Number(match[2]));
}

/** The ports a translation names, normalised as the file's header explains. */
export function translatedPorts(translation: string, natProtocol: string): PortKey[] {
  const ports: PortKey[] = [];
  const add = (key: PortKey | undefined) => key !== undefined && ports.push(key);
  const rest = translation.replace(EITHER_PORTS, (_, protocol: string, elements: string) => {
    for (const pair of elements.split(',')) {
      const [source, destination] = pair.split(' . ').map((side) => side.trim());
      add(rangeKey(protocol, source === '0-65535' ? destination : source));
    }
    return '';
  });
  for (const [, protocol, , value] of rest.matchAll(MATCH_PORTS)) {
    const elements = value.startsWith('{') ? value.slice(1, -1).split(',') : [value];
    for (const element of elements) {
      add(rangeKey(protocol, element));
    }
  }
  for (const [, target] of rest.matchAll(NAT_PORTS)) {
    const bracket = target.lastIndexOf(']');
    const portText = target.startsWith('[') ? (target[bracket + 1] === ':' ? target.slice(bracket + 2) : undefined) : target.split(':').length === 2 ? target.split(':')[1] : undefined;
    if (portText !== undefined) {
      add(rangeKey(natProtocol, portText.replace(/'$/, '')));
    }
  }
  return ports.filter((key) => !isWholeRange(key));
}

function isWholeRange(key: PortKey): boolean {
  return key.endsWith('/0-65535');
}

const RULE_TRANSLATION = /^nft '(?:add|insert|replace) rule /;

async function translate(input: IptablesInput, args: readonly string[]): Promise<string | undefined> {
  const command = input.family === 'ipv6' ? 'ip6tables-translate' : 'iptables-translate';
  const run = await runTool(command, [...(input.table ? ['-t', input.table] : []), ...args]);
  const output = run.stdout.trim();
  return run.status === 0 && RULE_TRANSLATION.test(output) ? output : undefined;
}

async function iptablesOracle(rendered: RenderedCase): Promise<ToolVerdict> {
  const input = rendered.toolInput as IptablesInput;
  const command = input.family === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore';
  const run = await runTool(command, ['--test'], { input: saveFile(input) });
  // Parsed fine but could not reach the kernel to commit (no rights, no netfilter): line 3 is COMMIT.
  const parsed = run.status === 0 || (run.status === 1 && /line 3 failed/.test(run.stderr));
  if (!parsed) {
    return { accepted: false, message: run.stderr.trim() || `exit ${run.status}` };
  }
  // The translation of `--ports` splits each range into its two ends, so it says nothing about them.
  if (input.args.some((word, index) => input.args[index - 1] === '--ports' && word.includes(':'))) {
    return { accepted: true };
  }
  const natProtocol = ruleProtocol(input.args);
  let translation = await translate(input, input.args);
  if (translation === undefined && input.args.some((word) => /:\d+-\d+\/\S+$/.test(word))) {
    translation = await translate(
      input,
      input.args.map((word) => word.replace(/(:\d+-\d+)\/\S+$/, '$1')),
    );
  }
  return translation === undefined ? { accepted: true } : { accepted: true, ports: translatedPorts(translation, natProtocol) };
}

function iptablesLens(rendered: RenderedCase): LensVerdict {
  const verdict = lensVerdict(rendered);
  return { ...verdict, ports: verdict.ports.filter((key) => !isWholeRange(key)) };
}

/**
 * Rules the parser takes that never work as written, which Port Lens reports on purpose. Each pattern
 * is a Port Lens message; a case is explained when every refusal Port Lens gives is one of them.
 */
const DELIBERATE: Readonly<Record<string, RegExp>> = {
  'negated-protocol-port-match': /needs a positive -p (tcp|udp|sctp|dccp): under "! -p/,
  'kernel-checks-match-protocol': /-m (sctp|dccp) needs -p \1; (under .*|without it) the kernel refuses the rule/,
  'udp-port-cut-to-16-bits': /iptables cuts it to 16 bits/,
  'udp-reversed-range-loads': /iptables loads it, but the rule never matches a packet/,
};

function deliberate(id: string, reason: string): KnownDifference {
  const own = DELIBERATE[id];
  const all = Object.values(DELIBERATE);
  return {
    id,
    reason,
    matches: (_rendered, tool, lens) => tool.accepted && !lens.accepted && lens.problems.some((found) => own.test(found)) && lens.problems.every((found) => all.some((pattern) => pattern.test(found))),
  };
}

const knownDifferences: KnownDifference[] = [
  deliberate(
    'negated-protocol-port-match',
    'iptables loads the port match of `-p tcp` even under `! -p tcp`. The legacy kernel refuses the rule, ' +
      'nft_compat refuses it for sctp and dccp, and iptables-nft loads a tcp/udp port test on packets that are ' +
      'not tcp/udp, which never means what it says: Port Lens reports it.',
  ),
  deliberate(
    'kernel-checks-match-protocol',
    'iptables parses `-m sctp` or `-m dccp` options under another `-p`, or none; the kernel then refuses ' +
      'the rule ("RULE_APPEND failed (Invalid argument)"), which Port Lens reports as iptables (tcp, udp) does itself.',
  ),
  deliberate(
    'udp-port-cut-to-16-bits',
    'The udp and dccp matches read a port through getaddrinfo, which keeps it as a C int cut to 16 bits: ' +
      '`--dport 70000` loads as port 4464. Port Lens reports a port outside 0-65535 instead of matching another one.',
  ),
  deliberate(
    'udp-reversed-range-loads',
    'The udp and dccp matches take `--dport 5:3` without checking the order; the rule then never matches. ' +
      'Port Lens reports it, as iptables does for tcp and sctp.',
  ),
];

export const iptablesSpec: ConformanceFormat = {
  format: 'iptables',
  toolName: 'iptables-restore --test, iptables-translate',
  requires: ['iptables-restore', 'iptables-translate', 'ip6tables-restore', 'ip6tables-translate'],
  debianPackage: 'iptables',
  arbitrary: iptablesCase,
  oracle: iptablesOracle,
  lens: iptablesLens,
  knownDifferences,
  comparePorts: true,
};
