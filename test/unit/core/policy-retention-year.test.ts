import { describe, expect, it } from 'vitest';
import { retentionOf } from '../../../src-main/core/jobs/policy-runs.ts';
import { runsBetween } from '../../../src-main/core/scheduling/policy-plan.ts';
import { planForget } from '../../../src-main/repository/retention.ts';
import type { RestorePoint } from '../../../src-main/repository/restore-points.ts';
import { policyInputSchema, type Policy } from '../../../src-main/shared/policy.ts';

/** A year of a policy's scheduled runs, each followed by its retention, as the policy session does. */
describe('GFS retention over a simulated year of daily runs', () => {
  it('keeps exactly the promised points per flag', () => {
    const policy = {
      ...policyInputSchema.parse({
        name: 'gfs',
        timeZone: 'Europe/Berlin',
        scope: { include: { all: true } },
        repositoryBackup: {
          repositoryId: 'r',
          schedules: {
            daily: { enabled: true, time: '02:00', keepDays: 7 },
            weekly: { enabled: true, time: '02:00', day: 'sun', keepWeeks: 4 },
            monthly: { enabled: true, time: '02:00', dayOfMonth: 'last', keepMonths: 12 },
            yearly: { enabled: true, time: '02:00', month: 12, dayOfMonth: 'last', keepYears: 2 },
          },
        },
      }),
      id: 'p',
      createdAt: '',
      updatedAt: '',
    } as Policy;
    const runs = runsBetween(policy, Date.parse('2025-01-01T00:00:00Z'), Date.parse('2026-12-31T23:59:00Z'), 2000);
    expect(runs).toHaveLength(730); // one run a day over two years: flags ride on the daily run
    let kept: RestorePoint[] = [];
    runs.forEach((run, n) => {
      const gfs = { daily: false, weekly: false, monthly: false, yearly: false };
      for (const name of run.schedules) gfs[name] = true;
      const point: RestorePoint = {
        id: n.toString(16).padStart(64, '0'),
        manifest: { formatVersion: 1, time: run.at.toISOString(), resource: { id: 'r1', name: 'r1', kind: 'postgres-cluster' }, gfs, engine: { name: 'postgres', versions: {} }, entries: [], totals: { size: 0, entryCount: 0, chunkCount: 0, newChunkCount: 0, newStoredBytes: 0 }, durationMs: 0 },
      };
      const plan = planForget([...kept, point], { ...retentionOf(policy), resourceId: 'r1' });
      const keepIds = new Set(plan.keep.map((k) => k.id));
      kept = [...kept, point].filter((p) => keepIds.has(p.id));
    });
    const withFlag = (flag: keyof RestorePoint['manifest']['gfs']) => kept.filter((p) => p.manifest.gfs[flag]).map((p) => p.manifest.time.slice(0, 10));
    // The newest 7 days, 4 Sundays, 12 month ends and 2 year ends (dates are Berlin's, 02:00 → 01:00Z in winter).
    expect(kept.slice(-7).map((p) => p.manifest.time.slice(0, 10))).toEqual(['2026-12-25', '2026-12-26', '2026-12-27', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31']);
    expect(withFlag('weekly').slice(-4)).toEqual(['2026-12-06', '2026-12-13', '2026-12-20', '2026-12-27']);
    expect(withFlag('monthly').slice(-12)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31', '2026-08-31', '2026-09-30', '2026-10-31', '2026-11-30', '2026-12-31']);
    expect(withFlag('yearly')).toEqual(['2025-12-31', '2026-12-31']);
    // Nothing else is kept: the union of the four promises.
    const promised = new Set([...kept.slice(-7), ...kept.filter((p) => p.manifest.gfs.weekly).slice(-4), ...kept.filter((p) => p.manifest.gfs.monthly).slice(-12), ...kept.filter((p) => p.manifest.gfs.yearly).slice(-2)].map((p) => p.id));
    expect(kept.length).toBe(promised.size);
  });
});
