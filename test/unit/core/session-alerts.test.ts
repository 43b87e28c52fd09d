import { describe, expect, it } from 'vitest';
import { alertFor, worstRecentState } from '../../../src-main/core/notifications/session-alerts.ts';
import type { Session } from '../../../src-main/shared/session.ts';

const session = (over: Partial<Session>): Session => ({
  id: 's', kind: 'policy', title: 'Policy "Nightly"', status: 'succeeded', createdAt: '2026-12-04T01:00:00Z', startedAt: '2026-12-04T01:00:00Z', endedAt: '2026-12-04T01:10:00Z',
  progress: null, summary: null, resourceId: null, policyId: 'p', parentId: null, warningCount: 0, errorCount: 0, lastSeq: 0, ...over,
});

describe('session alerts', () => {
  it('alert once per scheduled run that ends badly, not for its tasks nor for hand-started work', () => {
    expect(alertFor(session({ status: 'failed', summary: '0 of 2 resource(s) backed up' }))).toEqual({ severity: 'failed', title: 'Failed: Policy "Nightly"', body: '0 of 2 resource(s) backed up' });
    expect(alertFor(session({ status: 'warning' }))?.title).toBe('Finished with warnings: Policy "Nightly"');
    expect(alertFor(session({ status: 'succeeded' }))).toBeNull();
    expect(alertFor(session({ status: 'running', endedAt: null }))).toBeNull();
    expect(alertFor(session({ status: 'failed', kind: 'backup', parentId: 'parent' }))).toBeNull();
    expect(alertFor(session({ status: 'failed', kind: 'restore' }))).toBeNull();
  });

  it('put the worst state of the last day in the tray tooltip', () => {
    const now = new Date('2026-12-04T12:00:00Z');
    expect(worstRecentState([], now).text).toBe('Cosmos Backup');
    expect(worstRecentState([session({}), session({ id: 't', kind: 'health-check' })], now)).toEqual({ level: 'ok', text: 'Cosmos Backup — all 2 scheduled sessions of the last 24 h succeeded' });
    expect(worstRecentState([session({ status: 'warning' }), session({ status: 'failed' })], now).level).toBe('failed');
    // A failure older than a day no longer colours the tray.
    expect(worstRecentState([session({ status: 'failed', endedAt: '2026-12-02T00:00:00Z' })], now).level).toBe('ok');
  });
});
