import type { EventName } from '../../shared/contract.ts';

/** One connected console (an Electron window or a WebSocket). */
export interface ConnectedClient {
  readonly id: string;
  readonly transport: 'ipc' | 'websocket';
  send(event: EventName, payload: unknown): void;
  /** True while the client has more queued than it should; log streaming waits until it drains. */
  isBacklogged(): boolean;
}
