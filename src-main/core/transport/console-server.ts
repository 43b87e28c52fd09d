import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RawData } from 'ws';
import { wsClientMessageSchema, type EventName, type WsServerMessage } from '../../shared/contract.ts';
import { dispatch, type Handlers } from '../api/dispatcher.ts';
import type { LogWatchHub } from '../api/log-watch-hub.ts';
import type { SessionManager } from '../sessions/session-manager.ts';
import type { ConnectedClient } from '../api/client.ts';
import { serveStatic } from './static-files.ts';

/** A client whose socket holds more than this many unsent bytes is fed from the DB at its own pace. */
const BACKLOG_BYTES = 1 << 20;
const MAX_MESSAGE_BYTES = 1 << 20;
const MAX_IN_FLIGHT_PER_CLIENT = 16;

export interface ConsoleServer {
  /** The console URL including the per-launch token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** What the transport serves: the contract's handlers, session updates and log streaming. */
export interface ConsoleBackend {
  readonly handlers: Handlers;
  readonly sessions: SessionManager;
  readonly logWatch: LogWatchHub;
}

export interface ConsoleServerOptions {
  core: ConsoleBackend;
  /** Folder of the built console, or null to serve only the WebSocket. */
  staticDir: string | null;
  port?: number;
}

/**
 * The loopback transport: serves the console and the IPC contract over a WebSocket on 127.0.0.1.
 * A connection needs the per-launch token, and a browser connection must come from the console's
 * own origin, so other local pages and users cannot drive the core.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const { core } = options;
  const token = randomBytes(32).toString('base64url');
  const clients = new Set<ConnectedClient>();
  const server = createServer((request, response) => {
    serveStatic(options.staticDir, request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = refuseUpgrade(request, token, port);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => attach(ws));
  });

  const unsubscribe = core.sessions.subscribe((event) => {
    if (event.type !== 'updated') return;
    for (const client of clients) client.send('session.updated', event.session);
  });

  function attach(ws: WebSocket): void {
    const client: ConnectedClient = {
      id: randomUUID(),
      transport: 'websocket',
      send: (event: EventName, payload: unknown) => sendMessage(ws, { type: 'event', event, payload }),
      isBacklogged: () => ws.bufferedAmount > BACKLOG_BYTES,
    };
    clients.add(client);
    // An oversized or malformed frame makes ws close this connection (1009/1002) and report an
    // error here; without a listener that error would end the whole service. ws has already sent
    // its close frame: the client gets a second to answer it (and so sees the code), then the
    // socket is cut whatever it does.
    ws.on('error', () => setTimeout(() => ws.terminate(), 1000).unref());
    // At most this many invokes of one connection are handled at once; beyond that the socket is
    // paused, so a client that floods messages waits (TCP backpressure) instead of making the
    // service buffer them.
    let inFlight = 0;
    const settle = () => {
      inFlight--;
      if (inFlight < MAX_IN_FLIGHT_PER_CLIENT && ws.isPaused) ws.resume();
    };
    ws.on('message', async (data, isBinary) => {
      inFlight++;
      if (inFlight >= MAX_IN_FLIGHT_PER_CLIENT) ws.pause();
      try {
        await handleMessage(data, isBinary);
      } finally {
        settle();
      }
    });
    const handleMessage = async (data: RawData, isBinary: boolean) => {
      let parsed: unknown;
      try {
        parsed = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        parsed = undefined;
      }
      const message = wsClientMessageSchema.safeParse(parsed);
      if (!message.success) {
        sendMessage(ws, { type: 'result', id: -1, ok: false, error: { code: 'invalid_payload', message: 'Messages must be JSON {type:"invoke", id, channel, payload}.' } });
        return;
      }
      const result = await dispatch(core.handlers, message.data.channel, message.data.payload, client);
      sendMessage(ws, { type: 'result', id: message.data.id, ...result });
    };
    ws.on('close', () => {
      clients.delete(client);
      core.logWatch.forget(client);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A browser keeps idle HTTP connections open; they must not hold the service up.
      server.closeAllConnections();
      await closed;
    },
  };
}

function sendMessage(ws: WebSocket, message: WsServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

/** Returns the HTTP status line to refuse an upgrade with, or null to accept it. */
function refuseUpgrade(request: IncomingMessage, token: string, port: number): string | null {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== '/ws') return '404 Not Found';
  const given = Buffer.from(url.searchParams.get('token') ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return '401 Unauthorized';
  // Browsers always send Origin; only the console's own origin may connect. Non-browser clients
  // (the CLI, scripts) send none and are trusted by the token alone.
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return '403 Forbidden';
  return null;
}
