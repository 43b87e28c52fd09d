import { crc32 } from 'node:zlib';
import { framedRecords, type RecordFraming } from '../framed-records.ts';
import { ByteReader, ColumnFormatError } from './byte-io.ts';
import {
  BLOCK_HEADER_BYTES,
  BLOCK_MAGIC,
  FIRST_COLUMN_STREAM,
  MAX_BLOCK_BODY_BYTES,
  MAX_COLUMNS_PER_BLOCK,
  MAX_NAMES_PER_BLOCK,
  RAW_DOCUMENT,
  RAW_STREAM,
  STRUCTURE_STREAM,
  VALUE_KINDS,
  columnKey,
  unzigzag32,
  unzigzag64,
  type ValueKind,
} from './column-format.ts';

/** One column of a block being decoded. */
class DecoderColumn {
  readonly kind: ValueKind;
  readonly reader: ByteReader;
  lastInt = 0;
  lastCounter = 0;
  /** int64: the last value as a Number while every value was safe to hold as one, then as a BigInt (`big`). */
  lastNumber = 0;
  lastBig = 0n;
  big = false;
  /** Doubles: how many values the planes hold, and the next one. */
  readonly doubles: number;
  nextDouble = 0;

  constructor(kind: ValueKind, stream: Buffer) {
    this.kind = kind;
    this.reader = new ByteReader(stream);
    if (kind === 'double' && stream.length % 8) throw new ColumnFormatError('a column of doubles is not a whole number of values');
    this.doubles = kind === 'double' ? stream.length / 8 : 0;
  }

  get exhausted(): boolean {
    return this.kind === 'double' ? this.nextDouble === this.doubles : this.reader.remaining === 0;
  }
}

/** Value kinds by BSON type byte (an array: the decoder looks one up per element). */
const KIND_OF_TYPE: (ValueKind | undefined)[] = Array.from({ length: 256 }, (_, type) => VALUE_KINDS.get(type));

const TWO_TO_32 = 0x1_0000_0000;

/** The next int64 of a column: differences added as Numbers while the values stay safe integers, as BigInts after. */
function nextInt64(values: DecoderColumn, out: Buffer, at: number): void {
  if (!values.big) {
    const small = values.reader.smallVarint();
    if (small !== undefined) {
      const difference = small % 2 === 0 ? small / 2 : -(small + 1) / 2;
      const number = values.lastNumber + difference;
      if (Number.isSafeInteger(number)) {
        const high = Math.floor(number / TWO_TO_32);
        out.writeUInt32LE(number - high * TWO_TO_32, at);
        out.writeInt32LE(high, at + 4);
        values.lastNumber = number;
        return;
      }
      values.big = true;
      values.lastBig = BigInt.asIntN(64, BigInt(values.lastNumber) + BigInt(difference));
      out.writeBigInt64LE(values.lastBig, at);
      return;
    }
    values.big = true;
    values.lastBig = BigInt(values.lastNumber);
  }
  values.lastBig = BigInt.asIntN(64, values.lastBig + unzigzag64(values.reader.bigVarint()));
  out.writeBigInt64LE(values.lastBig, at);
}

