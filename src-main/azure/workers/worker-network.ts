import type { ArmClients } from '../arm-clients.ts';
import { AppError } from '../../shared/errors.ts';

/** The tag every resource the app creates for workers carries; its value says what the resource is. */
export const WORKER_TAG = 'cosmos-backup';
/** The tag naming the installation (config DB) that owns a worker resource: a sweep releases only its own. */
export const INSTALLATION_TAG = 'cosmos-backup-installation';

const RESOURCE_GROUPS_API = '2024-03-01';
const ADDRESS_SPACE = '10.231.0.0/24';
const SUBNET_PREFIX = '10.231.0.0/26';

/** Names of the auto network in a region. */
export function autoNetworkNames(region: string) {
  return { resourceGroup: `cosmos-backup-workers-${region}`, vnet: 'cbw-vnet', subnet: 'workers', nsg: 'cbw-nsg', natGateway: 'cbw-nat', publicIp: 'cbw-nat-ip' };
}

/** Where worker VMs of a region go: a subnet, and the resource group their VMs and NICs are created in. */
export interface WorkerSubnet {
  subscriptionId: string;
  region: string;
  resourceGroup: string;
  subnetId: string;
  /** true: the app's auto network (the sweep may remove it when unused); false: the admin's. */
  auto: boolean;
}

