import type { LogLine } from '../../shared/session.ts';

/**
 * Batches log lines: listeners hear each batch at the next tick, and the store writes a batch in one
 * transaction at most every `flushIntervalMs` (or sooner when `maxBatch` lines wait). Batching is
 * what lets a chatty session log tens of thousands of lines per second into SQLite.
 */
export class LogBuffer {
  private pendingWrite: LogLine[] = [];
  private pendingEmit: LogLine[] = [];
  private writeTimer: NodeJS.Timeout | null = null;
  private emitScheduled = false;
  private readonly write: (lines: LogLine[]) => void;
  private readonly emit: (lines: LogLine[]) => void;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;

  private readonly onWriteError: (error: unknown) => void;
  /** Lines kept in memory while the store refuses writes (disk full); beyond this, the oldest go. */
  private readonly maxUnwritten: number;
  dropped = 0;
  private closed = false;

  constructor(options: {
    write: (lines: LogLine[]) => void;
    emit: (lines: LogLine[]) => void;
    onWriteError?: (error: unknown) => void;
    flushIntervalMs?: number;
    maxBatch?: number;
    maxUnwritten?: number;
  }) {
    this.write = options.write;
    this.onWriteError = options.onWriteError ?? (() => undefined);
    this.maxUnwritten = options.maxUnwritten ?? 100_000;
    this.emit = options.emit;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxBatch = options.maxBatch ?? 2000;
  }

  add(line: LogLine): void {
    this.pendingEmit.push(line);
    if (!this.emitScheduled) {
      this.emitScheduled = true;
      setImmediate(() => this.emitNow());
    }
    // After close the store is gone: listeners still hear the line, nothing waits to write it.
    if (this.closed) return;
    this.pendingWrite.push(line);
    if (this.pendingWrite.length >= this.maxBatch) this.flush();
    else if (!this.writeTimer) this.writeTimer = setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  /** Writes everything pending now (called at session end and on shutdown). */
  flush(): void {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    if (!this.pendingWrite.length) return;
    const batch = this.pendingWrite;
    this.pendingWrite = [];
    try {
      this.write(batch);
    } catch (error) {
      // The store refused (e.g. the disk is full): keep the lines and try again at the next flush,
      // so a session never crashes the process for want of log space.
      this.pendingWrite = batch.concat(this.pendingWrite);
      const excess = this.pendingWrite.length - this.maxUnwritten;
      if (excess > 0) {
        this.pendingWrite.splice(0, excess);
        this.dropped += excess;
      }
      this.onWriteError(error);
      if (!this.writeTimer) {
        this.writeTimer = setTimeout(() => this.flush(), Math.max(this.flushIntervalMs, 1000));
        // A retry alone must not keep a finished process alive; close() hands the lines over.
        this.writeTimer.unref();
      }
    }
  }

  /**
   * The last write before the process stops: no retry is scheduled (a timer would keep the process
   * alive). Returns the lines the store still refused, for the caller to keep elsewhere.
   */
  close(): LogLine[] {
    this.flush();
    this.closed = true;
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    const unwritten = this.pendingWrite;
    this.pendingWrite = [];
    this.emitNow();
    return unwritten;
  }

  private emitNow(): void {
    this.emitScheduled = false;
    const batch = this.pendingEmit;
    this.pendingEmit = [];
    if (batch.length) this.emit(batch);
  }
}
