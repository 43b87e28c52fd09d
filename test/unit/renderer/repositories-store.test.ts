import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { RepositorySummary } from '../../../src-main/shared/catalog.ts';
import { setClient } from '../../../src-renderer/src/stores/client.ts';
import { useRepositoriesStore } from '../../../src-renderer/src/stores/repositories.ts';
import { useSessionsStore } from '../../../src-renderer/src/stores/sessions.ts';
import { ClientError } from '../../../src-renderer/src/transport/client.ts';
import { recallToken, rememberToken, TOKEN_STORAGE_KEY } from '../../../src-renderer/src/transport/token-storage.ts';
import { fakeClient } from './fake-client.ts';
import { session } from './sample-data.ts';

beforeEach(() => setActivePinia(createPinia()));

const repository = (overrides: Partial<RepositorySummary> = {}): RepositorySummary => ({
  id: 'r1',
  name: 'primary',
  location: '/srv/repo',
  kind: 'local',
  isArchive: false,
  encrypted: true,
  sizeBytes: 10,
  restorePointCount: 1,
  lastCheckAt: null,
  lastCheckStatus: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  passwordRemembered: true,
  ...overrides,
});

describe('repositories store', () => {
  it('reloads the list when a session it started ends', async () => {
    let listed = 0;
    const { client } = fakeClient({
      'repositories.list': () => [repository({ lastCheckStatus: listed++ ? 'ok' : null })],
      'repositories.check': () => session({ id: 'chk', kind: 'repository', status: 'queued' }),
    });
    setClient(client);
    const store = useRepositoriesStore();
    await store.load();
    await store.start('r1', 'check');
    expect(store.latestOperation.r1).toEqual({ sessionId: 'chk', repositoryId: 'r1', action: 'check' });
    store.sessionUpdated(session({ id: 'chk', status: 'running' }));
    expect(listed).toBe(1);
    store.sessionUpdated(session({ id: 'chk', status: 'succeeded' }));
    await Promise.resolve();
    await Promise.resolve();
    expect(listed).toBe(2);
    store.sessionUpdated(session({ id: 'someone-elses', status: 'succeeded' }));
    expect(listed).toBe(2);
  });

  it('reloads at once when the session ended before its start call answered', async () => {
    let listed = 0;
    const { client } = fakeClient({
      'repositories.list': () => (listed++, []),
      'repositories.rescan': () => session({ id: 'scan', kind: 'rescan', status: 'queued' }),
    });
    setClient(client);
    const store = useRepositoriesStore();
    const finished: string[] = [];
    store.onOperationFinished((operation) => finished.push(operation.action));
    // The final event arrives first; the start call's (older) answer second.
    useSessionsStore().upsert(session({ id: 'scan', kind: 'rescan', status: 'succeeded' }));
    await store.start('r1', 'rescan');
    expect(listed).toBe(1);
    expect(finished).toEqual(['rescan']);
  });

  it('says why an action could not start, per repository', async () => {
    const { client } = fakeClient({
      'repositories.check': () => {
        throw new ClientError({ code: 'unauthorized', message: 'The password of repository "primary" is not remembered.' });
      },
    });
    setClient(client);
    const store = useRepositoriesStore();
    expect(await store.start('r1', 'check-data')).toBeNull();
    expect(store.actionErrors.r1).toBe('Could not start the check: The password of repository "primary" is not remembered.');
  });

  it('passes secrets to the core without keeping them', async () => {
    const { client, calls } = fakeClient({ 'repositories.add': () => session({ id: 'add', kind: 'repository', status: 'queued' }) });
    setClient(client);
    const store = useRepositoriesStore();
    await store.add({ name: 'n', location: '/x', password: 'hunter2-secret', create: true });
    expect((calls[0]!.input as { password: string }).password).toBe('hunter2-secret');
    expect(JSON.stringify(store.$state)).not.toContain('hunter2');
    expect(store.operations.add).toEqual({ sessionId: 'add', repositoryId: null, action: 'add' });
  });
});

describe('token storage', () => {
  it('remembers the token in the given storage and survives a storage that throws', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
    rememberToken(storage, 'tok');
    expect(map.get(TOKEN_STORAGE_KEY)).toBe('tok');
    expect(recallToken(storage)).toBe('tok');
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {},
    };
    expect(() => rememberToken(broken, 'tok')).not.toThrow();
    expect(recallToken(broken)).toBeNull();
    expect(recallToken(null)).toBeNull();
  });
});
