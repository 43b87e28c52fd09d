import { BSON, Decimal128, Int32, Long, ObjectId } from 'bson';
import { OpMsgRequest } from 'mongodb/lib/cmap/commands.js';
import { describe, expect, it } from 'vitest';
import { DRIVER_VERSION } from '../../../src-main/engines/mongodb/driver-version.ts';
import { DRIVER_WITH_RAW_SEQUENCES, RawDocumentSequence, installRawDocumentSequences } from '../../../src-main/engines/mongodb/raw-document-sequence.ts';

interface Encodable {
  toBin(): Uint8Array[];
}
const Request = OpMsgRequest as new (database: string, command: Record<string, unknown>, options: Record<string, unknown>) => Encodable;

/** Reads an OP_MSG as the wire protocol defines it (independently of the driver's encoder). */
function parseOpMsg(message: Buffer): { body: BSON.Document; sequences: { identifier: string; bytes: Buffer; documents: Buffer[] }[] } {
  expect(message.readInt32LE(0)).toBe(message.length);
  expect(message.readInt32LE(12)).toBe(2013);
  let offset = 20;
  let body: BSON.Document | undefined;
  const sequences: { identifier: string; bytes: Buffer; documents: Buffer[] }[] = [];
  while (offset < message.length) {
    const kind = message[offset]!;
    offset++;
    if (kind === 0) {
      const length = message.readInt32LE(offset);
      body = BSON.deserialize(message.subarray(offset, offset + length));
      offset += length;
    } else {
      expect(kind).toBe(1);
      const size = message.readInt32LE(offset);
      const end = offset + size;
      const nameEnd = message.indexOf(0, offset + 4);
      const identifier = message.subarray(offset + 4, nameEnd).toString('utf8');
      const bytes = message.subarray(nameEnd + 1, end);
      const documents: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const length = bytes.readInt32LE(at);
        documents.push(bytes.subarray(at, at + length));
        at += length;
      }
      sequences.push({ identifier, bytes, documents });
      offset = end;
    }
  }
  expect(offset).toBe(message.length);
  return { body: body!, sequences };
}

describe('stored BSON sent as an OP_MSG document sequence', () => {
  it('is available with the pinned driver, and refused for any other version', () => {
    expect(DRIVER_VERSION).toBe(DRIVER_WITH_RAW_SEQUENCES);
    expect(installRawDocumentSequences('6.10.0')).toBe(false);
    expect(installRawDocumentSequences(DRIVER_VERSION)).toBe(true);
    expect(installRawDocumentSequences(DRIVER_VERSION)).toBe(true);
  });

  it('sends the documents byte for byte in a kind 1 section, and the rest of the command in the body', () => {
    installRawDocumentSequences(DRIVER_VERSION);
    const documents = [
      { _id: new ObjectId(), n: new Int32(1), big: Long.fromString('9007199254740993'), price: Decimal128.fromString('1.10'), 'ключ': 'значение' },
      { _id: 'second', nested: { list: [1, 'two', { three: 3 }] } },
    ].map((document) => BSON.serialize(document));
    const command = { insert: 'orders', documents: new RawDocumentSequence(documents), ordered: false, bypassDocumentValidation: true };
    const message = Buffer.concat(new Request('shop', command, {}).toBin());
    const { body, sequences } = parseOpMsg(message);
    expect(body).toEqual({ insert: 'orders', ordered: false, bypassDocumentValidation: true, $db: 'shop' });
    expect(sequences).toHaveLength(1);
    expect(sequences[0]!.identifier).toBe('documents');
    expect(sequences[0]!.bytes.equals(Buffer.concat(documents))).toBe(true);
    expect(sequences[0]!.documents.map((document) => document.toString('hex'))).toEqual(documents.map((document) => Buffer.from(document).toString('hex')));
  });

  it('leaves every other command as the driver encodes it: one body section', () => {
    installRawDocumentSequences(DRIVER_VERSION);
    const message = Buffer.concat(new Request('shop', { insert: 'orders', documents: [{ _id: 1 }], ordered: true }, {}).toBin());
    const { body, sequences } = parseOpMsg(message);
    expect(sequences).toEqual([]);
    expect(body).toEqual({ insert: 'orders', documents: [{ _id: 1 }], ordered: true, $db: 'shop' });
  });
});
