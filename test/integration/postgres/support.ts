import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePostgresUri } from '../../../src-main/engines/postgres/connection.ts';
import type { PostgresConnection } from '../../../src-main/engines/postgres/connection.ts';
import { Repository } from '../../../src-main/repository/repository.ts';
import { LocalFolderStorage } from '../../../src-main/repository/storage/local-storage.ts';
import type { JobEvents } from '../../../src-main/worker/job-runner.ts';
import type { JobSpec } from '../../../src-main/worker/protocol.ts';
import type { TestPostgres } from '../../helpers/postgres.ts';

export const REPO_PASSWORD = 'repo-Pa55word-never-stored';

/** A new encrypted repository in `path` (cheap scrypt, small chunks so tests see many). */
export async function createRepository(path: string): Promise<Repository> {
  return Repository.init(new LocalFolderStorage(path), {
    password: REPO_PASSWORD,
    scrypt: { n: 1024, r: 8, p: 1 },
    chunker: { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 },
    packSize: 512 * 1024,
  });
}

export function openRepository(path: string): Promise<Repository> {
  return Repository.open(new LocalFolderStorage(path), { password: REPO_PASSWORD });
}

export function connectionOf(server: TestPostgres, database = 'postgres'): PostgresConnection {
  return parsePostgresUri(server.uri(database)).connection;
}

/** Collects what a job reports. */
export function recordingEvents(): JobEvents & { lines: string[]; touched: string[]; done: number[] } {
  const lines: string[] = [];
  const touched: string[] = [];
  const done: number[] = [];
  return {
    lines,
    touched,
    done,
    log: (level, message) => lines.push(`${level}: ${message}`),
    progress: (bytes) => done.push(bytes),
    targetTouched: (database) => touched.push(database),
  };
}

export function backupJob(server: TestPostgres, repoPath: string, databases: string[], extra: Partial<Extract<JobSpec, { kind: 'backup' }>> = {}): Extract<JobSpec, { kind: 'backup' }> {
  return {
    kind: 'backup',
    jobId: 'job-' + Math.random().toString(36).slice(2),
    engine: 'postgres',
    repository: { location: repoPath },
    source: connectionOf(server),
    databases,
    resource: { id: `pg-${server.port}`, name: 'test cluster', kind: 'postgres' },
    ...extra,
  };
}

export function restoreJob(server: TestPostgres, repoPath: string, restorePointId: string, target: Extract<JobSpec, { kind: 'restore' }>['target'] | undefined, extra: Partial<Extract<JobSpec, { kind: 'restore' }>> = {}): Extract<JobSpec, { kind: 'restore' }> {
  return {
    kind: 'restore',
    jobId: 'job-' + Math.random().toString(36).slice(2),
    engine: 'postgres',
    repository: { location: repoPath },
    restorePointId,
    target: target ?? { kind: 'database', connection: connectionOf(server) },
    ...extra,
  };
}

/** Every file under `root`, recursively, with its bytes. */
export async function allFiles(root: string): Promise<{ path: string; bytes: Buffer }[]> {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path, bytes: await readFile(path) });
  }
  return out;
}

/** Every manifest and every entry of every restore point of a repository, decrypted (for secret scans). */
export async function decryptedRestorePoints(repository: Repository): Promise<Buffer[]> {
  const decrypted: Buffer[] = [];
  for (const point of (await repository.listRestorePoints()).restorePoints) {
    decrypted.push(Buffer.from(JSON.stringify(point.manifest)));
    for (const entry of point.manifest.entries) {
      const chunks: Buffer[] = [];
      for await (const chunk of await repository.openEntry(point.id, entry.name)) chunks.push(chunk as Buffer);
      decrypted.push(Buffer.concat(chunks));
    }
  }
  return decrypted;
}
