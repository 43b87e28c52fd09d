import type { PipelinePolicy, PipelineRequest, PipelineResponse, SendRequest } from '@azure/core-rest-pipeline';

/** One ARM token bucket's refill rate and size (ARM: reads 25/s burst 250, writes 10/s burst 200). */
export interface BucketLimits {
  capacity: number;
  refillPerSecond: number;
}

export const ARM_LIMITS = {
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
} as const satisfies Record<'reads' | 'writes', BucketLimits>;

interface Bucket {
  tokens: number;
  updatedAt: number;
  inFlight: number;
  limits: BucketLimits;
}

/**
 * Paces ARM calls per subscription and kind (reads/writes) so a long session stays inside ARM's
 * token buckets instead of hammering it into 429s. It mirrors ARM's bucket on our side and
 * corrects it from `x-ms-ratelimit-remaining-subscription-*` on every response. Why: with a few
 * calls in flight, each 429 costs a whole `Retry-After` second per caller, which wastes most of
 * the refill; pacing at the refill rate keeps throughput at ARM's limit. A 429 that still
 * happens is retried by the SDK after its `Retry-After`.
 */
export class ArmRateGovernor {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limits: Record<'reads' | 'writes', BucketLimits>;
  private readonly now: () => number;

  constructor(limits: Partial<Record<'reads' | 'writes', BucketLimits>> = {}, now: () => number = () => performance.now()) {
    this.limits = { ...ARM_LIMITS, ...limits };
    this.now = now;
  }

  /** The pipeline policy; add it per retry so retried calls are paced too. */
  policy(): PipelinePolicy {
    return {
      name: 'cosmosBackupArmRateGovernor',
      sendRequest: async (request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> => {
        const bucket = this.bucketFor(request);
        if (!bucket) return next(request);
        await this.acquire(bucket, request.abortSignal as AbortSignal | undefined);
        bucket.inFlight++;
        try {
          const response = await next(request);
          this.observe(bucket, response);
          return response;
        } finally {
          bucket.inFlight--;
        }
      },
    };
  }

  private bucketFor(request: PipelineRequest): Bucket | undefined {
    const path = new URL(request.url).pathname;
    const subscription = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase();
    if (!subscription) return undefined;
    const kind = request.method === 'GET' || request.method === 'HEAD' ? 'reads' : 'writes';
    const key = `${subscription}|${kind}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const limits = this.limits[kind];
      bucket = { tokens: limits.capacity, updatedAt: this.now(), inFlight: 0, limits };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private refill(bucket: Bucket): void {
    const now = this.now();
    bucket.tokens = Math.min(bucket.limits.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * bucket.limits.refillPerSecond);
    bucket.updatedAt = now;
  }

  private async acquire(bucket: Bucket, signal: AbortSignal | undefined): Promise<void> {
    for (;;) {
      this.refill(bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - bucket.tokens) / bucket.limits.refillPerSecond) * 1000);
      await sleep(waitMs, signal);
    }
  }

  private observe(bucket: Bucket, response: PipelineResponse): void {
    const kind = response.request.method === 'GET' || response.request.method === 'HEAD' ? 'reads' : 'writes';
    const header = response.headers.get(`x-ms-ratelimit-remaining-subscription-${kind}`);
    this.refill(bucket);
    // Calls still in flight were admitted by us but may not be counted by ARM yet.
    const others = bucket.inFlight - 1;
    if (response.status === 429) bucket.tokens = Math.min(bucket.tokens, -others);
    else if (header !== undefined && /^\d+$/.test(header)) bucket.tokens = Math.min(bucket.tokens, Number(header) - others);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
