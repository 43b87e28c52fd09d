import { describe, expect, it } from 'vitest';
import { nextRun, runsBetween, upcomingRuns } from '../../../src-main/core/scheduling/policy-plan.ts';
import { instantOf, wallTimeAt } from '../../../src-main/core/scheduling/zoned-time.ts';
import { policyInputSchema, type Policy } from '../../../src-main/shared/policy.ts';

type Schedules = NonNullable<Policy['repositoryBackup']>['schedules'];

/** A policy with these schedules in `timeZone`, validated as a user's would be. */
function policy(schedules: Record<string, unknown>, timeZone: string): Pick<Policy, 'repositoryBackup' | 'timeZone'> {
  const parsed = policyInputSchema.parse({ name: 'p', scope: { include: { all: true } }, repositoryBackup: { repositoryId: 'r', schedules }, timeZone });
  return { repositoryBackup: { repositoryId: 'r', schedules: parsed.repositoryBackup!.schedules as Schedules }, timeZone };
}
const iso = (ms: number | Date) => new Date(ms).toISOString();
const at = (text: string) => Date.parse(text);
const times = (p: ReturnType<typeof policy>, from: string, count: number) => upcomingRuns(p, at(from), count).map((r) => `${iso(r.at)} ${r.schedules.join('+')}`);

