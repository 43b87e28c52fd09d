import { ArmError } from '../arm-error.ts';
import type { Clock } from '../clock.ts';
import { normalizeLocation } from './locations.ts';
import { VmHost } from './vm-host.ts';
import type {
  ContinuousTier,
  CosmosAccount,
  GenericResource,
  MongoCluster,
  PostgresCluster,
  ResourceGroup,
  Subscription,
} from './types.ts';

/** A refusal of VM creation: `code` as Azure sends it; `async` ones fail the operation (allocation), the others the request (quota, SKU). */
export interface VmCreateFault {
  size?: string;
  zone?: string;
  status: number;
  code: 'OperationNotAllowed' | 'SkuNotAvailable' | 'AllocationFailed' | 'ZonalAllocationFailed';
  message: string;
  async: boolean;
  remaining: number;
}

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * The emulated Azure estate. Route handlers and tests share this object; tests may inspect and
 * change it directly (e.g. `setBackupTier`, `deleteAccount`) to set up situations quickly.
 */
export class EmulatorState {
  readonly tenantId: string;
  readonly clock: Clock;
  readonly subscriptions = new Map<string, Subscription>(); // key: lower-case id
  /** Live accounts (including ones being created or deleted). */
  readonly accounts: CosmosAccount[] = [];
  /** Deleted accounts; continuous ones stay restorable until their window ends. */
  readonly deletedAccounts: CosmosAccount[] = [];
  readonly postgresClusters: PostgresCluster[] = [];
  readonly mongoClusters: MongoCluster[] = [];
  /** Compute and network stand-ins, keyed by lower-case ARM id. */
  readonly generic = new Map<string, GenericResource>();
  /** VM sizes ARM's resource SKUs list does not offer in a region to this subscription (`NotAvailableForSubscription`). */
  readonly skuRestrictions: { size: string; location: string }[] = [];
  /** Storage accounts ARM lists (tests add the Azurite account to place archive workers in its region). */
  readonly storageAccounts: { subscriptionId: string; resourceGroup: string; name: string; location: string }[] = [];
  /** The emulated VMs' disks and the scripts their Run Commands run. */
  readonly vmHost = new VmHost();
  /** Refusals the next VM creations meet (quota, SKU not available, allocation failure), matched by size and zone. */
  readonly vmCreateFaults: VmCreateFault[] = [];
  /** What a VM runCommand prints; tests replace it to emulate a worker's script. */
  runCommandHandler: (vmId: string, script: string[]) => { stdout: string; stderr: string } = (_vm, script) => ({ stdout: script.join('\n'), stderr: '' });

  constructor(tenantId: string, clock: Clock) {
    this.tenantId = tenantId;
    this.clock = clock;
  }

  addSubscription(sub: Subscription): void {
    this.subscriptions.set(sub.subscriptionId.toLowerCase(), sub);
  }

  subscription(subscriptionId: string): Subscription {
    const sub = this.subscriptions.get(subscriptionId.toLowerCase());
    if (!sub) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    return sub;
  }

  resourceGroup(subscriptionId: string, name: string): ResourceGroup {
    const rg = this.subscription(subscriptionId).resourceGroups.get(name.toLowerCase());
    if (!rg) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
    return rg;
  }

  findAccount(subscriptionId: string, resourceGroup: string, name: string): CosmosAccount | undefined {
    return this.accounts.find(
      (a) => eq(a.subscriptionId, subscriptionId) && eq(a.resourceGroup, resourceGroup) && eq(a.name, name),
    );
  }

