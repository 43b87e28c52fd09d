import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { armClientOptions } from '../../azure-emulator/client-helpers.ts';
import { credentialFor, FAST, POLL, startAzureEmulator, SUB } from './fixture.ts';
import type { AzureEmulator } from './fixture.ts';

describe('compute and network stand-ins for worker VMs', () => {
  let emulator: AzureEmulator;
  beforeAll(async () => {
    emulator = await startAzureEmulator({ ...FAST, throttling: false });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('creates a network and a VM, runs a command, deallocates and deletes it', async () => {
    const credential = credentialFor(emulator);
    const network = new NetworkManagementClient(credential, SUB, armClientOptions(emulator));
    const compute = new ComputeManagementClient(credential, SUB, armClientOptions(emulator));
    const vnet = await network.virtualNetworks.createOrUpdate('rg-data', 'worker-vnet', { location: 'eastus', addressSpace: { addressPrefixes: ['10.0.0.0/16'] } }, POLL);
    expect(vnet.provisioningState).toBe('Succeeded');
    expect(vnet.addressSpace?.addressPrefixes).toEqual(['10.0.0.0/16']);
    const subnet = await network.subnets.createOrUpdate('rg-data', 'worker-vnet', 'default', { addressPrefix: '10.0.0.0/24' }, POLL);
    const nic = await network.networkInterfaces.createOrUpdate('rg-data', 'worker-nic', { location: 'eastus', ipConfigurations: [{ name: 'ipconfig1', subnet: { id: subnet.id } }] }, POLL);
    expect(nic.id).toContain('/networkInterfaces/worker-nic');

    const vm = await compute.virtualMachines.createOrUpdate('rg-data', 'worker-vm', {
      location: 'eastus',
      hardwareProfile: { vmSize: 'Standard_D2s_v5' },
      networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
    }, POLL);
    expect(vm.provisioningState).toBe('Succeeded');
    expect(vm.hardwareProfile?.vmSize).toBe('Standard_D2s_v5');
    expect(vm.vmId).toMatch(/^[0-9a-f-]{36}$/);

    emulator.state.runCommandHandler = (_id, script) => ({ stdout: `ran: ${script.join(';')}`, stderr: '' });
    const run = await compute.virtualMachines.runCommand('rg-data', 'worker-vm', { commandId: 'RunShellScript', script: ['echo hi'] }, POLL);
    expect(run.value?.[0]?.message).toBe('ran: echo hi');

    await compute.virtualMachines.deallocate('rg-data', 'worker-vm', POLL);
    const view = await compute.virtualMachines.get('rg-data', 'worker-vm', { expand: 'instanceView' });
    expect(view.instanceView?.statuses?.map((s) => s.code)).toContain('PowerState/deallocated');
    await compute.virtualMachines.start('rg-data', 'worker-vm', POLL);
    await compute.virtualMachines.delete('rg-data', 'worker-vm', POLL);
    await expect(compute.virtualMachines.get('rg-data', 'worker-vm')).rejects.toMatchObject({ statusCode: 404 });
  });
});
