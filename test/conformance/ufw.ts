/**
 * ufw: shell scripts with one `ufw …` command each, checked with `ufw --dry-run`, which parses the
 * command, builds the rule and prints the rules files it would write, each rule as a
 * `### tuple ### ACTION PROTO DPORT DST SPORT SRC … DIRECTION` line.
 *
 * ufw reads its application profiles, its current rules and its IPv6 setting from /etc, so the
 * oracle points it (`--datadir`) at a private copy: the profiles Port Lens knows, one existing rule
 * for each IP version (so `insert 1` and `insert 2` have somewhere to go) and IPv6 enabled. What
 * the host happens to have installed then cannot change the answer.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { UFW_APP_PROFILES, findUfwProfile } from '../../src/core/ports/namedPorts';
import type { ConformanceFormat, LensVerdict, PortKey, RenderedCase, ToolVerdict } from './harness';
import { lensVerdict, portKey } from './harness';

// ---------------------------------------------------------------------------------------------
// Generated commands
// ---------------------------------------------------------------------------------------------

const pick = <T>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
const weighted = <T>(...choices: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> => fc.oneof(...choices.map(([weight, arbitrary]) => ({ weight, arbitrary })));
const maybe = (arbitrary: fc.Arbitrary<string[]>, weightOfNothing: number): fc.Arbitrary<string[]> => weighted<string[]>([weightOfNothing, fc.constant([])], [1, arbitrary]);

const numericPort: fc.Arbitrary<string> = weighted(
  [6, pick('22', '80', '443', '53', '25', '3306', '5432', '8080', '51820', '65535', '1')],
  [3, fc.integer({ min: 1, max: 65535 }).map(String)],
  [1, pick('0', '65536', '70000', '123456', '022')],
);

const portNumber: fc.Arbitrary<string> = weighted([12, numericPort], [1, pick('-1', '1e3', '0x16', '22.0', '')]);

const portRange: fc.Arbitrary<string> = weighted(
  [8, fc.tuple(fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 1, max: 5000 })).map(([first, width]) => `${first}:${first + width}`)],
  [1, pick('6000:6007', '60000:61000', '2000:1000', '1000:1000', '0:100', '65000:65536', '1:', ':80', '1::2', '1:2:3')],
);

const portList: fc.Arbitrary<string> = weighted(
  // Only numbers in long lists: ufw checks a port with a regular expression that takes exponential time
  // to refuse a long run of digits followed by anything else.
  [6, fc.array(weighted([3, numericPort], [1, portRange]), { minLength: 2, maxLength: 5 }).map((items) => items.join(','))],
  [1, fc.array(fc.integer({ min: 1, max: 9999 }), { minLength: 14, maxLength: 17 }).map((items) => items.join(','))],
  [1, pick('80,', ',443', '80,,443', '80,http', 'http,https', '1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16')],
);

/** Names /etc/services lists for tcp, for udp, for both; names only IANA registers; names in no table. */
const lowerCaseServiceName: fc.Arbitrary<string> = weighted(
  [4, pick('ssh', 'http', 'smtp', 'imaps', 'mysql', 'postgresql', 'x11', 'submission', 'http-alt', 'webcache', 'microsoft-ds')],
  [2, pick('ntp', 'tftp', 'bootps', 'syslog', 'netbios-ns', 'mdns', 'isakmp')],
  [3, pick('domain', 'https', 'snmp', 'openvpn', 'kerberos', 'sip', 'nfs')],
  [2, pick('mongodb', 'docker', 'memcache', 'mqtt', 'rfb', 'irc', 'pptp')],
  [1, pick('nosuchsvc', 'htpp', 'sshh', 'web-server', 'a', '-ssh')],
);

/** Upper case never names a service, though alone it may name a profile (Debian's ufw ships `SSH`). */
const serviceName: fc.Arbitrary<string> = weighted([12, lowerCaseServiceName], [1, pick('HTTP', 'Ssh')]);

