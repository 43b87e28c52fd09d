/**
 * MongoDB backup benchmark — `npm run bench:mongodb`.
 *
 * Generates a database of mixed documents (BENCH_MONGO_MB of BSON, default 1024) in FerretDB,
 * then compares, in the same run and against the same server:
 * - backup wall time through the real worker agent vs stock `mongodump` to a folder (target ≤ 0.8×);
 * - repository size vs `mongodump --gzip` (≤ 0.8×);
 * - bytes uploaded by a second backup of the unchanged database (≤ 1 % of the first);
 * - restore wall time vs stock `mongorestore` from the mongodump folder (≤ 1.0×; the best of
 *   BENCH_MONGO_RESTORE_ROUNDS rounds of each, default 3, alternating);
 * - peak RSS of the agent (≤ 400 MB).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Binary, Double, Int32, Long, ObjectId } from 'bson';
import { folderBytes, runAgent } from './agent-run.ts';
import type { BackupOutcome, JobSecrets, JobSpec } from '../../src-main/worker/protocol.ts';
import { Repository } from '../../src-main/repository/repository.ts';
import { LocalFolderStorage } from '../../src-main/repository/storage/local-storage.ts';
import { AGENT_SOURCE_ENTRY, installedAgentEntry } from '../../src-main/worker/agent-entry.ts';
import { parseMongodbUri } from '../../src-main/engines/mongodb/connection.ts';
import { peerBinary, startMongo, type TestMongo } from '../helpers/mongodb.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const run = promisify(execFile);
const TARGET_BYTES = Number(process.env.BENCH_MONGO_MB ?? 1024) * 1024 * 1024;
const REPO_PASSWORD = 'bench-repository-password';
/** Experiments: restore parallelism and backup zstd level (default: the engine's). */
const RESTORE_PARALLEL = process.env.BENCH_MONGO_RESTORE_PARALLEL ? Number(process.env.BENCH_MONGO_RESTORE_PARALLEL) : undefined;
const ZSTD_LEVEL = process.env.BENCH_MONGO_ZSTD ? Number(process.env.BENCH_MONGO_ZSTD) : undefined;
/** Restore rounds of each tool, alternating (the best of each is compared). */
const RESTORE_ROUNDS = Math.max(1, Number(process.env.BENCH_MONGO_RESTORE_ROUNDS ?? 3));
const WORDS = ['order', 'shipped', 'customer', 'Zürich', 'Oslo', 'payment', 'refund', 'warehouse', 'priority', 'gift', 'express', 'returned'];

/** A document of about 2 KiB: numbers of every width, text that compresses like real text; one in ten carries a 1 KiB incompressible attachment. */
function benchDocument(n: number): Record<string, unknown> {
  const words = Array.from({ length: 120 + (n % 80) }, (_, i) => WORDS[(n * 7 + i * 13) % WORDS.length]).join(' ');
  const random = Buffer.alloc(n % 10 === 0 ? 1024 : 0);
  for (let i = 0; i < random.length; i += 4) random.writeUInt32LE((Math.imul(n + 1, 2654435761) ^ Math.imul(i + 1, 40503)) >>> 0, i);
  return {
    _id: new ObjectId(n.toString(16).padStart(24, '0')),
    tenant: new Int32(n % 1000),
    sequence: Long.fromNumber(n * 7919),
    amount: new Double((n % 100_000) / 7),
    at: new Date(1_700_000_000_000 + n * 1000),
    status: WORDS[n % 4],
    note: words,
    tags: [`t${n % 17}`, `t${n % 31}`],
    address: { street: `${n} Main Street`, city: WORDS[n % WORDS.length], zip: String(n % 99_999).padStart(5, '0') },
    ...(random.length ? { attachment: new Binary(random, 0) } : {}),
  };
}

