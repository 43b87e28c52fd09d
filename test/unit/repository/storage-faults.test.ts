import { describe, expect, it } from 'vitest';
import { Repository } from '../../../src-main/repository/repository.ts';
import { FaultInjectingStorage, everyNthCall, failAfterWrites } from '../../../src-main/repository/storage/fault-injecting-storage.ts';
import { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import { RetryingStorage } from '../../../src-main/repository/storage/retrying-storage.ts';
import { StorageError } from '../../../src-main/repository/storage/storage.ts';
import { ENGINE, PASSWORD, RESOURCE, SMALL_FORMAT, readAll, recordingLogger, testData } from './support/fixtures.ts';

const FAST_RETRY = { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 5 };

async function setup() {
  const memory = new MemoryStorage();
  await Repository.init(memory, { password: PASSWORD, ...SMALL_FORMAT });
  const faulty = new FaultInjectingStorage(memory);
  return { memory, faulty };
}

describe('storage faults', () => {
  it('retries 5xx, timeouts and dropped connections with backoff, and the backup is intact', async () => {
    const { memory, faulty } = await setup();
    const logger = recordingLogger();
    const faults = [{ kind: 'server-error' as const }, { kind: 'timeout' as const, delayMs: 2 }, { kind: 'drop-after' as const }];
    let calls = 0;
    // Every third call fails, cycling through the fault kinds.
    faulty.rule = () => (++calls % 3 === 0 ? faults[(calls / 3) % 3] : undefined);
    const repository = await Repository.open(faulty, { password: PASSWORD, retry: FAST_RETRY, logger });
    const data = testData(800_000, 'faults');
    const { restorePointId } = await repository.backup({ resource: RESOURCE, engine: ENGINE }, [{ name: 'dump', data }]);
    expect(faulty.injected).toBeGreaterThan(5);
    expect(logger.lines.some((line) => line.startsWith('warn') && line.includes('retry'))).toBe(true);
    faulty.rule = () => undefined;
    const clean = await Repository.open(memory, { password: PASSWORD });
    expect((await clean.check({ readData: true })).ok).toBe(true);
    expect((await readAll(await clean.openEntry(restorePointId, 'dump'))).equals(data)).toBe(true);
  });

  it('permanent errors fail at once, without retries', async () => {
    const { faulty } = await setup();
    faulty.rule = (call) => (call.operation === 'put' ? { kind: 'permanent' } : undefined);
    const repository = await Repository.open(faulty, { password: PASSWORD, retry: FAST_RETRY });
    const before = faulty.counts.get('put') ?? 0;
    await expect(repository.backup({ resource: RESOURCE, engine: ENGINE }, [{ name: 'x', data: Buffer.from('x') }])).rejects.toMatchObject({ kind: 'permanent' });
    expect((faulty.counts.get('put') ?? 0) - before).toBe(1); // the lock file, tried once
  });

  it('a store that dies mid-backup: the backup fails cleanly, no restore point, the next backup succeeds and reuses what was stored', async () => {
    const { memory, faulty } = await setup();
    const data = testData(1_500_000, 'dies');
    faulty.rule = failAfterWrites(6);
    const repository = await Repository.open(faulty, { password: PASSWORD, retry: FAST_RETRY });
    const error = await repository.backup({ resource: RESOURCE, engine: ENGINE }, [{ name: 'dump', data }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).message).toMatch(/failed after 5 attempts/);
    faulty.rule = () => undefined;
    const healthy = await Repository.open(memory, { password: PASSWORD });
    const report = await healthy.check({ readData: true });
    expect(report).toMatchObject({ ok: true, restorePointCount: 0 });
    expect(report.unreferencedPacks.length).toBeGreaterThan(0);
    const second = await healthy.backup({ resource: RESOURCE, engine: ENGINE }, [{ name: 'dump', data }]);
    expect(second.stats.adoptedPacks).toBe(report.unreferencedPacks.length);
    expect(second.stats.newChunkCount).toBeLessThan(second.stats.chunkCount);
    expect((await readAll(await healthy.openEntry(second.restorePointId, 'dump'))).equals(data)).toBe(true);
    const after = await healthy.check({ readData: true });
    expect(after).toMatchObject({ ok: true, unreferencedPacks: [] });
  });

  it('a create-only put whose response was lost is recognised as done on retry', async () => {
    const memory = new MemoryStorage();
    const faulty = new FaultInjectingStorage(memory, (call) => (call.operation === 'put' && call.count === 1 ? { kind: 'drop-after' } : undefined));
    const storage = new RetryingStorage(faulty, FAST_RETRY);
    await storage.put('config', Buffer.from('v1'));
    expect((await memory.get('config')).toString()).toBe('v1');
    // A different content under the same name still conflicts.
    await expect(storage.put('config', Buffer.from('v2'))).rejects.toMatchObject({ kind: 'already_exists' });
  });

  it('everyNthCall injects into every n-th call only', () => {
    const rule = everyNthCall(2, { kind: 'server-error' });
    const call = { operation: 'get' as const, name: 'x', count: 1 };
    expect([rule(call), rule(call), rule(call), rule(call)]).toEqual([undefined, { kind: 'server-error' }, undefined, { kind: 'server-error' }]);
  });

  it('gives up after the last attempt with a transient error naming the operation', async () => {
    const faulty = new FaultInjectingStorage(new MemoryStorage(), () => ({ kind: 'server-error' }));
    const storage = new RetryingStorage(faulty, FAST_RETRY);
    await expect(storage.get('index/x')).rejects.toThrow(/get index\/x failed after 5 attempts/);
    expect(faulty.injected).toBe(5);
  });

  it('prepares the storage through the same retries: transient failures again, permanent ones at once', async () => {
    /** A store whose preparation (an Azure container, say) fails as scripted. */
    class PreparedStorage extends MemoryStorage {
      calls = 0;
      private readonly failures: StorageError[];
      constructor(failures: StorageError[]) {
        super();
        this.failures = failures;
      }
      async prepare(): Promise<void> {
        const failure = this.failures[this.calls++];
        if (failure) throw failure;
      }
    }
    const flaky = new PreparedStorage([new StorageError('transient', 'connection reset', 'container'), new StorageError('transient', '503', 'container')]);
    await new RetryingStorage(flaky, FAST_RETRY).prepare!();
    expect(flaky.calls).toBe(3);
    const refused = new PreparedStorage([new StorageError('permanent', 'forbidden', 'container')]);
    await expect(new RetryingStorage(refused, FAST_RETRY).prepare!()).rejects.toMatchObject({ kind: 'permanent' });
    expect(refused.calls).toBe(1);
    // A store with nothing to prepare offers nothing to call.
    expect(new RetryingStorage(new MemoryStorage(), FAST_RETRY).prepare).toBeUndefined();
  });
});
