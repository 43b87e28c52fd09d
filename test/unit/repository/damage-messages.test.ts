import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Repository } from '../../../src-main/repository/repository.ts';
import type { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import { ENGINE, PASSWORD, RESOURCE, readAll, recordingLogger, testData } from './support/fixtures.ts';
import { memoryRepository } from './support/memory-repository.ts';

/** A repository with one restore point: a table's data (with the metadata engines record) and a small entry. */
async function withTable() {
  const { repository, storage } = await memoryRepository();
  const table = testData(300_000, 'orders');
  const result = await repository.backup({ resource: RESOURCE, engine: ENGINE, time: new Date('2026-12-01T00:00:00Z'), gfs: {} }, [
    { name: 'postgres/databases/shop/tables/17.data', data: table, metadata: { kind: 'pg-table-data', database: 'shop', schema: 'public', table: 'orders' } },
    { name: 'postgres/databases/shop/info.json', data: Buffer.from('{"ok":true}') },
  ]);
  return { storage: storage as MemoryStorage, table, restorePointId: result.restorePointId };
}

type Failure = Error & { code: string; details: Record<string, unknown> };

/** The error a promise fails with; a promise that succeeds fails the test. */
async function failureOf(promise: Promise<unknown>): Promise<Failure> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as Failure,
  );
  if (!outcome) throw new Error('expected a failure, but it succeeded');
  return outcome;
}

const fileOf = (storage: MemoryStorage, prefix: string) => [...storage.files.keys()].find((name) => name.startsWith(prefix))!;

/** Changes one character of a stored file in place (the same length, still valid JSON when it was). */
function alter(storage: MemoryStorage, name: string, from: string, to: string): void {
  const text = storage.files.get(name)!.data.toString('utf8');
  storage.files.get(name)!.data = Buffer.from(text.replace(from, to));
}

