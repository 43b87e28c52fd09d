import type { DatabasePasswordSources } from '../core/jobs/worker-jobs.ts';
import { passwordFromPgpass } from '../engines/postgres/pgpass.ts';
import { promptHidden } from './secret-input.ts';

/**
 * Where the command line finds a server password around the app's own store. PostgreSQL in libpq's
 * order: `$PGPASSWORD`, then the password file (`~/.pgpass`); MongoDB: `$MONGODB_PASSWORD`. Then a
 * hidden prompt when stdin is a terminal.
 */
export const cliPasswordSources: DatabasePasswordSources = {
  fromEnvironment: (server) => {
    if (server.connection.engine === 'mongodb') return process.env.MONGODB_PASSWORD || undefined;
    if (process.env.PGPASSWORD) return process.env.PGPASSWORD;
    return passwordFromPgpass(server.connection, server.database);
  },
  prompt: async (server) => (process.stdin.isTTY ? promptHidden(`Password for ${server.description}: `) : undefined),
};
