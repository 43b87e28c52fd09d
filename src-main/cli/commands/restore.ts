import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import { cliPasswordSources } from '../database-password.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { EXIT_USAGE } from '../exit-codes.ts';
import { repositoryInput } from '../repository-input.ts';
import { followJob } from '../follow-session.ts';
import { collect, mapping, parsePositiveInt } from './arguments.ts';
import type { EngineRestoreOptionsWithoutEngine } from '../../engines/engine-schemas.ts';


interface RestoreOptions {
  repo: string;
  target?: string;
  toFolder?: string;
  database?: string[];
  databaseMap?: Record<string, string>;
  schema?: string[];
  table?: string[];
  clean?: boolean;
  globals?: boolean;
  owner?: boolean;
  passwordFile?: string;
  reason?: string;
  parallel?: number;
  rehydrate?: true | 'standard' | 'high';
  collection?: string[];
  collectionMap?: Record<string, string>;
  drop?: boolean;
  maxDocsPerSecond?: number;
}

/** The target engine's own options from the flags; flags of the other engine are a usage error. */
function engineOptions(options: RestoreOptions): { options: EngineRestoreOptionsWithoutEngine } | { error: string } {
  const mongodb = /^mongodb(\+srv)?:\/\//i.test(options.target ?? '');
  if (mongodb) {
    if (options.schema?.length || options.table?.length || options.globals || options.owner === false) return { error: '--schema, --table, --globals and --no-owner apply to PostgreSQL targets only' };
    return { options: { collections: options.collection ?? [], collectionMap: options.collectionMap ?? {}, ...(options.maxDocsPerSecond ? { maxDocumentsPerSecond: options.maxDocsPerSecond } : {}) } };
  }
  if (options.collection?.length || options.collectionMap || options.drop || options.maxDocsPerSecond) return { error: '--collection, --collection-map, --drop and --max-docs-per-second apply to MongoDB targets only (PostgreSQL: --table, --clean)' };
  return { options: { schemas: options.schema ?? [], tables: options.table ?? [], globals: Boolean(options.globals), noOwner: options.owner === false } };
}

/** `restore <restore-point-id>`: to a PostgreSQL or MongoDB server, or to a folder the engine's stock tools read. */
export function registerRestore(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  program
    .command('restore')
    .description('restore a restore point into a server (--target) or into a folder (--to-folder)')
    .argument('<restore-point-id>', 'the restore point, or a prefix of at least 8 characters (see `restore-points`)')
    .requiredOption('--repo <repository>', 'repository: a local folder, an Azure Blob container URL, or a catalogued name or id')
    .option('--target <uri>', 'target server: postgres://user@host:port/database?sslmode=… or mongodb://user@host:port/?tls=true')
    .option('--to-folder <dir>', 'write files stock tools restore: pg_dump directory-format dumps (pg_restore), or the mongodump layout (mongorestore)')
    .option('--database <name>', 'restore only this database of the restore point (repeatable)', collect)
    .option('--database-map <OLD=NEW>', 'restore database OLD as NEW (repeatable)', mapping)
    .option('--schema <name>', 'restore only this schema (repeatable)', collect)
    .option('--table <name>', 'restore only this table, `name` or `schema.name` (repeatable)', collect)
    .option('--clean', 'replace a non-empty target: the database is dropped and re-created (with --schema/--table only those objects are replaced); default: refuse it')
    .option('--collection <db.name>', 'MongoDB: restore only this collection (repeatable)', collect)
    .option('--collection-map <DB.OLD=DB.NEW>', 'MongoDB: restore collection DB.OLD as DB.NEW (repeatable)', mapping)
    .option('--drop', 'MongoDB: replace target collections that hold documents (drop them first); default: refuse them')
    .option('--max-docs-per-second <n>', 'MongoDB: throughput budget, documents written per second (default: no limit), so a restore leaves the account request units for its applications', parsePositiveInt)
    .option('--globals', 'also restore roles (without passwords) and other server-wide objects')
    .option('--no-owner', 'do not restore object ownership (target lacks the source roles)')
    .option('--rehydrate [priority]', 'bring archived data online first, in the same session: standard (default; up to 15 hours on Azure) or high', (v: string) => {
      if (v !== 'standard' && v !== 'high') throw new InvalidArgumentError('must be standard or high.');
      return v;
    })
    .option('--parallel <n>', 'tables loaded and indexes built at once per database (default 2)', parsePositiveInt)
    .option('--password-file <file>', 'file whose first line is the repository password (else $COSMOS_BACKUP_REPO_PASSWORD, else the remembered one)')
    .option('--reason <text>', 'why: recorded in the restore audit with who and when')
    .action(
      wrap(async (restorePointId: string, options: RestoreOptions) => {
        if (Boolean(options.target) === Boolean(options.toFolder)) {
          ctx.io.err('error: give exactly one of --target <uri> or --to-folder <dir>\n');
          return EXIT_USAGE;
        }
        if (options.toFolder && (options.schema?.length || options.table?.length || options.databaseMap || options.clean || options.collection?.length || options.collectionMap || options.drop || options.maxDocsPerSecond)) {
          ctx.io.err('error: --schema, --table, --collection, --database-map, --collection-map, --clean, --drop and --max-docs-per-second apply to --target only\n');
          return EXIT_USAGE;
        }
        const chosen = options.target ? engineOptions(options) : undefined;
        if (chosen && 'error' in chosen) {
          ctx.io.err(`error: ${chosen.error}\n`);
          return EXIT_USAGE;
        }
        return withCore(ctx, async (core) => {
          const target = options.target
            ? {
                kind: 'database' as const,
                uri: options.target,
                databaseMap: options.databaseMap ?? {},
                clean: Boolean(options.clean || options.drop),
                options: chosen!.options,
              }
            : { kind: 'folder' as const, path: resolve(options.toFolder!) };
          const started = await core.workerJobs.startRestore({
            repository: await repositoryInput(core, ctx.io, options),
            restorePointId,
            databases: options.database ?? [],
            target,
            parallelism: options.parallel,
            passwordSources: cliPasswordSources,
            ...(options.reason ? { reason: options.reason } : {}),
            ...(options.rehydrate ? { rehydrate: options.rehydrate === 'high' ? ('High' as const) : ('Standard' as const) } : {}),
          });
          return followJob(core, ctx.io, Boolean(ctx.globals().json), 'Restore', started);
        });
      }),
    );
}
