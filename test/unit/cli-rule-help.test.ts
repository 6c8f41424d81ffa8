/**
 * The rule pages of docs/rules reach the command line's users: as each rule's help in SARIF
 * (the whole page, with links that work outside the repository), through `port-lens explain`,
 * and by the hint that ends `check`'s text output. A missing page never breaks either.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HELP, parseArguments, UsageError } from '../../src/cli/args';
import { paletteFor } from '../../src/cli/io';
import type { CheckReport } from '../../src/cli/report';
import { closeRuleIds, explainRule, findRulePagesDirectory, listRules, rulePageMarkdown, rulePageText, TEXT_WIDTH } from '../../src/cli/rulePages';
import { buildSarif } from '../../src/cli/sarif';
import type { SarifLog, SarifReportingDescriptor } from '../../src/cli/sarif';
import { absoluteRuleDocLinks, PROJECT_URL, RULE_DOCS_BASE_URL, ruleDocsUrl } from '../../src/core/ruleDocs';
import { RULES, ruleById } from '../../src/core/rules/index';
import { createSarifValidator, DOCS_PROJECT, ensureBundle, removeTree, REPO_ROOT, runInProcess, spawnCli, tempTree } from './cliHarness';

const RULE_PAGES = path.join(REPO_ROOT, 'docs', 'rules');
const INDEX_PAGE = 'README.md';
const ESCAPE = '\u001b[';
const PLAIN = paletteFor({ stdout: () => undefined, stderr: () => undefined, cwd: REPO_ROOT, isTTY: false });
const COLOURED = paletteFor({ stdout: () => undefined, stderr: () => undefined, cwd: REPO_ROOT, isTTY: true, env: {} });

const MARKER_LINE = /^<!-- rule-example[^\n]*-->$/gm;
const FENCED = /^```[^\n]*\n([\s\S]*?)\n```$/gm;
const LINK_TARGET = /\]\(([^)\s]+)\)/g;

function readPage(ruleId: string): string {
  return fs.readFileSync(path.join(RULE_PAGES, `${ruleId}.md`), 'utf8');
}

function pageNames(): string[] {
  return fs.readdirSync(RULE_PAGES).filter((name) => name.endsWith('.md') && name !== INDEX_PAGE).sort();
}

/** The code of a page's fenced blocks, each as written. */
function codeBlocks(page: string): string[] {
  return [...page.matchAll(FENCED)].map((match) => match[1]);
}

/**
 * What SARIF's markdown should be, worked out here the plain way: the marker lines gone and
 * every link target resolved against the page's address. (No page has a link inside code.)
 */
function expectedMarkdown(page: string, ruleId: string): string {
  return page
    .replace(/^<!-- rule-example[^\n]*-->\n/gm, '')
    .replace(LINK_TARGET, (_whole, target: string) => `](${new URL(target, ruleDocsUrl(ruleId)).href})`);
}

function sarifOf(cwd: string, ...argv: string[]): SarifLog {
  return JSON.parse(runInProcess(['check', '--format', 'sarif', ...argv], { cwd }).stdout) as SarifLog;
}

function descriptors(log: SarifLog): Map<string, SarifReportingDescriptor> {
  return new Map(log.runs[0].tool.driver.rules.map((rule) => [rule.id, rule]));
}

/** The lines of a text rendering that are prose, not a code block (indented by four). */
function proseLines(text: string): string[] {
  return text.split('\n').filter((line) => !line.startsWith('    '));
}

describe('the rule documentation address', () => {
  it('is the repository of package.json, without .git', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
    assert.equal(PROJECT_URL, manifest.repository.url.replace(/\.git$/, ''));
    assert.equal(RULE_DOCS_BASE_URL, `${PROJECT_URL}/blob/main/docs/rules/`);
  });

  it('gives each rule its page', () => {
    assert.equal(ruleDocsUrl('wide-port-range'), 'https://github.com/port-lens/port-lens/blob/main/docs/rules/wide-port-range.md');
  });

  it('makes relative links and anchors absolute and leaves code and absolute links alone', () => {
    const markdown = [
      'See [the policy](../sensitive-ports.md), [another rule](wide-port-range.md) and [below](#suppression).',
      'Docker [explains it](https://docs.docker.com/x/). Code: `[a](b.md)`.',
      '```md',
      '[kept](as-written.md)',
      '```',
    ].join('\n');
    assert.equal(absoluteRuleDocLinks(markdown, 'privileged-port'), [
      'See [the policy](https://github.com/port-lens/port-lens/blob/main/docs/sensitive-ports.md), [another rule](https://github.com/port-lens/port-lens/blob/main/docs/rules/wide-port-range.md) and [below](https://github.com/port-lens/port-lens/blob/main/docs/rules/privileged-port.md#suppression).',
      'Docker [explains it](https://docs.docker.com/x/). Code: `[a](b.md)`.',
      '```md',
      '[kept](as-written.md)',
      '```',
    ].join('\n'));
  });
});

