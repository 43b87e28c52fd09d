import { BlobServiceClient, ContainerSASPermissions, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import type { JobSecrets, JobSpec, OutboundMessage } from '../protocol.ts';
import { PROTOCOL_VERSION } from '../protocol.ts';
import { AppendBlobTail, AppendBlobWriter } from './append-blob-stream.ts';
import { lineKey, newJobToken, sealSecrets } from './mailbox-crypto.ts';
import { agentToAppSchema, appToAgentSchema, decodeFrame, encodeFrame, FrameSequence, MailboxTamperedError } from './mailbox-frames.ts';
import type { MailboxAccount } from './mailbox-account.ts';
import { MAILBOX, newMailboxContainerName } from './mailbox-layout.ts';

export function blobServiceOf(account: MailboxAccount): BlobServiceClient {
  return new BlobServiceClient(account.blobEndpoint.replace(/\/+$/, ''), new StorageSharedKeyCredential(account.accountName, account.accountKey));
}

/** What the worker VM needs to find its mailbox; `url` and `token` are secrets (protected Run Command parameters only). */
export interface MailboxAddress {
  container: string;
  /** The container URL with a SAS scoped to it (read, add, create, write), valid until `expiresOn`. */
  url: string;
  token: string;
  jobId: string;
  expiresOn: Date;
}

/**
 * The app's side of one job's blob mailbox: it creates the container, hands out its address,
 * waits for the agent's public key, sends the job and its sealed secrets, tails the agent's
 * frames, writes the cancel marker, and deletes the container at the end. Every frame read is
 * authenticated and in sequence, or the job is refused (MailboxTamperedError).
 */
export class AppMailbox {
  readonly address: MailboxAddress;
  private readonly container: ContainerClient;
  private readonly tail: AppendBlobTail;
  private readonly frames: FrameSequence<typeof agentToAppSchema>;
  private readonly keys: { toAgent: Buffer; fromAgent: Buffer };
  private agentKey: string | undefined;
  private toAgentSeq = 0;

  private constructor(container: ContainerClient, address: MailboxAddress) {
    this.container = container;
    this.address = address;
    this.keys = { toAgent: lineKey(address.token, address.jobId, 'to-agent'), fromAgent: lineKey(address.token, address.jobId, 'from-agent') };
    this.tail = new AppendBlobTail(container, MAILBOX.fromAgentPrefix);
    this.frames = new FrameSequence(agentToAppSchema, this.keys.fromAgent, 'The worker mailbox');
  }

  /** Creates a job's mailbox in `account`, with a SAS valid for `validForMs`. */
  static async create(account: MailboxAccount, jobId: string, validForMs: number, now: Date = new Date()): Promise<AppMailbox> {
    const name = newMailboxContainerName();
    const container = blobServiceOf(account).getContainerClient(name);
    await container.create({ metadata: { cosmosbackupjob: jobId.replace(/[^A-Za-z0-9-]/g, '-') } });
    await container.getAppendBlobClient(`${MAILBOX.toAgentPrefix}000001.ndjson`).create();
    const expiresOn = new Date(now.getTime() + validForMs);
    const url = await container.generateSasUrl({ permissions: ContainerSASPermissions.parse('racw'), startsOn: new Date(now.getTime() - 5 * 60_000), expiresOn });
    return new AppMailbox(container, { container: name, url, token: newJobToken(), jobId, expiresOn });
  }

  /** Re-opens an existing mailbox (re-attaching to a job that outlived the app). */
  static reopen(account: MailboxAccount, address: MailboxAddress): AppMailbox {
    return new AppMailbox(blobServiceOf(account).getContainerClient(address.container), address);
  }

  /** New frames from the agent since the last call (the agent's public key is kept, not returned). */
  async read(): Promise<OutboundMessage[]> {
    const out: OutboundMessage[] = [];
    for (const line of await this.tail.read()) {
      const first = this.frames.count === 0;
      const message = this.frames.accept(line);
      if (message.type === 'agent-key') {
        if (!first) throw new MailboxTamperedError('The worker mailbox: a second agent key arrived.');
        this.agentKey = message.publicKey;
      } else {
        if (first) throw new MailboxTamperedError('The worker mailbox: the agent key was not the first frame.');
        out.push(message);
      }
    }
    return out;
  }

  /** The agent's one-time public key, once its first frame was read. */
  get agentPublicKey(): string | undefined {
    return this.agentKey;
  }

  /** Sends the job and its secrets sealed to the agent's key (call once the key arrived). */
  async sendJob(job: JobSpec, secrets: JobSecrets): Promise<void> {
    if (!this.agentKey) throw new Error('The agent has not published its key yet.');
    const writer = new AppendBlobWriter(this.container, MAILBOX.toAgentPrefix);
    // The segment was created with the mailbox; the writer appends to it.
    await writer.resume(1);
    writer.push(encodeFrame(appToAgentSchema, this.keys.toAgent, this.toAgentSeq++, { type: 'job', protocolVersion: PROTOCOL_VERSION, job }));
    writer.push(encodeFrame(appToAgentSchema, this.keys.toAgent, this.toAgentSeq++, { type: 'sealed-secrets', sealed: sealSecrets(secrets, this.agentKey, job.jobId) }));
    await writer.flush();
  }

  /** Writes the cancel marker (the agent looks for it while the job runs). */
  async cancel(): Promise<void> {
    const line = encodeFrame(appToAgentSchema, this.keys.toAgent, this.toAgentSeq, { type: 'cancel' });
    await this.container.getBlockBlobClient(MAILBOX.cancelBlob).upload(line, Buffer.byteLength(line));
  }

  /** The agent's result frame when it has written one (authenticated), else undefined. */
  async result(): Promise<(OutboundMessage & { type: 'result' }) | undefined> {
    let text: string;
    try {
      text = (await this.container.getBlockBlobClient(MAILBOX.resultBlob).downloadToBuffer()).toString('utf8').trim();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
    const { message } = decodeFrame(agentToAppSchema, this.keys.fromAgent, text, 'The result blob');
    if (message.type !== 'result') throw new MailboxTamperedError('The result blob holds no result.');
    return message;
  }

  /** Deletes the mailbox container (after the job's result was recorded). */
  async remove(): Promise<void> {
    await this.container.deleteIfExists();
  }
}