/** Rebuilds the BSON documents of one block body (after magic and length), checking every count and the CRC. */
export function decodeBlock(body: Buffer): Buffer[] {
  const head = new ByteReader(body);
  const documentCount = head.varint();
  const totalBytes = head.varint();
  const expectedCrc = head.take(4).readUInt32LE(0);
  const streamCount = head.varint();
  // Bounds before anything is allocated: a damaged header must not ask for gigabytes.
  if (streamCount < FIRST_COLUMN_STREAM || streamCount > FIRST_COLUMN_STREAM + MAX_COLUMNS_PER_BLOCK || totalBytes > MAX_BLOCK_BODY_BYTES || documentCount > totalBytes / 5) {
    throw new ColumnFormatError('a block header is out of range');
  }
  const lengths = Array.from({ length: streamCount }, () => head.varint());
  const streams: Buffer[] = [];
  for (const [index, length] of lengths.entries()) {
    // The encoder writes no empty column (a column exists once a value is in it).
    if (index >= FIRST_COLUMN_STREAM && length === 0) throw new ColumnFormatError('a block has an empty column');
    streams.push(head.take(length));
  }
  if (head.remaining) throw new ColumnFormatError('a block has bytes after its last stream');

  const structure = new ByteReader(streams[STRUCTURE_STREAM]!);
  const raw = new ByteReader(streams[RAW_STREAM]!);
  const names: Buffer[] = [];
  const columns = new Map<number, DecoderColumn>();
  const out = Buffer.allocUnsafe(totalBytes);
  let position = 0;

  const room = (bytes: number): void => {
    if (position + bytes > out.length) throw new ColumnFormatError('the documents come out longer than the block says');
  };
  const column = (nameId: number, type: number, kind: ValueKind): DecoderColumn => {
    const key = columnKey(nameId, type);
    let found = columns.get(key);
    if (!found) {
      const stream = streams[FIRST_COLUMN_STREAM + columns.size];
      if (!stream) throw new ColumnFormatError('a value refers to a column the block does not have');
      found = new DecoderColumn(kind, stream);
      columns.set(key, found);
    }
    return found;
  };
  const copy = (bytes: Buffer): void => {
    room(bytes.length);
    bytes.copy(out, position);
    position += bytes.length;
  };

  const value = (type: number, kind: ValueKind, nameId: number): void => {
    switch (kind) {
      case 'none':
        return;
      case 'nested':
        return elements();
      case 'double': {
        const values = column(nameId, type, kind);
        if (values.nextDouble >= values.doubles) throw new ColumnFormatError('a column of doubles ends early');
        room(8);
        for (let plane = 0; plane < 8; plane++) out[position + plane] = values.reader.bytes[plane * values.doubles + values.nextDouble]!;
        values.nextDouble++;
        position += 8;
        return;
      }
      case 'decimal':
        room(16);
        column(nameId, type, kind).reader.copyTo(out, position, 16);
        position += 16;
        return;
      case 'byte':
        room(1);
        out[position++] = column(nameId, type, kind).reader.byte();
        return;
      case 'string': {
        const values = column(nameId, type, kind);
        const length = values.reader.varint();
        room(4 + length + 1);
        out.writeInt32LE(length + 1, position);
        values.reader.copyTo(out, position + 4, length);
        position += 4 + length;
        out[position++] = 0;
        return;
      }
      case 'binary': {
        const values = column(nameId, type, kind);
        const length = values.reader.varint();
        room(4 + length + 1);
        out.writeInt32LE(length, position);
        values.reader.copyTo(out, position + 4, length + 1);
        position += 4 + length + 1;
        return;
      }
      case 'objectId': {
        const values = column(nameId, type, kind);
        room(12);
        const time = (values.lastInt + unzigzag32(values.reader.varint())) >>> 0;
        values.reader.copyTo(out, position + 4, 5);
        const counter = (values.lastCounter + unzigzag32(values.reader.varint())) & 0xffffff;
        out.writeUInt32BE(time, position);
        out.writeUIntBE(counter, position + 9, 3);
        values.lastInt = time;
        values.lastCounter = counter;
        position += 12;
        return;
      }
      case 'int32': {
        const values = column(nameId, type, kind);
        const number = (values.lastInt + unzigzag32(values.reader.varint())) | 0;
        room(4);
        out.writeInt32LE(number, position);
        values.lastInt = number;
        position += 4;
        return;
      }
      case 'int64': {
        room(8);
        nextInt64(column(nameId, type, kind), out, position);
        position += 8;
        return;
      }
      case 'regex':
      case 'dbPointer':
      case 'sized': {
        const values = column(nameId, type, kind);
        const length = values.reader.varint();
        room(length);
        values.reader.copyTo(out, position, length);
        position += length;
        return;
      }
    }
  };

  /** Writes a (sub)document: its length, its elements as the structure lists them, its zero. */
  function elements(): void {
    const start = position;
    room(4);
    position += 4;
    for (;;) {
      const type = structure.byte();
      if (type === 0) break;
      const kind = KIND_OF_TYPE[type];
      if (!kind) throw new ColumnFormatError(`the structure names an unknown BSON type 0x${type.toString(16)}`);
      const nameId = structure.varint();
      if (nameId === names.length) {
        if (names.length >= MAX_NAMES_PER_BLOCK) throw new ColumnFormatError('a block lists more field names than the format allows');
        names.push(structure.cstring());
      }
      else if (nameId > names.length) throw new ColumnFormatError('the structure refers to a field name not yet listed');
      const name = names[nameId]!;
      room(1 + name.length + 1);
      out[position++] = type;
      // Names are short: a loop beats Buffer#copy's per-call cost.
      for (let i = 0; i < name.length; i++) out[position + i] = name[i]!;
      position += name.length;
      out[position++] = 0;
      value(type, kind, nameId);
    }
    room(1);
    out[position++] = 0;
    out.writeInt32LE(position - start, start);
  }

  const documents: Buffer[] = [];
  for (let index = 0; index < documentCount; index++) {
    const start = position;
    if (structure.bytes[structure.offset] === RAW_DOCUMENT) {
      structure.offset++;
      const whole = raw.take(raw.varint());
      // Kept whole because it was not well-formed inside; its framing still is a document's.
      if (whole.length < 5 || whole.readInt32LE(0) !== whole.length || whole[whole.length - 1] !== 0) throw new ColumnFormatError('a document kept whole is not framed as one');
      copy(whole);
    } else {
      elements();
    }
    documents.push(out.subarray(start, position));
  }
  if (position !== totalBytes) throw new ColumnFormatError(`the block's documents are ${position} bytes, not the ${totalBytes} it says`);
  if (structure.remaining || raw.remaining || columns.size !== streamCount - FIRST_COLUMN_STREAM || [...columns.values()].some((item) => !item.exhausted)) {
    throw new ColumnFormatError('a block has values no document uses');
  }
  if ((crc32(out) >>> 0) !== expectedCrc) throw new ColumnFormatError('the documents rebuilt from a block do not match its checksum');
  return documents;
}

