import type { Command } from 'commander';
import { AppError } from '../../shared/errors.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { printJson, printTable } from '../output.ts';
import { parsePositiveInt } from './arguments.ts';

/**
 * `restore-points --resource <id> | --repo <id>`: the restore-point catalog, newest first. For a
 * resource it shows every kind (continuous-backup records with their window, repository and
 * archive points); for a repository, the points catalogued from it (`repo restore-points` reads
 * the repository itself).
 */
export function registerRestorePoints(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  program
    .command('restore-points')
    .description('list restore points of a resource (--resource) or a repository (--repo) from the catalog')
    .option('--resource <id>', 'Azure resource id (account or cluster)')
    .option('--repo <repository>', 'a catalogued repository: its name, id or location')
    .option('--limit <n>', 'at most this many (default 100)', parsePositiveInt)
    .action(
      wrap((options: { resource?: string; repo?: string; limit?: number }) =>
        withCore(ctx, (core) => {
          if (!options.resource && !options.repo) throw new AppError('validation_failed', 'Name a resource (--resource <id>) or a repository (--repo <id>).');
          const repositoryId = options.repo ? core.repositoryCatalog.require(options.repo).id : undefined;
          const points = core.restorePoints.list({ resourceId: options.resource, repositoryId, limit: options.limit ?? 100 });
          if (ctx.globals().json) {
            printJson(ctx.io, points);
            return;
          }
          if (!points.length) {
            ctx.io.out('No restore points.\n');
            return;
          }
          printTable(
            ctx.io,
            ['ID', 'KIND', 'TIME', 'RESTORABLE WINDOW', 'DETAILS'],
            points.map((p) => {
              const m = p.metadata as { api?: string; databases?: { name: string; children: string[] }[]; tables?: string[]; deleted?: boolean };
              const window = p.windowStart && p.windowEnd ? `${p.windowStart.slice(0, 19)} → ${p.windowEnd.slice(0, 19)}` : '';
              const details = p.kind === 'continuous'
                ? [m.api, m.deleted ? 'deleted' : '', m.databases?.map((d) => `${d.name}(${d.children.length})`).join(' '), m.tables?.length ? `tables: ${m.tables.join(' ')}` : ''].filter(Boolean).join(' ')
                : p.repositoryId ?? '';
              return [p.id, p.kind, p.pointTime.slice(0, 19), window, details];
            }),
          );
        }),
      ),
    );
}
