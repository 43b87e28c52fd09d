import type { PostgresRestoreOptions } from './postgres-options.ts';
import { EngineError } from '../engine-error.ts';
import type { DatabaseSummary, EngineContext, EngineRestoreRequest, EngineRestoreSummary, EntrySource } from '../engine.ts';
import type { Redactor } from '../redact.ts';
import { mapLimit } from '../stream-utils.ts';
import { existingTables, userObjectCount, withDriver } from './catalog.ts';
import { citusDistributionSql } from './citus.ts';
import type { PostgresConnection } from './connection.ts';
import { describeConnection, quoteIdent, toolEnvironment } from './connection.ts';
import { GLOBALS_ENTRY } from './layout.ts';
import { runTool } from './pg-tools.ts';
import { isSelective, selectTocEntries, selectedTables } from './toc-selection.ts';
import { restoreSplitDatabase } from './split-restore.ts';

import { dumpEntries, pgRestorePass, readDatabaseInfo, readStoredToc, readText, tableDataEntries, type RestorePlanItem } from './restore-passes.ts';

/** Checks every target first, so a refusal changes nothing anywhere. */
async function planRestore(request: EngineRestoreRequest<PostgresConnection, PostgresRestoreOptions>, source: EntrySource, context: EngineContext, redact: Redactor): Promise<RestorePlanItem[]> {
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
  const selective = isSelective(request.options);
  const plan: RestorePlanItem[] = [];
  const refusals: string[] = [];
  for (const [i, name] of wanted.entries()) {
    const targetName = targets[i]!;
    const entry = stored.get(name)!;
    const existed = existing.has(targetName);
    const selection = selective
      ? selectTocEntries(await readStoredToc(source, entry.name, context.signal), { schemas: request.options.schemas, tables: request.options.tables, includeSchemasOfTables: !existed })
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

async function restoreGlobals(request: EngineRestoreRequest<PostgresConnection, PostgresRestoreOptions>, source: EntrySource, context: EngineContext, redact: Redactor): Promise<void> {
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
  request: EngineRestoreRequest<PostgresConnection, PostgresRestoreOptions>,
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
export async function restorePostgres(request: EngineRestoreRequest<PostgresConnection, PostgresRestoreOptions>, source: EntrySource, context: EngineContext, redact: Redactor): Promise<EngineRestoreSummary> {
  const plan = await planRestore(request, source, context, redact);
  context.log('info', `Restoring ${plan.map((item) => (item.source === item.target ? item.source : `${item.source} as ${item.target}`)).join(', ')}${request.clean ? ' (replacing existing objects)' : ''}.`);
  const notes: string[] = [];
  if (request.options.globals) {
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
