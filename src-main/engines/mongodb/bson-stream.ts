import { framedRecords, type RecordFraming } from './framed-records.ts';

/** The largest document a stream may hold: MongoDB's 16 MiB limit plus room for a server's own overhead. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 + 16 * 1024;

const BSON_FRAMING: RecordFraming = {
  headerBytes: 4,
  recordLength(bytes, offset, index) {
    const length = bytes.readInt32LE(offset);
    if (length < 5 || length > MAX_DOCUMENT_BYTES) throw new Error(`Document ${index + 1} has an impossible length (${length} bytes): the data is damaged.`);
    return length;
  },
  truncated: (index, leftover) => new Error(`The data ends inside document ${index + 1} (${leftover} bytes left over): it is truncated.`),
};

/**
 * Splits a stream of BSON documents laid end to end (a mongodump `.bson` file) into one buffer per
 * document. A length prefix that cannot be a document, or a stream ending inside one, is damage and
 * throws with the document's position; nothing after it is returned as if it were whole.
 */
export async function* bsonDocuments(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let index = 0;
  for await (const document of framedRecords(source, BSON_FRAMING)) {
    if (document[document.length - 1] !== 0) throw new Error(`Document ${index + 1} does not end where its length says: the data is damaged.`);
    index++;
    yield document;
  }
}
