import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { describeConnection, parsePostgresUri } from '../../engines/postgres/connection.ts';
import type { JobSecrets, JobSpec } from '../../worker/protocol.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../main.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../main.ts';
import { printJson } from '../output.ts';
import { collect, databasePassword, repositoryPassword, runWorkerSession, serverPasswordRef, storageSecrets } from './backup.ts';
import { parsePositiveInt } from './arguments.ts';

/** Parses a repeatable `OLD=NEW` option into a map. */
function databaseMapping(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('must be OLD=NEW.');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

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
}

/** `restore <restore-point-id>`: to a PostgreSQL server, or to a folder as stock pg_dump directory dumps. */
export function registerRestore(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  program
    .command('restore')
    .description('restore a restore point into a server (--target) or into a folder (--to-folder)')
    .argument('<restore-point-id>', 'the restore point (see `restore-points`)')
    .requiredOption('--repo <repository>', 'repository: a local folder or an Azure Blob container URL')
    .option('--target <postgres-uri>', 'target server: postgres://user@host:port/database?sslmode=…')
    .option('--to-folder <dir>', 'write pg_dump directory-format dumps (one folder per database) for stock pg_restore')
    .option('--database <name>', 'restore only this database of the restore point (repeatable)', collect)
    .option('--database-map <OLD=NEW>', 'restore database OLD as NEW (repeatable)', databaseMapping)
    .option('--schema <name>', 'restore only this schema (repeatable)', collect)
    .option('--table <name>', 'restore only this table, `name` or `schema.name` (repeatable)', collect)
    .option('--clean', 'replace a non-empty target: the database is dropped and re-created (with --schema/--table only those objects are replaced); default: refuse it')
    .option('--globals', 'also restore roles (without passwords) and other server-wide objects')
    .option('--no-owner', 'do not restore object ownership (target lacks the source roles)')
    .option('--parallel <n>', 'tables loaded and indexes built at once per database (default 2)', parsePositiveInt)
    .option('--password-file <file>', 'file whose first line is the repository password (else $COSMOS_BACKUP_REPO_PASSWORD)')
    .action(
      wrap(async (restorePointId: string, options: RestoreOptions) => {
        const json = Boolean(ctx.globals().json);
        if (Boolean(options.target) === Boolean(options.toFolder)) {
          ctx.io.err('error: give exactly one of --target <postgres-uri> or --to-folder <dir>\n');
          return EXIT_USAGE;
        }
        const secrets: JobSecrets = { repositoryPassword: await repositoryPassword(ctx.io, options.passwordFile), storage: storageSecrets(options.repo) };
        const base = { kind: 'restore' as const, jobId: `restore-${Date.now()}`, engine: 'postgres' as const, repository: { location: options.repo }, restorePointId, databases: options.database ?? [] };
        let job: JobSpec;
        let title: string;
        let resourceId: string;
        let target: ReturnType<typeof parsePostgresUri> | null = null;
        if (options.target) {
          target = parsePostgresUri(options.target);
          const { connection } = target;
          job = {
            ...base,
            options: options.parallel ? { parallelism: options.parallel } : {},
            target: {
              kind: 'database',
              connection,
              databaseMap: options.databaseMap ?? {},
              schemas: options.schema ?? [],
              tables: options.table ?? [],
              clean: Boolean(options.clean),
              globals: Boolean(options.globals),
              noOwner: options.owner === false,
            },
          };
          title = `Restore of ${restorePointId.slice(0, 12)} to ${describeConnection(connection)}`;
          resourceId = `postgres://${connection.host}:${connection.port}`;
        } else {
          if (options.schema?.length || options.table?.length || options.databaseMap || options.clean) {
            ctx.io.err('error: --schema, --table, --database-map and --clean apply to --target only\n');
            return EXIT_USAGE;
          }
          const folder = resolve(options.toFolder!);
          job = { ...base, target: { kind: 'folder', path: folder } };
          title = `Restore of ${restorePointId.slice(0, 12)} to folder ${folder}`;
          resourceId = `folder:${folder}`;
        }
        return withCore(ctx, async (core) => {
          if (target) {
            const remembered = await core.secrets.get(serverPasswordRef(target.connection));
            secrets.databasePassword = await databasePassword(target.connection, target.password, target.connection.database, remembered);
          }
          const { session, outcome } = await runWorkerSession(core, ctx.io, json, { kind: 'restore', title, resourceId }, job, secrets);
          if (json) printJson(ctx.io, { session, outcome: outcome ?? null });
          else ctx.io.out(`Restore ${session.status}: ${session.summary ?? ''}\n`);
          return session.status === 'succeeded' || session.status === 'warning' ? EXIT_OK : EXIT_FAILURE;
        });
      }),
    );
}
