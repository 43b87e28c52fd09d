import type { MongoCluster } from '@azure/arm-mongocluster';
import type { Clock } from '../core/clock.ts';
import type { InventoryStore, ProtectedResourceRecord, SubscriptionRecord } from '../core/config-db/inventory-store.ts';
import type { RestorePointsStore } from '../core/config-db/restore-points-store.ts';
import { governingPolicy, type ResourceFacts } from '../shared/scope-matcher.ts';
import type { SessionContext } from '../core/sessions/session-context.ts';
import type { Policy } from '../shared/policy.ts';
import type { ArmClients } from './arm-clients.ts';
import { translateArmError } from './arm-errors.ts';
import { accountFacts, parseResourceId, restorableFacts, unsupportedReason, type CosmosAccountFacts, type RestorableAccountFacts } from './cosmos-account-facts.ts';
import { listAll, POSTGRES_CLUSTERS_API_VERSION } from './generic-arm.ts';
import { mapPool, settle } from './pool.ts';
import { restorableResourcesAt } from './restorable-resources.ts';

/** What an inventory sync needs. */
export interface InventorySyncDeps {
  arm: ArmClients;
  inventory: InventoryStore;
  restorePoints: RestorePointsStore;
  policies: () => Policy[];
  clock: Clock;
  /** Calls in flight at most (per sync); keeps a sync inside ARM's limits. Default 6. */
  concurrency?: number;
}

export interface InventorySyncOptions {
  /** Only these subscriptions (default: every subscription the sign-in sees). */
  subscriptionIds?: string[];
}

/** Counts a sync reports (also its session summary). */
export interface InventorySyncResult {
  subscriptions: number;
  accounts: number;
  deletedAccounts: number;
  postgresClusters: number;
  mongoClusters: number;
  restorePointRecords: number;
  failedSubscriptions: number;
  failedRecords: number;
}

interface PostgresClusterJson {
  id: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
  properties?: { earliestRestoreTime?: string | null; postgresqlVersion?: string; citusVersion?: string; nodeCount?: number; provisioningState?: string; state?: string; serverNames?: { name: string; fullyQualifiedDomainName: string }[] };
}

/** The restore-point record metadata of a Cosmos DB account: everything a restore needs. */
export interface CosmosRestorePointMetadata {
  resourceType: 'cosmosdb-account';
  accountName: string;
  subscriptionId: string;
  resourceGroup: string;
  api: string;
  instanceId: string;
  /** Restore source: …/locations/L/restorableDatabaseAccounts/INSTANCE. */
  restoreSource: string;
  location: string;
  restorableLocations: string[];
  databases: { name: string; children: string[] }[];
  tables: string[];
  backupTier: string | null;
  deleted: boolean;
  deletionTime: string | null;
  keyVaultKeyUri: string | null;
  multipleWriteLocations: boolean;
}

/** The restore-point record metadata of a PostgreSQL or MongoDB vCore cluster. */
export interface ClusterRestorePointMetadata {
  resourceType: 'postgres-cluster' | 'mongo-vcore-cluster';
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  serverVersion: string | null;
}

const COSMOS = 'cosmosdb-account';

/**
 * One inventory sync: subscriptions, Cosmos DB accounts of every API, PostgreSQL and MongoDB vCore
 * clusters, restorable and deleted accounts, stored in the config DB; then one restore-point
 * record per protected account (covered by a policy, continuous backup). A subscription that
 * cannot be read is reported and left as it was in the catalog (not marked deleted).
 */
