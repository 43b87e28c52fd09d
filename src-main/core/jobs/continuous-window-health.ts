import type { Policy } from '../../shared/policy.ts';
import type { ProtectedResourceRecord } from '../config-db/inventory-store.ts';
import type { RestorePointRecord } from '../config-db/restore-points-store.ts';
import { governingPolicy } from '../../shared/scope-matcher.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The configuration session checks every 8 hours; a record older than a day means checks stopped. */
const STALE_AFTER_MS = DAY;

export type WindowHealthState = 'healthy' | 'growing' | 'stale' | 'missing';

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

/**
 * Whether continuous backup gives each account the window its policy asks for, from the newest
 * continuous restore-point record of every account a policy protects with continuous backup:
 * healthy (the full tier, checked within a day), growing (shorter than the tier: a new account or a
 * tier raised lately; it grows by itself), stale (not checked for a day: the scheduled configuration
 * is not running) or missing (never recorded: no sync has seen it). Deleted accounts are left out.
 */
export function continuousWindowHealth(resources: readonly ProtectedResourceRecord[], policies: readonly Policy[], records: readonly RestorePointRecord[], nowMs: number): WindowHealthRow[] {
  const newest = new Map<string, RestorePointRecord>();
  for (const record of records) {
    if (record.kind !== 'continuous') continue;
    const key = record.resourceId.toLowerCase();
    if ((newest.get(key)?.pointTime ?? '') < record.pointTime) newest.set(key, record);
  }
  const rows: WindowHealthRow[] = [];
  for (const resource of resources) {
    if (resource.deleted || resource.kind !== 'cosmosdb-account') continue;
    const continuous = governingPolicy([...policies], resource)?.policy.continuousBackup;
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
    let state: WindowHealthState = 'healthy';
    let reason = `${windowDays} of ${tierDays} days restorable.`;
    if (age > STALE_AFTER_MS) {
      state = 'stale';
      reason = `Not checked for ${days(age)} days: the scheduled configuration (every 8 h) is not running, or failing.`;
    } else if (windowDays < tierDays - 0.5) {
      state = 'growing';
      reason = `${windowDays} of ${tierDays} days restorable: the window grows to the full tier by itself (a new account, or a tier raised lately).`;
    }
    rows.push({ ...base, state, reason, windowDays, recordedAt: record.pointTime });
  }
  const order: Record<WindowHealthState, number> = { stale: 0, missing: 1, growing: 2, healthy: 3 };
  return rows.sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name));
}
