import type { PitrSource } from './pitr-source.ts';

/**
 * The restorable window as the core will judge it, and the `datetime-local` values the wizard's
 * time input speaks (local time, to the second).
 */

/** The core's default safety margin at both ends of the window (`DEFAULT_MARGIN_MS` in the core). */
export const SAFETY_MARGIN_MS = 5 * 60_000;
/** Closer than this to an edge of the allowed range, the wizard warns. */
export const NEAR_EDGE_MS = 15 * 60_000;

const DAY_MS = 86_400_000;

export interface EffectiveWindow {
  /** Oldest and latest restorable times now (epoch ms). */
  startMs: number;
  endMs: number;
  /** The range the core accepts: the window less the safety margin. */
  earliestMs: number;
  latestMs: number;
  /** The window ends at the account's deletion (fixed) rather than following the clock. */
  endIsDeletion: boolean;
}

/**
 * The window at `nowMs`: a live source's end follows the clock, and its start moves forward once
 * the retention is reached (the record may be hours old). A deleted account's window ends at its
 * deletion, which the core accepts without a margin.
 */
export function effectiveWindow(source: PitrSource, nowMs: number, marginMs = SAFETY_MARGIN_MS): EffectiveWindow | null {
  if (!source.window) return null;
  let startMs = Date.parse(source.window.start);
  if (Number.isNaN(startMs)) return null;
  if (source.retentionDays !== null) startMs = Math.max(startMs, nowMs - source.retentionDays * DAY_MS);
  const endIsDeletion = source.window.end !== null;
  const endMs = endIsDeletion ? Date.parse(source.window.end!) : nowMs;
  if (Number.isNaN(endMs)) return null;
  return { startMs, endMs, earliestMs: startMs + marginMs, latestMs: endMs - (endIsDeletion ? 0 : marginMs), endIsDeletion };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Epoch ms as a `datetime-local` value in local time: "2026-11-20T14:05:09". */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A `datetime-local` value (seconds optional) as epoch ms, or null when it is not a complete date and time. */
export function fromLocalInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const d = new Date(year, month - 1, day, hour, minute, second);
  // Reject rollovers such as February 30th.
  if (d.getFullYear() !== year || d.getMonth() !== month - 1 || d.getDate() !== day || d.getHours() !== hour || d.getMinutes() !== minute) return null;
  return d.getTime();
}

/** Whether a time is close to an edge of the accepted range: the request takes time and the window moves. */
export function nearEdge(ms: number, window: EffectiveWindow): 'start' | 'end' | null {
  if (ms >= window.earliestMs && ms - window.earliestMs < NEAR_EDGE_MS) return 'start';
  if (!window.endIsDeletion && ms <= window.latestMs && window.latestMs - ms < NEAR_EDGE_MS) return 'end';
  return null;
}

/** A safe default: an hour before the latest accepted time, or the middle of a short window. */
export function defaultTime(window: EffectiveWindow): number {
  const proposed = window.latestMs - 60 * 60_000;
  const time = proposed >= window.earliestMs + NEAR_EDGE_MS ? proposed : Math.round((window.earliestMs + window.latestMs) / 2);
  return Math.floor(time / 1000) * 1000;
}
