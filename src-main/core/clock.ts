/** The source of time. Injected everywhere so schedules, retention and heartbeats are tested without waiting. */
export interface Clock {
  now(): Date;
  /** Milliseconds on a monotonic scale, for rates and durations. */
  monotonicMs(): number;
}

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
};
