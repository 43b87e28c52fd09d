import { ArmError, badRequest } from '../arm-error.ts';
import { COSMOS_API_VERSIONS } from '../api-versions.ts';
import type { ArmContext, Route } from '../context.ts';
import { page } from '../paging.ts';
import { newGuid, newRid, isValidAccountName } from '../state/ids.ts';
import { displayLocation, normalizeLocation } from '../state/locations.ts';
import { renderAccount } from '../state/render-account.ts';
import { existingAt, restorableWindow, snapshotAt } from '../state/restorable.ts';
import type { BackupMigration, BackupPolicy, ContinuousTier, CosmosAccount, CosmosApi, CosmosChild } from '../state/types.ts';
import { arr, busy, lroReply, obj, parseTime, startOperation, str } from './common.ts';
import type { Json } from './common.ts';

const V = COSMOS_API_VERSIONS;
const ACCOUNTS = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DocumentDB/databaseAccounts';
const ACCOUNT = `${ACCOUNTS}/{accountName}`;
const READ = 'Microsoft.DocumentDB/databaseAccounts/read';
const WRITE = 'Microsoft.DocumentDB/databaseAccounts/write';
const TIERS: ContinuousTier[] = ['Continuous7Days', 'Continuous30Days'];

function lookup(ctx: ArmContext): CosmosAccount {
  const p = ctx.params;
  return ctx.env.state.account(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '', p['accountName'] ?? '');
}

/** Refuses writes while the account is locked, the way Cosmos DB does. */
export function assertWritable(ctx: ArmContext, account: CosmosAccount): void {
  if (account.migration?.status === 'InProgress') {
    throw new ArmError(409, 'Conflict', `Backup policy migration from Periodic to Continuous is in progress for database account '${account.name}'. Other updates to the account are not allowed until the migration completes.`);
  }
  if (account.busyWith && ctx.env.operations.find(account.busyWith)?.status === 'InProgress') throw busy(account.name);
}

function parseBackupPolicy(value: unknown): BackupPolicy | undefined {
  if (value === undefined) return undefined;
  const bp = obj(value);
  if (bp['type'] === 'Continuous') {
    const tier = str(obj(bp['continuousModeProperties'])['tier']) ?? 'Continuous30Days';
    if (!TIERS.includes(tier as ContinuousTier)) throw badRequest(`Invalid continuous backup tier '${tier}'. Allowed values are Continuous7Days, Continuous30Days.`);
    return { type: 'Continuous', tier: tier as ContinuousTier };
  }
  if (bp['type'] === 'Periodic') {
    const p = obj(bp['periodicModeProperties']);
    const redundancy = str(p['backupStorageRedundancy']) ?? 'Geo';
    return {
      type: 'Periodic',
      intervalMinutes: Number(p['backupIntervalInMinutes'] ?? 240),
      retentionHours: Number(p['backupRetentionIntervalInHours'] ?? 8),
      redundancy: (['Geo', 'Local', 'Zone'].includes(redundancy) ? redundancy : 'Geo') as 'Geo' | 'Local' | 'Zone',
    };
  }
  throw badRequest(`Invalid backup policy type '${String(bp['type'])}'. Allowed values are Periodic, Continuous.`);
}

