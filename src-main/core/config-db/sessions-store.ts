import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import type { ConfigDb } from './open-database.ts';
import {
  LOG_LEVEL_RANK,
  LOG_LEVELS,
  SESSION_KINDS,
  SESSION_STATUSES,
  isFinalStatus,
  progressSchema,
  type LogLevel,
  type LogLine,
  type Session,
  type SessionKind,
  type SessionStatus,
} from '../../shared/session.ts';

const sessionRowSchema = z.object({
  id: z.string(),
  kind: z.enum(SESSION_KINDS),
  title: z.string(),
  status: z.enum(SESSION_STATUSES),
  created_at: z.string(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  progress: z.string().nullable(),
  summary: z.string().nullable(),
  resource_id: z.string().nullable(),
  policy_id: z.string().nullable(),
  parent_id: z.string().nullable(),
  warning_count: z.number(),
  error_count: z.number(),
  last_seq: z.number(),
  owner_instance: z.string().nullable(),
  owner_pid: z.number().nullable(),
  owner_host: z.string().nullable(),
  heartbeat_at: z.string().nullable(),
  cancel_requested: z.number(),
});
type SessionRow = z.infer<typeof sessionRowSchema>;

const logRowSchema = z.object({
  session_id: z.string(),
  seq: z.number(),
  time: z.string(),
  level: z.enum(LOG_LEVELS),
  message: z.string(),
});

/** Who runs a session: lets another process tell a live owner from a crashed one. */
export interface SessionOwner {
  instance: string;
  pid: number;
  host: string;
}

/** A session row with its ownership, as needed for recovery and cross-process cancel. */
export interface OwnedSession {
  session: Session;
  owner: SessionOwner | null;
  heartbeatAt: string | null;
  cancelRequested: boolean;
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    progress: row.progress ? progressSchema.parse(JSON.parse(row.progress)) : null,
    summary: row.summary,
    resourceId: row.resource_id,
    policyId: row.policy_id,
    parentId: row.parent_id,
    warningCount: row.warning_count,
    errorCount: row.error_count,
    lastSeq: row.last_seq,
  };
}

function toOwned(row: SessionRow): OwnedSession {
  return {
    session: toSession(row),
    owner: row.owner_instance ? { instance: row.owner_instance, pid: row.owner_pid ?? 0, host: row.owner_host ?? '' } : null,
    heartbeatAt: row.heartbeat_at,
    cancelRequested: row.cancel_requested === 1,
  };
}

export interface SessionListFilter {
  status?: SessionStatus[];
  kind?: SessionKind[];
  limit: number;
  before?: string;
  /** Only the tasks of this session (a policy run's per-resource sessions). */
  parentId?: string;
  /** Only the sessions of this Azure resource (ids compare without case, as in ARM). */
  resourceId?: string;
  /** Only the sessions of this policy (its runs and their tasks). */
  policyId?: string;
  /** Only sessions created at or after this time (ISO). */
  after?: string;
}

/** Persistence of sessions and their log lines. Log lines are written in batches inside one transaction. */
export class SessionsStore {
  private readonly db: ConfigDb;
  private readonly insertLine: Statement<unknown[]>;
  private readonly bumpCounts: Statement<unknown[]>;
  private readonly appendBatch: (lines: readonly LogLine[]) => void;

  constructor(db: ConfigDb) {
    this.db = db;
    this.insertLine = db.prepare('INSERT INTO session_log (session_id, seq, time, level, message) VALUES (?, ?, ?, ?, ?)');
    this.bumpCounts = db.prepare(
      'UPDATE sessions SET last_seq = MAX(last_seq, ?), warning_count = warning_count + ?, error_count = error_count + ? WHERE id = ?',
    );
    this.appendBatch = db.transaction((lines: readonly LogLine[]) => {
      const perSession = new Map<string, { lastSeq: number; warnings: number; errors: number }>();
      for (const line of lines) {
        this.insertLine.run(line.sessionId, line.seq, line.time, line.level, line.message);
        const counts = perSession.get(line.sessionId) ?? { lastSeq: 0, warnings: 0, errors: 0 };
        counts.lastSeq = Math.max(counts.lastSeq, line.seq);
        if (line.level === 'warn') counts.warnings++;
        if (line.level === 'error') counts.errors++;
        perSession.set(line.sessionId, counts);
      }
      for (const [id, c] of perSession) this.bumpCounts.run(c.lastSeq, c.warnings, c.errors, id);
    });
  }

  insert(session: Session, owner: SessionOwner): void {
    this.db
      .prepare(
        `INSERT INTO sessions (id, kind, title, status, created_at, started_at, ended_at, progress, summary, resource_id, policy_id, parent_id,
           owner_instance, owner_pid, owner_host, heartbeat_at)
         VALUES (@id, @kind, @title, @status, @createdAt, @startedAt, @endedAt, NULL, NULL, @resourceId, @policyId, @parentId,
           @instance, @pid, @host, @createdAt)`,
      )
      .run({ ...session, ...owner });
  }

