import type { RestorableAtView } from '../../../src-main/shared/azure-contract.ts';
import { deletedItems, type DeletedItem } from '../../../src-main/shared/deleted-items.ts';
import type { RestorePointRecordDto } from '../../../src-main/shared/catalog.ts';
import type { ResourceKind } from '../../../src-main/shared/policy.ts';
import type { AzureResource } from './azure-resources.ts';
import { tierDays } from './azure-resources.ts';
import { nameFromResourceId } from './restore-points.ts';

/**
 * What the point-in-time restore wizard restores from: a Cosmos DB account or a cluster, its
 * restorable window, restorable regions and the databases/containers/tables it held, taken from
 * its latest continuous restore-point record (which outlives a deleted account) and the inventory.
 */

export type RestoreKind = 'new-account' | 'in-account' | 'cluster';

/** A database and its containers / collections / graphs. */
export interface DatabaseEntry {
  name: string;
  children: string[];
}

/** Something deleted since an earlier record, restorable inside the account (in-account restore). */
export type DeletedCandidate = DeletedItem;

export interface PitrSource {
  resourceId: string;
  name: string;
  kind: ResourceKind;
  /** Azure's API name (Sql, MongoDB, Gremlin, Table, Cassandra) or null for PostgreSQL. */
  api: string | null;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  deleted: boolean;
  /** The recorded window; `end` null means "now" (a live account's latest restorable time follows the clock). */
  window: { start: string; end: string | null } | null;
  /** Continuous-backup retention in days, when known: the window's start follows `now - days`. */
  retentionDays: number | null;
  /** Regions a new account can be restored into (ARM's names, "West US"). */
  restorableLocations: string[];
  databases: DatabaseEntry[];
  tables: string[];
  /** Databases and containers earlier records knew that the latest one does not. */
  deletedCandidates: DeletedCandidate[];
  /** The record used, or null when the source came from the inventory only. */
  restorePointId: string | null;
  recordedAt: string | null;
  /**
   * Set when `databases`, `tables` and `deletedCandidates` are Azure's list at this instant (the
   * chosen restore time) rather than the latest record's: see `atChosenTime`.
   */
  listedAt: string | null;
}

const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const asString = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : []);

function databasesOf(metadata: Record<string, unknown>): DatabaseEntry[] {
  if (!Array.isArray(metadata.databases)) return [];
  return metadata.databases.map(asRecord).flatMap((db) => (asString(db.name) ? [{ name: asString(db.name)!, children: strings(db.children) }] : []));
}

/** Newest record first (by record time, then id). */
function newestFirst(records: readonly RestorePointRecordDto[]): RestorePointRecordDto[] {
  return [...records].sort((a, b) => (a.pointTime === b.pointTime ? b.id.localeCompare(a.id) : b.pointTime.localeCompare(a.pointTime)));
}

/**
 * The source for a resource id, from its continuous records (any order) and its inventory record
 * (either may be missing); null when neither is known.
 */
