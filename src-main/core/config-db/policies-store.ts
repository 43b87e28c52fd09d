import { randomUUID } from 'node:crypto';
import type { ConfigDb } from './open-database.ts';
import { AppError } from '../../shared/errors.ts';
import { policySchema, type Policy, type PolicyDraft } from '../../shared/policy.ts';

/** Persistence of policies: the validated document in `body`, name/enabled/priority as columns for queries. */
export class PoliciesStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  list(): Policy[] {
    return this.db
      .prepare('SELECT body FROM policies ORDER BY priority DESC, name')
      .pluck()
      .all()
      .map((body) => policySchema.parse(JSON.parse(body as string)));
  }

  get(id: string): Policy | undefined {
    const body = this.db.prepare('SELECT body FROM policies WHERE id = ?').pluck().get(id) as string | undefined;
    return body ? policySchema.parse(JSON.parse(body)) : undefined;
  }

  findByName(name: string): Policy | undefined {
    const body = this.db.prepare('SELECT body FROM policies WHERE name = ? COLLATE NOCASE').pluck().get(name) as string | undefined;
    return body ? policySchema.parse(JSON.parse(body)) : undefined;
  }

  /** Inserts or replaces by id; a name already used by another policy is a conflict. */
  save(draft: PolicyDraft, now: string): Policy {
    const existing = draft.id ? this.get(draft.id) : undefined;
    const sameName = this.findByName(draft.name);
    if (sameName && sameName.id !== draft.id) {
      throw new AppError('conflict', `A policy named "${sameName.name}" already exists.`, { field: 'name' });
    }
    const policy: Policy = {
      ...draft,
      id: draft.id ?? randomUUID(),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    this.db
      .prepare(
        `INSERT INTO policies (id, name, enabled, priority, body, created_at, updated_at) VALUES (@id, @name, @enabled, @priority, @body, @createdAt, @updatedAt)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, enabled = excluded.enabled, priority = excluded.priority, body = excluded.body, updated_at = excluded.updated_at`,
      )
      .run({ id: policy.id, name: policy.name, enabled: policy.enabled ? 1 : 0, priority: policy.priority, body: JSON.stringify(policy), createdAt: policy.createdAt, updatedAt: policy.updatedAt });
    return policy;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM policies WHERE id = ?').run(id).changes > 0;
  }
}
