/**
 * `check --format github|gitlab|junit|checkstyle`: the outputs CI systems read. Each is checked
 * the way its reader takes it: workflow commands are parsed back as the GitHub runner does, the
 * Code Quality report against a schema of GitLab's documented format, and the XML with a real
 * parser (and with xmllint against a JUnit schema where xmllint is installed).
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import Ajv from 'ajv';
import { HELP, parseArguments, UsageError } from '../../src/cli/args';
import {
  buildGitlabReport,
  checkCheckstyle,
  checkGithub,
  checkJunit,
  escapeGithubData,
  escapeGithubProperty,
  JUNIT_CLEAN_TESTCASE,
  xmlAttribute,
  xmlText,
} from '../../src/cli/ciFormats';
import type { CheckReport } from '../../src/cli/report';
import { LineIndex } from '../../src/core/text';
import { removeTree, REPO_ROOT, runInProcess, tempTree } from './cliHarness';
import type { CliRun } from './cliHarness';

const CI_FORMATS = ['github', 'gitlab', 'junit', 'checkstyle'] as const;
type CiFormat = (typeof CI_FORMATS)[number];

const JUNIT_SCHEMA = path.join(REPO_ROOT, 'test', 'unit', 'fixtures', 'junit.xsd');

/** One error and one info at known places. */
const SMALL: Readonly<Record<string, string>> = {
  Dockerfile: 'FROM alpine\nEXPOSE 99999\n',
  'compose.yaml': 'services:\n  web:\n    image: x\n    ports:\n      - "${NOT_SET}:80"\n',
};

/**
 * A service name with everything the formats must escape: commas, colons, `%`, XML markup,
 * both quotes, `]]>`, a tab, CR LF, a control character and non-ASCII. The host port conflict
 * quotes it in its message, with the line of the other service.
 */
const AWKWARD_NAME = 'we,b:1 100% <&> "q" \'a\' ]]> é🚀\tx\r\nnext\u0001';
const AWKWARD_COMPOSE = [
  'services:',
  '  "we,b:1 100% <&> \\"q\\" \'a\' ]]> é🚀\\tx\\r\\nnext\\x01":',
  '    image: x',
  '    ports:',
  '      - "8080:80"',
  '  api:',
  '    image: y',
  '    ports:',
  '      - "8080:3000"',
  '',
].join('\n');

/** A directory name the workflow command properties and XML attributes must escape. */
const AWKWARD_DIRECTORY = 'd,i:r 100% <&> "q" é';

function check(cwd: string, format: CiFormat, ...argv: string[]): CliRun {
  return runInProcess(['check', '--format', format, ...argv], { cwd });
}

function withTree<T>(files: Readonly<Record<string, string>>, body: (tree: string) => T): T {
  const tree = tempTree(files);
  try {
    return body(tree);
  } finally {
    removeTree(tree);
  }
}

// GitHub workflow commands, read back as the runner reads them ------------------------------

interface WorkflowCommand {
  readonly command: string;
  readonly properties: Record<string, string>;
  readonly data: string;
}

function unescapeGithub(text: string, property: boolean): string {
  let result = text.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
  if (property) {
    result = result.replace(/%3A/g, ':').replace(/%2C/g, ',');
  }
  return result.replace(/%25/g, '%');
}

/** `::command key=value,key=value::data`, split where the runner splits it: the first `::` after the command, then `,` and the first `=`. */
function parseWorkflowCommand(line: string): WorkflowCommand | undefined {
  if (!line.startsWith('::')) {
    return undefined;
  }
  const end = line.indexOf('::', 2);
  if (end < 0) {
    return undefined;
  }
  const info = line.slice(2, end);
  const space = info.indexOf(' ');
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of info.slice(space + 1).split(',').filter(Boolean)) {
      const equals = pair.indexOf('=');
      if (equals > 0) {
        properties[pair.slice(0, equals)] = unescapeGithub(pair.slice(equals + 1), true);
      }
    }
  }
  return { command: space >= 0 ? info.slice(0, space) : info, properties, data: unescapeGithub(line.slice(end + 2), false) };
}

// XML, through a real parser ------------------------------------------------------------------

interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

interface SaxParser {
  onerror: (error: Error) => void;
  onopentag: (node: { name: string; attributes: Record<string, string> }) => void;
  onclosetag: () => void;
  ontext: (text: string) => void;
  oncdata: (text: string) => void;
  write(xml: string): SaxParser;
  close(): SaxParser;
}

