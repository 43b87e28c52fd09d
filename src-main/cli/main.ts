import { Command, CommanderError } from 'commander';
import { APP_VERSION } from '../core/version.ts';
import { createCommandContext, type GlobalOptions } from './context.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_RECORD_UNSAVED, EXIT_USAGE, type CommandResult } from './exit-codes.ts';
import { printError, processIo, type CliIo } from './output.ts';
import { registerServe } from './commands/serve.ts';
import { registerCheck } from './commands/check.ts';
import { registerSessions } from './commands/sessions.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerBackup } from './commands/backup.ts';
import { registerRestore } from './commands/restore.ts';
import { registerRepo } from './commands/repo.ts';
import { registerAzure } from './commands/azure.ts';
import { registerRestorePoints } from './commands/restore-points.ts';
import { registerSettings } from './commands/settings.ts';
import { registerSchedule } from './commands/schedule.ts';
import { registerResourceLogin } from './commands/resource-login.ts';
import { registerProtection } from './commands/protection.ts';
import { registerNotify } from './commands/notify.ts';
import { registerWorker } from './commands/worker.ts';


/** Builds the whole command tree. Commands report their exit code through `setExitCode`. */
export function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('cosmos-backup');
  let recordsUnsaved = false;
  const ctx = createCommandContext(io, () => program.opts<GlobalOptions>(), () => (recordsUnsaved = true));
  // Work that ended well but whose record the config DB refused is not plain success.
  const exitWith = (code: number) => setExitCode(code === EXIT_OK && recordsUnsaved ? EXIT_RECORD_UNSAVED : code);
  program
    .description('Cosmos Backup: protect Azure Cosmos DB accounts — headless service and command line.')
    .version(APP_VERSION, '-v, --version')
    .option('--data-dir <dir>', 'data folder (default: $XDG_DATA_HOME/cosmos-backup)')
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  const wrap =
    <A extends unknown[]>(action: (...args: A) => Promise<CommandResult> | CommandResult) =>
    async (...args: A) => {
      try {
        const code = await action(...args);
        exitWith(typeof code === 'number' ? code : EXIT_OK);
      } catch (error) {
        printError(io, error, Boolean(program.opts<GlobalOptions>().json));
        exitWith(EXIT_FAILURE);
      }
    };
  registerServe(program, ctx, wrap);
  registerCheck(program, ctx, wrap);
  registerSessions(program, ctx, wrap);
  registerPolicy(program, ctx, wrap);
  registerBackup(program, ctx, wrap);
  registerRestore(program, ctx, wrap);
  registerRepo(program, ctx, wrap);
  registerAzure(program, ctx, wrap);
  registerRestorePoints(program, ctx, wrap);
  registerSettings(program, ctx, wrap);
  registerSchedule(program, ctx, wrap);
  registerResourceLogin(program, ctx, wrap);
  registerProtection(program, ctx, wrap);
  registerNotify(program, ctx, wrap);
  registerWorker(program, ctx, wrap);
  // Every subcommand shares the error behaviour of the root.
  const configure = (command: Command) => {
    command.showHelpAfterError().exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}


/** Runs the CLI with `argv` (without node and script) and resolves with the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => (exitCode = code));
  if (!argv.length) {
    program.outputHelp();
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; help shown because something was missing is a usage error.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    printError(io, error, argv.includes('--json'));
    return EXIT_FAILURE;
  }
  return exitCode;
}
