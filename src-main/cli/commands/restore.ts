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
  parallel?: number;
  rehydrate?: true | 'standard' | 'high';
}

/** `restore <restore-point-id>`: to a PostgreSQL server, or to a folder as stock pg_dump directory dumps. */
export function registerRestore(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  program
    .command('restore')
    .description('restore a restore point into a server (--target) or into a folder (--to-folder)')
    .argument('<restore-point-id>', 'the restore point, or a prefix of at least 8 characters (see `restore-points`)')
    .requiredOption('--repo <repository>', 'repository: a local folder, an Azure Blob container URL, or a catalogued name or id')
    .option('--target <postgres-uri>', 'target server: postgres://user@host:port/database?sslmode=…')
    .option('--to-folder <dir>', 'write pg_dump directory-format dumps (one folder per database) for stock pg_restore')
    .option('--database <name>', 'restore only this database of the restore point (repeatable)', collect)
    .option('--database-map <OLD=NEW>', 'restore database OLD as NEW (repeatable)', mapping)
    .option('--schema <name>', 'restore only this schema (repeatable)', collect)
    .option('--table <name>', 'restore only this table, `name` or `schema.name` (repeatable)', collect)
    .option('--clean', 'replace a non-empty target: the database is dropped and re-created (with --schema/--table only those objects are replaced); default: refuse it')
    .option('--globals', 'also restore roles (without passwords) and other server-wide objects')
    .option('--no-owner', 'do not restore object ownership (target lacks the source roles)')
    .option('--rehydrate [priority]', 'bring archived data online first, in the same session: standard (default; up to 15 hours on Azure) or high', (v: string) => {
      if (v !== 'standard' && v !== 'high') throw new InvalidArgumentError('must be standard or high.');
      return v;
    })
    .option('--parallel <n>', 'tables loaded and indexes built at once per database (default 2)', parsePositiveInt)
    .option('--password-file <file>', 'file whose first line is the repository password (else $COSMOS_BACKUP_REPO_PASSWORD, else the remembered one)')
    .action(
      wrap(async (restorePointId: string, options: RestoreOptions) => {
        if (Boolean(options.target) === Boolean(options.toFolder)) {
          ctx.io.err('error: give exactly one of --target <postgres-uri> or --to-folder <dir>\n');
          return EXIT_USAGE;
        }
        if (options.toFolder && (options.schema?.length || options.table?.length || options.databaseMap || options.clean)) {
          ctx.io.err('error: --schema, --table, --database-map and --clean apply to --target only\n');
          return EXIT_USAGE;
        }
        return withCore(ctx, async (core) => {
          const target = options.target
            ? {
                kind: 'database' as const,
                uri: options.target,
                databaseMap: options.databaseMap ?? {},
                clean: Boolean(options.clean),
                options: { schemas: options.schema ?? [], tables: options.table ?? [], globals: Boolean(options.globals), noOwner: options.owner === false },
              }
            : { kind: 'folder' as const, path: resolve(options.toFolder!) };
          const started = await core.workerJobs.startRestore({
            repository: await repositoryInput(core, ctx.io, options),
            restorePointId,
            databases: options.database ?? [],
            target,
            parallelism: options.parallel,
            passwordSources: cliPasswordSources,
            ...(options.rehydrate ? { rehydrate: options.rehydrate === 'high' ? ('High' as const) : ('Standard' as const) } : {}),
          });
          return followJob(core, ctx.io, Boolean(ctx.globals().json), 'Restore', started);
        });
      }),
    );
}
