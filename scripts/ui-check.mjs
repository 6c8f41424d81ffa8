// Does what a person would: opens examples/ in the served VS Code, opens the Dockerfile,
// moves the mouse onto a port, and checks the hover widget names the port's service.
// Screenshots go to test-results/ui/ (ignored by git) for a human to look at.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot, startCodeServer } from './code-server.mjs';
import { createTestWorkspace } from './integration-workspace.mjs';
import { launchBrowser, workbenchUrl } from './run-integration.mjs';

export const SCREENSHOT_DIR = path.join(projectRoot, 'test-results', 'ui');

/** Opens a top-level file by double-clicking it in the Explorer, the way a person would. */
export async function openFile(page, fileName) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.dblclick();
  await page.locator(`.tab[aria-label^="${fileName}"]`).first().waitFor({ timeout: 15_000 });
}

/** Runs a command from the Command Palette by its title, as a person would. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
}

/** Closes the primary side bar; its command exists only while the side bar is shown. */
async function closePrimarySideBar(page) {
  if (await page.locator('.part.sidebar').isVisible()) {
    await runCommand(page, 'View: Close Primary Side Bar');
  }
}

/** Opens a file by its path in the workspace with Quick Open (Ctrl+P), for files below the top level. */
export async function quickOpen(page, relativePath) {
  const fileName = path.posix.basename(relativePath);
  const directory = path.posix.dirname(relativePath);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 15_000 });
  await input.fill(relativePath);
  // Each result shows the file name with its folder as the description.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).filter({ hasText: directory }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.locator(`.tab[aria-label^="${fileName}"]`).first().waitFor({ timeout: 15_000 });
}

/** The centre of the first rendered occurrence of `token` in a rendered editor line. */
async function tokenBox(line, token) {
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
    throw new Error(`"${token}" is not rendered in one text run of its line`);
  }
  return box;
}

/** Moves the mouse onto the first rendered occurrence of `token` in a line containing `lineText`, and returns the hover widget's text. */
export async function hoverToken(page, lineText, token, hoverMustContain = token) {
  const line = page.locator('.view-line', { hasText: lineText }).first();
  await line.waitFor({ timeout: 15_000 });
  const hover = page.locator('.monaco-hover-content').filter({ hasText: hoverMustContain }).first();
  // The extension may still be activating when the pointer first arrives, and the editor may still
  // be laying out; find the token afresh and move away and back until the hover shows.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const box = await tokenBox(line, token);
    await page.mouse.move(box.x + 200, box.y + 200);
    await page.mouse.move(box.x, box.y, { steps: 4 });
    try {
      await hover.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    }
  }
  // The widget fades in; wait until it is opaque so a screenshot shows what a person sees.
  await page.waitForFunction(() => {
    const content = [...document.querySelectorAll('.monaco-hover-content')].find((element) => element.offsetParent !== null);
    const widget = content?.closest('.monaco-hover') ?? content;
    return widget !== null && widget.getAnimations({ subtree: true }).every((animation) => animation.playState === 'finished') && getComputedStyle(widget).opacity === '1';
  }, undefined, { timeout: 5_000 }).catch(() => undefined);
  // The hover is drawn in parts (the problem's part first, each provider's when it answers) and
  // may be redrawn meanwhile, so its text is read in the page at a moment it holds the fragment.
  const visibleHoverText = (needle) =>
    [...document.querySelectorAll('.monaco-hover-content')]
      .filter((element) => element.offsetParent !== null)
      .map((element) => element.innerText)
      .find((text) => text.includes(needle));
  const found = await page.waitForFunction(visibleHoverText, hoverMustContain, { timeout: 10_000 }).then(
    (handle) => handle.jsonValue(),
    () => undefined,
  );
  // Without the fragment, hand back what is shown so the check's message says what was seen.
  return found ?? page.evaluate(() => [...document.querySelectorAll('.monaco-hover-content')].find((element) => element.offsetParent !== null)?.innerText ?? '');
}

/** Puts the cursor on `token` in a line containing `lineText` with a click, as a person would. */
export async function clickToken(page, lineText, token) {
  const line = page.locator('.view-line', { hasText: lineText }).first();
  await line.waitFor({ timeout: 15_000 });
  const box = await tokenBox(line, token);
  await page.mouse.click(box.x, box.y);
}

