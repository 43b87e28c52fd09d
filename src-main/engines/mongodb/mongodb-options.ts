import { z } from 'zod';

/** `db.collection`: a database name (no dot) and a collection name. */
const namespaceSchema = z.string().regex(/^[^.\s/\\"$]+\.[^\0]+$/, 'must name a collection as database.collection');

/** MongoDB's own restore options, carried in a restore job next to the engine-neutral ones. */
export const mongodbRestoreOptionsSchema = z.object({
  engine: z.literal('mongodb'),
  /** Only these collections of the restore point, `db.collection` (empty: all of the selected databases). */
  collections: z.array(namespaceSchema).default([]),
  /** Restore collection `db.old` as `db.new` (the database may change too). */
  collectionMap: z.record(namespaceSchema, namespaceSchema).default({}),
  /**
   * When to build indexes: `auto` builds them before the data on Cosmos DB for MongoDB RU (it
   * refuses unique indexes on non-empty collections) and after it elsewhere, as mongorestore does.
   */
  indexOrder: z.enum(['auto', 'before-data', 'after-data']).default('auto'),
  /** Throughput budget for the writes, documents per second (0 or missing: none). */
  maxDocumentsPerSecond: z.number().int().nonnegative().optional(),
});
export type MongodbRestoreOptions = z.output<typeof mongodbRestoreOptionsSchema>;
