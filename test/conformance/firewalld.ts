/**
 * firewalld against `firewall-offline-cmd`: firewall-cmd lines in shell scripts, and zone, policy
 * and service XML files.
 *
 * The oracle runs the real firewall-offline-cmd on a scratch copy of the configuration
 * (`--system-config`, `--default-config`), never on the host's /etc/firewalld. A firewall-cmd line
 * becomes the same options for firewall-offline-cmd (without `--permanent`, which only
 * firewall-cmd takes); both validate through the same firewalld code. An XML file is loaded with
 * `--new-zone-from-file` (`--new-policy-from-file`, `--new-service-from-file`), which reads and
 * checks it as firewalld does at start-up and writes it back normalised.
 *
 * One call of the tool costs about 250 ms, most of it Python importing firewalld. So that 3000
 * cases fit in a couple of minutes, a small Python driver imports the tool's modules once and
 * runs the unmodified tool script in a forked child per case, which also reuses a firewall
 * already started on the pristine configuration (what the tool would load from disk itself). A
 * script's lines run one after another in that child, each seeing what the ones before it changed,
 * as the script would. Each driver has its own scratch directory, reset before every case.
 *
 * The ports the tool ends up with are read from the configuration files it writes (zones,
 * policies, services; services a zone names expanded through the tool's service definitions),
 * after each call, and compared as the set of ports they cover, per protocol: firewalld merges
 * overlapping port ranges, which changes how a port is written but not what it opens. The
 * predefined zones are emptied of their stock services first, so that only what a case adds is
 * there to compare.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import fc from 'fast-check';
import type { ConformanceFormat, KnownDifference, LensVerdict, PortKey, RenderedCase, ToolVerdict } from './harness';
import { lensVerdict } from './harness';
import { firewalldService } from '../../src/core/ports/namedPorts';

// ---------------------------------------------------------------------------------------------
// The oracle: a driver process per concurrent case
// ---------------------------------------------------------------------------------------------

/** What the oracle runs: firewall-offline-cmd argument vectors, and files they read (`@INPUT@/name`). */
interface FirewalldInput {
  readonly steps: readonly (readonly string[])[];
  readonly files?: Readonly<Record<string, string>>;
}

interface DriverStep {
  readonly status: number;
  readonly output: string;
}

interface DriverReply {
  readonly steps: readonly DriverStep[];
  readonly ports: readonly PortKey[];
  readonly error?: string;
}