export async function openWorkbench({ viewport = { width: 1400, height: 900 }, settings = {} } = {}) {
  const workspace = createTestWorkspace();
  const server = await startCodeServer({ workspace: workspace.directory, settings });
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

/** Opens the Port Lens sidebar from the activity bar and expands the node whose label starts with `label`. */
export async function openSidebarAndExpand(page, label) {
  await page.locator('.activitybar .action-item a[aria-label^="Port Lens"]').first().click();
  const row = page.locator('.sidebar .pane-body .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') {
    await row.click();
  }
  await page.locator('.sidebar .pane-body .monaco-list-row[aria-level="2"]').first().waitFor({ timeout: 15_000 });
  // Move the focus onto the children, so the list scrolls them into view below the expanded row.
  for (let step = 0; step < 3; step++) {
    await page.keyboard.press('ArrowDown');
  }
  // Park the pointer over the editor and let the activity bar's tooltip close, so nothing covers the tree.
  await page.mouse.move(900, 600);
  await page.locator('.workbench-hover-container').waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
}

/** Hovers the published PostgreSQL mapping of the examples' compose.yaml, in either extension host. */
async function hoverComposeMapping(page) {
  await openFile(page, 'compose.yaml');
  return { text: await hoverToken(page, '"5432:5432"', '5432:5432', 'Publishes'), expected: ['Publishes host port', 'all interfaces', 'PostgreSQL', 'Sensitive'] };
}

/** Each check: what a person does, what they must see, and the screenshot it leaves. */
const CHECKS = [
  {
    name: 'hovering EXPOSE 9229 in the Dockerfile shows the Node inspector warning',
    screenshot: 'hover-dockerfile.png',
    async run(page) {
      await openFile(page, 'Dockerfile');
      return { text: await hoverToken(page, 'EXPOSE 9229', '9229', 'Sensitive'), expected: ['9229/tcp', 'Node.js inspector', 'Sensitive'] };
    },
  },
  {
    name: 'hovering a Compose mapping shows both sides and the PostgreSQL warning',
    screenshot: 'hover-compose.png',
    run: hoverComposeMapping,
  },
  {
    name: 'the Problems panel lists the conflict, the exposed database and the base-60 mapping in compose.yaml',
    screenshot: 'problems.png',
    async run(page) {
      await openFile(page, 'compose.yaml');
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await panel.getByText('host-port-conflict').first().waitFor({ timeout: 30_000 });
      return { text: await panel.innerText(), expected: ['port is already allocated', 'PostgreSQL (5432/tcp) is published on all interfaces', 'base-60', 'sensitive-port-exposed'] };
    },
  },
  {
    name: 'clicking a rule code in the Problems panel opens the rule\'s page from the extension in the Markdown preview',
    screenshot: 'rule-help.png',
    async run(page) {
      const panel = page.locator('.markers-panel');
      await panel.locator('a, .monaco-link', { hasText: 'sensitive-port-exposed' }).first().click();
      const tab = page.locator('.tab', { hasText: 'sensitive-port-exposed' }).first();
      await tab.waitFor({ timeout: 30_000 });
      const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await preview.locator('h1', { hasText: 'sensitive-port-exposed' }).waitFor({ timeout: 30_000 });
      const text = await preview.locator('body').innerText();
      await page.keyboard.press('Control+Shift+M');
      return { text: `${await tab.innerText()}\n${text}`, expected: ['sensitive-port-exposed', 'Catches a port that is dangerous', 'Bad', 'Good', 'Quick fixes'] };
    },
  },
  {
    name: 'Ctrl+. on the Redis mapping offers to publish it on 127.0.0.1 only',
    screenshot: 'quick-fix.png',
    async run(page) {
      await openFile(page, 'compose.yaml');
      await clickToken(page, '6379:6379', '6379:6379');
      const menu = page.locator('.action-widget');
      // The diagnostics may still be on their way; ask again until the fixes are listed.
      const deadline = Date.now() + 30_000;
      for (;;) {
        await page.keyboard.press('Control+Period');
        try {
          await menu.getByText('Publish on 127.0.0.1 only').first().waitFor({ timeout: 3_000 });
          break;
        } catch (error) {
          await page.keyboard.press('Escape');
          if (Date.now() > deadline) {
            throw error;
          }
        }
      }
      return { text: await menu.innerText(), expected: ['Publish on 127.0.0.1 only', 'Ignore sensitive-port-exposed on this line', 'Accept the risk of port 6379/tcp'] };
    },
  },
  {
    name: 'the Port Lens sidebar lists workspace ports and expands one',
    screenshot: 'sidebar.png',
    async run(page) {
      await openSidebarAndExpand(page, '5432/tcp');
      const text = await page.locator('.sidebar').innerText();
      return { text, expected: ['WORKSPACE PORTS', '5432/tcp', 'compose.yaml'] };
    },
  },
  {
    name: 'the Port Map shows the wiring project, what a service listens on and dials, and its broken wires',
    screenshot: 'port-map.png',
    async run(page) {
      // The project's Compose file beside the map, and nothing else open.
      await runCommand(page, 'View: Close All Editors');
      if (await page.locator('.part.panel').isVisible()) {
        await page.keyboard.press('Control+J');
      }
      await quickOpen(page, 'wiring/compose.yaml');
      await runCommand(page, 'Focus on Port Map View');
      // Fold the Workspace Ports section so the map has the side bar's height, and widen the side bar so labels fit.
      const workspacePorts = page.locator('.sidebar .pane-header', { hasText: 'Workspace Ports' }).first();
      if ((await workspacePorts.getAttribute('aria-expanded')) === 'true') {
        await workspacePorts.click();
      }
      const sidebar = await page.locator('.part.sidebar').boundingBox();
      if (sidebar && sidebar.width < 560) {
        const edge = sidebar.x + sidebar.width;
        await page.mouse.move(edge, sidebar.y + sidebar.height / 2);
        await page.mouse.down();
        await page.mouse.move(edge + 300, sidebar.y + sidebar.height / 2, { steps: 8 });
        await page.mouse.up();
      }
      const map = page.locator('.sidebar .pane', { has: page.locator('.pane-header', { hasText: 'Port Map' }) }).first();
      const wiring = map.locator('.monaco-list-row[aria-level="1"]', { hasText: 'wiring' }).first();
      await wiring.waitFor({ timeout: 60_000 });
      // The workspace folder's own project (the examples beside the wiring ones) folded away.
      const others = map.locator('.monaco-list-row[aria-level="1"][aria-expanded="true"]', { hasText: 'Compose' }).filter({ hasNotText: 'wiring' });
      if ((await others.count()) > 0) {
        await others.first().click();
      }
      const web = map.locator('.monaco-list-row[aria-level="2"]', { hasText: 'web' }).filter({ hasText: '8080' }).first();
      await web.waitFor({ timeout: 15_000 });
      if ((await web.getAttribute('aria-expanded')) !== 'true') {
        await web.click();
      }
      // Let the pointer rest on a broken wire so its tooltip gives the reason.
      const broken = map.locator('.monaco-list-row[aria-level="3"]', { hasText: 'dials cache:6380' }).first();
      await broken.waitFor({ timeout: 15_000 });
      await broken.hover();
      const tooltip = page.locator('.workbench-hover-container, .monaco-hover').filter({ hasText: 'cache listens on 6379' }).first();
      await tooltip.waitFor({ timeout: 15_000 }).catch(() => undefined);
      const text = `${await map.innerText()}\n${await tooltip.innerText().catch(() => '')}`;
      return { text, expected: ['PORT MAP', 'wiring', 'proxy', 'listens on 8080', 'EXPOSE in web/Dockerfile', 'dials cache:6380', 'dialled by proxy/nginx.conf', 'cache listens on 6379'] };
    },
  },
  {
    name: 'hovering a port in a Terraform security group explains the port and the rule',
    screenshot: 'hover-terraform.png',
    async run(page) {
      await runCommand(page, 'View: Close All Editors');
      await quickOpen(page, 'cloud/aws.tf');
      return { text: await hoverToken(page, 'from_port         = 5432', '5432', 'PostgreSQL'), expected: ['Allows tcp/5432', 'anywhere', 'ingress rule', 'PostgreSQL', 'Sensitive'] };
    },
  },
  {
    name: 'hovering a HAProxy bind says what answers there: HAProxy relays it to the app',
    screenshot: 'hover-haproxy.png',
    async run(page) {
      await runCommand(page, 'View: Close All Editors');
      await quickOpen(page, 'servers/haproxy.cfg');
      return { text: await hoverToken(page, 'bind *:9000', '9000', 'HAProxy relays'), expected: ['Listens on', '9000', 'HAProxy relays 9000 to', 'server app1 10.0.2.10:8080'] };
    },
  },
  {
    name: 'port-lens check in the integrated terminal lists the findings and a summary',
    screenshot: 'cli.png',
    async run(page) {
      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'Terminal: Create New Terminal');
      const rows = page.locator('.terminal-wrapper.active .xterm-rows').first();
      await rows.waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => /[$#]\s*$/.test(document.querySelector('.terminal-wrapper.active .xterm-rows')?.innerText.trim() ?? ''), undefined, { timeout: 30_000 });
      // The command as a user who installed the package types it.
      // The command as a user who installed the package types it, at a plain prompt.
      await page.keyboard.type(`PS1='$ '; alias port-lens='node ${path.join(projectRoot, 'dist', 'cli.js')}'; clear\n`);
      await page.keyboard.type('port-lens check compose.yaml\n');
      await page.waitForFunction(() => /problems? \(/.test(document.querySelector('.terminal-wrapper.active .xterm-rows')?.innerText ?? ''), undefined, { timeout: 30_000 });
      await runCommand(page, 'View: Toggle Maximized Panel');
      await runCommand(page, 'Notifications: Clear All Notifications');
      await page.waitForFunction(() => /port-lens check compose\.yaml/.test(document.querySelector('.terminal-wrapper.active .xterm-rows')?.innerText ?? ''), undefined, { timeout: 15_000 });
      return { text: await rows.innerText(), expected: ['port-lens check compose.yaml', 'sensitive-port-exposed', 'compose.yaml:', 'problems ('] };
    },
  },
  {
    name: 'Port Lens: Get Started opens the walkthrough with its four steps',
    screenshot: 'walkthrough.png',
    async run(page) {
      await runCommand(page, 'View: Close All Editors');
      if (await page.locator('.part.panel').isVisible()) {
        await page.keyboard.press('Control+J');
      }
      await closePrimarySideBar(page);
      await runCommand(page, 'Port Lens: Get Started');
      await page.mouse.move(900, 600);
      const walkthrough = page.locator('.gettingStartedContainer').first();
      await walkthrough.getByText('Run the checks in CI').first().waitFor({ timeout: 30_000 });
      // The step's picture, loaded from the extension's media folder.
      await page.waitForFunction(() => [...document.querySelectorAll('.gettingStartedContainer img')].some((image) => image.complete && image.naturalWidth > 0), undefined, { timeout: 15_000 });
      return { text: await walkthrough.innerText(), expected: ['Get started with Port Lens', 'Hover a port', 'See a risky port', 'Open the Port Lens sidebar', 'Run the checks in CI'] };
    },
  },
  {
    name: 'wiring/compose.yaml shows in the Problems panel a port mapping broken by the Dockerfile it builds',
    screenshot: 'cross-file-diagnostic.png',
    async run(page) {
      // Only this file open, so the Problems panel lists its findings alone, and the side bar
      // folded away so the messages have the width. This is the last check: nothing else needs the side bar.
      await runCommand(page, 'View: Close All Editors');
      await closePrimarySideBar(page);
      await quickOpen(page, 'wiring/compose.yaml');
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await panel.getByText('container-port-not-listening').first().waitFor({ timeout: 60_000 });
      return { text: await panel.innerText(), expected: ['container-port-not-listening', 'web listens on 8080 (web/Dockerfile:9)', 'environment-url-port-not-listening'] };
    },
  },
];

/** The same person on vscode.dev: Port Lens in the web worker extension host. */
const WEB_WORKER_CHECKS = [
  {
    name: 'in the web worker, hovering a Compose mapping shows the PostgreSQL warning',
    screenshot: 'web-hover.png',
    run: hoverComposeMapping,
  },
  {
    name: 'Running Extensions lists Port Lens in the web worker',
    screenshot: 'web-running-extensions.png',
    async run(page) {
      await page.keyboard.press('Escape');
      await runCommand(page, 'Developer: Show Running Extensions');
      // A development extension is listed by its id (`port-lens.port-lens`), an installed one by its name.
      const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: /port.lens/i }).first();
      await row.waitFor({ timeout: 30_000 });
      await page.mouse.move(900, 800);
      return { text: await row.innerText(), expected: ['port-lens', 'web worker'] };
    },
  },
];

