import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineContext, EngineRestoreRequest, EntrySource, StoredEntry } from '../engine.ts';
import type { Redactor } from '../redact.ts';
import { mapLimit } from '../stream-utils.ts';
import { postDataReady } from './post-data-readiness.ts';
import type { TocEntry } from './archive/archive-format.ts';
import { SECTION } from './archive/archive-format.ts';
import { writeTocOnlyDirectory } from './archive/directory-archive-writer.ts';
import type { PostgresConnection } from './connection.ts';
import { toolEnvironment } from './connection.ts';
import type { RestorePlanItem } from './postgres-restore.ts';
import { feedTool, pgRestorePass, readStoredPrologue } from './postgres-restore.ts';

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

/** The COPY statement of a `TABLE DATA` entry, as psql runs it (`COPY s.t (a, b) FROM stdin`). */
export function copyStatement(entry: TocEntry): string {
  return (entry.copyStmt ?? '').trim().replace(/;$/, '');
}

/** Loads one table: its stored COPY text streamed into `psql -c 'COPY … FROM stdin'`. */
async function copyTable(
  request: EngineRestoreRequest<PostgresConnection>,
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
  const env = toolEnvironment(request.target, request.secrets.password, item.target);
  const args = ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=1', '-c', sessionSql, '-c', copyStatement(entry)];
  await feedTool('psql', args, env, item.target, stored.name, source, context, redact, signal, request.maxBytesPerSecond, onBytes);
}

/**
 * Restores a database whose table data is stored per table: pre-data (the archive's TOC streamed
 * into pg_restore), `distribute` (Citus), the remaining data entries (sequence values, large
 * objects) with pg_restore, the tables with N parallel COPY streams (largest first), then
 * post-data with `pg_restore -j N` on a TOC-only directory archive in a temporary folder
 * (indexes and constraints built in parallel; no data is ever written to disk).
 */
export async function restoreSplitDatabase(
  request: EngineRestoreRequest<PostgresConnection>,
  item: RestorePlanItem,
  source: EntrySource,
  context: EngineContext,
  redact: Redactor,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
  distribute: () => Promise<void>,
): Promise<void> {
  const parallelism = Math.max(1, request.parallelism ?? DEFAULT_RESTORE_PARALLELISM);
  const { header, toc } = await readStoredPrologue(source, item.entry.name, signal);
  const wanted = item.selection ? new Set(item.selection.map((entry) => entry.dumpId)) : undefined;
  const chosen = (entry: TocEntry) => !wanted || wanted.has(entry.dumpId);

  await pgRestorePass(request, item, source, context, redact, signal, ['--section=pre-data'], () => undefined);
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

    // Once every table has started loading and a stream is free, the post-data of the tables
    // already loaded is built beside the ones still loading (typically one large table), as
    // `pg_restore -j` does; the rest follows when all data is in.
    const loading = new Set(bySize);
    let started = 0;
    let early: { entries: TocEntry[]; done: Promise<void> } | undefined;
    // The first failure stops the other stream of work and is the one reported.
    let failure: { error: unknown } | undefined;
    const controller = new AbortController();
    const linked = AbortSignal.any([signal, controller.signal]);
    const fail = (error: unknown) => {
      failure ??= { error };
      controller.abort(error);
    };
    const startEarlyPostData = () => {
      if (early || !folder || started < bySize.length || loading.size === 0 || loading.size >= parallelism) return;
      const entries = postDataReady(toc, postData, [...loading]);
      if (entries.length === 0) return;
      early = { entries, done: postDataPass(entries, parallelism - loading.size, linked) };
      early.done.catch(fail);
    };
    const copies = mapLimit(bySize, parallelism, linked, async (entry, taskSignal) => {
      started++;
      await copyTable(request, item, entry, item.tableData.get(entry.dumpId)!, sessionSql, source, context, redact, taskSignal, onBytes);
      loading.delete(entry);
      startEarlyPostData();
    });
    await copies.catch(fail);
    await early?.done.catch(() => undefined);
    if (failure) throw failure.error;
    context.log('info', `Database ${item.target}: loaded ${tables.length} table(s), ${parallelism} at a time${early ? `, with ${early.entries.length} post-data item(s) built meanwhile` : ''}.`);

    if (!folder) return;
    const built = new Set(early?.entries ?? []);
    const rest = postData.filter((entry) => !built.has(entry));
    if (rest.length > 0) await postDataPass(rest, parallelism, signal);
  } finally {
    if (folder) await rm(folder, { recursive: true, force: true });
  }
}
