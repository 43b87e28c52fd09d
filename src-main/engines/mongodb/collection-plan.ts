import { EngineError } from '../engine-error.ts';
import type { EntrySource, StoredEntry } from '../engine.ts';
import { columnDocumentsEntryName, documentsEntryName, metadataEntryName, parseCollectionMetadata, type CollectionMetadataDocument } from './layout.ts';
import { splitNamespace } from './namespace.ts';

/** One collection of a restore point as a restore moves it: where it comes from and where it goes. */
export interface CollectionMove {
  database: string;
  collection: string;
  targetDatabase: string;
  targetCollection: string;
  metadataEntry: StoredEntry;
  /** Missing for views; in columns or plain BSON (see layout.ts). */
  documentsEntry?: StoredEntry;
}

/** The collections of a restore point, from its `mongo-collection` entries. */
export function storedCollections(source: EntrySource): { database: string; collection: string; metadataEntry: StoredEntry; documentsEntry?: StoredEntry }[] {
  const byName = new Map(source.entries.map((entry) => [entry.name, entry]));
  const result = [];
  for (const entry of source.entries) {
    if (entry.metadata?.kind !== 'mongo-collection') continue;
    const database = String(entry.metadata.database);
    const collection = String(entry.metadata.collection);
    if (entry.name !== metadataEntryName(database, collection)) throw new EngineError('invalid_argument', `Entry ${entry.name} does not match the collection it describes; the restore point is damaged.`);
    const documentsEntry = byName.get(columnDocumentsEntryName(database, collection)) ?? byName.get(documentsEntryName(database, collection));
    result.push({ database, collection, metadataEntry: entry, ...(documentsEntry ? { documentsEntry } : {}) });
  }
  return result;
}

/**
 * Chooses the collections to restore and names their targets: whole databases (`databases`, before
 * renaming) or single collections (`collections`), renamed by the database map and then the
 * collection map. Anything named that the restore point lacks is an error before any change.
 */
export function planCollectionMoves(source: EntrySource, selection: { databases?: string[]; collections?: string[]; databaseMap?: Record<string, string>; collectionMap?: Record<string, string> }): CollectionMove[] {
  const stored = storedCollections(source);
  if (!stored.length) throw new EngineError('not_found', 'The restore point holds no MongoDB collection.');
  const databases = selection.databases ?? [];
  const collections = (selection.collections ?? []).map(splitNamespace);
  const missingDatabases = databases.filter((name) => !stored.some((item) => item.database === name));
  const missingCollections = collections.filter((namespace) => !stored.some((item) => item.database === namespace.database && item.collection === namespace.collection));
  const missing = [...missingDatabases.map((name) => `database ${JSON.stringify(name)}`), ...missingCollections.map((namespace) => `collection ${namespace.database}.${namespace.collection}`)];
  if (missing.length) throw new EngineError('not_found', `The restore point has no ${missing.join(', ')}.`);
  for (const from of Object.keys(selection.collectionMap ?? {})) {
    const namespace = splitNamespace(from);
    if (!stored.some((item) => item.database === namespace.database && item.collection === namespace.collection)) throw new EngineError('not_found', `--collection-map names ${from}, which the restore point does not hold.`);
  }
  const chosen = stored.filter((item) => {
    if (!databases.length && !collections.length) return true;
    return databases.includes(item.database) || collections.some((namespace) => namespace.database === item.database && namespace.collection === item.collection);
  });
  const moves = chosen.map((item) => {
    const renamed = selection.collectionMap?.[`${item.database}.${item.collection}`];
    const target = renamed ? splitNamespace(renamed) : { database: selection.databaseMap?.[item.database] ?? item.database, collection: item.collection };
    return { ...item, targetDatabase: target.database, targetCollection: target.collection };
  });
  const seen = new Map<string, string>();
  for (const move of moves) {
    const key = `${move.targetDatabase}.${move.targetCollection}`;
    const other = seen.get(key);
    if (other) throw new EngineError('invalid_argument', `Both ${other} and ${move.database}.${move.collection} would be restored into ${key}; rename one with --collection-map.`);
    seen.set(key, `${move.database}.${move.collection}`);
  }
  return moves;
}

/** A collection's `collection.json`, read from the restore point and checked. */
export async function readCollectionMetadata(source: EntrySource, move: Pick<CollectionMove, 'database' | 'collection' | 'metadataEntry'>, signal: AbortSignal): Promise<CollectionMetadataDocument> {
  const chunks: Buffer[] = [];
  for await (const chunk of await source.open(move.metadataEntry.name, signal)) chunks.push(chunk as Buffer);
  return parseCollectionMetadata(Buffer.concat(chunks), `collection ${move.database}.${move.collection}`);
}
