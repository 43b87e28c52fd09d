import { CosmosDBManagementClient } from '@azure/arm-cosmosdb';
import type { TokenCredential } from '@azure/core-auth';
import { armClientOptions, createEmulatorCredential } from '../../azure-emulator/client-helpers.ts';
import { startAzureEmulator } from '../../azure-emulator/index.ts';
import type { AzureEmulator, AzureEmulatorOptions } from '../../azure-emulator/index.ts';

export const SCENARIO = new URL('../../azure-emulator/scenarios/default.json', import.meta.url).pathname;
export const SUB = '00000000-1111-4222-8333-444444444444';
export const DEV_SUB = '00000000-1111-4222-8333-555555555555';
export const READER = { clientId: '99999999-2222-4333-8444-555555555555', clientSecret: 'reader-secret-value' };

/** Fast settings for tests: no Retry-After waits, short operations. */
export const FAST: AzureEmulatorOptions = {
  scenario: SCENARIO,
  retryAfterSeconds: 0,
  durations: { accountCreate: 150, accountUpdate: 150, accountDelete: 100, accountRestore: 200, backupMigration: 600, childResource: 100, backupInformation: 50, cluster: 150, compute: 100, vmCreate: 100, vmStart: 100, network: 50, runCommand: 100 },
};

/** Poll interval for SDK pollers when Retry-After is 0. */
export const POLL = { updateIntervalInMs: 25 };

export function credentialFor(emulator: AzureEmulator, login: { clientId: string; clientSecret: string } = emulator): TokenCredential {
  return createEmulatorCredential({
    authorityHost: emulator.authorityHost,
    tenantId: emulator.tenantId,
    clientId: login.clientId,
    clientSecret: login.clientSecret,
    caCertPem: emulator.caCertPem,
  });
}

export function cosmosClient(emulator: AzureEmulator, subscriptionId = SUB, credential = credentialFor(emulator)): CosmosDBManagementClient {
  return new CosmosDBManagementClient(credential, subscriptionId, armClientOptions(emulator));
}

export { startAzureEmulator };
export type { AzureEmulator };

/** Collects an async iterable. */
export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