/** Runs checks in one served VS Code, a screenshot each. */
async function runChecks(checks, result, options) {
  let session;
  try {
    session = await openWorkbench(options);
    for (const check of checks) {
      const { page } = session;
      try {
        const { text, expected } = await check.run(page);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, check.screenshot) });
        const missing = expected.filter((fragment) => !text.includes(fragment));
        if (missing.length > 0) {
          throw new Error(`did not see ${missing.map((fragment) => `"${fragment}"`).join(', ')} in: ${text.slice(0, 300)}`);
        }
        result.passed++;
        console.log(`  ✔ ${check.name} (test-results/ui/${check.screenshot})`);
      } catch (error) {
        result.failed++;
        result.failures.push(`${check.name}: ${error.message}`);
        console.log(`  ✘ ${check.name}: ${error.message}`);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `failed-${check.screenshot}`) }).catch(() => undefined);
      }
      await page.keyboard.press('Escape');
    }
  } catch (error) {
    result.failed++;
    result.failures.push(`the served VS Code did not start: ${error.message}`);
    console.log(`  ✘ the served VS Code did not start: ${error.message}`);
  } finally {
    await session?.close();
  }
}

export async function runUiCheck() {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const result = { passed: 0, failed: 0, failures: [] };
  // The DOM renderer keeps the terminal's text in the page, where the check can read it.
  await runChecks(CHECKS, result, { settings: { 'terminal.integrated.gpuAcceleration': 'off' } });
  // With both `main` and `browser`, code-server picks the Node host; this setting picks the worker.
  await runChecks(WEB_WORKER_CHECKS, result, { settings: { 'remote.extensionKind': { 'port-lens.port-lens': ['web'] } } });
  return result;
}

