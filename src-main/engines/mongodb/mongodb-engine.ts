import type { DatabaseEngine, DatabaseInfo, EngineBackupRequest, EngineBackupSummary, EngineContext, EngineFolderRestoreRequest, EngineRestoreRequest, EngineRestoreSummary, EngineSecrets, EntrySink, EntrySource } from '../engine.ts';
import { createRedactor } from '../redact.ts';
import type { MongodbConnection } from './connection.ts';
import { describeMongodbConnection } from './connection.ts';
import { withClient } from './client.ts';
import { DRIVER_VERSION } from './driver-version.ts';
import { backupMongodb } from './mongodb-backup.ts';
import { restoreMongodbToFolder } from './mongodb-folder.ts';
import type { MongodbRestoreOptions } from './mongodb-options.ts';
import { restoreMongodb } from './mongodb-restore.ts';
import { SYSTEM_DATABASES } from './layout.ts';
import { toEngineError } from './mongo-errors.ts';

/**
 * MongoDB (Cosmos DB for MongoDB RU and vCore, Azure DocumentDB, MongoDB itself) through the
 * official driver: collections streamed from cursors into entries in mongodump's own `.bson`
 * layout, restored by batched unordered inserts that ride out Cosmos RU throttling.
 */
export class MongodbEngine implements DatabaseEngine<MongodbConnection, MongodbRestoreOptions> {
  readonly name = 'mongodb';

  async versions(connection: MongodbConnection, secrets: EngineSecrets, context: EngineContext): Promise<Record<string, string>> {
    const redact = createRedactor([secrets.password]);
    try {
      return await withClient(connection, secrets.password, async (client) => {
        const admin = client.db('admin');
        const build = await admin.command({ buildInfo: 1 }).catch(() => ({}) as Record<string, unknown>);
        const hello = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
        return {
          server: String(build.version ?? 'unknown'),
          wireVersion: String(hello.maxWireVersion ?? 'unknown'),
          ...(build.ferretdbVersion ? { ferretdb: String(build.ferretdbVersion) } : {}),
          driver: `mongodb ${DRIVER_VERSION}`,
        };
      });
    } catch (error) {
      throw toEngineError(error, describeMongodbConnection(connection), redact, context.signal);
    }
  }

  async listDatabases(connection: MongodbConnection, secrets: EngineSecrets, context: EngineContext): Promise<DatabaseInfo[]> {
    const redact = createRedactor([secrets.password]);
    try {
      return await withClient(connection, secrets.password, async (client) => {
        const listed = await client.db('admin').admin().listDatabases();
        return listed.databases.map((database) => ({ name: database.name, ...(database.sizeOnDisk !== undefined ? { sizeBytes: Number(database.sizeOnDisk) } : {}), details: { system: SYSTEM_DATABASES.has(database.name) } }));
      });
    } catch (error) {
      throw toEngineError(error, describeMongodbConnection(connection), redact, context.signal);
    }
  }

  backup(request: EngineBackupRequest<MongodbConnection>, sink: EntrySink, context: EngineContext): Promise<EngineBackupSummary> {
    return backupMongodb(request, sink, context, createRedactor([request.secrets.password]));
  }

  restore(request: EngineRestoreRequest<MongodbConnection, MongodbRestoreOptions>, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary> {
    return restoreMongodb(request, source, context, createRedactor([request.secrets.password]));
  }

  restoreToFolder(request: EngineFolderRestoreRequest, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary> {
    return restoreMongodbToFolder(request, source, context);
  }
}