function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/** `get` the resource, or undefined when ARM says 404. */
async function existing<T>(get: () => Promise<T>): Promise<T | undefined> {
  try {
    return await get();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * The network worker VMs run in. Auto mode creates once per subscription and region, tagged as
 * ours: a resource group, an NSG with no inbound rule (Azure's defaults then refuse every inbound
 * connection from the internet), a NAT gateway with a static public IP for outbound access (subnets
 * of new VNets are private by default in current Network API versions), and a VNet whose subnet has
 * both and no default outbound access. A worker configuration names the admin's own subnet instead;
 * it is checked to be in the configuration's region before anything is created.
 */
export class WorkerNetworks {
  private readonly arm: ArmClients;
  private readonly installationId: string;
  private readonly ensured = new Map<string, Promise<WorkerSubnet>>();

  constructor(arm: ArmClients, installationId: string) {
    this.arm = arm;
    this.installationId = installationId;
  }

  /** The auto network of `region` in `subscriptionId` (created on first use; concurrent jobs share one creation). */
  auto(subscriptionId: string, region: string, log: (message: string) => void): Promise<WorkerSubnet> {
    const key = `${subscriptionId}|${region}`.toLowerCase();
    let ensured = this.ensured.get(key);
    if (!ensured) {
      ensured = this.createAuto(subscriptionId, region, log);
      this.ensured.set(key, ensured);
      ensured.catch(() => this.ensured.delete(key));
    }
    return ensured;
  }

  /** Forgets what auto networks were seen (after a sweep removed one, or a VM creation found its subnet gone). */
  forget(subscriptionId: string, region: string): void {
    this.ensured.delete(`${subscriptionId}|${region}`.toLowerCase());
  }

  private async createAuto(subscriptionId: string, region: string, log: (message: string) => void): Promise<WorkerSubnet> {
    const names = autoNetworkNames(region);
    const tags = { [WORKER_TAG]: 'worker-network', [INSTALLATION_TAG]: this.installationId };
    const network = this.arm.network(subscriptionId);
    const poll = this.arm.pollOptions;
    await this.arm.request('PUT', `/subscriptions/${subscriptionId}/resourcegroups/${names.resourceGroup}`, RESOURCE_GROUPS_API, { location: region, tags });
    const vnet = await existing(() => network.virtualNetworks.get(names.resourceGroup, names.vnet));
    const subnet = vnet?.subnets?.find((s) => s.name === names.subnet);
    if (vnet && subnet?.id) return { subscriptionId, region, resourceGroup: names.resourceGroup, subnetId: subnet.id, auto: true };
    log(`Creating the worker network in ${region} (resource group ${names.resourceGroup}: VNet, subnet, NSG without inbound rules, NAT gateway for outbound access); this is done once per region.`);
    const nsg = (await existing(() => network.networkSecurityGroups.get(names.resourceGroup, names.nsg))) ?? (await network.networkSecurityGroups.beginCreateOrUpdateAndWait(names.resourceGroup, names.nsg, { location: region, tags, securityRules: [] }, poll));
    const ip =
      (await existing(() => network.publicIPAddresses.get(names.resourceGroup, names.publicIp))) ??
      (await network.publicIPAddresses.beginCreateOrUpdateAndWait(names.resourceGroup, names.publicIp, { location: region, tags, sku: { name: 'Standard' }, publicIPAllocationMethod: 'Static' }, poll));
    const nat =
      (await existing(() => network.natGateways.get(names.resourceGroup, names.natGateway))) ??
      (await network.natGateways.beginCreateOrUpdateAndWait(names.resourceGroup, names.natGateway, { location: region, tags, sku: { name: 'Standard' }, publicIpAddresses: [{ id: ip.id }], idleTimeoutInMinutes: 4 }, poll));
    const created = await network.virtualNetworks.beginCreateOrUpdateAndWait(
      names.resourceGroup,
      names.vnet,
      {
        location: region,
        tags,
        addressSpace: { addressPrefixes: [ADDRESS_SPACE] },
        subnets: [{ name: names.subnet, addressPrefix: SUBNET_PREFIX, networkSecurityGroup: { id: nsg.id }, natGateway: { id: nat.id }, defaultOutboundAccess: false }],
      },
      poll,
    );
    const subnetId = created.subnets?.find((s) => s.name === names.subnet)?.id ?? `${created.id}/subnets/${names.subnet}`;
    // The emulator (like older API versions) may not echo subnets in the VNet body: make sure the subnet exists.
    if (!(await existing(() => network.subnets.get(names.resourceGroup, names.vnet, names.subnet)))) {
      await network.subnets.beginCreateOrUpdateAndWait(names.resourceGroup, names.vnet, names.subnet, { addressPrefix: SUBNET_PREFIX, networkSecurityGroup: { id: nsg.id }, natGateway: { id: nat.id }, defaultOutboundAccess: false }, poll);
    }
    return { subscriptionId, region, resourceGroup: names.resourceGroup, subnetId, auto: true };
  }

  /**
   * The admin's subnet of a worker configuration, checked: it exists, and its VNet is in the
   * configuration's region (ARM would refuse a NIC there anyway, but only after we created things).
   */
  async configured(configuration: { name: string; subscriptionId: string; resourceGroup: string; subnetId: string; region: string }): Promise<WorkerSubnet> {
    const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i.exec(configuration.subnetId);
    if (!match) throw new AppError('validation_failed', `Worker configuration "${configuration.name}": ${configuration.subnetId} is not a subnet id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Network/virtualNetworks/…/subnets/…).`, { field: 'subnetId' });
    const [, subscriptionId, group, vnetName, subnetName] = match as unknown as [string, string, string, string, string];
    const network = this.arm.network(subscriptionId);
    const vnet = await existing(() => network.virtualNetworks.get(group, vnetName));
    if (!vnet) throw new AppError('not_found', `Worker configuration "${configuration.name}": VNet ${vnetName} (resource group ${group}) does not exist.`, { field: 'subnetId' });
    if ((vnet.location ?? '').toLowerCase().replace(/\s+/g, '') !== configuration.region) {
      throw new AppError('validation_failed', `Worker configuration "${configuration.name}" is for ${configuration.region}, but VNet ${vnetName} is in ${vnet.location ?? 'an unknown region'}: a worker VM can only use a subnet of its own region.`, { field: 'subnetId' });
    }
    if (!(await existing(() => network.subnets.get(group, vnetName, subnetName)))) throw new AppError('not_found', `Worker configuration "${configuration.name}": subnet ${subnetName} of VNet ${vnetName} does not exist.`, { field: 'subnetId' });
    return { subscriptionId, region: configuration.region, resourceGroup: configuration.resourceGroup, subnetId: configuration.subnetId, auto: false };
  }
}
