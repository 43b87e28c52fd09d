import { z } from 'zod';

/** A catalogued repository as the console shows it. */
export const repositorySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  kind: z.enum(['local', 'azure-blob']),
  isArchive: z.boolean(),
  encrypted: z.boolean(),
  sizeBytes: z.number().nullable(),
  restorePointCount: z.number().nullable(),
  lastCheckAt: z.string().nullable(),
  lastCheckStatus: z.string().nullable(),
  createdAt: z.string(),
  /** Whether scheduled work and the console can open it without asking for the password. */
  passwordRemembered: z.boolean(),
});
export type RepositorySummary = z.infer<typeof repositorySummarySchema>;

/** Adding a repository from the console: a connection test runs first (as a session). */
export const addRepositoryInputSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100),
  location: z.string().trim().min(1, 'must not be empty').max(2000),
  password: z.string().min(1).max(1024).optional(),
  create: z.boolean().default(false),
  encryption: z.enum(['aes-256-gcm', 'none']).default('aes-256-gcm'),
  isArchive: z.boolean().default(false),
  storageCredential: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('sharedKey'), accountKey: z.string().min(1) }),
      z.strictObject({ kind: z.literal('sas'), sasToken: z.string().min(1) }),
    ])
    .optional(),
});

export const RESTORE_POINT_KINDS = ['continuous', 'repository', 'archive'] as const;

/** One restore point record of the catalog. */
export const restorePointRecordSchema = z.object({
  id: z.string(),
  kind: z.enum(RESTORE_POINT_KINDS),
  resourceId: z.string(),
  policyId: z.string().nullable(),
  repositoryId: z.string().nullable(),
  sessionId: z.string().nullable(),
  pointTime: z.string(),
  windowStart: z.string().nullable(),
  windowEnd: z.string().nullable(),
  gfs: z.array(z.string()),
  sizeBytes: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type RestorePointRecordDto = z.infer<typeof restorePointRecordSchema>;

/** `db.collection`: a MongoDB collection of a restore point. */
const namespaceSchema = z.string().regex(/^[^.\s/\\"$]+\.[^\0]+$/, 'must name a collection as database.collection').max(400);

/** Restoring a repository restore point from the console (PostgreSQL or MongoDB). */
export const repositoryRestoreInputSchema = z.strictObject({
  restorePointId: z.string().regex(/^[0-9a-f]{64}$/, 'must be a restore point id'),
  repositoryId: z.string().min(1),
  databases: z.array(z.string().min(1)).default([]),
  /** Why: recorded in the restore audit with who and when (point-in-time restores ask the same). */
  reason: z.string().trim().min(1, 'must say why').max(2000),
  target: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('database'),
      /** postgres://user@host:port/database?sslmode=… or mongodb://user@host:port/?tls=true */
      uri: z.string().min(1).max(2000),
      /** Used for this restore only; never stored. */
      password: z.string().max(1024).optional(),
      databaseMap: z.record(z.string().min(1), z.string().min(1)).default({}),
      /** PostgreSQL: replace non-empty databases; MongoDB: drop collections that hold documents. */
      clean: z.boolean().default(false),
      /** PostgreSQL only. */
      noOwner: z.boolean().default(false),
      /** MongoDB only: these collections besides whole `databases` (empty: the databases whole). */
      collections: z.array(namespaceSchema).max(5000).default([]),
      /** MongoDB only: restore collection `db.old` as `db.new` (the target database included). */
      collectionMap: z.record(namespaceSchema, namespaceSchema).default({}),
      /** MongoDB only: write budget, documents per second (missing: no limit). */
      maxDocumentsPerSecond: z.number().int().min(1).max(10_000_000).optional(),
    }),
    z.strictObject({ kind: z.literal('folder'), path: z.string().min(1).max(4096) }),
  ]),
});

/** Starting a backup of a server or an inventory resource from the console ("Back up now"). */
export const backupStartInputSchema = z.strictObject({
  repositoryId: z.string().min(1).max(200),
  source: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('server'),
      /** postgres://user@host:port/database?sslmode=… or mongodb://user@host:port/?tls=true */
      uri: z.string().trim().min(1, 'must not be empty').max(2000),
      /** Used for this backup; stored (encrypted) only when `rememberPassword` is set. */
      password: z.string().max(1024).optional(),
    }),
    z.strictObject({
      kind: z.literal('resource'),
      /** An Azure resource of the inventory (a Cosmos DB for PostgreSQL cluster): its server comes from ARM. */
      resourceId: z.string().min(1).max(1000),
      user: z.string().trim().min(1).max(63).optional(),
      database: z.string().trim().min(1).max(63).optional(),
      password: z.string().max(1024).optional(),
    }),
  ]),
  /** Resource name recorded with the restore point (default: the host). */
  name: z.string().trim().min(1).max(200).optional(),
  databases: z.array(z.string().min(1).max(200)).max(500).default([]),
  /** MongoDB only: just these collections, `db.collection`. */
  collections: z.array(namespaceSchema).max(5000).default([]),
  rememberPassword: z.boolean().default(false),
});
