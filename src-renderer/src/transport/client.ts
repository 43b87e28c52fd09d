import {
  channels,
  events,
  invokeResultSchema,
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type EventName,
  type EventPayload,
} from '../../../src-main/shared/contract.ts';
import type { ErrorCode, ErrorPayload } from '../../../src-main/shared/errors.ts';
import type { ConnectionStatus, StatusListener, Transport } from './transport.ts';

/** A failed contract call, carrying the wire error `{ code, message, details }`. */
export class ClientError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.name = 'ClientError';
    this.code = payload.code;
    this.details = payload.details;
  }
}

/** Anything thrown, as a message fit for the console. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export type EventHandler<E extends EventName> = (payload: EventPayload<E>) => void;

/** The typed contract client the stores use. */
export interface ContractClient {
  readonly transportKind: Transport['kind'];
  readonly status: ConnectionStatus;
  /** Calls a channel; resolves with its validated output or throws a `ClientError`. */
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** Listens to one event; payloads that do not match the contract are dropped. */
  on<E extends EventName>(event: E, handler: EventHandler<E>): () => void;
  onStatus(listener: StatusListener): () => void;
  close(): void;
}

/**
 * Wraps a transport in the contract: inputs are checked before they leave (a bad one fails at
 * once with `invalid_payload`), outputs and events are validated against the contract's schemas,
 * so the stores only ever see well-formed data.
 */
export function createClient(transport: Transport): ContractClient {
  const handlers = new Map<EventName, Set<(payload: unknown) => void>>();
  const unsubscribe = transport.onEvent((event, payload) => {
    const set = handlers.get(event as EventName);
    if (!set?.size) return;
    const parsed = events[event as EventName].safeParse(payload);
    if (!parsed.success) {
      console.warn(`Ignored a malformed ${event} event from the service.`);
      return;
    }
    for (const handler of set) handler(parsed.data);
  });

  return {
    transportKind: transport.kind,
    get status() {
      return transport.status;
    },
    async invoke(channel, input) {
      const spec = channels[channel];
      const checked = spec.input.safeParse(input);
      if (!checked.success) {
        throw new ClientError({ code: 'invalid_payload', message: `The console built an invalid ${channel} request.`, details: checked.error.issues });
      }
      const raw = await transport.invoke(channel, input);
      const envelope = invokeResultSchema.safeParse(raw);
      if (!envelope.success) throw new ClientError({ code: 'internal', message: `The service answered ${channel} with something that is not a result.` });
      if (!envelope.data.ok) throw new ClientError(envelope.data.error);
      const output = spec.output.safeParse(envelope.data.value);
      if (!output.success) {
        throw new ClientError({ code: 'internal', message: `The service answered ${channel} with data this console does not understand.`, details: output.error.issues });
      }
      return output.data as ChannelOutput<typeof channel>;
    },
    on(event, handler) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const wrapped = handler as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    onStatus: (listener) => transport.onStatus(listener),
    close() {
      unsubscribe();
      transport.close();
    },
  };
}
