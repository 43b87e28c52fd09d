import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { initRepository } from '../../../src-main/repository/index.ts';
import type { BackupOutcome, ParsedJobSpec } from '../../../src-main/worker/protocol.ts';
import { WorkerJobError } from '../../../src-main/worker/worker-launcher.ts';
import { FakeWorkerLauncher, type FakeJobRunner } from '../../helpers/fake-worker-launcher.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const SUB = '00000000-1111-4222-8333-444444444444';
const cluster = (name: string) => `/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.dbforpostgresql/servergroupsv2/${name}`;

let dir: ReturnType<typeof makeTempDir>;
let core: AppCore;
let launcher: FakeWorkerLauncher;
let runner: FakeJobRunner;
let counter = 0;

function outcome(job: ParsedJobSpec): BackupOutcome {
  if (job.kind !== 'backup') throw new Error('backup expected');
  const id = (++counter).toString(16).padStart(64, '0');
  return {
    kind: 'backup',
    restorePointId: id,
    databases: [{ name: 'citus', bytes: 10, tables: 1, rows: 1 }],
    size: 10,
    uploadedBytes: 10,
    newChunks: 1,
    chunks: 1,
    notes: [],
    restorePoint: { time: new Date(Date.UTC(2026, 11, 1, 2, counter)).toISOString(), resource: job.resource, ...(job.policy ? { policy: job.policy } : {}), gfs: job.gfs, engine: { name: 'postgres', versions: {} }, entries: [], totals: { size: 10, entryCount: 0 }, durationMs: 5 },
  };
}

beforeEach(async () => {
  dir = makeTempDir();
  runner = async (job) => outcome(job);
  launcher = new FakeWorkerLauncher((...args) => runner(...args));
  core = AppCore.open({ dataDir: join(dir.path, 'data'), launcherFor: () => launcher, policyRunTuning: { retryDelayMs: () => 5 } });
  const location = join(dir.path, 'repo');
  await initRepository(location, { password: 'pw', scrypt: { n: 1024, r: 8, p: 1 } });
  const repository = core.repositories.add({ name: 'nightly', location, kind: 'local', encrypted: true }, '2026-12-01T00:00:00.000Z');
  await core.repositoryCatalog.rememberPassword(repository.id, 'pw');
  core.inventory.upsertSubscription({ id: SUB, tenantId: 't', displayName: 'Production', state: 'Enabled', syncedAt: '2026-12-01T00:00:00.000Z' });
  const record = (name: string, host: string) => ({
    id: cluster(name), subscriptionId: SUB, resourceGroup: 'rg', name, kind: 'postgres-cluster' as const, api: null, location: 'westeurope', tags: {}, properties: { coordinator: host }, deleted: false, syncedAt: '2026-12-01T00:00:00.000Z',
  });
  core.inventory.replaceResources(SUB, [record('billing', 'c-billing.example.com'), record('orders', 'c-orders.example.com'), record('scratch', 'c-scratch.example.com')], '2026-12-01T00:00:00.000Z');
  core.policies.save({
    name: 'Nightly',
    scope: { resourceKinds: ['postgres-cluster'], include: { all: true }, exclude: { resources: [cluster('scratch').replace('resourcegroups', 'resourceGroups')] } },
    repositoryBackup: { repositoryId: repository.id, schedules: { daily: { enabled: true, time: '02:00', keepDays: 7 } } },
    retries: { count: 2, intervalMinutes: 1 },
  });
});
afterEach(async () => {
  await core.close();
  dir.remove();
});

