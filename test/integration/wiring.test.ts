/**
 * Findings that need more than one file: the example project in `wiring/` and the manifest
 * `k8s/wiring.yaml` hold one good and one broken wire of every kind. The editor reads the
 * workspace into its model on the first check, so each test waits for the model's findings.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, exampleUri, positionOf, removeWorkspaceFile, ruleOf, waitForActivation, waitForDiagnostics, writeWorkspaceFile } from './helpers';

const WIRING_RULES: ReadonlySet<string> = new Set([
  'container-port-not-listening',
  'environment-url-port-not-listening',
  'healthcheck-port-not-listening',
  'proxy-port-not-listening',
  'dial-published-port',
  'published-port-bypasses-firewall',
  'service-target-port-unmatched',
  'probe-port-undeclared',
  'backend-port-undefined',
]);

async function open(relativePath: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(exampleUri(relativePath));
  await vscode.window.showTextDocument(document);
  await waitForActivation();
  return document;
}

function hasRules(...rules: string[]): (diagnostics: readonly vscode.Diagnostic[]) => boolean {
  return (diagnostics) => rules.every((rule) => diagnostics.some((diagnostic) => ruleOf(diagnostic) === rule));
}

/** The one finding of `rule` on the line holding `needle`. */
function findingOn(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[], rule: string, needle: string): vscode.Diagnostic {
  const line = positionOf(document, needle).line;
  const found = diagnostics.filter((diagnostic) => ruleOf(diagnostic) === rule && diagnostic.range.start.line === line);
  assert.equal(found.length, 1, `one ${rule} on line ${line + 1} (${needle}); found ${JSON.stringify(diagnostics.map((diagnostic) => `${diagnostic.range.start.line + 1}:${ruleOf(diagnostic)}`))}`);
  return found[0];
}

/** No finding of the wiring rules on the lines holding each needle: those wires are good. */
function assertQuiet(document: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[], needles: readonly string[]): void {
  for (const needle of needles) {
    const line = positionOf(document, needle).line;
    const found = diagnostics.filter((diagnostic) => WIRING_RULES.has(ruleOf(diagnostic)) && diagnostic.range.start.line === line);
    assert.deepEqual(found.map((diagnostic) => `${ruleOf(diagnostic)}: ${diagnostic.message}`), [], `the wired line ${line + 1} (${needle}) is flagged`);
  }
}

