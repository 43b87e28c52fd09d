import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { Repository } from '../../src-main/repository/repository.ts';
import { initRepository, openRepository } from '../../src-main/repository/index.ts';
import { MemoryStorage } from '../../src-main/repository/storage/memory-storage.ts';
import { generatedDump, generatedDumpSha256 } from '../helpers/generated-dump.ts';
import { seededRandom } from '../helpers/seeded-random.ts';
import { startAzurite } from '../helpers/azurite.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/**
 * The reliability suite: randomized kill -9 points in backup, prune, copy and restore (real child
 * processes on a local folder repository), and bit flips in every kind of repository file. Every
 * trial derives from one seed, printed first, so a failure is replayed with FAULTS_SEED=<seed>.
 * `npm run test:faults` runs the full form (40 kills per storage, 1000 flips); `npm test` a bounded
 * one (FAULTS_BOUNDED=1: 20 kills per storage, 200 flips).
 */
const SEED = Number(process.env.FAULTS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BOUNDED = process.env.FAULTS_BOUNDED === '1';
const KILLS = Number(process.env.FAULTS_KILLS ?? (BOUNDED ? 20 : 40));
const FLIPS = Number(process.env.FAULTS_FLIPS ?? (BOUNDED ? 200 : 1000));
const PASSWORD = 'reliability suite password';
const FORMAT = { chunker: { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 }, packSize: 512 * 1024, scrypt: { n: 1024, r: 8, p: 1 } };
const CHILD = new URL('./support/operation-child.ts', import.meta.url).pathname;
const OPERATIONS = ['backup', 'prune', 'copy', 'restore'] as const;
type Operation = (typeof OPERATIONS)[number];

console.log(`reliability suite: seed ${SEED} (replay with FAULTS_SEED=${SEED}), ${KILLS} kill trials per repository storage, ${FLIPS} flip trials`);

/** What the suite measured, for docs/reliability.md. */
const figures = {
  seed: SEED,
  /** Per repository storage. */
  kills: {} as Record<string, ReturnType<typeof newKillFigures>>,
  flips: {
    trials: 0,
    detected: 0,
    harmless: 0,
    /** Per file kind; `restoreFailed`: trials where some restore failed (the rest were told by check alone). */
    byKind: {} as Record<string, { trials: number; detected: number; restoreFailed: number; harmless: number }>,
    silent: 0,
    checkMissed: 0,
    misreported: 0,
    unexplained: 0,
  },
};
const failures: string[] = [];

function newKillFigures() {
  return { trials: 0, interrupted: 0, completedBeforeKill: 0, byOperation: {} as Record<string, { trials: number; interrupted: number }>, checkProblems: 0, lost: 0, silent: 0 };
}

afterAll(async () => {
  console.log(`reliability figures: ${JSON.stringify(figures)}`);
  if (process.env.FAULTS_REPORT) await writeFile(process.env.FAULTS_REPORT, JSON.stringify(figures, null, 2));
});

async function sha256Of(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash('sha256');
  for await (const part of stream) hash.update(part);
  return hash.digest('hex');
}

/** Runs one operation in a child process and SIGKILLs it after `killAfterMs`; says whether it finished first. */
async function runKilled(args: string[], killAfterMs: number, azureKey: string | undefined): Promise<{ finished: boolean; stderr: string }> {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FAULTS_AZURE_KEY: azureKey ?? '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await Promise.race([sleep(killAfterMs), exited]);
  child.kill('SIGKILL');
  await exited;
  return { finished: stdout.includes('"done":true'), stderr };
}

describe(`reliability (seed ${SEED})`, () => {
  it.each(['local folder', 'Azure Blob storage (Azurite)'])(`kill -9 at random points of backup, prune, copy and restore (repository: %s) loses no restore point and never restores wrong bytes`, { timeout: 1_800_000 }, async (kind) => {
    const random = seededRandom(SEED ^ kind.length);
    const kills = (figures.kills[kind] = newKillFigures());
    const temp = makeTempDir('cosmos-faults-kill-');
    const azurite = kind.startsWith('Azure') ? await startAzurite() : undefined;
    const credentials = azurite ? { kind: 'sharedKey' as const, accountKey: azurite.accountKey } : undefined;
    const main = azurite ? `${azurite.blobEndpoint}/faults/main` : join(temp.path, 'main');
    const archive = join(temp.path, 'archive');
    const openMain = () => openRepository(main, { password: PASSWORD, credentials });
    const runKilledOperation = (args: string[], killAfterMs: number) => runKilled(args, killAfterMs, azurite?.accountKey);
    await initRepository(main, { password: PASSWORD, ...FORMAT, credentials });
    await initRepository(archive, { password: PASSWORD, ...FORMAT });
    /** Every restore point that must exist, with the SHA-256 its "dump" entry restores to. */
    const expected = new Map<string, string>();
    const sizeOf = new Map<string, number>();
    const backupInProcess = async (seed: string, size: number) => {
      const repository = await openMain();
      const result = await repository.backup({ resource: { id: `resource-${seed}`, name: `resource-${seed}`, kind: 'test' }, engine: { name: 'test', versions: {} } }, [{ name: 'dump', data: generatedDump(seed, size) }]);
      expected.set(result.restorePointId, await generatedDumpSha256(seed, size));
    };
    const forgetOldest = async () => {
      const repository = await openMain();
      const points = (await repository.listRestorePoints()).restorePoints.filter((p) => expected.has(p.id));
      const oldest = points[points.length - 1]!;
      await repository.withLock(true, 'forget', {}, (signal) => repository.storage.delete(`restore-points/${oldest.id}`, signal));
      forgottenShas.set(oldest.id, expected.get(oldest.id)!);
      expected.delete(oldest.id);
    };
    for (let i = 0; i < 3; i++) await backupInProcess(`base-${i}`, 3 * 1024 * 1024);
    /** How long each operation ran unkilled: its first trial runs to the end to measure it. */
    const durations = new Map<Operation, number>();

    try {
      for (let trial = 0; trial < KILLS; trial++) {
        const operation: Operation = OPERATIONS[trial % OPERATIONS.length]!;
        const replay = `${kind} trial ${trial} (${operation}), seed ${SEED}`;
        const ids = [...expected.keys()];
        const pick = () => ids[Math.floor(random() * ids.length)]!;
        let args: string[];
        let restoreDir = '';
        let restoredPoint = '';
        let backupSeed = '';
        if (operation === 'backup') {
          backupSeed = `trial-${SEED}-${trial}`;
          const size = Math.floor((2 + random() * 4) * 1024 * 1024);
          sizeOf.set(backupSeed, size);
          args = ['backup', main, PASSWORD, backupSeed, String(size)];
        } else if (operation === 'prune') {
          // Give prune work: forget a restore point first (not killed), so packs are deleted and repacked.
          if (expected.size > 2) await forgetOldest();
          args = ['prune', main, PASSWORD];
        } else if (operation === 'copy') {
          // A restore point not in the archive yet, so the copy has bytes to move.
          const archived = new Set((await (await openRepository(archive, { password: PASSWORD })).listRestorePoints()).restorePoints.map((p) => p.manifest.copiedFrom?.restorePointId));
          const fresh = ids.filter((id) => !archived.has(id));
          args = ['copy', main, PASSWORD, archive, fresh.length ? fresh[Math.floor(random() * fresh.length)]! : pick()];
        } else {
          restoredPoint = pick();
          restoreDir = join(temp.path, `restore-${trial}`);
          args = ['restore', main, PASSWORD, restoredPoint, restoreDir];
        }
        // The kill lands between a third of the way (Node's start-up is the first part) and the end of
        // how long this operation took when it ran to the end.
        const duration = durations.get(operation) ?? 0;
        const started = performance.now();
        const { finished } = await runKilledOperation(args, duration ? Math.floor(duration * (0.35 + random() * 0.62)) : 600_000);
        if (!duration) durations.set(operation, performance.now() - started);
        kills.trials++;
        const byOperation = (kills.byOperation[operation] ??= { trials: 0, interrupted: 0 });
        byOperation.trials++;
        if (finished) kills.completedBeforeKill++;
        else {
          kills.interrupted++;
          byOperation.interrupted++;
        }

        const repository = await openMain();
        const listed = (await repository.listRestorePoints()).restorePoints;
        // A backup may have committed its restore point just before the kill: it must then be whole.
        for (const point of listed) {
          if (!expected.has(point.id) && point.manifest.resource.id === `resource-${backupSeed}`) expected.set(point.id, await generatedDumpSha256(backupSeed, sizeOf.get(backupSeed)!));
        }
        const report = await repository.check({ readData: true });
        if (!report.ok) {
          kills.checkProblems++;
          failures.push(`${replay}: check found ${report.problems.map((p) => `${p.file}: ${p.message}`).join('; ')}`);
        }
        for (const [id, sha] of expected) {
          if (!listed.some((point) => point.id === id)) {
            kills.lost++;
            failures.push(`${replay}: restore point ${id} is gone`);
            continue;
          }
          const restored = await repository.openEntry(id, 'dump').then(sha256Of, (error: unknown) => error as Error);
          if (restored instanceof Error) {
            kills.lost++;
            failures.push(`${replay}: restore point ${id} does not restore: ${restored.message}`);
          } else if (restored !== sha) {
            kills.silent++;
            failures.push(`${replay}: restore point ${id} restored wrong bytes`);
          }
        }
        // The archive: every copy there restores to its source's bytes.
        const target = await openRepository(archive, { password: PASSWORD });
        const archiveReport = await target.check({ readData: true });
        if (!archiveReport.ok) {
          kills.checkProblems++;
          failures.push(`${replay}: archive check found ${archiveReport.problems.map((p) => p.message).join('; ')}`);
        }
        for (const copy of (await target.listRestorePoints()).restorePoints) {
          const source = copy.manifest.copiedFrom?.restorePointId;
          const sha = source ? expectedOrForgotten(source) : undefined;
          if (!sha) continue;
          if ((await target.openEntry(copy.id, 'dump').then(sha256Of, () => 'unreadable')) !== sha) {
            kills.silent++;
            failures.push(`${replay}: the archive copy ${copy.id} of ${source} does not restore its bytes`);
          }
        }
        // A killed restore may leave a partial file under a temporary name, never a wrong file under the entry's.
        if (restoreDir) {
          const names = await readdir(restoreDir, { recursive: true }).catch(() => [] as string[]);
          if (names.includes('dump') && createHash('sha256').update(await readFile(join(restoreDir, 'dump'))).digest('hex') !== expected.get(restoredPoint)) {
            kills.silent++;
            failures.push(`${replay}: the restored file "dump" has wrong bytes`);
          }
        }
        // Keep verification quick: a handful of restore points at a time.
        if (expected.size > 5) await forgetOldest();
      }
    } finally {
      await azurite?.stop();
      temp.remove();
    }
    expect(failures, failures.join('\n')).toEqual([]);
    // The kills must have hit the operations mid-way, or the trials prove nothing (each operation's
    // first trial runs to the end to measure it).
    expect(kills.interrupted).toBeGreaterThanOrEqual(Math.ceil((KILLS - OPERATIONS.length) / 2));

    /** The SHA-256 of a restore point of the main repository, also once forgotten there (the archive keeps copies). */
    function expectedOrForgotten(id: string): string | undefined {
      return expected.get(id) ?? forgottenShas.get(id);
    }
  });

  it(`bit flips in every kind of repository file are detected, explained in the user's terms, and never restore wrong bytes`, { timeout: 1_800_000 }, async () => {
    const random = seededRandom(SEED ^ 0x5bd1e995);
    const storage = new MemoryStorage();
    const repository = await Repository.init(storage, { password: PASSWORD, ...FORMAT, chunker: { minSize: 8 * 1024, avgSize: 32 * 1024, maxSize: 128 * 1024 }, packSize: 128 * 1024 });
    const contents = new Map<string, Map<string, Buffer>>();
    for (let i = 0; i < 3; i++) {
      const entries = new Map<string, Buffer>();
      for (const table of ['orders', `own_${i}`]) {
        const parts: Buffer[] = [];
        for await (const piece of generatedDump(table === 'orders' ? 'orders' : `own-${i}`, 200 * 1024)) parts.push(piece);
        entries.set(`postgres/databases/shop/tables/${table}.data`, Buffer.concat(parts));
      }
      const result = await repository.backup(
        { resource: { id: `resource-${i}`, name: `server-${i}`, kind: 'test' }, engine: { name: 'test', versions: {} }, time: new Date(Date.UTC(2026, 11, i + 1)) },
        [...entries].map(([name, data]) => ({ name, data, metadata: { database: 'shop', schema: 'public', table: name.split('/').pop()!.replace('.data', '') } })),
      );
      contents.set(result.restorePointId, entries);
    }
    const kinds: Record<string, string[]> = {
      config: ['config'],
      key: [...storage.files.keys()].filter((n) => n.startsWith('keys/')),
      index: [...storage.files.keys()].filter((n) => n.startsWith('index/')),
      'restore point': [...storage.files.keys()].filter((n) => n.startsWith('restore-points/')),
      pack: [...storage.files.keys()].filter((n) => n.startsWith('data/')),
    };
    const kindNames = Object.keys(kinds);
    // The raw forms the probes saw: a file name and a reason, or "not in the index".
    const raw = /^(config|keys\/|index\/|restore-points\/|data\/)\S*: |is not in the index/;
    for (let trial = 0; trial < FLIPS; trial++) {
      const kind = kindNames[trial % kindNames.length]!;
      const files = kinds[kind]!;
      const file = files[Math.floor(random() * files.length)]!;
      const original = storage.files.get(file)!.data;
      const position = Math.floor(random() * original.length);
      const bit = 1 << Math.floor(random() * 8);
      const damaged = Buffer.from(original);
      damaged[position]! ^= bit;
      storage.files.get(file)!.data = damaged;
      const replay = `flip ${trial}: ${file} byte ${position} bit ${bit}, seed ${SEED}`;
      const byKind = (figures.flips.byKind[kind] ??= { trials: 0, detected: 0, restoreFailed: 0, harmless: 0 });
      figures.flips.trials++;
      byKind.trials++;
      const errors: Error[] = [];
      let restoreFailed = false;
      let opened = false;
      let checkOk = true;
      let wrongBytes = false;
      try {
        const damagedRepository = await Repository.open(storage, { password: PASSWORD });
        opened = true;
        checkOk = (await damagedRepository.check({ readData: true })).ok;
        for (const [id, entries] of contents) {
          for (const [name, bytes] of entries) {
            const restored = await damagedRepository.openEntry(id, name).then(readAllBuffers, (error: unknown) => error as Error);
            if (restored instanceof Error) {
              restoreFailed = true;
              errors.push(restored);
            } else if (!restored.equals(bytes)) wrongBytes = true;
          }
        }
      } catch (error) {
        restoreFailed = true;
        errors.push(error as Error);
      }
      storage.files.get(file)!.data = original;
      const detected = restoreFailed || !checkOk;
      if (restoreFailed) byKind.restoreFailed++;
      if (detected) {
        figures.flips.detected++;
        byKind.detected++;
      } else if (!wrongBytes) {
        figures.flips.harmless++;
        byKind.harmless++;
      }
      if (wrongBytes) {
        figures.flips.silent++;
        failures.push(`${replay}: wrong bytes restored without an error`);
      }
      if (opened && restoreFailed && checkOk) {
        figures.flips.checkMissed++;
        failures.push(`${replay}: a restore failed (${errors[0]!.message}) but check found nothing`);
      }
      for (const error of errors) {
        const code = (error as { code?: string }).code;
        if (code === 'wrong_password') {
          figures.flips.misreported++;
          failures.push(`${replay}: damage reported as a wrong password: ${error.message}`);
        } else if (code !== 'corrupt' || raw.test(error.message) || !(error as { details?: { damage?: string } }).details?.damage) {
          figures.flips.unexplained++;
          failures.push(`${replay}: not explained in the user's terms (${code}): ${error.message}`);
        }
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
    for (const kind of kindNames) expect(figures.flips.byKind[kind]!.detected, `${kind} flips detected`).toBeGreaterThan(0);
  });
});

const forgottenShas = new Map<string, string>();

async function readAllBuffers(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}
