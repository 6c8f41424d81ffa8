import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PortLensApi } from '../../src/extension';
import type { PortMapNode } from '../../src/editor/portMapView';
import { modelFileName } from '../../src/editor/workspaceGraph';
import { closeAllEditors, exampleUri, hoverText, openExample, positionOf, waitForActivation } from './helpers';

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

function tooltipOf(item: vscode.TreeItem): string {
  return typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? '');
}

/** Where a location points, as `path/relative/to/the/workspace:line` (1-based), for readable assertions. */
function place(location: vscode.Location | vscode.LocationLink): string {
  const uri = 'uri' in location ? location.uri : location.targetUri;
  const range = 'range' in location ? location.range : location.targetRange;
  return `${vscode.workspace.asRelativePath(uri, false)}:${range.start.line + 1}`;
}

/** The 1-based line of the first `needle` in a workspace file. */
async function lineOf(relativePath: string, needle: string): Promise<number> {
  const document = await vscode.workspace.openTextDocument(exampleUri(relativePath));
  return positionOf(document, needle).line + 1;
}

async function definitions(document: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  const found = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', document.uri, position);
  return (found ?? []).map(place);
}

/** The extension, once the Port Map has read the workspace: every wire then has both its ends. */
async function workspaceRead(): Promise<PortLensApi> {
  const api = await waitForActivation();
  await api.portMapView.getChildren();
  return api;
}

/** Resolves once the workspace model holds `text` for `uri`: checked now and on each change of the model. */
function modelHolds(api: PortLensApi, uri: vscode.Uri, text: string): Promise<void> {
  const holds = () => api.workspaceGraph.model.textOf(modelFileName(uri)) === text;
  if (holds()) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const subscription = api.workspaceGraph.onDidChange(() => {
      if (holds()) {
        subscription.dispose();
        resolve();
      }
    });
  });
}

