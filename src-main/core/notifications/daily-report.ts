import { formatBytes } from '../../shared/format-units.ts';
import type { Policy } from '../../shared/policy.ts';
import type { InventoryStore } from '../config-db/inventory-store.ts';
import type { RepositoriesStore } from '../config-db/repositories-store.ts';
import type { RestorePointsStore } from '../config-db/restore-points-store.ts';
import { protectionStatus } from '../jobs/protection-status.ts';
import type { SessionManager } from '../sessions/session-manager.ts';

/** What the daily report reads. */
export interface ReportSources {
  readonly sessions: SessionManager;
  readonly inventory: Pick<InventoryStore, 'listResources'>;
  readonly restorePoints: Pick<RestorePointsStore, 'list'>;
  readonly repositories: Pick<RepositoriesStore, 'list'>;
  readonly policies: () => Policy[];
}

/**
 * The daily report: resources protected, the last successful backup of each (never-backed-up and
 * stalest first), failed and warned scheduled work of the last 24 hours, and storage used per
 * repository. Plain text, UTC times.
 */
export function dailyReport(sources: ReportSources, now: Date): { subject: string; text: string } {
  const rows = protectionStatus({ inventory: sources.inventory, restorePoints: sources.restorePoints, policies: sources.policies, now });
  const since = now.getTime() - 86_400_000;
  const recent = sources.sessions.list({ limit: 1000 }).filter((s) => !s.parentId && s.endedAt && Date.parse(s.endedAt) >= since);
  const failed = recent.filter((s) => s.status === 'failed');
  const warned = recent.filter((s) => s.status === 'warning');
  const neverBackedUp = rows.filter((r) => !r.lastSuccessfulBackupAt);
  const text = [
    `Cosmos Backup daily report, ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Resources: ${rows.length}, of which ${rows.length - neverBackedUp.length} have a repository backup and ${neverBackedUp.length} have none.`,
    `Sessions of the last 24 h: ${recent.length} (${failed.length} failed, ${warned.length} with warnings).`,
    '',
    'Last successful backup per resource (UTC):',
    ...rows.map((r) => `  ${r.resourceName.padEnd(30)} ${r.lastSuccessfulBackupAt ? `${r.lastSuccessfulBackupAt.slice(0, 16).replace('T', ' ')} (${r.hoursSinceLastBackup} h ago)` : 'never'}${r.policyName ? `  policy ${r.policyName}` : ''}`),
    ...(failed.length ? ['', 'Failed:', ...failed.map((s) => `  ${s.title}: ${s.summary ?? ''}`)] : []),
    ...(warned.length ? ['', 'With warnings:', ...warned.map((s) => `  ${s.title}: ${s.summary ?? ''}`)] : []),
    '',
    'Storage:',
    ...sources.repositories.list().map((r) => `  ${r.name.padEnd(30)} ${r.sizeBytes === null ? 'size unknown' : formatBytes(r.sizeBytes)}, ${r.restorePointCount ?? '?'} restore points${r.isArchive ? ' (archive)' : ''}`),
  ].join('\n');
  const state = failed.length ? `${failed.length} failed` : neverBackedUp.length ? `${neverBackedUp.length} resource(s) never backed up` : 'all well';
  return { subject: `Cosmos Backup daily report: ${state}`, text };
}
