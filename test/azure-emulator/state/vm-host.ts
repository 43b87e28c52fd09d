import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `$expand=instanceView` shows of a managed Run Command (Microsoft.Compute/virtualMachines/runCommands). */
export interface RunCommandExecution {
  executionState: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'TimedOut' | 'Canceled';
  executionMessage: string;
  exitCode?: number;
  output: string;
  error: string;
  startTime?: string;
  endTime?: string;
}

interface Running {
  vmKey: string;
  execution: RunCommandExecution;
  child?: ChildProcess;
  timer?: NodeJS.Timeout;
}

const OUTPUT_TAIL = 4096;

/**
 * The emulated VMs' insides: each VM has a folder that stands for its OS disk, and a managed Run
 * Command really runs its script there with bash — a clean environment (the image's PATH, HOME and
 * TMPDIR on the VM's disk, the command's parameters and protected parameters as variables, as Azure
 * gives them to Linux scripts), nothing of the test process's environment. Deallocating or deleting
 * the VM kills what runs on it (a VM lost mid-job).
 */
export class VmHost {
  /** PATH of the emulated image (the tools a worker image has: bash, curl, tar, sha256sum…). */
  path = '/usr/local/bin:/usr/bin:/bin';
  private readonly root = mkdtempSync(join(tmpdir(), 'emulated-vms-'));
  private readonly disks = new Map<string, string>();
  private readonly runs = new Map<string, Running>();

  /** The folder that stands for the VM's OS disk (made on first use; kept until the emulator stops, so tests can inspect it). */
  diskOf(vmId: string): string {
    const key = vmId.toLowerCase();
    let dir = this.disks.get(key);
    if (!dir) {
      dir = join(this.root, `vm-${this.disks.size + 1}`);
      mkdirSync(join(dir, 'tmp'), { recursive: true });
      this.disks.set(key, dir);
    }
    return dir;
  }

  /** Every VM disk folder made so far. */
  diskFolders(): string[] {
    return [...this.disks.values()];
  }

  execution(runCommandId: string): RunCommandExecution | undefined {
    return this.runs.get(runCommandId.toLowerCase())?.execution;
  }

  /** Starts `script` for a Run Command on a VM; ends TimedOut after `timeoutSeconds` (0: no limit). */
  start(runCommandId: string, vmId: string, script: string, variables: Record<string, string>, timeoutSeconds: number, now: () => Date): void {
    this.stop(runCommandId, 'Canceled');
    const disk = this.diskOf(vmId);
    const execution: RunCommandExecution = { executionState: 'Running', executionMessage: '', output: '', error: '', startTime: now().toISOString() };
    const running: Running = { vmKey: vmId.toLowerCase(), execution };
    this.runs.set(runCommandId.toLowerCase(), running);
    const env = { PATH: this.path, HOME: disk, TMPDIR: join(disk, 'tmp'), LANG: 'C.UTF-8', ...variables };
    const child = spawn('bash', ['-c', script], { cwd: disk, env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.child = child;
    child.stdout?.setEncoding('utf8').on('data', (text: string) => (execution.output = (execution.output + text).slice(-OUTPUT_TAIL)));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => (execution.error = (execution.error + text).slice(-OUTPUT_TAIL)));
    child.once('error', (error) => {
      execution.executionState = 'Failed';
      execution.executionMessage = error.message;
      execution.endTime = now().toISOString();
    });
    child.once('close', (code) => {
      if (running.timer) clearTimeout(running.timer);
      running.child = undefined;
      if (execution.executionState !== 'Running') return;
      execution.exitCode = code ?? -1;
      execution.executionState = code === 0 ? 'Succeeded' : 'Failed';
      execution.executionMessage = code === 0 ? '' : `Execution failed with exit code ${code ?? 'null (killed)'}.`;
      execution.endTime = now().toISOString();
    });
    if (timeoutSeconds > 0) {
      running.timer = setTimeout(() => this.stop(runCommandId, 'TimedOut', now), timeoutSeconds * 1000);
      running.timer.unref();
    }
  }

  /** Ends a Run Command's script (killed) in the given state. */
  stop(runCommandId: string, state: 'Canceled' | 'TimedOut' | 'Failed', now: () => Date = () => new Date()): void {
    const running = this.runs.get(runCommandId.toLowerCase());
    if (!running) return;
    if (running.timer) clearTimeout(running.timer);
    if (running.execution.executionState === 'Running') {
      running.execution.executionState = state;
      running.execution.executionMessage = state === 'TimedOut' ? 'Execution timed out.' : state === 'Canceled' ? 'Execution was canceled.' : 'The VM stopped while the script ran.';
      running.execution.endTime = now().toISOString();
    }
    running.child?.kill('SIGKILL');
  }

  forget(runCommandId: string): void {
    this.stop(runCommandId, 'Canceled');
    this.runs.delete(runCommandId.toLowerCase());
  }

  /** Kills everything running on a VM (it was deallocated, deleted, or lost). */
  stopVm(vmId: string, state: 'Canceled' | 'Failed' = 'Failed'): void {
    const key = vmId.toLowerCase();
    for (const [id, running] of this.runs) if (running.vmKey === key) this.stop(id, state);
  }

  /** Kills every script and removes every VM disk folder (the emulator stops). */
  shutdown(): void {
    for (const id of this.runs.keys()) this.stop(id, 'Canceled');
    rmSync(this.root, { recursive: true, force: true });
  }
}
