import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { AppError } from '../../shared/errors.ts';
import { isFinalStatus, type LogLevel, type LogLine, type Session, type SessionKind } from '../../shared/session.ts';
import type { Clock } from '../clock.ts';
import type { SessionListFilter, SessionOwner, SessionsStore } from '../config-db/sessions-store.ts';
import { LogBuffer } from './log-buffer.ts';
import { ProgressTracker } from './progress-tracker.ts';
import type { SessionContext, SessionWork } from './session-context.ts';
import { isOwnerGone } from './owner-liveness.ts';
import { ForeignSessionWatcher } from './foreign-sessions.ts';
import type { UnsavedRecordsJournal } from './unsaved-records.ts';

/** What to start: the kind and a title people recognize in the list. */
export interface SessionSpec {
  kind: SessionKind;
  title: string;
  resourceId?: string | null;
  policyId?: string | null;
  /** The session this one is a task of. */
  parentId?: string | null;
}

export type SessionEvent = { type: 'updated'; session: Session } | { type: 'log'; sessionId: string; lines: LogLine[] };
export type SessionListener = (event: SessionEvent) => void;

export interface SessionManagerOptions {
  store: SessionsStore;
  clock: Clock;
  /** How many sessions run at once; more wait as `queued`. */
  maxConcurrent?: number;
  heartbeatMs?: number;
  /** A session whose owner has not beaten for this long is considered interrupted. */
  staleAfterMs?: number;
  logFlushIntervalMs?: number;
  progressWriteIntervalMs?: number;
  /** Extra error lines for a session closed as interrupted (e.g. the half-restored targets of a restore). */
  interruptedNotes?: (session: Session) => string[];
  /** Where records the config DB refused are kept when the process stops, and found at the next start. */
  journal?: UnsavedRecordsJournal;
}

/** What `close()` could not write into the config DB. */
export interface CloseReport {
  /** Sessions whose latest record (status, summary) is not in the config DB. */
  unsavedSessions: Session[];
  unsavedLines: number;
  /** Where those records wait for the next start, or null when no place accepted them. */
  journalPath: string | null;
}

interface LiveSession {
  session: Session;
  work: SessionWork;
  controller: AbortController;
  tracker: ProgressTracker;
  lastProgressWrite: number;
  done: Promise<Session>;
  resolveDone: (session: Session) => void;
}

/**
 * Runs every piece of long work as a session: a persisted record with status, progress and a log,
 * cancellable through an AbortSignal. Other processes sharing the config DB see the same records;
 * they cancel through the DB, and sessions whose owner died are closed as failed.
 */
export class SessionManager {
  readonly owner: SessionOwner;
  private readonly store: SessionsStore;
  private readonly clock: Clock;
  private readonly maxConcurrent: number;
  private readonly heartbeatMs: number;
  private readonly staleAfterMs: number;
  private readonly progressWriteIntervalMs: number;
  private readonly interruptedNotes: (session: Session) => string[];
  private readonly live = new Map<string, LiveSession>();
  private readonly queue: string[] = [];
  private readonly listeners = new Set<SessionListener>();
  private readonly logBuffer: LogBuffer;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private foreign: ForeignSessionWatcher | null = null;
  private foreignTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly journal: UnsavedRecordsJournal | undefined;
  /** Latest records the store refused (disk full), written again at the next write that works. */
  private readonly unsaved = new Map<string, Session>();

  constructor(options: SessionManagerOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.maxConcurrent = options.maxConcurrent ?? 4;
    this.heartbeatMs = options.heartbeatMs ?? 5000;
    this.staleAfterMs = options.staleAfterMs ?? 60_000;
    this.progressWriteIntervalMs = options.progressWriteIntervalMs ?? 250;
    this.interruptedNotes = options.interruptedNotes ?? (() => []);
    this.journal = options.journal;
    this.owner = { instance: randomUUID(), pid: process.pid, host: hostname() };
    this.logBuffer = new LogBuffer({
      write: (lines) => this.store.appendLines(lines),
      emit: (lines) => this.emitLines(lines),
      onWriteError: (error) => this.reportStoreError(error),
      flushIntervalMs: options.logFlushIntervalMs,
    });
  }