/**
 * Rebuilds the BSON documents of a "BSC1" stream (column-format.ts), one buffer per document, in
 * order. Damage — a wrong magic, a block cut short, counts or a checksum that do not match — throws
 * with the block's position; nothing of a damaged block is returned.
 */
export async function* columnDocuments(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let block = 0;
  let offset = 0;
  const where = (index: number) => `Block ${index + 1} of the documents (at byte ${offset})`;
  const framing: RecordFraming = {
    headerBytes: BLOCK_HEADER_BYTES,
    recordLength(bytes, at, index) {
      if (!bytes.subarray(at, at + 4).equals(BLOCK_MAGIC)) throw new Error(`${where(index)} does not start as one: the data is damaged.`);
      const bodyLength = bytes.readUInt32LE(at + 4);
      if (bodyLength > MAX_BLOCK_BODY_BYTES) throw new Error(`${where(index)} has an impossible length (${bodyLength} bytes): the data is damaged.`);
      return BLOCK_HEADER_BYTES + bodyLength;
    },
    truncated: (index, leftover) => new Error(`The documents end inside block ${index + 1} (${leftover} bytes left over): they are truncated.`),
  };
  for await (const record of framedRecords(source, framing)) {
    let documents: Buffer[];
    try {
      documents = decodeBlock(record.subarray(BLOCK_HEADER_BYTES));
    } catch (error) {
      if (error instanceof ColumnFormatError || error instanceof RangeError) throw new Error(`${where(block)} is damaged: ${error.message}.`, { cause: error });
      throw error;
    }
    yield* documents;
    offset += record.length;
    block++;
  }
}
