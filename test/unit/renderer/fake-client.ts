import type { ChannelName } from '../../../src-main/shared/contract.ts';
import { ClientError, type ContractClient } from '../../../src-renderer/src/transport/client.ts';

type Handler = (input: never) => unknown;

/** A contract client answering from handlers; unknown channels fail like the core would. */
export function fakeClient(handlers: Partial<Record<ChannelName, Handler>>) {
  const calls: { channel: ChannelName; input: unknown }[] = [];
  const client: ContractClient = {
    transportKind: 'websocket',
    status: { state: 'open', attempt: 0, nextRetryAt: null, reason: null },
    invoke: (async (channel: ChannelName, input: unknown) => {
      calls.push({ channel, input });
      const handler = handlers[channel];
      if (!handler) throw new ClientError({ code: 'unknown_channel', message: `No handler for ${channel}` });
      return handler(input as never);
    }) as ContractClient['invoke'],
    on: () => () => {},
    onStatus: () => () => {},
    close: () => {},
  };
  return { client, calls };
}