const PROFILE_NAMES = [...UFW_APP_PROFILES.keys()];
const profileName: fc.Arbitrary<string> = weighted(
  [10, pick(...PROFILE_NAMES)],
  [1, pick('openssh', 'nginx full', 'NGINX HTTPS', 'samba')],
  [1, pick('MyApp', 'Nginx Fullx', 'SSH', 'WWW Full', 'all', 'Bad/Name', '22abc', 'in')],
);

const PORTLESS_PROTOCOLS = ['esp', 'ah', 'gre', 'ipv6', 'igmp', 'vrrp'];
const protocolName: fc.Arbitrary<string> = weighted([12, pick('tcp', 'udp')], [1, pick('any')], [2, pick(...PORTLESS_PROTOCOLS)], [1, pick('TCP', 'sctp', 'icmp', 'foo', '')]);

/** The value of the simple syntax: `22`, `80/tcp`, `6000:6007/udp`, `http`, `OpenSSH`. */
const simpleValue: fc.Arbitrary<string> = weighted(
  [5, portNumber],
  [5, fc.tuple(portNumber, protocolName).map(([port, protocol]) => `${port}/${protocol}`)],
  [1, portRange],
  [4, fc.tuple(portRange, protocolName).map(([range, protocol]) => `${range}/${protocol}`)],
  [1, portList],
  [3, fc.tuple(portList, protocolName).map(([list, protocol]) => `${list}/${protocol}`)],
  [4, lowerCaseServiceName],
  [3, fc.tuple(serviceName, protocolName).map(([name, protocol]) => `${name}/${protocol}`)],
  [4, profileName],
  [1, pick('22/tcp/udp', '/tcp', '22/', 'any', 'any/tcp', '22 ', 'tcp')],
);

/** A port after `port` in the full syntax: no `/protocol` there. */
const fullPort: fc.Arbitrary<string> = weighted([8, portNumber], [2, portRange], [2, portList], [4, serviceName], [1, pick('22/tcp', 'any')]);

const address: fc.Arbitrary<string> = weighted(
  [6, pick('any')],
  [6, pick('10.0.0.0/8', '192.168.1.10', '203.0.113.0/24', '172.16.0.0/12', '0.0.0.0/0')],
  [2, pick('::/0', '2001:db8::/32', '::1', 'fe80::1', '2001:db8::10/128')],
  [1, pick('300.1.2.3', '10.0.0.0/33', '1.2.3', 'localhost', '10.0.0.01', '2001:db8::/129', 'ANY', '10.1.2.3/255.255.255.0')],
);

const interfaceName = weighted([6, pick('eth0', 'wg0', 'ens3', 'br-lan')], [1, pick('eth0:1', 'a!b', 'averyveryverylongif0', '.', 'eth0/1')]);

const clauseSide = (keyword: 'from' | 'to'): fc.Arbitrary<string[]> =>
  fc.tuple(address, weighted<string[]>([4, fc.constant([])], [6, fullPort.map((port) => ['port', port])], [1, profileName.map((name) => ['app', name])])).map(([where, rest]) => [keyword, where, ...rest]);

/** `[proto P] [from A [port P|app A]] [to A [port P|app A]]` in some order, sometimes damaged. */
const fullClauses: fc.Arbitrary<string[]> = fc
  .tuple(
    weighted<string[]>([2, fc.constant([])], [3, protocolName.map((protocol) => ['proto', protocol])]),
    maybe(clauseSide('from'), 1),
    weighted<string[]>([1, fc.constant([])], [4, clauseSide('to')]),
    fc.boolean(),
    weighted(
      [12, fc.constant('none')],
      [1, pick('drop-last', 'repeat-to', 'typo-keyword', 'port-first', 'add-port', 'swap-value')],
    ),
  )
  .map(([proto, from, to, protoLast, damage]) => {
    let words = protoLast ? [...from, ...to, ...proto] : [...proto, ...from, ...to];
    if (damage === 'drop-last') {
      words = words.slice(0, -1);
    } else if (damage === 'repeat-to') {
      words = [...words, 'to', 'any'];
    } else if (damage === 'typo-keyword' && words.length > 0) {
      const typos: Record<string, string> = { proto: 'protocol', from: 'form', to: 'too', port: 'ports', app: 'application' };
      const index = words.findIndex((word) => typos[word] !== undefined);
      if (index >= 0) {
        words[index] = typos[words[index]];
      }
    } else if (damage === 'port-first') {
      words = ['port', '22', ...words];
    } else if (damage === 'add-port') {
      words = [...words, 'port', '8080'];
    } else if (damage === 'swap-value' && words.length > 1) {
      words = [words[1], words[0], ...words.slice(2)];
    }
    return words;
  });

