// A throwaway copy of examples/ for integration tests, so tests that edit files never touch the repository.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './code-server.mjs';

export function createTestWorkspace() {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'port-lens-workspace-'));
  cpSync(path.join(projectRoot, 'examples'), directory, { recursive: true });
  return { directory, dispose: () => rmSync(directory, { recursive: true, force: true }) };
}
