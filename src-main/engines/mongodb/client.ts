import { MongoClient, type MongoClientOptions } from 'mongodb';
import type { MongodbConnection } from './connection.ts';

// Apart from connection.ts, which the job protocol and the app read: only the engine loads the driver.

/** Driver options for a connection: short timeouts so an unreachable host fails in seconds, not minutes. */
export function clientOptions(connection: MongodbConnection, password: string | undefined): MongoClientOptions {
  // Options the connection string sets win over these defaults (the driver would let ours win).
  const given = new Set([...new URLSearchParams(connection.uri.split('?')[1] ?? '').keys()].map((key) => key.toLowerCase()));
  return {
    appName: 'cosmos-backup',
    ...(given.has('serverselectiontimeoutms') ? {} : { serverSelectionTimeoutMS: 15_000 }),
    ...(given.has('connecttimeoutms') ? {} : { connectTimeoutMS: 15_000 }),
    // Retried reads would restart a cursor from scratch; the engine resumes from the last _id itself.
    retryReads: false,
    // Cosmos RU refuses retryable writes; the engine retries failed documents itself.
    retryWrites: false,
    ...(connection.user ? { auth: { username: connection.user, ...(password !== undefined ? { password } : {}) } } : {}),
  };
}

/** Opens a client, runs `work`, and closes it whatever happens. */
export async function withClient<T>(connection: MongodbConnection, password: string | undefined, work: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(connection.uri, clientOptions(connection, password));
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.close().catch(() => undefined);
  }
}
