import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels as CHANNELS } from '../../../src-main/shared/contract.ts';
import { startService, type RunningService } from '../../helpers/service.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { TestWsClient } from '../../helpers/ws-client.ts';
import { seededRandom } from '../../helpers/seeded-random.ts';

const SEED = 20261204;
const MESSAGES = 6000;
/** The fuzz stops here whatever it reached, so a slow machine cannot hang the suite. */
const TIME_BOUND_MS = 45_000;
/** Channels that only read: fuzzing with valid payloads there must not start work or change state. */
/** Old-space cap of the service under fuzz (its heap holds about 35 MB after start). */
const HEAP_CAP_MB = 96;
const READ_ONLY = ['app.info', 'sessions.list', 'policies.list', 'repositories.list', 'restorePoints.list', 'settings.get', 'schedules.list'];

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** One hostile or odd message, as text, bytes or fragments. */
function fuzzMessage(random: () => number, channels: readonly string[]): { kind: string; send(ws: WebSocket): void; closes?: boolean } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const junk = (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
  const roll = random();
  if (roll < 0.2) return { kind: 'malformed JSON', send: (ws) => ws.send(pick(['{', '{"type":', '[1,2', 'null', 'undefined', '{"type":"invoke","id":1,"channel":"app.info","payload":{}', '\u0000\u0001', '😀'.repeat(50)])) };
  if (roll < 0.4) {
    const shapes = [[], 42, 'invoke', { type: 'invoke' }, { type: 'invoke', id: 'one', channel: 'app.info', payload: {} }, { type: 'event', id: 1 }, { type: 'invoke', id: -5, channel: 7, payload: null }, { type: 'invoke', id: 1e300, channel: 'app.info' }, { __proto__: { polluted: true }, type: 'invoke', id: 3, channel: 'constructor', payload: {} }];
    return { kind: 'wrong shape', send: (ws) => ws.send(JSON.stringify(pick(shapes))) };
  }
  if (roll < 0.65) {
    const payloads = [null, 'text', 12, [], { id: 12 }, { repositoryId: { $gt: '' } }, { name: 'x'.repeat(5000) }, { values: { configurationIntervalHours: 'eight' } }, { restorePointId: '../../etc/passwd' }, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]))];
    const channel = random() < 0.15 ? pick(['no.such.channel', '__proto__', 'toString', '']) : pick(channels);
    return { kind: 'wrong payload', send: (ws) => ws.send(JSON.stringify({ type: 'invoke', id: Math.floor(random() * 1e6), channel, payload: pick(payloads) })) };
  }
  if (roll < 0.75) return { kind: 'read-only invoke', send: (ws) => ws.send(JSON.stringify({ type: 'invoke', id: Math.floor(random() * 1e6), channel: pick(READ_ONLY), payload: {} })) };
  if (roll < 0.85) return { kind: 'binary', send: (ws) => ws.send(junk(1 + Math.floor(random() * 4096)), { binary: true }) };
  if (roll < 0.95) {
    // A message in fragments, under the limit: reassembled, then refused as malformed.
    const text = JSON.stringify({ type: 'invoke', id: 9, channel: 'app.info', payload: { filler: 'y'.repeat(30_000) } }).slice(0, -3);
    return {
      kind: 'fragmented',
      send: (ws) => {
        const third = Math.ceil(text.length / 3);
        ws.send(text.slice(0, third), { fin: false });
        ws.send(text.slice(third, 2 * third), { fin: false });
        ws.send(text.slice(2 * third), { fin: true });
      },
    };
  }
  // Over the 1 MiB limit, whole or in three fragments: that connection is closed (1009).
  if (random() < 0.5) return { kind: 'oversized', closes: true, send: (ws) => ws.send('z'.repeat(1024 * 1024 + 10)) };
  return {
    kind: 'oversized in fragments',
    closes: true,
    send: (ws) => {
      const part = 'f'.repeat(512 * 1024);
      ws.send(part, { fin: false });
      ws.send(part, { fin: false });
      ws.send(part, { fin: true });
    },
  };
}

