import { z } from 'zod';
import { PROTOCOL_VERSION, jobSpecSchema, outboundMessageSchema } from '../protocol.ts';
import { lineMac, macMatches, sealedSecretsSchema } from './mailbox-crypto.ts';

/**
 * Framing of the blob mailbox: one JSON frame per line, `{ seq, body, mac }`, where `body` is the
 * message's JSON text and `mac` authenticates `seq` and `body` with the direction's line key.
 * Sequence numbers start at 0 in each direction and grow by one: a reader refuses a frame that is
 * not the next one (tampered, replayed, reordered or from another job).
 */

/** What the app writes to the agent (its `to-agent` stream, then the cancel marker). */
export const appToAgentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job'), protocolVersion: z.literal(PROTOCOL_VERSION), job: jobSpecSchema }),
  z.object({ type: z.literal('sealed-secrets'), sealed: sealedSecretsSchema }),
  z.object({ type: z.literal('cancel') }),
]);
export type AppToAgentMessage = z.input<typeof appToAgentSchema>;

/** What the agent writes: first its public key, then the protocol's outbound messages. */
export const agentToAppSchema = z.union([z.object({ type: z.literal('agent-key'), publicKey: z.string().min(40).max(60) }), outboundMessageSchema]);
export type AgentToAppMessage = z.infer<typeof agentToAppSchema>;

const frameSchema = z.object({ seq: z.number().int().nonnegative(), body: z.string().max(8_000_000), mac: z.string().min(40).max(50) });

/** A mailbox blob that was changed, replayed or does not belong to this job. */
export class MailboxTamperedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MailboxTamperedError';
  }
}

/** One frame as a line (the message validated first, so a bug cannot put a malformed one in the mailbox). */
export function encodeFrame<S extends z.ZodType>(schema: S, key: Buffer, seq: number, message: z.input<S>): string {
  const body = JSON.stringify(schema.parse(message));
  return JSON.stringify({ seq, body, mac: lineMac(key, seq, body) }) + '\n';
}

/** Checks one frame line and returns its sequence number and message. */
export function decodeFrame<S extends z.ZodType>(schema: S, key: Buffer, line: string, where: string): { seq: number; message: z.output<S> } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new MailboxTamperedError(`${where}: a line is not JSON.`);
  }
  const frame = frameSchema.safeParse(json);
  if (!frame.success) throw new MailboxTamperedError(`${where}: a line is not a mailbox frame.`);
  const { seq, body, mac } = frame.data;
  if (!macMatches(key, seq, body, mac)) throw new MailboxTamperedError(`${where}: frame ${seq} fails its authentication (changed, or not from this job).`);
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(body);
  } catch {
    throw new MailboxTamperedError(`${where}: frame ${seq} holds no JSON.`);
  }
  const message = schema.safeParse(parsedBody);
  if (!message.success) throw new MailboxTamperedError(`${where}: frame ${seq} is not a valid message (${message.error.issues[0]?.message ?? 'invalid'}).`);
  return { seq, message: message.data };
}

/** Reads one direction's frames in order, refusing gaps, repeats and reordering. */
export class FrameSequence<S extends z.ZodType> {
  private next = 0;
  private readonly schema: S;
  private readonly key: Buffer;
  private readonly where: string;

  constructor(schema: S, key: Buffer, where: string) {
    this.schema = schema;
    this.key = key;
    this.where = where;
  }

  /** The message of the next frame; throws MailboxTamperedError for anything else. */
  accept(line: string): z.output<S> {
    const { seq, message } = decodeFrame(this.schema, this.key, line, this.where);
    if (seq !== this.next) throw new MailboxTamperedError(`${this.where}: frame ${seq} arrived where frame ${this.next} was due (replayed or reordered).`);
    this.next++;
    return message;
  }

  /** How many frames were accepted. */
  get count(): number {
    return this.next;
  }
}
