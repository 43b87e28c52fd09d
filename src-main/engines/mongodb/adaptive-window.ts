/**
 * How many write batches run at once, adapting to the server: halved when it throttles, grown by
 * one after a run of clean batches, never below 1 nor above `max`. Cosmos RU has no fixed rate a
 * client can know in advance; this finds it.
 */
export class AdaptiveWindow {
  private limit: number;
  private readonly max: number;
  private running = 0;
  private cleanStreak = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(initial: number, max: number) {
    this.max = Math.max(1, max);
    this.limit = Math.min(Math.max(1, initial), this.max);
  }

  get current(): number {
    return this.limit;
  }

  /** The server throttled a batch: fewer at once from now on. */
  throttled(): void {
    this.cleanStreak = 0;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
  }

  /** A batch went through untouched: after 8 in a row, one more at once. */
  clean(): void {
    if (++this.cleanStreak >= 8 && this.limit < this.max) {
      this.limit++;
      this.cleanStreak = 0;
      this.waiting.shift()?.();
    }
  }

  /** Starts `task` once a slot is free; rethrows an earlier task's failure instead of starting more. */
  async submit(task: () => Promise<void>): Promise<void> {
    while (this.running >= this.limit && !this.failure) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failure) throw this.failure.error;
    this.running++;
    const promise = task()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.running--;
        this.inFlight.delete(promise);
        this.waiting.shift()?.();
      });
    this.inFlight.add(promise);
  }

  /** Waits for every started task; throws the first failure. */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
    if (this.failure) throw this.failure.error;
  }
}
