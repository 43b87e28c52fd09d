import pg from 'pg';
import { EngineError } from '../engine-error.ts';
import type { Redactor } from '../redact.ts';
import type { DatabaseInfo } from '../engine.ts';
import type { PostgresConnection } from './connection.ts';
import { driverConfig } from './connection.ts';
import { classifyMessage } from './pg-tools.ts';

/** Databases a managed cluster keeps for itself; never backed up unless asked for by name. */
export const SYSTEM_DATABASES = ['postgres', 'azure_maintenance', 'azure_sys', 'template0', 'template1'];

/**
 * Opens a driver connection, turning connection failures into EngineErrors with a plain message
 * (the driver's own text can name the host and user but never the password; it is redacted anyway).
 */
export async function connectDriver(connection: PostgresConnection, password: string | undefined, database: string, redact: Redactor): Promise<pg.Client> {
  const client = new pg.Client(driverConfig(connection, password, database));
  // Errors on an idle client (server gone) must not crash the agent; the next query reports them.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw driverError(error, redact);
  }
}

/** Classifies a node-postgres error (SQLSTATE 28P01 etc.) into an EngineError. */
export function driverError(error: unknown, redact: Redactor): EngineError {
  if (error instanceof EngineError) return error;
  const record = error as { code?: string; message?: string };
  const message = redact(record.message ?? String(error));
  if (record.code === '28P01' || record.code === '28000') return new EngineError('auth_failed', `The database rejected the user name or password (${message})`);
  if (record.code === '3D000') return new EngineError('not_found', message);
  if (record.code === '55P03') return new EngineError('lock_timeout', message);
  const known = classifyMessage(`${message} ${record.code ?? ''}`);
  return known ? new EngineError(known.code, `${known.message} (${message})`) : new EngineError('tool_failed', message);
}

/** Runs `fn` with a connected client and always closes it. */
export async function withDriver<T>(connection: PostgresConnection, password: string | undefined, database: string, redact: Redactor, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectDriver(connection, password, database, redact);
  try {
    return await fn(client);
  } catch (error) {
    throw driverError(error, redact);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Every connectable, non-template database with its size; `system` marks the managed ones. */
export async function listServerDatabases(client: pg.Client): Promise<(DatabaseInfo & { system: boolean })[]> {
  const { rows } = await client.query<{ datname: string; size: string; owner: string; encoding: string }>(
    `SELECT d.datname, pg_database_size(d.oid)::text AS size, pg_get_userbyid(d.datdba) AS owner, pg_encoding_to_char(d.encoding) AS encoding
     FROM pg_database d WHERE d.datallowconn AND NOT d.datistemplate ORDER BY d.datname`,
  );
  return rows.map((row) => ({
    name: row.datname,
    sizeBytes: Number(row.size),
    details: { owner: row.owner, encoding: row.encoding },
    system: SYSTEM_DATABASES.includes(row.datname),
  }));
}

/**
 * Bytes of table data (heap and TOAST, no indexes) in the connected database: the dump's rough
 * size, for progress. From the planner's page counts, not pg_table_size(): that one locks each
 * table and would hang behind a table another session is dropping.
 */
export async function tableDataBytes(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ bytes: string | null }>(
    `SELECT (sum(c.relpages + coalesce(t.relpages, 0)) * current_setting('block_size')::bigint)::text AS bytes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_class t ON t.oid = c.reltoastrelid
     WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
  );
  return Number(rows[0]?.bytes ?? 0);
}

/** True when the connected database has the named extension installed. */
export async function hasExtension(client: pg.Client, name: string): Promise<boolean> {
  const { rows } = await client.query('SELECT 1 FROM pg_extension WHERE extname = $1', [name]);
  return rows.length > 0;
}

/** User objects in the connected database (tables, views, sequences, functions, types); 0 means empty. */
export async function userObjectCount(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT ((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'))
           + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')))::text AS n`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Which of `tables` (`schema.name`) exist in the connected database. */
export async function existingTables(client: pg.Client, tables: { schema: string; name: string }[]): Promise<string[]> {
  if (!tables.length) return [];
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%s.%s', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN unnest($1::text[], $2::text[]) AS t(schema, name) ON t.schema = n.nspname AND t.name = c.relname`,
    [tables.map((table) => table.schema), tables.map((table) => table.name)],
  );
  return rows.map((row) => row.name);
}
