import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { describePrices, PriceService } from '../../../src-main/core/prices/price-service.ts';
import { channels } from '../../../src-main/shared/contract.ts';
import { BUNDLED_PRICES, estimatePolicyCost } from '../../../src-main/shared/price-table.ts';
import { startRetailPricesStandIn, STAND_IN_PRICES, type RetailPricesStandIn } from '../../helpers/retail-prices-stand-in.ts';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The cost estimate's prices: read from the Retail Prices API (a wire-level stand-in here, which
 * pages its answers and holds the decoys a real answer has), cached a day per region, and the
 * bundled table with the reason whenever the API cannot be read.
 */
describe('list prices from the Azure Retail Prices API, else the bundled table', () => {
  let standIn: RetailPricesStandIn;
  let nowMs = Date.parse('2026-12-05T10:00:00.000Z');
  const clock = { now: () => new Date(nowMs), monotonicMs: () => performance.now() };

  beforeAll(async () => {
    standIn = await startRetailPricesStandIn(5);
  });
  afterAll(async () => standIn?.stop());
  beforeEach(() => {
    standIn.mode = 'ok';
    standIn.requests.length = 0;
  });

  it("reads a region's continuous backup, first-tier LRS blob and Linux pay-as-you-go VM prices, following pages", async () => {
    const prices = new PriceService({ clock, endpoint: standIn.endpoint });
    const view = await prices.current('westeurope');
    expect(channels['prices.get'].output.parse(view)).toBeTruthy();
    expect(view).toMatchObject({ source: 'retail-api', region: 'westeurope', asOf: '2026-12-05', fallbacks: [], note: null });
    expect(view.continuous30DaysPerGbMonth).toBe(STAND_IN_PRICES.continuous30);
    expect(view.continuous7DaysPerGbMonth).toBe(0);
    // Not the GRS meter, not the 50 TB tier.
    expect(view.blobPerGbMonth).toEqual({ hot: STAND_IN_PRICES.hot, cool: STAND_IN_PRICES.cool, cold: STAND_IN_PRICES.cold, archive: STAND_IN_PRICES.archive });
    // Linux pay-as-you-go, not the Windows or Spot meters of the same size.
    expect(view.vmPerHour.standard_d2s_v5).toBe(STAND_IN_PRICES.vm('standard_d2s_v5'));
    expect(Object.keys(view.vmPerHour).sort()).toEqual(Object.keys(BUNDLED_PRICES.vmPerHour).sort());
    // Three queries, the VM one over several pages.
    expect(new Set(standIn.requests).size).toBe(3);
    expect(standIn.requests.length).toBeGreaterThan(3);
    expect(standIn.requests.find((f) => f.includes('Virtual Machines'))).toContain("armSkuName eq 'Standard_D2s_v5' or armSkuName eq 'Standard_D4s_v5'");
    // The estimate follows the prices it is given.
    const policy = { name: 'p', scope: { include: { all: true } }, continuousBackup: { enabled: true, tier: 'Continuous30Days' as const } };
    expect(estimatePolicyCost(policy, [{ kind: 'cosmosdb-account' }], undefined, view).monthlyUsd).toBe(50 * STAND_IN_PRICES.continuous30);
  });

  it('asks once a day per region', async () => {
    const prices = new PriceService({ clock, endpoint: standIn.endpoint });
    await prices.current('westeurope');
    const asked = standIn.requests.length;
    nowMs += 3_600_000;
    await prices.current('westeurope');
    expect(standIn.requests.length).toBe(asked);
    nowMs += 24 * 3_600_000;
    await prices.current('westeurope');
    expect(standIn.requests.length).toBeGreaterThan(asked);
  });

  it('answers a list at once: the bundled table until the region has been read in the background, then its own prices; callers share one read', async () => {
    await new PriceService({ clock, endpoint: standIn.endpoint }).current('westeurope');
    const oneRead = standIn.requests.length;
    standIn.requests.length = 0;
    const prices = new PriceService({ clock, endpoint: standIn.endpoint });
    const first = prices.known('West Europe');
    expect(first).toMatchObject({ source: 'bundled', region: BUNDLED_PRICES.region });
    expect(describePrices(first)).toMatch(/^The prices for westeurope are being read from Azure: these are the bundled eastus prices of \d{4}-\d{2}-\d{2}\.$/);
    // The read `known` started is the one `current` waits for: the requests of one read, not two.
    const read = await prices.current('westeurope');
    expect(standIn.requests.length).toBe(oneRead);
    const after = prices.known('westeurope');
    expect(after).toBe(read);
    expect(after.vmPerHour.standard_d2s_v5).toBe(STAND_IN_PRICES.vm('standard_d2s_v5'));
    expect(describePrices(after)).toMatch(/^Azure list price for westeurope, read \d{4}-\d{2}-\d{2}$/);
    // Turned off: the bundled table at once, saying so (nothing to wait for).
    expect(describePrices(new PriceService({ clock, endpoint: 'off' }).known('westeurope'))).toMatch(/turned off/);
  });

  it('keeps the prices read a day ago when the refresh fails, and says so', async () => {
    const prices = new PriceService({ clock, endpoint: standIn.endpoint });
    const first = await prices.current('westeurope');
    nowMs += 25 * 3_600_000;
    standIn.mode = 'http-500';
    const kept = await prices.current('westeurope');
    expect(kept).toMatchObject({ source: 'retail-api', asOf: first.asOf, vmPerHour: first.vmPerHour });
    expect(kept.note).toBe(`A refresh from Azure failed; the prices read on ${first.asOf} are kept.`);
    // Tried again after ten minutes, not at every call.
    const asked = standIn.requests.length;
    await prices.current('westeurope');
    expect(standIn.requests.length).toBe(asked);
    nowMs += 11 * 60_000;
    standIn.mode = 'ok';
    expect((await prices.current('westeurope')).note).toBeNull();
    expect(standIn.requests.length).toBeGreaterThan(asked);
  });

  it('takes what a region does not list from the bundled table, and says so', async () => {
    const view = await new PriceService({ clock, endpoint: standIn.endpoint }).current('northeurope');
    expect(view.source).toBe('retail-api');
    expect(view.continuous30DaysPerGbMonth).toBe(BUNDLED_PRICES.continuous30DaysPerGbMonth);
    expect(view.fallbacks).toContain('continuous backup (30 days)');
    expect(view.note).toBe('Azure does not list continuous backup (30 days), Hot blob storage, Cool blob storage, Cold blob storage, Archive blob storage for northeurope: the bundled figures of 2026-11-02 are used instead.');
    expect(view.vmPerHour.standard_d4s_v5).toBe(STAND_IN_PRICES.vm('standard_d4s_v5'));
  });

  it('falls back to the bundled table with the reason: an error status, an answer not from the API, nobody listening, turned off', async () => {
    standIn.mode = 'http-500';
    expect(await new PriceService({ clock, endpoint: standIn.endpoint }).current('westeurope')).toMatchObject({ ...BUNDLED_PRICES, note: expect.stringMatching(/could not be read \(The Azure Retail Prices API answered HTTP 500\.\): these are the bundled eastus prices of 2026-11-02/) });
    standIn.mode = 'garbage';
    expect((await new PriceService({ clock, endpoint: standIn.endpoint }).current('westeurope')).note).toMatch(/answer of an unexpected shape/);
    const refused = await new PriceService({ clock, endpoint: `http://127.0.0.1:${await closedPort()}/api/retail/prices` }).current('westeurope');
    expect(refused).toMatchObject({ source: 'bundled', note: expect.stringContaining('ECONNREFUSED') });
    expect((await new PriceService({ clock, endpoint: 'off' }).current('westeurope')).note).toMatch(/turned off/);
    standIn.mode = 'ok';
    expect((await new PriceService({ clock, endpoint: standIn.endpoint }).current('atlantis')).note).toMatch(/Azure lists none of the prices for region "atlantis"/);
    expect(() => channels['prices.get'].input.parse({ region: "eastus' or 1 eq 1" })).toThrow(/Azure region name/);
  });
});
