/**
 * The narrow API the Electron preload exposes on `window.cosmosBackup`. It is kept free of zod so
 * the sandboxed preload bundle stays tiny; the main process validates every payload.
 */
export interface PreloadApi {
  /** Calls one contract channel; resolves with `{ ok, value }` or `{ ok: false, error }`. */
  invoke(channel: string, payload: unknown): Promise<unknown>;
  /** Subscribes to contract events; returns the unsubscribe function. */
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}

export const PRELOAD_GLOBAL = 'cosmosBackup';
export const IPC_INVOKE = 'cosmos-backup:invoke';
export const IPC_EVENT = 'cosmos-backup:event';
