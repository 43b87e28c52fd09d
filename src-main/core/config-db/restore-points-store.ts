import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ConfigDb } from './open-database.ts';

import { RESTORE_POINT_KINDS } from '../../shared/catalog.ts';

export type RestorePointKind = (typeof RESTORE_POINT_KINDS)[number];

/** One restore point record. For `continuous`, `windowStart..windowEnd` is the restorable window. */
export interface RestorePointRecord {
  id: string;
  kind: RestorePointKind;
  resourceId: string;
  policyId: string | null;
  repositoryId: string | null;
  sessionId: string | null;
  pointTime: string;
  windowStart: string | null;
  windowEnd: string | null;
  gfs: string[];
  sizeBytes: number | null;
  metadata: Record<string, unknown>;
  createdAt: string;
}

const rowSchema = z.object({
  id: z.string(),
  kind: z.enum(RESTORE_POINT_KINDS),
  resource_id: z.string(),
  policy_id: z.string().nullable(),
  repository_id: z.string().nullable(),
  session_id: z.string().nullable(),
  point_time: z.string(),
  window_start: z.string().nullable(),
  window_end: z.string().nullable(),
  gfs: z.string(),
  size_bytes: z.number().nullable(),
  metadata: z.string(),
  created_at: z.string(),
});

/** Catalog of restore points: continuous-backup records written at every sync, and repository/archive points. */
export class RestorePointsStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  add(record: Omit<RestorePointRecord, 'id'> & { id?: string }): RestorePointRecord {
    const full: RestorePointRecord = { ...record, id: record.id ?? randomUUID() };
    this.db
      .prepare(
        `INSERT INTO restore_points (id, kind, resource_id, policy_id, repository_id, session_id, point_time, window_start, window_end, gfs, size_bytes, metadata, created_at)
         VALUES (@id, @kind, @resourceId, @policyId, @repositoryId, @sessionId, @pointTime, @windowStart, @windowEnd, @gfs, @sizeBytes, @metadata, @createdAt)`,
      )
      .run({ ...full, resourceId: full.resourceId.toLowerCase(), gfs: JSON.stringify(full.gfs), metadata: JSON.stringify(full.metadata) });
    return full;
  }

  list(filter: { resourceId?: string; kind?: RestorePointKind; repositoryId?: string; limit?: number } = {}): RestorePointRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.resourceId) {
      where.push('resource_id = ?');
      params.push(filter.resourceId.toLowerCase());
    }
    if (filter.kind) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    if (filter.repositoryId) {
      where.push('repository_id = ?');
      params.push(filter.repositoryId);
    }
    const sql = `SELECT * FROM restore_points ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY point_time DESC, created_at DESC LIMIT ?`;
    return this.db.prepare(sql).all(...params, filter.limit ?? 1000).map(toRecord);
  }

  /** Adds a repository restore point, or replaces the record with its id (ids are content hashes). */
  put(record: RestorePointRecord & { repositoryId: string }): RestorePointRecord {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM restore_points WHERE id = ?').run(record.id);
      return this.add(record);
    })();
  }

  /** How many restore points a repository has in the catalog. */
  countForRepository(repositoryId: string): number {
    return this.db.prepare('SELECT COUNT(*) FROM restore_points WHERE repository_id = ?').pluck().get(repositoryId) as number;
  }

  /** The catalogued restore points of a repository whose id starts with `prefix` (hex only), at most `limit`. */
  findByIdPrefix(repositoryId: string, prefix: string, limit = 2): RestorePointRecord[] {
    if (!/^[0-9a-f]+$/.test(prefix)) return [];
    return this.db.prepare('SELECT * FROM restore_points WHERE repository_id = ? AND id LIKE ? LIMIT ?').all(repositoryId, `${prefix}%`, limit).map(toRecord);
  }

  /** Removes restore points of one repository from the catalog (after forget). Returns how many went. */
  removeFromRepository(repositoryId: string, ids: readonly string[]): number {
    const remove = this.db.prepare('DELETE FROM restore_points WHERE id = ? AND repository_id = ?');
    return this.db.transaction(() => ids.reduce((n, id) => n + remove.run(id, repositoryId).changes, 0))();
  }

  /** Replaces the repository's catalog entries with `records` in one transaction (rescan). */
  replaceForRepository(repositoryId: string, records: Omit<RestorePointRecord, 'repositoryId'>[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM restore_points WHERE repository_id = ?').run(repositoryId);
      for (const record of records) this.add({ ...record, repositoryId });
    })();
  }
}

function toRecord(row: unknown): RestorePointRecord {
  const r = rowSchema.parse(row);
  return {
    id: r.id,
    kind: r.kind,
    resourceId: r.resource_id,
    policyId: r.policy_id,
    repositoryId: r.repository_id,
    sessionId: r.session_id,
    pointTime: r.point_time,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    gfs: JSON.parse(r.gfs) as string[],
    sizeBytes: r.size_bytes,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    createdAt: r.created_at,
  };
}
