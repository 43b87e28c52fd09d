import { ArmError, badRequest } from '../arm-error.ts';
import { COSMOS_API_VERSIONS } from '../api-versions.ts';
import type { ArmContext, Route } from '../context.ts';
import type { EmulatorReply } from '../http-types.ts';
import { page } from '../paging.ts';
import { newRid } from '../state/ids.ts';
import { accountId } from '../state/render-account.ts';
import { existingAt, liveChild, restorableWindow, snapshotAt } from '../state/restorable.ts';
import type { CosmosAccount, CosmosApi, CosmosChild } from '../state/types.ts';
import { lroReply, obj, parseTime, startOperation, str } from './common.ts';
import { assertWritable, parseRestoreSource } from './cosmos-accounts.ts';

const V = COSMOS_API_VERSIONS;
const ACCOUNT = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DocumentDB/databaseAccounts/{accountName}';

/** One API's database/child naming, e.g. sqlDatabases/containers. */
interface ChildKind {
  api: CosmosApi;
  dbSegment: string;
  childSegment: string;
  /** Label in error messages. */
  childLabel: string;
}

const KINDS: ChildKind[] = [
  { api: 'Sql', dbSegment: 'sqlDatabases', childSegment: 'containers', childLabel: 'Container' },
  { api: 'MongoDB', dbSegment: 'mongodbDatabases', childSegment: 'collections', childLabel: 'Collection' },
  { api: 'Gremlin', dbSegment: 'gremlinDatabases', childSegment: 'graphs', childLabel: 'Graph' },
];

function account(ctx: ArmContext, api: CosmosApi): CosmosAccount {
  const p = ctx.params;
  const a = ctx.env.state.account(p['subscriptionId'] ?? '', p['resourceGroupName'] ?? '', p['accountName'] ?? '');
  if (a.api !== api) throw badRequest(`Database account '${a.name}' is a ${a.api} API account; this operation needs the ${api} API.`);
  return a;
}

function render(a: CosmosAccount, path: string, type: string, item: CosmosChild, child: boolean, api: CosmosApi): Record<string, unknown> {
  const resource: Record<string, unknown> = { id: item.name, _rid: item.rid, _ts: Math.floor(item.createdAt / 1000), _etag: `"${item.rid}"` };
  if (child && api === 'Sql') resource['partitionKey'] = { paths: ['/id'], kind: 'Hash', version: 2 };
  if (child && api === 'MongoDB') resource['shardKey'] = {};
  return { id: `${accountId(a)}/${path}`, name: item.name, type: `Microsoft.DocumentDB/databaseAccounts/${type}`, properties: { resource, options: {} } };
}

function notFound(label: string, name: string): ArmError {
  return new ArmError(404, 'NotFound', `${label} '${name}' was not found.`);
}

/** Validates resource.createMode/restoreParameters of an in-account restore and returns the timestamp. */
function restoreTimestamp(ctx: ArmContext, a: CosmosAccount, resource: Record<string, unknown>): number | undefined {
  const mode = str(resource['createMode']) ?? 'Default';
  if (mode === 'Default') return undefined;
  if (mode !== 'Restore') throw badRequest(`Invalid createMode '${mode}'. Allowed values are Default, Restore.`);
  const rp = obj(resource['restoreParameters']);
  const src = parseRestoreSource(rp['restoreSource']);
  if (src.instanceId.toLowerCase() !== a.instanceId.toLowerCase()) {
    throw badRequest('In-account restore must use the same account as its restore source.');
  }
  ctx.env.principals.authorize(ctx.principal, 'Microsoft.DocumentDB/locations/restorableDatabaseAccounts/restore/action', String(rp['restoreSource']));
  const window = restorableWindow(a, ctx.env.clock.now());
  if (!window) throw badRequest(`Database account '${a.name}' does not have continuous backup; in-account restore is not possible.`);
  const t = parseTime(rp['restoreTimestampInUtc'], 'restoreTimestampInUtc');
  if (t < window.start || t > window.end) {
    throw badRequest(`The restore timestamp '${new Date(t).toISOString()}' is not within the restorable window of the account [${new Date(window.start).toISOString()}, ${new Date(window.end).toISOString()}].`);
  }
  return t;
}

/** Starts a child-resource LRO with the account lock, answering 202 like Cosmos DB. */
function childOperation(ctx: ArmContext, a: CosmosAccount, onSuccess: () => void, result?: () => unknown): EmulatorReply {
  assertWritable(ctx, a);
  const op = startOperation(ctx, {
    subscriptionId: a.subscriptionId,
    provider: 'Microsoft.DocumentDB',
    location: a.location,
    durationMs: ctx.env.settings.durations.childResource,
    statusSegment: 'operationsStatus',
    resultSegment: 'operationResults',
    onSuccess: () => {
      a.busyWith = undefined;
      onSuccess();
    },
    onFailure: () => {
      a.busyWith = undefined;
    },
    result,
  });
  a.busyWith = op.id;
  return lroReply(ctx, op, 202);
}

