import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppCore } from '../../../src-main/app/app-core.ts';
import type { Session } from '../../../src-main/shared/session.ts';
import { runCli } from '../../helpers/cli.ts';
import { startService } from '../../helpers/service.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { startBlackholeServer } from '../../helpers/blackhole-server.ts';
import { TestWsClient } from '../../helpers/ws-client.ts';

let dir: ReturnType<typeof makeTempDir>;
let dataDir: string;
const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args]);

beforeAll(() => {
  dir = makeTempDir();
  dataDir = join(dir.path, 'data');
});
afterAll(() => dir.remove());

const SUB = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const validPolicy = {
  name: 'Production accounts',
  priority: 80,
  scope: { include: { subscriptions: [SUB], tags: [{ name: 'env', value: 'prod' }] }, exclude: { resources: [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DocumentDB/databaseAccounts/scratch`] } },
  continuousBackup: { enabled: true, tier: 'Continuous30Days', migratePeriodicAccounts: true },
};

describe('cosmos-backup CLI', () => {
  it('runs the environment check as a recorded session', async () => {
    const run = await cli('--json', 'check');
    expect(run.code).toBe(0);
    const session = JSON.parse(run.stdout) as Session;
    expect(session).toMatchObject({ kind: 'environment-check', status: 'succeeded' });
    const list = await cli('--json', 'sessions', 'list');
    expect((JSON.parse(list.stdout) as Session[]).map((s) => s.id)).toContain(session.id);
    const logs = await cli('sessions', 'logs', session.id);
    expect(logs.stdout).toMatch(/Configuration database: integrity ok/);
    expect(logs.stdout.trim().split('\n').length).toBe(session.lastSeq);
    const shown = await cli('sessions', 'show', session.id);
    expect(shown.stdout).toMatch(/status\s+succeeded/);
  });

  it('exits 2 with the help of the command on usage errors', async () => {
    for (const args of [['sessions', 'frobnicate'], ['sessions', 'list', '--limit', 'lots'], ['--no-such-flag', 'check'], ['sessions', 'show'], []]) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout + run.stderr).toMatch(/Usage: cosmos-backup/);
    }
  });

  it('exits 1 with a clear message when the operation fails', async () => {
    const run = await cli('sessions', 'show', 'no-such-session');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('error: No session with id no-such-session.\n');
    const json = await cli('--json', 'sessions', 'show', 'no-such-session');
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'not_found', message: 'No session with id no-such-session.' } });
  });

  it('validates, imports, lists, exports and deletes policies', async () => {
    const file = join(dir.path, 'policy.json');
    writeFileSync(file, JSON.stringify(validPolicy));
    expect((await cli('policy', 'validate', file)).code).toBe(0);
    expect((await cli('policy', 'import', file)).stdout).toMatch(/Imported 1 policy: Production accounts/);
    const list = await cli('policy', 'list');
    expect(list.stdout).toMatch(/Production accounts\s+yes\s+80\s+Continuous30Days/);
    const out = join(dir.path, 'export.json');
    expect((await cli('policy', 'export', '--out', out)).code).toBe(0);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject(validPolicy);
    // An export that cannot be written (the path is a folder) fails and leaves no temporary file.
    const failed = await cli('policy', 'export', '--out', dir.path);
    expect(failed.code).toBe(1);
    expect(readdirSync(dirname(dir.path)).filter((name) => name.startsWith(`${basename(dir.path)}.`) && name.endsWith('.tmp'))).toEqual([]);
    // Importing the export again replaces (same id), it does not duplicate.
    expect((await cli('policy', 'import', out)).code).toBe(0);
    expect(JSON.parse((await cli('--json', 'policy', 'list')).stdout)).toHaveLength(1);
    expect((await cli('policy', 'delete', 'production accounts')).stdout).toMatch(/Deleted policy "Production accounts"/);
    expect(JSON.parse((await cli('--json', 'policy', 'list')).stdout)).toEqual([]);
  });

  it('rejects a malformed policy file naming the field, and saves none of it', async () => {
    const file = join(dir.path, 'bad.json');
    writeFileSync(file, JSON.stringify([validPolicy, { ...validPolicy, name: 'Second', continuousBackup: { enabled: true, tier: 'Continuous90Days' } }]));
    const validate = await cli('policy', 'validate', file);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/\[1\]\.continuousBackup\.tier: must be Continuous7Days or Continuous30Days/);
    const imported = await cli('policy', 'import', file);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/\[1\]\.continuousBackup\.tier/);
    expect(JSON.parse((await cli('--json', 'policy', 'list')).stdout)).toEqual([]);
    writeFileSync(file, '{ "name": ');
    const broken = await cli('policy', 'import', file);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/is not valid JSON/);
  });

  it('shows and changes settings, refusing values out of range or not written in decimal digits', async () => {
    const listed = await cli('settings', 'get');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/configurationIntervalHours\s+8 hours\s+8 hours/);
    expect((await cli('settings', 'set', 'healthCheckSamplePercent', '20')).code).toBe(0);
    // Setting one value leaves the others as they were (an update once filled in every default).
    expect((await cli('settings', 'set', 'configurationIntervalHours', '12')).stdout).toBe('Configuration interval: 12 hours.\n');
    expect(JSON.parse((await cli('--json', 'settings', 'get', 'configurationIntervalHours')).stdout)).toEqual({ configurationIntervalHours: 12 });
    const tooBig = await cli('settings', 'set', 'configurationIntervalHours', '200');
    expect(tooBig.code).toBe(1);
    expect(tooBig.stderr).toMatch(/configurationIntervalHours must be at most 168 hours/);
    for (const bad of ['0x10', '1e9', ' 5']) expect((await cli('settings', 'set', 'sessionLogRetentionDays', bad)).code, bad).toBe(1);
    expect((await cli('settings', 'set', 'schedulingPaused', 'yes')).stderr).toMatch(/must be true or false/);
    expect((await cli('settings', 'set', 'noSuchSetting', '1')).code).toBe(2);
    // Nothing bad was stored.
    expect(JSON.parse((await cli('--json', 'settings', 'get')).stdout)).toMatchObject({ configurationIntervalHours: 12, schedulingPaused: false, sessionLogRetentionDays: 180, healthCheckSamplePercent: 20, emailNotifications: 'off' });
  });

  it('reports a corrupt config DB without touching it', async () => {
    const corruptDir = join(dir.path, 'corrupt');
    const seed = await runCli(['--data-dir', corruptDir, 'sessions', 'list']);
    expect(seed.code).toBe(0);
    const file = join(corruptDir, 'config.db');
    const damaged = Buffer.alloc(8192, 0x41);
    writeFileSync(file, damaged);
    const run = await runCli(['--data-dir', corruptDir, 'sessions', 'list']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/configuration database .* is damaged/);
    expect(readFileSync(file).equals(damaged)).toBe(true);
  });

  it('cancels a session run by the headless service, and closes sessions a killed service left running', async () => {
    const blackhole = await startBlackholeServer();
    const seedCore = AppCore.open({ dataDir });
    seedCore.repositories.add({ name: 'hanging', location: blackhole.url, kind: 'azure-blob' }, new Date().toISOString());
    await seedCore.close();
    let service = await startService(dataDir);
    try {
      let client = await TestWsClient.connect(`ws://127.0.0.1:${service.port}/ws?token=${new URL(service.url).searchParams.get('token')}`);
      const first = await client.call<Session>('checks.environment');
      await client.waitForEvents(() => client.events.some((e) => e.event === 'session.updated' && (e.payload as Session).id === first.id && (e.payload as Session).status === 'running'));
      const canceled = await cli('--json', 'sessions', 'cancel', first.id);
      expect(canceled.code).toBe(0);
      expect(JSON.parse(canceled.stdout)).toMatchObject({ id: first.id, status: 'canceled' });

      const second = await client.call<Session>('checks.environment');
      await client.waitForEvents(() => client.events.some((e) => e.event === 'session.updated' && (e.payload as Session).id === second.id && (e.payload as Session).status === 'running'));
      client.close();
      await service.kill();
      service = await startService(dataDir);
      client = await TestWsClient.connect(`ws://127.0.0.1:${service.port}/ws?token=${new URL(service.url).searchParams.get('token')}`);
      const after = await client.call<Session>('sessions.get', { id: second.id });
      expect(after).toMatchObject({ status: 'failed', summary: 'Interrupted by shutdown' });
      const running = await client.call<Session[]>('sessions.list', { status: ['running', 'queued', 'canceling'] });
      expect(running).toEqual([]);
      client.close();
    } finally {
      await service.stop();
      await blackhole.stop();
    }
  });
});
