import { userInfo } from 'node:os';
import { z } from 'zod';
import type { ConfigDb } from './open-database.ts';

/** One restore as the audit keeps it. */
export interface RestoreAuditRecord {
  sessionId: string;
  kind: 'repository' | 'point-in-time';
  /** The session's title: what was restored where. */
  what: string;
  reason: string;
  /** The account of the operating system that ran Cosmos Backup (the console's or the CLI's user). */
  requestedBy: string;
  createdAt: string;
}

const rowSchema = z.object({ session_id: z.string(), kind: z.enum(['repository', 'point-in-time']), what: z.string(), reason: z.string(), requested_by: z.string(), created_at: z.string() });

/** The user name of this process, for "who restored". */
export function currentUserName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Who restored what, when and why (repository and point-in-time restores alike). */
export class RestoreAuditStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  record(entry: RestoreAuditRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO restore_audit (session_id, kind, what, reason, requested_by, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(entry.sessionId, entry.kind, entry.what, entry.reason, entry.requestedBy, entry.createdAt);
  }

  /** Newest first. */
  list(limit = 500): RestoreAuditRecord[] {
    return this.db
      .prepare('SELECT * FROM restore_audit ORDER BY created_at DESC LIMIT ?')
      .all(limit)
      .map((row) => {
        const r = rowSchema.parse(row);
        return { sessionId: r.session_id, kind: r.kind, what: r.what, reason: r.reason, requestedBy: r.requested_by, createdAt: r.created_at };
      });
  }
}
