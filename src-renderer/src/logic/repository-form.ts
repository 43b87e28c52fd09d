import type { ChannelInput } from '../../../src-main/shared/contract.ts';

/**
 * The "Add repository" form: where a location points, field-level validation, and the
 * `repositories.add` request built from the form. Pure functions; the view holds the values
 * (secrets included) only until it submits them.
 */

export type Encryption = 'aes-256-gcm' | 'none';
export type CredentialKind = 'sharedKey' | 'sas';

export interface RepositoryFormValues {
  name: string;
  location: string;
  /** Connect to a repository that exists, or create a new one at the location. */
  mode: 'connect' | 'create';
  /** Only for `create`; a repository's encryption is fixed when it is created. */
  encryption: Encryption;
  password: string;
  confirmPassword: string;
  isArchive: boolean;
  /** Only for blob locations. */
  credentialKind: CredentialKind;
  accountKey: string;
  sasToken: string;
}

export type RepositoryField = keyof RepositoryFormValues;
export type FieldErrors = Partial<Record<RepositoryField, string>>;

export function emptyRepositoryForm(): RepositoryFormValues {
  return {
    name: '',
    location: '',
    mode: 'create',
    encryption: 'aes-256-gcm',
    password: '',
    confirmPassword: '',
    isArchive: false,
    credentialKind: 'sharedKey',
    accountKey: '',
    sasToken: '',
  };
}

/** What a location string designates, or why it cannot be used. */
export type LocationInfo =
  | { kind: 'empty' }
  | { kind: 'local'; path: string }
  | { kind: 'azure-blob'; account: string; container: string; prefix: string }
  | { kind: 'invalid'; message: string };

/** Minimum length of a new repository's password. */
export const MIN_NEW_PASSWORD = 8;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const CONTAINER_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;

/** An absolute folder path: POSIX (`/…`), Windows drive (`C:\…`) or UNC (`\\server\share`). */
function isAbsolutePath(value: string): boolean {
  return value.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(value) || value.startsWith('\\\\');
}

/**
 * Reads a repository location as the core will: a local folder, or an Azure Blob container URL
 * `https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX` (path-style `http://127.0.0.1:PORT/ACCOUNT/CONTAINER`
 * for a local storage emulator). The console asks for absolute folders: a relative one would be
 * resolved against wherever the service happens to run.
 */
export function describeLocation(raw: string): LocationInfo {
  const location = raw.trim();
  if (!location) return { kind: 'empty' };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    if (!isAbsolutePath(location)) return { kind: 'invalid', message: 'Enter an absolute folder path (such as /srv/backups/cosmos) or a blob container URL.' };
    return { kind: 'local', path: location };
  }
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return { kind: 'invalid', message: 'This is not a valid URL.' };
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return { kind: 'invalid', message: 'A blob location must start with https:// (plain http only for a local storage emulator).' };
  }
  if (url.search || url.username || url.password) {
    return { kind: 'invalid', message: 'Remove the query string or credentials from the URL; enter the SAS token or account key in its own field.' };
  }
  const segments = url.pathname.split('/').filter(Boolean);
  const pathStyle = loopback || /^\d+\.\d+\.\d+\.\d+$/.test(url.hostname);
  const account = pathStyle ? segments.shift() : url.hostname.split('.')[0];
  if (!account) return { kind: 'invalid', message: 'An emulator URL needs /ACCOUNT/CONTAINER after the host.' };
  const container = segments.shift();
  if (!container) return { kind: 'invalid', message: 'Add the container name: https://ACCOUNT.blob.core.windows.net/CONTAINER.' };
  if (!CONTAINER_NAME.test(container)) {
    return { kind: 'invalid', message: `"${container}" is not a valid container name (3–63 lowercase letters, digits and single hyphens).` };
  }
  return { kind: 'azure-blob', account, container, prefix: segments.join('/') };
}

/** What the catalog already holds, to refuse duplicates before a round trip. */
export interface KnownRepository {
  name: string;
  location: string;
}

const sameLocation = (a: string, b: string) => a.trim().replace(/[\\/]+$/, '') === b.trim().replace(/[\\/]+$/, '');

/** Field-level problems of the form; empty when it can be submitted. */
export function validateRepositoryForm(values: RepositoryFormValues, known: readonly KnownRepository[] = []): FieldErrors {
  const errors: FieldErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Enter a name.';
  else if (name.length > 100) errors.name = 'Use at most 100 characters.';
  else if (known.some((r) => r.name === name)) errors.name = `A repository named "${name}" already exists.`;

  const location = describeLocation(values.location);
  if (location.kind === 'empty') errors.location = 'Enter a folder path or a blob container URL.';
  else if (location.kind === 'invalid') errors.location = location.message;
  else if (values.location.trim().length > 2000) errors.location = 'Use at most 2000 characters.';
  else if (known.some((r) => sameLocation(r.location, values.location))) errors.location = 'This location is already in the catalog.';

  const encrypted = values.mode === 'connect' || values.encryption !== 'none';
  if (values.mode === 'create' && encrypted) {
    if (!values.password) errors.password = 'Enter a password: it protects the repository\'s key.';
    else if (values.password.length < MIN_NEW_PASSWORD) errors.password = `Use at least ${MIN_NEW_PASSWORD} characters.`;
    else if (values.password.length > 1024) errors.password = 'Use at most 1024 characters.';
    if (!errors.password && values.confirmPassword !== values.password) errors.confirmPassword = 'The passwords do not match.';
  } else if (values.mode === 'connect' && values.password.length > 1024) {
    errors.password = 'Use at most 1024 characters.';
  }

  if (location.kind === 'azure-blob') {
    if (values.credentialKind === 'sharedKey' && !values.accountKey.trim()) errors.accountKey = 'Enter the storage account key.';
    if (values.credentialKind === 'sas' && !values.sasToken.trim().replace(/^\?/, '')) errors.sasToken = 'Enter a SAS token.';
  }
  return errors;
}

export function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

/**
 * The request for a valid form. Connecting without a password means "the repository is not
 * encrypted" (the core wants either a password or encryption `none`).
 */
export function buildAddRepositoryInput(values: RepositoryFormValues): ChannelInput<'repositories.add'> {
  const create = values.mode === 'create';
  const encryption: Encryption = create ? values.encryption : values.password ? 'aes-256-gcm' : 'none';
  const location = values.location.trim();
  const input: ChannelInput<'repositories.add'> = { name: values.name.trim(), location, create, encryption, isArchive: values.isArchive };
  if (encryption !== 'none' && values.password) input.password = values.password;
  if (describeLocation(location).kind === 'azure-blob') {
    input.storageCredential =
      values.credentialKind === 'sharedKey'
        ? { kind: 'sharedKey', accountKey: values.accountKey.trim() }
        : { kind: 'sas', sasToken: values.sasToken.trim().replace(/^\?/, '') };
  }
  return input;
}

/** The form with every secret emptied (after a submit, so none lingers in memory longer than needed). */
export function withoutSecrets(values: RepositoryFormValues): RepositoryFormValues {
  return { ...values, password: '', confirmPassword: '', accountKey: '', sasToken: '' };
}
