import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EJSON } from 'bson';
import { EngineError } from '../engine-error.ts';
import type { EngineContext, EngineFolderRestoreRequest, EngineRestoreSummary, EntrySource } from '../engine.ts';
import { mapLimit } from '../stream-utils.ts';
import { formatBytes } from '../../shared/format-units.ts';
import { planCollectionMoves, readCollectionMetadata } from './collection-plan.ts';
import { mongodumpFileStem, type CollectionMetadataDocument } from './layout.ts';
import { storedDocuments } from './stored-documents.ts';

const FILE_PIECE_BYTES = 1024 * 1024;

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

/** Documents joined into pieces of about a mebibyte for the file (fewer writes), each piece counted once it is handed on. */
async function* filePieces(documents: AsyncIterable<Buffer>, onBytes: (bytes: number) => void): AsyncGenerator<Buffer> {
  let piece: Buffer[] = [];
  let pieceBytes = 0;
  for await (const document of documents) {
    piece.push(document);
    pieceBytes += document.length;
    if (pieceBytes >= FILE_PIECE_BYTES) {
      const out = Buffer.concat(piece, pieceBytes);
      onBytes(pieceBytes);
      piece = [];
      pieceBytes = 0;
      yield out;
    }
  }
  if (pieceBytes) {
    onBytes(pieceBytes);
    yield Buffer.concat(piece, pieceBytes);
  }
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
  const metadata = await Promise.all(moves.map((move) => readCollectionMetadata(source, move, context.signal)));
  // BSON bytes (restore points of earlier versions: the entry's size, which is the same).
  const total = moves.reduce((sum, move, index) => sum + (metadata[index]!.bsonBytes ?? move.documentsEntry?.size ?? 0), 0);
  let done = 0;
  const onBytes = (bytes: number) => {
    done += bytes;
    context.progress(done, total, 'bytes');
  };
  const summaries = new Map<string, { name: string; bytes: number; tables: number; rows: number }>();
  await mapLimit(
    moves.map((move, index) => ({ move, metadata: metadata[index]! })),
    2,
    context.signal,
    async ({ move, metadata }, signal) => {
      const folder = join(root, databaseDirectory(move.database));
      await mkdir(folder, { recursive: true });
      const stem = mongodumpFileStem(move.collection);
      let bytes = 0;
      if (move.documentsEntry) {
        const entry = await source.open(move.documentsEntry.name, signal);
        // Every document is rebuilt (or, from plain BSON, cut at its length) and so checked before it is written.
        const pieces = filePieces(storedDocuments(move.documentsEntry.name, entry), (written) => {
          bytes += written;
          onBytes(written);
        });
        await pipeline(Readable.from(pieces), createWriteStream(join(folder, `${stem}.bson`), { flags: 'wx' }), { signal }).finally(() => entry.destroy());
      }
      await writeFile(join(folder, `${stem}.metadata.json`), mongodumpMetadata(metadata), { flag: 'wx' });
      const summary = summaries.get(move.database) ?? { name: move.database, bytes: 0, tables: 0, rows: 0 };
      summary.bytes += bytes;
      if (metadata.type !== 'view') summary.tables++;
      summary.rows += metadata.documents;
      summaries.set(move.database, summary);
    },
  );
  const databases = [...summaries.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const summary of databases) context.log('info', `Wrote database ${summary.name} in mongodump layout to ${join(root, summary.name)} (${summary.tables} collection(s), ${summary.rows} document(s), ${formatBytes(summary.bytes)}).`);
  return { databases, outputs: databases.map((summary) => join(root, summary.name)), notes: [`restore it with stock tools: mongorestore ${root}`] };
}
