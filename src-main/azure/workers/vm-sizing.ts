/**
 * Worker VM sizes: the default choice by the data a job moves (Veeam's rule: up to 22 GB the first
 * size of the list, up to 112 GB the second, above that the last), and what to try next when Azure
 * refuses a size or a zone (quota, SKU not offered, no capacity).
 */

/** Default sizes, small to large: 2, 4 and 8 vCPUs of general-purpose D-series v5 with premium SSD. */
export const DEFAULT_WORKER_SIZES = ['Standard_D2s_v5', 'Standard_D4s_v5', 'Standard_D8s_v5'] as const;

const GB = 1_000_000_000;
/** Veeam's thresholds (decimal GB, as Azure sizes disks and Veeam documents them). */
export const SIZE_THRESHOLDS_BYTES = [22 * GB, 112 * GB] as const;

/** The index in `sizes` the rule picks for `expectedBytes` (unknown: the first). */
export function sizeIndexFor(expectedBytes: number | undefined, sizes: readonly string[]): number {
  if (!sizes.length) throw new Error('A worker configuration needs at least one VM size.');
  const bytes = expectedBytes ?? 0;
  const index = bytes <= SIZE_THRESHOLDS_BYTES[0] ? 0 : bytes <= SIZE_THRESHOLDS_BYTES[1] ? 1 : sizes.length - 1;
  return Math.min(index, sizes.length - 1);
}

/** Sizes in the order to try: the chosen one, then larger ones, then smaller ones. */
export function sizesToTry(expectedBytes: number | undefined, sizes: readonly string[]): string[] {
  const chosen = sizeIndexFor(expectedBytes, sizes);
  return [...sizes.slice(chosen), ...sizes.slice(0, chosen).reverse()];
}

/** The quota family of a size (quota is counted per family): `Standard_D4s_v5` → `standard_ds_v5`. */
export function sizeFamily(size: string): string {
  return size.toLowerCase().replace(/\d+/, '');
}

export type CapacityRefusal = 'quota' | 'sku' | 'allocation' | 'zonal-allocation';

/** ARM's error code of an SDK error; a long-running operation that failed (allocation) carries it only in its message. */
export function armErrorCode(error: unknown): string {
  const e = error as { code?: string; message?: string; details?: { error?: { code?: string } } };
  return e.code ?? e.details?.error?.code ?? /\b(SkuNotAvailable|ZonalAllocationFailed|AllocationFailed|OverconstrainedZonalAllocationRequest|OverconstrainedAllocationRequest|QuotaExceeded)\b/.exec(e.message ?? '')?.[1] ?? '';
}

/** What kind of capacity refusal an ARM error is, or undefined when it is another error. */
export function capacityRefusalOf(error: unknown): CapacityRefusal | undefined {
  const message = (error as { message?: string }).message ?? '';
  const code = armErrorCode(error);
  if (code === 'SkuNotAvailable') return 'sku';
  if (code === 'ZonalAllocationFailed') return 'zonal-allocation';
  if (code === 'AllocationFailed' || code === 'OverconstrainedAllocationRequest' || code === 'OverconstrainedZonalAllocationRequest') return 'allocation';
  if (code === 'OperationNotAllowed' && /quota/i.test(message)) return 'quota';
  if (code === 'QuotaExceeded') return 'quota';
  return undefined;
}

/** How long a refused size (and zone) is skipped before it is tried again. */
const REMEMBER_MS: Record<CapacityRefusal, number> = { quota: 60 * 60_000, sku: 24 * 60 * 60_000, allocation: 15 * 60_000, 'zonal-allocation': 15 * 60_000 };

/** One attempt's placement: the region without a zone, or a zone. */
export type Attempt = 'regional' | '1' | '2' | '3';

/** How long the list of sizes a region offers (resource SKUs) is kept before it is read again. */
const OFFER_TTL_MS = 24 * 60 * 60_000;

/** Remembers refused sizes and zones per subscription and region for a while, so the next job does not hit them again. */
export class CapacityMemory {
  private readonly refused = new Map<string, { until: number; reason: string }>();
  private readonly offers = new Map<string, { until: number; sizes: Set<string> }>();

  /** The sizes a region offers the subscription, as last read (lower case), or undefined when not read lately. */
  offered(subscriptionId: string, region: string, now: number): Set<string> | undefined {
    const hit = this.offers.get(`${subscriptionId}|${region}`.toLowerCase());
    return hit && hit.until > now ? hit.sizes : undefined;
  }

  rememberOffer(subscriptionId: string, region: string, sizes: Set<string>, now: number): void {
    this.offers.set(`${subscriptionId}|${region}`.toLowerCase(), { until: now + OFFER_TTL_MS, sizes });
  }

  private key(subscriptionId: string, region: string, size: string, scope: Attempt | '*'): string {
    return `${subscriptionId}|${region}|${size}|${scope}`.toLowerCase();
  }

  /** Quota and SKU refusals cover the size everywhere in the region; allocation failures only the attempt that failed. */
  remember(subscriptionId: string, region: string, size: string, attempt: Attempt, refusal: CapacityRefusal, reason: string, now: number): void {
    const scope = refusal === 'quota' || refusal === 'sku' ? '*' : attempt;
    this.refused.set(this.key(subscriptionId, region, size, scope), { until: now + REMEMBER_MS[refusal], reason });
  }

  /** Why this attempt was refused recently (and whether for the whole size), or undefined. */
  refusedRecently(subscriptionId: string, region: string, size: string, attempt: Attempt, now: number): { reason: string; wholeSize: boolean } | undefined {
    const whole = this.refused.get(this.key(subscriptionId, region, size, '*'));
    if (whole && whole.until > now) return { reason: whole.reason, wholeSize: true };
    const hit = this.refused.get(this.key(subscriptionId, region, size, attempt));
    return hit && hit.until > now ? { reason: hit.reason, wholeSize: false } : undefined;
  }
}
