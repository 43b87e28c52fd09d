import type { DatabaseAccountGetResults, RestorableDatabaseAccountGetResult } from '@azure/arm-cosmosdb';

/** The Cosmos DB APIs, as capabilities and kind name them. */
export const COSMOS_APIS = ['Sql', 'MongoDB', 'Gremlin', 'Table', 'Cassandra'] as const;
export type CosmosApi = (typeof COSMOS_APIS)[number];

/** What the app keeps about a database account (stored as the inventory record's `properties`). */
export interface CosmosAccountFacts {
  api: CosmosApi;
  kind: string;
  capabilities: string[];
  /** Regions in failover order, as ARM names them ("West US"). */
  locations: string[];
  backup:
    | { type: 'Continuous'; tier: string | null }
    | { type: 'Periodic'; intervalMinutes: number | null; retentionHours: number | null; redundancy: string | null };
  /** Periodic → continuous migration, while ARM reports one. */
  migration: { status: string; targetType: string | null; startTime: string | null } | null;
  multipleWriteLocations: boolean;
  /** Customer-managed key, when the account uses one. */
  keyVaultKeyUri: string | null;
  instanceId: string | null;
  provisioningState: string | null;
  publicNetworkAccess: string | null;
  createMode: string | null;
  /** Cosmos DB for MongoDB (RU): the API version the account serves (`apiProperties.serverVersion`, e.g. "4.2"). */
  serverVersion: string | null;
}

/** The API of an account: MongoDB by kind, the others by capability, NoSQL (Sql) otherwise. */
export function apiOf(kind: string | undefined, capabilities: readonly string[]): CosmosApi {
  if (kind === 'MongoDB' || capabilities.includes('EnableMongo')) return 'MongoDB';
  if (capabilities.includes('EnableGremlin')) return 'Gremlin';
  if (capabilities.includes('EnableTable')) return 'Table';
  if (capabilities.includes('EnableCassandra')) return 'Cassandra';
  return 'Sql';
}

/** Reduces the SDK's account model to the facts the app decides on. */
export function accountFacts(account: DatabaseAccountGetResults): CosmosAccountFacts {
  const capabilities = (account.capabilities ?? []).map((c) => c.name ?? '').filter(Boolean);
  const policy = account.backupPolicy as
    | { type?: string; continuousModeProperties?: { tier?: string }; periodicModeProperties?: { backupIntervalInMinutes?: number; backupRetentionIntervalInHours?: number; backupStorageRedundancy?: string }; migrationState?: { status?: string; targetType?: string; startTime?: Date } }
    | undefined;
  const backup: CosmosAccountFacts['backup'] =
    policy?.type === 'Continuous'
      ? { type: 'Continuous', tier: policy.continuousModeProperties?.tier ?? null }
      : {
          type: 'Periodic',
          intervalMinutes: policy?.periodicModeProperties?.backupIntervalInMinutes ?? null,
          retentionHours: policy?.periodicModeProperties?.backupRetentionIntervalInHours ?? null,
          redundancy: policy?.periodicModeProperties?.backupStorageRedundancy ?? null,
        };
  const m = policy?.migrationState;
  const locations = [...(account.locations ?? [])].sort((a, b) => (a.failoverPriority ?? 0) - (b.failoverPriority ?? 0)).map((l) => l.locationName ?? '');
  return {
    api: apiOf(account.kind, capabilities),
    kind: account.kind ?? 'GlobalDocumentDB',
    capabilities,
    locations,
    backup,
    migration: m?.status ? { status: m.status, targetType: m.targetType ?? null, startTime: m.startTime ? new Date(m.startTime).toISOString() : null } : null,
    multipleWriteLocations: account.enableMultipleWriteLocations ?? false,
    keyVaultKeyUri: account.keyVaultKeyUri ?? null,
    instanceId: account.instanceId ?? null,
    provisioningState: account.provisioningState ?? null,
    publicNetworkAccess: account.publicNetworkAccess ?? null,
    createMode: account.createMode ?? null,
    serverVersion: account.apiProperties?.serverVersion ?? null,
  };
}

/** Why an account cannot have its backup managed through continuous backup, or null when it can. */
export function unsupportedReason(facts: Pick<CosmosAccountFacts, 'api'>): string | null {
  if (facts.api === 'Cassandra') {
    return 'Cassandra API accounts are not managed here: point-in-time restore and the periodic-to-continuous migration of Cassandra accounts are not available through the resource provider API the app uses.';
  }
  return null;
}

/** Parts of an ARM id: /subscriptions/S/resourceGroups/G/providers/P/T/N. */
export function parseResourceId(id: string): { subscriptionId: string; resourceGroup: string; provider: string; type: string; name: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(id);
  if (!m) throw new Error(`Not an ARM resource id: ${id}`);
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, provider: m[3]!, type: m[4]!, name: m[5]! };
}

/** A restorable (live or deleted) account as the app records it. */
export interface RestorableAccountFacts {
  /** The restore source id (…/locations/L/restorableDatabaseAccounts/INSTANCE). */
  id: string;
  instanceId: string;
  accountName: string;
  location: string;
  api: string;
  creationTime: string | null;
  deletionTime: string | null;
  oldestRestorableTime: string | null;
  restorableLocations: string[];
}

export function restorableFacts(r: RestorableDatabaseAccountGetResult): RestorableAccountFacts {
  const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : null);
  return {
    id: r.id ?? '',
    instanceId: r.name ?? '',
    accountName: r.accountName ?? '',
    location: r.location ?? '',
    api: r.apiType ?? 'Sql',
    creationTime: iso(r.creationTime),
    deletionTime: iso(r.deletionTime),
    oldestRestorableTime: iso(r.oldestRestorableTime),
    restorableLocations: (r.restorableLocations ?? []).map((l) => l.locationName ?? '').filter(Boolean),
  };
}

/** "West US" → "westus": ARM accepts both; comparisons use this form. */
export function normalizeRegion(name: string): string {
  return name.replace(/\s+/g, '').toLowerCase();
}
