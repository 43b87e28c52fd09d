import type { Command } from 'commander';
import { LOG_LEVELS, SESSION_KINDS, SESSION_STATUSES, isFinalStatus, type LogLevel, type SessionKind, type SessionStatus } from '../../shared/session.ts';
import type { CommandContext } from '../context.ts';
import { withCore } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { formatLogLine, formatSessionRow, printJson, printTable } from '../output.ts';
import { oneOf, parsePositiveInt } from './arguments.ts';

const FOLLOW_POLL_MS = 250;

/** `sessions list|show|logs|cancel`: review and control sessions, including those of a running service. */
export function registerSessions(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  const sessions = program.command('sessions').description('list, inspect, follow and cancel sessions');

  sessions
    .command('list')
    .description('list recent sessions, newest first')
    .option('--status <status>', `filter by status (${SESSION_STATUSES.join(', ')}); repeatable`, oneOf(SESSION_STATUSES))
    .option('--kind <kind>', `filter by kind (${SESSION_KINDS.join(', ')}); repeatable`, oneOf(SESSION_KINDS))
    .option('--limit <n>', 'how many (default 50)', parsePositiveInt)
    .action(
      wrap((options: { status?: SessionStatus[]; kind?: SessionKind[]; limit?: number }) =>
        withCore(ctx, (core) => {
          const list = core.sessions.list({ status: options.status, kind: options.kind, limit: options.limit ?? 50 });
          if (ctx.globals().json) printJson(ctx.io, list);
          else if (!list.length) ctx.io.out('No sessions.\n');
          else printTable(ctx.io, ['ID', 'KIND', 'STATUS', 'CREATED (UTC)', 'PROGRESS', 'TITLE'], list.map(formatSessionRow));
        }),
      ),
    );

  sessions
    .command('show')
    .description('show one session')
    .argument('<id>', 'session id')
    .action(
      wrap((id: string) =>
        withCore(ctx, (core) => {
          const session = core.sessions.get(id);
          if (ctx.globals().json) printJson(ctx.io, session);
          else {
            for (const [label, value] of Object.entries(session)) {
              const text = value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value ?? '');
              ctx.io.out(`${label.padEnd(14)} ${text}\n`);
            }
          }
        }),
      ),
    );

  sessions
    .command('logs')
    .description("print a session's log; --follow keeps printing until the session ends")
    .argument('<id>', 'session id')
    .option('-f, --follow', 'wait for new lines until the session ends')
    .option('--level <level>', `lowest level to show (${LOG_LEVELS.join(', ')})`, (v: string) => oneOf(LOG_LEVELS)(v)[0]!)
    .action(
      wrap((id: string, options: { follow?: boolean; level?: LogLevel }) =>
        withCore(ctx, async (core) => {
          let afterSeq = 0;
          const json = Boolean(ctx.globals().json);
          for (;;) {
            const { lines } = core.sessions.logs(id, afterSeq, 5000, options.level ?? 'debug');
            for (const line of lines) ctx.io.out(json ? JSON.stringify(line) + '\n' : formatLogLine(line));
            if (lines.length) afterSeq = lines[lines.length - 1]!.seq;
            if (lines.length === 5000) continue;
            if (!options.follow || isFinalStatus(core.sessions.get(id).status)) {
              // One last read: lines written between the read above and the end of the session.
              if (options.follow) for (const line of core.sessions.logs(id, afterSeq, 100_000, options.level ?? 'debug').lines) ctx.io.out(json ? JSON.stringify(line) + '\n' : formatLogLine(line));
              return EXIT_OK;
            }
            await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
          }
        }),
      ),
    );

  sessions
    .command('cancel')
    .description('cancel a queued or running session (also one run by another process)')
    .argument('<id>', 'session id')
    .option('--no-wait', 'return at once instead of waiting for the session to stop')
    .action(
      wrap((id: string, options: { wait: boolean }) =>
        withCore(ctx, async (core) => {
          const before = core.sessions.get(id);
          if (isFinalStatus(before.status)) {
            if (ctx.globals().json) printJson(ctx.io, before);
            else ctx.io.out(`Session ${id} has already ended (${before.status}); nothing to cancel.\n`);
            return EXIT_OK;
          }
          core.sessions.cancel(id);
          const session = options.wait ? await waitWithTimeout(() => core.sessions.waitFor(id), 60_000, () => core.sessions.get(id)) : core.sessions.get(id);
          if (ctx.globals().json) printJson(ctx.io, session);
          else ctx.io.out(`Session ${id}: ${session.status}.\n`);
          return EXIT_OK;
        }),
      ),
    );
}

async function waitWithTimeout<T>(wait: () => Promise<T>, ms: number, fallback: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback()), ms)));
  try {
    return await Promise.race([wait(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