const DRIVER = String.raw`
import io, json, os, shutil, sys, tempfile
import xml.etree.ElementTree as ET
from gi.repository import GObject
sys.modules['gobject'] = GObject
# What the tool imports, loaded once so each forked call starts with it.
import argparse
import firewall.client, firewall.errors, firewall.config, firewall.functions, firewall.command
import firewall.core.fw as fw_module
import firewall.core.io.functions, firewall.core.io.zone, firewall.core.io.policy, firewall.core.io.service
import firewall.core.io.ipset, firewall.core.io.icmptype, firewall.core.io.helper
from firewall.functions import getPortRange

TOOL = sys.argv[1]
CODE = compile(open(TOOL).read(), TOOL, 'exec')
BASE = tempfile.mkdtemp(prefix='port-lens-firewalld-')
PRISTINE = os.path.join(BASE, 'etc.pristine')
SYSTEM = os.path.join(BASE, 'etc')
DEFAULTS = os.path.join(BASE, 'lib')
INPUT = os.path.join(BASE, 'input')
OPENING = {'service', 'port', 'source-port', 'forward-port', 'rule', 'protocol'}

shutil.copytree(firewall.config.ETC_FIREWALLD, PRISTINE)
shutil.copytree(firewall.config.USR_LIB_FIREWALLD, DEFAULTS)
for kind in ('zones', 'policies'):
    directory = os.path.join(DEFAULTS, kind)
    for name in os.listdir(directory) if os.path.isdir(directory) else []:
        path = os.path.join(directory, name)
        tree = ET.parse(path)
        for child in list(tree.getroot()):
            if child.tag in OPENING:
                tree.getroot().remove(child)
        tree.write(path, encoding='utf-8', xml_declaration=True)

def reset():
    shutil.rmtree(SYSTEM, ignore_errors=True)
    shutil.copytree(PRISTINE, SYSTEM)
    shutil.rmtree(INPUT, ignore_errors=True)
    os.mkdir(INPUT)

reset()
firewall.config.set_system_config_paths(SYSTEM)
firewall.config.set_default_config_paths(DEFAULTS)
STARTED = fw_module.Firewall(offline=True)
STARTED.start()

# Calls reuse the started firewall; what a case adds lives in its user objects (the predefined
# ones are copied before a change), so emptying those puts the firewall back as started.
USER_OBJECTS = ('_zones', '_policy_objects', '_services', '_icmptypes', '_ipsets', '_helpers')
STARTED.start = lambda *args, **kwargs: None
fw_module.Firewall = lambda *args, **kwargs: STARTED
DRIVER_OUT = os.dup(1)
DRIVER_ERR = os.dup(2)

def run_step(argv):
    """One call of the tool: its exit status and what it printed."""
    out = tempfile.TemporaryFile()
    os.dup2(out.fileno(), 1)
    os.dup2(out.fileno(), 2)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, 'wb', closefd=False), write_through=True)
    sys.stderr = sys.stdout
    sys.argv = [TOOL, '--system-config=' + SYSTEM, '--default-config=' + DEFAULTS] + argv
    code = 0
    try:
        exec(CODE, {'__name__': '__main__', '__file__': TOOL, '__builtins__': __builtins__})
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException as error:
        try:
            sys.excepthook(type(error), error, error.__traceback__)
            code = 1
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
    try:
        sys.stdout.flush()
    except Exception:
        pass
    out.seek(0)
    return {'status': code & 0xff, 'output': out.read().decode('utf-8', 'replace')}

def run_case(steps):
    """The case's calls, one after another, each seeing what the ones before it changed."""
    for name in USER_OBJECTS:
        setattr(STARTED.config, name, {})
    results = []
    keys = set()
    try:
        for argv in steps:
            results.append(run_step([arg.replace('@INPUT@', INPUT) for arg in argv]))
            written_ports(keys)
    finally:
        os.dup2(DRIVER_OUT, 1)
        os.dup2(DRIVER_ERR, 2)
        sys.stdout = REPLIES
        sys.stderr = sys.__stderr__
    keys.discard(None)
    return {'steps': results, 'ports': sorted(keys)}

def port_key(port, protocol):
    ports = getPortRange(port or '')
    if not isinstance(ports, (tuple, list)) or protocol not in ('tcp', 'udp', 'sctp', 'dccp'):
        return None
    return protocol + '/' + '-'.join(str(p) for p in ports)

def service_ports(name, keys, seen):
    if name in seen:
        return
    seen.add(name)
    for directory in (SYSTEM, DEFAULTS):
        path = os.path.join(directory, 'services', name + '.xml')
        if os.path.exists(path):
            root = ET.parse(path).getroot()
            for child in root:
                if child.tag in ('port', 'source-port'):
                    keys.add(port_key(child.get('port'), child.get('protocol')))
                elif child.tag == 'include':
                    service_ports(child.get('service'), keys, seen)
            return

def element_ports(element, keys):
    tag = element.tag
    if tag in ('port', 'source-port'):
        keys.add(port_key(element.get('port'), element.get('protocol')))
    elif tag == 'forward-port':
        keys.add(port_key(element.get('port'), element.get('protocol')))
        if element.get('to-port'):
            keys.add(port_key(element.get('to-port'), element.get('protocol')))
    elif tag == 'service' and element.get('name'):
        service_ports(element.get('name'), keys, set())

def written_ports(keys):
    for kind in ('zones', 'policies', 'services'):
        directory = os.path.join(SYSTEM, kind)
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            if not name.endswith('.xml'):
                continue
            root = ET.parse(os.path.join(directory, name)).getroot()
            for child in root:
                if kind == 'services':
                    if child.tag in ('port', 'source-port'):
                        element_ports(child, keys)
                elif child.tag == 'rule':
                    for part in child:
                        element_ports(part, keys)
                else:
                    element_ports(child, keys)

REPLIES = io.TextIOWrapper(os.fdopen(DRIVER_OUT, 'wb', closefd=False), write_through=True)
for line in sys.stdin:
    request = json.loads(line)
    try:
        reset()
        for name, text in request.get('files', {}).items():
            with open(os.path.join(INPUT, name), 'w', encoding='utf-8') as handle:
                handle.write(text)
        reply = run_case(request['steps'])
    except Exception as error:
        reply = {'steps': [], 'ports': [], 'error': repr(error)}
    REPLIES.write(json.dumps(reply) + '\n')
    REPLIES.flush()
shutil.rmtree(BASE, ignore_errors=True)
`;

/** One long-lived driver; it reads a request line and answers with one line. */
class Driver {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiting: ((reply: DriverReply) => void) | undefined;

  constructor(python: string, tool: string) {
    this.child = spawn(python, ['-c', DRIVER, tool], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffer += chunk;
      const newline = this.buffer.indexOf('\n');
      if (newline >= 0 && this.waiting) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        const resolve = this.waiting;
        this.waiting = undefined;
        this.idle();
        resolve(JSON.parse(line) as DriverReply);
      }
    });
    let stderr = '';
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    this.child.on('close', () => {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve?.({ steps: [], ports: [], error: `the firewall-offline-cmd driver stopped: ${stderr.trim().split('\n').pop() ?? ''}` });
    });
    this.idle();
  }

  ask(input: FirewalldInput, timeoutMs: number): Promise<DriverReply> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
      }, timeoutMs);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.busy();
      this.child.stdin.write(`${JSON.stringify(input)}\n`);
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** An idle driver must not keep the test process alive; it exits when its stdin closes. */
  private idle(): void {
    this.child.unref();
    (this.child.stdout as unknown as { unref(): void }).unref();
    (this.child.stderr as unknown as { unref(): void }).unref();
    (this.child.stdin as unknown as { unref(): void }).unref();
  }

  private busy(): void {
    this.child.ref();
    (this.child.stdout as unknown as { ref(): void }).ref();
    (this.child.stderr as unknown as { ref(): void }).ref();
    (this.child.stdin as unknown as { ref(): void }).ref();
  }
}

const idleDrivers: Driver[] = [];
let toolCommand: { python: string; tool: string } | undefined;

/** The tool's path and the Python its first line names (the one with firewalld's modules). */
function findTool(): { python: string; tool: string } {
  if (!toolCommand) {
    const tool = spawnSync('sh', ['-c', 'command -v firewall-offline-cmd'], { encoding: 'utf8' }).stdout.trim();
    const shebang = spawnSync('head', ['-n', '1', tool], { encoding: 'utf8' }).stdout.trim();
    const python = shebang.startsWith('#!') ? shebang.slice(2).trim().split(/\s+/)[0] : 'python3';
    toolCommand = { python, tool };
  }
  return toolCommand;
}

