import { z } from 'zod';
import { logLineSchema, LOG_LEVELS, SESSION_KINDS, SESSION_STATUSES, sessionSchema } from './session.ts';
import { policySchema, RESOURCE_KINDS, SCHEDULE_NAMES } from './policy.ts';
import { settingsSchema, settingsUpdateSchema } from './settings.ts';
import { errorPayloadSchema } from './errors.ts';
import { azureConfigureInputSchema, azureResourceSchema, azureRestorableAtInputSchema, azureRestoreInputSchema, restorableAtViewSchema, azureSignInInputSchema, azureSignInViewSchema, azureSyncInputSchema } from './azure-contract.ts';
import { workerConfigurationInputSchema, workerConfigurationViewSchema, workerViewSchema } from './workers.ts';
import { addRepositoryInputSchema, backupStartInputSchema, repositoryRestoreInputSchema, repositorySummarySchema, restorePointRecordSchema, RESTORE_POINT_KINDS } from './catalog.ts';

/**
 * The one IPC contract between the console and the core. Every invoke channel has an input and an
 * output schema; every event has a payload schema. Both transports (Electron IPC and the loopback
 * WebSocket) validate inputs against it before anything runs, so a malformed payload changes nothing.
 */

const empty = z.strictObject({});
const id = z.string().min(1).max(200);