/** Validates and starts an update (PATCH, or PUT on an existing account). */
function update(ctx: ArmContext, account: CosmosAccount, body: Json): { status: number; headers?: Record<string, string>; body?: unknown } {
  assertWritable(ctx, account);
  const props = obj(body['properties']);
  const env = ctx.env;
  const policy = parseBackupPolicy(props['backupPolicy']);
  const now = env.clock.now();
  let startMigration: ContinuousTier | undefined;
  if (policy?.type === 'Periodic' && account.backup.type === 'Continuous') {
    throw badRequest(`Database account '${account.name}' uses continuous backup; changing the backup policy from Continuous to Periodic is not supported.`);
  }
  if (policy?.type === 'Continuous' && account.backup.type === 'Periodic') {
    if (account.api === 'Cassandra') throw badRequest('Migration to continuous backup is not supported for Cassandra API accounts through this API.');
    startMigration = policy.tier;
  }

  const previous = account.provisioningState;
  account.provisioningState = 'Updating';
  if (startMigration) {
    const migration: BackupMigration = { status: 'InProgress', startTime: now, completesAt: now + env.settings.durations.backupMigration, tier: startMigration };
    account.migration = migration;
    env.operations.defer(migration.completesAt, () => {
      if (account.migration !== migration || migration.status !== 'InProgress') return;
      migration.status = 'Completed';
      account.backup = { type: 'Continuous', tier: migration.tier };
      account.continuousSince = migration.completesAt;
    });
  }
  const op = startOperation(ctx, {
    subscriptionId: account.subscriptionId,
    provider: 'Microsoft.DocumentDB',
    location: account.location,
    durationMs: env.settings.durations.accountUpdate,
    statusSegment: 'operationsStatus',
    resultSegment: 'operationResults',
    onSuccess: () => {
      account.provisioningState = previous === 'Updating' ? 'Succeeded' : previous;
      account.busyWith = undefined;
      if (policy?.type === 'Continuous' && account.backup.type === 'Continuous') account.backup = policy;
      if (policy?.type === 'Periodic' && account.backup.type === 'Periodic') account.backup = policy;
      if (body['tags'] !== undefined) account.tags = obj(body['tags']) as Record<string, string>;
      const pna = str(props['publicNetworkAccess']);
      if (pna === 'Enabled' || pna === 'Disabled' || pna === 'SecuredByPerimeter') account.publicNetworkAccess = pna;
      if (typeof props['enableMultipleWriteLocations'] === 'boolean') account.enableMultipleWriteLocations = props['enableMultipleWriteLocations'];
      if (typeof props['keyVaultKeyUri'] === 'string') account.keyVaultKeyUri = props['keyVaultKeyUri'];
    },
    onFailure: () => {
      account.provisioningState = previous === 'Updating' ? 'Succeeded' : previous;
      account.busyWith = undefined;
      if (startMigration && account.migration?.status === 'InProgress') account.migration = undefined;
    },
    result: () => (ctx.env.state.findAccount(account.subscriptionId, account.resourceGroup, account.name) ? renderAccount(account) : undefined),
  });
  account.busyWith = op.id;
  return lroReply(ctx, op, 200, renderAccount(account));
}

function apiFromRequest(body: Json): CosmosApi {
  const capabilities = arr(obj(body['properties'])['capabilities']).map((c) => str(obj(c)['name']) ?? '');
  if (body['kind'] === 'MongoDB') return 'MongoDB';
  if (capabilities.includes('EnableGremlin')) return 'Gremlin';
  if (capabilities.includes('EnableTable')) return 'Table';
  if (capabilities.includes('EnableCassandra')) return 'Cassandra';
  return 'Sql';
}

/** Parses restoreParameters.restoreSource into its parts, or throws 400. */
export function parseRestoreSource(source: unknown): { subscriptionId: string; location: string; instanceId: string } {
  const m = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.DocumentDB\/locations\/([^/]+)\/restorableDatabaseAccounts\/([^/]+)$/i.exec(String(source ?? ''));
  if (!m?.[1] || !m[2] || !m[3]) throw badRequest(`The restore source '${String(source)}' is not a valid restorable database account id.`);
  return { subscriptionId: m[1], location: decodeURIComponent(m[2]), instanceId: m[3] };
}