/** sax is installed with the packaging tools; its strict mode rejects most XML that is not well-formed, {@link lexicalProblems} the rest. */
const sax = createRequire(__filename)('sax') as { parser(strict: boolean): SaxParser };

/** A start tag whose attributes are double-quoted and hold no `<` and no `&` but a reference. */
const START_TAG = /<[A-Za-z_][\w.-]*((?:\s+[A-Za-z_][\w.-]*="(?:[^"<&]|&(?:amp|lt|gt|quot|apos|#\d+|#x[\dA-Fa-f]+);)*")*)\s*\/?>/g;
const ATTRIBUTE_NAME = /\s([A-Za-z_][\w.-]*)="/g;

/**
 * What sax lets through: characters XML 1.0 cannot hold, a raw `<` in an attribute value and
 * an attribute given twice.
 */
function lexicalProblems(xml: string): string[] {
  const problems: string[] = [];
  for (const character of xml) {
    const code = character.codePointAt(0) ?? 0;
    const allowed = code === 0x9 || code === 0xA || code === 0xD || (code >= 0x20 && code <= 0xD7FF) || (code >= 0xE000 && code <= 0xFFFD) || code >= 0x10000;
    if (!allowed) {
      problems.push(`character U+${code.toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML 1.0`);
    }
  }
  const tags = [...xml.matchAll(START_TAG)];
  const opened = xml.match(/<(?![/?!])/g)?.length ?? 0;
  if (tags.length !== opened) {
    problems.push(`${opened} "<" open a tag but only ${tags.length} well-formed start tags were found`);
  }
  for (const tag of tags) {
    const names = [...tag[1].matchAll(ATTRIBUTE_NAME)].map((match) => match[1]);
    if (new Set(names).size !== names.length) {
      problems.push(`an attribute is repeated in ${tag[0]}`);
    }
  }
  return problems;
}

/** Parses well-formed XML into elements; throws on the first well-formedness error. */
function parseXml(xml: string): XmlElement {
  assert.deepEqual(lexicalProblems(xml), []);
  const parser = sax.parser(true);
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  parser.onerror = (error) => {
    throw error;
  };
  parser.onopentag = (node) => {
    const element: XmlElement = { name: node.name, attributes: node.attributes, children: [], text: '' };
    if (stack.length > 0) {
      stack[stack.length - 1].children.push(element);
    } else {
      assert.equal(root, undefined, 'one root element');
      root = element;
    }
    stack.push(element);
  };
  parser.onclosetag = () => {
    stack.pop();
  };
  parser.ontext = (text) => {
    if (stack.length > 0) {
      stack[stack.length - 1].text += text;
    } else {
      assert.match(text, /^\s*$/, 'no text outside the root element');
    }
  };
  parser.oncdata = parser.ontext;
  parser.write(xml).close();
  assert.ok(root, 'a root element');
  return root;
}

function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The same text as XML 1.0 can carry it: characters it cannot hold become U+FFFD. */
function xmlSafe(text: string): string {
  return text.split('\u0001').join('\uFFFD');
}

const XMLLINT_PRESENT = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).error === undefined;

function xmllint(xml: string, ...options: string[]): { status: number | null; stderr: string } {
  const run = spawnSync('xmllint', ['--noout', ...options, '-'], { input: xml, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

// GitLab Code Quality, against the documented format ---------------------------------------

/**
 * GitLab's Code Quality report: an array of issues, each with a description, a check name, a
 * fingerprint, a severity from GitLab's five and a location whose path and first line GitLab
 * needs (as `lines.begin` or `positions.begin.line`). Fingerprints here are SHA-256 in hex.
 */
const CODE_QUALITY_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path'],
        properties: {
          path: { type: 'string', minLength: 1 },
          lines: {
            type: 'object',
            required: ['begin'],
            properties: { begin: { type: 'integer', minimum: 1 }, end: { type: 'integer', minimum: 1 } },
          },
          positions: {
            type: 'object',
            required: ['begin'],
            properties: { begin: { type: 'object', required: ['line'], properties: { line: { type: 'integer', minimum: 1 } } } },
          },
        },
        anyOf: [{ required: ['lines'] }, { required: ['positions'] }],
      },
    },
  },
} as const;

interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number; end: number } };
}

const validateCodeQuality = new Ajv({ allErrors: true }).compile(CODE_QUALITY_SCHEMA);

