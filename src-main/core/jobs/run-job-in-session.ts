import type { SessionContext } from '../sessions/session-context.ts';
import type { JobOutcome, JobSecrets, JobSpec } from '../../worker/protocol.ts';
import type { WorkerLauncher, WorkerPlacement } from '../../worker/worker-launcher.ts';

/**
 * Runs a job on a worker inside a session: the worker's log lines, lifecycle steps and progress
 * become the session's, cancel reaches the worker through the session's signal, the worker is
 * released before this returns (whatever happened), and when a restore fails the target databases
 * the worker had started to change are named — even when the worker was lost.
 */
export interface TouchedTargetHooks {
  /** Called once per target database, before the worker first changes it (record it durably). */
  onTouched(database: string): void;
  /** The sentence for a database left half-restored by a failed job. */
  describe(database: string): string;
}

export async function runJobInSession(launcher: WorkerLauncher, job: JobSpec, secrets: JobSecrets, ctx: SessionContext, placement?: WorkerPlacement, targets?: TouchedTargetHooks): Promise<JobOutcome> {
  const handle = await launcher.launch(job, secrets, ctx.signal, placement);
  const touched: string[] = [];
  try {
    for await (const event of handle.events) {
      if (event.type === 'log') ctx.log(event.level, event.message);
      else if (event.type === 'progress') ctx.progress(event.done, event.total, event.unit);
      else if (event.type === 'lifecycle') ctx.log(event.phase === 'released' || event.phase === 'running' ? 'debug' : 'info', `Worker ${event.phase}: ${event.message}`);
      else if (!touched.includes(event.database)) {
        touched.push(event.database);
        targets?.onTouched(event.database);
      }
    }
    return await handle.result;
  } catch (error) {
    if (job.kind === 'restore' && touched.length) {
      if (targets) for (const database of touched) ctx.error(`${targets.describe(database)}.`);
      else ctx.error(`Target database(s) ${touched.join(', ')} were being restored when the job failed and may be half-restored: check them, drop them, or restore again with ${job.engine === 'mongodb' ? '--drop' : '--clean'}.`);
    }
    if (job.kind === 'backup') ctx.info('No restore point was written for this backup.');
    throw error;
  } finally {
    await handle.released;
  }
}