describe('a policy run', () => {
  it('backs up every resource it governs as a task, retries a failure, applies retention, and ends succeeded', async () => {
    await core.resourceLogins.set(cluster('billing'), { user: 'citus', password: 'billing-pass' });
    await core.resourceLogins.set(cluster('orders'), { user: 'ops', password: 'orders-pass' });
    let ordersFailures = 0;
    runner = async (job) => {
      if (job.kind === 'backup' && job.resource.name === 'orders' && ordersFailures++ === 0) throw new WorkerJobError('unreachable', 'could not connect to c-orders.example.com');
      return outcome(job);
    };
    const session = core.policyRuns.start({ policyId: 'Nightly', schedules: ['daily'], dueAt: new Date('2026-12-01T02:00:00Z') });
    expect(() => core.policyRuns.start({ policyId: 'Nightly', schedules: [] })).toThrow(/still running/);
    const final = await core.sessions.waitFor(session.id);
    expect(final).toMatchObject({ kind: 'policy', status: 'succeeded', summary: '2 of 2 resource(s) backed up.' });

    // One task per resource (the excluded one is not there), the retried one twice, plus retention.
    const tasks = core.sessions.list({ parentId: session.id, limit: 100 });
    const backups = tasks.filter((t) => t.kind === 'backup');
    expect(backups.map((t) => `${t.resourceId?.split('/').pop()} ${t.status}`).sort()).toEqual(['billing succeeded', 'orders failed', 'orders succeeded']);
    expect(tasks.filter((t) => t.kind === 'retention').map((t) => t.status)).toEqual(['succeeded', 'succeeded']);
    expect(backups.every((t) => t.policyId === final.policyId)).toBe(true);

    // The jobs carried the policy, its flags and each resource's own login.
    const jobs = launcher.launches.map((l) => l.job).filter((j): j is Extract<ParsedJobSpec, { kind: 'backup' }> => j.kind === 'backup');
    expect(jobs.every((j) => j.policy?.name === 'Nightly' && j.gfs.daily && !j.gfs.weekly)).toBe(true);
    expect(launcher.launches.find((l) => l.job.kind === 'backup' && l.job.resource.name === 'billing')?.secrets.databasePassword).toBe('billing-pass');
    const log = core.sessions.logs(session.id, 0, 1000, 'debug').lines.map((l) => l.message).join('\n');
    expect(log).toMatch(/orders: the backup failed \(could not connect to c-orders.example.com\); retry 1 of 2 in 1 min\./);
    expect(log).toMatch(/orders: backed up on retry 1 of 2/);
    expect(core.restorePoints.list({ resourceId: cluster('orders') })).toHaveLength(1);
  });

  it('skips a resource without a login with a warning that says how to set one, and still backs up the others', async () => {
    await core.resourceLogins.set(cluster('billing'), { user: 'citus', password: 'billing-pass' });
    const final = await core.sessions.waitFor(core.policyRuns.start({ policyId: 'Nightly', schedules: ['daily'] }).id);
    expect(final.status).toBe('warning');
    expect(final.summary).toBe('1 of 2 resource(s) backed up; skipped: orders.');
    const log = core.sessions.logs(final.id, 0, 1000, 'debug').lines.map((l) => l.message).join('\n');
    expect(log).toContain(`orders: no database login is set, so it was skipped. Set one: cosmos-backup resource-login set "${cluster('orders')}" --user citus`);
  });

  it('fails with the reason when nothing could be backed up, or the repository password is not remembered', async () => {
    runner = async () => {
      throw new WorkerJobError('auth_failed', 'password authentication failed');
    };
    await core.resourceLogins.set(cluster('billing'), { user: 'citus', password: 'x' });
    await core.resourceLogins.set(cluster('orders'), { user: 'citus', password: 'y' });
    const failed = await core.sessions.waitFor(core.policyRuns.start({ policyId: 'Nightly', schedules: ['daily'] }).id);
    expect(failed.status).toBe('failed');
    expect(failed.summary).toMatch(/0 of 2 resource\(s\) backed up; failed: (billing, orders|orders, billing)/);
    // Each resource was tried 1 + 2 retries times.
    expect(launcher.launches).toHaveLength(6);

    const other = core.repositories.add({ name: 'locked', location: join(dir.path, 'locked'), kind: 'local', encrypted: true }, '2026-12-01T00:00:00.000Z');
    const { createdAt: _c, updatedAt: _u, ...policy } = core.policies.get('Nightly');
    core.policies.save({ ...policy, repositoryBackup: { ...policy.repositoryBackup!, repositoryId: other.id } });
    const locked = await core.sessions.waitFor(core.policyRuns.start({ policyId: 'Nightly', schedules: [] }).id);
    expect(locked.status).toBe('failed');
    expect(locked.summary).toMatch(/password of repository "locked" is not remembered/);
  });
});