function codeQualityProblems(document: unknown): string[] {
  return validateCodeQuality(document) ? [] : (validateCodeQuality.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

function gitlabIssues(run: CliRun): CodeQualityIssue[] {
  const document: unknown = JSON.parse(run.stdout);
  assert.deepEqual(codeQualityProblems(document), []);
  return document as CodeQualityIssue[];
}

// ----------------------------------------------------------------------------------------------

describe('port-lens check --format github', () => {
  it('prints one workflow command per finding and the summary', () => {
    withTree(SMALL, (tree) => {
      const run = check(tree, 'github');
      assert.equal(run.code, 1);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, [
        '::error file=Dockerfile,line=2,col=8,endLine=2,endColumn=13,title=invalid-port::Port 99999 is out of range (1-65535)',
        '::notice file=compose.yaml,line=5,col=10,endLine=5,endColumn=20,title=unresolved-port::"NOT_SET" has no value in the environment or .env file; Compose would substitute an empty string',
        '2 problems (1 error, 0 warnings, 1 info) in 2 files',
        '',
      ].join('\n'));
    });
  });

  it('uses warning for a warning and prints only the summary when nothing is found', () => {
    withTree({ Dockerfile: 'FROM alpine\nEXPOSE 99999\n', '.portlens.json': '{"rules":{"invalid-port":"warning"}}' }, (tree) => {
      assert.match(check(tree, 'github').stdout, /^::warning file=Dockerfile,line=2,/);
    });
    withTree({ Dockerfile: 'FROM alpine\nEXPOSE 8080\n' }, (tree) => {
      assert.deepEqual(check(tree, 'github'), { code: 0, stdout: '0 problems (0 errors, 0 warnings, 0 infos) in 1 file\n', stderr: '' });
    });
  });

  it('escapes messages and paths so the runner reads back exactly what was found', () => {
    withTree({ 'compose.yaml': AWKWARD_COMPOSE, [`${AWKWARD_DIRECTORY}/Dockerfile`]: 'FROM a\nEXPOSE 99999\n' }, (tree) => {
      const run = check(tree, 'github');
      const lines = run.stdout.split('\n');
      assert.equal(lines.length, 5, 'three commands, the summary and the final newline: no message broke a line');
      const commands = lines.slice(0, 3).map(parseWorkflowCommand);
      const byFile = commands.map((command) => command?.properties.file);
      assert.deepEqual(byFile, ['compose.yaml', 'compose.yaml', `${AWKWARD_DIRECTORY}/Dockerfile`]);
      const conflict = commands.find((command) => command?.data.includes('also published by service "we'));
      assert.ok(conflict);
      assert.ok(conflict.data.includes(`service "${AWKWARD_NAME}" (line 5)`), conflict.data);
      assert.deepEqual(conflict.properties, { file: 'compose.yaml', line: '9', col: '10', endLine: '9', endColumn: '19', title: 'host-port-conflict' });
      assert.ok(lines[2].startsWith('::error file=d%2Ci%3Ar 100%25 <&> "q" é/Dockerfile,line=2,'), lines[2]);
    });
  });

  it('escapes as the Actions toolkit does', () => {
    assert.equal(escapeGithubData('100% done\r\nnext: a,b'), '100%25 done%0D%0Anext: a,b');
    assert.equal(escapeGithubProperty('100% done\r\nnext: a,b'), '100%25 done%0D%0Anext%3A a%2Cb');
    assert.equal(escapeGithubData('%0A'), '%250A', 'an escape already in the text is not read back as a line break');
  });

  it('sends no columns for a finding that spans lines, as the runner would drop them', () => {
    const report: CheckReport = {
      files: [{ path: 'a.yaml', format: 'compose', diagnostics: [{ rule: 'parse-error', severity: 'error', message: 'm', line: 2, column: 3, endLine: 4, endColumn: 1 }] }],
      skipped: [],
      summary: { files: 1, filesWithProblems: 1, problems: 1, errors: 1, warnings: 0, infos: 0, skipped: 0, failOn: 'error', failed: true },
    };
    assert.equal(checkGithub(report).split('\n')[0], '::error file=a.yaml,line=2,endLine=4,title=parse-error::m');
  });
});

describe('port-lens check --format gitlab', () => {
  it('writes a Code Quality report with GitLab severities', () => {
    withTree(SMALL, (tree) => {
      const run = check(tree, 'gitlab');
      assert.equal(run.code, 1);
      assert.equal(run.stderr, '');
      assert.deepEqual(gitlabIssues(run), [
        {
          description: 'Port 99999 is out of range (1-65535)',
          check_name: 'invalid-port',
          // Pinned: a new fingerprint for the same finding would show it as fixed and new in merge requests.
          fingerprint: '6978c492ed8e1c5611162a25b1379689899c24724eb0c8f10d3d13fd61cdbf2b',
          severity: 'critical',
          location: { path: 'Dockerfile', lines: { begin: 2, end: 2 } },
        },
        {
          description: '"NOT_SET" has no value in the environment or .env file; Compose would substitute an empty string',
          check_name: 'unresolved-port',
          fingerprint: 'bbac46cc9544ba49430a2d90780608f89ac3bdd4677ce3f26685ae95c5899699',
          severity: 'info',
          location: { path: 'compose.yaml', lines: { begin: 5, end: 5 } },
        },
      ]);
    });
  });

  const severities: { severity: string; gitlab: string }[] = [
    { severity: 'error', gitlab: 'critical' },
    { severity: 'warning', gitlab: 'minor' },
    { severity: 'info', gitlab: 'info' },
  ];
  for (const { severity, gitlab } of severities) {
    it(`maps ${severity} to ${gitlab}`, () => {
      withTree({ Dockerfile: 'FROM a\nEXPOSE 99999\n', '.portlens.json': JSON.stringify({ rules: { 'invalid-port': severity } }) }, (tree) => {
        assert.deepEqual(gitlabIssues(check(tree, 'gitlab')).map((issue) => issue.severity), [gitlab]);
      });
    });
  }

  it('prints an empty array when nothing is found', () => {
    withTree({ Dockerfile: 'FROM alpine\nEXPOSE 8080\n' }, (tree) => {
      assert.deepEqual(check(tree, 'gitlab'), { code: 0, stdout: '[]\n', stderr: '' });
    });
  });

  it('keeps fingerprints across runs and when a finding moves, and tells apart the same text found twice', () => {
    withTree({ 'compose.yaml': AWKWARD_COMPOSE, Dockerfile: 'FROM a\nEXPOSE 99999\nEXPOSE 99999\n' }, (tree) => {
      const first = gitlabIssues(check(tree, 'gitlab'));
      assert.deepEqual(gitlabIssues(check(tree, 'gitlab')), first, 'the same on a second run');
      const fingerprints = first.map((issue) => issue.fingerprint);
      assert.equal(new Set(fingerprints).size, fingerprints.length, 'every finding has its own fingerprint');
      assert.equal(first.filter((issue) => issue.location.path === 'Dockerfile').length, 2);

      fs.writeFileSync(path.join(tree, 'compose.yaml'), `\n${AWKWARD_COMPOSE}`);
      fs.writeFileSync(path.join(tree, 'Dockerfile'), 'FROM a\n\nEXPOSE 99999\nEXPOSE 99999\n');
      const moved = gitlabIssues(check(tree, 'gitlab'));
      assert.deepEqual(moved.map((issue) => issue.location.lines.begin), first.map((issue) => issue.location.lines.begin + 1), 'every finding moved one line down');
      assert.notDeepEqual(moved.map((issue) => issue.description), first.map((issue) => issue.description), 'the conflict messages name the moved lines');
      assert.deepEqual(moved.map((issue) => issue.fingerprint), fingerprints);
    });
  });

  it('gives the same finding in another file or from another rule another fingerprint', () => {
    const text = 'FROM a\nEXPOSE 99999\n';
    const lines = new LineIndex(text);
    const diagnostic = { rule: 'invalid-port', severity: 'error' as const, message: 'm', line: 2, column: 8, endLine: 2, endColumn: 13 };
    const report: CheckReport = {
      files: [
        { path: 'a/Dockerfile', format: 'dockerfile', diagnostics: [diagnostic, { ...diagnostic, rule: 'privileged-port' }] },
        { path: 'b/Dockerfile', format: 'dockerfile', diagnostics: [diagnostic] },
      ],
      skipped: [],
      summary: { files: 2, filesWithProblems: 2, problems: 3, errors: 3, warnings: 0, infos: 0, skipped: 0, failOn: 'error', failed: true },
    };
    const issues = buildGitlabReport(report, [{ path: 'a/Dockerfile', text, lines }, { path: 'b/Dockerfile', text, lines }]);
    assert.equal(new Set(issues.map((issue) => issue.fingerprint)).size, 3);
  });

  it('keeps awkward messages intact in the JSON', () => {
    withTree({ 'compose.yaml': AWKWARD_COMPOSE }, (tree) => {
      const descriptions = gitlabIssues(check(tree, 'gitlab')).map((issue) => issue.description);
      assert.ok(descriptions.some((description) => description.includes(`service "${AWKWARD_NAME}" (line 5)`)), descriptions.join('\n'));
    });
  });

  it('rejects what the documented format forbids, so the validation is real', () => {
    const issue = { description: 'd', check_name: 'c', fingerprint: 'a'.repeat(64), severity: 'minor', location: { path: 'p', lines: { begin: 1 } } };
    assert.deepEqual(codeQualityProblems([issue]), []);
    assert.notDeepEqual(codeQualityProblems([{ ...issue, severity: 'error' }]), []);
    assert.notDeepEqual(codeQualityProblems([{ ...issue, location: { path: 'p' } }]), []);
    assert.notDeepEqual(codeQualityProblems([{ ...issue, location: { path: 'p', lines: { begin: '1' } } }]), []);
    const { check_name: _omitted, ...withoutCheckName } = issue;
    assert.notDeepEqual(codeQualityProblems([withoutCheckName]), []);
  });
});

describe('port-lens check --format junit', () => {
  it('writes one testsuite per file and a failure per error', () => {
    withTree(SMALL, (tree) => {
      const run = check(tree, 'junit');
      assert.equal(run.code, 1);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="Port Lens" tests="2" failures="1" errors="0" time="0">',
        '  <testsuite name="Dockerfile" tests="1" failures="1" errors="0" time="0">',
        '    <testcase name="invalid-port at 2:8" classname="Dockerfile" time="0">',
        '      <failure message="Port 99999 is out of range (1-65535)" type="error">Dockerfile:2:8 error invalid-port Port 99999 is out of range (1-65535)',
        'See https://github.com/port-lens/port-lens/blob/main/docs/rules/invalid-port.md</failure>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="compose.yaml" tests="1" failures="0" errors="0" time="0">',
        '    <testcase name="unresolved-port at 5:10" classname="compose.yaml" time="0">',
        '      <system-out>compose.yaml:5:10 info unresolved-port "NOT_SET" has no value in the environment or .env file; Compose would substitute an empty string',
        'See https://github.com/port-lens/port-lens/blob/main/docs/rules/unresolved-port.md</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'));
    });
  });

  it('counts tests and failures that match the testcases, with a passing testcase for a clean file', () => {
    withTree({ ...SMALL, 'clean/Dockerfile': 'FROM a\nEXPOSE 8080\n', 'db/compose.yaml': 'services:\n  db:\n    image: postgres\n    ports:\n      - "5432:5432"\n' }, (tree) => {
      const root = parseXml(check(tree, 'junit', '--fail-on', 'none').stdout);
      assert.equal(root.name, 'testsuites');
      const suites = childrenNamed(root, 'testsuite');
      assert.deepEqual(suites.map((suite) => suite.attributes.name), ['Dockerfile', 'clean/Dockerfile', 'compose.yaml', 'db/compose.yaml']);
      let tests = 0;
      let failures = 0;
      for (const suite of suites) {
        const cases = childrenNamed(suite, 'testcase');
        const failed = cases.filter((testcase) => childrenNamed(testcase, 'failure').length > 0).length;
        assert.equal(suite.attributes.tests, String(cases.length));
        assert.equal(suite.attributes.failures, String(failed));
        tests += cases.length;
        failures += failed;
      }
      assert.equal(root.attributes.tests, String(tests));
      assert.equal(root.attributes.failures, String(failures));
      const clean = childrenNamed(suites[1], 'testcase');
      assert.deepEqual(clean.map((testcase) => ({ name: testcase.attributes.name, children: testcase.children.length })), [{ name: JUNIT_CLEAN_TESTCASE, children: 0 }]);
      const types = childrenNamed(suites[3], 'testcase').flatMap((testcase) => childrenNamed(testcase, 'failure').map((failure) => failure.attributes.type));
      assert.ok(types.includes('warning'), 'a warning fails its testcase too');
    });
  });

  it('escapes awkward messages and paths so a parser reads them back', () => {
    withTree({ 'compose.yaml': AWKWARD_COMPOSE, [`${AWKWARD_DIRECTORY}/Dockerfile`]: 'FROM a\nEXPOSE 99999\n' }, (tree) => {
      const xml = check(tree, 'junit').stdout;
      assert.ok([...xml].every((character) => character >= ' ' || '\t\n\r'.includes(character)), 'no control character XML 1.0 cannot hold');
      const suites = childrenNamed(parseXml(xml), 'testsuite');
      assert.deepEqual(suites.map((suite) => suite.attributes.name), ['compose.yaml', `${AWKWARD_DIRECTORY}/Dockerfile`]);
      const failures = childrenNamed(suites[0], 'testcase').flatMap((testcase) => childrenNamed(testcase, 'failure'));
      const expected = `service "${xmlSafe(AWKWARD_NAME)}" (line 5)`;
      assert.ok(failures.some((failure) => failure.attributes.message.includes(expected)), 'the attribute keeps every character, line breaks included');
      assert.ok(failures.some((failure) => failure.text.includes(expected)), 'so does the element text');
    });
  });

  it(`validates against the JUnit schema with xmllint${XMLLINT_PRESENT ? '' : ' (skipped: xmllint is not installed)'}`, function () {
    if (!XMLLINT_PRESENT) {
      this.skip();
    }
    withTree({ Dockerfile: SMALL.Dockerfile, 'compose.yaml': AWKWARD_COMPOSE, 'clean/Dockerfile': 'FROM a\n', 'info/compose.yaml': SMALL['compose.yaml'] }, (tree) => {
      const result = xmllint(check(tree, 'junit', '--fail-on', 'info').stdout, '--schema', JUNIT_SCHEMA);
      assert.equal(result.status, 0, result.stderr);
    });
    const examples = xmllint(check(REPO_ROOT, 'junit', 'examples').stdout, '--schema', JUNIT_SCHEMA);
    assert.equal(examples.status, 0, examples.stderr);
    const broken = xmllint('<testsuites><testsuite name="x" tests="one" failures="0" errors="0"/></testsuites>', '--schema', JUNIT_SCHEMA);
    assert.notEqual(broken.status, 0, 'the schema rejects a count that is not a number, so the validation is real');
  });
});

