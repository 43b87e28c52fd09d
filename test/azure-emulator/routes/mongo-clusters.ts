import { badRequest } from '../arm-error.ts';
import { MONGO_CLUSTER_API_VERSIONS } from '../api-versions.ts';
import type { ArmContext, Route } from '../context.ts';
import type { EmulatorReply } from '../http-types.ts';
import { normalizeLocation } from '../state/locations.ts';
import type { MongoCluster } from '../state/types.ts';
import { obj, parseTime, str } from './common.ts';
import { clusterOperations, clusterRoutes, type ClusterKind } from './cluster-routes.ts';

const V = MONGO_CLUSTER_API_VERSIONS;
const TYPE = 'Microsoft.DocumentDB/mongoClusters';
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

/** MongoDB vCore clusters as the emulator serves them. */
const KIND: ClusterKind<MongoCluster> = {
  type: TYPE,
  provider: 'Microsoft.DocumentDB',
  apiVersions: V,
  nameParam: 'mongoClusterName',
  statusSegment: 'mongoClusterAzureAsyncOperation',
  resultSegment: 'mongoClusterOperationResults',
  clusters: (state) => state.mongoClusters,
  render,
};

const { operation } = clusterOperations(KIND);

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
  return clusterRoutes(KIND, create);
}
