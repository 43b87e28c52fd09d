import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import { cliPasswordSources } from '../database-password.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { EXIT_USAGE } from '../exit-codes.ts';
import { followJob } from '../follow-session.ts';
import { repositoryInput } from '../repository-input.ts';
import { collect, parsePositiveInt } from './arguments.ts';

interface BackupOptions {
  source?: string;
  resource?: string;
  user?: string;
  repo: string;
  database?: string[];
  passwordFile?: string;
  parallel?: number;
  name?: string;
  rememberPassword?: boolean;
  collection?: string[];
  maxDocsPerSecond?: number;
}

/** Starts the backup the options describe (either engine) and follows its session to its end. */
function startAndFollow(ctx: CommandContext, options: BackupOptions): Promise<number> {
  return withCore(ctx, async (core) => {
    const started = await core.workerJobs.startBackup({
      repository: await repositoryInput(core, ctx.io, options),
      source: options.resource ? { resourceId: options.resource, user: options.user } : { uri: options.source! },
      name: options.name,
      databases: options.database ?? [],
      collections: options.collection ?? [],
      parallelism: options.parallel,
      ...(options.maxDocsPerSecond ? { maxDocumentsPerSecond: options.maxDocsPerSecond } : {}),
      rememberDatabasePassword: Boolean(options.rememberPassword),
      passwordSources: cliPasswordSources,
    });
    return followJob(core, ctx.io, Boolean(ctx.globals().json), 'Backup', started);
  });
}

/** `backup postgres` and `backup mongodb`: back up a database service into a repository through a worker. */
export function registerBackup(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const backup = program.command('backup').description('back up a database service into a repository');
  backup
    .command('postgres')
    .description('back up a PostgreSQL server (Cosmos DB for PostgreSQL) through a worker')
    .option('--source <postgres-uri>', 'postgres://user@host:port/database?sslmode=… (password from PGPASSWORD, ~/.pgpass, the remembered one, or a prompt)')
    .option('--resource <arm-id>', 'a Cosmos DB for PostgreSQL cluster of the inventory instead: its coordinator comes from ARM (see `azure accounts`)')
    .option('--user <name>', 'with --resource: the login (default citus)')
    .requiredOption('--repo <repository>', 'repository: a local folder, an Azure Blob container URL, or a catalogued name or id')
    .option('--database <name>', 'a database to back up (repeatable; default: every user database)', collect)
    .option('--password-file <file>', 'file whose first line is the repository password (else $COSMOS_BACKUP_REPO_PASSWORD, else the remembered one)')
    .option('--parallel <n>', 'databases dumped at once (default 2)', parsePositiveInt)
    .option('--name <name>', 'resource name recorded with the restore point (default: the host)')
    .option('--remember-password', "after a successful backup, keep the server's password in the app's encrypted secret store for later backups")
    .action(
      wrap((options: BackupOptions) => {
        if (Boolean(options.source) === Boolean(options.resource)) {
          ctx.io.err('error: give exactly one of --source <postgres-uri> or --resource <arm-id>\n');
          return EXIT_USAGE;
        }
        if (options.user && !options.resource) {
          ctx.io.err('error: --user goes with --resource (a --source URI names its user)\n');
          return EXIT_USAGE;
        }
        return startAndFollow(ctx, options);
      }),
    );
  backup
    .command('mongodb')
    .description('back up a MongoDB deployment (Cosmos DB for MongoDB RU or vCore, Azure DocumentDB, MongoDB) through a worker')
    .option('--source <mongodb-uri>', 'mongodb://user@host:port/?tls=true or mongodb+srv://user@cluster/ (password from $MONGODB_PASSWORD, the remembered one, or a prompt)')
    .option('--resource <arm-id>', 'a resource of the inventory instead: a Cosmos DB for MongoDB (RU) account (its connection string and key come from ARM) or a MongoDB vCore cluster (its host from ARM; give --user)')
    .option('--user <name>', 'with --resource of a vCore cluster: the login')
    .requiredOption('--repo <repository>', 'repository: a local folder, an Azure Blob container URL, or a catalogued name or id')
    .option('--database <name>', 'a database to back up (repeatable; default: every user database)', collect)
    .option('--collection <db.name>', 'only this collection (repeatable)', collect)
    .option('--password-file <file>', 'file whose first line is the repository password (else $COSMOS_BACKUP_REPO_PASSWORD, else the remembered one)')
    .option('--parallel <n>', 'collections read at once (default 4)', parsePositiveInt)
    .option('--max-docs-per-second <n>', 'throughput budget: documents read per second (default: no limit)', parsePositiveInt)
    .option('--name <name>', 'resource name recorded with the restore point (default: the host)')
    .option('--remember-password', "after a successful backup, keep the login's password in the app's encrypted secret store for later backups")
    .action(
      wrap((options: BackupOptions) => {
        if (Boolean(options.source) === Boolean(options.resource)) {
          ctx.io.err('error: give exactly one of --source <mongodb-uri> or --resource <arm-id>\n');
          return EXIT_USAGE;
        }
        if (options.source && !/^mongodb(\+srv)?:\/\//i.test(options.source)) {
          ctx.io.err('error: --source must be a mongodb:// or mongodb+srv:// connection string\n');
          return EXIT_USAGE;
        }
        return startAndFollow(ctx, options);
      }),
    );
}