/**
 * The top-level resources of an account — databases (SQL, MongoDB, Gremlin) or tables (Table):
 * list, get, create (including in-account restore of a deleted one) and delete.
 */
function topLevelRoutes(api: CosmosApi, segment: string, label: string): Route[] {
  const dbs = `${ACCOUNT}/${segment}`;
  const db = `${dbs}/{databaseName}`;
  const ns = `Microsoft.DocumentDB/databaseAccounts/${segment}`;
  const dbType = segment;
  const kind = { api, dbSegment: segment };
  const liveDb = (a: CosmosAccount, name: string): CosmosChild => {
    const d = liveChild(a.databases, name);
    if (!d) throw notFound(label, name);
    return d;
  };
  return [
    {
      method: 'GET',
      pattern: dbs,
      apiVersions: V,
      action: `${ns}/read`,
      handle: (ctx) => {
        const a = account(ctx, kind.api);
        const live = a.databases.filter((d) => d.deletedAt === undefined);
        return { status: 200, body: page(ctx, live, (d) => render(a, `${kind.dbSegment}/${d.name}`, dbType, d, false, kind.api)) };
      },
    },
    {
      method: 'GET',
      pattern: db,
      apiVersions: V,
      action: `${ns}/read`,
      handle: (ctx) => {
        const a = account(ctx, kind.api);
        const d = liveDb(a, ctx.params['databaseName'] ?? '');
        return { status: 200, body: render(a, `${kind.dbSegment}/${d.name}`, dbType, d, false, kind.api) };
      },
    },
    {
      method: 'PUT',
      pattern: db,
      apiVersions: V,
      action: `${ns}/write`,
      handle: (ctx) => {
        const a = account(ctx, kind.api);
        const name = ctx.params['databaseName'] ?? '';
        const resource = obj(obj(ctx.body['properties'])['resource']);
        const t = restoreTimestamp(ctx, a, resource);
        const existing = liveChild(a.databases, name);
        if (t !== undefined) {
          if (existing) throw badRequest(`${label} '${name}' already exists. Only deleted resources can be restored within same account.`);
          const past = existingAt(a.databases, t).find((d) => d.name === name);
          if (!past) throw badRequest(`${label} '${name}' did not exist at the restore timestamp '${new Date(t).toISOString()}'.`);
        }
        return childOperation(ctx, a, () => {
          if (liveChild(a.databases, name)) return;
          const now = ctx.env.clock.now();
          if (t !== undefined) {
            const restored = snapshotAt(a.databases.filter((d) => d.name === name), t, now, () => newRid(4));
            a.databases.push(...restored);
          } else {
            a.databases.push({ name, rid: newRid(4), createdAt: now, children: [] });
          }
        }, () => render(a, `${kind.dbSegment}/${name}`, dbType, liveDb(a, name), false, kind.api));
      },
    },
    {
      method: 'DELETE',
      pattern: db,
      apiVersions: V,
      action: `${ns}/delete`,
      handle: (ctx) => {
        const a = account(ctx, kind.api);
        const d = liveDb(a, ctx.params['databaseName'] ?? '');
        return childOperation(ctx, a, () => {
          const now = ctx.env.clock.now();
          d.deletedAt = now;
          for (const c of d.children) if (c.deletedAt === undefined) c.deletedAt = now;
        });
      },
    },
  ];
}

