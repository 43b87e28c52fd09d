import type { SessionContext } from '../../core/sessions/session-context.ts';
import { AppError } from '../../shared/errors.ts';
import { translateArmError } from '../arm-errors.ts';
import { accountFacts, normalizeRegion, parseResourceId } from '../cosmos-account-facts.ts';
import { restorableResourcesAt } from '../restorable-resources.ts';
import type { RestoreDeps } from './cosmos-account-restore.ts';
import { checkSelection, checkTimestamp, DEFAULT_MARGIN_MS } from './validation.ts';

/** Brings back a deleted database (or a deleted Table API table) — or a deleted container/collection/graph of a live database — inside its own account. */
export interface InAccountRestoreRequest {
  accountId: string;
  /** The database, or for a Table API account the table. */
  database: string;
  /** A container (NoSQL), collection (MongoDB) or graph (Gremlin); absent: the whole database. */
  child?: string;
  timestamp: Date;
  reason: string;
}

/**
 * In-account restore: recreates the deleted resource with `createMode: Restore` from the account's
 * own continuous backup, as it was at `timestamp`. The resource must have existed then and must
 * not exist now (Azure restores only deleted resources in place).
 */
export async function runInAccountRestore(deps: RestoreDeps, ctx: SessionContext, request: InAccountRestoreRequest): Promise<{ targetResourceId: string }> {
  if (!request.reason.trim()) throw new AppError('validation_failed', 'Give a reason for the restore (it is recorded).', { field: 'reason' });
  ctx.info(`Restore reason: ${request.reason}`);
  const id = parseResourceId(request.accountId);
  const cosmos = deps.arm.cosmos(id.subscriptionId);
  const account = await cosmos.databaseAccounts.get(id.resourceGroup, id.name, { abortSignal: ctx.signal }).catch((error: unknown) => {
    throw translateArmError(error, `Reading ${id.name}`);
  });
  const facts = accountFacts(account);
  if (facts.backup.type !== 'Continuous' || !facts.instanceId) throw new AppError('validation_failed', `Account ${id.name} does not use continuous backup: in-account restore is not possible.`);
  const location = normalizeRegion(account.location ?? '');
  const restorable = await cosmos.restorableDatabaseAccounts.getByLocation(location, facts.instanceId, { abortSignal: ctx.signal }).catch((error: unknown) => {
    throw translateArmError(error, `Reading the restorable account ${id.name}`);
  });
  checkTimestamp(request.timestamp, { start: new Date(restorable.oldestRestorableTime ?? 0), end: deps.clock.now() }, deps.marginMs ?? DEFAULT_MARGIN_MS, false);
  const then = await restorableResourcesAt(cosmos, { location, instanceId: facts.instanceId, api: facts.api, timestamp: request.timestamp, signal: ctx.signal });
  if (facts.api === 'Table') {
    if (request.child) throw new AppError('validation_failed', 'Table API accounts hold tables only: name the table, without a container.', { field: 'child' });
    checkSelection({ tables: [request.database] }, then, request.timestamp, 'table');
  } else {
    checkSelection({ databases: [{ name: request.database, children: request.child ? [request.child] : [] }] }, then, request.timestamp, facts.api === 'MongoDB' ? 'collection' : 'container');
  }
  const restoreParameters = { restoreSource: restorable.id ?? '', restoreTimestampInUtc: request.timestamp };
  const base = `${request.accountId}/${segment(facts.api, 'db')}/${request.database}`;
  const targetResourceId = request.child ? `${base}/${segment(facts.api, 'child')}/${request.child}` : base;
  const journal = deps.restores.begin({
    sessionId: ctx.sessionId,
    kind: 'cosmos-in-account',
    sourceResourceId: request.accountId,
    targetResourceId,
    restoreTime: request.timestamp.toISOString(),
    reason: request.reason,
    request: { database: request.database, child: request.child ?? null },
    createdAt: deps.clock.now().toISOString(),
  });
  ctx.info(`Restoring ${request.child ? `${request.database}/${request.child}` : `database ${request.database}`} in ${id.name} as of ${request.timestamp.toISOString()}.`);
  const options = { ...deps.arm.pollOptions, abortSignal: ctx.signal };
  try {
    const restore = { createMode: 'Restore' as const, restoreParameters };
    if (facts.api === 'Sql') {
      if (request.child) await cosmos.sqlResources.createUpdateSqlContainer(id.resourceGroup, id.name, request.database, request.child, { resource: { id: request.child, ...restore } }, options);
      else await cosmos.sqlResources.createUpdateSqlDatabase(id.resourceGroup, id.name, request.database, { resource: { id: request.database, ...restore } }, options);
    } else if (facts.api === 'MongoDB') {
      if (request.child) await cosmos.mongoDBResources.createUpdateMongoDBCollection(id.resourceGroup, id.name, request.database, request.child, { resource: { id: request.child, ...restore } }, options);
      else await cosmos.mongoDBResources.createUpdateMongoDBDatabase(id.resourceGroup, id.name, request.database, { resource: { id: request.database, ...restore } }, options);
    } else if (facts.api === 'Gremlin') {
      if (request.child) await cosmos.gremlinResources.createUpdateGremlinGraph(id.resourceGroup, id.name, request.database, request.child, { resource: { id: request.child, ...restore } }, options);
      else await cosmos.gremlinResources.createUpdateGremlinDatabase(id.resourceGroup, id.name, request.database, { resource: { id: request.database, ...restore } }, options);
    } else if (facts.api === 'Table') {
      await cosmos.tableResources.createUpdateTable(id.resourceGroup, id.name, request.database, { resource: { id: request.database, ...restore } }, options);
    } else {
      throw new AppError('validation_failed', `In-account restore of ${facts.api} API accounts is not possible.`);
    }
    deps.restores.end(journal.id, 'succeeded', null, deps.clock.now().toISOString());
    ctx.info(`${request.child ?? request.database} restored in ${id.name}.`);
    return { targetResourceId };
  } catch (error) {
    const e = translateArmError(error, `Restoring ${request.child ?? request.database} in ${id.name}`);
    deps.restores.end(journal.id, 'failed', e.message, deps.clock.now().toISOString());
    throw e;
  }
}

function segment(api: string, level: 'db' | 'child'): string {
  if (api === 'Table') return 'tables';
  if (api === 'MongoDB') return level === 'db' ? 'mongodbDatabases' : 'collections';
  if (api === 'Gremlin') return level === 'db' ? 'gremlinDatabases' : 'graphs';
  return level === 'db' ? 'sqlDatabases' : 'containers';
}
