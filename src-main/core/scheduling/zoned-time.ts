/**
 * Wall-clock times in an IANA time zone, to and from UTC instants, with the two DST rules the
 * schedules promise: a time that does not exist (the skipped hour of spring) happens right after the
 * jump, and a time that exists twice (the repeated hour of autumn) happens once, the first time.
 *
 * Why not node-schedule for this: measured on its 2.1.1 (RecurrenceRule with `tz`), a daily 02:30 in
 * Europe/Berlin has no run at all on the day clocks spring forward and runs twice on the day they
 * fall back (01:30 in America/New_York likewise) — both breaks of the rules above.
 */

/** A local calendar date and time of day. Months 1–12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The machine's own time zone (the default of a policy that names none). */
export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The wall-clock time in `timeZone` at instant `ms` (to the minute). */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute! };
}

/** The zone's offset from UTC at instant `ms`, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const wall = wallTimeAt(ms, timeZone);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  return asUtc - Math.floor(ms / 60_000) * 60_000;
}

const sameWall = (a: WallTime, b: WallTime) => a.year === b.year && a.month === b.month && a.day === b.day && a.hour === b.hour && a.minute === b.minute;

/**
 * The instant a wall-clock time in `timeZone` happens: its first occurrence when the hour repeats,
 * and the instant of the jump when the hour is skipped.
 */
export function instantOf(wall: WallTime, timeZone: string): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  // Offsets in force a day either side cover any transition near this time.
  const offsets = [...new Set([offsetAt(naive - 86_400_000, timeZone), offsetAt(naive, timeZone), offsetAt(naive + 86_400_000, timeZone)])];
  const matches = offsets.map((offset) => naive - offset).filter((ms) => sameWall(wallTimeAt(ms, timeZone), wall));
  if (matches.length) return Math.min(...matches);
  // Skipped: search the minute the offset changes between the two readings of this time.
  let low = Math.min(...offsets.map((offset) => naive - offset));
  let high = Math.max(...offsets.map((offset) => naive - offset));
  const lowOffset = offsetAt(low, timeZone);
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (offsetAt(middle, timeZone) === lowOffset) low = middle;
    else high = middle;
  }
  return high;
}

/** The local calendar date `days` after `wall`'s date (time of day kept). */
export function addDays(wall: WallTime, days: number): WallTime {
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** 0 = Monday … 6 = Sunday, of a local calendar date. */
export function weekdayOf(wall: Pick<WallTime, 'year' | 'month' | 'day'>): number {
  return (new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay() + 6) % 7;
}

/** Days in a month of a year. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
