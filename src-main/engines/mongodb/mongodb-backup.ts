import { BSON, type Document } from 'bson';
import type { Collection, Db, MongoClient } from 'mongodb';
import { EngineError } from '../engine-error.ts';
import type { DatabaseSummary, EngineBackupRequest, EngineBackupSummary, EngineContext, EntrySink } from '../engine.ts';
import type { Redactor } from '../redact.ts';
import { mapLimit } from '../stream-utils.ts';
import { formatBytes } from '../../shared/format-units.ts';
import type { MongodbConnection } from './connection.ts';
import { describeMongodbConnection, isCosmosRu } from './connection.ts';
import { withClient } from './client.ts';
import type { CollectionEntryMetadata, CollectionMetadataDocument } from './layout.ts';
import { columnBlocks } from './columns/column-encoder.ts';
import { SYSTEM_DATABASES, columnDocumentsEntryName, metadataEntryName, serializeCollectionMetadata } from './layout.ts';
import { toEngineError } from './mongo-errors.ts';
import { splitNamespace } from './namespace.ts';
import { RateBudget } from './rate-budget.ts';
import { resumeFilter } from './resume-filter.ts';
import { NAMESPACE_NOT_FOUND, ThrottleStats, errorCode, pauseForRetry, retryingRequest } from './throttling.ts';

/** A server that does not implement a query feature (FerretDB: `$type` of types it cannot store). */
const NOT_IMPLEMENTED = 238;
const BAD_VALUE = 2;
/** Documents are counted against the budget and the progress in batches of about this size. */
const PIECE_BYTES = 1024 * 1024;

interface CollectionInfo {
  database: string;
  name: string;
  type: CollectionMetadataDocument['type'];
  options: Document;
  uuid?: string;
}

/** Everything one backup job shares between its collections. */
interface BackupRun {
  client: MongoClient;
  request: EngineBackupRequest<MongodbConnection>;
  sink: EntrySink;
  context: EngineContext;
  stats: ThrottleStats;
  budget: RateBudget;
  cosmosRu: boolean;
  onBytes(bytes: number): void;
}

/** The databases to back up: the selection (each must exist) or every non-system one. */
async function resolveDatabases(client: MongoClient, request: EngineBackupRequest<MongodbConnection>, stats: ThrottleStats, signal: AbortSignal): Promise<string[]> {
  const listed = await retryingRequest(() => client.db('admin').admin().listDatabases({ nameOnly: true }), stats, signal);
  const all = listed.databases.map((database) => database.name);
  const wanted = new Set([...(request.databases ?? []), ...(request.collections ?? []).map((name) => splitNamespace(name).database)]);
  if (!wanted.size) return all.filter((name) => !SYSTEM_DATABASES.has(name)).sort();
  const missing = [...wanted].filter((name) => !all.includes(name));
  if (missing.length) throw new EngineError('not_found', `The source has no database ${missing.map((name) => JSON.stringify(name)).join(', ')}.`);
  return [...wanted].sort();
}

/** The collections and views of one database, system collections left out, filtered by the selection. */
async function listCollectionsOf(db: Db, request: EngineBackupRequest<MongodbConnection>, stats: ThrottleStats, signal: AbortSignal): Promise<CollectionInfo[]> {
  const infos = await retryingRequest(() => db.listCollections({}, { nameOnly: false }).toArray(), stats, signal);
  const selected = (request.collections ?? []).map(splitNamespace).filter((namespace) => namespace.database === db.databaseName);
  const wholeDatabase = !selected.length || (request.databases ?? []).includes(db.databaseName);
  const result: CollectionInfo[] = [];
  for (const info of infos as Document[]) {
    const name = String(info.name);
    if (name.startsWith('system.')) continue;
    if (!wholeDatabase && !selected.some((namespace) => namespace.collection === name)) continue;
    const uuid = (info.info as { uuid?: { toString(encoding: 'hex'): string } } | undefined)?.uuid?.toString('hex');
    result.push({ database: db.databaseName, name, type: info.type === 'view' ? 'view' : info.type === 'timeseries' ? 'timeseries' : 'collection', options: (info.options as Document | undefined) ?? {}, ...(uuid && /^[0-9a-f]{32}$/.test(uuid) ? { uuid } : {}) });
  }
  for (const namespace of selected) {
    if (!wholeDatabase && !result.some((info) => info.name === namespace.collection)) throw new EngineError('not_found', `The source has no collection ${namespace.database}.${namespace.collection}.`);
  }
  return result;
}

