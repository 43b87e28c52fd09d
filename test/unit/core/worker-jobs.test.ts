import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AppCore } from '../../../src-main/app/app-core.ts';
import type { BackupOutcome, ParsedJobSpec, RestoreOutcome } from '../../../src-main/worker/protocol.ts';
import { WorkerJobError } from '../../../src-main/worker/worker-launcher.ts';
import { FakeWorkerLauncher, type FakeJobRunner } from '../../helpers/fake-worker-launcher.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const RP = 'ab'.repeat(32);

/** A backup outcome as the agent reports it, for the job it was given. */
function backupOutcome(job: ParsedJobSpec): BackupOutcome {
  if (job.kind !== 'backup') throw new Error('not a backup');
  return {
    kind: 'backup',
    restorePointId: RP,
    databases: [{ name: 'crm', bytes: 1000, tables: 2, rows: 30 }],
    size: 1000,
    uploadedBytes: 700,
    newChunks: 3,
    chunks: 3,
    notes: [],
    restorePoint: {
      time: '2026-12-01T02:00:00.000Z',
      resource: job.resource,
      ...(job.policy ? { policy: job.policy } : {}),
      gfs: job.gfs,
      engine: { name: 'postgres', versions: { server: '15' } },
      entries: [{ name: 'crm/data/1', size: 1000, counts: { rows: 30 } }],
      totals: { size: 1000, entryCount: 1 },
      durationMs: 1200,
    },
  };
}

const restoreOutcome: RestoreOutcome = { kind: 'restore', databases: [{ name: 'crm', bytes: 1000, tables: 2, rows: 30 }], outputs: ['crm'], notes: [] };

let dir: ReturnType<typeof makeTempDir>;
let core: AppCore;
let launcher: FakeWorkerLauncher;
let runner: FakeJobRunner;

beforeEach(() => {
  dir = makeTempDir();
  runner = async (job) => (job.kind === 'backup' ? backupOutcome(job) : restoreOutcome);
  launcher = new FakeWorkerLauncher((...args) => runner(...args));
  core = AppCore.open({ dataDir: dir.path, launcherFor: () => launcher });
});
afterEach(async () => {
  await core.close();
  dir.remove();
});

/** A catalogued, encrypted repository whose password the app remembers. */
async function cataloguedRepository(name = 'main') {
  const record = core.repositories.add({ name, location: join(dir.path, name), kind: 'local', encrypted: true }, '2026-12-01T00:00:00.000Z');
  await core.repositoryCatalog.rememberPassword(record.id, 'remembered-repo-pass');
  return record;
}

