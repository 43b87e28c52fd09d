import type { Policy } from '../../shared/policy.ts';
import type { InventoryStore } from '../config-db/inventory-store.ts';
import type { RestorePointsStore } from '../config-db/restore-points-store.ts';
import { governingPolicy } from '../../shared/scope-matcher.ts';
import { isRepositoryBackedUp } from './resource-source.ts';

/** One resource's repository protection, for monitoring (`cosmos-backup protection --json`). */
export interface ProtectionRow {
  resourceId: string;
  resourceName: string;
  /** Inventory kind, or the engine of an ad-hoc server (`postgres`). */
  kind: string;
  /** The policy that governs it (highest priority), or null. */
  policyName: string | null;
  /** Time of its newest repository restore point (UTC), or null when it has none. */
  lastSuccessfulBackupAt: string | null;
  /** Hours since then, at the time of the report. */
  hoursSinceLastBackup: number | null;
  restorePointCount: number;
}

/**
 * The last successful backup of every resource that has repository restore points or that a
 * policy's repository backup should cover, newest-missing first. A restore point in the catalog is
 * the proof: a backup that failed left none.
 */
export function protectionStatus(deps: { inventory: Pick<InventoryStore, 'listResources'>; restorePoints: Pick<RestorePointsStore, 'list'>; policies: () => Policy[]; now: Date }): ProtectionRow[] {
  const policies = deps.policies();
  const rows = new Map<string, ProtectionRow>();
  const points = [...deps.restorePoints.list({ kind: 'repository', limit: 1_000_000 }), ...deps.restorePoints.list({ kind: 'archive', limit: 1_000_000 })];
  for (const resource of deps.inventory.listResources()) {
    if (resource.deleted) continue;
    const governing = governingPolicy(policies, resource)?.policy ?? null;
    if (!isRepositoryBackedUp(resource)) continue;
    rows.set(resource.id.toLowerCase(), { resourceId: resource.id, resourceName: resource.name, kind: resource.kind, policyName: governing?.name ?? null, lastSuccessfulBackupAt: null, hoursSinceLastBackup: null, restorePointCount: 0 });
  }
  for (const point of points) {
    const key = point.resourceId.toLowerCase();
    const metadata = point.metadata as { resourceName?: string; resourceKind?: string };
    const row = rows.get(key) ?? { resourceId: point.resourceId, resourceName: metadata.resourceName ?? point.resourceId, kind: metadata.resourceKind ?? 'unknown', policyName: null, lastSuccessfulBackupAt: null, hoursSinceLastBackup: null, restorePointCount: 0 };
    row.restorePointCount++;
    if (!row.lastSuccessfulBackupAt || point.pointTime > row.lastSuccessfulBackupAt) row.lastSuccessfulBackupAt = point.pointTime;
    rows.set(key, row);
  }
  for (const row of rows.values()) {
    if (row.lastSuccessfulBackupAt) row.hoursSinceLastBackup = Math.round(((deps.now.getTime() - Date.parse(row.lastSuccessfulBackupAt)) / 3_600_000) * 10) / 10;
  }
  // Never backed up first, then the stalest.
  return [...rows.values()].sort((a, b) => (a.lastSuccessfulBackupAt ?? '').localeCompare(b.lastSuccessfulBackupAt ?? '') || a.resourceName.localeCompare(b.resourceName));
}
