import { describe, expect, it } from 'vitest';
import { policySchema, type Policy } from '../../../src-main/shared/policy.ts';
import { parseHash, routeHash } from '../../../src-renderer/src/logic/route.ts';
import {
  comparePolicies,
  continuousSummary,
  schedulesSummary,
  scopeSummary,
} from '../../../src-renderer/src/logic/policy-summary.ts';

describe('routes', () => {
  it('parses sections and detail ids, falling back to the dashboard', () => {
    expect(parseHash('')).toEqual({ section: 'dashboard', id: null });
    // A time picked on a resource's timeline travels with the restore route, and back.
    const at = '2026-12-01T10:20:30.000Z';
    const withTime = routeHash({ section: 'resources', id: '/subscriptions/s/x', action: 'restore', at });
    expect(withTime).toBe(`#/resources/%2Fsubscriptions%2Fs%2Fx/restore?at=${encodeURIComponent(at)}`);
    expect(parseHash(withTime)).toEqual({ section: 'resources', id: '/subscriptions/s/x', action: 'restore', at });
    expect(parseHash('#/resources/x/restore?at=yesterday')).toEqual({ section: 'resources', id: 'x', action: 'restore' });
    expect(parseHash('#/sessions')).toEqual({ section: 'sessions', id: null });
    expect(parseHash('#/sessions/a%2Fb')).toEqual({ section: 'sessions', id: 'a/b' });
    expect(parseHash('#/restore-points')).toEqual({ section: 'restore-points', id: null });
    expect(parseHash('#/restore-points/abc123')).toEqual({ section: 'restore-points', id: 'abc123' });
    expect(parseHash('#/nowhere')).toEqual({ section: 'dashboard', id: null });
    expect(parseHash('#/settings/x')).toEqual({ section: 'dashboard', id: null });
    expect(parseHash('#/sessions/a/b')).toEqual({ section: 'dashboard', id: null });
  });
  it('builds hashes that parse back', () => {
    const route = { section: 'policies', id: 'p 1/2' } as const;
    expect(parseHash(routeHash(route))).toEqual(route);
    expect(routeHash({ section: 'workers', id: null })).toBe('#/workers');
  });
});

function policy(overrides: Record<string, unknown> = {}): Policy {
  return policySchema.parse({
    id: 'p1',
    name: 'Production',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    scope: { include: { all: true } },
    continuousBackup: { enabled: true, tier: 'Continuous30Days' },
    ...overrides,
  });
}

describe('policy summaries', () => {
  it('summarizes the scope with exclusions', () => {
    expect(scopeSummary(policy())).toBe('All resources');
    const scoped = policy({
      scope: {
        include: { subscriptions: ['00000000-0000-0000-0000-000000000001'], tags: [{ name: 'env', value: 'prod' }, { name: 'backup' }] },
        exclude: { resourceGroups: [{ subscriptionId: '00000000-0000-0000-0000-000000000001', name: 'scratch' }] },
      },
    });
    expect(scopeSummary(scoped)).toBe('1 subscription, tag env=prod, tag backup · excluding 1 resource group');
  });

  it('summarizes the continuous tier and schedules', () => {
    expect(continuousSummary(policy())).toBe('30 days');
    expect(continuousSummary(policy({ continuousBackup: null, repositoryBackup: { repositoryId: 'r', schedules: { daily: { enabled: true, time: '22:00', keepDays: 14 } } } }))).toBe('Off');
    expect(schedulesSummary(policy())).toBe('No repository backup');
    const scheduled = policy({
      repositoryBackup: {
        repositoryId: 'r1',
        schedules: {
          daily: { enabled: true, time: '22:00', days: ['mon', 'tue'], keepDays: 14 },
          weekly: { enabled: true, time: '23:00', day: 'sun', keepWeeks: 1 },
          monthly: { enabled: false, time: '01:00', dayOfMonth: 'last', keepMonths: 12 },
        },
      },
    });
    expect(schedulesSummary(scheduled)).toBe('Daily 22:00 (Mon, Tue), keep 14 days · Weekly Sun 23:00, keep 1 week');
  });

  it('orders by priority, then name', () => {
    const list = [policy({ id: 'a', name: 'B', priority: 10 }), policy({ id: 'b', name: 'A', priority: 10 }), policy({ id: 'c', name: 'Z', priority: 90 })];
    expect(list.sort(comparePolicies).map((p) => p.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('routes with an action', () => {
  it('opens the wizards: a new policy, editing or cloning one, a resource\'s point-in-time restore; anything else is the dashboard', () => {
    expect(parseHash('#/policies/new')).toEqual({ section: 'policies', id: null, action: 'new' });
    expect(parseHash('#/policies/p1/edit')).toEqual({ section: 'policies', id: 'p1', action: 'edit' });
    const resource = '/subscriptions/s/resourceGroups/g/providers/x/y/z';
    expect(parseHash(routeHash({ section: 'resources', id: resource, action: 'restore' }))).toEqual({ section: 'resources', id: resource, action: 'restore' });
    expect(parseHash(routeHash({ section: 'resources', id: resource }))).toEqual({ section: 'resources', id: resource });
    expect(parseHash('#/resources/r1/edit')).toEqual({ section: 'dashboard', id: null });
    expect(parseHash('#/sessions/s1/restore')).toEqual({ section: 'dashboard', id: null });
  });
});
