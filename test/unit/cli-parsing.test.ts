import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DEFAULT_MAX_FILE_SIZE, parseArguments, parseSize, UsageError } from '../../src/cli/args';
import type { Command } from '../../src/cli/args';
import { parseDotEnv } from '../../src/cli/dotenv';
import { compileGlob, createExcludeMatcher, displayPath } from '../../src/cli/paths';
import { loadProjectConfig, parseProjectConfig } from '../../src/core/projectConfig';

describe('CLI argument parsing', () => {
  const defaults = { exclude: [], formatOverrides: [], maxFileSize: DEFAULT_MAX_FILE_SIZE };
  const cases: { name: string; argv: string[]; expect: Command }[] = [
    { name: 'check with no paths checks the current directory', argv: ['check'], expect: { kind: 'check', selection: { paths: ['.'], ...defaults }, format: 'text', failOn: 'error' } },
    {
      name: 'check with every option, in both spellings',
      argv: ['check', 'a', '--format=sarif', '--fail-on', 'warning', '--exclude', 'x/**', '--exclude=*.bak', '--format-of', 'fw/*.txt=iptables', '--max-file-size', '2MB', '--config', 'ci.json', 'b'],
      expect: {
        kind: 'check',
        selection: { paths: ['a', 'b'], exclude: ['x/**', '*.bak'], formatOverrides: [{ glob: 'fw/*.txt', format: 'iptables' }], maxFileSize: 2 * 1024 * 1024, configPath: 'ci.json' },
        format: 'sarif',
        failOn: 'warning',
      },
    },
    { name: '-- ends the options', argv: ['check', '--', '--format'], expect: { kind: 'check', selection: { paths: ['--format'], ...defaults }, format: 'text', failOn: 'error' } },
    { name: 'scan --json', argv: ['scan', 'examples', '--json'], expect: { kind: 'scan', selection: { paths: ['examples'], ...defaults }, json: true } },
    { name: 'graph prints JSON by default', argv: ['graph'], expect: { kind: 'graph', selection: { paths: ['.'], ...defaults }, format: 'json' } },
    {
      name: 'graph with a format and the selection options',
      argv: ['graph', 'deploy', '--format', 'mermaid', '--exclude', 'old/**', '--max-file-size=1MB'],
      expect: { kind: 'graph', selection: { paths: ['deploy'], exclude: ['old/**'], formatOverrides: [], maxFileSize: 1024 * 1024 }, format: 'mermaid' },
    },
    { name: 'help for graph', argv: ['help', 'graph'], expect: { kind: 'help', topic: 'graph' } },
    { name: 'lookup a port', argv: ['lookup', '6379'], expect: { kind: 'lookup', query: '6379', json: false } },
    { name: 'lookup with a protocol and JSON', argv: ['lookup', '53', '--protocol', 'UDP', '--json'], expect: { kind: 'lookup', query: '53', protocol: 'udp', json: true } },
    { name: 'lookup port/protocol shorthand', argv: ['lookup', '53/udp'], expect: { kind: 'lookup', query: '53', protocol: 'udp', json: false } },
    { name: 'lookup a name of several words', argv: ['lookup', 'sql', 'server'], expect: { kind: 'lookup', query: 'sql server', json: false } },
    { name: '--help', argv: ['--help'], expect: { kind: 'help' } },
    { name: 'help for a command', argv: ['help', 'scan'], expect: { kind: 'help', topic: 'scan' } },
    { name: 'a command with --help', argv: ['check', '--format', 'json', '-h'], expect: { kind: 'help', topic: 'check' } },
    { name: '--version', argv: ['-V'], expect: { kind: 'version' } },
  ];
  for (const { name, argv, expect } of cases) {
    it(name, () => {
      assert.deepEqual(parseArguments(argv), expect);
    });
  }

  const errors: { name: string; argv: string[]; expect: RegExp }[] = [
    { name: 'no command', argv: [], expect: /^missing command/ },
    { name: 'an unknown command', argv: ['lint'], expect: /^unknown command "lint"/ },
    { name: 'an option before the command', argv: ['--format', 'json'], expect: /^unknown option --format; put options after the command/ },
    { name: 'an unknown option', argv: ['check', '--colour'], expect: /^unknown option --colour for "check"/ },
    { name: 'a short option that does not exist', argv: ['scan', '-j'], expect: /^unknown option -j for "scan"/ },
    { name: 'an option of another command', argv: ['scan', '--format', 'json'], expect: /^unknown option --format for "scan"/ },
    { name: 'a missing value', argv: ['check', '--fail-on'], expect: /^option --fail-on needs a value$/ },
    { name: 'a bad output format', argv: ['check', '--format', 'xml'], expect: /^--format must be one of text, json, sarif, github, gitlab, junit, checkstyle, not "xml"$/ },
    { name: 'a bad fail-on level', argv: ['check', '--fail-on', 'fatal'], expect: /^--fail-on must be one of error, warning, info, none/ },
    { name: 'an option given twice', argv: ['check', '--format', 'json', '--format', 'text'], expect: /given more than once/ },
    { name: 'a value for a flag', argv: ['scan', '--json=yes'], expect: /^option --json takes no value$/ },
    { name: '--format-of without =', argv: ['check', '--format-of', 'iptables'], expect: /^--format-of needs <glob>=<format>/ },
    { name: '--format-of with an unknown format', argv: ['check', '--format-of', '*.txt=pf'], expect: /unknown format "pf"/ },
    { name: 'a bad size', argv: ['check', '--max-file-size', 'huge'], expect: /^--max-file-size must be a size/ },
    { name: 'a bad graph format', argv: ['graph', '--format', 'svg'], expect: /^--format must be one of json, dot, mermaid, not "svg"$/ },
    { name: 'an option graph does not have', argv: ['graph', '--fail-on', 'error'], expect: /^unknown option --fail-on for "graph"/ },
    { name: 'lookup without a query', argv: ['lookup'], expect: /^lookup needs a port number or a name/ },
    { name: 'lookup with a bad protocol', argv: ['lookup', '80', '--protocol', 'icmp'], expect: /^--protocol must be one of tcp, udp, sctp, dccp/ },
    { name: 'lookup with disagreeing protocols', argv: ['lookup', '53/udp', '--protocol', 'tcp'], expect: /disagree/ },
    { name: 'help for an unknown command', argv: ['help', 'lint'], expect: /^unknown command "lint"/ },
  ];
  for (const { name, argv, expect } of errors) {
    it(`rejects ${name}`, () => {
      assert.throws(() => parseArguments(argv), (error: unknown) => error instanceof UsageError && expect.test(error.message));
    });
  }

  const sizes: { text: string; expect: number | undefined }[] = [
    { text: '1048576', expect: 1048576 },
    { text: '512k', expect: 512 * 1024 },
    { text: '512KB', expect: 512 * 1024 },
    { text: '5MB', expect: 5 * 1024 * 1024 },
    { text: '1g', expect: 1024 ** 3 },
    { text: '0', expect: undefined },
    { text: '5 MB', expect: undefined },
    { text: '1.5MB', expect: undefined },
    { text: '-1', expect: undefined },
  ];
  for (const { text, expect } of sizes) {
    it(`reads the size "${text}" as ${String(expect)}`, () => {
      assert.equal(parseSize(text), expect);
    });
  }
});

