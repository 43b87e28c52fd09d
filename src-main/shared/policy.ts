import { z } from 'zod';

/**
 * The policy model: what a policy protects (scope), how (Azure continuous backup tier, repository
 * backups on schedules, archive copies) and for how long. The JSON shape here is also the file
 * format of `cosmos-backup policy import|export`, so its keys are fixed once released.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ARM_RESOURCE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/i;
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Resource kinds a policy can cover. */
export const RESOURCE_KINDS = ['cosmosdb-account', 'postgres-cluster', 'mongo-vcore-cluster'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

const subscriptionId = z.string().regex(GUID, 'must be a subscription id (a GUID)');
const resourceId = z.string().regex(ARM_RESOURCE_ID, 'must be a full Azure resource id (/subscriptions/…/resourceGroups/…/providers/…)');
const timeOfDay = z.string().regex(TIME_OF_DAY, 'must be a time of day as HH:MM (24-hour)');
const weekday = z.enum(WEEKDAYS, { message: `must be one of ${WEEKDAYS.join(', ')}` });

const resourceGroupRef = z.strictObject({ subscriptionId, name: z.string().min(1, 'must not be empty').max(90) });
const tagCondition = z.strictObject({
  name: z.string().min(1, 'must not be empty').max(512),
  /** Without a value, any value of the tag matches. */
  value: z.string().max(256).optional(),
});

const scopeSelection = z.strictObject({
  subscriptions: z.array(subscriptionId).default([]),
  resourceGroups: z.array(resourceGroupRef).default([]),
  tags: z.array(tagCondition).default([]),
  resources: z.array(resourceId).default([]),
});

/**
 * Scope: `include.all` takes everything; otherwise a resource is included when it is listed in
 * `include.resources`, or when it meets every non-empty condition list (subscriptions AND resource
 * groups AND tags, each list OR-ed within). Exclusions win over inclusions.
 */
export const policyScopeSchema = z.strictObject({
  resourceKinds: z.array(z.enum(RESOURCE_KINDS)).min(1, 'must name at least one resource kind').default([...RESOURCE_KINDS]),
  include: scopeSelection.extend({ all: z.boolean().default(false) }),
  exclude: scopeSelection.default({ subscriptions: [], resourceGroups: [], tags: [], resources: [] }),
});

export const CONTINUOUS_TIERS = ['Continuous7Days', 'Continuous30Days'] as const;
export type ContinuousTier = (typeof CONTINUOUS_TIERS)[number];

export const continuousBackupSchema = z.strictObject({
  enabled: z.boolean(),
  tier: z.enum(CONTINUOUS_TIERS, { message: 'must be Continuous7Days or Continuous30Days' }),
  /** Periodic-mode accounts are only reported unless this is true; the migration is one-way. */
  migratePeriodicAccounts: z.boolean().default(false),
});

/** How a weekly/monthly/yearly schedule makes its restore points. */
export const GFS_MODES = ['flag-daily', 'separate'] as const;

const dailySchedule = z.strictObject({
  enabled: z.boolean(),
  time: timeOfDay,
  days: z.array(weekday).min(1, 'must name at least one day').default([...WEEKDAYS]),
  keepDays: z.number().int().min(1, 'must keep at least 1 day').max(3650),
});
const weeklySchedule = z.strictObject({
  enabled: z.boolean(),
  time: timeOfDay,
  day: weekday,
  keepWeeks: z.number().int().min(1, 'must keep at least 1 week').max(520),
  /** `flag-daily` marks that day's daily restore point as weekly (GFS) instead of running a separate backup. */
  mode: z.enum(GFS_MODES).default('flag-daily'),
});
const monthlySchedule = z.strictObject({
  enabled: z.boolean(),
  time: timeOfDay,
  /** A day from 1 to 28, or "last"; with `weekday`, "first" or "last" (the first Monday, the last Friday…). */
  dayOfMonth: z.union([z.number().int().min(1).max(28), z.literal('last'), z.literal('first')], { message: 'must be a day from 1 to 28, "first" or "last"' }),
  weekday: weekday.optional(),
  keepMonths: z.number().int().min(1, 'must keep at least 1 month').max(1200),
  mode: z.enum(GFS_MODES).default('flag-daily'),
});
const yearlySchedule = z.strictObject({
  enabled: z.boolean(),
  time: timeOfDay,
  month: z.number().int().min(1, 'must be a month from 1 to 12').max(12, 'must be a month from 1 to 12'),
  dayOfMonth: z.union([z.number().int().min(1).max(28), z.literal('last')], { message: 'must be a day from 1 to 28, or "last"' }),
  keepYears: z.number().int().min(1, 'must keep at least 1 year').max(100),
  mode: z.enum(GFS_MODES).default('flag-daily'),
});

export const SCHEDULE_NAMES = ['daily', 'weekly', 'monthly', 'yearly'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export const repositoryBackupSchema = z.strictObject({
  repositoryId: z.string().min(1, 'must name a repository'),
  schedules: z.strictObject({
    daily: dailySchedule.optional(),
    weekly: weeklySchedule.optional(),
    monthly: monthlySchedule.optional(),
    yearly: yearlySchedule.optional(),
  }),
});

export const archiveSchema = z.strictObject({
  repositoryId: z.string().min(1, 'must name an archive repository'),
  /** Which schedules' restore points are copied to the archive. */
  fromSchedules: z.array(z.enum(SCHEDULE_NAMES)).min(1, 'must name at least one schedule'),
  retention: z.strictObject({
    value: z.number().int().positive('must be a positive whole number'),
    unit: z.enum(['months', 'years']),
  }),
});

/** True when the runtime knows `zone` as an IANA time zone. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const MISSED_RUN_MODES = ['runOnce', 'skip'] as const;

const policyFields = z.strictObject({
    /** Absent on a new policy: the store assigns one. */
    id: z.string().min(1).max(100).optional(),
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      // Names reach terminals and e-mails: no control characters or escape sequences.
      .refine((name) => ![...name].some((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) <= 0x9f)), 'must not contain control characters or terminal escape sequences'),
    description: z.string().max(1000).default(''),
    enabled: z.boolean().default(true),
    /** 1–100; when several policies cover a resource, the highest number wins. */
    priority: z.number().int().min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100').default(50),
    scope: policyScopeSchema,
    continuousBackup: continuousBackupSchema.nullable().default(null),
    repositoryBackup: repositoryBackupSchema.nullable().default(null),
    archive: archiveSchema.nullable().default(null),
    retries: z
      .strictObject({
        count: z.number().int().min(0).max(10, 'must be at most 10'),
        intervalMinutes: z.number().int().min(1, 'must be at least 1 minute').max(1440, 'must be at most 1440 minutes'),
      })
      .default({ count: 3, intervalMinutes: 10 }),
    /** IANA time zone the schedules are written in (default: the machine's). */
    timeZone: z.string().min(1).max(100).refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').optional(),
    /** Runs missed while the app was closed or asleep: one catch-up run (default), or none. */
    missedRuns: z.enum(MISSED_RUN_MODES, { message: 'must be runOnce or skip' }).default('runOnce'),
    /** Resources backed up at once per Azure region in a run (workers run in the source's region). */
    parallelism: z.number().int('must be a whole number').min(1, 'must be from 1 to 16').max(16, 'must be from 1 to 16').default(2),
    healthCheck: z
      .strictObject({
        enabled: z.boolean(),
        day: weekday,
        time: timeOfDay,
        /** Also restore the newest restore point of one resource (a different one each week) into a scratch folder and compare its rows with the manifest. */
        testRestore: z.boolean().default(false),
      })
      .default({ enabled: false, day: 'sun', time: '03:00', testRestore: false }),
  });

