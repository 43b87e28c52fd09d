import { channels, isChannelName, type ChannelInput, type ChannelName, type ChannelOutput, type InvokeResult } from '../../shared/contract.ts';
import { AppError, describeZodIssues, toErrorPayload } from '../../shared/errors.ts';
import type { ConnectedClient } from './client.ts';

type Handler<C extends ChannelName> = (input: ChannelInput<C> & object, client: ConnectedClient) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
/** One answer per contract channel; inputs arrive already validated. The composition root builds them. */
export type Handlers = { [C in ChannelName]: Handler<C> };

/**
 * The single entry point both transports call. It checks the channel and validates the payload
 * before any handler runs (a bad payload changes nothing), then validates the answer too, and
 * always resolves to `{ ok, value }` or `{ ok: false, error: { code, message, details } }`.
 */
export async function dispatch(handlers: Handlers, channel: unknown, payload: unknown, client: ConnectedClient): Promise<InvokeResult> {
  try {
    if (!isChannelName(channel)) throw new AppError('unknown_channel', `Unknown channel ${JSON.stringify(channel)}.`);
    const contract = channels[channel];
    const input = contract.input.safeParse(payload ?? {});
    if (!input.success) {
      throw new AppError('invalid_payload', `Invalid payload for ${channel}.`, { issues: describeZodIssues(input.error) });
    }
    const handler = handlers[channel] as (input: unknown, client: ConnectedClient) => unknown;
    const value = await handler(input.data, client);
    const output = contract.output.safeParse(value);
    if (!output.success) {
      throw new AppError('internal', `The answer to ${channel} did not match the contract.`, { issues: describeZodIssues(output.error) });
    }
    return { ok: true, value: output.data };
  } catch (error) {
    return { ok: false, error: toErrorPayload(error) };
  }
}
