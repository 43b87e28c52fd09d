import { createInterface } from 'node:readline';
import type { InboundMessage, OutboundMessage } from './protocol.ts';
import { encodeLine, inboundMessageSchema, outboundMessageSchema, parseLine } from './protocol.ts';

/** One message from the app, or why a line was refused (never the line itself: it may hold secrets). */
export type InboundItem = { ok: true; value: InboundMessage } | { ok: false; error: string };

/**
 * How the agent talks to the app: stdin/stdout when it is a local child process, the blob mailbox
 * on a worker VM (mailbox/agent-mailbox-transport.ts). The agent's logic is the same on both.
 */
export interface AgentTransport {
  /** Sends one message; resolves once it is on its way (flushed). */
  send(message: OutboundMessage): Promise<void>;
  /** The app's messages in order. Ends when the app is gone (stdin closed); a mailbox never ends by itself. */
  inbound(): AsyncIterable<InboundItem>;
  /** Whether the end of `inbound` means the app is gone and the job must stop (a local parent), or nothing (a mailbox outlives the desktop). */
  readonly endMeansParentGone: boolean;
}

/** The local transport: NDJSON on stdin and stdout. */
export function stdioTransport(): AgentTransport {
  return {
    endMeansParentGone: true,
    send: (message) => new Promise((resolve) => process.stdout.write(encodeLine(outboundMessageSchema, message), () => resolve())),
    async *inbound() {
      const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const line of input) {
        if (!line.trim()) continue;
        const parsed = parseLine(inboundMessageSchema, line);
        yield parsed.ok ? { ok: true, value: parsed.value } : { ok: false, error: `Invalid message on stdin (${parsed.error}).` };
      }
    },
  };
}
