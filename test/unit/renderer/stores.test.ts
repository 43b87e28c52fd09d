import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { LogLine } from '../../../src-main/shared/session.ts';
import { setClient } from '../../../src-renderer/src/stores/client.ts';
import { useSessionsStore } from '../../../src-renderer/src/stores/sessions.ts';
import { useSessionLogStore } from '../../../src-renderer/src/stores/session-log.ts';
import { useAppStore } from '../../../src-renderer/src/stores/app.ts';
import { ClientError } from '../../../src-renderer/src/transport/client.ts';
import { fakeClient } from './fake-client.ts';
import { lines, session } from './sample-data.ts';

beforeEach(() => setActivePinia(createPinia()));

describe('sessions store', () => {
  it('loads with the server-side filter and sorts newest first', async () => {
    const { client, calls } = fakeClient({
      'sessions.list': () => [session({ id: 'old', createdAt: '2025-01-01T00:00:00.000Z', status: 'failed' }), session({ id: 'new', createdAt: '2025-01-02T00:00:00.000Z', status: 'failed' })],
    });
    setClient(client);
    const store = useSessionsStore();
    await store.setFilter({ statuses: ['failed'], kinds: [] });
    expect(calls[0]).toEqual({ channel: 'sessions.list', input: { limit: 500, status: ['failed'] } });
    expect(store.filtered.map((s) => s.id)).toEqual(['new', 'old']);
    expect(store.statusCounts.failed).toBe(2);
  });

  it('keeps the newest snapshot when events and responses cross', () => {
    setClient(fakeClient({}).client);
    const store = useSessionsStore();
    store.upsert(session({ status: 'canceled', lastSeq: 9 }));
    store.upsert(session({ status: 'running', lastSeq: 4 }));
    expect(store.byId.s1!.status).toBe('canceled');
  });

  it('starts an environment check and cancels, reporting failures in words', async () => {
    const { client } = fakeClient({
      'checks.environment': () => session({ id: 'chk', status: 'queued' }),
      'sessions.cancel': () => {
        throw new ClientError({ code: 'not_found', message: 'No session with id chk.' });
      },
    });
    setClient(client);
    const store = useSessionsStore();
    const started = await store.runEnvironmentCheck();
    expect(started?.id).toBe('chk');
    expect(store.byId.chk!.status).toBe('queued');
    await store.cancel('chk');
    expect(store.actionError).toBe('Could not cancel the session: No session with id chk.');
    expect(store.canceling).toEqual({});
  });
});

describe('session log store', () => {
  function setup(stored: LogLine[]) {
    const fake = fakeClient({
      'sessions.watch': () => ({ watching: true }),
      'sessions.unwatch': () => ({ watching: false }),
      'sessions.logs': (input: { afterSeq: number; limit: number }) => ({
        lines: stored.filter((l) => l.seq > input.afterSeq).slice(0, input.limit),
        lastSeq: stored.length,
      }),
    });
    setClient(fake.client);
    return { ...fake, store: useSessionLogStore() };
  }

  it('watches from the last seq it holds, merges live lines, and fills holes by paging', async () => {
    const { store, calls } = setup(lines(1, 12_000));
    await store.watch('s1');
    expect(calls.at(-1)).toEqual({ channel: 'sessions.watch', input: { id: 's1', afterSeq: 0 } });
    store.receiveLines({ sessionId: 's1', lines: lines(1, 10) });
    const before = store.revision;
    store.receiveLines({ sessionId: 's1', lines: lines(11_000, 11_005) });
    await flushTasks();
    const model = store.modelOf('s1')!;
    await waitFor(() => model.lastSeq === 12_000);
    expect(calls.filter((c) => c.channel === 'sessions.logs').map((c) => (c.input as { afterSeq: number }).afterSeq)).toEqual([10, 5010, 10_010]);
    expect(model.lines).toHaveLength(12_000);
    expect(store.revision).toBeGreaterThan(before);
  });

  it('ignores lines of sessions it does not watch, and re-registers watches on a new connection', async () => {
    const { store, calls } = setup(lines(1, 5));
    store.receiveLines({ sessionId: 'other', lines: lines(1, 3, 'other') });
    expect(store.modelOf('other')).toBeNull();
    await store.watch('s1');
    store.receiveLines({ sessionId: 's1', lines: lines(1, 5) });
    store.connectionOpened();
    await flushTasks();
    expect(calls.filter((c) => c.channel === 'sessions.watch').map((c) => c.input)).toEqual([
      { id: 's1', afterSeq: 0 },
      { id: 's1', afterSeq: 5 },
    ]);
    await store.unwatch('s1');
    expect(store.modelOf('s1')).toBeNull();
    expect(calls.at(-1)).toEqual({ channel: 'sessions.unwatch', input: { id: 's1' } });
  });

  it('reports a watch that fails', async () => {
    setClient(fakeClient({}).client);
    const store = useSessionLogStore();
    await store.watch('s1');
    expect(store.errorOf('s1')).toBe("Could not follow this session's log: No handler for sessions.watch");
  });
});

describe('app store', () => {
  it('loads app info and toggles scheduling through the core', async () => {
    let paused = false;
    const info = () => ({ version: '0.1.0', dataDir: '/d', transport: 'websocket' as const, nodeVersion: '22', schedulingPaused: paused });
    setClient(
      fakeClient({
        'app.info': info,
        'scheduling.setPaused': (input: { paused: boolean }) => {
          paused = input.paused;
          return info();
        },
      }).client,
    );
    const app = useAppStore();
    await app.loadInfo();
    expect(app.info?.schedulingPaused).toBe(false);
    await app.setSchedulingPaused(true);
    expect(app.info?.schedulingPaused).toBe(true);
    expect(app.schedulingBusy).toBe(false);
  });
});

async function flushTasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}
