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

  constructor(options: { write: (lines: LogLine[]) => void; emit: (lines: LogLine[]) => void; flushIntervalMs?: number; maxBatch?: number }) {
    this.write = options.write;
    this.emit = options.emit;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
    this.maxBatch = options.maxBatch ?? 2000;
  }

  add(line: LogLine): void {
    this.pendingWrite.push(line);
    this.pendingEmit.push(line);
    if (!this.emitScheduled) {
      this.emitScheduled = true;
      setImmediate(() => this.emitNow());
    }
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
    this.write(batch);
  }

  private emitNow(): void {
    this.emitScheduled = false;
    const batch = this.pendingEmit;
    this.pendingEmit = [];
    if (batch.length) this.emit(batch);
  }
}
