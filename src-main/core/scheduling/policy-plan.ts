import { WEEKDAYS, type Policy, type ScheduleName } from '../../shared/policy.ts';
import { addDays, daysInMonth, instantOf, machineTimeZone, wallTimeAt, weekdayOf, type WallTime } from './zoned-time.ts';

/** One planned run of a policy's repository backup: when, and the schedules (GFS flags) it satisfies. */
export interface PlannedRun {
  at: Date;
  schedules: ScheduleName[];
}

type Schedules = NonNullable<Policy['repositoryBackup']>['schedules'];
type PlannablePolicy = Pick<Policy, 'repositoryBackup' | 'timeZone'>;

/** The longest gap between two runs of any schedule (a yearly on 29 Feb cannot be written: day ≤ 28). */
const SEARCH_DAYS = 370;

const hhmm = (time: string) => ({ hour: Number(time.slice(0, 2)), minute: Number(time.slice(3, 5)) });

/** Whether `schedule` runs on local date `date`, and at what time of day. */
function runsOn(name: ScheduleName, schedules: Schedules, date: WallTime): string | null {
  const weekday = WEEKDAYS[weekdayOf(date)]!;
  const daily = schedules.daily?.enabled ? schedules.daily : undefined;
  // "flag-daily": the day's daily backup carries this schedule's flag, so it runs at the daily's time.
  const timeOf = (own: { time: string; mode?: string }) => (own.mode === 'flag-daily' && daily?.days.includes(weekday) ? daily.time : own.time);
  const last = daysInMonth(date.year, date.month);
  if (name === 'daily') return daily?.days.includes(weekday) ? daily.time : null;
  if (name === 'weekly') {
    const weekly = schedules.weekly;
    return weekly?.enabled && weekly.day === weekday ? timeOf(weekly) : null;
  }
  if (name === 'monthly') {
    const monthly = schedules.monthly;
    if (!monthly?.enabled) return null;
    const matches = monthly.weekday
      ? monthly.weekday === weekday && (monthly.dayOfMonth === 'first' ? date.day <= 7 : date.day > last - 7)
      : monthly.dayOfMonth === 'last'
        ? date.day === last
        : date.day === monthly.dayOfMonth;
    return matches ? timeOf(monthly) : null;
  }
  const yearly = schedules.yearly;
  if (!yearly?.enabled || yearly.month !== date.month) return null;
  return (yearly.dayOfMonth === 'last' ? date.day === last : date.day === yearly.dayOfMonth) ? timeOf(yearly) : null;
}

/** The policy's time zone (the machine's when it names none). */
export function policyTimeZone(policy: Pick<Policy, 'timeZone'>): string {
  return policy.timeZone ?? machineTimeZone();
}

/**
 * The first run strictly after `afterMs`: the earliest instant any enabled schedule runs, with every
 * schedule that runs at that same instant (a day's daily that is also the week's weekly carries both
 * flags). Null when the policy has no repository backup schedule.
 */
export function nextRun(policy: PlannablePolicy, afterMs: number): PlannedRun | null {
  const schedules = policy.repositoryBackup?.schedules;
  if (!schedules) return null;
  const names = (['daily', 'weekly', 'monthly', 'yearly'] as const).filter((name) => schedules[name]?.enabled);
  if (!names.length) return null;
  const zone = policyTimeZone(policy);
  // Start a day early: an instant after `afterMs` may still fall on the previous local date.
  const start = addDays(wallTimeAt(afterMs, zone), -1);
  for (let offset = 0; offset <= SEARCH_DAYS; offset++) {
    const date = addDays(start, offset);
    const byInstant = new Map<number, ScheduleName[]>();
    for (const name of names) {
      const time = runsOn(name, schedules, date);
      if (!time) continue;
      const at = instantOf({ ...date, ...hhmm(time) }, zone);
      if (at <= afterMs) continue;
      byInstant.set(at, [...(byInstant.get(at) ?? []), name]);
    }
    if (byInstant.size) {
      const at = Math.min(...byInstant.keys());
      return { at: new Date(at), schedules: byInstant.get(at)! };
    }
  }
  return null;
}

/** Every run in (`afterMs`, `untilMs`], oldest first, at most `limit` of them. */
export function runsBetween(policy: PlannablePolicy, afterMs: number, untilMs: number, limit = 1000): PlannedRun[] {
  const runs: PlannedRun[] = [];
  let cursor = afterMs;
  while (runs.length < limit) {
    const run = nextRun(policy, cursor);
    if (!run || run.at.getTime() > untilMs) break;
    runs.push(run);
    cursor = run.at.getTime();
  }
  return runs;
}

/** The next `count` runs after `afterMs` (for `schedule list` and the console). */
export function upcomingRuns(policy: PlannablePolicy, afterMs: number, count: number): PlannedRun[] {
  return runsBetween(policy, afterMs, Number.MAX_SAFE_INTEGER, count);
}
