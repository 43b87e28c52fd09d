import type { RestorePointRecordDto } from '../../../src-main/shared/catalog.ts';
import { policySchema, type Policy } from '../../../src-main/shared/policy.ts';
import type { AzureResource } from '../../../src-renderer/src/logic/azure-resources.ts';

/** Inventory records, continuous records and policies shaped as the core writes them. */

export const SUB = '00000000-1111-4222-8333-444444444444';
export const accountId = (name: string, rg = 'rg-prod') => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.DocumentDB/databaseAccounts/${name}`;

export function account(name: string, overrides: Partial<AzureResource> = {}, properties: Record<string, unknown> = {}): AzureResource {
  return {
    id: accountId(name),
    subscriptionId: SUB,
    resourceGroup: 'rg-prod',
    name,
    kind: 'cosmosdb-account',
    api: 'Sql',
    location: 'West US',
    tags: {},
    properties: {
      api: 'Sql',
      locations: ['West US', 'East US'],
      backup: { type: 'Continuous', tier: 'Continuous7Days' },
      migration: null,
      restorable: { oldestRestorableTime: '2026-11-14T00:00:00.000Z', restorableLocations: ['West US', 'East US'], deletionTime: null },
      ...properties,
    },
    deleted: false,
    syncedAt: '2026-11-21T00:00:00.000Z',
    ...overrides,
  };
}

export function record(resourceId: string, pointTime: string, metadata: Record<string, unknown> = {}, window: { start: string; end: string } = { start: '2026-11-14T00:00:00.000Z', end: pointTime }): RestorePointRecordDto {
  return {
    id: `rec-${pointTime}`,
    kind: 'continuous',
    resourceId,
    policyId: 'p1',
    repositoryId: null,
    sessionId: null,
    pointTime,
    windowStart: window.start,
    windowEnd: window.end,
    gfs: [],
    sizeBytes: null,
    metadata: {
      resourceType: 'cosmosdb-account',
      accountName: 'orders-sql',
      subscriptionId: SUB,
      resourceGroup: 'rg-prod',
      api: 'Sql',
      location: 'West US',
      restorableLocations: ['West US', 'East US'],
      databases: [{ name: 'orders', children: ['items', 'customers'] }],
      tables: [],
      backupTier: 'Continuous7Days',
      deleted: false,
      ...metadata,
    },
    createdAt: pointTime,
  };
}

/** A valid policy (through the contract's schema, so defaults are filled). */
export function policy(overrides: Record<string, unknown> = {}): Policy {
  return policySchema.parse({
    id: 'p1',
    name: 'prod',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    scope: { include: { all: true } },
    continuousBackup: { enabled: true, tier: 'Continuous7Days' },
    ...overrides,
  });
}
