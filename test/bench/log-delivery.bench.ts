// Benchmark: log lines delivered from a running session to a subscriber in real Chromium over the
// WebSocket transport, against the named baseline "the rate the session produces lines" in the same
// run (ratio = delivered/produced). Also records the service's peak RSS growth (memory bounded).
// Target: ≥ 20,000 lines/s. Run: npm run bench:log-delivery
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppCore } from '../../src-main/app/app-core.ts';
import { startConsoleServer } from '../../src-main/core/transport/console-server.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const LINES = 200_000;
const dir = makeTempDir('cosmos-backup-bench-');
const staticDir = join(dir.path, 'static');
mkdirSync(staticDir);
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>bench</title>');
const core = AppCore.open({ dataDir: join(dir.path, 'data') });
const server = await startConsoleServer({ core, staticDir });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage();
await page.goto(server.url);

let release!: () => void;
const gate = new Promise<void>((r) => (release = r));
let producedSeconds = 0;
const session = core.sessions.start({ kind: 'sync', title: 'delivery bench' }, async (ctx) => {
  await gate;
  const started = performance.now();
  for (let i = 1; i <= LINES; i++) {
    ctx.info(`line ${i} with some typical text about an account and a container`);
    if (i % 5000 === 0) await new Promise((r) => setImmediate(r));
  }
  producedSeconds = (performance.now() - started) / 1000;
});

const rssBefore = process.memoryUsage().rss;
let peakRss = rssBefore;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const delivered = page.evaluate(
  ({ port, token, id, total }) =>
    new Promise<{ seconds: number; count: number; ordered: boolean }>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
      let count = 0;
      let last = 0;
      let ordered = true;
      let started = 0;
      ws.onopen = () => ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'sessions.watch', payload: { id, afterSeq: 0 } }));
      ws.onmessage = (message) => {
        const data = JSON.parse(message.data as string);
        if (data.type !== 'event' || data.event !== 'session.log') return;
        if (!started) started = performance.now();
        for (const line of data.payload.lines) {
          if (line.seq !== last + 1) ordered = false;
          last = line.seq;
          count++;
        }
        if (count >= total) resolve({ seconds: (performance.now() - started) / 1000, count, ordered });
      };
    }),
  { port: server.port, token: server.token, id: session.id, total: LINES },
);
await new Promise((r) => setTimeout(r, 200));
release();
const result = await delivered;
clearInterval(sampler);
await core.sessions.waitFor(session.id);
await browser.close();
await server.close();
await core.close();
dir.remove();

const rate = result.count / result.seconds;
const producedRate = LINES / producedSeconds;
if (!result.ordered) throw new Error('lines arrived out of order');
console.log(
  JSON.stringify({
    benchmark: 'log-delivery',
    lines: result.count,
    seconds: +result.seconds.toFixed(2),
    deliveredLinesPerSecond: Math.round(rate),
    baselineProducedLinesPerSecond: Math.round(producedRate),
    ratioVsBaseline: +(rate / producedRate).toFixed(2),
    servicePeakRssGrowthMB: Math.round((peakRss - rssBefore) / 2 ** 20),
    target: 20_000,
    meetsTarget: rate >= 20_000,
  }),
);
