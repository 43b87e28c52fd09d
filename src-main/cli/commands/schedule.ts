import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { printJson, printTable } from '../output.ts';

/** `schedule list|pause|resume`: when policies run next, and the switch for all scheduled work. */
export function registerSchedule(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const schedule = program.command('schedule').description('show when policies run next; pause or resume all scheduled work');
  schedule
    .command('list')
    .description("every policy's next runs (UTC, with the GFS flags they carry) and its last result")
    .option('--count <n>', 'next runs shown per policy (default 3)', (v: string) => {
      if (!/^[0-9]{1,2}$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a whole number from 1 to 99.');
      return Number(v);
    })
    .action(
      wrap((options: { count?: number }) =>
        withCore(ctx, (core) => {
          const views = core.scheduleOverview(options.count ?? 3);
          const paused = core.settings.get('schedulingPaused');
          if (ctx.globals().json) return void printJson(ctx.io, { paused, policies: views.map((v) => ({ ...v, nextRuns: v.nextRuns.map((r) => ({ at: r.at.toISOString(), schedules: r.schedules })) })) });
          if (paused) ctx.io.out('Scheduling is paused: nothing below starts until `cosmos-backup schedule resume`.\n');
          if (!views.length) return void ctx.io.out('No policies.\n');
          printTable(
            ctx.io,
            ['POLICY', 'RESOURCES', 'NEXT RUNS (UTC)', 'TIME ZONE', 'LAST RESULT'],
            views.map((v) => [
              `${v.policyName}${v.enabled ? '' : ' (disabled)'}`,
              String(v.resourceCount),
              v.nextRuns.map((r) => `${r.at.toISOString().slice(0, 16).replace('T', ' ')} ${r.schedules.join('+')}`).join(', ') || '—',
              v.timeZone ?? 'this machine\'s',
              v.lastResult ? `${v.lastResult}${v.lastDueAt ? ` (due ${v.lastDueAt.slice(0, 16).replace('T', ' ')})` : ''}` : '—',
            ]),
          );
        }),
      ),
    );
  for (const [name, paused] of [
    ['pause', true],
    ['resume', false],
  ] as const) {
    schedule
      .command(name)
      .description(paused ? 'pause all scheduled work (running sessions go on)' : 'resume scheduled work; runs missed meanwhile become one catch-up run per policy')
      .action(
        wrap(() =>
          withCore(ctx, (core) => {
            core.settings.set('schedulingPaused', paused, core.clock.now().toISOString());
            if (ctx.globals().json) printJson(ctx.io, { paused });
            else ctx.io.out(paused ? 'Scheduling is paused.\n' : 'Scheduling is active.\n');
          }),
        ),
      );
  }
}
