import { z } from 'zod';
import type { AzureCredentialsInput } from '../../repository/index.ts';
import { AppError } from '../../shared/errors.ts';
import type { RepositoryRecord } from '../config-db/repositories-store.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { locationKind, type RepositoryAccess } from './repository-access.ts';
import { repoCheck, repoRescan, startRepositoryOperation, uniqueRepositoryName, type RepositoryOperationDeps, type StartedOperation } from './repository-operations.ts';

/** Secret-store refs of a catalogued repository's password and storage credential. */
export const rememberedPasswordRef = (repositoryId: string) => `repository-password:${repositoryId}`;
const storageCredentialRef = (repositoryId: string) => `repository-storage:${repositoryId}`;

const storedCredentialSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sharedKey'), accountKey: z.string() }),
  z.object({ kind: z.literal('sas'), sasToken: z.string() }),
]);

/** What the console sends to add a repository. Secrets go to the secret store, never the DB. */
export interface AddRepositoryInput {
  name: string;
  location: string;
  password?: string;
  /** Create a new repository there instead of connecting to an existing one. */
  create: boolean;
  encryption: 'aes-256-gcm' | 'none';
  isArchive: boolean;
  storageCredential?: { kind: 'sharedKey'; accountKey: string } | { kind: 'sas'; sasToken: string };
}

/** Secrets a caller brings for one operation; they win over remembered ones and are never stored here. */
export interface SuppliedRepositorySecrets {
  password?: string;
  credentials?: AzureCredentialsInput;
}

/** A repository named by a caller, resolved: its catalog record (when catalogued) and how to open it. */
export interface ResolvedRepository {
  record: RepositoryRecord | undefined;
  access: RepositoryAccess;
}

export interface RepositoryCatalogDeps extends RepositoryOperationDeps {
  readonly secrets: SecretStore;
}

/**
 * The catalogued repositories: how a name, id or location becomes something to open (with the
 * secrets remembered for it), and the operations the console starts on them. Adding one is a
 * connection test: the repository is opened (or created) in a session first, and only a
 * successful test puts it in the catalog and its secrets in the secret store.
 */
export class RepositoryCatalog {
  private readonly deps: RepositoryCatalogDeps;

  constructor(deps: RepositoryCatalogDeps) {
    this.deps = deps;
  }

  async list(): Promise<(RepositoryRecord & { passwordRemembered: boolean })[]> {
    const records = this.deps.repositories.list();
    return Promise.all(records.map(async (r) => ({ ...r, passwordRemembered: await this.hasRememberedPassword(r.id) })));
  }

  /** Each repository's daily size figures, oldest first (the dashboard's size-over-time chart). */
  sizeHistory() {
    return this.deps.repositories.sizeHistory();
  }

  /** The catalogued repository a caller means by `ref`: its id, its name, or its location. */
  find(ref: string): RepositoryRecord | undefined {
    const { repositories } = this.deps;
    return repositories.get(ref) ?? repositories.list().find((r) => r.name === ref) ?? repositories.findByLocation(ref);
  }

  /** Like `find`, but a repository the catalog does not know is an error that says so. */
  require(ref: string): RepositoryRecord {
    const record = this.find(ref);
    if (!record) throw new AppError('not_found', `No catalogued repository is called or located at "${ref}" (see \`cosmos-backup repo list\`; \`repo rescan --repo LOCATION\` adds one).`, { field: 'repository' });
    return record;
  }

  async hasRememberedPassword(repositoryId: string): Promise<boolean> {
    return (await this.deps.secrets.get(rememberedPasswordRef(repositoryId))) !== undefined;
  }

