/** Log sink of the engine. Lines are for humans and never contain secrets. */
export interface RepositoryLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A progress report: `done` out of `total` (when known) in `unit`. */
export interface Progress {
  done: number;
  total?: number;
  unit: 'bytes' | 'blobs' | 'restorePoints';
}

export type ProgressCallback = (progress: Progress) => void;

/** Options every long operation accepts. */
export interface OperationOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  logger?: RepositoryLogger;
}

/** A logger that drops everything; the default when the caller passes none. */
export const silentLogger: RepositoryLogger = { info() {}, warn() {}, error() {} };
