import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { AGENT_NODE_FLAGS } from '../repository/data-path-node-flags.ts';
import { installedAgentEntry } from './agent-entry.ts';
import { jobRedactor } from './job-runner.ts';
import type { JobOutcome, JobSecrets, JobSpec } from './protocol.ts';
import { PROTOCOL_VERSION, encodeLine, inboundMessageSchema, jobSpecSchema, outboundMessageSchema, parseLine } from './protocol.ts';
import { EventQueue } from './event-queue.ts';
import type { WorkerHandle, WorkerLauncher, WorkerPlacement } from './worker-launcher.ts';
import { WorkerJobError } from './worker-launcher.ts';

/**
 * The agent's entry file for launchers that are not told otherwise: by default the installation's
 * (`installedAgentEntry`: the bundle `npm install` built, while no source is newer, else the
 * sources). The desktop app runs the self-contained bundle (`out/worker-vm/worker-agent.js`) and
 * says so here at start-up.
 */
let defaultAgentEntry: string | undefined;

/** Points local launchers at another agent entry (the bundled one in the desktop app). */
export function useAgentEntry(entry: string): void {
  defaultAgentEntry = entry;
}

export interface LocalLauncherOptions {
  /**
   * The Node binary (default: this process's: Node 22 with type stripping, or the Electron binary,
   * which then runs the agent as plain Node through ELECTRON_RUN_AS_NODE).
   */
  nodePath?: string;
  /** The agent's entry file (default: see useAgentEntry). */
  agentEntry?: string;
  /** After a cancel, how long the agent may take to stop before SIGTERM, then SIGKILL (default 20 s). */
  cancelGraceMs?: number;
  /** Called with the agent's pid once it runs (tests kill it to simulate a lost worker). */
  onSpawn?: (pid: number) => void;
}

/** Variables the agent needs; the parent's own (PGPASSWORD, repository password…) are not passed on. */
function agentEnvironment(runsOnElectron: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'COSMOS_BACKUP_PG_BIN', 'SYSTEMROOT']) if (process.env[name] !== undefined) env[name] = process.env[name];
  // The Electron binary starts an app unless told to behave as Node.
  if (runsOnElectron) env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}

/** Runs the agent as a local child process (the bundled `worker-agent.js` or `src-main/worker/agent-main.ts`). */
export class LocalWorkerLauncher implements WorkerLauncher {
  private readonly options: LocalLauncherOptions;

  constructor(options: LocalLauncherOptions = {}) {
    this.options = options;
  }

  /** Runs the job on this computer whatever the placement (the "this computer" worker configuration). */
  async launch(job: JobSpec, secrets: JobSecrets, signal: AbortSignal, _placement?: WorkerPlacement): Promise<WorkerHandle> {
    const redact = jobRedactor(secrets);
    const checked = jobSpecSchema.safeParse(job);
    if (!checked.success) throw new WorkerJobError('invalid_job', `Invalid job: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    const runsOnElectron = this.options.nodePath === undefined && process.versions.electron !== undefined;
    const entry = this.options.agentEntry ?? defaultAgentEntry ?? installedAgentEntry();
    const child = spawn(this.options.nodePath ?? process.execPath, [...AGENT_NODE_FLAGS, entry], { stdio: ['pipe', 'pipe', 'pipe'], env: agentEnvironment(runsOnElectron) });
    const queue = new EventQueue();
    // A child that never started emits 'error' and may not emit 'close'.
    const released = new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    });
    const grace = this.options.cancelGraceMs ?? 20_000;
    const onAbort = () => {
      child.stdin.write(encodeLine(inboundMessageSchema, { type: 'cancel' }));
      const term = setTimeout(() => child.kill('SIGTERM'), grace);
      const kill = setTimeout(() => child.kill('SIGKILL'), grace + 5000);
      term.unref();
      kill.unref();
      child.once('close', () => {
        clearTimeout(term);
        clearTimeout(kill);
      });
    };

    let outcome: { ok: true; value: JobOutcome } | { ok: false; error: WorkerJobError } | undefined;
    let stderrTail = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderrTail = (stderrTail + text).slice(-4000)));
    child.stdin.on('error', () => undefined);
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const parsed = parseLine(outboundMessageSchema, line);
      if (!parsed.ok) {
        queue.push({ type: 'log', level: 'warn', message: `Ignored an invalid message from the worker (${parsed.error}).` });
        return;
      }
      const message = parsed.value;
      if (message.type === 'hello') {
        if (message.protocolVersion !== PROTOCOL_VERSION) queue.push({ type: 'log', level: 'warn', message: `Worker speaks protocol ${message.protocolVersion}.` });
      } else if (message.type === 'result') {
        outcome ??= message.ok ? { ok: true, value: message.outcome } : { ok: false, error: new WorkerJobError(message.error.code, message.error.message) };
      } else {
        queue.push(message);
      }
    });
    const result = new Promise<JobOutcome>((resolve, reject) => {
      child.once('error', (error) => reject(new WorkerJobError('worker_lost', `The worker agent could not start: ${redact(error.message)}`)));
      child.once('close', (code, exitSignal) => {
        signal.removeEventListener('abort', onAbort);
        queue.push({ type: 'lifecycle', phase: 'released', message: 'The worker process has exited.' });
        queue.close();
        if (outcome?.ok) return resolve(outcome.value);
        if (outcome) return reject(outcome.error);
        const detail = redact(stderrTail.trim().split('\n').slice(-3).join(' | '));
        reject(new WorkerJobError(signal.aborted ? 'canceled' : 'worker_lost', `The worker agent ended without a result (${exitSignal ? `signal ${exitSignal}` : `exit code ${code}`})${detail ? `: ${detail}` : ''}.`));
      });
    });
    result.catch(() => undefined);
    if (child.pid !== undefined) this.options.onSpawn?.(child.pid);
    queue.push({ type: 'lifecycle', phase: 'running', message: `Worker process ${child.pid ?? '?'} started on this computer.` });
    // The job first, then the secrets — only ever through this pipe.
    child.stdin.write(encodeLine(inboundMessageSchema, { type: 'job', protocolVersion: PROTOCOL_VERSION, job }));
    child.stdin.write(encodeLine(inboundMessageSchema, { type: 'secrets', secrets }));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    return { events: queue, result, released };
  }
}
