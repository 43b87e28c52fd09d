import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openConfigDatabase, type ConfigDb } from '../../../src-main/core/config-db/open-database.ts';
import { SessionsStore } from '../../../src-main/core/config-db/sessions-store.ts';
import { SessionManager, type SessionEvent } from '../../../src-main/core/sessions/session-manager.ts';
import { systemClock } from '../../../src-main/core/clock.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

/** Two processes on one config DB: the console's (watching) and a CLI's (running a backup). */
let dir: ReturnType<typeof makeTempDir>;
let consoleDb: ConfigDb;
let cliDb: ConfigDb;
let consoleSide: SessionManager;
let cliSide: SessionManager;

beforeEach(() => {
  dir = makeTempDir();
  consoleDb = openConfigDatabase(join(dir.path, 'config.db'));
  cliDb = openConfigDatabase(join(dir.path, 'config.db'));
  consoleSide = new SessionManager({ store: new SessionsStore(consoleDb), clock: systemClock, logFlushIntervalMs: 5 });
  cliSide = new SessionManager({ store: new SessionsStore(cliDb), clock: systemClock, logFlushIntervalMs: 5 });
});

afterEach(async () => {
  await consoleSide.close(1000);
  await cliSide.close(1000);
  consoleDb.close();
  cliDb.close();
  dir.remove();
});

describe('sessions of other processes', () => {
  it('reach the console as updated and log events, from running to their end, once each', async () => {
    const earlier = cliSide.start({ kind: 'backup', title: 'before the console opened' }, async () => undefined);
    await cliSide.waitFor(earlier.id);
    const events: SessionEvent[] = [];
    consoleSide.subscribe((event) => events.push(event));
    const watcher = consoleSide.watchOtherProcesses(60_000);
    watcher.poll();
    // What ended before the console looked is known, not reported as news.
    expect(events).toEqual([]);

    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const running = cliSide.start({ kind: 'backup', title: 'Backup of db1' }, async (ctx) => {
      ctx.info('dumping crm');
      await gate;
      ctx.info('done');
      return { summary: 'Restore point abc' };
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    watcher.poll();
    const updates = () => events.filter((e): e is Extract<SessionEvent, { type: 'updated' }> => e.type === 'updated' && e.session.id === running.id);
    expect(updates().at(-1)?.session.status).toBe('running');
    const logs = () => events.filter((e): e is Extract<SessionEvent, { type: 'log' }> => e.type === 'log').flatMap((e) => e.lines.map((l) => l.message));
    expect(logs()).toContain('dumping crm');

    // Nothing changed: nothing reported.
    const count = events.length;
    watcher.poll();
    expect(events).toHaveLength(count);

    finish();
    await cliSide.waitFor(running.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    watcher.poll();
    expect(updates().at(-1)?.session).toMatchObject({ status: 'succeeded', summary: 'Restore point abc' });
    expect(logs().filter((m) => m === 'dumping crm')).toHaveLength(1);
    expect(logs()).toContain('done');
  });

  it('does not report the watching process its own sessions twice', async () => {
    const events: SessionEvent[] = [];
    const watcher = consoleSide.watchOtherProcesses(60_000);
    consoleSide.subscribe((event) => events.push(event));
    const own = consoleSide.start({ kind: 'repository', title: 'own' }, async () => undefined);
    await consoleSide.waitFor(own.id);
    const before = events.filter((e) => e.type === 'updated').length;
    watcher.poll();
    expect(events.filter((e) => e.type === 'updated')).toHaveLength(before);
  });
});
