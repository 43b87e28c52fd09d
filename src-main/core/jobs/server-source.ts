import type { EngineConnection, EngineName } from '../../engines/engine-schemas.ts';
import { describeMongodbConnection, parseMongodbUri } from '../../engines/mongodb/connection.ts';
import { describeConnection, parsePostgresUri } from '../../engines/postgres/connection.ts';
import { AppError } from '../../shared/errors.ts';

/**
 * A database server a caller named by URI, as the core handles it: the connection a job carries
 * (no secret in it), the password the URI carried (used for one job, never stored or shown), and
 * the one identity its restore points are grouped by.
 */
export interface ServerSource {
  engine: EngineName;
  connection: EngineConnection;
  /** A password written into the URI. */
  uriPassword?: string;
  /** The URI without any password, for titles and logs. */
  description: string;
  /** The normalized identity of an ad-hoc server: `<engine>://<lower-case host>:<port>`. */
  resourceId: string;
  /** Default resource name: the host. */
  defaultName: string;
  /** The database the connection opens (for password files keyed by database). */
  database: string;
  /** Where the app's secret store keeps this server login's password when asked to remember it. */
  passwordRef: string;
}

/** The engine a URI speaks, by its scheme. */
export function engineOfUri(uri: string): EngineName {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri.trim())?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return 'postgres';
  if (scheme === 'mongodb' || scheme === 'mongodb+srv') return 'mongodb';
  throw new AppError('validation_failed', `Not a database URI this app can use (expected postgres://user@host:port/database or mongodb://user@host:port/?tls=true).`, { field: 'uri' });
}

/** The one identity of a server named by host and port, however the caller spelled the host. */
export function serverResourceId(engine: EngineName, host: string, port: number): string {
  const bare = host.toLowerCase().replace(/\.$/, '');
  return `${engine}://${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

/** Parses a server URI for `engine`; a malformed one is a validation error on the `uri` field. */
export function parseServerSource(uri: string, engine: EngineName = engineOfUri(uri)): ServerSource {
  return engine === 'mongodb' ? parseMongodbSource(uri) : parsePostgresSource(uri);
}

function parseMongodbSource(uri: string): ServerSource {
  let parsed: ReturnType<typeof parseMongodbUri>;
  try {
    parsed = parseMongodbUri(uri);
  } catch (error) {
    throw new AppError('validation_failed', (error as Error).message, { field: 'uri' });
  }
  const { connection, password, host, port } = parsed;
  return {
    engine: 'mongodb',
    connection,
    ...(password !== undefined ? { uriPassword: password } : {}),
    description: describeMongodbConnection(connection),
    resourceId: serverResourceId('mongodb', host, port),
    defaultName: host,
    database: parsed.database ?? 'admin',
    passwordRef: `mongodb-password:${connection.user ?? ''}@${host.toLowerCase()}:${port}`,
  };
}

function parsePostgresSource(uri: string): ServerSource {
  let parsed: ReturnType<typeof parsePostgresUri>;
  try {
    parsed = parsePostgresUri(uri);
  } catch (error) {
    throw new AppError('validation_failed', (error as Error).message, { field: 'uri' });
  }
  const { connection, password } = parsed;
  return {
    engine: 'postgres',
    connection,
    ...(password !== undefined ? { uriPassword: password } : {}),
    description: describeConnection(connection),
    resourceId: serverResourceId('postgres', connection.host, connection.port),
    defaultName: connection.host,
    database: connection.database,
    passwordRef: `postgres-password:${connection.user}@${connection.host}:${connection.port}`,
  };
}
