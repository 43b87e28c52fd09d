import type { RestorePointsStore } from '../../core/config-db/restore-points-store.ts';
import { AppError } from '../../shared/errors.ts';
import type { ArmClients } from '../arm-clients.ts';
import { translateArmError } from '../arm-errors.ts';
import { accountFacts, parseResourceId, restorableFacts, type RestorableAccountFacts } from '../cosmos-account-facts.ts';
import type { CosmosRestorePointMetadata } from '../inventory-sync.ts';

/** A Cosmos DB account to restore from, with its window as ARM reports it now. */
export interface CosmosRestoreSource {
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  accountName: string;
  api: string;
  restorable: RestorableAccountFacts;
  window: { start: Date; end: Date };
  deleted: boolean;
  backupTier: string | null;
  /** The restore-point record used, when the source came from one. */
  restorePointId: string | null;
}

/**
 * Finds the restore source of an account: from its latest restore-point record (which still
 * works after the account was deleted), else from the live account. The window is always read
 * fresh from ARM: the record's may have moved on.
 */
export async function resolveCosmosSource(arm: ArmClients, restorePoints: RestorePointsStore, input: { resourceId?: string; restorePointId?: string }, now: Date, signal?: AbortSignal): Promise<CosmosRestoreSource> {
  let meta: CosmosRestorePointMetadata | null = null;
  let restorePointId: string | null = null;
  let resourceId = input.resourceId ?? '';
  if (input.restorePointId || input.resourceId) {
    const records = restorePoints.list({ resourceId: input.resourceId, kind: 'continuous', limit: input.restorePointId ? 10_000 : 1 });
    const record = input.restorePointId ? records.find((r) => r.id === input.restorePointId) : records[0];
    if (input.restorePointId && !record) throw new AppError('not_found', `No restore-point record with id ${input.restorePointId}.`);
    if (record && (record.metadata as { resourceType?: string }).resourceType === 'cosmosdb-account') {
      meta = record.metadata as unknown as CosmosRestorePointMetadata;
      restorePointId = record.id;
      resourceId = record.resourceId;
    }
  }
  if (!meta) {
    if (!resourceId) throw new AppError('validation_failed', 'Name the source with --resource (an account id) or --restore-point.');
    let id;
    try {
      id = parseResourceId(resourceId);
    } catch {
      throw new AppError('validation_failed', `"${resourceId}" is not a Cosmos DB account id (/subscriptions/…/resourceGroups/…/providers/Microsoft.DocumentDB/databaseAccounts/NAME).`);
    }
    let account;
    try {
      account = await arm.cosmos(id.subscriptionId).databaseAccounts.get(id.resourceGroup, id.name, { abortSignal: signal });
    } catch (error) {
      const e = translateArmError(error, `Reading ${id.name}`);
      if (e.code === 'not_found') throw new AppError('not_found', `Account ${id.name} does not exist and no restore-point record of it is known: run "cosmos-backup azure sync" while accounts exist so deleted ones can be restored from their records.`);
      throw e;
    }
    const facts = accountFacts(account);
    if (facts.backup.type !== 'Continuous' || !facts.instanceId) throw new AppError('validation_failed', `Account ${id.name} does not use continuous backup: point-in-time restore is not possible.`);
    meta = {
      resourceType: 'cosmosdb-account',
      accountName: id.name,
      subscriptionId: id.subscriptionId,
      resourceGroup: id.resourceGroup,
      api: facts.api,
      instanceId: facts.instanceId,
      restoreSource: `/subscriptions/${id.subscriptionId}/providers/Microsoft.DocumentDB/locations/${(account.location ?? '').replace(/\s+/g, '').toLowerCase()}/restorableDatabaseAccounts/${facts.instanceId}`,
      location: account.location ?? '',
      restorableLocations: facts.locations,
      databases: [],
      tables: [],
      backupTier: facts.backup.tier,
      deleted: false,
      deletionTime: null,
      keyVaultKeyUri: facts.keyVaultKeyUri,
      multipleWriteLocations: facts.multipleWriteLocations,
    };
  }
  const location = /\/locations\/([^/]+)\//i.exec(meta.restoreSource)?.[1] ?? meta.location;
  let restorable: RestorableAccountFacts;
  try {
    restorable = restorableFacts(await arm.cosmos(meta.subscriptionId).restorableDatabaseAccounts.getByLocation(location, meta.instanceId, { abortSignal: signal }));
  } catch (error) {
    const e = translateArmError(error, `Reading the restorable account ${meta.accountName}`);
    if (e.code === 'not_found') throw new AppError('not_found', `Account ${meta.accountName} (instance ${meta.instanceId}) is no longer restorable: its continuous-backup window has ended.`);
    throw e;
  }
  if (!restorable.oldestRestorableTime) throw new AppError('validation_failed', `Account ${meta.accountName} reports no restorable window.`);
  const end = restorable.deletionTime ? new Date(restorable.deletionTime) : now;
  return {
    resourceId,
    subscriptionId: meta.subscriptionId,
    resourceGroup: meta.resourceGroup,
    accountName: meta.accountName,
    api: restorable.api || meta.api,
    restorable,
    window: { start: new Date(restorable.oldestRestorableTime), end },
    deleted: Boolean(restorable.deletionTime),
    backupTier: meta.backupTier,
    restorePointId,
  };
}
