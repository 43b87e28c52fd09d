import type { Command } from 'commander';
import type { AppCore } from '../../core/app-core.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../main.ts';
import { EXIT_FAILURE, EXIT_OK } from '../main.ts';
import { formatLogLine, printJson, type CliIo } from '../output.ts';
import type { Session } from '../../shared/session.ts';
import { parsePositiveInt } from './arguments.ts';

/** `check`: runs the environment check as a session and prints its log as it happens. */
export function registerCheck(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  program
    .command('check')
    .description('run the environment check (config DB, disk space, repositories, Azure, tools)')
    .option('--probe-timeout <seconds>', 'how long a reachability probe may wait', parsePositiveInt)
    .action(
      wrap((options: { probeTimeout?: number }) =>
        withCore(
          ctx,
          async (core) => {
            const session = await runAndFollow(core, core.startEnvironmentCheck(), ctx.io, Boolean(ctx.globals().json));
            if (ctx.globals().json) printJson(ctx.io, session);
            else ctx.io.out(`Environment check ${session.status}: ${session.summary ?? ''}\n`);
            return session.status === 'succeeded' ? EXIT_OK : EXIT_FAILURE;
          },
          { probeTimeoutMs: options.probeTimeout ? options.probeTimeout * 1000 : undefined },
        ),
      ),
    );
}

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
