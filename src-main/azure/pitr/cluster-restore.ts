import type { SessionContext } from '../../core/sessions/session-context.ts';
import { AppError } from '../../shared/errors.ts';
import { translateArmError } from '../arm-errors.ts';
import { parseResourceId } from '../cosmos-account-facts.ts';
import { followOperation, POSTGRES_CLUSTERS_API_VERSION } from '../generic-arm.ts';
import type { RestoreDeps } from './cosmos-account-restore.ts';
import { checkResourceGroupName, checkTimestamp, DEFAULT_MARGIN_MS } from './validation.ts';

/** Point-in-time restore of a Cosmos DB for PostgreSQL or MongoDB vCore cluster into a new cluster. */
export interface ClusterRestoreRequest {
  sourceResourceId: string;
  targetName: string;
  targetResourceGroup: string;
  timestamp: Date;
  reason: string;
}

const CLUSTER_NAME = /^[a-z0-9](?:[a-z0-9-]{1,38})[a-z0-9]$/;

/**
 * Restores a cluster as of `timestamp` into a new cluster in the source's region (both services
 * restore only there). PostgreSQL: PUT `serverGroupsv2` with `sourceResourceId` and
 * `pointInTimeUTC`; MongoDB vCore: `createMode: PointInTimeRestore`. The operation is followed.
 */
export async function runClusterRestore(deps: RestoreDeps, ctx: SessionContext, request: ClusterRestoreRequest): Promise<{ targetResourceId: string }> {
  if (!request.reason.trim()) throw new AppError('validation_failed', 'Give a reason for the restore (it is recorded).', { field: 'reason' });
  if (!CLUSTER_NAME.test(request.targetName)) throw new AppError('validation_failed', `"${request.targetName}" is not a valid cluster name: 3–40 lower-case letters, digits and hyphens.`, { field: 'targetName' });
  checkResourceGroupName(request.targetResourceGroup);
  ctx.info(`Restore reason: ${request.reason}`);
  const source = parseResourceId(request.sourceResourceId);
  const isPostgres = source.provider.toLowerCase() === 'microsoft.dbforpostgresql';
  const kind = isPostgres ? 'postgres-cluster' : 'mongo-vcore-cluster';
  const targetResourceId = `/subscriptions/${source.subscriptionId}/resourceGroups/${request.targetResourceGroup}/providers/${source.provider}/${source.type}/${request.targetName}`;
  const now = deps.clock.now();

  let location: string;
  let earliest: string | null | undefined;
  if (isPostgres) {
    const got = await deps.arm.request<{ location: string; properties?: { earliestRestoreTime?: string | null } }>('GET', request.sourceResourceId, POSTGRES_CLUSTERS_API_VERSION, undefined, ctx.signal).catch((error: unknown) => {
      throw translateArmError(error, `Reading cluster ${source.name}`);
    });
    location = got.body.location;
    earliest = got.body.properties?.earliestRestoreTime;
  } else {
    const got = await deps.arm.mongoClusters(source.subscriptionId).mongoClusters.get(source.resourceGroup, source.name, { abortSignal: ctx.signal }).catch((error: unknown) => {
      throw translateArmError(error, `Reading cluster ${source.name}`);
    });
    location = got.location ?? '';
    earliest = got.properties?.backup?.earliestRestoreTime;
  }
  if (!earliest) throw new AppError('validation_failed', `Cluster ${source.name} reports no restorable time yet.`);
  checkTimestamp(request.timestamp, { start: new Date(earliest), end: now }, deps.marginMs ?? DEFAULT_MARGIN_MS, false);

  const journal = deps.restores.begin({
    sessionId: ctx.sessionId,
    kind,
    sourceResourceId: request.sourceResourceId,
    targetResourceId,
    restoreTime: request.timestamp.toISOString(),
    reason: request.reason,
    request: { location },
    createdAt: now.toISOString(),
  });
  ctx.info(`Restoring ${isPostgres ? 'PostgreSQL' : 'MongoDB vCore'} cluster ${source.name} as of ${request.timestamp.toISOString()} into ${request.targetName} in ${location}.`);
  try {
    if (isPostgres) {
      const started = await deps.arm.request('PUT', targetResourceId, POSTGRES_CLUSTERS_API_VERSION, {
        location,
        properties: { sourceResourceId: request.sourceResourceId, sourceLocation: location, pointInTimeUTC: request.timestamp.toISOString() },
      }, ctx.signal);
      await followOperation(deps.arm, started.headers, { apiVersion: POSTGRES_CLUSTERS_API_VERSION, signal: ctx.signal, pollIntervalMs: deps.arm.pollOptions.updateIntervalInMs, onPoll: (s) => ctx.log('debug', `Restore operation: ${s}.`) });
    } else {
      await deps.arm.mongoClusters(source.subscriptionId).mongoClusters.createOrUpdate(
        request.targetResourceGroup,
        request.targetName,
        { location, properties: { createMode: 'PointInTimeRestore', restoreParameters: { pointInTimeUTC: request.timestamp, sourceResourceId: request.sourceResourceId } } },
        { ...deps.arm.pollOptions, abortSignal: ctx.signal },
      );
    }
    deps.restores.end(journal.id, 'succeeded', null, deps.clock.now().toISOString());
    ctx.info(`Cluster ${request.targetName} restored.`);
    return { targetResourceId };
  } catch (error) {
    const e = translateArmError(error, `Restoring into ${request.targetName}`);
    deps.restores.end(journal.id, 'failed', `${e.message} Check whether ${targetResourceId} exists and delete it before retrying.`, deps.clock.now().toISOString());
    throw new AppError(e.code, `${e.message} Check whether ${targetResourceId} was left behind before retrying.`, { targetResourceId });
  }
}
