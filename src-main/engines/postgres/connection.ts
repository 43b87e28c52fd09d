import { readFileSync } from 'node:fs';
import type { ClientConfig } from 'pg';
import { z } from 'zod';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/**
 * Where a PostgreSQL server is. Holds no secret: the password travels separately. TLS is
 * required by default because Cosmos DB for PostgreSQL refuses plain connections.
 */
export const postgresConnectionSchema = z.object({
  engine: z.literal('postgres'),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1),
  /** The database to connect to for server-wide work (listing, creating databases). */
  database: z.string().min(1),
  sslMode: z.enum(SSL_MODES),
  /** CA certificate file; with it the default mode is verify-full. */
  sslRootCert: z.string().optional(),
});
export type PostgresConnection = z.infer<typeof postgresConnectionSchema>;

/** A parsed URI: the connection and, separately, a password the URI carried (never stored). */
export interface ParsedPostgresUri {
  connection: PostgresConnection;
  password?: string;
}

/**
 * Parses `postgres://user[:password]@host[:port]/database?sslmode=…&sslrootcert=…`. The password,
 * when present, is split off so callers can keep it out of everything they store or show.
 */
export function parsePostgresUri(uri: string): ParsedPostgresUri {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error('Not a valid PostgreSQL URI (expected postgres://user@host:port/database).');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error(`Not a PostgreSQL URI (scheme ${url.protocol}).`);
  const sslRootCert = url.searchParams.get('sslrootcert') ?? undefined;
  const modeParam = url.searchParams.get('sslmode');
  if (modeParam !== null && !(SSL_MODES as readonly string[]).includes(modeParam)) throw new Error(`Unknown sslmode ${JSON.stringify(modeParam)}.`);
  const sslMode: SslMode = (modeParam as SslMode | null) ?? (sslRootCert ? 'verify-full' : 'require');
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const connection: PostgresConnection = {
    engine: 'postgres',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || 'postgres',
    database,
    sslMode,
  };
  if (!connection.host) throw new Error('The PostgreSQL URI has no host.');
  if (sslRootCert) connection.sslRootCert = sslRootCert;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  return password === undefined ? { connection } : { connection, password };
}

/** The connection as a URI without any password (for logs and titles). */
export function describeConnection(connection: PostgresConnection, database = connection.database): string {
  const host = connection.host.includes(':') ? `[${connection.host}]` : connection.host;
  return `postgres://${encodeURIComponent(connection.user)}@${host}:${connection.port}/${encodeURIComponent(database)}?sslmode=${connection.sslMode}`;
}

/**
 * Environment for pg_dump, pg_restore and psql: everything goes through PG* variables so no
 * connection detail, and never the password, appears on a command line.
 */
export function toolEnvironment(connection: PostgresConnection, password: string | undefined, database: string): NodeJS.ProcessEnv {
  // Start from a minimal environment: the agent's own may hold things children need not see.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    PGHOST: connection.host,
    PGPORT: String(connection.port),
    PGUSER: connection.user,
    PGDATABASE: database,
    PGSSLMODE: connection.sslMode,
    PGAPPNAME: 'cosmos-backup',
    PGCONNECT_TIMEOUT: '15',
    PGCLIENTENCODING: 'UTF8',
  };
  if (process.env.HOME) env.HOME = process.env.HOME;
  if (process.env.PGPASSFILE) env.PGPASSFILE = process.env.PGPASSFILE;
  if (connection.sslRootCert) env.PGSSLROOTCERT = connection.sslRootCert;
  if (password !== undefined) env.PGPASSWORD = password;
  return env;
}

/** node-postgres settings for the same connection (TLS as libpq's sslmode would do it). */
export function driverConfig(connection: PostgresConnection, password: string | undefined, database: string): ClientConfig {
  const config: ClientConfig = {
    host: connection.host,
    port: connection.port,
    user: connection.user,
    database,
    application_name: 'cosmos-backup',
    connectionTimeoutMillis: 15_000,
    // Catalog queries must never wait forever behind another session's lock.
    lock_timeout: 60_000,
  };
  if (password !== undefined) config.password = password;
  switch (connection.sslMode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      // The driver cannot fall back from TLS to plain; prefer/allow behave like disable here.
      config.ssl = false;
      break;
    case 'require':
      config.ssl = { rejectUnauthorized: false };
      break;
    case 'verify-ca':
    case 'verify-full': {
      const ca = connection.sslRootCert ? readFileSync(connection.sslRootCert, 'utf8') : undefined;
      config.ssl = {
        rejectUnauthorized: true,
        ...(ca ? { ca } : {}),
        ...(connection.sslMode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
      };
      break;
    }
  }
  return config;
}

/** Identifier quoting for generated SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** String literal quoting for generated SQL (standard_conforming_strings on). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
