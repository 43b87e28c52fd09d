import type { PostgresRestoreOptions } from './postgres-options.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineContext, EngineRestoreRequest, EntrySource, StoredEntry } from '../engine.ts';
import type { Redactor } from '../redact.ts';
import { metered } from '../stream-utils.ts';
import { runRestoreSchedule } from './restore-schedule.ts';
import type { TocEntry } from './archive/archive-format.ts';
import { SECTION } from './archive/archive-format.ts';
import { writeTocOnlyDirectory } from './archive/directory-archive-writer.ts';
import type { PostgresConnection } from './connection.ts';
import { loadTableData } from './copy-loader.ts';
import type { RestorePlanItem } from './restore-passes.ts';
import { pgRestorePass, readStoredPrologue } from './restore-passes.ts';

/** Tables loaded at once and pg_restore jobs for post-data, unless the request says otherwise. */
export const DEFAULT_RESTORE_PARALLELISM = 2;

/**
 * The session settings pg_restore uses before it loads data (pg_backup_archiver.c
 * `_doSetFixedOutputState`), with the dump's own encoding and string settings from its TOC.
 */
export function copySessionSql(toc: TocEntry[]): string {
  const fromToc = toc.filter((entry) => entry.desc === 'ENCODING' || entry.desc === 'STDSTRINGS').map((entry) => (entry.defn ?? '').trim());
  return [
    'SET statement_timeout = 0;',
    'SET lock_timeout = 0;',
    'SET idle_in_transaction_session_timeout = 0;',
    ...fromToc,
    "SELECT pg_catalog.set_config('search_path', '', false);",
    'SET check_function_bodies = false;',
    'SET xmloption = content;',
    'SET client_min_messages = warning;',
    'SET row_security = off;',
  ].join(' ');
}

/** The COPY statement of a `TABLE DATA` entry (`COPY s.t (a, b) FROM stdin`). */
export function copyStatement(entry: TocEntry): string {
  return (entry.copyStmt ?? '').trim().replace(/;$/, '');
}

/** Loads one table: its stored COPY text streamed over a driver connection (`COPY … FROM stdin`). */
async function copyTable(
  request: EngineRestoreRequest<PostgresConnection, PostgresRestoreOptions>,
  item: RestorePlanItem,
  entry: TocEntry,
  stored: StoredEntry,
  sessionSql: string,
  source: EntrySource,
  context: EngineContext,
  redact: Redactor,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<void> {
  const stream = await source.open(stored.name, signal);
  const label = `${entry.namespace ?? ''}.${entry.tag ?? entry.dumpId}`;
  try {
    await loadTableData({
      connection: request.target,
      password: request.secrets.password,
      database: item.target,
      sessionSql,
      copySql: copyStatement(entry),
      label,
      data: metered(stream as AsyncIterable<Buffer>, request.maxBytesPerSecond, signal, onBytes),
      signal,
      redact,
      onNotice: (message) => context.log('warn', `${item.target}: ${label}: ${message}`),
    });
  } finally {
    stream.destroy();
  }
}

/**
 * Restores a database whose table data is stored per table: pre-data (the archive's TOC streamed
 * into pg_restore), `distribute` (Citus), the remaining data entries (sequence values, large
 * objects) with pg_restore, then the tables (largest first, over COPY) and the post-data
 * (`pg_restore` passes on a TOC-only directory archive in a temporary folder) sharing N streams,
 * scheduled by `runRestoreSchedule`. No data is ever written to disk.
 */
export async function restoreSplitDatabase(
  request: EngineRestoreRequest<PostgresConnection, PostgresRestoreOptions>,
  item: RestorePlanItem,
  source: EntrySource,
  context: EngineContext,
  redact: Redactor,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
  distribute: () => Promise<void>,
): Promise<void> {
  const parallelism = Math.max(1, request.parallelism ?? DEFAULT_RESTORE_PARALLELISM);
  // The TOC is read while pre-data runs (both only read the small archive entry).
  const prologue = readStoredPrologue(source, item.entry.name, signal);
  prologue.catch(() => undefined);
  await pgRestorePass(request, item, source, context, redact, signal, ['--section=pre-data'], () => undefined);
  const { header, toc } = await prologue;
  const wanted = item.selection ? new Set(item.selection.map((entry) => entry.dumpId)) : undefined;
  const chosen = (entry: TocEntry) => !wanted || wanted.has(entry.dumpId);
  await distribute();

  const data = toc.filter((entry) => entry.section === SECTION.data && chosen(entry));
  const tables = data.filter((entry) => item.tableData.has(entry.dumpId));
  const otherData = data.filter((entry) => !item.tableData.has(entry.dumpId));
  if (otherData.length) await pgRestorePass(request, item, source, context, redact, signal, ['--section=data'], onBytes, { list: otherData });
  const sessionSql = copySessionSql(toc);
  const bySize = [...tables].sort((a, b) => item.tableData.get(b.dumpId)!.size - item.tableData.get(a.dumpId)!.size);
  const postData = toc.filter((entry) => entry.section === SECTION.postData && chosen(entry));
  const folder = postData.length > 0 ? await mkdtemp(join(tmpdir(), 'cosmos-backup-toc-')) : undefined;
  try {
    if (folder) await writeTocOnlyDirectory(header, toc, folder);
    const postDataPass = (entries: TocEntry[], jobs: number, passSignal: AbortSignal) =>
      pgRestorePass(request, item, source, context, redact, passSignal, ['--section=post-data', `--jobs=${jobs}`], () => undefined, { folder, clean: false, list: entries });

    // Tables and post-data share the streams, ordered as `pg_restore -j` does (restore-schedule.ts):
    // a big table's indexes are built as soon as it is loaded, the rest as their tables finish.
    const { passes, builtWhileLoading } = await runRestoreSchedule({
      toc,
      tables: bySize,
      postData,
      streams: parallelism,
      sizeOf: (data) => item.tableData.get(data.dumpId)?.size ?? 0,
      signal,
      loadTable: (entry, taskSignal) => copyTable(request, item, entry, item.tableData.get(entry.dumpId)!, sessionSql, source, context, redact, taskSignal, onBytes),
      buildPostData: postDataPass,
    });
    context.log(
      'info',
      `Database ${item.target}: loaded ${tables.length} table(s), ${parallelism} at a time; post-data in ${passes} pass(es)${builtWhileLoading ? `, ${builtWhileLoading} post-data item(s) built meanwhile` : ''}.`,
    );
  } finally {
    if (folder) await rm(folder, { recursive: true, force: true });
  }
}