describe('CLI .env parsing', () => {
  const cases: { name: string; text: string; expect: Record<string, string> }[] = [
    { name: 'plain pairs, blank lines and comments', text: '# ports\nWEB=8080\n\n  API=9000\n', expect: { WEB: '8080', API: '9000' } },
    { name: 'an inline comment needs a blank before #', text: 'A=80 # web\nB=80#web\n', expect: { A: '80', B: '80#web' } },
    { name: 'single quotes are literal', text: "A='${B} # x'\n", expect: { A: '${B} # x' } },
    { name: 'an escaped single quote', text: "A='it\\'s'\n", expect: { A: "it's" } },
    { name: 'double quotes with escapes and a comment after', text: 'A="a\\tb\\"c" # note\n', expect: { A: 'a\tb"c' } },
    { name: 'a double-quoted value over two lines', text: 'A="one\ntwo"\nB=3\n', expect: { A: 'one\ntwo', B: '3' } },
    { name: 'export prefix and spaces around =', text: 'export PORT = 5432\n', expect: { PORT: '5432' } },
    { name: 'references to earlier keys', text: 'BASE=8000\nA=${BASE}\nB=$BASE\nC="${MISSING:-81}"\nD=${BASE:+set}\nE=$$BASE\n', expect: { BASE: '8000', A: '8000', B: '8000', C: '81', D: 'set', E: '$BASE' } },
    { name: 'an unknown reference becomes empty', text: 'A=${NOPE}\n', expect: { A: '' } },
    { name: 'CRLF line ends', text: 'A=1\r\nB="2"\r\n', expect: { A: '1', B: '2' } },
    { name: 'lines without = and invalid keys are skipped', text: 'JUSTNAME\n1BAD=x\nGOOD=y\n', expect: { GOOD: 'y' } },
    { name: 'an empty value', text: 'A=\n', expect: { A: '' } },
    { name: 'the last definition wins', text: 'A=1\nA=2\n', expect: { A: '2' } },
  ];
  for (const { name, text, expect } of cases) {
    it(name, () => {
      assert.deepEqual(parseDotEnv(text), expect);
    });
  }
});