  /** Listens to every session's updates and log lines; returns the unsubscribe function. */
  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records a new session and runs `work` as soon as a slot is free. Returns the queued record. */
  start(spec: SessionSpec, work: SessionWork): Session {
    if (this.closed) throw new AppError('unavailable', 'Cosmos Backup is shutting down; no new sessions start.');
    const session: Session = {
      id: randomUUID(),
      kind: spec.kind,
      title: spec.title,
      status: 'queued',
      createdAt: this.nowIso(),
      startedAt: null,
      endedAt: null,
      progress: null,
      summary: null,
      resourceId: spec.resourceId ?? null,
      parentId: spec.parentId ?? null,
      policyId: spec.policyId ?? null,
      warningCount: 0,
      errorCount: 0,
      lastSeq: 0,
    };
    try {
      this.store.insert(session, this.owner);
    } catch (error) {
      const full = (error as { code?: string }).code === 'SQLITE_FULL';
      throw new AppError('data_dir_unusable', full ? 'Cannot start the session: the disk holding the configuration database is full. Free some space; nothing was changed.' : `Cannot record the session: ${(error as Error).message}`);
    }
    let resolveDone!: (s: Session) => void;
    const done = new Promise<Session>((resolve) => (resolveDone = resolve));
    this.live.set(session.id, {
      session,
      work,
      controller: new AbortController(),
      tracker: new ProgressTracker(),
      lastProgressWrite: 0,
      done,
      resolveDone,
    });
    this.queue.push(session.id);
    this.emit({ type: 'updated', session: { ...session } });
    setImmediate(() => this.pump());
    return { ...session };
  }

