import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import type { CallLog } from './call-log.ts';
import type { Faults } from './faults.ts';
import type { EmulatorReply, EmulatorRequest } from './http-types.ts';

/** Routes one read request to the identity or the ARM side. */
export type Dispatch = (req: EmulatorRequest, lroFailure?: { code: string; message: string }) => { reply: EmulatorReply; clientId?: string };

export interface HttpsServerDeps {
  keyPem: string;
  certPem: string;
  faults: Faults;
  callLog: CallLog;
  /** Called before anything else on each request (settles due operations). */
  beforeRequest: () => void;
  dispatch: Dispatch;
}

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: EmulatorReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload = '';
  if (reply.body !== undefined) {
    payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    headers['Content-Type'] ??= 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Starts the HTTPS listener on 127.0.0.1 (random port) and applies faults before dispatching. */
export async function startHttpsServer(deps: HttpsServerDeps): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ key: deps.keyPem, cert: deps.certPem }, (req, res) => {
    void handle(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    let bodyText = '';
    const log = (status: number, clientId?: string, fault?: string, responseText?: string): void =>
      deps.callLog.add({ time: new Date(started).toISOString(), method, path: url.pathname, query: url.search, status, durationMs: Date.now() - started, clientId, fault, requestText: bodyText, responseText });
    try {
      bodyText = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    const actions = deps.faults.take(method, url.pathname);
    let lroFailure: { code: string; message: string } | undefined;
    for (const a of actions) {
      if (a.kind === 'delay') await new Promise((r) => setTimeout(r, a.delayMs));
    }
    for (const a of actions) {
      if (a.kind === 'drop') {
        log(0, undefined, 'drop');
        req.socket.destroy();
        return;
      }
      if (a.kind === 'status') {
        const code = a.code ?? (a.status === 503 ? 'ServiceUnavailable' : 'InternalServerError');
        const headers: Record<string, string> = a.retryAfterSeconds !== undefined ? { 'Retry-After': String(a.retryAfterSeconds) } : {};
        send(res, { status: a.status, headers, body: { error: { code, message: a.message ?? `Injected fault: ${code}.` } } });
        log(a.status, undefined, `status:${a.status}`);
        return;
      }
      if (a.kind === 'lroFail') {
        lroFailure = { code: a.code ?? 'InternalServerError', message: a.message ?? 'The operation failed (injected fault).' };
      }
    }
    try {
      deps.beforeRequest();
      const { reply, clientId } = deps.dispatch({ method, url, headers: req.headers, bodyText }, lroFailure);
      send(res, reply);
      const responseText = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      log(reply.status, clientId, actions.length ? actions.map((a) => a.kind).join(',') : undefined, responseText);
    } catch (e) {
      send(res, { status: 500, body: { error: { code: 'InternalServerError', message: e instanceof Error ? e.message : String(e) } } });
      log(500);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
