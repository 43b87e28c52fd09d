import { describe, expect, it } from 'vitest';
import { sessionExportText } from '../../../src-renderer/src/logic/session-export.ts';
import { safeFileName } from '../../../src-renderer/src/logic/download.ts';

describe('a session exported to a file', () => {
  it('holds the facts with UTC times, the summary and every line; its file name is safe', () => {
    const text = sessionExportText(
      { id: 'abc', kind: 'backup', title: 'Backup of shop to nightly', status: 'failed', createdAt: '2026-12-05T01:00:00.000Z', startedAt: '2026-12-05T01:00:01.000Z', endedAt: null, progress: null, summary: 'pg_dump failed', resourceId: null, parentId: null, policyId: null, warningCount: 0, errorCount: 1, lastSeq: 2 },
      [
        { sessionId: 'abc', seq: 1, time: '2026-12-05T01:00:01.000Z', level: 'info', message: 'Starting' },
        { sessionId: 'abc', seq: 2, time: '2026-12-05T01:00:02.000Z', level: 'error', message: 'pg_dump failed' },
      ],
    );
    expect(text.split('\n').slice(0, 4)).toEqual(['Session: Backup of shop to nightly', 'Kind: backup', 'Status: failed', 'Created: 2026-12-05T01:00:00.000Z (UTC)']);
    expect(text).toContain('Ended: — (UTC)');
    expect(text).toContain('2026-12-05T01:00:02.000Z ERROR pg_dump failed\n');
    expect(safeFileName('Backup of shop/../x: "now"', 'log')).toBe('Backup-of-shop-..-x-now.log');
  });
});
