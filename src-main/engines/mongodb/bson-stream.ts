/** The largest document a stream may hold: MongoDB's 16 MiB limit plus room for a server's own overhead. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 + 16 * 1024;

/**
 * Splits a stream of BSON documents laid end to end (a mongodump `.bson` file) into one buffer per
 * document. A length prefix that cannot be a document, or a stream ending inside one, is damage and
 * throws with the document's position; nothing after it is returned as if it were whole.
 */
export async function* bsonDocuments(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  // Pieces not yet split; joined only once a whole document is there (a big document arriving in
  // many small pieces is copied once, not once per piece).
  let pieces: Buffer[] = [];
  let buffered = 0;
  let needed = 4;
  let index = 0;
  for await (const piece of source) {
    pieces.push(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
    buffered += piece.byteLength;
    if (buffered < needed) continue;
    let pending = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, buffered);
    let offset = 0;
    needed = 4;
    while (pending.length - offset >= 4) {
      const length = pending.readInt32LE(offset);
      if (length < 5 || length > MAX_DOCUMENT_BYTES) throw new Error(`Document ${index + 1} has an impossible length (${length} bytes): the data is damaged.`);
      if (pending.length - offset < length) {
        needed = length;
        break;
      }
      if (pending[offset + length - 1] !== 0) throw new Error(`Document ${index + 1} does not end where its length says: the data is damaged.`);
      yield pending.subarray(offset, offset + length);
      offset += length;
      index++;
    }
    pending = pending.subarray(offset);
    pieces = pending.length ? [pending] : [];
    buffered = pending.length;
  }
  if (buffered) throw new Error(`The data ends inside document ${index + 1} (${buffered} bytes left over): it is truncated.`);
}
