import { ContainerClient } from '@azure/storage-blob';
import type { AgentTransport, InboundItem } from '../agent-transport.ts';
import type { OutboundMessage } from '../protocol.ts';
import { AppendBlobTail, AppendBlobWriter } from './append-blob-stream.ts';
import { createAgentKeyPair, lineKey, openSealedSecrets } from './mailbox-crypto.ts';
import { agentToAppSchema, appToAgentSchema, decodeFrame, encodeFrame, FrameSequence, MailboxTamperedError } from './mailbox-frames.ts';
import { MAILBOX, MAILBOX_ENV } from './mailbox-layout.ts';

export interface MailboxTransportOptions {
  /** How often the agent looks for the job and then for the cancel marker (default 500 ms). */
  pollMs?: number;
  /** How often queued lines are appended (default 250 ms). */
  flushMs?: number;
  /** How long to wait for the job before giving up (default 30 min). */
  jobWaitMs?: number;
}

interface MailboxSettings {
  url: string;
  token: string;
  jobId: string;
}

/** Takes the mailbox settings out of the environment (and removes them, so no child process inherits them). */
export function mailboxSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): MailboxSettings {
  const url = env[MAILBOX_ENV.url];
  const token = env[MAILBOX_ENV.token];
  const jobId = env[MAILBOX_ENV.jobId];
  for (const name of Object.values(MAILBOX_ENV)) delete env[name];
  if (!url || !token || !jobId) throw new Error(`Mailbox mode needs ${Object.values(MAILBOX_ENV).join(', ')} in the environment.`);
  return { url, token, jobId };
}

// Not unref'd: these waits are what keeps the agent alive while it waits for its job.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The agent's side of the blob mailbox. It makes the one-time key pair, publishes the public key
 * (authenticated with the job token), reads the job and opens its sealed secrets, watches for
 * the cancel marker, and writes every outbound message as an authenticated frame. The `result`
 * also goes to its own blob, which ends the job for the app.
 */
export function mailboxTransport(settings: MailboxSettings, options: MailboxTransportOptions = {}): AgentTransport {
  const container = new ContainerClient(settings.url);
  const keys = { out: lineKey(settings.token, settings.jobId, 'from-agent'), in: lineKey(settings.token, settings.jobId, 'to-agent') };
  const writer = new AppendBlobWriter(container, MAILBOX.fromAgentPrefix);
  const keyPair = createAgentKeyPair();
  const pollMs = options.pollMs ?? 500;
  let seq = 0;
  const frame = (message: Parameters<typeof encodeFrame<typeof agentToAppSchema>>[3]) => encodeFrame(agentToAppSchema, keys.out, seq++, message);
  writer.push(frame({ type: 'agent-key', publicKey: keyPair.publicKey }));
  const timer = setInterval(() => void writer.flush().catch(() => undefined), options.flushMs ?? 250);
  timer.unref();

  return {
    endMeansParentGone: false,
    async send(message: OutboundMessage) {
      const line = frame(message);
      writer.push(line);
      if (message.type !== 'result') return;
      await writer.flush();
      await container.getBlockBlobClient(MAILBOX.resultBlob).upload(line, Buffer.byteLength(line));
      clearInterval(timer);
    },
    async *inbound(): AsyncIterable<InboundItem> {
      const tail = new AppendBlobTail(container, MAILBOX.toAgentPrefix);
      const frames = new FrameSequence(appToAgentSchema, keys.in, 'The job mailbox');
      const deadline = Date.now() + (options.jobWaitMs ?? 30 * 60_000);
      let jobId: string | undefined;
      try {
        while (frames.count < 2) {
          if (Date.now() > deadline) return yield { ok: false, error: 'No job arrived in the mailbox in time.' };
          const lines = await tail.read();
          for (const line of lines) {
            const message = frames.accept(line);
            if (message.type === 'job') {
              jobId = message.job.jobId;
              if (jobId !== settings.jobId) throw new MailboxTamperedError(`The mailbox holds job ${jobId}, not ${settings.jobId}.`);
              yield { ok: true, value: { type: 'job', protocolVersion: message.protocolVersion, job: message.job } };
            } else if (message.type === 'sealed-secrets') {
              yield { ok: true, value: { type: 'secrets', secrets: openSealedSecrets(message.sealed, keyPair.privateKey, settings.jobId) } };
            } else {
              yield { ok: true, value: { type: 'cancel' } };
            }
          }
          if (frames.count < 2) await sleep(pollMs);
        }
        // The job runs; the cancel marker is all that can still arrive.
        const marker = container.getBlockBlobClient(MAILBOX.cancelBlob);
        for (;;) {
          await sleep(pollMs);
          let text: string;
          try {
            text = (await marker.downloadToBuffer()).toString('utf8').trim();
          } catch (error) {
            if ((error as { statusCode?: number }).statusCode === 404) continue;
            continue; // a failed poll is tried again; the job goes on
          }
          const { message } = decodeFrame(appToAgentSchema, keys.in, text, 'The cancel marker');
          if (message.type === 'cancel') return yield { ok: true, value: { type: 'cancel' } };
        }
      } catch (error) {
        yield { ok: false, error: error instanceof MailboxTamperedError ? error.message : `The mailbox could not be read (${(error as Error).message}).` };
      }
    },
  };
}
