import { ArmError, badRequest } from '../arm-error.ts';
import { MONGO_CLUSTER_API_VERSIONS } from '../api-versions.ts';
import type { ArmContext, Route } from '../context.ts';
import type { EmulatorReply } from '../http-types.ts';
import { page } from '../paging.ts';
import { normalizeLocation } from '../state/locations.ts';
import type { MongoCluster } from '../state/types.ts';
import { busy, lroReply, obj, parseTime, startOperation, str } from './common.ts';

const V = MONGO_CLUSTER_API_VERSIONS;
const TYPE = 'Microsoft.DocumentDB/mongoClusters';
const CLUSTERS = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${TYPE}`;
const CLUSTER = `${CLUSTERS}/{mongoClusterName}`;
/** MongoDB vCore keeps point-in-time backups 35 days. */
const RETENTION_MS = 35 * 24 * 3600 * 1000;

function clusterId(c: MongoCluster): string {
  return `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/${TYPE}/${c.name}`;
}

function earliestRestore(c: MongoCluster, now: number): number {
  return Math.max(c.createdAt, now - RETENTION_MS);
}

/** A cluster in the shape @azure/arm-mongocluster deserializes. */
function render(c: MongoCluster, now: number): Record<string, unknown> {
  return {
    id: clusterId(c),
    name: c.name,
    type: TYPE,
    location: c.location,
    tags: c.tags,
    systemData: { createdAt: new Date(c.createdAt).toISOString(), createdByType: 'Application' },
    properties: {
      createMode: c.createMode,
      ...(c.restoreParameters ? { restoreParameters: c.restoreParameters } : {}),
      administrator: { userName: c.administratorUserName },
      serverVersion: c.serverVersion,
      connectionString: c.connectionString ?? `mongodb+srv://<user>:<password>@${c.name}.global.mongocluster.cosmos.azure.com/?tls=true&authMechanism=SCRAM-SHA-256&retrywrites=false&maxIdleTimeMS=120000`,
      provisioningState: c.provisioningState,
      clusterStatus: c.clusterStatus,
      publicNetworkAccess: c.publicNetworkAccess,
      highAvailability: { targetMode: c.highAvailability },
      storage: { sizeGb: c.storageSizeGb, type: 'PremiumSSD' },
      sharding: { shardCount: c.shardCount },
      compute: { tier: c.computeTier },
      backup: c.provisioningState === 'Succeeded' ? { earliestRestoreTime: new Date(earliestRestore(c, now)).toISOString() } : {},
      dataApi: { mode: 'Disabled' },
      privateEndpointConnections: [],
      previewFeatures: [],
      replica: { role: 'Primary', replicationState: 'Active' },
      infrastructureVersion: '2.0',
    },
  };
}

