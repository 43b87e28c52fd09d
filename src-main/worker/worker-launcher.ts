import type { JobOutcome, JobSecrets, JobSpec } from './protocol.ts';

/** Where a job's worker runs: the region of the data it reads or writes, and the configuration chosen for it. */
export interface WorkerPlacement {
  /** Azure region (e.g. `westeurope`); undefined when the data is not in Azure or the region is unknown. */
  region?: string;
  /** The worker configuration the admin chose for this region; undefined: the default (this computer, or auto mode). */
  workerConfigurationId?: string;
  /** Bytes the job expects to move, when known (remote launchers size the VM by it). */
  expectedBytes?: number;
  /** The Azure subscription of the data (auto mode creates the worker there). */
  subscriptionId?: string;
  /** The session the job runs in (recorded with the worker). */
  sessionId?: string;
}

/** Steps of a worker's life, reported so a session can show where the time went. */
export type WorkerLifecyclePhase = 'provisioning' | 'running' | 'releasing' | 'released';

/** What a worker reports while it runs (the agent's messages minus `hello` and `result`, plus lifecycle steps). */
export type WorkerEvent =
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'progress'; done: number; total: number | null; unit: string }
  | { type: 'target-touched'; database: string }
  | { type: 'lifecycle'; phase: WorkerLifecyclePhase; message: string };

/** A running worker job. */
export interface WorkerHandle {
  /** Events in order; ends when the worker is gone. Consume it, or the events queue up. */
  readonly events: AsyncIterable<WorkerEvent>;
  /** Settles once: the outcome, or a WorkerJobError (failed, canceled, or the worker was lost). */
  readonly result: Promise<JobOutcome>;
  /**
   * Settles once whatever the worker held is given back (a local process has exited; a VM is
   * deallocated or deleted). It always settles, also after a failure or a cancel, and never rejects:
   * a release that fails is reported as a `log` event and left to the launcher's own sweep.
   */
  readonly released: Promise<void>;
}

/**
 * Starts worker agents. The session that runs a job does not know which launcher it has: a local
 * child process, or a VM in the placement's region. The composition root chooses one per job.
 */
export interface WorkerLauncher {
  /** Launches the agent with `job`, hands it `secrets` privately, and cancels it when `signal` aborts. */
  launch(job: JobSpec, secrets: JobSecrets, signal: AbortSignal, placement?: WorkerPlacement): Promise<WorkerHandle>;
}

/** Chooses the launcher for a job's placement (local process, or an Azure VM launcher). */
export type WorkerLauncherFactory = (placement: WorkerPlacement) => WorkerLauncher;

/** A job that did not succeed; `code` is the agent's (e.g. `auth_failed`, `canceled`) or `worker_lost`. */
export class WorkerJobError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'WorkerJobError';
    this.code = code;
  }
}
