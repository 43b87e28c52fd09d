import WebSocket from 'ws';
import type { WsServerMessage } from '../../src-main/shared/contract.ts';

/** A minimal client of the WebSocket transport for tests: invoke channels, collect events. */
export class TestWsClient {
  readonly events: { event: string; payload: unknown }[] = [];
  private readonly ws: WebSocket;
  private nextId = 1;
  private readonly pending = new Map<number, (message: WsServerMessage) => void>();
  private readonly eventWaiters: (() => void)[] = [];
  readonly unsolicited: WsServerMessage[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as WsServerMessage;
      if (message.type === 'event') {
        this.events.push({ event: message.event, payload: message.payload });
        for (const waiter of this.eventWaiters.splice(0)) waiter();
      } else {
        const resolve = this.pending.get(message.id);
        if (resolve) {
          this.pending.delete(message.id);
          resolve(message);
        } else this.unsolicited.push(message);
      }
    });
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<TestWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => resolve(new TestWsClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Sends raw text (for malformed-message tests). */
  sendRaw(text: string): void {
    this.ws.send(text);
  }

  invoke(channel: string, payload: unknown = {}): Promise<WsServerMessage> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
    });
  }

  /** Invokes and returns the value, throwing on an error result. */
  async call<T = unknown>(channel: string, payload: unknown = {}): Promise<T> {
    const result = await this.invoke(channel, payload);
    if (result.type !== 'result' || !result.ok) throw new Error(JSON.stringify(result));
    return result.value as T;
  }

  /** Resolves once `predicate` holds over the events received so far. */
  async waitForEvents(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for events');
      await new Promise<void>((resolve) => {
        this.eventWaiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}
