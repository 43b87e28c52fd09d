import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openConfigDatabase } from '../../../src-main/core/config-db/open-database.ts';
import { LATEST_SCHEMA_VERSION } from '../../../src-main/core/config-db/migrations/index.ts';
import { AppError } from '../../../src-main/shared/errors.ts';
import { RepositoriesStore } from '../../../src-main/core/config-db/repositories-store.ts';
import { prepareDataDir } from '../../../src-main/core/data-dir.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

function expectAppError(fn: () => unknown, code: string, message: RegExp) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    expect((error as AppError).message).toMatch(message);
    return;
  }
  throw new Error('expected an AppError');
}

describe('config database', () => {
  it('creates every table, WAL mode and foreign keys on', () => {
    const dir = makeTempDir();
    const db = openConfigDatabase(join(dir.path, 'config.db'));
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(
      expect.arrayContaining(['cloud_profiles', 'sign_ins', 'subscriptions', 'protected_resources', 'policies', 'repositories', 'worker_configurations', 'sessions', 'session_log', 'restore_points', 'settings']),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();
    // Opening again runs no migration twice.
    openConfigDatabase(join(dir.path, 'config.db')).close();
    dir.remove();
  });

  it('keeps one size figure per repository and day, the last of the day, for the dashboard', () => {
    const dir = makeTempDir();
    const db = openConfigDatabase(join(dir.path, 'config.db'));
    const repositories = new RepositoriesStore(db);
    const repo = repositories.add({ name: 'nightly', location: '/r', kind: 'local' }, '2026-12-01T00:00:00.000Z');
    repositories.recordStats(repo.id, 100, 1, new Date('2026-12-01T02:00:00.000Z'));
    repositories.recordStats(repo.id, 150, 2, new Date('2026-12-01T23:00:00.000Z'));
    repositories.recordStats(repo.id, 120, 1, new Date('2026-12-02T03:00:00.000Z'));
    repositories.recordStats('unknown-repository', 999, 9, new Date('2026-12-02T03:00:00.000Z'));
    expect(repositories.sizeHistory()).toEqual([
      { repositoryId: repo.id, day: '2026-12-01', sizeBytes: 150, restorePointCount: 2 },
      { repositoryId: repo.id, day: '2026-12-02', sizeBytes: 120, restorePointCount: 1 },
    ]);
    expect(repositories.get(repo.id)).toMatchObject({ sizeBytes: 120, restorePointCount: 1 });
    db.close();
    dir.remove();
  });

  it('starts the size history of a database from before it with each repository\'s size of today', () => {
    const dir = makeTempDir();
    const file = join(dir.path, 'config.db');
    const db = openConfigDatabase(file);
    const repositories = new RepositoriesStore(db);
    const measured = repositories.add({ name: 'nightly', location: '/r', kind: 'local' }, '2026-12-01T00:00:00.000Z');
    repositories.add({ name: 'never-measured', location: '/n', kind: 'local' }, '2026-12-01T00:00:00.000Z');
    repositories.recordStats(measured.id, 4096, 3, new Date('2026-12-01T02:00:00.000Z'));
    // As a version-7 database was: no history table.
    db.exec('DROP TABLE repository_size_history');
    db.pragma('user_version = 7');
    db.close();
    const upgraded = openConfigDatabase(file);
    const today = new Date().toISOString().slice(0, 10);
    expect(new RepositoriesStore(upgraded).sizeHistory()).toEqual([{ repositoryId: measured.id, day: today, sizeBytes: 4096, restorePointCount: 3 }]);
    upgraded.close();
    dir.remove();
  });

  it('refuses a database written by a newer version, untouched', () => {
    const dir = makeTempDir();
    const file = join(dir.path, 'config.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(file);
    expectAppError(() => openConfigDatabase(file), 'config_db_too_new', /newer version of Cosmos Backup/);
    expect(readFileSync(file).equals(before)).toBe(true);
    dir.remove();
  });

  it('reports a corrupt file and never overwrites it', () => {
    const dir = makeTempDir();
    const file = join(dir.path, 'config.db');
    const garbage = Buffer.from('this is not a database '.repeat(300));
    writeFileSync(file, garbage);
    expectAppError(() => openConfigDatabase(file), 'config_db_corrupt', /damaged.*left untouched/s);
    expect(readFileSync(file).equals(garbage)).toBe(true);
    dir.remove();
  });

  it('reports a data folder that cannot be created', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir.path, 'a-file'), 'x');
    expectAppError(() => prepareDataDir(join(dir.path, 'a-file', 'data')), 'data_dir_unusable', /Cannot use the data folder/);
    dir.remove();
  });
});
