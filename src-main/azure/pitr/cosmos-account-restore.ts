import type { DatabaseAccountCreateUpdateParameters, RestoreParameters } from '@azure/arm-cosmosdb';
import type { Clock } from '../../core/clock.ts';
import type { RestorePointsStore } from '../../core/config-db/restore-points-store.ts';
import type { SessionContext } from '../../core/sessions/session-context.ts';
import { AppError } from '../../shared/errors.ts';
import type { ArmClients } from '../arm-clients.ts';
import { translateArmError } from '../arm-errors.ts';
import { normalizeRegion } from '../cosmos-account-facts.ts';
import { restorableResourcesAt } from '../restorable-resources.ts';
import type { AzureRestoresStore } from './restores-store.ts';
import { resolveCosmosSource, type CosmosRestoreSource } from './restore-source.ts';
import { checkAccountName, checkRegion, checkResourceGroupName, checkSelection, checkTimestamp, DEFAULT_MARGIN_MS, type RestoreSelection } from './validation.ts';

/** A point-in-time restore of a Cosmos DB account (live or deleted) into a new account. */
export interface CosmosAccountRestoreRequest {
  /** The source account id (live or deleted), or a restore-point record id. */
  source: { resourceId?: string; restorePointId?: string };
  targetName: string;
  targetResourceGroup: string;
  /** Default: the source's subscription. */
  targetSubscriptionId?: string;
  /** Default: the source's write region. */
  region?: string;
  timestamp: Date;
  /** Whole account when absent. */
  selection?: RestoreSelection;
  disableTtl?: boolean;
  disablePublicNetworkAccess?: boolean;
  /** Why (kept with the restore record and in the session log). */
  reason: string;
}

export interface RestoreDeps {
  arm: ArmClients;
  restorePoints: RestorePointsStore;
  restores: AzureRestoresStore;
  clock: Clock;
  marginMs?: number;
}

const CAPABILITY: Record<string, string> = { Gremlin: 'EnableGremlin', GremlinV2: 'EnableGremlin', Table: 'EnableTable' };

/** Checks everything that can be checked before ARM is asked; returns the resolved pieces. */
export async function planCosmosAccountRestore(deps: RestoreDeps, request: CosmosAccountRestoreRequest, signal?: AbortSignal) {
  if (!request.reason.trim()) throw new AppError('validation_failed', 'Give a reason for the restore (it is recorded).', { field: 'reason' });
  checkAccountName(request.targetName);
  checkResourceGroupName(request.targetResourceGroup);
  const source = await resolveCosmosSource(deps.arm, deps.restorePoints, request.source, deps.clock.now(), signal);
  if (source.api === 'Cassandra') throw new AppError('validation_failed', `Account ${source.accountName} is a Cassandra API account: its point-in-time restore is not available through this API.`);
  const region = checkRegion(request.region ?? source.restorable.restorableLocations[0] ?? source.restorable.location, source.restorable.restorableLocations);
  checkTimestamp(request.timestamp, source.window, deps.marginMs ?? DEFAULT_MARGIN_MS, source.deleted);
  const subscriptionId = request.targetSubscriptionId ?? source.subscriptionId;
  const cosmos = deps.arm.cosmos(subscriptionId);
  const taken = () => new AppError('conflict', `The account name "${request.targetName}" is already taken (account names are global across Azure): choose another.`, { field: 'targetName' });
  try {
    if ((await cosmos.databaseAccounts.checkNameExists(request.targetName, { abortSignal: signal })).body) throw taken();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw translateArmError(error, 'Checking the account name');
  }
  // Also look in the target group itself: a restore must never be mistaken for an update.
  if (await targetExists(deps.arm, subscriptionId, request.targetResourceGroup, request.targetName)) throw taken();
  if (request.selection) {
    const existing = await restorableResourcesAt(deps.arm.cosmos(source.subscriptionId), {
      location: normalizeRegion(source.restorable.location),
      instanceId: source.restorable.instanceId,
      api: source.api,
      timestamp: request.timestamp,
      restoreLocation: normalizeRegion(region),
      signal,
    }).catch((error: unknown) => {
      throw translateArmError(error, 'Listing what existed at the restore time');
    });
    checkSelection(request.selection, existing, request.timestamp, source.api === 'MongoDB' ? 'collection' : source.api.startsWith('Gremlin') ? 'graph' : 'container');
  }
  return { source, region, subscriptionId };
}

/**
 * Runs the restore as a session's work: validates, records the restore (with its reason) before
 * ARM is asked, creates the account with `createMode: Restore`, follows the operation, and
 * closes the record. On failure it says whether a half-made account remains.
 */
