import { z } from 'zod';
import type { ConfigDb } from './open-database.ts';

/** A target database a restore changed; `restoredAt` null while it may be half-restored. */
export interface TouchedTarget {
  sessionId: string;
  /** The server as people read it (a URI without password). */
  server: string;
  database: string;
  touchedAt: string;
  restoredAt: string | null;
}

const rowSchema = z.object({ session_id: z.string(), server: z.string(), database: z.string(), touched_at: z.string(), restored_at: z.string().nullable() });

/** Which target databases restores have touched, and which a later restore completed. */
export class TouchedTargetsStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  /** Records that a restore is about to change `database` on `server` (before the first change). */
  touch(sessionId: string, server: string, database: string, at: string): void {
    this.db.prepare('INSERT OR IGNORE INTO touched_targets (session_id, server, database, touched_at) VALUES (?, ?, ?, ?)').run(sessionId, server, database, at);
  }

  /** A restore of `database` on `server` succeeded: it and every earlier half-restore of it are whole again. */
  restored(server: string, database: string, at: string): void {
    this.db.prepare('UPDATE touched_targets SET restored_at = ? WHERE server = ? AND database = ? AND restored_at IS NULL').run(at, server, database);
  }

  /** The targets a session touched that no restore has completed since. */
  halfRestoredBy(sessionId: string): TouchedTarget[] {
    return this.db.prepare('SELECT * FROM touched_targets WHERE session_id = ? AND restored_at IS NULL ORDER BY database').all(sessionId).map(toTarget);
  }

  /** Every target still half-restored (for the console's warnings). */
  halfRestored(): TouchedTarget[] {
    return this.db.prepare('SELECT * FROM touched_targets WHERE restored_at IS NULL ORDER BY touched_at DESC').all().map(toTarget);
  }
}

function toTarget(row: unknown): TouchedTarget {
  const r = rowSchema.parse(row);
  return { sessionId: r.session_id, server: r.server, database: r.database, touchedAt: r.touched_at, restoredAt: r.restored_at };
}

/**
 * The sentence every failed, canceled or lost restore ends with, per touched database. The server
 * label is the URI without password, so its scheme says which flag replaces a non-empty target.
 */
export function halfRestoredMessage(target: Pick<TouchedTarget, 'server' | 'database'>): string {
  const flag = /^mongodb(\+srv)?:/i.test(target.server) ? '--drop' : '--clean';
  return `database ${target.database} on server ${target.server} is half-restored: drop it or restore again with ${flag}`;
}
