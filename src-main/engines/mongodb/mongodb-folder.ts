import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EJSON } from 'bson';
import { EngineError } from '../engine-error.ts';
import type { EngineContext, EngineFolderRestoreRequest, EngineRestoreSummary, EntrySource } from '../engine.ts';
import { mapLimit, metered } from '../stream-utils.ts';
import { formatBytes } from '../../shared/format-units.ts';
import { planCollectionMoves, readCollectionMetadata } from './collection-plan.ts';
import { mongodumpFileStem, type CollectionMetadataDocument } from './layout.ts';

/** A database directory name mongodump would write (database names hold no `/`; `.`/`..` cannot be names). */
function databaseDirectory(database: string): string {
  if (database.includes('/') || database.includes('\\') || database === '.' || database === '..' || database.includes('\0')) {
    throw new EngineError('invalid_argument', `Database name ${JSON.stringify(database)} cannot be a folder name.`);
  }
  return database;
}

/**
 * mongodump's `.metadata.json`: options, indexes, uuid, collectionName and type, in that order, as
 * canonical Extended JSON (what stock mongorestore reads).
 */
function mongodumpMetadata(metadata: CollectionMetadataDocument): string {
  const document = {
    ...(Object.keys(metadata.options).length ? { options: metadata.options } : {}),
    indexes: metadata.type === 'view' ? [] : metadata.indexes,
    ...(metadata.uuid ? { uuid: metadata.uuid } : {}),
    collectionName: metadata.collectionName,
    ...(metadata.type !== 'collection' ? { type: metadata.type } : {}),
  };
  return EJSON.stringify(document, { relaxed: false });
}

/**
 * Writes a restore point out in the stock mongodump layout: `<folder>/<db>/<collection>.bson` and
 * `<collection>.metadata.json`, file names escaped as mongodump escapes them, so that stock
 * `mongorestore <folder>` restores it with no Cosmos Backup installed.
 */
export async function restoreMongodbToFolder(request: EngineFolderRestoreRequest, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary> {
  const moves = planCollectionMoves(source, { databases: request.databases });
  const root = resolve(request.folder);
  await mkdir(root, { recursive: true });
  if ((await readdir(root)).length) throw new EngineError('target_not_empty', `Folder ${root} is not empty; choose an empty or new folder.`);
  const total = moves.reduce((sum, move) => sum + (move.documentsEntry?.size ?? 0), 0);
  let done = 0;
  // Counted as it is read, not by a 'data' listener: that would start the flow before the reader is there.
  const count = (stream: Readable) =>
    metered(stream as AsyncIterable<Buffer>, undefined, context.signal, (bytes) => {
      done += bytes;
      context.progress(done, total, 'bytes');
    });
  const summaries = new Map<string, { name: string; bytes: number; tables: number; rows: number }>();
  await mapLimit(moves, 2, context.signal, async (move, signal) => {
    const metadata = await readCollectionMetadata(source, move, signal);
    const folder = join(root, databaseDirectory(move.database));
    await mkdir(folder, { recursive: true });
    const stem = mongodumpFileStem(move.collection);
    if (move.documentsEntry) {
      const documents = await source.open(move.documentsEntry.name, signal);
      await pipeline(count(documents), createWriteStream(join(folder, `${stem}.bson`), { flags: 'wx' }), { signal }).finally(() => documents.destroy());
    }
    await writeFile(join(folder, `${stem}.metadata.json`), mongodumpMetadata(metadata), { flag: 'wx' });
    const summary = summaries.get(move.database) ?? { name: move.database, bytes: 0, tables: 0, rows: 0 };
    summary.bytes += move.documentsEntry?.size ?? 0;
    if (metadata.type !== 'view') summary.tables++;
    summary.rows += metadata.documents;
    summaries.set(move.database, summary);
  });
  const databases = [...summaries.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const summary of databases) context.log('info', `Wrote database ${summary.name} in mongodump layout to ${join(root, summary.name)} (${summary.tables} collection(s), ${summary.rows} document(s), ${formatBytes(summary.bytes)}).`);
  return { databases, outputs: databases.map((summary) => join(root, summary.name)), notes: [`restore it with stock tools: mongorestore ${root}`] };
}
