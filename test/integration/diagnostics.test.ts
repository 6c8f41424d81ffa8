import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, removeWorkspaceFile, ruleOf, waitForActivation, waitForDiagnostics, withSetting, writeWorkspaceFile } from './helpers';

const INVALID_COMPOSE = 'services:\n  web:\n    image: nginx\n    ports:\n      - "70000:80"\n      - "8081-8083:80-81"\n';

describe('Diagnostics in a real editor', () => {
  let uri: vscode.Uri;

  beforeEach(async () => {
    uri = await writeWorkspaceFile('diagnostics-check/compose.yaml', INVALID_COMPOSE);
  });

  afterEach(async () => {
    await closeAllEditors();
    await removeWorkspaceFile(vscode.Uri.joinPath(uri, '..'));
  });

  it('reports invalid ports as errors, with a link to the rule documentation', async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await waitForActivation();
    const diagnostics = await waitForDiagnostics(uri, (all) => all.filter((diagnostic) => ruleOf(diagnostic) === 'invalid-port').length >= 2);
    const invalid = diagnostics.filter((diagnostic) => ruleOf(diagnostic) === 'invalid-port');
    assert.ok(invalid.every((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error));
    assert.ok(invalid.every((diagnostic) => diagnostic.source === 'Port Lens'));
    const target = (invalid[0].code as { target: vscode.Uri }).target;
    assert.equal(target.scheme, 'command');
    assert.equal(target.path, 'portLens.showRuleHelp');
    assert.equal(invalid[0].range.start.line, 4, 'the out-of-range port is on line 5');
  });

  it('opens the rule page bundled with the extension in the Markdown preview from a diagnostic\'s code link', async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await waitForActivation();
    const diagnostics = await waitForDiagnostics(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'invalid-port'));
    const target = (diagnostics.find((diagnostic) => ruleOf(diagnostic) === 'invalid-port')?.code as { target: vscode.Uri }).target;
    const isRulePreview = (tab: vscode.Tab) => tab.input instanceof vscode.TabInputWebview && /markdown/i.test(tab.input.viewType) && tab.label.includes('invalid-port');
    const previewTabs = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter(isRulePreview);
    const opened = new Promise<void>((resolve) => {
      const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
        if (previewTabs().length > 0) {
          subscription.dispose();
          resolve();
        }
      });
    });
    // What the Problems panel does with the link: run the command it names, with its arguments.
    await vscode.commands.executeCommand(target.path, ...(JSON.parse(decodeURIComponent(target.query)) as unknown[]));
    await opened;
    const page = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'port-lens-rule', path: '/invalid-port.md' }));
    assert.match(page.getText(), /^# invalid-port\n/);
    assert.match(page.getText(), /## Bad/);
    assert.doesNotMatch(page.getText(), /\]\((?!https?:|#)[^)]+\.md/, 'links between pages point at the published pages');
  });

  it('re-checks after an edit, and clears a fixed problem', async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    await waitForActivation();
    await waitForDiagnostics(uri, (all) => all.some((diagnostic) => diagnostic.message.includes('70000')));
    await editor.edit((edit) => edit.replace(new vscode.Range(4, 9, 4, 14), '7000'));
    await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => diagnostic.message.includes('70000')));
  });

  it('clears diagnostics when the document closes', async () => {
    // An untitled document is disposed as soon as its editor is reverted and closed, so the close event is prompt.
    const document = await vscode.workspace.openTextDocument({ language: 'dockercompose', content: INVALID_COMPOSE });
    await vscode.window.showTextDocument(document);
    await waitForActivation();
    await waitForDiagnostics(document.uri, (all) => all.length > 0);
    const closed = new Promise<void>((resolve) => {
      const subscription = vscode.workspace.onDidCloseTextDocument((closedDocument) => {
        if (closedDocument.uri.toString() === document.uri.toString()) {
          subscription.dispose();
          resolve();
        }
      });
    });
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await closed;
    await waitForDiagnostics(document.uri, (all) => all.length === 0);
  });

  it('turns a rule off from settings without a reload', async () => {
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await waitForActivation();
    await waitForDiagnostics(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'invalid-port'));
    const restore = await withSetting('rules', { 'invalid-port': 'off' });
    try {
      await waitForDiagnostics(uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'invalid-port'));
    } finally {
      await restore();
    }
    await waitForDiagnostics(uri, (all) => all.some((diagnostic) => ruleOf(diagnostic) === 'invalid-port'));
  });
});
