/** In-memory model of the emulated Azure estate. Times are epoch ms on the emulator clock. */

export type CosmosApi = 'Sql' | 'MongoDB' | 'Gremlin' | 'Table' | 'Cassandra';
export type ContinuousTier = 'Continuous7Days' | 'Continuous30Days';

export interface PeriodicBackup {
  type: 'Periodic';
  intervalMinutes: number;
  retentionHours: number;
  redundancy: 'Geo' | 'Local' | 'Zone';
}

export interface ContinuousBackup {
  type: 'Continuous';
  tier: ContinuousTier;
}

export type BackupPolicy = PeriodicBackup | ContinuousBackup;

/** A periodic → continuous migration; it completes at `completesAt`. */
export interface BackupMigration {
  status: 'InProgress' | 'Completed' | 'Failed';
  startTime: number;
  completesAt: number;
  tier: ContinuousTier;
}

/**
 * A database, container, collection, graph or table. One name may appear several times in a
 * list when it was deleted and created again; at most one of them is live (no `deletedAt`).
 */
export interface CosmosChild {
  name: string;
  rid: string;
  createdAt: number;
  deletedAt?: number;
  children: CosmosChild[];
}

export interface AccountLocation {
  name: string; // normalized, e.g. "westus"
  failoverPriority: number;
  isZoneRedundant: boolean;
  createdAt: number;
  regionalInstanceId: string;
}

export interface CosmosAccount {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string; // normalized
  api: CosmosApi;
  instanceId: string;
  createdAt: number;
  locations: AccountLocation[];
  backup: BackupPolicy;
  /** When continuous backup started (creation, or the end of a migration). */
  continuousSince?: number;
  migration?: BackupMigration;
  enableMultipleWriteLocations: boolean;
  keyVaultKeyUri?: string;
  publicNetworkAccess: 'Enabled' | 'Disabled' | 'SecuredByPerimeter';
  provisioningState: string;
  tags: Record<string, string>;
  createMode: 'Default' | 'Restore';
  restoreParameters?: Record<string, unknown>;
  consistencyLevel: string;
  serverVersion?: string;
  databases: CosmosChild[];
  deletedAt?: number;
  /** Id of the long-running operation that holds this account's lock, if any. */
  busyWith?: string;
  documentEndpoint?: string;
  connectionStrings?: { connectionString: string; description: string }[];
}

export interface ResourceGroup {
  name: string;
  location: string;
  tags: Record<string, string>;
}

export interface Subscription {
  subscriptionId: string;
  displayName: string;
  state: 'Enabled' | 'Disabled' | 'Warned' | 'PastDue' | 'Deleted';
  tenantId: string;
  /** When set, creating resources elsewhere is denied as by an Azure Policy. */
  allowedLocations?: string[];
  resourceGroups: Map<string, ResourceGroup>; // key: lower-case name
}

export interface PostgresCluster {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  createdAt: number;
  postgresqlVersion: string;
  citusVersion: string;
  nodeCount: number;
  coordinatorVCores: number;
  nodeVCores: number;
  coordinatorStorageQuotaInMb: number;
  nodeStorageQuotaInMb: number;
  administratorLogin: string;
  enableHa: boolean;
  provisioningState: string;
  state: string;
  sourceResourceId?: string;
  sourceLocation?: string;
  pointInTimeUTC?: string;
  /** Overrides the coordinator host name (e.g. 127.0.0.1 for a local test server). */
  coordinatorFqdn?: string;
  tags: Record<string, string>;
  busyWith?: string;
}

export interface MongoCluster {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  createdAt: number;
  serverVersion: string;
  administratorUserName: string;
  computeTier: string;
  storageSizeGb: number;
  shardCount: number;
  highAvailability: string;
  publicNetworkAccess: string;
  provisioningState: string;
  clusterStatus: string;
  createMode: string;
  restoreParameters?: { pointInTimeUTC: string; sourceResourceId: string };
  connectionString?: string;
  tags: Record<string, string>;
  busyWith?: string;
}

/** A generic ARM resource for compute/network stand-ins: body kept as ARM JSON. */
export interface GenericResource {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  type: string;
  name: string;
  body: Record<string, unknown>;
}
