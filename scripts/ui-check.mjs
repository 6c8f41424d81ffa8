// Does what a person would: opens examples/ in the served VS Code, opens the Dockerfile,
// moves the mouse onto a port, and checks the hover widget names the port's service.
// Screenshots go to test-results/ui/ (ignored by git) for a human to look at.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot, startCodeServer } from './code-server.mjs';
import { createTestWorkspace } from './integration-workspace.mjs';
import { launchBrowser, workbenchUrl } from './run-integration.mjs';

export const SCREENSHOT_DIR = path.join(projectRoot, 'test-results', 'ui');

/** Opens a file through Quick Open, the way a keyboard user would. */
export async function openFile(page, relativePath) {
  await page.locator('.monaco-workbench').click({ position: { x: 600, y: 300 } }).catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(relativePath);
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tab[aria-label^="${path.basename(relativePath)}"]`).first().waitFor({ timeout: 15_000 });
}

/** Moves the mouse onto the first rendered occurrence of `token` in a line containing `lineText`, and returns the hover widget's text. */
export async function hoverToken(page, lineText, token) {
  const line = page.locator('.view-line', { hasText: lineText }).first();
  await line.waitFor({ timeout: 15_000 });
  const box = await line.evaluate((element, wanted) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.replace(/\u00a0/g, ' ');
      const index = text.indexOf(wanted);
      if (index >= 0) {
        const range = document.createRange();
        range.setStart(node, index);
        range.setEnd(node, index + wanted.length);
        const rect = range.getBoundingClientRect();
        return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
      }
    }
    return undefined;
  }, token);
  if (!box) {
    throw new Error(`"${token}" is not rendered in the line "${lineText}"`);
  }
  await page.mouse.move(box.x - 40, box.y);
  await page.mouse.move(box.x, box.y, { steps: 5 });
  const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover-content').filter({ hasText: token }).first();
  await hover.waitFor({ state: 'visible', timeout: 20_000 });
  // The widget fades in; wait until it is opaque so a screenshot shows what a person sees.
  await page.waitForFunction(() => {
    const widget = document.querySelector('.monaco-hover:not(.hidden)');
    return widget !== null && widget.getAnimations({ subtree: true }).every((animation) => animation.playState === 'finished') && getComputedStyle(widget).opacity === '1';
  }, undefined, { timeout: 5_000 }).catch(() => undefined);
  return hover.innerText();
}

export async function openWorkbench({ viewport = { width: 1400, height: 900 } } = {}) {
  const workspace = createTestWorkspace();
  const server = await startCodeServer({ workspace: workspace.directory });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  await page.goto(workbenchUrl(server, workspace.directory));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
  const close = async () => {
    await browser.close().catch(() => undefined);
    server.stop();
    workspace.dispose();
  };
  return { page, close };
}

export async function runUiCheck() {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const failures = [];
  let session;
  try {
    session = await openWorkbench();
    const { page } = session;
    await openFile(page, 'Dockerfile');
    const text = await hoverToken(page, 'EXPOSE 9229', '9229');
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'hover-dockerfile.png') });
    for (const expected of ['9229/tcp', 'Sensitive']) {
      if (!text.includes(expected)) {
        failures.push(`the hover on EXPOSE 9229 does not say "${expected}": ${text.slice(0, 300)}`);
      }
    }
  } catch (error) {
    failures.push(error.message);
    await session?.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'failure.png') }).catch(() => undefined);
  } finally {
    await session?.close();
  }
  console.log(failures.length === 0 ? '  ✔ hovering EXPOSE 9229 in the Dockerfile shows its service (screenshot in test-results/ui/)' : `  ✘ ${failures.join('\n    ')}`);
  return { passed: failures.length === 0 ? 1 : 0, failed: failures.length === 0 ? 0 : 1, failures };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runUiCheck().then((result) => {
    process.exitCode = result.failed > 0 ? 1 : 0;
  });
}
