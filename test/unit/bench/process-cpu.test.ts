import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cpuMeter, mainThreadCpuSeconds, processCpuSeconds, ratioCeiling } from '../../bench/process-cpu.ts';

/**
 * Keeps this thread busy until it has used `ms` milliseconds of CPU (not of wall time: on a
 * machine busy with other work, a wall-time loop gets less CPU and the figures below would not hold).
 */
function burn(ms: number): void {
  const start = process.cpuUsage();
  let spin = 0;
  while (process.cpuUsage(start).user < ms * 1000) spin++;
  expect(spin).toBeGreaterThan(0);
}

describe('benchmark process CPU', () => {
  it('reads the CPU a process has used, growing as it works, its main thread within it', () => {
    const before = processCpuSeconds(process.pid)!;
    burn(300);
    const after = processCpuSeconds(process.pid)!;
    // Ticks are 10 ms; the busy loop alone is 0.3 s.
    expect(after - before).toBeGreaterThanOrEqual(0.2);
    expect(mainThreadCpuSeconds(process.pid)!).toBeLessThanOrEqual(after);
  });

  it('measures another process (a stand-in server that burns 0.4 s of CPU on its main thread)', async () => {
    const server = spawn(process.execPath, ['-e', 'while (process.cpuUsage().user < 400_000); process.stdout.write("done"); setTimeout(() => {}, 10_000);']);
    try {
      const meter = cpuMeter(server.pid);
      await once(server.stdout!, 'data');
      const used = meter()!;
      expect(used.mainThread).toBeGreaterThanOrEqual(0.3);
      // Within one 10 ms tick: process and thread times are rounded into ticks separately (CI once saw 2.69 s against 2.70 s).
      expect(used.total).toBeGreaterThanOrEqual(used.mainThread - 0.01 - 1e-9);
    } finally {
      server.kill();
    }
  });

  it('says nothing for a process that is gone or was never given', () => {
    const gone = spawnSync('true').pid;
    expect(processCpuSeconds(gone)).toBeUndefined();
    expect(processCpuSeconds(undefined)).toBeUndefined();
    expect(cpuMeter(undefined)()).toBeUndefined();
  });

  it('bounds the ratio by the server main thread or by its CPU spread over the cores, whichever is longer', () => {
    expect(ratioCeiling(2, { total: 6, mainThread: 4 }, 2)).toBeCloseTo(0.5);
    expect(ratioCeiling(2, { total: 6, mainThread: 1 }, 2)).toBeCloseTo(2 / 3);
    expect(ratioCeiling(2, { total: 0, mainThread: 0 }, 2)).toBe(Number.POSITIVE_INFINITY);
  });
});
