import { RESOURCE_GROUPS_API_VERSIONS, SUBSCRIPTIONS_API_VERSIONS } from '../api-versions.ts';
import { badRequest } from '../arm-error.ts';
import type { Route } from '../context.ts';
import { normalizeLocation } from '../state/locations.ts';
import { obj, str } from './common.ts';
import { page } from '../paging.ts';
import type { ResourceGroup, Subscription } from '../state/types.ts';

function renderSubscription(s: Subscription): Record<string, unknown> {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    tags: {},
  };
}

function renderGroup(subscriptionId: string, rg: ResourceGroup): Record<string, unknown> {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${rg.name}`,
    name: rg.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: rg.location,
    tags: rg.tags,
    properties: { provisioningState: 'Succeeded' },
  };
}

/** Subscriptions (what the caller can see) and resource groups. */
export function subscriptionRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/subscriptions',
      apiVersions: SUBSCRIPTIONS_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/read',
      handle: (ctx) => {
        const visible = [...ctx.env.state.subscriptions.values()].filter(
          (s) => s.tenantId.toLowerCase() === ctx.env.state.tenantId.toLowerCase() && ctx.env.principals.canSeeSubscription(ctx.principal, s.subscriptionId),
        );
        return { status: 200, body: page(ctx, visible, renderSubscription) };
      },
    },
    {
      method: 'GET',
      pattern: '/subscriptions/{subscriptionId}',
      apiVersions: SUBSCRIPTIONS_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/read',
      handle: (ctx) => ({ status: 200, body: renderSubscription(ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '')) }),
    },
    {
      method: 'GET',
      pattern: '/subscriptions/{subscriptionId}/resourcegroups',
      apiVersions: RESOURCE_GROUPS_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      handle: (ctx) => {
        const sub = ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
        return { status: 200, body: page(ctx, [...sub.resourceGroups.values()], (rg) => renderGroup(sub.subscriptionId, rg)) };
      },
    },
    {
      method: 'GET',
      pattern: '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}',
      apiVersions: RESOURCE_GROUPS_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      handle: (ctx) => {
        const sub = ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
        return { status: 200, body: renderGroup(sub.subscriptionId, ctx.env.state.resourceGroup(sub.subscriptionId, ctx.params['resourceGroupName'] ?? '')) };
      },
    },
    {
      method: 'PUT',
      pattern: '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}',
      apiVersions: RESOURCE_GROUPS_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/resourceGroups/write',
      handle: (ctx) => {
        const sub = ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
        const name = ctx.params['resourceGroupName'] ?? '';
        const existing = sub.resourceGroups.get(name.toLowerCase());
        const location = str(ctx.body['location']);
        if (!location) throw badRequest("The 'location' property is required.", 'LocationRequired');
        if (existing && normalizeLocation(existing.location) !== normalizeLocation(location)) {
          throw badRequest(`Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`, 'InvalidResourceGroupLocation');
        }
        ctx.env.state.checkLocationAllowed(sub.subscriptionId, location);
        const tags = Object.fromEntries(Object.entries(obj(ctx.body['tags'])).map(([k, v]) => [k, String(v)]));
        const rg: ResourceGroup = { name: existing?.name ?? name, location: normalizeLocation(location), tags };
        sub.resourceGroups.set(name.toLowerCase(), rg);
        return { status: existing ? 200 : 201, body: renderGroup(sub.subscriptionId, rg) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}',
      apiVersions: RESOURCE_GROUPS_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/resourceGroups/delete',
      handle: (ctx) => {
        const sub = ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
        const rg = ctx.env.state.resourceGroup(sub.subscriptionId, ctx.params['resourceGroupName'] ?? '');
        // ARM deletes what the group holds with it (here: the compute and network stand-ins).
        for (const [key, resource] of ctx.env.state.generic) {
          if (resource.subscriptionId.toLowerCase() === sub.subscriptionId.toLowerCase() && resource.resourceGroup.toLowerCase() === rg.name.toLowerCase()) ctx.env.state.deleteGeneric(key);
        }
        sub.resourceGroups.delete(rg.name.toLowerCase());
        return { status: 200 };
      },
    },
  ];
}
