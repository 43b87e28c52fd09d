import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../../src-main/shared/contract.ts';
import { AppError } from '../../../src-main/shared/errors.ts';
import { runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { accountId, cliSignInToEmulator, continuousPolicy, finished, startAzureTestEnv, SUB, unlistedCalls, type AzureTestEnv } from './fixture.ts';

const DAY = 86_400_000;

/**
 * What a point-in-time restore can choose from: the account's resources at the chosen time
 * (Azure's restorable-resources-at-timestamp) and, for a live account, which of them are deleted
 * now. The scenario's orders-sql had a container `orders/archive` from 20 to 2 days ago and a
 * database `legacy` from 30 to 3 days ago.
 */
describe('azure.restorableAt: resources at a point in time, and what is deleted since', () => {
  let env: AzureTestEnv;
  const ago = (ms: number) => new Date(env.emulator.now() - ms).toISOString();
  const ask = async (input: Record<string, unknown>) => {
    const parsed = channels['azure.restorableAt'].input.parse(input);
    return await env.core.handlers['azure.restorableAt'](parsed, { transport: 'websocket' } as Parameters<(typeof env.core.handlers)['azure.restorableAt']>[1]);
  };
  const cliDir = makeTempDir('cosmos-backup-restorable-cli-');

  beforeAll(async () => {
    env = await startAzureTestEnv();
    env.core.policies.save(continuousPolicy('all', 'Continuous30Days', { scope: { include: { subscriptions: [SUB] } } }));
    await finished(env.core, env.core.azure.startSync());
  });
  afterAll(async () => {
    if (env) expect(unlistedCalls(env.emulator)).toEqual([]);
    await env?.close();
    cliDir.remove();
  });

  it('lists what existed four days ago, and the deleted database and container an in-account restore can bring back', async () => {
    const at = ago(4 * DAY);
    const view = await ask({ resourceId: accountId('rg-prod', 'orders-sql'), timestamp: at });
    channels['azure.restorableAt'].output.parse(view);
    expect(view).toMatchObject({ accountName: 'orders-sql', api: 'Sql', accountDeleted: false, timestamp: at });
    expect(view.databases).toEqual([
      { name: 'legacy', children: ['old'] },
      { name: 'orders', children: ['archive', 'customers', 'items'] },
    ]);
    expect(view.deleted).toEqual({ items: [{ database: 'legacy', child: null }, { database: 'orders', child: 'archive' }], tables: [] });
  });

  it('an hour ago, nothing that exists then is deleted now', async () => {
    const view = await ask({ resourceId: accountId('rg-prod', 'orders-sql'), timestamp: ago(3600_000) });
    expect(view.databases).toEqual([{ name: 'orders', children: ['customers', 'items'] }]);
    expect(view.deleted).toEqual({ items: [], tables: [] });
  });

  it('lists the tables of a Table API account, and a deleted account has no in-account choices', async () => {
    const tables = await ask({ resourceId: accountId('rg-data', 'events-table') });
    expect(tables.tables).toEqual(['audit', 'events']);
    // Deleted before the first sync: the inventory knows it by its restorable id.
    const retiredId = env.core.inventory.listResources({ includeDeleted: true }).find((r) => r.name === 'retired-sql')!.id;
    const retired = await ask({ resourceId: retiredId, timestamp: ago(6 * DAY) });
    expect(retired).toMatchObject({ accountDeleted: true, deleted: null, databases: [{ name: 'history', children: ['entries'] }] });
  });

  it('refuses a time outside the window on the time field, and input without an account', async () => {
    const error = await ask({ resourceId: accountId('rg-prod', 'orders-sql'), timestamp: ago(40 * DAY) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details).toMatchObject({ field: 'timestamp' });
    expect((error as AppError).message).toMatch(/outside the restorable window/);
    expect(() => channels['azure.restorableAt'].input.parse({ timestamp: ago(DAY) })).toThrow(/name the account/);
    expect(() => channels['azure.restorableAt'].input.parse({ resourceId: 'x', timestamp: 'yesterday' })).toThrow(/ISO 8601/);
  });

  it('cosmos-backup azure restorable prints the same, marking what is deleted now', async () => {
    await cliSignInToEmulator(env.emulator, cliDir.path);
    const run = await runCli(['--data-dir', cliDir.path, 'azure', '--cloud-profile', 'emulator', 'restorable', '--resource', accountId('rg-prod', 'orders-sql'), '--at', ago(4 * DAY)]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/orders-sql \(Sql\) at /);
    expect(run.stdout).toMatch(/legacy\s+deleted/);
    expect(run.stdout).toMatch(/orders\s+archive\s+deleted/);
    expect(run.stdout).toMatch(/orders\s+items\s+exists/);
    expect(run.stdout).toContain('azure restore-pitr --in-account');
    const bad = await runCli(['--data-dir', cliDir.path, 'azure', '--cloud-profile', 'emulator', 'restorable', '--at', ago(DAY)]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--resource');
  });
});
