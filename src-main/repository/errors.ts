/**
 * Typed errors of the repository engine. `code` is stable: callers (CLI, sessions) match on it.
 * Messages never contain secrets (passwords, keys, SAS tokens).
 */
export type RepositoryErrorCode =
  | 'wrong_password'
  | 'format_too_new'
  | 'not_a_repository'
  | 'already_initialized'
  | 'corrupt'
  | 'locked'
  | 'lock_lost'
  | 'not_found'
  | 'invalid_argument'
  | 'aborted'
  | 'storage_unavailable'
  | 'archived';

/** An error the engine reports on purpose; `details` is plain data safe to log. */
export class RepositoryError extends Error {
  readonly code: RepositoryErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: RepositoryErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RepositoryError';
    this.code = code;
    this.details = details;
  }
}

/** Stored bytes failed a hash, authentication tag or schema check. */
export class CorruptDataError extends RepositoryError {
  /** Repository file the bad bytes came from, e.g. `data/ab/ab12…`. */
  readonly file: string;

  constructor(file: string, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super('corrupt', `${file}: ${message}`, { file, ...details }, options);
    this.name = 'CorruptDataError';
    this.file = file;
  }
}

/** Throws a RepositoryError with code `aborted` when the signal is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RepositoryError('aborted', 'The operation was canceled.', undefined, { cause: signal.reason });
}
