import type { z } from 'zod';
import type { azureResourceSchema } from '../../../src-main/shared/azure-contract.ts';
import type { Policy, ResourceKind } from '../../../src-main/shared/policy.ts';
import { apiLabel } from './continuous-windows.ts';
import { governingPolicy } from '../../../src-main/shared/scope-matcher.ts';

/**
 * The Resources view's rows: an inventory record (as the last Azure sync stored it) reduced to
 * the facts the table shows, and the filters over them. Pure functions.
 */

/** An inventory record as `azure.resources` returns it. */
export type AzureResource = z.infer<typeof azureResourceSchema>;

export type BackupMode = 'continuous' | 'periodic' | 'cluster' | 'unknown';

/** One row of the inventory table. */
export interface ResourceRow {
  resource: AzureResource;
  /** "Cosmos DB · NoSQL", "Cosmos DB for PostgreSQL", "MongoDB vCore". */
  kindLabel: string;
  locations: string[];
  backupMode: BackupMode;
  /** "Continuous · 7 days", "Periodic · every 4 h, kept 8 h", "Point in time (automatic)". */
  backupLabel: string;
  /** The periodic→continuous migration while Azure reports one ("InProgress"…), else null. */
  migration: string | null;
  policy: Policy | null;
  /** Whether a point-in-time restore can be started from it (continuous Cosmos DB, or a cluster). */
  restorable: boolean;
  /** Why it cannot be restored in time, when it cannot. */
  notRestorableReason: string | null;
}

export const KIND_LABELS: Record<ResourceKind, string> = {
  'cosmosdb-account': 'Cosmos DB account',
  'postgres-cluster': 'Cosmos DB for PostgreSQL',
  'mongo-vcore-cluster': 'MongoDB vCore',
};

/** Whether a resource is backed up into a repository (PostgreSQL clusters, MongoDB vCore clusters, MongoDB RU accounts). */
export function backsUpToRepository(resource: Pick<AzureResource, 'kind' | 'api' | 'deleted'>): boolean {
  if (resource.deleted) return false;
  return resource.kind === 'postgres-cluster' || resource.kind === 'mongo-vcore-cluster' || (resource.kind === 'cosmosdb-account' && resource.api === 'MongoDB');
}

/** Whether backups of a resource need a database login (a MongoDB RU account's key comes from ARM instead). */
export function needsDatabaseLogin(resource: Pick<AzureResource, 'kind' | 'api'>): boolean {
  return !(resource.kind === 'cosmosdb-account' && resource.api === 'MongoDB');
}

/** The login a resource's administrator usually has: `citus` on Cosmos DB for PostgreSQL; MongoDB vCore has none by default. */
export function defaultLoginName(resource: Pick<AzureResource, 'kind'>): string {
  return resource.kind === 'postgres-cluster' ? 'citus' : '';
}

const asRecord = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const asString = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const asNumber = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** "Continuous7Days" → "7 days". */
export function tierLabel(tier: string | null): string | null {
  const days = tier ? /^Continuous(\d+)Days$/i.exec(tier)?.[1] : undefined;
  return days ? `${days} days` : tier;
}

/** Retention of a continuous tier in days, when the tier says it. */
export function tierDays(tier: string | null): number | null {
  const days = tier ? /^Continuous(\d+)Days$/i.exec(tier)?.[1] : undefined;
  return days ? Number(days) : null;
}

function hours(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`;
}

function backupOf(resource: AzureResource): { mode: BackupMode; label: string } {
  if (resource.kind !== 'cosmosdb-account') return { mode: 'cluster', label: 'Point in time (automatic)' };
  const backup = asRecord(resource.properties.backup);
  if (backup.type === 'Continuous') {
    const tier = tierLabel(asString(backup.tier));
    return { mode: 'continuous', label: tier ? `Continuous · ${tier}` : 'Continuous' };
  }
  if (backup.type === 'Periodic') {
    const interval = asNumber(backup.intervalMinutes);
    const retention = asNumber(backup.retentionHours);
    const parts = [interval !== null ? `every ${hours(interval)}` : null, retention !== null ? `kept ${retention} h` : null].filter(Boolean);
    return { mode: 'periodic', label: parts.length ? `Periodic · ${parts.join(', ')}` : 'Periodic' };
  }
  return { mode: 'unknown', label: 'Unknown' };
}

function locationsOf(resource: AzureResource): string[] {
  const listed = resource.properties.locations;
  const locations = Array.isArray(listed) ? listed.filter((l): l is string => typeof l === 'string' && l !== '') : [];
  return locations.length ? locations : resource.location ? [resource.location] : [];
}

/** Reduces an inventory record to its row; `policies` decide the governing policy. */
export function readResource(resource: AzureResource, policies: readonly Policy[]): ResourceRow {
  const backup = backupOf(resource);
  const migration = asString(asRecord(resource.properties.migration).status);
  const api = resource.kind === 'cosmosdb-account' ? apiLabel(resource.api) : null;
  let notRestorableReason: string | null = null;
  if (resource.kind === 'cosmosdb-account') {
    if (resource.api === 'Cassandra') notRestorableReason = 'Cassandra API accounts cannot be restored in time through this app.';
    else if (backup.mode !== 'continuous') notRestorableReason = 'Only accounts with continuous backup can be restored to a point in time.';
  } else if (!asString(resource.properties.earliestRestoreTime)) {
    notRestorableReason = 'The cluster reports no restorable time yet.';
  }
  return {
    resource,
    kindLabel: api ? `${KIND_LABELS[resource.kind]} · ${api}` : KIND_LABELS[resource.kind],
    locations: locationsOf(resource),
    backupMode: backup.mode,
    backupLabel: backup.label,
    migration,
    policy: governingPolicy(policies, resource)?.policy ?? null,
    restorable: notRestorableReason === null,
    notRestorableReason,
  };
}

/** The filters above the table; empty values do not filter. */
export interface ResourceFilter {
  kind: ResourceKind | '';
  subscriptionId: string;
  text: string;
  showDeleted: boolean;
}

export const EMPTY_FILTER: ResourceFilter = { kind: '', subscriptionId: '', text: '', showDeleted: true };

/** Rows matching the filter, by name. The text matches name, resource group, location, API and policy. */
export function filterRows(rows: readonly ResourceRow[], filter: ResourceFilter): ResourceRow[] {
  const text = filter.text.trim().toLowerCase();
  return rows
    .filter((row) => {
      const r = row.resource;
      if (filter.kind && r.kind !== filter.kind) return false;
      if (filter.subscriptionId && r.subscriptionId.toLowerCase() !== filter.subscriptionId.toLowerCase()) return false;
      if (!filter.showDeleted && r.deleted) return false;
      if (!text) return true;
      return [r.name, r.resourceGroup, r.id, row.kindLabel, ...row.locations, row.policy?.name ?? ''].some((field) => field.toLowerCase().includes(text));
    })
    .sort((a, b) => a.resource.name.localeCompare(b.resource.name) || a.resource.id.localeCompare(b.resource.id));
}

/** The subscriptions present in the inventory, for the filter's choices. */
export function subscriptionsOf(resources: readonly AzureResource[]): string[] {
  return [...new Set(resources.map((r) => r.subscriptionId))].sort();
}

/** The newest sync time in the inventory (ISO), or null when nothing was synced. */
export function lastSyncedAt(resources: readonly AzureResource[]): string | null {
  return resources.reduce<string | null>((latest, r) => (latest === null || r.syncedAt > latest ? r.syncedAt : latest), null);
}