describe('CLI globs and paths', () => {
  const globs: { glob: string; path: string; expect: boolean }[] = [
    { glob: '*.yaml', path: 'deploy/app.yaml', expect: true },
    { glob: '*.yaml', path: 'app.yml', expect: false },
    { glob: 'deploy/*.yaml', path: 'deploy/app.yaml', expect: true },
    { glob: 'deploy/*.yaml', path: 'other/deploy/app.yaml', expect: false },
    { glob: 'deploy/**', path: 'deploy/a/b/c.conf', expect: true },
    { glob: './deploy/', path: 'deploy', expect: true },
    { glob: '.env*', path: 'x/.env.local', expect: true },
    { glob: '{a,b}/*.nft', path: 'b/rules.nft', expect: true },
  ];
  for (const { glob, path: file, expect } of globs) {
    it(`"${glob}" ${expect ? 'matches' : 'does not match'} ${file}`, () => {
      assert.equal(compileGlob(glob)(file), expect);
    });
  }

  it('excludes everything under an excluded directory, relative to each base', () => {
    const root = path.resolve('/project');
    const isExcluded = createExcludeMatcher([
      { base: root, globs: ['vendor'] },
      { base: path.join(root, 'sub'), globs: ['generated/*.yaml'] },
    ]);
    assert.equal(isExcluded(path.join(root, 'vendor', 'a', 'Dockerfile')), true);
    assert.equal(isExcluded(path.join(root, 'sub', 'generated', 'k.yaml')), true);
    assert.equal(isExcluded(path.join(root, 'generated', 'k.yaml')), false, 'a config glob is anchored at its own directory');
    assert.equal(isExcluded(path.resolve('/elsewhere/vendor/x')), false, 'paths outside the base are not matched');
  });

  it('shows paths relative to the working directory, absolute outside it', () => {
    const cwd = path.resolve('/work/project');
    assert.equal(displayPath(cwd, path.join(cwd, 'a', 'b.yaml')), 'a/b.yaml');
    assert.equal(displayPath(cwd, cwd), '.');
    assert.equal(displayPath(cwd, path.resolve('/other/c.yaml')), path.resolve('/other/c.yaml').split(path.sep).join('/'));
  });
});