export function buildPitrSource(resourceId: string, resource: AzureResource | null, records: readonly RestorePointRecordDto[]): PitrSource | null {
  const own = newestFirst(records.filter((r) => r.kind === 'continuous' && r.resourceId.toLowerCase() === resourceId.toLowerCase()));
  const record = own[0] ?? null;
  if (!record && !resource) return null;
  const m = record?.metadata ?? {};
  const p = resource?.properties ?? {};
  const resourceType = asString(m.resourceType);
  const kind: ResourceKind = resource?.kind ?? (resourceType === 'postgres-cluster' || resourceType === 'mongo-vcore-cluster' ? resourceType : 'cosmosdb-account');
  const restorable = asRecord(p.restorable);
  const deleted = resource?.deleted ?? m.deleted === true;
  const databases = databasesOf(m);
  const tier = asString(m.backupTier) ?? asString(asRecord(p.backup).tier);

  let window: PitrSource['window'] = null;
  if (record?.windowStart && record.windowEnd) window = { start: record.windowStart, end: deleted ? record.windowEnd : null };
  else if (kind === 'cosmosdb-account' && asString(restorable.oldestRestorableTime)) window = { start: asString(restorable.oldestRestorableTime)!, end: deleted ? asString(restorable.deletionTime) : null };
  else if (kind !== 'cosmosdb-account' && asString(p.earliestRestoreTime)) window = { start: asString(p.earliestRestoreTime)!, end: null };

  const location = asString(m.location) ?? resource?.location ?? '';
  const restorableLocations = strings(m.restorableLocations).length ? strings(m.restorableLocations) : strings(restorable.restorableLocations).length ? strings(restorable.restorableLocations) : strings(p.locations);
  return {
    resourceId,
    name: resource?.name ?? asString(m.accountName) ?? asString(m.name) ?? nameFromResourceId(resourceId),
    kind,
    api: resource?.api ?? asString(m.api),
    subscriptionId: resource?.subscriptionId ?? asString(m.subscriptionId) ?? '',
    resourceGroup: resource?.resourceGroup || asString(m.resourceGroup) || '',
    location,
    deleted,
    window,
    retentionDays: deleted ? null : tierDays(tier),
    restorableLocations: restorableLocations.length ? restorableLocations : location ? [location] : [],
    databases,
    tables: strings(m.tables),
    deletedCandidates: deleted ? [] : deletedItems(own.slice(1).flatMap((older) => databasesOf(older.metadata)), databases),
    restorePointId: record?.id ?? null,
    recordedAt: record?.pointTime ?? null,
    listedAt: null,
  };
}

/**
 * The source as it was at the chosen time, from Azure's restorable-resources-at-timestamp list:
 * the databases, containers and tables that existed then (what a new account can be given), and
 * of those the ones deleted now (the only ones an in-account restore can bring back).
 */
export function atChosenTime(source: PitrSource, view: RestorableAtView): PitrSource {
  const deleted = view.deleted ? [...view.deleted.items, ...view.deleted.tables.map((table) => ({ database: table, child: null }))] : [];
  return { ...source, databases: view.databases, tables: view.tables, deletedCandidates: deleted, listedAt: view.timestamp };
}

/** The restore kinds a source allows, each with why not when it does not. */
export function restoreKinds(source: PitrSource): { kind: RestoreKind; label: string; available: boolean; reason: string | null }[] {
  const cluster = source.kind !== 'cosmosdb-account';
  const cassandra = source.api === 'Cassandra';
  const inAccountApi = source.api === 'Sql' || source.api === 'MongoDB' || source.api === 'Gremlin';
  return [
    { kind: 'new-account', label: 'Into a new account', available: !cluster && !cassandra && source.window !== null, reason: cluster ? 'Clusters are restored as a new cluster.' : cassandra ? 'Cassandra API accounts cannot be restored here.' : source.window ? null : 'No restorable window is known: synchronize with Azure first.' },
    {
      kind: 'in-account',
      label: 'Deleted databases or containers, inside the account',
      available: !cluster && inAccountApi && !source.deleted && source.window !== null,
      reason: cluster ? 'Not for clusters.' : source.deleted ? 'The account itself is deleted: restore it into a new account.' : !inAccountApi ? `In-account restore is available for NoSQL, MongoDB and Gremlin accounts.` : source.window ? null : 'No restorable window is known.',
    },
    { kind: 'cluster', label: 'Into a new cluster', available: cluster && source.window !== null, reason: cluster ? (source.window ? null : 'The cluster reports no restorable time yet.') : 'Only for PostgreSQL and MongoDB vCore clusters.' },
  ];
}

/** What a database's children are called for this API. */
export function childNoun(api: string | null, plural = false): string {
  const noun = api === 'MongoDB' ? 'collection' : api === 'Gremlin' ? 'graph' : 'container';
  return plural ? `${noun}s` : noun;
}
