/** How a stream's records are framed: each starts with a header that says the whole record's length. */
export interface RecordFraming {
  /** Bytes of the header (what `recordLength` needs to see). */
  headerBytes: number;
  /** The whole record's length from its header at `offset`, or throws: a header that cannot be one is damage. */
  recordLength(bytes: Buffer, offset: number, index: number): number;
  /** The error for a stream that ends inside record `index` (0-based) with `leftover` bytes of it. */
  truncated(index: number, leftover: number): Error;
}

/**
 * Splits a byte stream into records laid end to end (BSON documents, column blocks). Pieces are
 * joined only once a whole record is there, so a big record arriving in many small pieces is copied
 * once, not once per piece. A record is a view into the joined bytes.
 */
export async function* framedRecords(source: AsyncIterable<Uint8Array>, framing: RecordFraming): AsyncGenerator<Buffer> {
  let pieces: Buffer[] = [];
  let buffered = 0;
  let needed = framing.headerBytes;
  let index = 0;
  for await (const piece of source) {
    pieces.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    buffered += piece.byteLength;
    if (buffered < needed) continue;
    let pending = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, buffered);
    let offset = 0;
    needed = framing.headerBytes;
    while (pending.length - offset >= framing.headerBytes) {
      const length = framing.recordLength(pending, offset, index);
      if (pending.length - offset < length) {
        needed = length;
        break;
      }
      yield pending.subarray(offset, offset + length);
      offset += length;
      index++;
    }
    pending = pending.subarray(offset);
    pieces = pending.length ? [pending] : [];
    buffered = pending.length;
  }
  if (buffered) throw framing.truncated(index, buffered);
}
