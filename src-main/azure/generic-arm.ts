import type { ArmClients } from './arm-clients.ts';
import { AppError } from '../shared/errors.ts';

/** API version of Cosmos DB for PostgreSQL clusters (`serverGroupsv2`), which has no SDK package. */
export const POSTGRES_CLUSTERS_API_VERSION = '2022-11-08';

/** Lists an ARM collection through `ArmClients.request`, following `nextLink` pages. */
export async function listAll<T>(arm: ArmClients, path: string, apiVersion: string, signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  let next: string | undefined = path;
  while (next) {
    const page: { body: { value?: T[]; nextLink?: string } } = await arm.request<{ value?: T[]; nextLink?: string }>('GET', next, apiVersion, undefined, signal);
    out.push(...(page.body.value ?? []));
    const link = page.body.nextLink;
    next = link ? pathOf(link) : undefined;
  }
  return out;
}

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

/**
 * Follows a long-running operation started through `ArmClients.request` (Azure-AsyncOperation,
 * else Location), waiting Retry-After between polls, until it ends. Throws when it failed.
 */
export async function followOperation(arm: ArmClients, headers: Record<string, string>, options: { apiVersion: string; signal?: AbortSignal; pollIntervalMs: number; onPoll?: (status: string) => void }): Promise<void> {
  const asyncUrl = headers['azure-asyncoperation'];
  const locationUrl = headers['location'];
  let retryAfter = Number(headers['retry-after']);
  if (!asyncUrl && !locationUrl) return;
  for (;;) {
    await delay(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : options.pollIntervalMs, options.signal);
    if (asyncUrl) {
      const poll = await arm.request<{ status?: string; error?: { code?: string; message?: string } }>('GET', pathOf(asyncUrl), new URL(asyncUrl).searchParams.get('api-version') ?? options.apiVersion, undefined, options.signal);
      const status = poll.body.status ?? 'InProgress';
      options.onPoll?.(status);
      retryAfter = Number(poll.headers['retry-after']);
      if (status === 'Succeeded') return;
      if (status === 'Failed' || status === 'Canceled') {
        throw new AppError('unavailable', `The operation ${status.toLowerCase()}: ${poll.body.error?.message ?? 'no reason given'}${poll.body.error?.code ? ` (${poll.body.error.code})` : ''}`, { armCode: poll.body.error?.code });
      }
    } else {
      const poll = await arm.request<unknown>('GET', pathOf(locationUrl!), new URL(locationUrl!).searchParams.get('api-version') ?? options.apiVersion, undefined, options.signal);
      options.onPoll?.(String(poll.status));
      retryAfter = Number(poll.headers['retry-after']);
      if (poll.status !== 202) return;
    }
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason as Error);
    }, { once: true });
  });
}

export { delay };
