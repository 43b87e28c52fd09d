import { z } from 'zod';
import { citusMetadataSchema } from './citus.ts';

/**
 * Entry names of a PostgreSQL restore point:
 * - `postgres/globals.sql` — roles (without passwords), tablespaces, role settings (`pg_dumpall --globals-only`);
 * - `postgres/databases/<name>/dump.pgdump` — `pg_dump -Fc -Z0` of one database (the repository
 *   compresses) without the COPY data of its tables (`tableData: 'separate'`): header, TOC and any
 *   other data blocks (large objects) — a stock custom-format archive minus the table data;
 * - `postgres/databases/<name>/data/<dumpId>.dat` — one table's COPY text, exactly as pg_dump wrote it
 *   (the content of a directory-format `<dumpId>.dat`), one entry per TOC `TABLE DATA` entry;
 * - `postgres/databases/<name>/info.json` — per-table rows and bytes, extensions, Citus distribution.
 * `<name>` is the database name percent-encoded so any name makes one path segment.
 */
export const GLOBALS_ENTRY = 'postgres/globals.sql';
const DATABASES = 'postgres/databases/';

/** A database name as one entry-name segment (`/` and `%` encoded; `.` and `..` too). */
export function databaseSegment(database: string): string {
  const encoded = encodeURIComponent(database);
  return encoded === '.' || encoded === '..' ? encoded.replace(/\./g, '%2E') : encoded;
}

export function dumpEntryName(database: string): string {
  return `${DATABASES}${databaseSegment(database)}/dump.pgdump`;
}

export function tableDataEntryName(database: string, dumpId: number): string {
  return `${DATABASES}${databaseSegment(database)}/data/${dumpId}.dat`;
}

export function infoEntryName(database: string): string {
  return `${DATABASES}${databaseSegment(database)}/info.json`;
}

/** Entry metadata of a dump entry (flat, in the manifest). */
export interface DumpEntryMetadata {
  [key: string]: string | number | boolean;
  kind: 'pg-dump';
  database: string;
  format: 'custom';
  compression: number;
  citus: boolean;
  /** Table data lives in `pg-table-data` entries (older restore points lack this key: data inline). */
  tableData: 'separate';
}

/** Entry metadata of one table's data (flat, in the manifest). */
export interface TableDataEntryMetadata {
  [key: string]: string | number | boolean;
  kind: 'pg-table-data';
  database: string;
  /** The TOC dump id of the `TABLE DATA` entry. */
  dumpId: number;
  schema: string;
  table: string;
}

export const databaseInfoSchema = z.object({
  database: z.string(),
  serverVersion: z.string(),
  dumpVersion: z.string(),
  archiveVersion: z.string(),
  tables: z.array(z.object({ schema: z.string(), table: z.string(), rows: z.number().int(), bytes: z.number().int() })),
  largeObjects: z.number().int(),
  extensions: z.array(z.object({ name: z.string(), version: z.string() })),
  citus: citusMetadataSchema.optional(),
});
/** The `info.json` of one database. */
export type DatabaseInfoDocument = z.infer<typeof databaseInfoSchema>;