export async function runInventorySync(deps: InventorySyncDeps, ctx: SessionContext, options: InventorySyncOptions = {}): Promise<InventorySyncResult> {
  const { arm, clock } = deps;
  const limit = deps.concurrency ?? 6;
  const result: InventorySyncResult = { subscriptions: 0, accounts: 0, deletedAccounts: 0, postgresClusters: 0, mongoClusters: 0, restorePointRecords: 0, failedSubscriptions: 0, failedRecords: 0 };
  const policies = deps.policies();

  ctx.info(`Listing subscriptions in ${arm.profile.name}.`);
  const subscriptions: SubscriptionRecord[] = [];
  try {
    for await (const s of arm.subscriptions().subscriptions.list({ abortSignal: ctx.signal })) {
      if (options.subscriptionIds && !options.subscriptionIds.some((id) => id.toLowerCase() === s.subscriptionId?.toLowerCase())) continue;
      subscriptions.push({ id: s.subscriptionId ?? '', tenantId: s.tenantId ?? '', displayName: s.displayName ?? '', state: s.state ?? 'Unknown', syncedAt: clock.now().toISOString() });
    }
  } catch (error) {
    throw translateArmError(error, 'Listing subscriptions');
  }
  ctx.info(`${subscriptions.length} subscription(s): ${subscriptions.map((s) => `${s.displayName} (${s.id})`).join(', ') || 'none'}.`);
  result.subscriptions = subscriptions.length;

  const protectedAccounts: { record: ProtectedResourceRecord; restorable: RestorableAccountFacts; policy: Policy }[] = [];
  const protectedClusters: { record: ProtectedResourceRecord; policy: Policy; earliest: string }[] = [];

  // Subscriptions one after another, the calls inside each bounded: ARM limits are per subscription.
  for (const sub of subscriptions) {
    ctx.throwIfCanceled();
    const syncedAt = clock.now().toISOString();
    deps.inventory.upsertSubscription({ ...sub, syncedAt });
    if (sub.state === 'Disabled' || sub.state === 'Deleted') {
      ctx.warn(`Subscription ${sub.displayName} (${sub.id}) is ${sub.state}: its resources were not listed.`);
      continue;
    }
    const listed = await settle(() => listSubscription(arm, sub.id, ctx.signal, limit));
    if (!listed.ok) {
      result.failedSubscriptions++;
      ctx.error(`Subscription ${sub.displayName} (${sub.id}) could not be read: ${translateArmError(listed.error, 'Listing resources').message} Its catalog entries were kept as they were.`);
      continue;
    }
    const { accounts, restorable, postgres, mongo } = listed.value;
    const previous = new Map(deps.inventory.listResources({ subscriptionId: sub.id, includeDeleted: true }).map((r) => [r.id, r]));
    const byInstance = new Map(restorable.map((r) => [r.instanceId.toLowerCase(), r]));
    const records: ProtectedResourceRecord[] = [];

    for (const account of accounts) {
      const facts = accountFacts(account);
      const id = parseResourceId(account.id ?? '');
      const rest = facts.instanceId ? byInstance.get(facts.instanceId.toLowerCase()) : undefined;
      const record: ProtectedResourceRecord = {
        id: account.id ?? '',
        subscriptionId: sub.id,
        resourceGroup: id.resourceGroup,
        name: account.name ?? id.name,
        kind: COSMOS,
        api: facts.api,
        location: account.location ?? '',
        tags: account.tags ?? {},
        properties: { ...facts, restorable: rest ?? null },
        deleted: false,
        syncedAt,
      };
      records.push(record);
      const governing = governingPolicy(policies, factsOf(record));
      if (governing?.policy.continuousBackup?.enabled && facts.backup.type === 'Continuous' && rest && !unsupportedReason(facts)) {
        protectedAccounts.push({ record, restorable: rest, policy: governing.policy });
      }
    }
    result.accounts += accounts.length;

    // Deleted accounts stay restorable until their window ends; keep what we knew of them.
    const liveInstances = new Set(records.map((r) => String((r.properties as { instanceId?: string }).instanceId ?? '').toLowerCase()));
    for (const rest of restorable) {
      if (!rest.deletionTime || liveInstances.has(rest.instanceId.toLowerCase())) continue;
      const known = [...previous.values()].find((r) => String((r.properties as { instanceId?: string }).instanceId ?? '').toLowerCase() === rest.instanceId.toLowerCase());
      const record: ProtectedResourceRecord = known
        ? { ...known, deleted: true, properties: { ...known.properties, restorable: rest }, syncedAt }
        : {
            // Never seen alive: ARM does not say its resource group, so it is known by its restore source.
            id: rest.id,
            subscriptionId: sub.id,
            resourceGroup: '',
            name: rest.accountName,
            kind: COSMOS,
            api: rest.api,
            location: rest.location,
            tags: {},
            properties: { api: rest.api, instanceId: rest.instanceId, locations: rest.restorableLocations, backup: { type: 'Continuous', tier: null }, restorable: rest },
            deleted: true,
            syncedAt,
          };
      records.push(record);
      result.deletedAccounts++;
      const governing = governingPolicy(policies, factsOf(record));
      if (governing?.policy.continuousBackup?.enabled) protectedAccounts.push({ record, restorable: rest, policy: governing.policy });
    }

    for (const c of postgres) {
      const id = parseResourceId(c.id);
      const record: ProtectedResourceRecord = {
        id: c.id,
        subscriptionId: sub.id,
        resourceGroup: id.resourceGroup,
        name: c.name,
        kind: 'postgres-cluster',
        api: null,
        location: c.location,
        tags: c.tags ?? {},
        properties: {
          earliestRestoreTime: c.properties?.earliestRestoreTime ?? null,
          postgresqlVersion: c.properties?.postgresqlVersion ?? null,
          citusVersion: c.properties?.citusVersion ?? null,
          nodeCount: c.properties?.nodeCount ?? null,
          provisioningState: c.properties?.provisioningState ?? null,
          state: c.properties?.state ?? null,
          coordinator: c.properties?.serverNames?.[0]?.fullyQualifiedDomainName ?? null,
        },
        deleted: false,
        syncedAt,
      };
      records.push(record);
      const governing = governingPolicy(policies, factsOf(record));
      if (governing && c.properties?.earliestRestoreTime) protectedClusters.push({ record, policy: governing.policy, earliest: c.properties.earliestRestoreTime });
    }
    result.postgresClusters += postgres.length;

    for (const m of mongo) {
      const id = parseResourceId(m.id ?? '');
      const earliest = m.properties?.backup?.earliestRestoreTime ?? null;
      const record: ProtectedResourceRecord = {
        id: m.id ?? '',
        subscriptionId: sub.id,
        resourceGroup: id.resourceGroup,
        name: m.name ?? id.name,
        kind: 'mongo-vcore-cluster',
        api: 'MongoDB',
        location: m.location ?? '',
        tags: m.tags ?? {},
        properties: {
          earliestRestoreTime: earliest,
          serverVersion: m.properties?.serverVersion ?? null,
          provisioningState: m.properties?.provisioningState ?? null,
          clusterStatus: m.properties?.clusterStatus ?? null,
          computeTier: m.properties?.compute?.tier ?? null,
          shardCount: m.properties?.sharding?.shardCount ?? null,
          // ARM's template (`mongodb+srv://<user>:<password>@host/…`): the host a backup connects to, no secret in it.
          connectionString: m.properties?.connectionString ?? null,
        },
        deleted: false,
        syncedAt,
      };
      records.push(record);
      const governing = governingPolicy(policies, factsOf(record));
      if (governing && earliest) protectedClusters.push({ record, policy: governing.policy, earliest });
    }
    result.mongoClusters += mongo.length;

    deps.inventory.replaceResources(sub.id, records, syncedAt);
    ctx.info(`${sub.displayName}: ${accounts.length} Cosmos DB account(s), ${records.filter((r) => r.deleted).length} deleted but restorable, ${postgres.length} PostgreSQL cluster(s), ${mongo.length} MongoDB vCore cluster(s).`);
  }

  // Restore-point records: one per protected account, with what existed at the latest restorable time.
  const total = protectedAccounts.length + protectedClusters.length;
  let done = 0;
  ctx.progress(0, total, 'records');
  const sessionId = ctx.sessionId;
  // Round-robin over subscriptions: ARM's budgets are per subscription, so interleaving uses them all at once.
  await mapPool(interleaveBySubscription(protectedAccounts), limit, async ({ record, restorable, policy }) => {
    const outcome = await settle(async () => {
      const windowEnd = restorable.deletionTime ?? clock.now().toISOString();
      const resources = await restorableResourcesAt(arm.cosmos(record.subscriptionId), {
        location: normalizeForPath(restorable.location),
        instanceId: restorable.instanceId,
        api: restorable.api,
        signal: ctx.signal,
      });
      const facts = record.properties as Partial<CosmosAccountFacts>;
      const metadata: CosmosRestorePointMetadata = {
        resourceType: COSMOS,
        accountName: record.name,
        subscriptionId: record.subscriptionId,
        resourceGroup: record.resourceGroup,
        api: restorable.api,
        instanceId: restorable.instanceId,
        restoreSource: restorable.id,
        location: restorable.location,
        restorableLocations: restorable.restorableLocations,
        databases: resources.databases,
        tables: resources.tables,
        backupTier: facts.backup?.type === 'Continuous' ? (facts.backup.tier ?? null) : null,
        deleted: record.deleted,
        deletionTime: restorable.deletionTime,
        keyVaultKeyUri: facts.keyVaultKeyUri ?? null,
        multipleWriteLocations: facts.multipleWriteLocations ?? false,
      };
      deps.restorePoints.add({
        kind: 'continuous',
        resourceId: record.id,
        policyId: policy.id,
        repositoryId: null,
        sessionId,
        // The record's own time: a deleted account's window ends earlier, but this record is newer.
        pointTime: clock.now().toISOString(),
        windowStart: restorable.oldestRestorableTime,
        windowEnd,
        gfs: [],
        sizeBytes: null,
        metadata: metadata as unknown as Record<string, unknown>,
        createdAt: clock.now().toISOString(),
      });
    });
    if (outcome.ok) result.restorePointRecords++;
    else {
      result.failedRecords++;
      ctx.error(`Restore-point record of ${record.name}: ${translateArmError(outcome.error, 'Listing restorable resources').message}`);
    }
    ctx.progress(++done, total, 'records');
  }, ctx.signal);

  for (const { record, policy, earliest } of protectedClusters) {
    const now = clock.now().toISOString();
    const metadata: ClusterRestorePointMetadata = {
      resourceType: record.kind as ClusterRestorePointMetadata['resourceType'],
      name: record.name,
      subscriptionId: record.subscriptionId,
      resourceGroup: record.resourceGroup,
      location: record.location,
      serverVersion: String((record.properties as { postgresqlVersion?: string; serverVersion?: string }).postgresqlVersion ?? (record.properties as { serverVersion?: string }).serverVersion ?? '') || null,
    };
    deps.restorePoints.add({ kind: 'continuous', resourceId: record.id, policyId: policy.id, repositoryId: null, sessionId, pointTime: now, windowStart: earliest, windowEnd: now, gfs: [], sizeBytes: null, metadata: metadata as unknown as Record<string, unknown>, createdAt: now });
    result.restorePointRecords++;
    ctx.progress(++done, total, 'records');
  }
  ctx.info(`${result.restorePointRecords} restore-point record(s) written.`);
  return result;
}