describe('cosmos-backup serve under fuzzed clients', () => {
  const dir = makeTempDir('cosmos-ws-fuzz-');
  let service: RunningService;
  const wsUrl = () => service.url.replace('http://', 'ws://').replace('/?token=', '/ws?token=');

  beforeAll(async () => {
    // The V8 heap is capped well below what 3000 messages would retain if the service kept any
    // part of them: a leak ends in an out-of-memory exit instead of a slowly growing RSS.
    service = await startService(join(dir.path, 'data'), { env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_CAP_MB}`.trim() } });
  });
  afterAll(async () => {
    await service?.stop();
    dir.remove();
  });

  it('refuses wrong tokens and foreign origins at the handshake, and goes on', async () => {
    const good = new URL(wsUrl());
    const wrongToken = `${good.origin}/ws?token=${'A'.repeat(43)}`;
    const cases: [string, Record<string, string>, string][] = [
      [wrongToken, {}, 'HTTP 401'],
      [`${good.origin}/ws`, {}, 'HTTP 401'],
      [`${good.origin}/ws?token=${encodeURIComponent(good.searchParams.get('token')!.slice(0, -1))}`, {}, 'HTTP 401'],
      [wsUrl(), { Origin: 'http://evil.example' }, 'HTTP 403'],
      [wsUrl(), { Origin: `http://127.0.0.1:${service.port + 1}` }, 'HTTP 403'],
      [`${good.origin}/other?token=${good.searchParams.get('token')}`, {}, 'HTTP 404'],
    ];
    for (const [url, headers, expected] of cases) await expect(TestWsClient.connect(url, headers)).rejects.toThrow(expected);
    expect(await (await TestWsClient.connect(wsUrl())).invoke('app.info', {})).toMatchObject({ ok: true });
  });

  it(`takes ${MESSAGES} malformed, wrong-typed, binary, fragmented and oversized messages (seed ${SEED}) with its heap capped: only the offending connections close, memory stays bounded`, async () => {
    const random = seededRandom(SEED);
    const channels = Object.keys(CHANNELS);
    const bystander = await TestWsClient.connect(wsUrl());
    const open = () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(wsUrl());
        ws.on('error', () => undefined);
        ws.once('open', () => resolve(ws));
        ws.once('unexpected-response', () => reject(new Error('refused')));
      });
    let ws = await open();
    const closeCodes: number[] = [];
    const kinds = new Map<string, number>();
    const started = Date.now();
    let sent = 0;
    const samples: number[] = [];
    for (; sent < MESSAGES && Date.now() - started < TIME_BOUND_MS; sent++) {
      // RSS after each thousand: the first thousand warms the heap up; later ones must not add to it.
      if (sent % 1000 === 0 && sent) {
        expect(await bystander.invoke('app.info', {})).toMatchObject({ ok: true });
        samples.push(rssMb(service.child.pid!));
      }
      const message = fuzzMessage(random, channels);
      kinds.set(message.kind, (kinds.get(message.kind) ?? 0) + 1);
      if (message.closes) {
        const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
        message.send(ws);
        closeCodes.push(await closed);
        ws = await open();
        continue;
      }
      message.send(ws);
      // Let the server answer now and then, so replies do not pile up unread.
      if (sent % 50 === 0) expect(await bystander.invoke('app.info', {})).toMatchObject({ ok: true });
    }
    ws.close();
    expect(await bystander.invoke('app.info', {})).toMatchObject({ ok: true });
    samples.push(rssMb(service.child.pid!));
    // Every kind of abuse was tried, and every oversized message closed only its own connection.
    expect([...kinds.keys()].sort()).toEqual(['binary', 'fragmented', 'malformed JSON', 'oversized', 'oversized in fragments', 'read-only invoke', 'wrong payload', 'wrong shape']);
    expect(closeCodes.length).toBeGreaterThan(0);
    expect(new Set(closeCodes)).toEqual(new Set([1009]));
    expect(await bystander.invoke('app.info', {})).toMatchObject({ ok: true });
    expect(service.child.exitCode).toBeNull();
    expect(service.stderr()).not.toMatch(/RangeError|TypeError|\n\s+at /);
    // Memory after warm-up stays within a bound instead of growing with every message.
    // Memory is bounded: the service lived through every message with its heap capped (a leak
    // of the messages would have ended it), and after warm-up its RSS grows by some MB per
    // thousand messages (buffer pages; measured 6–10), far below the bytes a thousand of these
    // messages carry (over 50 MB: about 50 oversized and 100 fragmented ones).
    expect(sent).toBe(MESSAGES);
    const perThousand = (samples.at(-1)! - samples[1]!) / (samples.length - 2);
    expect(perThousand, `RSS after each thousand messages: ${samples.map((mb) => mb.toFixed(0)).join(', ')} MB`).toBeLessThan(20);
  });
});
