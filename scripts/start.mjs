// `npm start`: serves VS Code in the browser with Port Lens loaded on examples/, for trying the
// extension without a desktop VS Code. Runs until Ctrl-C.
import path from 'node:path';
import { projectRoot, startCodeServer } from './code-server.mjs';
import { workbenchUrl } from './run-integration.mjs';

const port = process.env.PORT ? Number(process.env.PORT) : undefined;
const workspace = path.join(projectRoot, 'examples');
const server = await startCodeServer({ workspace, port });
const url = workbenchUrl(server, workspace);
console.log('\nPort Lens is running in VS Code for the browser, on examples/:');
console.log(`\n  ${url}\n`);
console.log('Open that URL in a browser (the long query loads the extension from this folder). Press Ctrl-C to stop.');

const shutdown = () => {
  server.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
server.child.on('exit', (code) => {
  console.error(`code-server exited (code ${code}).`);
  process.exit(code ?? 1);
});
