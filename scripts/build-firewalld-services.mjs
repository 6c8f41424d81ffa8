// Rebuilds data/firewalld-services.json, the ports of firewalld's predefined services, from the
// service definitions an installed firewalld ships (one XML file per service):
//   node scripts/build-firewalld-services.mjs [SERVICES_DIRECTORY]
// The directory defaults to /usr/lib/firewalld/services. Run it by hand on a host with the firewalld
// package installed and commit the result; Port Lens itself never reads the directory.
// `--check` exits 1 when the committed file differs from what the directory gives.
//
// A zone that adds a service opens the service's ports and those of every service it includes
// (`<include service="..."/>`, recursively), so includes are expanded here. Protocol-only entries
// (`<protocol value="gre"/>`, `<port protocol="esp" port=""/>`) have no port and are left out.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outputFile = path.join(root, 'data', 'firewalld-services.json');
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp']);
const EMPTY_ELEMENT = /<(port|source-port|include)\b([^>]*?)\/?>/g;
const ATTRIBUTE = /([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function attributes(text) {
  const result = {};
  for (const match of text.matchAll(ATTRIBUTE)) {
    result[match[1]] = match[2] ?? match[3];
  }
  return result;
}

/** One service file: its own ports, source ports and includes, in file order. */
function readService(file) {
  const definition = { ports: [], sourcePorts: [], includes: [] };
  for (const match of readFileSync(file, 'utf8').matchAll(EMPTY_ELEMENT)) {
    const { port = '', protocol = '', service } = attributes(match[2]);
    if (match[1] === 'include') {
      if (service) {
        definition.includes.push(service);
      }
    } else if (port !== '' && PORT_PROTOCOLS.has(protocol)) {
      if (!/^\d+(?:-\d+)?$/.test(port)) {
        throw new Error(`${file}: port "${port}" is neither a number nor a range`);
      }
      (match[1] === 'port' ? definition.ports : definition.sourcePorts).push(`${port}/${protocol}`);
    }
  }
  return definition;
}

function expand(name, definitions, seen = new Set()) {
  const definition = definitions.get(name);
  const expanded = { ports: [], sourcePorts: [] };
  if (!definition || seen.has(name)) {
    return expanded; // firewalld ignores an include of a missing service and breaks cycles
  }
  seen.add(name);
  const add = (list, entries) => list.push(...entries.filter((entry) => !list.includes(entry)));
  add(expanded.ports, definition.ports);
  add(expanded.sourcePorts, definition.sourcePorts);
  for (const include of definition.includes) {
    const included = expand(include, definitions, seen);
    add(expanded.ports, included.ports);
    add(expanded.sourcePorts, included.sourcePorts);
  }
  return expanded;
}

function firewalldVersion() {
  const result = spawnSync('firewall-offline-cmd', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : 'unknown';
}

function build(directory) {
  const definitions = new Map();
  for (const entry of readdirSync(directory).filter((file) => file.endsWith('.xml')).sort()) {
    definitions.set(entry.slice(0, -'.xml'.length), readService(path.join(directory, entry)));
  }
  const services = {};
  const sourcePorts = {};
  for (const name of definitions.keys()) {
    const expanded = expand(name, definitions);
    services[name] = expanded.ports;
    if (expanded.sourcePorts.length > 0) {
      sourcePorts[name] = expanded.sourcePorts;
    }
  }
  const data = {
    format: 1,
    source: `firewalld ${firewalldVersion()} predefined services, includes expanded`,
    services,
    sourcePorts,
  };
  // One service per line keeps the file small and its diffs readable.
  const lines = (object) => Object.entries(object).map(([name, list]) => `    ${JSON.stringify(name)}: ${JSON.stringify(list)}`).join(',\n');
  return `{\n  "format": ${data.format},\n  "source": ${JSON.stringify(data.source)},\n  "services": {\n${lines(services)}\n  },\n  "sourcePorts": {\n${lines(sourcePorts)}\n  }\n}\n`;
}

const args = process.argv.slice(2);
const check = args.includes('--check');
const directory = args.find((arg) => !arg.startsWith('--')) ?? '/usr/lib/firewalld/services';
const text = build(directory);
JSON.parse(text);
if (check) {
  const current = readFileSync(outputFile, 'utf8');
  if (current !== text) {
    console.error('data/firewalld-services.json is out of date; run node scripts/build-firewalld-services.mjs');
    process.exit(1);
  }
} else {
  writeFileSync(outputFile, text);
  console.log(`wrote ${path.relative(root, outputFile)}: ${Object.keys(JSON.parse(text).services).length} services`);
}
