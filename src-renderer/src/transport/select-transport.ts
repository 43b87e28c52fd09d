import type { PreloadApi } from '../../../src-main/shared/preload-api.ts';
import { IpcTransport } from './ipc-transport.ts';
import { serviceEndpoint } from './service-url.ts';
import { recallToken, rememberToken, sessionStorageOf } from './token-storage.ts';
import type { Transport } from './transport.ts';
import { WsTransport } from './ws-transport.ts';

/** The outcome of picking a transport: one to use, or why none can be used. */
export type TransportChoice = { ok: true; transport: Transport } | { ok: false; reason: string };

/**
 * Picks the transport at start: Electron's preload API when present, else the service's WebSocket
 * (whose token comes from the page URL, is then removed from the address bar and history, and is
 * kept in the tab's sessionStorage so a reload reconnects).
 */
export function selectTransport(win: Window & { cosmosBackup?: PreloadApi }): TransportChoice {
  if (win.cosmosBackup) return { ok: true, transport: new IpcTransport(win.cosmosBackup) };
  const storage = sessionStorageOf(win);
  const endpoint = serviceEndpoint(win.location.href, recallToken(storage));
  if (!endpoint) {
    return {
      ok: false,
      reason: 'This page needs the address printed by "cosmos-backup serve", including its token. Open that address again (the token is removed from the address bar once read and remembered only by the tab that opened it).',
    };
  }
  if (endpoint.fromUrl) {
    rememberToken(storage, endpoint.token);
    win.history.replaceState(win.history.state, '', endpoint.cleanPageUrl);
  }
  const pageOrigin = win.location.origin;
  const isServiceUp = async () => {
    try {
      await win.fetch(`${pageOrigin}/`, { method: 'HEAD', cache: 'no-store' });
      return true;
    } catch {
      return false;
    }
  };
  return { ok: true, transport: new WsTransport({ url: endpoint.socketUrl, isServiceUp }) };
}
