import { afterEach, describe, expect, it } from 'vitest';
import { request, Agent } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startService, type RunningService } from '../../helpers/service.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import { TestWsClient } from '../../helpers/ws-client.ts';

const dirs: ReturnType<typeof makeTempDir>[] = [];
const services: RunningService[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await service.kill();
  for (const dir of dirs.splice(0)) dir.remove();
});

async function service(): Promise<RunningService> {
  const dir = makeTempDir();
  dirs.push(dir);
  const running = await startService(join(dir.path, 'data'));
  services.push(running);
  return running;
}

const wsUrl = (s: RunningService) => s.url.replace('http://', 'ws://').replace('/?token=', '/ws?token=');

describe('cosmos-backup serve', () => {
  it('exits promptly on SIGTERM while a console is connected and a browser holds an idle HTTP connection', async () => {
    const running = await service();
    const client = await TestWsClient.connect(wsUrl(running));
    expect(await client.invoke('app.info', {})).toMatchObject({ ok: true });
    const agent = new Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request(running.url, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve());
      })
        .on('error', reject)
        .end();
    });
    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => running.child.once('exit', (code) => resolve(code)));
    running.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    agent.destroy();
  });

  it('survives an oversized frame: that connection is closed, every other client and the service go on', async () => {
    const running = await service();
    const other = await TestWsClient.connect(wsUrl(running));
    const rogue = new WebSocket(wsUrl(running));
    await new Promise((resolve) => rogue.once('open', resolve));
    const closed = new Promise<number>((resolve) => rogue.once('close', (code) => resolve(code)));
    rogue.on('error', () => undefined);
    rogue.send('x'.repeat(1024 * 1024 + 10));
    expect(await closed).toBe(1009);
    expect(await other.invoke('app.info', {})).toMatchObject({ ok: true });
    expect(running.child.exitCode).toBeNull();
    expect(running.stderr()).not.toMatch(/RangeError|Max payload/);
  });
});
