import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CatalogNode } from '../../src/editor/catalogView';
import type { WorkspacePortNode } from '../../src/editor/workspacePortsView';
import { exampleUri, waitForActivation } from './helpers';

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('Port Lens sidebar', () => {
  it('lists the workspace ports grouped by port, with where each occurs', async () => {
    await vscode.commands.executeCommand('portLens.workspacePorts.focus');
    const api = await waitForActivation();
    const view = api.workspacePortsView;
    view.setGroupBy('port');
    const roots = await view.getChildren();
    const postgres = roots.find((node) => view.getTreeItem(node).label === '5432/tcp');
    assert.ok(postgres, `5432/tcp missing from ${roots.map((node) => label(view.getTreeItem(node))).join(', ')}`);
    const item = view.getTreeItem(postgres);
    assert.match(String(item.description), /PostgreSQL/);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning', 'a sensitive port carries a warning icon');
    const occurrences = await view.getChildren(postgres);
    assert.ok(occurrences.some((node) => label(view.getTreeItem(node)).startsWith('compose.yaml:')));
    const command = view.getTreeItem(occurrences[0]).command;
    assert.equal(command?.command, 'portLens.openOccurrence');
  });

  it('switches to grouping by file', async () => {
    const api = await waitForActivation();
    const view = api.workspacePortsView;
    view.setGroupBy('file');
    try {
      const roots = await view.getChildren();
      const files = roots.filter((node): node is Extract<WorkspacePortNode, { kind: 'file' }> => node.kind === 'file').map((node) => node.file);
      for (const name of ['Dockerfile', 'compose.yaml', 'app.yaml', 'nginx.conf', 'rules.v4']) {
        assert.ok(files.some((file) => file.endsWith(`/${name}`)), `${name} missing from ${files.join(', ')}`);
      }
    } finally {
      view.setGroupBy('port');
    }
  });

  it('updates after a file is created and saved, without a full rescan', async () => {
    const api = await waitForActivation();
    await api.workspacePorts.ensureScanned();
    const uri = exampleUri('extra/compose.yaml');
    const changed = new Promise<void>((resolve) => {
      const subscription = api.workspacePorts.onDidChange(() => {
        if (api.workspacePorts.index.occurrencesOf(47123).length > 0) {
          subscription.dispose();
          resolve();
        }
      });
    });
    await vscode.workspace.fs.writeFile(uri, Buffer.from('services:\n  extra:\n    image: nginx\n    ports:\n      - "47123:80"\n'));
    try {
      await changed;
      const roots = await api.workspacePortsView.getChildren();
      assert.ok(roots.some((node) => node.kind === 'port' && node.port === 47123));
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(uri, '..'), { recursive: true });
    }
  });

  it('grades a port of a service the workspace builds as the rule does, from the FROM of the Dockerfile it builds', async () => {
    const api = await waitForActivation();
    await api.workspacePorts.ensureScanned();
    await api.workspaceGraph.ensureStarted();
    const view = api.workspacePortsView;
    view.setGroupBy('port');
    const folder = exampleUri('built-cache');
    /** The icon colour of the 11211/tcp group, once the sidebar lists it. */
    const colourOfPort = async (): Promise<string | undefined> => {
      const group = (await view.getChildren()).find((node) => node.kind === 'port' && node.port === 11211);
      const icon = group ? (view.getTreeItem(group).iconPath as vscode.ThemeIcon | undefined) : undefined;
      return icon?.color?.id;
    };
    // The model reads the Dockerfile after the Compose file: the grade settles on the model's finding.
    const graded = new Promise<void>((resolve) => {
      const subscription = view.onDidChangeTreeData(() => {
        void colourOfPort().then((colour) => {
          if (colour === 'list.errorForeground') {
            subscription.dispose();
            resolve();
          }
        });
      });
    });
    try {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'Dockerfile'), Buffer.from('FROM memcached:1.6\n'));
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'compose.yaml'), Buffer.from('services:\n  cache:\n    build: .\n    ports:\n      - "11211:11211"\n'));
      await graded;
      assert.equal(await colourOfPort(), 'list.errorForeground', 'Memcached built FROM memcached is graded high, as the rule reports it');
    } finally {
      await vscode.workspace.fs.delete(folder, { recursive: true });
    }
  });

  it('updates after an existing file is edited and saved', async () => {
    const api = await waitForActivation();
    await api.workspacePorts.ensureScanned();
    const uri = exampleUri('edited/compose.yaml');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('services:\n  app:\n    image: nginx\n    ports:\n      - "47200:80"\n'));
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(document);
      const changed = new Promise<void>((resolve) => {
        const subscription = api.workspacePorts.onDidChange(() => {
          if (api.workspacePorts.index.occurrencesOf(47201).length > 0) {
            subscription.dispose();
            resolve();
          }
        });
      });
      await editor.edit((edit) => edit.replace(document.positionAt(document.getText().indexOf('47200')), '47201:80"\n      - "'));
      await document.save();
      await changed;
      assert.ok(api.workspacePorts.index.occurrencesOf(47200).length > 0, 'the first port is still listed');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(uri, '..'), { recursive: true });
    }
  });

  it('describes a port in a Markdown document for the preview', async () => {
    await waitForActivation();
    const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'port-lens-info', path: '/6379-tcp.md' }));
    const text = document.getText();
    assert.match(text, /\*\*6379\/tcp\*\* · Redis/);
    assert.doesNotMatch(text, /\$\(/, 'theme icons are stripped for the Markdown preview');
  });

  it('shows the catalogue by category, by severity, and the registry in lazy buckets', async () => {
    await vscode.commands.executeCommand('portLens.catalog.focus');
    const api = await waitForActivation();
    const catalog = api.catalogView;
    const sections = catalog.getChildren();
    assert.deepEqual(sections.map((node) => label(catalog.getTreeItem(node))), ['By category', 'Sensitive ports', 'Registry ranges']);
    const categories = catalog.getChildren(sections[0]);
    const databases = categories.find((node) => label(catalog.getTreeItem(node)) === 'Databases');
    assert.ok(databases);
    assert.ok(catalog.getChildren(databases).some((node: CatalogNode) => node.kind === 'port' && node.entry.port === 5432));
    const severities = catalog.getChildren(sections[1]);
    const high = catalog.getChildren(severities[0]);
    assert.ok(high.some((node) => node.kind === 'port' && node.entry.port === 2375));
    const ranges = catalog.getChildren(sections[2]);
    const buckets = catalog.getChildren(ranges[1]);
    assert.ok(buckets.length > 40 && buckets.length < 60, `${buckets.length} buckets`);
    const firstBucket = catalog.getChildren(buckets[0]);
    assert.ok(firstBucket.length <= 1024);
    assert.ok(firstBucket.some((node) => node.kind === 'port' && node.entry.port === 1433));
  });

  it('Find Port ranks the exact number first and finds names', async () => {
    const api = await waitForActivation();
    const byNumber = api.findPortItems('6379');
    assert.match(byNumber[0].label, /^6379\/tcp/);
    const byName = api.findPortItems('kafka');
    assert.ok(byName.some((item) => item.label.startsWith('9092')));
  });
});