function kindRoutes(kind: ChildKind): Route[] {
  const db = `${ACCOUNT}/${kind.dbSegment}/{databaseName}`;
  const children = `${db}/${kind.childSegment}`;
  const child = `${children}/{childName}`;
  const ns = `Microsoft.DocumentDB/databaseAccounts/${kind.dbSegment}`;
  const childType = `${kind.dbSegment}/${kind.childSegment}`;
  const liveDb = (a: CosmosAccount, name: string): CosmosChild => {
    const d = liveChild(a.databases, name);
    if (!d) throw notFound('Database', name);
    return d;
  };
  return [
    ...topLevelRoutes(kind.api, kind.dbSegment, 'Database'),
    {
      method: 'GET',
      pattern: children,
      apiVersions: V,
      action: `${ns}/${kind.childSegment}/read`,
      handle: (ctx) => {
        const a = account(ctx, kind.api);
        const d = liveDb(a, ctx.params['databaseName'] ?? '');
        const live = d.children.filter((c) => c.deletedAt === undefined);
        return { status: 200, body: page(ctx, live, (c) => render(a, `${kind.dbSegment}/${d.name}/${kind.childSegment}/${c.name}`, childType, c, true, kind.api)) };
      },
    },
    {
      method: 'GET',
      pattern: child,
      apiVersions: V,
      action: `${ns}/${kind.childSegment}/read`,
      handle: (ctx) => {
        const a = account(ctx, kind.api);
        const d = liveDb(a, ctx.params['databaseName'] ?? '');
        const c = liveChild(d.children, ctx.params['childName'] ?? '');
        if (!c) throw notFound(kind.childLabel, ctx.params['childName'] ?? '');
        return { status: 200, body: render(a, `${kind.dbSegment}/${d.name}/${kind.childSegment}/${c.name}`, childType, c, true, kind.api) };
      },
    },
    {
      method: 'PUT',
      pattern: child,
      apiVersions: V,
      action: `${ns}/${kind.childSegment}/write`,
      handle: (ctx) => {
        const a = account(ctx, kind.api);
        const d = liveDb(a, ctx.params['databaseName'] ?? '');
        const name = ctx.params['childName'] ?? '';
        const resource = obj(obj(ctx.body['properties'])['resource']);
        const t = restoreTimestamp(ctx, a, resource);
        if (t !== undefined) {
          if (liveChild(d.children, name)) throw badRequest(`${kind.childLabel} '${name}' already exists. Only deleted resources can be restored within same account.`);
          const existed = a.databases.filter((x) => x.name === d.name).some((x) => existingAt(x.children, t).some((c) => c.name === name));
          if (!existed) throw badRequest(`${kind.childLabel} '${name}' did not exist in database '${d.name}' at the restore timestamp '${new Date(t).toISOString()}'.`);
        }
        return childOperation(ctx, a, () => {
          if (!liveChild(d.children, name)) d.children.push({ name, rid: newRid(8), createdAt: ctx.env.clock.now(), children: [] });
        }, () => {
          const c = liveChild(d.children, name);
          return c ? render(a, `${kind.dbSegment}/${d.name}/${kind.childSegment}/${name}`, childType, c, true, kind.api) : undefined;
        });
      },
    },
    {
      method: 'DELETE',
      pattern: child,
      apiVersions: V,
      action: `${ns}/${kind.childSegment}/delete`,
      handle: (ctx) => {
        const a = account(ctx, kind.api);
        const d = liveDb(a, ctx.params['databaseName'] ?? '');
        const c = liveChild(d.children, ctx.params['childName'] ?? '');
        if (!c) throw notFound(kind.childLabel, ctx.params['childName'] ?? '');
        return childOperation(ctx, a, () => {
          c.deletedAt = ctx.env.clock.now();
        });
      },
    },
  ];
}

/** retrieveContinuousBackupInformation for SQL containers and MongoDB collections (an LRO). */
function backupInformationRoute(kind: ChildKind): Route {
  return {
    method: 'POST',
    pattern: `${ACCOUNT}/${kind.dbSegment}/{databaseName}/${kind.childSegment}/{childName}/retrieveContinuousBackupInformation`,
    apiVersions: V,
    action: `Microsoft.DocumentDB/databaseAccounts/${kind.dbSegment}/${kind.childSegment}/retrieveContinuousBackupInformation/action`,
    handle: (ctx) => {
      const a = account(ctx, kind.api);
      const d = liveChild(a.databases, ctx.params['databaseName'] ?? '');
      if (!d) throw notFound('Database', ctx.params['databaseName'] ?? '');
      if (!liveChild(d.children, ctx.params['childName'] ?? '')) throw notFound(kind.childLabel, ctx.params['childName'] ?? '');
      if (!restorableWindow(a, ctx.env.clock.now())) throw badRequest(`Database account '${a.name}' does not have continuous backup.`);
      let latest = 0;
      const op = startOperation(ctx, {
        subscriptionId: a.subscriptionId,
        provider: 'Microsoft.DocumentDB',
        location: a.location,
        durationMs: ctx.env.settings.durations.backupInformation,
        statusSegment: 'operationsStatus',
        resultSegment: 'operationResults',
        onSuccess: () => {
          latest = ctx.env.clock.now();
        },
        result: () => ({ continuousBackupInformation: { latestRestorableTimestamp: new Date(latest).toISOString() } }),
      });
      return lroReply(ctx, op, 202);
    },
  };
}

/** SQL/MongoDB/Gremlin databases and their children, and Table API tables: list, get, create (incl. in-account restore), delete. */
export function cosmosChildRoutes(): Route[] {
  return [...KINDS.flatMap(kindRoutes), ...topLevelRoutes('Table', 'tables', 'Table'), backupInformationRoute(KINDS[0] as ChildKind), backupInformationRoute(KINDS[1] as ChildKind)];
}
