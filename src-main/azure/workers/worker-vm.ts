import { generateKeyPairSync } from 'node:crypto';
import type { ArmClients } from '../arm-clients.ts';
import type { WorkerSubnet } from './worker-network.ts';
import { armErrorCode, capacityRefusalOf, sizeFamily, type Attempt, type CapacityMemory, type CapacityRefusal } from './vm-sizing.ts';

/** The image worker VMs run: Ubuntu 24.04 LTS (bash, curl, tar, sha256sum; apt for the PostgreSQL client). */
export const WORKER_IMAGE = { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' } as const;

/**
 * An OpenSSH public key whose private half is thrown away at once: Azure requires a way to log in
 * to a Linux VM, and this one gives nobody any (workers are reached through Run Command only).
 */
export function unusableSshPublicKey(): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const field = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
  };
  const mpint = (b64url: string) => {
    const raw = Buffer.from(b64url, 'base64url');
    return field((raw[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw);
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-rsa')), mpint(jwk.e as string), mpint(jwk.n as string)]);
  return `ssh-rsa ${blob.toString('base64')} cosmos-backup-worker`;
}

export interface WorkerVmRequest {
  subnet: WorkerSubnet;
  name: string;
  /** Sizes in the order to try (see sizesToTry). */
  sizes: string[];
  tags: Record<string, string>;
}

export interface CreatedWorkerVm {
  vmId: string;
  name: string;
  resourceGroup: string;
  size: string;
  zone: string | undefined;
}

/** No size and zone could be had; `tried` says what Azure refused, one line each. */
export class WorkerCapacityError extends Error {
  readonly tried: string[];
  constructor(region: string, tried: string[]) {
    super(`No worker VM could be created in ${region}. Tried: ${tried.join('; ')}. Add quota for one of these sizes (Azure portal: Quotas), add other sizes to the region's worker configuration, or run the job on this computer.`);
    this.name = 'WorkerCapacityError';
    this.tried = tried;
  }
}

const ATTEMPTS: Attempt[] = ['regional', '1', '2', '3'];

function describe(refusal: CapacityRefusal): string {
  return refusal === 'quota' ? 'quota exhausted' : refusal === 'sku' ? 'size not offered here' : refusal === 'zonal-allocation' ? 'no capacity in the zone' : 'no capacity';
}

/**
 * Creates the worker VM with its NIC (no public IP; the subnet's NSG and NAT gateway apply),
 * falling back along sizes and zones when Azure refuses: quota (skips the size's whole family),
 * SKU not offered (skips the size), allocation failures (next zone, then next size). A half-made
 * VM of a failed attempt is deleted before the next one. Refusals are remembered for a while.
 */
export async function createWorkerVm(arm: ArmClients, request: WorkerVmRequest, memory: CapacityMemory, log: (message: string) => void, now: () => number): Promise<CreatedWorkerVm> {
  const { subnet } = request;
  const compute = arm.compute(subnet.subscriptionId);
  const nicName = `${request.name}-nic`;
  const tried: string[] = [];
  const refusedFamilies = new Set<string>();
  const offered = await offeredSizes(arm, subnet, memory, now);
  const sshKey = unusableSshPublicKey();
  for (const size of request.sizes) {
    if (refusedFamilies.has(sizeFamily(size))) continue;
    if (offered && !offered.has(size.toLowerCase())) {
      tried.push(`${size}: not offered in ${subnet.region} to this subscription (resource SKUs)`);
      log(`${size} is not offered in ${subnet.region} to this subscription (resource SKUs); skipped.`);
      continue;
    }
    // The region first; zones only after the region had no capacity for the size.
    for (const attempt of ATTEMPTS) {
      const zone = attempt === 'regional' ? undefined : attempt;
      const where = zone ? `${size} in zone ${zone}` : size;
      const remembered = memory.refusedRecently(subnet.subscriptionId, subnet.region, size, attempt, now());
      if (remembered) {
        tried.push(`${where}: skipped (${remembered.reason}, refused recently)`);
        if (remembered.wholeSize) break;
        continue;
      }
      try {
        const vm = await compute.virtualMachines.beginCreateOrUpdateAndWait(
          subnet.resourceGroup,
          request.name,
          {
            location: subnet.region,
            tags: request.tags,
            ...(zone ? { zones: [zone] } : {}),
            hardwareProfile: { vmSize: size },
            storageProfile: { imageReference: { ...WORKER_IMAGE }, osDisk: { createOption: 'FromImage', deleteOption: 'Delete', managedDisk: { storageAccountType: 'StandardSSD_LRS' }, diskSizeGB: 30 } },
            osProfile: { computerName: request.name.slice(0, 63), adminUsername: 'cbworker', linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/cbworker/.ssh/authorized_keys', keyData: sshKey }] } } },
            // The NIC is made with the VM (no public IP; the subnet's NSG and NAT gateway apply) and goes with it.
            networkProfile: {
              networkApiVersion: '2022-11-01',
              networkInterfaceConfigurations: [{ name: nicName, primary: true, deleteOption: 'Delete', ipConfigurations: [{ name: 'ipconfig1', primary: true, subnet: { id: subnet.subnetId } }] }],
            },
          },
          arm.pollOptions,
        );
        log(`Worker VM ${request.name} (${where}) is running in ${subnet.region}.`);
        return { vmId: vm.id ?? '', name: request.name, resourceGroup: subnet.resourceGroup, size, zone };
      } catch (error) {
        const refusal = capacityRefusalOf(error);
        // A failed allocation leaves a VM in the Failed state: remove it (its NIC goes with it) before anything else.
        await compute.virtualMachines.beginDeleteAndWait(subnet.resourceGroup, request.name, arm.pollOptions).catch(() => undefined);
        if (!refusal) {
          // A zone the region does not offer ends the zone attempts for this size; anything else is a real error.
          if (zone) {
            tried.push(`${where}: ${(error as Error).message}`);
            break;
          }
          throw error;
        }
        const reason = `${armErrorCode(error) || refusal}: ${(error as Error).message.replace(/^The long-running operation has failed\. \w+\. /, '')}`;
        tried.push(`${where}: ${describe(refusal)} (${reason})`);
        log(`Azure refused ${where} in ${subnet.region} — ${reason}`);
        memory.remember(subnet.subscriptionId, subnet.region, size, attempt, refusal, describe(refusal), now());
        if (refusal === 'quota') refusedFamilies.add(sizeFamily(size));
        if (refusal === 'quota' || refusal === 'sku') break;
      }
    }
  }
  throw new WorkerCapacityError(subnet.region, tried);
}

/**
 * The VM sizes a region offers the subscription (ARM's resource SKUs without a subscription
 * restriction), read once a day; undefined when the list cannot be read (the sizes are then tried
 * as they come, and Azure's refusals steer the fallback).
 */
async function offeredSizes(arm: ArmClients, subnet: WorkerSubnet, memory: CapacityMemory, now: () => number): Promise<Set<string> | undefined> {
  const known = memory.offered(subnet.subscriptionId, subnet.region, now());
  if (known) return known;
  try {
    const sizes = new Set<string>();
    for await (const sku of arm.compute(subnet.subscriptionId).resourceSkus.list({ filter: `location eq '${subnet.region}'` })) {
      if (sku.resourceType !== 'virtualMachines' || !sku.name) continue;
      const restricted = (sku.restrictions ?? []).some((r) => r.type === 'Location' && r.reasonCode === 'NotAvailableForSubscription');
      if (!restricted) sizes.add(sku.name.toLowerCase());
    }
    memory.rememberOffer(subnet.subscriptionId, subnet.region, sizes, now());
    return sizes;
  } catch {
    return undefined;
  }
}

/**
 * Deletes a worker VM; its OS disk and NIC go with it (deleteOption Delete), and a NIC left behind
 * (a VM that was never made) is deleted too. Throws when ARM refuses; a VM already gone is fine.
 */
export async function deleteWorkerVm(arm: ArmClients, subscriptionId: string, resourceGroup: string, name: string): Promise<void> {
  try {
    await arm.compute(subscriptionId).virtualMachines.beginDeleteAndWait(resourceGroup, name, arm.pollOptions);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  try {
    await arm.network(subscriptionId).networkInterfaces.beginDeleteAndWait(resourceGroup, `${name}-nic`, arm.pollOptions);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  // Its auto-shutdown schedule (made with it) goes too.
  try {
    await arm.request('DELETE', `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.DevTestLab/schedules/shutdown-computevm-${name}`, '2018-09-15');
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}
