import { parseRepositoryLocation, type AzureCredentialsInput } from '../../repository/index.ts';
import { AppError } from '../../shared/errors.ts';

/** What opening a repository takes: where it is and the secrets, which never leave memory. */
export interface RepositoryAccess {
  location: string;
  password?: string;
  credentials?: AzureCredentialsInput;
}

/**
 * Storage credentials for a blob location, following the Azure SDK's environment conventions:
 * AZURE_STORAGE_KEY (shared key) or AZURE_STORAGE_SAS_TOKEN. Local folders need none.
 */
export function storageCredentialsFromEnvironment(location: string, env: NodeJS.ProcessEnv): AzureCredentialsInput | undefined {
  if (parseRepositoryLocation(location).kind === 'local') return undefined;
  if (env.AZURE_STORAGE_KEY) return { kind: 'sharedKey', accountKey: env.AZURE_STORAGE_KEY };
  if (env.AZURE_STORAGE_SAS_TOKEN) return { kind: 'sas', sasToken: env.AZURE_STORAGE_SAS_TOKEN.replace(/^\?/, '') };
  throw new AppError('unauthorized', 'A blob repository needs storage credentials: set AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN.');
}

/** The catalog kind of a location. */
export function locationKind(location: string): 'local' | 'azure-blob' {
  return parseRepositoryLocation(location).kind === 'local' ? 'local' : 'azure-blob';
}