async function askTool(input: FirewalldInput): Promise<DriverReply> {
  let driver = idleDrivers.pop();
  while (driver && !driver.alive) {
    driver = idleDrivers.pop();
  }
  if (!driver) {
    const { python, tool } = findTool();
    driver = new Driver(python, tool);
  }
  const reply = await driver.ask(input, 60_000);
  if (driver.alive) {
    idleDrivers.push(driver);
  }
  return reply;
}

/**
 * firewalld reports a rule it drops from an XML file, or a value it refuses there, as a warning and
 * loads the rest; such a file does not do what it says, so the warning counts as a refusal. Notes
 * about duplicates and deprecated attributes do not.
 */
const HARMLESS_WARNING = /ALREADY_ENABLED|NOT_ENABLED|already set|Ignoring deprecated/;

function refusal(step: DriverStep): string | undefined {
  if (step.status !== 0) {
    return step.output.trim() || `exit status ${step.status}`;
  }
  const warning = step.output.split('\n').find((line) => /^WARNING:/i.test(line) && !HARMLESS_WARNING.test(line));
  return warning;
}

async function firewalldOracle(rendered: RenderedCase): Promise<ToolVerdict> {
  const reply = await askTool(rendered.toolInput as FirewalldInput);
  if (reply.error !== undefined) {
    throw new Error(reply.error);
  }
  for (const step of reply.steps) {
    const message = refusal(step);
    if (message !== undefined) {
      return { accepted: false, message };
    }
  }
  return { accepted: true, ports: coveredPorts(reply.ports) };
}

/** Ports as the ranges they cover per protocol, overlapping and adjacent ranges merged. */
export function coveredPorts(keys: readonly PortKey[]): PortKey[] {
  const byProtocol = new Map<string, [number, number][]>();
  for (const key of keys) {
    const [protocol, ports] = key.split('/');
    const [first, last = first] = ports.split('-').map(Number);
    const ranges = byProtocol.get(protocol) ?? [];
    ranges.push([first, last]);
    byProtocol.set(protocol, ranges);
  }
  const covered: PortKey[] = [];
  for (const [protocol, ranges] of byProtocol) {
    ranges.sort((a, b) => a[0] - b[0]);
    let [start, end] = ranges[0];
    for (const [first, last] of ranges.slice(1)) {
      if (first <= end + 1) {
        end = Math.max(end, last);
      } else {
        covered.push(`${protocol}/${start === end ? start : `${start}-${end}`}`);
        [start, end] = [first, last];
      }
    }
    covered.push(`${protocol}/${start === end ? start : `${start}-${end}`}`);
  }
  return covered.sort();
}