/** Validates a policy as written by a user (console form, imported JSON): every rule, each issue naming its field. */
export const policyInputSchema = policyFields.superRefine((policy, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (!policy.continuousBackup?.enabled && !policy.repositoryBackup) {
      issue(['continuousBackup'], 'a policy must enable continuous backup or a repository backup (or both)');
    }
    const { include } = policy.scope;
    if (!include.all && !include.subscriptions.length && !include.resourceGroups.length && !include.tags.length && !include.resources.length) {
      issue(['scope', 'include'], 'selects nothing: set "all": true or name subscriptions, resource groups, tags or resources');
    }
    const schedules = policy.repositoryBackup?.schedules;
    if (policy.repositoryBackup && schedules && !SCHEDULE_NAMES.some((name) => schedules[name]?.enabled)) {
      issue(['repositoryBackup', 'schedules'], 'must enable at least one schedule');
    }
    for (const name of ['weekly', 'monthly', 'yearly'] as const) {
      const schedule = schedules?.[name];
      if (schedule?.enabled && schedule.mode === 'flag-daily' && !schedules?.daily?.enabled) {
        issue(['repositoryBackup', 'schedules', name, 'mode'], '"flag-daily" needs the daily schedule enabled; use "separate" instead');
      }
    }
    const monthly = schedules?.monthly;
    if (monthly && monthly.dayOfMonth === 'first' && !monthly.weekday) issue(['repositoryBackup', 'schedules', 'monthly', 'dayOfMonth'], '"first" needs a weekday (the first Monday…); use 1 for the first day');
    if (monthly?.weekday && typeof monthly.dayOfMonth === 'number') issue(['repositoryBackup', 'schedules', 'monthly', 'weekday'], 'goes with dayOfMonth "first" or "last" (the first or last such weekday of the month)');
    if (policy.archive) {
      if (!policy.repositoryBackup) issue(['archive'], 'an archive copies repository backups: enable repositoryBackup first');
      else if (policy.archive.repositoryId === policy.repositoryBackup.repositoryId) {
        issue(['archive', 'repositoryId'], 'must be a different repository from repositoryBackup.repositoryId');
      }
      policy.archive.fromSchedules.forEach((name, index) => {
        if (!schedules?.[name]?.enabled) issue(['archive', 'fromSchedules', index], `schedule "${name}" is not enabled`);
      });
      const { value, unit } = policy.archive.retention;
      const days = unit === 'years' ? value * 365 : value * 30.4;
      if (days < 180) issue(['archive', 'retention'], 'must keep archives at least 180 days (6 months)');
    }
  });

export type PolicyInput = z.input<typeof policyInputSchema>;
export type PolicyDraft = z.output<typeof policyInputSchema>;

/** A stored policy: the validated fields plus the ones the store owns. */
export const policySchema = policyFields.extend({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Policy = z.infer<typeof policySchema>;
