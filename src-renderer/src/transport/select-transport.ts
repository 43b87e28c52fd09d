import type { PreloadApi } from '../../../src-main/shared/preload-api.ts';
import { IpcTransport } from './ipc-transport.ts';
import { serviceEndpoint } from './service-url.ts';
import type { Transport } from './transport.ts';
import { WsTransport } from './ws-transport.ts';

/** The outcome of picking a transport: one to use, or why none can be used. */
export type TransportChoice = { ok: true; transport: Transport } | { ok: false; reason: string };

/**
 * Picks the transport at start: Electron's preload API when present, else the service's WebSocket
 * (whose token comes from the page URL and is then removed from the address bar and history).
 */
export function selectTransport(win: Window & { cosmosBackup?: PreloadApi }): TransportChoice {
  if (win.cosmosBackup) return { ok: true, transport: new IpcTransport(win.cosmosBackup) };
  const endpoint = serviceEndpoint(win.location.href);
  if (!endpoint) {
    return {
      ok: false,
      reason: 'This page needs the address printed by "cosmos-backup serve", including its token. Open that address again (the token is removed from the address bar once read, so reloading the page loses it).',
    };
  }
  win.history.replaceState(win.history.state, '', endpoint.cleanPageUrl);
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
