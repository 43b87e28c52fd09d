import { describe, expect, it } from 'vitest';
import type { RestorePointRecordDto } from '../../../src-main/shared/catalog.ts';
import { latestWindows } from '../../../src-renderer/src/logic/continuous-windows.ts';
import { createTimeScale, spanOf, ticksFor } from '../../../src-renderer/src/logic/timeline-scale.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t = (iso: string) => Date.parse(iso);

describe('time scale', () => {
  it('spans every window with a little padding', () => {
    const span = spanOf([
      { start: '2026-11-10T00:00:00.000Z', end: '2026-11-20T00:00:00.000Z' },
      { start: '2026-11-15T00:00:00.000Z', end: '2026-11-21T00:00:00.000Z' },
      { start: 'bad', end: 'bad' },
    ])!;
    expect(span.startMs).toBe(t('2026-11-10T00:00:00.000Z') - 11 * DAY * 0.02);
    expect(span.endMs).toBe(t('2026-11-21T00:00:00.000Z') + 11 * DAY * 0.02);
    expect(spanOf([])).toBeNull();
  });

  it('widens an instant to an hour so it can be drawn', () => {
    const span = spanOf([{ start: '2026-11-10T00:00:00.000Z', end: '2026-11-10T00:00:00.000Z' }])!;
    expect(span.endMs - span.startMs).toBeCloseTo(HOUR * 1.04);
  });

  it('maps times to percentages, clamped, with a minimum width', () => {
    const scale = createTimeScale({ startMs: 0, endMs: 10 * DAY });
    expect(scale.position(5 * DAY)).toBe(50);
    expect(scale.position(-DAY)).toBe(0);
    expect(scale.position(11 * DAY)).toBe(100);
    expect(scale.width(2 * DAY, 4 * DAY)).toBe(20);
    expect(scale.width(DAY, DAY)).toBe(0.5);
    expect(scale.width(9.99 * DAY, 20 * DAY)).toBeCloseTo(0.1);
  });

  it('picks whole-day or whole-hour ticks, at most the number asked', () => {
    const utc = () => 0;
    const days = ticksFor({ startMs: t('2026-11-10T05:00:00.000Z'), endMs: t('2026-11-16T05:00:00.000Z') }, 7, utc);
    expect(days.map((tick) => new Date(tick.ms).toISOString().slice(0, 13))).toEqual(['2026-11-11T00', '2026-11-12T00', '2026-11-13T00', '2026-11-14T00', '2026-11-15T00', '2026-11-16T00']);
    expect(days[0]!.percent).toBeCloseTo((19 / 144) * 100);
    const hours = ticksFor({ startMs: t('2026-11-10T01:30:00.000Z'), endMs: t('2026-11-10T13:00:00.000Z') }, 7, utc);
    expect(hours.map((tick) => new Date(tick.ms).getUTCHours())).toEqual([2, 4, 6, 8, 10, 12]);
    const month = ticksFor({ startMs: 0, endMs: 30 * DAY }, 7, utc);
    expect(month.length).toBeLessThanOrEqual(7);
    expect(month.every((tick) => tick.ms % DAY === 0)).toBe(true);
  });
});

function record(overrides: Partial<RestorePointRecordDto>): RestorePointRecordDto {
  return {
    id: 'r',
    kind: 'continuous',
    resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/shop',
    policyId: null,
    repositoryId: null,
    sessionId: null,
    pointTime: '2026-11-20T00:00:00.000Z',
    windowStart: '2026-11-13T00:00:00.000Z',
    windowEnd: '2026-11-20T00:00:00.000Z',
    gfs: [],
    sizeBytes: null,
    metadata: { accountName: 'shop', api: 'Sql', location: 'West Europe', restorableLocations: ['West Europe', 'North Europe'], databases: [{ name: 'db', children: ['a', 'b'] }], tables: [] },
    createdAt: '2026-11-20T00:00:00.000Z',
    ...overrides,
  };
}

describe('latestWindows', () => {
  it('keeps the latest record per account, accounts by name', () => {
    const windows = latestWindows([
      record({ id: 'old', pointTime: '2026-11-19T00:00:00.000Z', windowEnd: '2026-11-19T00:00:00.000Z' }),
      record({ id: 'new', resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/SHOP' }),
      record({ id: 'pg', resourceId: '/x/clusters/analytics', metadata: { resourceType: 'postgres-cluster', name: 'analytics', location: 'East US' } }),
      record({ id: 'nowindow', resourceId: '/x/other', windowStart: null }),
      record({ id: 'repo', kind: 'repository', resourceId: '/x/repo' }),
    ]);
    expect(windows.map((w) => [w.recordId, w.name])).toEqual([
      ['pg', 'analytics'],
      ['new', 'shop'],
    ]);
    expect(windows[0]).toMatchObject({ api: 'PostgreSQL', restorableLocations: ['East US'], deleted: false });
    expect(windows[1]).toMatchObject({ api: 'NoSQL', restorableLocations: ['West Europe', 'North Europe'], databaseCount: 1, containerCount: 2 });
  });
});
