import { describe, expect, it } from 'vitest';
import type { SessionStatus } from '../../../src-main/shared/session.ts';
import {
  compareSessionsNewestFirst,
  countByGroup,
  countByStatus,
  isCancellable,
  isNewerSnapshot,
  matchesFilter,
  sinceTime,
  STATUS_ICONS,
  STATUS_LABELS,
} from '../../../src-renderer/src/logic/session-status.ts';
import { session } from './sample-data.ts';

describe('session status', () => {
  it('has a label and an icon for every status, so colour is never the only cue', () => {
    for (const status of Object.keys(STATUS_LABELS) as SessionStatus[]) {
      expect(STATUS_LABELS[status]).toBeTruthy();
      expect(STATUS_ICONS[status]).toBeTruthy();
    }
  });

  it('lets only queued and running sessions be canceled', () => {
    expect(isCancellable('queued')).toBe(true);
    expect(isCancellable('running')).toBe(true);
    expect(isCancellable('canceling')).toBe(false);
    expect(isCancellable('failed')).toBe(false);
  });

  it('counts by status and by dashboard group', () => {
    const counts = countByStatus([
      session({ id: 'a', status: 'running' }),
      session({ id: 'b', status: 'queued' }),
      session({ id: 'c', status: 'failed' }),
      session({ id: 'd', status: 'succeeded' }),
      session({ id: 'e', status: 'succeeded' }),
    ]);
    expect(counts).toMatchObject({ running: 1, queued: 1, failed: 1, succeeded: 2, warning: 0, canceled: 0, canceling: 0 });
    expect(countByGroup(counts)).toEqual({ active: 2, succeeded: 2, warning: 0, failed: 1, canceled: 0 });
  });

  it('never lets an older snapshot undo a newer one', () => {
    const running = session({ status: 'running', lastSeq: 10 });
    expect(isNewerSnapshot(running, undefined)).toBe(true);
    expect(isNewerSnapshot(session({ status: 'queued' }), running)).toBe(false);
    expect(isNewerSnapshot(session({ status: 'running', lastSeq: 5 }), running)).toBe(false);
    expect(isNewerSnapshot(session({ status: 'running', lastSeq: 10, progress: { done: 2, total: 5, unit: 'checks', rate: null, etaSeconds: null } }), running)).toBe(true);
    const canceled = session({ status: 'canceled', lastSeq: 12 });
    expect(isNewerSnapshot(canceled, running)).toBe(true);
    expect(isNewerSnapshot(running, canceled)).toBe(false);
    expect(isNewerSnapshot(session({ status: 'canceling', lastSeq: 11 }), canceled)).toBe(false);
  });

  it('sorts newest first with a stable tie-break', () => {
    const list = [
      session({ id: 'a', createdAt: '2025-01-01T00:00:00.000Z' }),
      session({ id: 'c', createdAt: '2025-01-02T00:00:00.000Z' }),
      session({ id: 'b', createdAt: '2025-01-02T00:00:00.000Z' }),
    ].sort(compareSessionsNewestFirst);
    expect(list.map((s) => s.id)).toEqual(['c', 'b', 'a']);
  });

  it('filters by status and kind, empty meaning any', () => {
    const s = session({ status: 'failed', kind: 'backup' });
    expect(matchesFilter(s, { statuses: [], kinds: [] })).toBe(true);
    expect(matchesFilter(s, { statuses: ['failed'], kinds: [] })).toBe(true);
    expect(matchesFilter(s, { statuses: ['running'], kinds: [] })).toBe(false);
    expect(matchesFilter(s, { statuses: [], kinds: ['environment-check'] })).toBe(false);
  });

  it('filters by policy, by resource (ids without case) and by how recent', () => {
    const now = Date.parse('2026-12-05T12:00:00.000Z');
    const s = session({ policyId: 'p1', resourceId: '/subscriptions/S/resourceGroups/G/x', createdAt: '2026-12-05T00:00:00.000Z' });
    expect(matchesFilter(s, { statuses: [], kinds: [], policyId: 'p1' }, now)).toBe(true);
    expect(matchesFilter(s, { statuses: [], kinds: [], policyId: 'p2' }, now)).toBe(false);
    expect(matchesFilter(s, { statuses: [], kinds: [], resourceId: '/subscriptions/s/resourcegroups/g/X' }, now)).toBe(true);
    expect(matchesFilter(s, { statuses: [], kinds: [], since: '24h' }, now)).toBe(true);
    expect(matchesFilter(s, { statuses: [], kinds: [], since: '24h' }, now + 13 * 3_600_000)).toBe(false);
    expect(sinceTime('7d', now)).toBe('2026-11-28T12:00:00.000Z');
    expect(sinceTime('', now)).toBeUndefined();
  });
});
