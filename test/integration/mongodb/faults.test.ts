import { Int32 } from 'bson';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMongodbUri } from '../../../src-main/engines/mongodb/connection.ts';
import { runJobInSession } from '../../../src-main/core/jobs/run-job-in-session.ts';
import { LocalWorkerLauncher } from '../../../src-main/worker/local-launcher.ts';
import type { BackupOutcome, JobSecrets, JobSpec } from '../../../src-main/worker/protocol.ts';
import type { WorkerJobError } from '../../../src-main/worker/worker-launcher.ts';
import { startMongo, type TestMongo } from '../../helpers/mongodb.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { afterProgress, launcherKilledAfter, recordingSession } from '../../helpers/worker-faults.ts';
import { REPO_PASSWORD, createRepository, openRepository } from '../postgres/support.ts';

describe('MongoDB backup and restore faults (real worker agent, FerretDB)', () => {
  let server: TestMongo;
  let client: MongoClient;
  const temp = makeTempDir('cosmos-mongo-faults-');
  const repoPath = `${temp.path}/repo`;
  let secrets: JobSecrets;
  const connection = () => parseMongodbUri(server.uriWithUser()).connection;
  const backupJob = (extra: Partial<Extract<JobSpec, { kind: 'backup' }>> = {}): JobSpec => ({ kind: 'backup', jobId: `job-${Math.random()}`, engine: 'mongodb', repository: { location: repoPath }, source: connection(), databases: ['big'], resource: { id: 'mongodb://faults', name: 'faults', kind: 'mongodb' }, ...extra });
  const restorePointCount = async () => (await (await openRepository(repoPath)).listRestorePoints()).restorePoints.length;

  beforeAll(async () => {
    server = await startMongo();
    client = await server.client();
    // About 6 MB of documents: with a 2 MB/s budget the backup runs for seconds, long enough to interrupt.
    const rows = client.db('big').collection('rows');
    for (let start = 0; start < 30_000; start += 5000) await rows.insertMany(Array.from({ length: 5000 }, (_, i) => ({ _id: (start + i) as never, n: new Int32(start + i), body: `${start + i} `.padEnd(180, 'x') })));
    await client.db('big').collection('doomed').insertMany(Array.from({ length: 2000 }, (_, i) => ({ _id: i as never, body: 'y'.repeat(100) })));
    await createRepository(repoPath);
    secrets = { databasePassword: server.password, repositoryPassword: REPO_PASSWORD };
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
    temp.remove();
  });

  it('an agent killed mid-backup fails the job, leaves no restore point, and the repository checks clean', async () => {
    let pid = 0;
    const launcher = new LocalWorkerLauncher({ onSpawn: (p) => (pid = p) });
    const handle = await launcher.launch(backupJob({ options: { maxBytesPerSecond: 2_000_000 } }), secrets, new AbortController().signal);
    await afterProgress(handle.events, 1_000_000);
    process.kill(pid, 'SIGKILL');
    const error = await handle.result.catch((failure: unknown) => failure);
    expect((error as WorkerJobError).code).toBe('worker_lost');
    expect(await restorePointCount()).toBe(0);
    const report = await (await openRepository(repoPath)).check();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('cancel stops a backup cleanly: canceled, no restore point', async () => {
    const controller = new AbortController();
    const handle = await new LocalWorkerLauncher().launch(backupJob({ options: { maxDocumentsPerSecond: 5000 } }), secrets, controller.signal);
    await afterProgress(handle.events, 1_000_000);
    controller.abort();
    const error = (await handle.result.catch((failure: unknown) => failure)) as WorkerJobError;
    expect(error.code).toBe('canceled');
    expect(await restorePointCount()).toBe(0);
  });

  it('a collection dropped while the backup runs is left out or kept whole, and the backup succeeds', async () => {
    const handle = await new LocalWorkerLauncher().launch(backupJob({ options: { maxBytesPerSecond: 3_000_000, parallelism: 1 } }), secrets, new AbortController().signal);
    await afterProgress(handle.events, 500_000);
    await client.db('big').collection('doomed').drop();
    const outcome = (await handle.result) as BackupOutcome;
    // The backup read `doomed` before the drop, or left it out with a warning: never a torn collection.
    const doomed = outcome.restorePoint.entries.find((entry) => entry.name === 'mongodb/databases/big/doomed/documents.bsc');
    expect(doomed === undefined || doomed.counts?.documents === 2000 || doomed.counts?.documents === 0).toBe(true);
    expect(outcome.restorePoint.entries.find((entry) => entry.name === 'mongodb/databases/big/rows/documents.bsc')?.counts?.documents).toBe(30_000);
  });

  it('an agent killed mid-restore fails the session and names the half-restored target; a second restore refuses it without --drop', async () => {
    const [latest] = (await (await openRepository(repoPath)).listRestorePoints()).restorePoints;
    const session = recordingSession();
    // Kill the agent as soon as it reports data progress into the target.
    const launcher = launcherKilledAfter(1_000_000);
    const job: JobSpec = { kind: 'restore', jobId: 'restore-killed', engine: 'mongodb', repository: { location: repoPath }, restorePointId: latest!.id, target: { kind: 'database', connection: connection(), databaseMap: { big: 'big_half' } }, options: { maxBytesPerSecond: 2_000_000 } };
    const error = (await runJobInSession(launcher, job, secrets, session).catch((failure: unknown) => failure)) as WorkerJobError;
    expect(error.code).toBe('worker_lost');
    expect(session.lines.some((line) => /^error: Target database\(s\) big_half .* half-restored/.test(line)), session.lines.join('\n')).toBe(true);
    expect(await client.db('big_half').collection('rows').estimatedDocumentCount()).toBeGreaterThan(0);
    const refused = (await runJobInSession(new LocalWorkerLauncher(), { ...job, options: {} }, secrets, recordingSession()).catch((failure: unknown) => failure)) as WorkerJobError;
    expect(refused.code).toBe('target_not_empty');
    expect(refused.message).toMatch(/already holds .*big_half\.rows.*--drop/);
  });

  it('a server that requires TLS: a plain connection fails in words that point at TLS, and with tls=true the backup succeeds', async () => {
    const tlsServer = await startMongo({ tls: true });
    try {
      const plain = parseMongodbUri(`mongodb://${encodeURIComponent(tlsServer.user)}@127.0.0.1:${tlsServer.port}/?serverSelectionTimeoutMS=2000`).connection;
      const tlsSecrets = { databasePassword: tlsServer.password, repositoryPassword: REPO_PASSWORD };
      const refused = (await runJobInSession(new LocalWorkerLauncher(), backupJob({ source: plain, databases: [] }), tlsSecrets, recordingSession()).catch((failure: unknown) => failure)) as WorkerJobError;
      expect(refused.code).toBe('unreachable');
      expect(refused.message).toMatch(/requires TLS \(tls=true\)/);
      expect(refused.message).not.toContain(tlsServer.password);
      const client = await tlsServer.client();
      await client.db('secure').collection('notes').insertMany([{ _id: 1 as never, text: 'over TLS' }]);
      await client.close();
      const outcome = (await runJobInSession(new LocalWorkerLauncher(), backupJob({ source: parseMongodbUri(tlsServer.uriWithUser()).connection, databases: ['secure'] }), tlsSecrets, recordingSession())) as BackupOutcome;
      expect(outcome.databases).toEqual([{ name: 'secure', bytes: expect.any(Number), tables: 1, rows: 1 }]);
    } finally {
      await tlsServer.stop();
    }
  });

  it('refuses TLS to a server without it, in words that say so, with no secret in the message', async () => {
    const tls = parseMongodbUri(`mongodb://${encodeURIComponent(server.user)}@127.0.0.1:${server.port}/?tls=true&tlsInsecure=true&serverSelectionTimeoutMS=2000`).connection;
    const error = (await runJobInSession(new LocalWorkerLauncher(), backupJob({ source: tls }), secrets, recordingSession()).catch((failure: unknown) => failure)) as WorkerJobError;
    expect(['tls_failed', 'unreachable']).toContain(error.code);
    expect(error.message).toMatch(/TLS|tls=true/);
    expect(error.message).not.toContain(server.password);
  });
});
