import type { LogLine } from '../../../src-main/shared/session.ts';
import type { SessionLogModel } from './log-model.ts';

/** One page of `sessions.logs`: the lines after `afterSeq` and the session's last seq at that time. */
export type FetchLogPage = (afterSeq: number, limit: number) => Promise<{ lines: LogLine[]; lastSeq: number }>;

/**
 * Fills holes in a watched log by paging `sessions.logs` from the model's `lastSeq` until it has
 * every line the service had written. Single flight: a request while a catch-up runs makes it go
 * round once more instead of starting a second one.
 */
export class LogCatchUp {
  private readonly model: SessionLogModel;
  private readonly fetchPage: FetchLogPage;
  private readonly pageSize: number;
  private readonly onPage: () => void;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(model: SessionLogModel, fetchPage: FetchLogPage, options: { pageSize?: number; onPage?: () => void } = {}) {
    this.model = model;
    this.fetchPage = fetchPage;
    this.pageSize = options.pageSize ?? 5000;
    this.onPage = options.onPage ?? (() => {});
  }

  get busy(): boolean {
    return this.running !== null;
  }

  /** Starts (or extends) a catch-up; resolves when the log has caught up. Rejects if a page fails. */
  request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        const from = this.model.lastSeq;
        const page = await this.fetchPage(from, this.pageSize);
        this.model.merge(page.lines);
        this.onPage();
        const caughtUp = page.lines.length < this.pageSize && this.model.lastSeq >= page.lastSeq;
        // No progress means the service has nothing more to give right now; live events continue.
        if (caughtUp || this.model.lastSeq === from) break;
      }
    } while (this.again);
  }
}