/** The screenshots the README and the walkthrough show, refreshed with `npm run screenshots`. */
const README_SCREENSHOTS = [
  ['hover-compose.png', 'screenshot-hover.png'],
  ['sidebar.png', 'screenshot-sidebar.png'],
  ['problems.png', 'screenshot-problems.png'],
  ['quick-fix.png', 'screenshot-quick-fix.png'],
  ['port-map.png', 'port-map.png'],
  ['cross-file-diagnostic.png', 'cross-file-diagnostic.png'],
  ['hover-terraform.png', 'hover-terraform.png'],
  ['hover-haproxy.png', 'hover-haproxy.png'],
  ['web-hover.png', 'web-hover.png'],
  ['web-running-extensions.png', 'web-running-extensions.png'],
  ['walkthrough.png', 'walkthrough.png'],
  ['rule-help.png', 'rule-help.png'],
];

/** The walkthrough's pictures ship in the VSIX: half-size JPEGs, a tenth of the screenshots' bytes. */
const WALKTHROUGH_PICTURES = [
  ['hover-compose.png', 'walkthrough/hover.jpg'],
  ['problems.png', 'walkthrough/problems.jpg'],
  ['sidebar.png', 'walkthrough/sidebar.jpg'],
  ['cli.png', 'walkthrough/cli.jpg'],
];

