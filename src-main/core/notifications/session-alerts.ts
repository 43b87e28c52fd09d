import { isFinalStatus, type Session } from '../../shared/session.ts';

/** Session kinds an admin is told about when they end badly (the work that runs by itself). */
const ALERTED_KINDS = new Set<Session['kind']>(['policy', 'health-check', 'configuration']);

export interface SessionAlert {
  severity: 'warning' | 'failed';
  title: string;
  body: string;
}

/**
 * The desktop notification for a session that just ended, or null: only top-level sessions of
 * scheduled kinds (policy runs, health checks, configuration) that ended in warning or failure —
 * their tasks are summed up by the parent, so one run makes one notification.
 */
export function alertFor(session: Session): SessionAlert | null {
  if (session.parentId || !ALERTED_KINDS.has(session.kind) || !isFinalStatus(session.status)) return null;
  if (session.status !== 'warning' && session.status !== 'failed') return null;
  return {
    severity: session.status,
    title: `${session.status === 'failed' ? 'Failed' : 'Finished with warnings'}: ${session.title}`,
    body: session.summary ?? (session.status === 'failed' ? 'Open the console to see what happened and what to do.' : 'Some items need attention; open the console for the details.'),
  };
}

/** The worst state of the scheduled work that ended in the last day, for the tray's tooltip. */
export function worstRecentState(sessions: readonly Session[], now: Date): { level: 'ok' | 'warning' | 'failed'; text: string } {
  const since = now.getTime() - 86_400_000;
  const recent = sessions.filter((s) => !s.parentId && ALERTED_KINDS.has(s.kind) && s.endedAt && Date.parse(s.endedAt) >= since);
  const failed = recent.filter((s) => s.status === 'failed').length;
  const warned = recent.filter((s) => s.status === 'warning').length;
  if (failed) return { level: 'failed', text: `Cosmos Backup — ${failed} scheduled session${failed === 1 ? '' : 's'} failed in the last 24 h` };
  if (warned) return { level: 'warning', text: `Cosmos Backup — ${warned} scheduled session${warned === 1 ? '' : 's'} with warnings in the last 24 h` };
  return { level: 'ok', text: recent.length ? `Cosmos Backup — all ${recent.length} scheduled session${recent.length === 1 ? '' : 's'} of the last 24 h succeeded` : 'Cosmos Backup' };
}
