import { z } from 'zod';
import { AppError } from '../../shared/errors.ts';
import { BUNDLED_PRICES, PRICED_VM_SIZES, type PriceTable } from '../../shared/price-table.ts';

/** Azure's public, unauthenticated price list. */
export const RETAIL_PRICES_ENDPOINT = 'https://prices.azure.com/api/retail/prices';
const API_VERSION = '2023-01-01-preview';
/** A query stops following NextPageLink after this many pages (a region's Cosmos DB meters fit in two). */
const MAX_PAGES = 20;

/** One meter of the answer; only what the estimate reads is checked, the rest passes. */
const itemSchema = z.looseObject({
  currencyCode: z.string(),
  retailPrice: z.number().nonnegative(),
  armRegionName: z.string(),
  serviceName: z.string(),
  productName: z.string(),
  skuName: z.string(),
  meterName: z.string(),
  armSkuName: z.string().optional(),
  unitOfMeasure: z.string(),
  type: z.string(),
  tierMinimumUnits: z.number().optional(),
});
type RetailItem = z.infer<typeof itemSchema>;
const pageSchema = z.looseObject({ Items: z.array(itemSchema), NextPageLink: z.string().nullable().optional() });

export interface RetailPricesOptions {
  /** The API's address (default: Azure's); tests point it at a stand-in. */
  endpoint?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** The day the figures are read (default: today). */
  now?: Date;
}

/** "standard_d2s_v5" → "Standard_D2s_v5": the API compares filter values case-sensitively. */
function armSizeName(size: string): string {
  const rest = size.replace(/^standard_/i, '');
  return `Standard_${rest.charAt(0).toUpperCase()}${rest.slice(1)}`;
}

/** Runs one `$filter` query and follows its pages (always on the configured endpoint). */
async function query(filter: string, options: RetailPricesOptions): Promise<RetailItem[]> {
  const endpoint = new URL(options.endpoint ?? RETAIL_PRICES_ENDPOINT);
  const first = new URL(endpoint);
  first.searchParams.set('api-version', API_VERSION);
  first.searchParams.set('$filter', filter);
  const items: RetailItem[] = [];
  let next: URL | null = first;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const response = await (options.fetch ?? fetch)(next, { signal: options.signal, headers: { accept: 'application/json' } });
    if (!response.ok) throw new AppError('unavailable', `The Azure Retail Prices API answered HTTP ${response.status}.`);
    const parsed = pageSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new AppError('unavailable', 'The Azure Retail Prices API gave an answer of an unexpected shape.');
    items.push(...parsed.data.Items);
    const link: string | null = parsed.data.NextPageLink ?? null;
    // The next page is asked of the configured address with the link's query: a proxy in front of
    // the API gets links naming prices.azure.com, and no other host is ever called.
    next = link ? new URL(endpoint) : null;
    if (next && link) next.search = new URL(link, endpoint).search;
  }
  return items;
}

/** The first-tier, pay-as-you-go price of the first item `match` accepts, in USD. */
function priceOf(items: readonly RetailItem[], match: (item: RetailItem) => boolean): number | null {
  const found = items.filter((item) => item.type === 'Consumption' && item.currencyCode === 'USD' && (item.tierMinimumUnits ?? 0) === 0 && match(item));
  return found.length ? found[0]!.retailPrice : null;
}

/**
 * The list prices of one region from the Azure Retail Prices API: Cosmos DB continuous backup,
 * LRS block blob storage by tier, and the Linux hourly price of each worker size. A figure the API
 * does not list is taken from the bundled table and named in `fallbacks`.
 */
export async function readRetailPrices(region: string, options: RetailPricesOptions = {}): Promise<PriceTable & { fallbacks: string[] }> {
  const where = `armRegionName eq '${region.replace(/'/g, '')}' and priceType eq 'Consumption'`;
  const [cosmos, storage, vms] = await Promise.all([
    query(`serviceName eq 'Azure Cosmos DB' and ${where}`, options),
    query(`serviceName eq 'Storage' and productName eq 'Blob Storage' and ${where}`, options),
    query(`serviceName eq 'Virtual Machines' and ${where} and (${PRICED_VM_SIZES.map((size) => `armSkuName eq '${armSizeName(size)}'`).join(' or ')})`, options),
  ]);
  const fallbacks: string[] = [];
  const orBundled = (value: number | null, name: string, bundled: number) => {
    if (value !== null) return value;
    fallbacks.push(name);
    return bundled;
  };
  const continuous = (days: string) => (item: RetailItem) => /continuous backup/i.test(item.meterName) && new RegExp(`\\b${days}\\b`).test(item.meterName);
  const blob = (tier: string) => (item: RetailItem) => item.meterName === `${tier} LRS Data Stored`;
  // Linux, pay-as-you-go: not the Windows product, not Spot or Low Priority capacity.
  const linuxVm = (size: string) => (item: RetailItem) => item.armSkuName === armSizeName(size) && item.unitOfMeasure === '1 Hour' && !/windows/i.test(item.productName) && !/spot|low priority/i.test(`${item.meterName} ${item.skuName}`);
  const continuous30DaysPerGbMonth = orBundled(priceOf(cosmos, continuous('30')), 'continuous backup (30 days)', BUNDLED_PRICES.continuous30DaysPerGbMonth);
  const blobPerGbMonth = {
    hot: orBundled(priceOf(storage, blob('Hot')), 'Hot blob storage', BUNDLED_PRICES.blobPerGbMonth.hot),
    cool: orBundled(priceOf(storage, blob('Cool')), 'Cool blob storage', BUNDLED_PRICES.blobPerGbMonth.cool),
    cold: orBundled(priceOf(storage, blob('Cold')), 'Cold blob storage', BUNDLED_PRICES.blobPerGbMonth.cold),
    archive: orBundled(priceOf(storage, blob('Archive')), 'Archive blob storage', BUNDLED_PRICES.blobPerGbMonth.archive),
  };
  const vmPerHour: Record<string, number> = {};
  for (const size of PRICED_VM_SIZES) vmPerHour[size] = orBundled(priceOf(vms, linuxVm(size)), `${armSizeName(size)} hourly price`, BUNDLED_PRICES.vmPerHour[size]!);
  if (fallbacks.length === 5 + PRICED_VM_SIZES.length) throw new AppError('not_found', `Azure lists none of the prices for region "${region}"`);
  return {
    source: 'retail-api',
    asOf: (options.now ?? new Date()).toISOString().slice(0, 10),
    region,
    currency: 'USD',
    continuous30DaysPerGbMonth,
    // The 7-day tier is free; a meter for it, if Azure ever lists one, wins.
    continuous7DaysPerGbMonth: priceOf(cosmos, continuous('7')) ?? 0,
    blobPerGbMonth,
    vmPerHour,
    fallbacks,
  };
}
