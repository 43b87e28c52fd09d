import type { PostgresRestoreOptions } from './postgres-options.ts';
import type { DatabaseEngine, DatabaseInfo, EngineBackupRequest, EngineBackupSummary, EngineContext, EngineFolderRestoreRequest, EngineRestoreRequest, EngineRestoreSummary, EngineSecrets, EntrySink, EntrySource } from '../engine.ts';
import { createRedactor } from '../redact.ts';
import { listServerDatabases, withDriver } from './catalog.ts';
import type { PostgresConnection } from './connection.ts';
import { toolEnvironment } from './connection.ts';
import { backupPostgres } from './postgres-backup.ts';
import { restorePostgresToFolder } from './postgres-folder.ts';
import { restorePostgres } from './postgres-restore.ts';
import { runTool } from './pg-tools.ts';

/**
 * PostgreSQL (and Cosmos DB for PostgreSQL, i.e. Citus) through the stock client tools:
 * `pg_dump -Fc -Z0` per database streamed into the repository (table data split into one entry per
 * table), restored with pg_restore for the schema and parallel COPY streams for the data.
 */
export class PostgresEngine implements DatabaseEngine<PostgresConnection, PostgresRestoreOptions> {
  readonly name = 'postgres';

  async versions(connection: PostgresConnection, secrets: EngineSecrets, context: EngineContext): Promise<Record<string, string>> {
    const redact = createRedactor([secrets.password]);
    const env = toolEnvironment(connection, undefined, connection.database);
    const pgDump = (await runTool('pg_dump', ['--version'], env, redact, context.signal)).trim();
    const server = await withDriver(connection, secrets.password, connection.database, redact, async (client) => (await client.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v);
    return { pg_dump: pgDump, server };
  }

  listDatabases(connection: PostgresConnection, secrets: EngineSecrets, _context: EngineContext): Promise<DatabaseInfo[]> {
    const redact = createRedactor([secrets.password]);
    return withDriver(connection, secrets.password, connection.database, redact, async (client) =>
      (await listServerDatabases(client)).map(({ system, ...database }) => ({ ...database, details: { ...database.details, system } })),
    );
  }

  backup(request: EngineBackupRequest<PostgresConnection>, sink: EntrySink, context: EngineContext): Promise<EngineBackupSummary> {
    return backupPostgres(request, sink, context, createRedactor([request.secrets.password]));
  }

  restore(request: EngineRestoreRequest<PostgresConnection, PostgresRestoreOptions>, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary> {
    return restorePostgres(request, source, context, createRedactor([request.secrets.password]));
  }

  restoreToFolder(request: EngineFolderRestoreRequest, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary> {
    return restorePostgresToFolder(request, source, context);
  }
}
