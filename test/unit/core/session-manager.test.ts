import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openConfigDatabase, type ConfigDb } from '../../../src-main/core/config-db/open-database.ts';
import { SessionsStore } from '../../../src-main/core/config-db/sessions-store.ts';
import { SessionManager, type SessionEvent } from '../../../src-main/core/sessions/session-manager.ts';
import { systemClock } from '../../../src-main/core/clock.ts';
import type { SessionContext } from '../../../src-main/core/sessions/session-context.ts';
import { UnsavedRecordsJournal } from '../../../src-main/core/sessions/unsaved-records.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let dir: ReturnType<typeof makeTempDir>;
let db: ConfigDb;
let manager: SessionManager;

beforeEach(() => {
  dir = makeTempDir();
  db = openConfigDatabase(join(dir.path, 'config.db'));
  manager = new SessionManager({ store: new SessionsStore(db), clock: systemClock, maxConcurrent: 2 });
});

afterEach(async () => {
  await manager.close(1000);
  db.close();
  dir.remove();
});

/** Work that waits until canceled, reporting through `started` that it runs. */
function untilCanceled(started?: () => void) {
  return (ctx: SessionContext) =>
    new Promise<void>((_resolve, reject) => {
      ctx.info('waiting');
      started?.();
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
    });
}

describe('SessionManager', () => {
  it('runs work through queued → running → succeeded and persists the log in order', async () => {
    const events: SessionEvent[] = [];
    manager.subscribe((e) => events.push(e));
    const session = manager.start({ kind: 'environment-check', title: 'check' }, async (ctx) => {
      for (let i = 1; i <= 5; i++) ctx.info(`line ${i}`);
      ctx.progress(5, 5, 'steps');
      return { summary: 'all good' };
    });
    expect(session.status).toBe('queued');
    const final = await manager.waitFor(session.id);
    expect(final.status).toBe('succeeded');
    expect(final.summary).toBe('all good');
    expect(final.lastSeq).toBe(5);
    const statuses = events.filter((e) => e.type === 'updated' && e.session.id === session.id).map((e) => (e.type === 'updated' ? e.session.status : ''));
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('succeeded');
    // A fresh store sees exactly what was persisted.
    const stored = new SessionsStore(db);
    expect(stored.get(session.id)?.status).toBe('succeeded');
    expect(stored.logs(session.id, 0, 100, 'debug').map((l) => [l.seq, l.message])).toEqual([1, 2, 3, 4, 5].map((n) => [n, `line ${n}`]));
    expect(stored.logs(session.id, 3, 100, 'debug').map((l) => l.seq)).toEqual([4, 5]);
  });

  it('ends with warning when the work logged warnings, failed when it threw', async () => {
    const warned = manager.start({ kind: 'sync', title: 'w' }, async (ctx) => ctx.warn('account drifted'));
    const failed = manager.start({ kind: 'sync', title: 'f' }, async () => {
      throw new Error('ARM said no');
    });
    expect((await manager.waitFor(warned.id)).status).toBe('warning');
    const f = await manager.waitFor(failed.id);
    expect(f.status).toBe('failed');
    expect(f.summary).toBe('ARM said no');
    expect(f.errorCount).toBe(1);
    expect(manager.logs(failed.id, 0, 10, 'error').lines.map((l) => l.message)).toEqual(['ARM said no']);
  });

  it('cancels a running session through its AbortSignal', async () => {
    let running!: () => void;
    const started = new Promise<void>((r) => (running = r));
    const session = manager.start({ kind: 'backup', title: 'b' }, untilCanceled(running));
    await started;
    expect(manager.cancel(session.id).status).toBe('canceling');
    const final = await manager.waitFor(session.id);
    expect(final.status).toBe('canceled');
    expect(new SessionsStore(db).get(session.id)?.status).toBe('canceled');
  });

  it('queues beyond the concurrency limit and cancels a queued session at once', async () => {
    const a = manager.start({ kind: 'backup', title: 'a' }, untilCanceled());
    const b = manager.start({ kind: 'backup', title: 'b' }, untilCanceled());
    const c = manager.start({ kind: 'backup', title: 'c' }, untilCanceled());
    await new Promise((r) => setTimeout(r, 50));
    expect(manager.get(a.id).status).toBe('running');
    expect(manager.get(b.id).status).toBe('running');
    expect(manager.get(c.id).status).toBe('queued');
    expect(manager.cancel(c.id).status).toBe('canceled');
    manager.cancel(a.id);
    manager.cancel(b.id);
    await Promise.all([manager.waitFor(a.id), manager.waitFor(b.id)]);
  });

  it('closes sessions whose owning process died as failed, "interrupted by shutdown"', async () => {
    const store = new SessionsStore(db);
    const now = new Date().toISOString();
    const base = { kind: 'backup' as const, title: 'orphan', status: 'running' as const, createdAt: now, startedAt: now, endedAt: null, progress: null, summary: null, resourceId: null, policyId: null, parentId: null, warningCount: 0, errorCount: 0, lastSeq: 0 };
    // A pid that cannot be alive, on this host.
    store.insert({ ...base, id: 'dead-owner' }, { instance: 'gone', pid: 2 ** 22 + 7, host: manager.owner.host });
    // A live owner (this very process, another instance) with a fresh heartbeat stays untouched.
    store.insert({ ...base, id: 'live-owner' }, { instance: 'other', pid: process.pid, host: manager.owner.host });
    expect(manager.recoverInterrupted()).toBe(1);
    const orphan = store.get('dead-owner')!;
    expect(orphan.status).toBe('failed');
    expect(orphan.summary).toBe('Interrupted by shutdown');
    expect(store.logs('dead-owner', 0, 10, 'debug')[0]?.message).toMatch(/Interrupted by shutdown/);
    expect(store.get('live-owner')?.status).toBe('running');
  });

  it('picks up a cancel requested by another process at its next heartbeat', async () => {
    let running!: () => void;
    const started = new Promise<void>((r) => (running = r));
    const session = manager.start({ kind: 'backup', title: 'remote cancel' }, untilCanceled(running));
    await started;
    // Another process (its own manager on the same DB file) asks for the cancel.
    const otherDb = openConfigDatabase(join(dir.path, 'config.db'));
    const other = new SessionManager({ store: new SessionsStore(otherDb), clock: systemClock });
    expect(other.cancel(session.id).status).toBe('canceling');
    await other.close(100);
    otherDb.close();
    manager.beat();
    expect((await manager.waitFor(session.id)).status).toBe('canceled');
  });

  it('computes rate and ETA for progress', async () => {
    const session = manager.start({ kind: 'backup', title: 'p' }, async (ctx) => {
      ctx.progress(0, 100, 'MB');
      await new Promise((r) => setTimeout(r, 600));
      ctx.progress(30, 100, 'MB');
    });
    const final = await manager.waitFor(session.id);
    expect(final.progress?.done).toBe(100);
    expect(final.progress?.rate).toBeGreaterThan(0);
  });
});

