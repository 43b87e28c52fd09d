/** Reconnect delays: exponential from `baseMs`, capped at `maxMs`, with ±20 % jitter so clients spread out. */
export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** A number in [0, 1); injected by tests. */
  random?: () => number;
}

/** Delay before reconnect attempt `attempt` (1 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 250;
  const max = options.maxMs ?? 5000;
  const random = options.random ?? Math.random;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jitter = 1 + (random() * 0.4 - 0.2);
  return Math.round(Math.min(max, raw * jitter));
}
