import type { Policy, ResourceKind } from '../../../src-main/shared/policy.ts';

/** One-line summaries of a policy's scope, continuous-backup tier and schedules, for lists. */

export const RESOURCE_KIND_LABELS: Record<ResourceKind, string> = {
  'cosmosdb-account': 'Cosmos DB accounts',
  'postgres-cluster': 'PostgreSQL clusters',
  'mongo-vcore-cluster': 'MongoDB vCore clusters',
};

type Selection = Policy['scope']['exclude'];

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function describeSelection(selection: Selection): string[] {
  const parts: string[] = [];
  if (selection.subscriptions.length) parts.push(plural(selection.subscriptions.length, 'subscription', 'subscriptions'));
  if (selection.resourceGroups.length) parts.push(plural(selection.resourceGroups.length, 'resource group', 'resource groups'));
  for (const tag of selection.tags) parts.push(tag.value === undefined ? `tag ${tag.name}` : `tag ${tag.name}=${tag.value}`);
  if (selection.resources.length) parts.push(plural(selection.resources.length, 'resource', 'resources'));
  return parts;
}

/** "All resources · excluding 1 resource group", or "2 subscriptions, tag env=prod". */
export function scopeSummary(policy: Policy): string {
  const include = policy.scope.include.all ? 'All resources' : describeSelection(policy.scope.include).join(', ') || 'Nothing selected';
  const exclude = describeSelection(policy.scope.exclude);
  return exclude.length ? `${include} · excluding ${exclude.join(', ')}` : include;
}

export function resourceKindsSummary(policy: Policy): string {
  return policy.scope.resourceKinds.map((kind) => RESOURCE_KIND_LABELS[kind]).join(', ');
}

/** "30 days", "7 days" or "Off". */
export function continuousSummary(policy: Policy): string {
  const continuous = policy.continuousBackup;
  if (!continuous?.enabled) return 'Off';
  return continuous.tier === 'Continuous30Days' ? '30 days' : '7 days';
}

const DAY_LABELS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' } as const;

function dayOfMonth(day: number | 'last' | 'first', weekday?: keyof typeof DAY_LABELS): string {
  if (weekday) return `${day} ${DAY_LABELS[weekday]}`;
  return day === 'last' ? 'last day' : `day ${day}`;
}

/** One entry per enabled schedule, e.g. "Daily 22:00, keep 14 days". */
export function scheduleSummaries(policy: Policy): string[] {
  const schedules = policy.repositoryBackup?.schedules;
  if (!schedules) return [];
  const out: string[] = [];
  const { daily, weekly, monthly, yearly } = schedules;
  if (daily?.enabled) {
    const days = daily.days.length === 7 ? 'every day' : daily.days.map((d) => DAY_LABELS[d]).join(', ');
    out.push(`Daily ${daily.time} (${days}), keep ${plural(daily.keepDays, 'day', 'days')}`);
  }
  if (weekly?.enabled) out.push(`Weekly ${DAY_LABELS[weekly.day]} ${weekly.time}, keep ${plural(weekly.keepWeeks, 'week', 'weeks')}`);
  if (monthly?.enabled) out.push(`Monthly ${dayOfMonth(monthly.dayOfMonth, monthly.weekday)} ${monthly.time}, keep ${plural(monthly.keepMonths, 'month', 'months')}`);
  if (yearly?.enabled) {
    out.push(`Yearly month ${yearly.month} ${dayOfMonth(yearly.dayOfMonth)} ${yearly.time}, keep ${plural(yearly.keepYears, 'year', 'years')}`);
  }
  return out;
}

/** All schedules on one line, or "No repository backup". */
export function schedulesSummary(policy: Policy): string {
  if (!policy.repositoryBackup) return 'No repository backup';
  const entries = scheduleSummaries(policy);
  return entries.length ? entries.join(' · ') : 'No schedule enabled';
}

/** Highest priority first, then by name. */
export function comparePolicies(a: Policy, b: Policy): number {
  return b.priority - a.priority || a.name.localeCompare(b.name);
}
