/** A growable byte buffer with the few encodings the column format uses (LEB128 varints). */
export class ByteWriter {
  private buffer: Buffer;
  length = 0;

  constructor(initialBytes = 256) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.length++] = value;
  }

  bytes(source: Uint8Array, start = 0, end = source.length): void {
    this.ensure(end - start);
    this.buffer.set(source.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** An unsigned integer below 2^53. */
  varint(value: number): void {
    this.ensure(8);
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buffer[this.length++] = value;
  }

  /** An unsigned 64-bit integer. */
  bigVarint(value: bigint): void {
    if (value < 0x20000000000000n) return this.varint(Number(value));
    this.ensure(10);
    while (value >= 0x80n) {
      this.buffer[this.length++] = Number(value & 0x7fn) | 0x80;
      value >>= 7n;
    }
    this.buffer[this.length++] = Number(value);
  }

  /** Goes back to an earlier length (what was written after it is dropped). */
  truncate(length: number): void {
    this.length = length;
  }

  /** The bytes written (a view: valid until the next write). */
  view(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** Thrown when encoded bytes do not read as the format says: the data is damaged. */
export class ColumnFormatError extends Error {}

/** Reads what ByteWriter wrote; every read past the end is damage. */
export class ByteReader {
  offset = 0;
  readonly bytes: Buffer;

  constructor(bytes: Buffer) {
    this.bytes = bytes;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) throw new ColumnFormatError('a column ends before its values');
  }

  byte(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  take(count: number): Buffer {
    this.need(count);
    const slice = this.bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return slice;
  }

  /**
   * Copies the next `count` bytes into `target` at `at` (the caller checked that they fit). Unlike
   * `take`, no view is made: the decoder copies millions of short values, and a view per value
   * was a fifth of its time in allocation and garbage collection.
   */
  copyTo(target: Uint8Array, at: number, count: number): void {
    this.need(count);
    const from = this.offset;
    if (count <= 32) {
      for (let i = 0; i < count; i++) target[at + i] = this.bytes[from + i]!;
    } else {
      this.bytes.copy(target, at, from, from + count);
    }
    this.offset += count;
  }

  /**
   * An unsigned varint as a Number when it is below 2^49 (at most seven bytes), else undefined with
   * nothing read: the caller reads it with `bigVarint`. Most 64-bit values (and their differences)
   * are small; BigInt arithmetic on each made garbage the decoder then had to collect.
   */
  smallVarint(): number | undefined {
    let value = 0;
    let scale = 1;
    const end = Math.min(this.bytes.length, this.offset + 7);
    for (let at = this.offset; at < end; at++) {
      const byte = this.bytes[at]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        this.offset = at + 1;
        return value;
      }
      scale *= 0x80;
    }
    return undefined;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let shift = 0; shift < 53; shift += 7) {
      const byte = this.byte();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
    throw new ColumnFormatError('a number is longer than the format allows');
  }

  bigVarint(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.byte();
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    throw new ColumnFormatError('a number is longer than the format allows');
  }

  /** Bytes up to (not including) the next zero byte, which is skipped. */
  cstring(): Buffer {
    const end = this.bytes.indexOf(0, this.offset);
    if (end < 0) throw new ColumnFormatError('a name has no end');
    const slice = this.bytes.subarray(this.offset, end);
    this.offset = end + 1;
    return slice;
  }
}
