import * as assert from 'node:assert/strict';
import { readAhead } from '../../src/core/readAhead';

/** A read whose completion the test controls, recording when it started. */
function controlledReads<T>() {
  const started: T[] = [];
  const resolvers = new Map<T, (value: string) => void>();
  const rejecters = new Map<T, (error: Error) => void>();
  const read = (item: T): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      started.push(item);
      resolvers.set(item, resolve);
      rejecters.set(item, reject);
    });
  return { started, read, resolve: (item: T) => resolvers.get(item)?.(`read ${String(item)}`), reject: (item: T, error: Error) => rejecters.get(item)?.(error) };
}

describe('readAhead', () => {
  it('hands results out in input order even when later reads finish first', async () => {
    const delays = [30, 5, 20, 0, 10, 1];
    const read = (index: number) => new Promise<number>((resolve) => setTimeout(() => resolve(index * 10), delays[index]));
    const seen: [number, number][] = [];
    for await (const { item, outcome } of readAhead([0, 1, 2, 3, 4, 5], read, 3)) {
      assert.ok(outcome.ok);
      seen.push([item, outcome.value]);
    }
    assert.deepEqual(seen, [[0, 0], [1, 10], [2, 20], [3, 30], [4, 40], [5, 50]]);
  });

  it('keeps exactly `depth` reads in flight while the caller works on one', async () => {
    const reads = controlledReads<number>();
    const iterator = readAhead([0, 1, 2, 3, 4, 5, 6], reads.read, 3);
    const first = iterator.next();
    assert.deepEqual(reads.started, [0, 1, 2], 'three reads start before anything is handed out');
    reads.resolve(0);
    assert.equal((await first).value?.item, 0);
    assert.deepEqual(reads.started, [0, 1, 2, 3], 'one more starts as the first is handed out');
    const second = iterator.next();
    reads.resolve(1);
    assert.equal((await second).value?.item, 1);
    assert.deepEqual(reads.started, [0, 1, 2, 3, 4]);
    await iterator.return(undefined);
  });

  it('hands a failed read out in its turn, without stopping the others', async () => {
    const read = (item: string) => (item === 'bad' ? Promise.reject(new Error('EACCES: permission denied')) : Promise.resolve(item.toUpperCase()));
    const outcomes = [];
    for await (const { item, outcome } of readAhead(['a', 'bad', 'c'], read, 2)) {
      outcomes.push([item, outcome.ok ? outcome.value : (outcome.error as Error).message]);
    }
    assert.deepEqual(outcomes, [['a', 'A'], ['bad', 'EACCES: permission denied'], ['c', 'C']]);
  });

  it('turns a read that throws before returning a promise into a failed outcome', async () => {
    const read = (item: number): Promise<number> => {
      if (item === 1) {
        throw new TypeError('not a file');
      }
      return Promise.resolve(item);
    };
    const outcomes = [];
    for await (const { outcome } of readAhead([0, 1, 2], read, 4)) {
      outcomes.push(outcome.ok ? outcome.value : String(outcome.error));
    }
    assert.deepEqual(outcomes, [0, 'TypeError: not a file', 2]);
  });

  it('starts no more reads once the caller stops, and leaves no rejection unhandled', async () => {
    const reads = controlledReads<number>();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const consumed: number[] = [];
      const consume = (async () => {
        for await (const { item } of readAhead([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], reads.read, 4)) {
          consumed.push(item);
          if (item === 1) {
            break;
          }
        }
      })();
      reads.resolve(0);
      await new Promise((resolve) => setImmediate(resolve));
      reads.resolve(1);
      await consume;
      assert.deepEqual(consumed, [0, 1]);
      assert.deepEqual(reads.started, [0, 1, 2, 3, 4, 5], 'the reads started before the stop, and no more');
      for (const item of [2, 3, 4, 5]) {
        reads.reject(item, new Error(`late failure ${item}`));
      }
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reads nothing for no items, and treats a depth below one as one', async () => {
    const reads = controlledReads<number>();
    for await (const entry of readAhead([], reads.read, 8)) {
      assert.fail(`handed out ${JSON.stringify(entry)}`);
    }
    assert.deepEqual(reads.started, []);
    const iterator = readAhead([0, 1, 2], reads.read, 0);
    const first = iterator.next();
    assert.deepEqual(reads.started, [0]);
    reads.resolve(0);
    await first;
    await iterator.return(undefined);
  });
});