export async function runCosmosAccountRestore(deps: RestoreDeps, ctx: SessionContext, request: CosmosAccountRestoreRequest): Promise<{ targetResourceId: string }> {
  ctx.info(`Restore reason: ${request.reason}`);
  const { source, region, subscriptionId } = await planCosmosAccountRestore(deps, request, ctx.signal);
  const targetResourceId = `/subscriptions/${subscriptionId}/resourceGroups/${request.targetResourceGroup}/providers/Microsoft.DocumentDB/databaseAccounts/${request.targetName}`;
  ctx.info(
    `Restoring ${source.deleted ? 'deleted ' : ''}account ${source.accountName} (${source.api}, instance ${source.restorable.instanceId}) as of ${request.timestamp.toISOString()} into ${request.targetName} in ${region}` +
      `${request.selection ? ` (selected: ${describeSelection(request.selection)})` : ' (whole account)'}${request.disableTtl ? ', TTL disabled' : ''}${request.disablePublicNetworkAccess ? ', public network access disabled' : ''}.`,
  );
  const restoreParameters: RestoreParameters = {
    restoreMode: 'PointInTime',
    restoreSource: source.restorable.id,
    restoreTimestampInUtc: request.timestamp,
    ...(request.disableTtl ? { restoreWithTtlDisabled: true } : {}),
    ...selectionParameters(source, request.selection),
  };
  const parameters: DatabaseAccountCreateUpdateParameters = {
    location: region,
    kind: source.api === 'MongoDB' ? 'MongoDB' : 'GlobalDocumentDB',
    capabilities: CAPABILITY[source.api] ? [{ name: CAPABILITY[source.api] }] : undefined,
    locations: [{ locationName: region, failoverPriority: 0, isZoneRedundant: false }],
    databaseAccountOfferType: 'Standard',
    createMode: 'Restore',
    restoreParameters,
    backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: (source.backupTier as 'Continuous7Days' | 'Continuous30Days' | null) ?? 'Continuous30Days' } },
    publicNetworkAccess: request.disablePublicNetworkAccess ? 'Disabled' : 'Enabled',
    tags: { 'cosmos-backup-restored-from': source.accountName, 'cosmos-backup-restore-time': request.timestamp.toISOString() },
  };
  const journal = deps.restores.begin({
    sessionId: ctx.sessionId,
    kind: 'cosmos-account',
    sourceResourceId: source.resourceId || source.restorable.id,
    targetResourceId,
    restoreTime: request.timestamp.toISOString(),
    reason: request.reason,
    request: { region, selection: request.selection ?? null, disableTtl: Boolean(request.disableTtl), disablePublicNetworkAccess: Boolean(request.disablePublicNetworkAccess), restorePointId: source.restorePointId, deletedSource: source.deleted },
    createdAt: deps.clock.now().toISOString(),
  });
  try {
    const poller = deps.arm.cosmos(subscriptionId).databaseAccounts.createOrUpdate(request.targetResourceGroup, request.targetName, parameters, { ...deps.arm.pollOptions, abortSignal: ctx.signal });
    let lastStatus = '';
    poller.onProgress((state) => {
      if (state.status !== lastStatus) {
        lastStatus = state.status;
        ctx.info(`Restore operation: ${state.status}.`);
      }
    });
    const account = await poller;
    deps.restores.end(journal.id, 'succeeded', null, deps.clock.now().toISOString());
    ctx.info(`Account ${account.name} restored (provisioning state ${account.provisioningState ?? 'unknown'}).`);
    return { targetResourceId };
  } catch (error) {
    const e = translateArmError(error, `Restoring into ${request.targetName}`);
    const leftover = await targetExists(deps.arm, subscriptionId, request.targetResourceGroup, request.targetName);
    const message = leftover
      ? `${e.message} A partly created account remains: ${targetResourceId} — delete it before retrying, or inspect it in the portal.`
      : `${e.message} No account was left behind.`;
    deps.restores.end(journal.id, 'failed', message, deps.clock.now().toISOString());
    throw new AppError(e.code, message, { ...(e.details as object), targetResourceId, leftover });
  }
}

/** Whether the target exists now (a failed restore may leave it). Unknown counts as "maybe": true. */
export async function targetExists(arm: ArmClients, subscriptionId: string, resourceGroup: string, name: string): Promise<boolean> {
  try {
    await arm.cosmos(subscriptionId).databaseAccounts.get(resourceGroup, name);
    return true;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode !== 404;
  }
}

function selectionParameters(source: CosmosRestoreSource, selection: RestoreSelection | undefined): Partial<RestoreParameters> {
  if (!selection) return {};
  if (source.api === 'Table') return { tablesToRestore: selection.tables ?? [] };
  const databases = (selection.databases ?? []).map((d) => ({ databaseName: d.name, names: d.children ?? [] }));
  if (source.api.startsWith('Gremlin')) return { gremlinDatabasesToRestore: databases.map((d) => ({ databaseName: d.databaseName, graphNames: d.names })) };
  return { databasesToRestore: databases.map((d) => ({ databaseName: d.databaseName, collectionNames: d.names })) };
}

export function describeSelection(selection: RestoreSelection): string {
  const parts = (selection.databases ?? []).map((d) => (d.children?.length ? `${d.name}/{${d.children.join(',')}}` : `${d.name}/*`));
  return [...parts, ...(selection.tables ?? []).map((t) => `table ${t}`)].join(', ');
}
