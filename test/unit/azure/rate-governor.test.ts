import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { describe, expect, it } from 'vitest';
import { ArmRateGovernor } from '../../../src-main/azure/rate-governor.ts';
import { interleaveBySubscription } from '../../../src-main/azure/inventory-sync.ts';
import { mapPool } from '../../../src-main/azure/pool.ts';

const url = (sub: string) => `https://arm.example/subscriptions/${sub}/providers/Microsoft.DocumentDB/databaseAccounts`;

describe('ARM rate governor', () => {
  it('lets the burst through, then paces at the refill rate, per subscription', async () => {
    const governor = new ArmRateGovernor({ reads: { capacity: 3, refillPerSecond: 20 } });
    const policy = governor.policy();
    const sent: [string, number][] = [];
    const start = performance.now();
    const next = async (request: ReturnType<typeof createPipelineRequest>): Promise<PipelineResponse> => {
      sent.push([new URL(request.url).pathname.split('/')[2]!, performance.now() - start]);
      return { request, status: 200, headers: createHttpHeaders() };
    };
    await Promise.all([
      ...Array.from({ length: 6 }, () => policy.sendRequest(createPipelineRequest({ url: url('a'), method: 'GET' }), next)),
      policy.sendRequest(createPipelineRequest({ url: url('b'), method: 'GET' }), next),
    ]);
    const a = sent.filter(([s]) => s === 'a').map(([, t]) => t);
    expect(a.slice(0, 3).every((t) => t < 30)).toBe(true);
    expect(a[5]! - a[2]!).toBeGreaterThanOrEqual(130); // 3 more at 20/s take ~150 ms
    // Another subscription has its own budget: it does not queue behind the first one.
    expect(sent.find(([s]) => s === 'b')![1]).toBeLessThan(30);
  });

  it('believes ARM when it reports fewer tokens left than expected', async () => {
    const governor = new ArmRateGovernor({ reads: { capacity: 100, refillPerSecond: 20 } });
    const policy = governor.policy();
    const times: number[] = [];
    const start = performance.now();
    const next = async (request: ReturnType<typeof createPipelineRequest>): Promise<PipelineResponse> => {
      times.push(performance.now() - start);
      return { request, status: 200, headers: createHttpHeaders({ 'x-ms-ratelimit-remaining-subscription-reads': '0' }) };
    };
    await policy.sendRequest(createPipelineRequest({ url: url('c'), method: 'GET' }), next);
    await policy.sendRequest(createPipelineRequest({ url: url('c'), method: 'GET' }), next);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(40);
  });
});

describe('bounded work', () => {
  it('never runs more than the limit at once and keeps result order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 4, 2, 3, 0], 2, async (n) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, n * 3));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(peak).toBe(2);
  });

  it('interleaves work across subscriptions', () => {
    const items = ['s1', 's1', 's1', 's2', 's3', 's3'].map((subscriptionId, i) => ({ record: { subscriptionId }, i }));
    expect(interleaveBySubscription(items).map((x) => x.i)).toEqual([0, 3, 4, 1, 5, 2]);
  });
});
