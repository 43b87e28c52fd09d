import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccessTier, GetOptions, PutOptions, RepositoryStorage, StoredFileInfo } from './storage.ts';
import { StorageError } from './storage.ts';

/** The storage operation a fault rule sees. */
export interface StorageCall {
  operation: 'put' | 'get' | 'getStream' | 'stat' | 'list' | 'delete' | 'setTier';
  name: string;
  /** 1-based count of calls of this operation so far (this one included). */
  count: number;
}

/**
 * What to do with a call:
 * - `server-error`: fail before reaching the backend, like an HTTP 503.
 * - `timeout`: wait `delayMs`, then fail as a timeout without reaching the backend.
 * - `drop-after`: perform the call on the backend, then fail as a dropped connection (the caller does
 *   not learn that it succeeded).
 * - `permanent`: fail like HTTP 403.
 */
export type Fault = { kind: 'server-error' } | { kind: 'timeout'; delayMs?: number } | { kind: 'drop-after' } | { kind: 'permanent' };

export type FaultRule = (call: StorageCall) => Fault | undefined;

/**
 * Wraps a storage and injects faults chosen by a rule, for tests of retries and crash safety.
 * Use it under a RetryingStorage to test that transient faults are absorbed.
 */
export class FaultInjectingStorage implements RepositoryStorage {
  readonly inner: RepositoryStorage;
  rule: FaultRule;
  readonly counts = new Map<StorageCall['operation'], number>();
  /** How many faults were injected so far. */
  injected = 0;

  constructor(inner: RepositoryStorage, rule: FaultRule = () => undefined) {
    this.inner = inner;
    this.rule = rule;
  }

  get description(): string {
    return `faulty ${this.inner.description}`;
  }

  put(name: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    return this.call('put', name, () => this.inner.put(name, data, options));
  }

  get(name: string, options?: GetOptions): Promise<Buffer> {
    return this.call('get', name, () => this.inner.get(name, options));
  }

  getStream(name: string, options?: GetOptions): Promise<Readable> {
    return this.call('getStream', name, () => this.inner.getStream(name, options));
  }

  stat(name: string, signal?: AbortSignal): Promise<StoredFileInfo | undefined> {
    return this.call('stat', name, () => this.inner.stat(name, signal));
  }

  async *list(prefix: string, signal?: AbortSignal): AsyncIterable<StoredFileInfo> {
    const files = await this.call('list', prefix, async () => {
      const collected: StoredFileInfo[] = [];
      for await (const file of this.inner.list(prefix, signal)) collected.push(file);
      return collected;
    });
    yield* files;
  }

  delete(name: string, signal?: AbortSignal): Promise<boolean> {
    return this.call('delete', name, () => this.inner.delete(name, signal));
  }

  setTier(name: string, tier: AccessTier, options?: { priority?: 'Standard' | 'High'; signal?: AbortSignal }): Promise<void> {
    return this.call('setTier', name, () => this.inner.setTier(name, tier, options));
  }

  private async call<T>(operation: StorageCall['operation'], name: string, action: () => Promise<T>): Promise<T> {
    const count = (this.counts.get(operation) ?? 0) + 1;
    this.counts.set(operation, count);
    const fault = this.rule({ operation, name, count });
    if (!fault) return action();
    this.injected++;
    switch (fault.kind) {
      case 'server-error':
        throw new StorageError('transient', `Injected 503 Server Busy on ${operation} ${name}`, name);
      case 'permanent':
        throw new StorageError('permanent', `Injected 403 Forbidden on ${operation} ${name}`, name);
      case 'timeout':
        await sleep(fault.delayMs ?? 5);
        throw new StorageError('transient', `Injected timeout on ${operation} ${name}`, name);
      case 'drop-after':
        await action();
        throw new StorageError('transient', `Injected ECONNRESET after ${operation} ${name}`, name);
    }
  }
}

/** A rule that fails every put after the first `writes` puts (the backend is gone for good). */
export function failAfterWrites(writes: number, fault: Fault = { kind: 'server-error' }): FaultRule {
  return (call) => (call.operation === 'put' && call.count > writes ? fault : undefined);
}

/** A rule that injects `fault` into every `n`-th call of any operation. */
export function everyNthCall(n: number, fault: Fault): FaultRule {
  let calls = 0;
  return () => (++calls % n === 0 ? fault : undefined);
}
