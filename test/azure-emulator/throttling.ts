/** One bucket's shape: `capacity` tokens at most, refilled continuously at `refillPerSecond`. */
export interface BucketConfig {
  capacity: number;
  refillPerSecond: number;
}

/** ARM's per-principal, per-subscription limits (reads 25/s burst 250, writes 10/s burst 200 by default). */
export interface ThrottlingConfig {
  enabled: boolean;
  reads: BucketConfig;
  writes: BucketConfig;
}

export const DEFAULT_THROTTLING: ThrottlingConfig = {
  enabled: true,
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
};

export type RequestKind = 'reads' | 'writes';

/** The outcome of taking one token. */
export interface ThrottleDecision {
  allowed: boolean;
  /** Whole tokens left after this request (what x-ms-ratelimit-remaining-* reports). */
  remaining: number;
  /** Seconds until a token is available, at least 1, when not allowed. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets keyed by principal + subscription + kind, on real time (clients wait real
 * seconds for Retry-After, so emulated time must not refill buckets).
 */
export class Throttler {
  config: ThrottlingConfig;
  readonly #buckets = new Map<string, Bucket>();

  constructor(config: ThrottlingConfig) {
    this.config = config;
  }

  /** Replaces the limits and forgets all bucket levels. */
  configure(config: Partial<ThrottlingConfig>): void {
    this.config = { ...this.config, ...config };
    this.#buckets.clear();
  }

  take(principal: string, subscription: string, kind: RequestKind): ThrottleDecision {
    const cfg = this.config[kind];
    if (!this.config.enabled) return { allowed: true, remaining: cfg.capacity, retryAfterSeconds: 0 };
    const key = `${principal}|${subscription.toLowerCase()}|${kind}`;
    const now = Date.now();
    const bucket = this.#buckets.get(key) ?? { tokens: cfg.capacity, updatedAt: now };
    bucket.tokens = Math.min(cfg.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * cfg.refillPerSecond);
    bucket.updatedAt = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    const waitSeconds = (1 - bucket.tokens) / cfg.refillPerSecond;
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}
