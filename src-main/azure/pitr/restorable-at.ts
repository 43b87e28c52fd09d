import type { RestorePointsStore } from '../../core/config-db/restore-points-store.ts';
import type { ArmClients } from '../arm-clients.ts';
import { translateArmError } from '../arm-errors.ts';
import { normalizeRegion } from '../cosmos-account-facts.ts';
import { restorableResourcesAt, type RestorableResources } from '../restorable-resources.ts';
import { deletedItems } from '../../shared/deleted-items.ts';
import type { RestorableAtView } from '../../shared/azure-contract.ts';
import { resolveCosmosSource } from './restore-source.ts';
import { checkTimestamp } from './validation.ts';

/** What to list: an account (live or deleted, by id or restore-point record) at one instant. */
export interface RestorableAtRequest {
  resourceId?: string;
  restorePointId?: string;
  /** Default: the latest restorable time. */
  timestamp?: Date;
  /** The region a new account would be restored into (default: the account's own). */
  restoreLocation?: string;
}

/**
 * What an account held at a chosen time, as Azure's restorable-resources-at-timestamp lists say —
 * the choices a point-in-time restore offers — and, for a live account, what of it is deleted now:
 * the only things an in-account restore can bring back (Azure restores nothing over a live one).
 */
export async function listRestorableAt(deps: { arm: ArmClients; restorePoints: RestorePointsStore; now: Date }, request: RestorableAtRequest, signal?: AbortSignal): Promise<RestorableAtView> {
  const source = await resolveCosmosSource(deps.arm, deps.restorePoints, { resourceId: request.resourceId, restorePointId: request.restorePointId }, deps.now, signal);
  const at = request.timestamp ?? source.window.end;
  // No safety margin here: this only lists; the restore itself keeps its margin.
  if (request.timestamp) checkTimestamp(request.timestamp, source.window, 0, true);
  const cosmos = deps.arm.cosmos(source.subscriptionId);
  const query = { location: normalizeRegion(source.restorable.location), instanceId: source.restorable.instanceId, api: source.api, signal };
  const list = (timestamp: Date | undefined, restoreLocation?: string) =>
    restorableResourcesAt(cosmos, { ...query, timestamp, restoreLocation: restoreLocation ? normalizeRegion(restoreLocation) : undefined }).catch((error: unknown) => {
      throw translateArmError(error, `Listing what ${source.accountName} held${timestamp ? ` at ${timestamp.toISOString()}` : ' now'}`);
    });
  // Without a time, Azure answers for its own latest restorable time (which lags behind now).
  const [then, now] = await Promise.all([list(request.timestamp, request.restoreLocation), source.deleted ? Promise.resolve(null) : list(undefined)]);
  const listed = sorted(then);
  return {
    accountName: source.accountName,
    api: source.api,
    timestamp: at.toISOString(),
    window: { start: source.window.start.toISOString(), end: source.window.end.toISOString() },
    accountDeleted: source.deleted,
    databases: listed.databases,
    tables: listed.tables,
    deleted: now ? { items: deletedItems(listed.databases, now.databases), tables: listed.tables.filter((table) => !now.tables.includes(table)) } : null,
  };
}

function sorted(resources: RestorableResources): RestorableResources {
  return {
    databases: [...resources.databases].map((db) => ({ name: db.name, children: [...db.children].sort() })).sort((a, b) => a.name.localeCompare(b.name)),
    tables: [...resources.tables].sort(),
  };
}
