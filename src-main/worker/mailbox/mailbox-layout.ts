import { randomBytes } from 'node:crypto';

/**
 * The blobs of one job's mailbox container (docs/worker-protocol.md, "The blob mailbox"):
 * the app's stream to the agent, the agent's stream back, the result that ends the job and the
 * marker that cancels it.
 */
export const MAILBOX = {
  /** App → agent: the `job` frame, then the `sealed-secrets` frame. */
  toAgentPrefix: 'to-agent-',
  /** Agent → app: `agent-key`, `hello`, then log/progress/target-touched, and the `result` last. */
  fromAgentPrefix: 'from-agent-',
  /** The agent's `result` frame (the same as the stream's last): its presence ends the job. */
  resultBlob: 'result.frame',
  /** A `cancel` frame the app writes; the agent stops when it appears. */
  cancelBlob: 'cancel.frame',
} as const;

/** Every mailbox container's name starts so (an admin can tell them, and find any left behind). */
export const MAILBOX_CONTAINER_PREFIX = 'cb-mailbox-';

/** A fresh mailbox container name (a container name: lower-case letters, digits and hyphens). */
export function newMailboxContainerName(): string {
  return `${MAILBOX_CONTAINER_PREFIX}${randomBytes(10).toString('hex')}`;
}

/** Environment variables the bootstrap gives the agent in mailbox mode (from protected Run Command parameters). */
export const MAILBOX_ENV = {
  /** The mailbox container URL with a SAS scoped to it. */
  url: 'CB_MAILBOX_URL',
  /** The job token (base64url). */
  token: 'CB_JOB_TOKEN',
  /** The job id (not secret; salts the line keys). */
  jobId: 'CB_JOB_ID',
} as const;
