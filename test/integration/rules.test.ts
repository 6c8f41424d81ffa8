import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, exampleUri, removeWorkspaceFile, ruleOf, waitForActivation, waitForDiagnostics, withSetting, writeWorkspaceFile } from './helpers';

/** `line:rule` for every Port Lens diagnostic (lines 1-based), in document order. */
function summary(diagnostics: readonly vscode.Diagnostic[]): string[] {
  return diagnostics
    .filter((diagnostic) => diagnostic.source === 'Port Lens')
    .map((diagnostic) => `${diagnostic.range.start.line + 1}:${ruleOf(diagnostic)}`)
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || (a < b ? -1 : 1));
}

/** What each example file must show: the risky lines and nothing on the safe ones. */
const EXPECTED_EXAMPLE_FINDINGS: Record<string, string[]> = {
  Dockerfile: ['17:sensitive-port-exposed'],
  'compose.yaml': [
    '7:host-port-conflict',
    '16:sensitive-port-exposed',
    '21:plaintext-protocol', '21:sensitive-port-exposed',
    '26:host-port-conflict',
    '31:udp-service-without-udp', '31:yaml-base-60',
  ],
  'firewall/nftables.conf': ['17:plaintext-protocol', '17:sensitive-port-exposed'],
  'firewall/public.xml': ['5:sensitive-port-exposed', '8:sensitive-port-exposed'],
  'firewall/rules.v4': ['9:sensitive-port-exposed', '10:plaintext-protocol', '10:sensitive-port-exposed'],
  'firewall/ufw-setup.sh': ['7:sensitive-port-exposed', '9:plaintext-protocol', '9:sensitive-port-exposed', '10:sensitive-port-exposed', '10:wide-port-range'],
  'k8s/app.yaml': ['23:sensitive-port-exposed'],
  'nginx/nginx.conf': ['44:plaintext-protocol', '44:sensitive-port-exposed'],
  // 9000 is relayed to an app on 8080: no ClickHouse finding; Redis relayed on its own port is a guess.
  'servers/haproxy.cfg': ['24:plaintext-protocol', '24:sensitive-port-exposed'],
};

async function openAndWait(uri: vscode.Uri, predicate: (diagnostics: readonly vscode.Diagnostic[]) => boolean): Promise<{ document: vscode.TextDocument; diagnostics: readonly vscode.Diagnostic[] }> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  await waitForActivation();
  const diagnostics = await waitForDiagnostics(uri, predicate);
  return { document, diagnostics };
}

/** Runs the quick fix titled `title` (a prefix is enough) for the first diagnostic of `rule`. */
async function applyQuickFix(document: vscode.TextDocument, rule: string, title: string, line?: number): Promise<void> {
  const diagnostic = vscode.languages.getDiagnostics(document.uri).find((candidate) => ruleOf(candidate) === rule && (line === undefined || candidate.range.start.line === line - 1));
  assert.ok(diagnostic, `no ${rule} diagnostic${line === undefined ? '' : ` on line ${line}`}`);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
  // The command returns actions without their diagnostics, so they are told apart by title.
  const action = actions.find((candidate) => candidate.title.startsWith(title));
  assert.ok(action, `no quick fix "${title}" among ${JSON.stringify(actions.map((candidate) => candidate.title))}`);
  assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
  if (action.edit) {
    assert.ok(await vscode.workspace.applyEdit(action.edit), 'the edit applies');
  }
  if (action.command) {
    await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
  }
}

describe('Rules on the example workspace', () => {
  after(closeAllEditors);

  for (const [file, expected] of Object.entries(EXPECTED_EXAMPLE_FINDINGS)) {
    it(`flags the risky lines of ${file} and nothing else`, async () => {
      const uri = exampleUri(file);
      const { diagnostics } = await openAndWait(uri, (all) => summary(all).length === expected.length);
      assert.deepEqual(summary(diagnostics), expected);
      for (const diagnostic of diagnostics) {
        assert.ok(diagnostic.message.length > 20, 'every message names the port and the reason');
        const target = (diagnostic.code as { target: vscode.Uri }).target;
        assert.equal(target.scheme, 'command', 'the rule code opens the bundled page');
        assert.deepEqual(JSON.parse(decodeURIComponent(target.query)), [ruleOf(diagnostic)]);
      }
    });
  }

  it('points a host port conflict at the other service', async () => {
    const { diagnostics } = await openAndWait(exampleUri('compose.yaml'), (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'host-port-conflict'));
    const conflict = diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'host-port-conflict' && diagnostic.range.start.line === 6);
    assert.ok(conflict);
    assert.equal(conflict.severity, vscode.DiagnosticSeverity.Error);
    assert.match(conflict.message, /8080\/tcp.*"admin".*port is already allocated/);
    assert.equal(conflict.relatedInformation?.[0]?.location.range.start.line, 25, 'the related location is the admin service\'s mapping');
  });
});