describe('Wiring across files in a real editor', () => {
  after(closeAllEditors);

  it('flags the broken wires of a Compose project and none of the good ones', async () => {
    const document = await open('wiring/compose.yaml');
    const diagnostics = await waitForDiagnostics(document.uri, hasRules(
      'container-port-not-listening', 'environment-url-port-not-listening', 'healthcheck-port-not-listening', 'published-port-bypasses-firewall',
    ));

    const notListening = findingOn(document, diagnostics, 'container-port-not-listening', '"127.0.0.1:8000:80"');
    assert.equal(document.getText(notListening.range), '80', 'the finding marks the container port');
    assert.match(notListening.message, /web\/Dockerfile/);
    assert.match(notListening.message, /8080/);
    assert.equal(notListening.severity, vscode.DiagnosticSeverity.Error);
    const dockerfile = notListening.relatedInformation?.find((related) => related.location.uri.path.endsWith('/wiring/web/Dockerfile'));
    assert.ok(dockerfile, 'the finding links to the Dockerfile that says what web listens on');
    assert.equal(dockerfile.location.range.start.line, 8, 'the related location is the EXPOSE line');

    findingOn(document, diagnostics, 'environment-url-port-not-listening', 'REDIS_URL');
    findingOn(document, diagnostics, 'healthcheck-port-not-listening', 'localhost:8081');
    const bypass = findingOn(document, diagnostics, 'published-port-bypasses-firewall', '"5432:5432"');
    assert.ok(bypass.relatedInformation?.some((related) => related.location.uri.path.endsWith('/wiring/host/ufw.sh')), 'the finding links to the firewall rule it skips');

    assertQuiet(document, diagnostics, ['API_URL', 'DATABASE_URL', 'localhost:5000', '"8080:80"']);
  });

  it('follows an unsaved edit of a Dockerfile into the Compose file that builds it', async () => {
    const compose = await open('wiring/compose.yaml');
    await waitForDiagnostics(compose.uri, hasRules('container-port-not-listening'));
    const dockerfile = await vscode.workspace.openTextDocument(exampleUri('wiring/web/Dockerfile'));
    const exposed = positionOf(dockerfile, 'EXPOSE 8080', 'EXPOSE '.length);
    const digits = new vscode.Range(exposed, exposed.translate(0, '8080'.length));

    const edit = new vscode.WorkspaceEdit();
    edit.replace(dockerfile.uri, digits, '80');
    assert.ok(await vscode.workspace.applyEdit(edit), 'the edit applies');
    try {
      assert.ok(dockerfile.isDirty, 'the Dockerfile is edited, not saved');
      await waitForDiagnostics(compose.uri, (all) => !all.some((diagnostic) => ruleOf(diagnostic) === 'container-port-not-listening'));
    } finally {
      const undo = new vscode.WorkspaceEdit();
      undo.replace(dockerfile.uri, new vscode.Range(exposed, exposed.translate(0, '80'.length)), '8080');
      assert.ok(await vscode.workspace.applyEdit(undo), 'the edit is undone');
      // Same text as on disk; saved so no later test meets an editor with unsaved changes.
      await dockerfile.save();
    }
    await waitForDiagnostics(compose.uri, hasRules('container-port-not-listening'));
  });

  it('offers the quick fix a cross-file finding carries, which forwards to the port the image listens on', async () => {
    const document = await open('wiring/compose.yaml');
    const diagnostics = await waitForDiagnostics(document.uri, hasRules('container-port-not-listening'));
    const finding = findingOn(document, diagnostics, 'container-port-not-listening', '"127.0.0.1:8000:80"');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, finding.range, vscode.CodeActionKind.QuickFix.value);
    const forward = actions.find((action) => action.title === 'Forward to container port 8080');
    assert.ok(forward, `no "Forward to container port 8080" among ${JSON.stringify(actions.map((action) => action.title))}`);
    assert.equal(forward.isPreferred, true);
    const edits = forward.edit?.get(document.uri) ?? [];
    assert.equal(edits.length, 1);
    assert.equal(edits[0].newText, '8080');
    assert.ok(edits[0].range.isEqual(finding.range), 'the fix replaces the container port, 80');
    assert.equal(document.getText(edits[0].range), '80');
    assert.equal(document.isDirty, false, 'offering the fix leaves the file as it was');
  });

  it('flags proxy_pass targets that do not listen, and a host port dialled inside the network', async () => {
    const document = await open('wiring/proxy/nginx.conf');
    const diagnostics = await waitForDiagnostics(document.uri, hasRules('proxy-port-not-listening', 'dial-published-port'));
    const proxy = findingOn(document, diagnostics, 'proxy-port-not-listening', 'api:5001');
    assert.equal(document.getText(proxy.range), '5001');
    assert.match(proxy.message, /5000/);
    const published = findingOn(document, diagnostics, 'dial-published-port', 'frontend:3000');
    assert.equal(document.getText(published.range), '3000');
    assertQuiet(document, diagnostics, ['server api:5000', 'web:8080']);
  });

  it('reads a mounted HAProxy configuration whatever its name, and judges the port mapping by its bind', async () => {
    const compose = await writeWorkspaceFile('mounted-lb/compose.yaml', 'services:\n  lb:\n    image: haproxy:3.0\n    volumes:\n      - ./lb.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro\n    ports:\n      - "8080:8080"\n');
    const config = await writeWorkspaceFile('mounted-lb/lb.cfg', 'frontend web\n    bind *:9090\n    default_backend app\nbackend app\n    server a1 10.0.0.5:3000\n');
    try {
      const document = await vscode.workspace.openTextDocument(compose);
      await vscode.window.showTextDocument(document);
      await waitForActivation();
      const diagnostics = await waitForDiagnostics(document.uri, hasRules('container-port-not-listening'));
      const finding = findingOn(document, diagnostics, 'container-port-not-listening', '8080:8080');
      assert.match(finding.message, /lb listens on 9090 \(lb\.cfg:2\)/);
    } finally {
      await closeAllEditors();
      await removeWorkspaceFile(config);
      await removeWorkspaceFile(compose);
      await removeWorkspaceFile(exampleUri('mounted-lb'));
    }
  });

  it('follows Kubernetes selectors, port names and Ingress backends', async () => {
    const document = await open('k8s/wiring.yaml');
    const diagnostics = await waitForDiagnostics(document.uri, hasRules('service-target-port-unmatched', 'probe-port-undeclared', 'backend-port-undefined'));
    assert.equal(document.getText(findingOn(document, diagnostics, 'service-target-port-unmatched', 'targetPort: 9090').range), '9090');
    assert.equal(document.getText(findingOn(document, diagnostics, 'probe-port-undeclared', 'port: 8081').range), '8081');
    assert.equal(document.getText(findingOn(document, diagnostics, 'backend-port-undefined', 'number: 8080').range), '8080');
    assertQuiet(document, diagnostics, ['port: http ', 'targetPort: http', 'number: 80 ']);
  });
});
