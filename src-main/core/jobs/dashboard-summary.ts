import type { DashboardSummary } from '../../shared/contract.ts';
import type { Policy } from '../../shared/policy.ts';
import type { Session } from '../../shared/session.ts';
import type { InventoryStore } from '../config-db/inventory-store.ts';
import type { RestorePointsStore } from '../config-db/restore-points-store.ts';
import { governingPolicy } from '../../shared/scope-matcher.ts';
import { accountBackup, continuousWindowHealth, keepsTier } from './continuous-window-health.ts';
import { isRepositoryBackedUp } from './resource-source.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How often a policy's repository backups come, at the least (the most frequent enabled schedule). */
function expectedEveryHours(policy: Policy): number | null {
  const schedules = policy.repositoryBackup?.schedules;
  if (!schedules) return null;
  if (schedules.daily?.enabled) return Math.ceil(168 / schedules.daily.days.length);
  if (schedules.weekly?.enabled) return 168;
  if (schedules.monthly?.enabled) return 31 * 24;
  if (schedules.yearly?.enabled) return 366 * 24;
  return null;
}

const dayOf = (iso: string) => iso.slice(0, 10);

/**
 * "Am I protected?" in one answer: every resource of the inventory as protected, unprotected
 * (no policy), failing (its last backup session failed, or its continuous backup is not what the
 * policy says) or overdue (no repository restore point within one and a half schedule periods);
 * the sessions of the last 24 hours and 7 days; restore-point growth; repository sizes; the next
 * runs. Days are UTC days.
 */
