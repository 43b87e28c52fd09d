import { describe, expect, it } from 'vitest';
import {
  elapsedMs,
  formatBytes,
  formatDuration,
  formatEta,
  formatLogTime,
  formatOptionalBytes,
  formatProgressText,
  formatRate,
  formatRelativeTime,
  formatTimestamp,
  zoneLabel,
  progressPercent,
} from '../../../src-renderer/src/logic/format.ts';

describe('formatDuration', () => {
  it('reads at the right scale', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(42_900)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration((2 * 3600 + 3 * 60 + 59) * 1000)).toBe('2 h 03 min');
    expect(formatDuration((4 * 24 + 6) * 3600 * 1000)).toBe('4 d 06 h');
  });
  it('shows a dash for nothing to measure', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-5)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('elapsedMs', () => {
  it('measures to the end, or to now while running, and is null before the start', () => {
    expect(elapsedMs('2025-01-01T00:00:00.000Z', '2025-01-01T00:01:30.000Z', 0)).toBe(90_000);
    expect(elapsedMs('2025-01-01T00:00:00.000Z', null, Date.parse('2025-01-01T00:00:10.000Z'))).toBe(10_000);
    expect(elapsedMs(null, null, Date.now())).toBeNull();
  });
});

describe('progress', () => {
  const p = (done: number, total: number | null, unit = 'items', rate: number | null = null) => ({ done, total, unit, rate, etaSeconds: null });

  it('computes a clamped percentage, or null when the total is unknown', () => {
    expect(progressPercent(p(25, 100))).toBe(25);
    expect(progressPercent(p(150, 100))).toBe(100);
    expect(progressPercent(p(0, 0))).toBe(100);
    expect(progressPercent(p(5, null))).toBeNull();
    expect(progressPercent(null)).toBeNull();
  });
  it('writes done / total with the unit, bytes in binary units', () => {
    expect(formatProgressText(p(1234, 5000))).toBe('1,234 / 5,000 items');
    expect(formatProgressText(p(7, null, 'checks'))).toBe('7 checks');
    expect(formatProgressText(p(1536, 3 * 1024 * 1024, 'bytes'))).toBe('1.5 KiB / 3.0 MiB');
  });
  it('writes rates and ETAs', () => {
    expect(formatRate(null, 'items')).toBe('—');
    expect(formatRate(0.42, 'items')).toBe('0.4 items/s');
    expect(formatRate(1234.6, 'rows')).toBe('1,235 rows/s');
    expect(formatRate(12.5 * 1024 * 1024, 'bytes')).toBe('12.5 MiB/s');
    expect(formatEta(null)).toBe('—');
    expect(formatEta(185)).toBe('3 min 05 s left');
  });
  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
  });
});

describe('timestamps', () => {
  it('formats in local time with a fixed layout', () => {
    const iso = '2025-03-04T05:06:07.089Z';
    const d = new Date(iso);
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(formatTimestamp(iso)).toBe(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:07 ${zoneLabel(d)}`);
    expect(formatLogTime(iso)).toBe(`${pad(d.getHours())}:${pad(d.getMinutes())}:07.089`);
    expect(formatTimestamp(null)).toBe('—');
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2026-01-10T12:00:00.000Z');
  const ago = (ms: number) => new Date(now - ms).toISOString();
  it('rounds to one unit, past and future', () => {
    expect(formatRelativeTime(ago(10_000), now)).toBe('just now');
    expect(formatRelativeTime(ago(5 * 60_000), now)).toBe('5 min ago');
    expect(formatRelativeTime(ago(50_000), now)).toBe('1 min ago');
    expect(formatRelativeTime(ago(3 * 3_600_000), now)).toBe('3 h ago');
    expect(formatRelativeTime(ago(12 * 86_400_000), now)).toBe('12 d ago');
    expect(formatRelativeTime(ago(-2 * 3_600_000), now)).toBe('in 2 h');
    expect(formatRelativeTime(ago(400 * 86_400_000), now)).toBe('13 mo ago');
  });
  it('reads unknown times as a dash', () => {
    expect(formatRelativeTime(null, now)).toBe('—');
    expect(formatRelativeTime('not a time', now)).toBe('—');
    expect(formatOptionalBytes(null)).toBe('—');
    expect(formatOptionalBytes(120_000)).toBe('117.2 KiB');
  });
});
