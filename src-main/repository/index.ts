// Public API of the repository engine (docs/repository-format.md). Everything the CLI, sessions,
// the config-DB catalog and the worker agent need is exported here; other modules are internal.

export { Repository, DEFAULT_PACK_SIZE } from './repository.ts';
export type { RepositoryOptions, InitOptions, OpenOptions, RepositoryInfo } from './repository.ts';
export { openRepository, initRepository, createStorage, parseRepositoryLocation } from './location.ts';
export type { RepositoryLocation, AzureCredentialsInput } from './location.ts';

export type { BackupSession, BackupRequest, BackupResult } from './backup-session.ts';
export type { BackupEntryInput, EntrySource, WriteStats, WriteTuning } from './backup-writer.ts';
export type { RestorePoint, RestorePointListing } from './restore-points.ts';
export type { RestoreToDirectoryOptions, RestoreToDirectoryResult } from './restore-to-directory.ts';
export type { CheckOptions, CheckReport, CheckProblem, CheckProblemKind, AffectedRestorePoint } from './check.ts';
export { planForget } from './retention.ts';
export { prestartCodecThread, useCodecWorkerEntry } from './codec/blob-codec-pool.ts';
export { useBlobSdk } from './storage/azure-blob-storage.ts';
export type { RetentionPolicy, ForgetPlan, ForgetPlanItem } from './retention.ts';
export type { PrunePlan, PruneOptions } from './prune.ts';
export type { CopyOptions, CopyResult } from './copy.ts';
export type { RehydrateResult } from './rehydrate.ts';
export type { RepositoryLock, LockTiming, LockRecord } from './locks.ts';
export type { Manifest, ManifestEntry, GfsFlags, EntryCounts, EntryMetadata } from './format/manifest.ts';
export type { ChunkerParams } from './format/chunker.ts';
export type { ScryptParams } from './format/crypto.ts';
export { FORMAT_VERSION } from './format/config-file.ts';

export { RepositoryError, CorruptDataError } from './errors.ts';
export type { RepositoryErrorCode } from './errors.ts';
export { silentLogger } from './operation.ts';
export type { RepositoryLogger, Progress, ProgressCallback, OperationOptions } from './operation.ts';

export type { RepositoryStorage, StoredFileInfo, AccessTier, PutOptions, GetOptions, StorageErrorKind } from './storage/storage.ts';
export { StorageError, isStorageError } from './storage/storage.ts';
export { LocalFolderStorage } from './storage/local-storage.ts';
export { MemoryStorage } from './storage/memory-storage.ts';
export { AzureBlobStorage } from './storage/azure-blob-storage.ts';
export type { AzureBlobStorageOptions, AzureBlobCredentials } from './storage/azure-blob-storage.ts';
export { RetryingStorage, DEFAULT_RETRY_POLICY } from './storage/retrying-storage.ts';
export type { RetryPolicy } from './storage/retrying-storage.ts';
export { FaultInjectingStorage, failAfterWrites, everyNthCall } from './storage/fault-injecting-storage.ts';
export type { Fault, FaultRule, StorageCall } from './storage/fault-injecting-storage.ts';
