import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const CHILD = new URL('./backup-child.ts', import.meta.url).pathname;

export interface ChildResult {
  restorePointId: string;
  sha256: string;
  adoptedPacks: number;
  uploadedBytes: number;
  /** Date.now() when the process exited. */
  exitedAt: number;
}

export interface BackupChild {
  process: ChildProcess;
  /** Resolves with the final line (restore point id and data hash), rejects when the child fails. */
  result: Promise<ChildResult>;
  /** Resolves once the child reported at least `bytes` read. */
  reached(bytes: number): Promise<void>;
}

/** Starts backup-child.ts with the current Node (22, type stripping). */
export function startBackupChild(folder: string, password: string, seed: string, megabytes: number): BackupChild {
  const child = spawn(process.execPath, [CHILD, folder, password, seed, String(megabytes)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  let progress = 0;
  const waiters: { bytes: number; resolve: () => void }[] = [];
  let final: Omit<ChildResult, 'exitedAt'> | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line);
    if (typeof message.progress === 'number') {
      progress = message.progress;
      for (const waiter of waiters.filter((item) => item.bytes <= progress)) waiter.resolve();
    } else final = message;
  });
  const result = new Promise<ChildResult>((resolve, reject) => {
    child.once('exit', (code, signal) => (code === 0 && final ? resolve({ ...final, exitedAt: Date.now() }) : reject(new Error(`backup child exited with ${code ?? signal}: ${stderr.slice(-2000)}`))));
  });
  result.catch(() => undefined);
  return {
    process: child,
    result,
    reached: (bytes) => (progress >= bytes ? Promise.resolve() : new Promise((resolve) => waiters.push({ bytes, resolve }))),
  };
}