export function dashboardSummary(deps: {
  inventory: Pick<InventoryStore, 'listResources'>;
  restorePoints: Pick<RestorePointsStore, 'list'>;
  policies: Policy[];
  sessions: Session[];
  repositories: { id: string; name: string; sizeBytes: number | null; restorePointCount: number | null }[];
  upcoming: { policyId: string; policyName: string; at: string; schedules: string[] }[];
  /** Each repository's daily size figures (RepositoriesStore.sizeHistory). */
  sizeHistory?: { repositoryId: string; day: string; sizeBytes: number }[];
  /** The scheduled configuration's interval (setting `configurationIntervalHours`): when a continuous window counts as not checked lately. */
  configurationIntervalHours?: number;
  now: Date;
}): DashboardSummary {
  const now = deps.now.getTime();
  const points = deps.restorePoints.list({ limit: 1_000_000 });
  const newestRepositoryPoint = new Map<string, string>();
  for (const point of points) {
    if (point.kind === 'continuous') continue;
    const key = point.resourceId.toLowerCase();
    if ((newestRepositoryPoint.get(key) ?? '') < point.pointTime) newestRepositoryPoint.set(key, point.pointTime);
  }
  const lastBackupSession = new Map<string, Session>();
  for (const session of deps.sessions) {
    if (session.kind !== 'backup' || !session.resourceId || !session.endedAt) continue;
    const key = session.resourceId.toLowerCase();
    if ((lastBackupSession.get(key)?.endedAt ?? '') < session.endedAt) lastBackupSession.set(key, session);
  }
  const rows: DashboardSummary['rows'] = [];
  // Each resource's governing policy, found once for the protection rows and the window health.
  const governed = deps.inventory.listResources().flatMap((resource) => (resource.deleted ? [] : [{ resource, policy: governingPolicy(deps.policies, resource)?.policy ?? null }]));
  for (const { resource, policy } of governed) {
    const lastBackupAt = newestRepositoryPoint.get(resource.id.toLowerCase()) ?? null;
    const repository = isRepositoryBackedUp(resource) && Boolean(policy?.repositoryBackup);
    const every = repository && policy ? expectedEveryHours(policy) : null;
    const backupMode = accountBackup(resource);
    let state: DashboardSummary['rows'][number]['state'] = 'protected';
    let reason = policy ? `Governed by ${policy.name}` : 'No policy covers it';
    if (!policy) state = 'unprotected';
    else if (repository && lastBackupSession.get(resource.id.toLowerCase())?.status === 'failed') {
      state = 'failing';
      reason = `Its last backup failed: ${lastBackupSession.get(resource.id.toLowerCase())!.summary ?? ''}`.trim();
    } else if (resource.kind === 'cosmosdb-account' && policy.continuousBackup?.enabled && !keepsTier(backupMode, policy.continuousBackup.tier)) {
      state = 'failing';
      reason = `Continuous backup is ${backupMode?.type === 'Continuous' ? (backupMode.tier ?? 'on') : (backupMode?.type ?? 'unknown')}, the policy says ${policy.continuousBackup.tier}`;
    } else if (every !== null && (!lastBackupAt || now - Date.parse(lastBackupAt) > every * 1.5 * HOUR)) {
      state = 'overdue';
      reason = lastBackupAt ? `No backup for ${Math.round((now - Date.parse(lastBackupAt)) / HOUR)} h (expected every ${every} h)` : 'Never backed up';
    }
    rows.push({ resourceId: resource.id, name: resource.name, kind: resource.kind, state, reason, policyName: policy?.name ?? null, lastBackupAt, expectedEveryHours: every });
  }
  const order = { failing: 0, overdue: 1, unprotected: 2, protected: 3 } as const;
  rows.sort((a, b) => order[a.state] - order[b.state] || (a.lastBackupAt ?? '').localeCompare(b.lastBackupAt ?? '') || a.name.localeCompare(b.name));

  const days = Array.from({ length: 7 }, (_, i) => dayOf(new Date(now - (6 - i) * DAY).toISOString()));
  const byDay = new Map(days.map((day) => [day, { day, succeeded: 0, warning: 0, failed: 0, canceled: 0 }]));
  const last24h = { succeeded: 0, warning: 0, failed: 0, canceled: 0, running: 0 };
  for (const session of deps.sessions) {
    const created = Date.parse(session.createdAt);
    const final = session.status === 'succeeded' || session.status === 'warning' || session.status === 'failed' || session.status === 'canceled' ? session.status : null;
    if (now - created <= DAY) {
      if (final) last24h[final]++;
      else last24h.running++;
    }
    const bucket = byDay.get(dayOf(session.createdAt));
    if (bucket && final) bucket[final]++;
  }

  const growthDays = Array.from({ length: 30 }, (_, i) => dayOf(new Date(now - (29 - i) * DAY).toISOString()));
  // One pass over the points: those before the window start the total, the rest count per day.
  const perDay = new Map<string, number>();
  let cumulative = 0;
  for (const point of points) {
    if (point.kind === 'continuous') continue;
    const day = dayOf(point.pointTime);
    if (day < growthDays[0]!) cumulative++;
    else perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const restorePointsByDay = growthDays.map((day) => {
    const count = perDay.get(day) ?? 0;
    cumulative += count;
    return { day, count, total: cumulative };
  });

  return {
    generatedAt: deps.now.toISOString(),
    continuousWindows: continuousWindowHealth(governed, points, now, deps.configurationIntervalHours),
    repositorySizeByDay: sizeByDay(growthDays, deps.repositories, deps.sizeHistory ?? []),
    counts: { protected: rows.filter((r) => r.state === 'protected').length, unprotected: rows.filter((r) => r.state === 'unprotected').length, failing: rows.filter((r) => r.state === 'failing').length, overdue: rows.filter((r) => r.state === 'overdue').length },
    rows,
    sessionsByDay: [...byDay.values()],
    sessionsLast24h: last24h,
    restorePointsByDay,
    repositories: deps.repositories.map((r) => ({ id: r.id, name: r.name, sizeBytes: r.sizeBytes, restorePointCount: r.restorePointCount })),
    upcoming: deps.upcoming.slice(0, 8),
  };
}

/**
 * The repositories' total stored size at the end of each day: each repository counts with its
 * latest figure on or before the day (carried forward over days without a change), and not before
 * its first figure. Repositories no longer in the catalog do not count.
 */
function sizeByDay(days: readonly string[], repositories: readonly { id: string }[], history: readonly { repositoryId: string; day: string; sizeBytes: number }[]): { day: string; bytes: number }[] {
  const known = new Set(repositories.map((r) => r.id));
  const byRepository = new Map<string, { day: string; sizeBytes: number }[]>();
  for (const row of history) {
    if (!known.has(row.repositoryId)) continue;
    const rows = byRepository.get(row.repositoryId) ?? [];
    rows.push(row);
    byRepository.set(row.repositoryId, rows);
  }
  const cursor = new Map<string, number>();
  const current = new Map<string, number>();
  return days.map((day) => {
    for (const [id, rows] of byRepository) {
      let i = cursor.get(id) ?? 0;
      while (i < rows.length && rows[i]!.day <= day) current.set(id, rows[i++]!.sizeBytes);
      cursor.set(id, i);
    }
    let bytes = 0;
    for (const size of current.values()) bytes += size;
    return { day, bytes };
  });
}
