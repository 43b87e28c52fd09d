import { describe, expect, it } from 'vitest';
import { liveWindowSpan, MIN_ZOOM_MS, pickTimeOnBar, presetSpan, resourceTimeline, timelineExtent, zoomSpan } from '../../../src-renderer/src/logic/resource-timeline.ts';
import type { ContinuousWindow } from '../../../src-renderer/src/logic/continuous-windows.ts';
import type { RepositoryPointView } from '../../../src-renderer/src/logic/restore-points.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-12-05T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const window = (start: number, end: number, deleted = false): ContinuousWindow => ({
  recordId: 'r1', resourceId: '/x', name: 'orders-sql', api: 'Sql', location: 'westus', restorableLocations: [], backupTier: 'Continuous7Days', deleted, start: iso(start), end: iso(end), recordedAt: iso(end), databaseCount: 1, containerCount: 2,
});
const point = (id: string, at: number, archive = false) => ({ id, archive, time: iso(at) }) as RepositoryPointView;

describe('resource timeline: extent, zoom and picking a time', () => {
  it('a live window reaches now; a deleted one ends at its deletion', () => {
    expect(liveWindowSpan(window(NOW - 7 * DAY, NOW - 8 * HOUR), NOW)).toEqual({ startMs: NOW - 7 * DAY, endMs: NOW });
    expect(liveWindowSpan(window(NOW - 7 * DAY, NOW - 2 * DAY, true), NOW)).toEqual({ startMs: NOW - 7 * DAY, endMs: NOW - 2 * DAY });
  });

  it('spans the window and every point up to now, padded', () => {
    const items = resourceTimeline([window(NOW - 7 * DAY, NOW - HOUR)], [point('a', NOW - 40 * DAY), point('b', NOW - DAY, true)]);
    const extent = timelineExtent(items, NOW)!;
    const width = 40 * DAY;
    expect(extent.startMs).toBeCloseTo(NOW - 40 * DAY - width * 0.02);
    expect(extent.endMs).toBeCloseTo(NOW + width * 0.02);
    expect(timelineExtent([], NOW)).toBeNull();
  });

  it('presets end just after now; All is the whole extent', () => {
    const extent = { startMs: NOW - 90 * DAY, endMs: NOW };
    expect(presetSpan('24h', extent, NOW)).toEqual({ startMs: NOW - DAY, endMs: NOW + DAY * 0.02 });
    expect(presetSpan('all', extent, NOW)).toBe(extent);
  });

  it('zooms around a point, no narrower than ten minutes and never outside the bounds', () => {
    const bounds = { startMs: 0, endMs: 100 * DAY };
    const inAtQuarter = zoomSpan({ startMs: 0, endMs: 40 * DAY }, 0.5, bounds, 10 * DAY);
    expect(inAtQuarter).toEqual({ startMs: 5 * DAY, endMs: 25 * DAY });
    expect(zoomSpan({ startMs: 0, endMs: 15 * 60_000 }, 0.1, bounds).endMs - zoomSpan({ startMs: 0, endMs: 15 * 60_000 }, 0.1, bounds).startMs).toBe(MIN_ZOOM_MS);
    expect(zoomSpan({ startMs: 80 * DAY, endMs: 100 * DAY }, 2, bounds)).toEqual({ startMs: 60 * DAY, endMs: 100 * DAY });
    expect(zoomSpan({ startMs: 0, endMs: 80 * DAY }, 4, bounds)).toEqual(bounds);
  });

  it('a click picks the share of the visible bar, kept a margin inside the window, to the second', () => {
    const w = { startMs: NOW - 7 * DAY, endMs: NOW };
    expect(pickTimeOnBar(0.5, w, w, 5 * 60_000)).toBe(Math.floor((NOW - 3.5 * DAY) / 1000) * 1000);
    expect(pickTimeOnBar(0, w, w, 5 * 60_000)).toBe(NOW - 7 * DAY + 5 * 60_000);
    expect(pickTimeOnBar(1.2, w, w, 5 * 60_000)).toBe(NOW - 5 * 60_000);
    // Zoomed in: the visible part of the bar is what the click is measured on.
    expect(pickTimeOnBar(0.25, { startMs: NOW - DAY, endMs: NOW }, w, 0)).toBe(NOW - 0.75 * DAY);
  });
});
