import { describe, expect, it } from 'vitest';
import { AdaptiveWindow } from '../../../src-main/engines/mongodb/adaptive-window.ts';
import { RateBudget } from '../../../src-main/engines/mongodb/rate-budget.ts';

/** A task the test ends by hand, counting how many run at once. */
function gatedTasks() {
  let running = 0;
  let peak = 0;
  const gates: (() => void)[] = [];
  const task = () =>
    new Promise<void>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      gates.push(() => {
        running--;
        resolve();
      });
    });
  return { task, gates, peak: () => peak, running: () => running };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('AdaptiveWindow (batches written at once)', () => {
  it('never runs more than its limit at once, halves it when the server throttles and grows back by one after eight clean batches', async () => {
    const window = new AdaptiveWindow(4, 4);
    const { task, gates, peak, running } = gatedTasks();
    for (let i = 0; i < 4; i++) await window.submit(task);
    const fifth = window.submit(task);
    await tick();
    expect(running()).toBe(4);
    window.throttled();
    expect(window.current).toBe(2);
    window.throttled();
    window.throttled();
    // Never below one.
    expect(window.current).toBe(1);
    gates.shift()!();
    await tick();
    // Three still run: the fifth waits until fewer than the new limit run.
    expect(running()).toBe(3);
    gates.shift()!();
    gates.shift()!();
    await tick();
    // One runs, the limit: the fifth still waits.
    expect(running()).toBe(1);
    expect(gates).toHaveLength(1);
    gates.shift()!();
    await fifth;
    expect(running()).toBe(1);
    gates.shift()!();
    await window.drain();
    expect(peak()).toBe(4);
    for (let i = 0; i < 7; i++) window.clean();
    expect(window.current).toBe(1);
    window.clean();
    expect(window.current).toBe(2);
    // A throttle resets the run of clean batches.
    for (let i = 0; i < 7; i++) window.clean();
    window.throttled();
    window.clean();
    expect(window.current).toBe(1);
  });

  it('never grows past its maximum', () => {
    const window = new AdaptiveWindow(2, 3);
    for (let i = 0; i < 100; i++) window.clean();
    expect(window.current).toBe(3);
  });

  it('reports the first failure from drain and starts nothing after it', async () => {
    const window = new AdaptiveWindow(2, 2);
    let started = 0;
    await window.submit(async () => {
      started++;
      throw new Error('batch 1 failed');
    });
    await tick();
    await expect(window.submit(async () => void started++)).rejects.toThrow('batch 1 failed');
    await expect(window.drain()).rejects.toThrow('batch 1 failed');
    expect(started).toBe(1);
  });
});

describe('RateBudget (throughput budget of a job)', () => {
  it('holds documents back to the rate: 300 documents at 1,000 per second take 0.3 s', async () => {
    const budget = new RateBudget({ documentsPerSecond: 1000 });
    const started = performance.now();
    for (let i = 0; i < 3; i++) await budget.spend(100, 1, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('holds bytes back to the rate, and the tighter of two limits wins', async () => {
    const budget = new RateBudget({ documentsPerSecond: 1_000_000, bytesPerSecond: 10_000 });
    const started = performance.now();
    await budget.spend(1, 2000, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(180);
  });

  it('does not wait without limits, and stops waiting when the signal aborts', async () => {
    const free = new RateBudget({});
    expect(free.limited).toBe(false);
    const started = performance.now();
    await free.spend(1_000_000, 1e12, new AbortController().signal);
    expect(performance.now() - started).toBeLessThan(50);
    const slow = new RateBudget({ documentsPerSecond: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(slow.spend(100, 0, controller.signal)).rejects.toThrow(/abort/i);
  });
});