describe('Navigation along port wires', () => {
  afterEach(closeAllEditors);

  it('goes from an nginx upstream server to where the service listens', async () => {
    const document = await openExample('wiring/proxy/nginx.conf');
    const found = await definitions(document, positionOf(document, 'api:5000', 5));
    const expose = `wiring/api/Dockerfile:${await lineOf('wiring/api/Dockerfile', 'EXPOSE 5000')}`;
    assert.ok(found.some((where) => where === expose || where.startsWith('wiring/compose.yaml:')), `definitions: ${found.join(', ')}`);
  });

  it('goes from proxy_pass to the EXPOSE line of the Dockerfile the service builds', async () => {
    const document = await openExample('wiring/proxy/nginx.conf');
    const found = await definitions(document, positionOf(document, 'web:8080', 5));
    assert.deepEqual(found, [`wiring/web/Dockerfile:${await lineOf('wiring/web/Dockerfile', 'EXPOSE 8080')}`]);
  });

  it('goes from a proxy_pass that dials nothing to the Compose service it names', async () => {
    const document = await openExample('wiring/proxy/nginx.conf');
    const found = await definitions(document, positionOf(document, 'frontend:3000', 'frontend:'.length + 1));
    assert.deepEqual(found, [`wiring/compose.yaml:${await lineOf('wiring/compose.yaml', '  frontend:')}`]);
  });

  it('goes from a Service targetPort name to the container port of that name', async () => {
    const document = await openExample('k8s/wiring.yaml');
    const found = await definitions(document, positionOf(document, 'targetPort: http', 'targetPort: '.length + 1));
    assert.deepEqual(found, [`k8s/wiring.yaml:${positionOf(document, 'containerPort: 8080').line + 1}`]);
  });

  it('follows an edit that is not saved yet', async () => {
    const document = await openExample('wiring/proxy/nginx.conf');
    const editor = await vscode.window.showTextDocument(document);
    const api = await workspaceRead();
    const saved = document.getText();
    const port = positionOf(document, 'api:5001', 4);
    await editor.edit((edit) => edit.replace(new vscode.Range(port, port.translate(0, 4)), '5000'));
    try {
      const found = await definitions(document, port);
      assert.deepEqual(found, [`wiring/api/Dockerfile:${await lineOf('wiring/api/Dockerfile', 'EXPOSE 5000')}`]);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      // The model reads the file from disk again once the document is gone; later tests need that text.
      await modelHolds(api, document.uri, saved);
    }
  });

  it('finds every dial of a port from the EXPOSE that serves it', async () => {
    const document = await openExample('wiring/api/Dockerfile');
    const found = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, positionOf(document, 'EXPOSE 5000', 8));
    const places = (found ?? []).map(place);
    const upstream = `wiring/proxy/nginx.conf:${await lineOf('wiring/proxy/nginx.conf', 'server api:5000')}`;
    const environment = `wiring/compose.yaml:${await lineOf('wiring/compose.yaml', 'API_URL: http://api:5000')}`;
    for (const expected of [upstream, environment]) {
      assert.ok(places.includes(expected), `${expected} missing from ${places.join(', ')}`);
    }
    const otherPort = `wiring/proxy/nginx.conf:${await lineOf('wiring/proxy/nginx.conf', 'api:5001')}`;
    assert.ok(!places.includes(otherPort), 'a dial of another port is not a reference');
  });

  it('says in the hover what a dialled service listens on instead', async () => {
    const document = await openExample('wiring/proxy/nginx.conf');
    await workspaceRead();
    const text = await hoverText(document, positionOf(document, 'api:5001', 5));
    assert.match(text, /Nothing listens on 5001 here/);
    assert.match(text, /api listens on 5000/);
  });

  it('says in the hover who dials a listening port', async () => {
    const document = await openExample('wiring/api/Dockerfile');
    await workspaceRead();
    const text = await hoverText(document, positionOf(document, 'EXPOSE 5000', 8));
    assert.match(text, /Dialled by/);
    assert.match(text, /upstream api_servers api:5000/);
    assert.match(text, /command:portLens\.openLocation/, 'each dial links to its place');
  });

  it('lists the Compose project and the Kubernetes namespace in the Port Map', async () => {
    await vscode.commands.executeCommand('portLens.portMap.focus');
    const api = await workspaceRead();
    const view = api.portMapView;
    const groups = await view.getChildren();
    const labels = groups.map((node) => label(view.getTreeItem(node)));
    const wiring = groups.find((node) => node.kind === 'group' && node.group.kind === 'compose' && label(view.getTreeItem(node)) === 'wiring');
    assert.ok(wiring, `no wiring project among ${labels.join(', ')}`);
    const services = (await view.getChildren(wiring)).map((node) => label(view.getTreeItem(node)));
    for (const name of ['proxy', 'web', 'api', 'frontend', 'cache', 'db']) {
      assert.ok(services.includes(name), `${name} missing from ${services.join(', ')}`);
    }
    let namespace: PortMapNode | undefined;
    for (const group of groups.filter((node) => node.kind === 'group' && node.group.kind === 'kubernetes')) {
      const names = (await view.getChildren(group)).map((node) => label(view.getTreeItem(node)));
      if (names.includes('Deployment/shop') && names.includes('Service/shop')) {
        namespace = group;
      }
    }
    assert.ok(namespace, `no namespace holds Deployment/shop and Service/shop among ${labels.join(', ')}`);
  });

  it('shows what a service listens on, and marks a broken wire with its message', async () => {
    const api = await workspaceRead();
    const view = api.portMapView;
    const wiring = (await view.getChildren()).find((node) => label(view.getTreeItem(node)) === 'wiring');
    assert.ok(wiring);
    const apiNode = (await view.getChildren(wiring)).find((node) => label(view.getTreeItem(node)) === 'api');
    assert.ok(apiNode);
    assert.match(String(view.getTreeItem(apiNode).description), /listens on 5000/);
    const children = await view.getChildren(apiNode);
    const items = children.map((node) => view.getTreeItem(node));
    const listen = items.find((item) => label(item) === 'listens on 5000');
    assert.ok(listen, `children: ${items.map(label).join(', ')}`);
    assert.match(String(listen.description), /EXPOSE in api\/Dockerfile/);
    const fromNginx = items.filter((item) => label(item) === 'dialled by proxy/nginx.conf');
    const broken = fromNginx.find((item) => String(item.description).includes('5001'));
    assert.ok(broken, `nginx dials: ${fromNginx.map((item) => String(item.description)).join(', ')}`);
    assert.equal((broken.iconPath as vscode.ThemeIcon).id, 'error');
    assert.match(tooltipOf(broken), /proxy-port-not-listening/);
    assert.match(tooltipOf(broken), /api listens on 5000/);
    assert.equal(broken.command?.command, 'vscode.open');
    const wired = fromNginx.find((item) => String(item.description).includes('5000'));
    assert.ok(wired);
    assert.notEqual((wired.iconPath as vscode.ThemeIcon).id, 'error');
  });
});
