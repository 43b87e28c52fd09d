import type { Readable } from 'node:stream';

/**
 * The contract every database engine implements (PostgreSQL now, MongoDB next). An engine runs
 * inside the worker agent: it reads a source and writes repository entries, or reads entries and
 * writes a target. It never sees the repository itself, only an entry sink or source, so the same
 * engine works whatever storage the repository lives on.
 *
 * `TConnection` is the engine's own connection description. It never holds a secret: passwords
 * arrive separately (`EngineSecrets`) and must only reach the database driver or a child's
 * environment, never argv, a log line, an entry or an error message.
 */
export interface DatabaseEngine<TConnection, TRestoreOptions = Record<string, never>> {
  /** Engine name recorded in the manifest (`postgres`, `mongodb`). */
  readonly name: string;
  /** Versions of the tools and server the engine uses, recorded in the manifest. */
  versions(connection: TConnection, secrets: EngineSecrets, context: EngineContext): Promise<Record<string, string>>;
  /** The user databases of a source (system databases excluded unless the engine says otherwise). */
  listDatabases(connection: TConnection, secrets: EngineSecrets, context: EngineContext): Promise<DatabaseInfo[]>;
  /** Backs up `databases` (all user databases when empty) into entries; entries carry metadata. */
  backup(request: EngineBackupRequest<TConnection>, sink: EntrySink, context: EngineContext): Promise<EngineBackupSummary>;
  /** Restores entries of a restore point into a target server. */
  restore(request: EngineRestoreRequest<TConnection, TRestoreOptions>, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary>;
  /** Writes a restore point out as files the engine's stock tools read (no Cosmos Backup needed). */
  restoreToFolder(request: EngineFolderRestoreRequest, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary>;
}

/** Secrets for one job; held in memory only. */
export interface EngineSecrets {
  /** Password of the database user (undefined: the server needs none). */
  password?: string;
}

/** What an engine gets from the job that runs it. */
export interface EngineContext {
  /** Aborted on cancel; the engine stops its children and returns by throwing. */
  readonly signal: AbortSignal;
  /** A line for the session log (never with a secret in it). */
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  /** Progress of the whole job; `total` null when unknown. */
  progress(done: number, total: number | null, unit: 'bytes' | 'databases' | 'tables'): void;
  /**
   * Called before the engine first changes a target database (restore), so a failure or a lost
   * worker can report which targets may be half-restored.
   */
  targetTouched?(database: string): void;
}

/** A database on the source, as `listDatabases` reports it. */
export interface DatabaseInfo {
  name: string;
  /** Bytes on the server, when the engine can tell. */
  sizeBytes?: number;
  /** Engine-specific facts (e.g. `citus: true`, owner, encoding). */
  details?: Record<string, string | number | boolean>;
}

/** Flat metadata attached to an entry (goes into the manifest). */
export type EntryMetadataValues = Record<string, string | number | boolean>;

/** Where a backup writes its entries (the repository's backup session implements it). */
export interface EntrySink {
  /** Reads `data` to its end into an entry; entries may be added concurrently. */
  addEntry(entry: { name: string; data: Readable | AsyncIterable<Uint8Array> | Uint8Array; counts?: { rows?: number; documents?: number }; metadata?: EntryMetadataValues }): Promise<{ name: string; size: number }>;
}

/** One entry of a restore point, as a restore sees it. */
export interface StoredEntry {
  name: string;
  size: number;
  counts?: { rows?: number; documents?: number };
  metadata?: EntryMetadataValues;
}

/** Where a restore reads entries from (a restore point). */
export interface EntrySource {
  readonly entries: readonly StoredEntry[];
  /** A fresh stream of one entry's verified bytes; may be opened more than once. */
  open(name: string, signal?: AbortSignal): Promise<Readable>;
}

export interface EngineBackupRequest<TConnection> {
  source: TConnection;
  secrets: EngineSecrets;
  /** Databases to back up; empty or missing: every user database. */
  databases?: string[];
  /** MongoDB: only these collections, `db.collection` (their databases need not be listed in `databases`). */
  collections?: string[];
  /** Databases (MongoDB: collections) backed up at once (default 2; MongoDB 4). */
  parallelism?: number;
  /** Throttle for the data read from the source, bytes per second (0 or missing: none). */
  maxBytesPerSecond?: number;
  /** MongoDB: throughput budget, documents read per second (0 or missing: none). */
  maxDocumentsPerSecond?: number;
  /** How long to wait for a lock another session holds on a table (being dropped, altered) before failing. */
  lockWaitTimeoutMs?: number;
}

/** Counts and sizes of one database in a backup or restore. */
export interface DatabaseSummary {
  name: string;
  /** Bytes of the stored entries of this database. */
  bytes: number;
  /** Tables (MongoDB: collections) with data. */
  tables: number;
  /** Rows (MongoDB: documents). */
  rows: number;
}

export interface EngineBackupSummary {
  databases: DatabaseSummary[];
  /** Engine-wide facts recorded with the restore point (e.g. globals captured, Citus found). */
  notes: string[];
}

export interface EngineRestoreRequest<TConnection, TOptions = Record<string, never>> {
  target: TConnection;
  /** The engine's own restore options (PostgreSQL: schemas, tables, globals, ownership). */
  options: TOptions;
  secrets: EngineSecrets;
  /** Databases of the restore point to restore (default: all). Names before renaming. */
  databases?: string[];
  /** Restore database OLD as NEW. */
  databaseMap?: Record<string, string>;
  /** false (default): refuse a target database that already holds objects. true: replace them. */
  clean: boolean;
  /** Throttle for the data read from the repository, bytes per second. */
  maxBytesPerSecond?: number;
  /** Tables loaded at once and index/constraint builds at once, per database (default 2). */
  parallelism?: number;
}

export interface EngineFolderRestoreRequest {
  folder: string;
  databases?: string[];
}

export interface EngineRestoreSummary {
  databases: DatabaseSummary[];
  /** Where the output went (target databases, or files written). */
  outputs: string[];
  notes: string[];
}
