import { createHash, randomBytes } from 'node:crypto';
import { createServer, connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRepository, openRepository } from '../../../src-main/repository/index.ts';
import type { AzureCredentialsInput } from '../../../src-main/repository/index.ts';
import { startAzurite } from '../../helpers/azurite.ts';
import { runCli } from '../../helpers/cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';
import type { AzuriteInstance } from '../../helpers/azurite.ts';

const PASSWORD = 'azure test password';
const FORMAT = {
  chunker: { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 },
  packSize: 256 * 1024,
  scrypt: { n: 1024, r: 8, p: 1 },
};
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 200 };

function data(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 32) createHash('sha256').update(`${seed}:${i}`).digest().copy(out, i);
  return out;
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

describe('repository on Azure Blob storage (Azurite)', () => {
  let azurite: AzuriteInstance;
  let credentials: AzureCredentialsInput;
  beforeAll(async () => {
    azurite = await startAzurite();
    credentials = { kind: 'sharedKey', accountKey: azurite.accountKey };
  });
  afterAll(async () => {
    await azurite?.stop();
  });

  const location = (container: string) => `${azurite.blobEndpoint}/${container}/cosmos/pg1`;

  it('takes a blob container URL as --repo in the CLI, then the catalogued name', async () => {
    const dataDir = makeTempDir();
    try {
      const url = location('cli');
      const env = { COSMOS_BACKUP_REPO_PASSWORD: PASSWORD, AZURE_STORAGE_KEY: azurite.accountKey };
      const cli = (args: string[], extra: Record<string, string> = {}) => runCli(['--data-dir', dataDir.path, '--json', ...args], { env: { ...env, ...extra } });
      const init = await cli(['repo', 'init', '--repo', url, '--name', 'blob-repo', '--remember-password']);
      expect(init.code, init.stderr).toBe(0);
      const byUrl = await cli(['repo', 'info', '--repo', url]);
      expect(byUrl.code, byUrl.stderr).toBe(0);
      expect(JSON.parse(byUrl.stdout).result).toMatchObject({ encryption: 'aes-256-gcm', restorePointCount: 0 });
      // By name, with the remembered password and the key from the environment.
      const byName = await cli(['repo', 'info', '--repo', 'blob-repo'], { COSMOS_BACKUP_REPO_PASSWORD: '' });
      expect(byName.code, byName.stderr).toBe(0);
      // Without any storage credential the CLI says what to set.
      const noKey = await cli(['repo', 'info', '--repo', url], { AZURE_STORAGE_KEY: '' });
      expect(noKey.code).toBe(1);
      expect(noKey.stdout + noKey.stderr).toMatch(/AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN/);
    } finally {
      dataDir.remove();
    }
  });

  it('backs up, restores, checks, and archives a copy that restores after rehydration', async () => {
    const repository = await initRepository(location('primary'), { password: PASSWORD, credentials, ...FORMAT });
    const dump = data(1_500_000, 'primary');
    const { restorePointId } = await repository.backup(
      { resource: { id: 'pg1', name: 'pg1', kind: 'postgresql' }, engine: { name: 'postgres', versions: { pg_dump: '15' } }, gfs: { monthly: true } },
      [{ name: 'db/dump', data: dump, counts: { rows: 10 } }],
    );
    const reopened = await openRepository(location('primary'), { password: PASSWORD, credentials });
    expect((await readAll(await reopened.openEntry(restorePointId, 'db/dump'))).equals(dump)).toBe(true);
    expect((await reopened.check({ readData: true })).ok).toBe(true);
    await expect(openRepository(location('primary'), { password: 'wrong', credentials })).rejects.toMatchObject({ code: 'wrong_password' });

    const archive = await initRepository(location('archive'), { password: 'archive password', credentials, ...FORMAT });
    const copy = await reopened.copyRestorePoint(restorePointId, archive, { archive: true });
    const tiers = new Map<string, string | undefined>();
    for await (const file of archive.storage.list('')) tiers.set(file.name, file.tier);
    for (const [name, tier] of tiers) expect(tier, name).toBe(name.startsWith('data/') ? 'Archive' : 'Hot');
    await expect(archive.openEntry(copy.targetRestorePointId, 'db/dump').then(readAll)).rejects.toMatchObject({ code: 'archived' });
    const progress: number[] = [];
    const restoreFolder = `/tmp/restore-${randomBytes(4).toString('hex')}`;
    const restored = await archive.restoreToDirectory(copy.targetRestorePointId, restoreFolder, { onProgress: (p) => progress.push(p.done) });
    expect(restored.bytes).toBe(dump.length);
    expect((await readAll(await archive.openEntry(copy.targetRestorePointId, 'db/dump'))).equals(dump)).toBe(true);
    await import('node:fs/promises').then((fs) => fs.rm(restoreFolder, { recursive: true, force: true }));
  });

  it('init survives a connection reset while it creates the container (retried like every request)', async () => {
    // A TCP relay to Azurite that resets the first connection it gets, as a peer dropping it would.
    let connections = 0;
    const relay = createServer((client) => {
      client.on('error', () => undefined);
      if (connections++ === 0) {
        client.resetAndDestroy();
        return;
      }
      const upstream = connect(azurite.port, '127.0.0.1');
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = relay.address() as AddressInfo;
      const endpoint = `http://127.0.0.1:${port}/${azurite.accountName}`;
      const container = `reset${randomBytes(3).toString('hex')}`;
      const repository = await initRepository(`${endpoint}/${container}/cosmos/pg1`, { password: PASSWORD, credentials, ...FORMAT, retry: FAST_RETRY });
      expect(connections).toBeGreaterThan(1);
      expect((await repository.info()).encryption).toBe('aes-256-gcm');
      // The repository is in Azurite, reachable without the relay.
      await expect(openRepository(location(container), { password: PASSWORD, credentials })).resolves.toBeDefined();
    } finally {
      relay.close();
    }
  });

  it('Azurite stopped mid-backup: the backup retries then fails cleanly; after restart no restore point exists, check is clean, the next backup succeeds', async () => {
    const container = `stop${randomBytes(3).toString('hex')}`;
    await initRepository(location(container), { password: PASSWORD, credentials, ...FORMAT });
    const repository = await openRepository(location(container), { password: PASSWORD, credentials, retry: FAST_RETRY });
    const dump = data(4_000_000, 'stopped');
    let stopped: Promise<void> | undefined;
    async function* slowSource() {
      for (let offset = 0; offset < dump.length; offset += 100_000) {
        if (offset === 1_000_000) stopped = azurite.stop({ keepData: true });
        if (stopped) await stopped;
        yield dump.subarray(offset, offset + 100_000);
      }
    }
    const error = await repository.backup({ resource: { id: 'r', name: 'r', kind: 'k' }, engine: { name: 'e', versions: {} } }, [{ name: 'dump', data: slowSource() }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient' });
    expect((error as Error).message).toMatch(/failed after 4 attempts/);
    expect((error as Error).message).not.toContain(azurite.accountKey);

    azurite = await startAzurite({ location: azurite.location, port: azurite.port });
    const healthy = await openRepository(location(container), { password: PASSWORD, credentials });
    const report = await healthy.check({ readData: true });
    expect(report).toMatchObject({ ok: true, restorePointCount: 0 });
    const next = await healthy.backup({ resource: { id: 'r', name: 'r', kind: 'k' }, engine: { name: 'e', versions: {} } }, [{ name: 'dump', data: dump }]);
    expect(next.stats.adoptedPacks).toBe(report.unreferencedPacks.length);
    expect((await readAll(await healthy.openEntry(next.restorePointId, 'dump'))).equals(dump)).toBe(true);
  });
});
