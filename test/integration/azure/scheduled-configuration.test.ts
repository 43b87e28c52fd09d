import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { MemorySecretStore } from '../../../src-main/core/secrets/secret-store.ts';
import { AppError } from '../../../src-main/shared/errors.ts';
import type { ArmConnector, ConnectOptions } from '../../../src-main/azure/sign-in/azure-connector.ts';
import { startAzureEmulator, type AzureEmulator } from '../../azure-emulator/index.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { continuousPolicy, emulated, emulatorConnector, FAST, finished, SUB } from './fixture.ts';

/** The 8-hourly configuration session covers every signed-in tenant, and one tenant failing does not stop the others. */
describe('scheduled configuration with two signed-in tenants', () => {
  let emulator: AzureEmulator;
  let core: AppCore;
  const dir = makeTempDir('cosmos-backup-scheduled-config-');
  const connected: ConnectOptions[] = [];

  beforeAll(async () => {
    emulator = await startAzureEmulator(FAST);
    const real = emulatorConnector(emulator);
    const connector: ArmConnector = {
      // A second tenant whose sign-in has expired: connecting to it fails as the real connector does.
      targets: () => [
        { cloudProfile: 'emulator', tenantId: 'aaaaaaaa-0000-4000-8000-0000000000aa' },
        { cloudProfile: 'emulator', tenantId: emulator.tenantId },
      ],
      connect: async (options = {}) => {
        connected.push(options);
        if (options.tenantId !== emulator.tenantId) throw new AppError('unauthorized', 'The sign-in of this tenant has expired (AADSTS700082).');
        return real.connection;
      },
    };
    core = AppCore.open({ dataDir: dir.path, secrets: new MemorySecretStore(), azureConnector: connector, azureTuning: { migrationPollMs: 50 } });
  });
  afterAll(async () => {
    await core?.close();
    await emulator?.stop();
    dir.remove();
  });

  it('configures each tenant in one session and says which one failed and what to do', async () => {
    core.policies.save(continuousPolicy('thirty-days', 'Continuous30Days', { scope: { include: { subscriptions: [SUB] } } }));
    const started = core.azure.startScheduledConfiguration();
    expect(started.title).toBe('Azure configuration (2 signed-in tenants)');
    const { session, text } = await finished(core, started);
    expect(connected.map((c) => c.tenantId)).toEqual(['aaaaaaaa-0000-4000-8000-0000000000aa', emulator.tenantId]);
    expect(session.status).toBe('warning');
    expect(text).toMatch(/error Configuration of tenant aaaaaaaa-0000-4000-8000-0000000000aa \(cloud profile emulator\) failed: The sign-in of this tenant has expired/);
    expect(text).toMatch(/Sign in to it again \(cosmos-backup azure login\)/);
    // The tenant that works was configured all the same.
    expect(emulated(emulator, 'orders-sql')?.backup).toEqual({ type: 'Continuous', tier: 'Continuous30Days' });
    expect(session.summary).toMatch(/failed: tenant aaaaaaaa-0000-4000-8000-0000000000aa/);
  });
});
