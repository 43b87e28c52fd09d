import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ConfigDb } from '../../core/config-db/open-database.ts';

export const AZURE_RESTORE_KINDS = ['cosmos-account', 'cosmos-in-account', 'postgres-cluster', 'mongo-vcore-cluster'] as const;
export type AzureRestoreKind = (typeof AZURE_RESTORE_KINDS)[number];

/** One point-in-time restore: what, from where, to what, why, and how it ended. */
export interface AzureRestoreRecord {
  id: string;
  sessionId: string | null;
  kind: AzureRestoreKind;
  sourceResourceId: string;
  /** The resource the restore creates (account, database/container, cluster). */
  targetResourceId: string;
  restoreTime: string;
  reason: string;
  request: Record<string, unknown>;
  status: 'running' | 'succeeded' | 'failed';
  error: string | null;
  createdAt: string;
  endedAt: string | null;
}

const rowSchema = z.object({
  id: z.string(),
  session_id: z.string().nullable(),
  kind: z.enum(AZURE_RESTORE_KINDS),
  source_resource_id: z.string(),
  target_resource_id: z.string(),
  restore_time: z.string(),
  reason: z.string(),
  request: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  error: z.string().nullable(),
  created_at: z.string(),
  ended_at: z.string().nullable(),
});

/** The restore journal (table `azure_restores`): written before ARM is asked, closed when it answers. */
export class AzureRestoresStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  begin(input: Omit<AzureRestoreRecord, 'id' | 'status' | 'error' | 'endedAt'>): AzureRestoreRecord {
    const record: AzureRestoreRecord = { ...input, id: randomUUID(), status: 'running', error: null, endedAt: null };
    this.db
      .prepare(
        `INSERT INTO azure_restores (id, session_id, kind, source_resource_id, target_resource_id, restore_time, reason, request, status, created_at)
         VALUES (@id, @sessionId, @kind, @sourceResourceId, @targetResourceId, @restoreTime, @reason, @request, 'running', @createdAt)`,
      )
      .run({ ...record, request: JSON.stringify(record.request) });
    return record;
  }

  end(id: string, status: 'succeeded' | 'failed', error: string | null, now: string): void {
    this.db.prepare('UPDATE azure_restores SET status = ?, error = ?, ended_at = ? WHERE id = ?').run(status, error, now, id);
  }

  list(limit = 200): AzureRestoreRecord[] {
    return this.db.prepare('SELECT * FROM azure_restores ORDER BY created_at DESC LIMIT ?').all(limit).map(toRecord);
  }

  get(id: string): AzureRestoreRecord | undefined {
    const row = this.db.prepare('SELECT * FROM azure_restores WHERE id = ?').get(id);
    return row ? toRecord(row) : undefined;
  }
}

function toRecord(row: unknown): AzureRestoreRecord {
  const r = rowSchema.parse(row);
  return {
    id: r.id,
    sessionId: r.session_id,
    kind: r.kind,
    sourceResourceId: r.source_resource_id,
    targetResourceId: r.target_resource_id,
    restoreTime: r.restore_time,
    reason: r.reason,
    request: JSON.parse(r.request) as Record<string, unknown>,
    status: r.status,
    error: r.error,
    createdAt: r.created_at,
    endedAt: r.ended_at,
  };
}
