import { z } from 'zod';
import type { AzureCredentialsInput } from '../../repository/index.ts';
import { AppError } from '../../shared/errors.ts';
import type { AppCore } from '../app-core.ts';
import type { RepositoryRecord } from '../config-db/repositories-store.ts';
import { locationKind, type RepositoryAccess } from './repository-access.ts';
import { repoCheck, repoRescan, startRepositoryOperation, type StartedOperation } from './repository-operations.ts';

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

/**
 * The catalogued repositories and the operations the console starts on them. Adding one is a
 * connection test: the repository is opened (or created) in a session first, and only a
 * successful test puts it in the catalog and its secrets in the secret store.
 */
export class RepositoryCatalog {
  private readonly core: AppCore;

  constructor(core: AppCore) {
    this.core = core;
  }

  async list(): Promise<(RepositoryRecord & { passwordRemembered: boolean })[]> {
    const records = this.core.repositories.list();
    return Promise.all(records.map(async (r) => ({ ...r, passwordRemembered: (await this.core.secrets.get(rememberedPasswordRef(r.id))) !== undefined })));
  }

  add(input: AddRepositoryInput): StartedOperation<RepositoryRecord> {
    if (this.core.repositories.list().some((r) => r.name === input.name)) throw new AppError('conflict', `A repository named "${input.name}" already exists.`, { field: 'name' });
    if (this.core.repositories.findByLocation(input.location)) throw new AppError('conflict', `${input.location} is already in the catalog.`, { field: 'location' });
    if (input.encryption !== 'none' && !input.password) throw new AppError('validation_failed', 'A password is required for an encrypted repository.', { field: 'password' });
    const kind = locationKind(input.location);
    if (kind === 'azure-blob' && !input.storageCredential) throw new AppError('validation_failed', 'A blob repository needs an account key or a SAS token.', { field: 'storageCredential' });
    const access: RepositoryAccess = { location: input.location, password: input.password, credentials: input.storageCredential as AzureCredentialsInput | undefined };
    return startRepositoryOperation(
      this.core,
      `${input.create ? 'Create' : 'Connect'} repository "${input.name}"`,
      access,
      async (repository, ctx) => {
        const info = await repository.info({ signal: ctx.signal });
        const record = this.core.repositories.add({ name: input.name, location: input.location, kind, isArchive: input.isArchive, encrypted: info.encryption !== 'none' }, this.core.clock.now().toISOString());
        if (input.password) await this.core.secrets.set(rememberedPasswordRef(record.id), input.password);
        if (input.storageCredential) await this.core.secrets.set(storageCredentialRef(record.id), JSON.stringify(input.storageCredential));
        this.core.repositories.recordStats(record.id, info.storedBytes, info.restorePointCount);
        ctx.info(`Connection test passed: repository ${info.repositoryId}, ${info.restorePointCount} restore points, encryption ${info.encryption}.`);
        return record;
      },
      input.create ? { create: { encryption: input.encryption } } : {},
    );
  }

  /** The access of a catalogued repository from its remembered secrets. */
  async accessFor(repositoryId: string): Promise<RepositoryAccess> {
    const record = this.core.repositories.get(repositoryId);
    if (!record) throw new AppError('not_found', `No repository with id ${repositoryId}.`);
    const password = await this.core.secrets.get(rememberedPasswordRef(record.id));
    if (record.encrypted && password === undefined) {
      throw new AppError('unauthorized', `The password of repository "${record.name}" is not remembered. Run it from the CLI with the password, or add the repository again.`);
    }
    const stored = await this.core.secrets.get(storageCredentialRef(record.id));
    const credentials = stored ? storedCredentialSchema.parse(JSON.parse(stored)) : undefined;
    return { location: record.location, password, credentials };
  }

  async startCheck(repositoryId: string, readData: boolean) {
    return repoCheck(this.core, await this.accessFor(repositoryId), readData).session;
  }

  async startRescan(repositoryId: string) {
    return repoRescan(this.core, await this.accessFor(repositoryId)).session;
  }
}
