// Repository throughput benchmark (issue 3). Run: `npm run bench:repository`
// Environment: BENCH_SIZE_MB (default 1024), BENCH_BACKENDS (default "local,azurite").
//
// On a generated mixed dataset (half compressible CSV-like text, half random bytes, in 4 MiB
// segments) it measures, for each backend:
//   1. first backup (encrypted) vs `zstd -3` of the same file          → ratio of speeds (target ≥ 0.8)
//   2. second backup of unchanged data                                   → bytes uploaded / size (≤ 0.5 %)
//   3. backup after 1 % of the bytes changed in place                    → bytes uploaded / size (≤ 3 %)
//   4. restore of the changed data vs `zstd -d`                          → ratio of speeds (target ≥ 1.0)
// Baselines are measured in the same run, on the same machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AzureBlobStorage, LocalFolderStorage, Repository } from '../../src-main/repository/index.ts';
import type { RepositoryStorage } from '../../src-main/repository/index.ts';
import { startAzurite } from '../helpers/azurite.ts';
import { generateMixedDataset } from './mixed-dataset.ts';

const SIZE = Number(process.env.BENCH_SIZE_MB ?? 1024) * 1024 * 1024;
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'local,azurite').split(',');
const MiB = 1024 * 1024;

function zstdAvailable(): boolean {
  return spawnSync('zstd', ['--version']).status === 0;
}

/** Overwrites 1 % of the file in place, in 8 evenly spaced regions. */
async function changeOnePercent(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  const region = Math.floor(SIZE / 100 / 8);
  try {
    for (let i = 0; i < 8; i++) await handle.write(randomBytes(region), 0, region, Math.floor(((i + 0.5) * SIZE) / 8));
  } finally {
    await handle.close();
  }
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function timeCommand(command: string, args: string[]): number {
  const started = process.hrtime.bigint();
  execFileSync(command, args, { stdio: 'ignore' });
  return seconds(started);
}

async function backupFile(repository: Repository, path: string) {
  const started = process.hrtime.bigint();
  const result = await repository.backup(
    { resource: { id: 'bench', name: 'bench', kind: 'benchmark' }, engine: { name: 'bench', versions: {} } },
    [{ name: 'dataset', data: createReadStream(path, { highWaterMark: MiB }) }],
  );
  return { seconds: seconds(started), result };
}

async function runBackend(name: string, storage: RepositoryStorage, files: { original: string; changed: string; restored: string }, baseline: { compress: number; decompress: number }) {
  const repository = await Repository.init(storage, { password: 'benchmark password' });
  const first = await backupFile(repository, files.original);
  const second = await backupFile(repository, files.original);
  const third = await backupFile(repository, files.changed);
  const started = process.hrtime.bigint();
  await pipeline(await repository.openEntry(third.result.restorePointId, 'dataset'), createWriteStream(files.restored));
  const restoreSeconds = seconds(started);
  const restoredSize = (await stat(files.restored)).size;
  if (restoredSize !== SIZE) throw new Error(`restore wrote ${restoredSize} bytes, expected ${SIZE}`);
  execFileSync('cmp', [files.changed, files.restored]);
  const mbps = (secs: number) => (SIZE / MiB / secs).toFixed(0);
  const pct = (bytes: number) => ((100 * bytes) / SIZE).toFixed(3);
  return [
    `${name}: first backup  ${first.seconds.toFixed(1)} s = ${mbps(first.seconds)} MiB/s; ratio vs zstd -3: ${(baseline.compress / first.seconds).toFixed(2)}x (target >= 0.8); stored ${(first.result.stats.uploadedBytes / MiB).toFixed(0)} MiB`,
    `${name}: unchanged     uploaded ${pct(second.result.stats.uploadedBytes)} % of the input (target <= 0.5 %), ${second.seconds.toFixed(1)} s`,
    `${name}: 1 % changed   uploaded ${pct(third.result.stats.uploadedBytes)} % of the input (target <= 3 %), ${third.seconds.toFixed(1)} s`,
    `${name}: restore       ${restoreSeconds.toFixed(1)} s = ${mbps(restoreSeconds)} MiB/s; ratio vs zstd -d: ${(baseline.decompress / restoreSeconds).toFixed(2)}x (target >= 1.0); verified with cmp`,
  ];
}

async function main(): Promise<void> {
  if (!zstdAvailable()) {
    console.error('The zstd command-line tool is missing; it is the baseline. Install it (apt-get install -y zstd) and run again.');
    process.exit(2);
  }
  const work = await mkdtemp(join(tmpdir(), 'repo-bench-'));
  const files = { original: join(work, 'dataset.bin'), changed: join(work, 'dataset-changed.bin'), restored: join(work, 'restored.bin') };
  const lines: string[] = [];
  try {
    console.log(`Generating a ${SIZE / MiB} MiB mixed dataset in ${work} ...`);
    await generateMixedDataset(files.original, SIZE);
    await copyFile(files.original, files.changed);
    await changeOnePercent(files.changed);
    const compress = timeCommand('zstd', ['-3', '-q', '-f', files.original, '-o', join(work, 'dataset.zst')]);
    const compressedSize = (await stat(join(work, 'dataset.zst'))).size;
    const decompress = timeCommand('zstd', ['-d', '-q', '-f', join(work, 'dataset.zst'), '-o', join(work, 'dataset.unzst')]);
    await rm(join(work, 'dataset.unzst'));
    lines.push(
      `baseline: zstd -3 ${compress.toFixed(1)} s = ${(SIZE / MiB / compress).toFixed(0)} MiB/s (output ${(compressedSize / MiB).toFixed(0)} MiB); zstd -d ${decompress.toFixed(1)} s = ${(SIZE / MiB / decompress).toFixed(0)} MiB/s`,
    );
    console.log(lines.at(-1));
    if (BACKENDS.includes('local')) {
      const folder = join(work, 'local-repo');
      for (const line of await runBackend('local', new LocalFolderStorage(folder), files, { compress, decompress })) {
        console.log(line);
        lines.push(line);
      }
      await rm(folder, { recursive: true, force: true });
    }
    if (BACKENDS.includes('azurite')) {
      const azurite = await startAzurite({ location: join(work, 'azurite') });
      try {
        const storage = new AzureBlobStorage({
          blobEndpoint: azurite.blobEndpoint,
          container: 'bench',
          credentials: { kind: 'sharedKey', accountName: azurite.accountName, accountKey: azurite.accountKey },
        });
        await storage.ensureContainer();
        for (const line of await runBackend('azurite', storage, files, { compress, decompress })) {
        console.log(line);
        lines.push(line);
      }
      } finally {
        await azurite.stop();
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  console.log('\nSummary\n' + lines.join('\n'));
}

await main();