async function listSubscription(arm: ArmClients, subscriptionId: string, signal: AbortSignal, limit: number) {
  const cosmos = arm.cosmos(subscriptionId);
  const collect = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  };
  const calls = [
    () => collect(cosmos.databaseAccounts.list({ abortSignal: signal })),
    () => collect(cosmos.restorableDatabaseAccounts.list({ abortSignal: signal })),
    () => listAll<PostgresClusterJson>(arm, `/subscriptions/${subscriptionId}/providers/Microsoft.DBforPostgreSQL/serverGroupsv2`, POSTGRES_CLUSTERS_API_VERSION, signal),
    () => collect(arm.mongoClusters(subscriptionId).mongoClusters.list({ abortSignal: signal })),
  ] as const;
  const [accounts, restorable, postgres, mongo] = (await mapPool(calls as readonly (() => Promise<unknown>)[], limit, (call) => call(), signal)) as [
    Awaited<ReturnType<(typeof calls)[0]>>,
    Awaited<ReturnType<(typeof calls)[1]>>,
    PostgresClusterJson[],
    MongoCluster[],
  ];
  return { accounts, restorable: restorable.map(restorableFacts), postgres, mongo };
}

/** Reorders items so consecutive ones belong to different subscriptions (stable within each). */
export function interleaveBySubscription<T extends { record: { subscriptionId: string } }>(items: readonly T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = item.record.subscriptionId.toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const queues = [...groups.values()];
  const out: T[] = [];
  for (let i = 0; out.length < items.length; i++) for (const q of queues) if (i < q.length) out.push(q[i]!);
  return out;
}

/** Scope facts of a catalog record (for `governingPolicy`). */
export function factsOf(record: ProtectedResourceRecord): ResourceFacts {
  return { id: record.id, kind: record.kind, subscriptionId: record.subscriptionId, resourceGroup: record.resourceGroup, tags: record.tags };
}

/** "West US" → "westus" for URL paths. */
function normalizeForPath(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}
