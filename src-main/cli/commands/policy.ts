import type { Command } from 'commander';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { AppError } from '../../shared/errors.ts';
import type { Policy } from '../../shared/policy.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { EXIT_FAILURE, EXIT_OK } from '../exit-codes.ts';
import { printJson, printTable } from '../output.ts';
import { runAndFollow } from '../follow-session.ts';

/** `policy validate|import|export|list|show|delete|run|enable|disable`, with policies as JSON files. */
export function registerPolicy(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const policy = program.command('policy').description('manage backup policies (JSON files) and run them');

  policy
    .command('run')
    .description("run a policy's repository backup now, as a policy session with a task per resource; Ctrl+C stops it")
    .argument('<name-or-id>')
    .action(
      wrap((name: string) =>
        withCore(ctx, async (core) => {
          const session = await runAndFollow(core, core.policyRuns.start({ policyId: core.policies.get(name).id, schedules: [] }), ctx.io, Boolean(ctx.globals().json));
          const tasks = core.sessions.list({ parentId: session.id, limit: 1000 });
          if (ctx.globals().json) printJson(ctx.io, { session, tasks });
          else ctx.io.out(`Policy run ${session.status}: ${session.summary ?? ''}\n${tasks.map((t) => `  ${t.status.padEnd(9)} ${t.title}${t.summary ? ` — ${t.summary}` : ''}\n`).join('')}`);
          return session.status === 'succeeded' || session.status === 'warning' ? EXIT_OK : EXIT_FAILURE;
        }),
      ),
    );

  policy
    .command('health-check')
    .description("check the repositories a policy writes to now: structure, plus the bytes of this week's share of the packs (setting healthCheckSamplePercent)")
    .argument('<name-or-id>')
    .action(
      wrap((name: string) =>
        withCore(ctx, async (core) => {
          const session = await runAndFollow(core, core.healthChecks.start(core.policies.get(name).id, core.clock.now()), ctx.io, Boolean(ctx.globals().json));
          if (ctx.globals().json) printJson(ctx.io, { session, tasks: core.sessions.list({ parentId: session.id, limit: 100 }) });
          else ctx.io.out(`Health check ${session.status}: ${session.summary ?? ''}\n`);
          return session.status === 'succeeded' ? EXIT_OK : EXIT_FAILURE;
        }),
      ),
    );

  for (const [command, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    policy
      .command(command)
      .description(enabled ? "turn a policy's schedules on" : "turn a policy's schedules off (it keeps its settings; `policy run` still works)")
      .argument('<name-or-id>')
      .action(
        wrap((name: string) =>
          withCore(ctx, (core) => {
            const saved = core.policies.setEnabled(name, enabled);
            if (ctx.globals().json) printJson(ctx.io, saved);
            else ctx.io.out(`Policy "${saved.name}" is ${enabled ? 'enabled' : 'disabled'}.\n`);
          }),
        ),
      );
  }

  policy
    .command('validate')
    .description('check a policy file without saving it; every problem names its field')
    .argument('<file>', 'JSON file with one policy or an array of policies')
    .action(
      wrap((file: string) =>
        withCore(ctx, async (core) => {
          const document = await readJsonFile(file);
          const items = Array.isArray(document) ? document : [document];
          const issues = items.flatMap((item, index) => {
            const result = core.policies.validate(item);
            const prefix = Array.isArray(document) ? `[${index}].` : '';
            return result.issues.map((i) => ({ path: prefix + i.path, message: i.message }));
          });
          if (ctx.globals().json) printJson(ctx.io, { ok: issues.length === 0, issues });
          else if (issues.length) ctx.io.err(`${file} is not valid:\n${issues.map((i) => `  ${i.path}: ${i.message}\n`).join('')}`);
          else ctx.io.out(`${file}: ${items.length} ${items.length === 1 ? 'policy is' : 'policies are'} valid.\n`);
          return issues.length ? EXIT_FAILURE : EXIT_OK;
        }),
      ),
    );

  policy
    .command('import')
    .description('save the policies of a file (all or nothing); same id or name replaces')
    .argument('<file>', 'JSON file with one policy or an array of policies')
    .action(
      wrap((file: string) =>
        withCore(ctx, async (core) => {
          const saved = core.policies.importMany(await readJsonFile(file), (fn) => core.transaction(fn));
          if (ctx.globals().json) printJson(ctx.io, saved);
          else ctx.io.out(`Imported ${saved.length} ${saved.length === 1 ? 'policy' : 'policies'}: ${saved.map((p) => p.name).join(', ')}.\n`);
        }),
      ),
    );

  policy
    .command('export')
    .description('write policies as JSON (all, or the named ones) to stdout or a file')
    .argument('[names...]', 'policy names or ids (default: all)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(
      wrap((names: string[], options: { out?: string }) =>
        withCore(ctx, async (core) => {
          const text = JSON.stringify(core.policies.exportAll(names), null, 2) + '\n';
          if (!options.out) ctx.io.out(text);
          else {
            // Write then rename, so an interrupted export never leaves a half-written file in place.
            const temp = `${options.out}.${process.pid}.tmp`;
            try {
              await writeFile(temp, text, { mode: 0o600 });
              await rename(temp, options.out);
            } catch (error) {
              // Nothing of a failed export stays behind (e.g. --out names a folder).
              await rm(temp, { force: true });
              throw error;
            }
          }
        }),
      ),
    );

  policy
    .command('list')
    .description('list policies, highest priority first')
    .action(
      wrap(() =>
        withCore(ctx, (core) => {
          const list = core.policies.list();
          if (ctx.globals().json) printJson(ctx.io, list);
          else if (!list.length) ctx.io.out('No policies.\n');
          else printTable(ctx.io, ['NAME', 'ENABLED', 'PRIORITY', 'CONTINUOUS', 'REPOSITORY BACKUP', 'ID'], list.map(policyRow));
        }),
      ),
    );

  policy
    .command('show')
    .description('show one policy as JSON')
    .argument('<name-or-id>')
    .action(wrap((name: string) => withCore(ctx, (core) => printJson(ctx.io, core.policies.get(name)))));

  policy
    .command('delete')
    .description('delete a policy')
    .argument('<name-or-id>')
    .action(
      wrap((name: string) =>
        withCore(ctx, (core) => {
          const target = core.policies.get(name);
          core.policies.delete(target.id);
          if (ctx.globals().json) printJson(ctx.io, { deleted: target.id });
          else ctx.io.out(`Deleted policy "${target.name}".\n`);
        }),
      ),
    );
}

function policyRow(p: Policy): string[] {
  const continuous = p.continuousBackup?.enabled ? p.continuousBackup.tier : 'off';
  const schedules = p.repositoryBackup ? Object.entries(p.repositoryBackup.schedules).filter(([, s]) => s?.enabled).map(([n]) => n).join('+') : 'off';
  return [p.name, p.enabled ? 'yes' : 'no', String(p.priority), continuous, schedules, p.id];
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AppError('not_found', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('validation_failed', `${file} is not valid JSON: ${(error as Error).message}.`);
  }
}