/** Cosmos DB for MongoDB RU: the collection's shard key through its `GetCollection` custom action. */
async function cosmosShardKey(db: Db, collection: string, run: BackupRun): Promise<Document | undefined> {
  if (!run.cosmosRu) return undefined;
  const reply = await retryingRequest(() => db.command({ customAction: 'GetCollection', collection }), run.stats, run.context.signal);
  const definition = reply.shardKeyDefinition as Document | undefined;
  return definition && Object.keys(definition).length ? definition : undefined;
}

/**
 * A collection's documents as batches of raw BSON documents, in `_id` order. When the server
 * throttles or times out a read, the read resumes after the last `_id` it returned, never from the start.
 */
async function* documentBatches(collection: Collection, run: BackupRun, counts: { documents: number }, read: { bsonBytes: number }): AsyncGenerator<Buffer[]> {
  const { signal } = run.context;
  let lastDocument: Buffer | undefined;
  let commonTypesOnly = false;
  for (let attempt = 0; ; attempt++) {
    const filter = lastDocument ? resumeFilter(BSON.deserialize(lastDocument, { promoteValues: false, promoteLongs: false, bsonRegExp: true })._id, commonTypesOnly) : {};
    const cursor = collection.find(filter, { raw: true, sort: { _id: 1 }, batchSize: 1000 });
    let piece: Buffer[] = [];
    let pieceBytes = 0;
    try {
      for await (const raw of cursor as AsyncIterable<unknown>) {
        const document = raw as Buffer;
        attempt = 0;
        piece.push(document);
        pieceBytes += document.length;
        lastDocument = document;
        counts.documents++;
        read.bsonBytes += document.length;
        if (pieceBytes >= PIECE_BYTES) {
          await run.budget.spend(piece.length, pieceBytes, signal);
          run.onBytes(pieceBytes);
          const out = piece;
          piece = [];
          pieceBytes = 0;
          yield out;
        }
      }
      if (pieceBytes) {
        await run.budget.spend(piece.length, pieceBytes, signal);
        run.onBytes(pieceBytes);
        yield piece;
      }
      return;
    } catch (error) {
      await cursor.close().catch(() => undefined);
      // Whole documents already read are kept; the read goes on after the last of them.
      if (pieceBytes) {
        run.onBytes(pieceBytes);
        yield piece;
      }
      const code = errorCode(error);
      if (lastDocument && !commonTypesOnly && (code === NOT_IMPLEMENTED || code === BAD_VALUE) && /type/i.test(String((error as Error).message))) {
        // The resumed read named types this server does not implement: it cannot hold them either.
        commonTypesOnly = true;
        attempt--;
        continue;
      }
      await pauseForRetry(error, attempt, run.stats, signal);
    }
  }
}

