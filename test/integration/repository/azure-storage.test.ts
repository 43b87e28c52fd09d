import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureBlobStorage } from '../../../src-main/repository/storage/azure-blob-storage.ts';
import { startAzurite } from '../../helpers/azurite.ts';
import type { AzuriteInstance } from '../../helpers/azurite.ts';
import { describeStorageConformance } from '../../unit/repository/support/storage-conformance.ts';

let azurite: AzuriteInstance;

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

function newStorage(prefix = `repo-${randomBytes(4).toString('hex')}`): AzureBlobStorage {
  return new AzureBlobStorage({
    blobEndpoint: azurite.blobEndpoint,
    container: 'conformance',
    prefix,
    credentials: { kind: 'sharedKey', accountName: azurite.accountName, accountKey: azurite.accountKey },
  });
}

describeStorageConformance('Azure Blob (Azurite)', async () => {
  const storage = newStorage();
  await storage.prepare();
  return { storage, dispose: async () => {} };
});

describe('AzureBlobStorage specifics', () => {
  it('uploads big files in blocks, create-only, under its prefix', async () => {
    const storage = newStorage();
    await storage.prepare();
    const data = randomBytes(20 * 1024 * 1024);
    await storage.put('data/ab/big', data);
    expect((await storage.get('data/ab/big')).equals(data)).toBe(true);
    await expect(storage.put('data/ab/big', data)).rejects.toMatchObject({ kind: 'already_exists' });
    const blobs: string[] = [];
    for await (const item of storage.container.listBlobsFlat()) if (item.name.endsWith('data/ab/big')) blobs.push(item.name);
    expect(blobs).toEqual([`${storage.description.split('/').pop()}/data/ab/big`]);
  });

  it('classifies a wrong account key as permanent and never echoes the key', async () => {
    const storage = new AzureBlobStorage({
      blobEndpoint: azurite.blobEndpoint,
      container: 'conformance',
      credentials: { kind: 'sharedKey', accountName: azurite.accountName, accountKey: Buffer.alloc(64, 1).toString('base64') },
    });
    const error = (await storage.get('config').catch((e: unknown) => e)) as Error & { kind: string };
    expect(error.kind).toBe('permanent');
    expect(error.message).not.toContain(Buffer.alloc(64, 1).toString('base64'));
  });

  it('classifies a stopped server as transient', async () => {
    const storage = new AzureBlobStorage({
      blobEndpoint: `http://127.0.0.1:1/${azurite.accountName}`,
      container: 'x',
      credentials: { kind: 'sharedKey', accountName: azurite.accountName, accountKey: azurite.accountKey },
    });
    await expect(storage.get('config')).rejects.toMatchObject({ kind: 'transient' });
  });
});
