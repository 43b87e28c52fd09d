import type { z } from 'zod';
import type { DatabaseEngine, DatabaseInfo, EngineBackupRequest, EngineBackupSummary, EngineContext, EngineFolderRestoreRequest, EngineRestoreRequest, EngineRestoreSummary, EngineSecrets, EntrySink, EntrySource } from './engine.ts';
import { postgresConnectionSchema } from './postgres/connection.ts';
import { postgresRestoreOptionsSchema } from './postgres/postgres-options.ts';
import { mongodbConnectionSchema } from './mongodb/connection.ts';
import { mongodbRestoreOptionsSchema } from './mongodb/mongodb-options.ts';

/**
 * An engine as the worker runs it from a job: the same operations, but connection and restore
 * options arrive as the job carried them (`unknown`) and are checked against the engine's own
 * schemas before the engine sees them. This is the seam that keeps the job protocol and the job
 * runner free of engine specifics.
 */
export interface RegisteredEngine {
  readonly name: string;
  versions(connection: unknown, secrets: EngineSecrets, context: EngineContext): Promise<Record<string, string>>;
  listDatabases(connection: unknown, secrets: EngineSecrets, context: EngineContext): Promise<DatabaseInfo[]>;
  backup(request: EngineBackupRequest<unknown>, sink: EntrySink, context: EngineContext): Promise<EngineBackupSummary>;
  restore(request: EngineRestoreRequest<unknown, unknown>, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary>;
  restoreToFolder(request: EngineFolderRestoreRequest, source: EntrySource, context: EngineContext): Promise<EngineRestoreSummary>;
}

/** Binds an engine to its schemas: every input is parsed before the typed engine runs. */
function register<C, O>(name: string, connectionSchema: z.ZodType<C>, optionsSchema: z.ZodType<O>, load: () => Promise<DatabaseEngine<C, O>>): { name: string; load: () => Promise<RegisteredEngine> } {
  return {
    name,
    load: async () => {
      const engine = await load();
      return {
        name,
        versions: (connection, secrets, context) => engine.versions(connectionSchema.parse(connection), secrets, context),
        listDatabases: (connection, secrets, context) => engine.listDatabases(connectionSchema.parse(connection), secrets, context),
        backup: (request, sink, context) => engine.backup({ ...request, source: connectionSchema.parse(request.source) }, sink, context),
        restore: (request, source, context) => engine.restore({ ...request, target: connectionSchema.parse(request.target), options: optionsSchema.parse(request.options ?? { engine: name }) }, source, context),
        restoreToFolder: (request, source, context) => engine.restoreToFolder(request, source, context),
      };
    },
  };
}

/** Every engine, by the name job specs and manifests use. */
const ENGINES = [
  register('postgres', postgresConnectionSchema, postgresRestoreOptionsSchema, async () => new (await import('./postgres/postgres-engine.ts')).PostgresEngine()),
  register('mongodb', mongodbConnectionSchema, mongodbRestoreOptionsSchema, async () => new (await import('./mongodb/mongodb-engine.ts')).MongodbEngine()),
];

/**
 * The engine a job or a manifest names, loaded on first use. An engine's driver is most of what
 * the worker agent loads (the MongoDB driver and its URL parser: 1.5 of the bundle's 2.2 MB), and a
 * job needs one engine: the agent loads it while the repository's key is derived (job-runner.ts),
 * and never loads the others.
 */
export async function loadEngine(name: string): Promise<RegisteredEngine> {
  const registered = ENGINES.find((engine) => engine.name === name);
  if (!registered) throw new Error(`No engine named ${JSON.stringify(name)}.`);
  return registered.load();
}
