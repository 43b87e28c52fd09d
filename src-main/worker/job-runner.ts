import { EngineError } from '../engines/engine-error.ts';
import type { EngineContext, EngineSecrets } from '../engines/engine.ts';
import type { Redactor } from '../engines/redact.ts';
import { createRedactor } from '../engines/redact.ts';
import { loadEngine, type RegisteredEngine } from '../engines/registry.ts';
import { RepositoryError } from '../repository/index.ts';
import type { Manifest, Repository, RepositoryLogger } from '../repository/index.ts';
import type { BackupJobSpec, BackupOutcome, CopyJobSpec, CopyOutcome, JobOutcome, JobSecrets, ParsedJobSpec, RestoreJobSpec, RestoreOutcome, WorkerError } from './protocol.ts';
import { openJobRepository, restorePointSource } from './repository-access.ts';

/** Where a running job reports (the agent turns these into protocol messages). */
export interface JobEvents {
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  progress(done: number, total: number | null, unit: string): void;
  targetTouched(database: string): void;
}

/** Every secret of a job, for redaction. */
export function jobRedactor(secrets: JobSecrets): Redactor {
  const storageSecret = (storage: JobSecrets['storage']) => (storage?.kind === 'sas' ? storage.sasToken : storage?.accountKey);
  return createRedactor([secrets.databasePassword, secrets.repositoryPassword, storageSecret(secrets.storage), secrets.target?.repositoryPassword, storageSecret(secrets.target?.storage)]);
}

function contextFor(events: JobEvents, signal: AbortSignal, redact: Redactor): EngineContext {
  return {
    signal,
    log: (level, message) => events.log(level, redact(message)),
    progress: (done, total, unit) => events.progress(done, total, unit),
    targetTouched: (database) => events.targetTouched(database),
  };
}

function repositoryLogger(events: JobEvents, redact: Redactor): RepositoryLogger {
  return {
    info: (message) => events.log('info', redact(message)),
    warn: (message) => events.log('warn', redact(message)),
    error: (message) => events.log('error', redact(message)),
  };
}

/**
 * Loads the engine a job names once, when first asked: `start` goes to the repository open as its
 * `onKeyDerivation`, so the engine's modules load while the key is derived on another thread
 * (about 0.1 s each), not one after the other.
 */
function engineLoader(expected: string | undefined): { start: () => void; engine: (name: string) => Promise<RegisteredEngine> } {
  let loading: Promise<RegisteredEngine> | undefined;
  const start = () => {
    if (!expected || loading) return;
    loading = loadEngine(expected);
    // Awaited by `engine` below; a failure meanwhile (the open failing first) must not count as unhandled.
    loading.catch(() => undefined);
  };
  return {
    start,
    engine: (name) => {
      if (name !== expected) return loadEngine(name);
      start();
      return loading!;
    },
  };
}

async function runBackup(job: BackupJobSpec, secrets: JobSecrets, events: JobEvents, signal: AbortSignal, redact: Redactor): Promise<BackupOutcome> {
  const context = contextFor(events, signal, redact);
  const engineSecrets: EngineSecrets = { password: secrets.databasePassword };
  const logger = repositoryLogger(events, redact);
  const loader = engineLoader(job.engine);
  const repository = await openJobRepository(job.repository, secrets, { logger, signal, zstdLevel: job.options.compressionLevel, onKeyDerivation: loader.start });
  const engine = await loader.engine(job.engine);
  const versions = await engine.versions(job.source, engineSecrets, context);
  const session = await repository.startBackup({ resource: job.resource, policy: job.policy, gfs: job.gfs, engine: { name: engine.name, versions } }, { signal, logger });
  try {
    const summary = await engine.backup({ source: job.source, secrets: engineSecrets, databases: job.databases, collections: job.collections, parallelism: job.options.parallelism, maxBytesPerSecond: job.options.maxBytesPerSecond, maxDocumentsPerSecond: job.options.maxDocumentsPerSecond, lockWaitTimeoutMs: job.options.lockWaitTimeoutMs }, session, context);
    signal.throwIfAborted();
    const result = await session.commit();
    return {
      kind: 'backup',
      restorePointId: result.restorePointId,
      databases: summary.databases,
      size: result.manifest.totals.size,
      uploadedBytes: result.stats.uploadedBytes,
      newChunks: result.stats.newChunkCount,
      chunks: result.stats.chunkCount,
      notes: summary.notes,
      restorePoint: catalogSummary(result.manifest),
    };
  } catch (error) {
    // No manifest is written: the restore point does not exist; stored packs are reused or pruned.
    await session.abort();
    throw error;
  }
}

