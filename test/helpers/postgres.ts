import { execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A throwaway PostgreSQL 15 cluster on 127.0.0.1 (no TLS), password auth over TCP. */
export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  /** `postgres://user@127.0.0.1:port/db?sslmode=disable` — no password inside. */
  uri(database?: string): string;
  /** A pg client connected to `database` (the caller ends it). */
  connect(database?: string): Promise<pg.Client>;
  /** Runs SQL in `database` and returns the rows. */
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, database?: string): Promise<R[]>;
  /** Environment for client tools (PGPASSWORD etc.). */
  env(database?: string): NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (released before it is returned; good enough for tests). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

/** Runs a PostgreSQL server binary as the `postgres` OS user when we are root (initdb refuses root). */
function asPostgres(binary: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, binary), ...args]] : [join(PG_BIN, binary), args];
}

/**
 * Starts a fresh cluster (about a second): initdb with trust over the socket and scram-sha-256
 * over TCP, so a wrong password really fails; fsync off; random port. Stop it with `stop()`.
 */
export async function startPostgres(options: { password?: string; tls?: boolean } = {}): Promise<TestPostgres> {
  const password = options.password ?? `pw-${Math.random().toString(36).slice(2)}-Secret`;
  const root = mkdtempSync(join(tmpdir(), 'cosmos-pg-'));
  const dataDir = join(root, 'data');
  const sockDir = join(root, 'sock');
  const pwFile = join(root, 'pwfile');
  if (process.getuid?.() === 0) {
    const { uid, gid } = await postgresIds();
    chownSync(root, uid, gid);
    writeFileSync(pwFile, password + '\n', { mode: 0o600 });
    chownSync(pwFile, uid, gid);
  } else {
    writeFileSync(pwFile, password + '\n', { mode: 0o600 });
  }
  chmodSync(root, 0o700);
  const [initCmd, initArgs] = asPostgres('initdb', ['-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwFile}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  await run(initCmd, initArgs);
  rmSync(pwFile);
  if (options.tls) {
    // A self-signed certificate: clients with sslmode=require encrypt without verifying, as with Azure's defaults.
    const [sslCmd, sslArgs] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', 'openssl']] : ['openssl', []];
    await run(sslCmd, [...sslArgs, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-keyout', join(dataDir, 'server.key'), '-out', join(dataDir, 'server.crt')]);
    chmodSync(join(dataDir, 'server.key'), 0o600);
  }
  // The socket folder must be writable by the server user.
  mkdirSync(sockDir);
  if (process.getuid?.() === 0) {
    const { uid, gid } = await postgresIds();
    chownSync(sockDir, uid, gid);
  }
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const serverOptions = `-p ${port} -k ${sockDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=40${options.tls ? ' -c ssl=on' : ''}`;
    const [ctlCmd, ctlArgs] = asPostgres('pg_ctl', ['-D', dataDir, '-l', join(root, 'server.log'), '-w', '-t', '30', '-o', serverOptions, 'start']);
    try {
      await run(ctlCmd, ctlArgs);
      break;
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
  const host = '127.0.0.1';
  const user = 'postgres';
  const connect = async (database = 'postgres') => {
    const client = new pg.Client({ host, port, user, password, database, ssl: false });
    // A server that goes away must fail the query, not crash the test process.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  return {
    host,
    port,
    user,
    password,
    uri: (database = 'postgres') => `postgres://${user}@${host}:${port}/${encodeURIComponent(database)}?sslmode=disable`,
    connect,
    async query<R extends Record<string, unknown>>(sql: string, database?: string) {
      const client = await connect(database);
      try {
        return (await client.query<R>(sql)).rows;
      } finally {
        await client.end();
      }
    },
    env: (database = 'postgres') => ({ ...process.env, PGHOST: host, PGPORT: String(port), PGUSER: user, PGPASSWORD: password, PGDATABASE: database, PGSSLMODE: 'disable' }),
    async stop() {
      const [ctlCmd, ctlArgs] = asPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      await run(ctlCmd, ctlArgs).catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs a client tool (psql, pg_dump, pg_restore) against the test server and returns stdout. */
export async function pgTool(server: TestPostgres, tool: string, args: string[], database?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(PG_BIN, tool), args, { env: server.env(database), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${tool} exited with ${code}: ${err}`))));
  });
}

/** A schema-only dump with the noise that differs between equal databases removed. */
export async function normalizedSchema(server: TestPostgres, database: string): Promise<string> {
  const dump = await pgTool(server, 'pg_dump', ['--schema-only', '--no-owner', '--no-privileges'], database);
  return dump
    .split('\n')
    .filter((line) => !line.startsWith('--') && !line.startsWith('\\restrict') && !line.startsWith('\\unrestrict') && line.trim() !== '')
    .join('\n');
}

/**
 * A checksum per user table (rows sorted by their text form), plus every sequence's state, so two
 * databases with the same data compare equal.
 */
export async function dataChecksums(server: TestPostgres, database: string): Promise<Record<string, string>> {
  const client = await server.connect(database);
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1`,
    );
    const sums: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const { rows } = await client.query<{ sum: string | null; n: string }>(`SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) AS sum, count(*) AS n FROM ${name} t`);
      sums[name] = `${rows[0]!.n}:${rows[0]!.sum ?? 'empty'}`;
    }
    const sequences = await client.query<{ name: string; last_value: string | null; is_called: boolean }>(
      `SELECT format('%I.%I', schemaname, sequencename) AS name, last_value FROM pg_sequences ORDER BY 1`,
    );
    for (const row of sequences.rows) sums[`sequence ${row.name}`] = String(row.last_value);
    return sums;
  } finally {
    await client.end();
  }
}
