import type { JobOutcome, JobSecrets, JobSpec } from './protocol.ts';

/** What a worker reports while it runs (the agent's messages minus `hello` and `result`). */
export type WorkerEvent =
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'progress'; done: number; total: number | null; unit: string }
  | { type: 'target-touched'; database: string };

/** A running worker job. */
export interface WorkerHandle {
  /** Events in order; ends when the worker is gone. Consume it, or the events queue up. */
  readonly events: AsyncIterable<WorkerEvent>;
  /** Settles once: the outcome, or a WorkerJobError (failed, canceled, or the worker was lost). */
  readonly result: Promise<JobOutcome>;
}

/**
 * Starts worker agents. The session that runs a job does not know which launcher it has: a local
 * child process now, a VM in the source's region later.
 */
export interface WorkerLauncher {
  /** Launches the agent with `job`, hands it `secrets` privately, and cancels it when `signal` aborts. */
  launch(job: JobSpec, secrets: JobSecrets, signal: AbortSignal): Promise<WorkerHandle>;
}

/** A job that did not succeed; `code` is the agent's (e.g. `auth_failed`, `canceled`) or `worker_lost`. */
export class WorkerJobError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'WorkerJobError';
    this.code = code;
  }
}