/** A manifest without its chunk lists: what the app catalogs (chunk ids would make it grow with the data). */
function catalogSummary(manifest: Manifest): BackupOutcome['restorePoint'] {
  const { time, resource, policy, gfs, engine, durationMs } = manifest;
  return {
    time,
    resource,
    ...(policy ? { policy } : {}),
    gfs,
    engine,
    entries: manifest.entries.map((entry) => ({ name: entry.name, size: entry.size, ...(entry.counts ? { counts: entry.counts } : {}) })),
    totals: { size: manifest.totals.size, entryCount: manifest.totals.entryCount },
    durationMs,
  };
}

/** A full restore point id from an id or a unique prefix. */
async function resolveRestorePointId(repository: Repository, idOrPrefix: string, signal: AbortSignal): Promise<string> {
  if (idOrPrefix.length === 64) return idOrPrefix;
  const { restorePoints } = await repository.listRestorePoints({ signal });
  const matches = restorePoints.filter((point) => point.id.startsWith(idOrPrefix));
  if (matches.length === 1) return matches[0]!.id;
  throw new EngineError(matches.length ? 'invalid_argument' : 'not_found', matches.length ? `Restore point prefix ${idOrPrefix} is ambiguous; give more characters.` : `No restore point starts with ${idOrPrefix}.`);
}

async function runRestore(job: RestoreJobSpec, secrets: JobSecrets, events: JobEvents, signal: AbortSignal, redact: Redactor): Promise<RestoreOutcome> {
  const context = contextFor(events, signal, redact);
  const loader = engineLoader(job.engine);
  const repository = await openJobRepository(job.repository, secrets, { logger: repositoryLogger(events, redact), signal, onKeyDerivation: loader.start });
  const source = await restorePointSource(repository, await resolveRestorePointId(repository, job.restorePointId, signal), signal);
  if (job.engine && source.engine !== job.engine) throw new EngineError('invalid_argument', `Restore point ${job.restorePointId} was made by the ${source.engine} engine; it cannot be restored into a ${job.engine} target.`);
  const engine = await loader.engine(source.engine);
  const target = job.target;
  const summary =
    target.kind === 'folder'
      ? await engine.restoreToFolder({ folder: target.path, databases: job.databases }, source, context)
      : await engine.restore(
          {
            target: target.connection,
            options: target.options,
            secrets: { password: secrets.databasePassword },
            databases: job.databases,
            databaseMap: target.databaseMap,
            clean: target.clean,
            maxBytesPerSecond: job.options.maxBytesPerSecond,
            parallelism: job.options.parallelism,
          },
          source,
          context,
        );
  return { kind: 'restore', databases: summary.databases, outputs: summary.outputs, notes: summary.notes };
}

/** Copies (archives) a restore point into the target repository, self-contained. */
async function runCopy(job: CopyJobSpec, secrets: JobSecrets, events: JobEvents, signal: AbortSignal, redact: Redactor): Promise<CopyOutcome> {
  const logger = repositoryLogger(events, redact);
  const source = await openJobRepository(job.repository, secrets, { logger, signal });
  const target = await openJobRepository(job.target, { repositoryPassword: secrets.target?.repositoryPassword, storage: secrets.target?.storage }, { logger, signal });
  const result = await source.copyRestorePoint(job.restorePointId, target, { archive: job.archive, signal, onProgress: (progress) => events.progress(progress.done, progress.total ?? null, progress.unit ?? 'bytes') });
  return { kind: 'copy', targetRestorePointId: result.targetRestorePointId, copied: result.copied, newChunks: result.newChunkCount, uploadedBytes: result.uploadedBytes };
}

/** Runs one job in this process. Throws on failure (see `toWorkerError`). */
export function runJob(job: ParsedJobSpec, secrets: JobSecrets, events: JobEvents, signal: AbortSignal): Promise<JobOutcome> {
  const redact = jobRedactor(secrets);
  if (job.kind === 'copy') return runCopy(job, secrets, events, signal, redact);
  return job.kind === 'backup' ? runBackup(job, secrets, events, signal, redact) : runRestore(job, secrets, events, signal, redact);
}

/** A failure as the protocol carries it, with every secret masked. */
export function toWorkerError(error: unknown, redact: Redactor, signal?: AbortSignal): WorkerError {
  if (signal?.aborted) return { code: 'canceled', message: 'The job was canceled.' };
  if (error instanceof EngineError) return { code: error.code, message: redact(error.message) };
  if (error instanceof RepositoryError) return { code: `repository_${error.code}`, message: redact(error.message) };
  return { code: 'failed', message: redact(error instanceof Error ? error.message : String(error)) };
}
