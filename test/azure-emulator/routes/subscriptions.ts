import { RESOURCE_GROUPS_API_VERSIONS, SUBSCRIPTIONS_API_VERSIONS } from '../api-versions.ts';
import type { Route } from '../context.ts';
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
  ];
}
