import type { Clock } from '../core/clock.ts';
import type { Session } from '../shared/session.ts';

/**
 * Triggers the configuration session every `intervalHours()` (the `configurationIntervalHours`
 * setting, 8 by default), measured on the injected clock so tests need not wait. The interval is
 * re-read each time, so a changed setting applies from the next run; no run starts while the
 * previous one is still going, or while scheduling is paused.
 */
export class ConfigurationScheduler {
  private readonly clock: Clock;
  private readonly intervalHours: () => number;
  private readonly paused: () => boolean;
  private readonly start: () => Session;
  private readonly isRunning: (id: string) => boolean;
  private readonly ready: () => boolean;
  private lastStartMs: number | null = null;
  private lastSessionId: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(deps: {
    clock: Clock;
    intervalHours: () => number;
    paused: () => boolean;
    start: () => Session;
    isRunning: (id: string) => boolean;
    /** False while there is nothing to configure (no Azure sign-in, no continuous-backup policy). */
    ready?: () => boolean;
  }) {
    this.clock = deps.clock;
    this.intervalHours = deps.intervalHours;
    this.paused = deps.paused;
    this.start = deps.start;
    this.isRunning = deps.isRunning;
    this.ready = deps.ready ?? (() => true);
  }

  /** When the next run is due (now when none ran yet). */
  nextDue(): Date {
    return new Date(this.lastStartMs === null ? this.clock.now().getTime() : this.lastStartMs + this.intervalHours() * 3600_000);
  }

  /** Starts the session when due; returns it, or null. Call it from a timer (or a test). */
  tick(): Session | null {
    if (this.paused() || !this.ready()) return null;
    if (this.lastSessionId && this.isRunning(this.lastSessionId)) return null;
    if (this.clock.now() < this.nextDue()) return null;
    const session = this.start();
    this.lastStartMs = this.clock.now().getTime();
    this.lastSessionId = session.id;
    return session;
  }

  /** Checks every `checkEveryMs` (default a minute) on a real timer. */
  run(checkEveryMs = 60_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.tick();
      } catch {
        // Not signed in yet, or shutting down: the next tick tries again.
      }
    }, checkEveryMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
