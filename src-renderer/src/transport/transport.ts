/**
 * A transport carries contract calls and events between the console and the core: Electron IPC
 * through the preload API, or the loopback WebSocket of the headless service. Both speak raw
 * envelopes (`{ ok, value } | { ok: false, error }`); the typed client validates them.
 */

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Reconnect attempts since the connection was last open. */
  attempt: number;
  /** When the next reconnect attempt starts (epoch ms), while reconnecting. */
  nextRetryAt: number | null;
  /** Why the connection is down, in words. */
  reason: string | null;
}

export type EventListener = (event: string, payload: unknown) => void;
export type StatusListener = (status: ConnectionStatus) => void;

export interface Transport {
  readonly kind: 'ipc' | 'websocket';
  readonly status: ConnectionStatus;
  /** Resolves with the raw result envelope; never rejects (failures become `{ ok: false, error }`). */
  invoke(channel: string, payload: unknown): Promise<unknown>;
  onEvent(listener: EventListener): () => void;
  /** Calls `listener` now with the current status, then on every change. */
  onStatus(listener: StatusListener): () => void;
  close(): void;
}

/** The envelope a transport resolves with when the call could not reach the core. */
export function unavailable(message: string): { ok: false; error: { code: 'unavailable'; message: string } } {
  return { ok: false, error: { code: 'unavailable', message } };
}
