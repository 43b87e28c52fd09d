import type { AppCore } from '../app/app-core.ts';
import type { RepositoryInput } from '../core/jobs/worker-jobs.ts';
import { storageCredentialsFromEnvironment } from '../core/repositories/repository-access.ts';
import { parseRepositoryLocation } from '../repository/index.ts';
import type { CliIo } from './output.ts';
import { readSecret } from './secret-input.ts';

/** The `--repo` and `--password-file` options every repository command takes. */
export interface RepoOptions {
  repo: string;
  passwordFile?: string;
}

/**
 * What `--repo` names (a catalogued id or name, a local folder, or a blob URL) with the secrets the
 * command line brings: the password from `--password-file` or `$COSMOS_BACKUP_REPO_PASSWORD`, else
 * the one remembered for a catalogued repository, else a prompt on a terminal; storage credentials
 * from `AZURE_STORAGE_KEY` / `AZURE_STORAGE_SAS_TOKEN`, else the remembered ones.
 */
export async function repositoryInput(core: AppCore, io: CliIo, options: RepoOptions, settings: { needsPassword?: boolean; confirm?: boolean; envName?: string; prompt?: string } = {}): Promise<RepositoryInput> {
  const record = core.repositoryCatalog.find(options.repo);
  const location = record?.location ?? options.repo;
  const envName = settings.envName ?? 'COSMOS_BACKUP_REPO_PASSWORD';
  const explicit = Boolean(options.passwordFile || process.env[envName]);
  const needsPassword = settings.needsPassword ?? true;
  const usesRemembered = record !== undefined && !explicit && (!record.encrypted || (await core.repositoryCatalog.hasRememberedPassword(record.id)));
  const password =
    !needsPassword || usesRemembered
      ? undefined
      : await readSecret({ file: options.passwordFile, envName, env: process.env, prompt: settings.prompt ?? 'Repository password', confirm: settings.confirm, io });
  const fromEnvironment = Boolean(process.env.AZURE_STORAGE_KEY || process.env.AZURE_STORAGE_SAS_TOKEN);
  const isBlob = parseRepositoryLocation(location).kind !== 'local';
  // A catalogued blob repository may have its credential remembered; otherwise the environment must give one.
  const credentials = isBlob && (fromEnvironment || !record) ? storageCredentialsFromEnvironment(location, process.env) : undefined;
  return { ref: record?.id ?? options.repo, ...(password !== undefined ? { password } : {}), ...(credentials ? { credentials } : {}) };
}
