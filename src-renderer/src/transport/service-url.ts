/**
 * Where the headless service's WebSocket is: the page is served at `http://127.0.0.1:PORT/?token=…`,
 * the socket lives at `ws://127.0.0.1:PORT/ws?token=…`. The token is removed from the visible URL
 * (and from history) once read; the page keeps it in tab-scoped `sessionStorage` so a reload of
 * the same tab reconnects (see token-storage.ts).
 */
export interface ServiceEndpoint {
  socketUrl: string;
  /** The page URL without the token, for `history.replaceState`. */
  cleanPageUrl: string;
  /** The token in use, and whether it came from the page URL (else from `fallbackToken`). */
  token: string;
  fromUrl: boolean;
}

/**
 * Derives the socket URL from the page URL's token, or from `fallbackToken` (the one this tab
 * remembered) when the URL carries none; null when there is neither.
 */
export function serviceEndpoint(pageUrl: string, fallbackToken: string | null = null): ServiceEndpoint | null {
  const url = new URL(pageUrl);
  const fromUrl = url.searchParams.get('token');
  const token = fromUrl || fallbackToken;
  if (!token) return null;
  url.searchParams.delete('token');
  const socket = new URL('/ws', url);
  socket.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  socket.search = new URLSearchParams({ token }).toString();
  socket.hash = '';
  return { socketUrl: socket.toString(), cleanPageUrl: url.toString(), token, fromUrl: Boolean(fromUrl) };
}
