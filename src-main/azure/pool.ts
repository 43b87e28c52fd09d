/**
 * Runs `work` over `items` with at most `limit` calls in flight, in order of the items, and resolves
 * with the results in the same order. The first failure stops new work from starting and is thrown
 * once the calls already running have settled (nothing is left running behind the caller's back).
 * Use `settle` in `work` to keep going past per-item failures.
 */
export async function mapPool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (!failure && next < items.length) {
      if (signal?.aborted) {
        failure = { error: signal.reason };
        return;
      }
      const index = next++;
      try {
        results[index] = await work(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return results;
}

/** The outcome of one item when failures must not stop the others. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/** Wraps a call so a failure becomes a value (for `mapPool` over independent items). */
export async function settle<R>(fn: () => Promise<R>): Promise<Settled<R>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}
