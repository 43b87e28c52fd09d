import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.ts';
import { printJson } from '../output.ts';
import { runAndFollow } from '../follow-session.ts';
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

