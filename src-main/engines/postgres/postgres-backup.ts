import { EngineError } from '../engine-error.ts';
import type { DatabaseSummary, EngineBackupRequest, EngineBackupSummary, EngineContext, EntryMetadataValues, EntrySink } from '../engine.ts';
import type { Redactor } from '../redact.ts';
import { mapLimit, throttle } from '../stream-utils.ts';
import { ArchiveStats } from './archive/archive-stats.ts';
import { ArchiveSplitter } from './archive/archive-splitter.ts';
import type { SplitOutput } from './archive/archive-splitter.ts';
import { CustomArchiveParser } from './archive/custom-archive-parser.ts';
import { EntryFeed } from './archive/entry-feed.ts';
import { listServerDatabases, tableDataBytes, withDriver } from './catalog.ts';
import { readCitusMetadata } from './citus.ts';
import type { PostgresConnection } from './connection.ts';
import { toolEnvironment } from './connection.ts';
import type { DatabaseInfoDocument, DumpEntryMetadata, TableDataEntryMetadata } from './layout.ts';
import { GLOBALS_ENTRY, dumpEntryName, infoEntryName, tableDataEntryName } from './layout.ts';
import { runTool, startTool, stderrLogger } from './pg-tools.ts';

/** How long pg_dump waits for a table lock before failing (a table being dropped or altered). */
export const LOCK_WAIT_TIMEOUT_MS = 60_000;

/** Databases to back up: the selection (each must exist) or every non-system database. */
async function resolveDatabases(request: EngineBackupRequest<PostgresConnection>, redact: Redactor): Promise<{ names: string[]; estimate: number }> {
  const { source, secrets } = request;
  const all = await withDriver(source, secrets.password, source.database, redact, (client) => listServerDatabases(client));
  let names: string[];
  if (request.databases?.length) {
    const missing = request.databases.filter((name) => !all.some((database) => database.name === name));
    if (missing.length) throw new EngineError('not_found', `The source has no database ${missing.map((name) => JSON.stringify(name)).join(', ')}.`);
    names = [...new Set(request.databases)];
  } else {
    names = all.filter((database) => !database.system).map((database) => database.name);
  }
  let estimate = 0;
  for (const name of names) estimate += await withDriver(source, secrets.password, name, redact, (client) => tableDataBytes(client));
  return { names, estimate };
}

/** Backs up roles and other server-wide objects; a managed server may refuse some, which only warns. */
async function backupGlobals(request: EngineBackupRequest<PostgresConnection>, sink: EntrySink, context: EngineContext, redact: Redactor): Promise<boolean> {
  const env = toolEnvironment(request.source, request.secrets.password, request.source.database);
  try {
    const sql = await runTool('pg_dumpall', ['--globals-only', '--no-role-passwords', '--no-password'], env, redact, context.signal);
    await sink.addEntry({ name: GLOBALS_ENTRY, data: Buffer.from(sql, 'utf8'), metadata: { kind: 'pg-globals' } });
    return true;
  } catch (error) {
    if (context.signal.aborted) throw error;
    if (error instanceof EngineError && ['auth_failed', 'unreachable', 'tls_refused', 'tls_failed'].includes(error.code)) throw error;
    context.log('warn', `Roles and other server-wide objects were not captured: ${(error as Error).message}`);
    return false;
  }
}

/**
 * Dumps one database with `pg_dump -Fc -Z0` straight into repository entries: nothing is staged on
 * disk. A parser watches the stream go by, counts rows per table and splits each table's COPY text
 * into its own entry (see layout.ts).
 */
