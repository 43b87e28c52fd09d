import { RepositoryError } from './errors.ts';
import type { RestorePoint } from './restore-points.ts';

/**
 * GFS retention by calendar buckets, per resource: keep the newest `keepLast` restore points, and
 * for each of the newest `daily` days (`weekly` ISO weeks, `monthly` months, `yearly` years) that
 * have a restore point, the newest restore point of that day (week, month, year). Buckets are UTC.
 * Restore points a policy made carry GFS flags: those count only for the rules they are flagged for;
 * restore points without any flag (ad-hoc backups) count for every rule. A restore point is kept
 * when any rule keeps it.
 */
export interface RetentionPolicy {
  keepLast?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  /** Keep every restore point made within this many days before the resource's newest one (archives' long-term retention). */
  withinDays?: number;
  /** Only consider restore points of this resource id (default: all resources). */
  resourceId?: string;
  /** Allow a plan that forgets every restore point of a resource (default: such a plan is refused). */
  allowForgettingAll?: boolean;
}

export interface ForgetPlanItem {
  id: string;
  time: string;
  resourceId: string;
  resourceName: string;
  /** Why the point is kept or forgotten, in words. */
  explanation: string;
}

export interface ForgetPlan {
  /** `reasons` names the rules that keep it: `last`, `within`, `daily`, `weekly`, `monthly`, `yearly`. */
  keep: (ForgetPlanItem & { reasons: string[] })[];
  forget: ForgetPlanItem[];
}

const GFS_RULES = ['daily', 'weekly', 'monthly', 'yearly'] as const;
type GfsRule = (typeof GFS_RULES)[number];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The ISO 8601 week of a UTC date, as `2025-W02` (weeks start on Monday; week 1 holds the first Thursday). */
function isoWeek(date: Date): string {
  const day = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day + 3));
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const days = (thursday.getTime() - firstThursday.getTime()) / 86_400_000;
  const week = 1 + Math.round((days - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${thursday.getUTCFullYear()}-W${pad(week)}`;
}

/** The calendar bucket a restore point time falls in for one rule. */
export function retentionBucket(time: string, rule: GfsRule): string {
  const date = new Date(time);
  const ymd = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  if (rule === 'daily') return ymd;
  if (rule === 'weekly') return isoWeek(date);
  if (rule === 'monthly') return ymd.slice(0, 7);
  return ymd.slice(0, 4);
}

const RULE_NOUN: Record<GfsRule, string> = { daily: 'day', weekly: 'week', monthly: 'month', yearly: 'year' };

/** Decides which restore points a retention policy keeps; pure, for dry runs and tests. */
export function planForget(restorePoints: readonly RestorePoint[], policy: RetentionPolicy): ForgetPlan {
  const counts = [policy.keepLast, ...GFS_RULES.map((rule) => policy[rule])];
  if (counts.every((count) => count === undefined) && policy.withinDays === undefined) {
    throw new RepositoryError('invalid_argument', 'A retention policy must set at least one of keepLast, daily, weekly, monthly, yearly, withinDays.');
  }
  if (policy.withinDays !== undefined && !(policy.withinDays >= 0)) throw new RepositoryError('invalid_argument', 'withinDays must be a non-negative number.');
  if (counts.some((count) => count !== undefined && (!Number.isInteger(count) || count < 0))) {
    throw new RepositoryError('invalid_argument', 'Retention counts must be non-negative integers.');
  }
  const byResource = new Map<string, RestorePoint[]>();
  for (const point of restorePoints) {
    if (policy.resourceId !== undefined && point.manifest.resource.id !== policy.resourceId) continue;
    const group = byResource.get(point.manifest.resource.id) ?? [];
    group.push(point);
    byResource.set(point.manifest.resource.id, group);
  }
  const plan: ForgetPlan = { keep: [], forget: [] };
  for (const group of byResource.values()) {
    group.sort((a, b) => b.manifest.time.localeCompare(a.manifest.time) || a.id.localeCompare(b.id));
    const seen: Record<GfsRule, Set<string>> = { daily: new Set(), weekly: new Set(), monthly: new Set(), yearly: new Set() };
    const kept: ForgetPlan['keep'] = [];
    const forgotten: ForgetPlanItem[] = [];
    const newestMs = Date.parse(group[0]!.manifest.time);
    group.forEach((point, position) => {
      const reasons: string[] = [];
      const why: string[] = [];
      if (policy.withinDays !== undefined && Date.parse(point.manifest.time) >= newestMs - policy.withinDays * 86_400_000) {
        reasons.push('within');
        why.push(`within ${policy.withinDays} days of the newest`);
      }
      if (policy.keepLast !== undefined && position < policy.keepLast) {
        reasons.push('last');
        why.push(`one of the last ${policy.keepLast}`);
      }
      const flagged = GFS_RULES.some((rule) => point.manifest.gfs[rule]);
      for (const rule of GFS_RULES) {
        const limit = policy[rule];
        if (limit === undefined || (flagged && !point.manifest.gfs[rule])) continue;
        const bucket = retentionBucket(point.manifest.time, rule);
        if (seen[rule].has(bucket) || seen[rule].size >= limit) continue;
        seen[rule].add(bucket);
        reasons.push(rule);
        why.push(`newest of ${RULE_NOUN[rule]} ${bucket}`);
      }
      const item = { id: point.id, time: point.manifest.time, resourceId: point.manifest.resource.id, resourceName: point.manifest.resource.name };
      if (reasons.length) kept.push({ ...item, reasons, explanation: `kept: ${why.join(', ')}` });
      else forgotten.push({ ...item, explanation: forgetExplanation(policy, flagged, point) });
    });
    if (!kept.length && forgotten.length && !policy.allowForgettingAll) {
      const name = group[0]!.manifest.resource.name;
      throw new RepositoryError('invalid_argument', `These rules would forget every restore point of ${name} (${forgotten.length}); nothing was forgotten. Keep at least one (e.g. keep-last 1), or allow forgetting all of them explicitly.`);
    }
    plan.keep.push(...kept);
    plan.forget.push(...forgotten);
  }
  return plan;
}

function forgetExplanation(policy: RetentionPolicy, flagged: boolean, point: RestorePoint): string {
  const rules = GFS_RULES.filter((rule) => policy[rule] !== undefined);
  if (flagged && rules.every((rule) => !point.manifest.gfs[rule])) {
    const flags = GFS_RULES.filter((rule) => point.manifest.gfs[rule]).join(', ');
    return `forgotten: flagged ${flags} only, and no ${flags} rule was given${policy.keepLast !== undefined ? `; not one of the last ${policy.keepLast}` : ''}`;
  }
  const parts = rules.map((rule) => `${policy[rule]} ${RULE_NOUN[rule]}${policy[rule] === 1 ? '' : 's'}`);
  if (policy.keepLast !== undefined) parts.unshift(`the last ${policy.keepLast}`);
  if (policy.withinDays !== undefined) parts.unshift(`the points within ${policy.withinDays} days of the newest`);
  return `forgotten: not among ${parts.join(', ')} kept (a newer point holds its ${rules.map((r) => RULE_NOUN[r]).join('/') || 'place'}, or its bucket is older)`;
}
