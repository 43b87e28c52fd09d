import { crc32 } from 'node:zlib';
import { ByteWriter } from './byte-io.ts';
import { BLOCK_HEADER_BYTES, BLOCK_MAGIC, MAX_COLUMNS_PER_BLOCK, MAX_NAMES_PER_BLOCK, RAW_DOCUMENT, VALUE_KINDS, columnKey, endsBlock, zigzag32, zigzag64, type ValueKind } from './column-format.ts';

/** A BSON document that does not walk as the spec says: it is kept whole instead. */
class NotWellFormed extends Error {}

/** A document that would take the block past its columns or names (column-format.ts). */
class TooWide extends Error {}

/** One column of a block being encoded, with what it was before the current document (to undo it). */
class EncoderColumn {
  readonly kind: ValueKind;
  readonly writer = new ByteWriter(64);
  lastInt = 0;
  lastCounter = 0;
  lastBig = 0n;
  /** The document this column last saved its state for. */
  savedFor = -1;
  savedLength = 0;
  savedInt = 0;
  savedCounter = 0;
  savedBig = 0n;

  constructor(kind: ValueKind) {
    this.kind = kind;
  }

  save(document: number): void {
    this.savedFor = document;
    this.savedLength = this.writer.length;
    this.savedInt = this.lastInt;
    this.savedCounter = this.lastCounter;
    this.savedBig = this.lastBig;
  }

  restore(): void {
    this.writer.truncate(this.savedLength);
    this.lastInt = this.savedInt;
    this.lastCounter = this.savedCounter;
    this.lastBig = this.savedBig;
  }

  /** The stream: as written, but doubles as eight byte planes (exponents together, then ever noisier mantissa bytes). */
  stream(): Buffer {
    const bytes = this.writer.view();
    if (this.kind !== 'double') return Buffer.from(bytes);
    const count = bytes.length / 8;
    const planes = Buffer.allocUnsafe(bytes.length);
    for (let value = 0; value < count; value++) {
      for (let plane = 0; plane < 8; plane++) planes[plane * count + value] = bytes[value * 8 + plane]!;
    }
    return planes;
  }
}

/**
 * Turns BSON documents, one at a time, into "BSC1" blocks (column-format.ts). A document that is
 * not well-formed BSON (a server never sends one; it would be refused on restore anyway) is kept
 * whole, exactly as read.
 */
export class ColumnEncoder {
  private structure = new ByteWriter(4096);
  private raw = new ByteWriter(64);
  private names = new Map<string, number>();
  private nameOrder: string[] = [];
  private columns = new Map<number, EncoderColumn>();
  private columnOrder: number[] = [];
  private touched: EncoderColumn[] = [];
  private documents = 0;
  private bytes = 0;
  private crc = 0;

  /** Adds one document; returns the blocks it finished (none, usually). */
  add(document: Buffer): Buffer[] {
    // What a cursor or a `.bson` file hands over is framed as a document; anything else is a bug upstream.
    if (document.length < 5 || document.readInt32LE(0) !== document.length || document[document.length - 1] !== 0) throw new Error(`Not a BSON document: ${document.length} bytes that its length prefix and end do not frame.`);
    const blocks: Buffer[] = [];
    let fits = this.encode(document);
    if (!fits && this.documents) {
      // Too wide for what the block already holds: it starts the next one.
      blocks.push(this.finish());
      fits = this.encode(document);
    }
    if (!fits) this.keepWhole(document);
    this.documents++;
    this.bytes += document.length;
    this.crc = crc32(document, this.crc);
    if (endsBlock(document, this.bytes)) blocks.push(this.finish());
    return blocks;
  }

  /** The last block, if any document is left. */
  flush(): Buffer | undefined {
    return this.documents ? this.finish() : undefined;
  }

  /**
   * Puts a document in columns, or keeps it whole when it is not well-formed; false (nothing
   * changed) when it would take the block past its columns or names.
   */
  private encode(document: Buffer): boolean {
    const structureLength = this.structure.length;
    const namesBefore = this.nameOrder.length;
    const columnsBefore = this.columnOrder.length;
    this.touched = [];
    try {
      this.elements(document, 4, document.length - 1);
      return true;
    } catch (error) {
      if (!(error instanceof NotWellFormed) && !(error instanceof RangeError) && !(error instanceof TooWide)) throw error;
      this.undo(structureLength, namesBefore, columnsBefore);
      if (error instanceof TooWide) return false;
      this.keepWhole(document);
      return true;
    }
  }

