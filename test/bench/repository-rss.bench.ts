// Peak memory (RSS) of a backup, for 1 GiB and 4 GiB inputs (issue 3). Run: `npm run bench:repository-rss`
// Environment: BENCH_RSS_SIZES_MB (default "1024,4096").
//
// Each backup runs in a child process that streams generated data (half compressible text, half
// random, so memory cannot hide behind deduplication) into an encrypted repository in a local
// folder; the child reports its own peak RSS (getrusage maxrss). Target: <= 300 MB.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalFolderStorage, Repository } from '../../src-main/repository/index.ts';

const MiB = 1024 * 1024;

async function child(size: number, folder: string): Promise<void> {
  const repository = await Repository.init(new LocalFolderStorage(folder), { password: 'benchmark password' });
  const text = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `${i},row-${(i * 7919) % 100_003},${(i * 31) % 1000}\n`).join(''));
  async function* generate(): AsyncGenerator<Buffer> {
    for (let offset = 0, n = 0; offset < size; n++) {
      const piece = n % 2 === 0 ? randomBytes(MiB) : Buffer.concat([Buffer.from(`${n}`), text]).subarray(0, MiB);
      offset += piece.length;
      yield piece;
    }
  }
  const started = Date.now();
  const result = await repository.backup({ resource: { id: 'rss', name: 'rss', kind: 'benchmark' }, engine: { name: 'bench', versions: {} } }, [{ name: 'data', data: generate() }]);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ peakRss, seconds: (Date.now() - started) / 1000, uploaded: result.stats.uploadedBytes }) + '\n');
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_RSS_SIZES_MB ?? '1024,4096').split(',').map(Number);
  const lines: string[] = [];
  // glibc keeps freed multi-MiB buffers in its heaps (its mmap threshold grows after each free);
  // the second variant pins the threshold, as the worker process can do through its environment.
  const variants = [
    { label: 'default environment', env: process.env },
    { label: 'MALLOC_MMAP_THRESHOLD_=131072 MALLOC_ARENA_MAX=2', env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_ARENA_MAX: '2' } },
  ];
  for (const sizeMb of sizes) for (const variant of variants) {
    const folder = await mkdtemp(join(tmpdir(), 'repo-rss-'));
    try {
      const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(sizeMb * MiB), folder], { encoding: 'utf8', maxBuffer: 10 * MiB, env: variant.env });
      if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
      const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
      const peak = report.peakRss / 1e6;
      lines.push(`${sizeMb} MiB backup (${variant.label}): peak RSS ${peak.toFixed(0)} MB (target <= 300 MB) ${peak <= 300 ? 'OK' : 'OVER'}; ${report.seconds.toFixed(1)} s; stored ${(report.uploaded / MiB).toFixed(0)} MiB`);
      console.log(lines.at(-1));
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
  console.log('\nSummary\n' + lines.join('\n'));
}

if (process.argv[2] === '--child') await child(Number(process.argv[3]), process.argv[4]!);
else await main();