describe('Project configuration (.portlens.json)', () => {
  it('reads every key', () => {
    const { config, problems, usable } = parseProjectConfig(JSON.stringify({
      $schema: './schema.json',
      rules: { 'invalid-port': 'warning', 'parse-error': 'off' },
      exclude: ['fixtures/**'],
      customPorts: { '8443/tcp': 'Admin API' },
      sensitivePorts: { additional: { '8443/tcp': { severity: 'high', reason: 'No auth' } }, silenced: ['6379'] },
      wideRangeThreshold: 50,
      nodePortRange: '20000-22767',
    }), '.portlens.json');
    assert.deepEqual(problems, []);
    assert.equal(usable, true);
    assert.deepEqual(config.rules, { 'invalid-port': 'warning', 'parse-error': 'off' });
    assert.deepEqual(config.exclude, ['fixtures/**']);
    assert.deepEqual(config.portData.annotations, [{ port: 8443, endPort: 8443, protocol: 'tcp', label: 'Admin API' }]);
    assert.deepEqual(config.portData.extraSensitive, [{ port: 8443, endPort: 8443, protocol: 'tcp', severity: 'high', reason: 'No auth' }]);
    assert.deepEqual(config.portData.silenced, [{ port: 6379, endPort: 6379 }]);
    assert.equal(config.wideRangeThreshold, 50);
    assert.deepEqual(config.nodePortRange, { start: 20000, end: 22767 });
  });

  const malformed: { name: string; config: unknown; expect: string[] }[] = [
    {
      name: 'a bad rule severity is skipped, the good one kept',
      config: { rules: { 'invalid-port': 'fatal', 'parse-error': 'info' } },
      expect: ['.portlens.json: rules: "invalid-port" is set to "fatal"; use "error", "warning", "info" or "off".'],
    },
    { name: 'rules that are not an object', config: { rules: ['off'] }, expect: ['.portlens.json: rules must be an object mapping a rule id to "error", "warning", "info" or "off".'] },
    { name: 'a glob that is not a string', config: { exclude: ['ok/**', 3, ''] }, expect: ['.portlens.json: exclude: 3 is not a glob.', '.portlens.json: exclude: "" is not a glob.'] },
    { name: 'exclude that is not a list', config: { exclude: 'x' }, expect: ['.portlens.json: exclude must be a list of globs, e.g. ["test/fixtures/**"].'] },
    { name: 'an unknown key', config: { rule: {} }, expect: ['.portlens.json: unknown key "rule" is ignored.'] },
    { name: 'a reversed NodePort range', config: { nodePortRange: '32767-30000' }, expect: ['.portlens.json: nodePortRange must be a range such as "30000-32767" within 1-65535; "32767-30000" is ignored.'] },
    { name: 'a NodePort range that is not a string', config: { nodePortRange: 30000 }, expect: ['.portlens.json: nodePortRange must be a range such as "30000-32767" within 1-65535; 30000 is ignored.'] },
    { name: 'a threshold that is not a whole number', config: { wideRangeThreshold: 0.5 }, expect: ['.portlens.json: wideRangeThreshold must be a whole number of ports, 1 or more; 0.5 is ignored.'] },
    {
      name: 'port entries are named by their key in this file',
      config: { customPorts: { http: 'x' }, sensitivePorts: { silenced: ['none'], extra: {} } },
      expect: [
        '.portlens.json: sensitivePorts: unknown key "extra" is ignored; use "additional" or "silenced".',
        '.portlens.json: customPorts: "http" is not a port key; use a port, a range or either with a protocol, e.g. "8443", "8443/tcp" or "6000-6010/udp".',
        '.portlens.json: sensitivePorts.silenced: "none" is not a port key; use a port, a range or either with a protocol, e.g. "8443", "8443/tcp" or "6000-6010/udp".',
      ],
    },
  ];
  for (const { name, config, expect } of malformed) {
    it(`reports ${name}`, () => {
      const result = parseProjectConfig(JSON.stringify(config), '.portlens.json');
      assert.deepEqual(result.problems, expect);
      assert.equal(result.usable, true);
    });
  }

  it('keeps the valid entries next to a malformed one', () => {
    const { config } = parseProjectConfig('{"rules":{"a":"nope","b":"off"},"exclude":[1,"x"]}', '.portlens.json');
    assert.deepEqual(config.rules, { b: 'off' });
    assert.deepEqual(config.exclude, ['x']);
  });

  it('reports invalid JSON once and gives an empty configuration', () => {
    const result = parseProjectConfig('{ "rules": ', '.portlens.json');
    assert.equal(result.usable, false);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0], /^\.portlens\.json: not valid JSON \(/);
    assert.deepEqual(result.config, { rules: {}, exclude: [], portData: { annotations: [], extraSensitive: [], silenced: [], services: [] } });
  });

  it('rejects a configuration that is not an object', () => {
    const result = parseProjectConfig('[1]', '.portlens.json');
    assert.equal(result.usable, false);
    assert.deepEqual(result.problems, ['.portlens.json: the configuration must be a JSON object.']);
  });

  it('accepts a byte order mark', () => {
    assert.deepEqual(parseProjectConfig('\uFEFF{"exclude":["a"]}', '.portlens.json').config.exclude, ['a']);
  });

  it('reads the portLens section of package.json, and nothing else of it', () => {
    const result = parseProjectConfig('{"name":"app","portLens":{"rules":{"x":"off"},"oops":1}}', 'sub/package.json');
    assert.deepEqual(result.config.rules, { x: 'off' });
    assert.deepEqual(result.problems, ['sub/package.json (portLens): unknown key "oops" is ignored.']);
    assert.deepEqual(parseProjectConfig('{"name":"app"}', 'package.json'), {
      config: { rules: {}, exclude: [], portData: { annotations: [], extraSensitive: [], silenced: [], services: [] } },
      problems: [],
      usable: true,
    });
  });

  const loading: { name: string; files: Record<string, string>; expect: { fileName: string; exclude: string[] } | undefined }[] = [
    { name: '.portlens.json wins over package.json', files: { '.portlens.json': '{"exclude":["a"]}', 'package.json': '{"portLens":{"exclude":["b"]}}' }, expect: { fileName: '.portlens.json', exclude: ['a'] } },
    { name: 'package.json with a section', files: { 'package.json': '{"portLens":{"exclude":["b"]}}' }, expect: { fileName: 'package.json', exclude: ['b'] } },
    { name: 'package.json without a section is not a configuration', files: { 'package.json': '{"name":"x"}' }, expect: undefined },
    { name: 'a broken package.json is not ours to report', files: { 'package.json': '{' }, expect: undefined },
    { name: 'no file at all', files: {}, expect: undefined },
  ];
  for (const { name, files, expect } of loading) {
    it(`loads: ${name}`, () => {
      const loaded = loadProjectConfig((fileName) => files[fileName]);
      assert.deepEqual(loaded ? { fileName: loaded.fileName, exclude: [...loaded.config.exclude] } : undefined, expect);
    });
  }
});