  private keepWhole(document: Buffer): void {
    this.structure.byte(RAW_DOCUMENT);
    this.raw.varint(document.length);
    this.raw.bytes(document);
  }

  private undo(structureLength: number, namesBefore: number, columnsBefore: number): void {
    this.structure.truncate(structureLength);
    for (const column of this.touched) column.restore();
    for (const name of this.nameOrder.splice(namesBefore)) this.names.delete(name);
    for (const key of this.columnOrder.splice(columnsBefore)) this.columns.delete(key);
  }

  private column(nameId: number, type: number, kind: ValueKind): EncoderColumn {
    const key = columnKey(nameId, type);
    let column = this.columns.get(key);
    if (!column) {
      if (this.columnOrder.length >= MAX_COLUMNS_PER_BLOCK) throw new TooWide();
      column = new EncoderColumn(kind);
      this.columns.set(key, column);
      this.columnOrder.push(key);
    }
    if (column.savedFor !== this.documents) {
      column.save(this.documents);
      this.touched.push(column);
    }
    return column;
  }

  private nameId(document: Buffer, start: number, end: number): number {
    const name = document.toString('latin1', start, end);
    const known = this.names.get(name);
    if (known !== undefined) {
      this.structure.varint(known);
      return known;
    }
    const id = this.nameOrder.length;
    if (id >= MAX_NAMES_PER_BLOCK) throw new TooWide();
    this.names.set(name, id);
    this.nameOrder.push(name);
    // A number one past the names known so far introduces a new name, spelled out once.
    this.structure.varint(id);
    this.structure.bytes(document, start, end);
    this.structure.byte(0);
    return id;
  }

  /** Encodes the elements between `position` and `end` (a document's terminating zero). */
  private elements(document: Buffer, position: number, end: number): void {
    while (position < end) {
      const type = document[position]!;
      const kind = VALUE_KINDS.get(type);
      if (!kind) throw new NotWellFormed();
      const nameEnd = document.indexOf(0, position + 1);
      if (nameEnd < 0 || nameEnd >= end) throw new NotWellFormed();
      this.structure.byte(type);
      const nameId = this.nameId(document, position + 1, nameEnd);
      position = this.value(document, nameEnd + 1, end, type, kind, nameId);
    }
    if (position !== end) throw new NotWellFormed();
    this.structure.byte(0);
  }

