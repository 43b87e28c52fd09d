import { z } from 'zod';
import { RESOURCE_KINDS } from './policy.ts';

/** Which sign-in an Azure session uses (default: the AZURE_* variables or the only stored sign-in). */
const connect = { cloudProfile: z.string().min(1).max(100).optional(), tenantId: z.string().min(1).max(100).optional() };

/** A protectable resource as of the last inventory sync. */
export const azureResourceSchema = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  name: z.string(),
  kind: z.enum(RESOURCE_KINDS),
  api: z.string().nullable(),
  location: z.string(),
  tags: z.record(z.string(), z.string()),
  /** Backup policy, locations, migration state, CMK, restorable window… (see CosmosAccountFacts). */
  properties: z.record(z.string(), z.unknown()),
  deleted: z.boolean(),
  syncedAt: z.string(),
});

export const azureSyncInputSchema = z.strictObject({ ...connect, subscriptionIds: z.array(z.string().min(1)).max(1000).optional() });
export const azureConfigureInputSchema = z.strictObject({ ...connect, policy: z.string().min(1).max(200).optional() });

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time');

/** The restore wizard's request: one of three kinds of point-in-time restore. */
export const azureRestoreInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('new-account'),
    ...connect,
    sourceResourceId: z.string().min(1).optional(),
    restorePointId: z.string().min(1).optional(),
    targetName: z.string().min(1).max(100),
    targetResourceGroup: z.string().min(1).max(90),
    targetSubscriptionId: z.string().optional(),
    region: z.string().optional(),
    timestamp,
    selection: z.strictObject({ databases: z.array(z.strictObject({ name: z.string().min(1), children: z.array(z.string().min(1)).optional() })).optional(), tables: z.array(z.string().min(1)).optional() }).optional(),
    disableTtl: z.boolean().default(false),
    disablePublicNetworkAccess: z.boolean().default(false),
    reason: z.string().trim().min(1, 'must say why').max(2000),
  }),
  z.strictObject({ kind: z.literal('in-account'), ...connect, accountId: z.string().min(1), database: z.string().min(1), child: z.string().min(1).optional(), timestamp, reason: z.string().trim().min(1, 'must say why').max(2000) }),
  z.strictObject({ kind: z.literal('cluster'), ...connect, sourceResourceId: z.string().min(1), targetName: z.string().min(1).max(100), targetResourceGroup: z.string().min(1).max(90), timestamp, reason: z.string().trim().min(1, 'must say why').max(2000) }),
]);
export type AzureRestoreInput = z.input<typeof azureRestoreInputSchema>;