const comment = maybe(weighted([14, pick('web', 'SSH from the office', 'db 5432')], [1, fc.constant("it's")], [1, fc.constant('')]).map((text) => (text === '' ? ['comment'] : ['comment', text])), 6);
const logging = maybe(pick(['log'], ['log-all'], ['LOG']), 8);

const action: fc.Arbitrary<string> = weighted([10, pick('allow')], [4, pick('deny')], [3, pick('reject', 'limit')], [1, pick('allwo', 'alow', 'Allow', 'DENY', 'permit', 'accept', 'drop', 'rejct')]);

/** Where the rule goes: appended, inserted, prepended, or deleted. */
const placement: fc.Arbitrary<string[]> = weighted(
  [16, fc.constant([])],
  [2, weighted([5, pick(['insert', '1'])], [1, pick(['insert', '2'], ['insert', '0'], ['insert', '-1'], ['insert', 'x'], ['insert', '99'])])],
  [1, pick(['prepend'], ['PREPEND'])],
  [2, pick(['delete'], ['Delete'])],
);

const simpleRule: fc.Arbitrary<string[]> = fc
  .tuple(placement, action, maybe(pick(['in'], ['out'], ['IN']), 5), logging, simpleValue, comment)
  .map(([place, verb, direction, log, value, note]) => [...place, verb, ...direction, ...log, value, ...note]);

const interfaces = (route: boolean): fc.Arbitrary<string[]> =>
  weighted(
    [4, fc.constant([])],
    [2, interfaceName.map((name) => ['in', 'on', name])],
    [1, interfaceName.map((name) => ['out', 'on', name])],
    [route ? 2 : 0, fc.tuple(interfaceName, interfaceName).map(([inside, outside]) => ['in', 'on', inside, 'out', 'on', outside])],
    [1, pick(['in'], ['out'], ['in', 'eth0'])],
  );

const fullRule = (route: boolean): fc.Arbitrary<string[]> =>
  fc
    .tuple(placement, action, interfaces(route), logging, fullClauses, comment)
    .map(([place, verb, side, log, clauses, note]) => [...place, verb, ...side, ...log, ...clauses, ...note]);

const ruleCommand: fc.Arbitrary<string[]> = weighted(
  [10, simpleRule],
  [10, fullRule(false)],
  [2, fullRule(true).map((words) => ['route', ...words])],
  [1, simpleRule.map((words) => ['rule', ...words])],
  [1, simpleRule.map((words) => ['--force', ...words])],
);

const otherCommand: fc.Arbitrary<string[]> = weighted(
  [3, fc.tuple(pick('deny', 'allow', 'reject', 'DENY', 'drop', 'block'), maybe(pick(['incoming'], ['outgoing'], ['routed'], ['input'], ['forward'], ['sideways'], ['in']), 1)).map(([policy, direction]) => ['default', policy, ...direction])],
  [1, pick(['enable'], ['--force', 'enable'], ['status'], ['status', 'verbose'], ['reload'], ['logging', 'on'], ['default'], ['allow'], ['allwo'], ['enabel'])],
);

const argvArbitrary: fc.Arbitrary<string[]> = weighted([20, ruleCommand], [1, otherCommand]);

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

const BARE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument as a POSIX shell reads it back. */
function shellQuote(word: string): string {
  if (BARE_WORD.test(word)) {
    return word;
  }
  if (!word.includes("'")) {
    return `'${word}'`;
  }
  return `"${word.replace(/[\\"$`]/g, (character) => `\\${character}`)}"`;
}

