import { describe, expect, it } from 'vitest';
import { citusDistributionSql, citusMetadataFromRows, citusMetadataSchema } from '../../../../src-main/engines/postgres/citus.ts';
import type { CitusCatalogRow } from '../../../../src-main/engines/postgres/citus.ts';

/** Rows as CITUS_METADATA_QUERY returns them on a Citus 12 coordinator (recorded, ordered by colocation). */
const RECORDED_ROWS: CitusCatalogRow[] = [
  { schema: 'public', name: 'countries', part_method: 'n', replication_model: 't', distribution_column: null, colocation_id: '1', shard_count: '1' },
  { schema: 'public', name: 'events', part_method: 'h', replication_model: 's', distribution_column: 'tenant_id', colocation_id: '2', shard_count: '32' },
  { schema: 'public', name: 'event_items', part_method: 'h', replication_model: 's', distribution_column: 'tenant_id', colocation_id: '2', shard_count: '32' },
  { schema: 'Analytics', name: 'Page "Views"', part_method: 'h', replication_model: 's', distribution_column: 'Site Id', colocation_id: '3', shard_count: '8' },
  { schema: 'public', name: 'logs', part_method: 'a', replication_model: 'c', distribution_column: 'at', colocation_id: '4', shard_count: null },
  { schema: 'public', name: 'settings', part_method: 'n', replication_model: 's', distribution_column: null, colocation_id: '0', shard_count: null },
];

describe('Citus distribution metadata and the SQL that re-creates it', () => {
  const metadata = citusMetadataFromRows('12.1-1', RECORDED_ROWS);

  it('records catalog rows as validated metadata with numbers', () => {
    expect(citusMetadataSchema.parse(metadata)).toEqual(metadata);
    expect(metadata.tables[1]).toEqual({ schema: 'public', name: 'events', partMethod: 'h', replicationModel: 's', distributionColumn: 'tenant_id', colocationId: 2, shardCount: 32 });
  });

  it('creates reference tables first, then each colocation group led by its first table, then local tables', () => {
    expect(citusDistributionSql(metadata)).toEqual([
      `SELECT create_reference_table('"public"."countries"');`,
      `SELECT create_distributed_table('"public"."events"', 'tenant_id', colocate_with => 'none', shard_count => 32);`,
      `SELECT create_distributed_table('"public"."event_items"', 'tenant_id', colocate_with => '"public"."events"');`,
      `SELECT create_distributed_table('"Analytics"."Page ""Views"""', 'Site Id', colocate_with => 'none', shard_count => 8);`,
      `SELECT create_distributed_table('"public"."logs"', 'at', distribution_type => 'append', colocate_with => 'none');`,
      `SELECT citus_add_local_table_to_metadata('"public"."settings"');`,
    ]);
  });

  it('quotes names with single quotes safely', () => {
    const sql = citusDistributionSql(citusMetadataFromRows('12.1-1', [{ schema: "o'brien", name: "t'1", part_method: 'h', replication_model: 's', distribution_column: "c'ol", colocation_id: 5, shard_count: 4 }]));
    expect(sql).toEqual([`SELECT create_distributed_table('"o''brien"."t''1"', 'c''ol', colocate_with => 'none', shard_count => 4);`]);
  });

  it('refuses metadata it cannot turn into SQL', () => {
    expect(() => citusDistributionSql(citusMetadataFromRows('12', [{ ...RECORDED_ROWS[1]!, distribution_column: null }]))).toThrow(/no distribution column/);
    expect(() => citusDistributionSql(citusMetadataFromRows('12', [{ ...RECORDED_ROWS[1]!, part_method: 'x' }]))).toThrow(/Unknown Citus partition method/);
  });
});
