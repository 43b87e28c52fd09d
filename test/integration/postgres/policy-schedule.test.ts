import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { LocalWorkerLauncher } from '../../../src-main/worker/local-launcher.ts';
import { WorkerJobError, type WorkerLauncher } from '../../../src-main/worker/worker-launcher.ts';
import { initRepository, openRepository } from '../../../src-main/repository/index.ts';
import { startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { runCli } from '../../helpers/cli.ts';
import { startAzurite, type AzuriteInstance } from '../../helpers/azurite.ts';

const SUB = '00000000-1111-4222-8333-444444444444';
const clusterId = (name: string) => `/subscriptions/${SUB}/resourcegroups/rg-prod/providers/microsoft.dbforpostgresql/servergroupsv2/${name}`;

/**
 * A policy that runs by itself: two Cosmos DB for PostgreSQL clusters of the inventory (their
 * coordinator a real local PostgreSQL 15 with TLS), a daily schedule in a time zone, the scheduler
 * driven by a moved clock, the real worker agent, one injected worker failure that a retry fixes,
 * and retention on the next day's run.
 */
describe('a scheduled policy through the real worker agent', () => {
  const temp = makeTempDir('cosmos-policy-schedule-');
  let server: TestPostgres;
  let core: AppCore;
  let now = new Date('2026-12-01T12:00:00Z');
  const failOnce = new Set(['orders']);
  const repoPath = join(temp.path, 'repo');
  let azurite: AzuriteInstance | undefined;

  beforeAll(async () => {
    server = await startPostgres({ tls: true });
    await server.query('CREATE DATABASE citus');
    await server.query(`CREATE TABLE invoices (id int PRIMARY KEY, total numeric); INSERT INTO invoices SELECT g, g * 3 FROM generate_series(1, 200) g;`, 'citus');
    const local = new LocalWorkerLauncher();
    // The worker boundary is where a failure is injected: the first launch for "orders" is lost.
    const launcher: WorkerLauncher = {
      launch: async (job, secrets, signal, placement) => {
        if (job.kind === 'backup' && failOnce.delete(job.resource.name)) throw new WorkerJobError('worker_lost', 'The worker VM was lost (injected).');
        return local.launch(job, secrets, signal, placement);
      },
    };
    core = AppCore.open({ dataDir: join(temp.path, 'data'), clock: { now: () => now, monotonicMs: () => performance.now() }, launcherFor: () => launcher, policyRunTuning: { retryDelayMs: () => 20 } });
    await initRepository(repoPath, { password: 'repo-pass', scrypt: { n: 1024, r: 8, p: 1 } });
    const repository = core.repositories.add({ name: 'nightly', location: repoPath, kind: 'local', encrypted: true }, now.toISOString());
    await core.repositoryCatalog.rememberPassword(repository.id, 'repo-pass');
    core.inventory.upsertSubscription({ id: SUB, tenantId: 't', displayName: 'Production', state: 'Enabled', syncedAt: now.toISOString() });
    const coordinator = `${server.host}:${server.port}`;
    const record = (name: string) => ({ id: clusterId(name), subscriptionId: SUB, resourceGroup: 'rg-prod', name, kind: 'postgres-cluster' as const, api: null, location: 'westeurope', tags: {}, properties: { coordinator }, deleted: false, syncedAt: now.toISOString() });
    core.inventory.replaceResources(SUB, [record('billing'), record('orders')], now.toISOString());
    for (const name of ['billing', 'orders']) await core.resourceLogins.set(clusterId(name), { user: 'postgres', password: server.password });
    core.policies.save({
      name: 'Nightly clusters',
      timeZone: 'Europe/Berlin',
      scope: { resourceKinds: ['postgres-cluster'], include: { subscriptions: [SUB] } },
      repositoryBackup: { repositoryId: repository.id, schedules: { daily: { enabled: true, time: '02:00', keepDays: 1 } } },
      retries: { count: 1, intervalMinutes: 1 },
    });
  });
  afterAll(async () => {
    await core?.close();
    await azurite?.stop();
    await server?.stop();
    temp.remove();
  });

  it('runs on its schedule, retries the lost worker, and catalogs restore points flagged daily', async () => {
    expect(core.policyScheduler.tick()).toEqual([]); // first sight
    now = new Date('2026-12-02T01:00:20Z'); // 02:00:20 in Berlin
    const [run] = core.policyScheduler.tick();
    expect(run).toBeDefined();
    const final = await core.sessions.waitFor(run!.id);
    expect(final, JSON.stringify(core.sessions.logs(run!.id, 0, 500, 'info').lines.map((l) => l.message))).toMatchObject({ status: 'succeeded', summary: '2 of 2 resource(s) backed up.' });
    const tasks = core.sessions.list({ parentId: run!.id, limit: 100 });
    expect(tasks.filter((t) => t.kind === 'backup').map((t) => `${t.resourceId!.split('/').pop()} ${t.status}`).sort()).toEqual(['billing succeeded', 'orders failed', 'orders succeeded']);
    const log = core.sessions.logs(run!.id, 0, 500, 'debug').lines.map((l) => l.message).join('\n');
    expect(log).toMatch(/orders: backed up on retry 1 of 1/);

    const repository = await openRepository(repoPath, { password: 'repo-pass' });
    const { restorePoints } = await repository.listRestorePoints();
    expect(restorePoints).toHaveLength(2);
    expect(restorePoints.every((p) => p.manifest.gfs.daily && p.manifest.policy?.name === 'Nightly clusters')).toBe(true);
    expect(restorePoints.map((p) => p.manifest.resource.id).sort()).toEqual([clusterId('billing'), clusterId('orders')]);
    expect(core.restorePoints.list({ resourceId: clusterId('billing') })).toHaveLength(1);
    // The login's password never reached the repository's manifests or the session logs.
    expect(JSON.stringify(restorePoints) + log).not.toContain(server.password);
  });

  it('the next day: runs again, and retention keeps one point per resource (the newest of its day)', async () => {
    now = new Date('2026-12-03T01:00:10Z');
    const [run] = core.policyScheduler.tick();
    const final = await core.sessions.waitFor(run!.id);
    expect(final.status).toBe('succeeded');
    const retention = core.sessions.list({ parentId: run!.id, limit: 100 }).filter((t) => t.kind === 'retention');
    // A retention task per resource, then one prune of the repository since points were forgotten.
    expect(retention.map((t) => `${t.title.startsWith('Prune') ? 'prune' : 'forget'} ${t.status}`).sort()).toEqual(['forget succeeded', 'forget succeeded', 'prune succeeded']);
    const repository = await openRepository(repoPath, { password: 'repo-pass' });
    // Both runs made their points on this test's real day: keepDays 1 keeps the newest of each resource.
    expect((await repository.listRestorePoints()).restorePoints).toHaveLength(2);
    expect(core.restorePoints.list({ resourceId: clusterId('orders') })).toHaveLength(1);
    expect(core.policyScheduler.list()[0]).toMatchObject({ lastDueAt: '2026-12-03T01:00:00.000Z', lastSessionId: run!.id });
  });

  it('copies the daily points into an archive repository on Azure Blob storage (Archive tier) as tasks of the run', async () => {
    azurite = await startAzurite();
    {
      const added = core.repositoryCatalog.add({ name: 'cold', location: `${azurite.blobEndpoint}/archive/clusters`, password: 'cold-pass', create: true, encryption: 'aes-256-gcm', isArchive: true, storageCredential: { kind: 'sharedKey', accountKey: azurite.accountKey } });
      expect((await added.finished).session.status).toBe('succeeded');
      const cold = core.repositoryCatalog.find('cold')!;
      const { createdAt: _c, updatedAt: _u, ...policy } = core.policies.get('Nightly clusters');
      core.policies.save({ ...policy, archive: { repositoryId: cold.id, fromSchedules: ['daily'], retention: { value: 12, unit: 'months' } } });
      now = new Date('2026-12-04T01:00:10Z');
      const [run] = core.policyScheduler.tick();
      const final = await core.sessions.waitFor(run!.id);
      expect(final.status, core.sessions.logs(run!.id, 0, 500, 'warn').lines.map((l) => l.message).join('\n')).toBe('succeeded');
      const tasks = core.sessions.list({ parentId: run!.id, limit: 100 });
      expect(tasks.filter((t) => t.kind === 'archive').map((t) => t.status)).toEqual(['succeeded', 'succeeded']);
      const archived = core.restorePoints.list({ repositoryId: cold.id });
      expect(archived.map((p) => p.kind)).toEqual(['archive', 'archive']);
      expect(archived.map((p) => p.resourceId).sort()).toEqual([clusterId('billing'), clusterId('orders')]);
    }
  });

  it('runs a health check of both repositories as tasks: structure, plus this week\'s share of the data', async () => {
    const { createdAt: _c, updatedAt: _u, ...policy } = core.policies.get('Nightly clusters');
    core.policies.save({ ...policy, healthCheck: { enabled: true, day: 'sat', time: '03:00', testRestore: true } });
    const session = core.healthChecks.start(policy.id, now);
    const final = await core.sessions.waitFor(session.id);
    expect(final).toMatchObject({ kind: 'health-check', status: 'succeeded' });
    // Both repositories healthy, and the newest point of one cluster restored with every row the manifest counted.
    expect(final.summary).toMatch(/^2 of 2 repositories healthy\. Test restore of (billing|orders): 200 rows verified\.$/);
    const tasks = core.sessions.list({ parentId: session.id, limit: 10 });
    expect(tasks.map((t) => `${t.kind} ${t.status}`).sort()).toEqual(['health-check succeeded', 'health-check succeeded', 'restore succeeded']);
    const titles = tasks.filter((t) => t.kind === 'health-check').map((t) => t.title).sort();
    expect(titles[0]).toMatch(/^Check repository "cold"$/); // archive: structure only
    expect(titles[1]).toMatch(/^Check repository \(read data of share \d+ of 10\) "nightly"$/);
  });

  it('reports the last successful backup per resource for monitoring (protection --json)', async () => {
    const report = await runCli(['--data-dir', join(temp.path, 'data'), '--json', 'protection']);
    expect(report.code, report.stderr).toBe(0);
    const rows = JSON.parse(report.stdout) as { resourceName: string; policyName: string; lastSuccessfulBackupAt: string | null; restorePointCount: number; hoursSinceLastBackup: number }[];
    expect(rows.map((r) => r.resourceName).sort()).toEqual(['billing', 'orders']);
    const latest = core.restorePoints.list({ resourceId: clusterId('billing') })[0]!;
    // One point in the repository (after retention) and its archive copy.
    expect(rows.find((r) => r.resourceName === 'billing')).toMatchObject({ policyName: 'Nightly clusters', lastSuccessfulBackupAt: latest.pointTime, restorePointCount: 2 });
    expect(rows.every((r) => r.hoursSinceLastBackup >= 0 && r.hoursSinceLastBackup < 1)).toBe(true);
  });
});