describe('port-lens check --format checkstyle', () => {
  it('lists every checked file with one error element per finding', () => {
    withTree({ ...SMALL, 'clean/Dockerfile': 'FROM a\nEXPOSE 8080\n' }, (tree) => {
      const run = check(tree, 'checkstyle');
      assert.equal(run.code, 1);
      assert.equal(run.stderr, '');
      assert.equal(run.stdout, [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<checkstyle version="4.3">',
        '  <file name="Dockerfile">',
        '    <error line="2" column="8" severity="error" message="Port 99999 is out of range (1-65535)" source="port-lens.invalid-port"/>',
        '  </file>',
        '  <file name="clean/Dockerfile">',
        '  </file>',
        '  <file name="compose.yaml">',
        '    <error line="5" column="10" severity="info" message="&quot;NOT_SET&quot; has no value in the environment or .env file; Compose would substitute an empty string" source="port-lens.unresolved-port"/>',
        '  </file>',
        '</checkstyle>',
        '',
      ].join('\n'));
    });
  });

  it('escapes awkward messages and paths so a parser reads them back', () => {
    withTree({ 'compose.yaml': AWKWARD_COMPOSE, [`${AWKWARD_DIRECTORY}/Dockerfile`]: 'FROM a\nEXPOSE 99999\n' }, (tree) => {
      const xml = check(tree, 'checkstyle').stdout;
      const root = parseXml(xml);
      assert.equal(root.attributes.version, '4.3');
      const files = childrenNamed(root, 'file');
      assert.deepEqual(files.map((file) => file.attributes.name), ['compose.yaml', `${AWKWARD_DIRECTORY}/Dockerfile`]);
      const errors = childrenNamed(files[0], 'error');
      assert.deepEqual(errors.map((error) => [error.attributes.line, error.attributes.severity, error.attributes.source]), [
        ['5', 'error', 'port-lens.host-port-conflict'],
        ['9', 'error', 'port-lens.host-port-conflict'],
      ]);
      assert.ok(errors[1].attributes.message.includes(`service "${xmlSafe(AWKWARD_NAME)}" (line 5)`), errors[1].attributes.message);
      if (XMLLINT_PRESENT) {
        const result = xmllint(xml);
        assert.equal(result.status, 0, result.stderr);
      }
    });
  });

  it('maps each severity to the Checkstyle one of the same name', () => {
    for (const severity of ['error', 'warning', 'info']) {
      withTree({ Dockerfile: 'FROM a\nEXPOSE 99999\n', '.portlens.json': JSON.stringify({ rules: { 'invalid-port': severity } }) }, (tree) => {
        const file = childrenNamed(parseXml(check(tree, 'checkstyle').stdout), 'file')[0];
        assert.deepEqual(childrenNamed(file, 'error').map((error) => error.attributes.severity), [severity]);
      });
    }
  });
});