describe('WorkerJobs.startBackup', () => {
  it('backs up a MongoDB server: the URI\'s password travels in the secrets only, and the read budget setting applies', async () => {
    await cataloguedRepository();
    core.settings.set('mongoMaxDocumentsPerSecond', 2500, '2026-12-01T00:00:00.000Z');
    const started = await core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { uri: 'mongodb://ops:uri-pass@Shop.Example.com:10255/?tls=true' }, collections: ['shop.orders'] });
    await started.finished;
    const launch = launcher.launches[0]!;
    expect(launch.job).toMatchObject({ kind: 'backup', engine: 'mongodb', source: { engine: 'mongodb', uri: 'mongodb://Shop.Example.com:10255/?tls=true', user: 'ops' }, collections: ['shop.orders'], options: { maxDocumentsPerSecond: 2500 }, resource: { id: 'mongodb://shop.example.com:10255', kind: 'mongodb' } });
    expect(JSON.stringify(launch.job)).not.toContain('uri-pass');
    expect(launch.secrets.databasePassword).toBe('uri-pass');
    // Collections belong to MongoDB: a PostgreSQL source with them is refused before any session.
    await expect(core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { uri: 'postgres://u@db/postgres' }, collections: ['a.b'] })).rejects.toThrow(/Collections can be chosen for MongoDB sources only/);
  });

  it('builds the job, gathers the secrets, and catalogues the restore point in the same session', async () => {
    const repository = await cataloguedRepository();
    const started = await core.workerJobs.startBackup({
      repository: { ref: 'main' },
      source: { uri: 'postgres://admin:uri-pass@DB.Example.com:6432/postgres' },
      databases: ['crm'],
      policy: { id: 'p1', name: 'Nightly' },
      gfs: { daily: true, weekly: true },
    });
    const { session, outcome } = await started.finished;
    expect(session.status).toBe('succeeded');
    expect(outcome?.restorePointId).toBe(RP);

    const [launch] = launcher.launches;
    expect(launch!.job).toMatchObject({
      kind: 'backup',
      engine: 'postgres',
      repository: { location: repository.location },
      source: { engine: 'postgres', host: 'DB.Example.com', port: 6432, user: 'admin' },
      databases: ['crm'],
      resource: { id: 'postgres://db.example.com:6432', name: 'DB.Example.com', kind: 'postgres' },
      policy: { id: 'p1', name: 'Nightly' },
      gfs: { daily: true, weekly: true, monthly: false, yearly: false },
    });
    // The job spec holds no secret; the secrets travel apart.
    expect(JSON.stringify(launch!.job)).not.toMatch(/uri-pass|remembered-repo-pass/);
    expect(launch!.secrets).toEqual({ databasePassword: 'uri-pass', repositoryPassword: 'remembered-repo-pass' });
    expect(launch!.released).toBe(true);

    // In the catalog at once, keyed by the normalized server identity, with its flags and session.
    const [record] = core.restorePoints.list({ repositoryId: repository.id });
    expect(record).toMatchObject({ id: RP, kind: 'repository', resourceId: 'postgres://db.example.com:6432', policyId: 'p1', sessionId: session.id, sizeBytes: 1000 });
    expect(record!.gfs.sort()).toEqual(['daily', 'weekly']);
    expect(core.repositories.get(repository.id)).toMatchObject({ restorePointCount: 1, sizeBytes: 700 });
    // The URI's password was used, never stored.
    expect(await core.secrets.get('postgres-password:admin@DB.Example.com:6432')).toBeUndefined();
  });

  it('groups a server by one identity however the host is spelled, and an Azure resource by its ARM id', async () => {
    await cataloguedRepository();
    await (await core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { uri: 'postgres://u:p@Host.Example.com/postgres' } })).finished;
    await (await core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { uri: 'postgres://u:p@host.example.com:5432/other' } })).finished;
    expect(launcher.launches.map((l) => (l.job.kind === 'backup' ? l.job.resource.id : ''))).toEqual(['postgres://host.example.com:5432', 'postgres://host.example.com:5432']);
    const arm = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing';
    await (await core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { uri: 'postgres://u:p@c-billing.postgres.cosmos.azure.com/citus' }, resource: { id: arm, name: 'billing', kind: 'cosmosdb-postgres', region: 'westeurope' } })).finished;
    const last = launcher.launches.at(-1)!;
    expect(last.job.kind === 'backup' && last.job.resource).toEqual({ id: arm, name: 'billing', kind: 'cosmosdb-postgres' });
    expect(last.placement).toMatchObject({ region: 'westeurope', subscriptionId: 's', sessionId: expect.any(String) });
  });

  it('catalogues a repository it writes to for the first time, and remembers the server password only when asked', async () => {
    const location = join(dir.path, 'fresh');
    const started = await core.workerJobs.startBackup({
      repository: { ref: location, password: 'given-pass' },
      source: { uri: 'postgres://admin@db:5432/postgres', password: 'db-pass' },
      rememberDatabasePassword: true,
    });
    expect((await started.finished).session.status).toBe('succeeded');
    const repository = core.repositories.findByLocation(location);
    expect(repository).toMatchObject({ name: 'fresh', encrypted: true });
    expect(core.restorePoints.list({ repositoryId: repository!.id }).map((p) => p.id)).toEqual([RP]);
    expect(await core.secrets.get('postgres-password:admin@db:5432')).toBe('db-pass');
    // The repository password given for one job is not remembered.
    expect(await core.repositoryCatalog.hasRememberedPassword(repository!.id)).toBe(false);
  });

  it('fails the session, catalogues nothing and still releases the worker when the job fails', async () => {
    const repository = await cataloguedRepository();
    runner = async () => {
      throw new WorkerJobError('auth_failed', 'password authentication failed for user "admin"');
    };
    const { session, outcome } = await (await core.workerJobs.startBackup({ repository: { ref: repository.id }, source: { uri: 'postgres://admin:x@db/postgres' } })).finished;
    expect(session.status).toBe('failed');
    expect(session.summary).toMatch(/password authentication failed/);
    expect(outcome).toBeUndefined();
    expect(core.restorePoints.list({ repositoryId: repository.id })).toEqual([]);
    expect(launcher.launches[0]!.released).toBe(true);
    const lines = core.sessions.logs(session.id, 0, 100, 'debug').lines.map((l) => l.message);
    expect(lines).toContain('No restore point was written for this backup.');
  });

  it('refuses bad input before any session exists', async () => {
    await cataloguedRepository();
    const before = core.sessions.list({ limit: 100 }).length;
    await expect(core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { uri: 'mysql://db/x' } })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { uri: 'postgres://' } })).rejects.toMatchObject({ code: 'validation_failed' });
    const locked = core.repositories.add({ name: 'locked', location: join(dir.path, 'locked'), kind: 'local', encrypted: true }, '2026-12-01T00:00:00.000Z');
    await expect(core.workerJobs.startBackup({ repository: { ref: locked.id }, source: { uri: 'postgres://db/x' } })).rejects.toMatchObject({ code: 'unauthorized' });
    expect(core.sessions.list({ limit: 100 })).toHaveLength(before);
    expect(launcher.launches).toEqual([]);
  });
});