/** Draws a screenshot at half its size in Chromium and saves it as a JPEG. */
async function writeSmallJpeg(browser, from, to) {
  const page = await browser.newPage({ viewport: { width: 700, height: 450 } });
  try {
    const data = readFileSync(from).toString('base64');
    await page.setContent(`<body style="margin:0"><img style="width:700px;height:450px;display:block" src="data:image/png;base64,${data}"></body>`);
    await page.locator('img').evaluate((image) => image.decode());
    await page.screenshot({ path: to, type: 'jpeg', quality: 82 });
  } finally {
    await page.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runUiCheck().then(async (result) => {
    process.exitCode = result.failed > 0 ? 1 : 0;
    if (result.failed === 0 && process.argv.includes('--update-media')) {
      mkdirSync(path.join(projectRoot, 'media', 'walkthrough'), { recursive: true });
      for (const [from, to] of README_SCREENSHOTS) {
        copyFileSync(path.join(SCREENSHOT_DIR, from), path.join(projectRoot, 'media', to));
        console.log(`Updated media/${to}`);
      }
      const browser = await launchBrowser();
      try {
        for (const [from, to] of WALKTHROUGH_PICTURES) {
          await writeSmallJpeg(browser, path.join(SCREENSHOT_DIR, from), path.join(projectRoot, 'media', to));
          console.log(`Updated media/${to}`);
        }
      } finally {
        await browser.close();
      }
    }
  });
}
