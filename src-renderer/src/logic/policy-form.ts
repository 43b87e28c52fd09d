import { RESOURCE_KINDS, WEEKDAYS, policyInputSchema, type Policy, type PolicyInput, type ResourceKind, type ScheduleName, type Weekday } from '../../../src-main/shared/policy.ts';

/**
 * The policy wizard's model: every section present (with an on/off switch) so steps can be filled in
 * any order, turned into the policy JSON the core takes by `policyFromForm`. Pure; the wizard's
 * components bind to it and validate with the same zod schema the core applies.
 */

export interface ScopeLists {
  subscriptions: string[];
  resourceGroups: { subscriptionId: string; name: string }[];
  tags: { name: string; value?: string }[];
  resources: string[];
}

type GfsMode = 'flag-daily' | 'separate';

export interface PolicyForm {
  id?: string;
  name: string;
  description: string;
  enabled: boolean;
  priority: number;
  kinds: ResourceKind[];
  includeAll: boolean;
  include: ScopeLists;
  exclude: ScopeLists;
  continuous: { enabled: boolean; tier: 'Continuous7Days' | 'Continuous30Days'; migratePeriodicAccounts: boolean };
  repository: {
    enabled: boolean;
    repositoryId: string;
    daily: { enabled: boolean; time: string; days: Weekday[]; keepDays: number };
    weekly: { enabled: boolean; time: string; day: Weekday; keepWeeks: number; mode: GfsMode };
    monthly: { enabled: boolean; time: string; dayOfMonth: number | 'first' | 'last'; weekday: Weekday | ''; keepMonths: number; mode: GfsMode };
    yearly: { enabled: boolean; time: string; month: number; dayOfMonth: number | 'last'; keepYears: number; mode: GfsMode };
  };
  archive: { enabled: boolean; repositoryId: string; fromSchedules: ScheduleName[]; value: number; unit: 'months' | 'years' };
  retries: { count: number; intervalMinutes: number };
  timeZone: string;
  missedRuns: 'runOnce' | 'skip';
  parallelism: number;
  healthCheck: { enabled: boolean; day: Weekday; time: string; testRestore: boolean };
}

const emptyLists = (): ScopeLists => ({ subscriptions: [], resourceGroups: [], tags: [], resources: [] });

/** A new policy: the usual defaults (daily backups at 01:00 kept 14 days, weekly GFS kept 8 weeks). */
export function emptyPolicyForm(timeZone: string): PolicyForm {
  return {
    name: '',
    description: '',
    enabled: true,
    priority: 50,
    kinds: [...RESOURCE_KINDS],
    includeAll: false,
    include: emptyLists(),
    exclude: emptyLists(),
    continuous: { enabled: true, tier: 'Continuous7Days', migratePeriodicAccounts: false },
    repository: {
      enabled: false,
      repositoryId: '',
      daily: { enabled: true, time: '01:00', days: [...WEEKDAYS], keepDays: 14 },
      weekly: { enabled: false, time: '01:00', day: 'sun', keepWeeks: 8, mode: 'flag-daily' },
      monthly: { enabled: false, time: '01:00', dayOfMonth: 'last', weekday: '', keepMonths: 12, mode: 'flag-daily' },
      yearly: { enabled: false, time: '01:00', month: 12, dayOfMonth: 'last', keepYears: 7, mode: 'flag-daily' },
    },
    archive: { enabled: false, repositoryId: '', fromSchedules: ['monthly'], value: 1, unit: 'years' },
    retries: { count: 3, intervalMinutes: 10 },
    timeZone,
    missedRuns: 'runOnce',
    parallelism: 2,
    healthCheck: { enabled: false, day: 'sun', time: '03:00', testRestore: false },
  };
}

/** The form of a stored policy; a clone drops the id and renames it "Copy of …" (disabled until reviewed). */
export function formFromPolicy(policy: Policy, options: { clone?: boolean; timeZone: string }): PolicyForm {
  const form = emptyPolicyForm(policy.timeZone ?? options.timeZone);
  const schedules = policy.repositoryBackup?.schedules;
  return {
    ...form,
    ...(options.clone ? {} : { id: policy.id }),
    name: options.clone ? `Copy of ${policy.name}`.slice(0, 100) : policy.name,
    description: policy.description,
    enabled: options.clone ? false : policy.enabled,
    priority: policy.priority,
    kinds: [...policy.scope.resourceKinds],
    includeAll: policy.scope.include.all,
    include: copyLists(policy.scope.include),
    exclude: copyLists(policy.scope.exclude),
    continuous: policy.continuousBackup ? { ...policy.continuousBackup } : { ...form.continuous, enabled: false },
    repository: {
      enabled: Boolean(policy.repositoryBackup),
      repositoryId: policy.repositoryBackup?.repositoryId ?? '',
      daily: schedules?.daily ? { ...schedules.daily, days: [...schedules.daily.days] } : { ...form.repository.daily, enabled: false },
      weekly: schedules?.weekly ? { ...schedules.weekly } : form.repository.weekly,
      monthly: schedules?.monthly ? { ...schedules.monthly, weekday: schedules.monthly.weekday ?? '' } : form.repository.monthly,
      yearly: schedules?.yearly ? { ...schedules.yearly } : form.repository.yearly,
    },
    archive: policy.archive
      ? { enabled: true, repositoryId: policy.archive.repositoryId, fromSchedules: [...policy.archive.fromSchedules], value: policy.archive.retention.value, unit: policy.archive.retention.unit }
      : form.archive,
    retries: { ...policy.retries },
    missedRuns: policy.missedRuns,
    parallelism: policy.parallelism,
    healthCheck: { ...policy.healthCheck },
  };
}

