import type { RestorePointRecordDto } from '../../../src-main/shared/catalog.ts';
import { nameFromResourceId } from './restore-points.ts';

/**
 * Continuous-backup restore-point records (written by every Azure sync) reduced to what the
 * timeline shows: the latest record per account, with its restorable window and facts.
 */

export interface ContinuousWindow {
  recordId: string;
  resourceId: string;
  name: string;
  /** Cosmos DB API (SQL, MongoDB, Gremlin, Table…) or the cluster kind. */
  api: string | null;
  location: string | null;
  /** Regions the account can be restored from. */
  restorableLocations: string[];
  backupTier: string | null;
  deleted: boolean;
  /** Oldest and latest restorable times (ISO). */
  start: string;
  end: string;
  /** When the record was written (the sync's time). */
  recordedAt: string;
  databaseCount: number;
  containerCount: number;
}

const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const asString = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/** Azure's API names as the portal shows them. */
const API_LABELS: Record<string, string> = { sql: 'NoSQL', mongodb: 'MongoDB (RU)', gremlin: 'Gremlin', table: 'Table', cassandra: 'Cassandra' };

/** "Sql" → "NoSQL"; unknown names as they are. */
export function apiLabel(api: string | null): string | null {
  return api ? (API_LABELS[api.toLowerCase()] ?? api) : null;
}

const CLUSTER_APIS: Record<string, string> = { 'postgres-cluster': 'PostgreSQL', 'mongo-vcore-cluster': 'MongoDB vCore' };

function readWindow(record: RestorePointRecordDto): ContinuousWindow | null {
  if (!record.windowStart || !record.windowEnd) return null;
  if (Number.isNaN(Date.parse(record.windowStart)) || Number.isNaN(Date.parse(record.windowEnd))) return null;
  const m = record.metadata;
  const databases = Array.isArray(m.databases) ? m.databases.map(asRecord) : [];
  const tables = Array.isArray(m.tables) ? m.tables.length : 0;
  const location = asString(m.location);
  const restorable = Array.isArray(m.restorableLocations) ? m.restorableLocations.filter((l): l is string => typeof l === 'string' && l !== '') : [];
  const resourceType = asString(m.resourceType);
  return {
    recordId: record.id,
    resourceId: record.resourceId,
    name: asString(m.accountName) ?? asString(m.name) ?? nameFromResourceId(record.resourceId),
    api: apiLabel(asString(m.api)) ?? (resourceType ? (CLUSTER_APIS[resourceType] ?? null) : null),
    location,
    restorableLocations: restorable.length ? restorable : location ? [location] : [],
    backupTier: asString(m.backupTier),
    deleted: m.deleted === true,
    start: record.windowStart,
    end: record.windowEnd,
    recordedAt: record.pointTime,
    databaseCount: databases.length,
    containerCount: databases.reduce((sum, db) => sum + (Array.isArray(db.children) ? db.children.length : 0), 0) + tables,
  };
}

/** The latest record (by record time) per account, accounts by name. Records without a window are skipped. */
export function latestWindows(records: readonly RestorePointRecordDto[]): ContinuousWindow[] {
  const latest = new Map<string, ContinuousWindow>();
  for (const record of records) {
    if (record.kind !== 'continuous') continue;
    const window = readWindow(record);
    if (!window) continue;
    const key = window.resourceId.toLowerCase();
    const current = latest.get(key);
    if (!current || window.recordedAt > current.recordedAt || (window.recordedAt === current.recordedAt && window.recordId > current.recordId)) latest.set(key, window);
  }
  return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name) || a.resourceId.localeCompare(b.resourceId));
}
