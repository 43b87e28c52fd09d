import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A throughput budget shared by every collection of one job: documents per second and bytes per
 * second (0 or missing: no limit). Callers report what they moved and wait as long as the budget
 * says, so a backup or restore cannot take all of a server's request units.
 */
export class RateBudget {
  private readonly started = Date.now();
  private documents = 0;
  private bytes = 0;
  private readonly documentsPerSecond: number;
  private readonly bytesPerSecond: number;

  constructor(limits: { documentsPerSecond?: number; bytesPerSecond?: number }) {
    this.documentsPerSecond = limits.documentsPerSecond ?? 0;
    this.bytesPerSecond = limits.bytesPerSecond ?? 0;
  }

  get limited(): boolean {
    return this.documentsPerSecond > 0 || this.bytesPerSecond > 0;
  }

  /** Records `documents` and `bytes` moved and waits until the budget allows them. */
  async spend(documents: number, bytes: number, signal: AbortSignal): Promise<void> {
    this.documents += documents;
    this.bytes += bytes;
    if (!this.limited) return;
    const dueByDocuments = this.documentsPerSecond ? (this.documents / this.documentsPerSecond) * 1000 : 0;
    const dueByBytes = this.bytesPerSecond ? (this.bytes / this.bytesPerSecond) * 1000 : 0;
    const wait = this.started + Math.max(dueByDocuments, dueByBytes) - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal });
  }
}
