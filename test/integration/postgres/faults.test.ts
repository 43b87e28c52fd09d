import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalWorkerLauncher } from '../../../src-main/worker/local-launcher.ts';
import type { BackupOutcome, JobSecrets } from '../../../src-main/worker/protocol.ts';
import { runJobInSession } from '../../../src-main/core/jobs/run-job-in-session.ts';
import { WorkerJobError } from '../../../src-main/worker/worker-launcher.ts';
import { startPostgres } from '../../helpers/postgres.ts';
import type { TestPostgres } from '../../helpers/postgres.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { afterProgress, launcherKilledAfter, recordingSession } from '../../helpers/worker-faults.ts';
import { REPO_PASSWORD, backupJob, connectionOf, createRepository, openRepository, restoreJob } from './support.ts';

describe('PostgreSQL backup and restore faults (real worker agent)', () => {
  let server: TestPostgres;
  const temp = makeTempDir('cosmos-pg-faults-');
  const repoPath = `${temp.path}/repo`;
  let secrets: JobSecrets;

  beforeAll(async () => {
    server = await startPostgres();
    await server.query('CREATE DATABASE big');
    // About 6 MB of dump: with a 2 MB/s throttle the backup runs for seconds, long enough to interrupt.
    await server.query(`CREATE TABLE rows (id int PRIMARY KEY, body text); INSERT INTO rows SELECT g, md5(g::text) || repeat('x', 150) FROM generate_series(1, 30000) g;`, 'big');
    await server.query(`CREATE TABLE doomed (id int); INSERT INTO doomed SELECT generate_series(1, 10);`, 'big');
    await createRepository(repoPath);
    secrets = { databasePassword: server.password, repositoryPassword: REPO_PASSWORD };
  });
  afterAll(async () => {
    await server?.stop();
    temp.remove();
  });

  const restorePointCount = async () => (await (await openRepository(repoPath)).listRestorePoints()).restorePoints.length;

  it('an agent killed mid-backup fails the job, leaves no restore point, and the repository checks clean', async () => {
    let pid = 0;
    const launcher = new LocalWorkerLauncher({ onSpawn: (p) => (pid = p) });
    const handle = await launcher.launch(backupJob(server, repoPath, ['big'], { options: { maxBytesPerSecond: 2_000_000 } }), secrets, new AbortController().signal);
    await afterProgress(handle.events, 500_000);
    process.kill(pid, 'SIGKILL');
    const error = await handle.result.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkerJobError);
    expect((error as WorkerJobError).code).toBe('worker_lost');
    expect(await restorePointCount()).toBe(0);
    const report = await (await openRepository(repoPath)).check();
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
  });

  it('cancel stops a backup cleanly: canceled, no restore point', async () => {
    const controller = new AbortController();
    const handle = await new LocalWorkerLauncher().launch(backupJob(server, repoPath, ['big'], { options: { maxBytesPerSecond: 2_000_000 } }), secrets, controller.signal);
    await afterProgress(handle.events, 300_000);
    controller.abort();
    const error = (await handle.result.catch((failure: unknown) => failure)) as WorkerJobError;
    expect(error.code).toBe('canceled');
    expect(await restorePointCount()).toBe(0);
  });

  it('a table locked for dropping makes the backup fail clearly; once dropped, the next backup succeeds without it', async () => {
    const dropper = await server.connect('big');
    try {
      await dropper.query('BEGIN');
      await dropper.query('DROP TABLE doomed');
      const session = recordingSession();
      const failed = await runJobInSession(new LocalWorkerLauncher(), backupJob(server, repoPath, ['big'], { options: { lockWaitTimeoutMs: 500 } }), secrets, session).catch((failure: unknown) => failure);
      expect((failed as WorkerJobError).code).toBe('lock_timeout');
      expect((failed as Error).message).toMatch(/stayed locked by another session/);
      expect(session.lines).toContain('info: No restore point was written for this backup.');
      await dropper.query('COMMIT');
    } finally {
      await dropper.end();
    }
    const ok = (await runJobInSession(new LocalWorkerLauncher(), backupJob(server, repoPath, ['big']), secrets, recordingSession())) as BackupOutcome;
    expect(ok.databases[0]!.tables).toBe(1);
  });

  it('a table dropped while the backup runs waits for the dump, which stays consistent', async () => {
    await server.query('CREATE TABLE late_drop (id int); INSERT INTO late_drop SELECT generate_series(1, 5);', 'big');
    const launcher = new LocalWorkerLauncher();
    const handle = await launcher.launch(backupJob(server, repoPath, ['big'], { options: { maxBytesPerSecond: 3_000_000 } }), secrets, new AbortController().signal);
    await afterProgress(handle.events, 200_000);
    const dropped = server.query('DROP TABLE late_drop', 'big');
    const outcome = (await handle.result) as BackupOutcome;
    await dropped;
    expect(outcome.databases[0]!.tables).toBe(2);
    expect(outcome.databases[0]!.rows).toBe(30000 + 5);
  });

  it('an agent killed mid-restore fails the session and names the half-restored target', async () => {
    const [latest] = (await (await openRepository(repoPath)).listRestorePoints()).restorePoints;
    const session = recordingSession();
    // Kill the agent as soon as it reports data progress into the target.
    const launcher = launcherKilledAfter(300_000);
    const job = restoreJob(server, repoPath, latest!.id, { kind: 'database', connection: connectionOf(server), databaseMap: { big: 'big_half' } }, { options: { maxBytesPerSecond: 2_000_000 } });
    const error = (await runJobInSession(launcher, job, secrets, session).catch((failure: unknown) => failure)) as WorkerJobError;
    expect(error.code).toBe('worker_lost');
    expect(session.lines.some((line) => /^error: Target database\(s\) big_half .* half-restored/.test(line))).toBe(true);
    // The half-restored database is really there, and a second restore refuses it without --clean.
    expect(await server.query(`SELECT 1 FROM pg_database WHERE datname = 'big_half'`)).toHaveLength(1);
    const refused = (await runJobInSession(new LocalWorkerLauncher(), { ...job, options: {} }, secrets, recordingSession()).catch((failure: unknown) => failure)) as WorkerJobError;
    expect(refused.code).toBe('target_not_empty');
  });
});
