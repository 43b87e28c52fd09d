/**
 * The shared time axis of the continuous-backup timeline: maps times to percentages of the
 * axis width and picks readable tick marks (whole hours or days). Pure, so it is unit-tested.
 */

export interface TimeSpan {
  startMs: number;
  endMs: number;
}

export interface TimeScale extends TimeSpan {
  /** Left edge of a time, in percent of the axis (clamped to 0–100). */
  position(ms: number): number;
  /** Width of a span, in percent of the axis (at least `minWidth` so short windows stay visible). */
  width(startMs: number, endMs: number, minWidth?: number): number;
  ticks: Tick[];
}

export interface Tick {
  ms: number;
  percent: number;
  label: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Candidate tick steps, smallest first. */
const STEPS = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY];

const pad2 = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The span covering every window, padded by 2 % each side; at least one hour wide. */
export function spanOf(windows: readonly { start: string; end: string }[]): TimeSpan | null {
  let min = Infinity;
  let max = -Infinity;
  for (const w of windows) {
    const start = Date.parse(w.start);
    const end = Date.parse(w.end);
    if (Number.isNaN(start) || Number.isNaN(end)) continue;
    min = Math.min(min, start, end);
    max = Math.max(max, start, end);
  }
  if (!Number.isFinite(min)) return null;
  if (max - min < HOUR) {
    const middle = (min + max) / 2;
    min = middle - HOUR / 2;
    max = middle + HOUR / 2;
  }
  const pad = (max - min) * 0.02;
  return { startMs: min - pad, endMs: max + pad };
}

/**
 * Local-time tick positions: the smallest step giving at most `maxTicks` marks, aligned to local
 * midnight (or whole hours for sub-day steps) so labels read naturally.
 */
export function ticksFor(span: TimeSpan, maxTicks = 7, timeZoneOffsetMinutes?: (ms: number) => number): Tick[] {
  const range = span.endMs - span.startMs;
  if (!(range > 0)) return [];
  const step = STEPS.find((s) => range / s <= maxTicks) ?? STEPS[STEPS.length - 1]!;
  const offset = timeZoneOffsetMinutes ?? ((ms: number) => new Date(ms).getTimezoneOffset());
  // Align in local time: shift to local, floor to the step (days from local midnight), shift back.
  const align = Math.min(step, DAY);
  const localStart = span.startMs - offset(span.startMs) * 60_000;
  let first = Math.ceil(localStart / align) * align + offset(span.startMs) * 60_000;
  if (step > DAY) {
    // Multi-day steps start at a local midnight; that is aligned enough.
    first = Math.ceil(localStart / DAY) * DAY + offset(span.startMs) * 60_000;
  }
  const ticks: Tick[] = [];
  for (let ms = first; ms <= span.endMs && ticks.length < 50; ms += step) {
    ticks.push({ ms, percent: ((ms - span.startMs) / range) * 100, label: tickLabel(ms, step) });
  }
  return ticks;
}

function tickLabel(ms: number, step: number): string {
  const d = new Date(ms);
  const day = `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  if (step >= DAY) return step >= 91 * DAY ? `${day} ${d.getFullYear()}` : day;
  return d.getHours() === 0 ? `${day} 00:00` : `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** A scale over `span`. */
export function createTimeScale(span: TimeSpan, maxTicks = 7): TimeScale {
  const range = span.endMs - span.startMs || 1;
  const clamp = (value: number) => Math.min(100, Math.max(0, value));
  return {
    ...span,
    position: (ms) => clamp(((ms - span.startMs) / range) * 100),
    width: (startMs, endMs, minWidth = 0.5) => {
      const left = clamp(((startMs - span.startMs) / range) * 100);
      const right = clamp(((endMs - span.startMs) / range) * 100);
      return Math.min(100 - left, Math.max(minWidth, right - left));
    },
    ticks: ticksFor(span, maxTicks),
  };
}
