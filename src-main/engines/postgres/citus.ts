import type pg from 'pg';
import { z } from 'zod';
import { quoteIdent, quoteLiteral } from './connection.ts';

/**
 * Citus distribution metadata of one database, as recorded in a restore point. Rows come from
 * `pg_dist_partition` joined with `pg_dist_colocation`; the restore re-creates the distribution
 * from them before any data is loaded, so rows go straight to the right shards.
 */
export const citusTableSchema = z.object({
  schema: z.string(),
  name: z.string(),
  /** `h` hash, `r` range, `a` append, `n` none (reference or Citus-local table). */
  partMethod: z.string(),
  /** `t` replicated to every node (reference tables), `s` streaming, `c` statement (legacy). */
  replicationModel: z.string(),
  distributionColumn: z.string().nullable(),
  colocationId: z.number().int(),
  shardCount: z.number().int().nullable(),
});
export type CitusTable = z.infer<typeof citusTableSchema>;

export const citusMetadataSchema = z.object({
  citusVersion: z.string(),
  tables: z.array(citusTableSchema),
});
export type CitusMetadata = z.infer<typeof citusMetadataSchema>;

/** The query that reads the metadata (exported so tests can show what it selects). */
export const CITUS_METADATA_QUERY = `
SELECT n.nspname AS schema, c.relname AS name, p.partmethod::text AS part_method, p.repmodel::text AS replication_model,
       CASE WHEN p.partkey IS NULL THEN NULL ELSE column_to_column_name(p.logicalrelid, p.partkey) END AS distribution_column,
       p.colocationid AS colocation_id,
       (SELECT cl.shardcount FROM pg_dist_colocation cl WHERE cl.colocationid = p.colocationid) AS shard_count
FROM pg_dist_partition p
JOIN pg_class c ON c.oid = p.logicalrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY p.colocationid, c.oid`;

/** A row of CITUS_METADATA_QUERY. */
export interface CitusCatalogRow {
  schema: string;
  name: string;
  part_method: string;
  replication_model: string;
  distribution_column: string | null;
  colocation_id: number | string;
  shard_count: number | string | null;
}

/** Turns catalog rows into the recorded metadata. */
export function citusMetadataFromRows(citusVersion: string, rows: CitusCatalogRow[]): CitusMetadata {
  return {
    citusVersion,
    tables: rows.map((row) => ({
      schema: row.schema,
      name: row.name,
      partMethod: row.part_method,
      replicationModel: row.replication_model,
      distributionColumn: row.distribution_column,
      colocationId: Number(row.colocation_id),
      shardCount: row.shard_count === null ? null : Number(row.shard_count),
    })),
  };
}

/** Reads the metadata of the connected database; undefined when Citus is not installed there. */
export async function readCitusMetadata(client: pg.Client): Promise<CitusMetadata | undefined> {
  const extension = await client.query<{ extversion: string }>(`SELECT extversion FROM pg_extension WHERE extname = 'citus'`);
  if (!extension.rows.length) return undefined;
  const { rows } = await client.query<CitusCatalogRow>(CITUS_METADATA_QUERY);
  return citusMetadataFromRows(extension.rows[0]!.extversion, rows);
}

export type CitusTableKind = 'reference' | 'distributed' | 'local';

export function citusTableKind(table: CitusTable): CitusTableKind {
  if (table.partMethod === 'n') return table.replicationModel === 't' ? 'reference' : 'local';
  return 'distributed';
}

function regclassLiteral(table: { schema: string; name: string }): string {
  return quoteLiteral(`${quoteIdent(table.schema)}.${quoteIdent(table.name)}`);
}

/**
 * SQL that re-creates the distribution on a Citus coordinator whose tables exist but hold no
 * data yet: reference tables first (distributed tables may point foreign keys at them), then each
 * colocation group — its first table with its own shard count, the others colocated with it —
 * then Citus-local tables. Statements are separate, one per line.
 */
export function citusDistributionSql(metadata: CitusMetadata): string[] {
  const statements: string[] = [];
  const tables = [...metadata.tables].sort((a, b) => a.colocationId - b.colocationId);
  for (const table of tables.filter((candidate) => citusTableKind(candidate) === 'reference')) {
    statements.push(`SELECT create_reference_table(${regclassLiteral(table)});`);
  }
  const groupLeaders = new Map<number, CitusTable>();
  for (const table of tables.filter((candidate) => citusTableKind(candidate) === 'distributed')) {
    if (!table.distributionColumn) throw new Error(`Distributed table ${table.schema}.${table.name} has no distribution column in the recorded metadata.`);
    const method = table.partMethod === 'h' ? 'hash' : table.partMethod === 'r' ? 'range' : table.partMethod === 'a' ? 'append' : undefined;
    if (!method) throw new Error(`Unknown Citus partition method ${JSON.stringify(table.partMethod)} for ${table.schema}.${table.name}.`);
    const leader = groupLeaders.get(table.colocationId);
    const args = [regclassLiteral(table), quoteLiteral(table.distributionColumn)];
    if (method !== 'hash') args.push(`distribution_type => ${quoteLiteral(method)}`);
    if (leader) {
      args.push(`colocate_with => ${regclassLiteral(leader)}`);
    } else {
      groupLeaders.set(table.colocationId, table);
      args.push(`colocate_with => 'none'`);
      if (method === 'hash' && table.shardCount) args.push(`shard_count => ${table.shardCount}`);
    }
    statements.push(`SELECT create_distributed_table(${args.join(', ')});`);
  }
  for (const table of tables.filter((candidate) => citusTableKind(candidate) === 'local')) {
    statements.push(`SELECT citus_add_local_table_to_metadata(${regclassLiteral(table)});`);
  }
  return statements;
}