  /** Writes the fields a running session changes; counts and last_seq are owned by appendLines. */
  update(session: Pick<Session, 'id' | 'status' | 'startedAt' | 'endedAt' | 'progress' | 'summary'>): void {
    this.db
      .prepare('UPDATE sessions SET status = ?, started_at = ?, ended_at = ?, progress = ?, summary = ? WHERE id = ?')
      .run(session.status, session.startedAt, session.endedAt, session.progress ? JSON.stringify(session.progress) : null, session.summary, session.id);
  }

  appendLines(lines: readonly LogLine[]): void {
    if (lines.length) this.appendBatch(lines);
  }

  /**
   * Writes records a stopped process could not save (see UnsavedRecordsJournal) in one transaction.
   * Lines already present are skipped, so writing the same journal twice changes nothing; a record
   * for a session this DB never saw is left out, since its kind and owner are unknown here.
   */
  writeUnsaved(sessions: readonly Session[], lines: readonly LogLine[]): { sessions: number; lines: number } {
    const insertMissing = this.db.prepare('INSERT OR IGNORE INTO session_log (session_id, seq, time, level, message) SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)');
    return this.db.transaction(() => {
      let written = 0;
      for (const line of lines) {
        if (insertMissing.run(line.sessionId, line.seq, line.time, line.level, line.message, line.sessionId).changes !== 1) continue;
        this.bumpCounts.run(line.seq, line.level === 'warn' ? 1 : 0, line.level === 'error' ? 1 : 0, line.sessionId);
        written++;
      }
      let updated = 0;
      for (const session of sessions) {
        const current = this.get(session.id);
        // A record that already ended stays as it is: a later writer knew more.
        if (!current || isFinalStatus(current.status)) continue;
        this.update(session);
        updated++;
      }
      return { sessions: updated, lines: written };
    })();
  }

  /** Deletes sessions that ended before `iso`, with their logs; returns how many went. */
  deleteEndedBefore(iso: string): number {
    return this.db.prepare('DELETE FROM sessions WHERE ended_at IS NOT NULL AND ended_at < ?').run(iso).changes;
  }

  get(id: string): Session | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id);
    return row ? toSession(sessionRowSchema.parse(row)) : undefined;
  }

  getOwned(id: string): OwnedSession | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id);
    return row ? toOwned(sessionRowSchema.parse(row)) : undefined;
  }

  list(filter: SessionListFilter): Session[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => '?').join(',')})`);
      params.push(...filter.status);
    }
    if (filter.kind?.length) {
      where.push(`kind IN (${filter.kind.map(() => '?').join(',')})`);
      params.push(...filter.kind);
    }
    if (filter.parentId) {
      where.push('parent_id = ?');
      params.push(filter.parentId);
    }
    if (filter.resourceId) {
      where.push('lower(resource_id) = lower(?)');
      params.push(filter.resourceId);
    }
    if (filter.policyId) {
      where.push('policy_id = ?');
      params.push(filter.policyId);
    }
    if (filter.after) {
      where.push('created_at >= ?');
      params.push(filter.after);
    }
    if (filter.before) {
      where.push('created_at < ?');
      params.push(filter.before);
    }
    const sql = `SELECT * FROM sessions ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    return this.db
      .prepare(sql)
      .all(...params, filter.limit)
      .map((row) => toSession(sessionRowSchema.parse(row)));
  }

  /** Sessions not in a final status, with their owners (for recovery and heartbeats). */
  listUnfinished(): OwnedSession[] {
    return this.db
      .prepare("SELECT * FROM sessions WHERE status IN ('queued','running','canceling')")
      .all()
      .map((row) => toOwned(sessionRowSchema.parse(row)));
  }

  logs(id: string, afterSeq: number, limit: number, minLevel: LogLevel): LogLine[] {
    const levels = LOG_LEVELS.filter((level) => LOG_LEVEL_RANK[level] >= LOG_LEVEL_RANK[minLevel]);
    const rows = this.db
      .prepare(
        `SELECT * FROM session_log WHERE session_id = ? AND seq > ? AND level IN (${levels.map(() => '?').join(',')}) ORDER BY seq LIMIT ?`,
      )
      .all(id, afterSeq, ...levels, limit);
    return rows.map((row) => {
      const r = logRowSchema.parse(row);
      return { sessionId: r.session_id, seq: r.seq, time: r.time, level: r.level, message: r.message };
    });
  }

  heartbeat(instance: string, time: string): void {
    this.db.prepare("UPDATE sessions SET heartbeat_at = ? WHERE owner_instance = ? AND status IN ('queued','running','canceling')").run(time, instance);
  }

  /** Asks the owning process to cancel; it notices at its next heartbeat. */
  requestCancel(id: string): void {
    this.db.prepare("UPDATE sessions SET cancel_requested = 1, status = CASE WHEN status = 'running' THEN 'canceling' ELSE status END WHERE id = ?").run(id);
  }

  /** Ids of this instance's sessions that another process asked to cancel. */
  cancelRequestsFor(instance: string): string[] {
    return this.db
      .prepare("SELECT id FROM sessions WHERE owner_instance = ? AND cancel_requested = 1 AND status IN ('queued','running','canceling')")
      .pluck()
      .all(instance) as string[];
  }
}
