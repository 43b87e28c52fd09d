import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { AppCore } from '../../src-main/app/app-core.ts';
import { startAzureEmulator, type AzureEmulator } from '../azure-emulator/index.ts';
import { armClientOptions } from '../azure-emulator/client-helpers.ts';
import { runCli } from '../helpers/cli.ts';
import { startRetailPricesStandIn, STAND_IN_PRICES, type RetailPricesStandIn } from '../helpers/retail-prices-stand-in.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { credentialFor, FAST, POLL, SUB } from '../integration/azure-emulator/fixture.ts';
import { cliSignInToEmulator } from '../integration/azure/fixture.ts';
import { assertPrerequisites, closeConsole, openConsole, printServiceStderrOnFailure, type PageProblems, type RunningService } from './helpers.ts';

/**
 * The Workers view against the emulated Azure: a worker configuration added from the console (a
 * subnet in another region refused on its field, then a right one), and a live worker VM released
 * by hand after a confirmation — the VM is gone from Azure and the row says Released.
 */
describe('console: workers', () => {
  const dir = makeTempDir('cosmos-console-workers-');
  const dataDir = join(dir.path, 'data');
  let emulator: AzureEmulator;
  let pricesApi: RetailPricesStandIn;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  const subnetOf = (group: string, vnet: string) => `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/workers`;

  beforeAll(async () => {
    assertPrerequisites();
    emulator = await startAzureEmulator({ ...FAST, throttling: false });
    await cliSignInToEmulator(emulator, dataDir);
    // The admin's networks: one in West Europe, one in East US; and a worker VM the app left running.
    const network = new NetworkManagementClient(credentialFor(emulator), SUB, armClientOptions(emulator));
    const compute = new ComputeManagementClient(credentialFor(emulator), SUB, armClientOptions(emulator));
    for (const [group, region, vnet] of [['rg-net', 'westeurope', 'admin-vnet'], ['rg-east', 'eastus', 'east-vnet']] as const) {
      emulator.state.subscription(SUB).resourceGroups.set(group, { name: group, location: region, tags: {} });
      await network.virtualNetworks.beginCreateOrUpdateAndWait(group, vnet, { location: region, addressSpace: { addressPrefixes: ['10.9.0.0/16'] }, subnets: [{ name: 'workers', addressPrefix: '10.9.1.0/24' }] }, POLL);
    }
    const makeVm = async (name: string) => {
      const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait('rg-net', `${name}-nic`, { location: 'westeurope', ipConfigurations: [{ name: 'ip', subnet: { id: subnetOf('rg-net', 'admin-vnet') } }] }, POLL);
      return compute.virtualMachines.beginCreateOrUpdateAndWait('rg-net', name, { location: 'westeurope', hardwareProfile: { vmSize: 'Standard_D4s_v5' }, networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: 'Delete' }] }, storageProfile: { osDisk: { createOption: 'FromImage', deleteOption: 'Delete' } } }, POLL);
    };
    // A worker kept warm for a later job, and one whose app went away mid-job (the service's start sweep releases it).
    const [kept, orphan] = [await makeVm('cbw-0a1b2c'), await makeVm('cbw-9f8e7d')];
    const core = AppCore.open({ dataDir });
    const at = new Date(Date.now() - 20 * 60_000).toISOString();
    const record = { subscriptionId: SUB, resourceGroup: 'rg-net', region: 'westeurope', size: 'Standard_D4s_v5', configurationId: null, sessionId: null, mailbox: null, createdAt: at, lastSeenAt: at, releasedAt: null, note: null };
    core.workers.put({ ...record, id: 'cbw-0a1b2c', vmId: kept.id!, jobId: 'backup-1', state: 'kept-warm', keepUntil: new Date(Date.now() + 3600_000).toISOString() });
    core.workers.put({ ...record, id: 'cbw-9f8e7d', vmId: orphan.id!, jobId: 'backup-2', state: 'running', keepUntil: null });
    await core.close();
    pricesApi = await startRetailPricesStandIn();
    ({ service, browser, page, problems } = await openConsole(dataDir, { env: { COSMOS_BACKUP_RETAIL_PRICES_URL: pricesApi.endpoint } }));
  }, 120_000);

  printServiceStderrOnFailure(() => service);

  afterAll(async () => {
    await closeConsole(browser, service);
    await emulator?.stop();
    await pricesApi?.stop();
    dir.remove();
  });

  it('adds a worker configuration: a subnet in another region is refused on its field, the right one is kept', async () => {
    await page.goto(`${service.url}#/workers`);
    await page.getByText('No worker configuration: every region runs its jobs on worker VMs').waitFor();
    await page.getByTestId('add-worker-configuration').click();
    const form = page.getByTestId('worker-configuration-form');
    await form.getByLabel('Name', { exact: true }).fill('West Europe');
    await form.getByLabel('Region', { exact: true }).fill('West Europe');
    await form.getByLabel('Subnet', { exact: true }).fill(subnetOf('rg-east', 'east-vnet'));
    await form.getByLabel('VM sizes, small to large (optional)').fill('Standard_D4s_v5, Standard_D8s_v5');
    await form.getByLabel('Tags (one name=value per line)').fill('costCenter=db-ops');
    await page.getByTestId('save-worker-configuration').click();
    await form.getByText('Subnet: Worker configuration "West Europe" is for westeurope, but VNet east-vnet is in eastus').waitFor();
    expect(await form.getByLabel('Subnet', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel('Subnet', { exact: true }).fill(subnetOf('rg-net', 'admin-vnet'));
    await page.getByTestId('save-worker-configuration').click();
    await page.getByTestId('workers-notice').getByText('westeurope jobs now run on worker VMs in subnet workers of VNet admin-vnet (resource group rg-net)').waitFor();
    const row = page.getByTestId('worker-configuration-row');
    await expect.poll(() => row.textContent()).toContain('Standard_D4s_v5, Standard_D8s_v5');

    // The CLI sees the same configuration.
    const listed = await runCli(['--data-dir', dataDir, '--json', 'worker', 'config', 'list']);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'West Europe', region: 'westeurope', kind: 'azure', vmSizes: ['Standard_D4s_v5', 'Standard_D8s_v5'], tags: { costCenter: 'db-ops' } }]);
  });

  it('shows the start sweep’s work, and releases a kept-warm worker VM after a confirmation: Azure deletes it, the row says Released', async () => {
    // The service's start sweep released the worker whose job no longer ran.
    const orphan = page.getByTestId('worker-row').filter({ hasText: 'cbw-9f8e7d' });
    await expect.poll(() => orphan.getAttribute('data-state'), { timeout: 20_000 }).toBe('released');
    expect(await orphan.textContent()).toContain('its job no longer runs in this app');
    const row = page.getByTestId('worker-row').filter({ hasText: 'cbw-0a1b2c' });
    await expect.poll(() => row.textContent()).toContain('Kept warm (deallocated)');
    expect(await row.textContent()).toContain('deallocated: no compute cost');
    // The live worker's price is West Europe's, read from the Retail Prices API (the list answers at
    // once with the bundled table and says so; the view's next reload has the region's own price).
    const liveCost = page.getByTestId('workers-live-cost');
    await expect.poll(() => liveCost.textContent(), { timeout: 20_000 }).toMatch(/Azure list price for westeurope, read \d{4}-\d{2}-\d{2}/);
    expect(await liveCost.textContent()).toContain('1 live worker(s), ≈ $0.000/hour together');
    await page.getByTestId('release-cbw-0a1b2c').click();
    await page.getByTestId('release-confirmation').getByText('Delete worker VM cbw-0a1b2c now?').waitFor();
    await page.getByTestId('confirm-release').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('released');
    expect([...emulator.state.generic.values()].filter((r) => ['virtualMachines', 'networkInterfaces'].includes(r.type)).map((r) => r.name)).toEqual([]);
    expect(problems.list).toEqual([]);
  });

  it('the CLI lists the workers at their region’s list price and says where the price comes from', async () => {
    const listed = await runCli(['--data-dir', dataDir, 'worker', 'list'], { env: { COSMOS_BACKUP_RETAIL_PRICES_URL: pricesApi.endpoint } });
    expect(listed.code, listed.stderr).toBe(0);
    const row = listed.stdout.split('\n').find((line) => line.startsWith('cbw-0a1b2c'));
    expect(row).toMatch(/westeurope\s+Standard_D4s_v5\s+released/);
    // West Europe's price from the API (the stand-in's differs from the bundled East US figure).
    expect(row).toContain(`≈ $${STAND_IN_PRICES.vm('standard_d4s_v5').toFixed(3)}`);
    expect(STAND_IN_PRICES.vm('standard_d4s_v5')).not.toBe(0.192);
    expect(listed.stdout).toMatch(/Pay-as-you-go list prices \(USD\): Azure list price for westeurope, read \d{4}-\d{2}-\d{2}\./);
  });
});
