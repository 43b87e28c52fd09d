import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Repository } from '../../../src-main/repository/repository.ts';
import type { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import { ENGINE, PASSWORD, RESOURCE, recordingLogger, testData } from './support/fixtures.ts';
import { memoryRepository } from './support/memory-repository.ts';

function lockNames(storage: MemoryStorage): string[] {
  return [...storage.files.keys()].filter((name) => name.startsWith('locks/'));
}

describe('locks', () => {
  it('shared locks coexist; an exclusive lock excludes and names the holder', async () => {
    const { repository, storage } = await memoryRepository();
    const first = await repository.acquireLock(false, 'backup');
    const second = await repository.acquireLock(false, 'restore');
    const error = (await repository.acquireLock(true, 'prune').catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'locked' });
    expect(error.message).toContain(`shared`);
    expect(error.message).toContain(hostname());
    await first.release();
    await second.release();
    const exclusive = await repository.acquireLock(true, 'prune');
    await expect(repository.acquireLock(false, 'backup')).rejects.toMatchObject({ code: 'locked' });
    await exclusive.release();
    expect(lockNames(storage as MemoryStorage)).toEqual([]);
  });

  it('waits for a lock up to waitMs', async () => {
    const { storage } = await memoryRepository();
    const holder = await Repository.open(storage, { password: PASSWORD });
    const waiter = await Repository.open(storage, { password: PASSWORD, lockTiming: { waitMs: 5_000 } });
    const held = await holder.acquireLock(true, 'prune');
    setTimeout(() => void held.release(), 300);
    const lock = await waiter.acquireLock(false, 'backup');
    await lock.release();
  });

  it('takes over a stale lock and reports it through the logger', async () => {
    let now = Date.parse('2025-01-01T00:00:00Z');
    const clock = () => new Date(now);
    const { storage } = await memoryRepository();
    const crashed = await Repository.open(storage, { password: PASSWORD, clock, lockTiming: { staleAfterMs: 60_000, refreshIntervalMs: 3_600_000 } });
    await crashed.acquireLock(true, 'prune'); // never released: its process "died"
    const logger = recordingLogger();
    const next = await Repository.open(storage, { password: PASSWORD, clock, logger, lockTiming: { staleAfterMs: 60_000 } });
    await expect(next.acquireLock(false, 'backup')).rejects.toMatchObject({ code: 'locked' });
    now += 61_000;
    const lock = await next.acquireLock(false, 'backup');
    expect(logger.lines.some((line) => line.startsWith('warn Took over a stale lock: exclusive prune lock'))).toBe(true);
    await lock.release();
  });

  it('a lock whose process is gone on this host is stale at once', async () => {
    const { storage } = await memoryRepository();
    const deadPid = 2 ** 22 + 12345; // above pid_max on Linux, so no such process
    const now = new Date().toISOString();
    await storage.put('locks/' + 'a'.repeat(64), Buffer.from(JSON.stringify({ formatVersion: 1, exclusive: true, operation: 'prune', hostname: hostname(), pid: deadPid, createdAt: now, refreshedAt: now })));
    const repository = await Repository.open(storage, { password: PASSWORD });
    const lock = await repository.acquireLock(true, 'prune');
    await lock.release();
    expect(lockNames(storage as MemoryStorage)).toEqual([]);
  });

  it('heartbeats keep a long operation alive; losing the lock aborts the operation', async () => {
    const { storage } = await memoryRepository();
    const repository = await Repository.open(storage, { password: PASSWORD, lockTiming: { refreshIntervalMs: 20, staleAfterMs: 60_000 } });
    const lock = await repository.acquireLock(false, 'backup');
    const [name] = lockNames(storage as MemoryStorage);
    const firstContent = (storage as MemoryStorage).files.get(name!)!.data.toString();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((storage as MemoryStorage).files.get(name!)!.data.toString()).not.toBe(firstContent);
    expect(lock.signal.aborted).toBe(false);
    await storage.delete(name!); // someone judged it stale
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lock.signal.aborted).toBe(true);
    await lock.release();

    // A backup running while its lock is lost fails instead of committing unprotected.
    const session = await repository.startBackup({ resource: RESOURCE, engine: ENGINE });
    for (const lockName of lockNames(storage as MemoryStorage)) await storage.delete(lockName);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(session.addEntry({ name: 'x', data: testData(100_000, 'x') })).rejects.toMatchObject({ code: 'aborted' });
    await session.abort();
    expect((await repository.listRestorePoints()).restorePoints).toEqual([]);
  });

  it('prune waits for running backups (shared vs exclusive) and never deletes their data', async () => {
    const { storage } = await memoryRepository();
    const writer = await Repository.open(storage, { password: PASSWORD });
    const pruner = await Repository.open(storage, { password: PASSWORD });
    const data = testData(600_000, 'running');
    const session = await writer.startBackup({ resource: RESOURCE, engine: ENGINE });
    await session.addEntry({ name: 'dump', data });
    // Packs are stored but not yet indexed: exactly what prune would delete if it ran now.
    await expect(pruner.prune()).rejects.toMatchObject({ code: 'locked' });
    const { restorePointId } = await session.commit();
    await pruner.prune();
    const restored = await pruner.openEntry(restorePointId, 'dump');
    const parts: Buffer[] = [];
    for await (const part of restored) parts.push(part as Buffer);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    expect((await pruner.check({ readData: true })).ok).toBe(true);
  });
});
