import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { dispatch } from '../../../src-main/core/api/dispatcher.ts';
import type { ConnectedClient } from '../../../src-main/core/api/client.ts';
import type { Session } from '../../../src-main/shared/session.ts';
import type { RepositorySummary } from '../../../src-main/shared/catalog.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let dir: ReturnType<typeof makeTempDir>;
let core: AppCore;
const client: ConnectedClient = { id: 't', transport: 'websocket', send: () => undefined, isBacklogged: () => false };
const PASSWORD = 'console-entered-passphrase-7731';

async function call<T>(channel: string, payload: unknown): Promise<T> {
  const result = await dispatch(core.handlers, channel, payload, client);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as T;
}

beforeAll(() => {
  dir = makeTempDir();
  core = AppCore.open({ dataDir: join(dir.path, 'data') });
});
afterAll(async () => {
  await core.close();
  dir.remove();
});

describe('repositories from the console', () => {
  it('creates a repository after a connection test, remembering the password in the secret store only', async () => {
    const location = join(dir.path, 'repo');
    const started = await call<Session>('repositories.add', { name: 'Main', location, password: PASSWORD, create: true });
    expect(started.kind).toBe('repository');
    expect((await core.sessions.waitFor(started.id)).status).toBe('succeeded');
    const [repository] = await call<RepositorySummary[]>('repositories.list', {});
    expect(repository).toMatchObject({ name: 'Main', location, encrypted: true, passwordRemembered: true, restorePointCount: 0 });
    // The password is nowhere in the config DB (including its WAL) nor in any session log.
    core.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of readdirSync(join(dir.path, 'data'))) {
      expect(readFileSync(join(dir.path, 'data', file)).includes(PASSWORD), file).toBe(false);
    }
  });

  it('does not catalogue a repository whose connection test fails', async () => {
    const started = await call<Session>('repositories.add', { name: 'Wrong', location: join(dir.path, 'repo-missing') , password: PASSWORD });
    const final = await core.sessions.waitFor(started.id);
    expect(final.status).toBe('failed');
    expect((await call<RepositorySummary[]>('repositories.list', {})).map((r) => r.name)).toEqual(['Main']);
    const duplicate = await dispatch(core.handlers, 'repositories.add', { name: 'Main', location: join(dir.path, 'other'), password: PASSWORD, create: true }, client);
    expect(duplicate).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const noPassword = await dispatch(core.handlers, 'repositories.add', { name: 'NoPw', location: join(dir.path, 'other'), create: true }, client);
    expect(noPassword).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it('runs check and rescan as sessions with the remembered password', async () => {
    const [repository] = await call<RepositorySummary[]>('repositories.list', {});
    const check = await call<Session>('repositories.check', { id: repository!.id, readData: true });
    expect((await core.sessions.waitFor(check.id)).status).toBe('succeeded');
    const rescan = await call<Session>('repositories.rescan', { id: repository!.id });
    expect((await core.sessions.waitFor(rescan.id)).kind).toBe('rescan');
    const [after] = await call<RepositorySummary[]>('repositories.list', {});
    expect(after!.lastCheckStatus).toBe('ok');
    expect(await call('restorePoints.list', { repositoryId: repository!.id })).toEqual([]);
  });
});
