import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `task` for every item, at most `limit` at once, in input order of start. The first failure
 * aborts the signal the other tasks got and is rethrown once every started task has settled.
 */
export function mapLimit<T, R>(items: readonly T[], limit: number, signal: AbortSignal, task: (item: T, signal: AbortSignal) => Promise<R>): Promise<R[]> {
  // The same scheduler, with tasks that never release their slot before they end.
  return mapLimitReleasing(items, limit, signal, (item, linked) => task(item, linked));
}

/**
 * `mapLimit` for tasks that end in a tail needing little of what the limit bounds (a restore's last
 * batches in flight): a task may call `release()` before it ends, and the next item starts then,
 * not after the tail (the slot is released at the task's end at the latest). At most `limit` tails
 * run at once besides the `limit` tasks: a release beyond that waits for a tail to end, so slow
 * tails (a throttled server, indexes built after the data) cannot pile up. Results in input order;
 * the first failure aborts the signal the other tasks got, starts nothing more, and is rethrown
 * once every started task has settled.
 */
export async function mapLimitReleasing<T, R>(items: readonly T[], limit: number, signal: AbortSignal, task: (item: T, signal: AbortSignal, release: () => void) => Promise<R>): Promise<R[]> {
  const controller = new AbortController();
  const linked = AbortSignal.any([signal, controller.signal]);
  const results: R[] = new Array(items.length);
  let failure: { error: unknown } | undefined;
  let free = Math.max(1, limit);
  const waiting: (() => void)[] = [];
  const freeSlot = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  const tailLimit = Math.max(1, limit);
  let tails = 0;
  /** Releases asked for while `tailLimit` tails ran: granted, in order, as tails end. */
  const deferred: (() => void)[] = [];
  const running: Promise<void>[] = [];
  for (let index = 0; index < items.length; index++) {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    if (failure) {
      freeSlot();
      break;
    }
    let state: 'running' | 'asked' | 'tail' | 'ended' = 'running';
    const grant = () => {
      if (state !== 'asked') return;
      state = 'tail';
      tails++;
      freeSlot();
    };
    const release = () => {
      if (state !== 'running') return;
      state = 'asked';
      if (tails < tailLimit) grant();
      else deferred.push(grant);
    };
    const end = () => {
      if (state === 'tail') {
        tails--;
        // A tail ended: the oldest release still waiting becomes one.
        while (deferred.length && tails < tailLimit) deferred.shift()!();
      } else {
        freeSlot();
      }
      state = 'ended';
    };
    running.push(
      task(items[index]!, linked, release)
        .then(
          (result) => void (results[index] = result),
          (error: unknown) => {
            failure ??= { error };
            controller.abort(error);
          },
        )
        .finally(end),
    );
  }
  await Promise.all(running);
  if (failure) throw failure.error;
  return results;
}

/** Passes pieces through, sleeping as needed so no more than `bytesPerSecond` go by (0: no limit). */
export async function* throttle<T extends Uint8Array>(source: AsyncIterable<T>, bytesPerSecond: number | undefined, signal: AbortSignal): AsyncGenerator<T> {
  if (!bytesPerSecond) {
    yield* source;
    return;
  }
  const started = Date.now();
  let bytes = 0;
  for await (const piece of source) {
    bytes += piece.length;
    const due = started + (bytes / bytesPerSecond) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal });
    yield piece;
  }
}

/** `throttle`, reporting each piece's size to `onBytes` as it goes by (restore progress). */
export async function* metered<T extends Uint8Array>(source: AsyncIterable<T>, bytesPerSecond: number | undefined, signal: AbortSignal, onBytes: (bytes: number) => void): AsyncGenerator<T> {
  for await (const piece of throttle(source, bytesPerSecond, signal)) {
    onBytes(piece.length);
    yield piece;
  }
}
