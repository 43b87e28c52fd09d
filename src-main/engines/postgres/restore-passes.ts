/**
 * The building blocks of a PostgreSQL restore that the whole-database and the split (per table)
 * paths share: reading stored entries, and running one pg_restore pass fed from the repository.
 */
import type { PostgresRestoreOptions } from './postgres-options.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../engine-error.ts';
import type { EngineContext, EngineRestoreRequest, EntrySource, StoredEntry } from '../engine.ts';
import type { Redactor } from '../redact.ts';
import { metered } from '../stream-utils.ts';
import type { ArchiveHeader, TocEntry } from './archive/archive-format.ts';
import { CustomArchiveParser } from './archive/custom-archive-parser.ts';
import type { PostgresConnection } from './connection.ts';
import { toolEnvironment } from './connection.ts';
import type { DatabaseInfoDocument } from './layout.ts';
import { databaseInfoSchema, infoEntryName } from './layout.ts';
import { startTool, stderrLogger } from './pg-tools.ts';
import type { PgTool } from './pg-tools.ts';
import { restoreList } from './toc-selection.ts';

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

export async function readText(source: EntrySource, name: string, signal: AbortSignal): Promise<string> {
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
  request: EngineRestoreRequest<PostgresConnection, PostgresRestoreOptions>,
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
  if (request.options.noOwner) args.push('--no-owner');
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