describe('XML escaping for the CI formats', () => {
  const report: CheckReport = {
    files: [{
      path: 'a & b/<c>.yaml',
      format: 'compose',
      diagnostics: [
        { rule: 'invalid-port', severity: 'error', message: 'tab\there, "both" \'quotes\', ]]> & <tag>, CR\r LF\n, NUL\u0000, é 🚀', line: 1, column: 1, endLine: 1, endColumn: 2 },
        { rule: 'unresolved-port', severity: 'info', message: 'lone \uD800 surrogate', line: 2, column: 1, endLine: 2, endColumn: 2 },
      ],
    }],
    skipped: [],
    summary: { files: 1, filesWithProblems: 1, problems: 2, errors: 1, warnings: 0, infos: 1, skipped: 0, failOn: 'error', failed: true },
  };

  it('reads back every character XML can hold and replaces the others', () => {
    for (const xml of [checkJunit(report), checkCheckstyle(report)]) {
      const root = parseXml(xml);
      assert.ok(xml.includes('é 🚀'), 'non-ASCII is written as is, in UTF-8');
      const messages = root.name === 'checkstyle'
        ? childrenNamed(childrenNamed(root, 'file')[0], 'error').map((error) => error.attributes.message)
        : childrenNamed(childrenNamed(childrenNamed(root, 'testsuite')[0], 'testcase')[0], 'failure').map((failure) => failure.attributes.message);
      assert.equal(messages[0], 'tab\there, "both" \'quotes\', ]]> & <tag>, CR\r LF\n, NUL\uFFFD, é 🚀');
      if (XMLLINT_PRESENT) {
        const result = xmllint(xml);
        assert.equal(result.status, 0, result.stderr);
      }
    }
  });

  it('uses a parser that rejects XML that is not well-formed, so the checks above are real', () => {
    assert.throws(() => parseXml('<a x="1 & 2"/>'));
    assert.throws(() => parseXml('<a x="<"/>'));
    assert.throws(() => parseXml('<a><b></a>'));
    assert.throws(() => parseXml('<a x="1" x="2"/>'));
    assert.throws(() => parseXml('<a>1 < 2</a>'));
    assert.throws(() => parseXml('<a/><b/>'));
    assert.throws(() => parseXml('<a>\u0001</a>'));
    assert.throws(() => parseXml('<a>&#1;</a>'));
    assert.throws(() => parseXml('<a>\uD800</a>'));
  });

  it('escapes text and attributes', () => {
    assert.equal(xmlText('a < b && c > d ]]>'), 'a &lt; b &amp;&amp; c &gt; d ]]&gt;');
    assert.equal(xmlAttribute('say "hi"\n\tnow'), 'say &quot;hi&quot;&#10;&#9;now');
    assert.equal(xmlText('\u0007\uFFFE\uD83D'), '\uFFFD\uFFFD\uFFFD');
  });
});