/** Checks that the named databases/collections (or graphs, tables) existed at `t`. */
function checkRestoreSelection(source: CosmosAccount, rp: Json, t: number): CosmosChild[] | undefined {
  const at = existingAt(source.databases, t);
  const pick = (list: unknown[], childKey: string): CosmosChild[] =>
    list.map((entry) => {
      const e = obj(entry);
      const dbName = str(e['databaseName']) ?? '';
      const db = at.find((d) => d.name === dbName);
      if (!db) throw badRequest(`Database '${dbName}' does not exist in the source account at the restore timestamp.`);
      const names = arr(e[childKey]).map(String);
      const children = existingAt(db.children, t);
      for (const n of names) {
        if (!children.some((c) => c.name === n)) throw badRequest(`Collection '${n}' does not exist in database '${dbName}' of the source account at the restore timestamp.`);
      }
      return { ...db, children: names.length ? children.filter((c) => names.includes(c.name)) : children };
    });
  if (Array.isArray(rp['databasesToRestore'])) return pick(rp['databasesToRestore'], 'collectionNames');
  if (Array.isArray(rp['gremlinDatabasesToRestore'])) return pick(rp['gremlinDatabasesToRestore'], 'graphNames');
  if (Array.isArray(rp['tablesToRestore'])) {
    const names = rp['tablesToRestore'].map(String);
    for (const n of names) if (!at.some((d) => d.name === n)) throw badRequest(`Table '${n}' does not exist in the source account at the restore timestamp.`);
    return at.filter((d) => names.includes(d.name));
  }
  return undefined;
}

