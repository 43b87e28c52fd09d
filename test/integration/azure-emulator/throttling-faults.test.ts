import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import { cosmosClient, credentialFor, FAST, POLL, startAzureEmulator, SUB } from './fixture.ts';
import type { AzureEmulator } from './fixture.ts';

const ACCOUNT_PATH = /\/databaseAccounts\/orders-sql$/;

describe('ARM throttling and fault injection', () => {
  let emulator: AzureEmulator;
  beforeAll(async () => {
    emulator = await startAzureEmulator({ ...FAST, throttling: { reads: { capacity: 3, refillPerSecond: 2 }, writes: { capacity: 200, refillPerSecond: 10 } } });
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  beforeEach(() => {
    emulator.faults.clear();
    emulator.callLog.clear();
  });

  it('answers 429 with Retry-After and rate-limit headers; the SDK waits and succeeds', async () => {
    const client = cosmosClient(emulator);
    const started = Date.now();
    const names: string[] = [];
    for (let i = 0; i < 5; i++) names.push((await client.databaseAccounts.get('rg-prod', 'orders-sql')).name ?? '');
    expect(names.every((n) => n === 'orders-sql')).toBe(true);
    expect(emulator.callLog.count({ path: ACCOUNT_PATH, status: 429 })).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // waited at least one Retry-After second
    emulator.throttling.configure({ enabled: true });
  });

  it('reports remaining reads and the 429 shape (raw request, no SDK retry)', async () => {
    emulator.throttling.configure({ enabled: true, reads: { capacity: 1, refillPerSecond: 0.5 } });
    const token = (await credentialFor(emulator).getToken('https://management.azure.com/.default'))?.token ?? '';
    const url = `${emulator.armEndpoint}/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.DocumentDB/databaseAccounts/orders-sql?api-version=2026-03-15`;
    const first = await rawGet(url, token, emulator.caCertPem);
    expect(first.status).toBe(200);
    expect(first.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('0');
    const second = await rawGet(url, token, emulator.caCertPem);
    expect(second.status).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(second.body)).toMatchObject({ error: { code: 'SubscriptionRequestsThrottled' } });
    emulator.throttling.configure({ enabled: false });
  });

  it('injects 500/503 for the next N matching requests; the SDK retries through them', async () => {
    emulator.throttling.configure({ enabled: false });
    const client = cosmosClient(emulator);
    emulator.faults.failNext({ method: 'GET', path: ACCOUNT_PATH, count: 2 }, 503);
    const a = await client.databaseAccounts.get('rg-prod', 'orders-sql');
    expect(a.name).toBe('orders-sql');
    expect(emulator.callLog.filter({ path: ACCOUNT_PATH }).map((e) => e.status)).toEqual([503, 503, 200]);
    emulator.faults.failNext({ method: 'GET', path: ACCOUNT_PATH, count: Infinity }, 500);
    await expect(client.databaseAccounts.get('rg-prod', 'orders-sql')).rejects.toMatchObject({ statusCode: 500 });
  });

  it('drops connections and delays responses', async () => {
    emulator.throttling.configure({ enabled: false });
    const client = cosmosClient(emulator);
    emulator.faults.dropNext({ method: 'GET', path: ACCOUNT_PATH });
    expect((await client.databaseAccounts.get('rg-prod', 'orders-sql')).name).toBe('orders-sql');
    expect(emulator.callLog.filter({ path: ACCOUNT_PATH }).map((e) => e.status)).toEqual([0, 200]);
    emulator.faults.delayNext({ method: 'GET', path: ACCOUNT_PATH }, 300);
    const t = Date.now();
    await client.databaseAccounts.get('rg-prod', 'orders-sql');
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
  });

  it('makes a long-running operation end Failed with an error the poller surfaces', async () => {
    emulator.throttling.configure({ enabled: false });
    const client = cosmosClient(emulator);
    emulator.faults.failNextLro({ method: 'PATCH', path: ACCOUNT_PATH }, { code: 'InternalServerError', message: 'Tier change failed on the backend' });
    await expect(client.databaseAccounts.update('rg-prod', 'orders-sql', { tags: { fail: 'yes' } }, POLL)).rejects.toThrow(/Tier change failed on the backend/);
    const after = await client.databaseAccounts.get('rg-prod', 'orders-sql');
    expect(after.provisioningState).toBe('Succeeded');
    expect(after.tags).not.toHaveProperty('fail');
  });
});

function rawGet(url: string, token: string, ca: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') }));
    })
      .on('error', reject)
      .end();
  });
}
