/**
 * Where the headless service's WebSocket is: the page is served at `http://127.0.0.1:PORT/?token=…`,
 * the socket lives at `ws://127.0.0.1:PORT/ws?token=…`. The token is removed from the visible URL
 * (and from history) once read, and kept only in memory.
 */
export interface ServiceEndpoint {
  socketUrl: string;
  /** The page URL without the token, for `history.replaceState`. */
  cleanPageUrl: string;
}

/** Derives the socket URL from the page URL; null when the page carries no token. */
export function serviceEndpoint(pageUrl: string): ServiceEndpoint | null {
  const url = new URL(pageUrl);
  const token = url.searchParams.get('token');
  if (!token) return null;
  url.searchParams.delete('token');
  const socket = new URL('/ws', url);
  socket.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  socket.search = new URLSearchParams({ token }).toString();
  socket.hash = '';
  return { socketUrl: socket.toString(), cleanPageUrl: url.toString() };
}