/**
 * A fresh folder per test: VS Code keeps a closed document's text for a while, so reusing a
 * path would reopen the previous test's edited text.
 */
let scratchCount = 0;
function scratchFolder(name: string): string {
  scratchCount++;
  return `${name}-${scratchCount}`;
}

describe('Quick fixes in a real editor', () => {
  let folder = '';
  let uri: vscode.Uri;

  beforeEach(() => {
    folder = scratchFolder('quick-fix-check');
  });

  afterEach(async () => {
    await closeAllEditors();
    await removeWorkspaceFile(exampleUri(folder));
  });

  it('binds a published database to 127.0.0.1 in short syntax', async () => {
    uri = await writeWorkspaceFile(`${folder}/compose.yaml`, 'services:\n  db:\n    image: postgres\n    ports:\n      - 5432:5432\n');
    const { document } = await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
    await applyQuickFix(document, 'sensitive-port-exposed', 'Publish on 127.0.0.1 only');
    assert.equal(document.getText(), 'services:\n  db:\n    image: postgres\n    ports:\n      - "127.0.0.1:5432:5432"\n');
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
  });

  it('binds a published port to 127.0.0.1 in long syntax', async () => {
    uri = await writeWorkspaceFile(`${folder}/compose.yaml`, 'services:\n  cache:\n    image: redis\n    ports:\n      - target: 6379\n        published: 6379\n');
    const { document } = await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
    await applyQuickFix(document, 'sensitive-port-exposed', 'Publish on 127.0.0.1 only');
    assert.equal(document.getText(), 'services:\n  cache:\n    image: redis\n    ports:\n      - target: 6379\n        published: 6379\n        host_ip: 127.0.0.1\n');
  });

  it('quotes a mapping YAML 1.1 reads as base 60', async () => {
    uri = await writeWorkspaceFile(`${folder}/compose.yaml`, 'services:\n  ssh:\n    image: sshd\n    ports:\n      - 2222:22\n');
    const { document } = await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'yaml-base-60'));
    await applyQuickFix(document, 'yaml-base-60', 'Quote');
    assert.equal(document.getText(), 'services:\n  ssh:\n    image: sshd\n    ports:\n      - "2222:22"\n');
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'yaml-base-60'));
  });

  it('adds the missing udp port to a Dockerfile', async () => {
    uri = await writeWorkspaceFile(`${folder}/Dockerfile`, 'FROM coredns/coredns\nEXPOSE 53\n');
    const { document } = await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'udp-service-without-udp'));
    await applyQuickFix(document, 'udp-service-without-udp', 'Add');
    assert.equal(document.getText(), 'FROM coredns/coredns\nEXPOSE 53 53/udp\n');
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'udp-service-without-udp'));
  });

  it('restricts a ufw allow to a source placeholder', async () => {
    uri = await writeWorkspaceFile(`${folder}/firewall.sh`, '#!/bin/sh\nufw allow 5432/tcp\n');
    const { document } = await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
    await applyQuickFix(document, 'sensitive-port-exposed', 'Allow only from a trusted source');
    assert.equal(document.getText(), '#!/bin/sh\nufw allow from 192.0.2.0/24 to any port 5432 proto tcp\n');
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
  });

  it('restricts an iptables accept to a source placeholder', async () => {
    uri = await writeWorkspaceFile(`${folder}/rules.v4`, '*filter\n-A INPUT -p tcp --dport 6379 -j ACCEPT\nCOMMIT\n');
    const { document } = await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
    await applyQuickFix(document, 'sensitive-port-exposed', 'Allow only from a trusted source');
    assert.equal(document.getText(), '*filter\n-A INPUT -s 192.0.2.0/24 -p tcp --dport 6379 -j ACCEPT\nCOMMIT\n');
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
  });

  it('suppresses a rule on one line with a comment the scanner recognises', async () => {
    uri = await writeWorkspaceFile(`${folder}/Dockerfile`, 'FROM node\nEXPOSE 9229\n');
    const { document } = await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
    await applyQuickFix(document, 'sensitive-port-exposed', 'Ignore sensitive-port-exposed on this line');
    assert.equal(document.getText(), 'FROM node\n# port-lens-ignore sensitive-port-exposed\nEXPOSE 9229\n');
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
  });

  it('suppresses a rule in the whole file below the parser directive', async () => {
    uri = await writeWorkspaceFile(`${folder}/Dockerfile`, '# syntax=docker/dockerfile:1\nFROM node\nEXPOSE 9229\nEXPOSE 5005\n');
    const { document } = await openAndWait(uri, (all) => all.filter((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed').length === 2);
    await applyQuickFix(document, 'sensitive-port-exposed', 'Ignore sensitive-port-exposed in this file');
    assert.equal(document.getText(), '# syntax=docker/dockerfile:1\n# port-lens-ignore-file sensitive-port-exposed\nFROM node\nEXPOSE 9229\nEXPOSE 5005\n');
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
  });

  it('silences a port through the settings', async () => {
    uri = await writeWorkspaceFile(`${folder}/Dockerfile`, 'FROM node\nEXPOSE 9229\n');
    const { document } = await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
    const restore = await withSetting('sensitivePorts.silenced', undefined);
    try {
      await applyQuickFix(document, 'sensitive-port-exposed', 'Accept the risk of port 9229/tcp');
      assert.deepEqual(vscode.workspace.getConfiguration('portLens').inspect('sensitivePorts.silenced')?.workspaceValue, ['9229/tcp']);
      await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
      assert.equal(document.getText(), 'FROM node\nEXPOSE 9229\n', 'silencing never edits the file');
    } finally {
      await restore();
    }
  });
});

describe('Rule control in a real editor', () => {
  let folder = '';

  beforeEach(() => {
    folder = scratchFolder('rule-control-check');
  });

  afterEach(async () => {
    await closeAllEditors();
    await removeWorkspaceFile(exampleUri(folder));
  });

  it('honours suppression comments for the next line and the whole file', async () => {
    const uri = await writeWorkspaceFile(`${folder}/compose.yaml`, [
      'services:',
      '  db:',
      // An image with no known default ports, so no wiring rule speaks about the mappings.
      '    image: example/db',
      '    ports:',
      '      # port-lens-ignore sensitive-port-exposed',
      '      - "5432:5432"',
      '      - "6379:6379" # port-lens-ignore plaintext-protocol',
      '',
    ].join('\n'));
    const { diagnostics } = await openAndWait(uri, (all) => all.some((diagnostic) => diagnostic.range.start.line === 6));
    assert.deepEqual(summary(diagnostics), ['7:sensitive-port-exposed']);
    const fileWide = await writeWorkspaceFile(`${folder}/Dockerfile`, '# port-lens-ignore-file\nFROM node\nEXPOSE 9229 2375\n');
    const opened = await vscode.workspace.openTextDocument(fileWide);
    await vscode.window.showTextDocument(opened);
    // The Dockerfile has findings without the comment; prove the check ran by removing it.
    await waitForDiagnostics(fileWide, (all) => all.length === 0);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor);
    await editor.edit((edit) => edit.delete(new vscode.Range(0, 0, 1, 0)));
    await waitForDiagnostics(fileWide, (all) => summary(all).length === 3);
  });

  it('applies severities from settings and enables rules that are off by default', async () => {
    const uri = await writeWorkspaceFile(`${folder}/compose.yaml`, 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n      - "5432:5432"\n');
    await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed'));
    const restore = await withSetting('rules', { 'sensitive-port-exposed': 'info', 'published-all-interfaces': 'warning', 'privileged-port': 'info' });
    try {
      const diagnostics = await waitForDiagnostics(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'published-all-interfaces'));
      const sensitive = diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'sensitive-port-exposed');
      assert.equal(sensitive?.severity, vscode.DiagnosticSeverity.Information);
      const published = diagnostics.filter((diagnostic) => ruleOf(diagnostic) === 'published-all-interfaces');
      assert.equal(published.length, 2);
      assert.ok(published.every((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Warning));
      assert.ok(diagnostics.some((diagnostic) => ruleOf(diagnostic) === 'privileged-port' && diagnostic.range.start.line === 4));
    } finally {
      await restore();
    }
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'published-all-interfaces'));
  });

  it('finds a conflict between compose.yaml and compose.override.yaml', async () => {
    await writeWorkspaceFile(`${folder}/compose.override.yaml`, 'services:\n  api:\n    image: api\n    ports:\n      - "8080:3000"\n');
    const uri = await writeWorkspaceFile(`${folder}/compose.yaml`, 'services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n');
    const { diagnostics } = await openAndWait(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'host-port-conflict'));
    const conflict = diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'host-port-conflict');
    assert.ok(conflict);
    assert.match(conflict.message, /"api" \(compose\.override\.yaml line 5\)/);
    const related = conflict.relatedInformation?.[0];
    assert.ok(related, 'the conflict links to the other file');
    assert.ok(related.location.uri.path.endsWith(`${folder}/compose.override.yaml`));
    assert.equal(related.location.range.start.line, 4);
  });
});
