import { describe, expect, it } from 'vitest';
import { createStorage, parseRepositoryLocation } from '../../../src-main/repository/location.ts';
import { AzureBlobStorage } from '../../../src-main/repository/storage/azure-blob-storage.ts';
import { LocalFolderStorage } from '../../../src-main/repository/storage/local-storage.ts';

describe('repository locations', () => {
  it('parses local paths and Azure URLs (virtual-host and path style)', () => {
    expect(parseRepositoryLocation('/backups/repo')).toEqual({ kind: 'local', path: '/backups/repo' });
    expect(parseRepositoryLocation('relative/repo')).toMatchObject({ kind: 'local', path: `${process.cwd()}/relative/repo` });
    expect(parseRepositoryLocation('https://acct.blob.core.windows.net/backups/prod/pg')).toEqual({
      kind: 'azure',
      blobEndpoint: 'https://acct.blob.core.windows.net',
      accountName: 'acct',
      container: 'backups',
      prefix: 'prod/pg',
    });
    expect(parseRepositoryLocation('https://acct.blob.core.chinacloudapi.cn/c')).toMatchObject({ accountName: 'acct', container: 'c', prefix: '' });
    expect(parseRepositoryLocation('http://127.0.0.1:10000/devstoreaccount1/repo/x')).toEqual({
      kind: 'azure',
      blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1',
      accountName: 'devstoreaccount1',
      container: 'repo',
      prefix: 'x',
    });
  });

  it('refuses secrets in the location and never echoes them', () => {
    const sas = 'sv=2024&sig=SECRETSIGNATURE';
    let error: Error | undefined;
    try {
      parseRepositoryLocation(`https://acct.blob.core.windows.net/c?${sas}`);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toMatchObject({ code: 'invalid_argument' });
    expect(error!.message).not.toContain('SECRETSIGNATURE');
    expect(() => parseRepositoryLocation('https://acct.blob.core.windows.net/')).toThrow(/container/);
  });

  it('builds the matching storage; Azure needs credentials; descriptions hold no secret', () => {
    expect(createStorage('/tmp/x')).toBeInstanceOf(LocalFolderStorage);
    expect(() => createStorage('https://acct.blob.core.windows.net/c')).toThrow(/Credentials/);
    const storage = createStorage('https://acct.blob.core.windows.net/c/p', { kind: 'sas', sasToken: 'sig=TOPSECRET' });
    expect(storage).toBeInstanceOf(AzureBlobStorage);
    expect(storage.description).toBe('Azure Blob https://acct.blob.core.windows.net/c/p');
  });
});
