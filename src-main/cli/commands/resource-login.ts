import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { printJson } from '../output.ts';
import { readSecret } from '../secret-input.ts';

/** `resource-login set|remove`: the database login scheduled backups use for one Azure resource. */
export function registerResourceLogin(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const login = program.command('resource-login').description('database logins for scheduled backups of Azure resources (kept encrypted)');
  login
    .command('set')
    .description('set the login of a resource of the inventory (password from --password-file, $COSMOS_BACKUP_DB_PASSWORD, or a prompt)')
    .argument('<resource-id>', 'the ARM id of a Cosmos DB for PostgreSQL cluster (see `azure accounts`)')
    .option('--user <name>', 'the login (default citus)')
    .option('--password-file <file>', "file whose first line is the login's password")
    .action(
      wrap((resourceId: string, options: { user?: string; passwordFile?: string }) =>
        withCore(ctx, async (core) => {
          const resource = core.inventory.getResource(resourceId);
          if (!resource) ctx.io.err(`warning: ${resourceId} is not in the inventory (yet); the login is kept for when a sync finds it.\n`);
          const password = await readSecret({ file: options.passwordFile, envName: 'COSMOS_BACKUP_DB_PASSWORD', env: process.env, prompt: `Password of ${options.user ?? 'citus'} on ${resource?.name ?? resourceId}`, io: ctx.io });
          await core.resourceLogins.set(resourceId, { user: options.user ?? 'citus', password });
          if (ctx.globals().json) printJson(ctx.io, { resourceId, user: options.user ?? 'citus' });
          else ctx.io.out(`Login ${options.user ?? 'citus'} of ${resource?.name ?? resourceId} is set (kept encrypted; scheduled backups use it).\n`);
        }),
      ),
    );
  login
    .command('remove')
    .description("forget a resource's login")
    .argument('<resource-id>')
    .action(
      wrap((resourceId: string) =>
        withCore(ctx, async (core) => {
          await core.resourceLogins.remove(resourceId);
          ctx.io.out(`The login of ${resourceId} is forgotten.\n`);
        }),
      ),
    );
}