  /** Resolves with the final record once the session has ended. */
  async waitFor(id: string): Promise<Session> {
    const live = this.live.get(id);
    if (live) return live.done;
    const session = this.get(id);
    if (isFinalStatus(session.status)) return session;
    // Owned by another process: follow the record.
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const current = this.get(id);
      if (isFinalStatus(current.status)) return current;
    }
  }

  get(id: string): Session {
    const live = this.live.get(id);
    if (live) return { ...live.session, ...this.countsOf(id) };
    const unsaved = this.unsaved.get(id);
    if (unsaved) return { ...unsaved };
    const session = this.store.get(id);
    if (!session) throw new AppError('not_found', `No session with id ${id}.`);
    return session;
  }

  list(filter: SessionListFilter): Session[] {
    this.logBuffer.flush();
    return this.store.list(filter);
  }

  logs(id: string, afterSeq: number, limit: number, minLevel: LogLevel): { lines: LogLine[]; lastSeq: number } {
    this.get(id);
    this.logBuffer.flush();
    const lines = this.store.logs(id, afterSeq, limit, minLevel);
    return { lines, lastSeq: this.get(id).lastSeq };
  }

  /**
   * Cancels a session: a queued one ends at once, a running one is asked to stop (status `canceling`)
   * and ends when its work returns. A session owned by another process is canceled through the DB.
   */
  cancel(id: string): Session {
    const live = this.live.get(id);
    if (live) {
      if (live.session.status === 'queued') {
        this.queue.splice(this.queue.indexOf(id), 1);
        this.appendLog(live, 'warn', 'Canceled before it started.');
        this.finish(live, 'canceled', 'Canceled before it started.');
      } else if (live.session.status === 'running') {
        live.session.status = 'canceling';
        this.persist(live);
        this.appendLog(live, 'warn', 'Cancel requested; stopping.');
        live.controller.abort(new AppError('canceled', 'The session was canceled.'));
      }
      return this.get(id);
    }
    const owned = this.store.getOwned(id);
    if (!owned) throw new AppError('not_found', `No session with id ${id}.`);
    if (!isFinalStatus(owned.session.status)) this.store.requestCancel(id);
    return this.store.get(id)!;
  }

  /**
   * Closes sessions left unfinished by a process that is gone (crashed, killed, powered off):
   * they become `failed` with "interrupted by shutdown". Returns how many were closed.
   */
  recoverInterrupted(): number {
    let closed = 0;
    for (const owned of this.store.listUnfinished()) {
      if (owned.owner?.instance === this.owner.instance) continue;
      if (!isOwnerGone(owned, this.owner.host, this.clock.now().getTime(), this.staleAfterMs)) continue;
      const message = 'Interrupted by shutdown: the process running this session stopped before it ended.';
      const notes = this.interruptedNotes(owned.session);
      const lines = [message, ...notes].map((text, i) => ({ sessionId: owned.session.id, seq: owned.session.lastSeq + 1 + i, time: this.nowIso(), level: 'error' as const, message: text }));
      this.store.appendLines(lines);
      const session: Session = { ...owned.session, status: 'failed', endedAt: this.nowIso(), summary: ['Interrupted by shutdown', ...notes].join('; ') };
      this.store.update(session);
      this.emit({ type: 'updated', session: this.store.get(session.id)! });
      closed++;
    }
    return closed;
  }

  /** Starts the heartbeat that marks this process alive, picks up cross-process cancels and recovers orphans. */
  startHeartbeat(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => {
      try {
        this.beat();
      } catch (error) {
        // A config DB that refuses writes (disk full) must not stop the process; sessions go on.
        this.reportStoreError(error);
      }
    }, this.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  /**
   * Reports sessions run by other processes on the same config DB (the CLI, the service) as events
   * of this manager, polling every `intervalMs`, so consoles follow them live. For long-running
   * processes that serve a console; returns the watcher so tests can poll it directly.
   */
  watchOtherProcesses(intervalMs = 1000): ForeignSessionWatcher {
    if (!this.foreign) {
      this.foreign = new ForeignSessionWatcher({ store: this.store, isLocal: (id) => this.live.has(id), emit: (event) => this.emit(event) });
      this.foreign.poll();
      this.foreignTimer = setInterval(() => {
        try {
          this.foreign?.poll();
        } catch (error) {
          this.reportStoreError(error);
        }
      }, intervalMs);
      this.foreignTimer.unref();
    }
    return this.foreign;
  }

  /** Deletes the records and logs of sessions that ended more than `days` days ago; returns how many went. */
  forgetEndedBefore(days: number): number {
    return this.store.deleteEndedBefore(new Date(this.clock.now().getTime() - days * 86_400_000).toISOString());
  }

  /** One heartbeat round (exposed so tests can drive it). */
  beat(): void {
    this.store.heartbeat(this.owner.instance, this.nowIso());
    this.writeJournaled();
    for (const id of this.store.cancelRequestsFor(this.owner.instance)) {
      const live = this.live.get(id);
      if (live && live.session.status !== 'canceling') this.cancel(id);
    }
    this.recoverInterrupted();
  }

  /** Stops taking work, cancels what runs, and waits (up to `timeoutMs`) for it to end. */
  async close(timeoutMs = 10_000): Promise<CloseReport> {
    this.closed = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.foreignTimer) clearInterval(this.foreignTimer);
    const pending = [...this.live.values()];
    for (const live of pending) this.cancel(live.session.id);
    await Promise.race([Promise.all(pending.map((l) => l.done)), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    const lines = this.logBuffer.close();
    this.retryUnsaved();
    const sessions = [...this.unsaved.values()];
    if (!sessions.length && !lines.length) return { unsavedSessions: [], unsavedLines: 0, journalPath: null };
    const journalPath = this.journal?.save({ sessions, lines }) ?? null;
    return { unsavedSessions: sessions, unsavedLines: lines.length, journalPath };
  }

  /**
   * Writes what a stopped process left in the journal (its config DB refused it, e.g. the disk was
   * full) — before interrupted sessions are closed, so a backup that ended well is not closed as
   * interrupted. Returns how many session records it brought up to date.
   */
  writeJournaled(): number {
    const taken = this.journal?.take();
    if (!taken) return 0;
    try {
      const written = this.store.writeUnsaved(taken.records.sessions, taken.records.lines);
      taken.done();
      for (const session of taken.records.sessions) {
        const saved = this.store.get(session.id);
        if (saved) this.emit({ type: 'updated', session: saved });
      }
      return written.sessions;
    } catch (error) {
      // Still refused: the journal stays for the next try.
      this.reportStoreError(error);
      return 0;
    }
  }

  private pump(): void {
    const running = [...this.live.values()].filter((l) => l.session.status === 'running' || l.session.status === 'canceling').length;
    let slots = this.maxConcurrent - running;
    while (slots > 0 && this.queue.length) {
      const live = this.live.get(this.queue.shift()!);
      if (!live) continue;
      slots--;
      void this.run(live);
    }
  }

  private async run(live: LiveSession): Promise<void> {
    live.session.status = 'running';
    live.session.startedAt = this.nowIso();
    const context = this.contextFor(live);
    try {
      this.persist(live);
      const outcome = await live.work(context);
      if (live.controller.signal.aborted) {
        this.finish(live, 'canceled', 'Canceled.');
      } else {
        const counts = this.countsOf(live.session.id);
        const status = counts.errorCount > 0 || counts.warningCount > 0 ? 'warning' : 'succeeded';
        this.finish(live, status, outcome?.summary ?? null);
      }
    } catch (error) {
      if (live.controller.signal.aborted) {
        this.appendLog(live, 'warn', 'Canceled.');
        this.finish(live, 'canceled', 'Canceled.');
      } else {
        const message = error instanceof Error ? error.message : String(error);
        this.appendLog(live, 'error', message);
        this.finish(live, 'failed', message.split('\n')[0]!);
      }
    }
  }

  private contextFor(live: LiveSession): SessionContext {
    const log = (level: LogLevel, message: string) => this.appendLog(live, level, message);
    return {
      sessionId: live.session.id,
      signal: live.controller.signal,
      log,
      info: (m) => log('info', m),
      warn: (m) => log('warn', m),
      error: (m) => log('error', m),
      progress: (done, total, unit) => {
        const now = this.clock.monotonicMs();
        live.session.progress = live.tracker.update(done, total, unit, now);
        if (now - live.lastProgressWrite >= this.progressWriteIntervalMs) {
          live.lastProgressWrite = now;
          this.persist(live);
        }
      },
      throwIfCanceled: () => live.controller.signal.throwIfAborted(),
    };
  }

  private readonly seqs = new Map<string, { seq: number; warnings: number; errors: number }>();

  private appendLog(live: LiveSession, level: LogLevel, message: string): void {
    const counts = this.seqs.get(live.session.id) ?? { seq: live.session.lastSeq, warnings: 0, errors: 0 };
    counts.seq++;
    if (level === 'warn') counts.warnings++;
    if (level === 'error') counts.errors++;
    this.seqs.set(live.session.id, counts);
    this.logBuffer.add({ sessionId: live.session.id, seq: counts.seq, time: this.nowIso(), level, message });
  }

  private countsOf(id: string): Pick<Session, 'lastSeq' | 'warningCount' | 'errorCount'> {
    const counts = this.seqs.get(id);
    return counts ? { lastSeq: counts.seq, warningCount: counts.warnings, errorCount: counts.errors } : { lastSeq: 0, warningCount: 0, errorCount: 0 };
  }

  private finish(live: LiveSession, status: Session['status'], summary: string | null): void {
    live.session.status = status;
    live.session.endedAt = this.nowIso();
    live.session.summary = summary;
    if (live.session.progress && live.session.progress.total !== null && status === 'succeeded') {
      live.session.progress = { ...live.session.progress, done: live.session.progress.total, etaSeconds: 0 };
    }
    this.logBuffer.flush();
    this.persist(live);
    const final = this.get(live.session.id);
    this.live.delete(live.session.id);
    this.seqs.delete(live.session.id);
    live.resolveDone(final);
    setImmediate(() => this.pump());
  }

  /**
   * Writes the record and tells listeners. A store that refuses the write (disk full) does not stop
   * the session: listeners still hear the change, and the next write carries it.
   */
  private persist(live: LiveSession): void {
    try {
      this.store.update(live.session);
      this.unsaved.delete(live.session.id);
      this.retryUnsaved();
    } catch (error) {
      this.unsaved.set(live.session.id, { ...live.session, ...this.countsOf(live.session.id) });
      this.reportStoreError(error);
    }
    this.emit({ type: 'updated', session: this.get(live.session.id) });
  }

  /** Writes records the store refused earlier; stops at the first refusal. */
  private retryUnsaved(): void {
    for (const [id, session] of this.unsaved) {
      try {
        this.store.update(session);
        this.unsaved.delete(id);
      } catch {
        return;
      }
    }
  }

  private lastStoreError = 0;

  /** Says once a minute on stderr that the config DB refuses writes; the sessions go on. */
  private reportStoreError(error: unknown): void {
    const now = this.clock.monotonicMs();
    if (now - this.lastStoreError < 60_000) return;
    this.lastStoreError = now;
    process.stderr.write(`cosmos-backup: cannot write to the configuration database (${(error as Error).message}); session records will catch up when it accepts writes again.\n`);
  }

  private emitLines(lines: LogLine[]): void {
    let start = 0;
    for (let i = 1; i <= lines.length; i++) {
      if (i === lines.length || lines[i]!.sessionId !== lines[start]!.sessionId) {
        this.emit({ type: 'log', sessionId: lines[start]!.sessionId, lines: lines.slice(start, i) });
        start = i;
      }
    }
  }

  private emit(event: SessionEvent): void {
    if (event.type === 'updated') this.foreign?.remember(event.session);
    for (const listener of this.listeners) listener(event);
  }

  private lastStamp = 0;

  /**
   * The time recorded on sessions and log lines. It never goes backwards within this process: when
   * the wall clock steps back (NTP, a resumed VM, a manual change), a session still ends after it
   * started and its log stays in order.
   */
  private nowIso(): string {
    this.lastStamp = Math.max(this.lastStamp, this.clock.now().getTime());
    return new Date(this.lastStamp).toISOString();
  }
}
