import type { ContinuousWindow } from './continuous-windows.ts';
import type { RepositoryPointView } from './restore-points.ts';

/**
 * One timeline of everything a resource can be restored from, newest first: Azure's continuous-
 * backup window (any second in it) and the repository and archive restore points. Pure.
 */
export type TimelineItem =
  | { kind: 'window'; key: string; at: string; start: string; end: string; window: ContinuousWindow }
  | { kind: 'repository' | 'archive'; key: string; at: string; point: RepositoryPointView };

export function resourceTimeline(windows: readonly ContinuousWindow[], points: readonly RepositoryPointView[]): TimelineItem[] {
  const items: TimelineItem[] = [
    ...windows.map((window) => ({ kind: 'window' as const, key: `window-${window.recordId}`, at: window.end, start: window.start, end: window.end, window })),
    ...points.map((point) => ({ kind: point.archive ? ('archive' as const) : ('repository' as const), key: point.id, at: point.time, point })),
  ];
  return items.sort((a, b) => b.at.localeCompare(a.at) || a.key.localeCompare(b.key));
}

/** The zoom presets of the resource timeline: a span ending now, or everything there is. */
export const ZOOM_PRESETS = [
  { id: '24h', label: '24 h', ms: 24 * 3_600_000 },
  { id: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: '30 days', ms: 30 * 86_400_000 },
  { id: 'all', label: 'All', ms: null },
] as const;
export type ZoomPreset = (typeof ZOOM_PRESETS)[number]['id'];

/** The narrowest the timeline zooms: ten minutes across. */
export const MIN_ZOOM_MS = 10 * 60_000;

/** A continuous window as it stands at `nowMs`: a live account's window reaches now; a deleted one's ends at its deletion. */
export function liveWindowSpan(window: Pick<ContinuousWindow, 'start' | 'end' | 'deleted'>, nowMs: number): { startMs: number; endMs: number } | null {
  const startMs = Date.parse(window.start);
  const endMs = window.deleted ? Date.parse(window.end) : Math.max(nowMs, Date.parse(window.end));
  return Number.isNaN(startMs) || Number.isNaN(endMs) ? null : { startMs, endMs };
}

/** Everything on the timeline (windows and points, up to now), padded 2 % each side; null when there is nothing. */
export function timelineExtent(items: readonly TimelineItem[], nowMs: number): { startMs: number; endMs: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const item of items) {
    const span = item.kind === 'window' ? liveWindowSpan(item.window, nowMs) : { startMs: Date.parse(item.at), endMs: Date.parse(item.at) };
    if (!span || Number.isNaN(span.startMs)) continue;
    min = Math.min(min, span.startMs);
    max = Math.max(max, span.endMs);
  }
  if (!Number.isFinite(min)) return null;
  // The timeline always reaches now: what is missing lately is part of the answer.
  max = Math.max(max, nowMs);
  if (max - min < MIN_ZOOM_MS) min = max - MIN_ZOOM_MS;
  const pad = (max - min) * 0.02;
  return { startMs: min - pad, endMs: max + pad };
}

/** The span a preset shows: the last 24 h / 7 / 30 days up to now (with a little room after now), or the whole extent. */
export function presetSpan(preset: ZoomPreset, extent: { startMs: number; endMs: number }, nowMs: number): { startMs: number; endMs: number } {
  const ms = ZOOM_PRESETS.find((p) => p.id === preset)?.ms ?? null;
  if (ms === null) return extent;
  return { startMs: nowMs - ms, endMs: nowMs + ms * 0.02 };
}

/**
 * Zooms by `factor` (below 1 zooms in) around `centerMs` (default: the middle), never narrower
 * than MIN_ZOOM_MS and never wider than `bounds`, shifted back inside `bounds` when it spills over.
 */
export function zoomSpan(span: { startMs: number; endMs: number }, factor: number, bounds: { startMs: number; endMs: number }, centerMs = (span.startMs + span.endMs) / 2): { startMs: number; endMs: number } {
  const maxWidth = bounds.endMs - bounds.startMs;
  const width = Math.min(maxWidth, Math.max(MIN_ZOOM_MS, (span.endMs - span.startMs) * factor));
  const share = span.endMs > span.startMs ? (centerMs - span.startMs) / (span.endMs - span.startMs) : 0.5;
  let startMs = centerMs - width * share;
  startMs = Math.min(Math.max(startMs, bounds.startMs), bounds.endMs - width);
  return { startMs, endMs: startMs + width };
}

/**
 * The time a click picks on a window's bar: the share of the bar's visible part clicked, kept
 * `marginMs` inside the window (the service refuses times at its very edges), to the second.
 */
export function pickTimeOnBar(fraction: number, visible: { startMs: number; endMs: number }, window: { startMs: number; endMs: number }, marginMs: number): number {
  const raw = visible.startMs + Math.min(1, Math.max(0, fraction)) * (visible.endMs - visible.startMs);
  const earliest = window.startMs + marginMs;
  const latest = Math.max(earliest, window.endMs - marginMs);
  return Math.floor(Math.min(latest, Math.max(earliest, raw)) / 1000) * 1000;
}
