import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../engine-error.ts';
import type { DatabaseSummary, EngineContext, EngineRestoreRequest, EngineRestoreSummary, EntrySource, StoredEntry } from '../engine.ts';
import type { Redactor } from '../redact.ts';
import { mapLimit, metered } from '../stream-utils.ts';
import type { ArchiveHeader, TocEntry } from './archive/archive-format.ts';
import { CustomArchiveParser } from './archive/custom-archive-parser.ts';
import { existingTables, userObjectCount, withDriver } from './catalog.ts';
import { citusDistributionSql } from './citus.ts';
import type { PostgresConnection } from './connection.ts';
import { describeConnection, quoteIdent, toolEnvironment } from './connection.ts';
import type { DatabaseInfoDocument } from './layout.ts';
import { GLOBALS_ENTRY, databaseInfoSchema, infoEntryName } from './layout.ts';
import { runTool, startTool, stderrLogger } from './pg-tools.ts';
import type { PgTool } from './pg-tools.ts';
import { isSelective, restoreList, selectTocEntries, selectedTables } from './toc-selection.ts';
import { restoreSplitDatabase } from './split-restore.ts';

/** One database of the restore point and where it goes. */
export interface RestorePlanItem {
  source: string;
  target: string;
  entry: StoredEntry;
  info: DatabaseInfoDocument | undefined;
  existed: boolean;
  /** The selected TOC entries (undefined: the whole archive). */
  selection: TocEntry[] | undefined;
  /** The database's table-data entries by dump id (empty: an older restore point, data inline). */
  tableData: Map<number, StoredEntry>;
}

/** The dump entries of a restore point, by source database name. */
export function dumpEntries(source: EntrySource): Map<string, StoredEntry> {
  const map = new Map<string, StoredEntry>();
  for (const entry of source.entries) {
    if (entry.metadata?.kind === 'pg-dump' && typeof entry.metadata.database === 'string') map.set(entry.metadata.database, entry);
  }
  return map;
}