function create(ctx: ArmContext, body: Json): { status: number; headers?: Record<string, string>; body?: unknown } {
  const { state, clock, settings, principals } = ctx.env;
  const p = ctx.params;
  const subscriptionId = p['subscriptionId'] ?? '';
  const resourceGroup = state.resourceGroup(subscriptionId, p['resourceGroupName'] ?? '').name;
  const name = p['accountName'] ?? '';
  if (!isValidAccountName(name)) {
    throw badRequest(`Database account name '${name}' is invalid. It can contain only lowercase letters, numbers and the '-' character, must be between 3 and 44 characters long, and cannot start or end with '-'.`, 'InvalidResourceName');
  }
  if (state.isAccountNameTaken(name)) throw badRequest(`Dns record for ${name} under zone Document is already taken. Please use a different name for the account.`);
  const props = obj(body['properties']);
  const location = str(body['location']);
  if (!location) throw badRequest("The 'location' property is required.", 'LocationRequired');
  const requested = arr(props['locations']).map((l, i) => ({ name: normalizeLocation(str(obj(l)['locationName']) ?? location), failoverPriority: Number(obj(l)['failoverPriority'] ?? i), isZoneRedundant: obj(l)['isZoneRedundant'] === true }));
  const locs = requested.length ? requested : [{ name: normalizeLocation(location), failoverPriority: 0, isZoneRedundant: false }];
  for (const l of locs) state.checkLocationAllowed(subscriptionId, l.name);
  const now = clock.now();
  const createMode = str(props['createMode']) ?? 'Default';
  let backup = parseBackupPolicy(props['backupPolicy']) ?? { type: 'Periodic', intervalMinutes: 240, retentionHours: 8, redundancy: 'Geo' };
  let api = apiFromRequest(body);
  let databases: () => CosmosChild[] = () => [];
  let restoreParameters: Json | undefined;

  if (createMode === 'Restore') {
    const rp = obj(props['restoreParameters']);
    if (!props['restoreParameters']) throw badRequest("'restoreParameters' are required when createMode is 'Restore'.");
    const src = parseRestoreSource(rp['restoreSource']);
    principals.authorize(ctx.principal, 'Microsoft.DocumentDB/locations/restorableDatabaseAccounts/restore/action', String(rp['restoreSource']));
    const source = state.accountByInstanceId(src.instanceId);
    if (!source || source.subscriptionId.toLowerCase() !== src.subscriptionId.toLowerCase()) {
      throw new ArmError(404, 'NotFound', `Restorable database account with instance id '${src.instanceId}' was not found in location '${src.location}'.`);
    }
    if (source.api === 'Cassandra') throw badRequest('Point-in-time restore of Cassandra API accounts is not supported through this API.');
    const window = restorableWindow(source, now);
    if (!window) throw badRequest(`Database account with instance id '${source.instanceId}' is not restorable: continuous backup is not enabled or its restorable window has ended.`);
    const t = parseTime(rp['restoreTimestampInUtc'], 'restoreTimestampInUtc');
    if (t < window.start || t > window.end) {
      throw badRequest(`The restore timestamp '${new Date(t).toISOString()}' is not within the restorable window of the source account [${new Date(window.start).toISOString()}, ${new Date(window.end).toISOString()}].`);
    }
    const sourceLocations = source.locations.map((l) => l.name);
    for (const l of locs) {
      if (!sourceLocations.includes(l.name)) {
        throw badRequest(`Restore is only supported in regions where the source account exists. Region '${displayLocation(l.name)}' is not one of ${sourceLocations.map(displayLocation).join(', ')}.`);
      }
    }
    const selection = checkRestoreSelection(source, rp, t);
    api = source.api;
    if (backup.type !== 'Continuous') backup = { type: 'Continuous', tier: source.backup.type === 'Continuous' ? source.backup.tier : 'Continuous30Days' };
    restoreParameters = { restoreMode: str(rp['restoreMode']) ?? 'PointInTime', ...rp };
    databases = () => snapshotAt(selection ?? source.databases, t, clock.now(), () => newRid(4));
  } else if (createMode !== 'Default') {
    throw badRequest(`Invalid createMode '${createMode}'. Allowed values are Default, Restore.`);
  }

  const account: CosmosAccount = {
    subscriptionId: state.subscription(subscriptionId).subscriptionId,
    resourceGroup,
    name,
    location: normalizeLocation(location),
    api,
    instanceId: newGuid(),
    createdAt: now,
    locations: locs.map((l) => ({ ...l, createdAt: now, regionalInstanceId: newGuid() })),
    backup,
    enableMultipleWriteLocations: props['enableMultipleWriteLocations'] === true,
    keyVaultKeyUri: str(props['keyVaultKeyUri']),
    publicNetworkAccess: str(props['publicNetworkAccess']) === 'Disabled' ? 'Disabled' : 'Enabled',
    provisioningState: 'Creating',
    tags: obj(body['tags']) as Record<string, string>,
    createMode: createMode as 'Default' | 'Restore',
    restoreParameters,
    consistencyLevel: str(obj(props['consistencyPolicy'])['defaultConsistencyLevel']) ?? 'Session',
    serverVersion: str(obj(props['apiProperties'])['serverVersion']),
    databases: [],
  };
  state.accounts.push(account);
  const op = startOperation(ctx, {
    subscriptionId: account.subscriptionId,
    provider: 'Microsoft.DocumentDB',
    location: account.location,
    durationMs: createMode === 'Restore' ? settings.durations.accountRestore : settings.durations.accountCreate,
    statusSegment: 'operationsStatus',
    resultSegment: 'operationResults',
    onSuccess: () => {
      account.provisioningState = 'Succeeded';
      account.busyWith = undefined;
      account.databases = databases();
      if (account.backup.type === 'Continuous') account.continuousSince = clock.now();
    },
    onFailure: () => {
      // A failed create leaves nothing behind, as ARM cleans up failed Cosmos DB creates.
      const i = state.accounts.indexOf(account);
      if (i >= 0) state.accounts.splice(i, 1);
    },
    result: () => renderAccount(account),
  });
  account.busyWith = op.id;
  return lroReply(ctx, op, 200, renderAccount(account));
}

function remove(ctx: ArmContext): { status: number; headers?: Record<string, string>; body?: unknown } {
  const account = lookup(ctx);
  assertWritable(ctx, account);
  const previous = account.provisioningState;
  account.provisioningState = 'Deleting';
  const op = startOperation(ctx, {
    subscriptionId: account.subscriptionId,
    provider: 'Microsoft.DocumentDB',
    location: account.location,
    durationMs: ctx.env.settings.durations.accountDelete,
    statusSegment: 'operationsStatus',
    resultSegment: 'operationResults',
    onSuccess: () => {
      if (ctx.env.state.findAccount(account.subscriptionId, account.resourceGroup, account.name) === account) {
        ctx.env.state.deleteAccount(account.subscriptionId, account.resourceGroup, account.name);
      }
    },
    onFailure: () => {
      account.provisioningState = previous;
      account.busyWith = undefined;
    },
  });
  account.busyWith = op.id;
  return lroReply(ctx, op, 202);
}

