import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { dispatch } from '../../../src-main/core/api/dispatcher.ts';
import type { ConnectedClient } from '../../../src-main/core/api/client.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let dir: ReturnType<typeof makeTempDir>;
let core: AppCore;
const client: ConnectedClient = { id: 't', transport: 'websocket', send: () => undefined, isBacklogged: () => false };

beforeEach(() => {
  dir = makeTempDir();
  core = AppCore.open({ dataDir: dir.path });
});
afterEach(async () => {
  await core.close();
  dir.remove();
});

describe('dispatch', () => {
  it('answers a valid call', async () => {
    const result = await dispatch(core.handlers, 'app.info', {}, client);
    expect(result).toMatchObject({ ok: true, value: { dataDir: dir.path, transport: 'websocket' } });
  });

  it('refuses unknown channels and malformed payloads with typed errors', async () => {
    expect(await dispatch(core.handlers, 'fs.readFile', {}, client)).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await dispatch(core.handlers, '__proto__', {}, client)).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    const bad = await dispatch(core.handlers, 'sessions.list', { limit: 'all' }, client);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_payload', details: { issues: [{ path: 'limit' }] } } });
    expect(await dispatch(core.handlers, 'app.info', { extra: 1 }, client)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });

  it('changes nothing when a policy payload is invalid', async () => {
    const result = await dispatch(core.handlers, 'policies.save', { policy: { name: 'x', scope: { include: { all: true } } } }, client);
    expect(result).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(core.policies.list()).toEqual([]);
  });

  it('saves, lists and deletes policies', async () => {
    const policy = { name: 'All accounts', scope: { include: { all: true } }, continuousBackup: { enabled: true, tier: 'Continuous7Days' } };
    const saved = await dispatch(core.handlers, 'policies.save', { policy }, client);
    expect(saved.ok).toBe(true);
    const id = saved.ok ? (saved.value as { id: string }).id : '';
    expect(await dispatch(core.handlers, 'policies.list', {}, client)).toMatchObject({ ok: true, value: [{ id, name: 'All accounts' }] });
    const duplicate = await dispatch(core.handlers, 'policies.save', { policy }, client);
    expect(duplicate).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await dispatch(core.handlers, 'policies.delete', { id }, client)).toMatchObject({ ok: true });
    expect(await dispatch(core.handlers, 'policies.get', { id }, client)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
