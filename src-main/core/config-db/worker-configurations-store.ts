import { z } from 'zod';
import { WORKER_CONFIGURATION_KINDS, type WorkerConfiguration } from '../../shared/workers.ts';
import type { ConfigDb } from './open-database.ts';

const rowSchema = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  kind: z.enum(WORKER_CONFIGURATION_KINDS),
  subscription_id: z.string().nullable(),
  resource_group: z.string().nullable(),
  subnet_id: z.string().nullable(),
  vm_sizes: z.string(),
  tags: z.string(),
  keep_warm_minutes: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});

function fromRow(row: unknown): WorkerConfiguration {
  const r = rowSchema.parse(row);
  return {
    id: r.id,
    name: r.name,
    region: r.region,
    kind: r.kind,
    subscriptionId: r.subscription_id,
    resourceGroup: r.resource_group,
    subnetId: r.subnet_id,
    vmSizes: z.array(z.string()).catch([]).parse(JSON.parse(r.vm_sizes)),
    tags: z.record(z.string(), z.string()).catch({}).parse(JSON.parse(r.tags)),
    keepWarmMinutes: r.keep_warm_minutes,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The worker configurations, one per region at most. */
export class WorkerConfigurationsStore {
  private readonly db: ConfigDb;

  constructor(db: ConfigDb) {
    this.db = db;
  }

  put(config: WorkerConfiguration): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO worker_configurations (id, name, region, kind, subscription_id, resource_group, subnet_id, vm_sizes, tags, keep_warm_minutes, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(config.id, config.name, config.region, config.kind, config.subscriptionId, config.resourceGroup, config.subnetId, JSON.stringify(config.vmSizes), JSON.stringify(config.tags), config.keepWarmMinutes, config.createdAt, config.updatedAt);
  }

  list(): WorkerConfiguration[] {
    return this.db.prepare('SELECT * FROM worker_configurations ORDER BY region').all().map(fromRow);
  }

  get(id: string): WorkerConfiguration | undefined {
    const row = this.db.prepare('SELECT * FROM worker_configurations WHERE id = ?').get(id);
    return row ? fromRow(row) : undefined;
  }

  byName(name: string): WorkerConfiguration | undefined {
    const row = this.db.prepare('SELECT * FROM worker_configurations WHERE name = ? COLLATE NOCASE').get(name);
    return row ? fromRow(row) : undefined;
  }

  forRegion(region: string): WorkerConfiguration | undefined {
    const row = this.db.prepare('SELECT * FROM worker_configurations WHERE region = ?').get(region.toLowerCase().replace(/\s+/g, ''));
    return row ? fromRow(row) : undefined;
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM worker_configurations WHERE id = ?').run(id).changes > 0;
  }
}
