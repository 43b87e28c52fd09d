import { describe, expect, it } from 'vitest';
import type { RestorePointRecordDto } from '../../../src-main/shared/catalog.ts';
import { gfsLabels, groupByResource, readRepositoryPoint, restoreCommand, shellQuote, type RepositoryRef } from '../../../src-renderer/src/logic/restore-points.ts';

const CLUSTER = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/';

function point(overrides: Partial<RestorePointRecordDto> = {}): RestorePointRecordDto {
  return {
    id: 'p1',
    kind: 'repository',
    resourceId: `${CLUSTER}orders`,
    policyId: null,
    repositoryId: 'r1',
    sessionId: null,
    pointTime: '2026-11-20T02:00:00.000Z',
    windowStart: null,
    windowEnd: null,
    gfs: [],
    sizeBytes: 1000,
    metadata: {
      resourceName: 'orders',
      resourceKind: 'postgres-cluster',
      engine: { name: 'postgres', versions: {} },
      entryCount: 2,
      durationMs: 4200,
      entries: [
        { name: 'sales', size: 700, counts: { rows: 10 } },
        { name: 'crm', size: 300, counts: { rows: 5, documents: 2 } },
      ],
    },
    createdAt: '2026-11-20T02:00:00.000Z',
    ...overrides,
  };
}

const repos = new Map<string, RepositoryRef>([['r1', { name: 'primary', location: '/srv/repo' }]]);

describe('readRepositoryPoint', () => {
  it('reads the metadata a rescan or backup writes', () => {
    const view = readRepositoryPoint(point({ gfs: ['weekly', 'daily'] }), repos);
    expect(view).toMatchObject({ resourceName: 'orders', resourceKind: 'postgres-cluster', engine: 'postgres', entryCount: 2, durationMs: 4200, repositoryName: 'primary', repositoryLocation: '/srv/repo', archive: false });
    expect(view.totals).toEqual({ rows: 15, documents: 2 });
    expect(gfsLabels(view.gfs)).toEqual(['Daily', 'Weekly']);
  });

  it('survives records with missing or odd metadata', () => {
    const view = readRepositoryPoint(point({ kind: 'archive', repositoryId: 'gone', metadata: { entries: [{ size: 'big' }, 7], engine: 'mongodb' } }), repos);
    expect(view).toMatchObject({ resourceName: 'orders', archive: true, repositoryName: 'Unknown repository', repositoryLocation: null, durationMs: null, engine: 'mongodb', entryCount: 2 });
    expect(view.entries[0]).toEqual({ name: '(unnamed)', size: null, counts: {} });
  });
});

describe('groupByResource', () => {
  it('groups per resource (ids without regard to case), newest first, resources by name', () => {
    const views = [
      point({ id: 'a', pointTime: '2026-11-20T02:00:00.000Z' }),
      point({ id: 'b', pointTime: '2026-11-22T02:00:00.000Z', resourceId: `${CLUSTER}ORDERS` }),
      point({ id: 'c', pointTime: '2026-11-21T02:00:00.000Z', resourceId: `${CLUSTER}billing`, metadata: { resourceName: 'billing' } }),
    ].map((record) => readRepositoryPoint(record, repos));
    const groups = groupByResource(views);
    expect(groups.map((g) => g.resourceName)).toEqual(['billing', 'orders']);
    expect(groups[1]!.points.map((p) => p.id)).toEqual(['b', 'a']);
  });
});

describe('restoreCommand', () => {
  it('quotes what the shell would split', () => {
    expect(shellQuote('/srv/repo')).toBe('/srv/repo');
    expect(shellQuote("/srv/my repo/it's")).toBe(`'/srv/my repo/it'\\''s'`);
    expect(restoreCommand({ id: 'abc', repositoryLocation: 'https://a.blob.core.windows.net/c', repositoryName: 'x' })).toBe(
      'cosmos-backup restore abc --repo https://a.blob.core.windows.net/c --target postgres://USER@HOST:5432/postgres',
    );
  });
});