async function readText(source: EntrySource, name: string, signal: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await source.open(name, signal)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The `pg-table-data` entries of one source database, by TOC dump id. */
export function tableDataEntries(source: EntrySource, database: string): Map<number, StoredEntry> {
  const map = new Map<number, StoredEntry>();
  for (const entry of source.entries) {
    const metadata = entry.metadata;
    if (metadata?.kind === 'pg-table-data' && metadata.database === database && typeof metadata.dumpId === 'number') map.set(metadata.dumpId, entry);
  }
  return map;
}

/** Reads `info.json` of a database (older or foreign restore points may lack it). */
export async function readDatabaseInfo(source: EntrySource, database: string, signal: AbortSignal): Promise<DatabaseInfoDocument | undefined> {
  const name = infoEntryName(database);
  if (!source.entries.some((entry) => entry.name === name)) return undefined;
  const parsed = databaseInfoSchema.safeParse(JSON.parse(await readText(source, name, signal)));
  return parsed.success ? parsed.data : undefined;
}

/** Reads just the TOC of a stored archive (stops reading once it is parsed). */
export async function readStoredToc(source: EntrySource, entryName: string, signal: AbortSignal): Promise<TocEntry[]> {
  return (await readStoredPrologue(source, entryName, signal)).toc;
}

/** Reads the header and TOC of a stored archive (stops reading once they are parsed). */
export async function readStoredPrologue(source: EntrySource, entryName: string, signal: AbortSignal): Promise<{ header: ArchiveHeader; toc: TocEntry[] }> {
  const stream = await source.open(entryName, signal);
  const parser = new CustomArchiveParser();
  try {
    for await (const piece of stream) {
      for (const event of parser.push(piece as Buffer)) if (event.type === 'prologue') return event;
    }
    for (const event of parser.finish()) if (event.type === 'prologue') return event;
    throw new Error(`Entry ${entryName} has no table of contents.`);
  } finally {
    stream.destroy();
  }
}

/** A libpq conninfo naming only the database (the rest comes from the environment). */
export function dbnameConninfo(database: string): string {
  return `dbname='${database.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET';
}

/** How one pg_restore pass runs (defaults: the selection, the stored archive on stdin, --clean as asked). */
export interface PassOptions {
  /** TOC entries to restore (`--use-list`); default: the selection, or everything. */
  list?: TocEntry[];
  /** Read this directory-format archive (a file, so `-j` works) instead of streaming the entry. */
  folder?: string;
  /** Drop the selected objects first (only the pass that creates them should). */
  clean?: boolean;
}

/**
 * Runs one pg_restore pass, by default with the stored archive streamed into its stdin. A pass
 * that needs no data (pre-data, post-data) stops reading early; the broken pipe that causes is expected.
 */
export async function pgRestorePass(
  request: EngineRestoreRequest<PostgresConnection>,
  item: RestorePlanItem,
  source: EntrySource,
  context: EngineContext,
  redact: Redactor,
  signal: AbortSignal,
  extraArgs: string[],
  onBytes: (bytes: number) => void,
  options: PassOptions = {},
): Promise<void> {
  const env = toolEnvironment(request.target, request.secrets.password, item.target);
  const args = ['--exit-on-error', '--no-password', '--dbname', dbnameConninfo(item.target), ...extraArgs];
  // A whole database is replaced by re-creating it (restoreDatabase); a selection drops its objects.
  if (request.clean && item.existed && item.selection && options.clean !== false) args.push('--clean', '--if-exists');
  if (request.noOwner) args.push('--no-owner');
  const list = options.list ?? item.selection;
  // Only the selection's dump ids go to disk (pg_restore reads -L from a file; Node's stdio
  // pipes are sockets, which /dev/fd cannot reopen) — never data.
  const listDir = list ? await mkdtemp(join(tmpdir(), 'cosmos-backup-list-')) : undefined;
  try {
    if (listDir) {
      await writeFile(join(listDir, 'restore.list'), restoreList(list!), { mode: 0o600 });
      args.push('--use-list', join(listDir, 'restore.list'));
    }
    if (options.folder) {
      const running = startTool('pg_restore', [...args, options.folder], env, redact, signal, stderrLogger('pg_restore', item.target, context));
      running.child.stdin.end();
      running.child.stdout.resume();
      await running.done;
    } else {
      await feedTool('pg_restore', args, env, item.target, item.entry.name, source, context, redact, signal, request.maxBytesPerSecond, onBytes);
    }
  } finally {
    if (listDir) await rm(listDir, { recursive: true, force: true });
  }
}

/** Runs `tool` with a stored entry streamed into its stdin; a tool that stops reading early and succeeds is fine. */
export async function feedTool(
  tool: PgTool,
  args: string[],
  env: NodeJS.ProcessEnv,
  target: string,
  entryName: string,
  source: EntrySource,
  context: EngineContext,
  redact: Redactor,
  signal: AbortSignal,
  maxBytesPerSecond: number | undefined,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const running = startTool(tool, args, env, redact, signal, stderrLogger(tool, target, context));
  running.child.stdout.resume();
  const stream = await source.open(entryName, signal);
  const feeding = pipeline(Readable.from(metered(stream as AsyncIterable<Buffer>, maxBytesPerSecond, signal, onBytes)), running.child.stdin).then(
    () => undefined,
    (error: unknown) => error,
  );
  const toolResult = await running.done.then(
    () => undefined,
    (error: unknown) => error,
  );
  stream.destroy();
  const feedError = await feeding;
  if (feedError && !isBrokenPipe(feedError) && !(toolResult instanceof EngineError && toolResult.code === 'canceled')) throw feedError;
  if (toolResult) throw toolResult;
}

/** Checks every target first, so a refusal changes nothing anywhere. */
async function planRestore(request: EngineRestoreRequest<PostgresConnection>, source: EntrySource, context: EngineContext, redact: Redactor): Promise<RestorePlanItem[]> {
  const stored = dumpEntries(source);
  const wanted = request.databases?.length ? request.databases : [...stored.keys()];
  const missing = wanted.filter((name) => !stored.has(name));
  if (missing.length) throw new EngineError('not_found', `The restore point has no database ${missing.map((name) => JSON.stringify(name)).join(', ')} (it has ${[...stored.keys()].join(', ') || 'none'}).`);
  const unknownMapped = Object.keys(request.databaseMap ?? {}).filter((name) => !wanted.includes(name));
  if (unknownMapped.length) throw new EngineError('invalid_argument', `--database-map names ${unknownMapped.join(', ')}, which is not restored.`);
  const targets = wanted.map((name) => request.databaseMap?.[name] ?? name);
  if (new Set(targets).size !== targets.length) throw new EngineError('invalid_argument', 'Two databases would be restored into the same target database.');
  const { target, secrets } = request;
  const existing = await withDriver(target, secrets.password, target.database, redact, async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    return new Set(rows.map((row) => row.datname));
  });
  const selective = isSelective(request);
  const plan: RestorePlanItem[] = [];
  const refusals: string[] = [];
  for (const [i, name] of wanted.entries()) {
    const targetName = targets[i]!;
    const entry = stored.get(name)!;
    const existed = existing.has(targetName);
    const selection = selective
      ? selectTocEntries(await readStoredToc(source, entry.name, context.signal), { schemas: request.schemas, tables: request.tables, includeSchemasOfTables: !existed })
      : undefined;
    if (selection && !selection.length) throw new EngineError('not_found', `Nothing in database ${name} matches the selected schemas or tables.`);
    if (existed && !request.clean) {
      const clash = await withDriver(target, secrets.password, targetName, redact, async (client) => {
        if (selection) return (await existingTables(client, selectedTables(selection))).join(', ');
        const count = await userObjectCount(client);
        return count > 0 ? `${count} object(s)` : '';
      });
      if (clash) refusals.push(`${targetName} (${clash})`);
    }
    plan.push({ source: name, target: targetName, entry, info: await readDatabaseInfo(source, name, context.signal), existed, selection, tableData: tableDataEntries(source, name) });
  }
  if (refusals.length) {
    throw new EngineError('target_not_empty', `The target is not empty: ${refusals.join('; ')}. Restore into another database (--database-map OLD=NEW) or replace its objects with --clean.`);
  }
  return plan;
}

async function restoreGlobals(request: EngineRestoreRequest<PostgresConnection>, source: EntrySource, context: EngineContext, redact: Redactor): Promise<void> {
  if (!source.entries.some((entry) => entry.name === GLOBALS_ENTRY)) {
    context.log('warn', 'This restore point has no roles or other server-wide objects to restore.');
    return;
  }
  const sql = await readText(source, GLOBALS_ENTRY, context.signal);
  const env = toolEnvironment(request.target, request.secrets.password, request.target.database);
  // Roles that exist already fail one by one; that is expected, so errors do not stop the script.
  const output = await runTool('psql', ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=0', '-f', '-'], env, redact, context.signal, sql);
  if (output.trim()) context.log('info', output.trim());
  context.log('info', 'Restored roles (without passwords) and other server-wide objects.');
}

/**
 * Restores one database: pre-data, then (with Citus metadata) the distribution SQL — tables become
 * distributed or reference tables while still empty — then the data (tables loaded in parallel),
 * then post-data (indexes and constraints built in parallel); see split-restore.ts. An older restore
 * point with the data inside the archive is restored by one pg_restore pass (three with Citus).
 */
async function restoreDatabase(
  request: EngineRestoreRequest<PostgresConnection>,
  item: RestorePlanItem,
  source: EntrySource,
  context: EngineContext,
  redact: Redactor,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<DatabaseSummary> {
  const { target, secrets } = request;
  context.targetTouched?.(item.target);
  if (item.existed && request.clean && !item.selection) {
    // pg_restore --clean cannot drop everything (inherited partition constraints, objects not in
    // the dump): replacing a whole database means dropping and re-creating it.
    await withDriver(target, secrets.password, target.database, redact, (client) => client.query(`DROP DATABASE ${quoteIdent(item.target)} WITH (FORCE)`));
    context.log('info', `Dropped the existing database ${item.target} (--clean) to restore it anew.`);
  }
  if (!item.existed || (request.clean && !item.selection)) {
    await withDriver(target, secrets.password, target.database, redact, (client) => client.query(`CREATE DATABASE ${quoteIdent(item.target)} TEMPLATE template0`));
    context.log('info', `Created database ${item.target}.`);
  }
  const citus = item.info?.citus;
  const distribute = async () => {
    if (!citus?.tables.length) return;
    const statements = citusDistributionSql(citus);
    await withDriver(target, secrets.password, item.target, redact, async (client) => {
      for (const statement of statements) await client.query(statement);
    });
    context.log('info', `Database ${item.target}: re-created the Citus distribution of ${citus.tables.length} table(s).`);
  };
  if (item.tableData.size) {
    await restoreSplitDatabase(request, item, source, context, redact, signal, onBytes, distribute);
  } else if (citus && citus.tables.length) {
    // An older restore point (table data inside the archive): one stream per section.
    await pgRestorePass(request, item, source, context, redact, signal, ['--section=pre-data'], () => undefined);
    await distribute();
    await pgRestorePass(request, item, source, context, redact, signal, ['--section=data'], onBytes);
    await pgRestorePass(request, item, source, context, redact, signal, ['--section=post-data'], () => undefined);
  } else {
    await pgRestorePass(request, item, source, context, redact, signal, [], onBytes);
  }
  const selectedData = item.selection ? new Set(item.selection.filter((entry) => entry.desc === 'TABLE DATA').map((entry) => `${entry.namespace}.${entry.tag}`)) : undefined;
  const tables = (item.info?.tables ?? []).filter((table) => !selectedData || selectedData.has(`${table.schema}.${table.table}`));
  const rows = tables.reduce((sum, table) => sum + table.rows, 0);
  context.log('info', `Restored database ${item.source} into ${describeConnection(target, item.target)}: ${tables.length} table(s), ${rows} row(s).`);
  return { name: item.target, bytes: item.entry.size + [...item.tableData.values()].reduce((sum, entry) => sum + entry.size, 0), tables: tables.length, rows };
}

/** Restores the selected databases of a restore point into a PostgreSQL server. */
export async function restorePostgres(request: EngineRestoreRequest<PostgresConnection>, source: EntrySource, context: EngineContext, redact: Redactor): Promise<EngineRestoreSummary> {
  const plan = await planRestore(request, source, context, redact);
  context.log('info', `Restoring ${plan.map((item) => (item.source === item.target ? item.source : `${item.source} as ${item.target}`)).join(', ')}${request.clean ? ' (replacing existing objects)' : ''}.`);
  const notes: string[] = [];
  if (request.globals) {
    await restoreGlobals(request, source, context, redact);
    notes.push('globals restored');
  }
  const total = plan.reduce((sum, item) => sum + item.entry.size + [...item.tableData.values()].reduce((bytes, entry) => bytes + entry.size, 0), 0);
  let done = 0;
  const onBytes = (bytes: number) => {
    done += bytes;
    context.progress(done, Math.max(total, done), 'bytes');
  };
  const touched: string[] = [];
  try {
    const databases = await mapLimit(plan, 2, context.signal, (item, signal) => {
      touched.push(item.target);
      return restoreDatabase(request, item, source, context, redact, signal, onBytes);
    });
    return { databases, outputs: plan.map((item) => describeConnection(request.target, item.target)), notes };
  } catch (error) {
    if (touched.length && error instanceof Error) {
      error.message += ` — target database(s) ${touched.join(', ')} may be partially restored; drop them or restore again with --clean.`;
    }
    throw error;
  }
}
