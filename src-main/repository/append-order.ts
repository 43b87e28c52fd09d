/** A place in an AppendOrder: wait for `ready`, append, then `pass` (exactly once, also on failure). */
export interface AppendTicket {
  /** Resolves once every earlier ticket has passed. */
  readonly ready: Promise<void>;
  /** Lets the next ticket go; later calls do nothing. */
  pass(): void;
}

/**
 * Lets tasks that finish out of order append in the order they started. The backup writer seals
 * chunks in several compression slots at once; without this, blobs land in a pack as their
 * compression ends, shuffled, and a restore then reads them one ranged read each instead of
 * several neighbours at a time.
 *
 * Tickets are taken when a task starts, not when it is queued, so the oldest ticket always
 * belongs to a running task and a pool of slots can never fill up with tasks waiting on one
 * that has not started.
 */
export class AppendOrder {
  private issued = 0;
  /** Every ticket below this has passed. */
  private passedBelow = 0;
  private readonly passedAhead = new Set<number>();
  private readonly waiting = new Map<number, () => void>();

  take(): AppendTicket {
    const number = this.issued++;
    const ready = number === this.passedBelow ? Promise.resolve() : new Promise<void>((resolve) => this.waiting.set(number, resolve));
    return { ready, pass: () => this.pass(number) };
  }

  private pass(number: number): void {
    if (number < this.passedBelow || this.passedAhead.has(number)) return;
    this.passedAhead.add(number);
    // Each ticket the count moves onto is ready (one that passed early is woken all the same).
    while (this.passedAhead.delete(this.passedBelow)) this.wake(++this.passedBelow);
  }

  private wake(number: number): void {
    const resolve = this.waiting.get(number);
    if (!resolve) return;
    this.waiting.delete(number);
    resolve();
  }
}
