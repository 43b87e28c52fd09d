import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort } from './postgres.ts';

/** Where `test/peers/build-peers.mjs` puts FerretDB, mongodump and mongorestore. */
export const PEERS_BIN = join(process.env.COSMOS_BACKUP_TEST_PEERS ?? join(homedir(), '.cache', 'cosmos-backup-test-peers'), 'bin');

/** A test peer's path; a missing one is a set-up failure with the command that builds it. */
export function peerBinary(name: 'ferretdb' | 'mongodump' | 'mongorestore'): string {
  const path = join(PEERS_BIN, name);
  if (!existsSync(path)) throw new Error(`${name} is not built: run \`node test/peers/build-peers.mjs\` (npm test does it first).`);
  return path;
}

/** A MongoDB-compatible server for one test file. */
export interface TestMongo {
  host: string;
  port: number;
  user: string;
  password: string;
  /** `mongodb://127.0.0.1:port/` with no credentials (the engine takes the user separately). */
  uri(database?: string): string;
  /** The same with the user name (no password). */
  uriWithUser(database?: string): string;
  /** A connected driver client (the caller closes it). */
  client(): Promise<MongoClient>;
  stop(): Promise<void>;
}

async function waitUntilServing(uri: string, user: string, password: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`FerretDB exited with ${child.exitCode}: ${log()}`);
    const client = new MongoClient(uri, { auth: { username: user, password }, serverSelectionTimeoutMS: 500 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`FerretDB did not start in 30 s: ${(error as Error).message}; ${log()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 150));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

/**
 * Starts FerretDB (SQLite backend, SCRAM authentication with one admin user) on a random loopback
 * port in a temp folder. With `MONGODB_TEST_URI` set (a URI with user and password), the suites
 * run against that server instead and nothing is started.
 */
export async function startMongo(options: { tls?: boolean } = {}): Promise<TestMongo> {
  const external = process.env.MONGODB_TEST_URI;
  if (external && !options.tls) {
    const url = new URL(external);
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    const base = url.toString();
    const withPath = (database = '') => base.replace(/\/[^/?]*(\?|$)/, `/${encodeURIComponent(database)}$1`);
    return {
      host: url.hostname,
      port: Number(url.port || 27017),
      user,
      password,
      uri: withPath,
      uriWithUser: (database) => withPath(database).replace('://', `://${encodeURIComponent(user)}@`),
      client: async () => new MongoClient(base, { auth: { username: user, password } }).connect(),
      stop: async () => undefined,
    };
  }
  const binary = peerBinary('ferretdb');
  const dir = mkdtempSync(join(tmpdir(), 'cosmos-ferretdb-'));
  const port = await freePort();
  // With `tls`, the server listens with TLS only (a self-signed certificate, as a client that
  // does not verify it sees Azure's), and plain connections find nobody.
  const listen = [`--listen-addr=${options.tls ? '' : `127.0.0.1:${port}`}`];
  if (options.tls) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.crt')], { stdio: 'ignore' });
    listen.push(`--listen-tls=127.0.0.1:${port}`, `--listen-tls-cert-file=${join(dir, 'server.crt')}`, `--listen-tls-key-file=${join(dir, 'server.key')}`);
  }
  const query = options.tls ? '?tls=true&tlsAllowInvalidCertificates=true' : '';
  const user = 'backup-admin';
  const password = `fdb-${Math.random().toString(36).slice(2)}-Secret`;
  let output = '';
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      ...listen,
      '--telemetry=disable',
      // No metrics or profiling listener: its default fixed port (8088) would clash between servers.
      '--debug-addr=-',
      '--log-level=error',
      '--test-enable-new-auth',
      '--setup-database=admin',
      `--setup-username=${user}`,
    ],
    // The password goes through the environment, as secrets should.
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, FERRETDB_SETUP_PASSWORD: password } },
  );
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const uri = (database = '') => `mongodb://127.0.0.1:${port}/${encodeURIComponent(database)}${query}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(uri(), user, password, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    uri,
    uriWithUser: (database = '') => `mongodb://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(database)}${query}`,
    client: async () => new MongoClient(uri(), { auth: { username: user, password } }).connect(),
    stop,
  };
}
