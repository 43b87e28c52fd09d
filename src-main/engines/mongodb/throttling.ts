import { setTimeout as sleep } from 'node:timers/promises';

/** Cosmos DB for MongoDB RU: the request rate is too large (HTTP 429 behind the wire protocol). */
export const TOO_MANY_REQUESTS = 16500;
/** MaxTimeMSExpired: Cosmos RU ends a request that ran out of its time budget with it. */
export const TIME_LIMIT_EXCEEDED = 50;
/** A duplicate key: on a retried insert it means the first attempt did land. */
export const DUPLICATE_KEY = 11000;
/** The collection does not exist (dropped meanwhile, or never there). */
export const NAMESPACE_NOT_FOUND = 26;

/** Consecutive throttled attempts of one request before the engine gives up. */
const MAX_CONSECUTIVE_RETRIES = 25;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/** What throttling cost a job; the session log reports it. */
export class ThrottleStats {
  throttled = 0;
  timeLimits = 0;
  waitedMs = 0;

  /** One line for the session log, or undefined when nothing was throttled. */
  describe(): string | undefined {
    if (!this.throttled && !this.timeLimits) return undefined;
    return `The server throttled ${this.throttled} request(s) and timed out ${this.timeLimits}; ${(this.waitedMs / 1000).toFixed(1)} s were spent waiting before retrying them.`;
  }
}

/** The error code of a driver error or write error, if it has one. */
export function errorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** True for the failures a retry after a pause cures (throttling, a time limit). */
export function isRetryable(error: unknown): boolean {
  const code = errorCode(error);
  return code === TOO_MANY_REQUESTS || code === TIME_LIMIT_EXCEEDED;
}

/** The server's own delay (`RetryAfterMs=…` in Cosmos RU's message), if it gave one. */
export function serverRetryAfterMs(error: unknown): number | undefined {
  const message = String((error as { errmsg?: unknown; message?: unknown } | null)?.errmsg ?? (error as { message?: unknown } | null)?.message ?? '');
  const match = /RetryAfterMs=(\d+)/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

/** The pause before attempt `attempt + 1`: the server's delay, or an exponential backoff; both with up to 25 % jitter. */
export function retryDelayMs(error: unknown, attempt: number, random: () => number = Math.random): number {
  const base = serverRetryAfterMs(error) ?? Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
  return Math.round(base * (1 + random() * 0.25));
}

/** Counts a retryable failure and waits as long as it asks; rethrows anything else, or when retries ran out. */
export async function pauseForRetry(error: unknown, attempt: number, stats: ThrottleStats, signal: AbortSignal): Promise<void> {
  if (!isRetryable(error) || attempt >= MAX_CONSECUTIVE_RETRIES) throw error;
  if (errorCode(error) === TOO_MANY_REQUESTS) stats.throttled++;
  else stats.timeLimits++;
  const delay = retryDelayMs(error, attempt);
  stats.waitedMs += delay;
  await sleep(delay, undefined, { signal });
}

/** Runs a request, retrying it after throttling or a time limit. Only for requests safe to repeat (reads, metadata). */
export async function retryingRequest<T>(request: () => Promise<T>, stats: ThrottleStats, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      await pauseForRetry(error, attempt, stats, signal);
    }
  }
}
