/**
 * Reading many small files one after another leaves the CPU idle while each read waits on the
 * disk, or on the remote host in a remote workspace. Keeping a few reads in flight while the
 * current file is scanned hides that wait, and handing results out in input order keeps what
 * the caller builds from them the same as a one-at-a-time loop would.
 */

/** A read's outcome, so a failed read is handed out in its turn instead of rejecting early. */
export type ReadOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/**
 * Yields `read(item)` for every item, in the order of `items`, with up to `depth` reads started
 * ahead of the one being handed out. A consumer that stops early (cancellation) leaves at most
 * `depth` reads running, whose results are dropped; none of them can reject unhandled.
 */
export async function* readAhead<T, R>(
  items: readonly T[],
  read: (item: T) => Promise<R>,
  depth: number,
): AsyncGenerator<{ readonly item: T; readonly outcome: ReadOutcome<R> }> {
  const inFlight: Promise<ReadOutcome<R>>[] = [];
  let started = 0;
  const startNext = (): void => {
    const item = items[started++];
    let pending: Promise<R>;
    try {
      pending = read(item);
    } catch (error) {
      pending = Promise.reject(error);
    }
    inFlight.push(
      pending.then(
        (value): ReadOutcome<R> => ({ ok: true, value }),
        (error: unknown): ReadOutcome<R> => ({ ok: false, error }),
      ),
    );
  };
  const window = Math.max(1, Math.floor(depth));
  while (started < items.length && inFlight.length < window) {
    startNext();
  }
  for (let handedOut = 0; handedOut < items.length; handedOut++) {
    const outcome = await (inFlight.shift() as Promise<ReadOutcome<R>>);
    // Refilled before handing out, so `depth` reads run while the caller works on this one.
    if (started < items.length) {
      startNext();
    }
    yield { item: items[handedOut], outcome };
  }
}
