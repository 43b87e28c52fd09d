import { z } from 'zod';
import { engineConnectionSchema, engineNameSchema, engineRestoreOptionsSchema } from '../engines/engine-schemas.ts';

/**
 * The worker agent protocol: newline-delimited JSON, one message per line, validated on both
 * sides. The parent writes `job`, then `secrets`, then possibly `cancel` to the agent's stdin; the
 * agent writes `hello`, `log`, `progress`, `target-touched` and exactly one `result` to stdout.
 * Secrets only ever travel in the `secrets` message; nothing the agent writes contains them.
 */
export const PROTOCOL_VERSION = 1;

export { engineNameSchema };

/**
 * Where the repository is: a location string as the repository engine parses it (a local folder or
 * a blob container URL, never with credentials in it). Credentials travel in the secrets.
 */
const gfsFlagsSchema = z.object({ daily: z.boolean(), weekly: z.boolean(), monthly: z.boolean(), yearly: z.boolean() });

export const repositoryLocationSchema = z.object({ location: z.string().min(1) });
export type RepositoryLocation = z.infer<typeof repositoryLocationSchema>;

const tuningSchema = z.object({
  /** Backup: databases dumped at once; restore: tables loaded and indexes built at once per database (default 2). */
  parallelism: z.number().int().min(1).max(16).optional(),
  /** Throttle in bytes per second (0 or missing: none). */
  maxBytesPerSecond: z.number().int().nonnegative().optional(),
  /** MongoDB: throughput budget in documents per second, read (backup) or written (restore) (0 or missing: none). */
  maxDocumentsPerSecond: z.number().int().nonnegative().optional(),
  /** Backup: zstd level for new chunks (default: the repository engine's, DEFAULT_ZSTD_LEVEL; measured: 6 saves <1 % on dumps and costs memory). */
  compressionLevel: z.number().int().min(1).max(19).optional(),
  /** Backup: how long to wait for a table lock held by another session before failing (default 60 s). */
  lockWaitTimeoutMs: z.number().int().positive().optional(),
});

export const backupJobSchema = z.object({
  kind: z.literal('backup'),
  jobId: z.string().min(1),
  engine: engineNameSchema,
  repository: repositoryLocationSchema,
  source: engineConnectionSchema,
  /** Databases to back up; empty: every user database. */
  databases: z.array(z.string().min(1)).default([]),
  /** MongoDB: only these collections, `db.collection` (empty: every collection of the databases). */
  collections: z.array(z.string().min(3)).default([]),
  /** What the restore point is of (goes into the manifest). */
  resource: z.object({ id: z.string().min(1), name: z.string(), kind: z.string().min(1) }),
  policy: z.object({ id: z.string().min(1), name: z.string() }).optional(),
  /** The schedules this backup satisfies (GFS flags, recorded in the manifest). */
  gfs: gfsFlagsSchema.default({ daily: false, weekly: false, monthly: false, yearly: false }),
  options: tuningSchema.default({}),
});

export const restoreTargetSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('database'),
    connection: engineConnectionSchema,
    databaseMap: z.record(z.string(), z.string().min(1)).default({}),
    /** false: refuse a target that already holds objects; true: replace them. */
    clean: z.boolean().default(false),
    /** The engine's own options; `engine` must name the job's engine (default: the engine's defaults). */
    options: engineRestoreOptionsSchema.optional(),
  }),
  z.object({ kind: z.literal('folder'), path: z.string().min(1) }),
]);

export const restoreJobSchema = z.object({
  kind: z.literal('restore'),
  jobId: z.string().min(1),
  /** The engine the target speaks; missing (folder restores): the restore point's own. */
  engine: engineNameSchema.optional(),
  repository: repositoryLocationSchema,
  /** The restore point id, or a unique prefix of it (at least 8 characters, as listings show). */
  restorePointId: z.string().regex(/^[0-9a-f]{8,64}$/, 'must be a restore point id (hex) or a prefix of one (at least 8 characters)'),
  /** Databases of the restore point to restore; empty: all. */
  databases: z.array(z.string().min(1)).default([]),
  target: restoreTargetSchema,
  options: tuningSchema.default({}),
});

/** Copy (archive) a restore point into another repository: runs in the target repository's region. */
export const copyJobSchema = z.object({
  kind: z.literal('copy'),
  jobId: z.string().min(1),
  repository: repositoryLocationSchema,
  target: repositoryLocationSchema,
  restorePointId: z.string().regex(/^[0-9a-f]{64}$/, 'must be a full restore point id'),
  /** Put the copied data in the Archive tier. */
  archive: z.boolean().default(false),
});

/** What the agent is asked to do. Holds no secret (it may be logged). */
export const jobSpecSchema = z.discriminatedUnion('kind', [backupJobSchema, restoreJobSchema, copyJobSchema]);
export type JobSpec = z.input<typeof jobSpecSchema>;
export type ParsedJobSpec = z.output<typeof jobSpecSchema>;
export type BackupJobSpec = z.output<typeof backupJobSchema>;
export type RestoreJobSpec = z.output<typeof restoreJobSchema>;
export type CopyJobSpec = z.output<typeof copyJobSchema>;

const storageSecretSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('sharedKey'), accountKey: z.string().min(1) }), z.object({ kind: z.literal('sas'), sasToken: z.string().min(1) })]);

/** The secrets of one job. Held in memory only, never written anywhere by the agent. */
export const jobSecretsSchema = z.object({
  /** Password of the database user (source for a backup, target for a restore). */
  databasePassword: z.string().optional(),
  repositoryPassword: z.string().optional(),
  /** Storage credentials for a blob repository. */
  storage: storageSecretSchema.optional(),
  /** A copy job's target repository: its password and storage credentials. */
  target: z.object({ repositoryPassword: z.string().optional(), storage: storageSecretSchema.optional() }).optional(),
});
export type JobSecrets = z.infer<typeof jobSecretsSchema>;

/** Parent → agent. */
export const inboundMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), protocolVersion: z.literal(PROTOCOL_VERSION), job: jobSpecSchema }),
  z.object({ type: z.literal('secrets'), secrets: jobSecretsSchema }),
  z.object({ type: z.literal('cancel') }),
]);
export type InboundMessage = z.input<typeof inboundMessageSchema>;

const databaseSummarySchema = z.object({ name: z.string(), bytes: z.number().nonnegative(), tables: z.number().int().nonnegative(), rows: z.number().int().nonnegative() });

export const backupOutcomeSchema = z.object({
  kind: z.literal('backup'),
  restorePointId: z.string(),
  databases: z.array(databaseSummarySchema),
  /** Bytes of every entry (before dedup and compression). */
  size: z.number().nonnegative(),
  /** Bytes of new packs written to the repository. */
  uploadedBytes: z.number().nonnegative(),
  newChunks: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  notes: z.array(z.string()),
  /** The new restore point's manifest without its chunk lists: what the app's catalog records. */
  restorePoint: z.object({
    time: z.string(),
    resource: z.object({ id: z.string(), name: z.string(), kind: z.string() }),
    policy: z.object({ id: z.string(), name: z.string() }).optional(),
    gfs: gfsFlagsSchema,
    engine: z.object({ name: z.string(), versions: z.record(z.string(), z.string()) }),
    entries: z.array(z.object({ name: z.string(), size: z.number().nonnegative(), counts: z.object({ rows: z.number().optional(), documents: z.number().optional() }).optional() })),
    totals: z.object({ size: z.number().nonnegative(), entryCount: z.number().int().nonnegative() }),
    durationMs: z.number().nonnegative(),
  }),
});
export type BackupOutcome = z.infer<typeof backupOutcomeSchema>;

export const restoreOutcomeSchema = z.object({
  kind: z.literal('restore'),
  databases: z.array(databaseSummarySchema),
  outputs: z.array(z.string()),
  notes: z.array(z.string()),
});
export type RestoreOutcome = z.infer<typeof restoreOutcomeSchema>;

export const copyOutcomeSchema = z.object({
  kind: z.literal('copy'),
  targetRestorePointId: z.string(),
  /** False when the target already had a copy of this restore point. */
  copied: z.boolean(),
  newChunks: z.number().int().nonnegative(),
  uploadedBytes: z.number().nonnegative(),
});
export type CopyOutcome = z.infer<typeof copyOutcomeSchema>;
export type JobOutcome = BackupOutcome | RestoreOutcome | CopyOutcome;

export const workerErrorSchema = z.object({ code: z.string(), message: z.string() });
export type WorkerError = z.infer<typeof workerErrorSchema>;

/** Agent → parent. (A plain union: the two `result` shapes share their discriminator.) */
export const outboundMessageSchema = z.union([
  z.object({ type: z.literal('hello'), protocolVersion: z.literal(PROTOCOL_VERSION), pid: z.number().int(), node: z.string() }),
  z.object({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), message: z.string() }),
  z.object({ type: z.literal('progress'), done: z.number().nonnegative(), total: z.number().nonnegative().nullable(), unit: z.string() }),
  /** The agent is about to change this target database (a restore); a failure leaves it half-restored. */
  z.object({ type: z.literal('target-touched'), database: z.string() }),
  z.object({ type: z.literal('result'), ok: z.literal(true), outcome: z.discriminatedUnion('kind', [backupOutcomeSchema, restoreOutcomeSchema, copyOutcomeSchema]) }),
  z.object({ type: z.literal('result'), ok: z.literal(false), error: workerErrorSchema }),
]);
export type OutboundMessage = z.infer<typeof outboundMessageSchema>;

/** Parses one line; returns an error string instead of throwing. */
export function parseLine<S extends z.ZodType>(schema: S, line: string): { ok: true; value: z.output<S> } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}` : 'invalid message' };
  }
  return { ok: true, value: parsed.data };
}

/** One message as a line (validated first, so a bug cannot put a malformed line on the wire). */
export function encodeLine<S extends z.ZodType>(schema: S, message: z.input<S>): string {
  return JSON.stringify(schema.parse(message)) + '\n';
}
