import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ConfigDb } from '../../core/config-db/open-database.ts';
import { CLOUD_KINDS, type CloudProfile } from '../cloud-profiles.ts';

const rowSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(CLOUD_KINDS),
  arm_endpoint: z.string(),
  authority_host: z.string(),
  storage_suffix: z.string(),
  ca_cert_path: z.string().nullable(),
  arm_audience: z.string().nullable(),
});

/** A cloud profile as stored (table `cloud_profiles`). */
export interface StoredCloudProfile extends CloudProfile {
  id: string;
}

/** Cloud profiles people signed in to: built-in clouds and custom ones (an emulator, Azure Stack). */
export class CloudProfilesStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  /** Inserts or updates by name; returns the stored profile. */
  save(profile: CloudProfile, now: string): StoredCloudProfile {
    const existing = this.get(profile.name);
    const id = existing?.id ?? randomUUID();
    this.db
      .prepare(
        `INSERT INTO cloud_profiles (id, name, kind, arm_endpoint, authority_host, storage_suffix, ca_cert_path, arm_audience, created_at)
         VALUES (@id, @name, @kind, @armEndpoint, @authorityHost, @storageSuffix, @caCertFile, @armAudience, @now)
         ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, arm_endpoint = excluded.arm_endpoint, authority_host = excluded.authority_host,
           storage_suffix = excluded.storage_suffix, ca_cert_path = excluded.ca_cert_path, arm_audience = excluded.arm_audience`,
      )
      .run({ id, name: profile.name, kind: profile.kind, armEndpoint: profile.armEndpoint, authorityHost: profile.authorityHost, storageSuffix: profile.storageSuffix, caCertFile: profile.caCertFile ?? null, armAudience: profile.armAudience, now });
    return { ...profile, id };
  }

  get(name: string): StoredCloudProfile | undefined {
    const row = this.db.prepare('SELECT * FROM cloud_profiles WHERE name = ? COLLATE NOCASE').get(name);
    return row ? toProfile(row) : undefined;
  }

  getById(id: string): StoredCloudProfile | undefined {
    const row = this.db.prepare('SELECT * FROM cloud_profiles WHERE id = ?').get(id);
    return row ? toProfile(row) : undefined;
  }

  list(): StoredCloudProfile[] {
    return this.db.prepare('SELECT * FROM cloud_profiles ORDER BY name').all().map(toProfile);
  }
}

function toProfile(row: unknown): StoredCloudProfile {
  const r = rowSchema.parse(row);
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    armEndpoint: r.arm_endpoint,
    armAudience: r.arm_audience ?? r.arm_endpoint,
    authorityHost: r.authority_host,
    storageSuffix: r.storage_suffix,
    caCertFile: r.ca_cert_path ?? undefined,
  };
}
