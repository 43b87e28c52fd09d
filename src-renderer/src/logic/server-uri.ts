/**
 * Database server URIs as the console's forms take them: PostgreSQL (`postgres://user@host:port/db`)
 * and MongoDB (`mongodb://user@host[:port][,host…]/?options`, `mongodb+srv://…`), never with a
 * password inside (the forms have a password field that is used once). Pure functions.
 */

export type ServerEngine = 'postgres' | 'mongodb';

const MONGODB_URI = /^mongodb(\+srv)?:\/\/(?:([^@/?#]*)@)?[^/?#]+/i;

/** The engine a URI speaks, by its scheme; null for anything else. */
export function engineOfServerUri(uri: string): ServerEngine | null {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri.trim())?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mongodb' || scheme === 'mongodb+srv') return 'mongodb';
  return null;
}

const EXAMPLES: Record<ServerEngine, string> = {
  postgres: 'a PostgreSQL URI such as postgres://citus@c-mycluster.postgres.cosmos.azure.com:5432/citus?sslmode=require',
  mongodb: 'a MongoDB connection string such as mongodb://admin@account.mongo.cosmos.azure.com:10255/?tls=true',
};

/**
 * What is wrong with a server URI, or undefined. `engines`: the engines the form accepts (a restore
 * target must speak the restore point's engine).
 */
export function serverUriProblem(uri: string, engines: readonly ServerEngine[] = ['postgres', 'mongodb']): string | undefined {
  const text = uri.trim();
  const engine = engineOfServerUri(text);
  if (!engine || !engines.includes(engine)) return `Enter ${engines.map((name) => EXAMPLES[name]).join(', or ')}.`;
  if (engine === 'mongodb') {
    const match = MONGODB_URI.exec(text);
    if (!match) return `Enter ${EXAMPLES.mongodb}.`;
    if (match[2]?.includes(':')) return 'Leave the password out of the connection string; type it in the password field.';
    return undefined;
  }
  const url = URL.canParse(text) ? new URL(text) : null;
  if (!url?.hostname) return `Enter ${EXAMPLES.postgres}.`;
  if (url.password) return 'Leave the password out of the URI; type it in the password field.';
  return undefined;
}
