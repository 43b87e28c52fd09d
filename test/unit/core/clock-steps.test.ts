import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openConfigDatabase, type ConfigDb } from '../../../src-main/core/config-db/open-database.ts';
import { SessionsStore } from '../../../src-main/core/config-db/sessions-store.ts';
import { SessionManager } from '../../../src-main/core/sessions/session-manager.ts';
import { Repository } from '../../../src-main/repository/repository.ts';
import { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import type { PutOptions } from '../../../src-main/repository/storage/storage.ts';
import { StorageError } from '../../../src-main/repository/storage/storage.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { ENGINE, PASSWORD, RESOURCE, readAll, testData } from '../repository/support/fixtures.ts';
import { memoryRepository } from '../repository/support/memory-repository.ts';

const HOUR = 3_600_000;

/** A wall clock the test steps by hand, with a real monotonic clock beside it (as on a real machine). */
function steppableClock(start = Date.parse('2026-12-05T10:00:00Z')) {
  let offset = 0;
  const began = performance.now();
  return {
    now: () => new Date(start + (performance.now() - began) + offset),
    monotonicMs: () => performance.now(),
    step: (ms: number) => (offset += ms),
  };
}

describe('the wall clock stepping during a session', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let db: ConfigDb;
  beforeEach(() => {
    dir = makeTempDir();
    db = openConfigDatabase(join(dir.path, 'config.db'));
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('a session stepped back two hours still ends after it started, its log stays in order, and its own heartbeat does not close it', async () => {
    const clock = steppableClock();
    const store = new SessionsStore(db);
    const manager = new SessionManager({ store, clock, heartbeatMs: 10 });
    manager.startHeartbeat();
    const session = manager.start({ kind: 'backup', title: 'Backup of shop' }, async (ctx) => {
      ctx.info('before the step');
      clock.step(-2 * HOUR);
      await sleep(50); // several heartbeats on the stepped clock
      ctx.info('after the step');
      ctx.progress(10, 10, 'bytes');
      return { summary: 'done' };
    });
    const final = await manager.waitFor(session.id);
    expect(final.status).toBe('succeeded');
    expect(Date.parse(final.endedAt!)).toBeGreaterThanOrEqual(Date.parse(final.startedAt!));
    expect(Date.parse(final.startedAt!)).toBeGreaterThanOrEqual(Date.parse(final.createdAt));
    const times = store.logs(session.id, 0, 10, 'debug').map((line) => Date.parse(line.time));
    expect(times).toHaveLength(2);
    expect(times[1]).toBeGreaterThanOrEqual(times[0]!);
    await manager.close(1000);
  });

  it('a repository lock survives the clock stepping forward by hours while a refresh fails, and the backup commits with its start time', async () => {
    const clock = steppableClock();
    const storage = new MemoryStorage();
    let failLockWrites = false;
    const flaky = Object.assign(Object.create(storage) as MemoryStorage, {
      put: (name: string, data: Uint8Array, options?: PutOptions) => {
        if (failLockWrites && name.startsWith('locks/')) return Promise.reject(new StorageError('permanent', 'refused', name));
        return storage.put(name, data, options);
      },
    });
    await memoryRepository({}, storage);
    const repository = await Repository.open(flaky, { password: PASSWORD, clock: () => clock.now(), lockTiming: { refreshIntervalMs: 10 } });
    const started = clock.now();
    const data = testData(200_000, 'clock');
    async function* entries() {
      yield { name: 'first', data };
      clock.step(2 * HOUR);
      failLockWrites = true;
      await sleep(80); // refreshes fail on a clock two hours ahead
      failLockWrites = false;
      clock.step(-3 * HOUR);
      await sleep(30);
      yield { name: 'second', data };
    }
    const result = await repository.backup({ resource: RESOURCE, engine: ENGINE, gfs: {} }, entries());
    expect(Math.abs(Date.parse(result.manifest.time) - started.getTime())).toBeLessThan(1000);
    expect((await readAll(await repository.openEntry(result.restorePointId, 'second'))).equals(data)).toBe(true);
    expect([...storage.files.keys()].filter((name) => name.startsWith('locks/'))).toEqual([]);
  });
});
