import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureEmulator, type AzureEmulator } from '../../azure-emulator/index.ts';
import { runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { accountId, continuousPolicy, FAST, SUB } from './fixture.ts';

describe('cosmos-backup azure … against the emulator (child process, real msal-node)', () => {
  let emulator: AzureEmulator;
  const dir = makeTempDir('cosmos-backup-azure-cli-');
  const base = () => ['--data-dir', dir.path];
  beforeAll(async () => {
    emulator = await startAzureEmulator(FAST);
  });
  afterAll(async () => {
    await emulator?.stop();
    dir.remove();
  });

  it('signs in (secret from the environment, never stored in clear), syncs, lists accounts and restore points', async () => {
    const login = await runCli(
      [...base(), '--json', 'azure', '--cloud-profile', 'emulator', 'login', '--tenant-id', emulator.tenantId, '--client-id', emulator.clientId, '--arm-endpoint', emulator.armEndpoint, '--authority-host', emulator.authorityHost, '--ca-file', emulator.caCertFile, '--arm-audience', 'https://management.azure.com'],
      { env: { AZURE_CLIENT_SECRET: emulator.clientSecret } },
    );
    expect(login.code, login.stderr + login.stdout).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ cloudProfile: 'emulator', tenantId: emulator.tenantId, kind: 'service-principal-secret' });
    // The secret is in neither the config DB nor the output.
    expect(readFileSync(join(dir.path, 'config.db')).includes(Buffer.from(emulator.clientSecret))).toBe(false);
    expect(login.stdout + login.stderr).not.toContain(emulator.clientSecret);

    // The environment check trusts the profile's own CA, as the sign-in does.
    const check = await runCli([...base(), 'check']);
    expect(check.stderr).toMatch(/Azure \(emulator\): reachable \(HTTP \d+/);
    expect(check.stderr).not.toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);

    const policyFile = join(dir.path, 'policy.json');
    writeFileSync(policyFile, JSON.stringify(continuousPolicy('prod', 'Continuous30Days', { scope: { include: { subscriptions: [SUB] } } })));
    expect((await runCli([...base(), 'policy', 'import', policyFile])).code).toBe(0);

    const sync = await runCli([...base(), '--json', 'azure', '--cloud-profile', 'emulator', 'sync']);
    expect(sync.code, sync.stderr + sync.stdout).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ kind: 'sync', status: 'succeeded' });

    const accounts = await runCli([...base(), 'azure', 'accounts', '--deleted']);
    expect(accounts.stdout).toMatch(/orders-sql\s+cosmosdb-account\s+Sql\s+West US\s+Continuous7Days\s+live/);
    expect(accounts.stdout).toMatch(/retired-sql .* deleted/);
    expect(accounts.stdout).toMatch(/billing-pg\s+postgres-cluster/);

    const points = await runCli([...base(), '--json', 'restore-points', '--resource', accountId('rg-prod', 'orders-sql')]);
    expect(points.code).toBe(0);
    expect(JSON.parse(points.stdout)[0]).toMatchObject({ kind: 'continuous', metadata: { accountName: 'orders-sql', databases: [{ name: 'orders', children: ['items', 'customers'] }] } });

    const configure = await runCli([...base(), 'azure', '--cloud-profile', 'emulator', 'configure', '--policy', 'prod', '--no-sync']);
    expect(configure.code, configure.stderr).toBe(0);
    expect(configure.stderr).toContain('orders-sql: continuous backup tier changed: before Continuous7Days; after Continuous30Days.');

    const logout = await runCli([...base(), 'azure', '--cloud-profile', 'emulator', 'logout']);
    expect(logout.stdout).toContain('1 sign-in(s) removed');
    const after = await runCli([...base(), 'azure', '--cloud-profile', 'emulator', 'sync']);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/Not signed in to Azure/);
  });

  it('runs headless from AZURE_* and COSMOS_BACKUP_* variables, and explains a wrong secret', async () => {
    const env = {
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_ID: emulator.clientId,
      AZURE_CLIENT_SECRET: 'not-the-secret',
      COSMOS_BACKUP_ARM_ENDPOINT: emulator.armEndpoint,
      COSMOS_BACKUP_AUTHORITY_HOST: emulator.authorityHost,
      COSMOS_BACKUP_CA_FILE: emulator.caCertFile,
      COSMOS_BACKUP_ARM_AUDIENCE: 'https://management.azure.com',
    };
    const wrong = await runCli([...base(), 'azure', 'sync'], { env });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/client secret of application .* is not valid/);
    expect(wrong.stderr).not.toContain('not-the-secret');
    const ok = await runCli([...base(), 'azure', 'sync'], { env: { ...env, AZURE_CLIENT_SECRET: emulator.clientSecret } });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('prints the least-privilege role', async () => {
    const role = await runCli(['azure', 'role-definition', '--scope', `/subscriptions/${SUB}`]);
    expect(role.code).toBe(0);
    const parsed = JSON.parse(role.stdout) as { Actions: string[]; AssignableScopes: string[] };
    expect(parsed.Actions).toContain('Microsoft.DocumentDB/databaseAccounts/write');
    expect(parsed.AssignableScopes).toEqual([`/subscriptions/${SUB}`]);
  });
});