describe('zoned time', () => {
  it('maps a skipped wall time to the jump, and a repeated one to its first occurrence', () => {
    // Berlin springs forward 2026-03-29 02:00 → 03:00 (01:00Z); falls back 2026-10-25 03:00 → 02:00 (01:00Z).
    expect(iso(instantOf({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin'))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(instantOf({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
    // New York: 2026-03-08 02:00 → 03:00 (07:00Z); 2026-11-01 02:00 → 01:00 (06:00Z).
    expect(iso(instantOf({ year: 2026, month: 3, day: 8, hour: 2, minute: 15 }, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(instantOf({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    expect(wallTimeAt(at('2026-07-01T00:00:00Z'), 'Europe/Berlin')).toEqual({ year: 2026, month: 7, day: 1, hour: 2, minute: 0 });
  });
});

describe('policy schedules', () => {
  it('runs a daily on its weekdays at its time in the policy time zone', () => {
    const p = policy({ daily: { enabled: true, time: '22:00', days: ['mon', 'wed', 'fri'], keepDays: 7 } }, 'Asia/Tokyo');
    // 2026-12-04 is a Friday; 22:00 in Tokyo is 13:00Z.
    expect(times(p, '2026-12-04T00:00:00Z', 3)).toEqual(['2026-12-04T13:00:00.000Z daily', '2026-12-07T13:00:00.000Z daily', '2026-12-09T13:00:00.000Z daily']);
  });

  it('runs a daily at 02:30 once every day across both DST changes (Europe/Berlin)', () => {
    const p = policy({ daily: { enabled: true, time: '02:30', keepDays: 7 } }, 'Europe/Berlin');
    expect(times(p, '2026-03-27T12:00:00Z', 4)).toEqual([
      '2026-03-28T01:30:00.000Z daily',
      '2026-03-29T01:00:00.000Z daily', // 02:30 does not exist: right after the jump (03:00 CEST)
      '2026-03-30T00:30:00.000Z daily',
      '2026-03-31T00:30:00.000Z daily',
    ]);
    expect(times(p, '2026-10-23T12:00:00Z', 3)).toEqual([
      '2026-10-24T00:30:00.000Z daily',
      '2026-10-25T00:30:00.000Z daily', // 02:30 happens twice: once, the first time
      '2026-10-26T01:30:00.000Z daily',
    ]);
  });

  it('runs once on the repeated hour and right after the jump in America/New_York', () => {
    const p = policy({ daily: { enabled: true, time: '01:30', keepDays: 7 } }, 'America/New_York');
    expect(times(p, '2026-10-31T00:00:00Z', 3)).toEqual(['2026-10-31T05:30:00.000Z daily', '2026-11-01T05:30:00.000Z daily', '2026-11-02T06:30:00.000Z daily']);
    const spring = policy({ daily: { enabled: true, time: '02:30', keepDays: 7 } }, 'America/New_York');
    expect(times(spring, '2026-03-07T00:00:00Z', 3)).toEqual(['2026-03-07T07:30:00.000Z daily', '2026-03-08T07:00:00.000Z daily', '2026-03-09T06:30:00.000Z daily']);
  });

  it('gives a run that is the daily and the weekly both flags (flag-daily), and a separate weekly its own run', () => {
    const flagged = policy({ daily: { enabled: true, time: '02:00', keepDays: 7 }, weekly: { enabled: true, time: '05:00', day: 'sun', keepWeeks: 4 } }, 'UTC');
    expect(times(flagged, '2026-12-05T12:00:00Z', 2)).toEqual(['2026-12-06T02:00:00.000Z daily+weekly', '2026-12-07T02:00:00.000Z daily']);
    const separate = policy({ daily: { enabled: true, time: '02:00', keepDays: 7 }, weekly: { enabled: true, time: '05:00', day: 'sun', keepWeeks: 4, mode: 'separate' } }, 'UTC');
    expect(times(separate, '2026-12-05T12:00:00Z', 3)).toEqual(['2026-12-06T02:00:00.000Z daily', '2026-12-06T05:00:00.000Z weekly', '2026-12-07T02:00:00.000Z daily']);
  });

  it('runs monthly on a day, the last day, and the first or last weekday; yearly on its month and day', () => {
    const day15 = policy({ monthly: { enabled: true, time: '03:00', dayOfMonth: 15, keepMonths: 6, mode: 'separate' } }, 'UTC');
    expect(times(day15, '2026-12-16T00:00:00Z', 2)).toEqual(['2027-01-15T03:00:00.000Z monthly', '2027-02-15T03:00:00.000Z monthly']);
    const last = policy({ monthly: { enabled: true, time: '03:00', dayOfMonth: 'last', keepMonths: 6, mode: 'separate' } }, 'UTC');
    expect(times(last, '2027-01-31T04:00:00Z', 2)).toEqual(['2027-02-28T03:00:00.000Z monthly', '2027-03-31T03:00:00.000Z monthly']);
    const firstMonday = policy({ monthly: { enabled: true, time: '03:00', dayOfMonth: 'first', weekday: 'mon', keepMonths: 6, mode: 'separate' } }, 'UTC');
    expect(times(firstMonday, '2026-12-01T00:00:00Z', 2)).toEqual(['2026-12-07T03:00:00.000Z monthly', '2027-01-04T03:00:00.000Z monthly']);
    const lastFriday = policy({ monthly: { enabled: true, time: '03:00', dayOfMonth: 'last', weekday: 'fri', keepMonths: 6, mode: 'separate' } }, 'UTC');
    expect(times(lastFriday, '2026-12-01T00:00:00Z', 2)).toEqual(['2026-12-25T03:00:00.000Z monthly', '2027-01-29T03:00:00.000Z monthly']);
    const yearly = policy({ yearly: { enabled: true, time: '04:00', month: 2, dayOfMonth: 'last', keepYears: 3, mode: 'separate' } }, 'UTC');
    expect(times(yearly, '2027-03-01T00:00:00Z', 2)).toEqual(['2028-02-29T04:00:00.000Z yearly', '2029-02-28T04:00:00.000Z yearly']);
  });

  it('lists the runs between two instants, and plans nothing without a schedule', () => {
    const p = policy({ daily: { enabled: true, time: '02:00', keepDays: 7 } }, 'UTC');
    expect(runsBetween(p, at('2026-12-01T00:00:00Z'), at('2026-12-04T02:00:00Z')).map((r) => iso(r.at))).toEqual([
      '2026-12-01T02:00:00.000Z',
      '2026-12-02T02:00:00.000Z',
      '2026-12-03T02:00:00.000Z',
      '2026-12-04T02:00:00.000Z',
    ]);
    expect(nextRun({ repositoryBackup: null }, 0)).toBeNull();
  });

  it('refuses schedules that cannot be planned: 25:00, 29 February yearly, an unknown time zone, "first" without a weekday', () => {
    const check = (schedules: Record<string, unknown>, timeZone = 'UTC') => policyInputSchema.safeParse({ name: 'p', scope: { include: { all: true } }, repositoryBackup: { repositoryId: 'r', schedules }, timeZone });
    expect(check({ daily: { enabled: true, time: '25:00', keepDays: 7 } }).error?.issues[0]?.message).toMatch(/HH:MM/);
    expect(check({ yearly: { enabled: true, time: '04:00', month: 2, dayOfMonth: 29, keepYears: 3, mode: 'separate' } }).success).toBe(false);
    expect(check({ daily: { enabled: true, time: '02:00', keepDays: 7 } }, 'Mars/Olympus').error?.issues[0]?.message).toMatch(/IANA time zone/);
    expect(check({ monthly: { enabled: true, time: '03:00', dayOfMonth: 'first', keepMonths: 6, mode: 'separate' } }).error?.issues[0]?.message).toMatch(/needs a weekday/);
  });
});

describe('coverage plan', () => {
  it('groups resources under the policy that governs each (exclusions and priority), with each policy planned once', async () => {
    const { planCoverage } = await import('../../../src-main/core/scheduling/coverage-plan.ts');
    const base = (name: string, priority: number, scope: Record<string, unknown>) =>
      ({ ...policyInputSchema.parse({ name, priority, scope, timeZone: 'UTC', repositoryBackup: { repositoryId: 'r', schedules: { daily: { enabled: true, time: '02:00', keepDays: 7 } } } }), id: name, createdAt: '', updatedAt: '' }) as Policy;
    const resource = (name: string, env: string) => ({ id: `/subscriptions/s/resourceGroups/rg/providers/x/y/${name}`, kind: 'postgres-cluster' as const, subscriptionId: 's', resourceGroup: 'rg', tags: { env } });
    const everything = base('everything', 10, { include: { all: true }, exclude: { resources: ['/subscriptions/s/resourceGroups/rg/providers/x/y/scratch'] } });
    const prod = base('prod', 90, { include: { tags: [{ name: 'env', value: 'prod' }] } });
    const plan = planCoverage([resource('a', 'prod'), resource('b', 'dev'), resource('scratch', 'dev')], [everything, prod], at('2026-12-04T12:00:00Z'), 2);
    expect(Object.fromEntries(plan.map((p) => [p.policyId, p.resourceIds.map((id) => id.split('/').pop())]))).toEqual({ everything: ['b'], prod: ['a'] });
    expect(plan.find((p) => p.policyId === 'prod')!.nextRuns.map((r) => iso(r.at))).toEqual(['2026-12-05T02:00:00.000Z', '2026-12-06T02:00:00.000Z']);
  });
});

describe('names that reach terminals', () => {
  it('refuse control characters and escape sequences in a policy name', () => {
    const check = (name: string) => policyInputSchema.safeParse({ name, scope: { include: { all: true } }, continuousBackup: { enabled: true, tier: 'Continuous7Days' } });
    expect(check('Nightly \u001b[31mRED').error?.issues[0]?.message).toBe('must not contain control characters or terminal escape sequences');
    expect(check('two\nlines').success).toBe(false);
    expect(check('Production — München').success).toBe(true);
  });
});
