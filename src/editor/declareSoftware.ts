import * as vscode from 'vscode';
import { CONFIG_SECTION } from './config';

const SERVICES_SETTING = 'services';
/** As in `portLens.services` validation: longer names are skipped there, so they are refused here. */
const MAX_SOFTWARE_LENGTH = 200;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Records `portLens.services[key] = software`: what a service, an image or the files of a glob
 * run. In the workspace's settings when a folder is open, so the team shares the fact, and in the
 * user's otherwise. Other entries keep their place; an entry for the same key is replaced.
 */
export async function declareSoftware(key: unknown, software: unknown, resource?: unknown): Promise<void> {
  const pattern = typeof key === 'string' ? key.trim() : '';
  const name = typeof software === 'string' ? software.trim() : '';
  if (!pattern || !name || name.length > MAX_SOFTWARE_LENGTH) {
    void vscode.window.showWarningMessage(`Port Lens: cannot record ${JSON.stringify(software)} as the software ${JSON.stringify(key)} runs.`);
    return;
  }
  const scope = resource instanceof vscode.Uri ? resource : undefined;
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION, scope);
  const inWorkspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  const target = inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const inspected = config.inspect<unknown>(SERVICES_SETTING);
  const current = inWorkspace ? inspected?.workspaceValue : inspected?.globalValue;
  const existing = isPlainObject(current) ? current : {};
  if (existing[pattern] === name) {
    return;
  }
  // The settings change re-runs the diagnostics; that the finding goes away is the answer.
  await config.update(SERVICES_SETTING, { ...existing, [pattern]: name }, target);
}
