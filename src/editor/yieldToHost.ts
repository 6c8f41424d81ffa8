/**
 * Lets the extension host run other work (hovers, typing) between two pieces of a long job.
 * `setImmediate` exists only in the Node extension host; the web worker of vscode.dev has
 * `setTimeout`, whose 0 ms waits at least 1 ms in Node, too slow to take once per file there.
 */
export function yieldToHost(): Promise<void> {
  // eslint-disable-next-line no-restricted-globals -- used only where it exists
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}
