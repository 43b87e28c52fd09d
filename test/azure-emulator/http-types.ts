import type { IncomingHttpHeaders } from 'node:http';

/** A request as the emulator's handlers see it: already read, URL parsed. */
export interface EmulatorRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  bodyText: string;
}

/** A reply; an object body is sent as JSON, `undefined` as an empty body. */
export interface EmulatorReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}
