import type { DatabasePasswordSources } from '../core/jobs/worker-jobs.ts';
import { passwordFromPgpass } from '../engines/postgres/pgpass.ts';
import { promptHidden } from './secret-input.ts';

/**
 * Where the command line finds a server password, in libpq's order around the app's own store:
 * `$PGPASSWORD`, then the password file (`~/.pgpass`), and a hidden prompt when stdin is a terminal.
 */
export const cliPasswordSources: DatabasePasswordSources = {
  fromEnvironment: (server) => {
    if (process.env.PGPASSWORD) return process.env.PGPASSWORD;
    return server.connection.engine === 'postgres' ? passwordFromPgpass(server.connection, server.database) : undefined;
  },
  prompt: async (server) => (process.stdin.isTTY ? promptHidden(`Password for ${server.description}: `) : undefined),
};