export const appInfoSchema = z.object({
  version: z.string(),
  dataDir: z.string(),
  transport: z.enum(['ipc', 'websocket']),
  nodeVersion: z.string(),
  schedulingPaused: z.boolean(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** One policy's schedule as `schedules.list` reports it. */
export const scheduleViewSchema = z.object({
  policyId: z.string(),
  policyName: z.string(),
  enabled: z.boolean(),
  timeZone: z.string().nullable(),
  nextRuns: z.array(z.object({ at: z.string(), schedules: z.array(z.enum(SCHEDULE_NAMES)) })),
  lastDueAt: z.string().nullable(),
  lastSessionId: z.string().nullable(),
  lastResult: z.string().nullable(),
  /** Cosmos DB for PostgreSQL clusters of the inventory this policy governs now. */
  resourceCount: z.number().int().nonnegative(),
});

export const policyValidationSchema = z.object({
  ok: z.boolean(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});

/** What a policy being written would cover: each resource, and the other policy that wins it by priority (null: this one). */
export const policyPreviewSchema = z.object({
  resources: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(RESOURCE_KINDS),
      subscriptionId: z.string(),
      subscriptionName: z.string().nullable(),
      resourceGroup: z.string(),
      location: z.string(),
      governedBy: z.object({ id: z.string(), name: z.string(), priority: z.number() }).nullable(),
    }),
  ),
  /** Problems with the scope that stop a preview (the rest of the policy is not needed yet). */
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type PolicyPreview = z.infer<typeof policyPreviewSchema>;

/** The dashboard's answer to "am I protected?" (see core/jobs/dashboard-summary.ts). */
const protectionState = z.enum(['protected', 'unprotected', 'failing', 'overdue']);
export const dashboardSummarySchema = z.object({
  generatedAt: z.string(),
  counts: z.record(protectionState, z.number().int()),
  rows: z.array(
    z.object({
      resourceId: z.string(),
      name: z.string(),
      kind: z.enum(RESOURCE_KINDS),
      state: protectionState,
      reason: z.string(),
      policyName: z.string().nullable(),
      lastBackupAt: z.string().nullable(),
      expectedEveryHours: z.number().nullable(),
    }),
  ),
  sessionsByDay: z.array(z.object({ day: z.string(), succeeded: z.number(), warning: z.number(), failed: z.number(), canceled: z.number() })),
  sessionsLast24h: z.object({ succeeded: z.number(), warning: z.number(), failed: z.number(), canceled: z.number(), running: z.number() }),
  restorePointsByDay: z.array(z.object({ day: z.string(), count: z.number(), total: z.number() })),
  /** Continuous backup of every account a policy protects with it: the window against the tier (see core/jobs/continuous-window-health.ts). */
  continuousWindows: z.array(
    z.object({ resourceId: z.string(), name: z.string(), state: z.enum(['healthy', 'growing', 'drifted', 'stale', 'missing']), reason: z.string(), windowDays: z.number().nullable(), tierDays: z.number(), recordedAt: z.string().nullable() }),
  ),
  /** The repositories' total stored size at the end of each of the last 30 UTC days. */
  repositorySizeByDay: z.array(z.object({ day: z.string(), bytes: z.number() })),
  repositories: z.array(z.object({ id: z.string(), name: z.string(), sizeBytes: z.number().nullable(), restorePointCount: z.number().nullable() })),
  upcoming: z.array(z.object({ policyId: z.string(), policyName: z.string(), at: z.string(), schedules: z.array(z.string()) })),
});
export type DashboardSummary = z.infer<typeof dashboardSummarySchema>;

/** The list prices of a cost estimate (shared/price-table.ts), and why they are the bundled ones when they are. */
export const pricesViewSchema = z.object({
  source: z.enum(['retail-api', 'bundled']),
  asOf: z.string(),
  region: z.string(),
  currency: z.literal('USD'),
  continuous30DaysPerGbMonth: z.number(),
  continuous7DaysPerGbMonth: z.number(),
  blobPerGbMonth: z.object({ hot: z.number(), cool: z.number(), cold: z.number(), archive: z.number() }),
  vmPerHour: z.record(z.string(), z.number()),
  fallbacks: z.array(z.string()),
  note: z.string().nullable(),
});

export const channels = {
  'app.info': { input: empty, output: appInfoSchema },
  'sessions.list': {
    input: z.strictObject({
      status: z.array(z.enum(SESSION_STATUSES)).optional(),
      kind: z.array(z.enum(SESSION_KINDS)).optional(),
      limit: z.number().int().min(1).max(1000).default(200),
      /** Page back from this createdAt (exclusive). */
      before: z.string().optional(),
      /** Only the tasks of this session (a policy run's per-resource backups and retention). */
      parentId: id.optional(),
      /** Only the sessions of this resource (backups, restores of it). */
      resourceId: z.string().min(1).max(1000).optional(),
      /** Only the sessions of this policy (its runs and their tasks). */
      policyId: id.optional(),
      /** Only sessions created at or after this time (ISO 8601). */
      after: z.iso.datetime().optional(),
    }),
    output: z.array(sessionSchema),
  },
  'sessions.get': { input: z.strictObject({ id }), output: sessionSchema },
  'sessions.logs': {
    input: z.strictObject({
      id,
      afterSeq: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(100_000).default(5000),
      minLevel: z.enum(LOG_LEVELS).default('debug'),
    }),
    output: z.object({ lines: z.array(logLineSchema), lastSeq: z.number().int().min(0) }),
  },
  /**
   * Live log lines of one session arrive as `session.log` events from `afterSeq` on: stored lines first,
   * then live ones, always in sequence order with no gaps. A slow client is fed from the DB at its own
   * pace, so the server's memory stays bounded.
   */
  'sessions.watch': { input: z.strictObject({ id, afterSeq: z.number().int().min(0).default(0) }), output: z.object({ watching: z.literal(true) }) },
  'sessions.unwatch': { input: z.strictObject({ id }), output: z.object({ watching: z.literal(false) }) },
  'sessions.cancel': { input: z.strictObject({ id }), output: sessionSchema },
  'checks.environment': { input: empty, output: sessionSchema },
  /** "Am I protected?": every resource's state, sessions of the last 24 h and 7 days, restore-point growth, repository sizes, next runs. */
  'dashboard.summary': { input: empty, output: dashboardSummarySchema },
  'policies.list': { input: empty, output: z.array(policySchema) },
  'policies.get': { input: z.strictObject({ id }), output: policySchema },
  /** Checks a policy without saving it; the issues name each field at fault. */
  'policies.validate': { input: z.strictObject({ policy: z.unknown() }), output: policyValidationSchema },
  'policies.save': { input: z.strictObject({ policy: z.unknown() }), output: policySchema },
  /** Saves the policies of an imported file, all or nothing; the same id or name replaces a policy (as `policy import`). */
  'policies.import': { input: z.strictObject({ policies: z.unknown() }), output: z.array(policySchema) },
  /** Policies in the file format of `policy export` (all, or the given ids). */
  'policies.export': { input: z.strictObject({ ids: z.array(id).max(1000).default([]) }), output: z.array(z.record(z.string(), z.unknown())) },
  /** The resources of the synced inventory a policy being written would cover, and which policy wins each. */
  /** List prices for the policy wizard's cost estimate: Azure's Retail Prices API when reachable, else the bundled table. */
  'prices.get': { input: z.strictObject({ region: z.string().trim().regex(/^[a-z0-9]{2,40}$/i, 'must be an Azure region name such as eastus').optional() }), output: pricesViewSchema },
  'policies.preview': { input: z.strictObject({ policy: z.unknown() }), output: policyPreviewSchema },
  /** Runs a policy's repository backup now; follow the returned policy session and its tasks. */
  'policies.run': { input: z.strictObject({ id }), output: sessionSchema },
  /** Turns a policy's schedules on or off. */
  'policies.setEnabled': { input: z.strictObject({ id, enabled: z.boolean() }), output: policySchema },
  /** Every policy's next runs (with their GFS flags) and last result. */
  'schedules.list': { input: empty, output: z.array(scheduleViewSchema) },
  /** Sets the database login scheduled backups use for an Azure resource (kept encrypted; the password never comes back). */
  'resourceLogins.set': {
    input: z.strictObject({ resourceId: z.string().min(1).max(1000), user: z.string().trim().min(1).max(63), password: z.string().min(1).max(1024) }),
    output: z.object({ resourceId: z.string(), user: z.string() }),
  },
  /** Which resources have a database login for scheduled backups, and its user name (never the password). */
  'resourceLogins.status': {
    input: z.strictObject({ resourceIds: z.array(z.string().min(1).max(1000)).max(1000) }),
    output: z.array(z.object({ resourceId: z.string(), user: z.string().nullable() })),
  },
  'policies.delete': { input: z.strictObject({ id }), output: z.object({ deleted: z.literal(true) }) },
  'repositories.list': { input: empty, output: z.array(repositorySummarySchema) },
  /** Starts the connection test (open, or create) as a session; the repository is catalogued only if it passes. */
  'repositories.add': { input: addRepositoryInputSchema, output: sessionSchema },
  'repositories.check': { input: z.strictObject({ id, readData: z.boolean().default(false) }), output: sessionSchema },
  'repositories.rescan': { input: z.strictObject({ id }), output: sessionSchema },
  'restorePoints.list': {
    input: z.strictObject({
      resourceId: z.string().optional(),
      repositoryId: z.string().optional(),
      kind: z.enum(RESTORE_POINT_KINDS).optional(),
      limit: z.number().int().min(1).max(5000).default(1000),
    }),
    output: z.array(restorePointRecordSchema),
  },
  /** Accounts and clusters as of the last inventory sync. */
  /** Stored Azure sign-ins (never their secrets). */
  'azure.signIns': { input: empty, output: z.array(azureSignInViewSchema) },
  /** Starts a sign-in as a session: a device code and where to enter it appear in its log. */
  'azure.signIn': { input: azureSignInInputSchema, output: sessionSchema },
  /** Forgets the sign-ins of a cloud profile (one tenant, or all) with their secrets and token caches. */
  'azure.signOut': { input: z.strictObject({ cloudProfile: z.string().min(1).max(64), tenantId: z.string().min(1).max(100).optional() }), output: z.object({ removed: z.number().int() }) },
  /** Subscriptions seen at the last inventory sync, with their names. */
  'azure.subscriptions': { input: empty, output: z.array(z.object({ id: z.string(), displayName: z.string(), tenantId: z.string(), state: z.string() })) },
  'azure.resources': { input: z.strictObject({ includeDeleted: z.boolean().default(false) }), output: z.array(azureResourceSchema) },
  /** Starts an inventory sync session (subscriptions, accounts, clusters, restore-point records). */
  'azure.sync': { input: azureSyncInputSchema, output: sessionSchema },
  /** Starts a configuration session (continuous-backup tiers as the policies say), then a sync. */
  'azure.configure': { input: azureConfigureInputSchema, output: sessionSchema },
  /** Starts a point-in-time restore session: new account, in-account, or a PostgreSQL / MongoDB vCore cluster. */
  'azure.restorePitr': { input: azureRestoreInputSchema, output: sessionSchema },
  /** The databases, containers and tables an account held at a time, and which of them are deleted now (point-in-time restore's choices). */
  'azure.restorableAt': { input: azureRestorableAtInputSchema, output: restorableAtViewSchema },
  /** Starts a restore of a repository restore point on a worker; follow the returned session. */
  'restores.start': { input: repositoryRestoreInputSchema, output: sessionSchema },
  /** Target databases a failed, canceled or lost restore left half-restored (until a restore of them succeeds). */
  /** Worker configurations, one per region (a region without one follows the workerDefault setting). */
  'workers.configurations': { input: empty, output: z.array(workerConfigurationViewSchema) },
  /** Adds a worker configuration, or replaces the one `replaces` names; the subnet is checked with Azure first. */
  'workers.saveConfiguration': { input: z.strictObject({ replaces: id.optional(), configuration: workerConfigurationInputSchema }), output: workerConfigurationViewSchema },
  'workers.removeConfiguration': { input: z.strictObject({ id }), output: z.object({ removed: z.literal(true) }) },
  /** Worker VMs: live ones first, then recent released ones. */
  'workers.list': { input: empty, output: z.array(workerViewSchema) },
  /** Deletes a worker VM now (with its disk and NIC) in a session. */
  'workers.release': { input: z.strictObject({ id }), output: sessionSchema },
  /** Who restored what, when and why: repository and point-in-time restores, newest first. */
  'restores.audit': {
    input: empty,
    output: z.array(z.object({ sessionId: z.string(), kind: z.enum(['repository', 'point-in-time']), what: z.string(), reason: z.string(), requestedBy: z.string(), createdAt: z.string(), status: z.string().nullable() })),
  },
  'restores.halfRestored': {
    input: empty,
    output: z.array(z.object({ sessionId: z.string(), server: z.string(), database: z.string(), touchedAt: z.string() })),
  },
  /** Starts bringing an archived restore point back online (Archive → Hot); follow the returned session. */
  'restorePoints.rehydrate': {
    input: z.strictObject({ repositoryId: id, restorePointId: z.string().regex(/^[0-9a-f]{64}$/, 'must be a restore point id'), priority: z.enum(['Standard', 'High']).default('Standard') }),
    output: sessionSchema,
  },
  /** Starts a backup of a server into a catalogued repository on a worker; follow the returned session. */
  'backups.start': { input: backupStartInputSchema, output: sessionSchema },
  /** Every setting's current value. */
  /** Keeps the SMTP login's password (encrypted), or forgets it (null). It never comes back. */
  'notifications.smtpPassword': { input: z.strictObject({ password: z.string().min(1).max(1024).nullable() }), output: z.object({ kept: z.boolean() }) },
  /** Whether an SMTP password is kept. */
  'notifications.status': { input: empty, output: z.object({ smtpPasswordKept: z.boolean(), configured: z.boolean() }) },
  /** Sends a test e-mail with the current settings; fails with the mail server's answer. */
  'notifications.test': { input: empty, output: z.object({ sentTo: z.string() }) },
  'settings.get': { input: empty, output: settingsSchema },
  /** Changes some settings at once (all or nothing); they apply without a restart. */
  'settings.update': { input: z.strictObject({ values: settingsUpdateSchema }), output: settingsSchema },
  'scheduling.setPaused': { input: z.strictObject({ paused: z.boolean() }), output: appInfoSchema },
} as const;

export type ChannelName = keyof typeof channels;
export type ChannelInput<C extends ChannelName> = z.input<(typeof channels)[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<(typeof channels)[C]['output']>;

export const events = {
  /** A session was created or changed (status, progress, counts). Sent to every client. */
  'session.updated': sessionSchema,
  /** Log lines of a watched session, in sequence order, batched. */
  'session.log': z.object({ sessionId: z.string(), lines: z.array(logLineSchema) }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && Object.hasOwn(channels, value);
}

/** What every invoke returns on either transport: a value or a typed error. */
export const invokeResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: errorPayloadSchema }),
]);
export type InvokeResult = z.infer<typeof invokeResultSchema>;

/** Messages of the WebSocket transport. */
export const wsClientMessageSchema = z.object({
  type: z.literal('invoke'),
  id: z.number().int(),
  channel: z.string(),
  payload: z.unknown(),
});
export type WsClientMessage = z.infer<typeof wsClientMessageSchema>;
export type WsServerMessage =
  | ({ type: 'result'; id: number } & InvokeResult)
  | { type: 'event'; event: EventName; payload: unknown };
