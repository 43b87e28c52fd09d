import { parseRepositoryLocation } from '../../repository/index.ts';
import { AppError } from '../../shared/errors.ts';
import type { WorkerPlacement } from '../../worker/worker-launcher.ts';
import type { ArmConnector } from '../sign-in/azure-connector.ts';

const STORAGE_API = '2023-05-01';

/**
 * Where a blob repository lives: the region and subscription of its storage account, found with
 * ARM among the inventory's subscriptions (archive copies run on a worker there). Remembered per
 * account name for the life of the process; undefined when it cannot be known (no sign-in, an
 * account outside the inventory's subscriptions, a folder, a SAS-token repository).
 */
export class StorageAccountLocator {
  private readonly found = new Map<string, WorkerPlacement | undefined>();
  private readonly deps: { connector: ArmConnector; subscriptions: () => string[] };

  constructor(deps: { connector: ArmConnector; subscriptions: () => string[] }) {
    this.deps = deps;
  }

  async placementOf(repository: { location: string; credentials?: unknown }): Promise<WorkerPlacement | undefined> {
    let location;
    try {
      location = parseRepositoryLocation(repository.location);
    } catch {
      return undefined;
    }
    if (location.kind !== 'azure' || (repository.credentials as { kind?: string } | undefined)?.kind !== 'sharedKey') return undefined;
    const name = location.accountName.toLowerCase();
    if (this.found.has(name)) return this.found.get(name);
    let arm;
    try {
      arm = (await this.deps.connector.connect()).arm;
    } catch (error) {
      if (error instanceof AppError && error.code === 'unauthorized') return undefined;
      throw error;
    }
    let placement: WorkerPlacement | undefined;
    for (const subscriptionId of this.deps.subscriptions()) {
      const accounts = await arm.request<{ value?: { name: string; location: string }[] }>('GET', `/subscriptions/${subscriptionId}/providers/Microsoft.Storage/storageAccounts`, STORAGE_API).catch(() => undefined);
      const account = accounts?.body.value?.find((a) => a.name.toLowerCase() === name);
      if (account) {
        placement = { region: account.location.toLowerCase().replace(/\s+/g, ''), subscriptionId };
        break;
      }
    }
    this.found.set(name, placement);
    return placement;
  }
}
