import { createHash } from 'node:crypto';
import { ArmError, badRequest } from '../arm-error.ts';
import { COSMOS_API_VERSIONS } from '../api-versions.ts';
import { isoSeconds } from '../clock.ts';
import type { ArmContext, Route } from '../context.ts';
import { page } from '../paging.ts';
import { displayLocation, normalizeLocation } from '../state/locations.ts';
import { restorableAccountId } from '../state/render-account.ts';
import { existingAt, liveChild, restorableWindow } from '../state/restorable.ts';
import type { CosmosAccount, CosmosApi, CosmosChild } from '../state/types.ts';
import { parseTime } from './common.ts';

const V = COSMOS_API_VERSIONS;
const READ = 'Microsoft.DocumentDB/locations/restorableDatabaseAccounts/read';
const BASE = '/subscriptions/{subscriptionId}/providers/Microsoft.DocumentDB/locations/{location}/restorableDatabaseAccounts';
const ACCOUNT = `${BASE}/{instanceId}`;
const TYPE = 'Microsoft.DocumentDB/locations/restorableDatabaseAccounts';

/** Live and deleted accounts of a subscription that are inside their restorable window. */
function restorableAccounts(ctx: ArmContext, subscriptionId: string): CosmosAccount[] {
  const { state, clock } = ctx.env;
  state.subscription(subscriptionId);
  const now = clock.now();
  return [...state.accounts, ...state.deletedAccounts].filter(
    (a) => a.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() && restorableWindow(a, now) !== undefined,
  );
}

function renderRestorable(a: CosmosAccount, now: number): Record<string, unknown> {
  const window = restorableWindow(a, now);
  return {
    id: restorableAccountId(a),
    name: a.instanceId,
    location: displayLocation(a.location),
    type: TYPE,
    properties: {
      accountName: a.name,
      creationTime: isoSeconds(a.createdAt),
      ...(a.deletedAt !== undefined ? { deletionTime: isoSeconds(a.deletedAt) } : {}),
      oldestRestorableTime: window ? isoSeconds(window.start) : undefined,
      apiType: a.api,
      restorableLocations: a.locations.map((l) => ({
        locationName: displayLocation(l.name),
        regionalDatabaseAccountInstanceId: l.regionalInstanceId,
        creationTime: isoSeconds(l.createdAt),
        ...(a.deletedAt !== undefined ? { deletionTime: isoSeconds(a.deletedAt) } : {}),
      })),
    },
  };
}

/** The restorable account addressed by {location}/{instanceId}, or ARM's 404. */
function findRestorable(ctx: ArmContext): CosmosAccount {
  const p = ctx.params;
  const a = restorableAccounts(ctx, p['subscriptionId'] ?? '').find(
    (x) => x.instanceId.toLowerCase() === (p['instanceId'] ?? '').toLowerCase() && x.location === normalizeLocation(p['location'] ?? ''),
  );
  if (!a) {
    throw new ArmError(404, 'NotFound', `Restorable database account with instance id '${p['instanceId'] ?? ''}' was not found in location '${p['location'] ?? ''}'.`);
  }
  return a;
}

function requireApi(a: CosmosAccount, api: CosmosApi): void {
  if (a.api !== api) throw badRequest(`Restorable database account '${a.instanceId}' is a ${a.api} API account, not ${api}.`);
}

