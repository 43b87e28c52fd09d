/** Bytes queued before `push` waits for the reader. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * A one-writer, one-reader byte queue with backpressure: the writer awaits `push`, the reader
 * iterates. Lets one producer (a pg_dump stream being split) feed several repository entries.
 * `fail` unblocks both sides with an error (the reader stops, or the writer learns the reader died).
 */
export class EntryFeed implements AsyncIterable<Buffer> {
  private queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  async push(bytes: Buffer): Promise<void> {
    this.throwIfFailed();
    if (!bytes.length) return;
    this.queue.push(bytes);
    this.queued += bytes.length;
    this.wake('reader');
    while (this.queued > HIGH_WATER && !this.failure) await new Promise<void>((resolve) => (this.wakeWriter = resolve));
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  end(): void {
    this.ended = true;
    this.wake('reader');
  }

  fail(error: unknown): void {
    if (!this.failure) this.failure = { error };
    this.wake('reader');
    this.wake('writer');
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      this.throwIfFailed();
      const next = this.queue.shift();
      if (next) {
        this.queued -= next.length;
        this.wake('writer');
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
    }
  }

  private wake(side: 'reader' | 'writer'): void {
    const wake = side === 'reader' ? this.wakeReader : this.wakeWriter;
    if (side === 'reader') this.wakeReader = undefined;
    else this.wakeWriter = undefined;
    wake?.();
  }
}