const rendered: fc.Arbitrary<RenderedCase> = fc.tuple(argvArbitrary, weighted([5, fc.constant('')], [1, fc.constant('sudo ')])).map(([argv, prefix]) => ({
  fileName: 'setup.sh',
  text: `#!/bin/sh\n${prefix}ufw ${argv.map(shellQuote).join(' ')}\n`,
  toolInput: argv,
}));

// ---------------------------------------------------------------------------------------------
// The oracle: ufw --dry-run against a private configuration
// ---------------------------------------------------------------------------------------------

const BASELINE_COMMENT = Buffer.from('port-lens-baseline').toString('hex');

function profileFile(): string {
  const sections: string[] = [];
  for (const [name, ports] of UFW_APP_PROFILES) {
    const entries = ports.map(({ port, endPort, protocol }) => `${endPort !== undefined && endPort !== port ? `${port}:${endPort}` : port}${protocol === 'any' ? '' : `/${protocol}`}`);
    sections.push(`[${name}]\ntitle=${name}\ndescription=${name}\nports=${entries.join('|')}\n`);
  }
  return sections.join('\n');
}

/** A user.rules template with one existing rule, which the oracle leaves out of the ports it reports. */
function rulesWithBaseline(template: string, anywhere: string, source: string): string {
  const tuple = `### tuple ### allow tcp 65000 ${anywhere} any ${source} in comment=${BASELINE_COMMENT}\n`;
  return template.replace('### RULES ###\n', `### RULES ###\n${tuple}`);
}

let dataDirectory: string | undefined;

