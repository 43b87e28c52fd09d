import type { Clock } from '../clock.ts';
import { BUNDLED_PRICES, type PriceTable } from '../../shared/price-table.ts';
import { readRetailPrices, RETAIL_PRICES_ENDPOINT } from './retail-prices.ts';

/** Prices read from the API are good for a day; a failed read is not retried for ten minutes. */
const FRESH_MS = 24 * 3_600_000;
const RETRY_AFTER_FAILURE_MS = 10 * 60_000;
/** How long the console waits for the API before it shows the bundled table. */
const TIMEOUT_MS = 8_000;

/** ARM's form of a region name ("West Europe" → "westeurope"). */
function regionKey(region: string): string {
  return region.toLowerCase().replace(/\s+/g, '');
}

/** The bundled table when reading prices from Azure is turned off. */
function turnedOff(): PricesView {
  return { ...BUNDLED_PRICES, fallbacks: [], note: 'Reading current prices from Azure is turned off (COSMOS_BACKUP_RETAIL_PRICES_URL=off).' };
}

/** The prices an estimate uses, and why they are the bundled ones when they are. */
export type PricesView = PriceTable & { fallbacks: string[]; note: string | null };

/** Where a VM price comes from, in words: Azure's list for the region, or the bundled table and why. */
export function describePrices(prices: PricesView): string {
  if (prices.source === 'retail-api' && !prices.fallbacks.length) return `Azure list price for ${prices.region}, read ${prices.asOf}`;
  return prices.note ?? `the bundled ${prices.region} prices of ${prices.asOf}`;
}

/**
 * The list prices of a region for the cost estimate: from the Azure Retail Prices API when it is
 * reachable (cached a day per region), else the bundled, dated table with the reason. Set
 * COSMOS_BACKUP_RETAIL_PRICES_URL to another address (a proxy, a stand-in) or to `off`.
 */
export class PriceService {
  /** By region: the view and until when it is good (a day for Azure's prices, ten minutes after a failed read). */
  private readonly cache = new Map<string, { until: number; view: PricesView }>();
  /** Reads under way, by region: callers meanwhile share one. */
  private readonly reading = new Map<string, Promise<PricesView>>();
  private readonly endpoint: string | null;
  private readonly clock: Clock;

  constructor(deps: { clock: Clock; endpoint?: string | null }) {
    this.clock = deps.clock;
    const configured = deps.endpoint === undefined ? (process.env.COSMOS_BACKUP_RETAIL_PRICES_URL ?? RETAIL_PRICES_ENDPOINT) : deps.endpoint;
    this.endpoint = configured === null || configured === 'off' ? null : configured;
  }

  async current(region = BUNDLED_PRICES.region): Promise<PricesView> {
    const key = regionKey(region);
    const cached = this.fresh(key);
    if (cached) return cached;
    let reading = this.reading.get(key);
    if (!reading) {
      const at = this.clock.now().getTime();
      reading = this.read(key)
        .then((read) => {
          // A failed refresh keeps the region's earlier prices from Azure (saying so) over the bundled table.
          const earlier = this.cache.get(key)?.view;
          const view = read.source === 'bundled' && earlier?.source === 'retail-api' ? { ...earlier, note: `A refresh from Azure failed; the prices read on ${earlier.asOf} are kept.` } : read;
          this.cache.set(key, { until: at + (read.source === 'retail-api' ? FRESH_MS : RETRY_AFTER_FAILURE_MS), view });
          return view;
        })
        .finally(() => this.reading.delete(key));
      this.reading.set(key, reading);
    }
    return reading;
  }

  /**
   * The region's prices without waiting, for lists that must answer at once (the workers' hourly
   * cost): what was read before, else the bundled table with a note — and a read starts in the
   * background so that the next call has the region's own prices.
   */
  known(region = BUNDLED_PRICES.region): PricesView {
    if (!this.endpoint) return turnedOff();
    const key = regionKey(region);
    const cached = this.fresh(key);
    if (cached) return cached;
    this.current(region).catch(() => undefined);
    return this.cache.get(key)?.view ?? { ...BUNDLED_PRICES, fallbacks: [], note: `The prices for ${key} are being read from Azure: these are the bundled ${BUNDLED_PRICES.region} prices of ${BUNDLED_PRICES.asOf}.` };
  }

  /** A cached view still good. */
  private fresh(key: string): PricesView | undefined {
    const cached = this.cache.get(key);
    return cached && this.clock.now().getTime() < cached.until ? cached.view : undefined;
  }

  private async read(region: string): Promise<PricesView> {
    if (!this.endpoint) return turnedOff();
    try {
      const table = await readRetailPrices(region, { endpoint: this.endpoint, signal: AbortSignal.timeout(TIMEOUT_MS), now: this.clock.now() });
      return { ...table, note: table.fallbacks.length ? `Azure does not list ${table.fallbacks.join(', ')} for ${region}: the bundled figures of ${BUNDLED_PRICES.asOf} are used instead.` : null };
    } catch (error) {
      const e = (error ?? {}) as Error & { cause?: { message?: string; code?: string } };
      const reason = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : e.cause?.code ?? e.cause?.message ?? e.message;
      return { ...BUNDLED_PRICES, fallbacks: [], note: `The Azure Retail Prices API could not be read (${reason}): these are the bundled ${BUNDLED_PRICES.region} prices of ${BUNDLED_PRICES.asOf}.` };
    }
  }
}
