import { AppCore } from '../app/app-core.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import type { CloseReport } from '../core/sessions/session-manager.ts';
import type { CliIo } from './output.ts';

/** Global options every command understands. */
export interface GlobalOptions {
  dataDir?: string;
  json?: boolean;
}

/** What a command needs: its output streams, the global options, and a way to open the core. */
export interface CommandContext {
  io: CliIo;
  globals(): GlobalOptions;
  /** Opens the core on the chosen data folder; the command must close it with `closeCore`. */
  openCore(options?: { probeTimeoutMs?: number }): AppCore;
  /** Closes the core and tells the user about records the config DB refused (the exit code becomes 3). */
  closeCore(core: AppCore): Promise<void>;
}

export function createCommandContext(io: CliIo, globals: () => GlobalOptions, onRecordsUnsaved: () => void = () => undefined): CommandContext {
  return {
    io,
    globals,
    openCore: (options) => AppCore.open({ dataDir: globals().dataDir ?? defaultDataDir(), ...options }),
    closeCore: async (core) => {
      const report = await core.close();
      if (!report.unsavedSessions.length && !report.unsavedLines) return;
      io.err(describeUnsaved(report));
      onRecordsUnsaved();
    },
  };
}

/** The warning for records the config DB refused: what is missing, where it waits, what to do. */
function describeUnsaved(report: CloseReport): string {
  const what = report.unsavedSessions.length
    ? report.unsavedSessions.map((s) => `the record of session "${s.title}" (${s.status})`).join(', ')
    : `${report.unsavedLines} log line(s)`;
  const where = report.journalPath
    ? `It was kept in ${report.journalPath} and is written into the database the next time Cosmos Backup starts.`
    : 'No folder accepted a copy either: the next start closes the session as interrupted. Free some space on that disk.';
  return `warning: ${what} could not be saved: the configuration database refused writes (is its disk full?). ${where}
`;
}

/** Opens the core, runs `fn`, and always closes the core again. */
export async function withCore<T>(ctx: CommandContext, fn: (core: AppCore) => Promise<T> | T, options?: { probeTimeoutMs?: number }): Promise<T> {
  const core = ctx.openCore(options);
  try {
    return await fn(core);
  } finally {
    await ctx.closeCore(core);
  }
}