/** Database account routes: list, get, create (incl. restore), update, delete, keys. */
export function cosmosAccountRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.DocumentDB/databaseAccounts',
      apiVersions: V,
      action: READ,
      handle: (ctx) => {
        const sub = ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
        return { status: 200, body: page(ctx, ctx.env.state.accountsIn(sub.subscriptionId), renderAccount) };
      },
    },
    {
      method: 'GET',
      pattern: ACCOUNTS,
      apiVersions: V,
      action: READ,
      handle: (ctx) => {
        const rg = ctx.env.state.resourceGroup(ctx.params['subscriptionId'] ?? '', ctx.params['resourceGroupName'] ?? '');
        return { status: 200, body: page(ctx, ctx.env.state.accountsIn(ctx.params['subscriptionId'] ?? '', rg.name), renderAccount) };
      },
    },
    { method: 'GET', pattern: ACCOUNT, apiVersions: V, action: READ, handle: (ctx) => ({ status: 200, body: renderAccount(lookup(ctx)) }) },
    {
      method: 'PATCH',
      pattern: ACCOUNT,
      apiVersions: V,
      action: WRITE,
      handle: (ctx) => update(ctx, lookup(ctx), ctx.body),
    },
    {
      method: 'PUT',
      pattern: ACCOUNT,
      apiVersions: V,
      action: WRITE,
      handle: (ctx) => {
        const p = ctx.params;
        ctx.env.state.resourceGroup(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '');
        const existing = ctx.env.state.findAccount(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '', p['accountName'] ?? '');
        if (existing) {
          if (str(obj(ctx.body['properties'])['createMode']) === 'Restore') {
            throw badRequest(`Database account '${existing.name}' already exists. Restore is only supported into a new account.`);
          }
          return update(ctx, existing, ctx.body);
        }
        return create(ctx, ctx.body);
      },
    },
    { method: 'DELETE', pattern: ACCOUNT, apiVersions: V, action: 'Microsoft.DocumentDB/databaseAccounts/delete', handle: remove },
    {
      method: 'POST',
      pattern: `${ACCOUNT}/listKeys`,
      apiVersions: V,
      action: 'Microsoft.DocumentDB/databaseAccounts/listKeys/action',
      handle: (ctx) => {
        lookup(ctx);
        const key = Buffer.from(`emulator-key-${ctx.params['accountName'] ?? ''}`).toString('base64');
        return { status: 200, body: { primaryMasterKey: key, secondaryMasterKey: key, primaryReadonlyMasterKey: key, secondaryReadonlyMasterKey: key } };
      },
    },
    {
      method: 'POST',
      pattern: `${ACCOUNT}/listConnectionStrings`,
      apiVersions: V,
      action: 'Microsoft.DocumentDB/databaseAccounts/listConnectionStrings/action',
      handle: (ctx) => {
        const a = lookup(ctx);
        const key = Buffer.from(`emulator-key-${a.name}`).toString('base64');
        const fallback =
          a.api === 'MongoDB'
            ? [{ connectionString: `mongodb://${a.name}:${key}@${a.name}.mongo.cosmos.azure.com:10255/?ssl=true&replicaSet=globaldb&retrywrites=false&maxIdleTimeMS=120000&appName=@${a.name}@`, description: 'Primary MongoDB Connection String', keyKind: 'Primary', type: 'MongoDB' }]
            : [{ connectionString: `AccountEndpoint=https://${a.name}.documents.azure.com:443/;AccountKey=${key};`, description: 'Primary SQL Connection String', keyKind: 'Primary', type: 'Sql' }];
        return { status: 200, body: { connectionStrings: a.connectionStrings ?? fallback } };
      },
    },
  ];
}
