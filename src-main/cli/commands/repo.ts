import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { AppCore } from '../../app/app-core.ts';
import type { RepositoryAccess } from '../../core/repositories/repository-access.ts';
import { repoChangePassword, repoCheck, repoInfo, repoInit, repoListRestorePoints, repoRescan, type OperationRun } from '../../core/repositories/repository-operations.ts';
import { AppError } from '../../shared/errors.ts';
import { formatBytes } from '../../shared/format-units.ts';
import { repositoryInput, type RepoOptions } from '../repository-input.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.ts';
import { printJson, printTable } from '../output.ts';
import { readSecret } from '../secret-input.ts';
import { parsePositiveInt } from './arguments.ts';

/** Resolves `--repo` (a catalogued id or name, or a location) and its secrets into what opens it. */
async function accessFor(core: AppCore, ctx: CommandContext, options: RepoOptions, needsPassword = true, confirm = false): Promise<RepositoryAccess> {
  const input = await repositoryInput(core, ctx.io, options, { needsPassword, confirm });
  return (await core.repositoryCatalog.resolve(input.ref, input)).access;
}

/** Prints the result (or the failure) of a repository session and returns the exit code. */
function finish<T>(ctx: CommandContext, run: OperationRun<T>, human: (result: T) => string): number {
  const json = Boolean(ctx.globals().json);
  if (run.session.status === 'failed' || run.session.status === 'canceled' || run.result === undefined) {
    const message = run.session.summary ?? `The operation ${run.session.status}.`;
    if (json) printJson(ctx.io, { error: { code: run.session.status === 'canceled' ? 'canceled' : 'unavailable', message }, session: run.session.id });
    else ctx.io.err(`error: ${message}\n(session ${run.session.id}; see \`cosmos-backup sessions logs ${run.session.id}\`)\n`);
    return EXIT_FAILURE;
  }
  if (json) printJson(ctx.io, { session: run.session.id, result: run.result });
  else ctx.io.out(human(run.result));
  return EXIT_OK;
}

const repoOption = (command: Command) =>
  command
    .requiredOption('--repo <location>', 'repository: a local folder, https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX, or a catalogued name')
    .option('--password-file <file>', 'read the repository password from this file (else $COSMOS_BACKUP_REPO_PASSWORD, else a prompt)');

