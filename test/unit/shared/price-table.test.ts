import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS, estimatePolicyCost } from '../../../src-main/shared/price-table.ts';
import type { PolicyInput } from '../../../src-main/shared/policy.ts';

const policy = {
  name: 'p',
  scope: { include: { all: true } },
  continuousBackup: { enabled: true, tier: 'Continuous30Days', migratePeriodicAccounts: false },
  repositoryBackup: { repositoryId: 'r', schedules: { daily: { enabled: true, time: '02:00', keepDays: 30 }, weekly: { enabled: true, time: '02:00', day: 'sun', keepWeeks: 8, mode: 'flag-daily' } } },
  archive: { repositoryId: 'a', fromSchedules: ['weekly'], retention: { value: 1, unit: 'years' } },
} as PolicyInput;

describe('policy cost estimate', () => {
  it('prices continuous backup, repository storage, worker hours and archive copies from the assumptions', () => {
    const estimate = estimatePolicyCost(policy, [{ kind: 'cosmosdb-account' }, { kind: 'postgres-cluster' }, { kind: 'postgres-cluster' }], { ...DEFAULT_ASSUMPTIONS, dataGbPerResource: 100, regionsPerAccount: 2 });
    const byItem = Object.fromEntries(estimate.lines.map((l) => [l.item, l.monthlyUsd]));
    // 1 account × 100 GB × 2 regions × $0.20
    expect(byItem['Continuous backup (30 days)']).toBe(40);
    // 3 resources (the account too, since repository backups are on) × (40 GB + 2 GB a day × 55 more days) = 450 GB × $0.0184
    expect(byItem['Repository storage (Hot)']).toBe(8.28);
    // 3 × 30 backups × (100,000 MB / 60 MB/s + 3 min) on D4s_v5 at $0.192
    expect(byItem['Worker VMs']).toBeCloseTo(3 * 30 * (100_000 / 60 / 3600 + 0.05) * 0.192, 1);
    // 3 × 4.29 weekly copies × 12 months × 40 GB × $0.00099
    expect(byItem['Archive copies (Archive tier)']).toBeCloseTo(3 * (30 / 7) * 12 * 40 * 0.00099, 1);
    expect(estimate.monthlyUsd).toBeCloseTo(estimate.lines.reduce((s, l) => s + l.monthlyUsd, 0), 2);
  });

  it('charges nothing for the 7-day tier and nothing for what the policy does not do', () => {
    const sevenDays = estimatePolicyCost({ ...policy, continuousBackup: { enabled: true, tier: 'Continuous7Days', migratePeriodicAccounts: false }, repositoryBackup: null, archive: null } as PolicyInput, [{ kind: 'cosmosdb-account' }]);
    expect(sevenDays.lines).toEqual([expect.objectContaining({ item: 'Continuous backup (7 days)', monthlyUsd: 0 })]);
    expect(estimatePolicyCost(policy, []).lines).toEqual([]);
  });
});