function lookup(ctx: ArmContext): MongoCluster {
  const p = ctx.params;
  ctx.env.state.resourceGroup(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '');
  const c = ctx.env.state.findMongoCluster(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '', p['mongoClusterName'] ?? '');
  if (!c) throw new ArmError(404, 'ResourceNotFound', `The Resource '${TYPE}/${p['mongoClusterName'] ?? ''}' under resource group '${p['resourceGroupName'] ?? ''}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  return c;
}

function operation(ctx: ArmContext, c: MongoCluster, onSuccess: () => void, onFailure: () => void, status: number, body?: unknown): EmulatorReply {
  const op = startOperation(ctx, {
    subscriptionId: c.subscriptionId,
    provider: 'Microsoft.DocumentDB',
    location: c.location,
    durationMs: ctx.env.settings.durations.cluster,
    statusSegment: 'mongoClusterAzureAsyncOperation',
    resultSegment: 'mongoClusterOperationResults',
    onSuccess: () => {
      c.busyWith = undefined;
      onSuccess();
    },
    onFailure: () => {
      c.busyWith = undefined;
      onFailure();
    },
    result: () => (ctx.env.state.mongoClusters.includes(c) ? render(c, ctx.env.clock.now()) : undefined),
  });
  c.busyWith = op.id;
  return lroReply(ctx, op, status, body);
}

function create(ctx: ArmContext): EmulatorReply {
  const { state, clock } = ctx.env;
  const p = ctx.params;
  const rg = state.resourceGroup(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '');
  const props = obj(ctx.body['properties']);
  const location = str(ctx.body['location']);
  if (!location) throw badRequest("The 'location' property is required.", 'LocationRequired');
  state.checkLocationAllowed(p['subscriptionId'] ?? '', location);
  const now = clock.now();
  const createMode = str(props['createMode']) ?? 'Default';
  let template: Partial<MongoCluster> = {};
  let restoreParameters: MongoCluster['restoreParameters'];
  if (createMode === 'PointInTimeRestore') {
    const rp = obj(props['restoreParameters']);
    const sourceId = str(rp['sourceResourceId']) ?? '';
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DocumentDB\/mongoClusters\/([^/]+)$/i.exec(sourceId);
    const source = m ? state.findMongoCluster(m[1] ?? '', m[2] ?? '', m[3] ?? '') : undefined;
    if (!source) throw badRequest(`The source cluster '${sourceId}' was not found.`, 'InvalidSourceResourceId');
    const t = parseTime(rp['pointInTimeUTC'], 'restoreParameters.pointInTimeUTC');
    const earliest = earliestRestore(source, now);
    if (t < earliest || t > now) {
      throw badRequest(`The point in time '${new Date(t).toISOString()}' is outside the restorable range [${new Date(earliest).toISOString()}, ${new Date(now).toISOString()}] of the source cluster.`, 'InvalidPointInTime');
    }
    template = source;
    restoreParameters = { pointInTimeUTC: new Date(t).toISOString(), sourceResourceId: sourceId };
  } else if (createMode !== 'Default') {
    throw badRequest(`Create mode '${createMode}' is not supported by the emulator. Supported: Default, PointInTimeRestore.`);
  }
  const cluster: MongoCluster = {
    subscriptionId: state.subscription(p['subscriptionId'] ?? '').subscriptionId,
    resourceGroup: rg.name,
    name: p['mongoClusterName'] ?? '',
    location: normalizeLocation(location),
    createdAt: now,
    serverVersion: str(props['serverVersion']) ?? template.serverVersion ?? '7.0',
    administratorUserName: str(obj(props['administrator'])['userName']) ?? template.administratorUserName ?? 'mongoAdmin',
    computeTier: str(obj(props['compute'])['tier']) ?? template.computeTier ?? 'M30',
    storageSizeGb: Number(obj(props['storage'])['sizeGb'] ?? template.storageSizeGb ?? 128),
    shardCount: Number(obj(props['sharding'])['shardCount'] ?? template.shardCount ?? 1),
    highAvailability: str(obj(props['highAvailability'])['targetMode']) ?? template.highAvailability ?? 'Disabled',
    publicNetworkAccess: str(props['publicNetworkAccess']) ?? 'Enabled',
    provisioningState: 'InProgress',
    clusterStatus: 'Provisioning',
    createMode,
    restoreParameters,
    tags: obj(ctx.body['tags']) as Record<string, string>,
  };
  state.mongoClusters.push(cluster);
  return operation(
    ctx,
    cluster,
    () => {
      cluster.provisioningState = 'Succeeded';
      cluster.clusterStatus = 'Ready';
    },
    () => {
      state.mongoClusters.splice(state.mongoClusters.indexOf(cluster), 1);
    },
    201,
    render(cluster, now),
  );
}

/** MongoDB vCore clusters: list, get, create (incl. point-in-time restore), delete. */
export function mongoClusterRoutes(): Route[] {
  const READ = 'Microsoft.DocumentDB/mongoClusters/read';
  return [
    {
      method: 'GET',
      pattern: `/subscriptions/{subscriptionId}/providers/${TYPE}`,
      apiVersions: V,
      action: READ,
      handle: (ctx) => {
        const sub = ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
        const list = ctx.env.state.mongoClusters.filter((c) => c.subscriptionId.toLowerCase() === sub.subscriptionId.toLowerCase());
        return { status: 200, body: page(ctx, list, (c) => render(c, ctx.env.clock.now())) };
      },
    },
    {
      method: 'GET',
      pattern: CLUSTERS,
      apiVersions: V,
      action: READ,
      handle: (ctx) => {
        const rg = ctx.env.state.resourceGroup(ctx.params['subscriptionId'] ?? '', ctx.params['resourceGroupName'] ?? '');
        const list = ctx.env.state.mongoClusters.filter((c) => c.subscriptionId.toLowerCase() === (ctx.params['subscriptionId'] ?? '').toLowerCase() && c.resourceGroup.toLowerCase() === rg.name.toLowerCase());
        return { status: 200, body: page(ctx, list, (c) => render(c, ctx.env.clock.now())) };
      },
    },
    { method: 'GET', pattern: CLUSTER, apiVersions: V, action: READ, handle: (ctx) => ({ status: 200, body: render(lookup(ctx), ctx.env.clock.now()) }) },
    {
      method: 'PUT',
      pattern: CLUSTER,
      apiVersions: V,
      action: 'Microsoft.DocumentDB/mongoClusters/write',
      handle: (ctx) => {
        const p = ctx.params;
        ctx.env.state.resourceGroup(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '');
        const existing = ctx.env.state.findMongoCluster(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '', p['mongoClusterName'] ?? '');
        if (!existing) return create(ctx);
        if (existing.busyWith && ctx.env.operations.find(existing.busyWith)?.status === 'InProgress') throw busy(existing.name);
        const tags = ctx.body['tags'];
        return operation(ctx, existing, () => {
          if (tags !== undefined) existing.tags = obj(tags) as Record<string, string>;
        }, () => undefined, 200, render(existing, ctx.env.clock.now()));
      },
    },
    {
      method: 'DELETE',
      pattern: CLUSTER,
      apiVersions: V,
      action: 'Microsoft.DocumentDB/mongoClusters/delete',
      handle: (ctx) => {
        const c = lookup(ctx);
        const list = ctx.env.state.mongoClusters;
        return operation(ctx, c, () => {
          const i = list.indexOf(c);
          if (i >= 0) list.splice(i, 1);
        }, () => undefined, 202);
      },
    },
  ];
}