describe('repository damage is explained in the user\'s terms', () => {
  it('a config whose repository id changed is reported as a damaged configuration, not a wrong password', async () => {
    const { storage } = await withTable();
    const config = JSON.parse(storage.files.get('config')!.data.toString('utf8')) as { repositoryId: string };
    const flipped = (config.repositoryId[0] === 'a' ? 'b' : 'a') + config.repositoryId.slice(1);
    alter(storage, 'config', config.repositoryId, flipped);
    const error = await failureOf(Repository.open(storage, { password: PASSWORD }));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^The repository's configuration file \("config"\) is damaged \(its repository id differs/);
    expect(error.message).toMatch(/restore points themselves are not affected/);
    expect(error.details).toMatchObject({ file: 'config', damage: 'config' });
    // The real wrong password is still told as one.
    alter(storage, 'config', flipped, config.repositoryId);
    await expect(Repository.open(storage, { password: 'not the password' })).rejects.toMatchObject({ code: 'wrong_password', message: 'Wrong password for this repository.' });
  });

  it('a config that is not JSON and a damaged key file say which file, what it stops, and what to do', async () => {
    const { storage } = await withTable();
    const original = storage.files.get('config')!.data;
    storage.files.get('config')!.data = Buffer.from(original.toString('utf8').replace('{', '#'));
    await expect(Repository.open(storage, { password: PASSWORD })).rejects.toThrow(/^The repository's configuration file \("config"\) is damaged \(is not valid JSON\).*Put back a copy of the file "config"/);
    storage.files.get('config')!.data = original;
    const key = fileOf(storage, 'keys/');
    alter(storage, key, '"kdf"', '"kdF"');
    await expect(Repository.open(storage, { password: PASSWORD })).rejects.toThrow(/^The repository's key file keys\/[0-9a-f]{12}… is damaged \(key file does not match the format\) and no other key file opened the repository/);
  });

  it('a damaged restore point is named, and the others are said to be unaffected', async () => {
    const { storage, restorePointId } = await withTable();
    const manifest = `restore-points/${restorePointId}`;
    storage.files.get(manifest)!.data[40]! ^= 0x01;
    const repository = await Repository.open(storage, { password: PASSWORD });
    const error = await failureOf(repository.getRestorePoint(restorePointId));
    expect(error.message).toMatch(new RegExp(`^Restore point ${restorePointId.slice(0, 12)} is damaged \\(.+\\) and cannot be restored\\. Other restore points are not affected`));
    expect(error.details).toMatchObject({ damage: 'restore-point', restorePointId });
  });

  it('a damaged pack names the table, the restore point and how much of it is lost', async () => {
    const { storage, restorePointId } = await withTable();
    const repository = await Repository.open(storage, { password: PASSWORD });
    for (const name of [...storage.files.keys()].filter((n) => n.startsWith('data/'))) storage.files.get(name)!.data[10]! ^= 0x01;
    const error = await failureOf(repository.openEntry(restorePointId, 'postgres/databases/shop/tables/17.data').then(readAll));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(new RegExp(`^[0-9.]+ (KiB|MiB) of table public\\.orders of database shop in restore point ${restorePointId.slice(0, 12)} is damaged \\(pack data/`));
    expect(error.message).toMatch(/repo check --read-data/);
    expect(error.details).toMatchObject({ damage: 'data', restorePointId, entry: 'postgres/databases/shop/tables/17.data' });
    expect(error.details.affectedBytes).toBeGreaterThan(0);
  });

  it('a damaged index is index damage: the data is found through the packs\' headers and restores exactly', async () => {
    const { storage, table, restorePointId } = await withTable();
    for (const name of [...storage.files.keys()].filter((n) => n.startsWith('index/'))) storage.files.get(name)!.data[5]! ^= 0x01;
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
    const repository = await Repository.open(storage, { password: PASSWORD, logger });
    const restored = await repository.openEntry(restorePointId, 'postgres/databases/shop/tables/17.data', { logger }).then(readAll);
    expect(restored.equals(table)).toBe(true);
    expect(warnings.some((w) => /^The repository's index is damaged \(index\/[0-9a-f]{12}…: .*found through the packs' own headers/.test(w))).toBe(true);
    // With the packs gone as well, the failure still says index, not "chunk … is not in the index".
    for (const name of [...storage.files.keys()].filter((n) => n.startsWith('data/'))) storage.files.delete(name);
    const error = await failureOf(repository.openEntry(restorePointId, 'postgres/databases/shop/tables/17.data', { logger }).then(readAll));
    expect(error.message).toMatch(/^The repository's index is damaged \(index\/[0-9a-f]{12}…\), and part of the data of table public\.orders of database shop in restore point [0-9a-f]{12} was not found in any pack either/);
    expect(error.details).toMatchObject({ damage: 'index' });
  });
});

describe('a config whose format version changed', () => {
  it('is damage when the rest was written as this version (its MAC says so), and a real newer format otherwise', async () => {
    const { storage } = await withTable();
    alter(storage, 'config', '"formatVersion": 1', '"formatVersion": 9');
    const error = await failureOf(Repository.open(storage, { password: PASSWORD }));
    expect(error.code).toBe('corrupt');
    expect(error.message).toMatch(/^The repository's configuration file \("config"\) is damaged \(names format version 9, but it was written as version 1/);
    // A config really written by a newer version (its MAC made over version 9) asks for an upgrade.
    const { storage: other } = await withTable();
    const text = other.files.get('config')!.data.toString('utf8');
    // Well-formed, but made over version 9: it does not hold for version 1.
    other.files.get('config')!.data = Buffer.from(text.replace('"formatVersion": 1', '"formatVersion": 9').replace(/"configMac": "(.)/, (_m, c: string) => `"configMac": "${c === '0' ? '1' : '0'}`));
    await expect(Repository.open(other, { password: PASSWORD })).rejects.toMatchObject({ code: 'format_too_new' });
  });
});

describe('key files from before they named their repository', () => {
  it('are rewritten by the next backup, after which a damaged config id is told as damage', async () => {
    const { storage } = await withTable();
    const keyName = fileOf(storage, 'keys/');
    // Make the key file what older versions wrote: no repositoryId, checksum over the other fields.
    const key = JSON.parse(storage.files.get(keyName)!.data.toString('utf8')) as Record<string, unknown>;
    const { repositoryId: _gone, checksum: _old, ...legacy } = key;
    const canonical = JSON.stringify({ formatVersion: legacy.formatVersion, kdf: legacy.kdf, scrypt: legacy.scrypt, salt: legacy.salt, wrappedMasterKey: legacy.wrappedMasterKey, createdAt: legacy.createdAt });
    storage.files.get(keyName)!.data = Buffer.from(JSON.stringify({ ...legacy, checksum: createHash('sha256').update(canonical).digest('hex') }));
    const config = JSON.parse(storage.files.get('config')!.data.toString('utf8')) as { repositoryId: string };
    const flipped = (config.repositoryId[0] === 'a' ? 'b' : 'a') + config.repositoryId.slice(1);

    // An old key cannot tell a damaged config id from a wrong password (the limitation this removes).
    alter(storage, 'config', config.repositoryId, flipped);
    await expect(Repository.open(storage, { password: PASSWORD })).rejects.toMatchObject({ code: 'wrong_password' });
    alter(storage, 'config', flipped, config.repositoryId);

    const logger = recordingLogger();
    const repository = await Repository.open(storage, { password: PASSWORD, logger });
    await repository.backup({ resource: RESOURCE, engine: ENGINE, gfs: {} }, [{ name: 'more', data: testData(10_000, 'more') }]);
    expect(logger.lines).toContain('info Rewrote the key file in the current format (it now names its repository).');
    const rewritten = JSON.parse(storage.files.get(fileOf(storage, 'keys/'))!.data.toString('utf8')) as { repositoryId?: string };
    expect(rewritten.repositoryId).toBe(config.repositoryId);
    expect([...storage.files.keys()].filter((n) => n.startsWith('keys/'))).toHaveLength(1);

    alter(storage, 'config', config.repositoryId, flipped);
    await expect(Repository.open(storage, { password: PASSWORD })).rejects.toMatchObject({ code: 'corrupt', details: { damage: 'config' } });
  });
});
