import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppCore } from '../../../src-main/app/app-core.ts';
import { startConsoleServer, type ConsoleServer } from '../../../src-main/core/transport/console-server.ts';
import type { LogLine, Session } from '../../../src-main/shared/session.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { TestWsClient } from '../../helpers/ws-client.ts';

let dir: ReturnType<typeof makeTempDir>;
let core: AppCore;
let server: ConsoleServer;
let wsUrl: string;

beforeAll(async () => {
  dir = makeTempDir();
  const staticDir = join(dir.path, 'renderer');
  mkdirSync(staticDir);
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  core = AppCore.open({ dataDir: join(dir.path, 'data') });
  server = await startConsoleServer({ core, staticDir });
  wsUrl = `ws://127.0.0.1:${server.port}/ws?token=${server.token}`;
});

afterAll(async () => {
  await server.close();
  await core.close();
  dir.remove();
});

function httpGet(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('WebSocket transport', () => {
  it('refuses a client without the token, with a wrong token, or from another origin', async () => {
    await expect(TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`)).rejects.toThrow('HTTP 401');
    await expect(TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws?token=${'x'.repeat(server.token.length)}`)).rejects.toThrow('HTTP 401');
    await expect(TestWsClient.connect(wsUrl, { Origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    const ok = await TestWsClient.connect(wsUrl, { Origin: `http://127.0.0.1:${server.port}` });
    ok.close();
  });

  it('answers malformed messages and payloads with typed errors and changes nothing', async () => {
    const client = await TestWsClient.connect(wsUrl);
    client.sendRaw('not json');
    await client.waitForEvents(() => client.unsolicited.length > 0).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(client.unsolicited[0]).toMatchObject({ type: 'result', id: -1, ok: false, error: { code: 'invalid_payload' } });
    expect(await client.invoke('policies.save', { policy: { name: 42 } })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await client.invoke('sessions.get', { id: 7 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await client.invoke('nope')).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(core.policies.list()).toEqual([]);
    client.close();
  });

  it('streams a session log from a sequence number: backfill, then live, in order, once', async () => {
    const client = await TestWsClient.connect(wsUrl);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const total = 20_000;
    const session = core.sessions.start({ kind: 'sync', title: 'chatty' }, async (ctx) => {
      for (let i = 1; i <= total / 2; i++) ctx.info(`line ${i}`);
      await gate;
      for (let i = total / 2 + 1; i <= total; i++) ctx.info(`line ${i}`);
    });
    // Wait until the first half is stored, then watch from seq 100: the rest must arrive exactly once.
    while (core.sessions.logs(session.id, 0, 1, 'debug').lastSeq < total / 2) await new Promise((r) => setTimeout(r, 20));
    await client.call('sessions.watch', { id: session.id, afterSeq: 100 });
    release();
    const seqs = () => client.events.filter((e) => e.event === 'session.log').flatMap((e) => (e.payload as { lines: LogLine[] }).lines.map((l) => l.seq));
    await client.waitForEvents(() => seqs().length >= total - 100);
    const received = seqs();
    expect(received.length).toBe(total - 100);
    expect(received[0]).toBe(101);
    expect(received.every((seq, i) => i === 0 || seq === received[i - 1]! + 1)).toBe(true);
    await client.waitForEvents(() => client.events.some((e) => e.event === 'session.updated' && (e.payload as Session).id === session.id && (e.payload as Session).status === 'succeeded'));
    client.close();
  });

  it('serves the console with a strict CSP and never outside its folder', async () => {
    const page = await httpGet('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>console</title>');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    const escape = await httpGet('/..%2f..%2fdata%2fconfig.db');
    expect(escape.body).not.toContain('SQLite');
    expect([200, 403]).toContain(escape.status);
    if (escape.status === 200) expect(escape.body).toContain('<title>console</title>');
  });
});
