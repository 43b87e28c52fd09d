import { describe, expect, it } from 'vitest';
import { mapLimitReleasing, metered, throttle } from '../../../src-main/engines/stream-utils.ts';

async function* pieces(...sizes: number[]) {
  for (const size of sizes) yield Buffer.alloc(size);
}

describe('metered and throttle', () => {
  it('reports every piece as it passes, in order, and passes the pieces unchanged', async () => {
    const reported: number[] = [];
    const passed: number[] = [];
    for await (const piece of metered(pieces(3, 5, 7), undefined, new AbortController().signal, (bytes) => reported.push(bytes))) passed.push(piece.length);
    expect(reported).toEqual([3, 5, 7]);
    expect(passed).toEqual([3, 5, 7]);
  });

  it('holds pieces back to the given rate', async () => {
    const started = Date.now();
    let total = 0;
    // 3,000 bytes at 10,000 bytes per second: the last piece is due after 0.3 s.
    for await (const piece of throttle(pieces(1000, 1000, 1000), 10_000, new AbortController().signal)) total += piece.length;
    expect(total).toBe(3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const consume = (async () => {
      for await (const piece of throttle(pieces(1000, 1_000_000), 1000, controller.signal)) void piece;
    })();
    setTimeout(() => controller.abort(), 50);
    await expect(consume).rejects.toThrow(/abort/i);
  });
});

describe('mapLimitReleasing', () => {
  /** A task that records when it starts, releases its slot on `releaseAt` and ends on `endAt` (both resolved by the test). */
  function controllable() {
    const log: string[] = [];
    const gates = new Map<string, { release: () => void; end: (value?: unknown) => void; fail: (error: Error) => void }>();
    const started = new Map<string, () => void>();
    const task = (name: string, _signal: AbortSignal, release: () => void) =>
      new Promise<string>((resolve, reject) => {
        log.push(`start ${name}`);
        gates.set(name, { release, end: () => resolve(`result ${name}`), fail: reject });
        started.get(name)?.();
      });
    const whenStarted = (name: string) => (gates.has(name) ? Promise.resolve() : new Promise<void>((resolve) => started.set(name, resolve)));
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    return { log, gates, task, whenStarted, tick };
  }

  it('starts the next item when a task releases its slot, not when it ends, and returns results in input order', async () => {
    const { log, gates, task, whenStarted, tick } = controllable();
    const all = mapLimitReleasing(['a', 'b', 'c', 'd'], 2, new AbortController().signal, task);
    await whenStarted('b');
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    gates.get('a')!.release();
    await whenStarted('c');
    await tick();
    // a still runs (its tail): three at once now, and d waits for a slot.
    expect(log).toEqual(['start a', 'start b', 'start c']);
    gates.get('a')!.end();
    await tick();
    // a's end gives back nothing more: it had released its slot already.
    expect(log).toEqual(['start a', 'start b', 'start c']);
    gates.get('c')!.end();
    await whenStarted('d');
    gates.get('b')!.end();
    gates.get('d')!.end();
    expect(await all).toEqual(['result a', 'result b', 'result c', 'result d']);
  });

  it('lets at most `limit` tails run besides the tasks: a release beyond that waits for a tail to end', async () => {
    const { log, gates, task, whenStarted, tick } = controllable();
    const all = mapLimitReleasing(['a', 'b', 'c'], 1, new AbortController().signal, task);
    await whenStarted('a');
    gates.get('a')!.release();
    await whenStarted('b');
    // b releases while a's tail still runs: c must wait (one tail at most).
    gates.get('b')!.release();
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    gates.get('a')!.end();
    await whenStarted('c');
    expect(log).toEqual(['start a', 'start b', 'start c']);
    gates.get('b')!.end();
    gates.get('c')!.end();
    expect(await all).toEqual(['result a', 'result b', 'result c']);
  });

  it('starts nothing after a failure, aborts the others\' signal and rethrows once every started task settled', async () => {
    const signals: AbortSignal[] = [];
    let settled = 0;
    const all = mapLimitReleasing([1, 2, 3, 4], 2, new AbortController().signal, async (item, signal) => {
      signals.push(signal);
      if (item === 1) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw new Error('item 1 failed');
      }
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      await new Promise((resolve) => setTimeout(resolve, 20));
      settled++;
      return item;
    });
    await expect(all).rejects.toThrow('item 1 failed');
    // Item 2 ran to its end (after the abort) before the failure was reported; 3 and 4 never started.
    expect(settled).toBe(1);
    expect(signals).toHaveLength(2);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });
});
