import type { AppCore } from '../app/app-core.ts';
import type { Session } from '../shared/session.ts';
import type { StartedJob } from '../core/jobs/worker-jobs.ts';
import type { JobOutcome } from '../worker/protocol.ts';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.ts';
import type { CliIo } from './output.ts';
import { formatLogLine, printJson } from './output.ts';

/** Prints a session's log lines live (unless JSON output is wanted) and resolves with the final record. Ctrl+C cancels it. */
export async function runAndFollow(core: AppCore, session: Session, io: CliIo, json: boolean): Promise<Session> {
  const unsubscribe = core.sessions.subscribe((event) => {
    if (!json && event.type === 'log' && event.sessionId === session.id) for (const line of event.lines) io.err(formatLogLine(line));
  });
  const cancel = () => core.sessions.cancel(session.id);
  process.once('SIGINT', cancel);
  try {
    const final = await core.sessions.waitFor(session.id);
    // Log lines reach listeners on the next tick: let the last ones through before unsubscribing.
    await new Promise((resolve) => setImmediate(resolve));
    return final;
  } finally {
    process.off('SIGINT', cancel);
    unsubscribe();
  }
}

/** Follows a started worker job, prints its result, and returns the exit code. */
export async function followJob(core: AppCore, io: CliIo, json: boolean, label: string, started: StartedJob<JobOutcome>): Promise<number> {
  const session = await runAndFollow(core, started.session, io, json);
  const { outcome } = await started.finished;
  if (json) printJson(io, { session, outcome: outcome ?? null });
  else io.out(`${label} ${session.status}: ${session.summary ?? ''}\n`);
  return session.status === 'succeeded' || session.status === 'warning' ? EXIT_OK : EXIT_FAILURE;
}