async function backupDatabase(
  request: EngineBackupRequest<PostgresConnection>,
  database: string,
  sink: EntrySink,
  context: EngineContext,
  redact: Redactor,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<DatabaseSummary> {
  const { source, secrets } = request;
  const facts = await withDriver(source, secrets.password, database, redact, async (client) => ({
    serverVersion: (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version,
    extensions: (await client.query<{ name: string; version: string }>('SELECT extname AS name, extversion AS version FROM pg_extension ORDER BY 1')).rows,
    citus: await readCitusMetadata(client),
  }));
  if (facts.citus) context.log('info', `Database ${database}: Citus ${facts.citus.citusVersion} with ${facts.citus.tables.length} distributed or reference table(s); their distribution is recorded.`);
  const env = toolEnvironment(source, secrets.password, database);
  const controller = new AbortController();
  const toolSignal = AbortSignal.any([signal, controller.signal]);
  const dump = startTool('pg_dump', ['--format=custom', '--compress=0', '--no-password', `--lock-wait-timeout=${request.lockWaitTimeoutMs ?? LOCK_WAIT_TIMEOUT_MS}ms`], env, redact, toolSignal, stderrLogger('pg_dump', database, context));
  dump.child.stdin.end();
  const parser = new CustomArchiveParser();
  const stats = new ArchiveStats();
  const splitter = new ArchiveSplitter();
  const metadata: DumpEntryMetadata = { kind: 'pg-dump', database, format: 'custom', compression: 0, citus: Boolean(facts.citus), tableData: 'separate' };
  // The archive minus table data is one entry, open for the whole stream; each table's COPY text
  // is its own entry (so a restore loads tables in parallel), written one after the other.
  const archive = openFeed(sink, { name: dumpEntryName(database), metadata });
  let table: ReturnType<typeof openFeed> | undefined;
  let dataBytes = 0;
  const handle = async (outputs: SplitOutput[]) => {
    for (const output of outputs) {
      switch (output.to) {
        case 'archive':
          await archive.feed.push(output.bytes);
          break;
        case 'table-start': {
          const entry = output.entry;
          const tableMetadata: TableDataEntryMetadata = { kind: 'pg-table-data', database, dumpId: entry.dumpId, schema: entry.namespace ?? '', table: entry.tag ?? '' };
          table = openFeed(sink, { name: tableDataEntryName(database, entry.dumpId), metadata: tableMetadata });
          break;
        }
        case 'table':
          await table!.feed.push(output.bytes);
          break;
        case 'table-end': {
          table!.counts.rows = stats.tables.get(output.dumpId)?.rows ?? 0;
          table!.feed.end();
          dataBytes += (await table!.stored).size;
          table = undefined;
          break;
        }
      }
    }
  };
  try {
    for await (const piece of throttle(dump.child.stdout as AsyncIterable<Buffer>, request.maxBytesPerSecond, toolSignal)) {
      const events = parser.push(piece);
      for (const event of events) stats.onEvent(event);
      await handle(splitter.onEvents(events));
      onBytes(piece.length);
    }
    // A dump that ended early is the tool's failure: report its error, not a truncated archive.
    await dump.done;
    const last = parser.finish();
    for (const event of last) stats.onEvent(event);
    await handle(splitter.onEvents(last));
    archive.feed.end();
    dataBytes += (await archive.stored).size;
  } catch (error) {
    table?.feed.fail(error);
    archive.feed.fail(error);
    await Promise.allSettled([archive.stored, table?.stored]);
    // The tool's own error (when it failed first) says more than a broken stream.
    const exited = dump.child.exitCode !== null || dump.child.signalCode !== null;
    if (!exited) controller.abort();
    const toolError = exited ? await dump.done.then(() => undefined, (failure: unknown) => failure) : undefined;
    await dump.done.catch(() => undefined);
    throw toolError && !(toolError instanceof EngineError && toolError.code === 'canceled') ? toolError : error;
  }
  const stored = { size: dataBytes };
  const header = parser.header!;
  const info: DatabaseInfoDocument = {
    database,
    serverVersion: facts.serverVersion,
    dumpVersion: header.dumpVersion ?? '',
    archiveVersion: `${header.version.major}.${header.version.minor}.${header.version.revision}`,
    tables: [...stats.tables.values()],
    largeObjects: stats.largeObjects,
    extensions: facts.extensions,
    ...(facts.citus ? { citus: facts.citus } : {}),
  };
  await sink.addEntry({ name: infoEntryName(database), data: Buffer.from(JSON.stringify(info, null, 2), 'utf8'), metadata: { kind: 'pg-info', database } });
  context.log('info', `Database ${database}: ${stats.tables.size} table(s), ${stats.totalRows} row(s), ${stored.size} bytes dumped.`);
  return { name: database, bytes: stored.size, tables: stats.tables.size, rows: stats.totalRows };
}

/** An entry being written from a feed; `stored` settles when the repository has it. */
function openFeed(sink: EntrySink, entry: { name: string; metadata: EntryMetadataValues }): { feed: EntryFeed; counts: { rows: number }; stored: Promise<{ size: number }> } {
  const feed = new EntryFeed();
  // The repository copies counts when the entry ends: filled in before the feed ends.
  const counts = { rows: 0 };
  const stored = sink.addEntry({ ...entry, data: feed, ...(entry.metadata.kind === 'pg-table-data' ? { counts } : {}) });
  // A repository that stops reading must not leave the writer waiting.
  stored.catch((error: unknown) => feed.fail(error));
  return { feed, counts, stored };
}

/** Backs up the selected databases (in parallel) and the server's globals. */
export async function backupPostgres(request: EngineBackupRequest<PostgresConnection>, sink: EntrySink, context: EngineContext, redact: Redactor): Promise<EngineBackupSummary> {
  const { names, estimate } = await resolveDatabases(request, redact);
  if (!names.length) throw new EngineError('not_found', 'The source has no user database to back up (name one with --database).');
  context.log('info', `Backing up ${names.length} database(s): ${names.join(', ')} (about ${estimate} bytes of table data).`);
  const notes: string[] = [];
  if (await backupGlobals(request, sink, context, redact)) notes.push('globals captured (roles without passwords)');
  let done = 0;
  const onBytes = (bytes: number) => {
    done += bytes;
    context.progress(done, Math.max(estimate, done), 'bytes');
  };
  const databases = await mapLimit(names, request.parallelism ?? 2, context.signal, (name, signal) => backupDatabase(request, name, sink, context, redact, signal, onBytes));
  return { databases, notes };
}
