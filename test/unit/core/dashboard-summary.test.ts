import type { DatabaseAccountGetResults } from '@azure/arm-cosmosdb';
import { accountFacts } from '../../../src-main/azure/cosmos-account-facts.ts';
import { describe, expect, it } from 'vitest';
import { dashboardSummary } from '../../../src-main/core/jobs/dashboard-summary.ts';
import type { ProtectedResourceRecord } from '../../../src-main/core/config-db/inventory-store.ts';
import type { RestorePointRecord } from '../../../src-main/core/config-db/restore-points-store.ts';
import { policySchema, type Policy } from '../../../src-main/shared/policy.ts';
import type { Session } from '../../../src-main/shared/session.ts';

const SUB = '00000000-1111-4222-8333-444444444444';
const NOW = new Date('2026-12-05T12:00:00Z');
const cluster = (name: string, tags: Record<string, string> = {}): ProtectedResourceRecord => ({ id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/${name}`, subscriptionId: SUB, resourceGroup: 'rg', name, kind: 'postgres-cluster', api: null, location: 'westeurope', tags, properties: {}, deleted: false, syncedAt: NOW.toISOString() });
const account = (name: string, tier: string): ProtectedResourceRecord => ({ ...cluster(name), id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/${name}`, kind: 'cosmosdb-account', api: 'Sql', properties: { ...accountFacts({ location: 'westus', backupPolicy: { type: 'Continuous', continuousModeProperties: { tier } } } as DatabaseAccountGetResults) } });
const point = (resource: ProtectedResourceRecord, hoursAgo: number): RestorePointRecord => ({ id: `${resource.name}-${hoursAgo}`, kind: 'repository', resourceId: resource.id, policyId: null, repositoryId: 'r', sessionId: null, pointTime: new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString(), windowStart: null, windowEnd: null, gfs: [], sizeBytes: 1, metadata: {}, createdAt: NOW.toISOString() });
const session = (fields: Partial<Session>): Session => ({ id: Math.random().toString(36), kind: 'backup', title: 't', status: 'succeeded', createdAt: NOW.toISOString(), startedAt: null, endedAt: NOW.toISOString(), progress: null, summary: null, resourceId: null, parentId: null, policyId: null, warningCount: 0, errorCount: 0, lastSeq: 0, ...fields });

