import type { WorkerEvent } from './worker-launcher.ts';

/** An async queue a worker's events go into and the session reads from. */
export class EventQueue implements AsyncIterable<WorkerEvent> {
  private readonly items: WorkerEvent[] = [];
  private waiter: (() => void) | undefined;
  private closed = false;

  push(event: WorkerEvent): void {
    this.items.push(event);
    this.waiter?.();
  }

  close(): void {
    this.closed = true;
    this.waiter?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WorkerEvent> {
    for (;;) {
      const item = this.items.shift();
      if (item) {
        yield item;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }
}
