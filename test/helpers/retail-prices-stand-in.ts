import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BUNDLED_PRICES, PRICED_VM_SIZES } from '../../src-main/shared/price-table.ts';

/**
 * A stand-in for the Azure Retail Prices API (https://prices.azure.com/api/retail/prices), which this
 * machine cannot reach: the same answer shape (`Items`, `NextPageLink`, `Count`, `BillingCurrency`),
 * the `$filter` subset the app sends (`field eq 'value'` joined by `and`, one parenthesized group
 * joined by `or`, compared case-sensitively as api-version 2023-01-01-preview does) and paging.
 * Its next-page links name prices.azure.com, as Azure's do (and as a proxy in front of it passes
 * them on): the app must ask its configured address for them. Its meters are West Europe figures shaped like Azure's (and North Europe VMs only), with the decoys a real answer holds
 * (Windows and Spot VMs, GRS storage, higher storage tiers).
 */
export interface RetailPricesStandIn {
  endpoint: string;
  /** Every request's `$filter`, in order. */
  requests: string[];
  /** `ok` (default), `http-500`, or `garbage` (a 200 whose body is not the API's). */
  mode: 'ok' | 'http-500' | 'garbage';
  stop(): Promise<void>;
}

type Item = Record<string, string | number | boolean>;

const REGION = 'westeurope';
const base = { currencyCode: 'USD', tierMinimumUnits: 0, armRegionName: REGION, location: 'EU West', effectiveStartDate: '2025-01-01T00:00:00Z', isPrimaryMeterRegion: true, type: 'Consumption' };
const armName = (size: string) => `Standard_${size.slice('standard_'.length, 'standard_'.length + 1).toUpperCase()}${size.slice('standard_'.length + 1)}`;

/** West Europe's meters: each figure differs from the bundled East US one so a test can tell them apart. */
export const STAND_IN_PRICES = { continuous30: 0.25, hot: 0.0208, cool: 0.0115, cold: 0.0042, archive: 0.0011, vm: (size: string) => Math.round(BUNDLED_PRICES.vmPerHour[size]! * 1.2 * 1000) / 1000 };

function meters(): Item[] {
  const cosmos = (meterName: string, retailPrice: number, unitOfMeasure: string) => ({ ...base, serviceName: 'Azure Cosmos DB', productName: 'Azure Cosmos DB', skuName: 'Standard', meterName, retailPrice, unitPrice: retailPrice, unitOfMeasure, armSkuName: '' });
  const blob = (skuName: string, meterName: string, retailPrice: number, tierMinimumUnits = 0) => ({ ...base, serviceName: 'Storage', productName: 'Blob Storage', skuName, meterName, retailPrice, unitPrice: retailPrice, unitOfMeasure: '1 GB/Month', tierMinimumUnits, armSkuName: '' });
  const vm = (size: string, retailPrice: number, variant: '' | ' Windows' | ' Spot') => ({
    ...base,
    serviceName: 'Virtual Machines',
    productName: `Virtual Machines ${size.split('_')[1]!.toUpperCase()} Series${variant === ' Windows' ? ' Windows' : ''}`,
    skuName: `${armName(size).slice('Standard_'.length).replace('_', ' ')}${variant === ' Spot' ? ' Spot' : ''}`,
    meterName: `${armName(size).slice('Standard_'.length).replace('_', ' ')}${variant === ' Spot' ? ' Spot' : ''}`,
    armSkuName: armName(size),
    retailPrice,
    unitPrice: retailPrice,
    unitOfMeasure: '1 Hour',
  });
  return [
    cosmos('100 RU/s', 0.008, '1/Hour'),
    cosmos('Continuous Backup - 30 Days Data Stored', STAND_IN_PRICES.continuous30, '1 GB/Month'),
    cosmos('Point-In-Time Restore Data Restored', 0.15, '1 GB'),
    blob('Hot GRS', 'Hot GRS Data Stored', 0.0458),
    blob('Hot LRS', 'Hot LRS Data Stored', STAND_IN_PRICES.hot),
    blob('Hot LRS', 'Hot LRS Data Stored', 0.02, 51200),
    blob('Cool LRS', 'Cool LRS Data Stored', STAND_IN_PRICES.cool),
    blob('Cold LRS', 'Cold LRS Data Stored', STAND_IN_PRICES.cold),
    blob('Archive LRS', 'Archive LRS Data Stored', STAND_IN_PRICES.archive),
    vm('standard_d2s_v5', 0.211, ' Windows'),
    vm('standard_d2s_v5', 0.021, ' Spot'),
    ...PRICED_VM_SIZES.map((size) => vm(size, STAND_IN_PRICES.vm(size), '')),
    // North Europe lists only its VMs here: the app takes the rest from its bundled table.
    ...PRICED_VM_SIZES.map((size) => ({ ...vm(size, STAND_IN_PRICES.vm(size), ''), armRegionName: 'northeurope', location: 'EU North' })),
  ];
}

/** Field names of `$filter` and the item field each compares (priceType is the item's `type`). */
const FIELD: Record<string, string> = { priceType: 'type' };

/** The app's filter subset: `a eq 'x' and (b eq 'y' or b eq 'z') and …`; anything else is refused as the API does. */
function parseFilter(filter: string): ((item: Item) => boolean) | null {
  const term = (text: string): ((item: Item) => boolean) | null => {
    const m = /^(\w+) eq '([^']*)'$/.exec(text.trim());
    if (!m) return null;
    const [, field, value] = m as unknown as [string, string, string];
    return (item) => item[FIELD[field] ?? field] === value;
  };
  const parts: ((item: Item) => boolean)[] = [];
  for (const raw of filter.split(/ and (?![^(]*\))/)) {
    const part = raw.trim();
    if (part.startsWith('(') && part.endsWith(')')) {
      const alternatives = part.slice(1, -1).split(' or ').map(term);
      if (alternatives.some((a) => a === null)) return null;
      parts.push((item) => alternatives.some((a) => a!(item)));
    } else {
      const t = term(part);
      if (!t) return null;
      parts.push(t);
    }
  }
  return (item) => parts.every((p) => p(item));
}

/** Starts the stand-in on a random loopback port, pages of `pageSize` items. */
export async function startRetailPricesStandIn(pageSize = 5): Promise<RetailPricesStandIn> {
  const all = meters();
  const standIn: RetailPricesStandIn = { endpoint: '', requests: [], mode: 'ok', stop: async () => {} };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const filter = url.searchParams.get('$filter') ?? '';
    standIn.requests.push(filter);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (url.pathname !== '/api/retail/prices') return send(404, { Error: { Code: 'NotFound' } });
    if (standIn.mode === 'http-500') return send(500, { Error: { Code: 'InternalServerError', Message: 'Something went wrong.' } });
    if (standIn.mode === 'garbage') return send(200, '<html>captive portal</html>');
    const match = parseFilter(filter);
    if (!match) return send(400, { Error: { Code: 'BadRequest', Message: `Invalid OData filter: ${filter}` } });
    const skip = Number(url.searchParams.get('$skip') ?? 0);
    const found = all.filter(match);
    const page = found.slice(skip, skip + pageSize);
    const next = new URL(url.toString());
    next.searchParams.set('$skip', String(skip + pageSize));
    send(200, { BillingCurrency: 'USD', CustomerEntityId: 'Default', CustomerEntityType: 'Retail', Items: page, NextPageLink: skip + pageSize < found.length ? `https://prices.azure.com${next.pathname}${next.search}` : null, Count: page.length });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/retail/prices`;
  standIn.stop = () => new Promise((resolve) => server.close(() => resolve()));
  return standIn;
}
