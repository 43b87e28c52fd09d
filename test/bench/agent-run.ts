import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalWorkerLauncher } from '../../src-main/worker/local-launcher.ts';
import type { JobOutcome, JobSecrets, JobSpec } from '../../src-main/worker/protocol.ts';

/** Bytes of every file under `root`. */
export async function folderBytes(root: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** Runs a job on the real agent and samples its RSS; returns the outcome, wall seconds and peak RSS. */
export async function runAgent(job: JobSpec, secrets: JobSecrets): Promise<{ outcome: JobOutcome; seconds: number; peakRssMb: number }> {
  let pid = 0;
  let peak = 0;
  const launcher = new LocalWorkerLauncher({ onSpawn: (p) => (pid = p) });
  const started = performance.now();
  const handle = await launcher.launch(job, secrets, new AbortController().signal);
  const sampler = setInterval(() => {
    try {
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
      peak = Math.max(peak, hwm);
    } catch {
      /* exited */
    }
  }, 100);
  for await (const event of handle.events) if (event.type === 'log' && event.level !== 'info') process.stderr.write(`  agent ${event.level}: ${event.message}\n`);
  const outcome = await handle.result.finally(() => clearInterval(sampler));
  return { outcome, seconds: (performance.now() - started) / 1000, peakRssMb: peak };
}
