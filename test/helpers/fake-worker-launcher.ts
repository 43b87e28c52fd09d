import { runJob, type JobEvents } from '../../src-main/worker/job-runner.ts';
import { jobSpecSchema, type JobOutcome, type JobSecrets, type JobSpec, type ParsedJobSpec } from '../../src-main/worker/protocol.ts';
import { WorkerJobError, type WorkerEvent, type WorkerHandle, type WorkerLauncher, type WorkerPlacement } from '../../src-main/worker/worker-launcher.ts';

/** What a fake worker does with a job: by default the real agent code, in this process. */
export type FakeJobRunner = (job: ParsedJobSpec, secrets: JobSecrets, events: JobEvents, signal: AbortSignal) => Promise<JobOutcome>;

/** One launch as the fake saw it (tests assert on the job spec, the secrets and the placement). */
export interface FakeLaunch {
  job: ParsedJobSpec;
  secrets: JobSecrets;
  placement: WorkerPlacement | undefined;
  released: boolean;
}

/**
 * A worker launcher that runs jobs in this process: no child, no VM. It validates the job as the
 * agent would, reports lifecycle steps like a real launcher, maps failures to WorkerJobError as
 * the agent's result would, and records every launch.
 */
export class FakeWorkerLauncher implements WorkerLauncher {
  readonly launches: FakeLaunch[] = [];
  private readonly run: FakeJobRunner;

  constructor(run: FakeJobRunner = runJob) {
    this.run = run;
  }

  async launch(job: JobSpec, secrets: JobSecrets, signal: AbortSignal, placement?: WorkerPlacement): Promise<WorkerHandle> {
    const checked = jobSpecSchema.safeParse(job);
    if (!checked.success) throw new WorkerJobError('invalid_job', `Invalid job: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const launch: FakeLaunch = { job: checked.data, secrets, placement, released: false };
    this.launches.push(launch);
    const queue: WorkerEvent[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const push = (event: WorkerEvent) => {
      queue.push(event);
      wake?.();
    };
    push({ type: 'lifecycle', phase: 'running', message: 'In-process fake worker.' });
    const events: JobEvents = {
      log: (level, message) => push({ type: 'log', level, message }),
      progress: (done, total, unit) => push({ type: 'progress', done, total, unit }),
      targetTouched: (database) => push({ type: 'target-touched', database }),
    };
    const result = this.run(checked.data, secrets, events, signal).catch((error: unknown) => {
      if (signal.aborted) throw new WorkerJobError('canceled', 'The job was canceled.');
      if (error instanceof WorkerJobError) throw error;
      throw new WorkerJobError((error as { code?: string }).code ?? 'failed', error instanceof Error ? error.message : String(error));
    });
    const released = result.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      launch.released = true;
      push({ type: 'lifecycle', phase: 'released', message: 'The fake worker is done.' });
      closed = true;
      wake?.();
    });
    result.catch(() => undefined);
    async function* stream(): AsyncGenerator<WorkerEvent> {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (closed) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }
    return { events: stream(), result, released };
  }
}
