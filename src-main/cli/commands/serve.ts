import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startConsoleServer } from '../../core/transport/console-server.ts';
import type { CommandContext } from '../context.ts';
import type { ActionWrapper } from '../exit-codes.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { printJson } from '../output.ts';
import { parsePort } from './arguments.ts';

const BUILT_CONSOLE = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

/** `serve`: the core plus the console over the loopback WebSocket, until SIGINT/SIGTERM. */
export function registerServe(program: Command, ctx: CommandContext, wrap: ActionWrapper): void {
  program
    .command('serve')
    .description('run the headless service: scheduling, sessions and the web console on 127.0.0.1')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', parsePort)
    .action(
      wrap(async (options: { port?: number }) => {
        const core = ctx.openCore();
        const staticDir = existsSync(BUILT_CONSOLE) ? BUILT_CONSOLE : null;
        const server = await startConsoleServer({ core, staticDir, port: options.port });
        core.startScheduling();
        const { json } = ctx.globals();
        if (json) printJson(ctx.io, { url: server.url, port: server.port, dataDir: core.dataDir, consoleBuilt: staticDir !== null });
        else {
          ctx.io.out(`Cosmos Backup service is running (data: ${core.dataDir}).\nConsole: ${server.url}\n`);
          if (!staticDir) ctx.io.out('The console is not built yet: run `npm run build` to serve it.\n');
          ctx.io.out('Press Ctrl+C to stop.\n');
        }
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await server.close();
        await ctx.closeCore(core);
        return EXIT_OK;
      }),
    );
}
