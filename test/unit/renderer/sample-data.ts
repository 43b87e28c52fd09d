import type { LogLevel, LogLine, Session } from '../../../src-main/shared/session.ts';

/** A valid session record with sensible defaults. */
export function session(overrides: Partial<Session> = {}): Session {
  return {
    id: 's1',
    kind: 'environment-check',
    title: 'Environment check',
    status: 'running',
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    endedAt: null,
    progress: null,
    summary: null,
    resourceId: null,
    policyId: null,
    parentId: null,
    warningCount: 0,
    errorCount: 0,
    lastSeq: 0,
    ...overrides,
  };
}

const LEVEL_CYCLE: LogLevel[] = ['info', 'debug', 'info', 'warn', 'info', 'error'];

/** Log lines `from`..`to` (inclusive) of one session; levels cycle so every level appears. */
export function lines(from: number, to: number, sessionId = 's1'): LogLine[] {
  const out: LogLine[] = [];
  for (let seq = from; seq <= to; seq++) {
    out.push({ sessionId, seq, time: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, seq)).toISOString(), level: LEVEL_CYCLE[seq % LEVEL_CYCLE.length]!, message: `line ${seq}` });
  }
  return out;
}
