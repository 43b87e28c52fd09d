/** A source of "now" in epoch milliseconds. The emulator reads every business time through one. */
export interface Clock {
  now(): number;
}

/**
 * The emulator's clock: a base clock (real time by default), optionally sped up by `timeScale`,
 * plus an offset that tests move forward with `advance()`. Restorable windows, LRO durations,
 * migrations and secret expiry follow this clock; access-token expiry and throttling follow real
 * time, because msal-node caches tokens and the SDK waits for Retry-After by the wall clock.
 */
export class EmulatorClock implements Clock {
  readonly #base: Clock;
  readonly #scale: number;
  readonly #start: number;
  #offset = 0;

  constructor(base: Clock = { now: () => Date.now() }, timeScale = 1) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
    this.#base = base;
    this.#scale = timeScale;
    this.#start = base.now();
  }

  now(): number {
    const elapsed = this.#base.now() - this.#start;
    return this.#start + elapsed * this.#scale + this.#offset;
  }

  /** Moves emulated time forward (never backward). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`advance() takes a non-negative number of ms, got ${ms}`);
    this.#offset += ms;
  }
}

/** ISO 8601 without milliseconds, the way ARM prints most timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
