import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ConfigDb } from '../../core/config-db/open-database.ts';

export const SIGN_IN_KINDS = ['interactive', 'device-code', 'service-principal-secret', 'service-principal-certificate'] as const;
export type SignInKind = (typeof SIGN_IN_KINDS)[number];

/**
 * A stored sign-in (table `sign_ins`). The secret (client secret, certificate PEM, or the msal
 * token cache of a person's sign-in) lives in the secret store under `secretRef`, never here.
 */
export interface SignInRecord {
  id: string;
  cloudProfileId: string;
  tenantId: string;
  clientId: string;
  kind: SignInKind;
  /** The person's user name for interactive/device-code sign-ins; null for apps. */
  accountName: string | null;
  secretRef: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

const rowSchema = z.object({
  id: z.string(),
  cloud_profile_id: z.string(),
  tenant_id: z.string(),
  client_id: z.string(),
  kind: z.enum(SIGN_IN_KINDS),
  account_name: z.string().nullable(),
  secret_ref: z.string().nullable(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});

/** Sign-ins per cloud profile; several tenants may be signed in at once. */
export class SignInsStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  /** Adds a sign-in, replacing an earlier one for the same profile, tenant and client. */
  add(input: Omit<SignInRecord, 'id' | 'lastUsedAt'>): { record: SignInRecord; replaced: SignInRecord | undefined } {
    const replaced = this.list(input.cloudProfileId).find((s) => s.tenantId.toLowerCase() === input.tenantId.toLowerCase() && s.clientId.toLowerCase() === input.clientId.toLowerCase());
    const record: SignInRecord = { ...input, id: randomUUID(), lastUsedAt: null };
    this.db.transaction(() => {
      if (replaced) this.db.prepare('DELETE FROM sign_ins WHERE id = ?').run(replaced.id);
      this.db
        .prepare(
          `INSERT INTO sign_ins (id, cloud_profile_id, tenant_id, client_id, kind, account_name, secret_ref, created_at)
           VALUES (@id, @cloudProfileId, @tenantId, @clientId, @kind, @accountName, @secretRef, @createdAt)`,
        )
        .run(record);
    })();
    return { record, replaced };
  }

  list(cloudProfileId?: string): SignInRecord[] {
    const rows = cloudProfileId
      ? this.db.prepare('SELECT * FROM sign_ins WHERE cloud_profile_id = ? ORDER BY created_at DESC').all(cloudProfileId)
      : this.db.prepare('SELECT * FROM sign_ins ORDER BY created_at DESC').all();
    return rows.map(toRecord);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM sign_ins WHERE id = ?').run(id);
  }

  touch(id: string, now: string): void {
    this.db.prepare('UPDATE sign_ins SET last_used_at = ? WHERE id = ?').run(now, id);
  }
}

function toRecord(row: unknown): SignInRecord {
  const r = rowSchema.parse(row);
  return { id: r.id, cloudProfileId: r.cloud_profile_id, tenantId: r.tenant_id, clientId: r.client_id, kind: r.kind, accountName: r.account_name, secretRef: r.secret_ref, createdAt: r.created_at, lastUsedAt: r.last_used_at };
}
