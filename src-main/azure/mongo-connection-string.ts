import type { ArmClients } from './arm-clients.ts';
import { parseResourceId } from './cosmos-account-facts.ts';
import { AppError } from '../shared/errors.ts';

/**
 * The MongoDB connection string of a Cosmos DB for MongoDB (RU) account, from ARM's
 * `listConnectionStrings` (it needs `Microsoft.DocumentDB/databaseAccounts/listConnectionStrings/action`,
 * which the Cosmos DB Operator role lacks and Account Contributor has). It carries the account key:
 * the caller uses it for one job, in memory, and never stores, logs or shows it.
 */
export async function mongoAccountConnectionString(arm: ArmClients, resourceId: string, signal?: AbortSignal): Promise<string> {
  const id = parseResourceId(resourceId);
  const result = await arm.cosmos(id.subscriptionId).databaseAccounts.listConnectionStrings(id.resourceGroup, id.name, { abortSignal: signal });
  const candidates = (result.connectionStrings ?? []).filter((item) => typeof item.connectionString === 'string' && /^mongodb(\+srv)?:\/\//i.test(item.connectionString));
  // The read-write primary first; read-only keys cannot be used to restore, but a backup only reads.
  const chosen = candidates.find((item) => /primary/i.test(item.description ?? '') && !/read-?only/i.test(item.description ?? '')) ?? candidates[0];
  if (!chosen?.connectionString) throw new AppError('unavailable', `ARM returned no MongoDB connection string for ${id.name}; is it a Cosmos DB for MongoDB account?`);
  return chosen.connectionString;
}
