import { describe, expect, it } from 'vitest';
import { ConfigurationScheduler } from '../../../src-main/azure/configuration-scheduler.ts';
import type { Session } from '../../../src-main/shared/session.ts';

describe('configuration scheduler', () => {
  it('runs at once, then every interval on the injected clock, never twice at a time, not while paused', () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    let paused = false;
    let hours = 8;
    const running = new Set<string>();
    const started: string[] = [];
    const scheduler = new ConfigurationScheduler({
      clock: { now: () => new Date(now), monotonicMs: () => now },
      intervalHours: () => hours,
      paused: () => paused,
      start: () => {
        const id = `s${started.length + 1}`;
        started.push(id);
        running.add(id);
        return { id } as Session;
      },
      isRunning: (id) => running.has(id),
    });
    expect(scheduler.tick()?.id).toBe('s1');
    now += 9 * 3600_000;
    expect(scheduler.tick()).toBeNull(); // s1 still running
    running.clear();
    expect(scheduler.tick()?.id).toBe('s2');
    running.clear();
    now += 7 * 3600_000;
    expect(scheduler.tick()).toBeNull();
    hours = 4; // a changed setting applies from the next check
    expect(scheduler.tick()?.id).toBe('s3');
    running.clear();
    paused = true;
    now += 24 * 3600_000;
    expect(scheduler.tick()).toBeNull();
  });
});