function copyLists(lists: ScopeLists): ScopeLists {
  return {
    subscriptions: [...lists.subscriptions],
    resourceGroups: lists.resourceGroups.map((group) => ({ ...group })),
    tags: lists.tags.map((tag) => ({ ...tag })),
    resources: [...lists.resources],
  };
}

/** The policy JSON for `policies.validate`/`policies.save`: switched-off sections become null. */
export function policyFromForm(form: PolicyForm): PolicyInput {
  const { repository: r } = form;
  return {
    ...(form.id ? { id: form.id } : {}),
    name: form.name,
    description: form.description,
    enabled: form.enabled,
    priority: form.priority,
    scope: { resourceKinds: [...form.kinds], include: { all: form.includeAll, ...copyLists(form.include) }, exclude: copyLists(form.exclude) },
    continuousBackup: form.continuous.enabled ? { ...form.continuous } : null,
    repositoryBackup: r.enabled
      ? {
          repositoryId: r.repositoryId,
          schedules: {
            ...(r.daily.enabled ? { daily: { ...r.daily, days: [...r.daily.days] } } : {}),
            ...(r.weekly.enabled ? { weekly: { ...r.weekly } } : {}),
            ...(r.monthly.enabled ? { monthly: { enabled: true, time: r.monthly.time, dayOfMonth: r.monthly.dayOfMonth, ...(r.monthly.weekday ? { weekday: r.monthly.weekday } : {}), keepMonths: r.monthly.keepMonths, mode: r.monthly.mode } } : {}),
            ...(r.yearly.enabled ? { yearly: { ...r.yearly } } : {}),
          },
        }
      : null,
    archive: form.archive.enabled
      ? { repositoryId: form.archive.repositoryId, fromSchedules: [...form.archive.fromSchedules], retention: { value: form.archive.value, unit: form.archive.unit } }
      : null,
    retries: { ...form.retries },
    ...(form.timeZone ? { timeZone: form.timeZone } : {}),
    missedRuns: form.missedRuns,
    parallelism: form.parallelism,
    healthCheck: { ...form.healthCheck },
  };
}

/** Field path (as the core reports it, e.g. `repositoryBackup.schedules.daily.keepDays`) → message. */
export type FieldErrors = Record<string, string>;

/** Checks the form with the core's own schema; the first message per field. */
export function validatePolicyForm(form: PolicyForm): FieldErrors {
  const parsed = policyInputSchema.safeParse(policyFromForm(form));
  if (parsed.success) return {};
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) errors[issue.path.map(String).join('.') || '(root)'] ??= issue.message;
  return errors;
}

/** The wizard's steps, in order, and which field paths each one owns. */
export const POLICY_STEPS = [
  { id: 'general', label: 'General', owns: ['name', 'description', 'priority', 'enabled'] },
  { id: 'scope', label: 'Scope', owns: ['scope'] },
  { id: 'protection', label: 'Protection', owns: ['continuousBackup', 'repositoryBackup', 'archive'] },
  { id: 'options', label: 'Options', owns: ['retries', 'timeZone', 'missedRuns', 'parallelism', 'healthCheck'] },
  { id: 'review', label: 'Review', owns: [] },
] as const;
export type PolicyStepId = (typeof POLICY_STEPS)[number]['id'];

/** The step a field error belongs to (so the wizard can take the user there). */
export function stepOfField(path: string): PolicyStepId {
  const head = path.split('.')[0]!;
  return POLICY_STEPS.find((step) => (step.owns as readonly string[]).includes(head))?.id ?? 'review';
}

/** The error of a field or of anything under it (`prefix` `scope.include` matches `scope.include.subscriptions.0`). */
export function errorUnder(errors: FieldErrors, prefix: string): string | undefined {
  if (errors[prefix]) return errors[prefix];
  const key = Object.keys(errors).find((path) => path.startsWith(`${prefix}.`));
  return key ? errors[key] : undefined;
}
