import { backoffDelay, type BackoffOptions } from './backoff.ts';
import { unavailable, type ConnectionStatus, type EventListener, type StatusListener, type Transport } from './transport.ts';

/** The part of the browser's WebSocket this transport uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code?: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WsTransportOptions {
  url: string;
  createSocket?: (url: string) => SocketLike;
  backoff?: BackoffOptions;
  /** How long a call made while disconnected waits for the connection before failing. */
  queueTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
  /**
   * Whether the service answers plain HTTP. Asked when a socket fails before opening: if the service
   * is up but refuses the socket, it was restarted with a new token and retrying cannot help.
   */
  isServiceUp?: () => Promise<boolean>;
}

const LOST_REASON = 'The connection was lost (the service stopped or restarted, or the network dropped).';

/** Shown when the service is back but no longer accepts this page's token. */
export const NEW_TOKEN_REASON =
  'The service is running again but no longer accepts this page: it was restarted with a new token. Open the address it printed (cosmos-backup serve) again.';

const OPEN_STATE = 1;

interface Queued {
  id: number;
  message: string;
  resolve: (result: unknown) => void;
  timer: unknown;
}

/**
 * The WebSocket transport of the headless service. Calls are matched to results by id. When the
 * socket drops (the service restarted, the machine slept) every call in flight fails with
 * `unavailable`, the transport reconnects with backoff, and calls made meanwhile wait for it.
 */
export class WsTransport implements Transport {
  readonly kind = 'websocket';
  private readonly url: string;
  private readonly createSocket: (url: string) => SocketLike;
  private readonly backoff: BackoffOptions;
  private readonly queueTimeoutMs: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly now: () => number;
  private readonly isServiceUp: (() => Promise<boolean>) | null;
  /** The service answered HTTP but refused the socket: its token changed. */
  private refused = false;
  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private queue: Queued[] = [];
  private readonly eventListeners = new Set<EventListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private retryTimer: unknown = null;
  private current: ConnectionStatus = { state: 'connecting', attempt: 0, nextRetryAt: null, reason: null };

  constructor(options: WsTransportOptions) {
    this.url = options.url;
    this.createSocket = options.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    this.backoff = options.backoff ?? {};
    this.queueTimeoutMs = options.queueTimeoutMs ?? 30_000;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as number));
    this.now = options.now ?? Date.now;
    this.isServiceUp = options.isServiceUp ?? null;
    this.connect();
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  invoke(channel: string, payload: unknown): Promise<unknown> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      const message = JSON.stringify({ type: 'invoke', id, channel, payload });
      if (this.current.state === 'closed') {
        resolve(unavailable('The console was closed.'));
        return;
      }
      if (this.socket && this.socket.readyState === OPEN_STATE && this.current.state === 'open') {
        this.send(id, message, resolve);
        return;
      }
      const entry: Queued = { id, message, resolve, timer: null };
      entry.timer = this.setTimer(() => {
        this.queue = this.queue.filter((q) => q !== entry);
        resolve(unavailable(`Not connected to the Cosmos Backup service; ${channel} was not sent.`));
      }, this.queueTimeoutMs);
      this.queue.push(entry);
    });
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    listener(this.current);
    return () => this.statusListeners.delete(listener);
  }

  close(): void {
    this.setStatus({ state: 'closed', attempt: 0, nextRetryAt: null, reason: 'Closed.' });
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer);
    this.retryTimer = null;
    this.socket?.close(1000, 'closing');
    this.socket = null;
    this.failPending('The console was closed.');
    for (const entry of this.queue.splice(0)) {
      this.clearTimer(entry.timer);
      entry.resolve(unavailable('The console was closed.'));
    }
  }

  private send(id: number, message: string, resolve: (result: unknown) => void): void {
    this.pending.set(id, resolve);
    try {
      this.socket!.send(message);
    } catch (error) {
      this.pending.delete(id);
      resolve(unavailable(`Could not send to the service: ${String(error)}`));
    }
  }

  private connect(): void {
    let socket: SocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch (error) {
      this.scheduleReconnect(`Could not open the connection: ${String(error)}`);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.refused = false;
      this.setStatus({ state: 'open', attempt: 0, nextRetryAt: null, reason: null });
      this.flushQueue();
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onerror = () => {
      // A close event always follows; it decides what happens next.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      const reason = this.refused ? NEW_TOKEN_REASON : LOST_REASON;
      this.failPending(`${reason} The call may or may not have run.`);
      if (this.current.state === 'closed') return;
      this.scheduleReconnect(reason);
      if (!opened && this.isServiceUp) void this.explainRefusal();
    };
  }

  private scheduleReconnect(reason: string): void {
    const attempt = this.current.state === 'reconnecting' ? this.current.attempt + 1 : 1;
    const delay = backoffDelay(attempt, this.backoff);
    this.setStatus({ state: 'reconnecting', attempt, nextRetryAt: this.now() + delay, reason });
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = null;
      if (this.current.state === 'closed') return;
      this.connect();
    }, delay);
  }

  /** Browsers hide why a handshake failed; an answering service means the token was refused. */
  private async explainRefusal(): Promise<void> {
    const up = await this.isServiceUp!().catch(() => false);
    if (!up || this.current.state !== 'reconnecting' || this.socket !== null) return;
    this.refused = true;
    this.setStatus({ ...this.current, reason: NEW_TOKEN_REASON });
  }

  private flushQueue(): void {
    for (const entry of this.queue.splice(0)) {
      this.clearTimer(entry.timer);
      this.send(entry.id, entry.message, entry.resolve);
    }
  }

  private failPending(message: string): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of waiting) resolve(unavailable(message));
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!message || typeof message !== 'object') return;
    const m = message as { type?: unknown; id?: unknown; event?: unknown; payload?: unknown };
    if (m.type === 'result' && typeof m.id === 'number') {
      const resolve = this.pending.get(m.id);
      if (!resolve) return;
      this.pending.delete(m.id);
      const { type: _type, id: _id, ...envelope } = m;
      resolve(envelope);
    } else if (m.type === 'event' && typeof m.event === 'string') {
      for (const listener of this.eventListeners) listener(m.event, m.payload);
    }
  }

  private setStatus(status: ConnectionStatus): void {
    this.current = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
