import type { AppCore } from '../app/app-core.ts';
import type { Session } from '../shared/session.ts';
import type { StartedJob } from '../core/jobs/worker-jobs.ts';
import type { JobOutcome } from '../worker/protocol.ts';
import { EXIT_FAILURE, EXIT_OK } from './exit-codes.ts';
import type { CliIo } from './output.ts';
import { formatLogLine, printJson } from './output.ts';

/**
 * Signals that stop a followed session: Ctrl+C, and SIGTERM/SIGHUP from a service manager, a closed
 * terminal or `kill`. Each cancels the session and lets it end (a restore then names what it left
 * half-restored) instead of leaving its record "running" for the next start to close.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Prints a session's log lines live (unless JSON output is wanted) and resolves with the final record. Ctrl+C, SIGTERM and SIGHUP cancel it. */
export async function runAndFollow(core: AppCore, session: Session, io: CliIo, json: boolean): Promise<Session> {
  const unsubscribe = core.sessions.subscribe((event) => {
    if (!json && event.type === 'log' && event.sessionId === session.id) for (const line of event.lines) io.err(formatLogLine(line));
  });
  const cancel = () => core.sessions.cancel(session.id);
  for (const signal of STOP_SIGNALS) process.once(signal, cancel);
  try {
    const final = await core.sessions.waitFor(session.id);
    // Log lines reach listeners on the next tick: let the last ones through before unsubscribing.
    await new Promise((resolve) => setImmediate(resolve));
    return final;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, cancel);
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

