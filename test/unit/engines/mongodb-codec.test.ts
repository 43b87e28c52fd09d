import { BSON, Binary, BSONRegExp, BSONSymbol, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bsonDocuments } from '../../../src-main/engines/mongodb/bson-stream.ts';
import { parseMongodbUri, describeMongodbConnection, isCosmosRu } from '../../../src-main/engines/mongodb/connection.ts';
import { mongodumpFileStem, parseCollectionMetadata, serializeCollectionMetadata } from '../../../src-main/engines/mongodb/layout.ts';
import { resumeFilter } from '../../../src-main/engines/mongodb/resume-filter.ts';
import { retryDelayMs, serverRetryAfterMs, isRetryable } from '../../../src-main/engines/mongodb/throttling.ts';

/** The restore's decode options (document-writer.ts): every value keeps its BSON type. */
const EXACT_TYPES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** Every BSON type, including those FerretDB 1.24 refuses (so the integration suite cannot cover them). */
function everyType(): Record<string, unknown> {
  return {
    _id: new ObjectId('65f0a1b2c3d4e5f601234567'),
    decimal: Decimal128.fromString('12345678901234567890.123456789'),
    int32: new Int32(-7),
    int64: Long.fromString('-9223372036854775808'),
    double: new Double(1),
    negativeZero: new Double(-0),
    nan: new Double(NaN),
    infinity: new Double(Infinity),
    minKey: new MinKey(),
    maxKey: new MaxKey(),
    code: new Code('function () { return 1; }'),
    codeWithScope: new Code('x', { x: new Int32(1) }),
    symbol: new BSONSymbol('sym'),
    regex: new BSONRegExp('^a.c$', 'imsux'),
    timestamp: new Timestamp({ t: 4294967295, i: 4294967295 }),
    date: new Date(-1),
    binaries: [0, 1, 2, 3, 4, 5, 6, 7, 8, 128].map((subtype) => new Binary(Buffer.from([subtype, 1, 2]), subtype === 4 ? 4 : subtype === 3 ? 3 : subtype)),
    nestedArrays: [[[1, [2]]], []],
    '$dollar': { 'dotted.key': true, 'ключ': '✓', '': 'empty key' },
    nothing: null,
    undefinedValue: undefined,
  };
}

