import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobCodecPool, useCodecWorkerEntry } from '../../src-main/repository/codec/blob-codec-pool.ts';
import { LocalWorkerLauncher } from '../../src-main/worker/local-launcher.ts';
import type { BackupOutcome } from '../../src-main/worker/protocol.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { REPO_PASSWORD, backupJob, createRepository, openRepository } from '../integration/postgres/support.ts';

// Runs in the browser project because that project builds the app (`npm run build`) first.
const BUNDLED_WORKER = new URL('../../out/main/codec-worker.js', import.meta.url);
const SOURCE_WORKER = new URL('../../src-main/repository/codec/codec-worker.ts', import.meta.url);
// The agent local jobs run: the self-contained bundle worker VMs run (`npm run build`).
const BUNDLED_AGENT = new URL('../../out/worker-vm/worker-agent.js', import.meta.url);

describe('desktop bundle', () => {
  afterAll(() => useCodecWorkerEntry(SOURCE_WORKER));

  it('ships the repository codec worker as its own file, and it seals and opens blobs', async () => {
    expect(existsSync(fileURLToPath(BUNDLED_WORKER))).toBe(true);
    useCodecWorkerEntry(BUNDLED_WORKER);
    const codec = new BlobCodecPool({ encryptionKey: randomBytes(32), chunkIdKey: randomBytes(32) }, 1);
    try {
      const chunk = Buffer.from('row,value\n'.repeat(50_000));
      const held = await codec.hold(chunk, false);
      const sealed = await held.seal(3);
      const blob = { id: held.id, offset: 0, storedLength: sealed.stored.length, rawLength: chunk.length, compression: sealed.compression };
      const [opened] = await codec.openRun('data/bundle', sealed.stored, [blob], false);
      expect(Buffer.isBuffer(opened) && opened.equals(chunk)).toBe(true);
    } finally {
      await codec.close();
    }
  });

  it('runs local jobs on the self-contained agent bundle: a PostgreSQL backup runs through it and its codec worker', async () => {
    expect(existsSync(fileURLToPath(BUNDLED_AGENT))).toBe(true);
    const server = await startPostgres();
    const temp = makeTempDir('cosmos-bundled-agent-');
    try {
      await server.query('CREATE DATABASE shop');
      await server.query(`CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, 'bundled-agent-row-' || g FROM generate_series(1, 5000) g;`, 'shop');
      const repoPath = `${temp.path}/repo`;
      await createRepository(repoPath);
      const launcher = new LocalWorkerLauncher({ agentEntry: fileURLToPath(BUNDLED_AGENT) });
      const handle = await launcher.launch(backupJob(server, repoPath, ['shop']), { databasePassword: server.password, repositoryPassword: REPO_PASSWORD }, new AbortController().signal);
      const progress: number[] = [];
      for await (const event of handle.events) if (event.type === 'progress') progress.push(event.done);
      const outcome = (await handle.result) as BackupOutcome;
      expect(outcome.kind).toBe('backup');
      expect(outcome.newChunks).toBeGreaterThan(0);
      expect(progress.length).toBeGreaterThan(0);
      // The restore point is in the repository, and its table data reads back through the codec.
      const repository = await openRepository(repoPath);
      const point = await repository.getRestorePoint(outcome.restorePointId);
      const data = point.manifest.entries.filter((entry) => entry.name.startsWith('postgres/databases/shop/data/'));
      expect(data.length, point.manifest.entries.map((entry) => entry.name).join(' ')).toBeGreaterThan(0);
      const pieces: Buffer[] = [];
      for (const entry of data) for await (const piece of await repository.openEntry(point.id, entry.name)) pieces.push(piece as Buffer);
      const text = Buffer.concat(pieces).toString('utf8');
      expect(text).toContain('bundled-agent-row-1\n');
      expect(text).toContain('bundled-agent-row-5000');
    } finally {
      await server.stop();
      temp.remove();
    }
  });
});
