import type { Policy } from '../../shared/policy.ts';
import type { ProtectedResourceRecord } from '../config-db/inventory-store.ts';
import type { RestorePointRecord } from '../config-db/restore-points-store.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export type WindowHealthState = 'healthy' | 'growing' | 'drifted' | 'stale' | 'missing';

export interface WindowHealthRow {
  resourceId: string;
  name: string;
  state: WindowHealthState;
  reason: string;
  /** The restorable window the last record saw, in days (null without a record). */
  windowDays: number | null;
  /** What the policy's tier keeps: 7 or 30 days. */
  tierDays: number;
  recordedAt: string | null;
}

const days = (ms: number) => Math.round((ms / DAY) * 10) / 10;

/** An account's backup as the inventory keeps it (CosmosAccountFacts): `{ type, tier }` for continuous. */
export function accountBackup(resource: ProtectedResourceRecord): { type?: string; tier?: string | null } | undefined {
  return (resource.properties as { backup?: { type?: string; tier?: string | null } }).backup;
}

/** Whether an account's backup is continuous at the tier a policy asks for. */
export function keepsTier(backup: ReturnType<typeof accountBackup>, tier: string): boolean {
  return backup?.type === 'Continuous' && backup.tier === tier;
}

/**
 * Whether continuous backup gives each account the window its governing policy asks for, from the newest
 * continuous restore-point record of every account a policy protects with continuous backup:
 * healthy (the full tier, checked lately), growing (shorter than the tier: a new account or a tier
 * raised lately; it grows by itself), drifted (the account keeps another tier than the policy's: the
 * configuration has not applied it), stale (not checked for three configuration intervals, and at
 * least a day: the scheduled configuration is not running) or missing (never recorded: no sync has
 * seen it). Deleted accounts are left out.
 */
export function continuousWindowHealth(governed: readonly { resource: ProtectedResourceRecord; policy: Policy | null }[], records: readonly RestorePointRecord[], nowMs: number, configurationIntervalHours = 8): WindowHealthRow[] {
  const staleAfterMs = Math.max(DAY, 3 * configurationIntervalHours * HOUR);
  const newest = new Map<string, RestorePointRecord>();
  for (const record of records) {
    if (record.kind !== 'continuous') continue;
    const key = record.resourceId.toLowerCase();
    if ((newest.get(key)?.pointTime ?? '') < record.pointTime) newest.set(key, record);
  }
  const rows: WindowHealthRow[] = [];
  for (const { resource, policy } of governed) {
    if (resource.deleted || resource.kind !== 'cosmosdb-account') continue;
    const continuous = policy?.continuousBackup;
    if (!continuous?.enabled) continue;
    const tierDays = continuous.tier === 'Continuous30Days' ? 30 : 7;
    const record = newest.get(resource.id.toLowerCase());
    const base = { resourceId: resource.id, name: resource.name, tierDays };
    if (!record || !record.windowStart || !record.windowEnd) {
      rows.push({ ...base, state: 'missing', reason: 'No continuous-backup record yet: synchronize with Azure.', windowDays: null, recordedAt: record?.pointTime ?? null });
      continue;
    }
    const windowDays = days(Date.parse(record.windowEnd) - Date.parse(record.windowStart));
    const age = nowMs - Date.parse(record.pointTime);
    const backup = accountBackup(resource);
    let state: WindowHealthState = 'healthy';
    let reason = `${windowDays} of ${tierDays} days restorable.`;
    if (age > staleAfterMs) {
      state = 'stale';
      reason = `Not checked for ${days(age)} days: the scheduled configuration (every ${configurationIntervalHours} h) is not running, or failing.`;
    } else if (!keepsTier(backup, continuous.tier)) {
      state = 'drifted';
      reason = `The account keeps ${backup?.type === 'Continuous' ? (backup.tier ?? 'continuous backup') : `${(backup?.type ?? 'an unknown').toLowerCase()} backup`}, the policy asks for ${continuous.tier}: the configuration has not applied it yet (see its sessions).`;
    } else if (windowDays < tierDays - 0.5) {
      state = 'growing';
      reason = `${windowDays} of ${tierDays} days restorable: the window grows to the full tier by itself (a new account, or a tier raised lately).`;
    }
    rows.push({ ...base, state, reason, windowDays, recordedAt: record.pointTime });
  }
  const order: Record<WindowHealthState, number> = { stale: 0, drifted: 1, missing: 2, growing: 3, healthy: 4 };
  return rows.sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name));
}
