import { isoSeconds } from '../clock.ts';
import { displayLocation } from './locations.ts';
import type { AccountLocation, CosmosAccount } from './types.ts';

/** ARM id of a database account. */
export function accountId(a: CosmosAccount): string {
  return `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.DocumentDB/databaseAccounts/${a.name}`;
}

/** Restorable account id: what restoreParameters.restoreSource points at. */
export function restorableAccountId(a: CosmosAccount): string {
  return `/subscriptions/${a.subscriptionId}/providers/Microsoft.DocumentDB/locations/${a.location}/restorableDatabaseAccounts/${a.instanceId}`;
}

const CAPABILITY: Record<string, string | undefined> = {
  MongoDB: 'EnableMongo',
  Gremlin: 'EnableGremlin',
  Table: 'EnableTable',
  Cassandra: 'EnableCassandra',
};

function locationEntry(a: CosmosAccount, l: AccountLocation): Record<string, unknown> {
  return {
    id: `${a.name}-${l.name}`,
    locationName: displayLocation(l.name),
    documentEndpoint: `https://${a.name}-${l.name}.documents.azure.com:443/`,
    provisioningState: a.provisioningState === 'Creating' ? 'Creating' : 'Succeeded',
    failoverPriority: l.failoverPriority,
    isZoneRedundant: l.isZoneRedundant,
  };
}

function backupPolicy(a: CosmosAccount): Record<string, unknown> {
  const migrationState = a.migration
    ? { status: a.migration.status, targetType: 'Continuous', startTime: isoSeconds(a.migration.startTime) }
    : undefined;
  if (a.backup.type === 'Periodic') {
    return {
      type: 'Periodic',
      periodicModeProperties: {
        backupIntervalInMinutes: a.backup.intervalMinutes,
        backupRetentionIntervalInHours: a.backup.retentionHours,
        backupStorageRedundancy: a.backup.redundancy,
      },
      ...(migrationState ? { migrationState } : {}),
    };
  }
  return { type: 'Continuous', continuousModeProperties: { tier: a.backup.tier }, ...(migrationState ? { migrationState } : {}) };
}

/** A database account as DatabaseAccounts_Get returns it (see CosmosDBDatabaseAccountGet.json). */
export function renderAccount(a: CosmosAccount): Record<string, unknown> {
  const sorted = [...a.locations].sort((x, y) => x.failoverPriority - y.failoverPriority);
  const locations = sorted.map((l) => locationEntry(a, l));
  const capability = CAPABILITY[a.api];
  return {
    id: accountId(a),
    name: a.name,
    location: displayLocation(a.location),
    type: 'Microsoft.DocumentDB/databaseAccounts',
    kind: a.api === 'MongoDB' ? 'MongoDB' : 'GlobalDocumentDB',
    tags: a.tags,
    properties: {
      provisioningState: a.provisioningState,
      documentEndpoint: a.documentEndpoint ?? `https://${a.name}.documents.azure.com:443/`,
      ipRules: [],
      isVirtualNetworkFilterEnabled: false,
      virtualNetworkRules: [],
      databaseAccountOfferType: 'Standard',
      disableKeyBasedMetadataWriteAccess: false,
      defaultIdentity: 'FirstPartyIdentity',
      consistencyPolicy: { defaultConsistencyLevel: a.consistencyLevel, maxIntervalInSeconds: 5, maxStalenessPrefix: 100 },
      enableAutomaticFailover: false,
      enableMultipleWriteLocations: a.enableMultipleWriteLocations,
      capabilities: capability ? [{ name: capability }] : [],
      writeLocations: a.enableMultipleWriteLocations ? locations : locations.slice(0, 1),
      readLocations: locations,
      locations,
      failoverPolicies: sorted.map((l) => ({ id: `${a.name}-${l.name}`, locationName: displayLocation(l.name), failoverPriority: l.failoverPriority })),
      privateEndpointConnections: [],
      cors: [],
      enableFreeTier: false,
      apiProperties: a.api === 'MongoDB' ? { serverVersion: a.serverVersion ?? '4.2' } : {},
      enableAnalyticalStorage: false,
      instanceId: a.instanceId,
      createMode: a.createMode,
      ...(a.restoreParameters ? { restoreParameters: a.restoreParameters } : {}),
      ...(a.keyVaultKeyUri ? { keyVaultKeyUri: a.keyVaultKeyUri } : {}),
      publicNetworkAccess: a.publicNetworkAccess,
      backupPolicy: backupPolicy(a),
      networkAclBypass: 'None',
      networkAclBypassResourceIds: [],
      minimalTlsVersion: 'Tls12',
    },
    systemData: { createdAt: isoSeconds(a.createdAt) },
  };
}
