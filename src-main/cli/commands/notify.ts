import type { Command } from 'commander';
import { SMTP_PASSWORD_REF } from '../../core/notifications/mailer.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { readSecret } from '../secret-input.ts';

/** `notify smtp-password|test|report`: e-mail notifications (the SMTP settings are set with `settings set`). */
export function registerNotify(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const notify = program.command('notify').description('e-mail notifications and the daily report (configure with settings set smtpHost … emailTo …)');
  notify
    .command('smtp-password')
    .description("keep the SMTP login's password, encrypted (from --password-file, $COSMOS_BACKUP_SMTP_PASSWORD, or a prompt)")
    .option('--password-file <file>', 'file whose first line is the password')
    .action(
      wrap((options: { passwordFile?: string }) =>
        withCore(ctx, async (core) => {
          const password = await readSecret({ file: options.passwordFile, envName: 'COSMOS_BACKUP_SMTP_PASSWORD', env: process.env, prompt: 'SMTP password', io: ctx.io });
          await core.secrets.set(SMTP_PASSWORD_REF, password);
          ctx.io.out('The SMTP password is kept (encrypted).\n');
        }),
      ),
    );
  notify
    .command('test')
    .description('send a test e-mail with the current settings')
    .action(
      wrap(() =>
        withCore(ctx, async (core) => {
          ctx.io.out(`Sent a test e-mail to ${await core.mailer.sendTest(core.dataDir)}.\n`);
        }),
      ),
    );
  notify
    .command('report')
    .description('send the daily report now')
    .action(
      wrap(() =>
        withCore(ctx, async (core) => {
          const { dailyReport } = await import('../../core/notifications/daily-report.ts');
          await core.mailer.send(dailyReport({ sessions: core.sessions, inventory: core.inventory, restorePoints: core.restorePoints, repositories: core.repositories, policies: () => core.policies.list() }, core.clock.now()));
          ctx.io.out(`Sent the daily report to ${core.settings.get('emailTo')}.\n`);
        }),
      ),
    );
}