describe('SARIF rule help', () => {
  let log: SarifLog;
  let rules: Map<string, SarifReportingDescriptor>;
  before(() => {
    log = sarifOf(DOCS_PROJECT);
    rules = descriptors(log);
  });

  it('stays valid SARIF 2.1.0 with the pages inside', () => {
    assert.deepEqual(createSarifValidator()(log), []);
  });

  it('has a page for every rule and a rule for every page', () => {
    assert.deepEqual(pageNames(), RULES.map((rule) => `${rule.id}.md`).sort());
  });

  for (const rule of RULES) {
    describe(rule.id, () => {
      it('carries the whole page as Markdown, with absolute links', () => {
        const page = readPage(rule.id);
        const help = rules.get(rule.id)?.help;
        assert.ok(help?.markdown !== undefined);
        assert.equal(help.markdown, expectedMarkdown(page, rule.id));
        assert.equal(help.markdown, rulePageMarkdown(page, rule.id));
        assert.ok(help.markdown.startsWith(`# ${rule.id}\n`));
        for (const code of codeBlocks(page)) {
          assert.ok(help.markdown.includes(code), `the example is there:\n${code}`);
        }
        for (const match of help.markdown.matchAll(LINK_TARGET)) {
          assert.match(match[1], /^https:\/\//, `no relative link remains: ${match[1]}`);
        }
        assert.equal(MARKER_LINE.test(help.markdown), false, 'the example markers are dropped');
      });

      it('carries the page as plain text, without Markdown syntax', () => {
        const page = readPage(rule.id);
        const text = rules.get(rule.id)?.help?.text ?? '';
        assert.equal(text, rulePageText(page, rule.id));
        assert.ok(text.startsWith(`${rule.id}\n\n`));
        for (const section of ['BAD', 'GOOD', 'QUICK FIXES', 'CONFIGURATION', 'SUPPRESSION']) {
          assert.ok(text.includes(`\n${section}\n`), `the ${section} section is there`);
        }
        for (const code of codeBlocks(page)) {
          const indented = code.split('\n').map((line) => (line.trim() === '' ? '' : `    ${line.trimEnd()}`)).join('\n');
          assert.ok(text.includes(indented), `the example is there, indented:\n${code}`);
        }
        for (const line of proseLines(text)) {
          assert.doesNotMatch(line, /\*\*|\]\(|`|^#{1,6} [A-Z]|<!-- rule-example|^\|/, line);
          assert.ok(line.length <= TEXT_WIDTH || /^\s*(?:- )?\S+$/.test(line), `wrapped, unless one address is longer: ${line}`);
        }
        assert.equal(text.includes(ESCAPE), false);
      });

      it('links to the page and keeps the one-sentence description', () => {
        const descriptor = rules.get(rule.id);
        assert.equal(descriptor?.helpUri, ruleDocsUrl(rule.id));
        assert.equal(descriptor?.shortDescription?.text, rule.description);
      });
    });
  }

  it('writes the property table and links out as readable text', () => {
    const text = rules.get('sensitive-port-exposed')?.help?.text ?? '';
    assert.match(text, /^Default severity: warning, graded per port by the catalogue$/m);
    assert.match(text, /^On by default: yes$/m);
    assert.ok(text.includes('the severity policy\n(https://github.com/port-lens/port-lens/blob/main/docs/sensitive-ports.md)') || text.includes('the severity policy (https://github.com/port-lens/port-lens/blob/main/docs/sensitive-ports.md)'));
    assert.match(text, /\(see Suppression\)/, 'a section of the same page is named, not linked');
    assert.match(text, /^Dockerfile:\n {4}FROM redis:7\n {4}EXPOSE 6379$/m, 'an example is captioned with its file');
  });

  it('falls back to the one sentence and the link when a page is missing', () => {
    const pages = tempTree({ [INDEX_PAGE]: '# Rules\n', 'yaml-base-60.md': readPage('yaml-base-60') });
    try {
      const report: CheckReport = {
        files: [],
        skipped: [],
        summary: { files: 0, filesWithProblems: 0, problems: 0, errors: 0, warnings: 0, infos: 0, skipped: 0, failOn: 'error', failed: false },
      };
      const sarif = buildSarif(report, { cwd: REPO_ROOT, version: '0.0.0', executionSuccessful: true, rulePages: pages });
      assert.deepEqual(createSarifValidator()(sarif), []);
      const described = descriptors(sarif);
      const missing = described.get('invalid-port');
      const url = ruleDocsUrl('invalid-port');
      const sentence = ruleById('invalid-port')?.description;
      assert.deepEqual(missing?.help, { text: `${sentence} See ${url}`, markdown: `${sentence} See [invalid-port](${url}).` });
      assert.equal(missing?.helpUri, url);
      assert.equal(described.get('yaml-base-60')?.help?.markdown, rulePageMarkdown(readPage('yaml-base-60'), 'yaml-base-60'), 'a page that is there is still used');
      const none = descriptors(buildSarif(report, { cwd: REPO_ROOT, version: '0.0.0', executionSuccessful: true, rulePages: undefined }));
      assert.equal(none.get('yaml-base-60')?.help?.markdown, `${ruleById('yaml-base-60')?.description} See [yaml-base-60](${ruleDocsUrl('yaml-base-60')}).`);
    } finally {
      removeTree(pages);
    }
  });
});

describe('finding the rule pages', () => {
  it('finds docs/rules of this package from the transpiled tree', () => {
    assert.equal(findRulePagesDirectory(), RULE_PAGES);
  });

  it('stops at the package root rather than read another project’s docs/rules', () => {
    const tree = tempTree({ 'docs/rules/README.md': '# Someone else’s rules\n', 'node_modules/port-lens/package.json': '{}', 'node_modules/port-lens/dist/cli.js': '' });
    try {
      assert.equal(findRulePagesDirectory(path.join(tree, 'node_modules', 'port-lens', 'dist')), undefined);
      assert.equal(findRulePagesDirectory(path.join(tree, 'tools')), path.join(tree, 'docs', 'rules'));
    } finally {
      removeTree(tree);
    }
  });
});

describe('rule pages as text', () => {
  const page = [
    '# demo-rule',
    '',
    'Catches **bold** things, `code with spaces`, an *aside*, a \\* star and [a link](other.md).',
    '',
    '| | |',
    '| --- | --- |',
    '| Formats | Compose, `a \\| b` |',
    '',
    '<!-- rule-example bad file=compose.yaml -->',
    '```yaml',
    'services: {}',
    '```',
    '',
    '## Quick fixes',
    '',
    '- **Fix it**: see [Suppression](#suppression).',
    '- Second',
    '  item.',
    '',
  ].join('\n');

  it('turns Markdown into plain text', () => {
    assert.equal(rulePageText(page, 'demo-rule'), [
      'demo-rule',
      '',
      'Catches bold things, code with spaces, an aside, a * star and a link',
      '(https://github.com/port-lens/port-lens/blob/main/docs/rules/other.md).',
      '',
      'Formats: Compose, a | b',
      '',
      'compose.yaml:',
      '    services: {}',
      '',
      'QUICK FIXES',
      '',
      '- Fix it: see Suppression.',
      '- Second item.',
      '',
    ].join('\n'));
  });

  it('keeps a code span on one line when wrapping', () => {
    const text = rulePageText(`${'word '.repeat(14)}\`# port-lens-ignore-file yaml-base-60\` here.\n`, 'demo-rule');
    assert.match(text, /\n# port-lens-ignore-file yaml-base-60 here\.\n$/);
  });

  it('styles headings, bold text and addresses on a terminal', () => {
    const text = rulePageText(page, 'demo-rule', COLOURED);
    assert.ok(text.startsWith(`${ESCAPE}1mdemo-rule${ESCAPE}22m\n`));
    assert.ok(text.includes(`${ESCAPE}1mQUICK FIXES${ESCAPE}22m`));
    assert.ok(text.includes(`${ESCAPE}1mbold${ESCAPE}22m`));
    assert.ok(text.includes(`${ESCAPE}4mhttps://github.com/port-lens/port-lens/blob/main/docs/rules/other.md${ESCAPE}24m`));
    assert.equal(text.replace(new RegExp(`${ESCAPE.replace('[', '\\[')}\\d+m`, 'g'), ''), rulePageText(page, 'demo-rule'), 'the same text underneath');
  });

  it('never throws on malformed Markdown', () => {
    for (const broken of ['```', '| a', '[x](', '**', '`', '<!-- rule-example bad file=x -->', '- ', '#', '\\']) {
      assert.equal(typeof rulePageText(broken, 'demo-rule'), 'string', broken);
      assert.equal(typeof rulePageMarkdown(broken, 'demo-rule'), 'string', broken);
    }
  });
});

describe('port-lens explain', () => {
  it('prints a rule’s page as text, with its address', () => {
    const run = runInProcess(['explain', 'yaml-base-60'], { cwd: DOCS_PROJECT });
    assert.equal(run.code, 0);
    assert.equal(run.stderr, '');
    assert.equal(run.stdout, `${rulePageText(readPage('yaml-base-60'), 'yaml-base-60')}\nOnline: ${ruleDocsUrl('yaml-base-60')}\n`);
    assert.match(run.stdout, /^compose\.yaml:\n {4}services:\n {6}git:\n {8}image: gitea\/gitea:1\.22\n {8}ports:\n {10}- 2222:22$/m, 'the bad example');
    assert.match(run.stdout, /^ {10}- "2222:22"$/m, 'the good example');
    assert.equal(run.stdout.includes(ESCAPE), false);
  });

  it('styles the page on a terminal, unless NO_COLOR is set', () => {
    assert.ok(runInProcess(['explain', 'yaml-base-60'], { cwd: DOCS_PROJECT, isTTY: true }).stdout.startsWith(`${ESCAPE}1myaml-base-60`));
    assert.equal(runInProcess(['explain', 'yaml-base-60'], { cwd: DOCS_PROJECT, isTTY: true, env: { NO_COLOR: '1' } }).stdout.includes(ESCAPE), false);
  });

  it('finds a rule written in another case or as SARIF’s name', () => {
    assert.deepEqual(parseArguments(['explain', 'YAML-Base-60']), { kind: 'explain', rule: 'yaml-base-60' });
    assert.deepEqual(parseArguments(['explain', 'SensitivePortExposed']), { kind: 'explain', rule: 'sensitive-port-exposed' });
  });

  it('lists every rule with its one sentence when no rule is given', () => {
    const run = runInProcess(['explain'], { cwd: DOCS_PROJECT });
    assert.equal(run.code, 0);
    assert.equal(run.stdout, listRules(PLAIN));
    const flat = run.stdout.replace(/\n {2}/g, ' ');
    for (const rule of RULES) {
      assert.ok(flat.includes(`${rule.id} (${rule.defaultSeverity}${rule.enabledByDefault ? '' : ', off by default'}) ${rule.description}`), rule.id);
    }
  });

  const unknown: { written: string; stderr: string }[] = [
    { written: 'sensitive-port', stderr: 'port-lens: unknown rule "sensitive-port"; did you mean sensitive-port-exposed?\n' },
    { written: 'yaml-base60s', stderr: 'port-lens: unknown rule "yaml-base60s"; did you mean yaml-base-60?\n' },
    { written: 'nothing-like-it', stderr: 'port-lens: unknown rule "nothing-like-it"; run "port-lens explain" to list the rules\n' },
  ];
  for (const { written, stderr } of unknown) {
    it(`is a usage error for the unknown rule "${written}", naming close matches`, () => {
      assert.deepEqual(runInProcess(['explain', written], { cwd: DOCS_PROJECT }), { code: 2, stdout: '', stderr });
    });
  }

  it('suggests at most three rules, closest first', () => {
    const close = closeRuleIds('port-not-listening');
    assert.ok(close.length > 1 && close.length <= 3, close.join());
    assert.ok(close.every((id) => id.includes('port-not-listening')));
    assert.deepEqual(closeRuleIds('x'.repeat(100_000)), []);
  });

  it('takes one rule only', () => {
    assert.throws(() => parseArguments(['explain', 'invalid-port', 'parse-error']), (error: unknown) => error instanceof UsageError && /takes one rule/.test(error.message));
    assert.throws(() => parseArguments(['explain', '--json']), UsageError);
  });

  it('has help, listed in the main help', () => {
    assert.deepEqual(parseArguments(['explain', '--help']), { kind: 'help', topic: 'explain' });
    assert.deepEqual(parseArguments(['help', 'explain']), { kind: 'help', topic: 'explain' });
    assert.match(HELP.main, /^ {2}explain \[rule\] +Show a rule's page/m);
    assert.match(runInProcess(['explain', '-h'], { cwd: DOCS_PROJECT }).stdout, /^Usage: port-lens explain \[rule\]\n/);
  });

  it('gives the one sentence and the address when the page is missing', () => {
    const pages = tempTree({ [INDEX_PAGE]: '# Rules\n' });
    try {
      assert.equal(explainRule('privileged-port', PLAIN, pages), [
        'privileged-port',
        '',
        'A container binds a port below 1024, which needs root or CAP_NET_BIND_SERVICE',
        'unless the runtime lowers the limit.',
        '',
        `The full page is at ${ruleDocsUrl('privileged-port')}`,
        '',
      ].join('\n'));
      assert.ok(explainRule('privileged-port', PLAIN, undefined).includes(ruleDocsUrl('privileged-port')));
    } finally {
      removeTree(pages);
    }
  });
});

describe('the explain hint of check', () => {
  const FINDINGS = { 'compose.yaml': 'services:\n  cache:\n    image: redis:7\n    ports:\n      - "6379:6379"\n', Dockerfile: 'FROM alpine\nEXPOSE 99999\n' };
  let tree: string;
  before(() => {
    tree = tempTree(FINDINGS);
  });
  after(() => removeTree(tree));

  it('ends text output with findings, naming the first finding’s rule', () => {
    for (const failOn of ['error', 'none']) {
      const run = runInProcess(['check', '--fail-on', failOn], { cwd: tree });
      assert.match(run.stdout, /\n\d+ problems \([^)]*\) in 2 files\nRun "port-lens explain invalid-port" for what a rule means and how to fix it\.\n$/, failOn);
    }
  });

  it('is dimmed on a terminal', () => {
    const run = runInProcess(['check'], { cwd: tree, isTTY: true });
    assert.ok(run.stdout.endsWith(`${ESCAPE}2mRun "port-lens explain invalid-port" for what a rule means and how to fix it.${ESCAPE}22m\n`));
  });

  it('is left out without findings', () => {
    const clean = tempTree({ Dockerfile: 'FROM alpine\nEXPOSE 8080\n' });
    try {
      assert.equal(runInProcess(['check'], { cwd: clean }).stdout, '0 problems (0 errors, 0 warnings, 0 infos) in 1 file\n');
    } finally {
      removeTree(clean);
    }
  });

  for (const format of ['json', 'sarif', 'github', 'gitlab', 'junit', 'checkstyle']) {
    it(`is left out of --format ${format}`, () => {
      const run = runInProcess(['check', '--format', format], { cwd: tree });
      assert.equal(run.stdout.includes('port-lens explain'), false);
      assert.equal(run.stderr.includes('port-lens explain'), false);
    });
  }
});

describe('rule help from the bundle (dist/cli.js)', function () {
  this.timeout(60_000);
  before(() => ensureBundle());

  it('finds the pages beside the bundle for explain and SARIF', () => {
    const explain = spawnCli(['explain', 'wide-port-range'], DOCS_PROJECT);
    assert.equal(explain.code, 0, explain.stderr);
    assert.equal(explain.stdout, `${rulePageText(readPage('wide-port-range'), 'wide-port-range')}\nOnline: ${ruleDocsUrl('wide-port-range')}\n`);
    const sarif = spawnCli(['check', '--format', 'sarif'], DOCS_PROJECT);
    const help = descriptors(JSON.parse(sarif.stdout) as SarifLog).get('wide-port-range')?.help;
    assert.equal(help?.markdown, rulePageMarkdown(readPage('wide-port-range'), 'wide-port-range'));
  });
});
