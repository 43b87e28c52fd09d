import { describe, expect, it } from 'vitest';
import { Repository } from '../../../src-main/repository/repository.ts';
import { MemoryStorage } from '../../../src-main/repository/storage/memory-storage.ts';
import { PASSWORD, SMALL_FORMAT, readAll, testData } from './support/fixtures.ts';
import { backupBuffers, memoryRepository } from './support/memory-repository.ts';

function snapshot(storage: MemoryStorage): Map<string, string> {
  return new Map([...storage.files].map(([name, file]) => [name, file.data.toString('base64')]));
}

describe('repository lifecycle', () => {
  it('refuses a wrong password with a typed error and writes nothing', async () => {
    const { storage } = await memoryRepository();
    const memory = storage as MemoryStorage;
    const before = snapshot(memory);
    const error = await Repository.open(storage, { password: 'wrong' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'wrong_password', message: 'Wrong password for this repository.' });
    await expect(Repository.open(storage, {})).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(snapshot(memory)).toEqual(before);
  });

  it('refuses a newer format version with a clear message and writes nothing', async () => {
    const { storage } = await memoryRepository();
    const memory = storage as MemoryStorage;
    const config = JSON.parse(memory.files.get('config')!.data.toString());
    // A newer writer's config: version 2, with a MAC made over version 2 (not this one's).
    const newerMac = (config.configMac as string).replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await storage.put('config', Buffer.from(JSON.stringify({ ...config, formatVersion: 2, configMac: newerMac })), { overwrite: true });
    const before = snapshot(memory);
    const error = await Repository.open(storage, { password: PASSWORD }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'format_too_new' });
    expect((error as Error).message).toBe('Repository format version 2 is newer than this version of Cosmos Backup supports (1); upgrade Cosmos Backup.');
    expect(snapshot(memory)).toEqual(before);
  });

  it('detects a tampered config (e.g. someone turning encryption off)', async () => {
    const { storage } = await memoryRepository();
    const config = JSON.parse((storage as MemoryStorage).files.get('config')!.data.toString());
    await storage.put('config', Buffer.from(JSON.stringify({ ...config, packSize: 4096 })), { overwrite: true });
    await expect(Repository.open(storage, { password: PASSWORD })).rejects.toMatchObject({ code: 'corrupt' });
    await storage.put('config', Buffer.from(JSON.stringify({ ...config, encryption: 'none', configMac: undefined })), { overwrite: true });
    await expect(Repository.open(storage, { password: PASSWORD })).rejects.toMatchObject({ code: 'corrupt' });
  });

  it('reports a missing repository and refuses to init twice', async () => {
    const storage = new MemoryStorage();
    await expect(Repository.open(storage, { password: PASSWORD })).rejects.toMatchObject({ code: 'not_a_repository' });
    await Repository.init(storage, { password: PASSWORD, ...SMALL_FORMAT });
    await expect(Repository.init(storage, { password: PASSWORD, ...SMALL_FORMAT })).rejects.toMatchObject({ code: 'already_initialized' });
    await expect(Repository.init(new MemoryStorage(), {})).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('says when the key derivation has started, once, before the open ends (the agent loads its engine meanwhile)', async () => {
    const { storage } = await memoryRepository();
    const calls: string[] = [];
    const repository = await Repository.open(storage, { password: PASSWORD, onKeyDerivation: () => calls.push('deriving') });
    calls.push('opened');
    expect(repository.encrypted).toBe(true);
    expect(calls).toEqual(['deriving', 'opened']);
  });

  it('keeps no secret in clear text in any repository file', async () => {
    const { storage, repository } = await memoryRepository();
    await backupBuffers(repository, { dump: testData(100_000, 'x') });
    for (const [, file] of (storage as MemoryStorage).files) expect(file.data.includes(PASSWORD)).toBe(false);
  });

  it('changes the password: the new one opens, the old one no longer does, data unchanged', async () => {
    const { storage, repository } = await memoryRepository();
    const data = testData(200_000, 'passwd');
    const { restorePointId } = await backupBuffers(repository, { dump: data });
    await repository.changePassword('new secret', { scrypt: SMALL_FORMAT.scrypt });
    await expect(Repository.open(storage, { password: PASSWORD })).rejects.toMatchObject({ code: 'wrong_password' });
    const reopened = await Repository.open(storage, { password: 'new secret' });
    expect((await readAll(await reopened.openEntry(restorePointId, 'dump'))).equals(data)).toBe(true);
    expect((await reopened.info()).keyCount).toBe(1);
    // The handle that changed it keeps working and can change it again.
    await repository.changePassword('third', { scrypt: SMALL_FORMAT.scrypt });
    await Repository.open(storage, { password: 'third' });
  });

  it('tells a damaged key file apart from a wrong password', async () => {
    const { storage } = await memoryRepository();
    const memory = storage as MemoryStorage;
    const [name, file] = [...memory.files].find(([key]) => key.startsWith('keys/'))!;
    const key = JSON.parse(file.data.toString());
    key.salt = Buffer.alloc(32, 1).toString('base64');
    await storage.put(name, Buffer.from(JSON.stringify(key)), { overwrite: true });
    await expect(Repository.open(storage, { password: PASSWORD })).rejects.toMatchObject({ code: 'corrupt' });
  });
});
