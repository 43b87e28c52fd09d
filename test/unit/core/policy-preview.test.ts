import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openConfigDatabase, type ConfigDb } from '../../../src-main/core/config-db/open-database.ts';
import { InventoryStore } from '../../../src-main/core/config-db/inventory-store.ts';
import { previewPolicyCoverage } from '../../../src-main/core/policies/policy-preview.ts';
import { policySchema, type Policy } from '../../../src-main/shared/policy.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const SUB = '00000000-1111-4222-8333-444444444444';
const now = '2026-12-01T00:00:00.000Z';

describe('policy coverage preview', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let db: ConfigDb;
  let inventory: InventoryStore;
  beforeEach(() => {
    dir = makeTempDir();
    db = openConfigDatabase(join(dir.path, 'config.db'));
    inventory = new InventoryStore(db);
    inventory.upsertSubscription({ id: SUB, tenantId: 't', displayName: 'Production', state: 'Enabled', syncedAt: now });
    const resource = (name: string, tags: Record<string, string>, deleted = false) => ({
      id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/${name}`,
      subscriptionId: SUB,
      resourceGroup: 'rg',
      name,
      kind: 'cosmosdb-account' as const,
      api: 'Sql',
      location: 'westeurope',
      tags,
      properties: {},
      deleted,
      syncedAt: now,
    });
    inventory.replaceResources(SUB, [resource('shop', { env: 'prod' }), resource('blog', {}), resource('old', { env: 'prod' }, true)], now);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  const stored = (fields: Record<string, unknown>): Policy => policySchema.parse({ enabled: true, priority: 50, description: '', retries: { count: 3, intervalMinutes: 10 }, missedRuns: 'runOnce', parallelism: 2, healthCheck: { enabled: false, day: 'sun', time: '03:00', testRestore: false }, continuousBackup: null, repositoryBackup: null, archive: null, createdAt: now, updatedAt: now, ...fields });

  it('lists the live resources the scope takes, with subscription names, and the enabled policy that wins each by priority', () => {
    const strong = stored({ id: 'strong', name: 'Prod first', priority: 90, scope: { resourceKinds: ['cosmosdb-account'], include: { all: false, subscriptions: [], resourceGroups: [], tags: [{ name: 'env', value: 'prod' }], resources: [] }, exclude: { subscriptions: [], resourceGroups: [], tags: [], resources: [] } } });
    const disabled = stored({ ...strong, id: 'off', name: 'Off', priority: 100, enabled: false });
    const preview = previewPolicyCoverage({ name: 'Everything', priority: 50, scope: { include: { all: true } } }, { policies: [strong, disabled], inventory });
    expect(preview.issues).toEqual([]);
    expect(preview.resources.map((r) => [r.name, r.subscriptionName, r.governedBy?.name ?? null])).toEqual([
      ['blog', 'Production', null],
      ['shop', 'Production', 'Prod first'],
    ]);
    // With a higher priority the draft wins; editing a policy does not compete with its stored self.
    expect(previewPolicyCoverage({ id: 'strong', name: 'Prod first', priority: 95, scope: { include: { all: true } } }, { policies: [strong], inventory }).resources.every((r) => r.governedBy === null)).toBe(true);
  });

  it('says what is wrong with a scope it cannot read, on the scope\'s own paths', () => {
    const preview = previewPolicyCoverage({ scope: { resourceKinds: [], include: {} } }, { policies: [], inventory });
    expect(preview.resources).toEqual([]);
    expect(preview.issues).toContainEqual({ path: 'scope.resourceKinds', message: 'must name at least one resource kind' });
  });
});