async function generate(server: TestMongo): Promise<{ documents: number; bytes: number }> {
  const client = await server.client();
  try {
    const collections = ['orders', 'events', 'customers', 'audit'];
    let documents = 0;
    let bytes = 0;
    while (bytes < TARGET_BYTES) {
      const batch = Array.from({ length: 1000 }, (_, i) => benchDocument(documents + i));
      await client.db('bench').collection(collections[Math.floor(documents / 1000) % collections.length]!).insertMany(batch);
      documents += batch.length;
      bytes += batch.length * 2100;
    }
    const stats = await client.db('bench').command({ dbStats: 1 });
    return { documents, bytes: Number(stats.dataSize ?? bytes) };
  } finally {
    await client.close();
  }
}

/** Times a stock tool; the password goes in a config file, never on the command line. */
async function stockTool(name: 'mongodump' | 'mongorestore', args: string[], config: string): Promise<number> {
  const started = performance.now();
  await run(peerBinary(name), [`--config=${config}`, '--authenticationDatabase=admin', '--quiet', ...args], { maxBuffer: 64 * 1024 * 1024 });
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  // The installed app runs the bundled agent; from the sources each job starts about 0.3 s later.
  const agent = installedAgentEntry();
  process.stderr.write(agent === AGENT_SOURCE_ENTRY ? 'agent: from the sources (a source is newer than the bundle: run `npm run build` first to time the installed agent)\n' : `agent: ${agent}\n`);
  const temp = makeTempDir('cosmos-mongo-bench-');
  const server = await startMongo();
  try {
    const t0 = performance.now();
    const generated = await generate(server);
    process.stderr.write(`generated database bench: ${generated.documents} documents, ${(generated.bytes / 1e9).toFixed(2)} GB in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    const config = join(temp.path, 'tools.yaml');
    writeFileSync(config, `password: ${JSON.stringify(server.password)}\n`, { mode: 0o600 });
    const uri = `--uri=${server.uriWithUser()}`;

    const dumpDir = join(temp.path, 'dump');
    const dumpSeconds = await stockTool('mongodump', [uri, '--db=bench', `--out=${dumpDir}`], config);
    const gzipDir = join(temp.path, 'dump-gzip');
    const gzipSeconds = await stockTool('mongodump', [uri, '--db=bench', '--gzip', `--out=${gzipDir}`], config);
    const repoPath = join(temp.path, 'repo');
    await Repository.init(new LocalFolderStorage(repoPath), { password: REPO_PASSWORD });
    const connection = parseMongodbUri(server.uriWithUser()).connection;
    const secrets: JobSecrets = { databasePassword: server.password, repositoryPassword: REPO_PASSWORD };
    const backupJob: JobSpec = { kind: 'backup', jobId: 'bench-1', engine: 'mongodb', repository: { location: repoPath }, source: connection, databases: ['bench'], resource: { id: 'bench', name: 'bench', kind: 'mongodb' }, options: ZSTD_LEVEL ? { compressionLevel: ZSTD_LEVEL } : {} };
    const first = await runAgent(backupJob, secrets);
    const firstOutcome = first.outcome as BackupOutcome;
    process.stderr.write(`backup: mongodump ${dumpSeconds.toFixed(1)} s (--gzip ${gzipSeconds.toFixed(1)} s), ours ${first.seconds.toFixed(1)} s = ${(first.seconds / dumpSeconds).toFixed(3)}x, agent peak RSS ${first.peakRssMb.toFixed(0)} MB\n`);
    const dumpBytes = await folderBytes(dumpDir);
    const gzipBytes = await folderBytes(gzipDir);
    const repoBytes = await folderBytes(repoPath);
    process.stderr.write(`mongodump folder ${dumpBytes} bytes, --gzip ${gzipBytes} bytes, repository ${repoBytes} bytes\n`);
    const second = await runAgent({ ...backupJob, jobId: 'bench-2' }, secrets);
    const secondOutcome = second.outcome as BackupOutcome;
    process.stderr.write(`backup 2: ${second.seconds.toFixed(1)} s, ${secondOutcome.uploadedBytes} bytes uploaded\n`);

    const folderRestore = await runAgent({ kind: 'restore', jobId: 'bench-folder', repository: { location: repoPath }, restorePointId: firstOutcome.restorePointId, target: { kind: 'folder', path: join(temp.path, 'folder-restore') } }, secrets);
    process.stderr.write(`restore to a folder (reading the repository alone): ${folderRestore.seconds.toFixed(1)} s, agent peak RSS ${folderRestore.peakRssMb.toFixed(0)} MB\n`);
    // Restores alternate with mongorestore, each into a fresh database dropped afterwards; the best
    // round of each is compared (on two cores shared with the server, single rounds vary by ±10 %).
    const baselineRounds: number[] = [];
    const restoreRounds: Awaited<ReturnType<typeof runAgent>>[] = [];
    const admin = await server.client();
    try {
      for (let round = 1; round <= RESTORE_ROUNDS; round++) {
        baselineRounds.push(await stockTool('mongorestore', [uri, '--nsInclude=bench.*', '--nsFrom=bench.*', `--nsTo=baseline${round}.*`, '--noIndexRestore', dumpDir], config));
        await admin.db(`baseline${round}`).dropDatabase();
        const restored = await runAgent({ kind: 'restore', jobId: `bench-restore-${round}`, engine: 'mongodb', repository: { location: repoPath }, restorePointId: firstOutcome.restorePointId, target: { kind: 'database', connection, databaseMap: { bench: `restored${round}` } }, options: RESTORE_PARALLEL ? { parallelism: RESTORE_PARALLEL } : {} }, secrets);
        restoreRounds.push(restored);
        await admin.db(`restored${round}`).dropDatabase();
        process.stderr.write(`restore round ${round}: mongorestore ${baselineRounds.at(-1)!.toFixed(1)} s, ours ${restored.seconds.toFixed(1)} s, agent peak RSS ${restored.peakRssMb.toFixed(0)} MB\n`);
      }
    } finally {
      await admin.close();
    }
    const restoreBaseline = Math.min(...baselineRounds);
    const restore = { seconds: Math.min(...restoreRounds.map((round) => round.seconds)), peakRssMb: Math.max(...restoreRounds.map((round) => round.peakRssMb)) };
    process.stderr.write(`restore (best of ${RESTORE_ROUNDS}): mongorestore ${restoreBaseline.toFixed(1)} s, ours ${restore.seconds.toFixed(1)} s = ${(restore.seconds / restoreBaseline).toFixed(3)}x, agent peak RSS ${restore.peakRssMb.toFixed(0)} MB\n`);

    const peak = Math.max(first.peakRssMb, second.peakRssMb, restore.peakRssMb);
    const rows = [
      ['backup wall time vs mongodump to a folder', `${first.seconds.toFixed(1)} s`, `${dumpSeconds.toFixed(1)} s`, first.seconds / dumpSeconds, 0.8],
      ['repository size vs mongodump --gzip', `${(repoBytes / 1e6).toFixed(0)} MB`, `${(gzipBytes / 1e6).toFixed(0)} MB`, repoBytes / gzipBytes, 0.8],
      ['second backup bytes uploaded vs first backup size', `${(secondOutcome.uploadedBytes / 1e6).toFixed(2)} MB`, `${(firstOutcome.size / 1e6).toFixed(0)} MB`, secondOutcome.uploadedBytes / firstOutcome.size, 0.01],
      ['restore wall time vs mongorestore from the folder', `${restore.seconds.toFixed(1)} s`, `${restoreBaseline.toFixed(1)} s`, restore.seconds / restoreBaseline, 1.0],
      ['agent peak RSS (MB)', `${peak.toFixed(0)} MB`, '400 MB', peak / 400, 1],
    ] as const;
    const report = {
      database: { documents: generated.documents, dataBytes: generated.bytes, documentsEntryBytes: firstOutcome.size },
      results: rows.map(([name, ours, baseline, ratio, target]) => ({ name, ours, baseline, ratio: Number(ratio.toFixed(3)), target, met: ratio <= target })),
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } finally {
    await server.stop();
    temp.remove();
  }
}

await main();
