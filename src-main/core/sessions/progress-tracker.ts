import type { Progress } from '../../shared/session.ts';

const WINDOW_MS = 10_000;

/**
 * Turns raw `done/total` updates into progress with a rate and an ETA. The rate is measured over
 * the last ten seconds so it follows changes in speed without jumping at every update.
 */
export class ProgressTracker {
  private readonly samples: { at: number; done: number }[] = [];
  private current: Progress | null = null;

  update(done: number, total: number | null, unit: string, atMs: number): Progress {
    this.samples.push({ at: atMs, done });
    while (this.samples.length > 2 && atMs - this.samples[0]!.at > WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const elapsedSeconds = (atMs - first.at) / 1000;
    const rate = elapsedSeconds >= 0.5 ? Math.max(0, (done - first.done) / elapsedSeconds) : null;
    const etaSeconds = rate && total !== null && total >= done ? Math.round((total - done) / rate) : null;
    this.current = { done, total, unit, rate, etaSeconds };
    return this.current;
  }

  get value(): Progress | null {
    return this.current;
  }
}
