import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ConfigDb } from './open-database.ts';
import { AppError } from '../../shared/errors.ts';

const repositoryRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  kind: z.enum(['local', 'azure-blob']),
  is_archive: z.number(),
  encrypted: z.number(),
  secret_ref: z.string().nullable(),
  size_bytes: z.number().nullable(),
  restore_point_count: z.number().nullable(),
  last_check_at: z.string().nullable(),
  last_check_status: z.string().nullable(),
  created_at: z.string(),
});

const sizeHistoryRowSchema = z.object({ repository_id: z.string(), day: z.string(), size_bytes: z.number(), restore_point_count: z.number() });

/** A repository the app knows about. The password lives in the secret store under `secretRef`. */
export interface RepositoryRecord {
  id: string;
  name: string;
  location: string;
  kind: 'local' | 'azure-blob';
  isArchive: boolean;
  encrypted: boolean;
  secretRef: string | null;
  sizeBytes: number | null;
  restorePointCount: number | null;
  lastCheckAt: string | null;
  lastCheckStatus: string | null;
  createdAt: string;
}

/** Catalog of repositories (the repository itself is the truth about its contents). */
export class RepositoriesStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  list(): RepositoryRecord[] {
    return this.db.prepare('SELECT * FROM repositories ORDER BY name').all().map(toRecord);
  }

  get(id: string): RepositoryRecord | undefined {
    const row = this.db.prepare('SELECT * FROM repositories WHERE id = ?').get(id);
    return row ? toRecord(row) : undefined;
  }

  add(input: Pick<RepositoryRecord, 'name' | 'location' | 'kind'> & Partial<Pick<RepositoryRecord, 'isArchive' | 'encrypted' | 'secretRef'>>, now: string): RepositoryRecord {
    if (this.db.prepare('SELECT 1 FROM repositories WHERE name = ?').get(input.name)) {
      throw new AppError('conflict', `A repository named "${input.name}" already exists.`);
    }
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO repositories (id, name, location, kind, is_archive, encrypted, secret_ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, input.name, input.location, input.kind, input.isArchive ? 1 : 0, input.encrypted === false ? 0 : 1, input.secretRef ?? null, now);
    return this.get(id)!;
  }

  /** The catalog entry for a location (compared as written, and for folders without a trailing slash). */
  findByLocation(location: string): RepositoryRecord | undefined {
    const normalized = location.replace(/\/+$/, '');
    return this.list().find((r) => r.location.replace(/\/+$/, '') === normalized);
  }

  /** Records a repository's size and restore-point count now, and as the day's figure in its size history. */
  recordStats(id: string, sizeBytes: number, restorePointCount: number, at: Date = new Date()): void {
    const recordedAt = at.toISOString();
    this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE repositories SET size_bytes = ?, restore_point_count = ? WHERE id = ?').run(sizeBytes, restorePointCount, id).changes;
      if (!changed) return;
      this.db
        .prepare(
          `INSERT INTO repository_size_history (repository_id, day, size_bytes, restore_point_count, recorded_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (repository_id, day) DO UPDATE SET size_bytes = excluded.size_bytes, restore_point_count = excluded.restore_point_count, recorded_at = excluded.recorded_at`,
        )
        .run(id, recordedAt.slice(0, 10), sizeBytes, restorePointCount, recordedAt);
    })();
  }

  /** Each repository's daily size figures, oldest first. */
  sizeHistory(): { repositoryId: string; day: string; sizeBytes: number; restorePointCount: number }[] {
    return this.db
      .prepare('SELECT repository_id, day, size_bytes, restore_point_count FROM repository_size_history ORDER BY day, repository_id')
      .all()
      .map((row) => {
        const r = sizeHistoryRowSchema.parse(row);
        return { repositoryId: r.repository_id, day: r.day, sizeBytes: r.size_bytes, restorePointCount: r.restore_point_count };
      });
  }

  recordCheck(id: string, status: string, at: string): void {
    this.db.prepare('UPDATE repositories SET last_check_status = ?, last_check_at = ? WHERE id = ?').run(status, at, id);
  }
}

function toRecord(row: unknown): RepositoryRecord {
  const r = repositoryRowSchema.parse(row);
  return {
    id: r.id,
    name: r.name,
    location: r.location,
    kind: r.kind,
    isArchive: r.is_archive === 1,
    encrypted: r.encrypted === 1,
    secretRef: r.secret_ref,
    sizeBytes: r.size_bytes,
    restorePointCount: r.restore_point_count,
    lastCheckAt: r.last_check_at,
    lastCheckStatus: r.last_check_status,
    createdAt: r.created_at,
  };
}