  /** Like findAccount, but throws ARM's 404 (resource group first, as ARM does). */
  account(subscriptionId: string, resourceGroup: string, name: string): CosmosAccount {
    this.resourceGroup(subscriptionId, resourceGroup);
    const account = this.findAccount(subscriptionId, resourceGroup, name);
    if (!account) {
      throw new ArmError(
        404,
        'ResourceNotFound',
        `The Resource 'Microsoft.DocumentDB/databaseAccounts/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    }
    return account;
  }

  /** Account names are global (they are DNS names). */
  isAccountNameTaken(name: string): boolean {
    return this.accounts.some((a) => eq(a.name, name));
  }

  accountsIn(subscriptionId: string, resourceGroup?: string): CosmosAccount[] {
    return this.accounts.filter(
      (a) => eq(a.subscriptionId, subscriptionId) && (resourceGroup === undefined || eq(a.resourceGroup, resourceGroup)),
    );
  }

  /** A live or deleted account by its instance id (the restorable account's name). */
  accountByInstanceId(instanceId: string): CosmosAccount | undefined {
    return (
      this.accounts.find((a) => eq(a.instanceId, instanceId)) ??
      this.deletedAccounts.find((a) => eq(a.instanceId, instanceId))
    );
  }

  // ----- helpers for tests -----

  /** Sets an account's backup policy to continuous with `tier`, immediately (no LRO). */
  setBackupTier(subscriptionId: string, resourceGroup: string, name: string, tier: ContinuousTier): void {
    const account = this.account(subscriptionId, resourceGroup, name);
    if (account.backup.type !== 'Continuous') account.continuousSince = this.clock.now();
    account.backup = { type: 'Continuous', tier };
    account.migration = undefined;
  }

  /** Sets an account to periodic backup, immediately. */
  setPeriodic(subscriptionId: string, resourceGroup: string, name: string): void {
    const account = this.account(subscriptionId, resourceGroup, name);
    account.backup = { type: 'Periodic', intervalMinutes: 240, retentionHours: 8, redundancy: 'Geo' };
    account.continuousSince = undefined;
    account.migration = undefined;
  }

  /** Deletes an account immediately; a continuous one becomes a deleted restorable account. */
  deleteAccount(subscriptionId: string, resourceGroup: string, name: string): CosmosAccount {
    const account = this.account(subscriptionId, resourceGroup, name);
    this.accounts.splice(this.accounts.indexOf(account), 1);
    account.deletedAt = this.clock.now();
    account.busyWith = undefined;
    if (account.backup.type === 'Continuous') this.deletedAccounts.push(account);
    return account;
  }

  findPostgres(subscriptionId: string, resourceGroup: string, name: string): PostgresCluster | undefined {
    return this.postgresClusters.find(
      (c) => eq(c.subscriptionId, subscriptionId) && eq(c.resourceGroup, resourceGroup) && eq(c.name, name),
    );
  }

  findMongoCluster(subscriptionId: string, resourceGroup: string, name: string): MongoCluster | undefined {
    return this.mongoClusters.find(
      (c) => eq(c.subscriptionId, subscriptionId) && eq(c.resourceGroup, resourceGroup) && eq(c.name, name),
    );
  }

  /** Throws 403 RequestDisallowedByPolicy when the subscription restricts locations. */
  checkLocationAllowed(subscriptionId: string, location: string): void {
    const allowed = this.subscription(subscriptionId).allowedLocations;
    if (allowed && !allowed.some((l) => normalizeLocation(l) === normalizeLocation(location))) {
      throw new ArmError(
        403,
        'RequestDisallowedByPolicy',
        `Resource was disallowed by policy. Policy identifiers: '[{"policyAssignment":{"name":"Allowed locations"},"policyDefinition":{"name":"Allowed locations"}}]'. Location '${location}' is not allowed in subscription '${subscriptionId}'.`,
      );
    }
  }

  /** The next fault matching a VM creation of `size` in `zone` (consumed). */
  takeVmCreateFault(size: string, zone: string | undefined): VmCreateFault | undefined {
    const fault = this.vmCreateFaults.find((f) => f.remaining > 0 && (!f.size || eq(f.size, size)) && (!f.zone || f.zone === zone));
    if (fault) fault.remaining--;
    return fault;
  }

  /** Removes a compute or network stand-in; a VM takes what runs on it, its run commands, and the disk and NICs marked deleteOption Delete. */
  deleteGeneric(key: string): void {
    const resource = this.generic.get(key.toLowerCase());
    if (!resource) return;
    this.generic.delete(key.toLowerCase());
    if (resource.type === 'virtualNetworks') {
      for (const childKey of [...this.generic.keys()]) if (childKey.startsWith(`${key.toLowerCase()}/subnets/`)) this.generic.delete(childKey);
    }
    if (resource.type !== 'virtualMachines') return;
    this.vmHost.stopVm(resource.id, 'Failed');
    for (const [childKey, child] of this.generic) {
      if (!childKey.startsWith(`${key.toLowerCase()}/runcommands/`)) continue;
      this.generic.delete(childKey);
      this.vmHost.forget(child.id);
    }
    const props = (resource.body['properties'] ?? {}) as Record<string, unknown>;
    const storage = (props['storageProfile'] ?? {}) as { osDisk?: { deleteOption?: string; managedDisk?: { id?: string } } };
    if (storage.osDisk?.deleteOption === 'Delete' && storage.osDisk.managedDisk?.id) this.generic.delete(storage.osDisk.managedDisk.id.toLowerCase());
    const nics = ((props['networkProfile'] ?? {}) as { networkInterfaces?: { id?: string; properties?: { deleteOption?: string }; deleteOption?: string }[] }).networkInterfaces ?? [];
    for (const nic of nics) if ((nic.properties?.deleteOption ?? nic.deleteOption) === 'Delete' && nic.id) this.generic.delete(nic.id.toLowerCase());
  }
}
