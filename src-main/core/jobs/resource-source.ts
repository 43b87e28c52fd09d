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
  /** Default `citus`, the administrator Cosmos DB for PostgreSQL creates. */
  user?: string;
  /** Default `citus`. */
  database?: string;
  password?: string;
}

/**
 * The server behind an Azure resource of the inventory: for a Cosmos DB for PostgreSQL cluster, its
 * coordinator as ARM reported it at the last sync (TLS required, as the service demands). Resources
 * this app does not back up into a repository are refused with the reason.
 */
export function serverOfResource(inventory: Pick<InventoryStore, 'getResource'>, input: ResourceSourceInput): { uri: string; resource: BackupResource } {
  const record = inventory.getResource(input.resourceId);
  if (!record) throw new AppError('not_found', `No resource ${input.resourceId} in the inventory; run an Azure sync first (cosmos-backup azure sync).`, { field: 'resourceId' });
  if (record.deleted) throw new AppError('validation_failed', `${record.name} was deleted; restore it first (point-in-time restore), then back it up.`, { field: 'resourceId' });
  if (record.kind !== 'postgres-cluster') {
    const reason =
      record.kind === 'cosmosdb-account' && record.api !== 'MongoDB'
        ? 'its data is protected by continuous backup (a policy keeps its tier), not by repository backups'
        : 'repository backups of MongoDB come with the MongoDB engine';
    throw new AppError('validation_failed', `${record.name} cannot be backed up into a repository yet: ${reason}.`, { field: 'resourceId' });
  }
  const host = record.properties.coordinator;
  if (typeof host !== 'string' || !host) throw new AppError('unavailable', `ARM reported no coordinator for ${record.name} at the last sync; sync again once the cluster is provisioned.`, { field: 'resourceId' });
  // ARM reports a bare host name; a host:port (an emulated cluster in the tests) keeps its port.
  const [hostName, port] = /^[^:]+:\d+$/.test(host) ? host.split(':') : [host, '5432'];
  const user = encodeURIComponent(input.user ?? 'citus');
  const database = encodeURIComponent(input.database ?? 'citus');
  return {
    uri: `postgres://${user}@${hostName}:${port}/${database}?sslmode=require`,
    resource: { id: record.id, name: record.name, kind: record.kind, region: record.location },
  };
}
