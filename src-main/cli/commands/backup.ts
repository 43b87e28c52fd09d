import type { Command } from 'commander';
import type { AppCore } from '../../core/app-core.ts';
import { storageCredentialsFromEnvironment } from '../../core/repositories/repository-access.ts';
import type { SessionContext } from '../../core/sessions/session-context.ts';
import type { PostgresConnection } from '../../engines/postgres/connection.ts';
import { describeConnection, parsePostgresUri } from '../../engines/postgres/connection.ts';
import { passwordFromPgpass } from '../../engines/postgres/pgpass.ts';
import type { Session } from '../../shared/session.ts';
import { LocalWorkerLauncher } from '../../worker/local-launcher.ts';
import type { JobOutcome, JobSecrets, JobSpec } from '../../worker/protocol.ts';
import { runJobInSession } from '../../worker/run-in-session.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../main.ts';
import { EXIT_FAILURE, EXIT_OK } from '../main.ts';
import { printJson } from '../output.ts';
import { promptHidden, readSecret } from '../secret-input.ts';
import type { CliIo } from '../output.ts';
import { parsePositiveInt } from './arguments.ts';
import { runAndFollow } from './check.ts';

/** The repository password: a file, `$COSMOS_BACKUP_REPO_PASSWORD`, or a prompt (never a flag value). */
export function repositoryPassword(io: CliIo, passwordFile: string | undefined): Promise<string> {
  return readSecret({ file: passwordFile, envName: 'COSMOS_BACKUP_REPO_PASSWORD', env: process.env, prompt: 'Repository password', io });
}

/** Blob storage credentials from the environment, in the protocol's shape (local folders need none). */
export function storageSecrets(location: string): JobSecrets['storage'] {
  const credentials = storageCredentialsFromEnvironment(location, process.env);
  if (credentials?.kind === 'sharedKey') return { kind: 'sharedKey', accountKey: credentials.accountKey };
  if (credentials?.kind === 'sas') return { kind: 'sas', sasToken: credentials.sasToken };
  return undefined;
}

/** Where `--remember-password` keeps a server's password in the app's encrypted secret store. */
export function serverPasswordRef(connection: PostgresConnection): string {
  return `postgres-password:${connection.user}@${connection.host}:${connection.port}`;
}

/**
 * The database password, in libpq's order: in the URI (used, never stored or shown), `$PGPASSWORD`,
 * the password file, then the one the app remembers for this server (`remembered`), else a prompt
 * when stdin is a terminal. Undefined: try without one.
 */
export async function databasePassword(connection: PostgresConnection, uriPassword: string | undefined, database: string, remembered?: string): Promise<string | undefined> {
  if (uriPassword !== undefined) return uriPassword;
  if (process.env.PGPASSWORD) return process.env.PGPASSWORD;
  const fromFile = passwordFromPgpass(connection, database);
  if (fromFile !== undefined) return fromFile;
  if (remembered !== undefined) return remembered;
  if (process.stdin.isTTY) return promptHidden(`Password for ${describeConnection(connection)}: `);
  return undefined;
}

/** Runs a job on a local worker as a session, follows its log, and returns the session and outcome. */
export async function runWorkerSession(
  core: AppCore,
  io: CliIo,
  json: boolean,
  spec: { kind: 'backup' | 'restore'; title: string; resourceId: string },
  job: JobSpec,
  secrets: JobSecrets,
): Promise<{ session: Session; outcome: JobOutcome | undefined }> {
  let outcome: JobOutcome | undefined;
  const launcher = new LocalWorkerLauncher();
  const started = core.sessions.start(spec, async (ctx: SessionContext) => {
    outcome = await runJobInSession(launcher, job, secrets, ctx);
    return { summary: summarize(outcome) };
  });
  const session = await runAndFollow(core, started, io, json);
  return { session, outcome };
}

/** The one-line summary of an outcome. */
export function summarize(outcome: JobOutcome): string {
  const rows = outcome.databases.reduce((sum, database) => sum + database.rows, 0);
  const names = outcome.databases.map((database) => database.name).join(', ');
  if (outcome.kind === 'backup') {
    return `Restore point ${outcome.restorePointId}: ${outcome.databases.length} database(s) (${names}), ${rows} rows, ${outcome.size} bytes, ${outcome.uploadedBytes} bytes uploaded.`;
  }
  return `Restored ${outcome.databases.length} database(s) (${names}), ${rows} rows, to ${outcome.outputs.join(', ')}.`;
}

/** Collects a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface BackupOptions {
  source: string;
  repo: string;
  database?: string[];
  passwordFile?: string;
  parallel?: number;
  name?: string;
  rememberPassword?: boolean;
}

/** `backup postgres`: backs up databases of a PostgreSQL server (Cosmos DB for PostgreSQL) into a repository. */
export function registerBackup(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const backup = program.command('backup').description('back up a database service into a repository');
  backup
    .command('postgres')
    .description('back up a PostgreSQL server (Cosmos DB for PostgreSQL) through a worker')
    .requiredOption('--source <postgres-uri>', 'postgres://user@host:port/database?sslmode=… (password from PGPASSWORD, ~/.pgpass or a prompt)')
    .requiredOption('--repo <repository>', 'repository: a local folder or an Azure Blob container URL')
    .option('--database <name>', 'a database to back up (repeatable; default: every user database)', collect)
    .option('--password-file <file>', 'file whose first line is the repository password (else $COSMOS_BACKUP_REPO_PASSWORD)')
    .option('--parallel <n>', 'databases dumped at once (default 2)', parsePositiveInt)
    .option('--name <name>', 'resource name recorded with the restore point (default: the host)')
    .option('--remember-password', "after a successful backup, keep the server's password in the app's encrypted secret store for later backups")
    .action(
      wrap(async (options: BackupOptions) => {
        const json = Boolean(ctx.globals().json);
        const { connection, password: uriPassword } = parsePostgresUri(options.source);
        const repositorySecret = await repositoryPassword(ctx.io, options.passwordFile);
        const resourceId = `postgres://${connection.host}:${connection.port}`;
        const job: JobSpec = {
          kind: 'backup',
          jobId: `backup-${Date.now()}`,
          engine: 'postgres',
          repository: { location: options.repo },
          source: connection,
          databases: options.database ?? [],
          resource: { id: resourceId, name: options.name ?? connection.host, kind: 'postgres' },
          options: options.parallel ? { parallelism: options.parallel } : {},
        };
        return withCore(ctx, async (core) => {
          const secrets: JobSecrets = {
            databasePassword: await databasePassword(connection, uriPassword, connection.database, await core.secrets.get(serverPasswordRef(connection))),
            repositoryPassword: repositorySecret,
            storage: storageSecrets(options.repo),
          };
          const title = `Backup of ${describeConnection(connection)}${options.database?.length ? ` (${options.database.join(', ')})` : ''}`;
          const { session, outcome } = await runWorkerSession(core, ctx.io, json, { kind: 'backup', title, resourceId }, job, secrets);
          const succeeded = session.status === 'succeeded' || session.status === 'warning';
          if (succeeded && options.rememberPassword && secrets.databasePassword) await core.secrets.set(serverPasswordRef(connection), secrets.databasePassword);
          if (json) printJson(ctx.io, { session, outcome: outcome ?? null });
          else ctx.io.out(`Backup ${session.status}: ${session.summary ?? ''}\n`);
          return session.status === 'succeeded' || session.status === 'warning' ? EXIT_OK : EXIT_FAILURE;
        });
      }),
    );
}
