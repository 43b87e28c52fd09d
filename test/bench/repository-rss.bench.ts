// Peak memory (RSS) of a backup, for 1 GiB and 4 GiB inputs (issue 3). Run: `npm run bench:repository-rss`
// Environment: BENCH_RSS_SIZES_MB (default "1024,4096").
//
// Each backup runs in a child process that streams the mixed dataset (mixed-dataset.ts: half
// compressible text, half random, so memory cannot hide behind deduplication) into an encrypted
// repository in a local folder, and reports its own peak RSS (getrusage maxrss). Target: <= 300 MB.
// The child runs with the CLI's Node flags (DATA_PATH_NODE_FLAGS), as the product does.
//
// Two ways to feed it, both measured:
// - from a file: the dataset is written first, by the parent, and the child reads it with a file
//   stream, the way a backup reads a dump. This is the figure the target is about.
// - generated in the child: the session-1 method; the generator's own garbage (2 GiB of pieces per
//   GiB) is measured with the backup, so it reads higher.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_PATH_NODE_FLAGS } from '../../src-main/repository/data-path-node-flags.ts';
import { LocalFolderStorage, Repository } from '../../src-main/repository/index.ts';
import type { EntrySource } from '../../src-main/repository/index.ts';
import { generateMixedDataset } from './mixed-dataset.ts';

const MiB = 1024 * 1024;

/** The in-process generator of the first method: 1 MiB pieces, alternately random and text. */
async function* generate(size: number): AsyncGenerator<Buffer> {
  const text = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `${i},row-${(i * 7919) % 100_003},${(i * 31) % 1000}\n`).join(''));
  for (let offset = 0, n = 0; offset < size; n++) {
    const piece = (n % 2 === 0 ? randomBytes(MiB) : Buffer.concat([Buffer.from(`${n}`), text])).subarray(0, Math.min(MiB, size - offset));
    offset += piece.length;
    yield piece;
  }
}

async function child(source: string, size: number, folder: string): Promise<void> {
  const repository = await Repository.init(new LocalFolderStorage(folder), { password: 'benchmark password' });
  const data: EntrySource = source === 'generated' ? generate(size) : createReadStream(source, { highWaterMark: MiB });
  const started = Date.now();
  const result = await repository.backup({ resource: { id: 'rss', name: 'rss', kind: 'benchmark' }, engine: { name: 'bench', versions: {} } }, [{ name: 'data', data }]);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ peakRss, seconds: (Date.now() - started) / 1000, read: result.stats.bytesRead, uploaded: result.stats.uploadedBytes }) + '\n');
}

function measure(source: string, size: number, folder: string): { peakRss: number; seconds: number; read: number; uploaded: number } {
  const run = spawnSync(process.execPath, [...DATA_PATH_NODE_FLAGS, fileURLToPath(import.meta.url), '--child', source, String(size), folder], { encoding: 'utf8', maxBuffer: 10 * MiB });
  if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
  const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
  if (report.read !== size) throw new Error(`the backup read ${report.read} bytes, expected ${size}`);
  return report;
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_RSS_SIZES_MB ?? '1024,4096').split(',').map(Number);
  const work = await mkdtemp(join(tmpdir(), 'repo-rss-'));
  const lines: string[] = [];
  try {
    for (const sizeMb of sizes) {
      const size = sizeMb * MiB;
      const input = join(work, 'dataset.bin');
      await generateMixedDataset(input, size);
      for (const [label, source] of [['from a file', input], ['generated in the process', 'generated']] as const) {
        const folder = join(work, 'repo');
        try {
          const report = measure(source, size, folder);
          const peak = report.peakRss / 1e6;
          lines.push(`${sizeMb} MiB backup (${label}): peak RSS ${peak.toFixed(0)} MB (target <= 300 MB) ${peak <= 300 ? 'OK' : 'OVER'}; ${report.seconds.toFixed(1)} s; stored ${(report.uploaded / MiB).toFixed(0)} MiB`);
          console.log(lines.at(-1));
        } finally {
          await rm(folder, { recursive: true, force: true });
        }
      }
      await rm(input, { force: true });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log('\nSummary\n' + lines.join('\n'));
}

if (process.argv[2] === '--child') await child(process.argv[3]!, Number(process.argv[4]), process.argv[5]!);
else await main();
