import type { LogLevel } from '../../shared/session.ts';

/** What a piece of long work gets from the session that runs it. */
export interface SessionContext {
  readonly sessionId: string;
  /** Aborted when the session is canceled; pass it to every I/O call. */
  readonly signal: AbortSignal;
  log(level: LogLevel, message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Reports progress; `total` null when unknown. Cheap to call often: writes are throttled. */
  progress(done: number, total: number | null, unit: string): void;
  /** Throws the abort reason when the session was canceled. */
  throwIfCanceled(): void;
}

/** The outcome a piece of work may return: a one-line summary shown with the session. */
export interface SessionOutcome {
  summary?: string;
}

export type SessionWork = (context: SessionContext) => Promise<SessionOutcome | void>;