/** /etc for ufw: the host's chains and settings, the package's empty rules templates, our profiles. */
function ufwDataDirectory(): string {
  if (dataDirectory) {
    return dataDirectory;
  }
  const root = mkdtempSync(path.join(tmpdir(), 'port-lens-ufw-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  const ufwDir = path.join(root, 'etc', 'ufw');
  mkdirSync(path.join(ufwDir, 'applications.d'), { recursive: true });
  mkdirSync(path.join(root, 'etc', 'default'), { recursive: true });
  for (const name of ['before.rules', 'after.rules', 'before6.rules', 'after6.rules', 'before.init', 'after.init', 'sysctl.conf', 'ufw.conf']) {
    try {
      writeFileSync(path.join(ufwDir, name), readFileSync(path.join('/etc/ufw', name)));
    } catch {
      // before.init and after.init are optional.
    }
  }
  writeFileSync(path.join(ufwDir, 'user.rules'), rulesWithBaseline(readFileSync('/usr/share/ufw/user.rules', 'utf8'), '0.0.0.0/0', '192.0.2.1'));
  writeFileSync(path.join(ufwDir, 'user6.rules'), rulesWithBaseline(readFileSync('/usr/share/ufw/user6.rules', 'utf8'), '::/0', '2001:db8::1'));
  writeFileSync(path.join(root, 'etc', 'default', 'ufw'), readFileSync('/etc/default/ufw', 'utf8').replace(/^IPV6=.*$/m, 'IPV6=yes'));
  writeFileSync(path.join(ufwDir, 'applications.d', 'port-lens'), profileFile());
  dataDirectory = root;
  return root;
}

/**
 * A port as a comparable key. ufw's protocol `any` means tcp and udp, and Port Lens writes either
 * `any` or the two protocols, so both sides spell `any` as tcp plus udp. Source ports (ufw's SPORT
 * field; Port Lens marks them `firewall.sourcePort`) are compared too, under a `from:` prefix.
 */
function portKeys(protocol: string, port: number, endPort: number | null | undefined, sourcePort: boolean): PortKey[] {
  const protocols = protocol === 'any' ? ['tcp', 'udp'] : [protocol];
  return protocols.map((name) => `${sourcePort ? 'from:' : ''}${portKey(name, port, endPort)}`);
}

/** The ports of a tuple's DPORT or SPORT field: `22`, `80,443`, `6000:6007`, or `any`. */
function tuplePortKeys(protocol: string, field: string, sourcePort: boolean): PortKey[] {
  if (field === 'any') {
    return [];
  }
  return field.split(',').flatMap((item) => {
    const [first, last] = item.split(':').map(Number);
    return portKeys(protocol, first, last, sourcePort);
  });
}

function toolPorts(output: string): PortKey[] | undefined {
  // Under --dry-run ufw assumes no IPv6 rate limiting and leaves those rules out of what it prints.
  if (/^Skipping /m.test(output)) {
    return undefined;
  }
  const ports: PortKey[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('### tuple ### ') || line.includes(`comment=${BASELINE_COMMENT}`)) {
      continue;
    }
    const fields = line.slice('### tuple ### '.length).trim().split(/\s+/);
    const [, protocol, destinationPorts, , sourcePorts] = fields;
    ports.push(...tuplePortKeys(protocol, destinationPorts, false), ...tuplePortKeys(protocol, sourcePorts, true));
  }
  return ports;
}

/**
 * A long-lived Python that has ufw's modules loaded and runs the real `ufw` script in a fresh fork
 * for each command, so a case costs a fork instead of an interpreter start. Its stdout and stderr
 * both go to one file, read back as the case's output.
 */
const DRIVER = `
import json, os, signal, sys, tempfile, traceback
import gc
import ufw.frontend, ufw.backend_iptables, ufw.applications, ufw.parser, ufw.util
TOOL = sys.argv[1]
CODE = compile(open(TOOL).read(), TOOL, 'exec')
# ufw asks iptables for its version on every run; it cannot change between cases.
IPTABLES_VERSION = ufw.util.get_iptables_version(os.path.join(ufw.common.iptables_dir, 'iptables'))
ufw.util.get_iptables_version = lambda executable: IPTABLES_VERSION
# ufw looks up the owner of every directory above its files, a hundred times a run; the answers stay put.
import functools, pwd
pwd.getpwuid = functools.lru_cache(maxsize=None)(pwd.getpwuid)
gc.freeze()
for line in sys.stdin:
    argv = json.loads(line)
    output = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        # A few inputs send ufw's port check into exponential backtracking; give up on them.
        signal.alarm(15)
        os.dup2(output.fileno(), 1)
        os.dup2(output.fileno(), 2)
        sys.argv = [TOOL] + argv
        status = 0
        try:
            exec(CODE, {'__name__': '__main__', '__file__': TOOL, '__builtins__': __builtins__})
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:
            traceback.print_exc()
            status = 1
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(status & 0xff)
    _, waited = os.waitpid(pid, 0)
    output.seek(0)
    text = output.read().decode('utf-8', 'replace')
    output.close()
    sys.stdout.write(json.dumps({'status': os.waitstatus_to_exitcode(waited), 'output': text}) + '\\n')
    sys.stdout.flush()
`;

interface DriverReply {
  readonly status: number | null;
  readonly output: string;
}

class UfwDriver {
  private readonly child: ChildProcessWithoutNullStreams;
  private pending = '';
  private answer: ((reply: DriverReply) => void) | undefined;
  private stderr = '';

  constructor(python: string, tool: string) {
    this.child = spawn(python, ['-c', DRIVER, tool], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C', LC_ALL: 'C' } });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.pending += chunk;
      const newline = this.pending.indexOf('\n');
      if (newline >= 0) {
        const line = this.pending.slice(0, newline);
        this.pending = this.pending.slice(newline + 1);
        this.settle(JSON.parse(line) as DriverReply);
      }
    });
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.on('close', () => this.settle({ status: null, output: `the ufw driver stopped: ${this.stderr.trim().split('\n').pop() ?? ''}` }));
    this.hold(false);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  run(argv: readonly string[]): Promise<DriverReply> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
      this.answer = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.hold(true);
      this.child.stdin.write(`${JSON.stringify(argv)}\n`);
    });
  }

  private settle(reply: DriverReply): void {
    const answer = this.answer;
    this.answer = undefined;
    this.hold(false);
    answer?.(reply);
  }

  /** A driver keeps the test process alive only while it owes an answer; it exits when its stdin closes. */
  private hold(busy: boolean): void {
    for (const handle of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as { ref(): void; unref(): void }[]) {
      if (busy) {
        handle.ref();
      } else {
        handle.unref();
      }
    }
  }
}