  /** Encodes one value starting at `position`; returns where the next element starts. */
  private value(document: Buffer, position: number, end: number, type: number, kind: ValueKind, nameId: number): number {
    switch (kind) {
      case 'none':
        return position;
      case 'nested': {
        const length = document.readInt32LE(position);
        const next = position + length;
        if (length < 5 || next > end || document[next - 1] !== 0) throw new NotWellFormed();
        this.elements(document, position + 4, next - 1);
        return next;
      }
      case 'double':
        return this.fixed(document, position, end, 8, this.column(nameId, type, kind));
      case 'decimal':
        return this.fixed(document, position, end, 16, this.column(nameId, type, kind));
      case 'byte':
        return this.fixed(document, position, end, 1, this.column(nameId, type, kind));
      case 'string': {
        const length = document.readInt32LE(position);
        const next = position + 4 + length;
        if (length < 1 || next > end || document[next - 1] !== 0) throw new NotWellFormed();
        const column = this.column(nameId, type, kind);
        column.writer.varint(length - 1);
        column.writer.bytes(document, position + 4, next - 1);
        return next;
      }
      case 'binary': {
        const length = document.readInt32LE(position);
        const next = position + 5 + length;
        if (length < 0 || next > end) throw new NotWellFormed();
        const column = this.column(nameId, type, kind);
        column.writer.varint(length);
        column.writer.bytes(document, position + 4, next);
        return next;
      }
      case 'objectId': {
        if (position + 12 > end) throw new NotWellFormed();
        const column = this.column(nameId, type, kind);
        const time = document.readUInt32BE(position);
        const counter = document.readUIntBE(position + 9, 3);
        column.writer.varint(zigzag32((time - column.lastInt) | 0));
        column.writer.bytes(document, position + 4, position + 9);
        column.writer.varint(zigzag32((((counter - column.lastCounter) << 8) >> 8) | 0));
        column.lastInt = time;
        column.lastCounter = counter;
        return position + 12;
      }
      case 'int32': {
        if (position + 4 > end) throw new NotWellFormed();
        const column = this.column(nameId, type, kind);
        const value = document.readInt32LE(position);
        column.writer.varint(zigzag32((value - column.lastInt) | 0));
        column.lastInt = value;
        return position + 4;
      }
      case 'int64': {
        if (position + 8 > end) throw new NotWellFormed();
        const column = this.column(nameId, type, kind);
        const value = document.readBigInt64LE(position);
        column.writer.bigVarint(zigzag64(BigInt.asIntN(64, value - column.lastBig)));
        column.lastBig = value;
        return position + 8;
      }
      case 'regex': {
        const patternEnd = document.indexOf(0, position);
        const flagsEnd = patternEnd < 0 ? -1 : document.indexOf(0, patternEnd + 1);
        if (flagsEnd < 0 || flagsEnd >= end) throw new NotWellFormed();
        return this.sized(document, position, flagsEnd + 1, this.column(nameId, type, kind));
      }
      case 'dbPointer': {
        const length = document.readInt32LE(position);
        if (length < 1) throw new NotWellFormed();
        return this.sized(document, position, position + 4 + length + 12, this.column(nameId, type, kind), end);
      }
      case 'sized': {
        const length = document.readInt32LE(position);
        if (length < 4) throw new NotWellFormed();
        return this.sized(document, position, position + length, this.column(nameId, type, kind), end);
      }
    }
  }

  private fixed(document: Buffer, position: number, end: number, size: number, column: EncoderColumn): number {
    if (position + size > end) throw new NotWellFormed();
    column.writer.bytes(document, position, position + size);
    return position + size;
  }

  /** A value kept as its length and bytes. */
  private sized(document: Buffer, position: number, next: number, column: EncoderColumn, end = next): number {
    if (next > end) throw new NotWellFormed();
    column.writer.varint(next - position);
    column.writer.bytes(document, position, next);
    return next;
  }

  private finish(): Buffer {
    const streams = [Buffer.from(this.structure.view()), Buffer.from(this.raw.view()), ...this.columnOrder.map((key) => this.columns.get(key)!.stream())];
    const head = new ByteWriter(64 + streams.length * 4);
    head.varint(this.documents);
    head.varint(this.bytes);
    const crc = Buffer.allocUnsafe(4);
    crc.writeUInt32LE(this.crc >>> 0);
    head.bytes(crc);
    head.varint(streams.length);
    for (const stream of streams) head.varint(stream.length);
    const bodyLength = head.length + streams.reduce((sum, stream) => sum + stream.length, 0);
    const header = Buffer.allocUnsafe(BLOCK_HEADER_BYTES);
    BLOCK_MAGIC.copy(header, 0);
    header.writeUInt32LE(bodyLength, 4);
    const block = Buffer.concat([header, head.view(), ...streams], BLOCK_HEADER_BYTES + bodyLength);
    this.reset();
    return block;
  }

  private reset(): void {
    this.structure = new ByteWriter(4096);
    this.raw = new ByteWriter(64);
    this.names = new Map();
    this.nameOrder = [];
    this.columns = new Map();
    this.columnOrder = [];
    this.touched = [];
    this.documents = 0;
    this.bytes = 0;
    this.crc = 0;
  }
}

/** Encodes batches of BSON documents, as a backup reads them, into "BSC1" blocks as they fill. */
export async function* columnBlocks(batches: AsyncIterable<readonly Buffer[]>): AsyncGenerator<Buffer> {
  const encoder = new ColumnEncoder();
  for await (const batch of batches) {
    for (const document of batch) yield* encoder.add(document);
  }
  const last = encoder.flush();
  if (last) yield last;
}
