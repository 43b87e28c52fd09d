import type { Clock } from '../clock.ts';
import { BUNDLED_PRICES, type PriceTable } from '../../shared/price-table.ts';
import { readRetailPrices, RETAIL_PRICES_ENDPOINT } from './retail-prices.ts';

/** Prices read from the API are good for a day; a failed read is not retried for ten minutes. */
const FRESH_MS = 24 * 3_600_000;
const RETRY_AFTER_FAILURE_MS = 10 * 60_000;
/** How long the console waits for the API before it shows the bundled table. */
const TIMEOUT_MS = 8_000;

/** The prices an estimate uses, and why they are the bundled ones when they are. */
export type PricesView = PriceTable & { fallbacks: string[]; note: string | null };

/**
 * The list prices of a region for the cost estimate: from the Azure Retail Prices API when it is
 * reachable (cached a day per region), else the bundled, dated table with the reason. Set
 * COSMOS_BACKUP_RETAIL_PRICES_URL to another address (a proxy, a stand-in) or to `off`.
 */
export class PriceService {
  private readonly cache = new Map<string, { at: number; view: PricesView }>();
  private readonly endpoint: string | null;
  private readonly clock: Clock;

  constructor(deps: { clock: Clock; endpoint?: string | null }) {
    this.clock = deps.clock;
    const configured = deps.endpoint === undefined ? (process.env.COSMOS_BACKUP_RETAIL_PRICES_URL ?? RETAIL_PRICES_ENDPOINT) : deps.endpoint;
    this.endpoint = configured === null || configured === 'off' ? null : configured;
  }

  async current(region = BUNDLED_PRICES.region): Promise<PricesView> {
    const key = region.toLowerCase().replace(/\s+/g, '');
    const now = this.clock.now().getTime();
    const cached = this.cache.get(key);
    if (cached && now - cached.at < (cached.view.source === 'retail-api' ? FRESH_MS : RETRY_AFTER_FAILURE_MS)) return cached.view;
    const view = await this.read(key);
    this.cache.set(key, { at: now, view });
    return view;
  }

  private async read(region: string): Promise<PricesView> {
    if (!this.endpoint) return { ...BUNDLED_PRICES, fallbacks: [], note: 'Reading current prices from Azure is turned off (COSMOS_BACKUP_RETAIL_PRICES_URL=off).' };
    try {
      const table = await readRetailPrices(region, { endpoint: this.endpoint, signal: AbortSignal.timeout(TIMEOUT_MS), now: this.clock.now() });
      return { ...table, note: table.fallbacks.length ? `Azure does not list ${table.fallbacks.join(', ')} for ${region}: the bundled figures of ${BUNDLED_PRICES.asOf} are used instead.` : null };
    } catch (error) {
      const e = error as Error & { cause?: { message?: string; code?: string } };
      const reason = e.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : e.cause?.code ?? e.cause?.message ?? e.message;
      return { ...BUNDLED_PRICES, fallbacks: [], note: `The Azure Retail Prices API could not be read (${reason}): these are the bundled ${BUNDLED_PRICES.region} prices of ${BUNDLED_PRICES.asOf}.` };
    }
  }
}
