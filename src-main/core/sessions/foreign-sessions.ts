import { isFinalStatus, SESSION_STATUSES, type LogLine, type Session } from '../../shared/session.ts';
import type { SessionsStore } from '../config-db/sessions-store.ts';
import type { SessionEvent } from './session-manager.ts';

/** Sessions of other processes a poll looks at: every unfinished one and the newest this many. */
const RECENT_WINDOW = 50;
/** Log lines read per session per poll; a watcher that misses more catches up from the DB itself. */
const LINES_PER_POLL = 2000;

const UNFINISHED = SESSION_STATUSES.filter((status) => !isFinalStatus(status));

/** What makes two snapshots of one session differ for a console. */
function signature(session: Session): string {
  return `${session.status}|${session.lastSeq}|${session.progress?.done ?? ''}|${session.summary ?? ''}|${session.endedAt ?? ''}`;
}

/**
 * Notices sessions that other processes run on the same config DB (a CLI backup while the console
 * is open, the service's scheduled work) and turns their changes into the same `updated` and `log`
 * events this process's own sessions produce, so every console follows them live. The first poll
 * only learns what exists; later polls report what changed since.
 */
export class ForeignSessionWatcher {
  private readonly store: SessionsStore;
  private readonly isLocal: (id: string) => boolean;
  private readonly emit: (event: SessionEvent) => void;
  private readonly seen = new Map<string, string>();
  private primed = false;

  constructor(options: { store: SessionsStore; isLocal: (id: string) => boolean; emit: (event: SessionEvent) => void }) {
    this.store = options.store;
    this.isLocal = options.isLocal;
    this.emit = options.emit;
  }

  /** Records a snapshot this process emitted itself, so a poll does not report it again. */
  remember(session: Session): void {
    this.seen.set(session.id, signature(session));
  }

  /** One look at the DB: emits every foreign session that appeared or changed, with its new log lines. */
  poll(): void {
    const candidates = new Map<string, Session>();
    for (const session of this.store.list({ status: [...UNFINISHED], limit: 1000 })) candidates.set(session.id, session);
    for (const session of this.store.list({ limit: RECENT_WINDOW })) candidates.set(session.id, session);
    // Sessions that were unfinished last time and have dropped out of both lists ended meanwhile.
    for (const [id, sig] of this.seen) {
      if (candidates.has(id) || !UNFINISHED.some((status) => sig.startsWith(`${status}|`))) continue;
      const ended = this.store.get(id);
      if (ended) candidates.set(id, ended);
    }
    for (const session of candidates.values()) {
      if (this.isLocal(session.id)) continue;
      const before = this.seen.get(session.id);
      const now = signature(session);
      if (before === now) continue;
      this.seen.set(session.id, now);
      if (!this.primed) continue;
      const afterSeq = before ? Number(before.split('|')[1]) : 0;
      if (session.lastSeq > afterSeq) {
        const lines: LogLine[] = this.store.logs(session.id, afterSeq, LINES_PER_POLL, 'debug');
        if (lines.length) this.emit({ type: 'log', sessionId: session.id, lines });
      }
      this.emit({ type: 'updated', session });
    }
    this.primed = true;
  }
}
