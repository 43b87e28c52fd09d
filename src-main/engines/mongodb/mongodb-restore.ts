import type { Document } from 'bson';
import type { Db, MongoClient } from 'mongodb';
import { EngineError } from '../engine-error.ts';
import type { EngineContext, EngineRestoreRequest, EngineRestoreSummary, EntrySource } from '../engine.ts';
import type { Redactor } from '../redact.ts';
import { mapLimitReleasing } from '../stream-utils.ts';
import { formatBytes } from '../../shared/format-units.ts';
import { planCollectionMoves, readCollectionMetadata, type CollectionMove } from './collection-plan.ts';
import type { MongodbConnection } from './connection.ts';
import { describeMongodbConnection, isCosmosRu } from './connection.ts';
import { withClient } from './client.ts';
import { writeDocuments } from './document-writer.ts';
import { storedDocuments } from './stored-documents.ts';
import type { CollectionMetadataDocument } from './layout.ts';
import type { MongodbRestoreOptions } from './mongodb-options.ts';
import { toEngineError } from './mongo-errors.ts';
import { RateBudget } from './rate-budget.ts';
import { NAMESPACE_NOT_FOUND, ThrottleStats, errorCode, retryingRequest } from './throttling.ts';

/** Index keys a server reports that createIndexes does not take back. */
const REPORTED_ONLY_INDEX_KEYS = new Set(['v', 'ns']);
/** Collection options that describe the source's storage, not the collection (a target makes its own). */
const SOURCE_ONLY_OPTIONS = new Set(['uuid']);

interface RestoreRun {
  client: MongoClient;
  context: EngineContext;
  source: EntrySource;
  stats: ThrottleStats;
  budget: RateBudget;
  cosmosRu: boolean;
  indexesFirst: boolean;
  clean: boolean;
  parallelism: number;
  touched: Set<string>;
  onBytes(bytes: number): void;
}

/** Target collections that already hold documents (or exist as views): refused unless clean. */
async function occupiedTargets(client: MongoClient, moves: CollectionMove[], run: Pick<RestoreRun, 'stats' | 'context'>): Promise<string[]> {
  const occupied: string[] = [];
  const byDatabase = new Map<string, CollectionMove[]>();
  for (const move of moves) byDatabase.set(move.targetDatabase, [...(byDatabase.get(move.targetDatabase) ?? []), move]);
  for (const [database, group] of byDatabase) {
    const db = client.db(database);
    const existing = new Map((await retryingRequest(() => db.listCollections({}, { nameOnly: false }).toArray(), run.stats, run.context.signal)).map((info) => [String(info.name), info as Document]));
    for (const move of group) {
      const info = existing.get(move.targetCollection);
      if (!info) continue;
      if (info.type === 'view') {
        occupied.push(`${database}.${move.targetCollection} (a view)`);
        continue;
      }
      const one = await retryingRequest(() => db.collection(move.targetCollection).findOne({}, { projection: { _id: 1 } }), run.stats, run.context.signal);
      if (one) occupied.push(`${database}.${move.targetCollection}`);
    }
  }
  return occupied;
}

/** createIndexes specifications of the stored indexes (the `_id` index comes with the collection). */
function indexSpecifications(metadata: CollectionMetadataDocument): Document[] {
  return metadata.indexes
    .filter((index) => index.name !== '_id_')
    .map((index) => Object.fromEntries(Object.entries(index).filter(([key]) => !REPORTED_ONLY_INDEX_KEYS.has(key))));
}

async function createIndexes(db: Db, name: string, metadata: CollectionMetadataDocument, run: RestoreRun): Promise<number> {
  const specifications = indexSpecifications(metadata);
  if (!specifications.length) return 0;
  await retryingRequest(() => db.command({ createIndexes: name, indexes: specifications }), run.stats, run.context.signal);
  return specifications.length;
}

/** Creates the target collection (or view) as the source had it. */
async function createCollection(db: Db, name: string, metadata: CollectionMetadataDocument, run: RestoreRun): Promise<void> {
  const options = Object.fromEntries(Object.entries(metadata.options).filter(([key]) => !SOURCE_ONLY_OPTIONS.has(key)));
  const existing = await db.listCollections({ name }, { nameOnly: true }).toArray();
  if (existing.length) return;
  await retryingRequest(() => db.command({ create: name, ...options }), run.stats, run.context.signal);
  if (run.cosmosRu && metadata.shardKey) {
    // Cosmos RU takes the shard key only on an empty collection: before any document.
    await retryingRequest(() => db.command({ shardCollection: `${db.databaseName}.${name}`, key: metadata.shardKey }), run.stats, run.context.signal);
  }
}

function touch(run: RestoreRun, database: string): void {
  if (run.touched.has(database)) return;
  run.touched.add(database);
  run.context.targetTouched?.(database);
}

/**
 * Restores one collection: (drop,) create, indexes and data in the order the target needs, then the
 * count check. `dataSent` is called once every document is in a batch sent or queued.
 */