/** `repo …`: manage backup repositories; every operation runs as a session. */
export function registerRepo(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const repo = program.command('repo').description('manage backup repositories (init, info, check, prune, rescan, copy, passwd)');

  repoOption(repo.command('init').description('create a repository (encrypted unless --encryption none; that choice is permanent)'))
    .option('--encryption <mode>', 'aes-256-gcm (default) or none', (v: string) => {
      if (v !== 'aes-256-gcm' && v !== 'none') throw new InvalidArgumentError('must be aes-256-gcm or none.');
      return v;
    })
    .option('--name <name>', 'add it to the catalog under this name')
    .option('--remember-password', "keep the password in the app's encrypted secret store so scheduled work can open the repository")
    .action(
      wrap((options: RepoOptions & { encryption?: 'aes-256-gcm' | 'none'; name?: string; rememberPassword?: boolean }) =>
        withCore(ctx, async (core) => {
          const encryption = options.encryption ?? 'aes-256-gcm';
          const access = await accessFor(core, ctx, options, encryption !== 'none', true);
          const run = await repoInit(core, access, encryption);
          if (run.result && (options.name || options.rememberPassword)) {
            const record = core.repositoryCatalog.ensureCatalogued(access.location, encryption !== 'none', options.name);
            if (options.rememberPassword && access.password) await core.repositoryCatalog.rememberPassword(record.id, access.password);
          }
          return finish(ctx, run, (info) => `Created ${info.encryption === 'none' ? 'an UNENCRYPTED' : 'an encrypted'} repository ${info.repositoryId} at ${access.location}.\n`);
        }),
      ),
    );

  repoOption(repo.command('info').description('show format, encryption, sizes and counts')).action(
    wrap((options: RepoOptions) =>
      withCore(ctx, async (core) => {
        const run = await repoInfo(core, await accessFor(core, ctx, options));
        return finish(ctx, run, (info) =>
          [
            ['Repository', info.repositoryId],
            ['Location', info.location],
            ['Format version', String(info.formatVersion)],
            ['Encryption', info.encryption],
            ['Restore points', `${info.restorePointCount}${info.damagedRestorePointCount ? ` (${info.damagedRestorePointCount} damaged)` : ''}`],
            ['Packs', String(info.packCount)],
            ['Stored bytes', String(info.storedBytes)],
            ['Logical bytes', String(info.logicalBytes)],
            ...(info.temporaryFiles ? [['Leftover bytes', `${info.temporaryBytes} in ${info.temporaryFiles} temporary file(s) (an interrupted backup or copy; the next backup or check removes them)`]] : []),
          ]
            .map(([k, v]) => `${k!.padEnd(16)}${v}\n`)
            .join(''),
        );
      }),
    ),
  );

  repoOption(repo.command('check').description('verify structure; --read-data also decrypts and hashes every byte'))
    .option('--read-data', 'read and verify every data blob')
    .action(
      wrap((options: RepoOptions & { readData?: boolean }) =>
        withCore(ctx, async (core) => {
          const run = await repoCheck(core, await accessFor(core, ctx, options), Boolean(options.readData)).finished;
          const code = finish(ctx, run, (report) =>
            report.ok
              ? `No problems: ${report.restorePointCount} restore points, ${report.packCount} packs checked.\n`
              : `${report.problems.length} problems.\n${report.affectedRestorePoints.map((a) => `  damaged restore point ${a.restorePointId}\n`).join('')}`,
          );
          return code === EXIT_OK && run.result && !run.result.ok ? EXIT_FAILURE : code;
        }),
      ),
    );

  repoOption(repo.command('forget').description('apply retention: forget restore points the rules do not keep (plan first with --dry-run)'))
    .option('--keep-last <n>', 'keep the newest n', parsePositiveInt)
    .option('--keep-daily <n>', 'keep one per day for n days', parsePositiveInt)
    .option('--keep-weekly <n>', 'keep one per week for n weeks', parsePositiveInt)
    .option('--keep-monthly <n>', 'keep one per month for n months', parsePositiveInt)
    .option('--keep-yearly <n>', 'keep one per year for n years', parsePositiveInt)
    .option('--resource <id>', 'only restore points of this resource')
    .option('--allow-forget-all', 'allow rules that would forget every restore point of a resource (refused otherwise)')
    .option('--dry-run', 'show what would be forgotten and why, change nothing')
    .action(
      wrap(async (options: RepoOptions & { keepLast?: number; keepDaily?: number; keepWeekly?: number; keepMonthly?: number; keepYearly?: number; resource?: string; allowForgetAll?: boolean; dryRun?: boolean }) => {
        const policy = { keepLast: options.keepLast, daily: options.keepDaily, weekly: options.keepWeekly, monthly: options.keepMonthly, yearly: options.keepYearly, resourceId: options.resource, allowForgettingAll: Boolean(options.allowForgetAll) };
        if ([policy.keepLast, policy.daily, policy.weekly, policy.monthly, policy.yearly].every((v) => v === undefined)) {
          throw new AppError('validation_failed', 'Give at least one --keep-… rule; forgetting everything is not a retention policy.');
        }
        return withCore(ctx, async (core) => {
          const run = await (await core.repositoryJobs.forget({ repository: await repositoryInput(core, ctx.io, options), policy, dryRun: Boolean(options.dryRun) })).finished;
          return finish(ctx, run, (plan) =>
            [
              `${options.dryRun ? 'Would forget' : 'Forgot'} ${plan.forget.length} restore points, kept ${plan.keep.length}.\n`,
              ...plan.keep.map((k) => `  keep    ${k.id.slice(0, 16)} ${k.time} ${k.resourceName}: ${k.explanation.replace(/^kept: /, '')}\n`),
              ...plan.forget.map((f) => `  ${options.dryRun ? 'forget' : 'forgot'}  ${f.id.slice(0, 16)} ${f.time} ${f.resourceName}: ${f.explanation.replace(/^forgotten: /, '')}\n`),
            ].join(''),
          );
        });
      }),
    );

  repoOption(repo.command('prune').description('delete data no restore point uses (plan first with --dry-run)'))
    .option('--dry-run', 'show the plan, change nothing')
    .action(
      wrap((options: RepoOptions & { dryRun?: boolean }) =>
        withCore(ctx, async (core) => {
          const run = await (await core.repositoryJobs.prune({ repository: await repositoryInput(core, ctx.io, options), dryRun: Boolean(options.dryRun) })).finished;
          return finish(ctx, run, (plan) => `${options.dryRun ? 'Plan' : 'Done'}: delete ${plan.packsToDelete.length + plan.unreferencedPacks.length} packs, repack ${plan.packsToRepack.length}; about ${formatBytes(plan.bytesFreed)} ${options.dryRun ? 'would be ' : ''}freed.\n`);
        }),
      ),
    );

  repoOption(repo.command('rescan').description("rebuild the catalog of a repository's restore points from the repository alone"))
    .option('--name <name>', 'catalog name when the repository is not catalogued yet')
    .action(
      wrap((options: RepoOptions & { name?: string }) =>
        withCore(ctx, async (core) => {
          const run = await repoRescan(core, await accessFor(core, ctx, options), options.name).finished;
          return finish(ctx, run, (r) => `Catalog rebuilt: ${r.restorePoints} restore points.\n`);
        }),
      ),
    );

  repoOption(repo.command('restore-points').description('list the restore points stored in a repository, newest first')).action(
    wrap((options: RepoOptions) =>
      withCore(ctx, async (core) => {
        const run = await repoListRestorePoints(core, await accessFor(core, ctx, options));
        if (!ctx.globals().json && run.result) {
          if (!run.result.length) ctx.io.out('No restore points.\n');
          else printTable(ctx.io, ['ID', 'TIME (UTC)', 'RESOURCE', 'ENGINE', 'SIZE', 'GFS'], run.result.map((p) => [p.id.slice(0, 16), p.manifest.time.replace('T', ' ').slice(0, 19), p.manifest.resource.name, p.manifest.engine.name, String(p.manifest.totals.size), Object.entries(p.manifest.gfs).filter(([, v]) => v).map(([k]) => k[0]!.toUpperCase()).join('')]));
          return run.session.status === 'failed' ? EXIT_FAILURE : EXIT_OK;
        }
        return finish(ctx, run, () => '');
      }),
    ),
  );

  repoOption(repo.command('copy').description('copy a restore point to another repository (the archive path; self-contained copy)'))
    .argument('<restore-point-id>')
    .requiredOption('--to <repository>', 'target repository: a local folder, a blob container URL, or a catalogued name or id')
    .option('--target-password-file <file>', 'target password file (else $COSMOS_BACKUP_TARGET_REPO_PASSWORD, else the remembered one, else a prompt)')
    .option('--archive', 'put the copied data in the Archive access tier (metadata stays online; Azure Blob targets only)')
    .action(
      wrap((restorePointId: string, options: RepoOptions & { to: string; targetPasswordFile?: string; archive?: boolean }) =>
        withCore(ctx, async (core) => {
          const source = await repositoryInput(core, ctx.io, options);
          const target = await repositoryInput(core, ctx.io, { repo: options.to, passwordFile: options.targetPasswordFile }, { envName: 'COSMOS_BACKUP_TARGET_REPO_PASSWORD', prompt: 'Target repository password' });
          const run = await (await core.repositoryJobs.copy({ source, target, restorePointId, archive: Boolean(options.archive) })).finished;
          return finish(ctx, run, (copy) => (copy.copied ? `Copied as ${copy.targetRestorePointId}.\n` : `Already there as ${copy.targetRestorePointId}.\n`));
        }),
      ),
    );

  repoOption(repo.command('rehydrate').description('bring an archived restore point back online (Archive → Hot) so it can be restored'))
    .argument('<restore-point-id>', 'the restore point, or a prefix of at least 8 characters')
    .option('--priority <priority>', 'standard (up to 15 hours on Azure) or high (under an hour for small blobs, costs more)', (v: string) => {
      if (v !== 'standard' && v !== 'high') throw new InvalidArgumentError('must be standard or high.');
      return v;
    })
    .action(
      wrap((restorePointId: string, options: RepoOptions & { priority?: 'standard' | 'high' }) =>
        withCore(ctx, async (core) => {
          const priority = options.priority === 'high' ? 'High' : 'Standard';
          const run = await (await core.repositoryJobs.rehydrate({ repository: await repositoryInput(core, ctx.io, options), restorePointId, priority })).finished;
          return finish(ctx, run, (r) => (r.rehydratedPacks ? `Rehydrated ${r.rehydratedPacks} of ${r.packCount} packs: restore point ${r.restorePointId.slice(0, 16)} can be restored now.\n` : `Nothing to rehydrate: all ${r.packCount} packs are online.\n`));
        }),
      ),
    );

  repoOption(repo.command('passwd').description('change the repository password (new one from --new-password-file, $COSMOS_BACKUP_NEW_REPO_PASSWORD, or a prompt)'))
    .option('--new-password-file <file>', 'read the new password from this file')
    .action(
      wrap((options: RepoOptions & { newPasswordFile?: string }) =>
        withCore(ctx, async (core) => {
          const access = await accessFor(core, ctx, options);
          const newPassword = await readSecret({ file: options.newPasswordFile, envName: 'COSMOS_BACKUP_NEW_REPO_PASSWORD', env: process.env, prompt: 'New repository password', confirm: true, io: ctx.io });
          const run = await repoChangePassword(core, access, newPassword);
          const record = core.repositoryCatalog.find(access.location);
          if (run.result && record && (await core.repositoryCatalog.hasRememberedPassword(record.id))) await core.repositoryCatalog.rememberPassword(record.id, newPassword);
          return finish(ctx, run, () => 'Password changed.\n');
        }),
      ),
    );

  repo
    .command('list')
    .description('list catalogued repositories')
    .action(
      wrap(() =>
        withCore(ctx, (core) => {
          const list = core.repositories.list();
          if (ctx.globals().json) printJson(ctx.io, list);
          else if (!list.length) ctx.io.out('No repositories catalogued.\n');
          else printTable(ctx.io, ['NAME', 'KIND', 'RESTORE POINTS', 'SIZE', 'LAST CHECK', 'LOCATION'], list.map((r) => [r.name, r.kind + (r.isArchive ? ' (archive)' : ''), String(r.restorePointCount ?? '?'), String(r.sizeBytes ?? '?'), r.lastCheckStatus ? `${r.lastCheckStatus} ${r.lastCheckAt?.slice(0, 10)}` : 'never', r.location]));
        }),
      ),
    );
}
