import type { PreloadApi } from '../../../src-main/shared/preload-api.ts';
import { unavailable, type ConnectionStatus, type EventListener, type StatusListener, type Transport } from './transport.ts';

const OPEN: ConnectionStatus = { state: 'open', attempt: 0, nextRetryAt: null, reason: null };

/** Electron IPC through the preload API: always connected while the window lives. */
export class IpcTransport implements Transport {
  readonly kind = 'ipc';
  readonly status = OPEN;
  private readonly api: PreloadApi;

  constructor(api: PreloadApi) {
    this.api = api;
  }

  async invoke(channel: string, payload: unknown): Promise<unknown> {
    try {
      return await this.api.invoke(channel, payload);
    } catch (error) {
      return unavailable(`The call to ${channel} did not reach Cosmos Backup: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  onEvent(listener: EventListener): () => void {
    return this.api.onEvent(listener);
  }

  onStatus(listener: StatusListener): () => void {
    listener(this.status);
    return () => {};
  }

  close(): void {}
}
