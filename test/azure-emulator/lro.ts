import { randomUUID } from 'node:crypto';
import { ArmError } from './arm-error.ts';
import type { Clock } from './clock.ts';
import { isoSeconds } from './clock.ts';

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

/** How a long-running operation is addressed and what it does when it ends. */
export interface OperationSpec {
  subscriptionId: string;
  /** Resource provider namespace, e.g. Microsoft.DocumentDB. */
  provider: string;
  location: string;
  /** Emulated time until the operation ends. */
  durationMs: number;
  /** Path segment of the Azure-AsyncOperation URL, e.g. operationsStatus. */
  statusSegment: string;
  /** Path segment of the Location URL, e.g. operationResults. */
  resultSegment: string;
  /** Applies the change when the operation succeeds. */
  onSuccess?: () => void;
  /** Undoes the visible in-progress state when the operation fails. */
  onFailure?: () => void;
  /** Body of the Location URL once succeeded; undefined means an empty 200. */
  result?: () => unknown;
  /** When set (fault injection), the operation ends Failed with this error. */
  failure?: { code: string; message: string };
}

export interface Operation {
  id: string;
  spec: OperationSpec;
  startTime: number;
  completesAt: number;
  status: OperationStatus;
  endTime?: number;
  error?: { code: string; message: string };
}

/**
 * Long-running operations, completed lazily: `settle()` (called before every request and by
 * state inspection) ends every operation whose time has come, so no timers run.
 */
export class Operations {
  readonly #clock: Clock;
  readonly #ops = new Map<string, Operation>();
  readonly #deferred: { at: number; run: () => void }[] = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  start(spec: OperationSpec): Operation {
    const now = this.#clock.now();
    const op: Operation = { id: randomUUID(), spec, startTime: now, completesAt: now + Math.max(0, spec.durationMs), status: 'InProgress' };
    this.#ops.set(op.id, op);
    return op;
  }

  /** Runs `run` once emulated time reaches `at` (used for backup migrations). */
  defer(at: number, run: () => void): void {
    this.#deferred.push({ at, run });
  }

  find(id: string): Operation | undefined {
    return this.#ops.get(id.toLowerCase()) ?? [...this.#ops.values()].find((o) => o.id.toLowerCase() === id.toLowerCase());
  }

  /** Ends everything that is due, in time order. */
  settle(): void {
    const now = this.#clock.now();
    const due = [
      ...[...this.#ops.values()].filter((o) => o.status === 'InProgress' && o.completesAt <= now).map((o) => ({ at: o.completesAt, run: () => this.#finish(o) })),
      ...this.#deferred.filter((d) => d.at <= now),
    ].sort((a, b) => a.at - b.at);
    for (const d of due) {
      const i = this.#deferred.indexOf(d);
      if (i >= 0) this.#deferred.splice(i, 1);
      d.run();
    }
  }

  #finish(op: Operation): void {
    op.endTime = op.completesAt;
    if (op.spec.failure) {
      op.status = 'Failed';
      op.error = op.spec.failure;
      op.spec.onFailure?.();
    } else {
      op.status = 'Succeeded';
      op.spec.onSuccess?.();
    }
  }

  /** Path (no host) of the Azure-AsyncOperation or Location URL. */
  path(op: Operation, which: 'status' | 'result'): string {
    const s = op.spec;
    const segment = which === 'status' ? s.statusSegment : s.resultSegment;
    return `/subscriptions/${s.subscriptionId}/providers/${s.provider}/locations/${s.location}/${segment}/${op.id}`;
  }

  /** The headers ARM sends with a 200/201/202 that started an operation. */
  headers(op: Operation, baseUrl: string, apiVersion: string, retryAfterSeconds: number): Record<string, string> {
    const q = `?api-version=${encodeURIComponent(apiVersion)}`;
    return {
      'Azure-AsyncOperation': `${baseUrl}${this.path(op, 'status')}${q}`,
      Location: `${baseUrl}${this.path(op, 'result')}${q}`,
      'Retry-After': String(retryAfterSeconds),
    };
  }

  /** Body of the Azure-AsyncOperation URL. */
  statusBody(op: Operation): Record<string, unknown> {
    return {
      id: this.path(op, 'status'),
      name: op.id,
      status: op.status,
      startTime: new Date(op.startTime).toISOString(),
      ...(op.endTime !== undefined ? { endTime: new Date(op.endTime).toISOString() } : {}),
      ...(op.error ? { error: op.error } : {}),
    };
  }

  /** Status, headers and body of the Location URL, the way ARM answers a Location poll. */
  resultReply(op: Operation, baseUrl: string, apiVersion: string, retryAfterSeconds: number): { status: number; headers?: Record<string, string>; body?: unknown } {
    if (op.status === 'InProgress') {
      const h = this.headers(op, baseUrl, apiVersion, retryAfterSeconds);
      return { status: 202, headers: { Location: h['Location'] ?? '', 'Retry-After': String(retryAfterSeconds) } };
    }
    if (op.status === 'Failed' || op.status === 'Canceled') {
      const err = op.error ?? { code: 'OperationCanceled', message: 'The operation was canceled.' };
      throw new ArmError(400, err.code, err.message);
    }
    const body = op.spec.result?.();
    // 200 with an empty body rather than 204: several SDK operations (e.g. VM deallocate) accept only 200/202.
    return body === undefined ? { status: 200 } : { status: 200, body };
  }
}

export { isoSeconds };
