import { Readable } from 'node:stream';
import type { TokenCredential } from '@azure/core-auth';
import { createRequire } from 'node:module';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type * as BlobSdk from '@azure/storage-blob';

/**
 * The Blob SDK, loaded when the first blob storage is built: importing it costs about half a
 * second, which every CLI command would pay otherwise, local repositories included.
 */
let blobSdk: typeof BlobSdk | undefined;

/** Hands over an already loaded Blob SDK (a self-contained bundle has no node_modules to require it from). */
export function useBlobSdk(sdk: typeof BlobSdk): void {
  blobSdk = sdk;
}

function loadBlobSdk(): typeof BlobSdk {
  blobSdk ??= createRequire(import.meta.url)('@azure/storage-blob') as typeof BlobSdk;
  return blobSdk;
}
import type { AccessTier, GetOptions, PutOptions, RepositoryStorage, StoredFileInfo } from './storage.ts';
import { StorageError, assertValidName } from './storage.ts';

/**
 * How to authenticate to Azure Blob storage. The secret is only handed to the SDK; it never
 * appears in `description`, logs or errors.
 */
export type AzureBlobCredentials =
  | { kind: 'sharedKey'; accountName: string; accountKey: string }
  | { kind: 'sas'; sasToken: string }
  | { kind: 'token'; credential: TokenCredential }
  | { kind: 'anonymous' };

export interface AzureBlobStorageOptions {
  /** e.g. `https://account.blob.core.windows.net` or `http://127.0.0.1:10000/devstoreaccount1`. */
  blobEndpoint: string;
  container: string;
  /** Name prefix inside the container (no leading or trailing `/`); empty for the container root. */
  prefix?: string;
  credentials: AzureBlobCredentials;
  /** Parallel block uploads per file (default 4). */
  uploadConcurrency?: number;
  /** Per-request timeout (default 120 s); a timeout is a transient error. */
  requestTimeoutMs?: number;
}

/** Block size for staged uploads; files above SINGLE_SHOT_LIMIT are uploaded as blocks in parallel. */
const BLOCK_SIZE = 4 * 1024 * 1024;
const SINGLE_SHOT_LIMIT = 8 * 1024 * 1024;

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH',
  'ECONNABORTED', 'UND_ERR_SOCKET', 'REQUEST_SEND_ERROR', 'PARSE_ERROR',
]);

/** Maps any SDK or network error to a classified StorageError, without echoing request URLs (SAS). */
export function toAzureStorageError(name: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const err = error as { statusCode?: number; code?: string; name?: string; message?: string; details?: { errorCode?: string } };
  const status = err.statusCode;
  const code = err.details?.errorCode ?? err.code ?? '';
  const label = `${status ?? ''} ${code}`.trim();
  if (err.name === 'AbortError') return new StorageError('aborted', `Request for ${name} was canceled`, name);
  if (status === 404) return new StorageError('not_found', `${name} does not exist`, name);
  if (status === 409 && code === 'BlobAlreadyExists') return new StorageError('already_exists', `${name} already exists`, name);
  if (status === 412) return new StorageError('already_exists', `${name} already exists`, name);
  if (status === 409 && code === 'BlobArchived') return new StorageError('archived', `${name} is in the Archive tier; rehydrate it first`, name);
  if (status === 408 || status === 429 || (status !== undefined && status >= 500)) {
    return new StorageError('transient', `Azure Blob storage answered ${label} for ${name}`, name);
  }
  if (status === undefined && (TRANSIENT_NETWORK_CODES.has(code) || /timeout|socket hang up|network/i.test(err.message ?? ''))) {
    return new StorageError('transient', `Network error for ${name}: ${code || 'connection failed'}`, name);
  }
  return new StorageError('permanent', `Azure Blob storage refused ${name}: ${label || 'error'}`, name);
}

/**
 * A repository in an Azure Blob storage container (or Azurite). Files are block blobs under
 * `prefix/`; create-only puts use `If-None-Match: *`; files above 8 MiB are uploaded in 4 MiB
 * blocks in parallel and committed at once, so readers never see a partial file. The SDK's own
 * retries are off: RetryingStorage is the single retry layer.
 */
export class AzureBlobStorage implements RepositoryStorage {
  readonly description: string;
  readonly container: ContainerClient;
  private readonly prefix: string;
  private readonly options: AzureBlobStorageOptions;

