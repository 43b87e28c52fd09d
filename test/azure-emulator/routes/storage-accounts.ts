import type { Route } from '../context.ts';

/** Storage accounts (list per subscription): where the app finds the region of a blob repository. */
export function storageAccountRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts',
      apiVersions: ['2025-06-01', '2025-01-01', '2024-01-01', '2023-05-01', '2023-01-01'],
      action: 'Microsoft.Storage/storageAccounts/read',
      handle: (ctx) => {
        const sub = ctx.env.state.subscription(ctx.params['subscriptionId'] ?? '');
        const value = ctx.env.state.storageAccounts
          .filter((a) => a.subscriptionId.toLowerCase() === sub.subscriptionId.toLowerCase())
          .map((a) => ({
            id: `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.Storage/storageAccounts/${a.name}`,
            name: a.name,
            type: 'Microsoft.Storage/storageAccounts',
            location: a.location,
            kind: 'StorageV2',
            sku: { name: 'Standard_LRS', tier: 'Standard' },
            properties: { primaryEndpoints: { blob: `https://${a.name}.blob.core.windows.net/` }, provisioningState: 'Succeeded' },
          }));
        return { status: 200, body: { value } };
      },
    },
  ];
}
