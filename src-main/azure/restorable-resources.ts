import type { CosmosDBManagementClient } from '@azure/arm-cosmosdb';
import { AppError } from '../shared/errors.ts';

/**
 * What a continuous-backup account held at one instant: databases with their containers
 * (NoSQL), collections (MongoDB) or graphs (Gremlin), and tables (Table API).
 */
export interface RestorableResources {
  databases: { name: string; children: string[] }[];
  tables: string[];
}

/** Where to ask: the restorable account and, optionally, the instant and region. */
export interface RestorableResourcesQuery {
  location: string;
  instanceId: string;
  api: string;
  /** Default: the latest restorable time. */
  timestamp?: Date;
  restoreLocation?: string;
  signal?: AbortSignal;
}

/** Lists the resources of a restorable account at a time (restorable*Resources, one paged call). */
export async function restorableResourcesAt(cosmos: CosmosDBManagementClient, query: RestorableResourcesQuery): Promise<RestorableResources> {
  const options = {
    restoreLocation: query.restoreLocation ?? query.location,
    restoreTimestampInUtc: query.timestamp?.toISOString(),
    abortSignal: query.signal,
  };
  const out: RestorableResources = { databases: [], tables: [] };
  switch (query.api) {
    case 'Sql':
      for await (const r of cosmos.restorableSqlResources.list(query.location, query.instanceId, options)) out.databases.push({ name: r.databaseName ?? '', children: r.collectionNames ?? [] });
      break;
    case 'MongoDB':
      for await (const r of cosmos.restorableMongodbResources.list(query.location, query.instanceId, options)) out.databases.push({ name: r.databaseName ?? '', children: r.collectionNames ?? [] });
      break;
    case 'Gremlin':
    case 'GremlinV2':
      for await (const r of cosmos.restorableGremlinResources.list(query.location, query.instanceId, options)) out.databases.push({ name: r.databaseName ?? '', children: r.graphNames ?? [] });
      break;
    case 'Table':
      for await (const r of cosmos.restorableTableResources.list(query.location, query.instanceId, options)) out.tables.push(r.name ?? '');
      break;
    default:
      throw new AppError('validation_failed', `Accounts of the ${query.api} API have no restorable resources the app can list.`);
  }
  return out;
}
