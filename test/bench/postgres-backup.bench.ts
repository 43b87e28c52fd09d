/**
 * PostgreSQL backup benchmark — `npm run bench:postgres`.
 *
 * Generates a database of at least 1 GB (one large table, several medium ones, an incompressible
 * bytea table, many small ones), then compares, in the same run:
 * - backup wall time through the real worker agent vs `pg_dump -Fd -j2` to a local folder (target ≤ 0.7×),
 *   the median of BENCH_PG_BACKUP_ROUNDS interleaved rounds (default 3);
 * - repository size vs that dump folder (≤ 0.85×);
 * - bytes uploaded by a second backup of the unchanged database (≤ 1 % of the first);
 * - restore wall time vs `createdb` + `pg_restore -j2` from the `pg_dump -Fd` folder (≤ 1.1×), the
 *   median of BENCH_PG_RESTORE_ROUNDS interleaved rounds (default 5: single restore rounds move by ±25 %);
 * - peak RSS of the agent (≤ 400 MB).
 * Set BENCH_PG_ROWS to scale the large table (default 3,600,000 rows).
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { folderBytes, runAgent } from './agent-run.ts';
import { medianRound } from './median-round.ts';
import type { BackupOutcome, JobOutcome, JobSecrets, JobSpec } from '../../src-main/worker/protocol.ts';
import { Repository } from '../../src-main/repository/repository.ts';
import { LocalFolderStorage } from '../../src-main/repository/storage/local-storage.ts';
import { parsePostgresUri } from '../../src-main/engines/postgres/connection.ts';
import { PG_BIN, startPostgres } from '../helpers/postgres.ts';
import type { TestPostgres } from '../helpers/postgres.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const ROWS = Number(process.env.BENCH_PG_ROWS ?? 3_600_000);
const BACKUP_ROUNDS = Math.max(1, Number(process.env.BENCH_PG_BACKUP_ROUNDS ?? 3));
const RESTORE_ROUNDS = Math.max(1, Number(process.env.BENCH_PG_RESTORE_ROUNDS ?? 5));
const REPO_PASSWORD = 'bench-repository-password';

function tool(server: TestPostgres, name: string, args: string[], database = 'postgres'): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(join(PG_BIN, name), args, { env: server.env(database), stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`${name} exited ${code}: ${err}`))));
  });
}

async function generate(server: TestPostgres): Promise<void> {
  await server.query('CREATE DATABASE bench');
  await server.query('CREATE EXTENSION pgcrypto', 'bench');
  const statements = [
    `CREATE TABLE events (id bigint PRIMARY KEY, tenant_id int NOT NULL, at timestamptz NOT NULL, kind text NOT NULL, payload text);
     INSERT INTO events SELECT g, g % 1000, timestamptz '2024-01-01' + g * interval '1 second', (ARRAY['click','view','buy','share'])[1 + g % 4],
       'user ' || (g::bigint * 7919 % 100000) || ' did ' || md5(g::text) || ' from 10.' || (g % 255) || '.' || (g * 31 % 255) || ' agent Mozilla/5.0 (X11; Linux x86_64) ' || repeat(chr(65 + g % 26), 1 + g % 40)
     FROM generate_series(1, ${ROWS}) g;`,
    `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, amount numeric(12,2), status text, placed date, note text);
     INSERT INTO orders SELECT g, g % 500000, (g % 100000) / 7.0, (ARRAY['new','paid','shipped','returned'])[1 + g % 4], date '2020-01-01' + g % 1500,
       CASE WHEN g % 3 = 0 THEN 'gift wrap please, order ' || g ELSE NULL END FROM generate_series(1, ${Math.round(ROWS * 0.45)}) g;
     CREATE INDEX orders_customer_idx ON orders (customer_id);`,
    `CREATE TABLE customers (id int PRIMARY KEY, name text, email text, address jsonb);
     INSERT INTO customers SELECT g, 'Customer ' || g, 'customer' || g || '@example.com', jsonb_build_object('street', g || ' Main St', 'city', (ARRAY['Zürich','Oslo','Lyon'])[1 + g % 3], 'zip', lpad((g % 99999)::text, 5, '0'))
     FROM generate_series(1, ${Math.round(ROWS * 0.14)}) g;`,
    `CREATE TABLE attachments (id int PRIMARY KEY, data bytea);
     ALTER TABLE attachments ALTER COLUMN data SET STORAGE EXTERNAL;
     INSERT INTO attachments SELECT g, gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024) || gen_random_bytes(1024)
     FROM generate_series(1, ${Math.round(ROWS / 600)}) g;`,
    Array.from({ length: 20 }, (_, i) => `CREATE TABLE small_${i} (id int PRIMARY KEY, label text, value float8); INSERT INTO small_${i} SELECT g, 'label ' || g, g * 1.5 FROM generate_series(1, 10000) g;`).join('\n'),
  ];
  // Two at a time: the machine has two cores.
  const queue = [...statements];
  await Promise.all([0, 1].map(async () => {
    for (let sql = queue.shift(); sql; sql = queue.shift()) await server.query(sql, 'bench');
  }));
  await server.query('VACUUM ANALYZE', 'bench');
}

async function main(): Promise<void> {
  const temp = makeTempDir('cosmos-pg-bench-');
  const server = await startPostgres();
  try {
    const t0 = performance.now();
    await generate(server);
    const size = (await server.query<{ size: string }>(`SELECT pg_database_size('bench')::text AS size`))[0]!.size;
    process.stderr.write(`generated database bench: ${(Number(size) / 1e9).toFixed(2)} GB in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);

    // First backups, interleaved with the baseline, BENCH_PG_BACKUP_ROUNDS times into fresh
    // folders (the median counts, as for restores). Round 1's dump and repository are kept for
    // the size, second-backup and restore measurements.
    const dumpDir = join(temp.path, 'pg_dump_Fd');
    const repoPath = join(temp.path, 'repo');
    const connection = parsePostgresUri(server.uri()).connection;
    const secrets: JobSecrets = { databasePassword: server.password, repositoryPassword: REPO_PASSWORD };
    const backupJob: JobSpec = { kind: 'backup', jobId: 'bench-1', engine: 'postgres', repository: { location: repoPath }, source: connection, databases: ['bench'], resource: { id: 'bench', name: 'bench', kind: 'postgres' } };
    const backupRuns: { baseline: number; ours: number; peakRssMb: number; outcome: JobOutcome }[] = [];
    for (let round = 1; round <= BACKUP_ROUNDS; round++) {
      const roundDump = round === 1 ? dumpDir : join(temp.path, `pg_dump_Fd_${round}`);
      const roundRepo = round === 1 ? repoPath : join(temp.path, `repo_${round}`);
      const dumpSeconds = await tool(server, 'pg_dump', ['-Fd', '-j2', '-f', roundDump], 'bench');
      await Repository.init(new LocalFolderStorage(roundRepo), { password: REPO_PASSWORD });
      const run = await runAgent({ ...backupJob, jobId: `bench-backup-${round}`, repository: { location: roundRepo } }, secrets);
      if (round > 1) await Promise.all([rm(roundDump, { recursive: true }), rm(roundRepo, { recursive: true })]);
      backupRuns.push({ baseline: dumpSeconds, ours: run.seconds, peakRssMb: run.peakRssMb, outcome: run.outcome });
      process.stderr.write(`backup round ${round}: pg_dump -Fd -j2 ${dumpSeconds.toFixed(1)} s, ours ${run.seconds.toFixed(1)} s = ${(run.seconds / dumpSeconds).toFixed(3)}x, agent peak RSS ${run.peakRssMb.toFixed(0)} MB\n`);
    }
    const medianBackup = medianRound(backupRuns);
    const firstOutcome = backupRuns[0]!.outcome as BackupOutcome;
    const dumpBytes = await folderBytes(dumpDir);
    const repoBytes = await folderBytes(repoPath);
    process.stderr.write(`pg_dump -Fd folder ${dumpBytes} bytes, repository ${repoBytes} bytes\n`);
    const second = await runAgent({ ...backupJob, jobId: 'bench-2' }, secrets);
    const secondOutcome = second.outcome as BackupOutcome;
    process.stderr.write(`backup 2: ${second.seconds.toFixed(1)} s, ${secondOutcome.uploadedBytes} bytes uploaded\n`);

    // Restore, interleaved with the baseline, BENCH_PG_RESTORE_ROUNDS times (the median counts; one
    // run on a shared two-core machine moves by ±20 %). Both sides create their target database:
    // `createdb -T template0` then `pg_restore -j2`, as an administrator would; the agent creates it itself.
    const restoreRuns: { baseline: number; ours: number; peakRssMb: number }[] = [];
    for (let round = 1; round <= RESTORE_ROUNDS; round++) {
      const created = await tool(server, 'createdb', ['-T', 'template0', 'baseline_restore']);
      const restored = await tool(server, 'pg_restore', ['-j2', '-d', 'baseline_restore', dumpDir]);
      await server.query('DROP DATABASE baseline_restore');
      await server.query('CHECKPOINT');
      const restore = await runAgent(
        { kind: 'restore', jobId: `bench-restore-${round}`, engine: 'postgres', repository: { location: repoPath }, restorePointId: firstOutcome.restorePointId, target: { kind: 'database', connection, databaseMap: { bench: 'bench_restored' } } },
        secrets,
      );
      await server.query('DROP DATABASE bench_restored');
      await server.query('CHECKPOINT');
      restoreRuns.push({ baseline: created + restored, ours: restore.seconds, peakRssMb: restore.peakRssMb });
      process.stderr.write(`restore round ${round}: createdb + pg_restore -j2 ${(created + restored).toFixed(1)} s, ours ${restore.seconds.toFixed(1)} s = ${(restore.seconds / (created + restored)).toFixed(3)}x, agent peak RSS ${restore.peakRssMb.toFixed(0)} MB\n`);
    }
    const restore = medianRound(restoreRuns);

    const peak = Math.max(...backupRuns.map((run) => run.peakRssMb), second.peakRssMb, ...restoreRuns.map((run) => run.peakRssMb));
    const rows = [
      ['backup wall time vs pg_dump -Fd -j2 (median round)', `${medianBackup.ours.toFixed(1)} s`, `${medianBackup.baseline.toFixed(1)} s`, medianBackup.ours / medianBackup.baseline, 0.7],
      ['repository size vs pg_dump -Fd folder', `${(repoBytes / 1e6).toFixed(0)} MB`, `${(dumpBytes / 1e6).toFixed(0)} MB`, repoBytes / dumpBytes, 0.85],
      ['second backup bytes uploaded vs first dump size', `${(secondOutcome.uploadedBytes / 1e6).toFixed(2)} MB`, `${(firstOutcome.size / 1e6).toFixed(0)} MB`, secondOutcome.uploadedBytes / firstOutcome.size, 0.01],
      ['restore wall time vs createdb + pg_restore -j2 (median round)', `${restore.ours.toFixed(1)} s`, `${restore.baseline.toFixed(1)} s`, restore.ours / restore.baseline, 1.1],
      ['agent peak RSS (MB)', `${peak.toFixed(0)} MB`, '400 MB', peak / 400, 1],
    ] as const;
    const report = {
      database: { bytes: Number(size), dumpEntryBytes: firstOutcome.size, rows: firstOutcome.databases[0]?.rows },
      backupRounds: backupRuns.map((run) => ({ baselineSeconds: Number(run.baseline.toFixed(2)), oursSeconds: Number(run.ours.toFixed(2)), ratio: Number((run.ours / run.baseline).toFixed(3)) })),
      restoreRounds: restoreRuns.map((run) => ({ baselineSeconds: Number(run.baseline.toFixed(2)), oursSeconds: Number(run.ours.toFixed(2)), ratio: Number((run.ours / run.baseline).toFixed(3)) })),
      results: rows.map(([name, ours, baseline, ratio, target]) => ({ name, ours, baseline, ratio: Number(ratio.toFixed(3)), target, met: ratio <= target })),
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } finally {
    await server.stop();
    temp.remove();
  }
}

await main();