/** Stable GUID-shaped event id. */
function eventId(rid: string, op: string): string {
  const h = createHash('sha1').update(`${rid}:${op}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

interface EventStyle {
  segment: string; // restorableSqlDatabases, ...
  /** Extra field with the resource body (database / container); SQL only. */
  bodyKey?: 'database' | 'container';
}

/** Create/Delete events of `items`, filtered by [startTime, endTime] when given. */
function events(ctx: ArmContext, a: CosmosAccount, items: CosmosChild[], live: CosmosChild[], style: EventStyle): Record<string, unknown>[] {
  const q = ctx.req.url.searchParams;
  const from = q.get('startTime') ? parseTime(q.get('startTime'), 'startTime') : -Infinity;
  const to = q.get('endTime') ? parseTime(q.get('endTime'), 'endTime') : Infinity;
  const out: { t: number; body: Record<string, unknown> }[] = [];
  for (const item of items) {
    const ops: ['Create' | 'Delete', number][] = [['Create', item.createdAt]];
    if (item.deletedAt !== undefined) ops.push(['Delete', item.deletedAt]);
    for (const [op, t] of ops) {
      if (t < from || t > to) continue;
      const id = eventId(item.rid, op);
      const exists = liveChild(live, item.name) !== undefined;
      const resource: Record<string, unknown> = {
        _rid: Buffer.from(id).toString('base64').slice(0, 12),
        eventTimestamp: isoSeconds(t),
        ownerId: item.name,
        ownerResourceId: item.rid,
        operationType: op,
        canUndelete: op === 'Create' ? 'invalid' : exists ? 'notRestorable' : 'canUndelete',
        ...(op === 'Delete' && exists ? { canUndeleteReason: 'Database already exists. Only deleted resources can be restored within same account.' } : {}),
        ...(style.bodyKey ? { [style.bodyKey]: { id: item.name, _rid: item.rid, _self: `dbs/${item.rid}/`, _ts: Math.floor(item.createdAt / 1000) } } : {}),
      };
      out.push({
        t,
        body: {
          id: `${restorableAccountId(a)}/${style.segment}/${id}`,
          type: `${TYPE}/${style.segment}`,
          name: id,
          properties: { resource },
        },
      });
    }
  }
  return out.sort((x, y) => x.t - y.t).map((e) => e.body);
}

/** The database with `rid` among all (live and deleted) databases, or 404. */
function databaseByRid(a: CosmosAccount, rid: string | null, param: string): CosmosChild | undefined {
  if (rid === null) return undefined;
  const db = a.databases.find((d) => d.rid === rid);
  if (!db) throw new ArmError(404, 'NotFound', `Database with ${param} '${rid}' was not found in restorable database account '${a.instanceId}'.`);
  return db;
}

/** Resources that existed at ?restoreTimestampInUtc in ?restoreLocation. */
function resourcesAt(ctx: ArmContext, a: CosmosAccount): CosmosChild[] {
  const q = ctx.req.url.searchParams;
  const restoreLocation = q.get('restoreLocation');
  if (restoreLocation && !a.locations.some((l) => l.name === normalizeLocation(restoreLocation))) {
    throw badRequest(`Restore location '${restoreLocation}' is not a location of restorable database account '${a.instanceId}'.`);
  }
  const window = restorableWindow(a, ctx.env.clock.now());
  const t = q.get('restoreTimestampInUtc') ? parseTime(q.get('restoreTimestampInUtc'), 'restoreTimestampInUtc') : (window?.end ?? 0);
  if (!window || t < window.start || t > window.end) {
    throw badRequest(`The restore timestamp '${new Date(t).toISOString()}' is not within the restorable window of the account.`);
  }
  return existingAt(a.databases, t).map((d) => ({ ...d, children: existingAt(d.children, t) }));
}

function listRoute(segment: string, handle: (ctx: ArmContext, a: CosmosAccount) => unknown[]): Route {
  return {
    method: 'GET',
    pattern: `${ACCOUNT}/${segment}`,
    apiVersions: V,
    action: READ,
    handle: (ctx) => {
      const a = findRestorable(ctx);
      return { status: 200, body: page(ctx, handle(ctx, a), (x) => x) };
    },
  };
}

function childEvents(ctx: ArmContext, a: CosmosAccount, ridParam: string, segment: string, bodyKey?: 'container'): Record<string, unknown>[] {
  const db = databaseByRid(a, ctx.req.url.searchParams.get(ridParam), ridParam);
  const dbs = db ? [db] : a.databases;
  return dbs.flatMap((d) => events(ctx, a, d.children, liveChild(a.databases, d.name)?.children ?? [], { segment, bodyKey }));
}

function resourceList(ctx: ArmContext, a: CosmosAccount, segment: string, childKey: string): Record<string, unknown>[] {
  return resourcesAt(ctx, a).map((d) => ({
    id: `${restorableAccountId(a)}/${segment}/${d.name}`,
    name: d.name,
    type: `${TYPE}/${segment}`,
    databaseName: d.name,
    [childKey]: d.children.map((c) => c.name),
  }));
}

/** Restorable accounts and their databases/containers/collections/graphs/tables, with events. */
export function restorableRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.DocumentDB/restorableDatabaseAccounts',
      apiVersions: V,
      action: READ,
      handle: (ctx) => {
        const now = ctx.env.clock.now();
        return { status: 200, body: page(ctx, restorableAccounts(ctx, ctx.params['subscriptionId'] ?? ''), (a) => renderRestorable(a, now)) };
      },
    },
    {
      method: 'GET',
      pattern: BASE,
      apiVersions: V,
      action: READ,
      handle: (ctx) => {
        const now = ctx.env.clock.now();
        const loc = normalizeLocation(ctx.params['location'] ?? '');
        const list = restorableAccounts(ctx, ctx.params['subscriptionId'] ?? '').filter((a) => a.location === loc);
        return { status: 200, body: page(ctx, list, (a) => renderRestorable(a, now)) };
      },
    },
    { method: 'GET', pattern: ACCOUNT, apiVersions: V, action: READ, handle: (ctx) => ({ status: 200, body: renderRestorable(findRestorable(ctx), ctx.env.clock.now()) }) },
    listRoute('restorableSqlDatabases', (ctx, a) => {
      requireApi(a, 'Sql');
      return events(ctx, a, a.databases, a.databases, { segment: 'restorableSqlDatabases', bodyKey: 'database' });
    }),
    listRoute('restorableSqlContainers', (ctx, a) => {
      requireApi(a, 'Sql');
      return childEvents(ctx, a, 'restorableSqlDatabaseRid', 'restorableSqlContainers', 'container');
    }),
    listRoute('restorableSqlResources', (ctx, a) => {
      requireApi(a, 'Sql');
      return resourceList(ctx, a, 'restorableSqlResources', 'collectionNames');
    }),
    listRoute('restorableMongodbDatabases', (ctx, a) => {
      requireApi(a, 'MongoDB');
      return events(ctx, a, a.databases, a.databases, { segment: 'restorableMongodbDatabases' });
    }),
    listRoute('restorableMongodbCollections', (ctx, a) => {
      requireApi(a, 'MongoDB');
      return childEvents(ctx, a, 'restorableMongodbDatabaseRid', 'restorableMongodbCollections');
    }),
    listRoute('restorableMongodbResources', (ctx, a) => {
      requireApi(a, 'MongoDB');
      return resourceList(ctx, a, 'restorableMongodbResources', 'collectionNames');
    }),
    listRoute('restorableGremlinDatabases', (ctx, a) => {
      requireApi(a, 'Gremlin');
      return events(ctx, a, a.databases, a.databases, { segment: 'restorableGremlinDatabases' });
    }),
    listRoute('restorableGraphs', (ctx, a) => {
      requireApi(a, 'Gremlin');
      return childEvents(ctx, a, 'restorableGremlinDatabaseRid', 'restorableGraphs');
    }),
    listRoute('restorableGremlinResources', (ctx, a) => {
      requireApi(a, 'Gremlin');
      return resourceList(ctx, a, 'restorableGremlinResources', 'graphNames');
    }),
    listRoute('restorableTables', (ctx, a) => {
      requireApi(a, 'Table');
      return events(ctx, a, a.databases, a.databases, { segment: 'restorableTables' });
    }),
    listRoute('restorableTableResources', (ctx, a) => {
      requireApi(a, 'Table');
      return resourcesAt(ctx, a).map((t) => ({ id: `${restorableAccountId(a)}/restorableTableResources/${t.name}`, name: t.name, type: `${TYPE}/restorableTableResources` }));
    }),
  ];
}
