import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src-renderer/src/transport/backoff.ts';
import { serviceEndpoint } from '../../../src-renderer/src/transport/service-url.ts';
import type { ConnectionStatus } from '../../../src-renderer/src/transport/transport.ts';
import { NEW_TOKEN_REASON, WsTransport, type SocketLike } from '../../../src-renderer/src/transport/ws-transport.ts';

/** A socket the test drives by hand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

/** Timers the test fires by hand. */
class FakeTimers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  set = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  };
  clear = (handle: unknown) => void this.pending.delete(handle as number);
  /** Fires every pending timer with a delay of at most `ms`. */
  fire(ms = Infinity): void {
    for (const [id, timer] of [...this.pending]) {
      if (timer.ms > ms) continue;
      this.pending.delete(id);
      timer.fn();
    }
  }
}

function setup(isServiceUp?: () => Promise<boolean>) {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const statuses: ConnectionStatus[] = [];
  const transport = new WsTransport({
    url: 'ws://127.0.0.1:9/ws?token=t',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    backoff: { baseMs: 100, maxMs: 1000, random: () => 0.5 },
    queueTimeoutMs: 5000,
    setTimer: timers.set,
    clearTimer: timers.clear,
    now: () => 1000,
    isServiceUp,
  });
  transport.onStatus((s) => statuses.push(s));
  return { transport, sockets, timers, statuses, socket: () => sockets[sockets.length - 1]! };
}

describe('WsTransport', () => {
  it('queues calls until the socket opens, then matches results by id', async () => {
    const { transport, socket } = setup();
    const first = transport.invoke('app.info', {});
    expect(socket().sent).toEqual([]);
    socket().open();
    const second = transport.invoke('sessions.get', { id: 'x' });
    expect(socket().sent).toEqual([
      { type: 'invoke', id: 1, channel: 'app.info', payload: {} },
      { type: 'invoke', id: 2, channel: 'sessions.get', payload: { id: 'x' } },
    ]);
    socket().receive({ type: 'result', id: 2, ok: false, error: { code: 'not_found', message: 'No session' } });
    socket().receive({ type: 'result', id: 1, ok: true, value: { version: '1' } });
    await expect(second).resolves.toEqual({ ok: false, error: { code: 'not_found', message: 'No session' } });
    await expect(first).resolves.toEqual({ ok: true, value: { version: '1' } });
  });

  it('delivers events and ignores garbage', () => {
    const { transport, socket } = setup();
    const seen: [string, unknown][] = [];
    transport.onEvent((event, payload) => seen.push([event, payload]));
    socket().open();
    socket().onmessage?.({ data: 'not json' });
    socket().receive({ type: 'event', event: 'session.updated', payload: { id: 'a' } });
    socket().receive({ type: 'result', id: 99, ok: true, value: 1 });
    expect(seen).toEqual([['session.updated', { id: 'a' }]]);
  });

  it('fails calls in flight when the socket drops, then reconnects with growing backoff', async () => {
    const { transport, sockets, timers, statuses, socket } = setup();
    socket().open();
    const inFlight = transport.invoke('app.info', {});
    socket().drop();
    await expect(inFlight).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(statuses.at(-1)).toMatchObject({ state: 'reconnecting', attempt: 1, nextRetryAt: 1100 });

    timers.fire();
    expect(sockets).toHaveLength(2);
    socket().drop();
    expect(statuses.at(-1)).toMatchObject({ state: 'reconnecting', attempt: 2, nextRetryAt: 1200 });

    const queued = transport.invoke('app.info', {});
    timers.fire(200);
    socket().open();
    expect(statuses.at(-1)).toMatchObject({ state: 'open', attempt: 0 });
    expect(socket().sent).toEqual([{ type: 'invoke', id: 2, channel: 'app.info', payload: {} }]);
    socket().receive({ type: 'result', id: 2, ok: true, value: 'ok' });
    await expect(queued).resolves.toEqual({ ok: true, value: 'ok' });
  });

  it('explains a refused handshake when the service answers HTTP (it restarted with a new token)', async () => {
    let up = false;
    const { timers, statuses, socket } = setup(async () => up);
    socket().open();
    socket().drop();
    timers.fire();
    socket().drop(); // the service is down: the handshake fails and HTTP does not answer
    await Promise.resolve();
    expect(statuses.at(-1)!.reason).not.toBe(NEW_TOKEN_REASON);
    up = true;
    timers.fire();
    socket().drop(); // the service is back but refuses the old token
    await new Promise((resolve) => setImmediate(resolve));
    expect(statuses.at(-1)).toMatchObject({ state: 'reconnecting', reason: NEW_TOKEN_REASON });
    timers.fire();
    socket().drop();
    expect(statuses.at(-1)!.reason).toBe(NEW_TOKEN_REASON);
    timers.fire();
    socket().open();
    expect(statuses.at(-1)).toMatchObject({ state: 'open', reason: null });
  });

  it('gives up on a queued call after the queue timeout', async () => {
    const { transport, timers } = setup();
    const call = transport.invoke('app.info', {});
    timers.fire(5000);
    await expect(call).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('stops for good when closed', async () => {
    const { transport, sockets, timers, socket } = setup();
    socket().open();
    const call = transport.invoke('app.info', {});
    transport.close();
    await expect(call).resolves.toMatchObject({ ok: false });
    timers.fire();
    expect(sockets).toHaveLength(1);
    expect(transport.status.state).toBe('closed');
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, with bounded jitter', () => {
    const mid = { baseMs: 250, maxMs: 5000, random: () => 0.5 };
    expect([1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, mid))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(backoffDelay(1, { ...mid, random: () => 0 })).toBe(200);
    expect(backoffDelay(1, { ...mid, random: () => 0.999 })).toBe(300);
  });
});

describe('serviceEndpoint', () => {
  it('derives the socket URL from the page and strips the token from the page URL', () => {
    expect(serviceEndpoint('http://127.0.0.1:4321/?token=abc-_1#/sessions')).toEqual({
      socketUrl: 'ws://127.0.0.1:4321/ws?token=abc-_1',
      cleanPageUrl: 'http://127.0.0.1:4321/#/sessions',
      token: 'abc-_1',
      fromUrl: true,
    });
    expect(serviceEndpoint('http://127.0.0.1:4321/')).toBeNull();
  });

  it('falls back to the token the tab remembered, and prefers a fresh one from the URL', () => {
    expect(serviceEndpoint('http://127.0.0.1:4321/#/repositories', 'kept')).toEqual({
      socketUrl: 'ws://127.0.0.1:4321/ws?token=kept',
      cleanPageUrl: 'http://127.0.0.1:4321/#/repositories',
      token: 'kept',
      fromUrl: false,
    });
    expect(serviceEndpoint('http://127.0.0.1:4321/?token=new', 'kept')?.token).toBe('new');
  });
});