describe('CI formats and the exit code', () => {
  const failOnCases: { severity: string; failOn: string; expect: number }[] = [
    { severity: 'error', failOn: 'error', expect: 1 },
    { severity: 'error', failOn: 'none', expect: 0 },
    { severity: 'warning', failOn: 'error', expect: 0 },
    { severity: 'warning', failOn: 'warning', expect: 1 },
    { severity: 'info', failOn: 'warning', expect: 0 },
    { severity: 'info', failOn: 'info', expect: 1 },
  ];
  for (const { severity, failOn, expect } of failOnCases) {
    it(`exits ${expect} in every format for a finding set to ${severity} with --fail-on ${failOn}`, () => {
      withTree({ Dockerfile: 'FROM alpine\nEXPOSE 99999\n', '.portlens.json': JSON.stringify({ rules: { 'invalid-port': severity } }) }, (tree) => {
        for (const format of ['json', ...CI_FORMATS]) {
          const run = runInProcess(['check', '--format', format, '--fail-on', failOn], { cwd: tree });
          assert.equal(run.code, expect, format);
        }
      });
    });
  }

  it('exits 2 for an unreadable path and reports it and the skipped files on stderr', () => {
    withTree({ Dockerfile: 'FROM a\nEXPOSE 80\n', 'notes.txt': 'x\n' }, (tree) => {
      for (const format of CI_FORMATS) {
        const run = check(tree, format, '.', 'notes.txt', 'gone');
        assert.equal(run.code, 2, format);
        assert.match(run.stderr, /^port-lens: cannot read gone: /m, format);
        assert.match(run.stderr, /^port-lens: skipped notes\.txt: not a supported file/m, format);
      }
    });
  });

  it('shows paths relative to the working directory with forward slashes', () => {
    withTree({ 'deploy/app/Dockerfile': 'FROM a\nEXPOSE 99999\n' }, (tree) => {
      const cwd = path.join(tree, 'deploy');
      assert.match(check(cwd, 'github').stdout, /^::error file=app\/Dockerfile,/);
      assert.equal(gitlabIssues(check(cwd, 'gitlab'))[0].location.path, 'app/Dockerfile');
      assert.equal(childrenNamed(parseXml(check(cwd, 'junit').stdout), 'testsuite')[0].attributes.name, 'app/Dockerfile');
      assert.equal(childrenNamed(parseXml(check(cwd, 'checkstyle').stdout), 'file')[0].attributes.name, 'app/Dockerfile');
    });
  });
});