  constructor(options: AzureBlobStorageOptions) {
    this.options = options;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    const endpoint = options.blobEndpoint.replace(/\/+$/, '');
    const pipelineOptions = { retryOptions: { maxTries: 1, tryTimeoutInMs: options.requestTimeoutMs ?? 120_000 } };
    const { credentials } = options;
    const { AnonymousCredential, BlobServiceClient, StorageSharedKeyCredential } = loadBlobSdk();
    let service: BlobServiceClient;
    if (credentials.kind === 'sharedKey') {
      service = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(credentials.accountName, credentials.accountKey), pipelineOptions);
    } else if (credentials.kind === 'sas') {
      service = new BlobServiceClient(`${endpoint}?${credentials.sasToken.replace(/^\?/, '')}`, new AnonymousCredential(), pipelineOptions);
    } else if (credentials.kind === 'token') {
      service = new BlobServiceClient(endpoint, credentials.credential, pipelineOptions);
    } else {
      service = new BlobServiceClient(endpoint, new AnonymousCredential(), pipelineOptions);
    }
    this.container = service.getContainerClient(options.container);
    this.description = `Azure Blob ${endpoint}/${options.container}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  /** Creates the container when it does not exist (init needs it; reads do not). */
  async prepare(signal?: AbortSignal): Promise<void> {
    try {
      await this.container.createIfNotExists({ abortSignal: signal });
    } catch (error) {
      throw toAzureStorageError(this.options.container, error);
    }
  }

  async put(name: string, data: Uint8Array, options?: PutOptions): Promise<void> {
    assertValidName(name);
    await this.call(name, () =>
      this.blob(name).uploadData(data, {
        abortSignal: options?.signal,
        conditions: options?.overwrite ? undefined : { ifNoneMatch: '*' },
        tier: options?.tier,
        blockSize: BLOCK_SIZE,
        maxSingleShotSize: SINGLE_SHOT_LIMIT,
        concurrency: this.options.uploadConcurrency ?? 4,
      }),
    );
  }

  async get(name: string, options?: GetOptions): Promise<Buffer> {
    assertValidName(name);
    if (options?.length === 0) return Buffer.alloc(0);
    return this.call(name, async () => {
      const response = await this.blob(name).download(options?.offset ?? 0, options?.length, { abortSignal: options?.signal });
      const body = response.readableStreamBody;
      if (!body) return Buffer.alloc(0);
      const parts: Buffer[] = [];
      for await (const part of body as AsyncIterable<Buffer>) parts.push(part);
      const bytes = Buffer.concat(parts);
      // A connection dropped mid-body can end the stream early without an error: treat as transient.
      if (response.contentLength !== undefined && bytes.length !== response.contentLength) {
        throw new StorageError('transient', `Download of ${name} ended after ${bytes.length} of ${response.contentLength} bytes`, name);
      }
      return bytes;
    });
  }

  async getStream(name: string, options?: GetOptions): Promise<Readable> {
    assertValidName(name);
    return this.call(name, async () => {
      const response = await this.blob(name).download(options?.offset ?? 0, options?.length, { abortSignal: options?.signal });
      const body = response.readableStreamBody;
      return body ? Readable.from(body as AsyncIterable<Buffer>) : Readable.from([]);
    });
  }

  async stat(name: string, signal?: AbortSignal): Promise<StoredFileInfo | undefined> {
    assertValidName(name);
    try {
      const properties = await this.blob(name).getProperties({ abortSignal: signal });
      return {
        name,
        size: properties.contentLength ?? 0,
        lastModified: properties.lastModified ?? new Date(0),
        tier: properties.accessTier as AccessTier | undefined,
        archiveStatus: properties.archiveStatus,
      };
    } catch (error) {
      const mapped = toAzureStorageError(name, error);
      if (mapped.kind === 'not_found') return undefined;
      throw mapped;
    }
  }

  async *list(prefix: string, signal?: AbortSignal): AsyncIterable<StoredFileInfo> {
    const base = this.prefix ? `${this.prefix}/` : '';
    try {
      for await (const item of this.container.listBlobsFlat({ prefix: base + prefix, abortSignal: signal })) {
        yield {
          name: item.name.slice(base.length),
          size: item.properties.contentLength ?? 0,
          lastModified: item.properties.lastModified,
          tier: item.properties.accessTier as AccessTier | undefined,
          archiveStatus: item.properties.archiveStatus,
        };
      }
    } catch (error) {
      throw toAzureStorageError(prefix, error);
    }
  }

  async delete(name: string, signal?: AbortSignal): Promise<boolean> {
    assertValidName(name);
    const response = await this.call(name, () => this.blob(name).deleteIfExists({ abortSignal: signal }));
    return response.succeeded;
  }

  async setTier(name: string, tier: AccessTier, options?: { priority?: 'Standard' | 'High'; signal?: AbortSignal }): Promise<void> {
    assertValidName(name);
    await this.call(name, () => this.blob(name).setAccessTier(tier, { rehydratePriority: options?.priority, abortSignal: options?.signal }));
  }

  private blob(name: string) {
    return this.container.getBlockBlobClient(this.prefix ? `${this.prefix}/${name}` : name);
  }

  private async call<T>(name: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw toAzureStorageError(name, error);
    }
  }
}
