import { createHash } from 'node:crypto';
import { EJSON, type Document } from 'bson';
import { z } from 'zod';

/**
 * Entry names of a MongoDB restore point:
 * - `mongodb/databases/<db>/<collection>/documents.bsc` — the collection's documents in `_id` order,
 *   in columns (columns/column-format.ts): they come back as the exact BSON bytes the server sent,
 *   and compress far better than the documents as they are. Restore points of earlier versions
 *   hold `documents.bson` instead — each document's BSON one after the other, the content of a
 *   mongodump `.bson` file — and restore as before;
 * - `mongodb/databases/<db>/<collection>/collection.json` — its metadata in canonical Extended JSON
 *   (`CollectionMetadataDocument`): mongodump's `.metadata.json` fields (options with the validator,
 *   indexes, uuid, collectionName, type) plus the document count, their BSON size and the Cosmos RU
 *   shard key.
 * A view has only `collection.json`. `<db>` and `<collection>` are percent-encoded so any name makes
 * one path segment.
 */
const DATABASES = 'mongodb/databases/';

/** Databases MongoDB keeps for itself; never backed up, reported as system databases. */
export const SYSTEM_DATABASES: ReadonlySet<string> = new Set(['admin', 'local', 'config']);

/** A name as one entry-name segment (`/` and `%` encoded; `.` and `..` too). */
export function nameSegment(name: string): string {
  const encoded = encodeURIComponent(name);
  return encoded === '.' || encoded === '..' ? encoded.replace(/\./g, '%2E') : encoded;
}

/** A collection's documents in columns: what backups write. */
export function columnDocumentsEntryName(database: string, collection: string): string {
  return `${DATABASES}${nameSegment(database)}/${nameSegment(collection)}/documents.bsc`;
}

/** A collection's documents as plain BSON: what restore points of earlier versions hold. */
export function documentsEntryName(database: string, collection: string): string {
  return `${DATABASES}${nameSegment(database)}/${nameSegment(collection)}/documents.bson`;
}

/** Whether a documents entry holds its documents in columns (else as plain BSON). */
export function isColumnDocumentsEntry(name: string): boolean {
  return name.endsWith('/documents.bsc');
}

export function metadataEntryName(database: string, collection: string): string {
  return `${DATABASES}${nameSegment(database)}/${nameSegment(collection)}/collection.json`;
}

/** Entry metadata of a collection's entries (flat, in the manifest). */
export interface CollectionEntryMetadata {
  [key: string]: string | number | boolean;
  kind: 'mongo-documents' | 'mongo-collection';
  database: string;
  collection: string;
}

/** A whole number however canonical Extended JSON typed it ($numberInt, $numberLong, $numberDouble). */
const countSchema = z.preprocess((value) => {
  const tagged = value as { _bsontype?: string; value?: unknown; toNumber?: () => number } | null;
  if (tagged?._bsontype === 'Long' && tagged.toNumber) return tagged.toNumber();
  if (tagged?._bsontype === 'Int32' || tagged?._bsontype === 'Double') return Number(tagged.value);
  return value;
}, z.number().int().nonnegative());

const documentSchema = z.custom<Document>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'must be a document');

/** `collection.json`, after canonical Extended JSON was parsed back into BSON values. */
export const collectionMetadataSchema = z.object({
  collectionName: z.string().min(1),
  /** `collection` or `view` (timeseries collections are backed up as collections). */
  type: z.enum(['collection', 'view', 'timeseries']),
  /** createCollection options as listCollections reported them (validator, capped, collation, viewOn, pipeline…). */
  options: documentSchema,
  /** Index specifications as listIndexes reported them, `_id_` included. */
  indexes: z.array(documentSchema),
  /** The collection's UUID as 32 hex digits, when the server reports one. */
  uuid: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  /** Documents read; the restore verifies the target holds as many. */
  documents: countSchema,
  /** Their size as BSON (progress of a restore); absent in restore points of earlier versions. */
  bsonBytes: countSchema.optional(),
  /** Cosmos DB for MongoDB RU: the shard key (`{ field: 'hashed' }`), re-created before data. */
  shardKey: documentSchema.optional(),
});
export type CollectionMetadataDocument = z.infer<typeof collectionMetadataSchema>;

/** Serializes a collection's metadata as canonical Extended JSON (types survive the round trip). */
export function serializeCollectionMetadata(metadata: CollectionMetadataDocument): Buffer {
  return Buffer.from(EJSON.stringify(metadata, undefined, 2, { relaxed: false }), 'utf8');
}

/** Parses `collection.json` read from a repository; damage or a foreign shape is a clear error. */
export function parseCollectionMetadata(bytes: Buffer, where: string): CollectionMetadataDocument {
  let value: unknown;
  try {
    value = EJSON.parse(bytes.toString('utf8'), { relaxed: false });
  } catch (error) {
    throw new Error(`The metadata of ${where} is not valid Extended JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = collectionMetadataSchema.safeParse(value);
  if (!parsed.success) throw new Error(`The metadata of ${where} is not a collection description: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/**
 * A collection's file name (without extension) as stock mongodump writes it: Go's
 * `url.QueryEscape` of the name (only letters, digits and `-_.~` kept, space as `+`), and for names
 * whose escaped form passes 238 bytes the first 208 bytes, `%24` and the unpadded base64url SHA-1
 * of the name — so stock mongorestore finds every file where it expects it.
 */
export function mongodumpFileStem(collection: string): string {
  let escaped = '';
  for (const byte of Buffer.from(collection, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char)) escaped += char;
    else if (char === ' ') escaped += '+';
    else escaped += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (escaped.length <= 238) return escaped;
  return `${escaped.slice(0, 208)}%24${createHash('sha1').update(collection, 'utf8').digest('base64url')}`;
}
