import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { dispatch } from '../../../src-main/core/api/dispatcher.ts';
import type { ConnectedClient } from '../../../src-main/core/api/client.ts';
import type { Session } from '../../../src-main/shared/session.ts';
import type { RepositorySummary, RestorePointRecordDto } from '../../../src-main/shared/catalog.ts';
import { dataChecksums, startPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { REPO_PASSWORD, createRepository } from './support.ts';

const client: ConnectedClient = { id: 't', transport: 'websocket', send: () => undefined, isBacklogged: () => false };

/** A restore started from the console (the `restores.start` channel) for a catalogued repository. */
describe('restore from the console', () => {
  let server: TestPostgres;
  let core: AppCore;
  const temp = makeTempDir('cosmos-console-restore-');
  const repo = join(temp.path, 'repo');
  let repositoryId = '';
  let point: RestorePointRecordDto;

  async function call<T>(channel: string, payload: unknown): Promise<T> {
    const result = await dispatch(core.handlers, channel, payload, client);
    if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
    return result.value as T;
  }

  beforeAll(async () => {
    server = await startPostgres();
    await server.query('CREATE DATABASE crm');
    await server.query(`CREATE TABLE contacts (id int PRIMARY KEY, email text); INSERT INTO contacts SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 250) g;`, 'crm');
    await createRepository(repo);
    const backup = await runCli(['--data-dir', join(temp.path, 'cli-data'), 'backup', 'postgres', '--source', server.uri(), '--repo', repo, '--database', 'crm'], {
      env: { COSMOS_BACKUP_REPO_PASSWORD: REPO_PASSWORD, PGPASSWORD: server.password },
    });
    expect(backup.code, backup.stderr).toBe(0);
    core = AppCore.open({ dataDir: join(temp.path, 'data') });
    const added = await call<Session>('repositories.add', { name: 'pg', location: repo, password: REPO_PASSWORD });
    expect((await core.sessions.waitFor(added.id)).status).toBe('succeeded');
    repositoryId = (await call<RepositorySummary[]>('repositories.list', {}))[0]!.id;
    const rescan = await call<Session>('repositories.rescan', { id: repositoryId });
    expect((await core.sessions.waitFor(rescan.id)).status).toBe('succeeded');
    point = (await call<RestorePointRecordDto[]>('restorePoints.list', { repositoryId }))[0]!;
  });

  afterAll(async () => {
    await core?.close();
    await server?.stop();
    temp.remove();
  });

  it('restores into a new database with the password given for this restore only', async () => {
    const started = await call<Session>('restores.start', {
      restorePointId: point.id,
      repositoryId,
      reason: 'Ticket 4711: rows deleted by mistake',
      target: { kind: 'database', uri: server.uri(), password: server.password, databaseMap: { crm: 'crm_copy' } },
    });
    const final = await core.sessions.waitFor(started.id);
    expect(final.status, final.summary ?? '').not.toBe('failed');
    expect(final.kind).toBe('restore');
    expect(await dataChecksums(server, 'crm_copy')).toEqual(await dataChecksums(server, 'crm'));
    const logs = core.sessions.logs(started.id, 0, 10_000, 'debug').lines.map((l) => l.message).join('\n');
    expect(logs).not.toContain(server.password);
  });

  it('writes a stock pg_dump directory to a folder', async () => {
    const folder = join(temp.path, 'export');
    const started = await call<Session>('restores.start', { restorePointId: point.id, repositoryId, reason: 'Export for the auditors', target: { kind: 'folder', path: folder } });
    expect((await core.sessions.waitFor(started.id)).status).not.toBe('failed');
    expect(existsSync(join(folder, 'crm', 'toc.dat'))).toBe(true);
    // Both restores are in the audit: who, what, why, and how they ended.
    const audit = await call<{ kind: string; what: string; reason: string; requestedBy: string; status: string | null }[]>('restores.audit', {});
    expect(audit.map((a) => a.reason)).toEqual(['Export for the auditors', 'Ticket 4711: rows deleted by mistake']);
    expect(audit.every((a) => a.kind === 'repository' && a.requestedBy.length > 0 && a.status !== null && a.status !== 'running')).toBe(true);
    expect(audit[0]!.what).toMatch(/to folder /);
  });

  it('refuses bad input before anything runs', async () => {
    const reason = 'testing bad input';
    await expect(call('restores.start', { restorePointId: point.id, repositoryId, reason, target: { kind: 'folder', path: 'relative/dir' } })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(call('restores.start', { restorePointId: point.id, repositoryId, reason, target: { kind: 'database', uri: 'not a uri' } })).rejects.toMatchObject({ code: 'validation_failed' });
    // Collection renames and a write budget are MongoDB's: a PostgreSQL target refuses them.
    await expect(call('restores.start', { restorePointId: point.id, repositoryId, reason, target: { kind: 'database', uri: 'postgres://u@127.0.0.1:5432/x', maxDocumentsPerSecond: 100 } })).rejects.toMatchObject({ code: 'validation_failed', message: /write budget/ });
    await expect(call('restores.start', { restorePointId: point.id, repositoryId, reason, target: { kind: 'database', uri: 'postgres://u@127.0.0.1:5432/x', collectionMap: { 'a.b': 'a.c' } } })).rejects.toMatchObject({ code: 'validation_failed', message: 'Collections apply to MongoDB targets only.' });
    await expect(call('restores.start', { restorePointId: 'f'.repeat(64), repositoryId, reason, target: { kind: 'folder', path: '/tmp/x' } })).rejects.toMatchObject({ code: 'not_found' });
    await expect(call('restores.start', { restorePointId: 'nope', repositoryId, reason, target: { kind: 'folder', path: '/tmp/x' } })).rejects.toMatchObject({ code: 'invalid_payload' });
    // The console must say why: a restore without a reason is refused before anything starts.
    await expect(call('restores.start', { restorePointId: point.id, repositoryId, reason: '  ', target: { kind: 'folder', path: '/tmp/x' } })).rejects.toMatchObject({ code: 'invalid_payload' });
  });
});
