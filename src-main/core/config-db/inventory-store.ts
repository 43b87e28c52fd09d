import { z } from 'zod';
import type { ConfigDb } from './open-database.ts';
import { RESOURCE_KINDS, type ResourceKind } from '../../shared/policy.ts';

/** A subscription seen at the last inventory sync. */
export interface SubscriptionRecord {
  id: string;
  tenantId: string;
  displayName: string;
  state: string;
  syncedAt: string;
}

/** A resource the app can protect, as of the last inventory sync. `properties` keeps what restores need. */
export interface ProtectedResourceRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  kind: ResourceKind;
  /** For Cosmos DB accounts: Sql, MongoDB, Gremlin, Table, Cassandra. */
  api: string | null;
  location: string;
  tags: Record<string, string>;
  properties: Record<string, unknown>;
  deleted: boolean;
  syncedAt: string;
}

const resourceRowSchema = z.object({
  id: z.string(),
  subscription_id: z.string(),
  resource_group: z.string(),
  name: z.string(),
  kind: z.enum(RESOURCE_KINDS),
  api: z.string().nullable(),
  location: z.string(),
  tags: z.string(),
  properties: z.string(),
  deleted: z.number(),
  synced_at: z.string(),
});

/** The inventory catalog: subscriptions and protectable resources, replaced wholesale per sync. */
export class InventoryStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  upsertSubscription(s: SubscriptionRecord): void {
    this.db
      .prepare(
        `INSERT INTO subscriptions (id, tenant_id, display_name, state, synced_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET tenant_id = excluded.tenant_id, display_name = excluded.display_name, state = excluded.state, synced_at = excluded.synced_at`,
      )
      .run(s.id, s.tenantId, s.displayName, s.state, s.syncedAt);
  }

  listSubscriptions(): SubscriptionRecord[] {
    return (this.db.prepare('SELECT * FROM subscriptions ORDER BY display_name').all() as Record<string, string>[]).map((r) => ({
      id: r.id!,
      tenantId: r.tenant_id!,
      displayName: r.display_name!,
      state: r.state!,
      syncedAt: r.synced_at!,
    }));
  }

  /**
   * Records what one sync saw of a subscription: resources seen are upserted; resources of that
   * subscription not seen any more are marked deleted (kept: their restore-point records still
   * describe how to restore them).
   */
  replaceResources(subscriptionId: string, resources: ProtectedResourceRecord[], syncedAt: string): void {
    const upsert = this.db.prepare(
      `INSERT INTO protected_resources (id, subscription_id, resource_group, name, kind, api, location, tags, properties, deleted, synced_at)
       VALUES (@id, @subscriptionId, @resourceGroup, @name, @kind, @api, @location, @tags, @properties, @deleted, @syncedAt)
       ON CONFLICT(id) DO UPDATE SET resource_group = excluded.resource_group, name = excluded.name, kind = excluded.kind, api = excluded.api,
         location = excluded.location, tags = excluded.tags, properties = excluded.properties, deleted = excluded.deleted, synced_at = excluded.synced_at`,
    );
    this.db.transaction(() => {
      for (const r of resources) {
        upsert.run({ ...r, id: r.id.toLowerCase(), tags: JSON.stringify(r.tags), properties: JSON.stringify(r.properties), deleted: r.deleted ? 1 : 0 });
      }
      this.db.prepare('UPDATE protected_resources SET deleted = 1 WHERE subscription_id = ? AND synced_at < ?').run(subscriptionId, syncedAt);
    })();
  }

  listResources(filter: { subscriptionId?: string; includeDeleted?: boolean } = {}): ProtectedResourceRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.subscriptionId) {
      where.push('subscription_id = ?');
      params.push(filter.subscriptionId);
    }
    if (!filter.includeDeleted) where.push('deleted = 0');
    const sql = `SELECT * FROM protected_resources ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY name`;
    return this.db.prepare(sql).all(...params).map(toResource);
  }

  getResource(id: string): ProtectedResourceRecord | undefined {
    const row = this.db.prepare('SELECT * FROM protected_resources WHERE id = ?').get(id.toLowerCase());
    return row ? toResource(row) : undefined;
  }
}

function toResource(row: unknown): ProtectedResourceRecord {
  const r = resourceRowSchema.parse(row);
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    resourceGroup: r.resource_group,
    name: r.name,
    kind: r.kind,
    api: r.api,
    location: r.location,
    tags: JSON.parse(r.tags) as Record<string, string>,
    properties: JSON.parse(r.properties) as Record<string, unknown>,
    deleted: r.deleted === 1,
    syncedAt: r.synced_at,
  };
}
