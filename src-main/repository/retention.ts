import { RepositoryError } from './errors.ts';
import type { RestorePoint } from './restore-points.ts';

/**
 * GFS retention: per resource, keep the newest `keepLast` restore points, and the newest `daily`
 * restore points flagged daily, `weekly` flagged weekly, and so on. A restore point is kept when
 * any rule keeps it.
 */
export interface RetentionPolicy {
  keepLast?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
  yearly?: number;
  /** Only consider restore points of this resource id (default: all resources). */
  resourceId?: string;
}

export interface ForgetPlanItem {
  id: string;
  time: string;
  resourceId: string;
  resourceName: string;
}

export interface ForgetPlan {
  keep: (ForgetPlanItem & { reasons: string[] })[];
  forget: ForgetPlanItem[];
}

const GFS_RULES = ['daily', 'weekly', 'monthly', 'yearly'] as const;

/** Decides which restore points a retention policy keeps; pure, for dry runs and tests. */
export function planForget(restorePoints: readonly RestorePoint[], policy: RetentionPolicy): ForgetPlan {
  const counts = [policy.keepLast, ...GFS_RULES.map((rule) => policy[rule])];
  if (counts.every((count) => count === undefined)) {
    throw new RepositoryError('invalid_argument', 'A retention policy must set at least one of keepLast, daily, weekly, monthly, yearly.');
  }
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
    const used = { last: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
    for (const point of group) {
      const reasons: string[] = [];
      if (policy.keepLast !== undefined && used.last < policy.keepLast) {
        used.last++;
        reasons.push('last');
      }
      for (const rule of GFS_RULES) {
        const limit = policy[rule];
        if (limit !== undefined && point.manifest.gfs[rule] && used[rule] < limit) {
          used[rule]++;
          reasons.push(rule);
        }
      }
      const item = { id: point.id, time: point.manifest.time, resourceId: point.manifest.resource.id, resourceName: point.manifest.resource.name };
      if (reasons.length) plan.keep.push({ ...item, reasons });
      else plan.forget.push(item);
    }
  }
  return plan;
}