async function restoreCollection(move: CollectionMove, metadata: CollectionMetadataDocument, run: RestoreRun, dataSent?: () => void): Promise<{ documents: number; bytes: number; indexes: number }> {
  const db = run.client.db(move.targetDatabase);
  const target = `${move.targetDatabase}.${move.targetCollection}`;
  touch(run, move.targetDatabase);
  if (run.clean) {
    await retryingRequest(() => db.command({ drop: move.targetCollection }), run.stats, run.context.signal).catch((error: unknown) => {
      if (errorCode(error) !== NAMESPACE_NOT_FOUND) throw error;
    });
  }
  await createCollection(db, move.targetCollection, metadata, run);
  if (metadata.type === 'view') return { documents: 0, bytes: 0, indexes: 0 };
  let indexes = run.indexesFirst ? await createIndexes(db, move.targetCollection, metadata, run) : 0;
  let documents = 0;
  let bytes = 0;
  let written = 0;
  if (move.documentsEntry) {
    const stored = storedDocuments(move.documentsEntry.name, await run.source.open(move.documentsEntry.name, run.context.signal));
    ({ read: documents, bytes, written } = await writeDocuments({ db, collection: move.targetCollection }, stored, {
      signal: run.context.signal,
      stats: run.stats,
      budget: run.budget,
      maxConcurrency: run.parallelism,
      bypassValidation: !run.cosmosRu,
      onBytes: run.onBytes,
      onAllSubmitted: dataSent,
    }));
  }
  if (!run.indexesFirst) indexes = await createIndexes(db, move.targetCollection, metadata, run);
  // Verified against the restore point: every document read back, and every one acknowledged by
  // the server (its insert replies count them; a count query would scan the collection again).
  if (documents !== metadata.documents || written !== metadata.documents) {
    throw new EngineError('tool_failed', `The server acknowledged ${written} document(s) written into ${target}, but the restore point recorded ${metadata.documents} (${documents} read). The target is half-restored: drop it or restore again with --drop.`);
  }
  return { documents, bytes, indexes };
}

/**
 * Restores collections of a restore point into a MongoDB deployment: the target is checked first
 * (a non-empty collection is refused unless `clean`), collections are restored several at once,
 * views last, and every collection's count is verified against the restore point.
 */
export async function restoreMongodb(request: EngineRestoreRequest<MongodbConnection, MongodbRestoreOptions>, source: EntrySource, context: EngineContext, redact: Redactor): Promise<EngineRestoreSummary> {
  const moves = planCollectionMoves(source, { databases: request.databases, collections: request.options.collections, databaseMap: request.databaseMap, collectionMap: request.options.collectionMap });
  const where = describeMongodbConnection(request.target);
  try {
    return await withClient(request.target, request.secrets.password, async (client) => {
      const stats = new ThrottleStats();
      const cosmosRu = isCosmosRu(request.target);
      const metadata = await Promise.all(moves.map((move) => readCollectionMetadata(source, move, context.signal)));
      // BSON bytes, as the writes report them (restore points of earlier versions: the entry's size, which is the same).
      const total = moves.reduce((sum, move, index) => sum + (metadata[index]!.bsonBytes ?? move.documentsEntry?.size ?? 0), 0);
      let done = 0;
      const run: RestoreRun = {
        client,
        context,
        source,
        stats,
        budget: new RateBudget({ documentsPerSecond: request.options.maxDocumentsPerSecond, bytesPerSecond: request.maxBytesPerSecond }),
        cosmosRu,
        indexesFirst: request.options.indexOrder === 'before-data' || (request.options.indexOrder === 'auto' && cosmosRu),
        clean: request.clean,
        parallelism: request.parallelism ?? 2,
        touched: new Set(),
        onBytes: (bytes) => {
          done += bytes;
          context.progress(done, total, 'bytes');
        },
      };
      if (!request.clean) {
        const occupied = await occupiedTargets(client, moves, run);
        if (occupied.length) throw new EngineError('target_not_empty', `The target already holds ${occupied.join(', ')}; restore into other names (--database-map, --collection-map) or replace them with --drop.`);
      }
      const collections = moves.map((move, index) => ({ move, metadata: metadata[index]! })).filter((item) => item.metadata.type !== 'view');
      const views = moves.map((move, index) => ({ move, metadata: metadata[index]! })).filter((item) => item.metadata.type === 'view');
      const budget = request.options.maxDocumentsPerSecond ? `; at most ${request.options.maxDocumentsPerSecond.toLocaleString('en-US')} documents per second (the restore's budget)` : '';
      context.log('info', `Restoring ${collections.length} collection(s) and ${views.length} view(s) (${formatBytes(total)} of documents) into ${where}; indexes ${run.indexesFirst ? 'before' : 'after'} the data${budget}.`);
      // The next collection starts (drop, create, first reads) while the last batches of one finish,
      // so the server is not left with fewer writes at each change of collection.
      const results = await mapLimitReleasing(collections, run.parallelism, context.signal, (item, _signal, release) => restoreCollection(item.move, item.metadata, run, release));
      for (const view of views) await restoreCollection(view.move, view.metadata, run);
      const summaries = new Map<string, { name: string; bytes: number; tables: number; rows: number }>();
      collections.forEach((item, index) => {
        const summary = summaries.get(item.move.targetDatabase) ?? { name: item.move.targetDatabase, bytes: 0, tables: 0, rows: 0 };
        summary.bytes += results[index]!.bytes;
        summary.tables++;
        summary.rows += results[index]!.documents;
        summaries.set(item.move.targetDatabase, summary);
      });
      const databases = [...summaries.values()];
      for (const summary of databases) context.log('info', `Database ${summary.name}: ${summary.tables} collection(s), ${summary.rows} document(s) restored and counted.`);
      const notes: string[] = [];
      const throttling = stats.describe();
      if (throttling) {
        context.log('warn', throttling);
        notes.push(throttling);
      }
      return { databases, outputs: [...new Set(moves.map((move) => `${where} database ${move.targetDatabase}`))], notes };
    });
  } catch (error) {
    throw toEngineError(error, where, redact, context.signal);
  }
}
