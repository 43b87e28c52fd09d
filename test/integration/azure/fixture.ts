import { ArmClients } from '../../../src-main/azure/arm-clients.ts';
import { actionFor } from '../../../src-main/azure/role-definition.ts';
import { customCloud, type CloudProfile } from '../../../src-main/azure/cloud-profiles.ts';
import { createServicePrincipalCredential } from '../../../src-main/azure/service-principal-credential.ts';
import type { ArmConnector, AzureConnection } from '../../../src-main/azure/sign-in/azure-connector.ts';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { MemorySecretStore } from '../../../src-main/core/secrets/secret-store.ts';
import type { PolicyInput } from '../../../src-main/shared/policy.ts';
import type { LogLine, Session } from '../../../src-main/shared/session.ts';
import { startAzureEmulator, type AzureEmulator, type AzureEmulatorOptions } from '../../azure-emulator/index.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

export const SCENARIO = new URL('../../azure-emulator/scenarios/default.json', import.meta.url).pathname;
export const SUB = '00000000-1111-4222-8333-444444444444';
export const DEV_SUB = '00000000-1111-4222-8333-555555555555';
export const accountId = (rg: string, name: string, sub = SUB) => `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.DocumentDB/databaseAccounts/${name}`;

/** Short LROs, no Retry-After waits: the app's own poll interval paces polling. */
export const FAST: AzureEmulatorOptions = {
  scenario: SCENARIO,
  retryAfterSeconds: 0,
  throttling: false,
  durations: { accountCreate: 150, accountUpdate: 150, accountDelete: 100, accountRestore: 200, backupMigration: 500, childResource: 100, backupInformation: 50, cluster: 150, compute: 100, vmCreate: 100, vmStart: 100, network: 50, runCommand: 100 },
};

/**
 * The emulator as a Custom cloud profile, built from the settings it prints (ARM endpoint,
 * authority host, CA file); ARM's token audience is the public one, as the emulator expects.
 */
export function emulatorProfile(emulator: AzureEmulator): CloudProfile {
  return customCloud({ name: 'emulator', armEndpoint: emulator.armEndpoint, authorityHost: emulator.authorityHost, caCertFile: emulator.caCertFile, armAudience: 'https://management.azure.com' });
}

/** Signs the CLI in to the emulator as its service principal (a custom cloud named `emulator`), as an admin would once. */
export async function cliSignInToEmulator(emulator: AzureEmulator, dataDir: string): Promise<void> {
  const { runCli } = await import('../../helpers/cli.ts');
  const login = await runCli(
    ['--data-dir', dataDir, 'azure', '--cloud-profile', 'emulator', 'login', '--tenant-id', emulator.tenantId, '--client-id', emulator.clientId, '--arm-endpoint', emulator.armEndpoint, '--authority-host', emulator.authorityHost, '--ca-file', emulator.caCertFile, '--arm-audience', 'https://management.azure.com'],
    { env: { AZURE_CLIENT_SECRET: emulator.clientSecret } },
  );
  if (login.code !== 0) throw new Error(`azure login failed: ${login.stderr}`);
}

/** A connector that signs in to the emulator with real msal-node (client credentials). */
export function emulatorConnector(emulator: AzureEmulator, login: { clientId: string; clientSecret: string } = emulator): ArmConnector & { connection: AzureConnection } {
  const profile = emulatorProfile(emulator);
  const credential = createServicePrincipalCredential(profile, { tenantId: emulator.tenantId, clientId: login.clientId, clientSecret: login.clientSecret });
  const connection: AzureConnection = { profile, tenantId: emulator.tenantId, clientId: login.clientId, source: 'environment', signInId: null, arm: new ArmClients(profile, credential, { pollIntervalMs: 25 }) };
  return { connection, connect: async () => connection };
}

export interface AzureTestEnv {
  emulator: AzureEmulator;
  core: AppCore;
  connector: ArmConnector & { connection: AzureConnection };
  close(): Promise<void>;
}

/** An emulator and a core wired to it (fresh data folder, secrets in memory). */
export async function startAzureTestEnv(options: AzureEmulatorOptions = {}): Promise<AzureTestEnv> {
  const emulator = await startAzureEmulator({ ...FAST, ...options });
  const dir = makeTempDir('cosmos-backup-azure-');
  const connector = emulatorConnector(emulator);
  const core = AppCore.open({
    dataDir: dir.path,
    secrets: new MemorySecretStore(),
    azureConnector: connector,
    azureTuning: { migrationPollMs: 50, migrationTimeoutMs: 30_000, restoreMarginMs: 60_000 },
  });
  return {
    emulator,
    core,
    connector,
    close: async () => {
      await core.close();
      await emulator.stop();
      dir.remove();
    },
  };
}

/** A policy with continuous backup over `scope` (everything by default). */
export function continuousPolicy(name: string, tier: 'Continuous7Days' | 'Continuous30Days', extra: Partial<PolicyInput> & { migrate?: boolean } = {}): PolicyInput {
  const { migrate, ...rest } = extra;
  return { name, scope: { include: { all: true } }, continuousBackup: { enabled: true, tier, migratePeriodicAccounts: migrate ?? false }, ...rest } as PolicyInput;
}

/** Waits for a session and returns it with its whole log. */
export async function finished(core: AppCore, session: Session): Promise<{ session: Session; log: LogLine[]; text: string }> {
  const final = await core.sessions.waitFor(session.id);
  const { lines } = core.sessions.logs(session.id, 0, 100_000, 'debug');
  return { session: final, log: lines, text: lines.map((l) => `${l.level} ${l.message}`).join('\n') };
}

/** The emulated account (live) by name. */
export function emulated(emulator: AzureEmulator, name: string) {
  return emulator.state.accounts.find((a) => a.name === name);
}

/**
 * Every ARM call the app made (the emulator's call log) needs an action of the custom role:
 * the role is derived from the calls, and this keeps the two in step. Test-only setup calls
 * (deleting an account to restore it) are passed in `ignore`.
 */
export function unlistedCalls(emulator: AzureEmulator, ignore: RegExp[] = []): string[] {
  return emulator.callLog.entries
    .filter((e) => /^\/(subscriptions|providers)(\/|$)/i.test(e.path))
    .filter((e) => !ignore.some((re) => re.test(`${e.method} ${e.path}`)))
    .filter((e) => actionFor(e.method, e.path) === null)
    .map((e) => `${e.method} ${e.path}`);
}
