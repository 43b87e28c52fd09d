import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { AppError } from '../../shared/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.ts';

export type ConfigDb = Database.Database;

/**
 * Opens (creating if needed) the configuration database and brings its schema up to date.
 * A file that is not a healthy SQLite database is reported as `config_db_corrupt` and left exactly
 * as it was; a file written by a newer version is refused with `config_db_too_new`.
 */
export function openConfigDatabase(file: string): ConfigDb {
  const existed = existsSync(file);
  let db: ConfigDb;
  try {
    db = new Database(file, { fileMustExist: existed });
  } catch (error) {
    throw translateOpenError(error, file);
  }
  try {
    // Read before any write: a damaged file must fail here, before WAL mode or migrations touch it.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (existed) {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new AppError('config_db_corrupt', corruptMessage(file, String(check)));
    }
    if (version > LATEST_SCHEMA_VERSION) {
      throw new AppError(
        'config_db_too_new',
        `The configuration database at ${file} was written by a newer version of Cosmos Backup (schema ${version}; this version knows up to ${LATEST_SCHEMA_VERSION}). Update Cosmos Backup to open it.`,
      );
    }
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    applyMigrations(db, version);
    return db;
  } catch (error) {
    db.close();
    throw translateOpenError(error, file);
  }
}

function applyMigrations(db: ConfigDb, fromVersion: number): void {
  for (const migration of MIGRATIONS) {
    if (migration.version <= fromVersion) continue;
    // Each step and its version bump commit together, so a crash never leaves a half-migrated schema.
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

function corruptMessage(file: string, reason: string): string {
  return `The configuration database at ${file} is damaged (${reason}). It was left untouched: move it aside to start with an empty catalog (then rescan your repositories), or put back a copy.`;
}

/** Maps SQLite's failures at open time to errors a user can act on. */
export function translateOpenError(error: unknown, file: string): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/i.test(message)) {
    return new AppError('config_db_corrupt', corruptMessage(file, message));
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new AppError('data_dir_unusable', `Cannot open the configuration database at ${file} for writing (${message}). Check the folder's permissions or pass another --data-dir.`);
  }
  if (code === 'SQLITE_FULL') {
    return new AppError('data_dir_unusable', `The disk holding ${file} is full. Free some space; nothing was changed.`);
  }
  return error;
}

/**
 * True for SQLite's refusals to write (disk full, read-only file or file system, I/O error): the
 * work that wanted to record something went fine and only its record is missing.
 */
export function isConfigDbWriteRefused(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|READONLY|IOERR)/.test(code);
}
