import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI_BIN } from './cli.ts';

/** The headless service (`cosmos-backup serve`) as the tests run it: started and stopped by PID on a random loopback port. */
export interface RunningService {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** What it wrote to stderr so far (the last 64 KiB), for failure messages. */
  stderr(): string;
  /** Stops it gracefully (SIGTERM), as a user or service manager would. */
  stop(): Promise<void>;
  /** Kills it (SIGKILL), as a crash or power loss would. */
  kill(): Promise<void>;
}

/**
 * Starts the service on a data folder; resolves once it printed its URL. `env` adds to the test's
 * environment (Azure settings). Tests never reach the internet: the Retail Prices API is off unless
 * a test points it at its stand-in.
 */
export function startService(dataDir: string, options: { port?: number; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunningService> {
  const args = [CLI_BIN, '--data-dir', dataDir, '--json', 'serve', ...(options.port ? ['--port', String(options.port)] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COSMOS_BACKUP_RETAIL_PRICES_URL: process.env.COSMOS_BACKUP_RETAIL_PRICES_URL ?? 'off', ...options.env } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isGone = () => child.exitCode !== null || child.signalCode !== null;
  const ending = (signal: NodeJS.Signals) => async () => {
    if (!isGone()) child.kill(signal);
    const timer = setTimeout(() => !isGone() && child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    let stderr = '';
    let json = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start within ${options.timeoutMs ?? 30_000} ms: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-65_536)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${stderr}`));
    });
    // `--json` prints one (pretty-printed) document: collect lines until it parses.
    createInterface({ input: child.stdout! }).on('line', (line) => {
      json += line;
      let info: { url: string; port: number; dataDir: string };
      try {
        info = JSON.parse(json) as typeof info;
      } catch {
        return;
      }
      clearTimeout(timer);
      resolve({ ...info, child, stderr: () => stderr, stop: ending('SIGTERM'), kill: ending('SIGKILL') });
    });
  });
}