describe('WorkerJobs.startBackup of an inventory resource', () => {
  const SUBSCRIPTION = '00000000-1111-4222-8333-444444444444';
  const clusterId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/billing-pg`;
  const record = (over: Record<string, unknown> = {}) => ({
    id: clusterId,
    subscriptionId: SUBSCRIPTION,
    resourceGroup: 'rg',
    name: 'billing-pg',
    kind: 'postgres-cluster' as const,
    api: null,
    location: 'westeurope',
    tags: {},
    properties: { coordinator: 'c-billing-pg.abc123.postgres.cosmos.azure.com' },
    deleted: false,
    syncedAt: '2026-12-01T00:00:00.000Z',
    ...over,
  });

  it('backs up the coordinator ARM reported, keyed by the ARM id, in the cluster region, with the remembered login', async () => {
    await cataloguedRepository();
    core.inventory.upsertSubscription({ id: SUBSCRIPTION, tenantId: 't', displayName: 'Production', state: 'Enabled', syncedAt: '2026-12-01T00:00:00.000Z' });
    core.inventory.replaceResources(SUBSCRIPTION, [record()], '2026-12-01T00:00:00.000Z');
    await core.secrets.set('postgres-password:citus@c-billing-pg.abc123.postgres.cosmos.azure.com:5432', 'remembered-citus');
    const { session } = await (await core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { resourceId: clusterId } })).finished;
    expect(session.status).toBe('succeeded');
    const launch = launcher.launches[0]!;
    expect(launch.job).toMatchObject({
      source: { engine: 'postgres', host: 'c-billing-pg.abc123.postgres.cosmos.azure.com', port: 5432, user: 'citus', database: 'citus', sslMode: 'require' },
      // The inventory keys ARM ids in lower case (ARM ids are case-insensitive): one key per resource.
      resource: { id: clusterId.toLowerCase(), name: 'billing-pg', kind: 'postgres-cluster' },
    });
    // The worker goes to the cluster's region and subscription; the session is recorded with it.
    expect(launch.placement).toMatchObject({ region: 'westeurope', subscriptionId: clusterId.split('/')[2], sessionId: expect.any(String) });
    expect(launch.secrets.databasePassword).toBe('remembered-citus');
    expect(core.restorePoints.list({ resourceId: clusterId }).map((p) => p.id)).toEqual([RP]);
  });

  it('refuses resources it cannot back up into a repository, with the reason', async () => {
    await cataloguedRepository();
    core.inventory.upsertSubscription({ id: SUBSCRIPTION, tenantId: 't', displayName: 'Production', state: 'Enabled', syncedAt: '2026-12-01T00:00:00.000Z' });
    const sqlId = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/orders`;
    core.inventory.replaceResources(SUBSCRIPTION, [record({ properties: {} }), record({ id: sqlId, name: 'orders', kind: 'cosmosdb-account', api: 'Sql' })], '2026-12-01T00:00:00.000Z');
    await expect(core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { resourceId: sqlId } })).rejects.toThrow(/protected by continuous backup/);
    await expect(core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { resourceId: clusterId } })).rejects.toThrow(/no coordinator/);
    await expect(core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { resourceId: '/subscriptions/x/nope' } })).rejects.toMatchObject({ code: 'not_found' });
    expect(launcher.launches).toEqual([]);
  });
});