describe('the dashboard summary', () => {
  it('tells protected, unprotected, failing and overdue resources apart, the ones needing attention first', () => {
    const [fresh, stale, broken, orphan] = [cluster('fresh', { env: 'prod' }), cluster('stale', { env: 'prod' }), cluster('broken', { env: 'prod' }), cluster('orphan')];
    const [good, drifted] = [account('good', 'Continuous30Days'), account('drifted', 'Continuous7Days')];
    const policy: Policy = policySchema.parse({ id: 'p', name: 'Nightly', enabled: true, priority: 50, description: '', createdAt: '', updatedAt: '', retries: { count: 3, intervalMinutes: 10 }, missedRuns: 'runOnce', parallelism: 2, healthCheck: { enabled: false, day: 'sun', time: '03:00', testRestore: false }, archive: null,
      scope: { resourceKinds: ['postgres-cluster', 'cosmosdb-account'], include: { all: false, subscriptions: [], resourceGroups: [], tags: [{ name: 'env', value: 'prod' }], resources: [good.id, drifted.id] }, exclude: { subscriptions: [], resourceGroups: [], tags: [], resources: [] } },
      continuousBackup: { enabled: true, tier: 'Continuous30Days', migratePeriodicAccounts: false },
      repositoryBackup: { repositoryId: 'r', schedules: { daily: { enabled: true, time: '02:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], keepDays: 7 } } } });
    const summary = dashboardSummary({
      inventory: { listResources: () => [fresh, stale, broken, orphan, good, drifted] },
      restorePoints: { list: () => [point(fresh, 3), point(stale, 60), point(broken, 10), point(fresh, 24 * 40)] },
      policies: [policy],
      sessions: [session({ resourceId: broken.id, status: 'failed', summary: 'pg_dump: connection refused', createdAt: new Date(NOW.getTime() - 3_600_000).toISOString() }), session({ status: 'succeeded', createdAt: new Date(NOW.getTime() - 3 * 86_400_000).toISOString() })],
      repositories: [{ id: 'r', name: 'nightly', sizeBytes: 2048, restorePointCount: 4 }],
      upcoming: [],
      now: NOW,
    });
    expect(summary.counts).toEqual({ protected: 2, unprotected: 1, failing: 2, overdue: 1 });
    expect(summary.rows.map((r) => [r.name, r.state])).toEqual([
      ['drifted', 'failing'],
      ['broken', 'failing'],
      ['stale', 'overdue'],
      ['orphan', 'unprotected'],
      ['good', 'protected'],
      ['fresh', 'protected'],
    ]);
    expect(summary.rows.find((r) => r.name === 'broken')!.reason).toBe('Its last backup failed: pg_dump: connection refused');
    expect(summary.rows.find((r) => r.name === 'drifted')!.reason).toBe('Continuous backup is Continuous7Days, the policy says Continuous30Days');
    expect(summary.rows.find((r) => r.name === 'stale')!.reason).toBe('No backup for 60 h (expected every 24 h)');
    expect(summary.sessionsLast24h).toEqual({ succeeded: 0, warning: 0, failed: 1, canceled: 0, running: 0 });
    expect(summary.sessionsByDay.map((d) => [d.day, d.succeeded, d.failed])).toEqual([['2026-11-29', 0, 0], ['2026-11-30', 0, 0], ['2026-12-01', 0, 0], ['2026-12-02', 1, 0], ['2026-12-03', 0, 0], ['2026-12-04', 0, 0], ['2026-12-05', 0, 1]]);
    // Growth: the 40-day-old point is counted before the window; the others arrive within it.
    expect(summary.restorePointsByDay[0]!.total).toBe(1);
    expect(summary.restorePointsByDay.at(-1)!.total).toBe(4);
  });

  it('charts the repositories\' stored size per day, each carried forward from its last figure, forgotten ones left out', () => {
    const summary = dashboardSummary({
      inventory: { listResources: () => [] },
      restorePoints: { list: () => [] },
      policies: [],
      sessions: [],
      repositories: [{ id: 'r', name: 'nightly', sizeBytes: 3000, restorePointCount: 3 }, { id: 'a', name: 'archive', sizeBytes: 500, restorePointCount: 1 }],
      sizeHistory: [
        { repositoryId: 'r', day: '2026-10-01', sizeBytes: 1000 },
        { repositoryId: 'a', day: '2026-12-01', sizeBytes: 500 },
        { repositoryId: 'gone', day: '2026-12-01', sizeBytes: 99_999 },
        { repositoryId: 'r', day: '2026-12-03', sizeBytes: 3000 },
      ],
      upcoming: [],
      now: NOW,
    });
    const byDay = Object.fromEntries(summary.repositorySizeByDay.map((d) => [d.day, d.bytes]));
    expect(summary.repositorySizeByDay).toHaveLength(30);
    expect(byDay['2026-11-06']).toBe(1000);
    expect(byDay['2026-11-30']).toBe(1000);
    expect(byDay['2026-12-01']).toBe(1500);
    expect(byDay['2026-12-02']).toBe(1500);
    expect(byDay['2026-12-05']).toBe(3500);
  });
});

describe('continuous backup window health', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const record = (resource: ProtectedResourceRecord, recordedHoursAgo: number, windowDays: number): RestorePointRecord => {
    const at = NOW.getTime() - recordedHoursAgo * HOUR;
    return { ...point(resource, recordedHoursAgo), kind: 'continuous', repositoryId: null, windowStart: new Date(at - windowDays * DAY).toISOString(), windowEnd: new Date(at).toISOString() };
  };

  it('tells full, growing, unchecked and unrecorded windows apart against the policy tier, the ones needing a look first', () => {
    const [full, fresh, stale, unseen, gone] = ['full', 'fresh', 'stale', 'unseen', 'gone'].map((name) => account(name, 'Continuous30Days'));
    const drifted = account('drifted', 'Continuous7Days');
    const periodicOnly = cluster('cluster');
    const policy: Policy = policySchema.parse({ id: 'p', name: 'All', enabled: true, priority: 50, description: '', createdAt: '', updatedAt: '', retries: { count: 3, intervalMinutes: 10 }, missedRuns: 'runOnce', parallelism: 2, healthCheck: { enabled: false, day: 'sun', time: '03:00', testRestore: false }, archive: null, repositoryBackup: null,
      scope: { resourceKinds: ['cosmosdb-account', 'postgres-cluster'], include: { all: true, subscriptions: [], resourceGroups: [], tags: [], resources: [] }, exclude: { subscriptions: [], resourceGroups: [], tags: [], resources: [] } },
      continuousBackup: { enabled: true, tier: 'Continuous30Days', migratePeriodicAccounts: false } });
    const summary = dashboardSummary({
      inventory: { listResources: () => [full!, fresh!, stale!, unseen!, { ...gone!, deleted: true }, periodicOnly, drifted] },
      // An older record of `full` with a short window does not count: the newest one does.
      restorePoints: { list: () => [record(full!, 30, 2), record(full!, 3, 30), record(fresh!, 2, 3.24), record(stale!, 50, 30), record(drifted, 1, 7)] },
      policies: [policy],
      sessions: [],
      repositories: [],
      upcoming: [],
      now: NOW,
    });
    expect(summary.continuousWindows.map((row) => [row.name, row.state, row.windowDays])).toEqual([
      ['stale', 'stale', 30],
      ['drifted', 'drifted', 7],
      ['unseen', 'missing', null],
      ['fresh', 'growing', 3.2],
      ['full', 'healthy', 30],
    ]);
    expect(summary.continuousWindows.find((row) => row.name === 'stale')!.reason).toBe('Not checked for 2.1 days: the scheduled configuration (every 8 h) is not running, or failing.');
    expect(summary.continuousWindows.find((row) => row.name === 'fresh')!.reason).toMatch(/^3\.2 of 30 days restorable: the window grows/);
    expect(summary.continuousWindows.find((row) => row.name === 'drifted')!.reason).toBe('The account keeps Continuous7Days, the policy asks for Continuous30Days: the configuration has not applied it yet (see its sessions).');
  });

  it('counts a window as not checked lately after three configuration intervals, and never before a day', () => {
    const account30 = account('slow', 'Continuous30Days');
    const policy: Policy = policySchema.parse({ id: 'p', name: 'All', enabled: true, priority: 50, description: '', createdAt: '', updatedAt: '', retries: { count: 3, intervalMinutes: 10 }, missedRuns: 'runOnce', parallelism: 2, healthCheck: { enabled: false, day: 'sun', time: '03:00', testRestore: false }, archive: null, repositoryBackup: null,
      scope: { resourceKinds: ['cosmosdb-account'], include: { all: true, subscriptions: [], resourceGroups: [], tags: [], resources: [] }, exclude: { subscriptions: [], resourceGroups: [], tags: [], resources: [] } },
      continuousBackup: { enabled: true, tier: 'Continuous30Days', migratePeriodicAccounts: false } });
    const state = (hoursAgo: number, intervalHours: number) =>
      dashboardSummary({ inventory: { listResources: () => [account30] }, restorePoints: { list: () => [record(account30, hoursAgo, 30)] }, policies: [policy], sessions: [], repositories: [], upcoming: [], configurationIntervalHours: intervalHours, now: NOW }).continuousWindows[0]!.state;
    expect(state(50, 24)).toBe('healthy');
    expect(state(73, 24)).toBe('stale');
    expect(state(20, 1)).toBe('healthy');
    expect(state(25, 1)).toBe('stale');
  });
});
