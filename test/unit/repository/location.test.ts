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
    expect(parseRepositoryLocation('https://acct.blob.core.chinacloudapi.cn/ccc')).toMatchObject({ accountName: 'acct', container: 'ccc', prefix: '' });
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
      parseRepositoryLocation(`https://acct.blob.core.windows.net/ccc?${sas}`);
    } catch (e) {
      error = e as Error;
    }
    expect(error).toMatchObject({ code: 'invalid_argument' });
    expect(error!.message).not.toContain('SECRETSIGNATURE');
    expect(() => parseRepositoryLocation('https://acct.blob.core.windows.net/')).toThrow(/container/);
  });

  it('builds the matching storage; Azure needs credentials; descriptions hold no secret', () => {
    expect(createStorage('/tmp/x')).toBeInstanceOf(LocalFolderStorage);
    expect(() => createStorage('https://acct.blob.core.windows.net/ccc')).toThrow(/Credentials/);
    const storage = createStorage('https://acct.blob.core.windows.net/ccc/p', { kind: 'sas', sasToken: 'sig=TOPSECRET' });
    expect(storage).toBeInstanceOf(AzureBlobStorage);
    expect(storage.description).toBe('Azure Blob https://acct.blob.core.windows.net/ccc/p');
  });
});

describe('container names', () => {
  it('say which Azure rule a container name breaks, before Azure answers OutOfRangeInput', () => {
    const at = (container: string) => () => parseRepositoryLocation(`https://acct.blob.core.windows.net/${container}/prefix`);
    expect(at('Backups')).toThrow(/"Backups" is not a valid Azure Blob container name: only lower-case letters, digits and hyphens are allowed/);
    expect(at('ab')).toThrow(/it has 2 characters; a container name has 3 to 63/);
    expect(at('-backups')).toThrow(/must start and end with a letter or a digit/);
    expect(at('my--backups')).toThrow(/two hyphens in a row/);
    expect(parseRepositoryLocation('https://acct.blob.core.windows.net/my-backups-01/x')).toMatchObject({ kind: 'azure', container: 'my-backups-01' });
  });
});