describe('WorkerJobs.startRestore', () => {
  it('finds a catalogued restore point by prefix and passes the engine options through', async () => {
    const repository = await cataloguedRepository();
    await (await core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { uri: 'postgres://u:p@db/postgres' } })).finished;
    const started = await core.workerJobs.startRestore({
      repository: { ref: repository.name },
      restorePointId: RP.slice(0, 10),
      target: { kind: 'database', uri: 'postgres://u@target:5433/postgres', password: 'target-pass', databaseMap: { crm: 'crm_copy' }, clean: true, options: { schemas: ['sales'], noOwner: true } },
    });
    expect((await started.finished).session.status).toBe('succeeded');
    const job = launcher.launches.at(-1)!.job;
    expect(job).toMatchObject({
      kind: 'restore',
      engine: 'postgres',
      restorePointId: RP,
      target: { kind: 'database', databaseMap: { crm: 'crm_copy' }, clean: true, options: { engine: 'postgres', schemas: ['sales'], tables: [], globals: false, noOwner: true } },
    });
    expect(launcher.launches.at(-1)!.secrets).toEqual({ databasePassword: 'target-pass', repositoryPassword: 'remembered-repo-pass' });
    // The restore session belongs to the resource the restore point is of.
    expect(started.session.resourceId).toBe('postgres://db:5432');
  });

  it('refuses what it can tell is wrong before a session starts', async () => {
    const repository = await cataloguedRepository();
    await expect(core.workerJobs.startRestore({ repository: { ref: repository.id }, restorePointId: 'xyz', target: { kind: 'folder', path: '/tmp/x' } })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(core.workerJobs.startRestore({ repository: { ref: repository.id }, restorePointId: RP, target: { kind: 'folder', path: 'relative' } })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(core.workerJobs.startRestore({ repository: { ref: repository.id }, restorePointId: RP, requireCatalogued: true, target: { kind: 'folder', path: '/tmp/x' } })).rejects.toMatchObject({ code: 'not_found' });
    expect(launcher.launches).toEqual([]);
  });
});

describe('half-restored targets', () => {
  it('are recorded as touched, named when the restore fails, and cleared by a later restore of the same target', async () => {
    const repository = await cataloguedRepository();
    await (await core.workerJobs.startBackup({ repository: { ref: 'main' }, source: { uri: 'postgres://u:p@db/postgres' } })).finished;
    runner = async (job, _secrets, events) => {
      events.targetTouched('crm_copy');
      if (job.kind === 'restore') throw new WorkerJobError('failed', 'COPY failed: disk full');
      return restoreOutcome;
    };
    const target = { kind: 'database' as const, uri: 'postgres://admin@target.example.com:5432/postgres', password: 'x', databaseMap: { crm: 'crm_copy' } };
    const failed = (await (await core.workerJobs.startRestore({ repository: { ref: repository.id }, restorePointId: RP, target })).finished).session;
    expect(failed.status).toBe('failed');
    const lines = core.sessions.logs(failed.id, 0, 100, 'error').lines.map((l) => l.message);
    expect(lines).toContain('database crm_copy on server postgres://admin@target.example.com:5432/postgres?sslmode=require is half-restored: drop it or restore again with --clean.');
    expect(core.touchedTargets.halfRestored().map((t) => t.database)).toEqual(['crm_copy']);

    runner = async (_job, _secrets, events) => {
      events.targetTouched('crm_copy');
      return restoreOutcome;
    };
    const fixed = (await (await core.workerJobs.startRestore({ repository: { ref: repository.id }, restorePointId: RP, target: { ...target, clean: true } })).finished).session;
    expect(fixed.status).toBe('succeeded');
    expect(core.touchedTargets.halfRestored()).toEqual([]);
  });

  it('are named when the process that ran the restore died and its session is closed as interrupted', async () => {
    const store = core.touchedTargets;
    // A restore session another process left running, whose process is gone (a dead pid on this host).
    core.db
      .prepare(
        `INSERT INTO sessions (id, kind, title, status, created_at, started_at, resource_id, owner_instance, owner_pid, owner_host, heartbeat_at)
         VALUES ('lost', 'restore', 'Restore of crm', 'running', ?, ?, 'postgres://db:5432', 'other', 2147483646, ?, ?)`,
      )
      .run('2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', (await import('node:os')).hostname(), '2026-12-01T00:00:00.000Z');
    store.touch('lost', 'postgres://admin@target:5432/postgres?sslmode=require', 'crm_copy', '2026-12-01T00:00:01.000Z');
    expect(core.sessions.recoverInterrupted()).toBe(1);
    const closed = core.sessions.get('lost');
    expect(closed.status).toBe('failed');
    expect(closed.summary).toBe('Interrupted by shutdown; database crm_copy on server postgres://admin@target:5432/postgres?sslmode=require is half-restored: drop it or restore again with --clean.');
    expect(core.sessions.logs('lost', 0, 10, 'error').lines.map((l) => l.message)).toContain('database crm_copy on server postgres://admin@target:5432/postgres?sslmode=require is half-restored: drop it or restore again with --clean.');
  });
});
