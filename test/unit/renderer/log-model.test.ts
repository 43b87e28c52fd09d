import { describe, expect, it } from 'vitest';
import { SessionLogModel } from '../../../src-renderer/src/logic/log-model.ts';
import { LogCatchUp } from '../../../src-renderer/src/logic/log-catch-up.ts';
import { lines } from './sample-data.ts';

const seqs = (list: readonly { seq: number }[]) => list.map((l) => l.seq);

describe('SessionLogModel', () => {
  it('appends lines in order and ignores duplicates and other sessions', () => {
    const model = new SessionLogModel('s1');
    expect(model.merge(lines(1, 3))).toEqual({ appended: 3, needsFetch: false });
    expect(model.merge([...lines(2, 4), ...lines(5, 5, 'other')])).toEqual({ appended: 1, needsFetch: false });
    expect(seqs(model.lines)).toEqual([1, 2, 3, 4]);
    expect(model.lastSeq).toBe(4);
  });

  it('parks lines past a hole and asks for the missing ones, then fills in order', () => {
    const model = new SessionLogModel('s1');
    model.merge(lines(1, 2));
    expect(model.merge(lines(6, 7))).toEqual({ appended: 0, needsFetch: true });
    expect(model.waitingCount).toBe(2);
    expect(model.merge(lines(3, 5))).toEqual({ appended: 5, needsFetch: false });
    expect(seqs(model.lines)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(model.waitingCount).toBe(0);
  });

  it('accepts a page that overlaps parked lines without duplicating them', () => {
    const model = new SessionLogModel('s1');
    model.merge(lines(5, 6));
    model.merge(lines(1, 8));
    expect(seqs(model.lines)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(model.waitingCount).toBe(0);
  });

  it('keeps a level-filtered view incrementally and counts levels', () => {
    const model = new SessionLogModel('s1');
    model.merge(lines(1, 12));
    expect(model.levelCounts).toEqual({ debug: 2, info: 6, warn: 2, error: 2 });
    model.setLevels(['warn', 'error']);
    expect(model.visible.every((l) => l.level === 'warn' || l.level === 'error')).toBe(true);
    expect(model.visible).toHaveLength(4);
    model.merge(lines(13, 18));
    expect(model.visible).toHaveLength(6);
    model.setLevels(['debug', 'info', 'warn', 'error']);
    expect(model.visible).toHaveLength(18);
  });

  it('bounds memory by trimming the oldest lines in steps', () => {
    const model = new SessionLogModel('s1', { maxLines: 100 });
    model.setLevels(['error']);
    model.merge(lines(1, 101));
    // 101 > 100: trims down to 90 (10 % slack), keeping the newest.
    expect(model.lines).toHaveLength(90);
    expect(model.lines[0]!.seq).toBe(12);
    expect(model.trimmed).toBe(11);
    expect(model.visible.every((l) => l.seq >= 12)).toBe(true);
    expect(model.levelCounts.debug + model.levelCounts.info + model.levelCounts.warn + model.levelCounts.error).toBe(90);
    expect(model.merge(lines(5, 101))).toEqual({ appended: 0, needsFetch: false });
  });

  it('merges 100,000 lines in batches quickly', () => {
    const model = new SessionLogModel('s1');
    const all = lines(1, 100_000);
    const started = performance.now();
    for (let i = 0; i < all.length; i += 2000) model.merge(all.slice(i, i + 2000));
    expect(model.lines).toHaveLength(100_000);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('LogCatchUp', () => {
  function serverWith(total: number) {
    const calls: number[] = [];
    const all = lines(1, total);
    const fetchPage = async (afterSeq: number, limit: number) => {
      calls.push(afterSeq);
      return { lines: all.filter((l) => l.seq > afterSeq).slice(0, limit), lastSeq: total };
    };
    return { calls, fetchPage };
  }

  it('pages from lastSeq until it has every line', async () => {
    const model = new SessionLogModel('s1');
    model.merge(lines(1, 3));
    const server = serverWith(12);
    let pages = 0;
    await new LogCatchUp(model, server.fetchPage, { pageSize: 4, onPage: () => pages++ }).request();
    expect(server.calls).toEqual([3, 7, 11]);
    expect(pages).toBe(3);
    expect(model.lastSeq).toBe(12);
  });

  it('runs one catch-up at a time, going round again when asked meanwhile', async () => {
    const model = new SessionLogModel('s1');
    const server = serverWith(5);
    const catchUp = new LogCatchUp(model, server.fetchPage, { pageSize: 10 });
    const first = catchUp.request();
    const second = catchUp.request();
    expect(catchUp.busy).toBe(true);
    await Promise.all([first, second]);
    expect(server.calls).toEqual([0, 5]);
    expect(model.lastSeq).toBe(5);
    expect(catchUp.busy).toBe(false);
  });

  it('stops when the service has nothing more, and reports failures', async () => {
    const model = new SessionLogModel('s1');
    const stuck = new LogCatchUp(model, async () => ({ lines: [], lastSeq: 9 }));
    await stuck.request();
    expect(model.lastSeq).toBe(0);
    const failing = new LogCatchUp(model, async () => {
      throw new Error('boom');
    });
    await expect(failing.request()).rejects.toThrow('boom');
    expect(failing.busy).toBe(false);
  });
});

describe('SessionLogModel search', () => {
  it('shows only lines containing the text (ignoring case), with the level filter, also for lines that arrive later', () => {
    const model = new SessionLogModel('s1');
    const line = (seq: number, level: 'info' | 'warn', message: string) => ({ sessionId: 's1', seq, time: '2026-12-05T00:00:00.000Z', level, message });
    model.merge([line(1, 'info', 'Dumping table Orders'), line(2, 'warn', 'orders: slow'), line(3, 'info', 'Dumping table customers')]);
    model.setSearch('  ORDERS ');
    expect(seqs(model.visible)).toEqual([1, 2]);
    model.setLevels(['warn']);
    expect(seqs(model.visible)).toEqual([2]);
    model.merge([line(4, 'warn', 'Orders done'), line(5, 'warn', 'other')]);
    expect(seqs(model.visible)).toEqual([2, 4]);
    model.setSearch('');
    expect(seqs(model.visible)).toEqual([2, 4, 5]);
  });
});
