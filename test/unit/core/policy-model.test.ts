import { describe, expect, it } from 'vitest';
import { describeZodIssues } from '../../../src-main/shared/errors.ts';
import { policyInputSchema } from '../../../src-main/shared/policy.ts';

const SUB = '11111111-2222-3333-4444-555555555555';

function minimal(overrides: Record<string, unknown> = {}) {
  return {
    name: 'Production',
    scope: { include: { subscriptions: [SUB] } },
    continuousBackup: { enabled: true, tier: 'Continuous30Days' },
    ...overrides,
  };
}

function issuesOf(input: unknown) {
  const result = policyInputSchema.safeParse(input);
  return result.success ? [] : describeZodIssues(result.error);
}

describe('policy model', () => {
  it('accepts a minimal policy and fills defaults', () => {
    const policy = policyInputSchema.parse(minimal());
    expect(policy.enabled).toBe(true);
    expect(policy.priority).toBe(50);
    expect(policy.scope.resourceKinds).toEqual(['cosmosdb-account', 'postgres-cluster', 'mongo-vcore-cluster']);
    expect(policy.scope.exclude.resources).toEqual([]);
    expect(policy.continuousBackup?.migratePeriodicAccounts).toBe(false);
    expect(policy.retries).toEqual({ count: 3, intervalMinutes: 10 });
  });

  it('names the field of each shape problem', () => {
    const issues = issuesOf(
      minimal({
        name: '',
        priority: 500,
        scope: { include: { subscriptions: ['not-a-guid'] } },
        continuousBackup: { enabled: true, tier: 'Continuous14Days' },
      }),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('name');
    expect(paths).toContain('priority');
    expect(paths).toContain('scope.include.subscriptions.0');
    expect(paths).toContain('continuousBackup.tier');
    expect(issues.find((i) => i.path === 'continuousBackup.tier')?.message).toMatch(/Continuous7Days or Continuous30Days/);
  });

  it('rejects unknown keys so typos do not pass silently', () => {
    const issues = issuesOf(minimal({ retention: 5 }));
    expect(issues.some((i) => i.message.includes('retention'))).toBe(true);
  });

  it('validates schedule times and days', () => {
    const issues = issuesOf(
      minimal({ repositoryBackup: { repositoryId: 'r1', schedules: { daily: { enabled: true, time: '24:30', days: ['mon', 'funday'], keepDays: 0 } } } }),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('repositoryBackup.schedules.daily.time');
    expect(paths).toContain('repositoryBackup.schedules.daily.days.1');
    expect(paths).toContain('repositoryBackup.schedules.daily.keepDays');
  });

  it('requires a scope that selects something and a protection that does something', () => {
    const issues = issuesOf({ name: 'x', scope: { include: {} }, continuousBackup: { enabled: false, tier: 'Continuous7Days' } });
    expect(issues).toContainEqual(expect.objectContaining({ path: 'scope.include' }));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'continuousBackup', message: expect.stringMatching(/continuous backup or a repository backup/) }));
  });

  it('checks archive rules: other repository, enabled schedules, at least 180 days', () => {
    const issues = issuesOf(
      minimal({
        repositoryBackup: { repositoryId: 'r1', schedules: { daily: { enabled: true, time: '02:00', keepDays: 14 } } },
        archive: { repositoryId: 'r1', fromSchedules: ['monthly'], retention: { value: 3, unit: 'months' } },
      }),
    );
    expect(issues).toContainEqual(expect.objectContaining({ path: 'archive.repositoryId' }));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'archive.fromSchedules.0', message: 'schedule "monthly" is not enabled' }));
    expect(issues).toContainEqual(expect.objectContaining({ path: 'archive.retention', message: expect.stringMatching(/180 days/) }));
  });

  it('refuses GFS flagging without a daily schedule', () => {
    const issues = issuesOf(
      minimal({ repositoryBackup: { repositoryId: 'r1', schedules: { weekly: { enabled: true, time: '02:00', day: 'sun', keepWeeks: 4 } } } }),
    );
    expect(issues).toContainEqual(expect.objectContaining({ path: 'repositoryBackup.schedules.weekly.mode' }));
  });
});