describe('MongoDB engine codec and helpers', () => {
  it('decodes and re-encodes every BSON type to the same bytes (what the restore writes is what was read)', () => {
    const bytes = BSON.serialize(everyType(), { ignoreUndefined: false });
    const again = BSON.serialize(BSON.deserialize(bytes, EXACT_TYPES), { ignoreUndefined: false });
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    // Promoted values would lose types: the check above is not vacuous.
    expect(Buffer.from(BSON.serialize(BSON.deserialize(bytes))).equals(Buffer.from(bytes))).toBe(false);
  });

  it('splits a stream of documents whatever the piece boundaries, and calls damage and truncation by name', async () => {
    const documents = [everyType(), { _id: 2, big: 'x'.repeat(300_000) }, { _id: 3 }].map((document) => Buffer.from(BSON.serialize(document)));
    const all = Buffer.concat(documents);
    for (const pieceSize of [1, 7, 4096, all.length]) {
      const pieces = [];
      for (let at = 0; at < all.length; at += pieceSize) pieces.push(all.subarray(at, at + pieceSize));
      const out: Buffer[] = [];
      for await (const document of bsonDocuments(Readable.from(pieces))) out.push(Buffer.from(document));
      expect(out.map((document) => document.toString('hex'))).toEqual(documents.map((document) => document.toString('hex')));
    }
    const truncated = async () => {
      for await (const _ of bsonDocuments(Readable.from([all.subarray(0, all.length - 3)]))) void _;
    };
    await expect(truncated()).rejects.toThrow(/ends inside document 3 .*truncated/);
    const damaged = Buffer.from(all);
    damaged.writeInt32LE(2, 0);
    const broken = async () => {
      for await (const _ of bsonDocuments(Readable.from([damaged]))) void _;
    };
    await expect(broken()).rejects.toThrow(/Document 1 has an impossible length/);
  });

  it('resumes an _id-ordered read in the later type brackets too', () => {
    expect(resumeFilter(new Int32(5))).toEqual({ $or: [{ _id: { $gt: new Int32(5) } }, { _id: { $type: [14, 2, 3, 5, 7, 8, 9, 17, 11, 127] } }] });
    const id = new ObjectId();
    expect(resumeFilter(id)).toEqual({ $or: [{ _id: { $gt: id } }, { _id: { $type: [8, 9, 17, 11, 127] } }] });
    expect(resumeFilter(new MaxKey())).toEqual({ _id: { $gt: new MaxKey() } });
    // For servers that refuse types they cannot store (FerretDB 1.x): only the common ones.
    expect(resumeFilter(id, true)).toEqual({ $or: [{ _id: { $gt: id } }, { _id: { $type: [8, 9, 17, 11] } }] });
  });

  it("honours the server's RetryAfterMs with jitter, and backs off exponentially without it", () => {
    const throttled = { code: 16500, errmsg: 'Error=16500, RetryAfterMs=120, Details=...' };
    expect(isRetryable(throttled)).toBe(true);
    expect(isRetryable({ code: 50 })).toBe(true);
    expect(isRetryable({ code: 11000 })).toBe(false);
    expect(serverRetryAfterMs(throttled)).toBe(120);
    expect(retryDelayMs(throttled, 0, () => 0)).toBe(120);
    expect(retryDelayMs(throttled, 0, () => 1)).toBe(150);
    expect(retryDelayMs({ code: 16500, errmsg: 'Request rate is large' }, 3, () => 0)).toBe(800);
    expect(retryDelayMs({ code: 16500 }, 20, () => 0)).toBe(5000);
  });

  it('escapes collection file names exactly as mongodump does', () => {
    expect(mongodumpFileStem('orders')).toBe('orders');
    expect(mongodumpFileStem('we ird/na%me.ü')).toBe('we+ird%2Fna%25me.%C3%BC');
    expect(mongodumpFileStem("a!b'c(d)e*f~g")).toBe('a%21b%27c%28d%29e%2Af~g');
    const long = 'c'.repeat(300);
    // mongodump: the first 208 bytes, `%24`, and the unpadded base64url SHA-1 of the name (27 characters).
    expect(mongodumpFileStem(long)).toMatch(/^c{208}%24[A-Za-z0-9_-]{27}$/);
    expect(mongodumpFileStem(long).length).toBe(238);
  });

  it('splits the credentials off a connection string and keeps its hosts and options', () => {
    const parsed = parseMongodbUri('mongodb://backup%40ops:p%3Ass@db-1.example.com:10255,db-2.example.com/sales?tls=true&replicaSet=rs0');
    expect(parsed).toEqual({
      connection: { engine: 'mongodb', uri: 'mongodb://db-1.example.com:10255,db-2.example.com/sales?tls=true&replicaSet=rs0', user: 'backup@ops' },
      password: 'p:ss',
      host: 'db-1.example.com',
      port: 10255,
      database: 'sales',
    });
    expect(describeMongodbConnection(parsed.connection)).toBe('mongodb://backup%40ops@db-1.example.com:10255,db-2.example.com/sales?tls=true&replicaSet=rs0');
    expect(parseMongodbUri('mongodb+srv://cluster.mongocluster.cosmos.azure.com/').connection).toEqual({ engine: 'mongodb', uri: 'mongodb+srv://cluster.mongocluster.cosmos.azure.com/' });
    expect(parseMongodbUri('mongodb://[::1]:27018').port).toBe(27018);
    expect(isCosmosRu(parseMongodbUri('mongodb://acct:key@acct.mongo.cosmos.azure.com:10255/?ssl=true').connection)).toBe(true);
    expect(isCosmosRu(parseMongodbUri('mongodb://c.mongocluster.cosmos.azure.com/').connection)).toBe(false);
    expect(() => parseMongodbUri('postgres://x@y/z')).toThrow(/Not a valid MongoDB connection string/);
    expect(() => parseMongodbUri('mongodb://h:99999/')).toThrow(/out of range/);
  });

  it('round-trips collection metadata through canonical Extended JSON and refuses damage in words', () => {
    const metadata = { collectionName: 'orders', type: 'collection' as const, options: { capped: true, size: new Long(1024) }, indexes: [{ v: new Int32(2), key: { _id: new Int32(1) }, name: '_id_' }], documents: 12, shardKey: { region: 'hashed' } };
    const parsed = parseCollectionMetadata(serializeCollectionMetadata(metadata), 'collection shop.orders');
    expect(parsed.documents).toBe(12);
    expect(BSON.serialize(parsed.options)).toEqual(BSON.serialize(metadata.options));
    expect(() => parseCollectionMetadata(Buffer.from('{"collectionName": '), 'collection shop.orders')).toThrow(/metadata of collection shop.orders is not valid Extended JSON/);
    expect(() => parseCollectionMetadata(Buffer.from('{"collectionName": "x"}'), 'collection shop.x')).toThrow(/not a collection description/);
  });
});
