import { AppError } from '../../shared/errors.ts';
import type { InventoryStore } from '../config-db/inventory-store.ts';

/** An Azure resource a backup is of: its restore points are grouped by this ARM id. */
export interface BackupResource {
  id: string;
  name: string;
  kind: string;
  region?: string;
}

/** An Azure resource of the inventory named for a backup, with the login to use on it. */
export interface ResourceSourceInput {
  resourceId: string;
  /** PostgreSQL default `citus`, the administrator Cosmos DB for PostgreSQL creates; MongoDB vCore: required; MongoDB RU: none (the key comes from ARM). */
  user?: string;
  /** Default `citus`. */
  database?: string;
  password?: string;
}

/**
 * Reads a Cosmos DB for MongoDB RU account's connection string (with its key) from ARM, for one
 * job. Provided by the Azure layer; the core never stores what it returns.
 */
export type MongoAccountConnectionString = (resourceId: string) => Promise<string>;

/** The kinds of inventory resources a policy backs up into a repository. */
export function isRepositoryBackedUp(record: { kind: string; api?: string | null }): boolean {
  return record.kind === 'postgres-cluster' || record.kind === 'mongo-vcore-cluster' || (record.kind === 'cosmosdb-account' && record.api === 'MongoDB');
}

/** True for resources whose login comes from ARM (Cosmos DB for MongoDB RU keys), not from a stored login. */
export function loginComesFromArm(record: { kind: string; api?: string | null }): boolean {
  return record.kind === 'cosmosdb-account' && record.api === 'MongoDB';
}

/**
 * The server behind an Azure resource of the inventory:
 * - a Cosmos DB for PostgreSQL cluster: its coordinator as ARM reported it at the last sync (TLS
 *   required, as the service demands), with the given login;
 * - a MongoDB vCore cluster: the host of ARM's connection string template, with the given login;
 * - a Cosmos DB for MongoDB RU account: ARM's connection string with the account key (the
 *   returned password is for this job only).
 * Resources this app does not back up into a repository are refused with the reason.
 */
export async function serverOfResource(inventory: Pick<InventoryStore, 'getResource'>, input: ResourceSourceInput, mongoAccountConnectionString?: MongoAccountConnectionString): Promise<{ uri: string; password?: string; resource: BackupResource }> {
  const record = inventory.getResource(input.resourceId);
  if (!record) throw new AppError('not_found', `No resource ${input.resourceId} in the inventory; run an Azure sync first (cosmos-backup azure sync).`, { field: 'resourceId' });
  if (record.deleted) throw new AppError('validation_failed', `${record.name} was deleted; restore it first (point-in-time restore), then back it up.`, { field: 'resourceId' });
  const resource = { id: record.id, name: record.name, kind: record.kind, region: record.location };
  if (!isRepositoryBackedUp(record)) {
    throw new AppError('validation_failed', `${record.name} cannot be backed up into a repository: its data is protected by continuous backup (a policy keeps its tier), not by repository backups.`, { field: 'resourceId' });
  }
  if (record.kind === 'cosmosdb-account') {
    if (!mongoAccountConnectionString) throw new AppError('unavailable', `The connection string of ${record.name} comes from Azure, and this app is not signed in to Azure.`, { field: 'resourceId' });
    const connectionString = await mongoAccountConnectionString(record.id);
    return { uri: connectionString, resource };
  }
  if (record.kind === 'mongo-vcore-cluster') {
    const template = record.properties.connectionString;
    if (typeof template !== 'string' || !template) throw new AppError('unavailable', `ARM reported no connection string for ${record.name} at the last sync; sync again once the cluster is provisioned.`, { field: 'resourceId' });
    if (!input.user) throw new AppError('validation_failed', `${record.name} needs a database login (its administrator or another user); set one with cosmos-backup resource-login set.`, { field: 'user' });
    // The template names placeholders for the login: only the user goes in; the password travels apart.
    const uri = template.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/i, `$1${encodeURIComponent(input.user)}@`);
    return { uri, resource };
  }
  const host = record.properties.coordinator;
  if (typeof host !== 'string' || !host) throw new AppError('unavailable', `ARM reported no coordinator for ${record.name} at the last sync; sync again once the cluster is provisioned.`, { field: 'resourceId' });
  // ARM reports a bare host name; a host:port (an emulated cluster in the tests) keeps its port.
  const [hostName, port] = /^[^:]+:\d+$/.test(host) ? host.split(':') : [host, '5432'];
  const user = encodeURIComponent(input.user ?? 'citus');
  const database = encodeURIComponent(input.database ?? 'citus');
  return { uri: `postgres://${user}@${hostName}:${port}/${database}?sslmode=require`, resource };
}