function firewalldLens(rendered: RenderedCase): LensVerdict {
  const verdict = lensVerdict(rendered);
  return { ...verdict, ports: coveredPorts(verdict.ports) };
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

const ZONES = ['public', 'internal', 'dmz', 'work', 'home', 'external', 'trusted', 'block', 'drop'];
/** Predefined services, with a few whose includes or source ports matter. */
const SERVICES = [
  'ssh', 'http', 'https', 'dns', 'dhcpv6-client', 'mdns', 'samba', 'samba-client', 'nfs', 'nfs3', 'mysql', 'postgresql',
  'redis', 'kerberos', 'freeipa-ldap', 'freeipa-4', 'vnc-server', 'ipsec', 'llmnr-client', 'upnp-client', 'docker-swarm',
  'kube-apiserver', 'kube-control-plane', 'ceph', 'RH-Satellite-6', 'cockpit', 'prometheus', 'wireguard', 'gre', 'ws-discovery',
];
const UNKNOWN_SERVICES = ['htpp', 'SSH', 'no-such-service'];

/** Mostly `valid`, sometimes one of the mistakes (the weights keep about a third to a half of the cases refused). */
function mostly<T>(valid: fc.Arbitrary<T>, mistakes: fc.Arbitrary<T>, mistakeWeight = 1, validWeight = 12): fc.Arbitrary<T> {
  return fc.oneof({ weight: validWeight, arbitrary: valid }, { weight: mistakeWeight, arbitrary: mistakes });
}

/** `arbitrary` once in `oneIn` cases, else undefined. */
function rarely<T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

const commonPort = fc.constantFrom(22, 53, 80, 443, 631, 3306, 5432, 8080, 8443, 9090, 51820);
const anyPort = fc.integer({ min: 1, max: 65535 });
const validPort = fc.oneof({ weight: 4, arbitrary: commonPort }, { weight: 4, arbitrary: anyPort }, { weight: 1, arbitrary: fc.constant(0) });
const bigPort = fc.constantFrom(65536, 70000, 99999, 123456);

/** A port or range as firewall-cmd takes it: numbers, ranges, /etc/services names and near misses. */
const portValue: fc.Arbitrary<string> = mostly(
  fc.oneof(
    { weight: 10, arbitrary: validPort.map(String) },
    { weight: 5, arbitrary: fc.tuple(validPort, validPort).filter(([a, b]) => a !== b).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`) },
    { weight: 1, arbitrary: fc.tuple(anyPort, anyPort).filter(([a, b]) => a !== b).map(([a, b]) => `${Math.max(a, b)}-${Math.min(a, b)}`) },
    { weight: 1, arbitrary: validPort.map((port) => `${port}-${port}`) },
    { weight: 3, arbitrary: fc.constantFrom('http', 'https', 'ssh', 'domain', 'ntp', 'syslog', 'http-alt', 'ftp-data', 'ftp-ssh', 'postgresql', 'kerberos') },
    { weight: 1, arbitrary: fc.constantFrom('080', '+80', '1_000', ' 80') },
  ),
  fc.oneof(
    { weight: 3, arbitrary: bigPort.map(String) },
    { weight: 1, arbitrary: fc.tuple(anyPort, bigPort).map(([a, b]) => `${a}-${b}`) },
    { weight: 2, arbitrary: fc.constantFrom('HTTP', 'nosuchservice', 'mongodb', 'docker', 'minecraft', 'http-https') },
    { weight: 3, arbitrary: fc.constantFrom('', '80-', '-80', '80--90', '8o', '80.0', '0x50', '80-90-100', '1,2') },
  ),
  1,
  11,
);
const protocolValue: fc.Arbitrary<string> = mostly(
  fc.oneof({ weight: 12, arbitrary: fc.constantFrom('tcp', 'udp') }, { weight: 2, arbitrary: fc.constantFrom('sctp', 'dccp') }),
  fc.constantFrom('TCP', 'tpc', 'icmp', '', 'any', 'tcp '),
  1,
  25,
);
/** `port/protocol`, sometimes without the protocol or with too many slashes. */
const portOption: fc.Arbitrary<string> = mostly(
  fc.tuple(portValue, protocolValue).map(([port, protocol]) => `${port}/${protocol}`),
  fc.oneof(portValue, fc.tuple(portValue, protocolValue).map(([port, protocol]) => `${port}/${protocol}/tcp`)),
  1,
  30,
);

const address4 = mostly(fc.constantFrom('10.0.0.1', '192.168.1.20', '172.16.0.5', '127.0.0.1'), fc.constantFrom('10.0.0.300', '10.0.0', 'host.example', '10.0.0.1/24', ''), 1, 20);
const address6 = mostly(fc.constantFrom('fe80::1', '2001:db8::10', '::1', '[2001:db8::1]'), fc.constantFrom('2001:db8::g', 'fe80::1%eth0'), 1, 10);
const toAddress = fc.oneof({ weight: 4, arbitrary: address4 }, { weight: 1, arbitrary: address6 });

/** `port=80:proto=tcp:toport=8080:toaddr=10.0.0.1`, with parts missing, misspelt or reordered. */
const forwardOption: fc.Arbitrary<string> = fc
  .record({
    port: portValue,
    proto: protocolValue,
    destination: fc.constantFrom('port', 'port', 'address', 'both', 'both'),
    toport: portValue,
    toaddr: toAddress,
    reversed: fc.boolean(),
    mistake: rarely(fc.constantFrom('no-port', 'no-proto', 'no-destination', 'to=10.0.0.1', 'if=eth0', 'toport'), 25),
  })
  .map(({ port, proto, destination, toport, toaddr, reversed, mistake }) => {
    const parts = [
      mistake === 'no-port' ? undefined : `port=${port}`,
      mistake === 'no-proto' ? undefined : `proto=${proto}`,
      mistake !== 'no-destination' && destination !== 'address' ? `toport=${toport}` : undefined,
      mistake !== 'no-destination' && destination !== 'port' ? `toaddr=${toaddr}` : undefined,
      mistake !== undefined && mistake.includes('=') ? mistake : mistake === 'toport' ? 'toport' : undefined,
    ].filter((part): part is string => part !== undefined);
    return (reversed ? parts.reverse() : parts).join(':');
  });

/** `name="value"`, `name=value` or `name='value'`: the rich language reads all three the same. */
const quoted = (name: string, value: string, style: number): string => (style === 0 ? `${name}="${value}"` : style === 1 ? `${name}=${value}` : `${name}='${value}'`);

const RULE_MISTAKES = [
  'no-family', 'family-ipv5', 'priority-too-big', 'priority-word', 'no-action', 'two-matches', 'bad-limit', 'bad-log-level',
  'reject-type', 'unknown-element', 'unknown-attribute', 'no-rule', 'bad-address', 'open-quote', 'action-on-forward', 'mac-source',
  'limit-before-action',
] as const;
type RuleMistake = (typeof RULE_MISTAKES)[number];

/** A rich rule's parts; rendered as firewall-cmd's rich language or as zone XML. */
interface RuleParts {
  readonly priority?: string;
  readonly ipv6: boolean;
  readonly source?: { readonly kind: 'address' | 'mac'; readonly value: string; readonly not: boolean };
  readonly destination?: { readonly value: string; readonly not: boolean };
  readonly match: { readonly kind: 'port' | 'source-port' | 'service' | 'forward-port' | 'protocol' | 'icmp-block' | 'none'; readonly port: string; readonly protocol: string; readonly name: string; readonly toPort?: string; readonly toAddr?: string };
  readonly log?: 'log' | 'log-prefix' | 'audit' | 'log-limit';
  readonly action: 'accept' | 'drop' | 'reject' | 'reject-type' | 'accept-limit' | 'mark';
  readonly quoting: number;
  readonly mistake?: RuleMistake;
}

const ruleParts: fc.Arbitrary<RuleParts> = fc
  .record({
    priority: rarely(fc.constantFrom('-5', '10', '32767'), 8),
    ipv6: fc.boolean(),
    source: rarely(fc.record({ kind: fc.constantFrom('address', 'address', 'address', 'mac') as fc.Arbitrary<'address' | 'mac'>, value: fc.constantFrom('network', 'host') }), 2),
    sourceNot: fc.boolean(),
    destination: rarely(fc.record({ value: fc.constant('host'), not: fc.boolean() }), 6),
    match: fc.record({
      kind: fc.oneof(
        { weight: 8, arbitrary: fc.constant('port' as const) },
        { weight: 2, arbitrary: fc.constant('source-port' as const) },
        { weight: 3, arbitrary: fc.constant('service' as const) },
        { weight: 2, arbitrary: fc.constant('forward-port' as const) },
        { weight: 1, arbitrary: fc.constantFrom('protocol' as const, 'icmp-block' as const, 'none' as const) },
      ),
      port: portValue,
      protocol: protocolValue,
      name: mostly(fc.constantFrom(...SERVICES.slice(0, 12)), fc.constantFrom(...UNKNOWN_SERVICES), 1, 40),
      toPort: rarely(portValue, 3),
      toAddr: rarely(fc.constant('10.0.0.7'), 2),
    }),
    log: rarely(fc.constantFrom('log', 'log-prefix', 'audit', 'log-limit') as fc.Arbitrary<NonNullable<RuleParts['log']>>, 5),
    action: fc.constantFrom('accept', 'accept', 'accept', 'drop', 'reject', 'reject-type', 'accept-limit', 'mark') as fc.Arbitrary<RuleParts['action']>,
    quoting: fc.nat(2),
    mistake: rarely(fc.constantFrom(...RULE_MISTAKES), 4),
  })
  .map(({ sourceNot, source, ...parts }) => ({ ...parts, ...(source ? { source: { ...source, not: sourceNot && source.kind === 'address' } } : {}) }));

const needsFamily = (parts: RuleParts): boolean =>
  (parts.source?.kind === 'address') || parts.destination !== undefined || parts.match.kind === 'forward-port' || parts.action === 'reject-type';

const sourceAddress = (parts: RuleParts, value: string): string =>
  parts.mistake === 'bad-address' ? (parts.ipv6 ? '2001:db8::/129' : '10.0.0.0/33') : parts.ipv6 ? (value === 'network' ? '2001:db8::/32' : '2001:db8::5') : value === 'network' ? '10.0.0.0/8' : '10.1.2.3';

/** The rule in firewall-cmd's rich language. */
function richRuleText(parts: RuleParts): string {
  const q = (name: string, value: string) => quoted(name, value, parts.quoting);
  const words: string[] = [parts.mistake === 'no-rule' ? '' : 'rule'];
  if (parts.priority !== undefined || parts.mistake === 'priority-too-big' || parts.mistake === 'priority-word') {
    words.push(q('priority', parts.mistake === 'priority-too-big' ? '40000' : parts.mistake === 'priority-word' ? 'high' : (parts.priority as string)));
  }
  if (parts.mistake === 'family-ipv5') {
    words.push(q('family', 'ipv5'));
  } else if (parts.mistake !== 'no-family' && (needsFamily(parts) || parts.priority !== undefined)) {
    words.push(q('family', parts.ipv6 ? 'ipv6' : 'ipv4'));
  }
  if (parts.source || parts.mistake === 'mac-source') {
    const source = parts.source ?? { kind: 'mac', value: 'host', not: false };
    words.push('source', ...(source.not ? ['not'] : []), source.kind === 'mac' ? q('mac', parts.mistake === 'mac-source' ? '00:11:22:33:44' : '00:11:22:33:44:55') : q('address', sourceAddress(parts, source.value)));
  }
  if (parts.destination) {
    words.push('destination', ...(parts.destination.not ? ['not'] : []), q('address', parts.ipv6 ? '2001:db8::10' : '192.168.1.10'));
  }
  const match = parts.match;
  const protocolAttribute = parts.mistake === 'unknown-attribute' ? 'proto' : 'protocol';
  switch (match.kind) {
    case 'port':
    case 'source-port':
      words.push(match.kind, q('port', match.port), q(protocolAttribute, match.protocol));
      break;
    case 'service':
      words.push('service', q('name', match.name));
      break;
    case 'forward-port':
      words.push('forward-port', q('port', match.port), q(protocolAttribute, match.protocol));
      if (match.toPort !== undefined || match.toAddr === undefined) {
        words.push(q('to-port', match.toPort ?? '8080'));
      }
      if (match.toAddr !== undefined) {
        words.push(q('to-addr', parts.ipv6 ? '2001:db8::7' : match.toAddr));
      }
      break;
    case 'protocol':
      words.push('protocol', q('value', 'gre'));
      break;
    case 'icmp-block':
      words.push('icmp-block', q('name', parts.mistake === 'bad-address' ? 'echo-requests' : 'echo-request'));
      break;
  }
  if (parts.mistake === 'two-matches') {
    words.push('service', q('name', 'ssh'));
  }
  if (parts.log === 'log' || parts.log === 'log-prefix' || parts.log === 'log-limit' || parts.mistake === 'bad-log-level') {
    words.push('log', ...(parts.log === 'log-prefix' ? [q('prefix', 'fw'), q('level', 'info')] : []), ...(parts.mistake === 'bad-log-level' ? [q('level', 'loud')] : []));
    if (parts.log === 'log-limit') {
      words.push('limit', q('value', '3/m'));
    }
  } else if (parts.log === 'audit') {
    words.push('audit');
  }
  const selfActing = match.kind === 'forward-port' || match.kind === 'icmp-block';
  if (parts.mistake === 'limit-before-action') {
    // firewalld hands a limit read between elements to the next element that takes one.
    words.push('limit', q('value', parts.ipv6 ? '10/x' : '10/m'));
  }
  if ((!selfActing || parts.mistake === 'action-on-forward') && parts.mistake !== 'no-action') {
    words.push(
      parts.mistake === 'unknown-element'
        ? 'allow'
        : parts.action === 'reject-type'
          ? `reject ${q('type', parts.ipv6 ? 'icmp6-adm-prohibited' : 'icmp-host-prohibited')}`
          : parts.action === 'accept-limit'
            ? `accept limit ${q('value', parts.mistake === 'bad-limit' ? '10/x' : '10/m')}`
            : parts.action === 'mark'
              ? `mark ${q('set', '0x10')}`
              : parts.action,
    );
  }
  const text = words.filter((word) => word !== '').join(' ');
  return parts.mistake === 'open-quote' ? `${text} log prefix="open` : text;
}

/** One firewall-cmd option with its value, as the tool's argument and as written in the script. */
interface CommandOption {
  readonly name: string;
  readonly value: string;
}

const serviceName = mostly(fc.constantFrom(...SERVICES), fc.constantFrom(...UNKNOWN_SERVICES), 1, 60);

/** The value for each kind of option, keyed by option name. */
const optionValues: Readonly<Record<string, fc.Arbitrary<string>>> = {
  '--add-port': portOption,
  '--remove-port': portOption,
  '--add-source-port': portOption,
  '--add-service': serviceName,
  '--add-forward-port': forwardOption,
  '--add-rich-rule': ruleParts.map(richRuleText),
  '--remove-rich-rule': ruleParts.map(richRuleText),
  '--add-source': mostly(fc.constantFrom('10.0.0.0/8', '192.168.1.0/24', '10.1.2.3', '2001:db8::/32', '00:11:22:33:44:55'), fc.constantFrom('10.0.0.0/33', 'not-an-address', '10.0.0.0/'), 1, 10),
};
const optionName = fc.oneof(
  { weight: 10, arbitrary: fc.constant('--add-port') },
  { weight: 1, arbitrary: fc.constant('--remove-port') },
  { weight: 2, arbitrary: fc.constant('--add-source-port') },
  { weight: 4, arbitrary: fc.constant('--add-service') },
  { weight: 4, arbitrary: fc.constant('--add-forward-port') },
  { weight: 6, arbitrary: fc.constant('--add-rich-rule') },
  { weight: 1, arbitrary: fc.constant('--remove-rich-rule') },
  { weight: 1, arbitrary: fc.constant('--add-source') },
);

/** One or two options: the same kind twice is fine, two kinds in one call is a mistake firewall-cmd refuses. */
const commandOptions: fc.Arbitrary<CommandOption[]> = fc
  .tuple(optionName, fc.nat(19), optionName)
  .chain(([name, shape, other]) => {
    const count = shape < 15 ? 1 : 2;
    const second = shape === 19 ? other : name;
    const names = count === 1 ? [name] : [name, second];
    return fc.tuple(...names.map((option) => optionValues[option].map((value) => ({ name: option, value }))));
  });

interface CommandLine {
  readonly program: 'firewall-cmd' | 'firewall-offline-cmd';
  readonly permanent: boolean;
  readonly zone?: string;
  readonly zoneSeparate: boolean;
  readonly options: readonly CommandOption[];
}

const commandLine: fc.Arbitrary<CommandLine> = fc.record({
  program: fc.constantFrom('firewall-cmd', 'firewall-cmd', 'firewall-offline-cmd') as fc.Arbitrary<CommandLine['program']>,
  permanent: fc.boolean(),
  zone: fc.oneof({ weight: 2, arbitrary: mostly(fc.constantFrom(...ZONES), fc.constant('nosuchzone'), 1, 80) }, { weight: 1, arbitrary: fc.constant(undefined) }),
  zoneSeparate: fc.boolean(),
  options: commandOptions,
});

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

function shellQuote(text: string): string {
  return SAFE_WORD.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function renderCommand(line: CommandLine, offlinePermanent: boolean): { text: string; argv: string[] } {
  const words: string[] = [line.program];
  const argv: string[] = [];
  if (line.permanent && (line.program === 'firewall-cmd' || offlinePermanent)) {
    words.push('--permanent');
    if (line.program === 'firewall-offline-cmd') {
      argv.push('--permanent');
    }
  }
  if (line.zone !== undefined) {
    words.push(...(line.zoneSeparate ? ['--zone', shellQuote(line.zone)] : [`--zone=${shellQuote(line.zone)}`]));
    argv.push(`--zone=${line.zone}`);
  }
  for (const option of line.options) {
    words.push(`${option.name}=${shellQuote(option.value)}`);
    argv.push(`${option.name}=${option.value}`);
  }
  return { text: words.join(' '), argv };
}

const scriptCase: fc.Arbitrary<RenderedCase> = fc
  .tuple(fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.constant(2) }, { weight: 1, arbitrary: fc.constant(3) }), fc.nat(59))
  .chain(([count, offlinePermanent]) => fc.tuple(fc.array(commandLine, { minLength: count, maxLength: count }), fc.constant(offlinePermanent === 0)))
  .map(([lines, offlinePermanent]) => {
    const rendered = lines.map((line) => renderCommand(line, offlinePermanent));
    const input: FirewalldInput = { steps: rendered.map((line) => line.argv) };
    return { fileName: 'setup.sh', text: `#!/bin/sh\nset -e\n${rendered.map((line) => line.text).join('\n')}\n`, toolInput: input };
  });

/** A service or zone the script itself creates, then fills (and, for a service, uses). */
const definitionCase: fc.Arbitrary<RenderedCase> = fc
  .record({ kind: fc.constantFrom('service', 'zone'), port: portOption, use: fc.boolean() })
  .map(({ kind, port, use }) => {
    const steps =
      kind === 'service'
        ? [['--new-service=myapp'], ['--service=myapp', `--add-port=${port}`], ...(use ? [['--zone=public', '--add-service=myapp']] : [])]
        : [['--new-zone=myzone'], ['--zone=myzone', `--add-port=${port}`]];
    const text = steps.map((argv) => ['firewall-cmd', '--permanent', ...argv.map((word) => word.replace(/=(.*)$/, (_all, value: string) => `=${shellQuote(value)}`))].join(' ')).join('\n');
    return { fileName: 'setup.sh', text: `#!/bin/sh\nset -e\n${text}\n`, toolInput: { steps } satisfies FirewalldInput };
  });

// XML files ------------------------------------------------------------------------------------

const attr = (name: string, value: string | undefined): string => (value === undefined ? '' : ` ${name}="${value}"`);

const xmlPort = fc
  .record({
    tag: fc.constantFrom('port', 'port', 'port', 'source-port'),
    port: portValue,
    protocol: protocolValue,
    missing: rarely(fc.constantFrom('port', 'protocol'), 40),
  })
  .map(({ tag, port, protocol, missing }) => `<${tag}${attr('port', missing === 'port' ? undefined : port)}${attr('protocol', missing === 'protocol' ? undefined : protocol)}/>`);

const xmlForward = fc
  .record({ port: portValue, protocol: protocolValue, destination: fc.constantFrom('port', 'port', 'port', 'address', 'address', 'both', 'both', 'none'), toPort: portValue, toAddr: toAddress })
  .map(({ port, protocol, destination, toPort, toAddr }) =>
    `<forward-port${attr('port', port)}${attr('protocol', protocol)}${attr('to-port', destination === 'port' || destination === 'both' ? toPort : undefined)}${attr('to-addr', destination === 'address' || destination === 'both' ? toAddr : undefined)}/>`,
  );

const xmlService = serviceName.map((name) => `<service name="${name}"/>`);

/** The same rule parts as zone XML. */
function xmlRuleText(parts: RuleParts): string {
  const family = parts.mistake === 'family-ipv5' ? 'ipv5' : parts.mistake !== 'no-family' && (needsFamily(parts) || parts.priority !== undefined) ? (parts.ipv6 ? 'ipv6' : 'ipv4') : undefined;
  const priority = parts.mistake === 'priority-too-big' ? '40000' : parts.priority;
  const children: string[] = [];
  if (parts.source) {
    children.push(parts.source.kind === 'mac' ? `<source mac="00:11:22:33:44:55"/>` : `<source${attr('address', sourceAddress(parts, parts.source.value))}${parts.source.not ? ' invert="True"' : ''}/>`);
  }
  if (parts.destination) {
    children.push(`<destination address="${parts.ipv6 ? '2001:db8::10' : '192.168.1.10'}"/>`);
  }
  const match = parts.match;
  switch (match.kind) {
    case 'port':
    case 'source-port':
      children.push(`<${match.kind}${attr('port', match.port)}${attr('protocol', match.protocol)}/>`);
      break;
    case 'service':
      children.push(`<service name="${match.name}"/>`);
      break;
    case 'forward-port':
      children.push(`<forward-port${attr('port', match.port)}${attr('protocol', match.protocol)}${attr('to-port', match.toPort ?? (match.toAddr === undefined ? '8080' : undefined))}${attr('to-addr', match.toAddr !== undefined ? (parts.ipv6 ? '2001:db8::7' : match.toAddr) : undefined)}/>`);
      break;
    case 'protocol':
      children.push('<protocol value="gre"/>');
      break;
    case 'icmp-block':
      children.push(`<icmp-block name="${parts.mistake === 'bad-address' ? 'echo-requests' : 'echo-request'}"/>`);
      break;
  }
  if (parts.mistake === 'two-matches') {
    children.push('<service name="ssh"/>');
  }
  if (parts.log === 'log-prefix' || parts.mistake === 'bad-log-level') {
    children.push(`<log prefix="fw" level="${parts.mistake === 'bad-log-level' ? 'loud' : 'info'}"/>`);
  } else if (parts.log === 'log' || parts.log === 'log-limit') {
    children.push(parts.log === 'log-limit' ? '<log><limit value="3/m"/></log>' : '<log/>');
  } else if (parts.log === 'audit') {
    children.push('<audit/>');
  }
  const selfActing = match.kind === 'forward-port' || match.kind === 'icmp-block';
  if ((!selfActing || parts.mistake === 'action-on-forward') && parts.mistake !== 'no-action') {
    children.push(
      parts.mistake === 'unknown-element'
        ? '<allow/>'
        : parts.action === 'reject-type'
          ? `<reject type="${parts.ipv6 ? 'icmp6-adm-prohibited' : 'icmp-host-prohibited'}"/>`
          : parts.action === 'accept-limit'
            ? `<accept><limit value="${parts.mistake === 'bad-limit' ? '10/x' : '10/m'}"/></accept>`
            : parts.action === 'mark'
              ? '<mark set="0x10"/>'
              : `<${parts.action}/>`,
    );
  }
  return `<rule${attr('family', family)}${attr('priority', priority)}>${children.join('')}</rule>`;
}

const xmlMistake = fc.constantFrom('<port port="22" protocol="tcp" zone="x"/>', '<bogus/>', '<service/>', '<source address="10.0.0.0/33"/>', '<source invert="yes" address="10.0.0.0/8"/>');
const xmlHarmless = fc.constantFrom('<interface name="eth0"/>', '<source address="10.0.0.0/8"/>', '<forward/>', '<masquerade/>', '<description>web servers</description>');

const zoneChild = fc.oneof(
  { weight: 8, arbitrary: xmlPort },
  { weight: 3, arbitrary: xmlService },
  { weight: 3, arbitrary: xmlForward },
  { weight: 4, arbitrary: ruleParts.map(xmlRuleText) },
  { weight: 1, arbitrary: xmlHarmless },
);

const zoneCase: fc.Arbitrary<RenderedCase> = fc
  .record({
    kind: fc.constantFrom('zone', 'zone', 'zone', 'policy', 'service'),
    name: fc.constantFrom('web', 'backend', 'lan'),
    target: rarely(mostly(fc.constantFrom('ACCEPT', '%%REJECT%%', 'DROP', 'default'), fc.constantFrom('REJECT', 'allow'), 1, 12), 3),
    policyTarget: mostly(fc.constantFrom('CONTINUE', 'ACCEPT', 'DROP', 'REJECT'), fc.constantFrom('%%REJECT%%', 'allow'), 1, 12),
    egress: fc.constantFrom('HOST', 'ANY', 'public'),
    children: fc.array(zoneChild, { minLength: 1, maxLength: 4 }),
    mistake: rarely(xmlMistake, 12),
    declaration: fc.boolean(),
  })
  .map(({ kind, name, target, policyTarget, egress, children, mistake, declaration }) => {
    let body = mistake !== undefined ? [...children, mistake] : children;
    let open: string = kind;
    if (kind === 'policy') {
      // A policy needs a target and the zones it goes between.
      open = `policy target="${policyTarget}"`;
      body = [`<ingress-zone name="${egress === 'HOST' ? 'public' : 'HOST'}"/>`, `<egress-zone name="${egress}"/>`, ...body.filter((child) => !/^<(interface|source|forward\/)/.test(child))];
    } else if (kind === 'zone' && target !== undefined) {
      open = `zone target="${target}"`;
    } else if (kind === 'service') {
      body = body.filter((child) => /^<(port|source-port|description)/.test(child));
      if (body.length === 0) {
        body = ['<include service="http"/>', '<port port="" protocol="gre"/>'];
      }
    }
    const text = `${declaration ? '<?xml version="1.0" encoding="utf-8"?>\n' : ''}<${open}>\n  <short>${name}</short>\n${body.map((child) => `  ${child}`).join('\n')}\n</${kind}>\n`;
    const fileName = `${kind === 'policy' ? 'policies' : `${kind}s`}/${name}.xml`;
    const input: FirewalldInput = { files: { [`${name}.xml`]: text }, steps: [[`--new-${kind}-from-file=@INPUT@/${name}.xml`, `--name=${name}`]] };
    return { fileName, text, toolInput: input };
  });

// ---------------------------------------------------------------------------------------------
// Known differences
// ---------------------------------------------------------------------------------------------

const PREDEFINED_ZONES: ReadonlySet<string> = new Set(ZONES);
const UNKNOWN_SERVICE = /INVALID_SERVICE: (?:Zone|Policy) '[^']*': '([^']*)' not among existing services/;
const UNKNOWN_ZONE = /INVALID_ZONE: get_zone\(\): (\S+)/;

const knownDifferences: readonly KnownDifference[] = [
  {
    id: 'service-defined-elsewhere',
    reason:
      'firewalld refuses a service it has no definition for. Port Lens knows the predefined services of firewalld 1.3 ' +
      'but not the custom ones a host keeps in /etc/firewalld/services, so it reports an unknown name as unresolved ' +
      '(information), not as an error.',
    matches: (_rendered, tool, lens) => {
      const name = UNKNOWN_SERVICE.exec(tool.message ?? '')?.[1];
      return !tool.accepted && lens.accepted && name !== undefined && firewalldService(name) === undefined;
    },
  },
  {
    id: 'zone-defined-elsewhere',
    reason:
      'firewalld refuses a zone it has no definition for. Custom zones live in /etc/firewalld/zones on the host (or are ' +
      'made by an earlier command), which Port Lens cannot see, so it takes any zone name.',
    matches: (_rendered, tool, lens) => {
      const name = UNKNOWN_ZONE.exec(tool.message ?? '')?.[1];
      return !tool.accepted && lens.accepted && name !== undefined && !PREDEFINED_ZONES.has(name);
    },
  },
];

export const firewalldSpec: ConformanceFormat = {
  format: 'firewalld',
  toolName: 'firewall-offline-cmd',
  requires: ['firewall-offline-cmd'],
  debianPackage: 'firewalld',
  arbitrary: fc.oneof({ weight: 30, arbitrary: scriptCase }, { weight: 2, arbitrary: definitionCase }, { weight: 20, arbitrary: zoneCase }),
  oracle: firewalldOracle,
  lens: firewalldLens,
  knownDifferences,
  comparePorts: true,
};
