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

/** What a point-in-time restore can choose from: an account's resources at one instant. */
export const azureRestorableAtInputSchema = z
  .strictObject({
    ...connect,
    resourceId: z.string().min(1).max(1000).optional(),
    restorePointId: z.string().min(1).max(200).optional(),
    /** Default: the latest restorable time. */
    timestamp: timestamp.optional(),
    /** The region a new account would be restored into. */
    restoreLocation: z.string().min(1).max(100).optional(),
  })
  .refine((input) => input.resourceId || input.restorePointId, { message: 'name the account (resourceId) or its restore-point record (restorePointId)', path: ['resourceId'] });

const databaseList = z.array(z.object({ name: z.string(), children: z.array(z.string()) }));

/** The databases with their containers/collections/graphs and the tables that existed at `timestamp`. */
export const restorableAtViewSchema = z.object({
  accountName: z.string(),
  api: z.string(),
  timestamp: z.string(),
  window: z.object({ start: z.string(), end: z.string() }),
  accountDeleted: z.boolean(),
  databases: databaseList,
  tables: z.array(z.string()),
  /**
   * Of those, what is deleted now (a whole database has `child: null`): what an in-account restore
   * can bring back. Null for a deleted account, which can only be restored into a new one.
   */
  deleted: z.object({ items: z.array(z.object({ database: z.string(), child: z.string().nullable() })), tables: z.array(z.string()) }).nullable(),
});
export type RestorableAtView = z.infer<typeof restorableAtViewSchema>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const httpsUrl = z.url({ protocol: /^https$/, message: 'must be an https:// address' }).max(2048);

/** How a person or an app signs in to Azure from the console (the CLI's `azure login`). */
export const SIGN_IN_METHODS = ['interactive', 'device-code', 'service-principal'] as const;

/**
 * A sign-in to start: the cloud (a built-in one, a stored profile, or a custom cloud defined here
 * under that name), the tenant, and for a service principal its app id and a secret or certificate.
 * The secret travels once, to the core's encrypted store; it never comes back.
 */
export const azureSignInInputSchema = z
  .strictObject({
    method: z.enum(SIGN_IN_METHODS),
    cloudProfile: z.string().trim().min(1, 'must not be empty').max(64).default('AzureCloud'),
    customCloud: z
      .strictObject({
        armEndpoint: httpsUrl,
        authorityHost: httpsUrl,
        armAudience: httpsUrl.optional(),
        caCertFile: z.string().trim().min(1).max(4096).optional(),
      })
      .optional(),
    tenantId: z.string().trim().min(1, 'must not be empty').max(100).regex(/^[A-Za-z0-9.-]+$/, 'must be a tenant id (a GUID) or a domain such as contoso.onmicrosoft.com'),
    clientId: z.string().trim().regex(GUID, 'must be an application (client) id: a GUID').optional(),
    clientSecret: z.string().min(1).max(1024).optional(),
    certificatePem: z.string().min(1).max(65536).includes('PRIVATE KEY', { message: 'must hold the certificate and its private key (PEM)' }).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.method === 'service-principal') {
      if (!input.clientId) ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'is needed for a service principal' });
      if (Boolean(input.clientSecret) === Boolean(input.certificatePem)) ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'give a client secret or a certificate (one of them)' });
    } else if (input.clientSecret || input.certificatePem) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'only a service principal signs in with a secret or certificate' });
    }
  });
export type AzureSignInInput = z.input<typeof azureSignInInputSchema>;

/** A stored sign-in as the console lists it (never its secret). */
export const azureSignInViewSchema = z.object({
  id: z.string(),
  cloudProfile: z.string(),
  tenantId: z.string(),
  clientId: z.string(),
  kind: z.enum(['interactive', 'device-code', 'service-principal-secret', 'service-principal-certificate']),
  accountName: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type AzureSignInView = z.infer<typeof azureSignInViewSchema>;
