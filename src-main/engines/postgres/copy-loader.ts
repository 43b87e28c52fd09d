import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import copyStreams from 'pg-copy-streams';
import { EngineError } from '../engine-error.ts';
import type { Redactor } from '../redact.ts';
import { connectDriver, driverError } from './catalog.ts';
import type { PostgresConnection } from './connection.ts';

/** What pg_dump writes after the last row of a table's COPY text (`\.` and blank lines). */
const END_OF_DATA = Buffer.from('\\.\n\n\n');

/**
 * Passes COPY text through, dropping pg_dump's end-of-data marker when the text ends with it.
 * Over the protocol, COPY ends with CopyDone; servers before 18 stop at `\.` anyway, newer ones
 * may not, and the blank lines after it are not rows. The last bytes are held back (copied, never
 * a view of the caller's buffer) until the text is known to go on.
 */
export async function* withoutEndOfData(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let held = Buffer.alloc(0);
  for await (const piece of pieces) {
    const bytes = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (bytes.length >= END_OF_DATA.length) {
      const cut = bytes.length - END_OF_DATA.length;
      // Copied before yielding: the consumer may reuse `piece` once it has been handed on.
      const previous = held;
      held = Buffer.from(bytes.subarray(cut));
      if (previous.length > 0) yield previous;
      yield bytes.subarray(0, cut);
    } else {
      const joined = Buffer.concat([held, bytes]);
      const cut = Math.max(0, joined.length - END_OF_DATA.length);
      if (cut > 0) yield joined.subarray(0, cut);
      held = joined.subarray(cut);
    }
  }
  if (held.length > 0 && !held.equals(END_OF_DATA)) yield held;
}

/** One table load: where, as what session, which COPY statement, and the stored text. */
export interface TableLoad {
  connection: PostgresConnection;
  password: string | undefined;
  database: string;
  /** Session settings run before the COPY (pg_restore's fixed output state). */
  sessionSql: string;
  /** `COPY schema.table (columns) FROM stdin`. */
  copySql: string;
  /** `schema.table`, for messages. */
  label: string;
  data: AsyncIterable<Uint8Array>;
  signal: AbortSignal;
  redact: Redactor;
  /** Server notices and warnings during the load, already redacted. */
  onNotice(message: string): void;
}

/**
 * Loads one table's COPY text over a driver connection (COPY … FROM STDIN). In-process instead
 * of a `psql` child: no process per table and no pipe hop (measured on 580 MB of rows: 0.5 s of
 * client CPU against 1.2 s for Node plus psql). Returns the rows the server reports.
 * Cancel ends the connection, which aborts the COPY and its transaction on the server.
 */
export async function loadTableData(load: TableLoad): Promise<number> {
  const client = await connectDriver(load.connection, load.password, load.database, load.redact);
  client.on('notice', (notice: { message?: string }) => load.onNotice(load.redact(notice.message ?? '')));
  const onAbort = () => void client.end().catch(() => undefined);
  load.signal.addEventListener('abort', onAbort, { once: true });
  // A failure reading the stored text (a damaged chunk, say) is reported as it is, not as the server's.
  let sourceFailure: { error: unknown } | undefined;
  async function* source(): AsyncGenerator<Buffer> {
    try {
      yield* withoutEndOfData(load.data);
    } catch (error) {
      sourceFailure = { error };
      throw error;
    }
  }
  try {
    if (load.signal.aborted) throw load.signal.reason;
    await client.query(load.sessionSql);
    const copy = client.query(copyStreams.from(load.copySql));
    await pipeline(Readable.from(source()), copy, { signal: load.signal });
    return copy.rowCount;
  } catch (error) {
    if (load.signal.aborted) throw new EngineError('canceled', `Loading ${load.label} stopped: canceled.`);
    if (sourceFailure) throw sourceFailure.error;
    const failure = driverError(error, load.redact);
    throw new EngineError(failure.code, `Loading ${load.label}: ${failure.message}`, { cause: error });
  } finally {
    load.signal.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  }
}
