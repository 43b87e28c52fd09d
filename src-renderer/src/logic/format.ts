import type { Progress } from '../../../src-main/shared/session.ts';
import { formatBytes } from '../../../src-main/shared/format-units.ts';

/**
 * Formatting of durations, quantities, rates, ETAs and timestamps for the console. Pure functions:
 * numbers use a fixed `en-US` grouping so the console reads the same on every machine.
 */

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

const pad2 = (n: number) => String(n).padStart(2, '0');

/** "0 s", "42 s", "3 min 05 s", "2 h 03 min", "4 d 06 h". Negative or non-finite values read as "—". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min ${pad2(totalSeconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${pad2(minutes % 60)} min`;
  return `${Math.floor(hours / 24)} d ${pad2(hours % 24)} h`;
}

/** Time from start to end (or to `nowMs` while the session has not ended); null before it starts. */
export function elapsedMs(startedAt: string | null, endedAt: string | null, nowMs: number): number | null {
  if (!startedAt) return null;
  const start = Date.parse(startedAt);
  const end = endedAt ? Date.parse(endedAt) : nowMs;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, end - start);
}

function isByteUnit(unit: string): boolean {
  return unit === 'bytes' || unit === 'B';
}

export { formatBytes };

/** A count in its unit: "12,345 items", or bytes in binary units. */
export function formatQuantity(value: number, unit: string): string {
  if (isByteUnit(unit)) return formatBytes(value);
  return unit ? `${numberFormat.format(value)} ${unit}` : numberFormat.format(value);
}

/** "1,234 / 5,000 items", or "1,234 items" when the total is unknown. */
export function formatProgressText(progress: Progress): string {
  if (progress.total === null) return formatQuantity(progress.done, progress.unit);
  if (isByteUnit(progress.unit)) return `${formatBytes(progress.done)} / ${formatBytes(progress.total)}`;
  return `${numberFormat.format(progress.done)} / ${formatQuantity(progress.total, progress.unit)}`;
}

/** Percentage done (0–100), or null when the total is unknown (an indeterminate bar). */
export function progressPercent(progress: Progress | null): number | null {
  if (!progress || progress.total === null) return null;
  if (progress.total === 0) return 100;
  return Math.min(100, Math.max(0, (progress.done / progress.total) * 100));
}

/** "12.5 MiB/s", "340 items/s", "0.4 items/s"; "—" when there is no rate yet. */
export function formatRate(rate: number | null, unit: string): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  if (isByteUnit(unit)) return `${formatBytes(rate)}/s`;
  const value = rate > 0 && rate < 10 ? oneDecimal.format(rate) : numberFormat.format(rate);
  return `${value} ${unit || 'units'}/s`;
}

/** Remaining time: "3 min 05 s left"; "—" when unknown. */
export function formatEta(etaSeconds: number | null): string {
  if (etaSeconds === null || !Number.isFinite(etaSeconds)) return '—';
  return `${formatDuration(etaSeconds * 1000)} left`;
}

/** The local zone's offset at a time, as the console writes it: "UTC", "UTC+01:00", "UTC−05:00". */
export function zoneLabel(d: Date): string {
  const minutes = -d.getTimezoneOffset();
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? '−' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** The console's one date format: local date and time with the zone, "2025-01-31 14:05:09 UTC+01:00"; "—" for null. */
export function formatTimestamp(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())} ${zoneLabel(d)}`;
}

/** A time as the wall clock of an IANA zone reads it, with the zone: "2026-12-05 02:00 Europe/Berlin". */
export function formatInTimeZone(iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts: Record<string, string> = {};
  for (const part of new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(d)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${timeZone}`;
}

/** Local time of a log line with milliseconds: "14:05:09.123". */
export function formatLogTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** "12,345". */
export function formatCount(value: number): string {
  return numberFormat.format(value);
}

const RELATIVE_STEPS: [limitSeconds: number, unitSeconds: number, unit: string][] = [
  [3600, 60, 'min'],
  [86_400, 3600, 'h'],
  [86_400 * 60, 86_400, 'd'],
  [86_400 * 730, 86_400 * 30, 'mo'],
  [Infinity, 86_400 * 365, 'y'],
];

/**
 * How long ago (or how far ahead) a time is, in one rounded unit: "just now", "5 min ago",
 * "3 h ago", "12 d ago", "in 2 h". "—" for null or an unreadable time.
 */
export function formatRelativeTime(iso: string | null, nowMs: number): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const seconds = Math.round((nowMs - at) / 1000);
  const magnitude = Math.abs(seconds);
  if (magnitude < 45) return 'just now';
  const [, unitSeconds, unit] = RELATIVE_STEPS.find(([limit]) => magnitude < limit)!;
  const value = Math.max(1, Math.round(magnitude / unitSeconds));
  return seconds >= 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

/** Bytes, or "—" when unknown. */
export function formatOptionalBytes(bytes: number | null | undefined): string {
  return typeof bytes === 'number' && Number.isFinite(bytes) ? formatBytes(bytes) : '—';
}
