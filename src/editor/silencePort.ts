import * as vscode from 'vscode';
import { CONFIG_SECTION } from './config';

const SILENCED_SETTING = 'sensitivePorts.silenced';

/**
 * Adds a port key such as `6379/tcp` to `portLens.sensitivePorts.silenced`: in the workspace's
 * settings when a folder is open, so the team shares the decision, and in the user's otherwise.
 */
export async function silenceSensitivePort(portKey: unknown, resource?: unknown): Promise<void> {
  if (typeof portKey !== 'string' || !/^\d{1,5}(?:\/[a-z]+)?$/.test(portKey)) {
    void vscode.window.showWarningMessage(`Port Lens: "${String(portKey)}" is not a port such as 6379/tcp.`);
    return;
  }
  const scope = resource instanceof vscode.Uri ? resource : undefined;
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const inWorkspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  const target = inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const inspected = config.inspect<unknown[]>(SILENCED_SETTING);
  const current = (inWorkspace ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const existing = Array.isArray(current) ? current : [];
  if (existing.some((entry) => String(entry) === portKey)) {
    return;
  }
  await config.update(SILENCED_SETTING, [...existing, portKey], target);
  void vscode.window.setStatusBarMessage(`Port Lens: ${portKey} added to ${CONFIG_SECTION}.${SILENCED_SETTING} (${inWorkspace ? 'workspace' : 'user'} settings).`, 5000);
}
