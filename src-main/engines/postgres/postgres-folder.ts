import { createWriteStream } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join, resolve } from 'node:path';
import { EngineError } from '../engine-error.ts';
import type { EngineContext, EngineFolderRestoreRequest, EngineRestoreSummary, EntrySource } from '../engine.ts';
import { mapLimit, metered } from '../stream-utils.ts';
import { formatBytes } from '../../shared/format-units.ts';
import { writeDirectoryArchive } from './archive/directory-archive-writer.ts';
import { citusDistributionSql } from './citus.ts';
import { GLOBALS_ENTRY, databaseSegment } from './layout.ts';
import { dumpEntries, readDatabaseInfo, tableDataEntries } from './restore-passes.ts';

/**
 * Writes a restore point out for stock tools: `<folder>/<database>/` is a pg_dump directory-format
 * archive (`pg_restore -d NEW <folder>/<database>` works without Cosmos Backup), converted from the
 * stored custom-format stream on the fly; `globals.sql` holds roles and `citus-<database>.sql` the
 * distribution to run between `pg_restore --section=pre-data` and `--section=data`.
 */
export async function restorePostgresToFolder(request: EngineFolderRestoreRequest, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary> {
  const stored = dumpEntries(source);
  const wanted = request.databases?.length ? request.databases : [...stored.keys()];
  const missing = wanted.filter((name) => !stored.has(name));
  if (missing.length) throw new EngineError('not_found', `The restore point has no database ${missing.map((name) => JSON.stringify(name)).join(', ')}.`);
  const root = resolve(request.folder);
  await mkdir(root, { recursive: true });
  if ((await readdir(root)).length) throw new EngineError('target_not_empty', `Folder ${root} is not empty; choose an empty or new folder.`);
  const outputs: string[] = [];
  const notes: string[] = [];
  if (source.entries.some((entry) => entry.name === GLOBALS_ENTRY)) {
    const chunks: Buffer[] = [];
    for await (const chunk of await source.open(GLOBALS_ENTRY, context.signal)) chunks.push(chunk as Buffer);
    await writeFile(join(root, 'globals.sql'), Buffer.concat(chunks), { flag: 'wx' });
    outputs.push(join(root, 'globals.sql'));
  }
  const sizeOf = (name: string) => stored.get(name)!.size + [...tableDataEntries(source, name).values()].reduce((sum, entry) => sum + entry.size, 0);
  const total = wanted.reduce((sum, name) => sum + sizeOf(name), 0);
  let done = 0;
  // Counted as it is read, not by a 'data' listener: that would start the flow before the reader is there.
  const count = (stream: Readable) =>
    metered(stream as AsyncIterable<Buffer>, undefined, context.signal, (bytes) => {
      done += bytes;
      context.progress(done, total, 'bytes');
    });
  const databases = await mapLimit(wanted, 2, context.signal, async (name, signal) => {
    const entry = stored.get(name)!;
    const folder = join(root, databaseSegment(name));
    // Table data stored per table is already a directory-format `<dumpId>.dat`: copied as is.
    await mkdir(folder, { recursive: true });
    const dataFiles = new Set<string>();
    let copiedDataBytes = 0;
    for (const [dumpId, dataEntry] of tableDataEntries(source, name)) {
      const file = `${dumpId}.dat`;
      const tableData = await source.open(dataEntry.name, signal);
      await pipeline(count(tableData), createWriteStream(join(folder, file), { flags: 'wx' }), { signal }).finally(() => tableData.destroy());
      dataFiles.add(file);
      copiedDataBytes += dataEntry.size;
    }
    const dumpStream = await source.open(entry.name, signal);
    // Closed whatever happens: the writer may fail before it reads a byte.
    const result = await writeDirectoryArchive(count(dumpStream), folder, signal, { dataFiles }).finally(() => dumpStream.destroy());
    result.files += dataFiles.size;
    // Table data stored per table was copied above, not converted: it counts as data all the same.
    result.dataBytes += copiedDataBytes;
    outputs.push(folder);
    const info = await readDatabaseInfo(source, name, signal);
    if (info?.citus?.tables.length) {
      await writeFile(join(root, `citus-${databaseSegment(name)}.sql`), citusDistributionSql(info.citus).join('\n') + '\n', { flag: 'wx' });
      notes.push(`run citus-${databaseSegment(name)}.sql after the pre-data section of ${name}`);
    }
    context.log('info', `Wrote database ${name} as a directory-format dump to ${folder} (${result.files} files, ${formatBytes(result.dataBytes)} of table data).`);
    const tables = info?.tables ?? [];
    return { name, bytes: sizeOf(name), tables: tables.length, rows: tables.reduce((sum, table) => sum + table.rows, 0) };
  });
  return { databases, outputs, notes };
}