const idleDrivers: UfwDriver[] = [];

/** The ufw script and the Python its first line names. */
function ufwCommand(): { python: string; tool: string } {
  const tool = spawnSync('sh', ['-c', 'command -v ufw'], { encoding: 'utf8' }).stdout.trim();
  const firstLine = readFileSync(tool, 'utf8').split('\n', 1)[0];
  const python = firstLine.startsWith('#!') ? firstLine.slice(2).trim().split(/\s+/)[0] : 'python3';
  return { python, tool };
}

let command: { python: string; tool: string } | undefined;

async function runUfw(argv: readonly string[]): Promise<DriverReply> {
  let driver = idleDrivers.pop();
  while (driver && !driver.alive) {
    driver = idleDrivers.pop();
  }
  if (!driver) {
    command ??= ufwCommand();
    driver = new UfwDriver(command.python, command.tool);
  }
  const reply = await driver.run(argv);
  if (driver.alive) {
    idleDrivers.push(driver);
  }
  return reply;
}

/** ufw prints its usage for a command it cannot parse at all, and a traceback when it trips over one. */
function refusalWithoutError(run: DriverReply): string {
  if (run.status === null || run.status < 0) {
    return run.status === null ? run.output : `ufw did not finish (signal ${-run.status})`;
  }
  if (/^Traceback/m.test(run.output)) {
    return `ufw crashed: ${run.output.trim().split('\n').pop() ?? ''}`;
  }
  return /^Usage: /m.test(run.output) ? 'ufw printed its usage' : `ufw exited with ${run.status}`;
}

async function ufwOracle(rendered: RenderedCase): Promise<ToolVerdict> {
  const argv = rendered.toolInput as string[];
  const rest = argv[0]?.toLowerCase() === '--dry-run' ? argv.slice(1) : argv;
  const run = await runUfw(['--dry-run', `--datadir=${ufwDataDirectory()}`, ...rest]);
  const errorLine = /^ERROR: .*$/m.exec(run.output)?.[0];
  if (run.status !== 0 || errorLine) {
    return { accepted: false, message: errorLine ?? refusalWithoutError(run) };
  }
  const ports = toolPorts(run.output);
  return { accepted: true, ...(ports !== undefined ? { ports } : {}) };
}

function ufwLens(rendered: RenderedCase): LensVerdict {
  return lensVerdict(rendered, (analysis) =>
    analysis.references.flatMap((reference) =>
      reference.port === null ? [] : portKeys(reference.protocol, reference.port, reference.endPort, reference.firewall?.sourcePort === true),
    ),
  );
}

export const ufwSpec: ConformanceFormat | undefined = {
  format: 'ufw',
  toolName: 'ufw --dry-run',
  requires: ['ufw'],
  debianPackage: 'ufw',
  arbitrary: rendered,
  oracle: ufwOracle,
  lens: ufwLens,
  comparePorts: true,
  knownDifferences: [
    {
      id: 'insert-position',
      reason:
        'Whether `insert N` fits depends on how many rules the host already has (and, for a rule of one IP version, how many of the other); ' +
        'Port Lens reads the script without that state and only checks that N is a position at all.',
      matches: (rendered, tool, lens) =>
        !tool.accepted && lens.accepted && /^ERROR: Invalid position '\d+'$/.test(tool.message ?? '') && (rendered.toolInput as string[]).some((word) => word.toLowerCase() === 'insert'),
    },
    {
      id: 'profile-not-known',
      reason:
        'Application profiles are files on the host (/etc/ufw/applications.d), and a name Port Lens does not know may be installed there, ' +
        'so Port Lens notes it (unresolved-port) instead of refusing it. The oracle has only the profiles Port Lens knows.',
      matches: (_rendered, tool, lens) => {
        const missing = /^ERROR: Could not find a profile matching '(.*)'$/.exec(tool.message ?? '');
        return !tool.accepted && lens.accepted && missing !== null && findUfwProfile(missing[1]) === undefined;
      },
    },
  ],
};
