import { describe, expect, it } from 'vitest';
import { ClientError, createClient } from '../../../src-renderer/src/transport/client.ts';
import type { ConnectionStatus, EventListener, Transport } from '../../../src-renderer/src/transport/transport.ts';
import { session } from './sample-data.ts';

/** A transport that answers from a table and lets the test push events. */
function fakeTransport(answers: Record<string, unknown>) {
  const listeners = new Set<EventListener>();
  const calls: [string, unknown][] = [];
  const status: ConnectionStatus = { state: 'open', attempt: 0, nextRetryAt: null, reason: null };
  const transport: Transport = {
    kind: 'websocket',
    status,
    invoke: async (channel, payload) => {
      calls.push([channel, payload]);
      return answers[channel];
    },
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus: (listener) => {
      listener(status);
      return () => {};
    },
    close: () => {},
  };
  return { transport, calls, push: (event: string, payload: unknown) => listeners.forEach((l) => l(event, payload)) };
}

describe('contract client', () => {
  it('returns validated outputs (defaults applied)', async () => {
    const { transport } = fakeTransport({ 'sessions.get': { ok: true, value: session({ id: 'a' }) } });
    const client = createClient(transport);
    await expect(client.invoke('sessions.get', { id: 'a' })).resolves.toMatchObject({ id: 'a', status: 'running' });
  });

  it('throws typed errors carrying code, message and details', async () => {
    const { transport } = fakeTransport({ 'sessions.get': { ok: false, error: { code: 'not_found', message: 'No session with id a.', details: { id: 'a' } } } });
    const error = await createClient(transport)
      .invoke('sessions.get', { id: 'a' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'not_found', message: 'No session with id a.', details: { id: 'a' } });
  });

  it('refuses outputs that break the contract', async () => {
    const { transport } = fakeTransport({ 'sessions.get': { ok: true, value: { id: 'a' } }, 'app.info': 'garbage' });
    const client = createClient(transport);
    await expect(client.invoke('sessions.get', { id: 'a' })).rejects.toMatchObject({ code: 'internal' });
    await expect(client.invoke('app.info', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('checks inputs before sending them', async () => {
    const { transport, calls } = fakeTransport({});
    const client = createClient(transport);
    await expect(client.invoke('sessions.get', { id: '' })).rejects.toMatchObject({ code: 'invalid_payload' });
    expect(calls).toEqual([]);
  });

  it('delivers valid events to their listeners and drops malformed ones', () => {
    const { transport, push } = fakeTransport({});
    const client = createClient(transport);
    const seen: string[] = [];
    const stop = client.on('session.updated', (s) => seen.push(s.id));
    const warn = console.warn;
    console.warn = () => {};
    try {
      push('session.updated', session({ id: 'ok' }));
      push('session.updated', { id: 'broken' });
      push('session.log', { sessionId: 'x', lines: [] });
      stop();
      push('session.updated', session({ id: 'late' }));
    } finally {
      console.warn = warn;
    }
    expect(seen).toEqual(['ok']);
  });
});
