import { isAbsolute, resolve } from 'node:path';
import { RepositoryError } from './errors.ts';
import { Repository, wrapStorage } from './repository.ts';
import type { InitOptions, OpenOptions } from './repository.ts';
import { AzureBlobStorage } from './storage/azure-blob-storage.ts';
import type { AzureBlobCredentials } from './storage/azure-blob-storage.ts';
import { LocalFolderStorage } from './storage/local-storage.ts';
import type { RepositoryStorage } from './storage/storage.ts';

/** Where a repository lives, parsed from a location string. */
export type RepositoryLocation =
  | { kind: 'local'; path: string }
  | { kind: 'azure'; blobEndpoint: string; accountName: string; container: string; prefix: string };

/** Credentials for an Azure location, passed apart from the location string (never parsed from it). */
export type AzureCredentialsInput =
  | { kind: 'sharedKey'; accountKey: string }
  | { kind: 'sas'; sasToken: string }
  | Extract<AzureBlobCredentials, { kind: 'token' | 'anonymous' }>;

function isPathStyleHost(hostname: string): boolean {
  return hostname === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || hostname.startsWith('[');
}

/**
 * Parses a repository location:
 * - a local folder path (absolute or relative to the working directory);
 * - `https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]` (any blob host, sovereign clouds included);
 * - a path-style endpoint such as Azurite's `http://127.0.0.1:PORT/ACCOUNT/CONTAINER[/PREFIX]`.
 * Locations with a query string or user info are refused: secrets go in credentials, not locations.
 */
/**
 * Why a container name breaks Azure's naming rules (Azure answers only "OutOfRangeInput"), or null.
 * https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata
 */
export function containerNameProblem(name: string): string | null {
  if (name.length < 3 || name.length > 63) return `it has ${name.length} characters; a container name has 3 to 63`;
  if (/[^a-z0-9-]/.test(name)) return 'only lower-case letters, digits and hyphens are allowed';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'it must start and end with a letter or a digit';
  if (name.includes('--')) return 'two hyphens in a row are not allowed';
  return null;
}

export function parseRepositoryLocation(location: string): RepositoryLocation {
  if (!/^https?:\/\//i.test(location)) {
    if (!location.trim()) throw new RepositoryError('invalid_argument', 'The repository location is empty.');
    return { kind: 'local', path: isAbsolute(location) ? location : resolve(location) };
  }
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new RepositoryError('invalid_argument', 'The repository location is not a valid URL.');
  }
  if (url.search || url.username || url.password) {
    throw new RepositoryError('invalid_argument', 'The repository location must not contain a query string or credentials; pass the SAS token or key separately.');
  }
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let accountName: string;
  let endpointPath = '';
  if (isPathStyleHost(url.hostname)) {
    const account = segments.shift();
    if (!account) throw new RepositoryError('invalid_argument', 'A path-style blob location needs /ACCOUNT/CONTAINER after the host.');
    accountName = account;
    endpointPath = `/${account}`;
  } else {
    accountName = url.hostname.split('.')[0]!;
  }
  const container = segments.shift();
  if (!container) throw new RepositoryError('invalid_argument', 'The blob location needs a container name.');
  const rule = containerNameProblem(container);
  if (rule) throw new RepositoryError('invalid_argument', `"${container}" is not a valid Azure Blob container name: ${rule}.`);
  return { kind: 'azure', blobEndpoint: `${url.protocol}//${url.host}${endpointPath}`, accountName, container, prefix: segments.join('/') };
}

/** Builds the storage for a location; Azure locations need credentials. */
export function createStorage(location: string | RepositoryLocation, credentials?: AzureCredentialsInput): RepositoryStorage {
  const parsed = typeof location === 'string' ? parseRepositoryLocation(location) : location;
  if (parsed.kind === 'local') return new LocalFolderStorage(parsed.path);
  if (!credentials) throw new RepositoryError('invalid_argument', 'Credentials are required for an Azure Blob repository.');
  const azureCredentials: AzureBlobCredentials =
    credentials.kind === 'sharedKey' ? { kind: 'sharedKey', accountName: parsed.accountName, accountKey: credentials.accountKey } : credentials;
  return new AzureBlobStorage({ blobEndpoint: parsed.blobEndpoint, container: parsed.container, prefix: parsed.prefix, credentials: azureCredentials });
}

/** Opens the repository at a location string. */
export function openRepository(location: string, options: OpenOptions & { credentials?: AzureCredentialsInput }): Promise<Repository> {
  return Repository.open(createStorage(location, options.credentials), options);
}

/** Creates a repository at a location string (the Azure container is created when missing). */
export async function initRepository(location: string, options: InitOptions & { credentials?: AzureCredentialsInput }): Promise<Repository> {
  // Through the same retries as the repository's own requests: a dropped connection while the
  // container is created must not fail the init.
  const storage = wrapStorage(createStorage(location, options.credentials), options);
  await storage.prepare?.(options.signal);
  return Repository.init(storage, options);
}
