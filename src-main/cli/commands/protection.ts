import type { Command } from 'commander';
import { protectionStatus } from '../../core/jobs/protection-status.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { printJson, printTable } from '../output.ts';

/** `protection`: the last successful backup of every resource, for people and for monitoring scripts (`--json`). */
export function registerProtection(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  program
    .command('protection')
    .description('the last successful repository backup of every resource (never-backed-up first); --json for monitoring')
    .action(
      wrap(() =>
        withCore(ctx, (core) => {
          const rows = protectionStatus({ inventory: core.inventory, restorePoints: core.restorePoints, policies: () => core.policies.list(), now: core.clock.now() });
          if (ctx.globals().json) return void printJson(ctx.io, rows);
          if (!rows.length) return void ctx.io.out('No resource has repository backups or a policy that asks for them.\n');
          printTable(
            ctx.io,
            ['RESOURCE', 'KIND', 'POLICY', 'LAST SUCCESSFUL BACKUP (UTC)', 'AGE', 'RESTORE POINTS'],
            rows.map((r) => [r.resourceName, r.kind, r.policyName ?? '—', r.lastSuccessfulBackupAt?.slice(0, 16).replace('T', ' ') ?? 'never', r.hoursSinceLastBackup === null ? '—' : `${r.hoursSinceLastBackup} h`, String(r.restorePointCount)]),
          );
        }),
      ),
    );
}
