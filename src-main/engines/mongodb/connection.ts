import { z } from 'zod';

/**
 * Where a MongoDB deployment is (Cosmos DB for MongoDB RU or vCore, Azure DocumentDB, MongoDB,
 * FerretDB): a connection string with no credentials in it, and the login's user name beside it.
 * The password travels separately, as every engine's does.
 */
export const mongodbConnectionSchema = z.object({
  engine: z.literal('mongodb'),
  /** `mongodb://host[:port][,host…]/[db]?options` or `mongodb+srv://…`, with no user or password. */
  uri: z
    .string()
    .min(1)
    .refine((uri) => /^mongodb(\+srv)?:\/\//i.test(uri), 'must start with mongodb:// or mongodb+srv://')
    .refine((uri) => !/^mongodb(\+srv)?:\/\/[^/?#]*@/i.test(uri), 'must not carry a user or password (they travel separately)'),
  user: z.string().min(1).optional(),
  /**
   * What the app knows the deployment is when the host name may not say it (a Cosmos DB for
   * MongoDB RU account of the inventory reached through a private endpoint or a custom name).
   */
  deployment: z.literal('cosmos-ru').optional(),
});
export type MongodbConnection = z.infer<typeof mongodbConnectionSchema>;

/** A parsed URI: the connection and, separately, a password the URI carried (never stored). */
export interface ParsedMongodbUri {
  connection: MongodbConnection;
  password?: string;
  /** The first host and its port: the server's identity for grouping restore points. */
  host: string;
  port: number;
  /** The database the URI names (authentication database by default), if any. */
  database?: string;
}

/** scheme, user info, hosts, path, options: the parts of a connection string the engine needs to tell apart. */
const CONNECTION_STRING = /^(mongodb(?:\+srv)?):\/\/(?:([^@/?#]*)@)?([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/i;

/** Parses a MongoDB connection string; the user and password are split off the stored URI (the driver checks the rest). */
export function parseMongodbUri(uri: string): ParsedMongodbUri {
  const match = CONNECTION_STRING.exec(uri.trim());
  if (!match) throw new Error('Not a valid MongoDB connection string (expected mongodb://user@host:port/?tls=true or mongodb+srv://user@cluster/).');
  const [, scheme, userInfo, hostList, path = '', query = ''] = match;
  let user: string | undefined;
  let password: string | undefined;
  try {
    if (userInfo !== undefined) {
      const colon = userInfo.indexOf(':');
      user = decodeURIComponent(colon < 0 ? userInfo : userInfo.slice(0, colon)) || undefined;
      password = colon < 0 ? undefined : decodeURIComponent(userInfo.slice(colon + 1));
    }
  } catch {
    throw new Error('The user name or password in the MongoDB connection string is not properly percent-encoded.');
  }
  const first = hostList!.split(',')[0]!;
  const bracketed = /^\[(.*)\](?::(\d+))?$/.exec(first);
  const [host, portText] = bracketed ? [bracketed[1]!, bracketed[2]] : [first.replace(/:\d+$/, ''), /:(\d+)$/.exec(first)?.[1]];
  if (!host) throw new Error('The MongoDB connection string has no host.');
  const port = portText ? Number(portText) : 27017;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`Port ${portText} in the MongoDB connection string is out of range.`);
  let database: string | undefined;
  try {
    database = decodeURIComponent(path.replace(/^\//, '')) || undefined;
  } catch {
    throw new Error('The database name in the MongoDB connection string is not properly percent-encoded.');
  }
  const connection: MongodbConnection = { engine: 'mongodb', uri: `${scheme!.toLowerCase()}://${hostList}${path || '/'}${query}`, ...(user ? { user } : {}) };
  return { connection, ...(password !== undefined ? { password } : {}), host, port, ...(database ? { database } : {}) };
}

/** The connection for logs and titles: the URI with the user name but never a password. */
export function describeMongodbConnection(connection: MongodbConnection): string {
  if (!connection.user) return connection.uri;
  return connection.uri.replace(/^(mongodb(\+srv)?:\/\/)/i, `$1${encodeURIComponent(connection.user)}@`);
}

/** True when the deployment is Cosmos DB for MongoDB RU (it needs its own index order and throttling care): the app says so, or the host name does. */
export function isCosmosRu(connection: MongodbConnection): boolean {
  return connection.deployment === 'cosmos-ru' || /\.mongo\.cosmos\.azure\.(com|us|cn)(:\d+)?[,/?]/i.test(connection.uri + '/');
}