/** Backs up one collection or view: documents first, then its metadata with the count read. */
async function backupCollection(info: CollectionInfo, run: BackupRun): Promise<{ bytes: number; documents: number; stored: boolean }> {
  const db = run.client.db(info.database);
  const where = `${info.database}.${info.name}`;
  let indexes: Document[] = [];
  let shardKey: Document | undefined;
  if (info.type !== 'view') {
    try {
      indexes = await retryingRequest(() => db.collection(info.name).listIndexes().toArray(), run.stats, run.context.signal);
      shardKey = await cosmosShardKey(db, info.name, run).catch((error: unknown) => {
        run.context.log('warn', `The shard key of ${where} could not be read (${(error as Error).message}); it will not be re-created on restore.`);
        return undefined;
      });
    } catch (error) {
      if (errorCode(error) !== NAMESPACE_NOT_FOUND) throw error;
      run.context.log('warn', `Collection ${where} was dropped while the backup ran; it is not in the restore point.`);
      return { bytes: 0, documents: 0, stored: false };
    }
  }
  // The entry's counts go into the manifest as they are (documents only); the BSON size goes into collection.json.
  const counts = { documents: 0 };
  const read = { bsonBytes: 0 };
  let bytes = 0;
  if (info.type !== 'view') {
    const metadata: CollectionEntryMetadata = { kind: 'mongo-documents', database: info.database, collection: info.name };
    const data = columnBlocks(documentBatches(db.collection(info.name), run, counts, read));
    await run.sink.addEntry({ name: columnDocumentsEntryName(info.database, info.name), data, counts, metadata });
    bytes += read.bsonBytes;
  }
  const document: CollectionMetadataDocument = {
    collectionName: info.name,
    type: info.type,
    options: info.options,
    indexes,
    ...(info.uuid ? { uuid: info.uuid } : {}),
    documents: counts.documents,
    ...(info.type !== 'view' ? { bsonBytes: read.bsonBytes } : {}),
    ...(shardKey ? { shardKey } : {}),
  };
  const metadata: CollectionEntryMetadata = { kind: 'mongo-collection', database: info.database, collection: info.name };
  bytes += (await run.sink.addEntry({ name: metadataEntryName(info.database, info.name), data: serializeCollectionMetadata(document), metadata })).size;
  return { bytes, documents: counts.documents, stored: true };
}

/** The server's data size of the databases (the progress total; collections compress differently). */
async function estimateBytes(client: MongoClient, databases: string[], stats: ThrottleStats, signal: AbortSignal): Promise<number> {
  let total = 0;
  for (const name of databases) {
    const reply = await retryingRequest(() => client.db(name).command({ dbStats: 1 }), stats, signal).catch(() => ({ dataSize: 0 }));
    total += Number(reply.dataSize ?? 0) || 0;
  }
  return total;
}

/**
 * Backs up the selected databases and collections: each collection's documents streamed from the
 * cursor into its own entry (nothing staged on disk), its metadata beside it, several collections
 * at once within the job's throughput budget.
 */
export async function backupMongodb(request: EngineBackupRequest<MongodbConnection>, sink: EntrySink, context: EngineContext, redact: Redactor): Promise<EngineBackupSummary> {
  const where = describeMongodbConnection(request.source);
  try {
    return await withClient(request.source, request.secrets.password, async (client) => {
      const stats = new ThrottleStats();
      const signal = context.signal;
      const names = await resolveDatabases(client, request, stats, signal);
      if (!names.length) throw new EngineError('not_found', 'The source has no user database to back up (name one with --database).');
      const collections = (await Promise.all(names.map((name) => listCollectionsOf(client.db(name), request, stats, signal)))).flat();
      const estimate = await estimateBytes(client, names, stats, signal);
      context.log('info', `Backing up ${collections.length} collection(s) and view(s) of ${names.length} database(s): ${names.join(', ')} (about ${formatBytes(estimate)} of documents).`);
      let done = 0;
      const run: BackupRun = {
        client,
        request,
        sink,
        context,
        stats,
        budget: new RateBudget({ documentsPerSecond: request.maxDocumentsPerSecond, bytesPerSecond: request.maxBytesPerSecond }),
        cosmosRu: isCosmosRu(request.source),
        onBytes: (bytes) => {
          done += bytes;
          context.progress(done, Math.max(estimate, done), 'bytes');
        },
      };
      const results = await mapLimit(collections, request.parallelism ?? 4, signal, (info) => backupCollection(info, run));
      const databases: DatabaseSummary[] = names.map((name) => ({ name, bytes: 0, tables: 0, rows: 0 }));
      collections.forEach((info, index) => {
        const summary = databases.find((database) => database.name === info.database)!;
        const result = results[index]!;
        summary.bytes += result.bytes;
        if (result.stored && info.type !== 'view') summary.tables++;
        summary.rows += result.documents;
      });
      for (const summary of databases) context.log('info', `Database ${summary.name}: ${summary.tables} collection(s), ${summary.rows} document(s), ${formatBytes(summary.bytes)}.`);
      const throttling = stats.describe();
      if (throttling) context.log('warn', throttling);
      return { databases, notes: throttling ? [throttling] : [] };
    });
  } catch (error) {
    throw toEngineError(error, where, redact, context.signal);
  }
}
