import { describe, expect, it } from 'vitest';
import { channels } from '../../../src-main/shared/contract.ts';
import {
  buildAddRepositoryInput,
  describeLocation,
  emptyRepositoryForm,
  validateRepositoryForm,
  withoutSecrets,
  type RepositoryFormValues,
} from '../../../src-renderer/src/logic/repository-form.ts';

const form = (overrides: Partial<RepositoryFormValues> = {}): RepositoryFormValues => ({
  ...emptyRepositoryForm(),
  name: 'primary',
  location: '/srv/backups/primary',
  password: 'long enough',
  confirmPassword: 'long enough',
  ...overrides,
});

describe('describeLocation', () => {
  it('tells local folders from blob containers', () => {
    expect(describeLocation('  /srv/backups ')).toEqual({ kind: 'local', path: '/srv/backups' });
    expect(describeLocation('C:\\Backups\\cosmos')).toMatchObject({ kind: 'local' });
    expect(describeLocation('\\\\nas\\share')).toMatchObject({ kind: 'local' });
    expect(describeLocation('https://acct.blob.core.windows.net/backups/prod/cosmos')).toEqual({ kind: 'azure-blob', account: 'acct', container: 'backups', prefix: 'prod/cosmos' });
    expect(describeLocation('http://127.0.0.1:10000/devstoreaccount1/repo')).toEqual({ kind: 'azure-blob', account: 'devstoreaccount1', container: 'repo', prefix: '' });
    expect(describeLocation('')).toEqual({ kind: 'empty' });
  });

  it('explains what is wrong with a location', () => {
    expect(describeLocation('backups')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('absolute folder path') });
    expect(describeLocation('http://acct.blob.core.windows.net/c1x')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('https://') });
    expect(describeLocation('https://acct.blob.core.windows.net/c1x?sv=2024&sig=x')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('SAS token') });
    expect(describeLocation('https://acct.blob.core.windows.net/')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('container name') });
    expect(describeLocation('https://acct.blob.core.windows.net/Bad_Name')).toMatchObject({ kind: 'invalid', message: expect.stringContaining('not a valid container name') });
    expect(describeLocation('https://')).toMatchObject({ kind: 'invalid' });
  });
});

describe('validateRepositoryForm', () => {
  it('accepts a complete form', () => {
    expect(validateRepositoryForm(form())).toEqual({});
  });

  it('names every field at fault', () => {
    const errors = validateRepositoryForm(form({ name: ' ', location: '', password: 'short', confirmPassword: '' }));
    expect(errors).toEqual({ name: 'Enter a name.', location: 'Enter a folder path or a blob container URL.', password: 'Use at least 8 characters.' });
    expect(validateRepositoryForm(form({ confirmPassword: 'other' }))).toEqual({ confirmPassword: 'The passwords do not match.' });
  });

  it('refuses names and locations the catalog already has', () => {
    const known = [{ name: 'primary', location: '/srv/backups/primary/' }];
    expect(validateRepositoryForm(form(), known)).toEqual({ name: 'A repository named "primary" already exists.', location: 'This location is already in the catalog.' });
  });

  it('needs no password for an unencrypted new repository, and an optional one to connect', () => {
    expect(validateRepositoryForm(form({ encryption: 'none', password: '', confirmPassword: '' }))).toEqual({});
    expect(validateRepositoryForm(form({ mode: 'connect', password: '', confirmPassword: '' }))).toEqual({});
    expect(validateRepositoryForm(form({ mode: 'connect', password: 'x', confirmPassword: '' }))).toEqual({});
  });

  it('asks blob locations for the credential chosen', () => {
    const blob = form({ location: 'https://acct.blob.core.windows.net/backups' });
    expect(validateRepositoryForm(blob)).toEqual({ accountKey: 'Enter the storage account key.' });
    expect(validateRepositoryForm({ ...blob, credentialKind: 'sas', sasToken: '?' })).toEqual({ sasToken: 'Enter a SAS token.' });
    expect(validateRepositoryForm({ ...blob, accountKey: 'a2V5' })).toEqual({});
  });
});

describe('buildAddRepositoryInput', () => {
  it('builds a request the contract accepts', () => {
    const input = buildAddRepositoryInput(form({ name: ' primary ', isArchive: true }));
    expect(input).toEqual({ name: 'primary', location: '/srv/backups/primary', create: true, encryption: 'aes-256-gcm', isArchive: true, password: 'long enough' });
    expect(channels['repositories.add'].input.safeParse(input).success).toBe(true);
  });

  it('connects without a password as an unencrypted repository, and sends blob credentials', () => {
    expect(buildAddRepositoryInput(form({ mode: 'connect', password: '' }))).toMatchObject({ create: false, encryption: 'none' });
    expect(buildAddRepositoryInput(form({ mode: 'connect', password: '' }))).not.toHaveProperty('password');
    const sas = buildAddRepositoryInput(form({ location: 'https://acct.blob.core.windows.net/backups', credentialKind: 'sas', sasToken: '?sv=1&sig=2', accountKey: 'ignored' }));
    expect(sas.storageCredential).toEqual({ kind: 'sas', sasToken: 'sv=1&sig=2' });
    expect(channels['repositories.add'].input.safeParse(sas).success).toBe(true);
    expect(buildAddRepositoryInput(form({ encryption: 'none' }))).not.toHaveProperty('password');
  });

  it('empties every secret of the form', () => {
    const cleared = withoutSecrets(form({ accountKey: 'k', sasToken: 's' }));
    expect([cleared.password, cleared.confirmPassword, cleared.accountKey, cleared.sasToken]).toEqual(['', '', '', '']);
    expect(cleared.name).toBe('primary');
  });
});
