/**
 * The worker agent: `node src-main/worker/agent-main.ts`, or the self-contained bundle
 * `out/worker-vm/worker-agent.js` (worker VMs, the desktop app, the CLI). Reads a `job` and a `secrets` message
 * (stdin, or with `--mailbox` the blob mailbox of a worker VM), runs the job, and writes `hello`,
 * `log`, `progress`, `target-touched` and one `result` (stdout, or the mailbox) — see protocol.ts
 * and docs/worker-protocol.md. A `cancel` message, SIGTERM or SIGINT stops the job cleanly:
 * a backup then leaves no restore point. Secrets stay in memory; nothing written contains them.
 * Exit code: 0 success, 1 failure or cancel, 2 protocol error.
 */
import { createRedactor } from '../engines/redact.ts';
import { prestartCodecThread, useBlobSdk, useCodecWorkerEntry } from '../repository/index.ts';
import type { Redactor } from '../engines/redact.ts';
import { stdioTransport, type AgentTransport } from './agent-transport.ts';
import { jobRedactor, runJob, toWorkerError } from './job-runner.ts';
import type { JobSecrets, OutboundMessage, ParsedJobSpec } from './protocol.ts';
import { PROTOCOL_VERSION } from './protocol.ts';

const PROGRESS_INTERVAL_MS = 200;

// Bundled (out/worker-vm/worker-agent.js), the repository's codec worker is the bundle's sibling
// file, not the source file its module would look for.
if (!import.meta.url.endsWith('.ts')) useCodecWorkerEntry(new URL('./codec-worker.js', import.meta.url));

let redact: Redactor = createRedactor([]);
let resultSent = false;
const controller = new AbortController();
let transport: AgentTransport;

function send(message: OutboundMessage): Promise<void> {
  return transport.send(message).catch(() => undefined);
}

async function finish(message: OutboundMessage & { type: 'result' }, exitCode: number): Promise<never> {
  if (!resultSent) {
    resultSent = true;
    await send(message);
  }
  process.exit(exitCode);
}

function fail(code: string, message: string, exitCode: number): Promise<never> {
  return finish({ type: 'result', ok: false, error: { code, message: redact(message) } }, exitCode);
}

async function run(job: ParsedJobSpec, secrets: JobSecrets): Promise<void> {
  redact = jobRedactor(secrets);
  let lastProgress = 0;
  let pendingProgress: { done: number; total: number | null; unit: string } | undefined;
  const flushProgress = () => {
    if (pendingProgress) void send({ type: 'progress', ...pendingProgress });
    pendingProgress = undefined;
    lastProgress = Date.now();
  };
  try {
    const outcome = await runJob(
      job,
      secrets,
      {
        log: (level, message) => void send({ type: 'log', level, message: redact(message) }),
        progress: (done, total, unit) => {
          pendingProgress = { done, total, unit };
          if (Date.now() - lastProgress >= PROGRESS_INTERVAL_MS) flushProgress();
        },
        targetTouched: (database) => void send({ type: 'target-touched', database }),
      },
      controller.signal,
    );
    flushProgress();
    await finish({ type: 'result', ok: true, outcome }, 0);
  } catch (error) {
    flushProgress();
    const workerError = toWorkerError(error, redact, controller.signal);
    await finish({ type: 'result', ok: false, error: workerError }, 1);
  }
}

/**
 * The blob mailbox of a worker VM. Loaded only in that mode: the Blob SDK costs half a second to
 * load, which local jobs do not pay; the SDK loaded here is handed to the repository too.
 */
async function openMailboxTransport(): Promise<AgentTransport> {
  const [sdk, mailbox] = await Promise.all([import('@azure/storage-blob'), import('./mailbox/agent-mailbox-transport.ts')]);
  useBlobSdk(sdk);
  return mailbox.mailboxTransport(mailbox.mailboxSettingsFromEnvironment());
}

async function main(): Promise<void> {
  // Every job reads or writes the repository: its codec thread starts while the job and secrets
  // arrive and the repository's key is derived, not after.
  prestartCodecThread();
  transport = process.argv.includes('--mailbox') ? await openMailboxTransport() : stdioTransport();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => controller.abort());
  process.on('uncaughtException', (error) => void fail('crashed', `The worker agent crashed: ${error.message}`, 1));
  process.on('unhandledRejection', (error) => void fail('crashed', `The worker agent crashed: ${error instanceof Error ? error.message : String(error)}`, 1));
  void send({ type: 'hello', protocolVersion: PROTOCOL_VERSION, pid: process.pid, node: process.versions.node });
  let job: ParsedJobSpec | undefined;
  let started = false;
  for await (const item of transport.inbound()) {
    // Never echo a refused message: it may be the secrets.
    if (!item.ok) return void fail('protocol_error', item.error, 2);
    const message = item.value;
    if (message.type === 'cancel') {
      controller.abort();
      if (!started) return void fail('canceled', 'The job was canceled before it started.', 1);
    } else if (message.type === 'job') {
      if (job) return void fail('protocol_error', 'A second job message arrived.', 2);
      job = message.job as ParsedJobSpec;
    } else {
      if (!job) return void fail('protocol_error', 'Secrets arrived before the job.', 2);
      if (started) return void fail('protocol_error', 'Secrets arrived twice.', 2);
      started = true;
      void run(job, message.secrets);
    }
  }
  if (!transport.endMeansParentGone) return;
  // stdin stays open for the whole job: its end means the parent is gone, so stop.
  if (!started) void fail('protocol_error', 'stdin closed before the job and its secrets arrived.', 2);
  else controller.abort();
}

void main();