describe('SessionManager when the config DB refuses writes', () => {
  it('ends the session anyway, reports what it could not save at close, and a later manager writes it from the journal', async () => {
    const store = new SessionsStore(db);
    let refusing = false;
    const full = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const refusingStore = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (refusing && (key === 'update' || key === 'appendLines' || key === 'heartbeat')) throw full();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const journal = new UnsavedRecordsJournal(join(dir.path, 'data'));
    const stderr = process.stderr.write;
    process.stderr.write = () => true;
    try {
      const refused = new SessionManager({ store: refusingStore, clock: systemClock, journal });
      const session = refused.start({ kind: 'backup', title: 'Backup of shop' }, async (ctx) => {
        ctx.info('dumping');
        refusing = true;
        ctx.warn('catalog refused');
        return { summary: 'stored' };
      });
      const final = await refused.waitFor(session.id);
      expect(final.status).toBe('warning');
      // The caller still reads the final record, though the store holds the running one.
      expect(refused.get(session.id).status).toBe('warning');
      expect(store.get(session.id)?.status).toBe('running');
      const report = await refused.close(1000);
      expect(report.unsavedSessions.map((s) => [s.id, s.status, s.summary])).toEqual([[session.id, 'warning', 'stored']]);
      expect(report.unsavedLines).toBe(2);
      expect(report.journalPath).toMatch(/unsaved-sessions/);
      refusing = false;
      const next = new SessionManager({ store, clock: systemClock, journal: new UnsavedRecordsJournal(join(dir.path, 'data')) });
      expect(next.writeJournaled()).toBe(1);
      expect(store.get(session.id)).toMatchObject({ status: 'warning', summary: 'stored', warningCount: 1, lastSeq: 2 });
      expect(store.logs(session.id, 0, 10, 'debug').map((l) => l.message)).toEqual(['dumping', 'catalog refused']);
      // Written once: the journal is gone, a second pass changes nothing.
      expect(next.writeJournaled()).toBe(0);
      await next.close(1000);
    } finally {
      process.stderr.write = stderr;
    }
  });
});

describe('SessionsStore.list filters', () => {
  it('by resource (without case), by policy and by creation time', async () => {
    const store = new SessionsStore(db);
    const make = (id: string, createdAt: string, resourceId: string | null, policyId: string | null) =>
      store.insert({ id, kind: 'backup', title: id, status: 'succeeded', createdAt, startedAt: null, endedAt: null, progress: null, summary: null, resourceId, parentId: null, policyId, warningCount: 0, errorCount: 0, lastSeq: 0 }, { instance: 'i', pid: 1, host: 'h' });
    make('old', '2026-11-01T00:00:00.000Z', '/subscriptions/S/x', 'p1');
    make('new', '2026-12-05T00:00:00.000Z', '/subscriptions/S/x', null);
    make('other', '2026-12-05T01:00:00.000Z', '/subscriptions/S/y', 'p1');
    expect(store.list({ limit: 10, resourceId: '/SUBSCRIPTIONS/s/X' }).map((s) => s.id)).toEqual(['new', 'old']);
    expect(store.list({ limit: 10, policyId: 'p1' }).map((s) => s.id)).toEqual(['other', 'old']);
    expect(store.list({ limit: 10, after: '2026-12-01T00:00:00.000Z' }).map((s) => s.id)).toEqual(['other', 'new']);
  });
});
