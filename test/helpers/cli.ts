import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI_BIN = fileURLToPath(new URL('../../src-main/cli/bin.mjs', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cosmos-backup` as a child process with the project's Node 22 and collects its output. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Starts `cosmos-backup serve --json` and resolves once it printed its URL. */
export function startServe(dataDir: string): Promise<{ child: ChildProcess; url: string; port: number; token: string; stop(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, '--data-dir', dataDir, '--json', 'serve'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let json = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    // `--json` prints one pretty-printed document: collect lines until it parses.
    createInterface({ input: child.stdout }).on('line', (line) => {
      json += line;
      try {
        const info = JSON.parse(json) as { url: string; port: number };
        const token = new URL(info.url).searchParams.get('token')!;
        resolve({
          child,
          url: info.url,
          port: info.port,
          token,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      } catch {
        /* not complete yet */
      }
    });
  });
}