  /**
   * Resolves a repository a caller names (a catalogued id or name, or a location) into what opens
   * it: supplied secrets first, then the ones remembered for a catalogued repository. An encrypted
   * catalogued repository without any password is refused here, before a session starts.
   */
  async resolve(ref: string, supplied: SuppliedRepositorySecrets = {}): Promise<ResolvedRepository> {
    const record = this.find(ref);
    if (!record) return { record, access: { location: ref, password: supplied.password, credentials: supplied.credentials } };
    const password = supplied.password ?? (await this.deps.secrets.get(rememberedPasswordRef(record.id)));
    if (record.encrypted && password === undefined) {
      throw new AppError('unauthorized', `The password of repository "${record.name}" is not remembered: give it for this operation, or add the repository again with its password remembered.`, { field: 'password' });
    }
    const credentials = supplied.credentials ?? (await this.rememberedCredentials(record.id));
    if (record.kind === 'azure-blob' && !credentials) {
      throw new AppError('unauthorized', `Repository "${record.name}" is in Azure Blob storage and no storage credential is remembered for it: set AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN, or add it again with a key or SAS token.`);
    }
    return { record, access: { location: record.location, password, credentials } };
  }

  /** The access of a catalogued repository from its remembered secrets. */
  async accessFor(repositoryId: string): Promise<RepositoryAccess> {
    return (await this.resolve(this.require(repositoryId).id)).access;
  }

  /**
   * The catalog record of a repository the app just wrote to, added under a name derived from
   * its location when the catalog did not know it yet (so a CLI backup shows in the console).
   */
  ensureCatalogued(location: string, encrypted: boolean, name?: string): RepositoryRecord {
    const existing = this.deps.repositories.findByLocation(location);
    if (existing) return existing;
    return this.deps.repositories.add({ name: name ?? uniqueRepositoryName(this.deps.repositories, location), location, kind: locationKind(location), encrypted }, this.deps.clock.now().toISOString());
  }

  async rememberPassword(repositoryId: string, password: string): Promise<void> {
    await this.deps.secrets.set(rememberedPasswordRef(repositoryId), password);
  }

  add(input: AddRepositoryInput): StartedOperation<RepositoryRecord> {
    const { repositories, secrets, clock } = this.deps;
    if (repositories.list().some((r) => r.name === input.name)) throw new AppError('conflict', `A repository named "${input.name}" already exists.`, { field: 'name' });
    if (repositories.findByLocation(input.location)) throw new AppError('conflict', `${input.location} is already in the catalog.`, { field: 'location' });
    if (input.encryption !== 'none' && !input.password) throw new AppError('validation_failed', 'A password is required for an encrypted repository.', { field: 'password' });
    const kind = locationKind(input.location);
    if (kind === 'azure-blob' && !input.storageCredential) throw new AppError('validation_failed', 'A blob repository needs an account key or a SAS token.', { field: 'storageCredential' });
    const access: RepositoryAccess = { location: input.location, password: input.password, credentials: input.storageCredential as AzureCredentialsInput | undefined };
    return startRepositoryOperation(
      this.deps,
      `${input.create ? 'Create' : 'Connect'} repository "${input.name}"`,
      access,
      async (repository, ctx) => {
        const info = await repository.info({ signal: ctx.signal });
        const record = repositories.add({ name: input.name, location: input.location, kind, isArchive: input.isArchive, encrypted: info.encryption !== 'none' }, clock.now().toISOString());
        if (input.password) await secrets.set(rememberedPasswordRef(record.id), input.password);
        if (input.storageCredential) await secrets.set(storageCredentialRef(record.id), JSON.stringify(input.storageCredential));
        repositories.recordStats(record.id, info.storedBytes, info.restorePointCount, clock.now());
        ctx.info(`Connection test passed: repository ${info.repositoryId}, ${info.restorePointCount} restore points, encryption ${info.encryption}.`);
        return record;
      },
      input.create ? { create: { encryption: input.encryption } } : {},
    );
  }

  async startCheck(repositoryId: string, readData: boolean) {
    return repoCheck(this.deps, await this.accessFor(repositoryId), readData).session;
  }

  async startRescan(repositoryId: string) {
    return repoRescan(this.deps, await this.accessFor(repositoryId)).session;
  }

  private async rememberedCredentials(repositoryId: string): Promise<AzureCredentialsInput | undefined> {
    const stored = await this.deps.secrets.get(storageCredentialRef(repositoryId));
    return stored ? storedCredentialSchema.parse(JSON.parse(stored)) : undefined;
  }
}
