/**
 * Runs async tasks with at most `limit` in flight. `run` waits for a free slot before starting the
 * task, which gives callers backpressure; the first failure is rethrown by the next `run` or by
 * `drain`, so a failing pipeline stops feeding work.
 */
export class TaskPool {
  private readonly limit: number;
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  get size(): number {
    return this.running.size;
  }

  /** Starts `task` once a slot is free. Resolves when it has started, not when it has finished. */
  async run(task: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    this.throwIfFailed();
    const promise: Promise<void> = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.running.delete(promise);
      });
    this.running.add(promise);
  }

  /** Waits for every task; throws the first failure. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
    this.throwIfFailed();
  }

  /** Waits for every task and ignores failures (used when giving up after an error). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
