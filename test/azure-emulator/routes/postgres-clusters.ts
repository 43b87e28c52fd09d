import { badRequest } from '../arm-error.ts';
import { POSTGRES_CLUSTER_API_VERSIONS } from '../api-versions.ts';
import type { ArmContext, Route } from '../context.ts';
import type { EmulatorReply } from '../http-types.ts';
import { normalizeLocation } from '../state/locations.ts';
import type { PostgresCluster } from '../state/types.ts';
import { obj, parseTime, str } from './common.ts';
import { clusterOperations, clusterRoutes, type ClusterKind } from './cluster-routes.ts';

const V = POSTGRES_CLUSTER_API_VERSIONS;
const TYPE = 'Microsoft.DBforPostgreSQL/serverGroupsv2';
/** Cosmos DB for PostgreSQL keeps backups 35 days. */
const RETENTION_MS = 35 * 24 * 3600 * 1000;

function clusterId(c: PostgresCluster): string {
  return `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/${TYPE}/${c.name}`;
}

function earliestRestore(c: PostgresCluster, now: number): number {
  return Math.max(c.createdAt, now - RETENTION_MS);
}

/** A cluster as Clusters_Get returns it (see ClusterGet.json). */
function render(c: PostgresCluster, now: number): Record<string, unknown> {
  const serverNames = [{ name: `${c.name}-c`, fullyQualifiedDomainName: c.coordinatorFqdn ?? `c-${c.name}.postgres.cosmos.azure.com` }];
  for (let i = 0; i < c.nodeCount; i++) serverNames.push({ name: `${c.name}-w${i}`, fullyQualifiedDomainName: `w${i}-${c.name}.postgres.cosmos.azure.com` });
  return {
    id: clusterId(c),
    name: c.name,
    type: TYPE,
    location: c.location,
    tags: c.tags,
    systemData: { createdAt: new Date(c.createdAt).toISOString(), createdByType: 'Application' },
    properties: {
      aadAuthEnabled: 'disabled',
      administratorLogin: c.administratorLogin,
      citusVersion: c.citusVersion,
      coordinatorEnablePublicIpAccess: true,
      coordinatorServerEdition: 'GeneralPurpose',
      coordinatorStorageQuotaInMb: c.coordinatorStorageQuotaInMb,
      coordinatorVCores: c.coordinatorVCores,
      dataEncryption: { type: 'SystemManaged' },
      databaseName: 'citus',
      earliestRestoreTime: c.provisioningState === 'Succeeded' ? new Date(earliestRestore(c, now)).toISOString() : null,
      enableHa: c.enableHa,
      enableShardsOnCoordinator: c.nodeCount === 0,
      maintenanceWindow: { customWindow: 'Disabled', dayOfWeek: 0, startHour: 0, startMinute: 0 },
      nodeCount: c.nodeCount,
      nodeEnablePublicIpAccess: false,
      nodeServerEdition: 'MemoryOptimized',
      nodeStorageQuotaInMb: c.nodeStorageQuotaInMb,
      nodeVCores: c.nodeVCores,
      passwordEnabled: 'enabled',
      postgresqlVersion: c.postgresqlVersion,
      preferredPrimaryZone: '1',
      privateEndpointConnections: [],
      provisioningState: c.provisioningState,
      readReplicas: [],
      serverNames,
      sourceResourceId: c.sourceResourceId ?? null,
      ...(c.sourceLocation ? { sourceLocation: c.sourceLocation } : {}),
      ...(c.pointInTimeUTC ? { pointInTimeUTC: c.pointInTimeUTC } : {}),
      state: c.state,
    },
  };
}

/** Cosmos DB for PostgreSQL clusters as the emulator serves them. */
const KIND: ClusterKind<PostgresCluster> = {
  type: TYPE,
  provider: 'Microsoft.DBforPostgreSQL',
  apiVersions: V,
  nameParam: 'clusterName',
  statusSegment: 'azureAsyncOperation',
  resultSegment: 'operationResults',
  clusters: (state) => state.postgresClusters,
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
  const sourceId = str(props['sourceResourceId']);
  let template: Partial<PostgresCluster> = {};
  let pointInTimeUTC: string | undefined;
  if (sourceId) {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/serverGroupsv2\/([^/]+)$/i.exec(sourceId);
    const source = m ? state.findPostgres(m[1] ?? '', m[2] ?? '', m[3] ?? '') : undefined;
    if (!source) throw badRequest(`The source cluster '${sourceId}' was not found.`, 'InvalidSourceResourceId');
    const sourceLocation = str(props['sourceLocation']);
    if (sourceLocation && normalizeLocation(sourceLocation) !== source.location) {
      throw badRequest(`The source location '${sourceLocation}' does not match the location '${source.location}' of the source cluster.`);
    }
    if (props['pointInTimeUTC'] !== undefined) {
      const t = parseTime(props['pointInTimeUTC'], 'pointInTimeUTC');
      const earliest = earliestRestore(source, now);
      if (t < earliest || t > now) {
        throw badRequest(`The point in time '${new Date(t).toISOString()}' is outside the restorable range [${new Date(earliest).toISOString()}, ${new Date(now).toISOString()}] of the source cluster.`, 'InvalidPointInTime');
      }
      pointInTimeUTC = new Date(t).toISOString();
    }
    template = { ...source, sourceResourceId: sourceId, sourceLocation: source.location };
  }
  const num = (k: string, d: number | undefined, fallback: number): number => (typeof props[k] === 'number' ? (props[k] as number) : (d ?? fallback));
  const cluster: PostgresCluster = {
    subscriptionId: state.subscription(p['subscriptionId'] ?? '').subscriptionId,
    resourceGroup: rg.name,
    name: p['clusterName'] ?? '',
    location: normalizeLocation(location),
    createdAt: now,
    postgresqlVersion: str(props['postgresqlVersion']) ?? template.postgresqlVersion ?? '15',
    citusVersion: str(props['citusVersion']) ?? template.citusVersion ?? '12.1',
    nodeCount: num('nodeCount', template.nodeCount, 0),
    coordinatorVCores: num('coordinatorVCores', template.coordinatorVCores, 4),
    nodeVCores: num('nodeVCores', template.nodeVCores, 8),
    coordinatorStorageQuotaInMb: num('coordinatorStorageQuotaInMb', template.coordinatorStorageQuotaInMb, 524288),
    nodeStorageQuotaInMb: num('nodeStorageQuotaInMb', template.nodeStorageQuotaInMb, 524288),
    administratorLogin: template.administratorLogin ?? 'citus',
    enableHa: props['enableHa'] === true || (template.enableHa ?? false),
    provisioningState: 'Provisioning',
    state: 'Provisioning',
    sourceResourceId: template.sourceResourceId,
    sourceLocation: template.sourceLocation,
    pointInTimeUTC,
    tags: obj(ctx.body['tags']) as Record<string, string>,
  };
  state.postgresClusters.push(cluster);
  return operation(
    ctx,
    cluster,
    () => {
      cluster.provisioningState = 'Succeeded';
      cluster.state = 'Ready';
    },
    () => {
      state.postgresClusters.splice(state.postgresClusters.indexOf(cluster), 1);
    },
    201,
    render(cluster, now),
  );
}

/** Cosmos DB for PostgreSQL clusters: list, get, create (incl. point-in-time restore), delete. */
export function postgresClusterRoutes(): Route[] {
  return clusterRoutes(KIND, create);
}
