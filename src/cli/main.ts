/** Entry point of `port-lens` (bundled to `dist/cli.js`): wires the real process to `runCli`. */
import { runCli } from './run';

// A reader that stops early (`port-lens scan | head`) closes the pipe; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(process.exitCode ?? 0);
  }
  throw error;
});

// Setting exitCode instead of calling exit() lets piped output finish writing.
process.exitCode = runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  isTTY: process.stdout.isTTY === true,
  env: process.env,
});
