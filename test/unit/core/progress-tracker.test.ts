import { describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../../src-main/core/sessions/progress-tracker.ts';

describe('ProgressTracker', () => {
  it('has no rate until half a second has passed', () => {
    const tracker = new ProgressTracker();
    expect(tracker.update(0, 100, 'MB', 0).rate).toBeNull();
    expect(tracker.update(10, 100, 'MB', 100).rate).toBeNull();
  });

  it('measures the rate and the time left', () => {
    const tracker = new ProgressTracker();
    tracker.update(0, 1000, 'MB', 0);
    const progress = tracker.update(200, 1000, 'MB', 2000);
    expect(progress.rate).toBe(100);
    expect(progress.etaSeconds).toBe(8);
  });

  it('follows a change of speed within its window', () => {
    const tracker = new ProgressTracker();
    for (let t = 0; t <= 20_000; t += 1000) tracker.update(t / 10, null, 'items', t); // 100 items/s
    let progress = tracker.update(2000, null, 'items', 21_000);
    for (let t = 22_000; t <= 40_000; t += 1000) progress = tracker.update(2000 + (t - 21_000) / 1000, null, 'items', t); // 1 item/s
    expect(progress.rate).toBeLessThan(5);
    expect(progress.etaSeconds).toBeNull();
  });
});
