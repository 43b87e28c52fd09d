import { AppCore } from '../app/app-core.ts';
import { defaultDataDir } from '../core/data-dir.ts';
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
  /** Opens the core on the chosen data folder; the command must close it. */
  openCore(options?: { probeTimeoutMs?: number }): AppCore;
}

export function createCommandContext(io: CliIo, globals: () => GlobalOptions): CommandContext {
  return {
    io,
    globals,
    openCore: (options) => AppCore.open({ dataDir: globals().dataDir ?? defaultDataDir(), ...options }),
  };
}

/** Opens the core, runs `fn`, and always closes the core again. */
export async function withCore<T>(ctx: CommandContext, fn: (core: AppCore) => Promise<T> | T, options?: { probeTimeoutMs?: number }): Promise<T> {
  const core = ctx.openCore(options);
  try {
    return await fn(core);
  } finally {
    await core.close();
  }
}
