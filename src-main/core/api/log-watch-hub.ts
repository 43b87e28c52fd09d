import type { LogLine } from '../../shared/session.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import type { ConnectedClient } from './client.ts';

const BACKFILL_PAGE = 2000;
const RETRY_MS = 15;

interface Watch {
  client: ConnectedClient;
  sessionId: string;
  /** Last seq the client has been sent. */
  cursor: number;
  /** Live lines are forwarded directly only when the client is caught up and not backlogged. */
  live: boolean;
  timer: NodeJS.Timeout | null;
  pumping: boolean;
}

/**
 * Streams one session's log to each client that watches it: stored lines first, then live ones,
 * in order and without gaps. When a client falls behind, live lines are dropped for it and it is
 * fed from the DB at its own pace, so memory stays bounded however fast a session logs.
 */
export class LogWatchHub {
  private readonly sessions: SessionManager;
  private readonly watches = new Map<string, Watch>();

  constructor(sessions: SessionManager) {
    this.sessions = sessions;
    sessions.subscribe((event) => {
      if (event.type === 'log') this.onLines(event.sessionId, event.lines);
    });
  }

  watch(client: ConnectedClient, sessionId: string, afterSeq: number): void {
    this.sessions.get(sessionId); // throws not_found for unknown ids
    this.unwatch(client, sessionId);
    const watch: Watch = { client, sessionId, cursor: afterSeq, live: false, timer: null, pumping: false };
    this.watches.set(key(client, sessionId), watch);
    this.pump(watch);
  }

  unwatch(client: ConnectedClient, sessionId: string): void {
    const watch = this.watches.get(key(client, sessionId));
    if (!watch) return;
    if (watch.timer) clearTimeout(watch.timer);
    this.watches.delete(key(client, sessionId));
  }

  /** Drops every watch of a client that went away. */
  forget(client: ConnectedClient): void {
    for (const watch of [...this.watches.values()]) if (watch.client === client) this.unwatch(client, watch.sessionId);
  }

  private onLines(sessionId: string, lines: LogLine[]): void {
    for (const watch of this.watches.values()) {
      if (watch.sessionId !== sessionId || !watch.live) continue;
      const fresh = lines.filter((line) => line.seq > watch.cursor);
      if (!fresh.length) continue;
      if (fresh[0]!.seq !== watch.cursor + 1 || watch.client.isBacklogged()) {
        watch.live = false;
        this.schedule(watch);
        continue;
      }
      watch.client.send('session.log', { sessionId, lines: fresh });
      watch.cursor = fresh[fresh.length - 1]!.seq;
    }
  }

  private schedule(watch: Watch): void {
    if (watch.timer || !this.watches.has(key(watch.client, watch.sessionId))) return;
    watch.timer = setTimeout(() => {
      watch.timer = null;
      this.pump(watch);
    }, RETRY_MS);
  }

  private pump(watch: Watch): void {
    if (watch.pumping) return;
    watch.pumping = true;
    try {
      while (this.watches.get(key(watch.client, watch.sessionId)) === watch) {
        if (watch.client.isBacklogged()) return this.schedule(watch);
        const { lines } = this.sessions.logs(watch.sessionId, watch.cursor, BACKFILL_PAGE, 'debug');
        if (!lines.length) {
          watch.live = true;
          return;
        }
        watch.client.send('session.log', { sessionId: watch.sessionId, lines });
        watch.cursor = lines[lines.length - 1]!.seq;
      }
    } finally {
      watch.pumping = false;
    }
  }
}

function key(client: ConnectedClient, sessionId: string): string {
  return `${client.id}\u0000${sessionId}`;
}
