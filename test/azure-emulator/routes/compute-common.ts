import { ArmError } from '../arm-error.ts';
import { COMPUTE_API_VERSIONS } from '../api-versions.ts';
import type { ArmContext, LroDurations } from '../context.ts';
import { normalizeLocation } from '../state/locations.ts';
import type { GenericResource } from '../state/types.ts';
import { startOperation } from './common.ts';

/** What the compute, network and Run Command routes share. */
const RG = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers';

/** One resource type: its ARM type, path below the resource group, provider and how long its operations take. */
export interface Kind {
  provider: 'Microsoft.Compute' | 'Microsoft.Network';
  type: string; // e.g. virtualNetworks or virtualNetworks/subnets
  pattern: string;
  versions: readonly string[];
  duration: keyof LroDurations;
}

export const VM_KIND: Kind = { provider: 'Microsoft.Compute', type: 'virtualMachines', pattern: `${RG}/Microsoft.Compute/virtualMachines/{name}`, versions: COMPUTE_API_VERSIONS, duration: 'vmCreate' };


/** The resource's id: the request path without a trailing action (start, runCommand, ...). */
export function resourceId(ctx: ArmContext): string {
  return ctx.req.url.pathname.replace(/\/+$/, '').replace(/\/(start|deallocate|powerOff|restart|runCommand)$/i, '');
}

export function notFound(kind: { provider: string; type: string }, name: string, group: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', `The Resource '${kind.provider}/${kind.type}/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
}

export function find(ctx: ArmContext, kind: Kind, id = resourceId(ctx)): GenericResource {
  ctx.env.state.resourceGroup(ctx.params['subscriptionId'] ?? '', ctx.params['resourceGroupName'] ?? '');
  const r = ctx.env.state.generic.get(id.toLowerCase());
  if (!r) throw notFound(kind, ctx.params['name'] ?? '', ctx.params['resourceGroupName'] ?? '');
  return r;
}

export function operation(ctx: ArmContext, r: GenericResource, kind: Pick<Kind, 'provider' | 'duration'>, onSuccess: () => void, result?: () => unknown, onFailure?: () => void) {
  return startOperation(ctx, {
    subscriptionId: r.subscriptionId,
    provider: kind.provider,
    location: normalizeLocation(String(r.body['location'] ?? 'westus')),
    durationMs: ctx.env.settings.durations[kind.duration],
    statusSegment: 'operations',
    resultSegment: 'operationResults',
    onSuccess,
    onFailure,
    result,
  });
}

