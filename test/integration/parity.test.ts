import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runCli } from '../../src/cli/run';
import type { CheckReport } from '../../src/cli/report';
import { closeAllEditors, ruleOf, waitForActivation, waitForDiagnostics, workspaceRoot } from './helpers';

const SEVERITY_NAMES: Readonly<Record<number, string>> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
};

/** `line:column severity rule message`, 1-based like the command line's JSON. */
function summaryOf(diagnostic: vscode.Diagnostic): string {
  const start = diagnostic.range.start;
  return `${start.line + 1}:${start.character + 1} ${SEVERITY_NAMES[diagnostic.severity]} ${ruleOf(diagnostic)} ${diagnostic.message}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((line, index) => line === [...b].sort()[index]);
}

/** What `port-lens check . --format json` reports on the workspace, run in this process on the same folder. */
function checkWorkspace(root: string): CheckReport {
  let stdout = '';
  let stderr = '';
  const code = runCli(['check', '.', '--format', 'json', '--fail-on', 'none'], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: root,
    isTTY: false,
    env: {},
  });
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as CheckReport;
}

describe('The editor and the command line agree', () => {
  afterEach(closeAllEditors);

  it('shows in the Problems panel exactly what port-lens check reports for every example file, cross-file findings included', async function () {
    // Every example file is opened and checked in turn, each waiting on its own diagnostics.
    this.timeout(120_000);
    await waitForActivation();
    const root = workspaceRoot();
    const report = checkWorkspace(root);
    const withFindings = report.files.filter((file) => file.diagnostics.length > 0);
    const rules = new Set(withFindings.flatMap((file) => file.diagnostics.map((diagnostic) => diagnostic.rule)));
    assert.ok(rules.has('container-port-not-listening') && rules.has('service-target-port-unmatched'), `cross-file findings are among them: ${[...rules].join(', ')}`);
    for (const file of withFindings) {
      const expected = file.diagnostics.map((diagnostic) => `${diagnostic.line}:${diagnostic.column} ${diagnostic.severity} ${diagnostic.rule} ${diagnostic.message}`);
      const uri = vscode.Uri.file(path.join(root, file.path));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      const shown = await waitForDiagnostics(uri, (diagnostics) => sameSet(diagnostics.map(summaryOf), expected), 30_000);
      assert.equal(shown.length, expected.length, file.path);
    }
  });
});
