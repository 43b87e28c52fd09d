import { BSON, Binary, BSONRegExp, BSONSymbol, Code, DBRef, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { constants, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { columnDocuments } from '../../../src-main/engines/mongodb/columns/column-decoder.ts';
import { ColumnEncoder, columnBlocks } from '../../../src-main/engines/mongodb/columns/column-encoder.ts';
import { BLOCK_MIN_BYTES, MAX_COLUMNS_PER_BLOCK, MAX_NAMES_PER_BLOCK } from '../../../src-main/engines/mongodb/columns/column-format.ts';
import { ByteWriter } from '../../../src-main/engines/mongodb/columns/byte-io.ts';

function encode(documents: Buffer[]): Buffer[] {
  const encoder = new ColumnEncoder();
  const blocks: Buffer[] = [];
  for (const document of documents) blocks.push(...encoder.add(document));
  const last = encoder.flush();
  if (last) blocks.push(last);
  return blocks;
}

async function decode(stream: Buffer, pieceBytes = 7919): Promise<Buffer[]> {
  async function* pieces() {
    for (let at = 0; at < stream.length; at += pieceBytes) yield stream.subarray(at, at + pieceBytes);
  }
  const documents: Buffer[] = [];
  for await (const document of columnDocuments(pieces())) documents.push(Buffer.from(document));
  return documents;
}

const bson = (document: Record<string, unknown>) => Buffer.from(BSON.serialize(document));

/** Every BSON type, nested documents and arrays, names that need care. */
function everyType(n: number): Record<string, unknown> {
  return {
    _id: new ObjectId(),
    double: new Double(n / 7),
    negativeZero: new Double(-0),
    nan: new Double(NaN),
    text: `text ${n} ünïcødé ✓`,
    empty: '',
    nested: { deeper: { list: [1, 'two', { three: new Int32(3) }, [], {}], flag: n % 2 === 0 } },
    emptyDocument: {},
    binary: new Binary(Buffer.from([n & 255, 1, 2, 3]), 4),
    oldBinary: new Binary(Buffer.from('abc'), 2),
    undefinedValue: undefined,
    bool: true,
    date: new Date(1_700_000_000_000 + n * 60_000),
    nullValue: null,
    regex: new BSONRegExp(`^a${n}.c$`, 'imsux'),
    code: new Code('function () { return 1; }'),
    codeWithScope: new Code('x', { x: new Int32(n) }),
    symbol: new BSONSymbol('sym'),
    int32: new Int32(n % 2 ? -2147483648 : 2147483647),
    timestamp: new Timestamp({ t: 4294967295 - n, i: n }),
    int64: n % 2 ? Long.MIN_VALUE : Long.MAX_VALUE,
    decimal: Decimal128.fromString(`${n}.25`),
    minKey: new MinKey(),
    maxKey: new MaxKey(),
    ref: new DBRef('other', new ObjectId()),
    'ключ с пробелом': n,
    'dotted.name': 'kept',
  };
}

describe('BSON in columns', () => {
  it('gives back every document byte for byte: every type, nested, empty, and a 1 MiB string', async () => {
    const documents = [
      ...Array.from({ length: 400 }, (_, n) => bson(everyType(n))),
      bson({}),
      bson({ _id: 'big', text: 'x'.repeat(1024 * 1024) }),
      ...Array.from({ length: 50 }, (_, n) => bson({ _id: n, varying: n % 3 ? 'string' : new Int32(n), [`field${n % 5}`]: [n, n] })),
    ];
    const stream = Buffer.concat(encode(documents));
    const back = await decode(stream);
    expect(back.length).toBe(documents.length);
    back.forEach((document, index) => expect(document.equals(documents[index]!), `document ${index}`).toBe(true));
  });

  it('carries differences across wrap-arounds: int32, int64, dates and ObjectId counters at their limits', async () => {
    const values = [0, -1, 2147483647, -2147483648, 1, -2147483648, 2147483647];
    const documents = values.map((value, index) =>
      bson({
        _id: new ObjectId(Buffer.from(`${(0xffffffff - index).toString(16).padStart(8, '0')}0102030405${(index % 2 ? 0xffffff : 0).toString(16).padStart(6, '0')}`, 'hex')),
        int32: new Int32(value),
        int64: index % 2 ? Long.MIN_VALUE : Long.fromNumber(value),
        date: new Date(index % 2 ? -8.64e15 : 8.64e15),
      }),
    );
    const back = await decode(Buffer.concat(encode(documents)));
    back.forEach((document, index) => expect(document.equals(documents[index]!), `document ${index}`).toBe(true));
  });

  it('rebuilds 64-bit values exactly around the limits of the decoder\'s fast path (safe integers, seven-byte differences)', async () => {
    const safe = 2n ** 53n - 1n;
    // Steps small enough for the fast path climb past the largest safe integer (odd values there are not Numbers).
    const climb = Array.from({ length: 72 }, (_, step) => BigInt(step) * (2n ** 47n + 12_345n) + 1n);
    const values = [0n, 5n, -7n, ...climb, 2n ** 48n, 2n ** 49n, 2n ** 49n + 1n, -(2n ** 49n), safe - 1n, safe, safe + 2n, safe + 1n, -safe, -safe - 2n, -safe, 2n ** 63n - 1n, -(2n ** 63n), 3n, 2n ** 62n, 1n];
    expect(climb.at(-1)! > safe).toBe(true);
    // One column walks through every case in order; another starts beyond the fast path at once.
    const documents = values.map((value, index) => bson({ _id: index, walk: Long.fromBigInt(value), jump: Long.fromBigInt(index % 2 ? -(2n ** 60n) + BigInt(index) : 2n ** 61n - BigInt(index)), at: new Date(Number(value % 8_000_000_000_000n)) }));
    const back = await decode(Buffer.concat(encode(documents)));
    expect(back.length).toBe(documents.length);
    back.forEach((document, index) => expect(document.equals(documents[index]!), `document ${index} (${values[index]})`).toBe(true));
  });

  it('keeps a document that is not well-formed BSON whole, and the documents around it are unaffected', async () => {
    const good = (n: number) => bson({ _id: n, count: new Int32(n * 3), name: `n${n}` });
    const broken = Buffer.from(good(1000));
    broken[4] = 0x20; // an element type BSON does not have
    const truncatedString = Buffer.from(good(2000));
    truncatedString.writeInt32LE(9999, truncatedString.indexOf('name') + 5); // a string length running past the document
    const documents = [good(1), good(2), broken, good(3), truncatedString, good(4), bson({ _id: 5, newField: 'only here' })];
    const back = await decode(Buffer.concat(encode(documents)));
    back.forEach((document, index) => expect(document.equals(documents[index]!), `document ${index}`).toBe(true));
  });

  it('splits many documents into blocks that resynchronize after an insertion (an unchanged tail encodes the same)', async () => {
    const make = (n: number) => bson({ _id: new ObjectId(n.toString(16).padStart(24, '0')), n: new Int32(n), note: `note ${n} `.repeat(20) });
    const documents = Array.from({ length: 40_000 }, (_, n) => make(n * 2));
    const before = encode(documents);
    expect(before.length).toBeGreaterThan(4);
    const changed = [...documents.slice(0, 1000), make(2001), ...documents.slice(1000)];
    const after = encode(changed);
    const beforeSet = new Set(before.map((block) => block.toString('base64')));
    const shared = after.filter((block) => beforeSet.has(block.toString('base64'))).length;
    // Only the blocks around the inserted document differ.
    expect(shared).toBeGreaterThanOrEqual(before.length - 2);
    expect(Buffer.concat(encode(documents)).equals(Buffer.concat(before))).toBe(true);
    const back = await decode(Buffer.concat(after), 65536);
    expect(back.length).toBe(changed.length);
    expect(Buffer.concat(back).equals(Buffer.concat(changed))).toBe(true);
  });

  it('compresses sequential documents far better than their plain BSON', () => {
    const documents = Array.from({ length: 20_000 }, (_, n) =>
      bson({ _id: new ObjectId(), tenant: new Int32(n % 1000), sequence: Long.fromNumber(n * 7919), amount: new Double((n % 100_000) / 7), at: new Date(1_700_000_000_000 + n * 1000), zip: String(n % 99_999).padStart(5, '0') }),
    );
    const zstd = (bytes: Buffer) => zstdCompressSync(bytes, { params: { [constants.ZSTD_c_compressionLevel]: 2 } }).length;
    const plain = zstd(Buffer.concat(documents));
    const columns = zstd(Buffer.concat(encode(documents)));
    expect(columns / plain).toBeLessThan(0.6);
  });

  it('finds damage: a changed byte, a cut stream, a foreign stream', async () => {
    const documents = Array.from({ length: 3000 }, (_, n) => bson(everyType(n)));
    const stream = Buffer.concat(encode(documents));
    expect(stream.length).toBeGreaterThan(BLOCK_MIN_BYTES / 4);
    for (const at of [40, Math.floor(stream.length / 3), stream.length - 10]) {
      const damaged = Buffer.from(stream);
      damaged[at] = damaged[at]! ^ 0x55;
      await expect(decode(damaged), `byte ${at}`).rejects.toThrow(/damaged|truncated/);
    }
    await expect(decode(stream.subarray(0, stream.length - 1))).rejects.toThrow(/truncated/);
    await expect(decode(Buffer.concat(documents.slice(0, 10)))).rejects.toThrow(/does not start as one: the data is damaged/);
  });

  it('encodes as batches arrive, the way a backup streams them', async () => {
    const documents = Array.from({ length: 5000 }, (_, n) => bson(everyType(n)));
    async function* batches() {
      for (let at = 0; at < documents.length; at += 1000) yield documents.slice(at, at + 1000);
    }
    const blocks: Buffer[] = [];
    for await (const block of columnBlocks(batches())) blocks.push(block);
    expect(Buffer.concat(blocks).equals(Buffer.concat(encode(documents)))).toBe(true);
    expect(Buffer.concat(await decode(Buffer.concat(blocks))).equals(Buffer.concat(documents))).toBe(true);
  });

  it('keeps a document too wide for columns whole, and starts a new block for one that would overfill a block', async () => {
    const wide = bson({ _id: 1, samples: Array.from({ length: MAX_NAMES_PER_BLOCK + 10 }, (_, n) => new Int32(n)) });
    const halfWide = (id: number, offset: number) => bson({ _id: id, values: Object.fromEntries(Array.from({ length: MAX_COLUMNS_PER_BLOCK / 2 + 50 }, (_, n) => [`f${offset + n}`, true])) });
    const documents = [bson({ _id: 0 }), wide, halfWide(2, 0), halfWide(3, 100_000), bson({ _id: 4 })];
    const blocks = encode(documents);
    // The wide one is kept whole (its bytes are in the stream as they are) in a block of its own
    // making; the second half-wide document does not fit beside the first and begins the next block.
    expect(blocks.length).toBe(3);
    expect(blocks[1]!.includes(wide)).toBe(true);
    expect(blocks.some((block) => block.includes(documents[2]!) || block.includes(documents[3]!))).toBe(false);
    const back = await decode(Buffer.concat(blocks));
    back.forEach((document, index) => expect(document.equals(documents[index]!), `document ${index}`).toBe(true));
  });

  it('refuses what no cursor sends (bytes not framed as a document), and blocks crafted to mislead the decoder', async () => {
    expect(() => new ColumnEncoder().add(Buffer.from([5, 0, 0, 0, 1]))).toThrow(/Not a BSON document/);
    // A block claiming five documents kept whole that are not framed as documents.
    const body = new ByteWriter();
    body.varint(5);
    body.varint(25);
    body.bytes(Buffer.alloc(4));
    body.varint(2);
    body.varint(5);
    body.varint(10);
    body.bytes(Buffer.alloc(5, 0xfe));
    body.bytes(Buffer.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]));
    const header = Buffer.alloc(8);
    header.write('BSC1', 'latin1');
    header.writeUInt32LE(body.length, 4);
    await expect(decode(Buffer.concat([header, body.view()]))).rejects.toThrow(/damaged: a document kept whole is not framed as one/);
    // A header asking for millions of streams is refused before anything is allocated for them.
    const many = new ByteWriter();
    many.varint(1);
    many.varint(5);
    many.bytes(Buffer.alloc(4));
    many.varint(5_000_000);
    header.writeUInt32LE(many.length, 4);
    await expect(decode(Buffer.concat([header, many.view()]))).rejects.toThrow(/damaged: a block header is out of range/);
  });
});
