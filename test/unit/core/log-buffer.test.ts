import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../../src-main/core/sessions/log-buffer.ts';
import type { LogLine } from '../../../src-main/shared/session.ts';

const line = (seq: number): LogLine => ({ sessionId: 's', seq, time: 't', level: 'info', message: `m${seq}` });

describe('LogBuffer', () => {
  it('emits at the next tick and writes in batches', async () => {
    const written: LogLine[][] = [];
    const emitted: LogLine[][] = [];
    const buffer = new LogBuffer({ write: (l) => written.push(l), emit: (l) => emitted.push(l), flushIntervalMs: 10_000, maxBatch: 3 });
    for (let i = 1; i <= 4; i++) buffer.add(line(i));
    expect(written.map((b) => b.map((l) => l.seq))).toEqual([[1, 2, 3]]);
    await new Promise((r) => setImmediate(r));
    expect(emitted.flat().map((l) => l.seq)).toEqual([1, 2, 3, 4]);
    buffer.flush();
    expect(written.flat().map((l) => l.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps lines the store refused and writes them once it accepts again, in order', () => {
    let full = true;
    const written: number[] = [];
    const errors: unknown[] = [];
    const buffer = new LogBuffer({
      write: (lines) => {
        if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        written.push(...lines.map((l) => l.seq));
      },
      emit: () => undefined,
      onWriteError: (e) => errors.push(e),
      flushIntervalMs: 10_000,
      maxUnwritten: 5,
    });
    for (let i = 1; i <= 4; i++) buffer.add(line(i));
    buffer.flush();
    expect(errors).toHaveLength(1);
    for (let i = 5; i <= 7; i++) buffer.add(line(i));
    buffer.flush();
    full = false;
    buffer.flush();
    // Bounded: the two oldest of seven were dropped, the rest written in order.
    expect(written).toEqual([3, 4, 5, 6, 7]);
    expect(buffer.dropped).toBe(2);
  });
});

describe('LogBuffer.close', () => {
  it('hands back the lines the store still refuses and leaves no retry timer behind', () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const buffer = new LogBuffer({
      write: () => {
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      },
      emit: () => undefined,
      flushIntervalMs: 10,
    });
    buffer.add(line(1));
    buffer.add(line(2));
    const unwritten = buffer.close();
    expect(unwritten.map((l) => l.seq)).toEqual([1, 2]);
    // A line after close is heard by listeners but never waits for a store that is gone.
    buffer.add(line(3));
    expect(buffer.close()).toEqual([]);
    expect(timers()).toBe(before);
  });
});