interface ExampleFinding {
  readonly path: string;
  readonly rule: string;
  readonly severity: string;
  readonly line: number;
}

describe('CI formats on examples/', () => {
  let findings: ExampleFinding[] = [];
  let cleanFiles = 0;
  before(() => {
    const report = JSON.parse(runInProcess(['check', '--format', 'json', 'examples'], { cwd: REPO_ROOT }).stdout) as {
      files: { path: string; diagnostics: { rule: string; severity: string; line: number }[] }[];
    };
    findings = report.files.flatMap((file) => file.diagnostics.map(({ rule, severity, line }) => ({ path: file.path, rule, severity, line })));
    cleanFiles = report.files.filter((file) => file.diagnostics.length === 0).length;
  });

  it('has findings of every severity to check against', () => {
    assert.deepEqual(new Set(findings.map((finding) => finding.severity)), new Set(['error', 'warning', 'info']));
  });

  it('github: one command per finding, at its place, then the summary', () => {
    const lines = check(REPO_ROOT, 'github', 'examples').stdout.trimEnd().split('\n');
    assert.equal(lines.length, findings.length + 1);
    const commands = lines.slice(0, -1).map(parseWorkflowCommand);
    assert.deepEqual(commands.map((command) => [command?.command, command?.properties.file, command?.properties.line, command?.properties.title]), findings.map((finding) => [
      { error: 'error', warning: 'warning', info: 'notice' }[finding.severity], finding.path, String(finding.line), finding.rule,
    ]));
  });

  it('gitlab: valid, one issue per finding, fingerprints unique', () => {
    const issues = gitlabIssues(check(REPO_ROOT, 'gitlab', 'examples'));
    assert.deepEqual(issues.map((issue) => [issue.location.path, issue.location.lines.begin, issue.check_name]), findings.map((finding) => [finding.path, finding.line, finding.rule]));
    assert.equal(new Set(issues.map((issue) => issue.fingerprint)).size, issues.length);
  });

  it('junit: well-formed, with a testcase per finding and a failure per error and warning', () => {
    const root = parseXml(check(REPO_ROOT, 'junit', 'examples').stdout);
    const testcases = childrenNamed(root, 'testsuite').flatMap((suite) => childrenNamed(suite, 'testcase'));
    assert.equal(testcases.length, findings.length + cleanFiles);
    assert.equal(testcases.filter((testcase) => childrenNamed(testcase, 'failure').length > 0).length, findings.filter((finding) => finding.severity !== 'info').length);
  });

  it('checkstyle: well-formed, with an error element per finding', () => {
    const root = parseXml(check(REPO_ROOT, 'checkstyle', 'examples').stdout);
    const errors = childrenNamed(root, 'file').flatMap((file) => childrenNamed(file, 'error').map((error) => [file.attributes.name, error.attributes.line, error.attributes.source]));
    assert.deepEqual(errors, findings.map((finding) => [finding.path, String(finding.line), `port-lens.${finding.rule}`]));
  });
});

describe('check --format options and help', () => {
  for (const format of CI_FORMATS) {
    it(`parses --format ${format}`, () => {
      const command = parseArguments(['check', `--format=${format}`]);
      assert.equal(command.kind === 'check' && command.format, format);
    });
  }

  it('names every format in the help and in the error for an unknown one', () => {
    assert.match(HELP.check, /--format <text\|json\|sarif\|github\|gitlab\|junit\|checkstyle>/);
    assert.throws(() => parseArguments(['check', '--format', 'xml']), (error: unknown) =>
      error instanceof UsageError && error.message === '--format must be one of text, json, sarif, github, gitlab, junit, checkstyle, not "xml"');
  });
});
